//! Client settings: `sectigo_options`, and how each setting's name and value are read.

use std::ffi::c_char;
use std::ptr;
use std::time::Duration;

use sectigo::{Client, ClientBuilder, RetryPolicy};

use crate::boundary::{boxed, check_out, free, guard, handle_mut, put, quietly, text};
use crate::error::{Fail, sectigo_error, sectigo_result};

/// Settings of a client, filled by `sectigo_options_set`: the (name, value) pairs as set, each
/// checked when set.
pub struct sectigo_options {
    pub(crate) settings: Vec<(String, String)>,
    /// The log callback and its user data (`sectigo_options_set_log_callback`).
    pub(crate) log_callback: (crate::logging::sectigo_log_fn, usize),
}

// Passwords and keys' passwords are among the values: wiped when the settings go.
impl Drop for sectigo_options {
    fn drop(&mut self) {
        wipe(&mut self.settings);
    }
}

/// Overwrites every value with zeros.
pub(crate) fn wipe(settings: &mut [(String, String)]) {
    for (_, value) in settings {
        zeroize::Zeroize::zeroize(value);
    }
}

impl std::fmt::Debug for sectigo_options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.settings.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("sectigo_options").field("settings", &names).finish()
    }
}

/// Makes empty client settings (the current Sectigo host, 10 s to connect, 60 s per call).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_options_new(options_out: *mut *mut sectigo_options) -> sectigo_result {
    guard(ptr::null_mut(), || {
        check_out(options_out, "options_out")?;
        // SAFETY: checked above.
        unsafe { put(options_out, boxed(sectigo_options { settings: Vec::new(), log_callback: (None, 0) })) };
        Ok(())
    })
}

/// Sets one client setting. Names:
/// - `login_name`, `login_password`: the account's credentials (the password is never shown);
/// - `client_cert` + `client_key` (PEM files), or `client_pkcs12` + `client_pkcs12_password`: log
///   in with a client certificate instead of a password (on the `private` hosts): set
///   `login_name` to the certificate's account and no `login_password`, which is then neither
///   required nor sent;
/// - `base_url`: `https://host[:port]`, or `http://...` with `allow_http`;
/// - `host`: `current` (default), `legacy`, `private` or `private_legacy` (the last two for
///   client-certificate login);
/// - `timeout_ms`, `connect_timeout_ms`: whole milliseconds, at most an hour;
/// - `roots`: `bundled` (default: Mozilla's roots, built in) or `system` (the system's store;
///   honours `SSL_CERT_FILE` and `SSL_CERT_DIR`);
/// - `ca_file`: a PEM file of extra certificate authorities to trust (may be set repeatedly);
/// - `proxy`: `http://[user:password@]host[:port]` or `https://...` (a CONNECT proxy; the
///   password is never shown), or `none`; without it, `https_proxy`/`HTTPS_PROXY`/`all_proxy`
///   are read as curl reads them (SOCKS is refused);
/// - `no_proxy`: hosts reached directly, comma-separated (names with their subdomains, IP
///   addresses, networks such as `10.0.0.0/8`, or `*`); without it, `no_proxy`/`NO_PROXY`;
/// - `allow_http`: `1` or `0` (plain HTTP, for local testing only);
/// - `user_agent`: one line of printable text;
/// - `resolve`: `HOST:PORT:ADDR[,ADDR...]`, addresses to connect to for `HOST:PORT` instead of
///   looking it up, like curl's `--resolve` (an `ADDR` may carry its own port); may be set
///   repeatedly;
/// - `max_retries`: how many times a failed call may be sent again, `0` to never (default 3;
///   only what is provably safe is ever resent: a -42 answer, a call that failed before any
///   byte of it was sent, a call that changes nothing whose connection broke);
/// - `retry_base_ms`, `retry_max_ms`: the bound of the first wait before a retry (default 250)
///   and the largest bound (default 8000); each wait is random up to its bound, which doubles;
/// - `path:<endpoint>`: the path of an endpoint, e.g. `path:tier2_partner_signup`, which the
///   documents do not give;
/// - `log_level`: `off` (default), `error`, `warn` or `debug`: the log records of each call
///   from that level up are kept with its answer or error (`sectigo_response_log_at`,
///   `sectigo_error_log_at`) and given to the log callback (`warn` when a callback is set
///   without it). `warn`: retries and unknown outcomes; `debug`: also each call once it is
///   over.
///
/// Unknown names and bad values fail with a `SECTIGO_ERROR_KIND_CONFIG` error, here or, for
/// what only the whole set can tell (a control character in `user_agent`, a time over the cap),
/// when the client is made.
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
pub(crate) fn apply(b: ClientBuilder, retry: &mut RetryPolicy, name: &str, value: &str) -> Result<ClientBuilder, Fail> {
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
        "host" => match sectigo::Host::from_key(value) {
            Some(host) => Ok(b.host(host)),
            None => Err(Fail::config(format!(
                "option host: {value:?} is not one of {}",
                sectigo::Host::ALL.iter().map(|h| h.key()).collect::<Vec<_>>().join(", ")
            ))),
        },
        "timeout_ms" => Ok(b.timeout(millis(value)?)),
        "connect_timeout_ms" => Ok(b.connect_timeout(millis(value)?)),
        "ca_file" => Ok(b.add_root_certificates_file(value)),
        "roots" => Ok(b.roots(value.parse().map_err(|e: sectigo::ConfigError| Fail::config(format!("option {e}")))?)),
        "proxy" => Ok(b.proxy(value)),
        "no_proxy" => Ok(b.no_proxy(value)),
        "client_cert" => Ok(b.client_cert(value)),
        "client_key" => Ok(b.client_key(value)),
        "client_pkcs12" => Ok(b.client_pkcs12(value)),
        "client_pkcs12_password" => Ok(b.client_pkcs12_password(value)),
        "allow_http" => match value {
            "1" | "true" => Ok(b.allow_http(true)),
            "0" | "false" => Ok(b.allow_http(false)),
            _ => Err(Fail::config(format!("option allow_http: {value:?} is not 1 or 0"))),
        },
        "user_agent" => Ok(b.user_agent(value)),
        "resolve" => b.resolve_entry(value).map_err(|e| Fail::config(format!("option {e}"))),
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
        // Kept by the client handle, not the shared client (see `sectigo_client_new`).
        "log_level" => match crate::logging::parse_level(value) {
            Some(_) => Ok(b),
            None => Err(Fail::config(format!("option log_level: {value:?} is not one of off, error, warn, info, debug"))),
        },
        _ => match name.strip_prefix("path:") {
            Some(endpoint) => Ok(b.endpoint_path(endpoint, value)),
            None => Err(Fail::config(format!(
                "unknown option {name:?} (login_name, login_password, client_cert, client_key, client_pkcs12, \
                 client_pkcs12_password, base_url, host, timeout_ms, connect_timeout_ms, roots, ca_file, proxy, no_proxy, \
                 allow_http, user_agent, resolve, max_retries, retry_base_ms, retry_max_ms, log_level, path:<endpoint>)"
            ))),
        },
    }
}

/// Sets the log callback of the clients made from these settings (NULL turns it off), with the
/// user data it is called with: each log record of their calls, from the `log_level` option's
/// level up (`warn` when that option is not set), as the record is made. See `sectigo_log_fn`
/// for the thread it runs on and what it must not do.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_options_set_log_callback(
    options: *mut sectigo_options,
    callback: crate::logging::sectigo_log_fn,
    user_data: *mut std::ffi::c_void,
    error_out: *mut *mut sectigo_error,
) -> sectigo_result {
    guard(error_out, || {
        // SAFETY: arguments as documented.
        let options = unsafe { handle_mut(options, "options")? };
        options.log_callback = (callback, user_data as usize);
        Ok(())
    })
}

/// Frees settings (NULL is allowed). A client made from them stays valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sectigo_options_free(options: *mut sectigo_options) {
    quietly((), || unsafe { free(options) })
}
