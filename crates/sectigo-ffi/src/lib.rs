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
//! Modules, one per concern, each building only on those before it in this list:
//! - `strings`: text into C strings;
//! - `logging`: each call's log records and the log callback;
//! - `failure`: `sectigo_result`, `sectigo_error` and how it is made, and the `Failure` a
//!   function body returns;
//! - `boundary`: the panic boundary, argument checks, outputs and handles;
//! - `options`: the client's settings (one table of them);
//! - `request`: requests and their checking;
//! - `response`: answers and their fields;
//! - `client`: clients, their shared cache, and calls;
//! - `raw`: calls to paths outside the spec, and their answers;
//! - `helpers`: the catalogue's lookups and the customer's page URLs;
//! - `error`: the accessors of `sectigo_error`.
//!
//! Everything the C API exports is re-exported here.

#![allow(unsafe_code, non_camel_case_types, clippy::missing_safety_doc)]

use std::ffi::c_char;

// cbindgen reads this file, then the modules in the order declared here, and the header
// declares the functions in that order: keep it (rustfmt.toml keeps rustfmt from sorting it).
// The order the modules build on each other is the list above.
mod strings;
mod logging;
mod failure;
mod boundary;
mod options;
mod client;
mod request;
mod response;
mod raw;
mod helpers;
mod error;

pub use client::*;
pub use error::*;
pub use failure::{sectigo_error, sectigo_error_flag, sectigo_error_kind, sectigo_result};
pub use helpers::*;
pub use logging::{sectigo_log_fn, sectigo_log_level};
pub use options::*;
pub use raw::*;
pub use request::*;
pub use response::*;

/// The library's version, a static string.
#[unsafe(no_mangle)]
pub extern "C" fn sectigo_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
