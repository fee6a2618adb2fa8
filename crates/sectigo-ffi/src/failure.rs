//! What a failed function gives C: its `sectigo_result` code and its `sectigo_error`, made
//! from the core's errors (or from a bad argument or a caught panic), carried out of a function
//! body as a [`Failure`]. Near the crate's leaves: it uses only the string helper and the log
//! record type (`strings.rs`, `logging.rs`), and the boundary, the requests, the calls and the
//! accessors build on it.

use std::ffi::CString;

use sectigo::{ApiError, Error};

use crate::logging::Record;
use crate::strings::c_string;

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
    pub(crate) kind: sectigo_error_kind,
    pub(crate) message: CString,
    pub(crate) code: Option<i64>,
    pub(crate) server_message: Option<CString>,
    pub(crate) item: Option<CString>,
    pub(crate) argument: Option<CString>,
    pub(crate) id: Option<CString>,
    pub(crate) raw: Option<CString>,
    pub(crate) detail_kind: Option<CString>,
    pub(crate) status: u16,
    pub(crate) flags: u32,
    pub(crate) retries: u32,
    pub(crate) violations: Vec<[CString; 3]>,
    /// The call's log records (see the `log_level` option).
    pub(crate) log: Vec<Record>,
}

impl sectigo_error {
    pub(crate) fn new(kind: sectigo_error_kind, message: &str) -> sectigo_error {
        sectigo_error {
            kind,
            message: c_string(message),
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
            Error::Config(_) => SECTIGO_ERROR_KIND_CONFIG,
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
                out.violations =
                    v.iter().map(|v| [c_string(&v.param), c_string(v.kind.rule()), c_string(&v.to_string())]).collect();
            }
            Error::Api(api) => out.set_api(api),
            Error::Transport(t) => {
                out.detail_kind = Some(c_string(t.kind.as_str()));
                out.status = t.status.unwrap_or(0);
                out.raw = t.raw.as_deref().map(c_string);
            }
            Error::Decode(d) => {
                out.detail_kind = Some(c_string(d.kind.as_str()));
                out.status = d.status;
                out.raw = Some(c_string(&d.raw));
            }
            Error::OutcomeUnknown(o) => {
                out.status = o.status.unwrap_or(0);
                out.raw = o.raw.as_deref().map(c_string);
            }
            Error::Config(_) => {}
        }
        out
    }

    fn set_api(&mut self, api: &ApiError) {
        self.code = Some(api.code());
        self.server_message = api.message().map(c_string);
        self.item = api.item().map(c_string);
        self.argument = api.argument().map(c_string);
        self.id = api.documented().map(|r| c_string(r.id));
        self.raw = Some(c_string(api.raw()));
    }
}

/// A failure inside a function body: the code the function returns, and the error it writes
/// to `*error_out`.
pub(crate) struct Failure {
    pub(crate) result: sectigo_result,
    pub(crate) error: Box<sectigo_error>,
}

impl Failure {
    /// The error's message (for tests).
    #[cfg(test)]
    pub(crate) fn message(&self) -> String {
        self.error.message.to_string_lossy().into_owned()
    }

    pub(crate) fn config(message: impl AsRef<str>) -> Failure {
        Failure {
            result: SECTIGO_RESULT_ERROR,
            error: Box::new(sectigo_error::new(SECTIGO_ERROR_KIND_CONFIG, message.as_ref())),
        }
    }

    /// An index or number past what exists (`SECTIGO_RESULT_OUT_OF_RANGE`, an argument error).
    pub(crate) fn out_of_range(message: impl AsRef<str>) -> Failure {
        Failure {
            result: SECTIGO_RESULT_OUT_OF_RANGE,
            error: Box::new(sectigo_error::new(SECTIGO_ERROR_KIND_ARGUMENT, message.as_ref())),
        }
    }

    pub(crate) fn sdk(e: &Error) -> Failure {
        Failure { result: SECTIGO_RESULT_ERROR, error: Box::new(sectigo_error::from_sdk(e)) }
    }

    /// The failed call's log records, kept with its error.
    pub(crate) fn with_log(mut self, log: Vec<crate::logging::Record>) -> Failure {
        self.error.log = log;
        self
    }
}
