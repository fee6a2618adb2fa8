//! `Client` end to end against a small HTTP/1.1 server on loopback: keep-alive, timeouts,
//! lost answers, redirects and odd statuses. (HTTPS is in `https.rs`.)

mod common;
mod listener;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use sectigo::{
    AutoAuthorize, AutoAuthorizeError, Client, Error, InitCustomerSession, PlaceOrder, PlaceOrderError, PlaceOrderItem,
    Term, TransportErrorKind, WebProduct,
};

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request.
enum Action {
    Reply {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Wait, then reply 200 with this body.
    Slow(Duration, String),
    /// Read the request, then close the connection without answering.
    Close,
}

fn reply(body: &str) -> Action {
    Action::Reply { status: 200, headers: vec![], body: body.to_owned() }
}

type Handler = dyn Fn(&Seen) -> Action + Send + Sync;

struct Server {
    port: u16,
    connections: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start(handler: impl Fn(&Seen) -> Action + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let (c, s) = (connections.clone(), seen.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                c.fetch_add(1, Ordering::SeqCst);
                let (s, h) = (s.clone(), handler.clone());
                thread::spawn(move || serve(stream, &s, &*h));
            }
        });
        Server { port, connections, seen }
    }

    fn client(&self) -> sectigo::ClientBuilder {
        Client::builder()
            .base_url(format!("http://127.0.0.1:{}", self.port))
            .allow_http(true)
            .credentials("login_name", "hunter2-secret")
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, seen: &Mutex<Vec<Seen>>, handler: &Handler) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or("").to_owned(), parts.next().unwrap_or("").to_owned());
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            reader.read_line(&mut h).unwrap();
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (n, v) = h.split_once(':').unwrap();
            headers.push((n.trim().to_owned(), v.trim().to_owned()));
        }
        let len: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        let request = Seen { method, target, headers, body: String::from_utf8(body).unwrap() };
        seen.lock().unwrap().push(request.clone());
        let (status, extra, body) = match handler(&request) {
            Action::Close => return,
            Action::Slow(delay, body) => {
                thread::sleep(delay);
                (200, vec![], body)
            }
            Action::Reply { status, headers, body } => (status, headers, body),
        };
        let mut head = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", body.len());
        for (n, v) in extra {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str("\r\n");
        // One write: a head and a body written apart wait for the client's delayed ACK.
        head.push_str(&body);
        if out.write_all(head.as_bytes()).is_err() {
            return;
        }
    }
}

fn aa_order() -> AutoAuthorize {
    AutoAuthorize::new().order_number(11111111)
}

fn dns_pro() -> PlaceOrder {
    PlaceOrder::new()
        .ap("brand")
        .reseller(true)
        .name("John Doe")
        .email_address("john@example.com")
        .item(PlaceOrderItem::product(WebProduct::WebDnsPro, Term::Year1).unwrap())
}

#[test]
fn posts_a_form_to_the_documented_path() {
    let server = Server::start(|_| reply("0\nSID0123456789abc\n1234567890\n"));
    let client = server.client().user_agent("panel/1.0").build().unwrap();
    let session = InitCustomerSession::new().order_number("1234567890").send(&client).unwrap();
    assert_eq!(session.sid, "SID0123456789abc");
    assert_eq!(session.order_number.as_deref(), Some("1234567890"));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/products/!initCustomerSession");
    assert!(r.header("content-type").unwrap().starts_with("application/x-www-form-urlencoded"));
    assert_eq!(r.header("user-agent"), Some("panel/1.0"));
    assert_eq!(r.body, "loginName=login_name&loginPassword=hunter2-secret&orderNumber=1234567890");
}

#[test]
fn one_client_reuses_one_connection() {
    let server = Server::start(|_| reply("0\n11111111\n22222222"));
    let client = server.client().build().unwrap();
    for _ in 0..100 {
        let done = aa_order().send(&client).unwrap();
        assert_eq!(done.sl_user_id.as_deref(), Some("11111111"));
    }
    assert_eq!(server.seen().len(), 100);
    assert_eq!(server.connections.load(Ordering::SeqCst), 1, "100 calls should share one keep-alive connection");
    // Clones share the pool too.
    let clone = client.clone();
    aa_order().send(&clone).unwrap();
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[test]
fn clients_are_shared_between_threads_each_keeping_its_connection() {
    // Answers slow enough that all 16 threads are in a call at once, each on a connection of its
    // own; every connection goes back to the pool and is reused, none is closed and made again.
    let server = Server::start(|_| Action::Slow(Duration::from_millis(5), "0\n".into()));
    let client = server.client().build().unwrap();
    let handles: Vec<_> = (0..16)
        .map(|_| {
            let client = client.clone();
            thread::spawn(move || {
                for _ in 0..20 {
                    aa_order().send(&client).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(server.seen().len(), 320);
    let connections = server.connections.load(Ordering::SeqCst);
    assert!(connections <= 16, "{connections} connections for 16 threads");
}

#[test]
fn timeout_of_a_read_call_is_a_transport_error() {
    let server = Server::start(|_| Action::Slow(Duration::from_secs(3), "0\nSID\n".into()));
    let client = server.client().timeout(Duration::from_millis(300)).build().unwrap();
    let started = Instant::now();
    let err = InitCustomerSession::new().order_number("1").send(&client).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    match err {
        Error::Transport(t) => assert_eq!(t.kind, TransportErrorKind::Timeout, "{t}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[test]
fn timeout_of_a_write_call_is_outcome_unknown_and_not_resent() {
    let server = Server::start(|_| Action::Slow(Duration::from_secs(3), "0\n".into()));
    let client = server.client().timeout(Duration::from_millis(300)).build().unwrap();
    let err = aa_order().send(&client).unwrap_err();
    assert!(err.outcome_unknown(), "{err:?}");
    let Error::OutcomeUnknown(lost) = &err else { panic!("{err:?}") };
    assert_eq!(lost.endpoint, "!AutoAuthorize");
    assert!(lost.request.iter().any(|(n, v)| n == "orderNumber" && v == "11111111"));
    assert!(!format!("{err:?} {err}").contains("hunter2"), "the password leaked: {err:?}");
    thread::sleep(Duration::from_millis(100));
    assert_eq!(server.seen().len(), 1, "a state-changing call must not be resent");
}

#[test]
fn connection_closed_after_the_request_is_outcome_unknown() {
    let server = Server::start(|_| Action::Close);
    let client = server.client().build().unwrap();
    let err = dns_pro().send(&client).unwrap_err();
    let Error::OutcomeUnknown(lost) = &err else { panic!("expected OutcomeUnknown, got {err:?}") };
    assert!(lost.request.iter().any(|(n, v)| n == "loginPassword" && v == "<redacted>"));
    assert!(lost.request.iter().any(|(n, v)| n == "1_PPP" && v == "9974"));
    assert!(err.to_string().contains("check the account before trying again"), "{err}");
    assert_eq!(server.seen().len(), 1, "not resent");
}

#[test]
fn refused_connection_is_a_plain_transport_error_even_for_orders() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .allow_http(true)
        .credentials("a", "b")
        .build()
        .unwrap();
    match dns_pro().send(&client).unwrap_err() {
        Error::Transport(t) => assert_eq!(t.kind, TransportErrorKind::Connect, "{t}"),
        other => panic!("nothing was sent, so the outcome is known: {other:?}"),
    }
}

#[test]
fn server_errors_and_unreadable_answers() {
    let server = Server::start(|r| {
        if r.target.ends_with("!AutoAuthorize") {
            Action::Reply { status: 503, headers: vec![], body: "<html>down</html>".into() }
        } else if r.target.ends_with("!initCustomerSession") {
            Action::Reply { status: 500, headers: vec![], body: "oops".into() }
        } else {
            reply("<html><body>Maintenance</body></html>")
        }
    });
    let client = server.client().build().unwrap();
    // A 5xx on a state-changing call: the server may have acted.
    let err = aa_order().send(&client).unwrap_err();
    let Error::OutcomeUnknown(lost) = &err else { panic!("{err:?}") };
    assert_eq!((lost.status, lost.raw.as_deref()), (Some(503), Some("<html>down</html>")));
    // The same on a read: a transport error carrying status and body.
    match InitCustomerSession::new().order_number("1").send(&client).unwrap_err() {
        Error::Transport(t) => {
            assert_eq!((t.kind, t.status, t.raw.as_deref()), (TransportErrorKind::Status, Some(500), Some("oops")))
        }
        other => panic!("{other:?}"),
    }
    // HTTP 200 with an HTML page to an order: its outcome is unknown; the page is kept.
    let err = dns_pro().send(&client).unwrap_err();
    let Error::OutcomeUnknown(lost) = &err else { panic!("{err:?}") };
    assert_eq!(lost.raw.as_deref(), Some("<html><body>Maintenance</body></html>"));
    assert!(lost.detail.contains("the answer is an HTML page"), "{lost}");
}

#[test]
fn statuses_of_state_changing_calls() {
    let server = Server::start(|r| {
        if r.target.ends_with("!AutoAuthorize") {
            // Refused before being acted on.
            Action::Reply { status: 404, headers: vec![], body: "<html>no such page</html>".into() }
        } else if r.target.ends_with("!PlaceOrder") {
            // A redirect nobody asked for, but carrying the answer.
            Action::Reply {
                status: 302,
                headers: vec![("Location", "https://secure.example/done?errorCode=0&orderNumber=5".into())],
                body: String::new(),
            }
        } else {
            reply("<html>not an answer</html>")
        }
    });
    let client = server.client().build().unwrap();
    match aa_order().send(&client).unwrap_err() {
        Error::Transport(t) => assert_eq!((t.kind, t.status), (TransportErrorKind::Status, Some(404))),
        other => panic!("a 404 is refused before anything happens: {other:?}"),
    }
    assert_eq!(dns_pro().send(&client).unwrap().order_number, "5");
    // A read call with an unreadable answer is a decoding error keeping the body.
    match InitCustomerSession::new().order_number("1").send(&client).unwrap_err() {
        Error::Decode(d) => {
            assert_eq!((d.raw.as_str(), d.may_have_taken_effect), ("<html>not an answer</html>", false))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn api_errors_are_typed_per_endpoint() {
    let server = Server::start(|r| {
        if r.target.ends_with("!AutoAuthorize") {
            reply("-27\nOrder 11111111 is not currently Awaiting Authorization/Rejection!\n")
        } else {
            reply(
                "errorCode=-16&errorItem=Incorrect%20login%20details%2C%20account%20is%20locked%2C%20password%20has%20expired%20or%20your%20source%20IP%20is%20blocked.",
            )
        }
    });
    let client = server.client().build().unwrap();
    match aa_order().send(&client).unwrap_err() {
        Error::Api(AutoAuthorizeError::OrderNotAwaitingAuthorization(e)) => {
            assert_eq!(e.code(), -27);
            assert_eq!(e.argument(), Some("11111111"));
        }
        other => panic!("{other:?}"),
    }
    match dns_pro().send(&client).unwrap_err() {
        Error::Api(e @ PlaceOrderError::AuthenticationFailed(_)) => {
            assert_eq!(e.code(), -16);
            assert!(e.message().unwrap().starts_with("Incorrect login details"));
            assert_eq!(e.item(), None);
            assert!(e.to_string().contains("!PlaceOrder failed with error -16"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn place_order_redirect_is_read_not_followed() {
    let server = Server::start(|r| {
        assert!(r.body.contains("successURL="));
        Action::Reply {
            status: 302,
            headers: vec![("Location", "http://shop.example/ok?errorCode=0&orderNumber=9597652".into())],
            body: String::new(),
        }
    });
    let client = server.client().build().unwrap();
    let placed = dns_pro().success_url("http://shop.example/ok").send(&client).unwrap();
    assert_eq!(placed.order_number, "9597652");
    assert_eq!(placed.response.quirks(), &[sectigo::Quirk::Redirect]);
    assert_eq!(server.seen().len(), 1, "the redirect is not followed");
}

#[test]
fn place_order_success_without_error_code() {
    let server = Server::start(|_| reply("orderNumber=9597652"));
    let client = server.client().build().unwrap();
    let placed = dns_pro().send(&client).unwrap();
    assert_eq!(placed.order_number, "9597652");
    assert_eq!(placed.response.quirks(), &[sectigo::Quirk::ErrorCodeMissing]);
}

#[test]
fn a_positive_error_code_is_never_reported_as_a_failed_order() {
    // With the order number: a success that exposes its code.
    let server = Server::start(|_| reply("errorCode=1&orderNumber=9597653"));
    let client = server.client().build().unwrap();
    let placed = dns_pro().send(&client).unwrap();
    assert_eq!((placed.order_number.as_str(), placed.response.code()), ("9597653", 1));
    assert_eq!(server.seen().len(), 1);

    // Without it: neither success nor failure. The order may exist: outcome unknown, not resent.
    let server = Server::start(|_| reply("errorCode=2&errorMessage=Queued"));
    let client = server.client().build().unwrap();
    let err = dns_pro().send(&client).unwrap_err();
    let Error::OutcomeUnknown(lost) = &err else { panic!("{err:?}") };
    assert_eq!(lost.raw.as_deref(), Some("errorCode=2&errorMessage=Queued"));
    assert_eq!(server.seen().len(), 1);
    // The same answer to a read call is an unreadable answer, its body kept.
    let server = Server::start(|_| reply("errorCode=2&errorMessage=Queued"));
    let client = server.client().build().unwrap();
    match InitCustomerSession::new()
        .order_number("1")
        .response_format(sectigo::ResponseFormat::UrlEncoded)
        .send(&client)
        .unwrap_err()
    {
        Error::Decode(d) => assert_eq!(
            (d.kind.as_str(), d.raw.as_str()),
            ("positive_code_without_fields", "errorCode=2&errorMessage=Queued")
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn signup_goes_to_the_configured_path() {
    let server = Server::start(|_| reply("errorCode=0&accountID=1&adminUserID=2&saspSessionID=s&orderNumber=3"));
    let client = server.client().endpoint_path("tier2_partner_signup", "/products/!T2Signup").build().unwrap();
    let done = common::minimal_signup().partner_type(sectigo::PartnerType::EPki).send(&client).unwrap();
    assert_eq!((done.account_id, done.admin_user_id, done.order_number.as_str()), (1, 2, "3"));
    assert_eq!(server.seen()[0].target, "/products/!T2Signup");
    assert!(!server.seen()[0].body.contains("loginName"));
}

#[test]
fn the_general_codes_are_known_on_every_endpoint_and_call_limit_is_retry_safe() {
    let server = Server::start(|r| {
        if r.target.ends_with("!AutoAuthorize") {
            reply("-42\nCall limit reached! Please try again later.\n")
        } else if r.target.ends_with("!PlaceOrder") {
            reply("errorCode=-42&errorMessage=Call%20limit%20reached!%20Please%20try%20again%20later.")
        } else {
            reply("errorCode=-14&errorMessage=An%20unknown%20error%20occurred!")
        }
    });
    let client = server.client().endpoint_path("tier2_partner_signup", "/products/!signup").build().unwrap();
    // -42 is not in !PlaceOrder's own table, yet it is read as the call limit, as everywhere.
    let err = dns_pro().send(&client).unwrap_err();
    assert!(matches!(&err, Error::Api(sectigo::PlaceOrderError::CallLimitReached(_))), "{err:?}");
    assert!(err.is_rate_limited() && err.retry_safe() && !err.may_have_taken_effect());
    let err = aa_order().send(&client).unwrap_err();
    assert!(matches!(&err, Error::Api(sectigo::AutoAuthorizeError::CallLimitReached(_))), "{err:?}");
    assert!(err.is_rate_limited() && err.retry_safe());
    // -14 from the general list on the signup, whose own table lacks it.
    let err = common::minimal_signup().partner_type(sectigo::PartnerType::EPki).send(&client).unwrap_err();
    assert!(matches!(&err, Error::Api(sectigo::Tier2PartnerSignupError::UnknownError(_))), "{err:?}");
    assert!(!err.is_rate_limited() && !err.retry_safe() && !err.may_have_taken_effect());
    // The name-keyed interface reads it the same way.
    let err = client.call(sectigo::dynamic::endpoint("!PlaceOrder").unwrap(), dns_pro().to_params()).unwrap_err();
    assert!(err.is_rate_limited() && err.retry_safe());
    // A connection never established: nothing was sent, so a retry is safe, even for an order.
    let nowhere =
        Client::builder().base_url("http://127.0.0.1:1").allow_http(true).credentials("l", "p").build().unwrap();
    let err = dns_pro().send(&nowhere).unwrap_err();
    assert!(err.retry_safe() && !err.may_have_taken_effect(), "{err:?}");
    // An order whose answer was lost: never safe to resend.
    let lost = Server::start(|_| Action::Close);
    let err = dns_pro().send(&lost.client().build().unwrap()).unwrap_err();
    assert!(!err.retry_safe() && err.may_have_taken_effect(), "{err:?}");
}

#[test]
fn raw_answers_are_kept_on_errors_and_bounded() {
    let page = format!("<html>{}</html>", "é".repeat(60 * 1024));
    let body = page.clone();
    let server = Server::start(move |r| {
        if r.target.ends_with("!PlaceOrder") {
            Action::Reply { status: 502, headers: vec![], body: body.clone() }
        } else {
            Action::Reply { status: 500, headers: vec![], body: body.clone() }
        }
    });
    let client = server.client().build().unwrap();
    let Error::Transport(t) = InitCustomerSession::new().order_number("1").send(&client).unwrap_err() else { panic!() };
    let kept = t.raw.unwrap();
    assert_eq!(kept.len(), sectigo::error::MAX_RAW, "64 KiB of a 120 KiB answer");
    assert!(page.starts_with(&kept));
    let Error::OutcomeUnknown(o) = dns_pro().send(&client).unwrap_err() else { panic!() };
    assert_eq!(o.raw.unwrap().len(), sectigo::error::MAX_RAW);
    // A small answer is kept whole.
    let server = Server::start(|_| Action::Reply { status: 503, headers: vec![], body: "busy".into() });
    let Error::Transport(t) =
        InitCustomerSession::new().order_number("1").send(&server.client().build().unwrap()).unwrap_err()
    else {
        panic!()
    };
    assert_eq!(t.raw.as_deref(), Some("busy"));
}

/// The connect timeout holds without the resolver's thread: a loopback listener that never
/// accepts, its backlog full, so the kernel drops the next handshake and `connect` waits.
#[test]
fn connect_timeout_against_a_full_backlog() {
    let (listener, _held, addr) = listener::black_hole();
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .allow_http(true)
        .credentials("login", "password")
        .connect_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(20))
        .retry_policy(sectigo::RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = InitCustomerSession::new().order_number("1").send(&client).unwrap_err();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(250) && waited < Duration::from_secs(5), "gave up after {waited:?}");
    match &err {
        Error::Transport(t) => assert_eq!(t.kind, TransportErrorKind::Timeout, "{t}"),
        other => panic!("expected a connect timeout, got {other:?}"),
    }
    drop(listener);
}
