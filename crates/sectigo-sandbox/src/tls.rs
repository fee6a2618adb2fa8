//! A certificate authority made at start, and a server certificate for loopback signed by it.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// The TLS setup of one sandbox run.
#[derive(Debug)]
pub struct Tls {
    /// The CA certificate clients must trust, PEM.
    pub ca_pem: String,
    /// Server configuration using the loopback certificate.
    pub config: Arc<rustls::ServerConfig>,
    /// A certificate from the same CA, for another name (the `wrong_name_cert` fault).
    pub wrong_name: Arc<rustls::ServerConfig>,
    /// A certificate for loopback from a CA nobody trusts (the `untrusted_cert` fault).
    pub untrusted: Arc<rustls::ServerConfig>,
}

fn err(e: rcgen::Error) -> String {
    format!("generating the sandbox certificates: {e}")
}

fn ca(name: &str) -> Result<CertifiedIssuer<'static, KeyPair>, String> {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, name);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(err)?).map_err(err)
}

/// A server configuration with a certificate for `names`, signed by `ca`.
fn server(names: &[&str], ca: &CertifiedIssuer<'static, KeyPair>) -> Result<Arc<rustls::ServerConfig>, String> {
    let key = KeyPair::generate().map_err(err)?;
    let mut params = CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>()).map_err(err)?;
    params.distinguished_name.push(DnType::CommonName, "sectigo-sandbox");
    let cert = params.signed_by(&key, ca).map_err(err)?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone(), ca.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .map_err(|e| e.to_string())?;
    Ok(Arc::new(config))
}

pub fn generate() -> Result<Tls, String> {
    let ca_cert = ca("sectigo-sandbox CA (for tests only)")?;
    let loopback = ["localhost", "127.0.0.1", "::1"];
    Ok(Tls {
        ca_pem: ca_cert.pem(),
        config: server(&loopback, &ca_cert)?,
        wrong_name: server(&["wrong-name.invalid"], &ca_cert)?,
        untrusted: server(&loopback, &ca("an authority nobody trusts")?)?,
    })
}
