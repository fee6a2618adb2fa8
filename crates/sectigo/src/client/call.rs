//! A call on the wire: sending a checked form (a spec endpoint's or a raw call's) with the retry
//! loop and cancellation, one attempt (its transport failures sorted into "not sent" and
//! "outcome unknown"), reading the answer, and the record each call leaves in the log.

use std::borrow::Cow;
use std::time::Duration;

use super::{Client, MAX_BODY, WRITE_MAX_IDLE};
use crate::cancel::{self, Cancel};
use crate::error::{ApiError, ConfigError, Error, OutcomeUnknown, TransportError, TransportErrorKind};
use crate::meta::Effect;
use crate::raw::{RawAnswer, RawRequest};
use crate::retry;
use crate::validate::Form;
use crate::wire::{self, RawResponse, Response};

/// What came back over HTTP, before reading.
pub(crate) struct Http {
    status: u16,
    location: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// A request the send loop can send: what it is called in logs and errors, whether it changes
/// state, its body, how it is shown, and how its answer is read.
pub(crate) trait Outgoing {
    type Answer: Answer;
    fn title(&self) -> Cow<'static, str>;
    fn effect(&self) -> Effect;
    fn body(&self) -> String;
    /// The pairs as sent, secrets redacted.
    fn redacted(&self) -> Vec<(String, String)>;
    fn read(&self, http: Http) -> Result<Self::Answer, Error>;
}

/// An answer the send loop counts retries on and logs.
pub(crate) trait Answer {
    fn set_retries(&mut self, n: u32);
    fn retries(&self) -> u32;
    /// The `errorCode`, when the answer has one.
    fn code(&self) -> Option<i64>;
}

impl Answer for Response {
    fn set_retries(&mut self, n: u32) {
        Response::set_retries(self, n);
    }
    fn retries(&self) -> u32 {
        Response::retries(self)
    }
    fn code(&self) -> Option<i64> {
        Some(Response::code(self))
    }
}

impl Answer for RawAnswer {
    fn set_retries(&mut self, n: u32) {
        RawAnswer::set_retries(self, n);
    }
    fn retries(&self) -> u32 {
        RawAnswer::retries(self)
    }
    fn code(&self) -> Option<i64> {
        RawAnswer::code(self)
    }
}

/// The failure of a call that changes state whose answer was lost.
fn lost<O: Outgoing>(out: &O, detail: String, status: Option<u16>, raw: Option<String>) -> Error {
    Error::OutcomeUnknown(OutcomeUnknown {
        endpoint: out.title(),
        detail,
        status,
        raw,
        request: out.redacted(),
        retries: 0,
    })
}

/// A transport failure of a call that did not take effect, or that changes nothing.
fn transport<O: Outgoing>(
    out: &O,
    kind: TransportErrorKind,
    detail: String,
    status: Option<u16>,
    raw: Option<String>,
    not_sent: bool,
) -> Error {
    Error::Transport(TransportError { kind, endpoint: out.title(), detail, status, raw, retries: 0, not_sent })
}

/// A status without an API answer: a 4xx (but 408) means the request was refused before it
/// was acted on; a 5xx or an unexpected redirect may come after the server acted.
fn bad_status<O: Outgoing>(out: &O, status: u16, raw: String) -> Error {
    let detail = format!("HTTP status {status}");
    let refused = (400..500).contains(&status) && status != 408;
    if out.effect() == Effect::Write && !refused {
        lost(out, detail, Some(status), Some(raw))
    } else {
        transport(out, TransportErrorKind::Status, detail, Some(status), Some(raw), false)
    }
}

impl Outgoing for Form {
    type Answer = Response;

    fn title(&self) -> Cow<'static, str> {
        Cow::Borrowed(self.endpoint().title)
    }

    fn effect(&self) -> Effect {
        self.endpoint().effect
    }

    fn body(&self) -> String {
        self.encode()
    }

    fn redacted(&self) -> Vec<(String, String)> {
        Form::redacted(self)
    }

    fn read(&self, http: Http) -> Result<Response, Error> {
        let status = http.status;
        let raw = RawResponse { status, location: http.location, body: http.body };
        match wire::decode(self.endpoint(), self.pairs(), raw) {
            Ok(response) if response.is_success() => Ok(response),
            Ok(response) => Err(Error::Api(ApiError::from_response(response))),
            Err(e) if e.kind == wire::DecodeErrorKind::UnexpectedStatus => Err(bad_status(self, status, e.raw)),
            // An unreadable answer to a call that changes state leaves its outcome unknown.
            Err(e) if self.effect() == Effect::Write => {
                Err(lost(self, format!("the answer could not be read: {e}"), Some(status), Some(e.raw)))
            }
            Err(e) => Err(Error::Decode(e)),
        }
    }
}

impl Outgoing for RawRequest {
    type Answer = RawAnswer;

    fn title(&self) -> Cow<'static, str> {
        Cow::Owned(self.path.clone())
    }

    fn effect(&self) -> Effect {
        self.effect
    }

    fn body(&self) -> String {
        self.encode()
    }

    fn redacted(&self) -> Vec<(String, String)> {
        RawRequest::redacted(self)
    }

    /// Any answer with a status below 400 is the call's answer, whatever its body; a negative
    /// `errorCode` in it is an API error; a status of 400 or more without one is a failure.
    fn read(&self, http: Http) -> Result<RawAnswer, Error> {
        let status = http.status;
        let answer = RawAnswer::new(&self.path, status, http.content_type, http.location, http.body);
        if let Some(api) = answer.api_error() {
            return Err(Error::Api(api));
        }
        if status < 400 {
            return Ok(answer);
        }
        Err(bad_status(self, status, String::from_utf8_lossy(answer.body()).into_owned()))
    }
}

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
        let uri = self.uri(form.endpoint()).map_err(Error::Config)?;
        self.send_logged(form, uri, None)
    }

    /// [`send`](Self::send), stoppable from another thread through `cancel` (see
    /// [`crate::cancel`]).
    pub fn send_with_cancel(&self, form: &Form, cancel: &Cancel) -> Result<Response, Error> {
        let uri = self.uri(form.endpoint()).map_err(Error::Config)?;
        self.send_logged(form, uri, Some(cancel))
    }

    /// Sends a checked raw call to its path on the client's host (see [`crate::raw`] and
    /// [`Client::call_raw`]).
    pub fn send_raw(&self, form: &RawRequest) -> Result<RawAnswer, Error> {
        self.send_raw_to(form, None)
    }

    /// [`send_raw`](Self::send_raw), stoppable from another thread through `cancel` (see
    /// [`crate::cancel`]).
    pub fn send_raw_with_cancel(&self, form: &RawRequest, cancel: &Cancel) -> Result<RawAnswer, Error> {
        self.send_raw_to(form, Some(cancel))
    }

    fn send_raw_to(&self, form: &RawRequest, cancel: Option<&Cancel>) -> Result<RawAnswer, Error> {
        let url = format!("{}{}", self.inner.base_url, form.path);
        let uri = ureq::http::Uri::try_from(url.as_str())
            .map_err(|e| Error::Config(ConfigError::new(format!("raw call path {:?}: {e}", form.path))))?;
        self.send_logged(form, &uri, cancel)
    }

    /// The send loop, with its log record.
    fn send_logged<O: Outgoing>(
        &self,
        out: &O,
        uri: &ureq::http::Uri,
        cancel: Option<&Cancel>,
    ) -> Result<O::Answer, Error> {
        let scope = match cancel {
            Some(cancel) => match cancel.enter() {
                Some(scope) => Some(scope),
                None => {
                    return Err(Error::Config(ConfigError::new(
                        "a Cancel handle serves one call, and this one was used before",
                    )));
                }
            },
            None => None,
        };
        let started = std::time::Instant::now();
        let result = self.send_with_retries(out, uri, scope.as_ref());
        drop(scope);
        log_call(&out.title(), started.elapsed(), &result);
        result
    }

    fn send_with_retries<O: Outgoing>(
        &self,
        out: &O,
        uri: &ureq::http::Uri,
        scope: Option<&cancel::Scope>,
    ) -> Result<O::Answer, Error> {
        let policy = self.inner.retry;
        let deadline = std::time::Instant::now() + self.inner.timeout;
        let mut retries = 0;
        loop {
            if let Some(sent) = scope.and_then(cancel::Scope::stopped) {
                return Err(stopped(out, sent, None).with_retries(retries));
            }
            // The first attempt has the whole timeout, which the agent enforces as configured; a
            // retry gets what is left of it.
            let remaining = (retries > 0).then(|| deadline.saturating_duration_since(std::time::Instant::now()));
            let error = match self.send_once(out, uri, remaining).and_then(|http| out.read(http)) {
                Ok(mut answer) => {
                    answer.set_retries(retries);
                    return Ok(answer);
                }
                Err(e) => e.bound_raw(),
            };
            let safe = retry::reason(out.effect(), &error);
            if let Some(sent) = scope.and_then(cancel::Scope::stopped) {
                // An attempt that provably did nothing leaves nothing sent, whatever the phase.
                let sent = sent && safe.is_none_or(|r| r == retry::Reason::ReadInterrupted);
                return Err(stopped(out, sent, Some(error)).with_retries(retries));
            }
            let Some(reason) = safe.filter(|_| retries < policy.max_retries) else {
                return Err(error.with_retries(retries));
            };
            let wait = policy.delay(retries + 1);
            // A retry must have time left to be worth making.
            if std::time::Instant::now() + wait + Duration::from_millis(50) >= deadline {
                log::warn!(target: "sectigo", "{}: not sent again ({}): the call's deadline is too near", out.title(), reason.as_str());
                return Err(error.with_retries(retries));
            }
            retries += 1;
            log::warn!(
                target: "sectigo",
                "{}: attempt {retries} failed ({}: {error}); sending it again in {} ms (retry {retries} of {})",
                out.title(),
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

    /// One attempt, up to the answer's bytes; `remaining` shortens the agent's timeout (for a
    /// retry).
    fn send_once<O: Outgoing>(
        &self,
        out: &O,
        uri: &ureq::http::Uri,
        remaining: Option<Duration>,
    ) -> Result<Http, Error> {
        let write = out.effect() == Effect::Write;
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
            .send(out.body().as_str());
        let mut response = match result {
            Ok(response) => response,
            Err(e) => {
                let (kind, not_sent) = crate::transport::classify(&e);
                let detail = crate::transport::not_sent_cause(&e).unwrap_or(&e).to_string();
                return Err(if write && !not_sent {
                    lost(out, detail, None, None)
                } else {
                    transport(out, kind, detail, None, None, not_sent)
                });
            }
        };
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let (location, content_type) = (header("location"), header("content-type"));
        match response.body_mut().with_config().limit(MAX_BODY).read_to_vec() {
            Ok(body) => Ok(Http { status, location, content_type, body }),
            Err(e) => {
                // An answer too large came whole from the server: sending the call again would
                // bring it again, so it is no broken connection to retry.
                let (kind, detail) = match e {
                    ureq::Error::BodyExceedsLimit(_) => {
                        (TransportErrorKind::Other, format!("the answer is larger than {MAX_BODY} bytes"))
                    }
                    e => (TransportErrorKind::Io, format!("reading the answer failed: {e}")),
                };
                Err(if write {
                    lost(out, detail, Some(status), None)
                } else {
                    transport(out, kind, detail, Some(status), None, false)
                })
            }
        }
    }
}

/// The failure of a call stopped through its cancel handle: with `sent`, after some of the
/// request may have left (a call that changes state then has an unknown outcome); `error` is
/// the attempt's own failure, if one was under way.
fn stopped<O: Outgoing>(out: &O, sent: bool, error: Option<Error>) -> Error {
    if sent && out.effect() == Effect::Write {
        let (status, raw) = match &error {
            Some(Error::OutcomeUnknown(lost)) => (lost.status, lost.raw.clone()),
            _ => (None, None),
        };
        return lost(out, "cancelled after its request was sent".to_owned(), status, raw);
    }
    transport(
        out,
        TransportErrorKind::Cancelled,
        if sent { "cancelled after its request was sent" } else { "cancelled before anything was sent" }.to_owned(),
        None,
        None,
        !sent,
    )
}

/// The record of a finished call: DEBUG, or WARNING when its outcome is unknown (it may have
/// taken effect, and it is not sent again).
fn log_call<T: Answer>(title: &str, elapsed: Duration, result: &Result<T, Error>) {
    let ms = elapsed.as_millis();
    match result {
        Ok(answer) => log::debug!(
            target: "sectigo",
            "{title}: ok in {ms} ms (errorCode {}, retries {})",
            answer.code().map_or_else(|| "none".to_owned(), |c| c.to_string()),
            answer.retries()
        ),
        Err(Error::OutcomeUnknown(lost)) => log::warn!(
            target: "sectigo",
            "{title}: outcome unknown after {ms} ms ({}): the call may have taken effect, so it is not sent again; \
             check before repeating it",
            lost.detail
        ),
        Err(e) => {
            let code = match e {
                Error::Api(api) => api.code().to_string(),
                _ => "none".to_owned(),
            };
            log::debug!(
                target: "sectigo",
                "{title}: {} error in {ms} ms (errorCode {code}, retries {})",
                e.kind(),
                e.retries()
            );
        }
    }
}
