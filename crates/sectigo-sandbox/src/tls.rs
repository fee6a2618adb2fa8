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
}

pub fn generate() -> Result<Tls, String> {
    let err = |e: rcgen::Error| format!("generating the sandbox certificates: {e}");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "sectigo-sandbox CA (for tests only)");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(err)?).map_err(err)?;

    let key = KeyPair::generate().map_err(err)?;
    let mut params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()])
        .map_err(err)?;
    params.distinguished_name.push(DnType::CommonName, "sectigo-sandbox");
    let cert = params.signed_by(&key, &ca).map_err(err)?;

    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone(), ca.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .map_err(|e| e.to_string())?;
    Ok(Tls { ca_pem: ca.pem(), config: Arc::new(config) })
}
