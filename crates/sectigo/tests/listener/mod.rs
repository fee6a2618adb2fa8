//! A loopback listener that never answers, for connect timeouts and connection racing.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

/// A loopback listener whose backlog is full, so the kernel drops new handshakes and `connect`
/// waits. Keep all three alive while it is used.
pub fn black_hole() -> (TcpListener, Vec<TcpStream>, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    while let Ok(stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
        held.push(stream);
        assert!(held.len() < 100_000, "the backlog never filled");
    }
    (listener, held, addr)
}
