//! Real deployments: failures before sending are "not sent" and retried, forked processes never
//! share a connection, calls that change state never go out on a stale connection, a black-holed
//! address costs a quarter of a second, and bad settings are refused when the client is built.

use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sectigo::{AutoAuthorize, Client, ClientBuilder, Error, RetryPolicy, TransportErrorKind};
use sectigo_sandbox::{Config, Fault, FaultRule, HandshakeFault, Sandbox};

mod listener;
mod support;

use listener::black_hole;
use support::order;

const HANDSHAKE_FAULTS: [HandshakeFault; 6] = [
    HandshakeFault::Reset,
    HandshakeFault::Close,
    HandshakeFault::PlainHttp,
    HandshakeFault::Alert,
    HandshakeFault::Untrusted,
    HandshakeFault::WrongName,
];

/// A new client (so a new connection) for the sandbox's reseller.
fn client(sandbox: &Sandbox) -> ClientBuilder {
    Client::builder()
        .credentials("sandbox_reseller", "sandbox-password")
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
}

fn break_next_handshake(sandbox: &Sandbox, fault: HandshakeFault) {
    sandbox.inject(FaultRule { fault: Fault::Handshake(fault), endpoint: None, remaining: Some(1) });
}

fn orders(sandbox: &Sandbox) -> usize {
    sandbox.with_state(|s| s.orders.len())
}

#[test]
fn a_broken_handshake_is_not_sent_and_is_retried_for_orders_and_authorizations() {
    support::install(log::LevelFilter::Warn);
    let sandbox = Sandbox::start(Config::default()).unwrap();
    for fault in HANDSHAKE_FAULTS {
        // Without retries: a transport error that says nothing was sent.
        let before = orders(&sandbox);
        break_next_handshake(&sandbox, fault);
        let e = order().send(&client(&sandbox).retry_policy(RetryPolicy::none()).build().unwrap()).unwrap_err();
        let Error::Transport(t) = &e else { panic!("{fault:?}: expected a transport error, got {e:?}") };
        assert!(t.not_sent, "{fault:?}: {t}");
        assert!(e.retry_safe() && !e.may_have_taken_effect() && !e.outcome_unknown(), "{fault:?}: {e}");
        let want = match fault {
            HandshakeFault::Untrusted
            | HandshakeFault::WrongName
            | HandshakeFault::Alert
            | HandshakeFault::PlainHttp => TransportErrorKind::Tls,
            HandshakeFault::Reset | HandshakeFault::Close => TransportErrorKind::Connect,
        };
        assert_eq!(t.kind, want, "{fault:?}: {t}");
        assert_eq!(orders(&sandbox), before, "{fault:?}: no order");

        // With the standard policy: sent again on a new connection, placed once.
        break_next_handshake(&sandbox, fault);
        let placed = order().send(&client(&sandbox).build().unwrap()).unwrap();
        assert_eq!(placed.response.retries(), 1, "{fault:?}");
        assert_eq!(orders(&sandbox), before + 1, "{fault:?}: one order");

        // The same for an authorization, which debits the account.
        let number: i64 = placed.order_number.parse().unwrap();
        break_next_handshake(&sandbox, fault);
        let e = AutoAuthorize::new()
            .order_number(number)
            .send(&client(&sandbox).retry_policy(RetryPolicy::none()).build().unwrap())
            .unwrap_err();
        assert!(e.retry_safe() && !e.may_have_taken_effect(), "{fault:?}: {e}");
        break_next_handshake(&sandbox, fault);
        let authorized = AutoAuthorize::new().order_number(number).send(&client(&sandbox).build().unwrap()).unwrap();
        assert_eq!(authorized.response.retries(), 1, "{fault:?}");
    }
    let requests = sandbox.counters().requests;
    assert_eq!(requests.get("!AutoAuthorize"), Some(&6), "each authorization reached the server once");
    let retried = support::records("sectigo").into_iter().filter(|r| r.contains("(not_sent:")).count();
    assert_eq!(retried, 2 * HANDSHAKE_FAULTS.len(), "each retry is logged with its reason");
}

#[test]
fn refused_and_timed_out_connections_are_not_sent() {
    // A port nobody listens on.
    let free = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let refused = Client::builder()
        .credentials("login", "password")
        .base_url(format!("https://{free}"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let e = order().send(&refused).unwrap_err();
    assert!(matches!(&e, Error::Transport(t) if t.not_sent && t.kind == TransportErrorKind::Connect), "{e:?}");
    assert!(e.retry_safe() && !e.may_have_taken_effect());

    // A listener whose backlog is full: the connection never completes.
    let (_listener, _held, addr) = black_hole();
    let timed_out = Client::builder()
        .credentials("login", "password")
        .base_url(format!("https://{addr}"))
        .connect_timeout(Duration::from_millis(200))
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(20),
        })
        .build()
        .unwrap();
    let e = order().send(&timed_out).unwrap_err();
    assert!(matches!(&e, Error::Transport(t) if t.not_sent && t.kind == TransportErrorKind::Timeout), "{e:?}");
    assert_eq!(e.retries(), 2, "a connect timeout is retried: {e}");
    assert!(e.retry_safe() && !e.may_have_taken_effect());
}

#[test]
fn a_black_holed_first_address_costs_a_quarter_of_a_second() {
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let (_listener, _held, dead) = black_hole();
    let live: SocketAddr = format!("127.0.0.1:{}", sandbox.port()).parse().unwrap();
    let host_port = format!("localhost:{}", sandbox.port());
    let client = Client::builder()
        .credentials("sandbox_reseller", "sandbox-password")
        .base_url(format!("https://{host_port}"))
        .add_root_certificates_pem(sandbox.ca_pem())
        .resolve(&host_port, [dead, live])
        .build()
        .unwrap();
    let started = Instant::now();
    order().send(&client).unwrap();
    let took = started.elapsed();
    assert!(took <= Duration::from_millis(500), "the first new connection took {took:?}");

    // The same from curl's text form, and the address that worked is remembered: a second new
    // connection (after the pool is gone) goes to it first.
    let client = Client::builder()
        .credentials("sandbox_reseller", "sandbox-password")
        .base_url(format!("https://{host_port}"))
        .add_root_certificates_pem(sandbox.ca_pem())
        .resolve_entry(&format!("{host_port}:{dead},{live}"))
        .unwrap()
        .build()
        .unwrap();
    order().send(&client).unwrap();
    let again = client.with_credentials("sandbox_reseller", "sandbox-password").unwrap();
    let started = Instant::now();
    order().send(&again).unwrap();
    assert!(started.elapsed() <= Duration::from_millis(500), "took {:?}", started.elapsed());
}

#[test]
fn a_refused_first_address_hands_over_at_once() {
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let free = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let host_port = format!("localhost:{}", sandbox.port());
    let client = Client::builder()
        .credentials("sandbox_reseller", "sandbox-password")
        .base_url(format!("https://{host_port}"))
        .add_root_certificates_pem(sandbox.ca_pem())
        .resolve(&host_port, [free, format!("127.0.0.1:{}", sandbox.port()).parse().unwrap()])
        .build()
        .unwrap();
    let started = Instant::now();
    order().send(&client).unwrap();
    assert!(started.elapsed() < Duration::from_millis(200), "took {:?}", started.elapsed());
}

/// Orders at random moments while the server closes idle connections at random moments: a call
/// that changes state never goes out on a connection idle long enough to be closed under it.
#[test]
fn orders_never_cross_a_server_closing_idle_connections() {
    // Idle limits drawn between just over the client's bound and 3 s; a connection past its
    // limit is dropped without the client hearing of it (as if the server's close were still
    // on its way), so no check of the socket can save a request sent on it.
    let config = Config {
        idle_timeout_min: Some(sectigo::client::WRITE_MAX_IDLE + Duration::from_millis(150)),
        idle_timeout: Duration::from_secs(3),
        idle_close_silent: true,
        ..Config::default()
    };
    let sandbox = Sandbox::start(config).unwrap();
    let before = orders(&sandbox);
    let (placed, unknown) = (AtomicUsize::new(0), AtomicUsize::new(0));
    const THREADS: u64 = 20;
    const EACH: usize = 50;
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (placed, unknown) = (&placed, &unknown);
            // A client (a pool) per thread, so that its connection idles between the calls.
            let client = client(&sandbox).retry_policy(RetryPolicy::none()).build().unwrap();
            s.spawn(move || {
                let mut rng = fastrand::Rng::with_seed(t);
                for _ in 0..EACH {
                    std::thread::sleep(Duration::from_millis(rng.u64(0..1500)));
                    match order().send(&client) {
                        Ok(_) => placed.fetch_add(1, Ordering::SeqCst),
                        Err(e) if e.outcome_unknown() => unknown.fetch_add(1, Ordering::SeqCst),
                        Err(e) => panic!("{e}"),
                    };
                }
            });
        }
    });
    let (placed, unknown) = (placed.into_inner(), unknown.into_inner());
    assert_eq!(unknown, 0, "orders whose outcome was lost");
    assert_eq!(placed, THREADS as usize * EACH);
    assert_eq!(orders(&sandbox) - before, placed, "orders in the server equal successes");
}

/// After `fork()`, parent and child call at once on the client built before it; every answer is
/// the caller's own, and no TLS session is shared (which would fail to decrypt).
#[cfg(unix)]
#[test]
fn forked_processes_never_share_a_connection() {
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let client = client(&sandbox).build().unwrap();
    order().send(&client).unwrap(); // a pooled connection, before the fork
    const ROUNDS: usize = 20;
    const CALLS: usize = 10;
    let mut mine = Vec::new();
    for round in 0..ROUNDS {
        let (mut read, write) = pipe();
        // SAFETY: the child calls the client and leaves with `_exit`, never returning into the
        // test harness.
        #[allow(unsafe_code)]
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0);
        let me = if pid == 0 { "child" } else { "parent" };
        let mut numbers = Vec::new();
        for i in 0..CALLS {
            let email = format!("{me}-{round}-{i}@example.com");
            match order().email_address(email.clone()).send(&client) {
                Ok(placed) => numbers.push(format!("{} {email}", placed.order_number)),
                Err(e) => numbers.push(format!("error {e}")),
            }
        }
        if pid == 0 {
            use std::io::Write;
            let mut write = write;
            let _ = write.write_all(numbers.join("\n").as_bytes());
            drop(write);
            #[allow(unsafe_code)]
            unsafe {
                libc::_exit(0)
            };
        }
        drop(write);
        let mut theirs = String::new();
        std::io::Read::read_to_string(&mut read, &mut theirs).unwrap();
        let mut status = 0;
        #[allow(unsafe_code)]
        let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
        assert_eq!(waited, pid);
        mine.extend(numbers);
        mine.extend(theirs.lines().map(str::to_owned));
    }
    let errors: Vec<&String> = mine.iter().filter(|l| l.starts_with("error")).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(mine.len(), ROUNDS * CALLS * 2);
    sandbox.with_state(|s| {
        for line in &mine {
            let (number, email) = line.split_once(' ').unwrap();
            let order = &s.orders[&number.parse::<u64>().unwrap()];
            assert_eq!(&order.email_address, email, "order {number} was answered to another process");
        }
    });
}

#[cfg(unix)]
fn pipe() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors; each is owned by one File from here on.
    #[allow(unsafe_code)]
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        (std::fs::File::from_raw_fd(fds[0]), std::fs::File::from_raw_fd(fds[1]))
    }
}

#[test]
fn bad_settings_are_refused_when_the_client_is_built_naming_the_setting() {
    let cases: Vec<(ClientBuilder, &str)> = vec![
        (Client::builder().user_agent("panel/1.0\r\nX-Injected: 1"), "user_agent"),
        (Client::builder().user_agent("tab\there"), "user_agent"),
        (Client::builder().timeout(Duration::MAX), "timeout"),
        (Client::builder().timeout(Duration::ZERO), "timeout"),
        (Client::builder().connect_timeout(Duration::from_secs(10_000)), "connect_timeout"),
        (
            Client::builder().retry_policy(RetryPolicy {
                max_retries: 3,
                base_delay: Duration::MAX,
                max_delay: Duration::MAX,
            }),
            "retry",
        ),
    ];
    for (builder, setting) in cases {
        let e = builder.credentials("login", "password").build().unwrap_err();
        assert!(e.message().starts_with(setting), "{e}");
    }
    for entry in ["localhost", "localhost:443", "localhost:x:127.0.0.1", "localhost:443:not-an-ip", ":443:127.0.0.1"] {
        let e = Client::builder().resolve_entry(entry).unwrap_err();
        assert!(e.message().starts_with("resolve:"), "{e}");
    }
    // The longest allowed time is fine.
    Client::builder().timeout(sectigo::client::MAX_TIMEOUT).build().unwrap();
}
