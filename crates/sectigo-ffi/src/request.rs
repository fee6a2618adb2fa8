//! Requests: an endpoint and its (name, value) parameters, checked by the core's validation
//! when prepared or called; and `sectigo_string_free` for the strings the library gives out.

use std::ffi::{CString, c_char};

use sectigo::{Error, dynamic};

use crate::boundary::{boxed, check_out, free, guard, handle, handle_mut, put, quietly, text};
use crate::failure::{Failure, sectigo_error, sectigo_result};
use crate::strings::c_string;

/// A request: an endpoint and (name, value) parameters.
pub struct sectigo_request {
    pub(crate) request: dynamic::Request,
}

// Passwords live in requests: show them only through the SDK's redacting Debug.
impl std::fmt::Debug for sectigo_request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.request.fmt(f)
    }
}

/// Makes an empty request to an endpoint, named by wire name (`!PlaceOrder`, the `!` is
/// optional) or id (`place_order`); see the `SECTIGO_ENDPOINT_*` constants.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_request_new(
    endpoint: *const c_char,
    request_out: *mut *mut sectigo_request,
    error_out: *mut *mut sectigo_error,
) -> sectigo_result {
    guard(error_out, || {
        // SAFETY: arguments as documented.
        let endpoint = unsafe { text(endpoint, "endpoint")? };
        check_out(request_out, "request_out")?;
        let request = dynamic::Request::new(endpoint).map_err(|e| Failure::sdk(&Error::Config(e)))?;
        unsafe { put(request_out, boxed(sectigo_request { request })) };
        Ok(())
    })
}

/// Adds a parameter, by wire name (case-insensitive; aliases and item names such as `1_PPP`
/// accepted; see the `SECTIGO_<ENDPOINT>_*` constants). Names and values are checked by
/// `sectigo_client_call` and `sectigo_request_prepare`, which report every problem at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_request_set(
    request: *mut sectigo_request,
    name: *const c_char,
    value: *const c_char,
    error_out: *mut *mut sectigo_error,
) -> sectigo_result {
    guard(error_out, || {
        // SAFETY: arguments as documented.
        let (request, name, value) =
            unsafe { (handle_mut(request, "request")?, text(name, "name")?, text(value, "value")?) };
        request.request.set(name, value);
        Ok(())
    })
}

/// Adds a parameter of item number `item` (from 1): `name` is the item parameter's name
/// (`SECTIGO_PLACE_ORDER_ITEM_PPP`), sent as `"<item>_<name>"` (`1_PPP`), as
/// `sectigo_request_set` would. Item 0 is refused (`SECTIGO_RESULT_OUT_OF_RANGE`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_request_set_item(
    request: *mut sectigo_request,
    item: usize,
    name: *const c_char,
    value: *const c_char,
    error_out: *mut *mut sectigo_error,
) -> sectigo_result {
    guard(error_out, || {
        // SAFETY: arguments as documented.
        let (request, name, value) =
            unsafe { (handle_mut(request, "request")?, text(name, "name")?, text(value, "value")?) };
        if item == 0 {
            return Err(Failure::out_of_range("item 0: items are numbered from 1"));
        }
        request.request.set(format!("{item}_{name}"), value);
        Ok(())
    })
}

/// Frees a request (NULL is allowed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_request_free(request: *mut sectigo_request) {
    quietly((), || unsafe { free(request) })
}

/// Checks a request without sending it (and without any client's credentials) and writes the
/// form body that would be sent: a string the caller frees with `sectigo_string_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_request_prepare(
    request: *const sectigo_request,
    body_out: *mut *mut c_char,
    error_out: *mut *mut sectigo_error,
) -> sectigo_result {
    guard(error_out, || {
        // SAFETY: arguments as documented.
        let request = unsafe { handle(request, "request")? };
        check_out(body_out, "body_out")?;
        let form = request.request.prepare().map_err(|v| Failure::sdk(&Error::Validation(v)))?;
        unsafe { put(body_out, c_string(&form.encode()).into_raw()) };
        Ok(())
    })
}

/// Frees a string this library gave the caller (NULL is allowed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_string_free(string: *mut c_char) {
    quietly((), || {
        if !string.is_null() {
            // SAFETY: the string came from CString::into_raw in this library.
            drop(unsafe { CString::from_raw(string) });
        }
    })
}
