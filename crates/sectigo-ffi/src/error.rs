//! Results and errors: `sectigo_result`, what every fallible function returns, and
//! `sectigo_error`, why one failed, with its accessors.

use std::ffi::{CString, c_char};
use std::ptr;

use sectigo::{ApiError, Error};

use crate::boundary::{c, check_out, free, handle, lookup, put, quietly};

/// What a function did.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sectigo_result {
    /// Success: outputs are written.
    SECTIGO_RESULT_OK = 0,
    /// The operation failed; `*error_out` says why (validation, API error, transport, ...).
    SECTIGO_RESULT_ERROR = 1,
    /// A required pointer argument was NULL.
    SECTIGO_RESULT_NULL_ARGUMENT = 2,
    /// A string argument was not valid UTF-8.
    SECTIGO_RESULT_INVALID_UTF8 = 3,
    /// The field, code or value asked for is not there.
    SECTIGO_RESULT_NOT_FOUND = 4,
    /// An index past the end.
    SECTIGO_RESULT_OUT_OF_RANGE = 5,
    /// A bug in the library (a Rust panic), caught at the boundary.
    SECTIGO_RESULT_PANIC = 6,
}

use sectigo_result::*;

/// What kind of failure a `sectigo_error` describes.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sectigo_error_kind {
    /// The request broke the spec's rules; nothing was sent. See the violations.
    SECTIGO_ERROR_KIND_VALIDATION = 1,
    /// The API answered with an error code. See code, server message, item.
    SECTIGO_ERROR_KIND_API = 2,
    /// The request did not get through (connection, TLS, timeout, HTTP status).
    SECTIGO_ERROR_KIND_TRANSPORT = 3,
    /// The answer could not be read (its raw body is kept).
    SECTIGO_ERROR_KIND_DECODE = 4,
    /// A state-changing call may have taken effect, and its answer was lost. It was not
    /// resent: check the account before trying again.
    SECTIGO_ERROR_KIND_OUTCOME_UNKNOWN = 5,
    /// Bad setup: an unknown option, endpoint or setting, a missing endpoint path.
    SECTIGO_ERROR_KIND_CONFIG = 6,
    /// A bad argument: NULL, invalid UTF-8, an index out of range.
    SECTIGO_ERROR_KIND_ARGUMENT = 7,
    /// A bug in the library (a caught panic).
    SECTIGO_ERROR_KIND_INTERNAL = 8,
}

use sectigo_error_kind::*;

/// What an error says about trying again, as bits of `sectigo_error_flags`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sectigo_error_flag {
    /// The server refused the call for now (-42, "Call limit reached!", on any endpoint):
    /// wait, then send it again.
    SECTIGO_ERROR_FLAG_RATE_LIMITED = 1,
    /// Sending the same call again is provably safe: rate limited, or the connection was never
    /// established (nothing was sent).
    SECTIGO_ERROR_FLAG_RETRY_SAFE = 2,
    /// The call may have taken effect on the server (an order may exist): never resend it
    /// blindly; check the account.
    SECTIGO_ERROR_FLAG_MAY_HAVE_TAKEN_EFFECT = 4,
}

/// Why something failed.
#[derive(Debug)]
pub struct sectigo_error {
    kind: sectigo_error_kind,
    message: CString,
    code: Option<i64>,
    server_message: Option<CString>,
    item: Option<CString>,
    argument: Option<CString>,
    id: Option<CString>,
    raw: Option<CString>,
    detail_kind: Option<CString>,
    status: u16,
    flags: u32,
    retries: u32,
    violations: Vec<[CString; 3]>,
    /// The call's log records (see the `log_level` option).
    log: Vec<crate::logging::Record>,
}

impl sectigo_error {
    pub(crate) fn new(kind: sectigo_error_kind, message: &str) -> sectigo_error {
        sectigo_error {
            kind,
            message: c(message),
            code: None,
            server_message: None,
            item: None,
            argument: None,
            id: None,
            raw: None,
            detail_kind: None,
            status: 0,
            flags: 0,
            retries: 0,
            violations: Vec::new(),
            log: Vec::new(),
        }
    }

    fn from_sdk(e: &Error) -> sectigo_error {
        let kind = match e {
            Error::Validation(_) => SECTIGO_ERROR_KIND_VALIDATION,
            Error::Api(_) => SECTIGO_ERROR_KIND_API,
            Error::Transport(_) => SECTIGO_ERROR_KIND_TRANSPORT,
            Error::Decode(_) => SECTIGO_ERROR_KIND_DECODE,
            Error::OutcomeUnknown(_) => SECTIGO_ERROR_KIND_OUTCOME_UNKNOWN,
            _ => SECTIGO_ERROR_KIND_CONFIG,
        };
        let mut out = sectigo_error::new(kind, &e.to_string());
        out.retries = e.retries();
        for (set, flag) in [
            (e.is_rate_limited(), sectigo_error_flag::SECTIGO_ERROR_FLAG_RATE_LIMITED),
            (e.retry_safe(), sectigo_error_flag::SECTIGO_ERROR_FLAG_RETRY_SAFE),
            (e.may_have_taken_effect(), sectigo_error_flag::SECTIGO_ERROR_FLAG_MAY_HAVE_TAKEN_EFFECT),
        ] {
            if set {
                out.flags |= flag as u32;
            }
        }
        match e {
            Error::Validation(v) => {
                out.violations = v.iter().map(|v| [c(&v.param), c(v.kind.rule()), c(&v.to_string())]).collect();
            }
            Error::Api(api) => out.set_api(api),
            Error::Transport(t) => {
                out.detail_kind = Some(c(t.kind.as_str()));
                out.status = t.status.unwrap_or(0);
                out.raw = t.raw.as_deref().map(c);
            }
            Error::Decode(d) => {
                out.detail_kind = Some(c(d.kind.as_str()));
                out.status = d.status;
                out.raw = Some(c(&d.raw));
            }
            Error::OutcomeUnknown(o) => {
                out.status = o.status.unwrap_or(0);
                out.raw = o.raw.as_deref().map(c);
            }
            _ => {}
        }
        out
    }

    fn set_api(&mut self, api: &ApiError) {
        self.code = Some(api.code());
        self.server_message = api.message().map(c);
        self.item = api.item().map(c);
        self.argument = api.argument().map(c);
        self.id = api.documented().map(|r| c(r.id));
        self.raw = Some(c(api.raw()));
    }
}

/// A failure inside a function body: its result code and its error.
pub(crate) struct Fail(pub(crate) sectigo_result, pub(crate) Box<sectigo_error>);

impl Fail {
    /// The error's message (for tests).
    #[cfg(test)]
    pub(crate) fn message(&self) -> String {
        self.1.message.to_string_lossy().into_owned()
    }

    pub(crate) fn config(message: impl AsRef<str>) -> Fail {
        Fail(SECTIGO_RESULT_ERROR, Box::new(sectigo_error::new(SECTIGO_ERROR_KIND_CONFIG, message.as_ref())))
    }

    pub(crate) fn sdk(e: &Error) -> Fail {
        Fail(SECTIGO_RESULT_ERROR, Box::new(sectigo_error::from_sdk(e)))
    }

    /// The failed call's log records, kept with its error.
    pub(crate) fn with_log(mut self, log: Vec<crate::logging::Record>) -> Fail {
        self.1.log = log;
        self
    }
}

/// The kind of failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_get_kind(error: *const sectigo_error) -> sectigo_error_kind {
    quietly(SECTIGO_ERROR_KIND_INTERNAL, || {
        unsafe { error.as_ref() }.map_or(SECTIGO_ERROR_KIND_ARGUMENT, |e| e.kind)
    })
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