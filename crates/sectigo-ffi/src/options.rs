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
/// `spec/client.toml`, the table every language's settings come from.
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

/// Every setting's name (`spec/client.toml`, through the spec data), for an error message.
fn option_names() -> String {
    sectigo::spec_data::SETTINGS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
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

    /// Every setting of `spec/client.toml` is read by `apply`, and the table names every one
    /// it reads (a name it reads but the table lacks would be missing from the docs).
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
        for setting in sectigo::spec_data::SETTINGS {
            let name = setting.name.replace("<endpoint>", "tier2_partner_signup");
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
            let listed = sectigo::spec_data::SETTINGS
                .iter()
                .any(|s| s.name == read || s.name.strip_suffix("<endpoint>") == Some(read));
            assert!(
                listed || ["1", "true", "0", "false"].contains(&read),
                "option {read:?} is read but not in spec/client.toml"
            );
        }
        let e = apply(Client::builder(), &mut RetryPolicy::standard(), "colour", "red").err().unwrap().message();
        assert!(e.contains("login_name, login_password,") && e.contains("path:<endpoint>"), "{e}");
    }
}
