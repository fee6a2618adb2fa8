//! A call on the wire: sending a checked form with the retry loop and cancellation, one
//! attempt (its transport failures sorted into "not sent" and "outcome unknown"), and the
//! record each call leaves in the log.

use std::time::Duration;

use super::{Client, MAX_BODY, WRITE_MAX_IDLE};
use crate::cancel::{self, Cancel};
use crate::error::{ApiError, ConfigError, Error, OutcomeUnknown, TransportError, TransportErrorKind};
use crate::meta::{Effect, Endpoint};
use crate::retry;
use crate::validate::Form;
use crate::wire::{self, RawResponse, Response};

impl Client {
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
            return Err(Error::Config(ConfigError::new(
                "a Cancel handle serves one call, and this one was used before",
            )));
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
            Error::Transport(TransportError {
                kind,
                endpoint: endpoint.title,
                detail,
                status,
                raw,
                retries: 0,
                not_sent,
            })
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
        let result = request
            .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
            .send(form.encode().as_str());
        let mut response = match result {
            Ok(response) => response,
            Err(e) => {
                let (kind, not_sent) = crate::transport::classify(&e);
                let detail = crate::transport::not_sent_cause(&e).unwrap_or(&e).to_string();
                return Err(if write && !not_sent {
                    lost(detail, None, None)
                } else {
                    transport(kind, detail, None, None, not_sent)
                });
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
        detail: if sent { "cancelled after its request was sent" } else { "cancelled before anything was sent" }
            .to_owned(),
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
