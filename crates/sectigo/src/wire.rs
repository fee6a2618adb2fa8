//! Reading answers: newline-delimited and URL-encoded bodies, and redirects.
//!
//! The documents contradict themselves in places (see `spec/README.md`); the decoder accepts
//! what a real server may send and records every such leniency as a [`Quirk`].

use std::fmt;

use crate::meta::{Endpoint, ResponseFormat, When, WireFormat};

/// What came back over HTTP, before decoding.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// HTTP status code.
    pub status: u16,
    /// `Location` header, when present.
    pub location: Option<String>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// Something the decoder tolerated that the documents say should not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Quirk {
    /// No `errorCode`, but the fields of a success were there: read as success.
    ErrorCodeMissing,
    /// The error text came in `errorItem` instead of `errorMessage`.
    MessageInErrorItem,
    /// The answer came as a redirect whose query string held it.
    Redirect,
}

impl Quirk {
    /// Short, stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Quirk::ErrorCodeMissing => "error_code_missing",
            Quirk::MessageInErrorItem => "message_in_error_item",
            Quirk::Redirect => "redirect",
        }
    }
}

/// A response as data: the endpoint by its id (`place_order`), the code, the fields in the
/// order they came, the raw body and the quirks.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename = "Response")]
struct ResponseData {
    endpoint: String,
    code: i64,
    fields: Vec<(String, String)>,
    raw: String,
    quirks: Vec<Quirk>,
    #[serde(default)]
    retries: u32,
}

#[cfg(feature = "serde")]
impl serde::Serialize for Response {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ResponseData {
            endpoint: self.endpoint.id.to_owned(),
            code: self.code,
            fields: self.fields.clone(),
            raw: self.raw.clone(),
            quirks: self.quirks.clone(),
            retries: self.retries,
        }
        .serialize(serializer)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Response {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let data = ResponseData::deserialize(deserializer)?;
        let endpoint = crate::generated::spec_data::endpoint(&data.endpoint)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown endpoint {:?}", data.endpoint)))?;
        Ok(Response {
            endpoint,
            code: data.code,
            fields: data.fields,
            raw: data.raw,
            quirks: data.quirks,
            retries: data.retries,
        })
    }
}

/// A decoded answer, read by field name.
#[derive(Clone)]
pub struct Response {
    endpoint: &'static Endpoint,
    code: i64,
    fields: Vec<(String, String)>,
    raw: String,
    quirks: Vec<Quirk>,
    retries: u32,
}

impl Response {
    /// The endpoint that answered.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// The `errorCode` (the success code when a success answer left it out).
    pub fn code(&self) -> i64 {
        self.code
    }

    /// Whether the call succeeded.
    ///
    /// The endpoint's success code is a success, a negative code an error; a code above zero
    /// is a success too (one that exposes its code) where the spec says so, because decoding
    /// only lets such an answer through when it carries the success fields.
    pub fn is_success(&self) -> bool {
        reads_as_success(self.endpoint, self.code)
    }

    /// How many times the call was sent again before this answer (see [`crate::RetryPolicy`]).
    pub fn retries(&self) -> u32 {
        self.retries
    }

    pub(crate) fn set_retries(&mut self, retries: u32) {
        self.retries = retries;
    }

    /// A field by name (case-insensitive), as sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every field, in the order received. Newline answers get the names of the spec's lines;
    /// lines the spec does not name are called `line4`, `line5`, ...
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// The body as received (for a redirect, the `Location` URL).
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// What the decoder tolerated.
    pub fn quirks(&self) -> &[Quirk] {
        &self.quirks
    }

    /// The error text of a failed call: `errorMessage`, or the second line, or (when the server
    /// put it there) `errorItem`.
    pub fn error_message(&self) -> Option<&str> {
        if self.quirks.contains(&Quirk::MessageInErrorItem) { self.get("errorItem") } else { self.get("errorMessage") }
    }

    /// The parameter a failed call blames (`errorItem`), unless it held the message instead.
    pub fn error_item(&self) -> Option<&str> {
        if self.quirks.contains(&Quirk::MessageInErrorItem) { None } else { self.get("errorItem") }
    }

    /// A field the spec says every success carries; a decoding error when it is missing.
    pub fn required(&self, name: &'static str) -> Result<&str, DecodeError> {
        self.get(name).ok_or_else(|| self.field_error(DecodeErrorKind::MissingField(name)))
    }

    /// A whole-number field the spec says every success carries.
    pub fn required_integer(&self, name: &'static str) -> Result<i64, DecodeError> {
        self.required(name)?;
        Ok(self.integer(name)?.unwrap_or_default())
    }

    /// A field holding a whole number; a decoding error when it is not one.
    pub fn integer(&self, name: &'static str) -> Result<Option<i64>, DecodeError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| self.field_error(DecodeErrorKind::NotAnInteger(name))),
        }
    }

    /// The error answer of a raw call, already read (see [`crate::raw`]).
    pub(crate) fn raw_error(
        endpoint: &'static Endpoint,
        code: i64,
        fields: Vec<(String, String)>,
        raw: String,
        retries: u32,
    ) -> Response {
        Response { endpoint, code, fields, raw, quirks: Vec::new(), retries }
    }

    fn field_error(&self, kind: DecodeErrorKind) -> DecodeError {
        DecodeError {
            kind,
            status: 200,
            raw: self.raw.clone(),
            may_have_taken_effect: changes_state(self.endpoint),
            retries: self.retries,
        }
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(n, v)| {
                let secret = self.endpoint.field(n).is_some_and(|f| f.secret);
                (n.as_str(), if secret { crate::secret::REDACTED } else { v.as_str() })
            })
            .collect();
        f.debug_struct("Response")
            .field("endpoint", &self.endpoint.title)
            .field("code", &self.code)
            .field("fields", &fields)
            .field("quirks", &self.quirks)
            .finish()
    }
}

/// An answer the SDK could not read. The raw body is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// What was wrong.
    pub kind: DecodeErrorKind,
    /// HTTP status of the answer.
    pub status: u16,
    /// The body as received (lossily UTF-8), or the `Location` of a redirect.
    pub raw: String,
    /// The call changes state on the server, so it may have taken effect although its answer
    /// could not be read: check the account before trying again.
    pub may_have_taken_effect: bool,
    /// How many times the call was sent again before this answer (see [`crate::RetryPolicy`]).
    pub retries: u32,
}

/// Why an answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The body was empty.
    Empty,
    /// The body is an HTML page, not an API answer.
    Html,
    /// The first line of a newline-delimited answer is not a number.
    NotNumeric,
    /// A URL-encoded answer has no `name=value` pair.
    NotUrlEncoded,
    /// A URL-encoded answer has no `errorCode` and is not recognisably a success.
    MissingErrorCode,
    /// `errorCode` is not a whole number.
    BadErrorCode,
    /// A field every success carries is missing.
    MissingField(&'static str),
    /// A field that holds a number does not.
    NotAnInteger(&'static str),
    /// A redirect without a `Location` header.
    RedirectWithoutLocation,
    /// An HTTP status that carries no API answer.
    UnexpectedStatus,
    /// A code above zero (no error) without the fields of a success: for a call that changes
    /// state, its outcome is unknown.
    PositiveCodeWithoutFields,
}

impl DecodeErrorKind {
    /// Short, stable name (`not_numeric`, `html`, ...).
    pub fn as_str(&self) -> &'static str {
        match self {
            DecodeErrorKind::Empty => "empty",
            DecodeErrorKind::Html => "html",
            DecodeErrorKind::NotNumeric => "not_numeric",
            DecodeErrorKind::NotUrlEncoded => "not_url_encoded",
            DecodeErrorKind::MissingErrorCode => "missing_error_code",
            DecodeErrorKind::BadErrorCode => "bad_error_code",
            DecodeErrorKind::MissingField(_) => "missing_field",
            DecodeErrorKind::NotAnInteger(_) => "not_an_integer",
            DecodeErrorKind::RedirectWithoutLocation => "redirect_without_location",
            DecodeErrorKind::UnexpectedStatus => "unexpected_status",
            DecodeErrorKind::PositiveCodeWithoutFields => "positive_code_without_fields",
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            DecodeErrorKind::Empty => write!(f, "the answer was empty (HTTP {})", self.status),
            DecodeErrorKind::Html => write!(f, "the answer is an HTML page, not an API answer (HTTP {})", self.status),
            DecodeErrorKind::NotNumeric => write!(f, "the first line of the answer is not an error code"),
            DecodeErrorKind::NotUrlEncoded => write!(f, "the answer holds no name=value pairs"),
            DecodeErrorKind::MissingErrorCode => write!(f, "the answer has no errorCode and is not a success"),
            DecodeErrorKind::BadErrorCode => write!(f, "the answer's errorCode is not a number"),
            DecodeErrorKind::MissingField(name) => write!(f, "the success answer lacks `{name}`"),
            DecodeErrorKind::NotAnInteger(name) => write!(f, "the answer's `{name}` is not a whole number"),
            DecodeErrorKind::RedirectWithoutLocation => {
                write!(f, "a redirect (HTTP {}) without a Location", self.status)
            }
            DecodeErrorKind::UnexpectedStatus => {
                write!(f, "unexpected HTTP status {} without an API answer", self.status)
            }
            DecodeErrorKind::PositiveCodeWithoutFields => {
                write!(f, "the answer's errorCode is above zero (no error) but it lacks the fields of a success")
            }
        }?;
        write!(f, "; raw answer: {:?}", shorten(&self.raw))?;
        if self.may_have_taken_effect {
            f.write_str("; the call may have taken effect: check the account before trying again")?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

fn shorten(raw: &str) -> String {
    const MAX: usize = 200;
    if raw.chars().count() <= MAX {
        raw.to_owned()
    } else {
        let mut s: String = raw.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

/// The value of a sent parameter (case-insensitive name).
fn sent<'a>(request: &'a [(String, String)], name: &str) -> Option<&'a str> {
    request.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// The format the answer to `request` comes in, as the spec says.
pub fn expected_format(endpoint: &Endpoint, request: &[(String, String)]) -> WireFormat {
    match endpoint.response {
        ResponseFormat::Newline => WireFormat::Newline,
        ResponseFormat::UrlEncoded { .. } => WireFormat::UrlEncoded,
        ResponseFormat::Selectable { selector, default, formats } => sent(request, selector)
            .and_then(|v| formats.iter().find(|(value, _)| *value == v))
            .map_or(default, |(_, f)| *f),
    }
}

/// Whether `request` asks the server to answer with a redirect.
pub fn expects_redirect(endpoint: &Endpoint, request: &[(String, String)]) -> bool {
    match endpoint.response {
        ResponseFormat::UrlEncoded { redirect_params } => {
            redirect_params.iter().any(|p| sent(request, p).is_some_and(|v| !v.is_empty()))
        }
        _ => false,
    }
}

/// Whether an answer with `code` is read as a success (given its success fields).
fn reads_as_success(endpoint: &Endpoint, code: i64) -> bool {
    code == endpoint.success_code
        || (code > 0 && endpoint.positive_codes == crate::meta::PositiveCodes::SuccessWithFields)
}

/// Whether a call to the endpoint may change state on the server.
fn changes_state(endpoint: &Endpoint) -> bool {
    endpoint.effect == crate::meta::Effect::Write
}

/// Decodes the answer of `endpoint` to the parameters `request` (as sent).
pub fn decode(
    endpoint: &'static Endpoint,
    request: &[(String, String)],
    raw: RawResponse,
) -> Result<Response, DecodeError> {
    let status = raw.status;
    let err = |kind: DecodeErrorKind, raw: String| DecodeError {
        kind,
        status,
        raw,
        may_have_taken_effect: changes_state(endpoint),
        retries: 0,
    };

    if (300..400).contains(&status) {
        // An answer in a Location's query string is read even when no redirect was asked for.
        let carries_answer = raw.location.as_deref().is_some_and(|l| {
            l.split_once('?').is_some_and(|(_, q)| {
                form_urlencoded::parse(q.as_bytes())
                    .any(|(n, _)| n.eq_ignore_ascii_case("errorCode") || n.eq_ignore_ascii_case("orderNumber"))
            })
        });
        if !expects_redirect(endpoint, request) && !carries_answer {
            return Err(err(DecodeErrorKind::UnexpectedStatus, body_text(&raw.body)));
        }
        let Some(location) = raw.location else {
            return Err(err(DecodeErrorKind::RedirectWithoutLocation, body_text(&raw.body)));
        };
        let query = location.split_once('?').map_or("", |(_, q)| q);
        let query = query.split_once('#').map_or(query, |(q, _)| q).to_owned();
        let mut response = decode_url_encoded(endpoint, &query, location.clone(), status)?;
        response.quirks.push(Quirk::Redirect);
        return check_fields(response, status);
    }

    let text = match String::from_utf8(raw.body) {
        Ok(text) => text,
        Err(e) => body_text(e.as_bytes()),
    };
    let decoded = match expected_format(endpoint, request) {
        WireFormat::Newline => decode_newline(endpoint, &text, status),
        WireFormat::UrlEncoded => url_encoded(endpoint, text, status),
    };
    match decoded {
        Ok(response) => check_fields(response, status),
        Err(e) if !(200..300).contains(&status) => Err(DecodeError { kind: DecodeErrorKind::UnexpectedStatus, ..e }),
        Err(e) => Err(e),
    }
}

/// A success must carry every field the spec promises, and number fields must hold numbers.
fn check_fields(response: Response, status: u16) -> Result<Response, DecodeError> {
    let endpoint = response.endpoint;
    if response.code != endpoint.success_code && response.is_success() {
        let missing =
            endpoint.fields.iter().any(|f| f.when == When::Success && !f.optional && response.get(f.name).is_none());
        if missing {
            return Err(DecodeError {
                kind: DecodeErrorKind::PositiveCodeWithoutFields,
                status,
                raw: response.raw,
                may_have_taken_effect: changes_state(endpoint),
                retries: 0,
            });
        }
    }
    for f in endpoint.fields {
        let expected = match f.when {
            When::Always => true,
            When::Success => response.is_success(),
            When::Error => !response.is_success(),
        };
        if !expected {
            continue;
        }
        if f.when == When::Success && !f.optional {
            response.required(f.name)?;
        }
        if f.ty == crate::meta::ParamType::Integer && f.name != "errorCode" {
            response.integer(f.name)?;
        }
    }
    Ok(response)
}

fn body_text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

fn looks_like_html(text: &str) -> bool {
    text.trim_start().starts_with('<')
}

/// Decodes a newline-delimited answer: line 1 is `errorCode`, the others are named by the spec.
pub fn decode_newline(endpoint: &'static Endpoint, text: &str, status: u16) -> Result<Response, DecodeError> {
    let err = |kind| DecodeError {
        kind,
        status,
        raw: text.to_owned(),
        may_have_taken_effect: changes_state(endpoint),
        retries: 0,
    };
    let mut lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    while lines.last() == Some(&"") {
        lines.pop();
    }
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let Some(first) = first else { return Err(err(DecodeErrorKind::Empty)) };
    let lines = &lines[first..];
    let head = lines[0].trim();
    let code: i64 = match head.parse() {
        Ok(code) => code,
        Err(_) if looks_like_html(text) => return Err(err(DecodeErrorKind::Html)),
        Err(_) => return Err(err(DecodeErrorKind::NotNumeric)),
    };
    let success = reads_as_success(endpoint, code);
    let mut fields = vec![("errorCode".to_owned(), head.to_owned())];
    for (i, line) in lines.iter().enumerate().skip(1) {
        let n = i + 1;
        let named = endpoint.fields.iter().find(|f| {
            f.line.is_some_and(|l| usize::from(l) == n)
                && match f.when {
                    When::Always => true,
                    When::Success => success,
                    When::Error => !success,
                }
        });
        let name = named.map_or_else(|| format!("line{n}"), |f| f.name.to_owned());
        fields.push((name, (*line).to_owned()));
    }
    Ok(Response { endpoint, code, fields, raw: text.to_owned(), quirks: Vec::new(), retries: 0 })
}

/// Decodes a URL-encoded answer (`errorCode=0&SID=...`).
pub fn decode_url_encoded(
    endpoint: &'static Endpoint,
    text: &str,
    raw: String,
    status: u16,
) -> Result<Response, DecodeError> {
    let (code, fields, quirks) = url_encoded_fields(endpoint, text, &raw, status)?;
    Ok(Response { endpoint, code, fields, raw, quirks, retries: 0 })
}

/// [`decode_url_encoded`] of a body, which is also the raw answer kept (not copied).
fn url_encoded(endpoint: &'static Endpoint, body: String, status: u16) -> Result<Response, DecodeError> {
    let (code, fields, quirks) = url_encoded_fields(endpoint, body.trim(), &body, status)?;
    Ok(Response { endpoint, code, fields, raw: body, quirks, retries: 0 })
}

/// The code, fields and leniencies of an answer.
type Parts = (i64, Vec<(String, String)>, Vec<Quirk>);

/// The code, fields and leniencies of a URL-encoded answer `text` (`raw` for errors).
fn url_encoded_fields(endpoint: &'static Endpoint, text: &str, raw: &str, status: u16) -> Result<Parts, DecodeError> {
    let err = |kind| DecodeError {
        kind,
        status,
        raw: raw.to_owned(),
        may_have_taken_effect: changes_state(endpoint),
        retries: 0,
    };
    if text.is_empty() {
        return Err(err(DecodeErrorKind::Empty));
    }
    if looks_like_html(text) {
        return Err(err(DecodeErrorKind::Html));
    }
    if !text.contains('=') {
        return Err(err(DecodeErrorKind::NotUrlEncoded));
    }
    let fields: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes())
        .map(|(n, v)| (n.trim().to_owned(), v.into_owned()))
        .filter(|(n, _)| !n.is_empty())
        .collect();
    let mut quirks = Vec::new();
    let code_text = fields.iter().find(|(n, _)| n.eq_ignore_ascii_case("errorCode")).map(|(_, v)| v.trim());
    let code = match code_text {
        Some(v) => v.parse().map_err(|_| err(DecodeErrorKind::BadErrorCode))?,
        None => {
            // The documents' own sample success of !PlaceOrder is `orderNumber=9597652`.
            let success_fields =
                endpoint.fields.iter().filter(|f| f.when == When::Success && !f.optional).collect::<Vec<_>>();
            let has_success_field = !success_fields.is_empty()
                && success_fields.iter().all(|f| fields.iter().any(|(n, _)| n.eq_ignore_ascii_case(f.name)));
            if !has_success_field {
                return Err(err(DecodeErrorKind::MissingErrorCode));
            }
            quirks.push(Quirk::ErrorCodeMissing);
            endpoint.success_code
        }
    };
    let get = |name: &str| fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    if !reads_as_success(endpoint, code)
        && get("errorMessage").is_none()
        && get("errorItem").is_some_and(|item| !looks_like_parameter_name(item))
    {
        quirks.push(Quirk::MessageInErrorItem);
    }
    Ok((code, fields, quirks))
}

/// Parameter names are short runs of letters, digits and underscores; messages are not.
fn looks_like_parameter_name(text: &str) -> bool {
    !text.is_empty() && text.len() <= 64 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
