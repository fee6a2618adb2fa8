//! [`ClientBuilder`]: the client's settings, and the checks that build a [`Client`] from them.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{
    Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Inner, MAX_IDLE, MAX_IDLE_CONNECTIONS, MAX_TIMEOUT, new_agent,
};
use crate::error::ConfigError;
use crate::generated::spec_data::{self, Host};
use crate::proxy::{self, NoProxy, ProxyUrl};
use crate::retry::RetryPolicy;
use crate::secret::{Credentials, Secret};
use crate::trust::{self, IdentityFiles, Roots};

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

    /// How many times a failed call may be sent again, when that is provably safe (the
    /// [`retry_policy`](Self::retry_policy)'s `max_retries`; 0: never).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry.max_retries = max_retries;
        self
    }

    /// The bound of the first wait before a retry (the [`retry_policy`](Self::retry_policy)'s
    /// `base_delay`).
    pub fn retry_base_delay(mut self, delay: Duration) -> Self {
        self.retry.base_delay = delay;
        self
    }

    /// The largest bound of a wait before a retry (the [`retry_policy`](Self::retry_policy)'s
    /// `max_delay`).
    pub fn retry_max_delay(mut self, delay: Duration) -> Self {
        self.retry.max_delay = delay;
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

    /// Checks the settings and builds the client. Every check has a function of its own below;
    /// each failure is a [`ConfigError`] naming the setting.
    pub fn build(self) -> Result<Client, ConfigError> {
        check_time("timeout", self.timeout, false)?;
        check_time("connect_timeout", self.connect_timeout, false)?;
        check_time("retry max_delay", self.retry.max_delay, true)?;
        check_time("retry base_delay", self.retry.base_delay, true)?;
        check_user_agent(&self.user_agent)?;
        let pinned = pinned_addresses(self.resolve)?;
        let identity = trust::identity(&self.identity)?;
        let certificate = identity.is_some();
        let credentials = login(self.login_name, self.login_password, certificate)?;
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        check_host_login(&base_url, certificate, credentials.is_some())?;
        let host = host_of(&base_url, self.allow_http)?;
        let proxy = choose_proxy(self.proxy.as_ref(), self.no_proxy.as_deref(), &base_url, &host)?;
        let paths = endpoint_paths(self.paths)?;
        let uris = endpoint_uris(&base_url, &paths)?;
        let root_certs = root_certificates(self.roots, &self.root_files, &self.root_pems)?;
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
                certificate,
                paths,
                uris,
            }),
        })
    }
}

/// The `User-Agent` header is one line of printable text.
fn check_user_agent(user_agent: &str) -> Result<(), ConfigError> {
    match user_agent.char_indices().find(|(_, c)| c.is_control()) {
        Some((i, c)) => Err(ConfigError::new(format!(
            "user_agent: character {} ({:?}) is a control character; a header value is one line of printable text",
            user_agent[..i].chars().count() + 1,
            c
        ))),
        None => Ok(()),
    }
}

/// The `resolve` entries as `host:port` (lower case, IPv6 without brackets) and their
/// addresses.
fn pinned_addresses(resolve: Vec<(String, Vec<SocketAddr>)>) -> Result<Vec<(String, Vec<SocketAddr>)>, ConfigError> {
    let mut pinned = Vec::new();
    for (host_port, addrs) in resolve {
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
    Ok(pinned)
}

/// The login the settings make: a name and password, or a name with a client certificate
/// (`certificate`), which stands for the password; or none.
pub(super) fn login(
    login_name: Option<String>,
    login_password: Option<Secret>,
    certificate: bool,
) -> Result<Option<Credentials>, ConfigError> {
    match (login_name, login_password, certificate) {
        (Some(name), None, true) => Ok(Some(Credentials::certificate(name))),
        (None, _, true) => {
            Err(ConfigError::new("login_name: a client certificate needs the login name of the account that owns it"))
        }
        (Some(_), Some(_), true) => Err(ConfigError::new(
            "login_password: not used with a client certificate, which stands for it; leave it unset",
        )),
        (Some(name), Some(password), false) => Ok(Some(Credentials::new(name, password))),
        (None, None, false) => Ok(None),
        (Some(_), None, false) => Err(ConfigError::new(
            "login_password: a login name was set without a login password (or a client certificate)",
        )),
        (None, Some(_), false) => Err(ConfigError::new("login_name: a login password was set without a login name")),
    }
}

/// On Sectigo's own hosts, the login must be the one the host takes: a client certificate on
/// the private hosts only, and no password there.
pub(super) fn check_host_login(base_url: &str, certificate: bool, credentials: bool) -> Result<(), ConfigError> {
    let Some(host) = Host::ALL.iter().find(|h| h.url().eq_ignore_ascii_case(base_url)) else { return Ok(()) };
    match (host.client_certificate(), certificate, credentials) {
        (false, true, _) => Err(ConfigError::new(format!(
            "client_cert: {} takes no client certificate; Sectigo takes them on the private hosts \
             (host private or private_legacy)",
            host.url()
        ))),
        (true, false, true) => Err(ConfigError::new(format!(
            "login_password: {} takes a client certificate instead (client_cert and client_key, or \
             client_pkcs12)",
            host.url()
        ))),
        _ => Ok(()),
    }
}

/// The host of the base URL, which must be `https://` (or `http://` when allowed), a host and
/// an optional port, with no credentials and no path.
fn host_of(base_url: &str, allow_http: bool) -> Result<String, ConfigError> {
    let lower = base_url.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("https://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        if !allow_http {
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
    Ok(host.to_owned())
}

/// The proxy calls to `host` go through: the setting (`"none"` for none), else the
/// environment's, unless `no_proxy` (the setting, else the environment's) lists the host.
fn choose_proxy(
    setting: Option<&Secret>,
    no_proxy: Option<&str>,
    base_url: &str,
    host: &str,
) -> Result<Option<ProxyUrl>, ConfigError> {
    let proxy = match setting {
        Some(text) if text.expose().trim().eq_ignore_ascii_case(proxy::NONE) => None,
        Some(text) => Some(ProxyUrl::parse(text.expose(), "proxy")?),
        None => proxy::from_environment(base_url.to_ascii_lowercase().starts_with("https://"))?.map(|(proxy, _)| proxy),
    };
    let no_proxy = match no_proxy {
        Some(list) => NoProxy::parse(list, "no_proxy")?,
        None => proxy::no_proxy_from_environment()?,
    };
    Ok(proxy.filter(|_| !no_proxy.matches(host)))
}

/// The `endpoint_path` settings, each for an endpoint of the spec (by id or wire name), the
/// last one for an endpoint winning.
fn endpoint_paths(settings: Vec<(String, String)>) -> Result<Vec<(&'static str, String)>, ConfigError> {
    let mut paths = Vec::new();
    for (endpoint, path) in settings {
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
    Ok(paths)
}

/// Every endpoint's URL that is known (configured, else documented), parsed once.
fn endpoint_uris(
    base_url: &str,
    paths: &[(&'static str, String)],
) -> Result<Vec<(&'static str, ureq::http::Uri)>, ConfigError> {
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
    Ok(uris)
}

/// The certificate authorities the client trusts: `roots`, and the CA files and PEM texts
/// added to them.
fn root_certificates(roots: Roots, files: &[PathBuf], pems: &[Vec<u8>]) -> Result<ureq::tls::RootCerts, ConfigError> {
    let mut added = Vec::new();
    for path in files {
        let pem = std::fs::read(path)
            .map_err(|e| ConfigError::new(format!("ca_file: cannot read {}: {e}", path.display())))?;
        added.extend(trust::parse_pem_certificates(&pem, &format!("ca_file {}", path.display()))?);
    }
    for (i, pem) in pems.iter().enumerate() {
        added.extend(trust::parse_pem_certificates(pem, &format!("root certificate PEM #{}", i + 1))?);
    }
    if added.is_empty() && roots == Roots::Bundled {
        return Ok(ureq::tls::RootCerts::WebPki);
    }
    let mut all = trust::load(roots)?;
    all.extend(added);
    Ok(ureq::tls::RootCerts::new_with_certs(&all))
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
