//! `cargo xtask import-doc`: the five source documents (copies in `tests/import/seeds/`) read
//! back to exactly the spec; each drill (an edited copy, `tests/import/drills/NAME.txt`) to
//! exactly its diff (`NAME.diff`); bad pages to a clear error.

use std::path::PathBuf;

use xtask::page::{self, compare};

fn dir(name: &str) -> PathBuf {
    xtask::root().join("tests/import").join(name)
}

fn spec() -> serde_json::Value {
    xtask::json::spec_json(&xtask::check::load(&xtask::root().join("spec")).unwrap())
}

/// The changes a page shows against the spec, rendered.
fn changes(text: &str, spec: &serde_json::Value) -> (String, Vec<String>, Vec<String>) {
    let page = page::read(text).unwrap_or_else(|e| panic!("{e}"));
    let e = compare::endpoint(&page, spec, None).unwrap();
    let report = compare::compare(&page, spec, e);
    (report.endpoint, report.changes.iter().map(|c| c.to_string()).collect(), report.spec_only)
}

#[test]
fn every_seed_reads_back_to_the_spec() {
    let spec = spec();
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(dir("seeds")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let (endpoint, changes, spec_only) = changes(&text, &spec);
        assert!(changes.is_empty(), "{}: {endpoint}:\n{}", path.display(), changes.join("\n"));
        println!("{}: {endpoint}, spec-only: {spec_only:?}", path.display());
        seen.push(endpoint);
    }
    seen.sort();
    assert_eq!(seen, ["auto_authorize", "init_customer_session", "init_customer_session", "place_order", "tier2_partner_signup"]);
}

#[test]
fn each_drill_shows_exactly_its_diff() {
    let spec = spec();
    let mut drills = 0;
    for entry in std::fs::read_dir(dir("drills")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let expected: Vec<String> =
            std::fs::read_to_string(path.with_extension("diff")).unwrap().lines().map(str::to_owned).collect();
        let (_, changes, _) = changes(&text, &spec);
        assert_eq!(changes, expected, "{}", path.display());
        drills += 1;
    }
    assert_eq!(drills, 7);
}

#[test]
fn bad_pages_get_an_error_naming_what_is_missing() {
    let seed = std::fs::read_to_string(dir("seeds").join("004_7d5fc5aca0bcb34d.txt")).unwrap();
    let error = |text: &str| page::read(text).unwrap_err().to_string();
    assert_eq!(error(""), "the page is empty");
    assert!(error("\u{1}\u{2}\u{3}\u{4} binary \u{0}").contains("not text"));
    let other_api = "# Users API\n\nGET /v2/users\n\nReturns every user.\n\n| field | type |\n|---|---|\n| id | integer |\n";
    assert!(error(other_api).contains("not a page of Sectigo's reseller API"), "{}", error(other_api));
    let cut = &seed[..seed.find("disableSWP").unwrap()];
    assert!(error(cut).contains("ends inside a parameter table after parameter test"), "{}", error(cut));
    let intro = &seed[..seed.find("Request parameters").unwrap()];
    assert!(error(intro).contains("found no parameter"), "{}", error(intro));
}

#[test]
fn a_partial_page_imports_what_it_holds() {
    let seed = std::fs::read_to_string(dir("seeds").join("004_7d5fc5aca0bcb34d.txt")).unwrap();
    let errors_only = &seed[seed.find("Error codes").unwrap()..];
    let page = page::read(errors_only).unwrap();
    assert!(page.params.is_empty() && page.errors.len() >= 10, "{page:?}");
    let spec = spec();
    let e = compare::endpoint(&page, &spec, Some("auto_authorize")).unwrap();
    let report = compare::compare(&page, &spec, e);
    assert!(report.changes.is_empty(), "{:?}", report.changes);
    assert!(compare::endpoint(&page, &spec, None).unwrap_err().contains("--endpoint"));
}
