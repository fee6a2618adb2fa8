//! When a call is sent again: only when it is provably safe, and never a call that may have
//! taken effect. The one place this is decided; every language inherits it.
//!
//! A failed attempt is sent again when:
//! - the server refused it for now (-42, "Call limit reached!", on any endpoint);
//! - nothing of it was sent: resolving the name, connecting (to any address), a proxy's tunnel
//!   or the TLS handshake failed, or the system took no byte of the request;
//! - for calls that change nothing, the connection broke before an answer came (a pooled
//!   connection the server had closed, say).
//!
//! Waits grow exponentially with full jitter (a random wait up to the bound, never less than a
//! tenth of the first bound), are capped, and stay inside the call's overall deadline (the
//! client's timeout): a retry that would end past it is not made.

use std::time::Duration;

use crate::error::{Error, TransportErrorKind};
use crate::meta::Effect;

/// How many times, and how patiently, a call is sent again. The default is
/// [`RetryPolicy::standard`]; [`RetryPolicy::none`] turns retries off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Sends after the first, at most.
    pub max_retries: u32,
    /// Bound of the first wait; each further wait's bound doubles.
    pub base_delay: Duration,
    /// Largest bound of a wait.
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// Up to 3 retries, waits bounded by 250 ms, 500 ms, 1 s (at most 8 s).
    pub const fn standard() -> Self {
        RetryPolicy { max_retries: 3, base_delay: Duration::from_millis(250), max_delay: Duration::from_secs(8) }
    }

    /// Never send a call again.
    pub const fn none() -> Self {
        RetryPolicy { max_retries: 0, base_delay: Duration::ZERO, max_delay: Duration::ZERO }
    }

    /// The wait before retry number `n` (from 1): random, up to `min(max_delay, base * 2^(n-1))`,
    /// at least a tenth of `base_delay`.
    pub fn delay(&self, n: u32) -> Duration {
        let bound = self.base_delay.saturating_mul(1 << (n.saturating_sub(1)).min(20)).min(self.max_delay);
        let floor = (self.base_delay / 10).min(bound);
        floor + (bound - floor).mul_f64(fastrand::f64())
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::standard()
    }
}

/// Why a failed attempt may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// -42: the server refused the call for now.
    RateLimited,
    /// The call failed before any byte of it was sent.
    NotSent,
    /// A call that changes nothing lost its connection before the answer.
    ReadInterrupted,
}

impl Reason {
    /// Short, stable name (`rate_limited`, `not_sent`, `read_interrupted`).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::RateLimited => "rate_limited",
            Reason::NotSent => "not_sent",
            Reason::ReadInterrupted => "read_interrupted",
        }
    }
}

/// Whether a failed attempt of a call with this effect (an endpoint's, or a raw call's) may be
/// sent again, and why.
pub fn reason(effect: Effect, e: &Error) -> Option<Reason> {
    match e {
        Error::Api(api) if api.is_rate_limited() => Some(Reason::RateLimited),
        Error::Transport(t) if t.not_sent => Some(Reason::NotSent),
        Error::Transport(t) if effect == Effect::Read && t.kind == TransportErrorKind::Io => {
            Some(Reason::ReadInterrupted)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_are_capped_and_never_zero() {
        let p = RetryPolicy::standard();
        for _ in 0..1000 {
            let (first, third, tenth) = (p.delay(1), p.delay(3), p.delay(10));
            assert!(first >= Duration::from_millis(25) && first <= Duration::from_millis(250), "{first:?}");
            assert!(third >= Duration::from_millis(25) && third <= Duration::from_secs(1), "{third:?}");
            assert!(tenth <= Duration::from_secs(8), "{tenth:?}");
        }
        assert_eq!(RetryPolicy::none().delay(1), Duration::ZERO);
    }
}
