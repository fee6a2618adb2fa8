//! HTTP/1.1 on one connection: reading a request (head limits, `Content-Length` bodies, keep
//! alive, an idle limit) and writing a reply in one write.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read, Write};

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 1024 * 1024;

pub(super) struct Request {
    pub(super) method: String,
    pub(super) target: String,
    pub(super) close: bool,
    pub(super) body: Vec<u8>,
}

pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) content_type: Cow<'static, str>,
    pub(super) location: Option<String>,
    pub(super) body: Vec<u8>,
    /// Close after answering; `None` as the answer: close without answering.
    pub(super) close: bool,
}

impl Reply {
    pub(super) fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply { status, content_type: Cow::Borrowed(content_type), location: None, body: body.into(), close: false }
    }
}

pub(super) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// What [`read_request`] says when no request came within the idle limit.
pub(super) const IDLED: u16 = 0;

/// A connection past its idle limit, forgotten without telling the client (no close): whatever
/// comes on it next is dropped unanswered, as by a load balancer that dropped the connection.
pub(super) fn forget<S: Read>(mut reader: BufReader<S>) {
    let mut byte = [0u8; 1];
    for _ in 0..10 {
        match reader.get_mut().read(&mut byte) {
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            _ => return,
        }
    }
}

/// The next request; `Ok(None)` when the client closed, `Err(IDLED)` when none came within the
/// idle limit, `Err(status)` for a request that cannot be served.
pub(super) fn read_request<S: Read>(reader: &mut BufReader<S>) -> Result<Option<Request>, u16> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        match reader.read_until(b'\n', &mut head) {
            Ok(0) if head.is_empty() => return Ok(None),
            Ok(0) => return Err(400),
            Ok(_) => {}
            Err(e)
                if head.is_empty()
                    && matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
            {
                return Err(IDLED);
            }
            Err(_) => return Ok(None),
        }
        if head.len() > MAX_HEAD {
            return Err(431);
        }
        let line = &head[before..];
        if (line == b"\r\n" || line == b"\n") && before > 0 {
            break;
        }
        if (line == b"\r\n" || line == b"\n") && before == 0 {
            head.clear(); // tolerate blank lines between requests
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(400),
    }
    let method = parsed.method.unwrap_or_default().to_owned();
    let target = parsed.path.unwrap_or_default().to_owned();
    let http10 = parsed.version == Some(0);
    let header = |name: &str| {
        parsed
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_owned())
    };
    if header("transfer-encoding").is_some() {
        return Err(501);
    }
    let length = match header("content-length") {
        Some(v) => v.parse::<usize>().map_err(|_| 400u16)?,
        None => 0,
    };
    if length > MAX_BODY {
        return Err(413);
    }
    let connection = header("connection").unwrap_or_default().to_ascii_lowercase();
    let close = connection == "close" || (http10 && connection != "keep-alive");
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|_| 400u16)?;
    Ok(Some(Request { method, target, close, body }))
}

pub(super) fn write_reply<W: Write>(out: &mut W, reply: &Reply) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
        reply.status,
        reason(reply.status),
        reply.content_type,
        reply.body.len()
    );
    if let Some(location) = &reply.location {
        // The target comes from the request (successURL, errorURL): a header holds visible
        // ASCII only, so a CR or LF in it cannot end the header (or the head) early.
        const NOT_VISIBLE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');
        let visible = percent_encoding::utf8_percent_encode(location, NOT_VISIBLE);
        head.push_str(&format!("Location: {visible}\r\n"));
    }
    if reply.close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    // Head and body in one write: split into two, the body would wait for the client's delayed
    // ACK of the head (Nagle) on a kept-alive connection, some 40 ms per call.
    let mut message = head.into_bytes();
    message.extend_from_slice(&reply.body);
    out.write_all(&message)?;
    out.flush()
}

pub(super) fn form(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes).map(|(n, v)| (n.into_owned(), v.into_owned())).collect()
}
