//! A fake of Sectigo's reseller "products" API on loopback, for tests and demos.
//!
//! Its checks of a call's parameters come from the SDK's spec (lengths, allowed values,
//! requirements, the rules between parameters: [`spec`]), as the clients' do, so an edit of
//! `spec/` reaches both; what it does with a call (accounts, orders, credit, states) is written
//! from Sectigo's documents, and where it deliberately answers otherwise than the spec, the
//! difference is named in [`differences`]. It serves HTTPS with a certificate from a CA it generates at
//! start (and, on request, plain HTTP, where API calls get -1 unless told otherwise), keeps
//! accounts, orders and Tier 2 partners, and can be told to misbehave (delays, lost answers,
//! HTTP errors, garbage) for reliability tests, and told what to answer on any path (programmed
//! answers, for endpoints outside the spec).
//!
//! ```no_run
//! let sandbox = sectigo_sandbox::Sandbox::start(sectigo_sandbox::Config::default())?;
//! println!("{} (trust {})", sandbox.https_url(), sandbox.ca_pem().len());
//! # Ok::<(), String>(())
//! ```

pub mod api;
pub mod cli;
pub mod differences;
pub mod http;
pub mod spec;
pub mod state;
pub mod tinyproxy;
pub mod tls;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

pub use api::{ApiConfig, Generation, RateLimit};
pub use http::{AnswerRule, Answered, Counters, Fault, FaultRule, HandshakeFault};
pub use spec::Endpoint;
pub use state::{Seed, State, Status};

/// Where the Tier 2 partner signup is served. Sectigo's documents do not give its path; this
/// one is the sandbox's own, and clients must be configured with it.
pub const DEFAULT_SIGNUP_PATH: &str = "/products/!sandboxTier2PartnerSignup";

/// How to run a sandbox.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (loopback by default).
    pub bind: IpAddr,
    /// HTTPS port; 0 picks a free one.
    pub port: u16,
    /// Also serve plain HTTP on this port (0 picks a free one).
    pub http_port: Option<u16>,
    /// API behaviour.
    pub api: ApiConfig,
    /// Initial state.
    pub seed: Seed,
    /// Log every API call through the `log` crate (target `sectigo_sandbox`, level info): the
    /// method, path, parameters with every password redacted, HTTP status and `errorCode`.
    pub log: bool,
    /// Most connections served at once (both listeners); one more is answered 503 and closed.
    pub max_connections: usize,
    /// A connection with no request for this long is closed.
    pub idle_timeout: Duration,
    /// When set, each connection's idle limit is drawn at random between this and
    /// [`idle_timeout`](Self::idle_timeout): a server that closes idle connections at moments a
    /// client cannot predict.
    pub idle_timeout_min: Option<Duration>,
    /// A connection past its idle limit is forgotten without telling the client, as a load
    /// balancer that drops idle connections does (or as any server does while its close is on
    /// the way): a request that comes on it later is dropped unanswered.
    pub idle_close_silent: bool,
    /// Also serve HTTPS on this port (0 picks a free one) with a client certificate required,
    /// like Sectigo's private hosts: calls log in with [`Sandbox::mint_client_certificate`]'s
    /// certificates and `loginName` (any `loginPassword` is ignored), and one naming another
    /// account than the certificate's is answered -16.
    pub private_port: Option<u16>,
    /// Also start an egress proxy on loopback (Debian's `tinyproxy`, which must be installed),
    /// with a password, for tests of clients behind a proxy; see [`Sandbox::proxy`].
    pub tinyproxy: bool,
}

/// Default of [`Config::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// Default of [`Config::idle_timeout`].
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            http_port: None,
            api: ApiConfig {
                accept_plain_http: false,
                generation: Generation::Current,
                signup_path: DEFAULT_SIGNUP_PATH.to_owned(),
                quirks: false,
                rate_limit: None,
            },
            seed: Seed::defaults(),
            log: false,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            idle_timeout_min: None,
            idle_close_silent: false,
            private_port: None,
            tinyproxy: false,
        }
    }
}

/// A running sandbox; stops when dropped.
#[derive(Debug)]
pub struct Sandbox {
    shared: Arc<http::Shared>,
    https: SocketAddr,
    http: Option<SocketAddr>,
    private: Option<SocketAddr>,
    tls: Arc<tls::Tls>,
    ca_pem: String,
    stop: Arc<AtomicBool>,
    proxy: Option<tinyproxy::TinyProxy>,
}

impl Sandbox {
    /// Generates the CA, binds the listeners and starts serving in background threads.
    pub fn start(config: Config) -> Result<Sandbox, String> {
        let (bind, port, http_port, private_port) = (config.bind, config.port, config.http_port, config.private_port);
        let proxy = if config.tinyproxy { Some(tinyproxy::TinyProxy::start()?) } else { None };
        let shared = Arc::new(http::Shared::new(config)?);
        let tls = Arc::new(tls::generate()?);
        let stop = Arc::new(AtomicBool::new(false));
        let bind =
            |port: u16| TcpListener::bind((bind, port)).map_err(|e| format!("cannot listen on {bind}:{port}: {e}"));
        let https_listener = bind(port)?;
        let https = https_listener.local_addr().map_err(|e| e.to_string())?;
        {
            let (shared, stop, tls) = (shared.clone(), stop.clone(), tls.clone());
            let refuse_config = tls.config.clone();
            accept_loop(
                https_listener,
                stop,
                shared,
                move |tcp, shared| http::serve_tls(tcp, &tls, shared),
                move |tcp, shared| http::refuse_tls(tcp, refuse_config.clone(), shared),
            );
        }
        let http = match http_port {
            None => None,
            Some(port) => {
                let listener = bind(port)?;
                let addr = listener.local_addr().map_err(|e| e.to_string())?;
                accept_loop(listener, stop.clone(), shared.clone(), http::serve_plain, http::refuse_plain);
                Some(addr)
            }
        };
        let private = match private_port {
            None => None,
            Some(port) => {
                let listener = bind(port)?;
                let addr = listener.local_addr().map_err(|e| e.to_string())?;
                let (tls, refuse_config) = (tls.clone(), tls.private.clone());
                accept_loop(
                    listener,
                    stop.clone(),
                    shared.clone(),
                    move |tcp, shared| http::serve_private(tcp, &tls, shared),
                    move |tcp, shared| http::refuse_tls(tcp, refuse_config.clone(), shared),
                );
                Some(addr)
            }
        };
        Ok(Sandbox { shared, https, http, private, ca_pem: tls.ca_pem.clone(), tls, stop, proxy })
    }

    /// `https://127.0.0.1:PORT`.
    pub fn https_url(&self) -> String {
        url("https", self.https)
    }

    /// `http://127.0.0.1:PORT`, when plain HTTP is served.
    pub fn http_url(&self) -> Option<String> {
        self.http.map(|a| url("http", a))
    }

    /// The HTTPS port.
    pub fn port(&self) -> u16 {
        self.https.port()
    }

    /// The CA certificate (PEM) that signed the server certificate; trust it to connect.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// `https://127.0.0.1:PORT` of the listener that requires a client certificate
    /// ([`Config::private_port`]).
    pub fn private_url(&self) -> Option<String> {
        self.private.map(|a| url("https", a))
    }

    /// A new client certificate for the account `login_name` (which need not exist: a call
    /// with it is then refused), signed by the sandbox's CA, its PKCS #12 file locked with
    /// `pkcs12_password`.
    pub fn mint_client_certificate(
        &self,
        login_name: &str,
        pkcs12_password: &str,
    ) -> Result<tls::ClientCertificate, String> {
        let minted = self.tls.mint(login_name, pkcs12_password)?;
        self.shared.add_client_certificate(minted.der.clone(), login_name);
        Ok(minted)
    }

    /// The egress proxy started with [`Config::tinyproxy`].
    pub fn proxy(&self) -> Option<&tinyproxy::TinyProxy> {
        self.proxy.as_ref()
    }

    /// Path of the Tier 2 partner signup.
    pub fn signup_path(&self) -> &str {
        &self.shared.api.config.signup_path
    }

    /// Connections accepted and requests per endpoint so far.
    pub fn counters(&self) -> Counters {
        self.shared.counters()
    }

    /// Adds a fault rule (rules apply in the order added).
    pub fn inject(&self, rule: FaultRule) {
        self.shared.faults.add(rule);
    }

    /// Programs what the sandbox answers on a path (rules apply in the order added; the first
    /// for a path answers), for endpoints the spec does not have.
    pub fn program(&self, rule: AnswerRule) {
        self.shared.answers.add(rule);
    }

    /// Removes every programmed answer, and forgets the requests they answered.
    pub fn clear_answers(&self) {
        self.shared.answers.clear();
    }

    /// The requests programmed answers were for, oldest first (the latest 100), secret values
    /// redacted.
    pub fn answered(&self) -> Vec<http::Answered> {
        self.shared.answers.answered()
    }

    /// Sets the counters back to zero.
    pub fn reset_counters(&self) {
        self.shared.reset_counters();
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Reads or changes the state.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.shared.api.state.lock().unwrap())
    }

    /// What a harness needs to use the sandbox, as printed by the binary at start.
    pub fn info(&self) -> serde_json::Value {
        let state = self.shared.api.state.lock().unwrap();
        serde_json::json!({
            "event": "ready",
            "https_url": self.https_url(),
            "http_url": self.http_url(),
            "port": self.https.port(),
            "http_port": self.http.map(|a| a.port()),
            "private_url": self.private_url(),
            "signup_path": self.signup_path(),
            "accept_plain_http": self.shared.api.config.accept_plain_http,
            "generation": format!("{:?}", self.shared.api.config.generation).to_lowercase(),
            "accounts": state.accounts.iter().map(|a| serde_json::json!({
                "login_name": a.login_name,
                "login_password": a.login_password,
                "brand": a.brand,
                "credit_cents": a.credit_cents,
            })).collect::<Vec<_>>(),
            "orders": state.orders.values().map(|o| serde_json::json!({
                "number": o.number, "account": o.account, "status": o.status,
                "sitelock_only": o.sitelock_only, "replaced_by": o.replaced_by,
            })).collect::<Vec<_>>(),
            "products": state.products,
            "proxy": self.proxy.as_ref().map(|p| serde_json::json!({
                "url": p.url(),
                "log": p.log_path(),
            })),
        })
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loops so they see the flag.
        for addr in std::iter::once(self.https).chain(self.http).chain(self.private) {
            let _ = TcpStream::connect_timeout(&addr, Duration::from_millis(200));
        }
    }
}

fn url(scheme: &str, addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V6(ip) => format!("{scheme}://[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("{scheme}://{ip}:{}", addr.port()),
    }
}

fn accept_loop(
    listener: TcpListener,
    stop: Arc<AtomicBool>,
    shared: Arc<http::Shared>,
    serve: impl Fn(TcpStream, &http::Shared) + Send + Sync + Clone + 'static,
    refuse: impl Fn(TcpStream, &http::Shared) + Send + 'static,
) {
    thread::spawn(move || {
        for tcp in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            let Ok(tcp) = tcp else { continue };
            // One thread per connection, up to the cap; the next one hears why it is refused.
            if !shared.open_connection() {
                refuse(tcp, &shared);
                continue;
            }
            let (shared, serve) = (shared.clone(), serve.clone());
            thread::spawn(move || {
                serve(tcp, &shared);
                shared.close_connection();
            });
        }
    });
}
