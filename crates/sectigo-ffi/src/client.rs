//! Clients and their per-process shared cache, and calls (of a request object, or with packed
//! parameters); the requests themselves are `request.rs`'s.

use std::ffi::c_char;

use sectigo::wire::Response;
use sectigo::{Client, Error, dynamic};

use crate::boundary::{boxed, check_out, free, guard, handle, null, put, quietly, text};
use crate::failure::sectigo_error_kind::*;
use crate::failure::sectigo_result::*;
use crate::failure::{Failure, sectigo_error, sectigo_result};
use crate::logging::{Record, Sink, during, sectigo_log_level};
use crate::options::{apply, sectigo_options};
use crate::request::sectigo_request;
use crate::response::{response, sectigo_response};

/// A client: one connection pool. Thread-safe.
#[derive(Debug)]
pub struct sectigo_client {
    pub(crate) client: Client,
    /// Where its calls' log records go (not part of the shared client: clients that differ in
    /// it alone share a pool).
    pub(crate) log: Sink,
}

/// Clients already made in this process, by their settings and the environment they read: a
/// client made again with the same settings (and the same proxy and trust variables) shares
/// the first one's connection pool, so a program (or a PHP worker, whose objects die with each
/// request) that makes a client per task pays no new TLS handshake. The oldest entries give way
/// past [`SHARED_CLIENTS`]. Stamped with the process's generation (see `sectigo::fork`): a
/// child process after `fork()` starts with none of its parent's.
static CLIENTS: std::sync::Mutex<(u64, Vec<SharedClient>)> = std::sync::Mutex::new((0, Vec::new()));
const SHARED_CLIENTS: usize = 16;

/// A client, by its key.
struct SharedClient {
    key: Key,
    client: Client,
}

/// A client's settings, then `env:NAME` entries for the environment variables a client reads
/// when it is built. Passwords are among the values: wiped when the key goes.
#[derive(PartialEq)]
struct Key(Vec<(String, String)>);

impl Drop for Key {
    fn drop(&mut self) {
        crate::options::wipe(&mut self.0);
    }
}

/// The environment variables a client reads when built, as they are now.
const TRUST_ENVIRONMENT: &[&str] = &["SSL_CERT_FILE", "SSL_CERT_DIR"];

fn cache_key(settings: &[(String, String)]) -> Key {
    let mut key = settings.to_vec();
    let proxy = sectigo::proxy::environment().into_iter();
    let trust = TRUST_ENVIRONMENT.iter().map(|name| (*name, std::env::var(name).ok()));
    for (name, value) in proxy.chain(trust) {
        if let Some(value) = value {
            key.push((format!("env:{name}"), value));
        }
    }
    Key(key)
}

fn shared_client(settings: &[(String, String)]) -> Result<Client, Failure> {
    let key = cache_key(settings);
    let mut cache = CLIENTS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let generation = sectigo::fork::generation();
    if cache.0 != generation {
        // The parent's clients: dropping them closes this process's copies of their sockets,
        // which sends nothing on them.
        cache.1.clear();
        cache.0 = generation;
    }
    let clients = &mut cache.1;
    if let Some(shared) = clients.iter().find(|c| c.key == key) {
        return Ok(shared.client.clone());
    }
    let mut b = Client::builder();
    for (name, value) in settings {
        b = apply(b, name, value)?;
    }
    let client = b.build().map_err(|e| Failure::sdk(&Error::Config(e)))?;
    if clients.len() >= SHARED_CLIENTS {
        clients.remove(0);
    }
    clients.push(SharedClient { key, client: client.clone() });
    Ok(client)
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
        let (logging, settings): (Vec<_>, Vec<_>) =
            options.settings.iter().cloned().partition(|(name, _)| name == "log_level");
        let client = shared_client(&settings)?;
        let (callback, user_data) = options.log_callback;
        let set = logging.last().and_then(|(_, value)| crate::logging::parse_level(value));
        let level = match (set, callback) {
            (Some(level), _) => level,
            (None, Some(_)) => sectigo_log_level::SECTIGO_LOG_WARN,
            (None, None) => sectigo_log_level::SECTIGO_LOG_OFF,
        };
        let log = Sink { level, callback, user_data };
        if log.wants() {
            crate::logging::install();
        }
        unsafe { put(client_out, boxed(sectigo_client { client, log })) };
        Ok(())
    })
}

/// Releases what the library keeps for the process between clients: the shared clients of
/// `sectigo_client_new` and their connection pools (their connections are closed). Clients
/// still held stay valid and keep their own pool; a client made afterwards starts afresh. For
/// a program's exit, or a leak checker: after every handle is freed, nothing of the library's
/// caches stays reachable. Safe to call at any time, from any thread, more than once.
#[unsafe(no_mangle)]
pub extern "C" fn sectigo_global_cleanup() {
    quietly((), || {
        let cached = {
            let mut cache = CLIENTS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            std::mem::take(&mut cache.1)
        };
        // Dropped outside the lock: closing connections must not hold up another thread.
        drop(cached);
        let mut cache = CLIENTS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cache.1.shrink_to_fit();
    })
}

/// Frees a client (NULL is allowed). No call may be running on it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_client_free(client: *mut sectigo_client) {
    quietly((), || unsafe { free(client) })
}

/// The name/value pairs of a packed parameter buffer: `count` pairs, every string ended by a
/// NUL byte. The strings borrow the caller's buffer (`'a`: for the call that uses them).
///
/// # Safety
/// `params` is NULL or points at `len` readable bytes that outlive `'a`.
pub(crate) unsafe fn unpack<'a>(
    params: *const c_char,
    len: usize,
    count: usize,
) -> Result<Vec<(&'a str, &'a str)>, Failure> {
    let argument = |result, message: String| Failure {
        result,
        error: Box::new(sectigo_error::new(SECTIGO_ERROR_KIND_ARGUMENT, &message)),
    };
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
                    argument(
                        SECTIGO_RESULT_INVALID_UTF8,
                        format!("params: the {what} of pair {} is not valid UTF-8", i + 1),
                    )
                })
            };
            Ok((text(pair[0], "name")?, text(pair[1], "value")?))
        })
        .collect()
}

/// Writes a call's answer, or makes its error, with the call's log records.
///
/// # Safety
/// `response_out` is writable (checked by the caller).
unsafe fn answered(
    answer: Result<Response, Error>,
    log: Vec<Record>,
    response_out: *mut *mut sectigo_response,
) -> Result<(), Failure> {
    match answer {
        Ok(answer) => {
            // SAFETY: as the function's contract says.
            unsafe { put(response_out, boxed(response(answer).with_log(log))) };
            Ok(())
        }
        Err(e) => Err(Failure::sdk(&e).with_log(log)),
    }
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
        let (answer, log) = during(client.log, || request.request.send(&client.client));
        // SAFETY: checked above.
        unsafe { answered(answer, log, response_out) }
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
        let endpoint = dynamic::Request::new(endpoint).map_err(|e| Failure::sdk(&Error::Config(e)))?.endpoint();
        let (answer, log) = during(client.log, || client.client.call(endpoint, pairs));
        // SAFETY: checked above.
        unsafe { answered(answer, log, response_out) }
    })
}
