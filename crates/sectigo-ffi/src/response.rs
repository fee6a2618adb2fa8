//! Answers: `sectigo_response`, read by field name, by index or in one packed buffer, and
//! answers decoded without any network.

use std::ffi::{CString, c_char};
use std::ptr;
use std::sync::OnceLock;

use sectigo::meta::Endpoint;
use sectigo::wire::{RawResponse, Response};
use sectigo::{ApiError, Error};

use crate::boundary::{boxed, check_out, free, guard, handle, lookup, null, put, quietly, text};
use crate::failure::sectigo_result::*;
use crate::failure::{Failure, sectigo_error, sectigo_result};
use crate::logging::{Record, sectigo_log_level};
use crate::request::sectigo_request;
use crate::strings::c_string;

impl sectigo_response {
    pub(crate) fn with_log(mut self, log: Vec<Record>) -> Self {
        self.log = log;
        self
    }
}

/// A successful answer, read by field name.
pub struct sectigo_response {
    response: Response,
    /// The answer's strings as C strings, made on first use.
    strings: OnceLock<Strings>,
    /// The whole answer in one buffer, made on first use (`sectigo_response_packed`).
    packed: OnceLock<Vec<u8>>,
    /// The call's log records (see the `log_level` option).
    log: Vec<Record>,
}

/// An answer's fields, quirks and raw body as C strings (a NUL byte inside becomes U+FFFD).
#[derive(Debug)]
struct Strings {
    fields: Vec<(CString, CString)>,
    quirks: Vec<CString>,
    raw: CString,
}

impl sectigo_response {
    fn strings(&self) -> &Strings {
        self.strings.get_or_init(|| Strings {
            fields: self.response.fields().iter().map(|(n, v)| (c_string(n), c_string(v))).collect(),
            quirks: self.response.quirks().iter().map(|q| c_string(q.as_str())).collect(),
            raw: c_string(self.response.raw()),
        })
    }
}

impl std::fmt::Debug for sectigo_response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.response.fmt(f)
    }
}

/// Appends `text` with any NUL byte as U+FFFD (as `c_string` makes C strings).
fn push_text(out: &mut String, text: &str) {
    if text.contains('\0') {
        out.push_str(&text.replace('\0', "\u{FFFD}"));
    } else {
        out.push_str(text);
    }
}

pub(crate) fn response(response: Response) -> sectigo_response {
    sectigo_response { response, strings: OnceLock::new(), packed: OnceLock::new(), log: Vec::new() }
}

/// Reads an answer without any network: `request` holds the parameters it answers (they
/// select the format, e.g. `responseFormat`, `successURL`), `status` the HTTP status,
/// `location` the `Location` header or NULL, `body` and `body_len` the body bytes.
/// Succeeds like `sectigo_client_call` (an API error code is a `SECTIGO_ERROR_KIND_API` error).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_response_decode(
    request: *const sectigo_request,
    status: u16,
    location: *const c_char,
    body: *const u8,
    body_len: usize,
    response_out: *mut *mut sectigo_response,
    error_out: *mut *mut sectigo_error,
) -> sectigo_result {
    guard(error_out, || {
        // SAFETY: arguments as documented.
        let request = unsafe { handle(request, "request")? };
        let location = if location.is_null() { None } else { Some(unsafe { text(location, "location")? }.to_owned()) };
        if body.is_null() && body_len > 0 {
            return Err(null("body"));
        }
        check_out(response_out, "response_out")?;
        // SAFETY: `body` points at `body_len` readable bytes (or is unused when 0).
        let bytes =
            if body_len == 0 { Vec::new() } else { unsafe { std::slice::from_raw_parts(body, body_len) }.to_vec() };
        let endpoint: &'static Endpoint = request.request.endpoint();
        let answer =
            sectigo::wire::decode(endpoint, request.request.params(), RawResponse { status, location, body: bytes })
                .map_err(|d| Failure::sdk(&Error::Decode(d)))?;
        if !answer.is_success() {
            return Err(Failure::sdk(&Error::Api(ApiError::from_response(answer))));
        }
        unsafe { put(response_out, boxed(response(answer))) };
        Ok(())
    })
}

/// The answer's `errorCode` (the success code, 0, also when a success answer left it out).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_response_code(response: *const sectigo_response) -> i64 {
    quietly(0, || unsafe { response.as_ref() }.map_or(0, |r| r.response.code()))
}

/// A field by name (case-insensitive). `*value_out` is borrowed from the response.
/// `SECTIGO_RESULT_NOT_FOUND` when the answer lacks it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_response_get(
    response: *const sectigo_response,
    name: *const c_char,
    value_out: *mut *const c_char,
) -> sectigo_result {
    lookup(|| {
        // SAFETY: arguments as documented.
        let (response, name) = unsafe { (handle(response, "response")?, text(name, "name")?) };
        check_out(value_out, "value_out")?;
        match response.strings().fields.iter().find(|(n, _)| n.to_str().is_ok_and(|n| n.eq_ignore_ascii_case(name))) {
            Some((_, v)) => unsafe { put(value_out, v.as_ptr()) },
            None => return Ok(SECTIGO_RESULT_NOT_FOUND),
        }
        Ok(SECTIGO_RESULT_OK)
    })
}

/// How many fields the answer has.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_response_field_count(response: *const sectigo_response) -> usize {
    quietly(0, || unsafe { response.as_ref() }.map_or(0, |r| r.response.fields().len()))
}

/// The `index`th field (from 0), in the order received; both strings borrowed from the response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_response_field_at(
    response: *const sectigo_response,
    index: usize,
    name_out: *mut *const c_char,
    value_out: *mut *const c_char,
) -> sectigo_result {
    lookup(|| {
        // SAFETY: arguments as documented.
        let response = unsafe { handle(response, "response")? };
        check_out(name_out, "name_out")?;
        check_out(value_out, "value_out")?;
        match response.strings().fields.get(index) {
            Some((n, v)) => unsafe {
                put(name_out, n.as_ptr());
                put(value_out, v.as_ptr());
            },
            None => return Ok(SECTIGO_RESULT_OUT_OF_RANGE),
        }
        Ok(SECTIGO_RESULT_OK)
    })
}

/// How many leniencies the decoder applied (see `sectigo_response_quirk_at`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_response_quirk_count(response: *const sectigo_response) -> usize {
    quietly(0, || unsafe { response.as_ref() }.map_or(0, |r| r.response.quirks().len()))
}

/// The `index`th leniency: `error_code_missing`, `message_in_error_item` or `redirect`
/// (borrowed from the response); NULL past the end.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_response_quirk_at(response: *const sectigo_response, index: usize) -> *const c_char {
    quietly(ptr::null(), || {
        unsafe { response.as_ref() }.and_then(|r| r.strings().quirks.get(index)).map_or(ptr::null(), |q| q.as_ptr())
    })
}

/// The body as received (for a redirect, the `Location` URL), borrowed from the response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_response_raw(response: *const sectigo_response) -> *const c_char {
    quietly(ptr::null(), || unsafe { response.as_ref() }.map_or(ptr::null(), |r| r.strings().raw.as_ptr()))
}

/// The whole answer in one buffer borrowed from the response, for bindings that pay for every
/// crossing into C (PHP's FFI); `*len_out` gets its length. In order: the code, the retries, the
/// number of fields and the number of quirks (in decimal), each field's name and value in the
/// order received, each quirk, and last the raw body. Every part but the last is ended by a NUL
/// byte (NUL bytes inside the answer are U+FFFD here, as in every string of the response).
/// NULL (and 0) for a NULL response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_response_packed(response: *const sectigo_response, len_out: *mut usize) -> *const u8 {
    quietly(ptr::null(), || {
        let Some(r) = (unsafe { response.as_ref() }) else {
            if !len_out.is_null() {
                unsafe { put(len_out, 0) };
            }
            return ptr::null();
        };
        let packed = r.packed.get_or_init(|| {
            let answer = &r.response;
            let (fields, quirks) = (answer.fields(), answer.quirks());
            let mut out = format!("{}\0{}\0{}\0{}\0", answer.code(), answer.retries(), fields.len(), quirks.len());
            for text in
                fields.iter().flat_map(|(n, v)| [n.as_ref(), v.as_ref()]).chain(quirks.iter().map(|q| q.as_str()))
            {
                push_text(&mut out, text);
                out.push('\0');
            }
            push_text(&mut out, answer.raw());
            out.into_bytes()
        });
        if !len_out.is_null() {
            unsafe { put(len_out, packed.len()) };
        }
        packed.as_ptr()
    })
}

/// How many times the call was sent again before this answer (0 for a decoded answer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_response_retries(response: *const sectigo_response) -> u32 {
    quietly(0, || unsafe { response.as_ref() }.map_or(0, |r| r.response.retries()))
}

/// Frees an answer (NULL is allowed); strings borrowed from it become invalid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_response_free(response: *mut sectigo_response) {
    quietly((), || unsafe { free(response) })
}

/// How many log records the call that made this answer kept (see the `log_level` option): 0
/// for an answer decoded without a call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_response_log_count(response: *const sectigo_response) -> usize {
    quietly(0, || unsafe { response.as_ref() }.map_or(0, |r| r.log.len()))
}

/// The log record at `index` (from 0, in the order they were made), its level written to
/// `*level_out` (when not NULL); NULL past the end. Valid until the answer is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_response_log_at(
    response: *const sectigo_response,
    index: usize,
    level_out: *mut sectigo_log_level,
) -> *const c_char {
    quietly(ptr::null(), || match unsafe { response.as_ref() } {
        Some(r) => unsafe { crate::logging::record_at(&r.log, index, level_out) },
        None => ptr::null(),
    })
}
