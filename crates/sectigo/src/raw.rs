//! Calls to endpoints that are not in `spec/` (`/products/download/CollectSSL`,
//! `/products/!AutoApplySSL`...): a path on the client's own host, the parameters as given, and
//! the answer as bytes, decoded when it is text in either of the documents' formats.
//!
//! A raw call keeps what the SDK gives spec endpoints (TLS settings, proxies, fork safety,
//! certificate login, redacted logs) and its money rule: a raw call changes state unless the
//! caller declares it read-only, so once any byte of it may have reached the server it is never
//! sent again, and a lost answer is [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).
//!
//! What is refused before anything is sent ([`ConfigError`]): a path that is not a plain path on
//! the client's host (an absolute URL, `//host`, a `..` segment, a query string, a fragment, a
//! backslash, a space or control character, also when percent-encoded), and a parameter name
//! that is empty or not plain (`=`, `&`, `#`, `%`, `+`, a space or control character).

use std::fmt;

use crate::error::ConfigError;
use crate::meta::{Effect, Endpoint, Field, ParamType, PositiveCodes, ResponseFormat, When, WireFormat};
use crate::secret::Credentials;

/// How a raw call is made. The default: it changes state (never resent once it may have been
/// sent) and carries the client's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawOptions {
    read_only: bool,
    credentials: bool,
}

impl Default for RawOptions {
    fn default() -> Self {
        RawOptions { read_only: false, credentials: true }
    }
}

impl RawOptions {
    /// A call that changes state, with the client's credentials.
    pub fn new() -> Self {
        RawOptions::default()
    }

    /// Declares that the call changes nothing on the server (a status query, a download): it
    /// then gets the read rules, and a broken connection before the answer is sent again.
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// Whether the client's `loginName` and `loginPassword` go first (the default), as for spec
    /// endpoints; with `false`, only the parameters given are sent.
    pub fn credentials(mut self, credentials: bool) -> Self {
        self.credentials = credentials;
        self
    }

    /// Whether the call was declared read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Whether the client's credentials are sent.
    pub fn sends_credentials(&self) -> bool {
        self.credentials
    }

    pub(crate) fn effect(&self) -> Effect {
        if self.read_only { Effect::Read } else { Effect::Write }
    }
}

/// Parts of a parameter name that mark its value as secret: such values are redacted wherever
/// a raw request is shown (`Debug`, logs, the request an [`OutcomeUnknown`](crate::OutcomeUnknown)
/// keeps), as spec secrets are. Matched case-insensitively anywhere in the name.
pub const SECRET_NAME_PARTS: &[&str] =
    &["pass", "secret", "token", "pwd", "credential", "privatekey", "private_key", "apikey", "api_key"];

/// Whether a parameter with this name holds a secret (see [`SECRET_NAME_PARTS`]).
pub fn looks_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_NAME_PARTS.iter().any(|part| name.contains(part))
}

/// A raw call that passed its checks ([`Client::prepare_raw`](crate::Client::prepare_raw)):
/// the path, whether it changes state, and the pairs in the order they go out. Its `Debug`
/// shows secret values as `<redacted>`.
#[derive(Clone)]
pub struct RawRequest {
    pub(crate) path: String,
    pub(crate) effect: Effect,
    pairs: Vec<(String, String)>,
    secret: Vec<bool>,
}

impl RawRequest {
    /// The path called.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the call changes state (it is then never sent again once it may have reached
    /// the server).
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The `application/x-www-form-urlencoded` body. Holds secrets: do not log.
    pub fn encode(&self) -> String {
        crate::validate::encode_pairs(&self.pairs)
    }

    /// The pairs with secret values replaced by `<redacted>`: safe to show.
    pub fn redacted(&self) -> Vec<(String, String)> {
        crate::validate::redact_pairs(&self.pairs, &self.secret)
    }
}

impl fmt::Debug for RawRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawRequest").field("path", &self.path).field("pairs", &self.redacted()).finish()
    }
}

/// Checks a raw call and lays out what it sends: the credentials (unless `options` says not
/// to), then `params` as given.
pub(crate) fn prepare<N: AsRef<str>, V: Into<String>>(
    path: &str,
    params: impl IntoIterator<Item = (N, V)>,
    options: RawOptions,
    credentials: Option<&Credentials>,
) -> Result<RawRequest, ConfigError> {
    check_path(path)?;
    let mut pairs = Vec::new();
    let mut secret = Vec::new();
    if options.credentials {
        let Some(credentials) = credentials else {
            return Err(ConfigError::new(format!(
                "raw call to {path}: the client has no login to send; give the client credentials, or make \
                 the call without them (Rust: RawOptions::credentials(false))"
            )));
        };
        pairs.push(("loginName".to_owned(), credentials.login_name().to_owned()));
        secret.push(false);
        if let Some(password) = credentials.login_password() {
            pairs.push(("loginPassword".to_owned(), password.expose().to_owned()));
            secret.push(true);
        }
    }
    for (name, value) in params {
        let name = name.as_ref();
        check_name(path, name)?;
        if options.credentials && (name.eq_ignore_ascii_case("loginName") || name.eq_ignore_ascii_case("loginPassword"))
        {
            return Err(ConfigError::new(format!(
                "raw call to {path}: parameter {name} is the client's own; to send another login, make the call \
                 without the client's credentials (Rust: RawOptions::credentials(false))"
            )));
        }
        secret.push(looks_secret(name));
        pairs.push((name.to_owned(), value.into()));
    }
    Ok(RawRequest { path: path.to_owned(), effect: options.effect(), pairs, secret })
}

/// A path on the client's own host: `/` then plain segments, nothing that could leave the host
/// or the path.
pub fn check_path(path: &str) -> Result<(), ConfigError> {
    let refuse = |why: &str| {
        Err(ConfigError::new(format!(
            "raw call path {:?} {why}; give a path on the client's host, such as /products/download/CollectSSL",
            path.chars().take(200).collect::<String>()
        )))
    };
    if path.contains("://") {
        return refuse("is an absolute URL (a raw call goes to the client's own host only)");
    }
    if !path.starts_with('/') {
        return refuse("does not start with /");
    }
    if path.starts_with("//") {
        return refuse("names another host (it starts with //)");
    }
    if path.contains('?') {
        return refuse("has a query string (parameters go in the form body)");
    }
    if path.contains('#') {
        return refuse("has a fragment");
    }
    if path.contains('\\') {
        return refuse("has a backslash");
    }
    if path.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return refuse("has a space or control character");
    }
    // What the server would read: percent escapes decoded.
    let decoded = percent_decode(path);
    let Ok(decoded) = std::str::from_utf8(&decoded) else {
        return refuse("has percent escapes that are not UTF-8");
    };
    if decoded.chars().any(|c| c.is_control() || c == '\\' || c == '?' || c == '#') {
        return refuse("has an escaped control character, backslash, query or fragment");
    }
    if decoded.split('/').any(|segment| segment == ".." || segment == ".") {
        return refuse("has a . or .. segment");
    }
    if decoded.starts_with("//") {
        return refuse("names another host (it starts with //)");
    }
    Ok(())
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) =
                (bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b)))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// A parameter name is plain: not empty, no `=`, `&`, `#`, `%`, `+`, space or control character.
fn check_name(path: &str, name: &str) -> Result<(), ConfigError> {
    let why = if name.is_empty() {
        Some("is empty")
    } else if name.chars().any(|c| c.is_control()) {
        Some("has a control character")
    } else if name.chars().any(|c| matches!(c, '=' | '&' | '#' | '%' | '+') || c.is_whitespace()) {
        Some("is not plain (no =, &, #, %, + or space)")
    } else {
        None
    };
    match why {
        Some(why) => Err(ConfigError::new(format!(
            "raw call to {path}: parameter name {:?} {why}",
            name.chars().take(100).collect::<String>()
        ))),
        None => Ok(()),
    }
}

/// The answer to a raw call: the HTTP status, content type and body as received, and, when the
/// body is text in one of the documents' formats, what it says.
#[derive(Clone)]
pub struct RawAnswer {
    path: String,
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    body: Vec<u8>,
    text: Option<TextAnswer>,
    retries: u32,
}

/// A body in one of the documents' formats.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TextAnswer {
    format: WireFormat,
    code: i64,
    message: Option<String>,
    lines: Vec<String>,
    fields: Vec<(String, String)>,
}

impl RawAnswer {
    /// Reads what came back from `path`: `body` decoded when it is text in either format (or,
    /// for a redirect, when its `Location` carries `errorCode=`). What
    /// [`Client::call_raw`](crate::Client::call_raw) returns; public for tests and replays.
    pub fn new(
        path: &str,
        status: u16,
        content_type: Option<String>,
        location: Option<String>,
        body: Vec<u8>,
    ) -> RawAnswer {
        let text = match &location {
            Some(l) if (300..400).contains(&status) => {
                l.split_once('?').map(|(_, q)| q.split('#').next().unwrap_or(q)).and_then(decode_url_encoded)
            }
            _ => std::str::from_utf8(&body).ok().and_then(decode_text),
        };
        RawAnswer { path: path.to_owned(), status, content_type, location, body, text, retries: 0 }
    }

    /// The path called.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Content-Type` header, when the server sent one.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The `Location` header of a redirect.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// The body, byte for byte.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Takes the body out.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    /// The body as text, when it is UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// Which of the documents' formats the body is in; `None` when it is neither (a binary
    /// file, HTML, free text).
    pub fn format(&self) -> Option<WireFormat> {
        self.text.as_ref().map(|t| t.format)
    }

    /// The `errorCode` (line 1, or `errorCode=`); `None` when the body is in neither format.
    pub fn code(&self) -> Option<i64> {
        self.text.as_ref().map(|t| t.code)
    }

    /// The error text: line 2 of a newline answer with a negative code, or `errorMessage`.
    pub fn message(&self) -> Option<&str> {
        self.text.as_ref().and_then(|t| t.message.as_deref())
    }

    /// A newline answer's lines after the first (the code), in order; empty otherwise.
    pub fn lines(&self) -> &[String] {
        self.text.as_ref().map_or(&[], |t| &t.lines)
    }

    /// A URL-encoded answer's (name, value) pairs in the order received, `errorCode` included;
    /// empty otherwise.
    pub fn fields(&self) -> &[(String, String)] {
        self.text.as_ref().map_or(&[], |t| &t.fields)
    }

    /// A field of a URL-encoded answer by name (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields().iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// How many times the call was sent again before this answer.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    pub(crate) fn set_retries(&mut self, retries: u32) {
        self.retries = retries;
    }

    /// The answer read as an API error, when its `errorCode` is negative (what
    /// [`Client::call_raw`](crate::Client::call_raw) fails with).
    pub fn api_error(&self) -> Option<crate::ApiError> {
        let text = self.text.as_ref().filter(|t| t.code < 0)?;
        let raw = match (&self.location, text.format) {
            (Some(l), _) if (300..400).contains(&self.status) => l.clone(),
            _ => String::from_utf8_lossy(&self.body).into_owned(),
        };
        let mut fields = vec![("errorCode".to_owned(), text.code.to_string())];
        match text.format {
            WireFormat::Newline => {
                if let Some(m) = &text.message {
                    fields.push(("errorMessage".to_owned(), m.clone()));
                }
                fields
                    .extend(text.lines.iter().enumerate().skip(1).map(|(i, l)| (format!("line{}", i + 2), l.clone())));
            }
            WireFormat::UrlEncoded => {
                fields = text.fields.clone();
            }
        }
        let response = crate::wire::Response::raw_error(&RAW, text.code, fields, raw, self.retries);
        Some(crate::ApiError::from_raw(response, &self.path))
    }
}

impl fmt::Debug for RawAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawAnswer")
            .field("path", &self.path)
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("bytes", &self.body.len())
            .field("code", &self.code())
            .field("message", &self.message())
            .finish_non_exhaustive()
    }
}

/// A newline answer (line 1 a whole number) or a URL-encoded one (with `errorCode=`).
fn decode_text(text: &str) -> Option<TextAnswer> {
    let trimmed = text.trim_start_matches(['\r', '\n', ' ', '\t']);
    if trimmed.starts_with('<') {
        return None;
    }
    let mut lines: Vec<&str> = trimmed.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let first = lines.first()?.trim();
    if let Ok(code) = first.parse::<i64>() {
        let rest: Vec<String> = lines[1..].iter().map(|l| (*l).to_owned()).collect();
        let message = rest.first().filter(|m| code < 0 && !m.trim().is_empty()).cloned();
        return Some(TextAnswer { format: WireFormat::Newline, code, message, lines: rest, fields: Vec::new() });
    }
    decode_url_encoded(text.trim())
}

fn decode_url_encoded(text: &str) -> Option<TextAnswer> {
    if !text.contains('=') || text.contains('\n') {
        return None;
    }
    let fields: Vec<(String, String)> =
        form_urlencoded::parse(text.as_bytes()).map(|(n, v)| (n.trim().to_owned(), v.into_owned())).collect();
    let get = |name: &str| fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
    let code = get("errorCode")?.trim().parse::<i64>().ok()?;
    let message = get("errorMessage").filter(|_| code < 0);
    Some(TextAnswer { format: WireFormat::UrlEncoded, code, message, lines: Vec::new(), fields })
}

/// The endpoint an API error of a raw call names: no parameters of its own, the documents'
/// general error table (so -42 is known and retried, and every other code kept as it came).
pub static RAW: Endpoint = Endpoint {
    id: "raw",
    name: None,
    title: "raw call",
    path: None,
    path_unknown: Some("a raw call names its own path"),
    hosts: &[],
    methods: &["POST"],
    effect: Effect::Write,
    response: ResponseFormat::Newline,
    success_code: 0,
    positive_codes: PositiveCodes::SuccessWithFields,
    summary: "A call to an endpoint outside the spec, by its path.",
    params: &[],
    items: None,
    rules: &[],
    groups: &[],
    fields: &[
        Field {
            name: "errorCode",
            ty: ParamType::Integer,
            max_length: None,
            line: Some(1),
            when: When::Always,
            optional: false,
            generations: &[],
            since: None,
            secret: false,
            description: "The result: 0 or above for a success, negative for an error.",
        },
        Field {
            name: "errorMessage",
            ty: ParamType::String,
            max_length: None,
            line: Some(2),
            when: When::Error,
            optional: true,
            generations: &[],
            since: None,
            secret: false,
            description: "The server's text for an error.",
        },
    ],
    errors: crate::generated::spec_data::GENERAL_ERRORS,
    partial: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_host_or_the_path_are_refused() {
        for ok in ["/products/download/CollectSSL", "/products/!AutoApplySSL", "/a/b.c/%21x", "/"] {
            assert!(check_path(ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("https://example.com/products/x", "absolute URL"),
            ("products/x", "does not start with /"),
            ("//example.com/x", "another host"),
            ("/products/../admin", ". or .. segment"),
            ("/products/%2e%2e/admin", ". or .. segment"),
            ("/products/./x", ". or .. segment"),
            ("/products/x?a=1", "query string"),
            ("/products/x#top", "fragment"),
            ("/products\\x", "backslash"),
            ("/products/x y", "space or control"),
            ("/products/x\n", "space or control"),
            ("/products/x%0d%0aHost:%20a", "escaped control"),
            ("/products/x%3fa=1", "escaped control character, backslash, query"),
            ("/%2fexample.com/x", "another host"),
            ("/products/%ff", "not UTF-8"),
        ] {
            let e = check_path(bad).expect_err(bad);
            assert!(e.message().contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn names_must_be_plain_and_secrets_are_redacted() {
        let login = Credentials::new("me", "hunter2");
        for bad in ["", "a=b", "a&b", "a b", "a\u{0}", "a%20", "a+b", "a#b"] {
            let e = prepare("/x", [(bad, "v")], RawOptions::new(), Some(&login)).expect_err(bad);
            assert!(e.message().contains("parameter name"), "{e}");
        }
        let form = prepare(
            "/products/download/CollectSSL",
            [("orderNumber", "123"), ("apiToken", "t0k3n"), ("newPassword", "p4ss")],
            RawOptions::new(),
            Some(&login),
        )
        .unwrap();
        assert_eq!(form.encode(), "loginName=me&loginPassword=hunter2&orderNumber=123&apiToken=t0k3n&newPassword=p4ss");
        let shown = format!("{form:?} {:?}", form.redacted());
        for secret in ["hunter2", "t0k3n", "p4ss"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("123"), "{shown}");
        assert_eq!(form.effect, Effect::Write);
    }

    #[test]
    fn credentials_go_first_unless_left_out() {
        let certificate = Credentials::certificate("me");
        let form = prepare("/x", [("a", "1")], RawOptions::new().read_only(true), Some(&certificate)).unwrap();
        assert_eq!(form.encode(), "loginName=me&a=1");
        assert_eq!(form.effect, Effect::Read);
        let none = prepare("/x", [("loginName", "other")], RawOptions::new().credentials(false), None).unwrap();
        assert_eq!(none.encode(), "loginName=other");
        let e = prepare("/x", [("LOGINNAME", "other")], RawOptions::new(), Some(&certificate)).unwrap_err();
        assert!(e.message().contains("the client's own"), "{e}");
        let e = prepare("/x", [("a", "1")], RawOptions::new(), None).unwrap_err();
        assert!(e.message().contains("no login"), "{e}");
    }

    #[test]
    fn text_answers_are_decoded_in_both_formats_and_others_are_not() {
        let a = RawAnswer::new("/x", 200, None, None, b"0\n1\nIssued\r\n\n".to_vec());
        assert_eq!((a.format(), a.code(), a.message()), (Some(WireFormat::Newline), Some(0), None));
        assert_eq!(a.lines(), ["1", "Issued"]);
        let a = RawAnswer::new("/x", 200, None, None, b"-3\nThe 'orderNumber' argument is missing!\n".to_vec());
        assert_eq!((a.code(), a.message()), (Some(-3), Some("The 'orderNumber' argument is missing!")));
        let api = a.api_error().unwrap();
        assert_eq!((api.code(), api.argument()), (-3, Some("orderNumber")));
        assert!(api.to_string().starts_with("/x failed with error -3"), "{api}");
        let a = RawAnswer::new("/x", 200, None, None, b"errorCode=0&certificateStatus=Issued&x=%20y".to_vec());
        assert_eq!((a.format(), a.code()), (Some(WireFormat::UrlEncoded), Some(0)));
        assert_eq!(a.get("certificatestatus"), Some("Issued"));
        assert_eq!(a.fields().len(), 3);
        let a = RawAnswer::new("/x", 200, None, None, b"errorCode=-42&errorMessage=Call+limit+reached%21".to_vec());
        assert!(a.api_error().unwrap().is_rate_limited());
        assert_eq!(a.message(), Some("Call limit reached!"));
        let a = RawAnswer::new("/x", 200, None, None, b"errorCode=-999".to_vec());
        let api = a.api_error().unwrap();
        assert_eq!((api.code(), api.documented().is_none()), (-999, true));
        for other in [
            &b"PK\x03\x04\x14\x00\x00\x00binary"[..],
            b"",
            b"<html><body>502</body></html>",
            b"MIIC+zCCAeOgAwIBAgIJ",
            b"a=b&c=d",
            b"\xff\xfe",
        ] {
            let a = RawAnswer::new("/x", 200, Some("application/zip".into()), None, other.to_vec());
            assert_eq!((a.code(), a.api_error().is_none(), a.body()), (None, true, other), "{other:?}");
        }
        let a = RawAnswer::new("/x", 302, None, Some("https://h/p?errorCode=-16&errorMessage=no".into()), vec![]);
        assert_eq!((a.code(), a.message()), (Some(-16), Some("no")));
    }
}
