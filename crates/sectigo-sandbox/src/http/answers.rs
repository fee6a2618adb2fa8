//! Programmed answers: what the sandbox answers on a path a test names (a body of any bytes,
//! a content type, a status, a delay, or a broken connection), for endpoints the spec does not
//! have, as `/_sandbox/answers` and [`crate::Sandbox::program`] set them.

use std::sync::Mutex;
use std::time::Duration;

/// What to answer on one path, for a number of calls or until cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRule {
    /// The request path it answers, exactly (`/products/download/CollectSSL`), whatever the
    /// method and parameters.
    pub path: String,
    /// HTTP status (200 unless set).
    pub status: u16,
    /// `Content-Type` (`text/plain` unless set).
    pub content_type: String,
    /// The body, byte for byte.
    pub body: Vec<u8>,
    /// Wait this long before answering (or before breaking the connection).
    pub delay: Duration,
    /// Read the request, then close the connection without answering: the answer is lost.
    pub close: bool,
    /// Calls it answers before it goes; `None`: until cleared.
    pub remaining: Option<u32>,
}

impl AnswerRule {
    /// Answer `body` with status 200 and `text/plain` on `path`, every time.
    pub fn new(path: impl Into<String>, body: impl Into<Vec<u8>>) -> AnswerRule {
        AnswerRule {
            path: path.into(),
            status: 200,
            content_type: "text/plain".to_owned(),
            body: body.into(),
            delay: Duration::ZERO,
            close: false,
            remaining: None,
        }
    }
}

/// The form fields `/_sandbox/answers` takes.
pub const ANSWER_FIELDS: &str = "path=/..., then body=TEXT or body_hex=HEX, content_type=.., status=.., delay_ms=.., \
                                 close=1, count=..; or clear=1";

/// A rule from `path=/products/x&body_hex=504b0304&content_type=application/zip&count=1`;
/// `clear=1` is `None`.
pub fn parse_answer(params: &[(String, String)]) -> Result<Option<AnswerRule>, String> {
    let get = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty());
    let number = |name: &str| -> Result<Option<u64>, String> {
        get(name).map(|v| v.parse().map_err(|_| format!("{name} must be a whole number"))).transpose()
    };
    if get("clear").is_some() {
        return Ok(None);
    }
    let path = get("path").ok_or(format!("path is missing ({ANSWER_FIELDS})"))?;
    if !path.starts_with('/') || path.contains('?') {
        return Err(format!("path {path:?} must start with / and have no query string"));
    }
    if path.starts_with("/_sandbox/") {
        return Err("the admin endpoints cannot be programmed".into());
    }
    let body = match (get("body"), get("body_hex")) {
        (Some(_), Some(_)) => return Err("give body or body_hex, not both".into()),
        (Some(text), None) => text.as_bytes().to_vec(),
        (None, Some(hex)) => from_hex(hex).ok_or("body_hex must be pairs of hexadecimal digits")?,
        (None, None) => Vec::new(),
    };
    let content_type = get("content_type").unwrap_or("text/plain");
    if content_type.chars().any(|c| c.is_control()) {
        return Err("content_type has a control character".into());
    }
    let status = match number("status")? {
        None => 200,
        Some(s) if (100..1000).contains(&s) => s as u16,
        Some(s) => return Err(format!("status {s} is not an HTTP status")),
    };
    let close = match get("close") {
        None | Some("0") => false,
        Some("1") => true,
        Some(other) => return Err(format!("close must be 1 or 0, not {other:?}")),
    };
    let remaining = number("count")?.map(|n| u32::try_from(n).map_err(|_| "count is too large")).transpose()?;
    Ok(Some(AnswerRule {
        path: path.to_owned(),
        status,
        content_type: content_type.to_owned(),
        body,
        delay: Duration::from_millis(number("delay_ms")?.unwrap_or(0)),
        close,
        remaining: remaining.filter(|n| *n > 0),
    }))
}

fn from_hex(hex: &str) -> Option<Vec<u8>> {
    let digits = hex.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| Some((char::from(pair[0]).to_digit(16)? * 16 + char::from(pair[1]).to_digit(16)?) as u8))
        .collect()
}

/// A request a programmed answer was for, as `/_sandbox/answered` shows it: secret values
/// (by [`sectigo::raw::looks_secret`]) as `<redacted>`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Answered {
    pub method: String,
    pub path: String,
    /// The form body's (name, value) pairs, in order.
    pub params: Vec<(String, String)>,
}

/// How many answered requests are kept (the latest).
const KEPT: usize = 100;

/// The rules set, in the order they were added (the first for a path answers), and the
/// requests they answered.
#[derive(Debug, Default)]
pub(crate) struct Answers {
    rules: Mutex<Vec<AnswerRule>>,
    answered: Mutex<Vec<Answered>>,
}

impl Answers {
    pub(crate) fn add(&self, rule: AnswerRule) {
        self.rules.lock().unwrap().push(rule);
    }

    /// Removes every rule, and forgets what they answered.
    pub(crate) fn clear(&self) {
        self.rules.lock().unwrap().clear();
        self.answered.lock().unwrap().clear();
    }

    /// The requests programmed answers were for, oldest first (the latest [`KEPT`]).
    pub(crate) fn answered(&self) -> Vec<Answered> {
        self.answered.lock().unwrap().clone()
    }

    /// The answer programmed for a request to `path`, if any (one call of its count used, and
    /// the request recorded).
    pub(crate) fn for_request(&self, method: &str, path: &str, params: &[(String, String)]) -> Option<AnswerRule> {
        let rule = self.for_path(path)?;
        let params = params
            .iter()
            .map(|(n, v)| (n.clone(), if sectigo::raw::looks_secret(n) { "<redacted>".to_owned() } else { v.clone() }))
            .collect();
        let mut answered = self.answered.lock().unwrap();
        if answered.len() == KEPT {
            answered.remove(0);
        }
        answered.push(Answered { method: method.to_owned(), path: path.to_owned(), params });
        Some(rule)
    }

    fn for_path(&self, path: &str) -> Option<AnswerRule> {
        let mut rules = self.rules.lock().unwrap();
        let i = rules.iter().position(|r| r.path == path)?;
        let rule = rules[i].clone();
        if let Some(n) = &mut rules[i].remaining {
            *n -= 1;
            if *n == 0 {
                rules.remove(i);
            }
        }
        Some(rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(text.as_bytes()).map(|(n, v)| (n.into_owned(), v.into_owned())).collect()
    }

    #[test]
    fn rules_parse_and_are_used_up() {
        let rule =
            parse_answer(&pairs("path=/p/x&body_hex=504B0304ff&content_type=application/zip&count=2&delay_ms=5"))
                .unwrap()
                .unwrap();
        assert_eq!(rule.body, b"PK\x03\x04\xff");
        assert_eq!(
            (rule.status, rule.content_type.as_str(), rule.delay),
            (200, "application/zip", Duration::from_millis(5))
        );
        let answers = Answers::default();
        answers.add(rule);
        let params = pairs("loginName=a&loginPassword=b&x=1");
        assert!(answers.for_request("POST", "/p/y", &params).is_none());
        assert!(answers.for_request("POST", "/p/x", &params).is_some());
        assert!(answers.for_request("GET", "/p/x", &[]).is_some());
        assert!(answers.for_request("POST", "/p/x", &params).is_none());
        let answered = answers.answered();
        assert_eq!(answered.len(), 2);
        assert_eq!(answered[0].params, pairs("loginName=a&loginPassword=%3Credacted%3E&x=1"));
        assert_eq!((answered[1].method.as_str(), answered[1].params.len()), ("GET", 0));
        assert_eq!(parse_answer(&pairs("clear=1")), Ok(None));
        for bad in [
            "body=x",
            "path=x",
            "path=/x?y",
            "path=/_sandbox/state",
            "path=/x&body_hex=abc",
            "path=/x&status=5",
            "path=/x&close=yes",
            "path=/x&body=a&body_hex=61",
        ] {
            assert!(parse_answer(&pairs(bad)).is_err(), "{bad}");
        }
    }
}
