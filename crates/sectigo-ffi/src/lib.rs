//! C ABI of the SDK. The header `bindings/c/include/sectigo.h` is generated from this crate's
//! source (this file and its modules) by `cargo xtask codegen` (cbindgen), together with the
//! endpoint and parameter names of `spec/`.
//!
//! Conventions (see the README's "API conventions"):
//! - Every symbol starts with `sectigo_`; objects are opaque handles made by `_new` (or by a
//!   call) and released by `_free`, which accepts NULL.
//! - Fallible functions return a `sectigo_result`. On `SECTIGO_RESULT_OK` they write their
//!   outputs; on anything else they write nothing but `*error_out` (when `error_out` is not
//!   NULL), a `sectigo_error` the caller frees.
//! - Every pointer is checked for NULL and every string for UTF-8; every body runs inside a
//!   panic boundary, so a Rust panic becomes `SECTIGO_RESULT_PANIC`, never an abort.
//! - Strings returned as `const char *` are borrowed from the object they came from and valid
//!   until it is freed. Strings returned as `char *` are the caller's and freed with
//!   `sectigo_string_free`.
//! - A `sectigo_client` may be used from several threads at once. Options, requests,
//!   responses and errors must be used by one thread at a time.
//!
//! Modules, one per concern: `boundary` (the panic boundary, argument and output helpers),
//! `options`, `logging` (each call's log records and the log callback), `client` (clients, their
//! shared cache, requests and calls), `response` and `error` (results and errors). Everything the C API exports is re-exported here.

#![allow(unsafe_code, non_camel_case_types, clippy::missing_safety_doc)]

use std::ffi::c_char;

// cbindgen reads this file, then the modules in the order declared here, and the header
// declares the functions in that order: keep it.
mod boundary;
mod options;
mod logging;
mod client;
mod response;
mod error;

pub use client::*;
pub use error::*;
pub use logging::{sectigo_log_fn, sectigo_log_level};
pub use options::*;
pub use response::*;

/// The library's version, a static string.
#[unsafe(no_mangle)]
pub extern "C" fn sectigo_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
