//! Stopping a call from another thread (`sectigo::Cancel`): a read stops wherever it is, a write
//! that may have reached the server either finishes or ends as OutcomeUnknown, and a call
//! stopped before anything left did nothing and is not retried.

use std::time::{Duration, Instant};

use sectigo::{Cancel, Client, Error, RetryPolicy, Stopped, TransportErrorKind};
use sectigo_sandbox::{Config, Endpoint, Fault, FaultRule, Sandbox};

mod listener;
mod support;

use support::order;

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .credentials("sandbox_reseller", "sandbox-password")
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .build()
        .unwrap()
}

fn delay(sandbox: &Sandbox, endpoint: Endpoint, ms: u64) {
    sandbox.inject(FaultRule {
        fault: Fault::Delay(Duration::from_millis(ms)),
        endpoint: Some(endpoint),
        remaining: Some(1),
    });
}

fn orders(sandbox: &Sandbox) -> usize {
    sandbox.with_state(|s| s.orders.len())
}

/// Runs `call` on a thread; once the sandbox has received it (its counter moved), runs `stop`.
fn stop_in_flight<T: Send + 'static>(
    sandbox: &Sandbox,
    endpoint: &str,
    call: impl FnOnce() -> T + Send + 'static,
    stop: impl FnOnce(),
) -> (T, Duration) {
    let before = sandbox.counters().requests.get(endpoint).copied().unwrap_or(0);
    let started = Instant::now();
    let thread = std::thread::spawn(call);
    while sandbox.counters().requests.get(endpoint).copied().unwrap_or(0) == before {
        assert!(started.elapsed() < Duration::from_secs(20), "the call never reached the sandbox");
        std::thread::sleep(Duration::from_millis(5));
    }
    stop();
    let out = thread.join().unwrap();
    (out, started.elapsed())
}

/// Places an order that the sandbox holds for 300 ms, and runs `stop` on its handle once the
/// sandbox has it.
fn held_order(sandbox: &Sandbox, stop: impl FnOnce(&Cancel)) -> (Result<sectigo::wire::Response, Error>, Cancel) {
    let client = client(sandbox);
    let form = order().prepare(&client).unwrap();
    delay(sandbox, Endpoint::PlaceOrder, 300);
    let cancel = Cancel::new();
    let handle = cancel.clone();
    let (result, _) =
        stop_in_flight(sandbox, "!PlaceOrder", move || client.send_with_cancel(&form, &handle), || stop(&cancel));
    (result, cancel)
}

#[test]
fn a_read_in_flight_stops_at_once() {
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let client = client(&sandbox);
    delay(&sandbox, Endpoint::InitCustomerSession, 30_000);
    let cancel = Cancel::new();
    let handle = cancel.clone();
    let endpoint = sectigo::dynamic::endpoint("!initCustomerSession").unwrap();
    let (result, elapsed) = stop_in_flight(
        &sandbox,
        "!initCustomerSession",
        move || client.call_with_cancel(endpoint, [("orderNumber", "1000003")], &handle),
        || assert_eq!(cancel.cancel(), Stopped::AfterSending),
    );
    let e = result.unwrap_err();
    let Error::Transport(t) = &e else { panic!("{e:?}") };
    assert_eq!((t.kind, t.not_sent, t.retries), (TransportErrorKind::Cancelled, false, 0), "{t}");
    assert_eq!(
        e.to_string(),
        "!initCustomerSession could not be called (cancelled): cancelled after its request was sent"
    );
    // Not the sandbox's 30 s: the connection was shut down under the read (and not retried).
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
    assert!(cancel.is_cancelled());
}

#[test]
fn a_write_in_flight_is_left_to_finish_by_cancel_unsent() {
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let before = orders(&sandbox);
    let (result, cancel) =
        held_order(&sandbox, |cancel| assert!(!cancel.cancel_unsent(), "the order may have reached the server"));
    let response = result.unwrap();
    assert!(response.get("orderNumber").is_some());
    assert_eq!(orders(&sandbox), before + 1);
    assert!(!cancel.is_cancelled());
    assert_eq!(cancel.cancel(), Stopped::AlreadyOver);
}

#[test]
fn a_write_aborted_in_flight_is_outcome_unknown_and_its_order_is_still_placed() {
    support::install(log::LevelFilter::Warn);
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let before = orders(&sandbox);
    let (result, _) = held_order(&sandbox, |cancel| assert_eq!(cancel.cancel(), Stopped::AfterSending));
    let e = result.unwrap_err();
    let Error::OutcomeUnknown(lost) = &e else { panic!("{e:?}") };
    assert_eq!(lost.detail, "cancelled after its request was sent");
    assert!(lost.request.iter().any(|(k, v)| k == "loginPassword" && v != "sandbox-password"), "redacted");
    assert!(e.may_have_taken_effect() && !e.retry_safe());
    let records = support::records("sectigo");
    assert!(
        records.iter().any(|r| r.starts_with("!PlaceOrder: outcome unknown after")
            && r.contains("(cancelled after its request was sent)")),
        "{records:?}"
    );
    // The server acted on it all the same: that is why the outcome is unknown, not "cancelled".
    let waited = Instant::now();
    while orders(&sandbox) == before {
        assert!(waited.elapsed() < Duration::from_secs(20), "the sandbox never placed the order");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_call_stopped_while_connecting_did_nothing_and_is_not_retried() {
    let (_listener, _held, addr) = listener::black_hole();
    let client = Client::builder()
        .credentials("sandbox_reseller", "sandbox-password")
        .base_url(format!("http://{addr}"))
        .allow_http(true)
        .connect_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let form = order().prepare(&client).unwrap();
    let cancel = Cancel::new();
    let handle = cancel.clone();
    let thread = std::thread::spawn(move || client.send_with_cancel(&form, &handle));
    std::thread::sleep(Duration::from_millis(100));
    assert!(cancel.cancel_unsent(), "nothing can have left while connecting");
    let e = thread.join().unwrap().unwrap_err();
    let Error::Transport(t) = &e else { panic!("{e:?}") };
    // A connect timeout is retried; a cancelled call never is.
    assert_eq!((t.kind, t.not_sent, t.retries), (TransportErrorKind::Cancelled, true, 0), "{t}");
    assert!(e.retry_safe() && !e.may_have_taken_effect());
}

#[test]
fn a_call_cancelled_while_it_waits_to_retry_stops_there() {
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let client = Client::builder()
        .credentials("sandbox_reseller", "sandbox-password")
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .retry_policy(RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_secs(20),
            max_delay: Duration::from_secs(20),
        })
        .timeout(Duration::from_secs(300))
        .build()
        .unwrap();
    let form = order().prepare(&client).unwrap();
    sandbox.inject(FaultRule { fault: Fault::RateLimited, endpoint: Some(Endpoint::PlaceOrder), remaining: Some(1) });
    let before = orders(&sandbox);
    let cancel = Cancel::new();
    let handle = cancel.clone();
    let (result, elapsed) = stop_in_flight(
        &sandbox,
        "!PlaceOrder",
        move || client.send_with_cancel(&form, &handle),
        || {
            // Refused with -42 and waiting (at least 2 s) before sending it again: nothing of it
            // stands, so cancel_unsent stops it.
            std::thread::sleep(Duration::from_millis(200));
            assert!(cancel.cancel_unsent());
        },
    );
    let e = result.unwrap_err();
    let Error::Transport(t) = &e else { panic!("{e:?}") };
    assert_eq!((t.kind, t.not_sent), (TransportErrorKind::Cancelled, true), "{t}");
    assert!(elapsed < Duration::from_secs(2), "the wait ended at once: {elapsed:?}");
    assert_eq!(orders(&sandbox), before);
}

#[test]
fn a_handle_serves_one_call() {
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let client = client(&sandbox);
    let endpoint = sectigo::dynamic::endpoint("!initCustomerSession").unwrap();
    let cancel = Cancel::new();
    client.call_with_cancel(endpoint, [("orderNumber", "1000003")], &cancel).unwrap();
    let e = client.call_with_cancel(endpoint, [("orderNumber", "1000003")], &cancel).unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    assert!(e.to_string().contains("serves one call"), "{e}");
}
