//! The accessors of `sectigo_error` (what it is made of is `failure.rs`'s).

use std::ffi::{CString, c_char};
use std::ptr;

use crate::boundary::{check_out, free, handle, lookup, put, quietly};
use crate::failure::sectigo_error_kind::*;
use crate::failure::sectigo_result::*;
use crate::failure::{sectigo_error, sectigo_error_kind, sectigo_result};

/// The kind of failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_get_kind(error: *const sectigo_error) -> sectigo_error_kind {
    quietly(SECTIGO_ERROR_KIND_INTERNAL, || unsafe { error.as_ref() }.map_or(SECTIGO_ERROR_KIND_ARGUMENT, |e| e.kind))
}

/// A sentence describing the failure (never contains a password); borrowed from the error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_message(error: *const sectigo_error) -> *const c_char {
    quietly(ptr::null(), || unsafe { error.as_ref() }.map_or(ptr::null(), |e| e.message.as_ptr()))
}

/// The API's `errorCode`, for `SECTIGO_ERROR_KIND_API`; `SECTIGO_RESULT_NOT_FOUND` otherwise.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_code(error: *const sectigo_error, code_out: *mut i64) -> sectigo_result {
    lookup(|| {
        let error = unsafe { handle(error, "error")? };
        check_out(code_out, "code_out")?;
        match error.code {
            Some(code) => unsafe { put(code_out, code) },
            None => return Ok(SECTIGO_RESULT_NOT_FOUND),
        }
        Ok(SECTIGO_RESULT_OK)
    })
}

/// An optional string of an error, borrowed from it.
fn error_string(error: *const sectigo_error, field: impl FnOnce(&sectigo_error) -> Option<&CString>) -> *const c_char {
    quietly(ptr::null(), || unsafe { error.as_ref() }.and_then(field).map_or(ptr::null(), |s| s.as_ptr()))
}

/// The server's own message (API errors), or NULL; borrowed from the error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_server_message(error: *const sectigo_error) -> *const c_char {
    error_string(error, |e| e.server_message.as_ref())
}

/// The parameter the server blames (`errorItem`), or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_item(error: *const sectigo_error) -> *const c_char {
    error_string(error, |e| e.item.as_ref())
}

/// The value in the message's placeholder (the `'xxxx'` of "The 'xxxx' argument is
/// missing!"), or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_argument(error: *const sectigo_error) -> *const c_char {
    error_string(error, |e| e.argument.as_ref())
}

/// The error-table key of a documented API error (`argument_missing`), or NULL for a code
/// the documents do not list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_id(error: *const sectigo_error) -> *const c_char {
    error_string(error, |e| e.id.as_ref())
}

/// The body received (API, decode, transport and outcome-unknown errors), or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_raw(error: *const sectigo_error) -> *const c_char {
    error_string(error, |e| e.raw.as_ref())
}

/// The transport failure (`connect`, `tls`, `timeout`, `io`, `status`, `other`) or the decode
/// failure (`html`, `not_numeric`, ...), or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_detail_kind(error: *const sectigo_error) -> *const c_char {
    error_string(error, |e| e.detail_kind.as_ref())
}

/// The HTTP status that came with the failure, or 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_status(error: *const sectigo_error) -> u16 {
    quietly(0, || unsafe { error.as_ref() }.map_or(0, |e| e.status))
}

/// What the error says about trying again: a bit set of `sectigo_error_flag`
/// (`SECTIGO_ERROR_FLAG_RATE_LIMITED`, `..._RETRY_SAFE`, `..._MAY_HAVE_TAKEN_EFFECT`); 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_flags(error: *const sectigo_error) -> u32 {
    quietly(0, || unsafe { error.as_ref() }.map_or(0, |e| e.flags))
}

/// How many times the call was sent again before it failed for good (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_retries(error: *const sectigo_error) -> u32 {
    quietly(0, || unsafe { error.as_ref() }.map_or(0, |e| e.retries))
}

/// How many rules the request broke (validation errors; 0 otherwise).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_violation_count(error: *const sectigo_error) -> usize {
    quietly(0, || unsafe { error.as_ref() }.map_or(0, |e| e.violations.len()))
}

/// The `index`th violation: the parameter (`loginName`, `1_PPP`, `items`), the rule
/// (`required`, `max_length`, `allowed_values`, ...) and a sentence naming both; all borrowed
/// from the error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_violation_at(
    error: *const sectigo_error,
    index: usize,
    param_out: *mut *const c_char,
    rule_out: *mut *const c_char,
    message_out: *mut *const c_char,
) -> sectigo_result {
    lookup(|| {
        let error = unsafe { handle(error, "error")? };
        check_out(param_out, "param_out")?;
        check_out(rule_out, "rule_out")?;
        check_out(message_out, "message_out")?;
        match error.violations.get(index) {
            Some([p, r, m]) => unsafe {
                put(param_out, p.as_ptr());
                put(rule_out, r.as_ptr());
                put(message_out, m.as_ptr());
            },
            None => return Ok(SECTIGO_RESULT_OUT_OF_RANGE),
        }
        Ok(SECTIGO_RESULT_OK)
    })
}

/// How many log records the failed call kept (see the `log_level` option).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_log_count(error: *const sectigo_error) -> usize {
    quietly(0, || unsafe { error.as_ref() }.map_or(0, |e| e.log.len()))
}

/// The failed call's log record at `index` (from 0, in the order they were made), its level
/// written to `*level_out` (when not NULL); NULL past the end. Valid until the error is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_log_at(
    error: *const sectigo_error,
    index: usize,
    level_out: *mut crate::logging::sectigo_log_level,
) -> *const c_char {
    quietly(ptr::null(), || match unsafe { error.as_ref() } {
        Some(e) => unsafe { crate::logging::record_at(&e.log, index, level_out) },
        None => ptr::null(),
    })
}

/// Frees an error (NULL is allowed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_free(error: *mut sectigo_error) {
    quietly((), || unsafe { free(error) })
}

/// A static sentence for a `sectigo_result`, beginning with its name
/// (`"SECTIGO_RESULT_NOT_FOUND: ..."`), for logs and messages; for a number that is no
/// `sectigo_result`, a sentence that says so. Never NULL; never to be freed.
#[unsafe(no_mangle)]
pub extern "C" fn sectigo_result_str(result: std::ffi::c_int) -> *const c_char {
    let text: &'static str = match result {
        r if r == SECTIGO_RESULT_OK as i32 => "SECTIGO_RESULT_OK: success\0",
        r if r == SECTIGO_RESULT_ERROR as i32 => {
            "SECTIGO_RESULT_ERROR: the operation failed; its sectigo_error says why\0"
        }
        r if r == SECTIGO_RESULT_NULL_ARGUMENT as i32 => {
            "SECTIGO_RESULT_NULL_ARGUMENT: a required pointer argument was NULL\0"
        }
        r if r == SECTIGO_RESULT_INVALID_UTF8 as i32 => {
            "SECTIGO_RESULT_INVALID_UTF8: a string argument was not valid UTF-8\0"
        }
        r if r == SECTIGO_RESULT_NOT_FOUND as i32 => {
            "SECTIGO_RESULT_NOT_FOUND: the field, code or value asked for is not there\0"
        }
        r if r == SECTIGO_RESULT_OUT_OF_RANGE as i32 => "SECTIGO_RESULT_OUT_OF_RANGE: an index past the end\0",
        r if r == SECTIGO_RESULT_PANIC as i32 => "SECTIGO_RESULT_PANIC: a bug in the library, caught at its boundary\0",
        _ => "not a sectigo_result\0",
    };
    text.as_ptr().cast()
}
