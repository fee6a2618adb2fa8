//! A certificate authority made at start, a server certificate for loopback signed by it, and
//! client certificates for accounts (minted on request) for the listener that requires one.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
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
    /// The loopback certificate, and a client certificate from the CA required.
    pub private: Arc<rustls::ServerConfig>,
    ca: CertifiedIssuer<'static, KeyPair>,
}

/// A client certificate for an account, as its holder gets it: PEM files, or a PKCS #12 file.
#[derive(Clone)]
pub struct ClientCertificate {
    /// The account whose login name the certificate stands for.
    pub login_name: String,
    /// The certificate, then the CA's (PEM).
    pub cert_pem: String,
    /// Its private key (PKCS #8 PEM).
    pub key_pem: String,
    /// The certificate (DER), as a handshake presents it.
    pub der: Vec<u8>,
    /// Certificate, CA certificate and key in a PKCS #12 file (AES-256, HMAC-SHA-256).
    pub pkcs12: Vec<u8>,
    /// The password of [`pkcs12`](Self::pkcs12).
    pub pkcs12_password: String,
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate").field("login_name", &self.login_name).finish_non_exhaustive()
    }
}

impl Tls {
    /// A new client certificate for `login_name`, signed by the sandbox's CA.
    pub fn mint(&self, login_name: &str, pkcs12_password: &str) -> Result<ClientCertificate, String> {
        let key = KeyPair::generate().map_err(err)?;
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        params.distinguished_name.push(DnType::CommonName, login_name);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let cert = params.signed_by(&key, &self.ca).map_err(err)?;
        let p12 = |e: p12_keystore::error::Error| format!("writing the PKCS #12 file: {e}");
        let chain = p12_keystore::PrivateKeyChain::new(
            login_name,
            p12_keystore::PrivateKey::from_der(&key.serialize_der()).map_err(p12)?,
            [
                p12_keystore::Certificate::from_der(cert.der()).map_err(p12)?,
                p12_keystore::Certificate::from_der(self.ca.der()).map_err(p12)?,
            ],
        );
        let mut store = p12_keystore::KeyStore::new();
        store.add_entry(login_name, p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
        let pkcs12 = store.writer(pkcs12_password).write().map_err(p12)?;
        Ok(ClientCertificate {
            login_name: login_name.to_owned(),
            cert_pem: format!("{}{}", cert.pem(), self.ca.pem()),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
            pkcs12,
            pkcs12_password: pkcs12_password.to_owned(),
        })
    }
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
/// With `clients`, a client certificate from `ca` is required.
fn server(
    names: &[&str],
    ca: &CertifiedIssuer<'static, KeyPair>,
    clients: bool,
) -> Result<Arc<rustls::ServerConfig>, String> {
    let key = KeyPair::generate().map_err(err)?;
    let mut params = CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>()).map_err(err)?;
    params.distinguished_name.push(DnType::CommonName, "sectigo-sandbox");
    let cert = params.signed_by(&key, ca).map_err(err)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = if clients {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca.der().clone()).map_err(|e| e.to_string())?;
        let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|e| e.to_string())?;
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let config = builder
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
        config: server(&loopback, &ca_cert, false)?,
        wrong_name: server(&["wrong-name.invalid"], &ca_cert, false)?,
        untrusted: server(&loopback, &ca("an authority nobody trusts")?, false)?,
        private: server(&loopback, &ca_cert, true)?,
        ca: ca_cert,
    })
}
