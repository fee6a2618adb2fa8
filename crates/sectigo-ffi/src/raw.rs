//! Calls to endpoints that are not in the spec, by their path on the client's host
//! (`sectigo_client_call_raw`), and their answers (`sectigo_raw_answer`): the status, content
//! type and body bytes, decoded when the body is text in either of the documents' formats.

use std::ffi::{CString, c_char};
use std::ptr;
use std::sync::OnceLock;

use sectigo::meta::WireFormat;
use sectigo::{RawAnswer, RawOptions};

use crate::boundary::{boxed, check_out, free, guard, handle, lookup, put, quietly, text};
use crate::client::{sectigo_client, unpack};
use crate::failure::sectigo_error_kind::SECTIGO_ERROR_KIND_ARGUMENT;
use crate::failure::sectigo_result::*;
use crate::failure::{Failure, sectigo_error, sectigo_result};
use crate::logging::{Record, during, sectigo_log_level};
use crate::strings::c_string;

/// How a raw call is made, as bits of `sectigo_client_call_raw`'s `flags` (0: a call that
/// changes state, with the client's credentials).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sectigo_raw_flag {
    /// The call changes nothing on the server (a status query, a download): it gets the read
    /// rules, and a connection that breaks before the answer is sent again. Without it, a call
    /// that may have reached the server is never sent again, and a lost answer is
    /// `SECTIGO_ERROR_KIND_OUTCOME_UNKNOWN`.
    SECTIGO_RAW_READ_ONLY = 1,
    /// Send only the parameters given: not the client's `loginName` and `loginPassword`.
    SECTIGO_RAW_NO_CREDENTIALS = 2,
}

/// The answer to a raw call.
pub struct sectigo_raw_answer {
    answer: RawAnswer,
    /// Its strings as C strings, made on first use.
    strings: OnceLock<RawStrings>,
    /// The call's log records (see the `log_level` option).
    log: Vec<Record>,
}

/// An answer's strings as C strings (a NUL byte inside becomes U+FFFD).
struct RawStrings {
    content_type: Option<CString>,
    message: Option<CString>,
    lines: Vec<CString>,
    fields: Vec<(CString, CString)>,
}

impl sectigo_raw_answer {
    fn strings(&self) -> &RawStrings {
        self.strings.get_or_init(|| RawStrings {
            content_type: self.answer.content_type().map(c_string),
            message: self.answer.message().map(c_string),
            lines: self.answer.lines().iter().map(|l| c_string(l)).collect(),
            fields: self.answer.fields().iter().map(|(n, v)| (c_string(n), c_string(v))).collect(),
        })
    }
}

impl std::fmt::Debug for sectigo_raw_answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.answer.fmt(f)
    }
}

/// Calls `path` on the client's host (`/products/download/CollectSSL`): the client's
/// credentials first (unless `flags` has `SECTIGO_RAW_NO_CREDENTIALS`), then the parameters,
/// form-encoded in a POST body. The parameters come packed as for `sectigo_client_call_packed`:
/// `count` pairs, each name and value ended by a NUL byte, `len` bytes in all (`params` may be
/// NULL when both are 0).
///
/// Refused before anything is sent (`SECTIGO_ERROR_KIND_CONFIG`): an absolute URL, a path not
/// starting with `/` or starting with `//`, a `.` or `..` segment, a query string, a fragment, a
/// backslash, a space or control character (also percent-encoded); a parameter name that is
/// empty or holds `=`, `&`, `#`, `%`, `+`, a space or a control character. Values whose name
/// looks secret (`password`, `token`, `secret`...) are redacted wherever the call is shown.
///
/// The call changes state unless `flags` has `SECTIGO_RAW_READ_ONLY`. On success writes the
/// answer (any status below 400); a negative `errorCode` in it is a `SECTIGO_ERROR_KIND_API`
/// error, as for spec endpoints. A status of 400 or more without one is a transport error, or
/// `SECTIGO_ERROR_KIND_OUTCOME_UNKNOWN` for a call that changes state (a 5xx may come after the
/// server acted).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_client_call_raw(
    client: *const sectigo_client,
    path: *const c_char,
    params: *const c_char,
    len: usize,
    count: usize,
    flags: u32,
    answer_out: *mut *mut sectigo_raw_answer,
    error_out: *mut *mut sectigo_error,
) -> sectigo_result {
    guard(error_out, || {
        // SAFETY: arguments as documented.
        let (client, path, pairs) =
            unsafe { (handle(client, "client")?, text(path, "path")?, unpack(params, len, count)?) };
        check_out(answer_out, "answer_out")?;
        let known =
            sectigo_raw_flag::SECTIGO_RAW_READ_ONLY as u32 | sectigo_raw_flag::SECTIGO_RAW_NO_CREDENTIALS as u32;
        if flags & !known != 0 {
            return Err(Failure {
                result: SECTIGO_RESULT_ERROR,
                error: Box::new(sectigo_error::new(
                    SECTIGO_ERROR_KIND_ARGUMENT,
                    &format!("flags: {flags:#x} has bits that are no sectigo_raw_flag"),
                )),
            });
        }
        let options = RawOptions::new()
            .read_only(flags & sectigo_raw_flag::SECTIGO_RAW_READ_ONLY as u32 != 0)
            .credentials(flags & sectigo_raw_flag::SECTIGO_RAW_NO_CREDENTIALS as u32 == 0);
        let (answer, log) = during(client.log, || client.client.call_raw(path, pairs, options));
        match answer {
            Ok(answer) => {
                let answer = sectigo_raw_answer { answer, strings: OnceLock::new(), log };
                // SAFETY: checked above.
                unsafe { put(answer_out, boxed(answer)) };
                Ok(())
            }
            Err(e) => Err(Failure::sdk(&e).with_log(log)),
        }
    })
}

/// The HTTP status (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_status(answer: *const sectigo_raw_answer) -> u16 {
    quietly(0, || unsafe { answer.as_ref() }.map_or(0, |a| a.answer.status()))
}

/// The `Content-Type` header, or NULL when none came; borrowed from the answer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_content_type(answer: *const sectigo_raw_answer) -> *const c_char {
    quietly(ptr::null(), || {
        unsafe { answer.as_ref() }.and_then(|a| a.strings().content_type.as_ref()).map_or(ptr::null(), |s| s.as_ptr())
    })
}

/// The body, byte for byte (it may hold NUL bytes: a ZIP or PKCS #7 file), borrowed from the
/// answer; `*len_out` gets its length. NULL (and 0) for a NULL answer; an empty body is a
/// valid pointer and 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_body(answer: *const sectigo_raw_answer, len_out: *mut usize) -> *const u8 {
    quietly(ptr::null(), || {
        let (body, len) = match unsafe { answer.as_ref() } {
            Some(a) => (a.answer.body().as_ptr(), a.answer.body().len()),
            None => (ptr::null(), 0),
        };
        if !len_out.is_null() {
            unsafe { put(len_out, len) };
        }
        body
    })
}

/// The `errorCode` (line 1, or `errorCode=`); `SECTIGO_RESULT_NOT_FOUND` when the body is in
/// neither of the documents' formats (a binary file, HTML, free text).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_code(
    answer: *const sectigo_raw_answer,
    code_out: *mut i64,
) -> sectigo_result {
    lookup(|| {
        let answer = unsafe { handle(answer, "answer")? };
        check_out(code_out, "code_out")?;
        match answer.answer.code() {
            Some(code) => unsafe { put(code_out, code) },
            None => return Ok(SECTIGO_RESULT_NOT_FOUND),
        }
        Ok(SECTIGO_RESULT_OK)
    })
}

/// The format of the body: `"newline"`, `"url_encoded"`, or NULL when it is in neither.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_format(answer: *const sectigo_raw_answer) -> *const c_char {
    quietly(ptr::null(), || match unsafe { answer.as_ref() }.and_then(|a| a.answer.format()) {
        Some(WireFormat::Newline) => c"newline".as_ptr(),
        Some(WireFormat::UrlEncoded) => c"url_encoded".as_ptr(),
        None => ptr::null(),
    })
}

/// The error text (line 2 of a newline answer with a negative code, or `errorMessage`), or
/// NULL; borrowed from the answer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_message(answer: *const sectigo_raw_answer) -> *const c_char {
    quietly(ptr::null(), || {
        unsafe { answer.as_ref() }.and_then(|a| a.strings().message.as_ref()).map_or(ptr::null(), |s| s.as_ptr())
    })
}

/// How many lines a newline answer has after the first (the code); 0 otherwise.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_line_count(answer: *const sectigo_raw_answer) -> usize {
    quietly(0, || unsafe { answer.as_ref() }.map_or(0, |a| a.answer.lines().len()))
}

/// The `index`th line after the code (from 0), borrowed from the answer; NULL past the end.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_line_at(answer: *const sectigo_raw_answer, index: usize) -> *const c_char {
    quietly(ptr::null(), || {
        unsafe { answer.as_ref() }.and_then(|a| a.strings().lines.get(index)).map_or(ptr::null(), |l| l.as_ptr())
    })
}

/// How many (name, value) pairs a URL-encoded answer has (`errorCode` included); 0 otherwise.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_field_count(answer: *const sectigo_raw_answer) -> usize {
    quietly(0, || unsafe { answer.as_ref() }.map_or(0, |a| a.answer.fields().len()))
}

/// The `index`th pair (from 0), in the order received; both strings borrowed from the answer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_field_at(
    answer: *const sectigo_raw_answer,
    index: usize,
    name_out: *mut *const c_char,
    value_out: *mut *const c_char,
) -> sectigo_result {
    lookup(|| {
        let answer = unsafe { handle(answer, "answer")? };
        check_out(name_out, "name_out")?;
        check_out(value_out, "value_out")?;
        match answer.strings().fields.get(index) {
            Some((n, v)) => unsafe {
                put(name_out, n.as_ptr());
                put(value_out, v.as_ptr());
            },
            None => return Ok(SECTIGO_RESULT_OUT_OF_RANGE),
        }
        Ok(SECTIGO_RESULT_OK)
    })
}

/// A pair of a URL-encoded answer by name (case-insensitive); `*value_out` is borrowed from
/// the answer. `SECTIGO_RESULT_NOT_FOUND` when the answer lacks it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_get(
    answer: *const sectigo_raw_answer,
    name: *const c_char,
    value_out: *mut *const c_char,
) -> sectigo_result {
    lookup(|| {
        let (answer, name) = unsafe { (handle(answer, "answer")?, text(name, "name")?) };
        check_out(value_out, "value_out")?;
        let fields = &answer.strings().fields;
        match answer.answer.fields().iter().position(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some(i) => unsafe { put(value_out, fields[i].1.as_ptr()) },
            None => return Ok(SECTIGO_RESULT_NOT_FOUND),
        }
        Ok(SECTIGO_RESULT_OK)
    })
}

/// How many times the call was sent again before this answer (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_retries(answer: *const sectigo_raw_answer) -> u32 {
    quietly(0, || unsafe { answer.as_ref() }.map_or(0, |a| a.answer.retries()))
}

/// How many log records the call kept (see the `log_level` option).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_log_count(answer: *const sectigo_raw_answer) -> usize {
    quietly(0, || unsafe { answer.as_ref() }.map_or(0, |a| a.log.len()))
}

/// The log record at `index` (from 0, in the order they were made), its level written to
/// `*level_out` (when not NULL); NULL past the end. Valid until the answer is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_log_at(
    answer: *const sectigo_raw_answer,
    index: usize,
    level_out: *mut sectigo_log_level,
) -> *const c_char {
    quietly(ptr::null(), || match unsafe { answer.as_ref() } {
        Some(a) => unsafe { crate::logging::record_at(&a.log, index, level_out) },
        None => ptr::null(),
    })
}

/// Frees an answer (NULL is allowed); what was borrowed from it becomes invalid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_raw_answer_free(answer: *mut sectigo_raw_answer) {
    quietly((), || unsafe { free(answer) })
}
