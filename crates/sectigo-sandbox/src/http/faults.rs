//! The fault model: what a test asks to go wrong (a delay, a lost answer, an HTTP status,
//! garbage, -42, a broken TLS handshake), for which endpoint and how many times, as
//! `/_sandbox/faults` and [`crate::Sandbox::inject`] set it.

use std::sync::Mutex;
use std::time::Duration;

use crate::spec::Endpoint;

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
            return Err(
                "a handshake fault breaks the next new connections, whatever they call: it takes no endpoint".into()
            );
        }
        Some(label) => Some(Endpoint::from_label(label).ok_or(format!("unknown endpoint {label:?}"))?),
    };
    let remaining = match get("count") {
        None | Some("") => None,
        Some(_) => Some(u32::try_from(number("count")?).map_err(|_| "count is too large")?).filter(|n| *n > 0),
    };
    Ok(Some(FaultRule { fault, endpoint, remaining }))
}

/// The fault rules set, in the order they were added.
#[derive(Debug, Default)]
pub(crate) struct Faults(Mutex<Vec<FaultRule>>);

impl Faults {
    pub(crate) fn add(&self, rule: FaultRule) {
        self.0.lock().unwrap().push(rule);
    }

    pub(crate) fn clear(&self) {
        self.0.lock().unwrap().clear();
    }

    /// The fault for a call to `endpoint`, if one is set (one call of its count used).
    pub(crate) fn for_call(&self, endpoint: Endpoint) -> Option<Fault> {
        self.take(|r| !matches!(r.fault, Fault::Handshake(_)) && r.endpoint.is_none_or(|e| e == endpoint))
    }

    /// The handshake fault for a new HTTPS connection, if one is set.
    pub(crate) fn for_handshake(&self) -> Option<HandshakeFault> {
        match self.take(|r| matches!(r.fault, Fault::Handshake(_)))? {
            Fault::Handshake(h) => Some(h),
            _ => None,
        }
    }

    fn take(&self, wanted: impl Fn(&FaultRule) -> bool) -> Option<Fault> {
        let mut faults = self.0.lock().unwrap();
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
