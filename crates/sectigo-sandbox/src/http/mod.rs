//! A small HTTP/1.1 server over TCP or TLS: keep-alive, fault injection, counters, and the
//! `/_sandbox/` admin endpoints test suites in any language use.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use crate::api::{Api, Call, Endpoint};

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 1024 * 1024;

/// Something going wrong on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Carry out the call, then close the connection without answering (the answer is lost).
    Close,
    /// Answer with this HTTP status and an HTML page, without carrying out the call.
    Status(u16),
    /// Answer 200 with a body that is no API answer, without carrying out the call.
    Garbage,
    /// Refuse the call with -42 ("Call limit reached!"), without carrying it out.
    RateLimited,
    /// Break the TLS handshake of the next new connections (HTTPS listener only): the client
    /// never gets as far as sending a request.
    Handshake(HandshakeFault),
}

/// How a connection's TLS handshake goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeFault {
    /// Reset the connection once the client's hello arrives (`handshake_reset`).
    Reset,
    /// Close the connection before sending the server's hello (`handshake_close`).
    Close,
    /// Answer the client's hello with plain HTTP (`plain_http`), as a misconfigured port would.
    PlainHttp,
    /// Answer with a fatal `handshake_failure` alert (`handshake_alert`).
    Alert,
    /// Present a certificate from an authority nobody trusts (`untrusted_cert`).
    Untrusted,
    /// Present a certificate for another name (`wrong_name_cert`).
    WrongName,
}

/// A fault, for one endpoint or all, for a number of calls or until cleared.
#[derive(Debug, Clone)]
pub struct FaultRule {
    pub fault: Fault,
    pub endpoint: Option<Endpoint>,
    pub remaining: Option<u32>,
}

/// What the server has seen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// TCP connections accepted (both listeners).
    pub connections: u64,
    /// Connections open now.
    pub open_connections: u64,
    /// Connections refused because [`crate::Config::max_connections`] were open.
    pub refused_connections: u64,
    /// API requests per endpoint label (`!PlaceOrder`...).
    pub requests: BTreeMap<String, u64>,
}

/// Everything the connection threads share.
#[derive(Debug)]
pub struct Shared {
    pub api: Api,
    pub connections: AtomicU64,
    /// Connections being served.
    pub open: AtomicU64,
    pub refused: AtomicU64,
    pub requests: Mutex<BTreeMap<String, u64>>,
    pub faults: Mutex<Vec<FaultRule>>,
    /// Log every API call (see [`crate::Config::log`]).
    pub log: bool,
    /// See [`crate::Config::max_connections`].
    pub max_connections: u64,
    /// See [`crate::Config::idle_timeout`].
    pub idle_timeout: Duration,
    /// See [`crate::Config::idle_timeout_min`].
    pub idle_timeout_min: Option<Duration>,
    /// See [`crate::Config::idle_close_silent`].
    pub idle_close_silent: bool,
    /// The client certificates minted (DER), with the login names they stand for.
    pub client_certificates: Mutex<Vec<(Vec<u8>, String)>>,
}

impl Shared {
    /// What a sandbox with `config` serves from, without listeners: [`serve`] answers any
    /// stream from it (a fuzzer's, say).
    pub fn new(config: crate::Config) -> Result<Shared, String> {
        Ok(Shared {
            api: Api::new(config.api, crate::State::new(config.seed)?),
            connections: AtomicU64::new(0),
            open: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            requests: Mutex::new(Default::default()),
            faults: Mutex::new(Vec::new()),
            log: config.log,
            max_connections: config.max_connections as u64,
            idle_timeout: config.idle_timeout,
            idle_timeout_min: config.idle_timeout_min,
            idle_close_silent: config.idle_close_silent,
            client_certificates: Mutex::new(Vec::new()),
        })
    }

    /// The login name a minted client certificate stands for.
    pub fn certificate_login(&self, der: &[u8]) -> Option<String> {
        self.client_certificates.lock().unwrap().iter().find(|(d, _)| d == der).map(|(_, login)| login.clone())
    }

    pub fn counters(&self) -> Counters {
        Counters {
            connections: self.connections.load(Ordering::SeqCst),
            open_connections: self.open.load(Ordering::SeqCst),
            refused_connections: self.refused.load(Ordering::SeqCst),
            requests: self.requests.lock().unwrap().clone(),
        }
    }

    /// How long a new connection may idle: [`Shared::idle_timeout`], or a random time from
    /// [`Shared::idle_timeout_min`] to it.
    fn idle_limit(&self) -> Duration {
        use std::hash::{BuildHasher, Hasher};
        match self.idle_timeout_min {
            Some(min) if min < self.idle_timeout => {
                let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
                min + (self.idle_timeout - min).mul_f64((random >> 11) as f64 / (1u64 << 53) as f64)
            }
            _ => self.idle_timeout,
        }
    }

    /// Sets the counters back to zero.
    pub fn reset_counters(&self) {
        self.connections.store(0, Ordering::SeqCst);
        self.refused.store(0, Ordering::SeqCst);
        self.requests.lock().unwrap().clear();
    }

    fn take_fault(&self, endpoint: Endpoint) -> Option<Fault> {
        self.take(|r| !matches!(r.fault, Fault::Handshake(_)) && r.endpoint.is_none_or(|e| e == endpoint))
    }

    /// The handshake fault for a new HTTPS connection, if one is set.
    fn take_handshake_fault(&self) -> Option<HandshakeFault> {
        match self.take(|r| matches!(r.fault, Fault::Handshake(_)))? {
            Fault::Handshake(h) => Some(h),
            _ => None,
        }
    }

    fn take(&self, wanted: impl Fn(&FaultRule) -> bool) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap();
        let i = faults.iter().position(wanted)?;
        let fault = faults[i].fault.clone();
        if let Some(n) = &mut faults[i].remaining {
            *n -= 1;
            if *n == 0 {
                faults.remove(i);
            }
        }
        Some(fault)
    }
}

struct Request {
    method: String,
    target: String,
    close: bool,
    body: Vec<u8>,
}

struct Reply {
    status: u16,
    content_type: &'static str,
    location: Option<String>,
    body: Vec<u8>,
    /// Close after answering; `None` as the answer: close without answering.
    close: bool,
}

impl Reply {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply { status, content_type, location: None, body: body.into(), close: false }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Serves one connection until it closes, idles out or asks to close.
pub fn serve<S: Read + Write>(stream: S, secure: bool, shared: &Shared) {
    serve_as(stream, secure, None, shared)
}

/// [`serve`], for a connection that presented the client certificate of `certificate`'s
/// account.
fn serve_as<S: Read + Write>(stream: S, secure: bool, certificate: Option<&str>, shared: &Shared) {
    let mut reader = BufReader::new(stream);
    loop {
        let request = match read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(IDLED) => {
                if shared.idle_close_silent {
                    forget(reader);
                }
                return;
            }
            Err(status) => {
                let mut reply = Reply::new(status, "text/plain", reason(status));
                reply.close = true;
                let _ = write_reply(reader.get_mut(), &reply);
                return;
            }
        };
        let Some(mut reply) = dispatch(&request, secure, certificate, shared) else { return };
        reply.close |= request.close;
        if write_reply(reader.get_mut(), &reply).is_err() || reply.close {
            return;
        }
    }
}

/// What [`read_request`] says when no request came within the idle limit.
const IDLED: u16 = 0;

/// A connection past its idle limit, forgotten without telling the client (no close): whatever
/// comes on it next is dropped unanswered, as by a load balancer that dropped the connection.
fn forget<S: Read>(mut reader: BufReader<S>) {
    let mut byte = [0u8; 1];
    for _ in 0..10 {
        match reader.get_mut().read(&mut byte) {
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            _ => return,
        }
    }
}

/// The next request; `Ok(None)` when the client closed, `Err(IDLED)` when none came within the
/// idle limit, `Err(status)` for a request that cannot be served.
fn read_request<S: Read>(reader: &mut BufReader<S>) -> Result<Option<Request>, u16> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        match reader.read_until(b'\n', &mut head) {
            Ok(0) if head.is_empty() => return Ok(None),
            Ok(0) => return Err(400),
            Ok(_) => {}
            Err(e) if head.is_empty() && matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return Err(IDLED);
            }
            Err(_) => return Ok(None),
        }
        if head.len() > MAX_HEAD {
            return Err(431);
        }
        let line = &head[before..];
        if (line == b"\r\n" || line == b"\n") && before > 0 {
            break;
        }
        if (line == b"\r\n" || line == b"\n") && before == 0 {
            head.clear(); // tolerate blank lines between requests
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(400),
    }
    let method = parsed.method.unwrap_or_default().to_owned();
    let target = parsed.path.unwrap_or_default().to_owned();
    let http10 = parsed.version == Some(0);
    let header = |name: &str| {
        parsed
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_owned())
    };
    if header("transfer-encoding").is_some() {
        return Err(501);
    }
    let length = match header("content-length") {
        Some(v) => v.parse::<usize>().map_err(|_| 400u16)?,
        None => 0,
    };
    if length > MAX_BODY {
        return Err(413);
    }
    let connection = header("connection").unwrap_or_default().to_ascii_lowercase();
    let close = connection == "close" || (http10 && connection != "keep-alive");
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|_| 400u16)?;
    Ok(Some(Request { method, target, close, body }))
}

fn write_reply<W: Write>(out: &mut W, reply: &Reply) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
        reply.status,
        reason(reply.status),
        reply.content_type,
        reply.body.len()
    );
    if let Some(location) = &reply.location {
        // The target comes from the request (successURL, errorURL): a header holds visible
        // ASCII only, so a CR or LF in it cannot end the header (or the head) early.
        const NOT_VISIBLE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');
        let visible = percent_encoding::utf8_percent_encode(location, NOT_VISIBLE);
        head.push_str(&format!("Location: {visible}\r\n"));
    }
    if reply.close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    // Head and body in one write: split into two, the body would wait for the client's delayed
    // ACK of the head (Nagle) on a kept-alive connection, some 40 ms per call.
    let mut message = head.into_bytes();
    message.extend_from_slice(&reply.body);
    out.write_all(&message)?;
    out.flush()
}

fn form(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes).map(|(n, v)| (n.into_owned(), v.into_owned())).collect()
}

fn json(value: &impl Serialize) -> Reply {
    Reply::new(200, "application/json", serde_json::to_vec_pretty(value).unwrap_or_default())
}

/// Answers a request; `None`: close the connection without answering. API calls are logged
/// when the sandbox was asked to.
fn dispatch(request: &Request, secure: bool, certificate: Option<&str>, shared: &Shared) -> Option<Reply> {
    let reply = answer(request, secure, certificate, shared);
    if shared.log && !request.target.starts_with("/_sandbox/") {
        log_call(request, reply.as_ref());
    }
    reply
}

/// One log record for an API call: method, path, parameters (every password redacted), HTTP
/// status and `errorCode`.
fn log_call(request: &Request, reply: Option<&Reply>) {
    let (path, query) = request.target.split_once('?').unwrap_or((&request.target, ""));
    let params = if request.method == "GET" { form(query.as_bytes()) } else { form(&request.body) };
    let shown: Vec<String> = params
        .iter()
        .map(|(n, v)| if n.to_ascii_lowercase().contains("password") { format!("{n}=<redacted>") } else { format!("{n}={v}") })
        .collect();
    let outcome = match reply {
        None => "no answer (connection closed by a fault)".to_owned(),
        Some(r) => {
            let code = answer_code(r).map(|c| format!(", errorCode {c}")).unwrap_or_default();
            format!("HTTP {}{code}", r.status)
        }
    };
    log::info!(target: "sectigo_sandbox", "{} {path} [{}] -> {outcome}", request.method, shown.join("&"));
}

/// The `errorCode` of an API answer: a field of a form (in the body or a redirect's query), or
/// the first line of a text answer.
fn answer_code(reply: &Reply) -> Option<String> {
    let from_form = |bytes: &[u8]| form(bytes).into_iter().find(|(n, _)| n == "errorCode").map(|(_, v)| v);
    if let Some(location) = &reply.location {
        return location.split_once('?').and_then(|(_, q)| from_form(q.as_bytes()));
    }
    match reply.content_type {
        "application/x-www-form-urlencoded" => from_form(&reply.body),
        "text/plain" => std::str::from_utf8(&reply.body).ok()?.lines().next().map(str::to_owned),
        _ => None,
    }
}

/// Answers a request; `None`: close the connection without answering.
fn answer(request: &Request, secure: bool, certificate: Option<&str>, shared: &Shared) -> Option<Reply> {
    let (path, query) = request.target.split_once('?').unwrap_or((&request.target, ""));
    if let Some(admin) = path.strip_prefix("/_sandbox/") {
        return Some(admin_endpoint(admin, &request.method, &request.body, shared));
    }
    let Some(endpoint) = crate::api::route(&shared.api.config, path) else {
        return Some(Reply::new(404, "text/html", "<html><body><h1>404 Not Found</h1></body></html>"));
    };
    let get = match request.method.as_str() {
        "GET" => true,
        "POST" => false,
        _ => return Some(Reply::new(405, "text/html", "<html><body><h1>405 Method Not Allowed</h1></body></html>")),
    };
    *shared.requests.lock().unwrap().entry(endpoint.label().to_owned()).or_default() += 1;
    // GET carries the parameters in the query string; POST in the form body (a query string
    // on a POST is ignored, so parameters put in a URL by mistake are missing).
    let params = if get { form(query.as_bytes()) } else { form(&request.body) };
    let call = Call { endpoint, get, secure, params, certificate: certificate.map(str::to_owned) };
    let fault = shared.take_fault(endpoint);
    match fault {
        Some(Fault::Status(status)) => {
            let page = format!("<html><body><h1>{status} {}</h1></body></html>", reason(status));
            return Some(Reply::new(status, "text/html", page));
        }
        Some(Fault::Garbage) => {
            return Some(Reply::new(200, "text/plain", b"\x00\x01 sandbox garbage \xff\xfe<html>".to_vec()));
        }
        Some(Fault::RateLimited) => {
            let answer = shared.api.refuse_rate_limited(&call);
            return Some(Reply {
                status: answer.status,
                content_type: answer.content_type,
                location: answer.location,
                body: answer.body.into_bytes(),
                close: false,
            });
        }
        Some(Fault::Delay(d)) => std::thread::sleep(d),
        // Handshake faults are taken by new connections, never here.
        Some(Fault::Close | Fault::Handshake(_)) | None => {}
    }
    let answer = shared.api.handle(&call);
    if fault == Some(Fault::Close) {
        return None;
    }
    Some(Reply {
        status: answer.status,
        content_type: answer.content_type,
        location: answer.location,
        body: answer.body.into_bytes(),
        close: false,
    })
}

fn admin_endpoint(what: &str, method: &str, body: &[u8], shared: &Shared) -> Reply {
    match (method, what) {
        ("GET", "counters") => json(&shared.counters()),
        ("POST", "reset-counters") => {
            shared.reset_counters();
            json(&shared.counters())
        }
        ("GET", "state") => json(&*shared.api.state.lock().unwrap()),
        ("POST", "faults") => match parse_fault(&form(body)) {
            Ok(Some(rule)) => {
                shared.faults.lock().unwrap().push(rule);
                Reply::new(200, "text/plain", "ok\n")
            }
            Ok(None) => {
                shared.faults.lock().unwrap().clear();
                Reply::new(200, "text/plain", "cleared\n")
            }
            Err(e) => Reply::new(400, "text/plain", format!("{e}\n")),
        },
        _ => Reply::new(
            404,
            "text/plain",
            "admin endpoints: GET /_sandbox/counters, POST /_sandbox/reset-counters, GET /_sandbox/state, \
             POST /_sandbox/faults (kind=delay&ms=..|close|status&status=..|garbage|rate_limited|handshake_reset|\
             handshake_close|plain_http|handshake_alert|untrusted_cert|wrong_name_cert|clear, endpoint=.., count=..)\n",
        ),
    }
}

/// Every fault kind the admin endpoint takes.
pub const FAULT_KINDS: &str = "delay, close, status, garbage, rate_limited, handshake_reset, handshake_close, \
                               plain_http, handshake_alert, untrusted_cert, wrong_name_cert, clear";

/// A fault rule from `kind=delay&ms=100&endpoint=!AutoAuthorize&count=2`; `kind=clear` is `None`.
pub fn parse_fault(params: &[(String, String)]) -> Result<Option<FaultRule>, String> {
    let get = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let number = |name: &str| -> Result<u64, String> {
        get(name).ok_or(format!("{name} is missing"))?.parse().map_err(|_| format!("{name} must be a number"))
    };
    let fault = match get("kind").unwrap_or_default() {
        "clear" => return Ok(None),
        "delay" => Fault::Delay(Duration::from_millis(number("ms")?)),
        "close" => Fault::Close,
        "status" => Fault::Status(u16::try_from(number("status")?).map_err(|_| "status is too large")?),
        "garbage" => Fault::Garbage,
        "rate_limited" => Fault::RateLimited,
        "handshake_reset" => Fault::Handshake(HandshakeFault::Reset),
        "handshake_close" => Fault::Handshake(HandshakeFault::Close),
        "plain_http" => Fault::Handshake(HandshakeFault::PlainHttp),
        "handshake_alert" => Fault::Handshake(HandshakeFault::Alert),
        "untrusted_cert" => Fault::Handshake(HandshakeFault::Untrusted),
        "wrong_name_cert" => Fault::Handshake(HandshakeFault::WrongName),
        other => {
            return Err(format!("unknown fault kind {other:?} ({FAULT_KINDS})"));
        }
    };
    let endpoint = match get("endpoint") {
        None | Some("") => None,
        Some(_) if matches!(fault, Fault::Handshake(_)) => {
            return Err("a handshake fault breaks the next new connections, whatever they call: it takes no endpoint".into());
        }
        Some(label) => Some(Endpoint::from_label(label).ok_or(format!("unknown endpoint {label:?}"))?),
    };
    let remaining = match get("count") {
        None | Some("") => None,
        Some(_) => Some(u32::try_from(number("count")?).map_err(|_| "count is too large")?).filter(|n| *n > 0),
    };
    Ok(Some(FaultRule { fault, endpoint, remaining }))
}

/// Serves a TLS connection; one idle past [`Shared::idle_timeout`] is closed. A handshake fault
/// set for new connections is carried out instead.
pub fn serve_tls(tcp: TcpStream, tls: &crate::tls::Tls, shared: &Shared) {
    let _ = tcp.set_read_timeout(Some(shared.idle_limit()));
    let _ = tcp.set_nodelay(true);
    let config = match shared.take_handshake_fault() {
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
    let login = conn
        .peer_certificates()
        .and_then(|chain| chain.first())
        .and_then(|der| shared.certificate_login(der.as_ref()));
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

/// Serves a plain TCP connection; one idle past [`Shared::idle_timeout`] is closed.
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
            shared.max_connections
        ),
    );
    reply.close = true;
    let _ = write_reply(&mut stream, &reply);
}
