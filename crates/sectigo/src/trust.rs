//! Which certificate authorities a client trusts (the `roots` setting and added CA files), and
//! the client certificate it may log in with.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ureq::tls::Certificate;
use zeroize::Zeroizing;

use crate::error::ConfigError;
use crate::secret::Secret;

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

/// Where a client certificate comes from: PEM files, or a PKCS #12 file and its password.
#[derive(Clone, Default)]
pub(crate) struct IdentityFiles {
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub pkcs12: Option<PathBuf>,
    pub pkcs12_password: Option<Secret>,
}

impl fmt::Debug for IdentityFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("client_cert", &self.cert)
            .field("client_key", &self.key)
            .field("client_pkcs12", &self.pkcs12)
            .field("client_pkcs12_password", &self.pkcs12_password)
            .finish()
    }
}

/// A file's bytes, wiped when dropped.
fn read_secret_file(path: &Path, setting: &str) -> Result<Zeroizing<Vec<u8>>, ConfigError> {
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|e| ConfigError::new(format!("{setting}: cannot read {}: {e}", path.display())))
}

/// The client certificate (with its chain) and private key the settings name, checked to
/// belong together; `None` when none is set.
pub(crate) fn identity(files: &IdentityFiles) -> Result<Option<ureq::tls::ClientCert>, ConfigError> {
    let (chain, key, origin) = match (&files.cert, &files.key, &files.pkcs12) {
        (None, None, None) => {
            if files.pkcs12_password.is_some() {
                return Err(ConfigError::new("client_pkcs12_password: set without client_pkcs12"));
            }
            return Ok(None);
        }
        (Some(_), Some(_), Some(_)) | (Some(_), None, Some(_)) | (None, Some(_), Some(_)) => {
            return Err(ConfigError::new(
                "client_pkcs12: set with client_cert or client_key; give either client_cert and client_key (PEM) or \
                 client_pkcs12",
            ));
        }
        (Some(_), None, None) => {
            return Err(ConfigError::new("client_key: client_cert is set without its private key"));
        }
        (None, Some(_), None) => {
            return Err(ConfigError::new("client_cert: client_key is set without its certificate"));
        }
        (Some(cert), Some(key), None) => {
            if files.pkcs12_password.is_some() {
                return Err(ConfigError::new("client_pkcs12_password: set without client_pkcs12"));
            }
            let pem = read_secret_file(cert, "client_cert")?;
            let chain = parse_pem_certificates(&pem, &format!("client_cert {}", cert.display()))?;
            let pem = read_secret_file(key, "client_key")?;
            let mut found = None;
            for item in ureq::tls::parse_pem(&pem) {
                match item {
                    Ok(ureq::tls::PemItem::PrivateKey(k)) if found.is_none() => found = Some(k),
                    Ok(_) => {}
                    Err(e) => {
                        return Err(ConfigError::new(format!("client_key {}: not valid PEM: {e}", key.display())));
                    }
                }
            }
            let key_found = found.ok_or_else(|| {
                ConfigError::new(format!("client_key {}: no private key found (PEM: BEGIN PRIVATE KEY)", key.display()))
            })?;
            (chain, key_found, format!("client_key {} and client_cert {}", key.display(), cert.display()))
        }
        (None, None, Some(p12)) => {
            let data = read_secret_file(p12, "client_pkcs12")?;
            let password = files.pkcs12_password.as_ref().map_or("", |p| p.expose());
            let store = p12_keystore::KeyStore::from_pkcs12(&data, password, p12_keystore::Pkcs12ImportPolicy::Relaxed)
                .map_err(|e| {
                    ConfigError::new(format!(
                        "client_pkcs12 {}: cannot be opened ({e}): a wrong client_pkcs12_password, or not a PKCS #12 file",
                        p12.display()
                    ))
                })?;
            let Some((_, found)) = store.private_key_chain() else {
                return Err(ConfigError::new(format!(
                    "client_pkcs12 {}: holds no private key with its certificate",
                    p12.display()
                )));
            };
            if found.certs().is_empty() {
                return Err(ConfigError::new(format!(
                    "client_pkcs12 {}: the private key has no certificate",
                    p12.display()
                )));
            }
            let key_der = Zeroizing::new(found.key().as_der().to_vec());
            // ureq takes a PKCS #8 key as PEM.
            let pem = Zeroizing::new(format!(
                "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, key_der.as_slice())
            ));
            let key = ureq::tls::PrivateKey::from_pem(pem.as_bytes()).map_err(|e| {
                ConfigError::new(format!("client_pkcs12 {}: the private key cannot be read: {e}", p12.display()))
            })?;
            let chain = found.certs().iter().map(|c| Certificate::from_der(c.as_der()).to_owned()).collect();
            (chain, key, format!("client_pkcs12 {}", p12.display()))
        }
    };
    check_pair(&chain, &key, &origin)?;
    Ok(Some(ureq::tls::ClientCert::new_with_certs(&chain, key)))
}

/// The private key must be the one of the first certificate: found now, not in every handshake.
fn check_pair(
    chain: &[Certificate<'static>],
    key: &ureq::tls::PrivateKey<'static>,
    origin: &str,
) -> Result<(), ConfigError> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let der = Zeroizing::new(key.der().to_vec());
    let key_der = PrivateKeyDer::try_from(der.as_slice())
        .map_err(|e| ConfigError::new(format!("{origin}: the private key cannot be read: {e}")))?;
    let provider = rustls::crypto::ring::default_provider();
    let certs: Vec<CertificateDer<'static>> = chain.iter().map(|c| CertificateDer::from(c.der().to_vec())).collect();
    let signing = provider
        .key_provider
        .load_private_key(key_der.clone_key())
        .map_err(|e| ConfigError::new(format!("{origin}: the private key cannot be used: {e}")))?;
    rustls::sign::CertifiedKey::new(certs, signing)
        .keys_match()
        .map_err(|_| ConfigError::new(format!("{origin}: the private key is not the certificate's")))
}
