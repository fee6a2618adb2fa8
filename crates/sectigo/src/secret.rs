//! Values that must never be shown: passwords. Their memory is wiped when they are dropped.

use std::fmt;

/// What every secret shows as, wherever it would be printed.
pub(crate) const REDACTED: &str = "<redacted>";

/// A string that never appears in `Debug` or `Display` output, and whose bytes are overwritten
/// with zeros when it is dropped (a client's passwords go when the last clone of the client
/// does).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Drop for Secret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself. Every call site is a place a secret leaves its box: keep them few.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// A secret serializes as `"<redacted>"`: never in clear.
#[cfg(feature = "serde")]
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// How an account logs in: its user name and password, sent as `loginName` and
/// `loginPassword`; or, with a client certificate presented in the TLS handshake, its user name
/// alone (no password is kept or sent).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    login_name: String,
    login_password: Option<Secret>,
}

impl Credentials {
    /// Both values, compared case-sensitively by the server.
    pub fn new(login_name: impl Into<String>, login_password: impl Into<Secret>) -> Self {
        Credentials { login_name: login_name.into(), login_password: Some(login_password.into()) }
    }

    /// The user name of the account that owns the client certificate the client presents:
    /// `loginPassword` is then neither required nor sent.
    pub fn certificate(login_name: impl Into<String>) -> Self {
        Credentials { login_name: login_name.into(), login_password: None }
    }

    /// The user name.
    pub fn login_name(&self) -> &str {
        &self.login_name
    }

    /// The password, boxed; none when the account logs in with a client certificate.
    pub fn login_password(&self) -> Option<&Secret> {
        self.login_password.as_ref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Credentials");
        d.field("login_name", &self.login_name);
        match &self.login_password {
            Some(password) => d.field("login_password", password),
            None => d.field("login", &"client certificate"),
        };
        d.finish()
    }
}
