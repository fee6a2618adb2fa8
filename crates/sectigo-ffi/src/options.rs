//! Client settings: `sectigo_options`, and how each setting's name and value are read.

use std::ffi::c_char;
use std::path::Path;
use std::ptr;
use std::time::Duration;

use sectigo::settings::{self, SettingType, SettingValue};
use sectigo::{Client, ClientBuilder};

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
        apply(Client::builder(), name, value)?;
        options.settings.push((name.to_owned(), value.to_owned()));
        Ok(())
    })
}

/// One setting, as C and PHP write it, applied to a builder: the row of the table with this
/// name, its value read by the row's type (milliseconds for a duration, `1`/`0` for a flag),
/// then `ClientBuilder::set`. `log_level` is checked only: the client handle keeps it (see
/// `sectigo_client_new`).
pub(crate) fn apply(b: ClientBuilder, name: &str, value: &str) -> Result<ClientBuilder, Failure> {
    let bad = |what: String| Failure::config(format!("option {name}: {value:?} is not {what}"));
    let Some((setting, key)) = settings::find(name) else {
        return Err(Failure::config(format!("unknown option {name:?} ({})", settings::names())));
    };
    if name == "log_level" {
        return match crate::logging::parse_level(value) {
            Some(_) => Ok(b),
            None => Err(bad(format!("one of {}", setting.choices.join(", ")))),
        };
    }
    let whole = |unit: &str| -> Result<u64, Failure> {
        value.parse::<u64>().ok().filter(|n| *n >= setting.min).ok_or_else(|| match setting.min {
            0 => bad(format!("a whole number{unit} from 0")),
            1 => bad(format!("a positive whole number{unit}")),
            min => bad(format!("a whole number{unit} from {min}")),
        })
    };
    let typed = match setting.ty {
        SettingType::Text | SettingType::Secret => SettingValue::Text(value),
        SettingType::Choice if setting.choices.iter().any(|c| c.eq_ignore_ascii_case(value)) => {
            SettingValue::Text(value)
        }
        SettingType::Choice => return Err(bad(format!("one of {}", setting.choices.join(", ")))),
        SettingType::Path => SettingValue::Path(Path::new(value)),
        SettingType::Duration => SettingValue::Duration(Duration::from_millis(whole(" of milliseconds")?)),
        SettingType::Count => {
            SettingValue::Count(u32::try_from(whole("")?).map_err(|_| bad(format!("at most {}", u32::MAX)))?)
        }
        SettingType::Flag => match value {
            "1" | "true" => SettingValue::Flag(true),
            "0" | "false" => SettingValue::Flag(false),
            _ => return Err(bad("1 or 0".into())),
        },
        SettingType::Map => SettingValue::Entry(key.unwrap_or_default(), value),
    };
    b.set(setting.name, typed).map_err(|e| Failure::config(format!("option {e}")))
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

    /// Every setting of `spec/client.toml` is read by `apply`, by its type.
    #[test]
    fn every_setting_of_the_table_is_read() {
        for setting in settings::SETTINGS {
            let name = setting.name.replace("<endpoint>", "tier2_partner_signup");
            let sample = match setting.ty {
                SettingType::Choice => setting.choices[0],
                SettingType::Flag => "1",
                SettingType::Duration | SettingType::Count => "5",
                _ if name == "resolve" => "example.com:443:127.0.0.1",
                _ => "x",
            };
            let result = apply(Client::builder(), &name, sample);
            assert!(result.is_ok(), "{name}: {:?}", result.err().map(|f| f.message()));
        }
        let e = apply(Client::builder(), "colour", "red").err().unwrap().message();
        assert!(e.contains("login_name, login_password,") && e.contains("path:<endpoint>"), "{e}");
        let e = apply(Client::builder(), "timeout_ms", "0").err().unwrap().message();
        assert!(e.contains("option timeout_ms: \"0\" is not a positive whole number of milliseconds"), "{e}");
        let e = apply(Client::builder(), "retry_base_ms", "-1").err().unwrap().message();
        assert!(e.contains("is not a whole number of milliseconds from 0"), "{e}");
        let e = apply(Client::builder(), "host", "moon").err().unwrap().message();
        assert!(e.contains("is not one of current, legacy, private, private_legacy"), "{e}");
        let e = apply(Client::builder(), "resolve", "no-port").err().unwrap().message();
        assert!(e.starts_with("option resolve: "), "{e}");
    }
}
