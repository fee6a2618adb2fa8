//! The blocking HTTPS client: [`Client`] and what it holds (this module), its settings and
//! their checks ([`ClientBuilder`], in `builder.rs`), and a call on the wire (`call.rs`: the
//! retry loop, cancellation, one attempt and its log record).

mod builder;
mod call;

use std::borrow::Cow;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ureq::unversioned::transport::{ConnectProxyConnector, Connector, RustlsConnector};

pub use builder::{ClientBuilder, parse_resolve};

use crate::cancel::Cancel;
use crate::error::{ConfigError, Error};
use crate::meta::Endpoint;
use crate::proxy::ProxyUrl;
use crate::raw::{self, RawAnswer, RawOptions, RawRequest};
use crate::retry::RetryPolicy;
use crate::secret::{Credentials, Secret};
use crate::validate::{self, Form};
use crate::wire::Response;

/// Default limit for establishing a connection (DNS, TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit for a whole call, from connecting to the last byte of the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest `timeout` or `connect_timeout` a client accepts (one hour).
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);
/// A pooled connection idle longer than this is not used again. Servers commonly close idle
/// connections after about 5 s, and a request sent just as the server closes is lost.
pub const MAX_IDLE: Duration = Duration::from_secs(4);
/// A call that changes state (placing, authorizing an order, a partner signup) goes out only on
/// a connection idle for less than this, or on a new one: a server closes an idle connection
/// only after several seconds, so the call cannot cross the server's close, whose outcome
/// nobody could tell.
pub const WRITE_MAX_IDLE: Duration = Duration::from_secs(1);
/// Answers larger than this are refused (the API's answers are a few hundred bytes).
const MAX_BODY: u64 = 1024 * 1024;
/// Idle connections a client keeps for reuse. Each thread sharing a client holds a connection
/// of its own while it calls, and gives it back after: with fewer kept, a client shared by more
/// threads than this would close connections and open (and handshake) new ones all the time.
pub const MAX_IDLE_CONNECTIONS: usize = 64;

/// A blocking client for the API. Cheap to clone; clones share one connection pool and can be
/// used from many threads at once (the pool keeps up to [`MAX_IDLE_CONNECTIONS`] connections, one
/// per thread calling at the same time).
///
/// Every call is a POST with a form-encoded body (never a URL query, so passwords stay out of
/// URLs and logs). Calls that change state (placing an order, signing up a partner,
/// authorizing an order) are never resent: when their answer is lost, the call fails with
/// [`Error::OutcomeUnknown`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    /// The connection pool, of the process that built the client.
    agent: ureq::Agent,
    /// That process (see [`crate::fork`]).
    generation: u64,
    /// What a child process builds its own pool from.
    config: ureq::config::Config,
    pinned: Vec<(String, Vec<SocketAddr>)>,
    /// The proxy calls go through, if any.
    proxy: Option<ProxyUrl>,
    /// A child process's own pool, with its generation.
    forked: Mutex<Option<(u64, ureq::Agent)>>,
    retry: RetryPolicy,
    timeout: Duration,
    base_url: String,
    credentials: Option<Credentials>,
    /// Whether it logs in with a client certificate (which stands for the password).
    certificate: bool,
    paths: Vec<(&'static str, String)>,
    /// Every endpoint's URL that is known (documented or configured), parsed once.
    uris: Vec<(&'static str, ureq::http::Uri)>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("proxy", &self.inner.proxy)
            .field("paths", &self.inner.paths)
            .finish_non_exhaustive()
    }
}

/// A connection pool: ureq's connectors (CONNECT proxies, rustls) around a TCP transport that
/// makes fewer system calls per call, with a resolver that starts no thread per call. Every
/// failure while connecting is marked as happening before anything was sent.
fn new_agent(config: &ureq::config::Config, pinned: &[(String, Vec<SocketAddr>)]) -> ureq::Agent {
    let connector = crate::transport::MarkNotSent(
        ().chain(ConnectProxyConnector::default())
            .chain(crate::transport::TcpConnect::default())
            .chain(RustlsConnector::default()),
    );
    ureq::Agent::with_parts(config.clone(), connector, crate::resolve::Resolve::with_pinned(pinned.to_vec()))
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A client for another account sharing this client's connection pool and settings, checked
    /// as [`ClientBuilder::build`] checks a login: a client that logs in with a client
    /// certificate takes no password (the certificate stands for it), and a private host takes
    /// no password either.
    pub fn with_credentials(
        &self,
        login_name: impl Into<String>,
        login_password: impl Into<Secret>,
    ) -> Result<Client, ConfigError> {
        let credentials = builder::login(Some(login_name.into()), Some(login_password.into()), self.inner.certificate)?;
        builder::check_host_login(&self.inner.base_url, self.inner.certificate, credentials.is_some())?;
        Ok(Client {
            inner: Arc::new(Inner {
                agent: self.agent().into_owned(),
                generation: crate::fork::generation(),
                config: self.inner.config.clone(),
                pinned: self.inner.pinned.clone(),
                proxy: self.inner.proxy.clone(),
                forked: Mutex::new(None),
                retry: self.inner.retry,
                timeout: self.inner.timeout,
                base_url: self.inner.base_url.clone(),
                credentials,
                certificate: self.inner.certificate,
                paths: self.inner.paths.clone(),
                uris: self.inner.uris.clone(),
            }),
        })
    }

    /// This process's connection pool: the one the client was built with, or, in a child
    /// process after `fork()`, a new one of the child's own (see [`crate::fork`]).
    fn agent(&self) -> Cow<'_, ureq::Agent> {
        let generation = crate::fork::generation();
        if generation == self.inner.generation {
            return Cow::Borrowed(&self.inner.agent);
        }
        let mut forked = self.inner.forked.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match &*forked {
            Some((g, agent)) if *g == generation => Cow::Owned(agent.clone()),
            _ => {
                let agent = new_agent(&self.inner.config, &self.inner.pinned);
                // The parent's pool, if any, is dropped here: closing the copies of its sockets
                // sends nothing, and the parent's connections stay open.
                *forked = Some((generation, agent.clone()));
                Cow::Owned(agent)
            }
        }
    }

    /// The URL an endpoint is called at, or why there is none.
    pub fn url(&self, endpoint: &'static Endpoint) -> Result<String, ConfigError> {
        let configured = self.inner.paths.iter().find(|(id, _)| *id == endpoint.id).map(|(_, p)| p.as_str());
        match configured.or(endpoint.path) {
            Some(path) => Ok(format!("{}{path}", self.inner.base_url)),
            None => Err(ConfigError::new(format!(
                "the path of the {} endpoint is not stated in Sectigo's documents, so the SDK cannot \
                 guess it; set it on the client (Rust: ClientBuilder::endpoint_path(\"{}\", \"/products/...\"))",
                endpoint.title, endpoint.id
            ))),
        }
    }

    /// The parsed URL an endpoint is called at, or why there is none.
    fn uri(&self, endpoint: &'static Endpoint) -> Result<&ureq::http::Uri, ConfigError> {
        match self.inner.uris.iter().find(|(id, _)| *id == endpoint.id) {
            Some((_, uri)) => Ok(uri),
            None => Err(self.url(endpoint).err().unwrap_or_else(|| ConfigError::new("no URL"))),
        }
    }

    /// Checks `params` (name/value pairs, names case-insensitive) against the endpoint's rules,
    /// filling the credentials, without sending anything.
    pub fn prepare<N: AsRef<str>, V: Into<String>>(
        &self,
        endpoint: &'static Endpoint,
        params: impl IntoIterator<Item = (N, V)>,
    ) -> Result<Form, Error> {
        validate::prepare(endpoint, params, self.inner.credentials.as_ref()).map_err(Error::Validation)
    }

    /// Validates and sends a call; the answer is a success, or an [`Error::Api`].
    pub fn call<N: AsRef<str>, V: Into<String>>(
        &self,
        endpoint: &'static Endpoint,
        params: impl IntoIterator<Item = (N, V)>,
    ) -> Result<Response, Error> {
        self.uri(endpoint).map_err(Error::Config)?;
        let form = self.prepare(endpoint, params)?;
        self.send(&form)
    }

    /// [`call`](Self::call), stoppable from another thread through `cancel` (see
    /// [`crate::cancel`]).
    pub fn call_with_cancel<N: AsRef<str>, V: Into<String>>(
        &self,
        endpoint: &'static Endpoint,
        params: impl IntoIterator<Item = (N, V)>,
        cancel: &Cancel,
    ) -> Result<Response, Error> {
        self.uri(endpoint).map_err(Error::Config)?;
        let form = self.prepare(endpoint, params)?;
        self.send_with_cancel(&form, cancel)
    }

    /// Calls an endpoint that is not in the spec, by its path on the client's host (see
    /// [`crate::raw`]): the client's credentials first (unless `options` says not to), then
    /// `params` as given, form-encoded in a POST body.
    ///
    /// The answer is the status, content type and body as received, decoded when the body is
    /// text in either of the documents' formats; a negative `errorCode` is an [`Error::Api`].
    /// The call changes state unless `options` declares it read-only: once any byte of it may
    /// have reached the server it is not sent again, and a lost answer is
    /// [`Error::OutcomeUnknown`].
    ///
    /// ```no_run
    /// use sectigo::{Client, RawOptions};
    ///
    /// let client = Client::builder().credentials("login_name", "login_password").build()?;
    /// let answer = client.call_raw(
    ///     "/products/download/CollectSSL",
    ///     [("orderNumber", "1234567"), ("queryType", "0"), ("responseType", "3")],
    ///     RawOptions::new().read_only(true),
    /// )?;
    /// println!("{} {:?}: {:?}", answer.status(), answer.code(), answer.lines());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn call_raw<N: AsRef<str>, V: Into<String>>(
        &self,
        path: &str,
        params: impl IntoIterator<Item = (N, V)>,
        options: RawOptions,
    ) -> Result<RawAnswer, Error> {
        self.send_raw(&self.prepare_raw(path, params, options)?)
    }

    /// [`call_raw`](Self::call_raw), stoppable from another thread through `cancel` (see
    /// [`crate::cancel`]).
    pub fn call_raw_with_cancel<N: AsRef<str>, V: Into<String>>(
        &self,
        path: &str,
        params: impl IntoIterator<Item = (N, V)>,
        options: RawOptions,
        cancel: &Cancel,
    ) -> Result<RawAnswer, Error> {
        self.send_raw_with_cancel(&self.prepare_raw(path, params, options)?, cancel)
    }

    /// Checks a raw call and lays out what it sends, with the client's credentials (unless
    /// `options` says not to), without sending anything: an [`Error::Config`] for a path or a
    /// name that [`crate::raw`] refuses.
    pub fn prepare_raw<N: AsRef<str>, V: Into<String>>(
        &self,
        path: &str,
        params: impl IntoIterator<Item = (N, V)>,
        options: RawOptions,
    ) -> Result<RawRequest, Error> {
        raw::prepare(path, params, options, self.inner.credentials.as_ref()).map_err(Error::Config)
    }
}
