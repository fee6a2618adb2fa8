//! Egress: calls through a real proxy (tinyproxy on loopback, with a password), the proxy
//! environment read the way curl reads it, and the `roots` setting with `SSL_CERT_FILE`.
//!
//! What depends on the environment runs in a child process (this test binary, running the
//! ignored test `child` with the variables set), so no test changes its own environment.

use std::process::Command;
use std::sync::Mutex;

use sectigo::{AutoAuthorize, Client, Error, Roots, TransportErrorKind};
use sectigo_sandbox::{Config, Sandbox, tinyproxy};

#[allow(dead_code)]
mod support;

use support::order;

/// Every record of every target, at every level: ureq's own included.
static RECORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Everything;

impl log::Log for Everything {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, r: &log::Record<'_>) {
        RECORDS.lock().unwrap().push(format!("{} {}: {}", r.level(), r.target(), r.args()));
    }
    fn flush(&self) {}
}

fn sandbox_with_proxy() -> Sandbox {
    let mut config = Config { tinyproxy: true, http_port: Some(0), ..Config::default() };
    config.api.accept_plain_http = true;
    Sandbox::start(config).unwrap()
}

fn host_port(sandbox: &Sandbox) -> String {
    format!("127.0.0.1:{}", sandbox.port())
}

#[test]
fn orders_and_authorizations_go_through_the_proxy_and_its_password_is_never_shown() {
    let _ = log::set_logger(&Everything);
    log::set_max_level(log::LevelFilter::Trace);
    let sandbox = sandbox_with_proxy();
    let proxy = sandbox.proxy().unwrap();
    let builder = Client::builder()
        .credentials("sandbox_reseller", "sandbox-password")
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .proxy(proxy.url())
        .no_proxy("");
    let shown = format!("{builder:?}");
    let client = builder.build().unwrap();
    let placed = order().send(&client).unwrap();
    AutoAuthorize::new().order_number(&placed.order_number).send(&client).unwrap();
    assert!(
        proxy.tunnels_to(&host_port(&sandbox)) >= 1,
        "the proxy's log shows the tunnel: {}",
        std::fs::read_to_string(proxy.log_path()).unwrap_or_default()
    );

    // A wrong password: the proxy refuses the CONNECT (tinyproxy answers 401), so nothing was sent.
    let wrong = proxy.url().replace(tinyproxy::PASSWORD, "not-the-password");
    let refused = Client::builder()
        .credentials("sandbox_reseller", "sandbox-password")
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .proxy(wrong)
        .retry_policy(sectigo::RetryPolicy::none())
        .build()
        .unwrap();
    let before = sandbox.with_state(|s| s.orders.len());
    let e = order().send(&refused).unwrap_err();
    assert!(matches!(&e, Error::Transport(t) if t.not_sent && t.kind == TransportErrorKind::Connect), "{e:?}");
    assert!(e.retry_safe() && !e.may_have_taken_effect(), "{e}");
    assert!(e.to_string().contains("proxy server responded 401"), "{e}");
    assert_eq!(sandbox.with_state(|s| s.orders.len()), before);

    let logs = RECORDS.lock().unwrap().join("\n");
    assert!(logs.contains("CONNECT") || logs.contains("proxy"), "ureq's records were captured");
    for text in [shown, format!("{client:?}"), format!("{refused:?}"), format!("{e:?}"), e.to_string(), logs] {
        assert!(!text.contains(tinyproxy::PASSWORD) && !text.contains("not-the-password"), "{text}");
    }
    assert!(format!("{client:?}").contains(&format!("{}:<redacted>@127.0.0.1:{}", tinyproxy::USER, proxy.port())));
}

#[test]
fn socks_and_malformed_proxies_are_config_errors_naming_the_setting() {
    for (proxy, want) in [
        ("socks5://user:hunter2@127.0.0.1:1080", "proxy: SOCKS proxies (socks5://)"),
        ("socks4a://127.0.0.1", "proxy: SOCKS proxies (socks4a://)"),
        ("ftp://127.0.0.1", "proxy: a proxy URL starts with http:// or https://"),
        ("http://user:hunter2@127.0.0.1:port", "proxy: the proxy's port"),
    ] {
        let e = Client::builder().proxy(proxy).build().unwrap_err().to_string();
        assert!(e.starts_with(want) && !e.contains("hunter2"), "{proxy}: {e}");
    }
    let e = Client::builder().no_proxy("10.0.0.0/40").build().unwrap_err().to_string();
    assert!(e.starts_with("no_proxy: "), "{e}");
    let e = "everything".parse::<Roots>().unwrap_err().to_string();
    assert!(e.starts_with("roots: "), "{e}");
}

/// What the child reported: `ok`, `config: ...` or `error: ...`.
fn in_child(vars: &[(&str, &str)]) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--exact", "child", "--ignored", "--nocapture", "--test-threads", "1"]);
    for name in sectigo::proxy::ENVIRONMENT.iter().chain(&["SSL_CERT_FILE", "SSL_CERT_DIR"]) {
        command.env_remove(name);
    }
    command.envs(vars.iter().copied());
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .find_map(|l| l.split_once("CHILD ").map(|(_, report)| report))
        .unwrap_or_else(|| panic!("no report from the child: {stdout}{}", String::from_utf8_lossy(&out.stderr)))
        .to_owned()
}

/// Run by [`in_child`]: one order, with the settings of `SECTIGO_CHILD_*` and the rest from
/// the environment.
#[test]
#[ignore = "run by the other tests, in a child process"]
fn child() {
    let var = |name: &str| std::env::var(name).ok();
    let Some(base_url) = var("SECTIGO_CHILD_BASE_URL") else { return };
    let mut b = Client::builder()
        .credentials("sandbox_reseller", "sandbox-password")
        .base_url(base_url)
        .allow_http(true)
        .retry_policy(sectigo::RetryPolicy::none());
    if let Some(ca) = var("SECTIGO_CHILD_CA") {
        b = b.add_root_certificates_file(ca);
    }
    if let Some(roots) = var("SECTIGO_CHILD_ROOTS") {
        b = b.roots(roots.parse().unwrap());
    }
    if let Some(proxy) = var("SECTIGO_CHILD_PROXY") {
        b = b.proxy(proxy);
    }
    match b.build() {
        Err(e) => println!("CHILD config: {e}"),
        Ok(client) => match order().send(&client) {
            Ok(_) => println!("CHILD ok"),
            Err(e) => println!("CHILD error: {e}"),
        },
    }
}

#[test]
fn the_proxy_environment_is_read_like_curl() {
    let sandbox = sandbox_with_proxy();
    let proxy = sandbox.proxy().unwrap();
    let (https, http) = (sandbox.https_url(), sandbox.http_url().unwrap());
    let ca = std::env::temp_dir().join(format!("sectigo-egress-ca-{}.pem", std::process::id()));
    std::fs::write(&ca, sandbox.ca_pem()).unwrap();
    let ca = ca.to_str().unwrap().to_owned();
    let url = proxy.url();
    let tunnels = || proxy.tunnels_to(&host_port(&sandbox));
    let dead = "http://127.0.0.1:9";
    let base = |url: &str| vec![("SECTIGO_CHILD_BASE_URL", url.to_owned()), ("SECTIGO_CHILD_CA", ca.clone())];
    let run = |extra: &[(&str, &str)], base_url: &str| {
        let mut vars: Vec<(&str, String)> = base(base_url);
        vars.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        in_child(&vars.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
    };

    // Lower and upper case, and ALL_PROXY, each through the proxy.
    for name in ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] {
        let before = tunnels();
        assert_eq!(run(&[(name, &url)], &https), "ok", "{name}");
        assert_eq!(tunnels(), before + 1, "{name} sends the call through the proxy");
    }
    // Lower case wins over upper case, as in curl.
    assert_eq!(run(&[("https_proxy", &url), ("HTTPS_PROXY", dead)], &https), "ok");
    // no_proxy and the proxy setting "none" go direct.
    let before = tunnels();
    assert_eq!(run(&[("https_proxy", dead), ("no_proxy", "localhost,127.0.0.0/8")], &https), "ok");
    assert_eq!(run(&[("HTTPS_PROXY", dead), ("NO_PROXY", "*")], &https), "ok");
    assert_eq!(run(&[("https_proxy", dead), ("SECTIGO_CHILD_PROXY", "none")], &https), "ok");
    assert_eq!(tunnels(), before);
    // A dead proxy from the environment is used, and fails before anything is sent.
    let e = run(&[("https_proxy", dead)], &https);
    assert!(e.starts_with("error: ") && e.contains("connect"), "{e}");
    // SOCKS from the environment is refused, naming the variable.
    let e = run(&[("ALL_PROXY", "socks5h://u:hunter2@127.0.0.1:1080")], &https);
    assert!(e.starts_with("config: the environment variable ALL_PROXY: SOCKS") && !e.contains("hunter2"), "{e}");

    // Plain HTTP (local testing): HTTP_PROXY is used, unless REQUEST_METHOD says this is CGI,
    // where a request's "Proxy:" header arrives as HTTP_PROXY.
    let e = run(&[("HTTP_PROXY", dead)], &http);
    assert!(e.starts_with("error: "), "HTTP_PROXY is used outside CGI: {e}");
    assert_eq!(run(&[("HTTP_PROXY", dead), ("REQUEST_METHOD", "GET")], &http), "ok");
    let e = run(&[("http_proxy", dead), ("REQUEST_METHOD", "GET")], &http);
    assert!(e.starts_with("error: "), "lower-case http_proxy is still used under CGI: {e}");
    let _ = std::fs::remove_file(&ca);
}

#[test]
fn system_roots_read_ssl_cert_file_and_bundled_roots_do_not() {
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let bundle = std::env::temp_dir().join(format!("sectigo-egress-bundle-{}.pem", std::process::id()));
    std::fs::write(&bundle, sandbox.ca_pem()).unwrap();
    let bundle = bundle.to_str().unwrap();
    let https = sandbox.https_url();
    let with = |roots: &str| {
        in_child(&[("SECTIGO_CHILD_BASE_URL", &https), ("SECTIGO_CHILD_ROOTS", roots), ("SSL_CERT_FILE", bundle)])
    };
    assert_eq!(with("system"), "ok");
    let e = with("bundled");
    assert!(e.starts_with("error: ") && e.to_lowercase().contains("unknownissuer"), "{e}");
    // An empty bundle: nothing to trust is a ConfigError when the client is built.
    let empty = format!("{bundle}.empty");
    std::fs::write(&empty, "").unwrap();
    let e =
        in_child(&[("SECTIGO_CHILD_BASE_URL", &https), ("SECTIGO_CHILD_ROOTS", "system"), ("SSL_CERT_FILE", &empty)]);
    assert!(e.starts_with("config: roots: \"system\" found no certificate authorities"), "{e}");
    let _ = std::fs::remove_file(bundle);
    let _ = std::fs::remove_file(empty);
}

/// An `https://` proxy: TLS on loopback (a certificate from a CA of its own) in front of
/// tinyproxy. Returns its port and its CA (PEM).
fn tls_front(upstream: u16) -> (u16, String) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    use std::sync::Arc;

    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "egress test proxy CA");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap().signed_by(&key, &ca).unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let Ok(upstream) = std::net::TcpStream::connect(("127.0.0.1", upstream)) else { continue };
            let conn = rustls::ServerConnection::new(config.clone()).unwrap();
            std::thread::spawn(move || relay(client, upstream, conn));
        }
    });
    (port, ca.pem())
}

/// Moves bytes between a TLS client and a plain upstream until either side closes.
fn relay(mut client: std::net::TcpStream, mut upstream: std::net::TcpStream, mut conn: rustls::ServerConnection) {
    use std::io::{ErrorKind, Read, Write};
    let idle = |e: &std::io::Error| e.kind() == ErrorKind::WouldBlock;
    client.set_nonblocking(true).unwrap();
    upstream.set_nonblocking(true).unwrap();
    let mut buf = vec![0u8; 16 * 1024];
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        let mut moved = false;
        match conn.read_tls(&mut client) {
            Ok(0) => return,
            Ok(_) => {
                moved = true;
                if conn.process_new_packets().is_err() {
                    let _ = conn.write_tls(&mut client);
                    return;
                }
            }
            Err(e) if idle(&e) => {}
            Err(_) => return,
        }
        loop {
            match conn.reader().read(&mut buf) {
                Ok(0) => return,
                Ok(n) => {
                    moved = true;
                    let mut rest = &buf[..n];
                    while !rest.is_empty() {
                        match upstream.write(rest) {
                            Ok(k) => rest = &rest[k..],
                            Err(e) if idle(&e) => std::thread::sleep(std::time::Duration::from_millis(1)),
                            Err(_) => return,
                        }
                    }
                }
                Err(e) if idle(&e) => break,
                Err(_) => return,
            }
        }
        match upstream.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                moved = true;
                conn.writer().write_all(&buf[..n]).unwrap();
            }
            Err(e) if idle(&e) => {}
            Err(_) => return,
        }
        while conn.wants_write() {
            match conn.write_tls(&mut client) {
                Ok(_) => moved = true,
                Err(e) if idle(&e) => std::thread::sleep(std::time::Duration::from_millis(1)),
                Err(_) => return,
            }
        }
        if !moved {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
}

#[test]
fn an_https_proxy_is_reached_over_tls_and_the_target_over_tls_inside_it() {
    let sandbox = sandbox_with_proxy();
    let proxy = sandbox.proxy().unwrap();
    let (front, front_ca) = tls_front(proxy.port());
    let url = format!("https://{}:{}@127.0.0.1:{front}", tinyproxy::USER, tinyproxy::PASSWORD);
    let client = Client::builder()
        .credentials("sandbox_reseller", "sandbox-password")
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .add_root_certificates_pem(front_ca)
        .proxy(url)
        .no_proxy("")
        .build()
        .unwrap();
    let before = proxy.tunnels_to(&host_port(&sandbox));
    let placed = order().send(&client).unwrap();
    AutoAuthorize::new().order_number(&placed.order_number).send(&client).unwrap();
    assert!(proxy.tunnels_to(&host_port(&sandbox)) > before, "the tunnel went through the proxy behind TLS");

    // The proxy's certificate is checked: without its CA, nothing is sent.
    let untrusted = Client::builder()
        .credentials("sandbox_reseller", "sandbox-password")
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .proxy(format!("https://127.0.0.1:{front}"))
        .retry_policy(sectigo::RetryPolicy::none())
        .build()
        .unwrap();
    let e = order().send(&untrusted).unwrap_err();
    assert!(e.retry_safe() && !e.may_have_taken_effect(), "{e:?}");
}
