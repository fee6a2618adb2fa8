//! Proxies: the `proxy` and `no_proxy` settings, and the environment, read the way curl reads it.
//!
//! A client talks to one host, so whether it goes through a proxy is decided once, when it is
//! built:
//!
//! - the `proxy` setting: an `http://` or `https://` URL of a proxy that supports `CONNECT`,
//!   optionally with `user:password@` (percent-encoded; never shown), or [`NONE`], which
//!   ignores the environment. Without a port, an `http://` proxy is on port 1080 and an
//!   `https://` one on 443, as curl has it.
//! - without it, the environment: `https_proxy`, then `HTTPS_PROXY`, then `all_proxy`, then
//!   `ALL_PROXY` (for a plain `http://` base URL: `http_proxy`, `HTTP_PROXY`, then the same
//!   two). Upper-case `HTTP_PROXY` is ignored when `REQUEST_METHOD` is set: in a CGI program a
//!   request's `Proxy:` header arrives as `HTTP_PROXY` ("httpoxy"). Empty values count as unset.
//! - the `no_proxy` setting, or else `no_proxy`/`NO_PROXY`: a comma-separated list of host
//!   names (each matching itself and its subdomains, a leading `.` or `*.` allowed), IP
//!   addresses, networks (`10.0.0.0/8`, `fd00::/8`), or `*` for every host.
//!
//! SOCKS proxies are not supported: a `socks…://` proxy, set or from the environment, is a
//! [`ConfigError`] that names it, never a silent direct connection.

use std::fmt;
use std::net::IpAddr;

use crate::error::ConfigError;
use crate::secret::Secret;

/// What a user name must escape to sit in a URL's user part.
const USERINFO: &percent_encoding::AsciiSet =
    &percent_encoding::CONTROLS.add(b' ').add(b':').add(b'@').add(b'/').add(b'%').add(b'?').add(b'#');

/// The `proxy` value that turns proxies off, whatever the environment says.
pub const NONE: &str = "none";

/// The environment variables a client may read for its proxy, in the order it reads them.
pub const ENVIRONMENT: &[&str] = &[
    "https_proxy",
    "HTTPS_PROXY",
    "http_proxy",
    "HTTP_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
    "REQUEST_METHOD",
];

/// A proxy, parsed. `Display` and `Debug` show the password as `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    https: bool,
    /// Without brackets for IPv6.
    host: String,
    port: u16,
    user: Option<String>,
    password: Option<Secret>,
}

impl ProxyUrl {
    /// Parses a proxy URL; `setting` names where it came from, in errors (which never quote the
    /// text: it may hold a password).
    pub fn parse(text: &str, setting: &str) -> Result<ProxyUrl, ConfigError> {
        let text = text.trim();
        let (scheme, rest) = match text.split_once("://") {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
            None => ("http".to_owned(), text),
        };
        let https = match scheme.as_str() {
            "http" => false,
            "https" => true,
            "socks" | "socks4" | "socks4a" | "socks5" | "socks5h" => {
                return Err(ConfigError::new(format!(
                    "{setting}: SOCKS proxies ({scheme}://) are not supported; use an HTTP or HTTPS proxy that \
                     supports CONNECT, or proxy \"none\""
                )));
            }
            _ => {
                return Err(ConfigError::new(format!(
                    "{setting}: a proxy URL starts with http:// or https://, not {scheme:?}"
                )));
            }
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains(['/', '?', '#']) {
            return Err(ConfigError::new(format!("{setting}: a proxy URL is scheme, host and port only (no path)")));
        }
        let (userinfo, host_port) = match authority.rsplit_once('@') {
            Some((userinfo, host_port)) => (Some(userinfo), host_port),
            None => (None, authority),
        };
        let decode = |part: &str, what: &str| {
            percent_encoding::percent_decode_str(part).decode_utf8().map(|s| s.into_owned()).map_err(|_| {
                ConfigError::new(format!("{setting}: the proxy {what} is not valid percent-encoded UTF-8"))
            })
        };
        let (user, password) = match userinfo {
            None => (None, None),
            Some(userinfo) => match userinfo.split_once(':') {
                Some((user, password)) => {
                    (Some(decode(user, "user name")?), Some(Secret::new(decode(password, "password")?)))
                }
                None => (Some(decode(userinfo, "user name")?), None),
            },
        };
        let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
            let (host, after) = bracketed
                .split_once(']')
                .ok_or_else(|| ConfigError::new(format!("{setting}: the proxy's IPv6 address has no closing ']'")))?;
            (host, after.strip_prefix(':'))
        } else {
            match host_port.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (host_port, None),
            }
        };
        if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return Err(ConfigError::new(format!("{setting}: the proxy URL has no valid host")));
        }
        let port = match port {
            None => {
                if https {
                    443
                } else {
                    1080
                }
            }
            Some(port) => port.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(|| {
                ConfigError::new(format!("{setting}: the proxy's port {port:?} is not a port number"))
            })?,
        };
        Ok(ProxyUrl { https, host: host.to_ascii_lowercase(), port, user, password })
    }

    /// The proxy's host (IPv6 without brackets) and port.
    pub fn host_port(&self) -> (&str, u16) {
        (&self.host, self.port)
    }

    /// ureq's form of it.
    pub(crate) fn to_ureq(&self) -> Result<ureq::Proxy, ConfigError> {
        let protocol = if self.https { ureq::ProxyProtocol::Https } else { ureq::ProxyProtocol::Http };
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        let mut builder = ureq::Proxy::builder(protocol).host(&host).port(self.port);
        if let Some(user) = &self.user {
            builder = builder.username(user);
        }
        if let Some(password) = &self.password {
            if self.user.is_none() {
                builder = builder.username("");
            }
            builder = builder.password(password.expose());
        }
        builder.build().map_err(|_| ConfigError::new("proxy: the proxy URL is not valid"))
    }
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.https { "https://" } else { "http://" })?;
        if let Some(user) = &self.user {
            let user = percent_encoding::utf8_percent_encode(user, USERINFO);
            write!(f, "{user}")?;
        }
        if self.password.is_some() {
            write!(f, ":{}", crate::secret::REDACTED)?;
        }
        if self.user.is_some() || self.password.is_some() {
            f.write_str("@")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// Hosts reached without the proxy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoProxy {
    all: bool,
    names: Vec<String>,
    networks: Vec<(IpAddr, u8)>,
}

impl NoProxy {
    /// Parses a `no_proxy` list; `setting` names it in errors.
    pub fn parse(text: &str, setting: &str) -> Result<NoProxy, ConfigError> {
        let mut list = NoProxy::default();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if entry == "*" {
                list.all = true;
                continue;
            }
            let entry = entry.trim_start_matches("*.").trim_start_matches('.').trim_end_matches('.');
            let (ip, bits) = match entry.split_once('/') {
                Some((ip, bits)) => (ip, Some(bits)),
                None => (entry, None),
            };
            if let Ok(ip) = ip.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
                let max = if ip.is_ipv4() { 32 } else { 128 };
                let bits = match bits {
                    None => max,
                    Some(bits) => bits.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(|| {
                        ConfigError::new(format!("{setting}: {entry:?} has a network prefix longer than {max} bits"))
                    })?,
                };
                list.networks.push((ip, bits));
                continue;
            }
            if bits.is_some() {
                return Err(ConfigError::new(format!("{setting}: {entry:?} is no IP network")));
            }
            list.names.push(entry.to_ascii_lowercase());
        }
        Ok(list)
    }

    /// Whether `host` (a name, or an IP address, IPv6 with or without brackets) is reached
    /// directly.
    pub fn matches(&self, host: &str) -> bool {
        if self.all {
            return true;
        }
        let host = host.trim_start_matches('[').trim_end_matches(']').trim_end_matches('.').to_ascii_lowercase();
        if let Ok(ip) = host.parse::<IpAddr>() {
            return self.networks.iter().any(|(net, bits)| in_network(ip, *net, *bits));
        }
        self.names.iter().any(|name| {
            host == *name
                || (host.len() > name.len()
                    && host.ends_with(name.as_str())
                    && host[..host.len() - name.len()].ends_with('.'))
        })
    }
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    let (ip, net, len) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(a.to_bits()), u128::from(b.to_bits()), 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (a.to_bits(), b.to_bits(), 128),
        _ => return false,
    };
    if bits == 0 {
        return true;
    }
    let shift = len - u32::from(bits);
    (ip >> shift) == (net >> shift)
}

/// The proxy the environment names for a base URL (`https`: an `https://` one), and the
/// variable it came from.
pub(crate) fn from_environment(https: bool) -> Result<Option<(ProxyUrl, &'static str)>, ConfigError> {
    let cgi = std::env::var_os("REQUEST_METHOD").is_some();
    let names: &[&'static str] = if https {
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else if cgi {
        &["http_proxy", "all_proxy", "ALL_PROXY"]
    } else {
        &["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
    };
    for name in names {
        let Ok(value) = std::env::var(name) else { continue };
        if value.trim().is_empty() {
            continue;
        }
        let setting = format!("the environment variable {name}");
        return Ok(Some((ProxyUrl::parse(&value, &setting)?, name)));
    }
    Ok(None)
}

/// The `no_proxy` list of the environment (`no_proxy`, else `NO_PROXY`).
pub(crate) fn no_proxy_from_environment() -> Result<NoProxy, ConfigError> {
    for name in ["no_proxy", "NO_PROXY"] {
        if let Ok(value) = std::env::var(name) {
            return NoProxy::parse(&value, &format!("the environment variable {name}"));
        }
    }
    Ok(NoProxy::default())
}

/// The proxy environment as it is now: what a cache of clients must key on, with every
/// variable's value (passwords included, so keep it private).
pub fn environment() -> Vec<(&'static str, Option<String>)> {
    ENVIRONMENT.iter().map(|name| (*name, std::env::var(name).ok())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_like_curl_and_never_show_the_password() {
        let p = ProxyUrl::parse("http://us%40er:p%3Ass@Proxy.Example:3128/", "proxy").unwrap();
        assert_eq!(p.host_port(), ("proxy.example", 3128));
        assert_eq!(p.user.as_deref(), Some("us@er"));
        assert_eq!(p.password.as_ref().unwrap().expose(), "p:ss");
        assert_eq!(p.to_string(), "http://us%40er:<redacted>@proxy.example:3128");
        assert!(!format!("{p:?}").contains("p:ss"));
        assert_eq!(ProxyUrl::parse("proxy.example", "proxy").unwrap().host_port(), ("proxy.example", 1080));
        assert_eq!(ProxyUrl::parse("https://[::1]", "proxy").unwrap().to_string(), "https://[::1]:443");
        let socks = ProxyUrl::parse("socks5h://user:hunter2@127.0.0.1:1080", "proxy").unwrap_err().to_string();
        assert!(socks.contains("SOCKS") && socks.contains("socks5h://") && !socks.contains("hunter2"), "{socks}");
        for bad in ["ftp://x", "http://", "http://h:0", "http://h:99999", "http://h/path", "http://user:hunter2@h:x"] {
            let e = ProxyUrl::parse(bad, "proxy").unwrap_err().to_string();
            assert!(e.starts_with("proxy: ") && !e.contains("hunter2"), "{bad}: {e}");
        }
    }

    #[test]
    fn no_proxy_lists_match_names_subdomains_and_networks() {
        let list = NoProxy::parse(" example.com, .internal., *.corp, 10.0.0.0/8, ::1, fd00::/8", "no_proxy").unwrap();
        for host in ["example.com", "API.example.com", "a.internal", "x.corp", "corp", "10.1.2.3", "[::1]", "fd12::1"] {
            assert!(list.matches(host), "{host}");
        }
        for host in ["badexample.com", "example.org", "11.0.0.1", "::2", "fe80::1"] {
            assert!(!list.matches(host), "{host}");
        }
        assert!(NoProxy::parse("*", "no_proxy").unwrap().matches("anything"));
        assert!(!NoProxy::parse("", "no_proxy").unwrap().matches("anything"));
        assert!(NoProxy::parse("10.0.0.0/33", "no_proxy").is_err());
    }
}
