//! Errors: what the API said, what the SDK refused, and what went wrong in between.

use std::borrow::Cow;
use std::fmt;

use crate::meta::{Endpoint, ErrorRow};
use crate::validate::Violations;
use crate::wire::{DecodeError, Response};

/// Everything a call can fail with. `E` is the endpoint's typed API error (generated from its
/// error table), or [`ApiError`] for the name-keyed interface.
///
/// Not `#[non_exhaustive]`: every language maps each kind to its own error class, and a new
/// kind must fail to compile in each mapping rather than fall silently into another.
#[derive(Debug)]
pub enum Error<E = ApiError> {
    /// The request broke the spec's rules; nothing was sent.
    Validation(Violations),
    /// The API answered with an error code.
    Api(E),
    /// The request did not get through, and the server did not act on it (or, for a call that
    /// changes nothing, may be repeated safely).
    Transport(TransportError),
    /// An answer came back but could not be read. For a call that changes state, what happened
    /// on the server is not known: see [`Error::outcome_unknown`].
    Decode(DecodeError),
    /// A call that places an order, signs up a partner or authorizes an order may have reached
    /// the server, and its answer was lost. It was not resent. Check the account before retrying.
    OutcomeUnknown(OutcomeUnknown),
    /// The client or call is set up wrongly (no path for an endpoint, a bad base URL...).
    Config(ConfigError),
}

impl<E> Error<E> {
    /// Converts the API error, keeping every other variant.
    pub fn map_api<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::Validation(v) => Error::Validation(v),
            Error::Api(e) => Error::Api(f(e)),
            Error::Transport(e) => Error::Transport(e),
            Error::Decode(e) => Error::Decode(e),
            Error::OutcomeUnknown(e) => Error::OutcomeUnknown(e),
            Error::Config(e) => Error::Config(e),
        }
    }

    /// Whether the server may have acted on the request without the SDK knowing the result.
    /// True for [`Error::OutcomeUnknown`], and for an unreadable answer to a call that changes
    /// state; never for validation or configuration errors.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::OutcomeUnknown(_) => true,
            Error::Decode(e) => e.may_have_taken_effect,
            _ => false,
        }
    }

    /// Whether the call may have taken effect on the server: the same as
    /// [`Error::outcome_unknown`]. An API error means the server refused the call; a transport
    /// error on a call that changes state means it never reached the server (otherwise the
    /// error is [`Error::OutcomeUnknown`]).
    pub fn may_have_taken_effect(&self) -> bool {
        self.outcome_unknown()
    }

    /// How many times the call was sent again before this failure (see [`crate::RetryPolicy`]).
    pub fn retries(&self) -> u32
    where
        E: AsApiError,
    {
        match self {
            Error::Api(e) => e.as_api_error().response().retries(),
            Error::Transport(t) => t.retries,
            Error::Decode(d) => d.retries,
            Error::OutcomeUnknown(o) => o.retries,
            Error::Validation(_) | Error::Config(_) => 0,
        }
    }

    /// Short, stable name of the variant (`validation`, `api`, `transport`, `decode`,
    /// `outcome_unknown`, `config`), for bindings and scripts.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Validation(_) => "validation",
            Error::Api(_) => "api",
            Error::Transport(_) => "transport",
            Error::Decode(_) => "decode",
            Error::OutcomeUnknown(_) => "outcome_unknown",
            Error::Config(_) => "config",
        }
    }
}

/// How much of an answer's body a transport, decode or outcome-unknown error keeps (64 KiB):
/// enough to see what came back, bounded against a hostile or broken server.
pub const MAX_RAW: usize = 64 * 1024;

/// The first [`MAX_RAW`] bytes of `text` (cut at a character boundary).
pub(crate) fn bounded(mut text: String) -> String {
    if text.len() > MAX_RAW {
        let mut end = MAX_RAW;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

impl<E> Error<E> {
    /// Keeps at most [`MAX_RAW`] bytes of the raw answer of a transport, decode or
    /// outcome-unknown error.
    pub(crate) fn bound_raw(self) -> Self {
        match self {
            Error::Transport(mut t) => {
                t.raw = t.raw.map(bounded);
                Error::Transport(t)
            }
            Error::Decode(mut d) => {
                d.raw = bounded(d.raw);
                Error::Decode(d)
            }
            Error::OutcomeUnknown(mut o) => {
                o.raw = o.raw.map(bounded);
                Error::OutcomeUnknown(o)
            }
            other => other,
        }
    }
}

impl<E: AsApiError> Error<E> {
    /// Whether the server refused the call for now (-42, "Call limit reached!", which any
    /// endpoint may answer): sending it again after a wait is safe.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::Api(e) if e.as_api_error().is_rate_limited())
    }

    /// Whether sending the same call again is provably safe: the server refused it for now
    /// ([`Error::is_rate_limited`]), or it failed before any byte of it was sent
    /// ([`TransportError::not_sent`]). Never true for a call that may have taken effect.
    pub fn retry_safe(&self) -> bool {
        self.is_rate_limited() || matches!(self, Error::Transport(t) if t.not_sent)
    }
}

impl Error {
    /// Records how many times the call was sent again before this failure.
    pub(crate) fn with_retries(self, n: u32) -> Self {
        match self {
            Error::Api(mut api) => {
                api.set_retries(n);
                Error::Api(api)
            }
            Error::Transport(mut t) => {
                t.retries = n;
                Error::Transport(t)
            }
            Error::Decode(mut d) => {
                d.retries = n;
                Error::Decode(d)
            }
            Error::OutcomeUnknown(mut o) => {
                o.retries = n;
                Error::OutcomeUnknown(o)
            }
            other => other,
        }
    }
}

/// An endpoint's typed API error, or [`ApiError`] itself: the answer behind it.
pub trait AsApiError {
    /// The answer: code, message, `errorItem`, raw body.
    fn as_api_error(&self) -> &ApiError;
}

impl AsApiError for ApiError {
    fn as_api_error(&self) -> &ApiError {
        self
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(v) => write!(f, "request not sent: {v}"),
            Error::Api(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Decode(e) => write!(f, "could not read the answer: {e}"),
            Error::OutcomeUnknown(e) => e.fmt(f),
            Error::Config(e) => e.fmt(f),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for Error<E> {}

/// An error answer from the API, as the server sent it.
#[derive(Clone)]
pub struct ApiError {
    row: Option<&'static ErrorRow>,
    response: Response,
    /// The path of a raw call (see [`crate::raw`]); `None` for a spec endpoint. Boxed twice
    /// (a thin pointer) to keep every `Result` of the SDK small.
    #[allow(clippy::box_collection)]
    path: Option<Box<String>>,
}

impl ApiError {
    /// Wraps an answer whose code is not the success code.
    pub fn from_response(response: Response) -> Self {
        let row = response.endpoint().error(response.code());
        ApiError { row, response, path: None }
    }

    /// The error answer of a raw call to `path`, read against the documents' general rows.
    pub(crate) fn from_raw(response: Response, path: &str) -> Self {
        ApiError { path: Some(Box::new(path.to_owned())), ..ApiError::from_response(response) }
    }

    /// The path called, for a raw call (see [`crate::raw`]); `None` for a spec endpoint.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref().map(String::as_str)
    }

    /// What was called: the endpoint's title, or a raw call's path.
    pub fn called(&self) -> &str {
        self.path().unwrap_or(self.endpoint().title)
    }

    /// The `errorCode`.
    pub fn code(&self) -> i64 {
        self.response.code()
    }

    /// The server's message (from `errorMessage`, the second line, or `errorItem` when the
    /// server put it there).
    pub fn message(&self) -> Option<&str> {
        self.response.error_message()
    }

    /// The parameter the server blames (`errorItem`), when it names one.
    pub fn item(&self) -> Option<&str> {
        self.response.error_item()
    }

    /// The value the message's placeholder stands for (`'xxxx'` in "The 'xxxx' argument is
    /// missing!"), when the message matches the documented template.
    pub fn argument(&self) -> Option<&str> {
        let row = self.row?;
        self.message().and_then(|m| row.extract(m))
    }

    /// Whether the server refused the call for now (its row says so: -42): sending it again
    /// after a wait is safe.
    pub fn is_rate_limited(&self) -> bool {
        self.row.is_some_and(|r| r.retry_after_backoff)
    }

    pub(crate) fn set_retries(&mut self, n: u32) {
        self.response.set_retries(n);
    }

    /// The documented error-table row, or `None` for an undocumented code.
    pub fn documented(&self) -> Option<&'static ErrorRow> {
        self.row
    }

    /// The endpoint that answered ([`crate::raw::RAW`] for a raw call).
    pub fn endpoint(&self) -> &'static Endpoint {
        self.response.endpoint()
    }

    /// The whole answer, field by field.
    pub fn response(&self) -> &Response {
        &self.response
    }

    /// The body as received.
    pub fn raw(&self) -> &str {
        self.response.raw()
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("endpoint", &self.called())
            .field("code", &self.code())
            .field("message", &self.message())
            .field("item", &self.item())
            .field("raw", &self.raw())
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed with error {}", self.called(), self.code())?;
        match (self.message(), self.row.and_then(|r| r.message)) {
            (Some(m), _) => write!(f, ": {m}")?,
            (None, Some(documented)) => write!(f, " (no message; documented as {documented:?})")?,
            (None, None) => {}
        }
        if let Some(item) = self.item() {
            write!(f, " [errorItem: {item}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Why a request did not get through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The host name did not resolve, or no connection could be made.
    Connect,
    /// TLS failed (an unknown certificate authority, for example).
    Tls,
    /// A time limit ran out.
    Timeout,
    /// The connection failed while sending or receiving.
    Io,
    /// An HTTP status without an API answer.
    Status,
    /// The call was stopped through its [`Cancel`](crate::Cancel) handle.
    Cancelled,
    /// Anything else.
    Other,
}

impl TransportErrorKind {
    /// Short, stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            TransportErrorKind::Connect => "connect",
            TransportErrorKind::Tls => "tls",
            TransportErrorKind::Timeout => "timeout",
            TransportErrorKind::Io => "io",
            TransportErrorKind::Status => "status",
            TransportErrorKind::Cancelled => "cancelled",
            TransportErrorKind::Other => "other",
        }
    }
}

/// The request did not get through.
#[derive(Debug, Clone)]
pub struct TransportError {
    /// What failed.
    pub kind: TransportErrorKind,
    /// The endpoint called (its title), or a raw call's path.
    pub endpoint: Cow<'static, str>,
    /// Description from the HTTP layer.
    pub detail: String,
    /// HTTP status, for [`TransportErrorKind::Status`].
    pub status: Option<u16>,
    /// The raw answer received with that status (at most [`MAX_RAW`] bytes).
    pub raw: Option<String>,
    /// How many times the call was sent again before this failure.
    pub retries: u32,
    /// The failure came before any byte of the request left the process (resolving the name,
    /// connecting, a proxy's tunnel, the TLS handshake): the server cannot have acted on it,
    /// and sending it again is safe.
    pub not_sent: bool,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} could not be called ({}): {}", self.endpoint, self.kind.as_str(), self.detail)
    }
}

impl std::error::Error for TransportError {}

/// A call that changes state may have taken effect, and its answer was lost.
#[derive(Debug, Clone)]
pub struct OutcomeUnknown {
    /// The endpoint called (its title), or a raw call's path.
    pub endpoint: Cow<'static, str>,
    /// What went wrong after the request may have been sent.
    pub detail: String,
    /// HTTP status, when one came back.
    pub status: Option<u16>,
    /// The raw answer, when one came back (at most [`MAX_RAW`] bytes).
    pub raw: Option<String>,
    /// The request as sent, with passwords redacted, so it can be matched against the account.
    pub request: Vec<(String, String)>,
    /// How many times the call was sent again before this failure (only ever before an
    /// attempt that nothing proves was not acted on).
    pub retries: u32,
}

impl fmt::Display for OutcomeUnknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} may have taken effect, but its answer was lost ({}); it was not resent: check the account before trying again",
            self.endpoint, self.detail
        )
    }
}

impl std::error::Error for OutcomeUnknown {}

/// The client or call is set up wrongly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ConfigError { message: message.into() }
    }

    /// What is wrong and how to fix it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}
