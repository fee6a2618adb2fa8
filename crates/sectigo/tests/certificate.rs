//! Logging in with a client certificate (PEM files or a PKCS #12 file) and no password, against
//! the sandbox's listener that requires one, as Sectigo's private hosts do.

use std::path::PathBuf;

use sectigo::{AutoAuthorize, Client, ClientBuilder, Error, Host, RetryPolicy, TransportErrorKind};
use sectigo_sandbox::{Config, Sandbox};

#[allow(dead_code)]
mod support;

use support::order;

/// The minted files of one certificate, removed when dropped.
struct Files {
    dir: PathBuf,
    cert: PathBuf,
    key: PathBuf,
    p12: PathBuf,
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn mint(sandbox: &Sandbox, login: &str, p12_password: &str, tag: &str) -> Files {
    let minted = sandbox.mint_client_certificate(login, p12_password).unwrap();
    let dir = std::env::temp_dir().join(format!("sectigo-cert-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = Files { cert: dir.join("c.crt"), key: dir.join("c.key"), p12: dir.join("c.p12"), dir };
    std::fs::write(&files.cert, &minted.cert_pem).unwrap();
    std::fs::write(&files.key, &minted.key_pem).unwrap();
    std::fs::write(&files.p12, &minted.pkcs12).unwrap();
    files
}

fn private(sandbox: &Sandbox) -> ClientBuilder {
    Client::builder().base_url(sandbox.private_url().unwrap()).add_root_certificates_pem(sandbox.ca_pem())
}

fn start() -> Sandbox {
    Sandbox::start(Config { private_port: Some(0), ..Config::default() }).unwrap()
}

#[test]
fn orders_are_placed_and_authorized_with_a_certificate_and_no_password() {
    let sandbox = start();
    let files = mint(&sandbox, "sandbox_reseller", "p12-secret", "ok");
    let pem = private(&sandbox)
        .login_name("sandbox_reseller")
        .client_cert(&files.cert)
        .client_key(&files.key)
        .build()
        .unwrap();
    let p12 = private(&sandbox)
        .login_name("sandbox_reseller")
        .client_pkcs12(&files.p12)
        .client_pkcs12_password("p12-secret")
        .build()
        .unwrap();
    for client in [&pem, &p12] {
        // What is sent: loginName, and no loginPassword.
        let form = order().prepare(client).unwrap();
        assert!(form.pairs().iter().any(|(n, v)| n == "loginName" && v == "sandbox_reseller"));
        assert!(!form.pairs().iter().any(|(n, _)| n.eq_ignore_ascii_case("loginPassword")), "{form:?}");
        let placed = order().send(client).unwrap();
        let number: u64 = placed.order_number.parse().unwrap();
        AutoAuthorize::new().order_number(number as i64).send(client).unwrap();
        let status = sandbox.with_state(|s| s.orders[&number].status);
        assert_eq!(format!("{status:?}"), "Authorized");
    }
    assert!(!format!("{p12:?}").contains("p12-secret"));
    let builder = private(&sandbox).client_pkcs12(&files.p12).client_pkcs12_password("p12-secret");
    assert!(!format!("{builder:?}").contains("p12-secret"), "{builder:?}");
    assert!(Host::Private.client_certificate() && Host::PrivateLegacy.client_certificate());
    assert_eq!(Host::Private.url(), "https://private.trust-provider.com");
    assert_eq!(Host::PrivateLegacy.url(), "https://private.sectigo.com");
    assert!(!Host::Current.client_certificate());
}

#[test]
fn a_certificate_of_another_account_is_denied() {
    let sandbox = start();
    let files = mint(&sandbox, "sandbox_reseller", "pw", "other");
    let client =
        private(&sandbox).login_name("sandbox_broke").client_cert(&files.cert).client_key(&files.key).build().unwrap();
    let e = order().send(&client).unwrap_err();
    assert!(matches!(&e, Error::Api(sectigo::PlaceOrderError::AuthenticationFailed(_))), "-16: {e:?}");
}

#[test]
fn no_certificate_is_a_refused_handshake_and_not_sent() {
    let sandbox = start();
    let before = sandbox.with_state(|s| s.orders.len());
    let client = private(&sandbox)
        .credentials("sandbox_reseller", "sandbox-password")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let e = order().send(&client).unwrap_err();
    assert!(matches!(&e, Error::Transport(t) if t.not_sent && t.kind == TransportErrorKind::Tls), "{e:?}");
    assert!(e.retry_safe() && !e.may_have_taken_effect() && !e.outcome_unknown(), "{e}");
    let e = AutoAuthorize::new().order_number(1000001).send(&client).unwrap_err();
    assert!(matches!(&e, Error::Transport(t) if t.not_sent && t.kind == TransportErrorKind::Tls), "{e:?}");
    assert!(e.retry_safe() && !e.may_have_taken_effect() && !e.outcome_unknown(), "{e}");
    assert_eq!(sandbox.with_state(|s| s.orders.len()), before);
}

#[test]
fn certificate_settings_are_checked_when_the_client_is_built() {
    let sandbox = start();
    let a = mint(&sandbox, "sandbox_reseller", "pw", "a");
    let b = mint(&sandbox, "sandbox_reseller", "pw", "b");
    let fails = |builder: ClientBuilder| builder.build().unwrap_err().to_string();
    let base = || private(&sandbox).login_name("sandbox_reseller");
    for (e, want) in [
        (fails(base().client_cert(&a.cert)), "client_key: "),
        (fails(base().client_key(&a.key)), "client_cert: "),
        (fails(base().client_cert(&a.cert).client_key(&b.key)), "client_key "),
        (fails(base().client_cert(&a.cert).client_key(&a.key).client_pkcs12(&a.p12)), "client_pkcs12: "),
        (fails(base().client_pkcs12(&a.p12).client_pkcs12_password("wrong")), "client_pkcs12 "),
        (fails(base().client_pkcs12(&a.cert)), "client_pkcs12 "),
        (fails(base().client_pkcs12_password("pw")), "client_pkcs12_password: "),
        (fails(base().client_cert(&a.cert).client_key(&a.cert)), "client_key "),
        (fails(base().client_cert(a.dir.join("missing.crt")).client_key(&a.key)), "client_cert: cannot read"),
        (fails(private(&sandbox).client_cert(&a.cert).client_key(&a.key)), "login_name: "),
        (fails(base().login_password("pw").client_cert(&a.cert).client_key(&a.key)), "login_password: "),
    ] {
        assert!(e.starts_with(want), "want {want:?}: {e}");
        assert!(!e.contains("\"pw\""), "{e}");
    }
    let mixed = fails(base().client_cert(&a.cert).client_key(&b.key));
    assert!(mixed.contains("is not the certificate's"), "{mixed}");
}

#[test]
fn sectigos_hosts_take_the_login_they_document() {
    let sandbox = start();
    let files = mint(&sandbox, "sandbox_reseller", "pw", "hosts");
    let with_cert = || Client::builder().login_name("sandbox_reseller").client_cert(&files.cert).client_key(&files.key);
    for host in [Host::Current, Host::Legacy] {
        let e = with_cert().host(host).build().unwrap_err().to_string();
        assert!(e.starts_with("client_cert: ") && e.contains("private"), "{e}");
    }
    for host in [Host::Private, Host::PrivateLegacy] {
        with_cert().host(host).build().unwrap();
        let e = Client::builder().credentials("login", "pw").host(host).build().unwrap_err().to_string();
        assert!(e.starts_with("login_password: "), "{e}");
    }
}

/// `Client::with_credentials` checks a login as `build` does: a certificate client takes no
/// password, and neither does a private host; a password client may switch accounts.
#[test]
fn another_accounts_login_is_checked_as_the_builder_checks_it() {
    let sandbox = start();
    let files = mint(&sandbox, "sandbox_reseller", "pw", "switch");
    let certified = private(&sandbox)
        .login_name("sandbox_reseller")
        .client_cert(&files.cert)
        .client_key(&files.key)
        .build()
        .unwrap();
    let e = certified.with_credentials("sandbox_broke", "a-password").unwrap_err().to_string();
    assert!(e.starts_with("login_password: not used with a client certificate"), "{e}");
    assert!(!e.contains("a-password"), "{e}");
    for host in [Host::Private, Host::PrivateLegacy] {
        let anonymous = Client::builder().host(host).build().unwrap();
        let e = anonymous.with_credentials("login", "a-password").unwrap_err().to_string();
        assert!(e.starts_with("login_password: ") && e.contains("client certificate instead"), "{e}");
    }
    let password = Client::builder().credentials("login", "pw").build().unwrap();
    let other = password.with_credentials("other", "pw2").unwrap();
    assert!(format!("{other:?}").contains("other") && !format!("{other:?}").contains("pw2"));
}
