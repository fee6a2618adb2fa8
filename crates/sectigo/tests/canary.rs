//! A password canary never shows: in `Debug` and `Display` of the builder, the client, requests,
//! answers and every kind of error, in the SDK's log records (each call, retries, unknown
//! outcomes) or in the sandbox's log of the calls it served.

use std::time::Duration;

use sectigo::{AutoAuthorize, Client, Error, InitCustomerSession, RetryPolicy, Tier2PartnerSignup, dynamic};
use sectigo_sandbox::{Config, Endpoint, Fault, FaultRule, Sandbox};

/// The account's password.
const CANARY: &str = "canary-pw-0f9e7d";
/// A wrong password, refused with -16.
const WRONG: &str = "canary-wrong-5a1c";
/// A new Tier 2 admin's password.
const ADMIN: &str = "canary-admin-c37b";

mod support;

use support::order;

#[test]
fn no_password_shows_in_debug_display_errors_or_logs() {
    support::install(log::LevelFilter::Debug);
    let sandbox = Sandbox::start(Config { log: true, ..Config::default() }).unwrap();
    sandbox.with_state(|s| s.accounts[0].login_password = CANARY.to_owned());
    let fast =
        RetryPolicy { max_retries: 2, base_delay: Duration::from_millis(2), max_delay: Duration::from_millis(10) };
    let builder = |password: &str| {
        Client::builder()
            .credentials("sandbox_reseller", password)
            .base_url(sandbox.https_url())
            .add_root_certificates_pem(sandbox.ca_pem())
            .endpoint_path("tier2_partner_signup", sandbox.signup_path())
            .retry_policy(fast)
    };
    let mut shown: Vec<String> = Vec::new();
    // (kind, Display, Debug, pretty Debug) of every error.
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    fn seen<E: std::fmt::Debug + std::fmt::Display>(e: Error<E>) -> (&'static str, String) {
        (e.kind(), format!("{e}\n{e:?}\n{e:#?}"))
    }

    shown.push(format!("{:?}", builder(CANARY)));
    let client = builder(CANARY).build().unwrap();
    shown.push(format!("{client:?}"));

    // Successful calls, their requests and answers; one after a -42 (a retry record).
    shown.push(format!("{:?}", order()));
    let placed = order().send(&client).unwrap();
    shown.push(format!("{placed:?}"));
    let number: i64 = placed.order_number.parse().unwrap();
    shown.push(format!("{:?}", AutoAuthorize::new().order_number(number).send(&client).unwrap()));
    sandbox.inject(FaultRule {
        fault: Fault::RateLimited,
        endpoint: Some(Endpoint::InitCustomerSession),
        remaining: Some(1),
    });
    let session = InitCustomerSession::new().order_number(placed.order_number.clone()).send(&client).unwrap();
    assert_eq!(session.response.retries(), 1);
    shown.push(format!("{session:?}"));
    let signup = Tier2PartnerSignup::new()
        .ap("sandboxbrand")
        .partner_type(sectigo::PartnerType::Reseller)
        .brand_name("Canary Hosting")
        .company_website("https://canary.example")
        .organization_name("Canary Hosting Ltd")
        .street_address1("1 Canary Wharf")
        .street_address2("Floor 2")
        .street_address3("Desk 3")
        .locality_name("London")
        .state_or_province_name("London")
        .postal_code("E14")
        .country_name("GB")
        .admin_email_address("admin@canary.example")
        .admin_telephone_number("1")
        .admin_login_name(format!("canary_admin_{}", std::process::id()))
        .admin_login_password(ADMIN);
    shown.push(format!("{signup:?}"));
    shown.push(format!("{:?}", signup.send(&client).unwrap_or_else(|e| panic!("{e}"))));
    let dynamic =
        dynamic::Request::new("!AutoAuthorize").unwrap().with("orderNumber", "1").with("loginPassword", CANARY);
    shown.push(format!("{dynamic:?}"));

    // Every kind of error.
    let too_long = CANARY.repeat(10);
    errors.push(seen(order().send(&builder(&too_long).build().unwrap()).unwrap_err()));
    errors.push(seen(order().send(&builder(WRONG).build().unwrap()).unwrap_err()));
    sandbox.inject(FaultRule { fault: Fault::Close, endpoint: Some(Endpoint::PlaceOrder), remaining: Some(1) });
    errors.push(seen(order().send(&client).unwrap_err()));
    sandbox.inject(FaultRule { fault: Fault::Status(503), endpoint: Some(Endpoint::PlaceOrder), remaining: Some(1) });
    errors.push(seen(order().send(&client).unwrap_err()));
    sandbox.inject(FaultRule {
        fault: Fault::Garbage,
        endpoint: Some(Endpoint::InitCustomerSession),
        remaining: Some(1),
    });
    errors.push(seen(InitCustomerSession::new().order_number("1000003").send(&client).unwrap_err()));
    sandbox.inject(FaultRule { fault: Fault::RateLimited, endpoint: Some(Endpoint::PlaceOrder), remaining: Some(3) });
    errors.push(seen(order().send(&client).unwrap_err()));
    let nowhere = builder(CANARY).base_url("https://127.0.0.1:1").build().unwrap();
    errors.push(seen(order().send(&nowhere).unwrap_err()));
    let kinds: Vec<&str> = errors.iter().map(|(kind, _)| *kind).collect();
    for kind in ["validation", "api", "outcome_unknown", "decode", "transport"] {
        assert!(kinds.contains(&kind), "no {kind} error among {kinds:?}");
    }
    shown.extend(errors.into_iter().map(|(_, text)| text));

    let (sdk, served) = (support::records("sectigo"), support::records("sectigo_sandbox"));
    assert!(sdk.len() >= 4, "retries were logged: {sdk:?}");
    // One record per call, once it is over: its outcome, duration, errorCode and retries.
    let placed_record = sdk.iter().find(|r| r.starts_with("!PlaceOrder: ok in ")).expect("a record of the order");
    assert!(placed_record.contains("(errorCode 0, retries 0)"), "{placed_record}");
    assert!(
        sdk.iter().any(|r| r.starts_with("!PlaceOrder: api error in ") && r.contains("(errorCode -16, retries 0)")),
        "{sdk:?}"
    );
    assert!(
        sdk.iter().any(|r| r.starts_with("!PlaceOrder: api error in ") && r.contains("(errorCode -42, retries 2)")),
        "{sdk:?}"
    );
    assert!(
        sdk.iter().any(|r| r.starts_with("!PlaceOrder: outcome unknown after ") && r.contains("not sent again")),
        "{sdk:?}"
    );
    assert!(
        sdk.iter()
            .any(|r| r.starts_with("!PlaceOrder: transport error in ") && r.contains("(errorCode none, retries 2)")),
        "{sdk:?}"
    );
    assert!(served.iter().any(|r| r.contains("loginPassword=<redacted>")), "{served:?}");
    assert!(served.iter().any(|r| r.contains("adminLoginPassword=<redacted>")), "{served:?}");
    assert!(served.iter().any(|r| r.contains("errorCode -16")), "{served:?}");
    for text in shown.iter().chain(&sdk).chain(&served) {
        for canary in [CANARY, WRONG, ADMIN] {
            assert!(!text.contains(canary), "{canary} shown in: {text}");
        }
    }
}
