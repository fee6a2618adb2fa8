//! Generator tests: snapshots of the emitted Rust for small fixture specs (one per generator
//! feature; `emitters.rs` has the other languages'), spec checks that must fail naming file and
//! key, and freshness of the checked-in generated files.
//!
//! The snapshots are compiled by `tests/snapshot-compile`, so none can bless code that does not
//! build. The real spec's output is not snapshotted: it is committed once, in the generated
//! folders, and `generated_files_are_fresh` holds it to the spec.

use std::path::{Path, PathBuf};

use xtask::codegen::loader::load;

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One fixture per generator feature: rules (`one_of`, `conditional`), groups, items with the
/// catalogue, the answer's format chosen by a parameter and both hosts' generations
/// (`selectable`), value kinds with aliases and secrets, and text every language must escape.
const FIXTURES: &[&str] = &["one_of", "conditional", "groups", "items", "selectable", "value_kinds", "escapes"];

fn snapshot_spec(name: &str, dir: &Path) {
    let ir = load(dir).unwrap_or_else(|e| panic!("{name}: {e}"));
    for (file, text) in xtask::codegen::emit::rust_files(&ir) {
        let stem = file.trim_end_matches(".rs");
        insta::assert_snapshot!(format!("{name}__{stem}"), text);
    }
}

#[test]
fn fixture_snapshots() {
    for name in FIXTURES {
        snapshot_spec(name, &here().join("tests/fixtures").join(name));
    }
}

#[test]
fn generated_files_are_fresh() {
    let root = xtask::root();
    let files = xtask::codegen::generate_all(&root).expect("spec/ loads");
    let report = xtask::codegen::write_generated(&root, &files, true).unwrap();
    assert!(
        report.changed.is_empty() && report.orphaned.is_empty(),
        "stale generated files {:?} {:?}: run `cargo xtask codegen`",
        report.changed,
        report.orphaned
    );
}

#[test]
fn generation_is_deterministic() {
    let spec = xtask::root().join("spec");
    assert_eq!(xtask::codegen::generate(&spec).unwrap(), xtask::codegen::generate(&spec).unwrap());
}

/// A copy of a spec folder in a fresh temporary folder, with one text replacement in one file.
fn mutated(source: &Path, file: &str, from: &str, to: &str) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("xtask-spec-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(source, &dir);
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn load_error(dir: &Path) -> String {
    let err = load(dir).expect_err("the spec should be refused").to_string();
    let _ = std::fs::remove_dir_all(dir);
    err
}

#[test]
fn broken_specs_are_refused_naming_file_and_key() {
    let fixtures = here().join("tests/fixtures");
    let spec = xtask::root().join("spec");
    let cases: &[(&Path, &str, &str, &str, &[&str])] = &[
        // An unknown rule reference.
        (
            &fixtures.join("one_of"),
            "endpoints/greet.toml",
            r#"["foreName", "surName"]"#,
            r#"["foreName", "lastName"]"#,
            &["endpoints/greet.toml", "rule[0].sets[1][1]", "unknown parameter \"lastName\""],
        ),
        (
            &fixtures.join("conditional"),
            "endpoints/signup.toml",
            "param = \"brandName\"",
            "param = \"brand\"",
            &["endpoints/signup.toml", "rule[0].param", "unknown parameter \"brand\""],
        ),
        // A duplicate name (case-insensitive).
        (
            &fixtures.join("one_of"),
            "endpoints/greet.toml",
            "name = \"surName\"",
            "name = \"FORENAME\"",
            &["endpoints/greet.toml", "param[2].name", "clashes with \"foreName\""],
        ),
        // A length on an integer enum; an allowed value longer than the length.
        (
            &fixtures.join("conditional"),
            "endpoints/signup.toml",
            "type = \"integer\"\nrequirement",
            "type = \"integer\"\nmax_length = 2\nrequirement",
            &["endpoints/signup.toml", "param[0].max_length", "a length on an integer"],
        ),
        (
            &fixtures.join("value_kinds"),
            "endpoints/values.toml",
            "max_length = 64",
            "max_length = 4",
            &["endpoints/values.toml", "param[4].allowed[0].value", "longer than max_length 4"],
        ),
        // A default outside the allowed values.
        (
            &fixtures.join("value_kinds"),
            "endpoints/values.toml",
            "default = \"N\"",
            "default = \"X\"",
            &["endpoints/values.toml", "param[3].default", "not one of the allowed values"],
        ),
        // An error the catalogue does not have.
        (
            &fixtures.join("selectable"),
            "endpoints/session.toml",
            "\"price_missing\",",
            "\"price_gone\",",
            &["endpoints/session.toml", "endpoint.errors[3]", "unknown error \"price_gone\""],
        ),
        // A misspelt key.
        (
            &fixtures.join("one_of"),
            "endpoints/greet.toml",
            "max_length = 128",
            "max_lenght = 128",
            &["endpoints/greet.toml", "line 20", "unknown field `max_lenght`"],
        ),
        // A group whose required member is not a member.
        (
            &fixtures.join("groups"),
            "endpoints/contact.toml",
            "required_if_any = [\"billingEmailAddress\",",
            "required_if_any = [\"adminEmailAddress\",",
            &["endpoints/contact.toml", "group[1].required_if_any[0]", "not a member of the group"],
        ),
        // An unknown term, a PPP used twice.
        (
            &fixtures.join("items"),
            "products.toml",
            "ppp = { year1 = 200 }",
            "ppp = { year2 = 101 }",
            &["products.toml", "product[1].ppp.year2", "unknown term \"year2\"", "PPP 101 is also used by widget"],
        ),
        // A selector whose values the formats do not cover.
        (
            &fixtures.join("selectable"),
            "endpoints/session.toml",
            "\"1\" = \"url_encoded\"",
            "\"2\" = \"url_encoded\"",
            &["endpoints/session.toml", "response.formats", "exactly the allowed values of responseFormat"],
        ),
        // The real spec: a placeholder missing from its message; an endpoint without a path or a reason.
        (
            &spec,
            "errors.toml",
            "message = \"The 'xxxx' argument is missing!\"",
            "message = \"The argument is missing!\"",
            &["errors.toml", "argument_missing.placeholder", "does not occur in the message"],
        ),
        (
            &spec,
            "endpoints/tier2_partner_signup.toml",
            "path_unknown = ",
            "note = ",
            &["endpoints/tier2_partner_signup.toml", "unknown field `note`"],
        ),
        // An error kind: a surface with both a name and a reason, a C constant off its name, an
        // exit status that is no error's, two statuses without a note.
        (
            &spec,
            "client.toml",
            "php = \"ConfigException\"\n",
            "php = \"ConfigException\"\nphp_why = \"Both.\"\n",
            &["client.toml", "error_kind[5] (config).php", "has both a name and a reason for none"],
        ),
        (
            &spec,
            "client.toml",
            "c = \"SECTIGO_ERROR_KIND_DECODE\"",
            "c = \"SECTIGO_ERROR_KIND_DECODING\"",
            &["client.toml", "error_kind[3] (decode).c", "must be SECTIGO_ERROR_KIND_DECODE"],
        ),
        (&spec, "client.toml", "cli = [6]", "cli = [0]", &["error_kind[5] (config).cli", "0 is no exit status"]),
        (
            &spec,
            "client.toml",
            "cli_note = \"7 when rate limited (-42)\"\n",
            "",
            &["error_kind[1] (api).cli_note", "more than one status needs a note"],
        ),
    ];
    for (source, file, from, to, expected) in cases {
        let err = load_error(&mutated(source, file, from, to));
        for e in *expected {
            assert!(err.contains(e), "replacing {from:?} by {to:?} in {file}: {e:?} not in:\n{err}");
        }
    }
}

/// One edit of a max length in spec/ changes the generated code (and so the validation that
/// reads it) and nothing else.
#[test]
fn a_max_length_edit_reaches_the_generated_code() {
    let spec = xtask::root().join("spec");
    let before = xtask::codegen::generate(&spec).unwrap();
    let dir = mutated(&spec, "endpoints/auto_authorize.toml", "max_length = 64", "max_length = 65");
    let after = xtask::codegen::generate(&dir).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let changed: Vec<&PathBuf> = before.iter().zip(&after).filter(|(b, a)| b.1 != a.1).map(|(b, _)| &b.0).collect();
    assert_eq!(
        changed,
        [
            &PathBuf::from("crates/sectigo/src/generated/spec_data.rs"),
            &PathBuf::from("crates/sectigo/src/generated/auto_authorize.rs"),
        ]
    );
    let spec_data =
        |files: &[(PathBuf, String)]| files.iter().find(|(p, _)| p.ends_with("spec_data.rs")).unwrap().1.clone();
    let (old, new) = (spec_data(&before), spec_data(&after));
    assert!(new.contains("max_length: Some(65u32)"));
    let diff: Vec<(&str, &str)> = old.lines().zip(new.lines()).filter(|(b, a)| b != a).collect();
    assert_eq!(diff.len(), 1, "{diff:?}");
}

/// Every snapshot file belongs to a file the generator emits today (no orphan is left behind
/// for `tests/snapshot-compile` to keep compiling).
#[test]
fn no_orphaned_snapshots() {
    let mut expected = std::collections::BTreeSet::new();
    for name in FIXTURES {
        let ir = load(&here().join("tests/fixtures").join(name)).unwrap();
        for (file, _) in xtask::codegen::emit::rust_files(&ir) {
            expected.insert(format!("codegen__{name}__{}.snap", file.trim_end_matches(".rs")));
        }
        expected.insert(format!("emitters__{name}__c_names.snap"));
        for (file, _) in xtask::codegen::emit::php::files(&ir, "0.0.0", "libsectigo.so.0.0", "libsectigo.0.0.dylib") {
            expected.insert(format!("emitters__{name}__php_{}.snap", file.trim_end_matches(".php")));
        }
        expected.insert(format!("emitters__{name}__python_module.snap"));
        expected.insert(format!("emitters__{name}__python_stub.snap"));
    }
    let found: std::collections::BTreeSet<String> = std::fs::read_dir(here().join("tests/snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".snap.new"))
        .collect();
    assert_eq!(found, expected, "remove orphaned snapshots or add the missing ones");
}

/// `cargo xtask spec --json` has the shape tools rely on, and the whole catalogue.
#[test]
fn spec_json_lists_everything() {
    let ir = load(&xtask::root().join("spec")).unwrap();
    let json = xtask::codegen::json::spec_json(&ir);
    let endpoints = json["endpoints"].as_array().unwrap();
    let names: Vec<&str> = endpoints.iter().map(|e| e["name"].as_str().unwrap_or("(none)")).collect();
    assert_eq!(names, ["!AutoAuthorize", "!initCustomerSession", "!PlaceOrder", "(none)"]);
    let counts: Vec<usize> = endpoints.iter().map(|e| e["params"].as_array().unwrap().len()).collect();
    assert_eq!(counts, [5, 4, 31, 79]);
    for e in endpoints {
        for p in e["params"].as_array().unwrap() {
            for key in ["name", "type", "max_length", "requirement", "allowed", "default", "aliases"] {
                assert!(p.get(key).is_some(), "{key} missing from {p}");
            }
            assert!(["required", "optional", "conditional"].contains(&p["requirement"].as_str().unwrap()));
        }
        for err in e["errors"].as_array().unwrap() {
            assert!(err["code"].is_i64());
        }
        assert!(e["methods"].is_array() && e.get("path").is_some() && e["response_fields"].is_array());
    }
    let products = json["products"].as_array().unwrap();
    assert_eq!(products.len(), 65);
    assert!(products.iter().any(|p| p["name"] == "Web DNS Pro" && p["term"] == "1-year" && p["ppp"] == 9974));
}

/// Checks the spec against the repository's copies of Sectigo's documents
/// (`tests/import/seeds/`): every PPP code and error code of a document is in the spec, and
/// every name the spec puts on the wire occurs in its document (nothing invented).
#[test]
fn spec_covers_the_source_documents() {
    let seeds = xtask::root().join("tests/import/seeds");
    let ir = load(&xtask::root().join("spec")).unwrap();
    let json = xtask::codegen::json::spec_json(&ir);
    let read = |file: &str| std::fs::read_to_string(seeds.join(file)).unwrap();

    // The general error list is on the legacy !initCustomerSession page.
    let general_list = read("000_75bce47dcbe22479.txt");
    let place_order = read("002_a1734d13bb3b2a6d.txt");
    let ppp: Vec<i64> = place_order
        .split("x_PPP=")
        .skip(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap())
        .collect();
    assert_eq!(ppp.len(), 65);
    for code in ppp {
        assert!(json["products"].as_array().unwrap().iter().any(|p| p["ppp"] == code), "PPP {code} missing");
    }

    for e in json["endpoints"].as_array().unwrap() {
        for source in e["sources"].as_array().unwrap() {
            let text = read(source["file"].as_str().unwrap());
            // Error codes: lines (or table cells) starting with a negative number.
            let documented: std::collections::BTreeSet<i64> = text
                .split(['\n', '\t', '>'])
                .filter_map(|cell| {
                    let cell = cell.trim_start();
                    let digits: String = cell.strip_prefix('-')?.chars().take_while(char::is_ascii_digit).collect();
                    let rest = &cell[1 + digits.len()..];
                    (!digits.is_empty() && (rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')))
                        .then(|| -digits.parse::<i64>().unwrap())
                })
                .filter(|c| {
                    *c != -1 || text.contains("-1 = ") || text.contains("\n-1\n") || text.contains("-1\tRequest")
                })
                .collect();
            let spec_codes: std::collections::BTreeSet<i64> =
                e["errors"].as_array().unwrap().iter().map(|r| r["code"].as_i64().unwrap()).collect();
            let missing: Vec<_> = documented.iter().filter(|c| !spec_codes.contains(c)).collect();
            // The item parameter x_visibility's "-1 (default)" is a value, not an error code.
            let missing: Vec<_> = missing.into_iter().filter(|c| !text.contains(&format!("{c} (default)"))).collect();
            assert!(missing.is_empty(), "{}: codes {missing:?} of {} missing", e["id"], source["file"]);
            for r in e["errors"].as_array().unwrap() {
                if let Some(m) = r["message"].as_str() {
                    // A row of the general list comes from the document that lists it.
                    let general = r["general"] == true && general_list.contains(m);
                    let found = general
                        || text.contains(m)
                        || e["sources"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|s| read(s["file"].as_str().unwrap()).contains(m));
                    assert!(found, "{}: message {m:?} is not in its documents", e["id"]);
                }
            }
            for p in e["params"].as_array().unwrap() {
                let name = p["name"].as_str().unwrap();
                assert!(text.contains(name), "{}: parameter {name} is not in {}", e["id"], source["file"]);
            }
        }
    }
}
