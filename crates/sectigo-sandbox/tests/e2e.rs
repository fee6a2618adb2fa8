//! The SDK against the sandbox over HTTPS with the sandbox's generated CA: every endpoint, every
//! error code the sandbox implements, connection reuse, faults; and raw HTTP requests that
//! bypass the SDK's validation, to show the sandbox checks on its own.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use sectigo::{
    AutoAuthorize, AutoAuthorizeError, Client, Error, InitCustomerSession, InitCustomerSessionError, PartnerType,
    PlaceOrder, PlaceOrderError, PlaceOrderItem, ResponseFormat, Term, Tier2PartnerSignup, Tier2PartnerSignupError,
    WebProduct,
};
use sectigo_sandbox::{Config, Endpoint, Fault, FaultRule, Generation, RateLimit, Sandbox, Status};

const LOGIN: &str = "sandbox_reseller";
const PASSWORD: &str = "sandbox-password";
const BRAND: &str = "sandboxbrand";

fn start(configure: impl FnOnce(&mut Config)) -> Sandbox {
    let mut config = Config::default();
    configure(&mut config);
    Sandbox::start(config).unwrap()
}

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .credentials(LOGIN, PASSWORD)
        .endpoint_path("tier2_partner_signup", sandbox.signup_path())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn dns_pro() -> PlaceOrder {
    PlaceOrder::new()
        .ap(BRAND)
        .reseller(true)
        .name("John Doe")
        .email_address("john@example.com")
        .item(PlaceOrderItem::product(WebProduct::WebDnsPro, Term::Year1).unwrap())
}

fn signup(admin: &str) -> Tier2PartnerSignup {
    Tier2PartnerSignup::new()
        .ap(BRAND)
        .partner_type(PartnerType::Reseller)
        .brand_name(format!("{admin}-brand"))
        .company_website("https://hosting.example")
        .organization_name("Example Hosting")
        .street_address1("1 Main St")
        .street_address2("Suite 2")
        .street_address3("Floor 3")
        .locality_name("Springfield")
        .state_or_province_name("IL")
        .postal_code("62701")
        .country_name("US")
        .admin_email_address("admin@hosting.example")
        .admin_telephone_number("+1 555 0100")
        .admin_login_name(admin)
        .admin_login_password("s3cret!")
}

fn order_status(sandbox: &Sandbox, number: u64) -> Status {
    sandbox.with_state(|s| s.orders[&number].status)
}

fn credit(sandbox: &Sandbox, login: &str) -> u64 {
    sandbox.with_state(|s| s.account(login).unwrap().credit_cents)
}

#[test]
fn the_whole_flow_over_https() {
    let sandbox = start(|_| {});
    let client = client(&sandbox);
    let placed = dns_pro().send(&client).unwrap();
    let number: u64 = placed.order_number.parse().unwrap();
    assert_eq!(order_status(&sandbox, number), Status::AwaitingAuthorization);
    let before = credit(&sandbox, LOGIN);

    // test=Y authorizes nothing.
    AutoAuthorize::new().order_number(number as i64).test(true).send(&client).unwrap();
    assert_eq!(order_status(&sandbox, number), Status::AwaitingAuthorization);
    assert_eq!(credit(&sandbox, LOGIN), before);

    let done = AutoAuthorize::new().order_number(number as i64).send(&client).unwrap();
    assert_eq!((done.sl_user_id, done.sl_site_id), (None, None));
    assert_eq!(order_status(&sandbox, number), Status::Authorized);
    assert_eq!(credit(&sandbox, LOGIN), before - 4000);

    let session = InitCustomerSession::new().order_number(placed.order_number.clone()).send(&client).unwrap();
    assert_eq!(session.sid.chars().count(), 16);
    assert_eq!(session.order_number.as_deref(), Some(placed.order_number.as_str()));

    let counters = sandbox.counters();
    assert_eq!(counters.requests["!PlaceOrder"], 1);
    assert_eq!(counters.requests["!AutoAuthorize"], 2);
    assert_eq!(counters.requests["!initCustomerSession"], 1);
}

#[test]
fn customer_session_returns_the_latest_replacement_in_both_formats_and_generations() {
    let sandbox = start(|_| {});
    let client = client(&sandbox);
    let lines = InitCustomerSession::new().order_number("1000001").send(&client).unwrap();
    assert_eq!(lines.order_number.as_deref(), Some("1000003"));
    let pairs = InitCustomerSession::new()
        .order_number("1000001")
        .response_format(ResponseFormat::UrlEncoded)
        .send(&client)
        .unwrap();
    assert_eq!(pairs.order_number.as_deref(), Some("1000003"));
    assert!(pairs.response.raw().starts_with("errorCode=0&SID="));

    let legacy = start(|c| c.api.generation = Generation::Legacy);
    let session = InitCustomerSession::new().order_number("1000001").send(&crate::client(&legacy)).unwrap();
    assert_eq!(session.order_number, None);
    assert_eq!(session.response.raw().lines().count(), 2);
}

#[test]
fn sitelock_only_orders_return_sitelock_ids() {
    let sandbox = start(|_| {});
    let client = client(&sandbox);
    let done = AutoAuthorize::new().order_number(1_000_010).send(&client).unwrap();
    assert!(done.sl_user_id.is_some() && done.sl_site_id.is_some(), "{done:?}");
    // Ordered by product ID through the name-keyed interface, then authorized.
    let placed = sectigo::dynamic::Request::new("!PlaceOrder")
        .unwrap()
        .with("ap", BRAND)
        .with("reseller", "Y")
        .with("name", "Site Owner")
        .with("emailAddress", "owner@example.com")
        .with("1_ID", "7001")
        .send(&client)
        .unwrap();
    let number: i64 = placed.get("orderNumber").unwrap().parse().unwrap();
    let done = AutoAuthorize::new().order_number(number).send(&client).unwrap();
    assert!(done.sl_user_id.is_some());
}

#[test]
fn tier2_signup_and_already_used_names() {
    let sandbox = start(|_| {});
    let client = client(&sandbox);
    let done = signup("new_admin").send(&client).unwrap();
    assert!(done.account_id > 0 && done.admin_user_id > 0 && !done.sasp_session_id.is_empty());
    match signup("new_admin").brand_name("other-brand").send(&client).unwrap_err() {
        Error::Api(Tier2PartnerSignupError::AlreadyUsed(e)) => assert_eq!(e.argument(), Some("adminLoginName")),
        other => panic!("{other:?}"),
    }
    match signup("another_admin").brand_name("new_admin-brand").send(&client).unwrap_err() {
        Error::Api(Tier2PartnerSignupError::AlreadyUsed(e)) => assert_eq!(e.argument(), Some("brandName")),
        other => panic!("{other:?}"),
    }
    // -7: the SDK checks the shape of a country code; the sandbox knows the list.
    match signup("third_admin").country_name("XX").send(&client).unwrap_err() {
        Error::Api(Tier2PartnerSignupError::InvalidCountry(e)) => assert_eq!(e.argument(), Some("XX")),
        other => panic!("{other:?}"),
    }
    // -16: an unknown Tier 1 brand.
    match signup("fourth_admin").ap("nobody").send(&client).unwrap_err() {
        Error::Api(Tier2PartnerSignupError::AuthenticationFailed(e)) => {
            assert_eq!(e.message(), Some("Permission denied!"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn api_errors_the_sdk_cannot_prevent() {
    let sandbox = start(|_| {});
    let client = client(&sandbox);
    // -16 wrong password, worded per endpoint.
    let stranger = client.with_credentials(LOGIN, "wrong").unwrap();
    assert!(matches!(dns_pro().send(&stranger), Err(Error::Api(PlaceOrderError::AuthenticationFailed(_)))));
    match InitCustomerSession::new().order_number("1000001").send(&stranger).unwrap_err() {
        Error::Api(InitCustomerSessionError::AuthenticationFailed(e)) => {
            assert_eq!(e.message(), Some("Permission denied!"))
        }
        other => panic!("{other:?}"),
    }
    // -70 an address the SDK lets through (the documents' own "[email protected]").
    match dns_pro().email_address("[email protected]").send(&client).unwrap_err() {
        Error::Api(PlaceOrderError::InvalidEmail(e)) => assert_eq!(e.item(), Some("emailAddress")),
        other => panic!("{other:?}"),
    }
    // -4 a pricing code that is an integer but not in the catalogue.
    let unknown = dns_pro().items([PlaceOrderItem::new().ppp(1234)]);
    match unknown.send(&client).unwrap_err() {
        Error::Api(PlaceOrderError::ArgumentInvalid(e)) => assert_eq!(e.argument(), Some("2_PPP")),
        other => panic!("{other:?}"),
    }
    // -27 an order authorized twice; -15 an account without funds.
    match AutoAuthorize::new().order_number(1_000_003).send(&client).unwrap_err() {
        Error::Api(AutoAuthorizeError::OrderNotAwaitingAuthorization(e)) => assert_eq!(e.argument(), Some("1000003")),
        other => panic!("{other:?}"),
    }
    let broke = client.with_credentials("sandbox_broke", PASSWORD).unwrap();
    let placed = dns_pro().ap("brokebrand").send(&broke).unwrap();
    match AutoAuthorize::new().order_number(&placed.order_number).send(&broke).unwrap_err() {
        Error::Api(AutoAuthorizeError::NotEnoughCredit(e)) => assert_eq!(e.message(), Some("Not enough credit!")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn call_limit() {
    let sandbox = start(|c| c.api.rate_limit = Some(RateLimit { calls: 3, per: Duration::from_secs(60) }));
    let client = client(&sandbox);
    for _ in 0..3 {
        InitCustomerSession::new().order_number("1000003").send(&client).unwrap();
    }
    match InitCustomerSession::new().order_number("1000003").send(&client).unwrap_err() {
        Error::Api(InitCustomerSessionError::CallLimitReached(e)) => assert_eq!(e.code(), -42),
        other => panic!("{other:?}"),
    }
}

#[test]
fn plain_http_is_refused_with_minus_one() {
    let sandbox = start(|c| c.http_port = Some(0));
    let client = Client::builder()
        .base_url(sandbox.http_url().unwrap())
        .allow_http(true)
        .credentials(LOGIN, PASSWORD)
        .build()
        .unwrap();
    match InitCustomerSession::new().order_number("1000003").send(&client).unwrap_err() {
        Error::Api(InitCustomerSessionError::NotOverHttps(e)) => {
            assert_eq!(e.message(), Some("Request was not made over https!"))
        }
        other => panic!("{other:?}"),
    }
    match dns_pro().send(&client).unwrap_err() {
        Error::Api(PlaceOrderError::NotOverHttps(e)) => {
            assert_eq!(e.message(), Some("Request was not made over HTTPS!"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_client_one_connection_for_100_calls() {
    let sandbox = start(|_| {});
    let client = client(&sandbox);
    for _ in 0..100 {
        InitCustomerSession::new().order_number("1000003").send(&client).unwrap();
    }
    let counters = sandbox.counters();
    assert_eq!(counters.requests["!initCustomerSession"], 100);
    assert_eq!(counters.connections, 1, "{counters:?}");
}

#[test]
fn redirects_and_documented_quirks() {
    let sandbox = start(|_| {});
    let client = client(&sandbox);
    let placed = dns_pro().success_url("https://shop.example/thanks?cart=1").send(&client).unwrap();
    assert!(placed.response.raw().starts_with("https://shop.example/thanks?cart=1&errorCode=0&orderNumber="));
    match dns_pro().error_url("https://shop.example/oops").email_address("bad").send(&client).unwrap_err() {
        Error::Api(PlaceOrderError::InvalidEmail(e)) => assert_eq!(e.response().quirks(), &[sectigo::Quirk::Redirect]),
        other => panic!("{other:?}"),
    }

    let quirky = start(|c| c.api.quirks = true);
    let client = crate::client(&quirky);
    let placed = dns_pro().send(&client).unwrap();
    assert_eq!(placed.response.quirks(), &[sectigo::Quirk::ErrorCodeMissing]);
    match dns_pro().email_address("bad").send(&client).unwrap_err() {
        Error::Api(e @ PlaceOrderError::InvalidEmail(_)) => {
            assert_eq!(e.message(), Some("Invalid Email Address!"));
            assert_eq!(e.api().response().quirks(), &[sectigo::Quirk::MessageInErrorItem]);
        }
        other => panic!("{other:?}"),
    }
    let session = InitCustomerSession::new()
        .order_number("1000003")
        .response_format(ResponseFormat::UrlEncoded)
        .send(&client)
        .unwrap();
    assert_eq!(session.order_number, None);
}

#[test]
fn faults() {
    let sandbox = start(|_| {});
    let client = client(&sandbox);
    // The answer is lost after the order was placed: the SDK says so, does not resend, and the
    // order exists.
    sandbox.inject(FaultRule { fault: Fault::Close, endpoint: Some(Endpoint::PlaceOrder), remaining: Some(1) });
    let orders_before = sandbox.with_state(|s| s.orders.len());
    let err = dns_pro().send(&client).unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown(_)), "{err:?}");
    assert_eq!(sandbox.with_state(|s| s.orders.len()), orders_before + 1, "the order was placed");
    assert_eq!(sandbox.counters().requests["!PlaceOrder"], 1, "and not resent");

    sandbox.inject(FaultRule { fault: Fault::Status(503), endpoint: None, remaining: Some(2) });
    assert!(matches!(dns_pro().send(&client), Err(Error::OutcomeUnknown(o)) if o.status == Some(503)));
    assert!(matches!(
        InitCustomerSession::new().order_number("1000003").send(&client),
        Err(Error::Transport(t)) if t.status == Some(503)
    ));

    sandbox.inject(FaultRule { fault: Fault::Garbage, endpoint: Some(Endpoint::AutoAuthorize), remaining: Some(1) });
    let err = AutoAuthorize::new().order_number(1_000_010).send(&client).unwrap_err();
    assert!(
        matches!(&err, Error::OutcomeUnknown(o) if o.raw.as_deref().is_some_and(|b| b.contains("garbage"))),
        "{err:?}"
    );

    sandbox.inject(FaultRule {
        fault: Fault::Delay(Duration::from_millis(1500)),
        endpoint: Some(Endpoint::InitCustomerSession),
        remaining: Some(1),
    });
    let impatient = Client::builder()
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .credentials(LOGIN, PASSWORD)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    assert!(matches!(
        InitCustomerSession::new().order_number("1000003").send(&impatient),
        Err(Error::Transport(t)) if t.kind == sectigo::TransportErrorKind::Timeout
    ));
    // The rule was used up: calls succeed again.
    InitCustomerSession::new().order_number("1000003").send(&client).unwrap();
}

/// Sends raw HTTP to the plain listener (accepting API calls) and returns (status, headers+body).
fn raw(sandbox: &Sandbox, request: &str) -> (u16, String) {
    let url = sandbox.http_url().unwrap();
    let mut tcp = TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    tcp.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).unwrap();
    let status = answer.split(' ').nth(1).unwrap().parse().unwrap();
    (status, answer)
}

fn post(path: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn body(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").unwrap().1
}

#[test]
fn the_sandbox_catches_what_the_sdk_would_refuse() {
    let sandbox = start(|c| {
        c.http_port = Some(0);
        c.api.accept_plain_http = true;
    });
    let creds = format!("loginName={LOGIN}&loginPassword={PASSWORD}");
    let cases = [
        // -2 unknown argument, worded per endpoint.
        (
            post("/products/!AutoAuthorize", &format!("{creds}&orderNumber=1&colour=red")),
            "-2\nUnrecognised argument!\n",
        ),
        (post("/products/!initCustomerSession", &format!("{creds}&orderNumber=1&x=1")), "-2\nUnrecognized argument!\n"),
        // -3 missing, -4 invalid (too long, not a number, not an allowed value).
        (post("/products/!initCustomerSession", &creds), "-3\nThe 'orderNumber' argument is missing!\n"),
        (
            post("/products/!initCustomerSession", &format!("{creds}&orderNumber={}", "1".repeat(65))),
            "-4\nThe value of the 'orderNumber' argument is invalid!\n",
        ),
        (
            post("/products/!AutoAuthorize", &format!("{creds}&orderNumber=abc")),
            "-4\nThe value of the 'orderNumber' argument is invalid!\n",
        ),
        (
            post("/products/!AutoAuthorize", &format!("{creds}&orderNumber=1&test=maybe")),
            "-4\nThe value of the 'test' argument is invalid!\n",
        ),
        // -17 GET where POST is required.
        (
            format!(
                "GET /products/!AutoAuthorize?{creds}&orderNumber=1 HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n"
            ),
            "-17\nRequest used GET rather than POST!\n",
        ),
        // A parameter in the URL of a POST is not read: the password is "missing".
        (
            post(
                &format!("/products/!AutoAuthorize?loginPassword={PASSWORD}"),
                &format!("loginName={LOGIN}&orderNumber=1"),
            ),
            "-3\nThe 'loginPassword' argument is missing!\n",
        ),
    ];
    for (request, expected) in cases {
        let (status, answer) = raw(&sandbox, &request);
        assert_eq!((status, body(&answer)), (200, expected), "{request}");
    }
    // !PlaceOrder answers URL-encoded and names the item.
    let order = format!("{creds}&ap={BRAND}&reseller=Y&name=N&emailAddress=e%40example.com");
    let (_, a) = raw(&sandbox, &post("/products/!PlaceOrder", &order));
    assert_eq!(body(&a), "errorCode=-39&errorMessage=At+least+1+item+is+missing+from+this+order%21");
    let (_, a) = raw(&sandbox, &post("/products/!PlaceOrder", &format!("{order}&1_PPP=9974&colour=red")));
    assert_eq!(body(&a), "errorCode=-2&errorMessage=%27colour%27+is+an+unrecognized+argument%21&errorItem=colour");
    let (_, a) = raw(
        &sandbox,
        &post("/products/!PlaceOrder", &format!("{creds}&reseller=Y&name=N&emailAddress=e%40example.com&1_PPP=9974")),
    );
    assert_eq!(body(&a), "errorCode=-3&errorMessage=The+%27ap%27+argument+is+missing%21&errorItem=ap");
    // !PlaceOrder accepts GET (the documents' ordering URLs), with the underscore item form.
    let (_, a) = raw(
        &sandbox,
        &format!("GET /products/!PlaceOrder?{order}&_1_PPP=9974 HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n"),
    );
    assert!(body(&a).starts_with("errorCode=0&orderNumber="), "{a}");
    // Unknown paths are HTML pages, and names are case-insensitive.
    let (status, _) = raw(&sandbox, &post("/products/!Nothing", ""));
    assert_eq!(status, 404);
    let (_, a) = raw(
        &sandbox,
        &post(
            "/products/!autoauthorize",
            &format!("LOGINNAME={LOGIN}&loginpassword={PASSWORD}&ORDERNUMBER=1000010&Test=y"),
        ),
    );
    assert_eq!(body(&a), "0\n");
}

#[test]
fn admin_endpoints_for_other_languages() {
    let sandbox = start(|c| c.http_port = Some(0));
    let (_, a) = raw(&sandbox, &post("/_sandbox/faults", "kind=status&status=502&endpoint=!AutoAuthorize&count=1"));
    assert!(body(&a).starts_with("ok"), "{a}");
    let (status, _) = raw(&sandbox, &post("/products/!AutoAuthorize", "x=1"));
    assert_eq!(status, 502);
    let (status, a) = raw(&sandbox, &post("/_sandbox/faults", "kind=explode"));
    assert_eq!(status, 400, "{a}");
    let (_, a) = raw(&sandbox, "GET /_sandbox/counters HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n");
    let counters: serde_json::Value = serde_json::from_str(body(&a)).unwrap();
    assert_eq!(counters["requests"]["!AutoAuthorize"], 1);
    // The API call's connection; not those of the admin endpoints (the test's own).
    assert_eq!(counters["connections"], 1, "{counters}");
    let (_, a) = raw(&sandbox, "GET /_sandbox/state HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n");
    assert!(
        body(&a).contains("\"sandbox_reseller\"") && !body(&a).contains(PASSWORD),
        "passwords stay out of the state dump"
    );
}

#[test]
fn the_binary_prints_a_ready_line_and_serves() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sectigo-sandbox"))
        .args(["--port", "0", "--exit-with-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let info: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(info["event"], "ready");
    let client = Client::builder()
        .base_url(info["https_url"].as_str().unwrap())
        .add_root_certificates_file(info["ca_file"].as_str().unwrap())
        .credentials(
            info["accounts"][0]["login_name"].as_str().unwrap(),
            info["accounts"][0]["login_password"].as_str().unwrap(),
        )
        .build()
        .unwrap();
    InitCustomerSession::new().order_number("1000001").send(&client).unwrap();
    drop(child.stdin.take()); // closing stdin stops it
    let status = child.wait().unwrap();
    assert!(status.success());
}

#[test]
fn the_binary_takes_a_seed_file() {
    use std::io::BufRead;
    let bin = env!("CARGO_BIN_EXE_sectigo-sandbox");
    let printed = std::process::Command::new(bin).arg("--print-seed").output().unwrap();
    let seed = String::from_utf8(printed.stdout).unwrap().replace("sandbox_reseller", "seeded_reseller");
    let path = std::env::temp_dir().join(format!("sectigo-sandbox-seed-{}.toml", std::process::id()));
    std::fs::write(&path, seed).unwrap();
    let mut child = std::process::Command::new(bin)
        .args(["--exit-with-stdin", "--seed", path.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let info: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(info["accounts"][0]["login_name"], "seeded_reseller", "{info}");
    assert_eq!(info["orders"][0]["account"], "seeded_reseller");
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    // A seed that contradicts itself is refused with the reason.
    std::fs::write(&path, "[[order]]\nnumber = 1\naccount = \"nobody\"\nstatus = \"authorized\"\n").unwrap();
    let bad = std::process::Command::new(bin).args(["--seed", path.to_str().unwrap()]).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown account nobody"));
    std::fs::remove_file(path).unwrap();
}

/// Found by fuzzing (`cargo xtask fuzz`, target sandbox_request): a redirect target with CR LF
/// in it once ended the `Location` header early, so the rest of it became headers and body of
/// its own. Header values now hold visible ASCII only.
#[test]
fn a_redirect_target_cannot_inject_headers() {
    let sandbox = start(|c| {
        c.http_port = Some(0);
        c.api.accept_plain_http = true;
    });
    let error_url = "http://panel.example/error\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK";
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("loginName", LOGIN)
        .append_pair("loginPassword", "wrong")
        .append_pair("errorURL", error_url)
        .finish();
    let (status, answer) = raw(&sandbox, &post("/products/!PlaceOrder", &form));
    assert_eq!(status, 302, "{answer}");
    let (head, rest) = answer.split_once("\r\n\r\n").unwrap();
    assert_eq!(rest, "", "nothing after the head: {answer:?}");
    let location = head.lines().find_map(|l| l.strip_prefix("Location: ")).unwrap();
    assert!(location.starts_with("http://panel.example/error%0D%0AContent-Length:%200"), "{location}");
    assert!(location.bytes().all(|b| b.is_ascii_graphic()), "{location:?}");
    assert_eq!(head.lines().filter(|l| l.starts_with("Content-Length:")).count(), 1, "{head}");
}
