//! Settings by name: the table of `spec/client.toml` ([`SETTINGS`]) applied to a
//! [`ClientBuilder`].
//!
//! Every surface other than Rust's typed builder methods sets the client this way: C and PHP
//! (`sectigo_options_set`, `new Client([...])`) with text in milliseconds, Python's keywords in
//! seconds, the command's flags. Each reads its own spelling into a [`SettingValue`] of the
//! setting's [`SettingType`] and names the setting in its own words when the value is wrong;
//! [`ClientBuilder::set`] (its cases are generated from the table) calls the builder method the
//! table names. So a new row of the table needs codegen and its builder method, nothing else.
//!
//! ```
//! use std::time::Duration;
//! use sectigo::settings::SettingValue;
//!
//! let builder = sectigo::Client::builder()
//!     .set("login_name", SettingValue::Text("login"))?
//!     .set("timeout_ms", SettingValue::Duration(Duration::from_secs(20)))?
//!     .set("path:<endpoint>", SettingValue::Entry("tier2_partner_signup", "/products/!Signup"))?;
//! let setting = sectigo::settings::find("path:tier2_partner_signup").expect("in the table");
//! assert_eq!(setting.0.name, "path:<endpoint>");
//! assert_eq!(setting.1, Some("tier2_partner_signup"));
//! # Ok::<(), sectigo::ConfigError>(())
//! ```

use std::path::Path;
use std::time::Duration;

use crate::client::ClientBuilder;
use crate::error::ConfigError;
pub use crate::generated::spec_data::SETTINGS;
pub use crate::meta::{Setting, SettingType};

/// A setting's value, of its [`SettingType`].
#[derive(Clone, Copy)]
pub enum SettingValue<'a> {
    /// `text`, `secret` and `choice` settings.
    Text(&'a str),
    /// `path` settings.
    Path(&'a Path),
    /// `duration` settings.
    Duration(Duration),
    /// `count` settings.
    Count(u32),
    /// `flag` settings.
    Flag(bool),
    /// A `map` setting's key and value.
    Entry(&'a str, &'a str),
}

// Secrets are among the values: only their type is shown.
impl std::fmt::Debug for SettingValue<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.type_name())
    }
}

impl SettingValue<'_> {
    fn type_name(&self) -> &'static str {
        match self {
            SettingValue::Text(_) => "text",
            SettingValue::Path(_) => "a path",
            SettingValue::Duration(_) => "a duration",
            SettingValue::Count(_) => "a count",
            SettingValue::Flag(_) => "a flag",
            SettingValue::Entry(..) => "a key and a value",
        }
    }
}

/// The row of the table with this C name, and a map's key (`path:tier2_partner_signup` is
/// the row `path:<endpoint>` with the key `tier2_partner_signup`).
pub fn find(name: &str) -> Option<(&'static Setting, Option<&str>)> {
    if let Some(s) = SETTINGS.iter().find(|s| s.name == name && s.ty != SettingType::Map) {
        return Some((s, None));
    }
    SETTINGS.iter().filter(|s| s.ty == SettingType::Map).find_map(|s| {
        let prefix = s.name.strip_suffix("<endpoint>")?;
        let key = name.strip_prefix(prefix)?;
        Some((s, Some(key)))
    })
}

/// The row whose Python keyword is `keyword`.
pub fn find_python(keyword: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.python == Some(keyword))
}

/// Every setting's C name, for a message.
pub fn names() -> String {
    SETTINGS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
}

impl ClientBuilder {
    /// Applies one setting of the table by its C name (`timeout_ms`; a map's row name,
    /// `path:<endpoint>`, with [`SettingValue::Entry`]), with a value of its type: the builder
    /// method the table names. A name the table lacks, a setting Rust's builder does not take
    /// (`log_level`) or a value of another type is a [`ConfigError`].
    pub fn set(self, name: &str, value: SettingValue<'_>) -> Result<ClientBuilder, ConfigError> {
        crate::generated::setters::apply(self, name, value)
    }
}

/// A builder method's result as `set`'s: most methods cannot fail, `resolve_entry` can.
pub trait Applied {
    /// The builder, or why the value was refused.
    fn applied(self) -> Result<ClientBuilder, ConfigError>;
}

impl Applied for ClientBuilder {
    fn applied(self) -> Result<ClientBuilder, ConfigError> {
        Ok(self)
    }
}

impl Applied for Result<ClientBuilder, ConfigError> {
    fn applied(self) -> Result<ClientBuilder, ConfigError> {
        self
    }
}

/// A `choice` setting's value as its Rust type.
pub fn choice<T: std::str::FromStr<Err = ConfigError>>(value: &str) -> Result<T, ConfigError> {
    value.parse()
}

/// A `choice` setting's value that is none of its choices.
pub fn unknown_choice(name: &str, value: &str, choices: &[&str]) -> ConfigError {
    ConfigError::new(format!("{name}: {value:?} is not one of {}", choices.join(", ")))
}

/// Why `set` refused (name, value): not a setting of the builder, or a value of another type.
pub fn refused(name: &str, value: SettingValue<'_>) -> ConfigError {
    match SETTINGS.iter().find(|s| s.name == name) {
        Some(s) if s.rust.is_none() => {
            ConfigError::new(format!("setting {name}: not a setting of the Rust client (see spec/client.toml)"))
        }
        Some(s) => ConfigError::new(format!(
            "setting {name}: takes a value of type {}, not {}",
            s.ty.as_str(),
            value.type_name()
        )),
        None => ConfigError::new(format!("unknown setting {name:?} ({})", names())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row the builder takes is applied by `set` with a value of its type, and refused
    /// with another.
    #[test]
    fn set_takes_every_row_of_the_table_with_its_type() {
        for s in SETTINGS.iter().filter(|s| s.rust.is_some()) {
            let value = match s.ty {
                SettingType::Text if s.name == "resolve" => SettingValue::Text("example.com:443:127.0.0.1"),
                SettingType::Text | SettingType::Secret => SettingValue::Text("x"),
                SettingType::Choice => SettingValue::Text(s.choices[0]),
                SettingType::Path => SettingValue::Path(Path::new("x.pem")),
                SettingType::Duration => SettingValue::Duration(Duration::from_secs(5)),
                SettingType::Count => SettingValue::Count(2),
                SettingType::Flag => SettingValue::Flag(true),
                SettingType::Map => SettingValue::Entry("tier2_partner_signup", "/x"),
            };
            let applied = ClientBuilder::default().set(s.name, value);
            assert!(applied.is_ok(), "{}: {:?}", s.name, applied.err());
            let other = if s.ty == SettingType::Flag { SettingValue::Count(1) } else { SettingValue::Flag(true) };
            let e = ClientBuilder::default().set(s.name, other).unwrap_err();
            assert!(e.message().contains(s.name) && e.message().contains(s.ty.as_str()), "{e}");
        }
        let e = ClientBuilder::default().set("log_level", SettingValue::Text("debug")).unwrap_err();
        assert!(e.message().contains("not a setting of the Rust client"), "{e}");
        let e = ClientBuilder::default().set("colour", SettingValue::Text("red")).unwrap_err();
        assert!(e.message().contains("unknown setting \"colour\" (login_name, "), "{e}");
    }

    #[test]
    fn find_reads_a_map_key_and_nothing_else() {
        assert_eq!(find("timeout_ms").map(|(s, k)| (s.name, k)), Some(("timeout_ms", None)));
        assert_eq!(find("path:x").map(|(s, k)| (s.name, k)), Some(("path:<endpoint>", Some("x"))));
        assert!(find("timeout").is_none() && find("path").is_none());
        assert_eq!(find_python("timeout").map(|s| s.name), Some("timeout_ms"));
    }

    #[test]
    fn a_value_shows_its_type_only() {
        assert_eq!(format!("{:?}", SettingValue::Text("hunter2")), "text");
    }
}
