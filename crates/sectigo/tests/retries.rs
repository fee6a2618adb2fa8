//! Retries against the sandbox: only what is provably safe is sent again, after a backoff, and
//! no order is ever placed twice or lost.

use std::time::Duration;

use sectigo::{Client, Error, RetryPolicy};
use sectigo_sandbox::{Config, Endpoint, Fault, FaultRule, RateLimit, Sandbox};

mod support;

use support::order;

#[test]
fn hundreds_of_orders_under_random_faults_are_never_duplicated_or_lost() {
    support::install(log::LevelFilter::Warn);
    let mut config = Config::default();
    config.api.rate_limit = Some(RateLimit { calls: 15, per: Duration::from_millis(300) });
    let sandbox = Sandbox::start(config).unwrap();
    let password = "retry-canary-4c2e";
    sandbox.with_state(|s| s.accounts[0].login_password = password.to_owned());
    let policy =
        RetryPolicy { max_retries: 4, base_delay: Duration::from_millis(40), max_delay: Duration::from_millis(400) };
    let client = Client::builder()
        .credentials("sandbox_reseller", password)
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .retry_policy(policy)
        .build()
        .unwrap();
    let before = sandbox.with_state(|s| s.orders.len());
    fastrand::seed(7);
    let (mut placed, mut unknown, mut limited, mut sends) = (0usize, 0usize, 0usize, 0u64);
    for _ in 0..300 {
        let fault = match fastrand::u8(0..10) {
            0 => Some(Fault::Close),
            1 => Some(Fault::Status(503)),
            2 => Some(Fault::Garbage),
            3 => Some(Fault::Delay(Duration::from_millis(5))),
            _ => None,
        };
        if let Some(fault) = fault {
            sandbox.inject(FaultRule { fault, endpoint: Some(Endpoint::PlaceOrder), remaining: Some(1) });
        }
        match order().send(&client) {
            Ok(done) => {
                placed += 1;
                sends += 1 + u64::from(done.response.retries());
            }
            Err(e) => {
                sends += 1 + u64::from(e.retries());
                if e.may_have_taken_effect() {
                    unknown += 1;
                    assert!(!e.retry_safe());
                } else if e.is_rate_limited() {
                    // Still refused after every retry the policy allows (or the deadline).
                    limited += 1;
                    assert!(e.retries() == policy.max_retries || e.retries() > 0, "{e}");
                } else {
                    panic!("unexpected failure: {e}");
                }
                assert!(!format!("{e} {e:?}").contains(password));
            }
        }
        sandbox.clear_faults();
    }
    let created = sandbox.with_state(|s| s.orders.len()) - before;
    assert!(created >= placed, "every order reported placed exists: {created} < {placed}");
    assert!(created <= placed + unknown, "no order beyond those placed or unknown: {created} > {placed} + {unknown}");
    // Nothing was sent more often than the retries counted: a lost answer was never resent.
    assert_eq!(sandbox.counters().requests["!PlaceOrder"], sends);
    let records = support::records("sectigo");
    let rate_limited: Vec<&String> = records.iter().filter(|r| r.contains("(rate_limited:")).collect();
    assert!(!rate_limited.is_empty(), "the limit was hit and retried");
    for r in &rate_limited {
        let ms: u64 =
            r.split("sending it again in ").nth(1).and_then(|t| t.split(' ').next()).unwrap().parse().unwrap();
        assert!(ms >= 4, "a backoff before every retry: {r}");
    }
    assert!(records.iter().all(|r| !r.contains(password)));
    println!(
        "300 orders: {placed} placed, {unknown} outcome unknown, {limited} still rate limited; {created} created; \
         {sends} sends; {} retries after -42",
        rate_limited.len()
    );
}

#[test]
fn retries_can_be_turned_off_and_respect_the_deadline() {
    let mut config = Config::default();
    config.api.rate_limit = Some(RateLimit { calls: 1, per: Duration::from_secs(60) });
    let sandbox = Sandbox::start(config).unwrap();
    let build = |policy: RetryPolicy, timeout: Duration| {
        Client::builder()
            .credentials("sandbox_reseller", "sandbox-password")
            .base_url(sandbox.https_url())
            .add_root_certificates_pem(sandbox.ca_pem())
            .retry_policy(policy)
            .timeout(timeout)
            .build()
            .unwrap()
    };
    order().send(&build(RetryPolicy::none(), Duration::from_secs(10))).unwrap();
    let err = order().send(&build(RetryPolicy::none(), Duration::from_secs(10))).unwrap_err();
    assert!(err.is_rate_limited() && err.retries() == 0, "{err}");
    // Waits that cannot fit in the deadline are not made.
    let slow = RetryPolicy { max_retries: 5, base_delay: Duration::from_secs(5), max_delay: Duration::from_secs(5) };
    let started = std::time::Instant::now();
    let err = order().send(&build(slow, Duration::from_secs(1))).unwrap_err();
    assert!(err.is_rate_limited() && started.elapsed() < Duration::from_secs(2), "{err} after {:?}", started.elapsed());
    // A connection never established is retried, then reported as such.
    let nowhere = Client::builder()
        .base_url("http://127.0.0.1:1")
        .allow_http(true)
        .credentials("l", "p")
        .retry_policy(RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
        })
        .build()
        .unwrap();
    let Error::Transport(t) = order().send(&nowhere).unwrap_err() else { panic!() };
    assert_eq!(t.retries, 2);
}
