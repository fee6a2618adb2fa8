//! HTTPS against a local TLS server whose certificate comes from a freshly generated CA: the
//! client trusts it only when the CA is added as an extra root.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::thread;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use sectigo::{AutoAuthorize, Client, Error, TransportErrorKind};

/// Starts a TLS server answering every request with `body`; returns its port and the CA (PEM).
fn tls_server(body: &'static str) -> (u16, String) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "sectigo SDK test CA");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for tcp in listener.incoming() {
            let Ok(tcp) = tcp else { return };
            let config = config.clone();
            thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                let mut reader = BufReader::new(&mut tls);
                let mut len = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return; // the client refused the certificate
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap();
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut request = vec![0; len];
                reader.read_exact(&mut request).unwrap();
                let answer =
                    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                let _ = tls.write_all(answer.as_bytes());
                let _ = tls.flush();
            });
        }
    });
    (port, ca.pem())
}

fn builder(port: u16) -> sectigo::ClientBuilder {
    Client::builder().base_url(format!("https://127.0.0.1:{port}")).credentials("login_name", "login_password")
}

#[test]
fn extra_root_certificate_is_trusted() {
    let (port, ca) = tls_server("0\n11111111\n22222222");
    let client = builder(port).add_root_certificates_pem(ca).build().unwrap();
    let done = AutoAuthorize::new().order_number(1).send(&client).unwrap();
    assert_eq!(done.sl_site_id.as_deref(), Some("22222222"));
}

#[test]
fn extra_root_certificate_from_a_file() {
    let (port, ca) = tls_server("0\n");
    let path = std::env::temp_dir().join(format!("sectigo-test-ca-{}.pem", std::process::id()));
    std::fs::write(&path, ca).unwrap();
    let client = builder(port).add_root_certificates_file(&path).build().unwrap();
    AutoAuthorize::new().order_number(1).send(&client).unwrap();
    std::fs::remove_file(path).unwrap();
}

#[test]
fn unknown_authority_is_refused_before_anything_is_sent() {
    let (port, _) = tls_server("0\n");
    let client = builder(port).build().unwrap();
    match AutoAuthorize::new().order_number(1).send(&client).unwrap_err() {
        // A certificate failure happens in the handshake: even this state-changing call is
        // known not to have been sent.
        Error::Transport(t) => assert_eq!(t.kind, TransportErrorKind::Tls, "{t}"),
        other => panic!("expected a TLS error, got {other:?}"),
    }
}
