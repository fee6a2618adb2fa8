//! Runs every case of `tests/vectors/*.toml` (see its README) through the name-keyed interface.

use std::collections::BTreeMap;
use std::path::PathBuf;

use sectigo::ApiError;
use sectigo::dynamic::endpoint;
use sectigo::validate::prepare;
use sectigo::wire::{RawResponse, decode};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    request: Vec<RequestCase>,
    #[serde(default)]
    response: Vec<ResponseCase>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestCase {
    name: String,
    source: String,
    endpoint: String,
    params: Vec<(String, String)>,
    body: Option<String>,
    violations: Option<Vec<ExpectedViolation>>,
}

#[derive(Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord, Clone)]
#[serde(deny_unknown_fields)]
struct ExpectedViolation {
    param: String,
    rule: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponseCase {
    name: String,
    source: String,
    endpoint: String,
    params: Vec<(String, String)>,
    #[serde(default = "ok")]
    status: u16,
    location: Option<String>,
    body: String,
    expect: Expect,
}

fn ok() -> u16 {
    200
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    outcome: String,
    code: Option<i64>,
    #[serde(default)]
    fields: BTreeMap<String, String>,
    #[serde(default)]
    absent: Vec<String>,
    quirks: Option<Vec<String>>,
    message: Option<String>,
    item: Option<String>,
    argument: Option<String>,
    error: Option<String>,
    kind: Option<String>,
}

fn vector_files() -> Vec<(PathBuf, File)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/vectors exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 4, "expected a vector file per endpoint in {}", dir.display());
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let file: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, file)
        })
        .collect()
}

/// `""` in a vector means "none".
fn none_if_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn check_request(case: &RequestCase) -> Result<(), String> {
    let ep = endpoint(&case.endpoint).ok_or_else(|| format!("unknown endpoint {}", case.endpoint))?;
    let result = prepare(ep, case.params.iter().map(|(n, v)| (n.as_str(), v.as_str())), None);
    match (&case.body, &case.violations, result) {
        (Some(body), None, Ok(form)) => {
            if form.encode() != *body {
                return Err(format!("body\n  got      {}\n  expected {body}", form.encode()));
            }
        }
        (None, Some(expected), Err(violations)) => {
            let mut got: Vec<ExpectedViolation> = violations
                .iter()
                .map(|v| ExpectedViolation { param: v.param.clone(), rule: v.kind.rule().to_owned() })
                .collect();
            let mut expected = expected.clone();
            got.sort();
            expected.sort();
            if got != expected {
                return Err(format!("violations\n  got      {got:?}\n  expected {expected:?}\n  ({violations})"));
            }
            // Every violation names its parameter in its message.
            for v in &violations {
                let text = v.to_string();
                let named = v.param.split(['|', '+']).all(|p| text.contains(p.trim_end_matches("_*")));
                if !named {
                    return Err(format!("violation message {text:?} does not name {}", v.param));
                }
            }
        }
        (Some(_), None, Err(v)) => return Err(format!("expected a body, got violations: {v}")),
        (None, Some(_), Ok(form)) => return Err(format!("expected violations, got body {}", form.encode())),
        _ => return Err("a request case needs exactly one of body and violations".into()),
    }
    Ok(())
}

fn check_response(case: &ResponseCase) -> Result<(), String> {
    let ep = endpoint(&case.endpoint).ok_or_else(|| format!("unknown endpoint {}", case.endpoint))?;
    let raw = RawResponse { status: case.status, location: case.location.clone(), body: case.body.as_bytes().to_vec() };
    let e = &case.expect;
    let quirks_of = |r: &sectigo::Response| r.quirks().iter().map(|q| q.as_str().to_owned()).collect::<Vec<_>>();
    match (e.outcome.as_str(), decode(ep, &case.params, raw)) {
        ("success", Ok(r)) if r.is_success() => {
            if let Some(code) = e.code
                && r.code() != code
            {
                return Err(format!("code {} != {code}", r.code()));
            }
            for (name, value) in &e.fields {
                if r.get(name) != Some(value.as_str()) {
                    return Err(format!("field {name}: got {:?}, expected {value:?}", r.get(name)));
                }
            }
            for name in &e.absent {
                if let Some(v) = r.get(name) {
                    return Err(format!("field {name} should be absent, got {v:?}"));
                }
            }
            if let Some(q) = &e.quirks
                && quirks_of(&r) != *q
            {
                return Err(format!("quirks {:?} != {q:?}", quirks_of(&r)));
            }
        }
        ("api_error", Ok(r)) if !r.is_success() => {
            if let Some(q) = &e.quirks
                && quirks_of(&r) != *q
            {
                return Err(format!("quirks {:?} != {q:?}", quirks_of(&r)));
            }
            let err = ApiError::from_response(r);
            if Some(err.code()) != e.code {
                return Err(format!("code {} != {:?}", err.code(), e.code));
            }
            let checks = [
                ("message", err.message(), &e.message),
                ("item", err.item(), &e.item),
                ("argument", err.argument(), &e.argument),
                ("error", err.documented().map(|r| r.id), &e.error),
            ];
            for (what, got, expected) in checks {
                if let Some(expected) = expected
                    && got != none_if_empty(expected)
                {
                    return Err(format!("{what}: got {got:?}, expected {expected:?}"));
                }
            }
            if err.raw() != case.body && case.location.as_deref() != Some(err.raw()) {
                return Err("the raw answer was not kept".into());
            }
        }
        ("decode_error", Err(d)) => {
            if Some(d.kind.as_str()) != e.kind.as_deref() {
                return Err(format!("decode error {:?} != {:?}", d.kind.as_str(), e.kind));
            }
            if d.raw != case.body && case.location.as_deref() != Some(d.raw.as_str()) {
                return Err(format!("the raw body was not kept: {:?}", d.raw));
            }
        }
        (outcome, got) => return Err(format!("expected {outcome}, got {got:?}")),
    }
    Ok(())
}

#[test]
fn every_vector_passes() {
    let mut failures = Vec::new();
    let (mut requests, mut responses) = (0, 0);
    for (path, file) in vector_files() {
        let mut names = std::collections::BTreeSet::new();
        for case in &file.request {
            requests += 1;
            assert!(names.insert(&case.name), "duplicate case {} in {}", case.name, path.display());
            assert!(!case.source.is_empty());
            if let Err(e) = check_request(case) {
                failures.push(format!("{} / request {}: {e}", path.display(), case.name));
            }
        }
        for case in &file.response {
            responses += 1;
            assert!(names.insert(&case.name), "duplicate case {} in {}", case.name, path.display());
            assert!(!case.source.is_empty());
            if let Err(e) = check_response(case) {
                failures.push(format!("{} / response {}: {e}", path.display(), case.name));
            }
        }
    }
    println!("{requests} request vectors, {responses} response vectors");
    assert!(failures.is_empty(), "{} vector(s) failed:\n{}", failures.len(), failures.join("\n"));
    assert!(requests >= 30 && responses >= 35, "vectors went missing: {requests} requests, {responses} responses");
}

/// Every sample in the documents is a vector: each endpoint has request and response cases whose
/// source names its document.
#[test]
fn every_endpoint_has_vectors() {
    let files = vector_files();
    for ep in sectigo::ENDPOINTS {
        let key = ep.name.unwrap_or(ep.id);
        let n = files
            .iter()
            .flat_map(|(_, f)| f.request.iter().map(|c| &c.endpoint).chain(f.response.iter().map(|c| &c.endpoint)))
            .filter(|e| endpoint(e).is_some_and(|x| x.id == ep.id))
            .count();
        assert!(n >= 5, "{key} has only {n} vectors");
    }
}
