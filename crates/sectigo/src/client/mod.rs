//! The blocking HTTPS client.

use std::borrow::Cow;
use std::fmt;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ureq::unversioned::transport::{ConnectProxyConnector, Connector, RustlsConnector};

use crate::cancel::{self, Cancel};
use crate::error::{ApiError, ConfigError, Error, OutcomeUnknown, TransportError, TransportErrorKind};
use crate::generated::spec_data::{self, Host};
use crate::meta::{Effect, Endpoint};
use crate::proxy::{self, NoProxy, ProxyUrl};
use crate::retry::{self, RetryPolicy};
use crate::secret::{Credentials, Secret};
use crate::trust::{self, IdentityFiles, Roots};
use crate::validate::{self, Form};
use crate::wire::{self, RawResponse, Response};

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

/// Builds a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    login_name: Option<String>,
    login_password: Option<Secret>,
    base_url: String,
    connect_timeout: Duration,
    timeout: Duration,
    roots: Roots,
    root_pems: Vec<Vec<u8>>,
    root_files: Vec<PathBuf>,
    proxy: Option<Secret>,
    no_proxy: Option<String>,
    identity: IdentityFiles,
    user_agent: String,
    allow_http: bool,
    paths: Vec<(String, String)>,
    retry: RetryPolicy,
    resolve: Vec<(String, Vec<SocketAddr>)>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("login_name", &self.login_name)
            .field("login_password", &self.login_password)
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("roots", &self.roots)
            .field("extra_roots", &(self.root_pems.len() + self.root_files.len()))
            .field("proxy", &self.proxy.as_ref().map(|p| shown_proxy(p.expose())))
            .field("no_proxy", &self.no_proxy)
            .field("client_certificate", &self.identity)
            .field("user_agent", &self.user_agent)
            .field("allow_http", &self.allow_http)
            .field("paths", &self.paths)
            .field("retry", &self.retry)
            .field("resolve", &self.resolve)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            login_name: None,
            login_password: None,
            base_url: Host::Current.url().to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            roots: Roots::Bundled,
            root_pems: Vec::new(),
            root_files: Vec::new(),
            proxy: None,
            no_proxy: None,
            identity: IdentityFiles::default(),
            user_agent: concat!("sectigo-rust/", env!("CARGO_PKG_VERSION")).to_owned(),
            allow_http: false,
            paths: Vec::new(),
            retry: RetryPolicy::standard(),
            resolve: Vec::new(),
        }
    }
}

impl ClientBuilder {
    /// The account's user name and password, sent as `loginName`/`loginPassword` to the
    /// endpoints that take them.
    pub fn credentials(self, login_name: impl Into<String>, login_password: impl Into<Secret>) -> Self {
        self.login_name(login_name).login_password(login_password)
    }

    /// The account's user name alone: set the password too, or log in with a client
    /// certificate ([`client_cert`](Self::client_cert) or [`client_pkcs12`](Self::client_pkcs12)).
    pub fn login_name(mut self, login_name: impl Into<String>) -> Self {
        self.login_name = Some(login_name.into());
        self
    }

    /// The account's password alone (set the user name too).
    pub fn login_password(mut self, login_password: impl Into<Secret>) -> Self {
        self.login_password = Some(login_password.into());
        self
    }

    /// Logs in with a client certificate instead of a password: the certificate (PEM; the
    /// chain may follow it in the same file), presented in the TLS handshake. Set
    /// [`client_key`](Self::client_key) too, and [`login_name`](Self::login_name) to the account
    /// that owns the certificate; `loginPassword` is then neither required nor sent. Sectigo
    /// takes certificates on its private hosts only ([`Host::Private`] and
    /// [`Host::PrivateLegacy`]).
    pub fn client_cert(mut self, path: impl Into<PathBuf>) -> Self {
        self.identity.cert = Some(path.into());
        self
    }

    /// The private key (PEM, PKCS #8, PKCS #1 or SEC1) of [`client_cert`](Self::client_cert).
    pub fn client_key(mut self, path: impl Into<PathBuf>) -> Self {
        self.identity.key = Some(path.into());
        self
    }

    /// Logs in with the client certificate and key in a PKCS #12 file (`.p12`/`.pfx`, the form
    /// account holders are given), opened with
    /// [`client_pkcs12_password`](Self::client_pkcs12_password). As
    /// [`client_cert`](Self::client_cert) otherwise.
    pub fn client_pkcs12(mut self, path: impl Into<PathBuf>) -> Self {
        self.identity.pkcs12 = Some(path.into());
        self
    }

    /// The password of [`client_pkcs12`](Self::client_pkcs12) (none by default). Never shown,
    /// and wiped from memory when the builder is dropped.
    pub fn client_pkcs12_password(mut self, password: impl Into<Secret>) -> Self {
        self.identity.pkcs12_password = Some(password.into());
        self
    }

    /// When a failed call is sent again ([`RetryPolicy::standard`] by default; see
    /// [`crate::retry`] for what is ever retried). [`RetryPolicy::none`] turns retries off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Talk to one of the documented hosts ([`Host::Current`] is the default).
    pub fn host(mut self, host: Host) -> Self {
        self.base_url = host.url().to_owned();
        self
    }

    /// Talk to another server (a sandbox, a proxy): scheme, host and optional port, such as
    /// `https://127.0.0.1:8443`. Plain `http://` needs [`allow_http`](Self::allow_http).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Time allowed to establish a connection (default 10 s, at most [`MAX_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for a whole call, retries included (default 60 s, at most [`MAX_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The certificate authorities to start from: [`Roots::Bundled`] (Mozilla's list, built
    /// in; the default) or [`Roots::System`] (the operating system's store, which honours
    /// `SSL_CERT_FILE` and `SSL_CERT_DIR`). CA files and PEM text add to either.
    pub fn roots(mut self, roots: Roots) -> Self {
        self.roots = roots;
        self
    }

    /// The proxy to connect through: `http://[user:password@]host[:port]` or `https://...`
    /// (a proxy that supports `CONNECT`), or `"none"` for no proxy whatever the environment
    /// says. Without it, the environment is read as curl reads it (see [`crate::proxy`]). The
    /// password is never shown. SOCKS proxies are a [`ConfigError`].
    pub fn proxy(mut self, url: impl Into<Secret>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Hosts reached directly, not through the proxy: a comma-separated list of names (each
    /// with its subdomains), IP addresses, networks (`10.0.0.0/8`) or `*`. Without it, the
    /// `no_proxy`/`NO_PROXY` environment variable is read.
    pub fn no_proxy(mut self, list: impl Into<String>) -> Self {
        self.no_proxy = Some(list.into());
        self
    }

    /// Trusts the certificate authorities in this PEM text, in addition to the
    /// [`roots`](Self::roots).
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_pems.push(pem.into());
        self
    }

    /// Trusts the certificate authorities in this PEM file (read by [`build`](Self::build)), in
    /// addition to the [`roots`](Self::roots): the `ca_file` setting of the other languages.
    pub fn add_root_certificates_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.root_files.push(path.into());
        self
    }

    /// The `User-Agent` header: one line of text (a control character is a [`ConfigError`]).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Allows a plain `http://` base URL. For local testing only: the real service refuses
    /// plain HTTP, and passwords would cross the network in clear.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Sets the path of an endpoint (by id such as `tier2_partner_signup`, or by wire name),
    /// replacing the documented one. Needed for the Tier 2 partner signup, whose path the
    /// documents do not state.
    pub fn endpoint_path(mut self, endpoint: impl Into<String>, path: impl Into<String>) -> Self {
        self.paths.push((endpoint.into(), path.into()));
        self
    }

    /// Connects to these addresses for `host_port` (such as `api.example.com:443`) instead of
    /// looking the name up, in this order, like curl's `--resolve`. The host name is still the
    /// one checked against the server's certificate. Setting the same `host_port` again
    /// replaces its addresses.
    pub fn resolve(mut self, host_port: impl Into<String>, addrs: impl IntoIterator<Item = SocketAddr>) -> Self {
        let key = host_port.into();
        self.resolve.retain(|(k, _)| !k.eq_ignore_ascii_case(&key));
        self.resolve.push((key, addrs.into_iter().collect()));
        self
    }

    /// [`resolve`](Self::resolve) from curl's text form, `HOST:PORT:ADDR[,ADDR...]`, where each
    /// `ADDR` is an IP address (IPv6 in brackets) or an IP address and a port of its own
    /// (`127.0.0.1:8443`, `[::1]:8443`). The form the C, PHP, Python and command-line settings
    /// take.
    pub fn resolve_entry(self, entry: &str) -> Result<Self, ConfigError> {
        let (host_port, addrs) = parse_resolve(entry)?;
        Ok(self.resolve(host_port, addrs))
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, ConfigError> {
        check_time("timeout", self.timeout, false)?;
        check_time("connect_timeout", self.connect_timeout, false)?;
        check_time("retry max_delay", self.retry.max_delay, true)?;
        check_time("retry base_delay", self.retry.base_delay, true)?;
        if let Some((i, c)) = self.user_agent.char_indices().find(|(_, c)| c.is_control()) {
            return Err(ConfigError::new(format!(
                "user_agent: character {} ({:?}) is a control character; a header value is one line of printable text",
                self.user_agent[..i].chars().count() + 1,
                c
            )));
        }
        let mut pinned: Vec<(String, Vec<SocketAddr>)> = Vec::new();
        for (host_port, addrs) in self.resolve {
            let Some((host, port)) = host_port.rsplit_once(':') else {
                return Err(ConfigError::new(format!("resolve: {host_port:?} must be HOST:PORT")));
            };
            if host.is_empty() || port.parse::<u16>().is_err() {
                return Err(ConfigError::new(format!("resolve: {host_port:?} must be HOST:PORT")));
            }
            if addrs.is_empty() {
                return Err(ConfigError::new(format!("resolve: no address given for {host_port}")));
            }
            let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
            pinned.push((format!("{host}:{port}"), addrs));
        }
        let identity = trust::identity(&self.identity)?;
        let credentials = match (self.login_name, self.login_password, identity.is_some()) {
            (Some(name), None, true) => Some(Credentials::certificate(name)),
            (None, _, true) => {
                return Err(ConfigError::new(
                    "login_name: a client certificate needs the login name of the account that owns it",
                ));
            }
            (Some(_), Some(_), true) => {
                return Err(ConfigError::new(
                    "login_password: not used with a client certificate, which stands for it; leave it unset",
                ));
            }
            (Some(name), Some(password), false) => Some(Credentials::new(name, password)),
            (None, None, false) => None,
            (Some(_), None, false) => {
                return Err(ConfigError::new(
                    "login_password: a login name was set without a login password (or a client certificate)",
                ));
            }
            (None, Some(_), false) => return Err(ConfigError::new("login_name: a login password was set without a login name")),
        };
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        // On Sectigo's own hosts, the login must be the one the host takes.
        if let Some(host) = Host::ALL.iter().find(|h| h.url().eq_ignore_ascii_case(&base_url)) {
            match (host.client_certificate(), identity.is_some(), credentials.is_some()) {
                (false, true, _) => {
                    return Err(ConfigError::new(format!(
                        "client_cert: {} takes no client certificate; Sectigo takes them on the private hosts \
                         (host private or private_legacy)",
                        host.url()
                    )));
                }
                (true, false, true) => {
                    return Err(ConfigError::new(format!(
                        "login_password: {} takes a client certificate instead (client_cert and client_key, or \
                         client_pkcs12)",
                        host.url()
                    )));
                }
                _ => {}
            }
        }
        let lower = base_url.to_ascii_lowercase();
        let rest = if let Some(rest) = lower.strip_prefix("https://") {
            rest
        } else if let Some(rest) = lower.strip_prefix("http://") {
            if !self.allow_http {
                return Err(ConfigError::new(format!(
                    "base URL {base_url:?} is plain HTTP; the API needs HTTPS (allow plain HTTP explicitly for local testing)"
                )));
            }
            rest
        } else {
            return Err(ConfigError::new(format!("base URL {base_url:?} must start with https://")));
        };
        if rest.contains('@') {
            // Never echo it: the part before '@' may be a password.
            return Err(ConfigError::new("the base URL must not carry credentials (user:password@); use credentials()"));
        }
        if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
            return Err(ConfigError::new(format!(
                "base URL {base_url:?} must be scheme, host and optional port only (no path)"
            )));
        }
        let host = match rest.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(v6),
            None => rest.split(':').next().unwrap_or(rest),
        };
        let proxy = match &self.proxy {
            Some(text) if text.expose().trim().eq_ignore_ascii_case(proxy::NONE) => None,
            Some(text) => Some(ProxyUrl::parse(text.expose(), "proxy")?),
            None => proxy::from_environment(lower.starts_with("https://"))?.map(|(proxy, _)| proxy),
        };
        let no_proxy = match &self.no_proxy {
            Some(list) => NoProxy::parse(list, "no_proxy")?,
            None => proxy::no_proxy_from_environment()?,
        };
        let proxy = proxy.filter(|_| !no_proxy.matches(host));

        let mut paths = Vec::new();
        for (endpoint, path) in self.paths {
            let Some(found) = spec_data::endpoint(&endpoint) else {
                return Err(ConfigError::new(format!(
                    "endpoint_path: no endpoint {endpoint:?}; known: {}",
                    spec_data::ENDPOINTS.iter().map(|e| e.id).collect::<Vec<_>>().join(", ")
                )));
            };
            if !path.starts_with('/') || path.contains(['?', '#', ' ']) {
                return Err(ConfigError::new(format!(
                    "endpoint_path for {}: {path:?} must be a path starting with '/'",
                    found.id
                )));
            }
            paths.retain(|(id, _)| *id != found.id);
            paths.push((found.id, path));
        }
        let mut uris = Vec::new();
        for endpoint in spec_data::ENDPOINTS {
            let configured = paths.iter().find(|(id, _)| *id == endpoint.id).map(|(_, p)| p.as_str());
            if let Some(path) = configured.or(endpoint.path) {
                let uri = format!("{base_url}{path}")
                    .parse()
                    .map_err(|e| ConfigError::new(format!("the URL of {} is not valid: {e}", endpoint.title)))?;
                uris.push((endpoint.id, uri));
            }
        }

        let mut added = Vec::new();
        for path in &self.root_files {
            let pem = std::fs::read(path)
                .map_err(|e| ConfigError::new(format!("ca_file: cannot read {}: {e}", path.display())))?;
            added.extend(trust::parse_pem_certificates(&pem, &format!("ca_file {}", path.display()))?);
        }
        for (i, pem) in self.root_pems.iter().enumerate() {
            added.extend(trust::parse_pem_certificates(pem, &format!("root certificate PEM #{}", i + 1))?);
        }
        let root_certs = if added.is_empty() && self.roots == Roots::Bundled {
            ureq::tls::RootCerts::WebPki
        } else {
            let mut all = trust::load(self.roots)?;
            all.extend(added);
            ureq::tls::RootCerts::new_with_certs(&all)
        };
        let ureq_proxy = proxy.as_ref().map(ProxyUrl::to_ureq).transpose()?;

        let config = ureq::Agent::config_builder()
            .https_only(!self.allow_http)
            .http_status_as_error(false)
            .max_redirects(0)
            .max_idle_connections(MAX_IDLE_CONNECTIONS)
            .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
            .max_idle_age(MAX_IDLE)
            .timeout_global(Some(self.timeout))
            .timeout_connect(Some(self.connect_timeout))
            // Never ureq's own reading of the environment: the proxy was decided above.
            .proxy(ureq_proxy)
            .user_agent(self.user_agent.as_str())
            .tls_config(ureq::tls::TlsConfig::builder().root_certs(root_certs).client_cert(identity).build())
            .build();
        let agent = new_agent(&config, &pinned);
        Ok(Client {
            inner: Arc::new(Inner {
                agent,
                generation: crate::fork::generation(),
                config,
                pinned,
                proxy,
                forked: Mutex::new(None),
                retry: self.retry,
                timeout: self.timeout,
                base_url,
                credentials,
                paths,
                uris,
            }),
        })
    }
}

/// A connection pool: ureq's connectors (CONNECT proxies, rustls) around a TCP transport that
/// makes fewer system calls per call, with a resolver that starts no thread per call. Every
/// failure while connecting is marked as happening before anything was sent.
fn new_agent(config: &ureq::config::Config, pinned: &[(String, Vec<SocketAddr>)]) -> ureq::Agent {
    let connector = crate::transport::MarkNotSent(
        ()
            .chain(ConnectProxyConnector::default())
            .chain(crate::transport::TcpConnect::default())
            .chain(RustlsConnector::default()),
    );
    ureq::Agent::with_parts(config.clone(), connector, crate::resolve::Resolve::with_pinned(pinned.to_vec()))
}

/// A proxy setting as `Debug` shows it: parsed, with the password redacted; never the text.
fn shown_proxy(text: &str) -> String {
    if text.trim().eq_ignore_ascii_case(proxy::NONE) {
        return proxy::NONE.to_owned();
    }
    ProxyUrl::parse(text, "proxy").map_or_else(|_| "<not valid>".to_owned(), |p| p.to_string())
}

/// A time setting must be at most [`MAX_TIMEOUT`], and more than zero unless `zero_allowed`.
fn check_time(name: &str, value: Duration, zero_allowed: bool) -> Result<(), ConfigError> {
    if value > MAX_TIMEOUT {
        return Err(ConfigError::new(format!(
            "{name}: {} s is more than the most allowed, {} s",
            value.as_secs_f64(),
            MAX_TIMEOUT.as_secs()
        )));
    }
    if value.is_zero() && !zero_allowed {
        return Err(ConfigError::new(format!("{name}: must be more than zero")));
    }
    Ok(())
}

/// `HOST:PORT:ADDR[,ADDR...]` (see [`ClientBuilder::resolve_entry`]).
pub fn parse_resolve(entry: &str) -> Result<(String, Vec<SocketAddr>), ConfigError> {
    let bad = |why: &str| ConfigError::new(format!("resolve: {entry:?} {why}; the form is HOST:PORT:ADDR[,ADDR...]"));
    // The host may be an IPv6 address in brackets.
    let (host, rest) = if let Some(rest) = entry.strip_prefix('[') {
        let (host, rest) = rest.split_once(']').ok_or_else(|| bad("has an unclosed '['"))?;
        (host, rest.strip_prefix(':').ok_or_else(|| bad("has no port"))?)
    } else {
        entry.split_once(':').ok_or_else(|| bad("has no port"))?
    };
    let (port, addrs) = rest.split_once(':').ok_or_else(|| bad("has no address"))?;
    let port: u16 = port.parse().map_err(|_| bad("has no valid port"))?;
    if host.is_empty() {
        return Err(bad("has no host"));
    }
    let mut found = Vec::new();
    for addr in addrs.split(',').map(str::trim) {
        let parsed = addr
            .parse::<SocketAddr>()
            .or_else(|_| addr.trim_start_matches('[').trim_end_matches(']').parse().map(|ip| SocketAddr::new(ip, port)))
            .map_err(|_| bad(&format!("has {addr:?}, which is no IP address")))?;
        found.push(parsed);
    }
    Ok((format!("{host}:{port}"), found))
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

    /// A client for another account sharing this client's connection pool and settings.
    pub fn with_credentials(&self, login_name: impl Into<String>, login_password: impl Into<Secret>) -> Client {
        Client {
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
                credentials: Some(Credentials::new(login_name, login_password)),
                paths: self.inner.paths.clone(),
                uris: self.inner.uris.clone(),
            }),
        }
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

    /// Sends a checked form. A failure keeps at most [`MAX_RAW`](crate::error::MAX_RAW) bytes
    /// of the answer.
    ///
    /// A failed attempt is sent again only when that is provably safe (see [`crate::retry`]),
    /// after a wait, within the client's timeout.
    ///
    /// Logged (`log` target `sectigo`): each call at DEBUG level once it is over (endpoint,
    /// outcome, duration, `errorCode`, retries); each retry, and a call whose outcome is
    /// unknown, at WARNING level. No record holds a password or the request's values.
    pub fn send(&self, form: &Form) -> Result<Response, Error> {
        let started = std::time::Instant::now();
        let result = self.send_with_retries(form, None);
        log_call(form.endpoint(), started.elapsed(), &result);
        result
    }

    /// [`send`](Self::send), stoppable from another thread through `cancel` (see
    /// [`crate::cancel`]).
    pub fn send_with_cancel(&self, form: &Form, cancel: &Cancel) -> Result<Response, Error> {
        let Some(scope) = cancel.enter() else {
            return Err(Error::Config(ConfigError::new("a Cancel handle serves one call, and this one was used before")));
        };
        let started = std::time::Instant::now();
        let result = self.send_with_retries(form, Some(&scope));
        drop(scope);
        log_call(form.endpoint(), started.elapsed(), &result);
        result
    }

    fn send_with_retries(&self, form: &Form, scope: Option<&cancel::Scope>) -> Result<Response, Error> {
        let endpoint = form.endpoint();
        let policy = self.inner.retry;
        let deadline = std::time::Instant::now() + self.inner.timeout;
        let mut retries = 0;
        loop {
            if let Some(sent) = scope.and_then(cancel::Scope::stopped) {
                return Err(stopped(form, sent, None).with_retries(retries));
            }
            // The first attempt has the whole timeout, which the agent enforces as configured; a
            // retry gets what is left of it.
            let remaining = (retries > 0).then(|| deadline.saturating_duration_since(std::time::Instant::now()));
            let error = match self.send_once(form, remaining) {
                Ok(mut response) => {
                    response.set_retries(retries);
                    return Ok(response);
                }
                Err(e) => e.bound_raw(),
            };
            let safe = retry::reason(endpoint, &error);
            if let Some(sent) = scope.and_then(cancel::Scope::stopped) {
                // An attempt that provably did nothing leaves nothing sent, whatever the phase.
                let sent = sent && safe.is_none_or(|r| r == retry::Reason::ReadInterrupted);
                return Err(stopped(form, sent, Some(error)).with_retries(retries));
            }
            let Some(reason) = safe.filter(|_| retries < policy.max_retries) else {
                return Err(error.with_retries(retries));
            };
            let wait = policy.delay(retries + 1);
            // A retry must have time left to be worth making.
            if std::time::Instant::now() + wait + Duration::from_millis(50) >= deadline {
                log::warn!(target: "sectigo", "{}: not sent again ({}): the call's deadline is too near", endpoint.title, reason.as_str());
                return Err(error.with_retries(retries));
            }
            retries += 1;
            log::warn!(
                target: "sectigo",
                "{}: attempt {retries} failed ({}: {error}); sending it again in {} ms (retry {retries} of {})",
                endpoint.title,
                reason.as_str(),
                wait.as_millis(),
                policy.max_retries
            );
            match scope {
                Some(scope) => {
                    scope.attempt_did_nothing();
                    scope.sleep(wait);
                }
                None => std::thread::sleep(wait),
            }
        }
    }

    /// One attempt; `remaining` shortens the agent's timeout (for a retry).
    fn send_once(&self, form: &Form, remaining: Option<Duration>) -> Result<Response, Error> {
        let endpoint = form.endpoint();
        let uri = self.uri(endpoint).map_err(Error::Config)?;
        let write = endpoint.effect == Effect::Write;
        let lost = |detail: String, status: Option<u16>, raw: Option<String>| {
            Error::OutcomeUnknown(OutcomeUnknown {
                endpoint: endpoint.title,
                detail,
                status,
                raw,
                request: form.redacted(),
                retries: 0,
            })
        };
        let transport = |kind, detail: String, status, raw, not_sent| {
            Error::Transport(TransportError { kind, endpoint: endpoint.title, detail, status, raw, retries: 0, not_sent })
        };

        let agent = self.agent();
        let mut request = agent.post(uri.clone());
        if remaining.is_some() || write {
            let mut config = request.config();
            if let Some(remaining) = remaining {
                config = config.timeout_global(Some(remaining.max(Duration::from_millis(1))));
            }
            if write {
                config = config.max_idle_age(WRITE_MAX_IDLE);
            }
            request = config.build();
        }
        let result =
            request.header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8").send(form.encode().as_str());
        let mut response = match result {
            Ok(response) => response,
            Err(e) => {
                let (kind, not_sent) = classify(&e);
                let detail = crate::transport::not_sent_cause(&e).unwrap_or(&e).to_string();
                return Err(if write && !not_sent { lost(detail, None, None) } else { transport(kind, detail, None, None, not_sent) });
            }
        };
        let status = response.status().as_u16();
        let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = match response.body_mut().with_config().limit(MAX_BODY).read_to_vec() {
            Ok(body) => body,
            Err(e) => {
                let detail = format!("reading the answer failed: {e}");
                return Err(if write {
                    lost(detail, Some(status), None)
                } else {
                    transport(TransportErrorKind::Io, detail, Some(status), None, false)
                });
            }
        };

        match wire::decode(endpoint, form.pairs(), RawResponse { status, location, body }) {
            Ok(response) if response.is_success() => Ok(response),
            Ok(response) => Err(Error::Api(ApiError::from_response(response))),
            Err(e) if e.kind == wire::DecodeErrorKind::UnexpectedStatus => {
                let detail = format!("HTTP status {status}");
                // A 4xx (but 408) means the request was refused before it was acted on; a 5xx
                // or an unexpected redirect may come after the server acted.
                let refused = (400..500).contains(&status) && status != 408;
                if write && !refused {
                    Err(lost(detail, Some(status), Some(e.raw)))
                } else {
                    Err(transport(TransportErrorKind::Status, detail, Some(status), Some(e.raw), false))
                }
            }
            // An unreadable answer to a call that changes state leaves its outcome unknown.
            Err(e) if write => Err(lost(format!("the answer could not be read: {e}"), Some(status), Some(e.raw))),
            Err(e) => Err(Error::Decode(e)),
        }
    }
}

/// The failure of a call stopped through its cancel handle: with `sent`, after some of the
/// request may have left (a call that changes state then has an unknown outcome); `error` is
/// the attempt's own failure, if one was under way.
fn stopped(form: &Form, sent: bool, error: Option<Error>) -> Error {
    let endpoint = form.endpoint();
    if sent && endpoint.effect == Effect::Write {
        let (status, raw) = match &error {
            Some(Error::OutcomeUnknown(lost)) => (lost.status, lost.raw.clone()),
            _ => (None, None),
        };
        return Error::OutcomeUnknown(OutcomeUnknown {
            endpoint: endpoint.title,
            detail: "cancelled after its request was sent".to_owned(),
            status,
            raw,
            request: form.redacted(),
            retries: 0,
        });
    }
    Error::Transport(TransportError {
        kind: TransportErrorKind::Cancelled,
        endpoint: endpoint.title,
        detail: if sent { "cancelled after its request was sent" } else { "cancelled before anything was sent" }.to_owned(),
        status: None,
        raw: None,
        retries: 0,
        not_sent: !sent,
    })
}

/// The record of a finished call: DEBUG, or WARNING when its outcome is unknown (it may have
/// taken effect, and it is not sent again).
fn log_call(endpoint: &Endpoint, elapsed: Duration, result: &Result<Response, Error>) {
    let ms = elapsed.as_millis();
    match result {
        Ok(response) => log::debug!(
            target: "sectigo",
            "{}: ok in {ms} ms (errorCode {}, retries {})",
            endpoint.title,
            response.code(),
            response.retries()
        ),
        Err(Error::OutcomeUnknown(lost)) => log::warn!(
            target: "sectigo",
            "{}: outcome unknown after {ms} ms ({}): the call may have taken effect, so it is not sent again; \
             check before repeating it",
            endpoint.title,
            lost.detail
        ),
        Err(e) => {
            let code = match e {
                Error::Api(api) => api.code().to_string(),
                _ => "none".to_owned(),
            };
            log::debug!(
                target: "sectigo",
                "{}: {} error in {ms} ms (errorCode {code}, retries {})",
                endpoint.title,
                e.kind(),
                e.retries()
            );
        }
    }
}

/// Sorts a ureq error, and says whether it certainly happened before any of the request left:
/// by the phase it happened in (the transport marks every failure while resolving, connecting
/// and handshaking, and a write the system took nothing of), never by its wording.
fn classify(e: &ureq::Error) -> (TransportErrorKind, bool) {
    use ureq::Error as E;
    use ureq::Timeout as T;
    if let Some(cause) = crate::transport::not_sent_cause(e) {
        return (kind_of(cause, true), true);
    }
    let not_sent = match e {
        E::HostNotFound
        | E::ConnectionFailed
        | E::ConnectProxyFailed(_)
        | E::InvalidProxyUrl
        | E::BadUri(_)
        | E::RequireHttpsOnly(_)
        | E::Http(_)
        | E::TlsRequired
        | E::Pem(_) => true,
        E::Timeout(t) => matches!(t, T::Resolve | T::Connect),
        _ => rustls_error(e).is_some_and(handshake_refused),
    };
    (kind_of(e, not_sent), not_sent)
}

/// What kind of failure `e` is; `not_sent`: it happened while connecting.
fn kind_of(e: &ureq::Error, not_sent: bool) -> TransportErrorKind {
    use ureq::Error as E;
    if rustls_error(e).is_some() {
        return TransportErrorKind::Tls;
    }
    match e {
        E::HostNotFound | E::ConnectionFailed | E::ConnectProxyFailed(_) | E::InvalidProxyUrl => TransportErrorKind::Connect,
        E::Timeout(_) => TransportErrorKind::Timeout,
        E::Tls(_) => TransportErrorKind::Tls,
        E::Io(io) if io.kind() == ErrorKind::TimedOut => TransportErrorKind::Timeout,
        // While connecting, any I/O failure is one of connecting (a refused or reset connection,
        // an early end of the handshake).
        E::Io(_) if not_sent => TransportErrorKind::Connect,
        E::Io(_) => TransportErrorKind::Io,
        _ => TransportErrorKind::Other,
    }
}

/// The rustls error in `e`, if TLS failed (ureq reports it directly or inside an I/O error).
fn rustls_error(e: &ureq::Error) -> Option<&rustls::Error> {
    match e {
        ureq::Error::Rustls(tls) => Some(tls),
        ureq::Error::Io(io) => {
            let mut inner: &(dyn std::error::Error + 'static) = io.get_ref()?;
            loop {
                if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
                    return Some(tls);
                }
                if let Some(crate::transport::NotSent(cause)) = inner.downcast_ref() {
                    return rustls_error(cause);
                }
                inner = inner.downcast_ref::<std::io::Error>()?.get_ref()?;
            }
        }
        _ => None,
    }
}

/// A TLS failure that only a handshake can produce: the server refused the handshake (a
/// certificate it would not take, a missing client certificate) or ours refused the server's.
/// A server never acts on a request sent on a connection whose handshake it refused; with TLS
/// 1.3 the client may have sent its request before the server's verdict came, which is why this
/// is decided by the alert and not by the phase.
fn handshake_refused(e: &rustls::Error) -> bool {
    use rustls::AlertDescription as A;
    match e {
        rustls::Error::InvalidCertificate(_)
        | rustls::Error::NoCertificatesPresented
        | rustls::Error::PeerIncompatible(_)
        | rustls::Error::UnsupportedNameType => true,
        rustls::Error::AlertReceived(alert) => matches!(
            alert,
            A::HandshakeFailure
                | A::BadCertificate
                | A::UnsupportedCertificate
                | A::CertificateRevoked
                | A::CertificateExpired
                | A::CertificateUnknown
                | A::UnknownCA
                | A::CertificateRequired
                | A::ProtocolVersion
                | A::InsufficientSecurity
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_before_sending_are_known_not_to_have_sent() {
        let io = |kind, text: &str| ureq::Error::Io(std::io::Error::new(kind, text.to_owned()));
        let marked = |e| crate::transport::not_sent(e);
        for (e, kind) in [
            (marked(io(ErrorKind::Other, "failed to lookup address information")), TransportErrorKind::Connect),
            (marked(io(ErrorKind::PermissionDenied, "permission denied")), TransportErrorKind::Connect),
            (marked(io(ErrorKind::ConnectionReset, "reset during the handshake")), TransportErrorKind::Connect),
            (marked(ureq::Error::Timeout(ureq::Timeout::Global)), TransportErrorKind::Timeout),
            (marked(ureq::Error::Rustls(rustls::Error::DecryptError)), TransportErrorKind::Tls),
            // TLS 1.3: the server's verdict on the client certificate may come after the request.
            (alert(rustls::AlertDescription::CertificateRequired), TransportErrorKind::Tls),
            (alert(rustls::AlertDescription::HandshakeFailure), TransportErrorKind::Tls),
            (ureq::Error::HostNotFound, TransportErrorKind::Connect),
            (ureq::Error::Timeout(ureq::Timeout::Connect), TransportErrorKind::Timeout),
        ] {
            assert_eq!(classify(&e), (kind, true), "{e} happens before anything is sent");
        }
        // Marked twice, found once; the text is the cause's.
        let twice = marked(marked(io(ErrorKind::ConnectionRefused, "connection refused")));
        assert_eq!(crate::transport::not_sent_cause(&twice).unwrap().to_string(), "io: connection refused");
        for e in [
            io(ErrorKind::ConnectionReset, "connection reset by peer"),
            io(ErrorKind::UnexpectedEof, "peer closed connection"),
            io(ErrorKind::Other, "failed to lookup address information: unmarked text is not trusted"),
            ureq::Error::Timeout(ureq::Timeout::RecvResponse),
            ureq::Error::Timeout(ureq::Timeout::Global),
            ureq::Error::Rustls(rustls::Error::AlertReceived(rustls::AlertDescription::CloseNotify)),
        ] {
            assert!(!classify(&e).1, "{e} may come after the request was sent");
        }
    }

    /// A TLS alert received, as rustls reports it through ureq: inside an I/O error.
    fn alert(alert: rustls::AlertDescription) -> ureq::Error {
        ureq::Error::Io(std::io::Error::new(ErrorKind::InvalidData, rustls::Error::AlertReceived(alert)))
    }
}
