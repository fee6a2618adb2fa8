//! The generated typed API: builders, catalogue, validation of every rule kind, redaction.

mod common;

use sectigo::{
    AutoAuthorize, BusinessCategory, Client, Error, InitCustomerSession, OfferCode, PartnerType, PlaceOrder,
    PlaceOrderItem, ResponseFormat, Term, Tier2PartnerSignup, Visibility, WebProduct,
};

/// A client that must never be reached: validation and configuration errors come first.
fn unreachable_client() -> Client {
    Client::builder()
        .base_url("http://127.0.0.1:9")
        .allow_http(true)
        .credentials("login_name", "hunter2-secret")
        .build()
        .unwrap()
}

fn violations<E: std::fmt::Debug>(result: Result<sectigo::Form, Error<E>>) -> Vec<(String, &'static str)> {
    match result {
        Err(Error::Validation(v)) => v.iter().map(|v| (v.param.clone(), v.kind.rule())).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn dns_pro_order() -> PlaceOrder {
    PlaceOrder::new()
        .ap("reseller_brand_name")
        .reseller(true)
        .is_returning_customer(false)
        .fore_name("John")
        .sur_name("Doe")
        .email_address("[email protected]")
        .item(PlaceOrderItem::product(WebProduct::WebDnsPro, Term::Year1).unwrap())
}

#[test]
fn catalogue_gives_ppp_without_magic_numbers() {
    assert_eq!(WebProduct::WebDnsPro.ppp(Term::Year1), Some(9974));
    assert_eq!(WebProduct::WebMonitor.ppp(Term::Days30), Some(9675));
    assert_eq!(WebProduct::WebCompletePartner.ppp(Term::Year5), Some(9740));
    assert_eq!(WebProduct::from_ppp(9892), Some((WebProduct::WebOneTimeRemediate, Term::Year1)));
    assert_eq!(WebProduct::from_ppp(1), None);
    assert_eq!(WebProduct::WebOneTimeRemediate.terms(), &[Term::Year1]);
    let err = PlaceOrderItem::product(WebProduct::WebOneTimeRemediate, Term::Days30).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Sectigo Web One Time Remediate is not sold for a 30-day term (it is sold for: 1-year)"
    );
    // Every product and term of the documents: 8 products x 8 terms + 1.
    let codes: usize = WebProduct::ALL.iter().map(|p| p.terms().len()).sum();
    assert_eq!(codes, 65);
    assert_eq!(sectigo::spec_data::CATALOGUE.len(), 65);
    assert_eq!(Term::from_label("1-YEAR"), Some(Term::Year1));
    assert!(WebProduct::ALL.iter().all(|p| p.requires() == ["emailAddress"]));
}

#[test]
fn typed_request_encodes_like_the_documents_sample() {
    let client = unreachable_client().with_credentials("login_name", "login_password").unwrap();
    let form = dns_pro_order().prepare(&client).unwrap();
    // Same body as the vector `place_order.toml / doc-sample-request`.
    assert_eq!(
        form.encode(),
        "ap=reseller_brand_name&reseller=Y&isReturningCustomer=N&foreName=John&surName=Doe&emailAddress=%5Bemail+protected%5D&loginName=login_name&loginPassword=login_password&1_PPP=9974"
    );
}

#[test]
fn enums_flags_and_items_reach_the_wire() {
    let client = unreachable_client();
    let form = PlaceOrder::new()
        .ap("b")
        .reseller(false)
        .offer_code(OfferCode::EvSslPreregistrationOffer)
        .business_category(BusinessCategory::Government)
        .country_name("GB")
        .name("n")
        .email_address("e@example.com")
        .item(PlaceOrderItem::new().id(77).visibility(Visibility::Invisible).days(30).extra("MACAddress", "00:11"))
        .item(PlaceOrderItem::product(WebProduct::WebMonitor, Term::Year2).unwrap().seats(5))
        .prepare(&client)
        .unwrap();
    let pairs: Vec<(&str, &str)> = form.pairs().iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    for expected in [
        ("reseller", "N"),
        ("offerCode", "EVSSLPREREGISTRATIONOFFER"),
        ("BusinessCategory", "c"),
        ("countryName", "GB"),
        ("1_ID", "77"),
        ("1_visibility", "0"),
        ("1_days", "30"),
        ("1_MACAddress", "00:11"),
        ("2_PPP", "9601"),
        ("2_seats", "5"),
        ("loginName", "login_name"),
    ] {
        assert!(pairs.contains(&expected), "{expected:?} missing from {pairs:?}");
    }
    assert_eq!(ResponseFormat::from_wire("1"), Some(ResponseFormat::UrlEncoded));
    assert_eq!(PartnerType::WebHostReseller.as_str(), "30");
}

#[test]
fn every_violation_is_reported_at_once_before_any_io() {
    let client = unreachable_client();
    let got = violations(
        PlaceOrder::new()
            .ap("a".repeat(65))
            .fore_name("John")
            .country_name("USA")
            .item(PlaceOrderItem::new().days(30))
            .prepare(&client),
    );
    assert_eq!(
        got,
        vec![
            ("ap".to_owned(), "max_length"),
            ("countryName".to_owned(), "max_length"),
            ("countryName".to_owned(), "country_code"),
            ("reseller".to_owned(), "required"),
            ("emailAddress".to_owned(), "required"),
            ("1_ID|1_PPP".to_owned(), "item_one_of"),
        ]
    );
    // send() refuses the same way, without touching the (unreachable) network.
    let err = PlaceOrder::new().send(&client).unwrap_err();
    assert_eq!(err.kind(), "validation");
    assert!(!err.outcome_unknown());
}

#[test]
fn lengths_count_characters_at_and_across_the_boundary() {
    let client = unreachable_client();
    for (name, ok) in
        [("é".repeat(64), true), ("é".repeat(65), false), ("😀".repeat(64), true), ("a".repeat(65), false)]
    {
        let result = InitCustomerSession::new().login_name(name.clone()).order_number("1").prepare(&client);
        assert_eq!(result.is_ok(), ok, "{} characters, {} bytes", name.chars().count(), name.len());
    }
    // 128-character passwords pass, 129 fail; neither the password nor its length is told.
    let long = "p".repeat(129);
    let err = InitCustomerSession::new().login_password(long.clone()).order_number("1").prepare(&client).unwrap_err();
    let text = err.to_string();
    assert!(text.ends_with("`loginPassword` may be at most 128 characters long"), "{text}");
    assert!(!text.contains("129") && !format!("{err:?}").contains(&long) && !format!("{err:?}").contains("129"));
    assert!(InitCustomerSession::new().login_password("p".repeat(128)).order_number("1").prepare(&client).is_ok());
}

#[test]
fn conditional_rules_of_the_signup() {
    let client = unreachable_client();
    let base = common::minimal_signup;
    assert!(base().partner_type(PartnerType::EPki).prepare(&client).is_ok());
    assert!(base().partner_type(PartnerType::Reseller).brand_name("B").prepare(&client).is_ok());
    assert!(base().partner_type(PartnerType::WebHostReseller).enable_auto_apply(true).prepare(&client).is_ok());
    assert_eq!(
        violations(base().partner_type(PartnerType::Reseller).enable_auto_apply(true).prepare(&client)),
        vec![("brandName".to_owned(), "required_when"), ("enableAutoApply".to_owned(), "only_when")]
    );
    assert_eq!(
        violations(base().partner_type(PartnerType::WebHostReseller).brand_name("B").prepare(&client)),
        vec![("brandName".to_owned(), "only_when")]
    );
    // One org user parameter makes the group's starred ones required; an empty value counts as
    // not given.
    let got =
        violations(base().partner_type(PartnerType::EPki).org_forename("Ann").org_email_address("").prepare(&client));
    assert_eq!(got, vec![("orgEmailAddress".to_owned(), "group"), ("orgTelephoneNumber".to_owned(), "group")]);
    // The signup takes no loginName: the client's credentials are not sent.
    let form = base().partner_type(PartnerType::EPki).prepare(&client).unwrap();
    assert!(form.get("loginName").is_none() && form.get("loginPassword").is_none());
}

#[test]
fn secrets_never_show() {
    let client = unreachable_client();
    let debug = format!("{client:?}");
    assert!(debug.contains("login_name") && !debug.contains("hunter2"), "{debug}");
    let builder = Client::builder().credentials("me", "hunter2-secret");
    assert!(!format!("{builder:?}").contains("hunter2"));

    let order = dns_pro_order().login_password("hunter2-secret");
    assert!(!format!("{order:?}").contains("hunter2"));
    let form = order.prepare(&client).unwrap();
    assert!(!format!("{form:?}").contains("hunter2"));
    assert!(form.redacted().iter().any(|(n, v)| n == "loginPassword" && v == "<redacted>"));
    assert!(form.encode().contains("hunter2"), "the body itself carries the password");

    let signup = Tier2PartnerSignup::new().admin_login_password("hunter2-secret");
    assert!(!format!("{signup:?}").contains("hunter2"));

    // The name-keyed request too, including a misspelt password parameter.
    let mut keyed = sectigo::dynamic::Request::new("!AutoAuthorize").unwrap();
    keyed.set("loginPassword", "hunter2-secret").set("loginPasword", "hunter2-typo").set("orderNumber", "1");
    let shown = format!("{keyed:?}");
    assert!(!shown.contains("hunter2") && shown.contains("orderNumber"), "{shown}");

    // Session handles stay out of Debug output of answers.
    let answer = sectigo::wire::decode(
        &sectigo::spec_data::INIT_CUSTOMER_SESSION,
        &[],
        sectigo::wire::RawResponse { status: 200, location: None, body: b"0\nSESSION-HANDLE-1\n42".to_vec() },
    )
    .unwrap();
    let typed = sectigo::InitCustomerSessionResponse::from_response(answer.clone()).unwrap();
    assert_eq!(typed.sid, "SESSION-HANDLE-1");
    assert!(!format!("{answer:?} {typed:?}").contains("SESSION-HANDLE"), "{typed:?}");
}

#[test]
fn signup_without_a_configured_path_says_how_to_set_it() {
    let client = unreachable_client();
    let err = Tier2PartnerSignup::new().send(&client).unwrap_err();
    let Error::Config(e) = &err else { panic!("expected a configuration error, got {err:?}") };
    assert!(e.message().contains("not stated in Sectigo's documents"), "{e}");
    assert!(e.message().contains("endpoint_path(\"tier2_partner_signup\""), "{e}");
    assert!(sectigo::spec_data::TIER2_PARTNER_SIGNUP.path.is_none());

    let configured = Client::builder()
        .base_url("http://127.0.0.1:9")
        .allow_http(true)
        .endpoint_path("tier2_partner_signup", "/products/!Signup")
        .build()
        .unwrap();
    let url = configured.url(&sectigo::spec_data::TIER2_PARTNER_SIGNUP).unwrap();
    assert_eq!(url, "http://127.0.0.1:9/products/!Signup");
}

#[test]
fn client_builder_rejects_bad_settings() {
    let err = Client::builder().base_url("http://example.com").build().unwrap_err();
    assert!(err.message().contains("plain HTTP"), "{err}");
    assert!(Client::builder().base_url("ftp://example.com").build().is_err());
    assert!(Client::builder().base_url("https://example.com/products").build().is_err());
    let userinfo = Client::builder().base_url("https://me:hunter2@example.com").build().unwrap_err();
    assert!(!userinfo.message().contains("hunter2"), "{userinfo}");
    assert!(Client::builder().endpoint_path("!Nope", "/x").build().unwrap_err().message().contains("no endpoint"));
    assert!(Client::builder().endpoint_path("!PlaceOrder", "x").build().is_err());
    let pem = Client::builder().add_root_certificates_pem("not a certificate").build().unwrap_err();
    assert!(pem.message().contains("no certificate"), "{pem}");
    let missing = Client::builder().add_root_certificates_file("/nonexistent/ca.pem").build().unwrap_err();
    assert!(missing.message().starts_with("ca_file: cannot read /nonexistent/ca.pem"), "{missing}");
    assert_eq!(Client::builder().build().unwrap().base_url(), "https://secure.trust-provider.com");
    assert_eq!(Client::builder().host(sectigo::Host::Legacy).build().unwrap().base_url(), "https://secure.sectigo.com");
}

#[test]
fn name_keyed_requests_follow_the_same_rules() {
    let mut request = sectigo::dynamic::Request::new("autoauthorize").unwrap();
    request.set("ORDERNUMBER", "12").set("test", "y");
    let err = request.prepare().unwrap_err();
    assert!(err.concerns("loginName") && err.concerns("loginPassword"), "{err}");
    let err = request.send(&unreachable_client()).map(|_| ()).unwrap_err();
    // With the client's credentials the request is valid, so it fails only on the network, and
    // as nothing was sent (connection refused), even this state-changing call is not "unknown".
    assert_eq!(err.kind(), "transport", "{err}");
    assert!(sectigo::dynamic::Request::new("!NoSuchEndpoint").is_err());
    // Typed and name-keyed produce identical bodies.
    let typed = AutoAuthorize::new().order_number(12).test(true).prepare(&unreachable_client()).unwrap();
    let keyed = unreachable_client().prepare(request.endpoint(), [("ORDERNUMBER", "12"), ("test", "y")]).unwrap();
    assert_eq!(typed.encode(), keyed.encode());
}

#[test]
fn page_urls() {
    assert_eq!(
        sectigo::pages::sasp_post_payment_url("ab&c", "123"),
        "https://secure.sectigo.com/products/postPayment1a?SID=ab%26c&orderNumber=123"
    );
    assert_eq!(
        sectigo::pages::validation_manager_url("https://vm.example/x?s={SID}&o={orderNumber}", "S 1", "9").unwrap(),
        "https://vm.example/x?s=S+1&o=9"
    );
    assert!(sectigo::pages::validation_manager_url("https://vm.example/", "S", "9").is_err());
}

#[test]
fn client_and_errors_cross_threads() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Client>();
    send_sync::<Error<sectigo::PlaceOrderError>>();
    send_sync::<sectigo::Form>();
}

#[test]
fn hostile_sizes_are_bounded() {
    // Far more parameters than any request needs: refused at once, whatever they are.
    let many: Vec<(String, String)> = (1..=5000).map(|i| (format!("{i}_PPP"), "9974".to_owned())).collect();
    let started = std::time::Instant::now();
    let err = sectigo::validate::prepare(&sectigo::spec_data::PLACE_ORDER, many, None).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert_eq!(err.iter().map(|v| v.kind.rule()).collect::<Vec<_>>(), ["too_many"]);
    // Just under the limit still validates item by item, quickly.
    let items: Vec<(String, String)> = (1..=999).map(|i| (format!("{i}_PPP"), "9974".to_owned())).collect();
    let started = std::time::Instant::now();
    let err = sectigo::validate::prepare(&sectigo::spec_data::PLACE_ORDER, items, None).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
    assert!(err.concerns("ap") && !err.concerns("1_PPP"));

    // A newline answer with more lines than any field names: the extra lines keep their numbers.
    let body: String =
        std::iter::once("0".to_owned()).chain((2..=300).map(|n| format!("v{n}"))).collect::<Vec<_>>().join("\n");
    let answer = sectigo::wire::decode(
        &sectigo::spec_data::AUTO_AUTHORIZE,
        &[],
        sectigo::wire::RawResponse { status: 200, location: None, body: body.into_bytes() },
    )
    .unwrap();
    assert_eq!(answer.get("slUserID"), Some("v2"));
    assert_eq!(answer.get("line258"), Some("v258"));
    assert_eq!(answer.fields().iter().filter(|(n, _)| n == "errorCode").count(), 1);
}

/// An order number goes in as an integer or as text (the text a result gives, unchanged), and
/// a malformed one is refused before anything is sent.
#[test]
fn order_numbers_go_in_as_integers_or_text() {
    let client = unreachable_client();
    let placed_number: String = "1000003".to_owned();
    for authorize in [
        AutoAuthorize::new().order_number(1000003),
        AutoAuthorize::new().order_number(1000003_u64),
        AutoAuthorize::new().order_number("1000003"),
        AutoAuthorize::new().order_number(&placed_number),
        AutoAuthorize::new().order_number(placed_number.clone()),
    ] {
        let form = authorize.prepare(&client).unwrap();
        assert!(form.encode().contains("orderNumber=1000003"), "{:?}", form.redacted());
    }
    let session = InitCustomerSession::new().order_number(1000003).prepare(&client).unwrap();
    assert!(session.encode().contains("orderNumber=1000003"));
    assert_eq!(
        violations(AutoAuthorize::new().order_number("10000O3").prepare(&client)),
        [("orderNumber".to_owned(), "integer")]
    );
}
