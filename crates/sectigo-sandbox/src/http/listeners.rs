//! The listeners' ways of serving a connection: TLS (or a broken handshake, when a fault asks
//! for one), TLS with a client certificate required, plain TCP, and the 503 for a connection
//! over the cap.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use super::faults::HandshakeFault;
use super::framing::{Reply, write_reply};
use super::{Shared, serve, serve_as};

/// Serves a TLS connection; one idle past [`crate::Config::idle_timeout`] is closed. A handshake fault
/// set for new connections is carried out instead.
pub fn serve_tls(tcp: TcpStream, tls: &crate::tls::Tls, shared: &Shared) {
    let _ = tcp.set_read_timeout(Some(shared.idle_limit()));
    let _ = tcp.set_nodelay(true);
    let config = match shared.faults.for_handshake() {
        None => tls.config.clone(),
        Some(HandshakeFault::Untrusted) => tls.untrusted.clone(),
        Some(HandshakeFault::WrongName) => tls.wrong_name.clone(),
        Some(fault) => return break_handshake(tcp, fault),
    };
    let Ok(conn) = rustls::ServerConnection::new(config) else { return };
    serve(rustls::StreamOwned::new(conn, tcp), true, shared);
}

/// Serves a connection of the listener that requires a client certificate from the sandbox's
/// CA: a handshake without one fails, and the calls on it log in as the certificate's account.
pub fn serve_private(mut tcp: TcpStream, tls: &crate::tls::Tls, shared: &Shared) {
    let _ = tcp.set_read_timeout(Some(shared.idle_limit()));
    let _ = tcp.set_nodelay(true);
    let Ok(mut conn) = rustls::ServerConnection::new(tls.private.clone()) else { return };
    while conn.is_handshaking() {
        if conn.complete_io(&mut tcp).is_err() {
            // Send the alert that says why, if there is one.
            let _ = conn.write_tls(&mut tcp);
            return;
        }
    }
    let login =
        conn.peer_certificates().and_then(|chain| chain.first()).and_then(|der| shared.certificate_login(der.as_ref()));
    serve_as(rustls::StreamOwned::new(conn, tcp), true, login.as_deref(), shared);
}

/// Breaks a handshake once the client's hello has come.
fn break_handshake(mut tcp: TcpStream, fault: HandshakeFault) {
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(5)));
    let mut first = [0u8; 1];
    if !matches!(tcp.read(&mut first), Ok(1)) {
        return;
    }
    match fault {
        // Closing a socket with unread data (the rest of the hello) resets the connection.
        HandshakeFault::Reset => drop(tcp),
        HandshakeFault::Close => close_gently(tcp),
        HandshakeFault::PlainHttp => {
            let _ = tcp.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 30\r\nConnection: close\r\n\r\nThis port speaks plain HTTP.\r\n");
            close_gently(tcp);
        }
        HandshakeFault::Alert => {
            // A TLS 1.2 record: alert, fatal (2), handshake_failure (40).
            let _ = tcp.write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
            close_gently(tcp);
        }
        HandshakeFault::Untrusted | HandshakeFault::WrongName => {}
    }
}

/// Serves a plain TCP connection; one idle past [`crate::Config::idle_timeout`] is closed.
pub fn serve_plain(tcp: TcpStream, shared: &Shared) {
    let _ = tcp.set_read_timeout(Some(shared.idle_limit()));
    let _ = tcp.set_nodelay(true);
    serve(tcp, false, shared);
}

/// Answers a plain connection over the cap with 503 and closes it, spending at most a second
/// on it.
pub fn refuse_plain(tcp: TcpStream, shared: &Shared) {
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(1)));
    let _ = tcp.set_write_timeout(Some(Duration::from_secs(1)));
    let mut tcp = tcp;
    refuse(&mut tcp, shared);
    close_gently(tcp);
}

/// [`refuse_plain`] for the HTTPS listener: the 503 goes over TLS.
pub fn refuse_tls(tcp: TcpStream, config: Arc<rustls::ServerConfig>, shared: &Shared) {
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(1)));
    let _ = tcp.set_write_timeout(Some(Duration::from_secs(1)));
    let Ok(conn) = rustls::ServerConnection::new(config) else { return };
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    refuse(&mut tls, shared);
    tls.conn.send_close_notify();
    let _ = tls.flush();
    close_gently(tls.sock);
}

/// Ends the sending side, then reads what the client still sends until it closes (or the
/// read timeout passes): closing a socket with unread data resets the connection, and the
/// client, perhaps still writing its request, would get a reset instead of the answer.
fn close_gently(mut tcp: TcpStream) {
    let _ = tcp.shutdown(std::net::Shutdown::Write);
    let mut sink = [0u8; 4096];
    while matches!(tcp.read(&mut sink), Ok(n) if n > 0) {}
}

/// The 503 for a connection over the cap.
fn refuse<S: Read + Write>(mut stream: S, shared: &Shared) {
    let mut reply = Reply::new(
        503,
        "text/plain",
        format!(
            "sectigo-sandbox: {} connections are open, the most it serves at once (--max-connections); \
             try again when one closes\n",
            shared.limits.max_connections
        ),
    );
    reply.close = true;
    let _ = write_reply(&mut stream, &reply);
}
