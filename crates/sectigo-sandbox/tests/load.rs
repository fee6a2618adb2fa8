//! The sandbox under load: many clients at once, a cap on open connections with a clear
//! refusal past it, and idle connections closed after the idle timeout.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use sectigo::{Client, InitCustomerSession};
use sectigo_sandbox::{Config, Sandbox};

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .credentials("sandbox_reseller", "sandbox-password")
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .build()
        .unwrap()
}

/// Waits until `check` holds (at most 5 s).
fn eventually(what: &str, check: impl Fn() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < Duration::from_secs(5), "{what}: not within 5 s");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn plain(sandbox: &Sandbox) -> TcpStream {
    TcpStream::connect(sandbox.http_url().unwrap().trim_start_matches("http://")).unwrap()
}

const GET_STATE: &[u8] = b"GET /_sandbox/counters HTTP/1.1\r\nHost: sandbox\r\n\r\n";

/// Reads one answer (head and `Content-Length` body) from a kept-alive connection.
fn answer(tcp: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    while !bytes.ends_with(b"\r\n\r\n") {
        assert_eq!(tcp.read(&mut byte).unwrap(), 1, "closed mid-answer: {}", String::from_utf8_lossy(&bytes));
        bytes.push(byte[0]);
    }
    let head = String::from_utf8(bytes).unwrap();
    let length: usize =
        head.lines().find_map(|l| l.strip_prefix("Content-Length: ")).and_then(|v| v.trim().parse().ok()).unwrap();
    let mut body = vec![0; length];
    tcp.read_exact(&mut body).unwrap();
    head + &String::from_utf8_lossy(&body)
}

#[test]
fn sixty_four_clients_at_once() {
    let sandbox = Sandbox::start(Config::default()).unwrap();
    let barrier = std::sync::Barrier::new(64);
    std::thread::scope(|s| {
        for _ in 0..64 {
            s.spawn(|| {
                let client = client(&sandbox);
                barrier.wait();
                for _ in 0..10 {
                    InitCustomerSession::new().order_number("1000003").send(&client).unwrap();
                }
            });
        }
    });
    let counters = sandbox.counters();
    assert_eq!(counters.requests["!initCustomerSession"], 640);
    assert_eq!(counters.connections, 64, "one connection per client");
    assert_eq!(counters.refused_connections, 0);
}

#[test]
fn connections_past_the_cap_are_refused_with_a_reason() {
    let config = Config { http_port: Some(0), max_connections: 4, ..Config::default() };
    let sandbox = Sandbox::start(config).unwrap();
    let mut held: Vec<TcpStream> = (0..4).map(|_| plain(&sandbox)).collect();
    eventually("4 connections open", || sandbox.counters().open_connections == 4);
    let mut fifth = plain(&sandbox);
    let mut refusal = String::new();
    fifth.read_to_string(&mut refusal).unwrap();
    assert!(refusal.starts_with("HTTP/1.1 503 "), "{refusal}");
    assert!(refusal.contains("4 connections are open") && refusal.contains("--max-connections"), "{refusal}");
    assert!(refusal.contains("Connection: close"), "{refusal}");
    assert_eq!(sandbox.counters().refused_connections, 1);
    // Over TLS too: the client hears the 503.
    let err = InitCustomerSession::new().order_number("1000003").send(&client(&sandbox)).unwrap_err();
    assert!(err.to_string().contains("503"), "{err}");
    // The held connections are served, and once one closes there is room again.
    held[0].write_all(GET_STATE).unwrap();
    assert!(answer(&mut held[0]).starts_with("HTTP/1.1 200 "));
    drop(held.pop());
    eventually("a connection closed", || sandbox.counters().open_connections == 3);
    InitCustomerSession::new().order_number("1000003").send(&client(&sandbox)).unwrap();
}

#[test]
fn idle_connections_are_closed_after_the_idle_timeout() {
    let config = Config { http_port: Some(0), idle_timeout: Duration::from_millis(300), ..Config::default() };
    let sandbox = Sandbox::start(config).unwrap();
    let mut tcp = plain(&sandbox);
    tcp.write_all(GET_STATE).unwrap();
    assert!(answer(&mut tcp).starts_with("HTTP/1.1 200 "), "kept alive after an answer");
    let started = Instant::now();
    let mut rest = Vec::new();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(tcp.read_to_end(&mut rest).unwrap(), 0, "closed without another byte");
    let idle = started.elapsed();
    assert!(idle >= Duration::from_millis(250) && idle < Duration::from_secs(3), "closed after {idle:?}");
    eventually("no connection open", || sandbox.counters().open_connections == 0);
}
