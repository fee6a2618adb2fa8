//! Client settings: `sectigo_options`, and how each setting's name and value are read.

use std::ffi::c_char;
use std::ptr;
use std::time::Duration;

use sectigo::{Client, ClientBuilder, RetryPolicy};

use crate::boundary::{boxed, check_out, free, guard, handle_mut, put, quietly, text};
use crate::failure::{Failure, sectigo_error, sectigo_result};

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

/// Sets one client setting, by name: the names, their values and defaults are in the table
/// "Client settings" at the top of this header (and in `bindings/c/README.md`), both made from
/// the list this function reads them by.
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

/// Every setting `sectigo_options_set` takes: (name, value, default, meaning). `cargo xtask
/// codegen` makes the header's table and `bindings/c/README.md`'s from this list, and an
/// unknown name's error lists its names; a test checks that [`apply`] reads each of them.
pub const OPTIONS: &[(&str, &str, &str, &str)] = &[
    ("login_name", "text", "none", "The account's user name."),
    (
        "login_password",
        "text",
        "none",
        "The account's password; never shown, and wiped from memory when the settings go.",
    ),
    (
        "client_cert",
        "path of a PEM file",
        "none",
        "A client certificate to log in with instead of a password (on the `private` hosts), with `client_key`: set `login_name` to the certificate's account and no `login_password`, which is then neither required nor sent.",
    ),
    ("client_key", "path of a PEM file", "none", "The private key of `client_cert`."),
    (
        "client_pkcs12",
        "path of a PKCS #12 file",
        "none",
        "A client certificate and its key in one `.p12`/`.pfx` file, instead of `client_cert` and `client_key`.",
    ),
    ("client_pkcs12_password", "text", "none", "The password of `client_pkcs12`; never shown."),
    ("base_url", "`https://host[:port]`", "the `host`'s", "Where to send calls; `http://...` only with `allow_http`."),
    (
        "host",
        "`current`, `legacy`, `private` or `private_legacy`",
        "`current`",
        "Which of Sectigo's hosts to call; the `private` ones take client-certificate login.",
    ),
    (
        "timeout_ms",
        "whole milliseconds, at most an hour",
        "60000",
        "The time allowed for a whole call, retries included.",
    ),
    (
        "connect_timeout_ms",
        "whole milliseconds, at most an hour",
        "10000",
        "The time allowed to connect (name lookup, TCP, TLS handshake).",
    ),
    (
        "roots",
        "`bundled` or `system`",
        "`bundled`",
        "The certificate authorities to start from: Mozilla's, built in, or the system's store (which honours `SSL_CERT_FILE` and `SSL_CERT_DIR`).",
    ),
    ("ca_file", "path of a PEM file", "none", "More certificate authorities to trust; may be set repeatedly."),
    (
        "proxy",
        "`http://[user:password@]host[:port]`, `https://...` or `none`",
        "`https_proxy`, `HTTPS_PROXY`, `all_proxy`, read as curl reads them",
        "A CONNECT proxy to call through (its password is never shown); SOCKS is refused.",
    ),
    (
        "no_proxy",
        "comma-separated hosts",
        "`no_proxy`, `NO_PROXY`",
        "Hosts reached directly: names with their subdomains, IP addresses, networks such as `10.0.0.0/8`, or `*`.",
    ),
    ("allow_http", "`1` or `0`", "`0`", "Allow a plain `http://` `base_url` (local testing only)."),
    ("user_agent", "one line of printable text", "`sectigo-rust/VERSION`", "The `User-Agent` header."),
    (
        "resolve",
        "`HOST:PORT:ADDR[,ADDR...]`",
        "none",
        "Addresses to connect to for `HOST:PORT` instead of looking it up, like curl's `--resolve` (an `ADDR` may carry its own port); may be set repeatedly.",
    ),
    (
        "max_retries",
        "whole number from 0",
        "3",
        "How many times a failed call may be sent again (`0`: never). Only what is provably safe is resent: a -42 answer, a call that failed before any of it was sent, a call that changes nothing whose connection broke.",
    ),
    (
        "retry_base_ms",
        "whole milliseconds",
        "250",
        "The bound of the first wait before a retry; each wait is random up to its bound, which doubles.",
    ),
    ("retry_max_ms", "whole milliseconds", "8000", "The largest bound of a wait."),
    (
        "log_level",
        "`off`, `error`, `warn`, `info` or `debug`",
        "`off` (`warn` with a log callback)",
        "Which log records of each call are kept with its answer or error (`sectigo_response_log_at`, `sectigo_error_log_at`) and given to the log callback: `warn`, retries and unknown outcomes; `debug`, also each call once it is over.",
    ),
    (
        "path:<endpoint>",
        "a path",
        "the documents'",
        "The path of an endpoint, e.g. `path:tier2_partner_signup`, which the documents do not give.",
    ),
];

/// The names of [`OPTIONS`], for an error message.
fn option_names() -> String {
    OPTIONS.iter().map(|(name, ..)| *name).collect::<Vec<_>>().join(", ")
}

/// One setting applied to a builder (the retry settings to `retry`, which the builder takes
/// once all are read).
pub(crate) fn apply(
    b: ClientBuilder,
    retry: &mut RetryPolicy,
    name: &str,
    value: &str,
) -> Result<ClientBuilder, Failure> {
    let millis = |v: &str| -> Result<Duration, Failure> {
        v.parse::<u64>().ok().filter(|ms| *ms > 0).map(Duration::from_millis).ok_or_else(|| {
            Failure::config(format!("option {name}: {v:?} is not a positive whole number of milliseconds"))
        })
    };
    let whole = |v: &str| -> Result<u32, Failure> {
        v.parse::<u32>().map_err(|_| Failure::config(format!("option {name}: {v:?} is not a whole number from 0")))
    };
    match name {
        "login_name" => Ok(b.login_name(value)),
        "login_password" => Ok(b.login_password(value)),
        "base_url" => Ok(b.base_url(value)),
        "host" => match sectigo::Host::from_key(value) {
            Some(host) => Ok(b.host(host)),
            None => Err(Failure::config(format!(
                "option host: {value:?} is not one of {}",
                sectigo::Host::ALL.iter().map(|h| h.key()).collect::<Vec<_>>().join(", ")
            ))),
        },
        "timeout_ms" => Ok(b.timeout(millis(value)?)),
        "connect_timeout_ms" => Ok(b.connect_timeout(millis(value)?)),
        "ca_file" => Ok(b.add_root_certificates_file(value)),
        "roots" => {
            Ok(b.roots(value.parse().map_err(|e: sectigo::ConfigError| Failure::config(format!("option {e}")))?))
        }
        "proxy" => Ok(b.proxy(value)),
        "no_proxy" => Ok(b.no_proxy(value)),
        "client_cert" => Ok(b.client_cert(value)),
        "client_key" => Ok(b.client_key(value)),
        "client_pkcs12" => Ok(b.client_pkcs12(value)),
        "client_pkcs12_password" => Ok(b.client_pkcs12_password(value)),
        "allow_http" => match value {
            "1" | "true" => Ok(b.allow_http(true)),
            "0" | "false" => Ok(b.allow_http(false)),
            _ => Err(Failure::config(format!("option allow_http: {value:?} is not 1 or 0"))),
        },
        "user_agent" => Ok(b.user_agent(value)),
        "resolve" => b.resolve_entry(value).map_err(|e| Failure::config(format!("option {e}"))),
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
            None => {
                Err(Failure::config(format!("option log_level: {value:?} is not one of off, error, warn, info, debug")))
            }
        },
        _ => match name.strip_prefix("path:") {
            Some(endpoint) => Ok(b.endpoint_path(endpoint, value)),
            None => Err(Failure::config(format!("unknown option {name:?} ({})", option_names()))),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every listed option is read by `apply`, and the list names every one it reads (a name
    /// it reads but the list lacks would be missing from the docs).
    #[test]
    fn the_options_table_is_what_apply_reads() {
        let sample = |name: &str| match name {
            "host" => "legacy",
            "roots" => "system",
            "allow_http" => "1",
            "resolve" => "example.com:443:127.0.0.1",
            "log_level" => "debug",
            "proxy" => "none",
            n if n.ends_with("_ms") || n == "max_retries" => "5",
            _ => "x",
        };
        for (name, ..) in OPTIONS {
            let name = name.replace("<endpoint>", "tier2_partner_signup");
            let result = apply(Client::builder(), &mut RetryPolicy::standard(), &name, sample(&name));
            assert!(result.is_ok(), "{name}: {:?}", result.err().map(|f| f.message()));
        }
        let source = include_str!("options.rs");
        let body = &source[source.find("match name {").unwrap()
            ..source.find("None => Err(Failure::config(format!(\"unknown option").unwrap()];
        for read in body
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == ':'))
        {
            let listed = OPTIONS.iter().any(|(n, ..)| *n == read || n.strip_suffix("<endpoint>") == Some(read));
            assert!(
                listed || ["1", "true", "0", "false"].contains(&read),
                "option {read:?} is read but not in OPTIONS"
            );
        }
        let e = apply(Client::builder(), &mut RetryPolicy::standard(), "colour", "red").err().unwrap().message();
        assert!(e.contains("login_name, login_password,") && e.contains("path:<endpoint>"), "{e}");
    }
}
