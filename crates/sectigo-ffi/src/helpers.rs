//! What the spec gives besides calls: the web product catalogue (the header's
//! `sectigo_web_product` and `sectigo_term` enums, generated from `spec/products.toml`) and
//! the customer's page URLs. The same helpers as every other language's, from the core.

use std::ffi::c_char;

use sectigo::{Error, Term, WebProduct};

use crate::boundary::{check_out, guard, lookup, put, text};
use crate::failure::sectigo_result::*;
use crate::failure::{Failure, sectigo_error, sectigo_result};
use crate::strings::c_string;

/// A product of the header's `sectigo_web_product` (numbered from 1 in the catalogue's order).
fn product(number: i32) -> Option<WebProduct> {
    usize::try_from(number).ok()?.checked_sub(1).and_then(|i| WebProduct::ALL.get(i)).copied()
}

/// A term of the header's `sectigo_term` (numbered from 1 in the catalogue's order).
fn term(number: i32) -> Option<Term> {
    usize::try_from(number).ok()?.checked_sub(1).and_then(|i| Term::ALL.get(i)).copied()
}

/// The pricing code (PPP, sent as the item's `PPP`) of a product of `sectigo_web_product` for a
/// term of `sectigo_term`: `SECTIGO_RESULT_NOT_FOUND` when the product is not sold for that
/// term, `SECTIGO_RESULT_OUT_OF_RANGE` for a number that is neither.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_catalogue_ppp(
    product_number: i32,
    term_number: i32,
    ppp_out: *mut i64,
) -> sectigo_result {
    lookup(|| {
        check_out(ppp_out, "ppp_out")?;
        let (Some(p), Some(t)) = (product(product_number), term(term_number)) else {
            return Ok(SECTIGO_RESULT_OUT_OF_RANGE);
        };
        match p.ppp(t) {
            Some(code) => unsafe { put(ppp_out, code) },
            None => return Ok(SECTIGO_RESULT_NOT_FOUND),
        }
        Ok(SECTIGO_RESULT_OK)
    })
}

/// The product (`sectigo_web_product`) and term (`sectigo_term`) of a pricing code;
/// `SECTIGO_RESULT_NOT_FOUND` for a code the catalogue does not hold.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_catalogue_from_ppp(
    ppp: i64,
    product_out: *mut i32,
    term_out: *mut i32,
) -> sectigo_result {
    lookup(|| {
        check_out(product_out, "product_out")?;
        check_out(term_out, "term_out")?;
        let Some((p, t)) = WebProduct::from_ppp(ppp) else { return Ok(SECTIGO_RESULT_NOT_FOUND) };
        let number = |i: Option<usize>| i.and_then(|i| i32::try_from(i + 1).ok()).unwrap_or(0);
        unsafe {
            put(product_out, number(WebProduct::ALL.iter().position(|x| *x == p)));
            put(term_out, number(Term::ALL.iter().position(|x| *x == t)));
        }
        Ok(SECTIGO_RESULT_OK)
    })
}

/// The URL of a customer page (`SECTIGO_PAGE_SASP_POST_PAYMENT`, `SECTIGO_PAGE_VALIDATION_MANAGER`)
/// for a session handle (SID) of `!initCustomerSession` and an order number, URL-encoded.
/// `url_template` is NULL for a page whose URL the documents give; a page they leave out (the
/// Validation Manager page) needs one holding `{SID}` and `{orderNumber}`. The URL is the
/// caller's: `sectigo_string_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_page_url(
    page: *const c_char,
    url_template: *const c_char,
    sid: *const c_char,
    order_number: *const c_char,
    url_out: *mut *mut c_char,
    error_out: *mut *mut sectigo_error,
) -> sectigo_result {
    guard(error_out, || {
        // SAFETY: arguments as documented (the template may be NULL).
        let (page, sid, order_number) =
            unsafe { (text(page, "page")?, text(sid, "sid")?, text(order_number, "order_number")?) };
        let template = if url_template.is_null() { None } else { Some(unsafe { text(url_template, "url_template")? }) };
        check_out(url_out, "url_out")?;
        let url =
            sectigo::pages::url(page, template, sid, order_number).map_err(|e| Failure::sdk(&Error::Config(e)))?;
        unsafe { put(url_out, c_string(&url).into_raw()) };
        Ok(())
    })
}
