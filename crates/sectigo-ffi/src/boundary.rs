//! The panic boundary every function body runs in, and the helpers that check and borrow
//! pointer and string arguments, write outputs and make and free handles.

use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use crate::failure::sectigo_error_kind::*;
use crate::failure::sectigo_result::*;
use crate::failure::{Failure, sectigo_error, sectigo_result};

/// Runs `body` inside the panic boundary; on failure writes `*error_out` (if not NULL).
pub(crate) fn guard(error_out: *mut *mut sectigo_error, body: impl FnOnce() -> Result<(), Failure>) -> sectigo_result {
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return SECTIGO_RESULT_OK,
        Ok(Err(fail)) => fail,
        Err(_) => Failure {
            result: SECTIGO_RESULT_PANIC,
            error: Box::new(sectigo_error::new(
                SECTIGO_ERROR_KIND_INTERNAL,
                "internal error (a panic in the sectigo library)",
            )),
        },
    };
    if !error_out.is_null() {
        // SAFETY: the caller passes NULL or a valid pointer to write an error pointer to.
        unsafe { *error_out = Box::into_raw(failure.error) };
    }
    failure.result
}

/// Runs a lookup inside the panic boundary: argument problems become their result code; the
/// body's own result (`OK`, `NOT_FOUND`, `OUT_OF_RANGE`) is returned as it is.
pub(crate) fn lookup(body: impl FnOnce() -> Result<sectigo_result, Failure>) -> sectigo_result {
    let mut found = SECTIGO_RESULT_OK;
    match guard(ptr::null_mut(), || {
        found = body()?;
        Ok(())
    }) {
        SECTIGO_RESULT_OK => found,
        failed => failed,
    }
}

/// Runs a body that cannot fail but must not unwind into C.
pub(crate) fn quietly<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

pub(crate) fn null(what: &str) -> Failure {
    Failure {
        result: SECTIGO_RESULT_NULL_ARGUMENT,
        error: Box::new(sectigo_error::new(SECTIGO_ERROR_KIND_ARGUMENT, &format!("{what} is NULL"))),
    }
}

/// Borrows a C string argument.
pub(crate) unsafe fn text<'a>(p: *const c_char, what: &str) -> Result<&'a str, Failure> {
    if p.is_null() {
        return Err(null(what));
    }
    // SAFETY: the caller passes a NUL-terminated string that outlives the call.
    unsafe { CStr::from_ptr(p) }.to_str().map_err(|_| Failure {
        result: SECTIGO_RESULT_INVALID_UTF8,
        error: Box::new(sectigo_error::new(SECTIGO_ERROR_KIND_ARGUMENT, &format!("{what} is not valid UTF-8"))),
    })
}

/// Borrows a handle argument.
pub(crate) unsafe fn handle<'a, T>(p: *const T, what: &str) -> Result<&'a T, Failure> {
    // SAFETY: the caller passes NULL or a live handle made by this library.
    unsafe { p.as_ref() }.ok_or_else(|| null(what))
}

/// Borrows a handle argument for changing it.
pub(crate) unsafe fn handle_mut<'a, T>(p: *mut T, what: &str) -> Result<&'a mut T, Failure> {
    // SAFETY: the caller passes NULL or a live handle made by this library, used by one thread.
    unsafe { p.as_mut() }.ok_or_else(|| null(what))
}

/// Writes an output (checked for NULL before any work is done).
pub(crate) unsafe fn put<T>(out: *mut T, value: T) {
    // SAFETY: `out` was checked not to be NULL; the caller passes writable memory.
    unsafe { out.write(value) };
}

pub(crate) fn check_out<T>(out: *mut T, what: &str) -> Result<(), Failure> {
    if out.is_null() { Err(null(what)) } else { Ok(()) }
}

pub(crate) fn boxed<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

pub(crate) unsafe fn free<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: `p` came from `boxed` and is freed once, as documented.
        drop(unsafe { Box::from_raw(p) });
    }
}
