//! Which certificate authorities a client trusts: the `roots` setting and added CA files.

use std::fmt;
use std::str::FromStr;

use ureq::tls::Certificate;

use crate::error::ConfigError;

/// The certificate authorities a client starts from (`ca_file` adds to either).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Roots {
    /// Mozilla's list, built into the SDK: the same on every machine, and current as of the
    /// SDK's release.
    #[default]
    Bundled,
    /// The operating system's store: on Linux the bundle named by `SSL_CERT_FILE` or the
    /// directory named by `SSL_CERT_DIR`, else the distribution's bundle (Debian and Alpine
    /// `/etc/ssl/certs/ca-certificates.crt`, RHEL `/etc/pki/tls/certs/ca-bundle.crt`, and the
    /// other places OpenSSL looks); the keychain on macOS; the system store on Windows. What a
    /// TLS-inspecting egress proxy's CA is usually added to.
    System,
}

impl Roots {
    /// The setting's text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Roots::Bundled => "bundled",
            Roots::System => "system",
        }
    }
}

impl fmt::Display for Roots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Roots {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "bundled" => Ok(Roots::Bundled),
            "system" => Ok(Roots::System),
            _ => Err(ConfigError::new(format!("roots: {s:?} is not one of \"bundled\", \"system\""))),
        }
    }
}

/// The certificates `roots` names.
pub(crate) fn load(roots: Roots) -> Result<Vec<Certificate<'static>>, ConfigError> {
    match roots {
        Roots::Bundled => Ok(webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|der| Certificate::from_der(der.as_ref()).to_owned())
            .collect()),
        Roots::System => {
            let found = rustls_native_certs::load_native_certs();
            for e in &found.errors {
                log::debug!(target: "sectigo", "roots = system: {e}");
            }
            if found.certs.is_empty() {
                let why = found.errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
                return Err(ConfigError::new(format!(
                    "roots: \"system\" found no certificate authorities{}; name a PEM bundle with SSL_CERT_FILE or \
                     use roots \"bundled\"",
                    if why.is_empty() { String::new() } else { format!(" ({why})") }
                )));
            }
            Ok(found.certs.iter().map(|der| Certificate::from_der(der.as_ref()).to_owned()).collect())
        }
    }
}

/// The certificates in PEM text; `what` names its origin in errors.
pub(crate) fn parse_pem_certificates(pem: &[u8], what: &str) -> Result<Vec<Certificate<'static>>, ConfigError> {
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => certs.push(cert),
            Ok(_) => {}
            Err(e) => return Err(ConfigError::new(format!("{what}: not valid PEM: {e}"))),
        }
    }
    if certs.is_empty() {
        return Err(ConfigError::new(format!("{what}: no certificate found")));
    }
    Ok(certs)
}
