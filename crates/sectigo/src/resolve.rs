//! Host names to addresses, without a thread per call.
//!
//! ureq's own resolver starts a thread for every lookup when a timeout is set (which the client
//! always does), even for an IP address or a host whose connection is pooled: about one thread
//! per call. Here an IP address is used as it is, and a name's addresses are reused for [`TTL`];
//! only a lookup the cache cannot answer goes to ureq's resolver, which enforces the timeout.
//! Addresses pinned by the client's `resolve` setting (like curl's `--resolve`) are used without
//! any lookup. A failed lookup is marked as happening before anything was sent.

use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a name's addresses are reused.
pub(crate) const TTL: Duration = Duration::from_secs(30);

/// The client's resolver.
#[derive(Debug, Default)]
pub(crate) struct Resolve {
    /// Addresses set by the client for `host:port` (lower case), in the order to try them.
    pinned: Vec<(String, Vec<SocketAddr>)>,
    /// Names resolved, by `host:port`, with the time of the lookup. A client talks to one host
    /// (two at most), so a list is all it takes.
    cache: Mutex<Vec<(String, Instant, ResolvedSocketAddrs)>>,
    /// Lookups handed to ureq's resolver.
    lookups: AtomicU64,
    inner: DefaultResolver,
}

impl Resolve {
    /// A resolver that answers `host:port` (lower case) with the addresses given.
    pub(crate) fn with_pinned(pinned: Vec<(String, Vec<SocketAddr>)>) -> Resolve {
        Resolve { pinned, ..Resolve::default() }
    }

    /// Lookups handed to ureq's resolver so far.
    #[cfg(test)]
    pub(crate) fn lookups(&self) -> u64 {
        self.lookups.load(Ordering::Relaxed)
    }
}

/// The host and port of `uri` (the scheme's port when none is given).
fn host_port(uri: &Uri) -> Option<(&str, u16)> {
    let authority = uri.authority()?;
    let port = authority.port_u16().or(match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    })?;
    Some((authority.host().trim_start_matches('[').trim_end_matches(']'), port))
}

impl Resolver for Resolve {
    fn resolve(&self, uri: &Uri, config: &Config, timeout: NextTimeout) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let Some((host, port)) = host_port(uri) else {
            return self.inner.resolve(uri, config, timeout).map_err(crate::transport::not_sent);
        };
        if !self.pinned.is_empty() {
            let key = format!("{}:{port}", host.to_ascii_lowercase());
            if let Some((_, addrs)) = self.pinned.iter().find(|(k, _)| *k == key) {
                let mut found = self.empty();
                for addr in addrs.iter().take(16) {
                    found.push(*addr);
                }
                return Ok(found);
            }
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            let mut found = self.empty();
            found.push(SocketAddr::new(ip, port));
            return Ok(found);
        }
        let key = format!("{host}:{port}");
        let now = Instant::now();
        {
            let mut cache = self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            cache.retain(|(_, at, _)| now.duration_since(*at) < TTL);
            if let Some((_, _, found)) = cache.iter().find(|(k, _, _)| *k == key) {
                return Ok(found.clone());
            }
        }
        self.lookups.fetch_add(1, Ordering::Relaxed);
        let found = self.inner.resolve(uri, config, timeout).map_err(crate::transport::not_sent)?;
        let mut cache = self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cache.retain(|(k, _, _)| *k != key);
        cache.push((key, now, found.clone()));
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::unversioned::transport::time::Duration as Timeout;

    fn resolve(r: &Resolve, url: &str) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let timeout = NextTimeout {
            after: Timeout::Exact(Duration::from_secs(5)),
            reason: ureq::Timeout::Resolve,
            per_read: None,
            per_write: None,
        };
        r.resolve(&url.parse().unwrap(), &Config::default(), timeout)
    }

    #[test]
    fn addresses_need_no_lookup_and_names_are_looked_up_once() {
        let r = Resolve::default();
        for _ in 0..1000 {
            assert_eq!(resolve(&r, "https://127.0.0.1:8443/products/x").unwrap()[0], "127.0.0.1:8443".parse().unwrap());
            assert_eq!(resolve(&r, "http://[::1]/x").unwrap()[0], "[::1]:80".parse().unwrap());
        }
        assert_eq!(r.lookups(), 0, "an IP address is no lookup");
        for _ in 0..1000 {
            let found = resolve(&r, "https://localhost:9/x").unwrap();
            assert!(found.iter().all(|a| a.ip().is_loopback() && a.port() == 9), "{found:?}");
        }
        assert_eq!(r.lookups(), 1, "a name is looked up once per {TTL:?}");
    }
}
