//! Raw calls (`Client::call_raw`) against the sandbox's programmed answers: what is sent, both
//! text formats, a binary body byte for byte, API errors, the money rule on a lost answer, the
//! read rules, and the paths refused before anything is sent.

use std::time::Duration;

use sectigo::meta::WireFormat;
use sectigo::{Client, Error, RawOptions, RetryPolicy, TransportErrorKind};
use sectigo_sandbox::{AnswerRule, Config, Sandbox};

mod support;

const COLLECT: &str = "/products/download/CollectSSL";
const PASSWORD: &str = "raw-canary-93b1";

fn sandbox() -> Sandbox {
    let sandbox = Sandbox::start(Config::default()).unwrap();
    sandbox.with_state(|s| s.accounts[0].login_password = PASSWORD.to_owned());
    sandbox
}

fn client(sandbox: &Sandbox) -> sectigo::ClientBuilder {
    Client::builder()
        .credentials("sandbox_reseller", PASSWORD)
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .retry_policy(RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
        })
}

fn seen(sandbox: &Sandbox, path: &str) -> u64 {
    sandbox.counters().requests.get(path).copied().unwrap_or(0)
}

fn read_only() -> RawOptions {
    RawOptions::new().read_only(true)
}

#[test]
fn credentials_then_the_parameters_as_given_in_a_post_body() {
    let sandbox = sandbox();
    sandbox.program(AnswerRule::new(COLLECT, "0\n1\nIssued\n"));
    let client = client(&sandbox).build().unwrap();
    let answer = client
        .call_raw(COLLECT, [("orderNumber", "1234567"), ("queryType", "0"), ("note", "a&b=c d")], read_only())
        .unwrap();
    assert_eq!((answer.status(), answer.content_type()), (200, Some("text/plain")));
    assert_eq!((answer.format(), answer.code(), answer.message()), (Some(WireFormat::Newline), Some(0), None));
    assert_eq!(answer.lines(), ["1", "Issued"]);
    assert_eq!(answer.body(), b"0\n1\nIssued\n");
    let answered = sandbox.answered();
    assert_eq!(answered.len(), 1);
    assert_eq!((answered[0].method.as_str(), answered[0].path.as_str()), ("POST", COLLECT));
    let names: Vec<(&str, &str)> = answered[0].params.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    assert_eq!(
        names,
        [
            ("loginName", "sandbox_reseller"),
            ("loginPassword", "<redacted>"),
            ("orderNumber", "1234567"),
            ("queryType", "0"),
            ("note", "a&b=c d")
        ]
    );

    let bare = client.call_raw(COLLECT, [("x", "1")], RawOptions::new().credentials(false)).unwrap();
    assert_eq!(bare.code(), Some(0));
    assert_eq!(sandbox.answered()[1].params, [("x".to_owned(), "1".to_owned())]);
}

#[test]
fn url_encoded_answers_are_read_as_pairs() {
    let sandbox = sandbox();
    let body = "errorCode=0&certificateStatus=Issued&validFrom=2026-01-01&note=a%26b";
    sandbox.program(AnswerRule::new("/products/!GetStatus", body));
    let answer = client(&sandbox).build().unwrap().call_raw("/products/!GetStatus", [("a", "1")], read_only()).unwrap();
    assert_eq!((answer.format(), answer.code()), (Some(WireFormat::UrlEncoded), Some(0)));
    assert_eq!(answer.get("CERTIFICATESTATUS"), Some("Issued"));
    assert_eq!(answer.get("note"), Some("a&b"));
    assert_eq!(answer.fields().len(), 4);
    assert!(answer.lines().is_empty());
}

#[test]
fn a_binary_body_comes_back_byte_for_byte() {
    let sandbox = sandbox();
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend((0..=255u8).cycle().take(70_000));
    let mut rule = AnswerRule::new(COLLECT, zip.clone());
    rule.content_type = "application/zip".to_owned();
    sandbox.program(rule);
    let answer = client(&sandbox)
        .build()
        .unwrap()
        .call_raw(COLLECT, [("orderNumber", "1"), ("queryType", "1"), ("responseType", "0")], read_only())
        .unwrap();
    assert_eq!(answer.content_type(), Some("application/zip"));
    assert_eq!((answer.code(), answer.format(), answer.text()), (None, None, None));
    assert_eq!(answer.into_body(), zip);
}

#[test]
fn a_negative_code_is_the_same_api_error_as_spec_endpoints() {
    let sandbox = sandbox();
    sandbox.program(AnswerRule::new(COLLECT, "-3\nThe 'orderNumber' argument is missing!\n"));
    let client = client(&sandbox).build().unwrap();
    let Err(Error::Api(api)) = client.call_raw(COLLECT, [("queryType", "0")], read_only()) else { panic!() };
    assert_eq!(
        (api.code(), api.message(), api.argument()),
        (-3, Some("The 'orderNumber' argument is missing!"), Some("orderNumber"))
    );
    assert_eq!((api.path(), api.documented().map(|r| r.id)), (Some(COLLECT), Some("argument_missing")));
    assert_eq!(api.raw(), "-3\nThe 'orderNumber' argument is missing!\n");
    assert!(api.to_string().starts_with("/products/download/CollectSSL failed with error -3"), "{api}");

    sandbox.clear_answers();
    sandbox.program(AnswerRule::new(COLLECT, "errorCode=-1234&errorMessage=Something+new"));
    let Err(Error::Api(api)) = client.call_raw(COLLECT, [("queryType", "0")], RawOptions::new()) else { panic!() };
    assert_eq!((api.code(), api.message(), api.documented().is_none()), (-1234, Some("Something new"), true));
    assert_eq!(seen(&sandbox, COLLECT), 2, "an API error is not sent again");
}

#[test]
fn call_limit_is_retried_on_any_path() {
    let sandbox = sandbox();
    let mut limited = AnswerRule::new(COLLECT, "-42\nCall limit reached! Please try again later.\n");
    limited.remaining = Some(1);
    sandbox.program(limited);
    sandbox.program(AnswerRule::new(COLLECT, "0\nplaced\n"));
    let answer = client(&sandbox).build().unwrap().call_raw(COLLECT, [("a", "1")], RawOptions::new()).unwrap();
    assert_eq!((answer.code(), answer.retries()), (Some(0), 1));
    assert_eq!(seen(&sandbox, COLLECT), 2);
}

#[test]
fn a_lost_answer_to_a_state_changing_call_is_outcome_unknown_and_not_resent() {
    let sandbox = sandbox();
    let mut close = AnswerRule::new("/products/!AutoApplySSL", "");
    close.close = true;
    sandbox.program(close);
    let client = client(&sandbox).build().unwrap();
    let e = client
        .call_raw(
            "/products/!AutoApplySSL",
            [("csr", "-----BEGIN..."), ("apiToken", "tok-secret-1")],
            RawOptions::new(),
        )
        .unwrap_err();
    let Error::OutcomeUnknown(lost) = &e else { panic!("{e:?}") };
    assert_eq!((lost.endpoint.as_ref(), lost.retries), ("/products/!AutoApplySSL", 0));
    assert_eq!(seen(&sandbox, "/products/!AutoApplySSL"), 1, "never resent");
    let shown = format!("{e} {e:?}");
    for secret in [PASSWORD, "tok-secret-1"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(lost.request.iter().any(|(n, v)| n == "csr" && v == "-----BEGIN..."));
    assert!(lost.request.iter().any(|(n, v)| n == "apiToken" && v == "<redacted>"));

    // A 5xx without an answer may come after the server acted; a 4xx is a refusal.
    for (status, unknown) in [(500, true), (502, true), (408, true), (404, false), (403, false)] {
        sandbox.clear_answers();
        let mut rule = AnswerRule::new("/products/!AutoApplySSL", "<html>oops</html>");
        rule.status = status;
        sandbox.program(rule);
        let e = client.call_raw("/products/!AutoApplySSL", [("a", "1")], RawOptions::new()).unwrap_err();
        match e {
            Error::OutcomeUnknown(o) if unknown => assert_eq!(o.status, Some(status)),
            Error::Transport(t) if !unknown => {
                assert_eq!((t.kind, t.status, t.not_sent), (TransportErrorKind::Status, Some(status), false));
                assert_eq!(t.raw.as_deref(), Some("<html>oops</html>"));
            }
            other => panic!("{status}: {other:?}"),
        }
    }
}

#[test]
fn a_broken_answer_to_a_read_only_call_is_sent_again() {
    let sandbox = sandbox();
    let mut close = AnswerRule::new(COLLECT, "");
    close.close = true;
    close.remaining = Some(1);
    sandbox.program(close);
    sandbox.program(AnswerRule::new(COLLECT, "0\n2\n"));
    let answer = client(&sandbox).build().unwrap().call_raw(COLLECT, [("queryType", "0")], read_only()).unwrap();
    assert_eq!((answer.code(), answer.retries(), answer.lines()), (Some(0), 1, &["2".to_owned()][..]));
    assert_eq!(seen(&sandbox, COLLECT), 2);
}

#[test]
fn a_time_limit_is_a_transport_error_when_read_only_and_outcome_unknown_otherwise() {
    let sandbox = sandbox();
    let mut slow = AnswerRule::new(COLLECT, "0\n");
    slow.delay = Duration::from_millis(600);
    sandbox.program(slow);
    let client =
        client(&sandbox).timeout(Duration::from_millis(300)).retry_policy(RetryPolicy::none()).build().unwrap();
    let Err(Error::Transport(t)) = client.call_raw(COLLECT, [("a", "1")], read_only()) else { panic!() };
    assert_eq!((t.kind, t.not_sent), (TransportErrorKind::Timeout, false));
    let e = client.call_raw(COLLECT, [("a", "1")], RawOptions::new()).unwrap_err();
    assert!(matches!(e, Error::OutcomeUnknown(_)), "{e:?}");
}

#[test]
fn refused_paths_and_names_send_nothing() {
    let sandbox = sandbox();
    let client = client(&sandbox).build().unwrap();
    let before = sandbox.counters().connections;
    for path in [
        "https://example.com/products/x",
        "//example.com/products/x",
        "products/x",
        "/products/../x",
        "/products/%2E%2E/x",
        "/products/x?orderNumber=1",
        "/products/x#f",
        "/products/x\r\nHost: other",
        "/products/x y",
    ] {
        let e = client.call_raw(path, [("a", "1")], RawOptions::new()).unwrap_err();
        assert!(matches!(&e, Error::Config(c) if c.message().contains("raw call path")), "{path}: {e:?}");
    }
    for name in ["", "a=b", "a&b", "a\n"] {
        let e = client.call_raw(COLLECT, [(name, "1")], RawOptions::new()).unwrap_err();
        assert!(matches!(&e, Error::Config(c) if c.message().contains("parameter name")), "{name:?}: {e:?}");
    }
    let e = client.call_raw(COLLECT, [("loginPassword", "x")], RawOptions::new()).unwrap_err();
    assert!(matches!(&e, Error::Config(_)), "{e:?}");
    assert_eq!(sandbox.counters().connections, before, "nothing was sent");
}

#[test]
fn a_raw_call_is_logged_without_its_secrets() {
    support::install(log::LevelFilter::Debug);
    let sandbox = sandbox();
    sandbox.program(AnswerRule::new(COLLECT, "-7\nno\n"));
    let client = client(&sandbox).build().unwrap();
    let _ = client.call_raw(COLLECT, [("privateKey", "pk-secret-77")], RawOptions::new());
    let records = support::records("sectigo").join("\n");
    assert!(records.contains("/products/download/CollectSSL: api error"), "{records}");
    assert!(!records.contains("pk-secret-77") && !records.contains(PASSWORD), "{records}");
}

#[test]
fn an_answer_over_the_limit_is_refused_and_not_fetched_again() {
    let sandbox = sandbox();
    sandbox.program(AnswerRule::new(COLLECT, vec![b'x'; 1024 * 1024 + 1]));
    let Err(Error::Transport(t)) = client(&sandbox).build().unwrap().call_raw(COLLECT, [("a", "1")], read_only())
    else {
        panic!()
    };
    assert_eq!((t.kind, t.retries), (TransportErrorKind::Other, 0));
    assert!(t.detail.contains("larger than 1048576 bytes"), "{}", t.detail);
    assert_eq!(seen(&sandbox, COLLECT), 1);
}
