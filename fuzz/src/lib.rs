//! What the fuzz targets' inputs mean. Answer and request inputs are text-headed, so that the
//! test vectors seed them (`cargo xtask fuzz` writes the seeds in these shapes) and so that the
//! mutations stay close to real traffic.

/// The documentation-page reader of `cargo xtask import-doc`, compiled here on its own (the
/// generator around it is not needed to read pages).
#[path = "../../xtask/src/page/mod.rs"]
pub mod page;

use sectigo::meta::Endpoint;
use sectigo::wire::RawResponse;

/// The endpoint named by `name` (wire name or id), else one picked by the name's length, so
/// that every input reaches some endpoint.
pub fn endpoint(name: &str) -> &'static Endpoint {
    sectigo::dynamic::endpoint(name).unwrap_or_else(|| sectigo::ENDPOINTS[name.len() % sectigo::ENDPOINTS.len()])
}

/// Splits off the first line (without its `\n`); the whole input when there is none.
pub fn line(bytes: &[u8]) -> (&[u8], &[u8]) {
    match bytes.iter().position(|b| *b == b'\n') {
        Some(i) => (&bytes[..i], &bytes[i + 1..]),
        None => (bytes, &[]),
    }
}

/// Form pairs from `a=b&c=d` bytes.
pub fn pairs(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes).map(|(n, v)| (n.into_owned(), v.into_owned())).collect()
}

/// An answer to decode:
///
/// ```text
/// ENDPOINT STATUS REQUEST-PARAMS     e.g. "!initCustomerSession 200 responseFormat=1"
/// LOCATION                           the Location header; empty for none
/// BODY...                            the rest, any bytes
/// ```
pub fn answer(bytes: &[u8]) -> (&'static Endpoint, Vec<(String, String)>, RawResponse) {
    let (head, rest) = line(bytes);
    let (location, body) = line(rest);
    let head = String::from_utf8_lossy(head);
    let mut words = head.split(' ');
    let endpoint = endpoint(words.next().unwrap_or_default());
    let status = words.next().and_then(|s| s.parse().ok()).unwrap_or(200);
    let params = pairs(words.next().unwrap_or_default().as_bytes());
    let location = (!location.is_empty()).then(|| String::from_utf8_lossy(location).into_owned());
    (endpoint, params, RawResponse { status, location, body: body.to_vec() })
}

/// A request to check:
///
/// ```text
/// ENDPOINT           wire name or id
/// PARAMS             form-encoded pairs, in order (names may repeat)
/// ```
pub fn request(bytes: &[u8]) -> (&'static Endpoint, Vec<(String, String)>) {
    let (head, rest) = line(bytes);
    let (params, _) = line(rest);
    (endpoint(&String::from_utf8_lossy(head)), pairs(params))
}
