//! C ABI of the SDK. The header `bindings/c/include/sectigo.h` is generated from this file by
//! `cargo xtask codegen` (cbindgen), together with the endpoint and parameter names of `spec/`.
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

#![allow(unsafe_code, non_camel_case_types, clippy::missing_safety_doc)]

use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;
use std::sync::OnceLock;
use std::time::Duration;

use sectigo::dynamic;
use sectigo::meta::Endpoint;
use sectigo::wire::{RawResponse, Response};
use sectigo::{ApiError, Client, ClientBuilder, Error, RetryPolicy};

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

/// Settings of a client, filled by `sectigo_options_set`: the (name, value) pairs as set, each
/// checked when set.
pub struct sectigo_options {
    settings: Vec<(String, String)>,
}

impl std::fmt::Debug for sectigo_options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.settings.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("sectigo_options").field("settings", &names).finish()
    }
}

/// A client: one connection pool. Thread-safe.
#[derive(Debug)]
pub struct sectigo_client {
    client: Client,
}

/// A request: an endpoint and (name, value) parameters.
pub struct sectigo_request {
    request: dynamic::Request,
}

/// A successful answer, read by field name.
pub struct sectigo_response {
    response: Response,
    /// The answer's strings as C strings, made on first use.
    strings: OnceLock<Strings>,
    /// The whole answer in one buffer, made on first use (`sectigo_response_packed`).
    packed: OnceLock<Vec<u8>>,
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
            fields: self.response.fields().iter().map(|(n, v)| (c(n), c(v))).collect(),
            quirks: self.response.quirks().iter().map(|q| c(q.as_str())).collect(),
            raw: c(self.response.raw()),
        })
    }
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
}

// Passwords live in requests: show them only through the SDK's redacting Debug.
impl std::fmt::Debug for sectigo_request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.request.fmt(f)
    }
}

impl std::fmt::Debug for sectigo_response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.response.fmt(f)
    }
}

/// Appends `text` with any NUL byte as U+FFFD (as `c` makes C strings).
fn push_text(out: &mut String, text: &str) {
    if text.contains('\0') {
        out.push_str(&text.replace('\0', "\u{FFFD}"));
    } else {
        out.push_str(text);
    }
}

/// Makes a C string of any text: NUL bytes, which C strings cannot hold, become U+FFFD.
fn c(text: &str) -> CString {
    CString::new(text).unwrap_or_else(|_| CString::new(text.replace('\0', "\u{FFFD}")).expect("NUL bytes were replaced"))
}

impl sectigo_error {
    fn new(kind: sectigo_error_kind, message: &str) -> sectigo_error {
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
                out.raw = t.body.as_deref().map(c);
            }
            Error::Decode(d) => {
                out.detail_kind = Some(c(d.kind.as_str()));
                out.status = d.status;
                out.raw = Some(c(&d.raw));
            }
            Error::OutcomeUnknown(o) => {
                out.status = o.status.unwrap_or(0);
                out.raw = o.body.as_deref().map(c);
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
struct Fail(sectigo_result, Box<sectigo_error>);

impl Fail {
    fn config(message: impl AsRef<str>) -> Fail {
        Fail(SECTIGO_RESULT_ERROR, Box::new(sectigo_error::new(SECTIGO_ERROR_KIND_CONFIG, message.as_ref())))
    }

    fn sdk(e: &Error) -> Fail {
        Fail(SECTIGO_RESULT_ERROR, Box::new(sectigo_error::from_sdk(e)))
    }
}

/// Runs `body` inside the panic boundary; on failure writes `*error_out` (if not NULL).
fn guard(error_out: *mut *mut sectigo_error, body: impl FnOnce() -> Result<(), Fail>) -> sectigo_result {
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return SECTIGO_RESULT_OK,
        Ok(Err(fail)) => fail,
        Err(_) => Fail(
            SECTIGO_RESULT_PANIC,
            Box::new(sectigo_error::new(SECTIGO_ERROR_KIND_INTERNAL, "internal error (a panic in the sectigo library)")),
        ),
    };
    if !error_out.is_null() {
        // SAFETY: the caller passes NULL or a valid pointer to write an error pointer to.
        unsafe { *error_out = Box::into_raw(failure.1) };
    }
    failure.0
}

/// Runs a lookup inside the panic boundary: argument problems become their result code; the
/// body's own result (`OK`, `NOT_FOUND`, `OUT_OF_RANGE`) is returned as it is.
fn lookup(body: impl FnOnce() -> Result<sectigo_result, Fail>) -> sectigo_result {
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
fn quietly<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

fn null(what: &str) -> Fail {
    Fail(SECTIGO_RESULT_NULL_ARGUMENT, Box::new(sectigo_error::new(SECTIGO_ERROR_KIND_ARGUMENT, &format!("{what} is NULL"))))
}

/// Borrows a C string argument.
unsafe fn text<'a>(p: *const c_char, what: &str) -> Result<&'a str, Fail> {
    if p.is_null() {
        return Err(null(what));
    }
    // SAFETY: the caller passes a NUL-terminated string that outlives the call.
    unsafe { CStr::from_ptr(p) }.to_str().map_err(|_| {
        Fail(SECTIGO_RESULT_INVALID_UTF8, Box::new(sectigo_error::new(SECTIGO_ERROR_KIND_ARGUMENT, &format!("{what} is not valid UTF-8"))))
    })
}

/// Borrows a handle argument.
unsafe fn handle<'a, T>(p: *const T, what: &str) -> Result<&'a T, Fail> {
    // SAFETY: the caller passes NULL or a live handle made by this library.
    unsafe { p.as_ref() }.ok_or_else(|| null(what))
}

/// Borrows a handle argument for changing it.
unsafe fn handle_mut<'a, T>(p: *mut T, what: &str) -> Result<&'a mut T, Fail> {
    // SAFETY: the caller passes NULL or a live handle made by this library, used by one thread.
    unsafe { p.as_mut() }.ok_or_else(|| null(what))
}

/// Writes an output (checked for NULL before any work is done).
unsafe fn put<T>(out: *mut T, value: T) {
    // SAFETY: `out` was checked not to be NULL; the caller passes writable memory.
    unsafe { out.write(value) };
}

fn check_out<T>(out: *mut T, what: &str) -> Result<(), Fail> {
    if out.is_null() { Err(null(what)) } else { Ok(()) }
}

fn boxed<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

unsafe fn free<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: `p` came from `boxed` and is freed once, as documented.
        drop(unsafe { Box::from_raw(p) });
    }
}

/// The library's version, a static string.
#[unsafe(no_mangle)]
pub extern "C" fn sectigo_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Makes empty client settings (the current Sectigo host, 10 s to connect, 60 s per call).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_options_new(options_out: *mut *mut sectigo_options) -> sectigo_result {
    guard(ptr::null_mut(), || {
        check_out(options_out, "options_out")?;
        // SAFETY: checked above.
        unsafe { put(options_out, boxed(sectigo_options { settings: Vec::new() })) };
        Ok(())
    })
}

/// Sets one client setting. Names:
/// - `login_name`, `login_password`: the account's credentials (the password is never shown);
/// - `base_url`: `https://host[:port]`, or `http://...` with `allow_http`;
/// - `host`: `current` (default) or `legacy`;
/// - `timeout_ms`, `connect_timeout_ms`: whole milliseconds;
/// - `ca_file`: a PEM file of extra certificate authorities to trust (may be set repeatedly);
/// - `allow_http`: `1` or `0` (plain HTTP, for local testing only);
/// - `user_agent`;
/// - `max_retries`: how many times a failed call may be sent again, `0` to never (default 3;
///   only what is provably safe is ever resent: a -42 answer, a connection never
///   established, a call that changes nothing whose connection broke);
/// - `retry_base_ms`, `retry_max_ms`: the bound of the first wait before a retry (default 250)
///   and the largest bound (default 8000); each wait is random up to its bound, which doubles;
/// - `path:<endpoint>`: the path of an endpoint, e.g. `path:tier2_partner_signup`, which the
///   documents do not give.
///
/// Unknown names and bad values fail with a `SECTIGO_ERROR_KIND_CONFIG` error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_options_set(
    options: *mut sectigo_options,
    name: *const c_char,
    value: *const c_char,
    error_out: *mut *mut sectigo_error,
) -> sectigo_result {
    guard(error_out, || {
        // SAFETY: arguments as documented.
        let (options, name, value) =
            unsafe { (handle_mut(options, "options")?, text(name, "name")?, text(value, "value")?) };
        // Checked now, so a bad setting is reported where it is made (and the others stay).
        apply(Client::builder(), &mut RetryPolicy::standard(), name, value)?;
        options.settings.push((name.to_owned(), value.to_owned()));
        Ok(())
    })
}

/// One setting applied to a builder (the retry settings to `retry`, which the builder takes
/// once all are read).
fn apply(b: ClientBuilder, retry: &mut RetryPolicy, name: &str, value: &str) -> Result<ClientBuilder, Fail> {
    let millis = |v: &str| -> Result<Duration, Fail> {
        v.parse::<u64>()
            .ok()
            .filter(|ms| *ms > 0)
            .map(Duration::from_millis)
            .ok_or_else(|| Fail::config(format!("option {name}: {v:?} is not a positive whole number of milliseconds")))
    };
    let whole = |v: &str| -> Result<u32, Fail> {
        v.parse::<u32>().map_err(|_| Fail::config(format!("option {name}: {v:?} is not a whole number from 0")))
    };
    match name {
        "login_name" => Ok(b.login_name(value)),
        "login_password" => Ok(b.login_password(value)),
        "base_url" => Ok(b.base_url(value)),
        "host" => match value {
            "current" => Ok(b.host(sectigo::Host::Current)),
            "legacy" => Ok(b.host(sectigo::Host::Legacy)),
            _ => Err(Fail::config(format!("option host: {value:?} is not current or legacy"))),
        },
        "timeout_ms" => Ok(b.timeout(millis(value)?)),
        "connect_timeout_ms" => Ok(b.connect_timeout(millis(value)?)),
        "ca_file" => Ok(b.add_root_certificates_file(value)),
        "allow_http" => match value {
            "1" | "true" => Ok(b.allow_http(true)),
            "0" | "false" => Ok(b.allow_http(false)),
            _ => Err(Fail::config(format!("option allow_http: {value:?} is not 1 or 0"))),
        },
        "user_agent" => Ok(b.user_agent(value)),
        "max_retries" => {
            retry.max_retries = whole(value)?;
            Ok(b)
        }
        "retry_base_ms" => {
            retry.base_delay = Duration::from_millis(whole(value)?.into());
            Ok(b)
        }
        "retry_max_ms" => {
            retry.max_delay = Duration::from_millis(whole(value)?.into());
            Ok(b)
        }
        _ => match name.strip_prefix("path:") {
            Some(endpoint) => Ok(b.endpoint_path(endpoint, value)),
            None => Err(Fail::config(format!(
                "unknown option {name:?} (login_name, login_password, base_url, host, timeout_ms, \
                 connect_timeout_ms, ca_file, allow_http, user_agent, max_retries, retry_base_ms, retry_max_ms, \
                 path:<endpoint>)"
            ))),
        },
    }
}

/// Clients already made in this process, by their settings: a client made again with the same
/// settings shares the first one's connection pool, so a program (or a PHP worker, whose
/// objects die with each request) that makes a client per task pays no new TLS handshake.
/// The oldest entries give way past [`SHARED_CLIENTS`].
static CLIENTS: std::sync::Mutex<Vec<SharedClient>> = std::sync::Mutex::new(Vec::new());
/// A client, by the settings it was made with.
type SharedClient = (Vec<(String, String)>, Client);
const SHARED_CLIENTS: usize = 16;

fn shared_client(settings: &[(String, String)]) -> Result<Client, Fail> {
    let mut clients = CLIENTS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, client)) = clients.iter().find(|(s, _)| s.as_slice() == settings) {
        return Ok(client.clone());
    }
    let mut b = Client::builder();
    let mut retry = RetryPolicy::standard();
    for (name, value) in settings {
        b = apply(b, &mut retry, name, value)?;
    }
    let client = b.retry_policy(retry).build().map_err(|e| Fail::sdk(&Error::Config(e)))?;
    if clients.len() >= SHARED_CLIENTS {
        clients.remove(0);
    }
    clients.push((settings.to_vec(), client.clone()));
    Ok(client)
}

/// Frees settings (NULL is allowed). A client made from them stays valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_options_free(options: *mut sectigo_options) {
    quietly((), || unsafe { free(options) })
}

/// Makes a client from settings (which are not consumed: free them when done). Clients made
/// with the same settings in one process share one connection pool, which outlives them: a
/// client per task or per PHP request costs no new TLS handshake. A CA file is read when the
/// first client with its settings is made.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_client_new(
    options: *const sectigo_options,
    client_out: *mut *mut sectigo_client,
    error_out: *mut *mut sectigo_error,
) -> sectigo_result {
    guard(error_out, || {
        // SAFETY: arguments as documented.
        let options = unsafe { handle(options, "options")? };
        check_out(client_out, "client_out")?;
        let client = shared_client(&options.settings)?;
        unsafe { put(client_out, boxed(sectigo_client { client })) };
        Ok(())
    })
}

/// Frees a client (NULL is allowed). No call may be running on it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_client_free(client: *mut sectigo_client) {
    quietly((), || unsafe { free(client) })
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
        let request = dynamic::Request::new(endpoint).map_err(|e| Fail::sdk(&Error::Config(e)))?;
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
        let form = request.request.prepare().map_err(|v| Fail::sdk(&Error::Validation(v)))?;
        unsafe { put(body_out, c(&form.encode()).into_raw()) };
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

fn response(response: Response) -> sectigo_response {
    sectigo_response { response, strings: OnceLock::new(), packed: OnceLock::new() }
}

/// The name/value pairs of a packed parameter buffer: `count` pairs, every string ended by a
/// NUL byte. The strings borrow the caller's buffer (`'a`: for the call that uses them).
///
/// # Safety
/// `params` is NULL or points at `len` readable bytes that outlive `'a`.
unsafe fn unpack<'a>(params: *const c_char, len: usize, count: usize) -> Result<Vec<(&'a str, &'a str)>, Fail> {
    let argument = |result, message: String| Fail(result, Box::new(sectigo_error::new(SECTIGO_ERROR_KIND_ARGUMENT, &message)));
    if len == 0 && count == 0 {
        return Ok(Vec::new());
    }
    if params.is_null() {
        return Err(null("params"));
    }
    // SAFETY: as the function's contract says.
    let bytes: &'a [u8] = unsafe { std::slice::from_raw_parts(params.cast::<u8>(), len) };
    let Some(body) = bytes.strip_suffix(b"\0") else {
        return Err(argument(SECTIGO_RESULT_ERROR, format!("params: {len} bytes that do not end with a NUL byte")));
    };
    let strings: Vec<&'a [u8]> = body.split(|&b| b == 0).collect();
    if count.checked_mul(2) != Some(strings.len()) {
        return Err(argument(
            SECTIGO_RESULT_ERROR,
            format!(
                "params: {} NUL-ended strings for {count} pairs (a name and a value each): a name or a value holds a NUL byte, or count is wrong",
                strings.len()
            ),
        ));
    }
    strings
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            let text = |bytes: &'a [u8], what: &str| {
                std::str::from_utf8(bytes).map_err(|_| {
                    argument(SECTIGO_RESULT_INVALID_UTF8, format!("params: the {what} of pair {} is not valid UTF-8", i + 1))
                })
            };
            Ok((text(pair[0], "name")?, text(pair[1], "value")?))
        })
        .collect()
}

/// Validates and sends a request with the client's credentials. On success writes the
/// answer; an error answer of the API is a `SECTIGO_ERROR_KIND_API` error. A failed call is
/// sent again only when that is provably safe (see the `max_retries` option): never a call
/// that may have taken effect. `sectigo_response_retries` and `sectigo_error_retries` tell
/// how many times it was.
/// Blocks until the answer or a time limit. The client may be shared between threads.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_client_call(
    client: *const sectigo_client,
    request: *const sectigo_request,
    response_out: *mut *mut sectigo_response,
    error_out: *mut *mut sectigo_error,
) -> sectigo_result {
    guard(error_out, || {
        // SAFETY: arguments as documented.
        let (client, request) = unsafe { (handle(client, "client")?, handle(request, "request")?) };
        check_out(response_out, "response_out")?;
        let answer = request.request.send(&client.client).map_err(|e| Fail::sdk(&e))?;
        unsafe { put(response_out, boxed(response(answer))) };
        Ok(())
    })
}

/// Validates and sends a call whose parameters come in one buffer, for bindings that pay for
/// every crossing into C (PHP's FFI): `count` pairs, each a name and a value, every one of
/// those strings ended by a NUL byte (`"orderNumber\0" "1000003\0" ...`), `len` bytes in all
/// (`params` may be NULL when both are 0). The same call as `sectigo_request_new`,
/// `sectigo_request_set` for each pair and `sectigo_client_call`, with the same answers and
/// errors; a buffer that does not hold `count` pairs is a `SECTIGO_ERROR_KIND_ARGUMENT` error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_client_call_packed(
    client: *const sectigo_client,
    endpoint: *const c_char,
    params: *const c_char,
    len: usize,
    count: usize,
    response_out: *mut *mut sectigo_response,
    error_out: *mut *mut sectigo_error,
) -> sectigo_result {
    guard(error_out, || {
        // SAFETY: arguments as documented.
        let (client, endpoint, pairs) =
            unsafe { (handle(client, "client")?, text(endpoint, "endpoint")?, unpack(params, len, count)?) };
        check_out(response_out, "response_out")?;
        let endpoint = dynamic::Request::new(endpoint).map_err(|e| Fail::sdk(&Error::Config(e)))?.endpoint();
        let answer = client.client.call(endpoint, pairs).map_err(|e| Fail::sdk(&e))?;
        unsafe { put(response_out, boxed(response(answer))) };
        Ok(())
    })
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
        let bytes = if body_len == 0 { Vec::new() } else { unsafe { std::slice::from_raw_parts(body, body_len) }.to_vec() };
        let endpoint: &'static Endpoint = request.request.endpoint();
        let answer = sectigo::wire::decode(endpoint, request.request.params(), RawResponse { status, location, body: bytes })
            .map_err(|d| Fail::sdk(&Error::Decode(d)))?;
        if !answer.is_success() {
            return Err(Fail::sdk(&Error::Api(ApiError::from_response(answer))));
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
            for text in fields.iter().flat_map(|(n, v)| [n.as_ref(), v.as_ref()]).chain(quirks.iter().map(|q| q.as_str())) {
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

/// Frees an error (NULL is allowed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_error_free(error: *mut sectigo_error) {
    quietly((), || unsafe { free(error) })
}
