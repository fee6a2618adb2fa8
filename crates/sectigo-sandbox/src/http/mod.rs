//! A small HTTP/1.1 server over TCP or TLS, in rooms of one job each: `framing.rs` (reading
//! requests and writing replies), `faults.rs` (what a test asks to go wrong), `admin.rs` (the
//! `/_sandbox/` endpoints test suites in any language use), `listeners.rs` (TLS, a client
//! certificate, plain TCP, a broken handshake, the 503 over the cap). This module holds what
//! the connection threads share and the path of one request: read, fault, answer, log.

mod admin;
mod answers;
mod faults;
mod framing;
mod listeners;

use std::collections::BTreeMap;
use std::io::{BufReader, Read, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;

pub(crate) use answers::Answers;
pub use answers::{ANSWER_FIELDS, AnswerRule, Answered, parse_answer};
pub(crate) use faults::Faults;
pub use faults::{FAULT_KINDS, Fault, FaultRule, HandshakeFault, parse_fault};
use framing::{IDLED, Reply, Request, forget, form, read_request, reason, write_reply};
pub use listeners::{refuse_plain, refuse_tls, serve_plain, serve_private, serve_tls};

use crate::api::{Api, Call};

/// What the server has seen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// TCP connections accepted (every listener), except those that asked for an admin endpoint
    /// (`/_sandbox/...`) first: a test's own look at the counters is not among them.
    pub connections: u64,
    /// Connections open now.
    pub open_connections: u64,
    /// Connections refused because [`crate::Config::max_connections`] were open.
    pub refused_connections: u64,
    /// API requests per endpoint label (`!PlaceOrder`...), and per path for programmed answers
    /// (`/products/download/CollectSSL`).
    pub requests: BTreeMap<String, u64>,
}

/// Everything the connection threads share.
#[derive(Debug)]
pub struct Shared {
    pub(crate) api: Api,
    counts: Counts,
    pub(crate) faults: Faults,
    pub(crate) answers: Answers,
    limits: Limits,
    /// The client certificates minted (DER), with the login names they stand for.
    client_certificates: Mutex<Vec<(Vec<u8>, String)>>,
}

/// The numbers behind [`Counters`].
#[derive(Debug, Default)]
struct Counts {
    connections: AtomicU64,
    /// Connections being served.
    open: AtomicU64,
    refused: AtomicU64,
    requests: Mutex<BTreeMap<String, u64>>,
}

/// The settings of [`crate::Config`] that serving reads.
#[derive(Debug)]
struct Limits {
    /// Log every API call (see [`crate::Config::log`]).
    log: bool,
    /// See [`crate::Config::max_connections`].
    max_connections: u64,
    /// See [`crate::Config::idle_timeout`].
    idle_timeout: Duration,
    /// See [`crate::Config::idle_timeout_min`].
    idle_timeout_min: Option<Duration>,
    /// See [`crate::Config::idle_close_silent`].
    idle_close_silent: bool,
}

impl Shared {
    /// What a sandbox with `config` serves from, without listeners: [`serve`] answers any
    /// stream from it (a fuzzer's, say).
    pub fn new(config: crate::Config) -> Result<Shared, String> {
        Ok(Shared {
            api: Api::new(config.api, crate::State::new(config.seed)?),
            counts: Counts::default(),
            faults: Faults::default(),
            answers: Answers::default(),
            limits: Limits {
                log: config.log,
                max_connections: config.max_connections as u64,
                idle_timeout: config.idle_timeout,
                idle_timeout_min: config.idle_timeout_min,
                idle_close_silent: config.idle_close_silent,
            },
            client_certificates: Mutex::new(Vec::new()),
        })
    }

    /// Counts a new connection; `false` when [`crate::Config::max_connections`] are open
    /// already (the connection is then counted as refused, and not as open).
    pub(crate) fn open_connection(&self) -> bool {
        self.counts.connections.fetch_add(1, Ordering::SeqCst);
        if self.counts.open.fetch_add(1, Ordering::SeqCst) >= self.limits.max_connections {
            self.counts.open.fetch_sub(1, Ordering::SeqCst);
            self.counts.refused.fetch_add(1, Ordering::SeqCst);
            return false;
        }
        true
    }

    /// A connection that turned out to be for the admin endpoints: not one of the API's (it
    /// may have been counted before a reset, hence no lower than zero).
    fn uncount_connection(&self) {
        let _ = self.counts.connections.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| Some(n.saturating_sub(1)));
    }

    /// A connection [`open_connection`](Self::open_connection) let in has closed.
    pub(crate) fn close_connection(&self) {
        self.counts.open.fetch_sub(1, Ordering::SeqCst);
    }

    /// Lets the client certificate `der` log in as `login`.
    pub(crate) fn add_client_certificate(&self, der: Vec<u8>, login: &str) {
        self.client_certificates.lock().unwrap().push((der, login.to_owned()));
    }

    /// The login name a minted client certificate stands for.
    pub fn certificate_login(&self, der: &[u8]) -> Option<String> {
        self.client_certificates.lock().unwrap().iter().find(|(d, _)| d == der).map(|(_, login)| login.clone())
    }

    pub fn counters(&self) -> Counters {
        Counters {
            connections: self.counts.connections.load(Ordering::SeqCst),
            open_connections: self.counts.open.load(Ordering::SeqCst),
            refused_connections: self.counts.refused.load(Ordering::SeqCst),
            requests: self.counts.requests.lock().unwrap().clone(),
        }
    }

    /// Sets the counters back to zero.
    pub fn reset_counters(&self) {
        self.counts.connections.store(0, Ordering::SeqCst);
        self.counts.refused.store(0, Ordering::SeqCst);
        self.counts.requests.lock().unwrap().clear();
    }

    /// How long a new connection may idle: [`crate::Config::idle_timeout`], or a random time
    /// from [`crate::Config::idle_timeout_min`] to it.
    fn idle_limit(&self) -> Duration {
        use std::hash::{BuildHasher, Hasher};
        let Limits { idle_timeout, idle_timeout_min, .. } = self.limits;
        match idle_timeout_min {
            Some(min) if min < idle_timeout => {
                let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
                min + (idle_timeout - min).mul_f64((random >> 11) as f64 / (1u64 << 53) as f64)
            }
            _ => idle_timeout,
        }
    }
}

/// Serves one connection until it closes, idles out or asks to close.
pub fn serve<S: Read + Write>(stream: S, secure: bool, shared: &Shared) {
    serve_as(stream, secure, None, shared)
}

/// [`serve`], for a connection that presented the client certificate of `certificate`'s
/// account.
pub(super) fn serve_as<S: Read + Write>(stream: S, secure: bool, certificate: Option<&str>, shared: &Shared) {
    let mut reader = BufReader::new(stream);
    let mut first = true;
    loop {
        let request = match read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(IDLED) => {
                if shared.limits.idle_close_silent {
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
        if std::mem::take(&mut first) && request.target.starts_with("/_sandbox/") {
            shared.uncount_connection();
        }
        let Some(mut reply) = dispatch(&request, secure, certificate, shared) else { return };
        reply.close |= request.close;
        if write_reply(reader.get_mut(), &reply).is_err() || reply.close {
            return;
        }
    }
}

/// Answers a request; `None`: close the connection without answering. API calls are logged
/// when the sandbox was asked to.
fn dispatch(request: &Request, secure: bool, certificate: Option<&str>, shared: &Shared) -> Option<Reply> {
    let reply = answer(request, secure, certificate, shared);
    if shared.limits.log && !request.target.starts_with("/_sandbox/") {
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
        .map(|(n, v)| if sectigo::raw::looks_secret(n) { format!("{n}=<redacted>") } else { format!("{n}={v}") })
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
    match &*reply.content_type {
        "application/x-www-form-urlencoded" => from_form(&reply.body),
        "text/plain" => std::str::from_utf8(&reply.body).ok()?.lines().next().map(str::to_owned),
        _ => None,
    }
}

/// Answers a request; `None`: close the connection without answering.
fn answer(request: &Request, secure: bool, certificate: Option<&str>, shared: &Shared) -> Option<Reply> {
    let (path, query) = request.target.split_once('?').unwrap_or((&request.target, ""));
    if let Some(admin) = path.strip_prefix("/_sandbox/") {
        return Some(admin::admin_endpoint(admin, &request.method, &request.body, shared));
    }
    let programmed = || {
        let params = if request.method == "GET" { form(query.as_bytes()) } else { form(&request.body) };
        shared.answers.for_request(&request.method, path, &params)
    };
    if let Some(rule) = programmed() {
        *shared.counts.requests.lock().unwrap().entry(path.to_owned()).or_default() += 1;
        std::thread::sleep(rule.delay);
        if rule.close {
            return None;
        }
        return Some(Reply {
            status: rule.status,
            content_type: rule.content_type.into(),
            location: None,
            body: rule.body,
            close: false,
        });
    }
    let Some(endpoint) = crate::api::route(&shared.api.config, path) else {
        return Some(Reply::new(404, "text/html", "<html><body><h1>404 Not Found</h1></body></html>"));
    };
    let get = match request.method.as_str() {
        "GET" => true,
        "POST" => false,
        _ => return Some(Reply::new(405, "text/html", "<html><body><h1>405 Method Not Allowed</h1></body></html>")),
    };
    *shared.counts.requests.lock().unwrap().entry(endpoint.label().to_owned()).or_default() += 1;
    // GET carries the parameters in the query string; POST in the form body (a query string
    // on a POST is ignored, so parameters put in a URL by mistake are missing).
    let params = if get { form(query.as_bytes()) } else { form(&request.body) };
    let call = Call { endpoint, get, secure, params, certificate: certificate.map(str::to_owned) };
    let fault = shared.faults.for_call(endpoint);
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
                content_type: answer.content_type.into(),
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
        content_type: answer.content_type.into(),
        location: answer.location,
        body: answer.body.into_bytes(),
        close: false,
    })
}
