//! The `sectigo` binary: demo, exit statuses, JSON output, options derived from the spec, and
//! passwords that never show.

use std::process::{Command, Output};

use sectigo_sandbox::{Config, Endpoint, Fault, FaultRule, Sandbox};

fn sectigo(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sectigo"))
        .args(args)
        .env_remove("SECTIGO_LOGIN_NAME")
        .env_remove("SECTIGO_LOGIN_PASSWORD")
        .env_remove("SECTIGO_BASE_URL")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn demo_runs_the_whole_flow() {
    let o = sectigo(&["demo"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = text(&o);
    for step in [
        "!PlaceOrder",
        "!AutoAuthorize",
        "!initCustomerSession",
        "page_url: https://secure.sectigo.com/products/postPayment1a?SID=",
    ] {
        assert!(out.contains(step), "{step} missing from:\n{out}");
    }
    let o = sectigo(&["demo", "--json"], &[]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((v["ok"].as_bool(), v["connections"].as_u64()), (Some(true), Some(1)), "{v}");
    assert_eq!(v["steps"].as_array().unwrap().len(), 4);
}

#[test]
fn exit_statuses_tell_what_happened() {
    let ok = sectigo(&["--sandbox", "init-customer-session", "--order-number", "1000001"], &[]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(text(&ok).contains("orderNumber: 1000003"), "latest replacement: {}", text(&ok));
    let api = sectigo(&["--sandbox", "auto-authorize", "--order-number", "1000003"], &[]);
    assert_eq!(api.status.code(), Some(1), "{}", text(&api));
    let usage = sectigo(&["auto-authorize", "--no-such-option"], &[]);
    assert_eq!(usage.status.code(), Some(2));
    let invalid = sectigo(&["--sandbox", "auto-authorize", "--order-number", "abc"], &[]);
    assert_eq!(invalid.status.code(), Some(3), "{}", text(&invalid));
    assert!(text(&invalid).contains("[integer] `orderNumber` must be a whole number"), "{}", text(&invalid));
    let refused = sectigo(
        &["--base-url", "http://127.0.0.1:9", "--allow-http", "auto-authorize", "--order-number", "1"],
        &[("SECTIGO_LOGIN_NAME", "a"), ("SECTIGO_LOGIN_PASSWORD", "b")],
    );
    assert_eq!(refused.status.code(), Some(4), "{}", text(&refused));
    let no_path = sectigo(&["tier2-partner-signup", "--ap", "x"], &[]);
    assert_eq!(no_path.status.code(), Some(6), "{}", text(&no_path));
    assert!(text(&no_path).contains("not stated in Sectigo's documents"), "{}", text(&no_path));
    let no_credentials = sectigo(&["auto-authorize", "--order-number", "1"], &[]);
    assert_eq!(no_credentials.status.code(), Some(6));
    assert!(text(&no_credentials).contains("SECTIGO_LOGIN_NAME"), "{}", text(&no_credentials));
}

#[test]
fn lost_answers_exit_5_and_never_show_the_password() {
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let ca = std::env::temp_dir().join(format!("sectigo-cli-test-ca-{}.pem", std::process::id()));
    std::fs::write(&ca, sandbox.ca_pem()).unwrap();
    let secret = "pw-that-must-not-show-7f3a";
    sandbox.with_state(|s| s.accounts[0].login_password = secret.to_owned());
    let env = [("SECTIGO_LOGIN_NAME", "sandbox_reseller"), ("SECTIGO_LOGIN_PASSWORD", secret)];
    for json in [false, true] {
        sandbox.inject(FaultRule { fault: Fault::Close, endpoint: Some(Endpoint::PlaceOrder), remaining: Some(1) });
        let mut args = vec![
            "--base-url",
            &sandbox.https_url(),
            "--ca-file",
            ca.to_str().unwrap(),
            "place-order",
            "--ap",
            "sandboxbrand",
            "--reseller",
            "Y",
            "--name",
            "N",
            "--email-address",
            "n@example.com",
            "--web-product",
            "web-dns-pro:1-year",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
        if json {
            args.insert(0, "--json".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = sectigo(&args, &env);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(5), "{out}");
        assert!(out.contains("<redacted>") && out.contains("1_PPP") && !out.contains(secret), "{out}");
    }
    // Wrong password: an API error that does not echo it either.
    let o = sectigo(
        &[
            "--base-url",
            &sandbox.https_url(),
            "--ca-file",
            ca.to_str().unwrap(),
            "--json",
            "auto-authorize",
            "--order-number",
            "1",
        ],
        &[("SECTIGO_LOGIN_NAME", "sandbox_reseller"), ("SECTIGO_LOGIN_PASSWORD", "wrong-pw-9c1e")],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(!text(&o).contains("wrong-pw-9c1e"));
    let help = sectigo(&["auto-authorize", "--help"], &[("SECTIGO_LOGIN_PASSWORD", secret)]);
    assert!(!text(&help).contains(secret));
    std::fs::remove_file(ca).unwrap();
}

#[test]
fn every_endpoint_and_parameter_of_the_spec_is_a_command_and_option() {
    for e in sectigo::ENDPOINTS {
        let name: String = e.id.replace('_', "-");
        let o = sectigo(&[&name, "--help"], &[]);
        // --help wraps long lines: compare with whitespace collapsed.
        let help = text(&o).split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(o.status.code(), Some(0), "{help}");
        assert!(help.contains(e.summary.split_whitespace().next().unwrap()), "{help}");
        for p in e.params.iter().filter(|p| p.credential.is_none()) {
            assert!(help.contains(&format!("[wire: {};", p.name)), "{name}: {} missing from --help", p.name);
        }
    }
}

#[test]
fn json_output_and_items() {
    let o = sectigo(
        &[
            "--sandbox",
            "--json",
            "place-order",
            "--ap",
            "sandboxbrand",
            "--reseller",
            "n",
            "--fore-name",
            "Ann",
            "--email-address",
            "ann@example.com",
            "--item",
            "PPP=9600,quantity=1",
            "--web-product",
            "web-monitor:30-day",
            "--country",
            "GB",
        ],
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], true, "{v}");
    assert!(v["fields"]["orderNumber"].as_str().is_some());
    let o = sectigo(&["--sandbox", "--json", "place-order", "--item", "PPP"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn rate_limited_calls_exit_7_on_any_endpoint() {
    let mut config = Config::default();
    config.api.rate_limit = Some(sectigo_sandbox::RateLimit { calls: 1, per: std::time::Duration::from_secs(60) });
    let sandbox = Sandbox::start(config).unwrap();
    let ca = std::env::temp_dir().join(format!("sectigo-cli-limit-ca-{}.pem", std::process::id()));
    std::fs::write(&ca, sandbox.ca_pem()).unwrap();
    let env = [("SECTIGO_LOGIN_NAME", "sandbox_reseller"), ("SECTIGO_LOGIN_PASSWORD", "sandbox-password")];
    let base = [
        "--base-url".to_owned(),
        sandbox.https_url(),
        "--ca-file".to_owned(),
        ca.display().to_string(),
        "--json".to_owned(),
    ];
    let run = |rest: &[&str]| {
        let args: Vec<&str> = base.iter().map(String::as_str).chain(rest.iter().copied()).collect();
        sectigo(&args, &env)
    };
    assert_eq!(run(&["init-customer-session", "--order-number", "1000003"]).status.code(), Some(0));
    // Over the limit, !PlaceOrder (whose own table lacks -42) is refused: exit 7, safe to retry.
    let o = run(&[
        "--max-retries",
        "0",
        "place-order",
        "--ap",
        "sandboxbrand",
        "--reseller",
        "Y",
        "--name",
        "N",
        "--email-address",
        "n@example.com",
        "--web-product",
        "web-dns-pro:1-year",
    ]);
    assert_eq!(o.status.code(), Some(7), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["code"].as_i64(), v["rate_limited"].as_bool(), v["retry_safe"].as_bool()),
        (Some(-42), Some(true), Some(true)),
        "{v}"
    );
    assert_eq!((v["may_have_taken_effect"].as_bool(), v["retries"].as_u64()), (Some(false), Some(0)), "{v}");
    assert_eq!(sandbox.with_state(|s| s.orders.len()), 4, "no order was placed");
    std::fs::remove_file(ca).ok();
}

#[test]
fn json_errors_keep_the_raw_answer() {
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let ca = std::env::temp_dir().join(format!("sectigo-cli-raw-ca-{}.pem", std::process::id()));
    std::fs::write(&ca, sandbox.ca_pem()).unwrap();
    let env = [("SECTIGO_LOGIN_NAME", "sandbox_reseller"), ("SECTIGO_LOGIN_PASSWORD", "sandbox-password")];
    let url = sandbox.https_url();
    let args = [
        "--base-url",
        &url,
        "--ca-file",
        ca.to_str().unwrap(),
        "--json",
        "init-customer-session",
        "--order-number",
        "1000003",
    ];
    sandbox.inject(FaultRule { fault: Fault::Status(503), endpoint: None, remaining: Some(1) });
    let o = sectigo(&args, &env);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["raw"].as_str().is_some_and(|r| r.contains("503")), "{v}");
    sandbox.inject(FaultRule { fault: Fault::Garbage, endpoint: None, remaining: Some(1) });
    let v: serde_json::Value = serde_json::from_slice(&sectigo(&args, &env).stdout).unwrap();
    assert!(v["raw"].as_str().is_some_and(|r| r.contains("sandbox garbage")), "{v}");
    std::fs::remove_file(ca).ok();
}

#[test]
fn retries_are_reported_and_can_be_turned_off() {
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let ca = std::env::temp_dir().join(format!("sectigo-cli-retry-ca-{}.pem", std::process::id()));
    std::fs::write(&ca, sandbox.ca_pem()).unwrap();
    let env = [("SECTIGO_LOGIN_NAME", "sandbox_reseller"), ("SECTIGO_LOGIN_PASSWORD", "sandbox-password")];
    let url = sandbox.https_url();
    let run = |extra: &[&str]| {
        let mut args = vec!["--base-url", &url, "--ca-file", ca.to_str().unwrap(), "--json"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["init-customer-session", "--order-number", "1000003"]);
        sectigo(&args, &env)
    };
    let limited =
        || FaultRule { fault: Fault::RateLimited, endpoint: Some(Endpoint::InitCustomerSession), remaining: Some(2) };
    sandbox.inject(limited());
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["retries"].as_u64(), Some(2), "{v}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(stderr.matches("sending it again").count(), 2, "each retry is reported: {stderr}");
    assert!(!stderr.contains("sandbox-password"), "{stderr}");

    sandbox.inject(limited());
    let o = run(&["--max-retries", "0"]);
    assert_eq!(o.status.code(), Some(7), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["retries"].as_u64(), Some(0), "{v}");
    assert!(o.stderr.is_empty(), "{}", text(&o));
    sandbox.clear_faults();
    std::fs::remove_file(ca).ok();
}

/// The password never shows, whatever goes wrong, in text or `--json` output, nor in the retry
/// reports on standard error.
#[test]
fn no_error_shows_the_password_in_text_or_json() {
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let ca = std::env::temp_dir().join(format!("sectigo-cli-canary-ca-{}.pem", std::process::id()));
    std::fs::write(&ca, sandbox.ca_pem()).unwrap();
    let canary = "cli-canary-pw-2d7a";
    sandbox.with_state(|s| s.accounts[0].login_password = canary.to_owned());
    let too_long = canary.repeat(10);
    let url = sandbox.https_url();
    let session = ["init-customer-session", "--order-number", "1000003"];
    let limited =
        || FaultRule { fault: Fault::RateLimited, endpoint: Some(Endpoint::InitCustomerSession), remaining: Some(2) };
    type Setup<'a> = (&'a str, &'a str, Option<Box<dyn Fn() + 'a>>, u8);
    let cases: Vec<Setup> = vec![
        (url.as_str(), canary, None, 0),
        (url.as_str(), "cli-canary-wrong-4b1", None, 1),
        (url.as_str(), too_long.as_str(), None, 3),
        ("https://127.0.0.1:1", canary, None, 4),
        (
            url.as_str(),
            canary,
            Some(Box::new(|| sandbox.inject(FaultRule { fault: Fault::Garbage, endpoint: None, remaining: Some(1) }))),
            4,
        ),
        (url.as_str(), canary, Some(Box::new(|| sandbox.inject(limited()))), 7),
    ];
    for (base, password, setup, status) in &cases {
        for json in [false, true] {
            if let Some(setup) = setup {
                setup();
            }
            let mut args = vec!["--base-url", base, "--ca-file", ca.to_str().unwrap(), "--max-retries", "1"];
            if json {
                args.push("--json");
            }
            args.extend_from_slice(&session);
            let o = sectigo(&args, &[("SECTIGO_LOGIN_NAME", "sandbox_reseller"), ("SECTIGO_LOGIN_PASSWORD", password)]);
            let out = text(&o);
            assert_eq!(o.status.code(), Some(i32::from(*status)), "{out}");
            for secret in [canary, "cli-canary-wrong-4b1"] {
                assert!(!out.contains(secret), "{secret} shown:\n{out}");
            }
        }
    }
    std::fs::remove_file(ca).ok();
}

/// Bad settings are refused naming the setting (exit 6, a setting error), never a panic; `--resolve` pins the
/// sandbox's address to a name.
#[test]
fn settings_are_checked_and_resolve_pins_addresses() {
    let env = [("SECTIGO_LOGIN_NAME", "login"), ("SECTIGO_LOGIN_PASSWORD", "password")];
    for (args, named) in [
        (vec!["--timeout", "1e19"], "timeout"),
        (vec!["--connect-timeout", "3601"], "connect_timeout"),
        (vec!["--user-agent", "panel\r\nX-Injected: 1"], "user_agent"),
        (vec!["--resolve", "localhost:443:not-an-address"], "resolve"),
    ] {
        let mut all = args.clone();
        all.extend_from_slice(&["init-customer-session", "--order-number", "1"]);
        let o = sectigo(&all, &env);
        assert_eq!(o.status.code(), Some(6), "{args:?}: a setting error: {}", text(&o));
        assert!(text(&o).contains(named), "{args:?}: {}", text(&o));
        assert!(!text(&o).contains("panicked"), "{}", text(&o));
    }

    let sandbox = Sandbox::start(Config::default()).unwrap();
    let ca = std::env::temp_dir().join(format!("sectigo-cli-resolve-ca-{}.pem", std::process::id()));
    std::fs::write(&ca, sandbox.ca_pem()).unwrap();
    let port = sandbox.port();
    let env = [
        ("SECTIGO_LOGIN_NAME", "sandbox_reseller"),
        ("SECTIGO_LOGIN_PASSWORD", "sandbox-password"),
        ("SECTIGO_RESOLVE", &*format!("localhost:{port}:127.0.0.1")),
    ];
    let url = format!("https://localhost:{port}");
    let o = sectigo(
        &["--base-url", &url, "--ca-file", ca.to_str().unwrap(), "init-customer-session", "--order-number", "1000003"],
        &env,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    std::fs::remove_file(ca).ok();
}

/// Places an order and authorizes it with `args` (settings) and `env`; the JSON of each.
fn order_and_authorize(args: &[&str], env: &[(&str, &str)]) -> Vec<serde_json::Value> {
    let mut order = args.to_vec();
    order.extend_from_slice(&[
        "--json",
        "place-order",
        "--ap",
        "sandboxbrand",
        "--reseller",
        "Y",
        "--name",
        "N",
        "--email-address",
        "cli@example.com",
        "--web-product",
        "web-dns-pro:1-year",
    ]);
    let o = sectigo(&order, env);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let placed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let number = placed["fields"]["orderNumber"].as_str().unwrap().to_owned();
    let mut authorize = args.to_vec();
    authorize.extend_from_slice(&["--json", "auto-authorize", "--order-number", &number]);
    let o = sectigo(&authorize, env);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    vec![placed, serde_json::from_slice(&o.stdout).unwrap()]
}

#[test]
fn proxies_trust_and_client_certificates() {
    let sandbox = Sandbox::start(Config { tinyproxy: true, private_port: Some(0), ..Config::default() }).unwrap();
    let proxy = sandbox.proxy().unwrap();
    let proxy_url = proxy.url();
    let dir = std::env::temp_dir().join(format!("sectigo-cli-egress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, sandbox.ca_pem()).unwrap();
    let (url, ca) = (sandbox.https_url(), ca.to_str().unwrap().to_owned());
    let login = [("SECTIGO_LOGIN_NAME", "sandbox_reseller"), ("SECTIGO_LOGIN_PASSWORD", "sandbox-password")];
    let target = url.trim_start_matches("https://").to_owned();
    let tunnels = || proxy.tunnels_to(&target);

    // --proxy, and SECTIGO_PROXY; the proxy's password never shows.
    let before = tunnels();
    order_and_authorize(&["--base-url", &url, "--ca-file", &ca, "--proxy", &proxy_url, "--no-proxy", ""], &login);
    assert!(tunnels() > before, "the proxy's log shows the tunnel");
    let with_env = [login[0], login[1], ("SECTIGO_PROXY", proxy_url.as_str()), ("SECTIGO_NO_PROXY", "")];
    let before = tunnels();
    order_and_authorize(&["--base-url", &url, "--ca-file", &ca], &with_env);
    assert!(tunnels() > before, "SECTIGO_PROXY is read");
    // https_proxy, as curl reads it.
    let before = tunnels();
    let curl_env = [login[0], login[1], ("https_proxy", proxy_url.as_str())];
    order_and_authorize(&["--base-url", &url, "--ca-file", &ca], &curl_env);
    assert!(tunnels() > before, "https_proxy is read");
    let wrong = proxy.url().replace(sectigo_sandbox::tinyproxy::PASSWORD, "not-the-password");
    let o = sectigo(
        &[
            "--base-url",
            &url,
            "--ca-file",
            &ca,
            "--proxy",
            &wrong,
            "--max-retries",
            "0",
            "init-customer-session",
            "--order-number",
            "1000003",
        ],
        &login,
    );
    assert_eq!(o.status.code(), Some(4), "a refused CONNECT is a transport error: {}", text(&o));
    assert!(!text(&o).contains("not-the-password"), "{}", text(&o));
    let o = sectigo(
        &["--proxy", "socks5://u:hunter2@127.0.0.1:1080", "init-customer-session", "--order-number", "1"],
        &login,
    );
    assert_eq!(o.status.code(), Some(6), "{}", text(&o));
    assert!(text(&o).contains("SOCKS") && !text(&o).contains("hunter2"), "{}", text(&o));
    let help = sectigo(&["init-customer-session", "--help"], &[("SECTIGO_PROXY", "http://u:hunter2@127.0.0.1:1")]);
    assert!(!text(&help).contains("hunter2") && text(&help).contains("--proxy"), "{}", text(&help));

    // --roots system reads SSL_CERT_FILE; bundled roots do not know the sandbox's CA.
    let trust = [login[0], login[1], ("SSL_CERT_FILE", ca.as_str())];
    order_and_authorize(&["--base-url", &url, "--roots", "system"], &trust);
    let o = sectigo(
        &[
            "--base-url",
            &url,
            "--roots",
            "bundled",
            "--max-retries",
            "0",
            "init-customer-session",
            "--order-number",
            "1000003",
        ],
        &trust,
    );
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));

    // A client certificate and no password, on the listener that requires one.
    let minted = sandbox.mint_client_certificate("sandbox_reseller", "p12-pw").unwrap();
    let (cert, key, p12) = (dir.join("c.crt"), dir.join("c.key"), dir.join("c.p12"));
    std::fs::write(&cert, &minted.cert_pem).unwrap();
    std::fs::write(&key, &minted.key_pem).unwrap();
    std::fs::write(&p12, &minted.pkcs12).unwrap();
    let private = sandbox.private_url().unwrap();
    let name_only = [("SECTIGO_LOGIN_NAME", "sandbox_reseller")];
    let pem_args = [
        "--base-url",
        &private,
        "--ca-file",
        &ca,
        "--client-cert",
        cert.to_str().unwrap(),
        "--client-key",
        key.to_str().unwrap(),
    ];
    order_and_authorize(&pem_args, &name_only);
    let p12_env =
        [name_only[0], ("SECTIGO_CLIENT_PKCS12", p12.to_str().unwrap()), ("SECTIGO_CLIENT_PKCS12_PASSWORD", "p12-pw")];
    order_and_authorize(&["--base-url", &private, "--ca-file", &ca], &p12_env);
    let o = sectigo(
        &[&pem_args[..], &["init-customer-session", "--order-number", "1000003"]].concat(),
        &[("SECTIGO_LOGIN_NAME", "sandbox_broke")],
    );
    assert_eq!(o.status.code(), Some(1), "another account: an API error: {}", text(&o));
    assert!(text(&o).contains("-16"), "{}", text(&o));
    let o = sectigo(
        &[
            "--base-url",
            &private,
            "--ca-file",
            &ca,
            "--max-retries",
            "0",
            "--json",
            "init-customer-session",
            "--order-number",
            "1000003",
        ],
        &login,
    );
    assert_eq!(o.status.code(), Some(4), "no certificate: a transport error: {}", text(&o));
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (e["retry_safe"].as_bool(), e["may_have_taken_effect"].as_bool()),
        (Some(true), Some(false)),
        "not sent: {e}"
    );
    // The same for an order: a refused handshake is "not sent", and the standard policy sends it again.
    let o = sectigo(
        &[
            "--base-url",
            &private,
            "--ca-file",
            &ca,
            "--max-retries",
            "0",
            "--json",
            "place-order",
            "--ap",
            "sandboxbrand",
            "--reseller",
            "Y",
            "--name",
            "N",
            "--email-address",
            "n@example.com",
            "--web-product",
            "web-dns-pro:1-year",
        ],
        &login,
    );
    assert_eq!(o.status.code(), Some(4), "an order on a refused handshake is not sent: {}", text(&o));
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((e["retry_safe"].as_bool(), e["may_have_taken_effect"].as_bool()), (Some(true), Some(false)), "{e}");
    let o = sectigo(&["--roots", "everything", "init-customer-session", "--order-number", "1"], &login);
    assert!(o.status.code() != Some(0) && text(&o).contains("--roots") && text(&o).contains("system"), "{}", text(&o));
    let help = sectigo(&["init-customer-session", "--help"], &[]);
    let words = text(&help).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("not needed, and not sent, with --client-cert"), "{words}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn page_urls_and_the_catalogue_as_every_language_has_them() {
    let out = sectigo(&["page-url", "sasp-post-payment", "--sid", "a b&c", "--order-number", "1000003"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "https://secure.sectigo.com/products/postPayment1a?SID=a+b%26c&orderNumber=1000003"
    );
    let out = sectigo(&["page-url", "validation-manager", "--sid", "s", "--order-number", "1"], &[]);
    assert_eq!(out.status.code(), Some(6));
    assert!(text(&out).contains("{SID} and {orderNumber}"), "{}", text(&out));
    let template = "https://vm.example/?s={SID}&o={orderNumber}";
    let out = sectigo(
        &["--json", "page-url", "validation-manager", "--sid", "x/y", "--order-number", "7", "--template", template],
        &[],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["url"], "https://vm.example/?s=x%2Fy&o=7");

    let out = sectigo(&["catalogue"], &[]);
    assert!(String::from_utf8_lossy(&out.stdout).lines().any(|l| l == "web-dns-pro:1-year\t9974"), "{}", text(&out));
    let out = sectigo(&["catalogue", "--ppp", "9978"], &[]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "web-dns-pro:5-year");
    assert_eq!(sectigo(&["catalogue", "--ppp", "1"], &[]).status.code(), Some(1));
}

/// `sectigo call`: a path outside the spec, against the sandbox's programmed answers.
#[test]
fn call_reaches_paths_outside_the_spec() {
    use sectigo_sandbox::AnswerRule;
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let ca = std::env::temp_dir().join(format!("sectigo-cli-raw-ca-{}.pem", std::process::id()));
    std::fs::write(&ca, sandbox.ca_pem()).unwrap();
    let secret = "pw-raw-must-not-show-2d8b";
    sandbox.with_state(|s| s.accounts[0].login_password = secret.to_owned());
    let env = [("SECTIGO_LOGIN_NAME", "sandbox_reseller"), ("SECTIGO_LOGIN_PASSWORD", secret)];
    let url = sandbox.https_url();
    let base = ["--base-url", url.as_str(), "--ca-file", ca.to_str().unwrap(), "--retry-base-delay", "0.01"];
    let run = |args: &[&str]| {
        let all: Vec<&str> = base.iter().copied().chain(args.iter().copied()).collect();
        sectigo(&all, &env)
    };
    let seen = |path: &str| sandbox.counters().requests.get(path).copied().unwrap_or(0);
    const COLLECT: &str = "/products/download/CollectSSL";

    // A newline answer, as JSON; the login went first, then the parameters as given.
    sandbox.program(AnswerRule::new(COLLECT, "0\n1\nIssued\n"));
    let o = run(&["--json", "call", COLLECT, "orderNumber=1234567", "queryType=0", "note=a=b", "--read-only"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((v["code"].as_i64(), v["format"].as_str(), v["status"].as_u64()), (Some(0), Some("newline"), Some(200)));
    assert_eq!(v["lines"], serde_json::json!(["1", "Issued"]));
    assert_eq!(v["body"].as_str(), Some("0\n1\nIssued\n"));
    let sent = &sandbox.answered()[0].params;
    let names: Vec<&str> = sent.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["loginName", "loginPassword", "orderNumber", "queryType", "note"]);
    assert_eq!(sent[4].1, "a=b");

    // A URL-encoded answer, its pairs; on a pipe the body itself.
    sandbox.clear_answers();
    sandbox.program(AnswerRule::new("/products/!GetStatus", "errorCode=0&certificateStatus=Issued"));
    let o = run(&["--json", "call", "/products/!GetStatus", "a=1", "--read-only"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["format"].as_str(), Some("url_encoded"));
    assert_eq!(v["fields"], serde_json::json!([["errorCode", "0"], ["certificateStatus", "Issued"]]));

    // A broken answer to a read-only call is sent again.
    sandbox.clear_answers();
    let mut broken = AnswerRule::new(COLLECT, "");
    broken.close = true;
    broken.remaining = Some(1);
    sandbox.program(broken);
    sandbox.program(AnswerRule::new(COLLECT, "0\n2\n"));
    sandbox.reset_counters();
    let o = run(&["--json", "call", COLLECT, "queryType=0", "--read-only"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((v["retries"].as_u64(), v["lines"].clone()), (Some(1), serde_json::json!(["2"])));
    assert_eq!(seen(COLLECT), 2);

    // A binary body to --output, byte for byte; without credentials.
    sandbox.clear_answers();
    let zip: Vec<u8> = b"PK\x03\x04".iter().copied().chain((0..=255u8).cycle().take(5000)).collect();
    let mut rule = AnswerRule::new(COLLECT, zip.clone());
    rule.content_type = "application/zip".to_owned();
    sandbox.program(rule);
    let file = std::env::temp_dir().join(format!("sectigo-cli-raw-{}.zip", std::process::id()));
    let o =
        run(&["call", COLLECT, "queryType=1", "--read-only", "--no-credentials", "--output", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("HTTP 200, application/zip, errorCode none"), "{}", text(&o));
    assert_eq!(std::fs::read(&file).unwrap(), zip);
    assert_eq!(sandbox.answered()[0].params, [("queryType".to_owned(), "1".to_owned())]);
    // Piped without --output: the body itself on standard output.
    let o = run(&["call", COLLECT, "queryType=1", "--read-only"]);
    assert_eq!(o.stdout, zip);

    // An error code exits 1; a lost answer to a call that may change state exits 5, sent once.
    sandbox.clear_answers();
    sandbox.program(AnswerRule::new(COLLECT, "-3\nThe 'orderNumber' argument is missing!\n"));
    let o = run(&["call", COLLECT, "queryType=0", "--read-only"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("argument is missing"), "{}", text(&o));
    let mut lost = AnswerRule::new("/products/!AutoApplySSL", "");
    lost.close = true;
    sandbox.program(lost);
    sandbox.reset_counters();
    let o = run(&["--json", "call", "/products/!AutoApplySSL", "csr=x", "apiToken=cli-token-77"]);
    assert_eq!(o.status.code(), Some(5), "{}", text(&o));
    assert!(!text(&o).contains(secret) && !text(&o).contains("cli-token-77"), "{}", text(&o));
    assert_eq!(seen("/products/!AutoApplySSL"), 1, "never resent");

    // Refused before anything is sent.
    let before = sandbox.counters().connections;
    for path in [
        "https://example.com/x",
        "//example.com/x",
        "products/x",
        "/products/../x",
        "/products/%2e%2e/x",
        "/products/x?a=1",
        "/products/x#f",
        "/products/x\r\nHost: a",
        "/products/x y",
    ] {
        let o = run(&["call", path, "a=1"]);
        assert_eq!(o.status.code(), Some(6), "{path}: {}", text(&o));
        assert!(text(&o).contains("raw call path"), "{}", text(&o));
    }
    let o = run(&["call", COLLECT, "no-equals-sign"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(sandbox.counters().connections, before);
    std::fs::remove_file(ca).unwrap();
    std::fs::remove_file(file).unwrap();
}
