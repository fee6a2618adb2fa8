//! `cargo xtask import-doc`: the five source documents (copies in `tests/import/seeds/`) read
//! back to exactly the spec; each drill (an edited copy, `tests/import/drills/NAME.txt`) to
//! exactly its diff (`NAME.diff`); bad pages to a clear error; two of the pages saved as HTML
//! (`tests/import/html/`) read like their text.

use std::path::PathBuf;

use xtask::page::{self, compare};

fn dir(name: &str) -> PathBuf {
    xtask::root().join("tests/import").join(name)
}

fn spec() -> serde_json::Value {
    xtask::codegen::json::spec_json(&xtask::codegen::loader::load(&xtask::root().join("spec")).unwrap())
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
    assert_eq!(
        seen,
        ["auto_authorize", "init_customer_session", "init_customer_session", "place_order", "tier2_partner_signup"]
    );
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
    let other_api =
        "# Users API\n\nGET /v2/users\n\nReturns every user.\n\n| field | type |\n|---|---|\n| id | integer |\n";
    assert!(error(other_api).contains("not a page of Sectigo's reseller API"), "{}", error(other_api));
    let cut = &seed[..seed.find("disableSWP").unwrap()];
    assert!(error(cut).contains("ends inside a parameter table after parameter test"), "{}", error(cut));
    let intro = &seed[..seed.find("Request parameters").unwrap()];
    assert!(error(intro).contains("found no parameter"), "{}", error(intro));
}

/// Every seed holds all three parts of an endpoint's page; a copy cut before its answer (as the
/// stored copies of `CollectSSL` and other pages are) is known to lack the answer and errors.
#[test]
fn each_page_says_which_parts_it_holds() {
    for entry in std::fs::read_dir(dir("seeds")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let page = page::read(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(page.sections.missing(), [], "{}", path.display());
    }
    let current = std::fs::read_to_string(dir("seeds").join("004_7d5fc5aca0bcb34d.txt")).unwrap();
    let cut = &current[..current.find("Response parameters").unwrap()];
    assert_eq!(
        page::read(cut).unwrap().sections.missing(),
        [("answer", "the answer's fields (the response section)"), ("errors", "the error table")]
    );
    let legacy = std::fs::read_to_string(dir("seeds").join("000_75bce47dcbe22479.txt")).unwrap();
    let cut = &legacy[..legacy.find("## 2. Response").unwrap()];
    assert_eq!(
        page::read(cut).unwrap().sections.missing(),
        [("answer", "the answer's fields (the response section)"), ("errors", "the error table")]
    );
    let errors_only = &current[current.find("\nError codes\n").unwrap()..];
    assert_eq!(
        page::read(errors_only).unwrap().sections.missing(),
        [("request", "the request's parameter table"), ("answer", "the answer's fields (the response section)")]
    );
}

/// The answer each seed describes, read field by field (name, line, when present, whether it may
/// be left out, and the type and length where the page states them), and its format, are the
/// spec's for that page's generation.
#[test]
fn each_page_reads_its_answer_as_the_spec_has_it() {
    use xtask::page::answer::{Format, When};
    let spec = spec();
    let mut checked = 0;
    for entry in std::fs::read_dir(dir("seeds")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let page = page::read(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let e = compare::endpoint(&page, &spec, None).unwrap();
        let generation = match page.generation {
            page::Generation::Legacy => "legacy",
            page::Generation::Current => "current",
        };
        let expected: Vec<&serde_json::Value> = e["response_fields"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["generations"].as_array().unwrap().iter().all(|g| g == generation)
                    || f["generations"].as_array().unwrap().is_empty()
            })
            .collect();
        let read: Vec<String> = page.answer.iter().map(|f| f.name.clone()).collect();
        let wanted: Vec<String> = expected.iter().map(|f| f["name"].as_str().unwrap().to_owned()).collect();
        assert_eq!(read, wanted, "{name}: the answer's fields");
        for (f, s) in page.answer.iter().zip(&expected) {
            let at = format!("{name}: {}", f.name);
            assert_eq!(f.line.map(u64::from), s["line"].as_u64(), "{at}: line");
            let when = match f.when {
                When::Always => "always",
                When::Success => "success",
                When::Error => "error",
            };
            assert_eq!(when, s["when"], "{at}: when");
            assert_eq!(f.optional, s["optional"].as_bool().unwrap(), "{at}: optional");
            if let Some(ty) = &f.ty {
                assert_eq!(ty, &s["type"], "{at}: type");
            }
            if let Some(max) = f.max_length {
                assert_eq!(Some(u64::from(max)), s["max_length"].as_u64(), "{at}: length");
            }
        }
        let format = &e["response_format"];
        let read = match page.format.as_ref().unwrap_or_else(|| panic!("{name}: no format read")) {
            Format::Newline => serde_json::json!({"kind": "newline"}),
            Format::UrlEncoded { redirect_params } => {
                serde_json::json!({"kind": "url_encoded", "redirect_params": redirect_params})
            }
            Format::Selectable { selector, default, formats } => serde_json::json!({
                "kind": "selectable",
                "selector": selector,
                "default": formats.iter().find(|(v, _)| v == default).map(|(_, f)| f.clone()),
                "formats": formats.iter().map(|(v, f)| serde_json::json!({"value": v, "format": f})).collect::<Vec<_>>(),
            }),
        };
        assert_eq!(&read, format, "{name}: the answer's format");
        checked += 1;
        println!("{name}: {} fields, {read}", page.answer.len());
    }
    assert_eq!(checked, 5, "every seed");
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

/// A scratch copy of what codegen reads (spec/, the vectors, the C library's source and README), so that
/// `--write` and codegen can run without touching the repository.
fn scratch(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("xtask-import-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy(&path, &target)
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    let repo = xtask::root();
    copy(&repo.join("spec"), &root.join("spec"));
    copy(&repo.join("tests/vectors"), &root.join("tests/vectors"));
    copy(&repo.join("crates/sectigo-ffi/src"), &root.join("crates/sectigo-ffi/src"));
    std::fs::create_dir_all(root.join("bindings/c")).unwrap();
    std::fs::copy(repo.join("bindings/c/README.md"), root.join("bindings/c/README.md")).unwrap();
    // The pages whose tables are generated.
    for page in ["docs/errors.md", "docs/cli.md", "bindings/php/README.md", "bindings/python/README.md"] {
        std::fs::create_dir_all(root.join(page).parent().unwrap()).unwrap();
        std::fs::copy(repo.join(page), root.join(page)).unwrap();
    }
    root
}

/// What a maintainer does after `--write`: writes every empty description, meaning and note.
fn describe(spec: &std::path::Path) {
    fn fill(table: &mut dyn toml_edit::TableLike) {
        // Three or more values make an enumeration, whose values need variant names; so do
        // values that are no name (`-1`).
        let named = |a: &toml_edit::Table| a["value"].as_str().is_some_and(|v| v.starts_with(char::is_alphabetic));
        if let Some(list) = table.get_mut("allowed").and_then(toml_edit::Item::as_array_of_tables_mut)
            && (list.len() > 2 || !list.iter().all(named))
        {
            for a in list.iter_mut().filter(|a| !a.contains_key("variant")) {
                let value: String =
                    a["value"].as_str().unwrap_or_default().chars().filter(char::is_ascii_alphanumeric).collect();
                a["variant"] = toml_edit::value(format!("Value{value}"));
            }
        }
        for (key, item) in table.iter_mut() {
            match item {
                toml_edit::Item::Value(toml_edit::Value::String(s))
                    if s.value().is_empty()
                        && matches!(key.get(), "description" | "meaning" | "changes" | "summary" | "path_unknown") =>
                {
                    *item = toml_edit::value("Written by the maintainer.");
                }
                toml_edit::Item::Table(t) => fill(t),
                toml_edit::Item::ArrayOfTables(list) => list.iter_mut().for_each(|t| fill(t)),
                _ => {}
            }
        }
    }
    for dir in [spec.to_path_buf(), spec.join("endpoints")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(&path).unwrap().parse().unwrap();
                fill(doc.as_table_mut());
                std::fs::write(&path, doc.to_string()).unwrap();
            }
        }
    }
}

fn report_for(text: &str, spec_dir: &std::path::Path) -> compare::Report {
    let spec = xtask::codegen::json::spec_json(&xtask::codegen::loader::load(spec_dir).unwrap());
    let page = page::read(text).unwrap();
    let e = compare::endpoint(&page, &spec, None).unwrap();
    compare::compare(&page, &spec, e)
}

#[test]
fn write_applies_every_drill_and_new_entries_wait_for_a_description() {
    for entry in std::fs::read_dir(dir("drills")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let root = scratch(&name);
        let spec_dir = root.join("spec");
        let text = std::fs::read_to_string(&path).unwrap();
        let report = report_for(&text, &spec_dir);
        let outcome = xtask::page::write::apply(&spec_dir, &report).unwrap();
        assert!(outcome.by_hand.is_empty(), "{name}: not written: {:?}", outcome.by_hand);
        assert_eq!(outcome.applied.len(), report.changes.len(), "{name}");
        match xtask::codegen::loader::load(&spec_dir) {
            Ok(_) => assert!(
                outcome.to_describe.is_empty(),
                "{name}: check passed with {:?} undescribed",
                outcome.to_describe
            ),
            Err(e) => {
                assert!(!outcome.to_describe.is_empty(), "{name}: {e}");
                assert!(e.to_string().contains("is empty: describe it in your own words"), "{name}: {e}");
                describe(&spec_dir);
            }
        }
        // Now the spec says what the page says.
        let again = report_for(&text, &spec_dir);
        assert!(again.changes.is_empty(), "{name}: still differs: {:?}", again.changes);
        std::fs::remove_dir_all(&root).unwrap();
    }
}

#[test]
fn write_lists_what_the_maintainer_does_next() {
    let root = scratch("checklist");
    let spec_dir = root.join("spec");
    let text = std::fs::read_to_string(dir("drills").join("length_changed.txt")).unwrap();
    let report = report_for(&text, &spec_dir);
    let outcome = xtask::page::write::apply(&spec_dir, &report).unwrap();
    let spec = xtask::codegen::json::spec_json(&xtask::codegen::loader::load(&spec_dir).unwrap());
    let saved = xtask::page::write::saved_copies(&xtask::root(), &spec, &report.endpoint);
    assert!(!saved.is_empty() && saved.iter().all(|s| xtask::root().join(s).exists()), "{saved:?}");
    let steps = xtask::page::write::checklist(&report, &outcome, &saved);
    let vectors = format!(
        "add to tests/vectors/{}.toml: loginName: one value at its new limit of 80 characters (a body) and one a character over (violation max_length)",
        report.endpoint
    );
    assert!(steps[0].starts_with("replace the saved copy of the page (tests/import/"), "{steps:#?}");
    assert!(steps.contains(&vectors), "{steps:#?}");
    assert!(steps.iter().any(|s| s.contains("cargo xtask codegen") && s.contains("the sandbox")), "{steps:#?}");
    assert_eq!(steps.last().map(String::as_str), Some("`cargo xtask test`"));

    // A new parameter: its description is to write, and vectors to add.
    let text = std::fs::read_to_string(dir("drills").join("parameter_added.txt")).unwrap();
    let report = report_for(&text, &spec_dir);
    let outcome = xtask::page::write::apply(&spec_dir, &report).unwrap();
    let steps = xtask::page::write::checklist(&report, &outcome, &saved);
    assert!(
        steps.iter().any(|s| s.starts_with("describe in your own words") && s.contains("notifyEmail")),
        "{steps:#?}"
    );
    assert!(steps.iter().any(|s| s.contains("notifyEmail: a request sending it")), "{steps:#?}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_new_parameter_goes_from_the_page_to_every_language() {
    let root = scratch("end-to-end");
    let spec_dir = root.join("spec");
    let file = spec_dir.join("endpoints/auto_authorize.toml");
    let before = std::fs::read_to_string(&file).unwrap();
    let text = std::fs::read_to_string(dir("drills").join("parameter_added.txt")).unwrap();
    xtask::page::write::apply(&spec_dir, &report_for(&text, &spec_dir)).unwrap();

    // Facts only, after the other parameters, comments and layout kept: taking the new block
    // out gives the file back byte for byte.
    let after = std::fs::read_to_string(&file).unwrap();
    let block = "[[param]]\nname = \"notifyEmail\"\ntype = \"string\"\nmax_length = 255\nrequirement = \"optional\"\ndescription = \"\"\n\n";
    assert!(after.contains(block), "{after}");
    assert_eq!(after.replacen(block, "", 1), before);
    assert!(after.find(block) < after.find("[[field]]"), "the parameter went among the parameters");
    let refused = xtask::codegen::loader::load(&spec_dir).unwrap_err().to_string();
    assert!(refused.contains("param.notifyEmail.description"), "{refused}");

    describe(&spec_dir);
    let files = xtask::codegen::generate_all(&root).unwrap();
    let generated = |suffix: &str| {
        files.iter().find(|(p, _)| p.to_string_lossy().ends_with(suffix)).map(|(_, text)| text.as_str()).unwrap()
    };
    assert!(generated("generated/auto_authorize.rs").contains("pub fn notify_email("), "Rust");
    assert!(generated("generated/spec_data.rs").contains("\"notifyEmail\""), "the CLI's option comes from ENDPOINTS");
    assert!(generated("include/sectigo.h").contains("SECTIGO_AUTO_AUTHORIZE_PARAM_NOTIFY_EMAIL"), "C");
    assert!(generated("sectigo/generated/__init__.py").contains("notify_email"), "Python");
    assert!(generated("sectigo/generated/__init__.pyi").contains("notify_email: Optional[str]"), "Python stub");
    assert!(generated("php/src/generated/Endpoints.php").contains("notifyEmail"), "PHP");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn rules_between_parameters_are_compared() {
    let spec = spec();
    let seed = std::fs::read_to_string(dir("seeds").join("003_b67f4c3ac2ac1da2.txt")).unwrap();
    let edited = seed
        .replace("(only applicable when \"partnerType\" is 30)", "(only applicable when \"partnerType\" is 30 or 32)")
        .replace("If any Trading address parameters are specified", "If some Trading address parameters are specified");
    let (_, changes, _) = changes(&edited, &spec);
    assert_eq!(
        changes,
        [
            "+ rule: enableAutoApply only when partnerType is 30 or 32",
            "- rule: enableAutoApply only when partnerType is 30",
            "- rule: trading address parameters: tradingOrganizationName, tradingStreetAddress1, tradingLocalityName, tradingStateOrProvinceName, tradingPostalCode, tradingCountryName required once any of them is given",
        ]
    );
    let place_order = std::fs::read_to_string(dir("seeds").join("002_a1734d13bb3b2a6d.txt")).unwrap();
    let edited = place_order.replace("If name is specified, foreName and surName are not required.", "");
    let (_, gone, _) = self::changes(&edited, &spec);
    assert_eq!(gone, ["- rule: one of name | foreName | surName"]);

    // --write puts the spec in line, new rules waiting for their description.
    let root = scratch("rules");
    let spec_dir = root.join("spec");
    let report = report_for(&edited, &spec_dir);
    xtask::page::write::apply(&spec_dir, &report).unwrap();
    assert!(report_for(&edited, &spec_dir).changes.is_empty());
    let signup = seed
        .replace("(only applicable when \"partnerType\" is 30)", "(only applicable when \"partnerType\" is 30 or 32)");
    let report = report_for(&signup, &spec_dir);
    let outcome = xtask::page::write::apply(&spec_dir, &report).unwrap();
    assert!(outcome.by_hand.is_empty() && outcome.to_describe.len() == 1, "{outcome:?}");
    assert!(xtask::codegen::loader::load(&spec_dir).unwrap_err().to_string().contains("rule[2].description"));
    describe(&spec_dir);
    assert!(report_for(&signup, &spec_dir).changes.is_empty());
    // A group rule no longer stated: its members are no longer required.
    let no_group = signup
        .replace("If any Trading address parameters are specified", "If some Trading address parameters are specified");
    xtask::page::write::apply(&spec_dir, &report_for(&no_group, &spec_dir)).unwrap();
    assert!(report_for(&no_group, &spec_dir).changes.is_empty());
    let text = std::fs::read_to_string(spec_dir.join("endpoints/tier2_partner_signup.toml")).unwrap();
    assert!(text.contains("id = \"trading_address\""));
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_page_saved_as_html_reads_like_the_same_page_as_text() {
    let spec = spec();
    for (html, text) in [
        ("004_auto_authorize.html", "004_7d5fc5aca0bcb34d.txt"),
        ("000_init_customer_session.html", "000_75bce47dcbe22479.txt"),
    ] {
        let html = page::read(&std::fs::read_to_string(dir("html").join(html)).unwrap()).unwrap();
        let text = page::read(&std::fs::read_to_string(dir("seeds").join(text)).unwrap()).unwrap();
        assert_eq!(
            (&html.endpoint, &html.path, &html.methods, &html.params, &html.errors, &html.fields, &html.rules),
            (&text.endpoint, &text.path, &text.methods, &text.params, &text.errors, &text.fields, &text.rules)
        );
        assert_eq!(html.history.len(), text.history.len());
        let e = compare::endpoint(&html, &spec, None).unwrap();
        assert!(compare::compare(&html, &spec, e).changes.is_empty());
    }
}

/// A spec JSON value with what a maintainer writes left out: descriptions, meanings, notes,
/// change texts and titles, which `--new` leaves empty, and the names given to the values of an
/// enumeration (`variant`).
fn facts(mut value: serde_json::Value) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for key in [
                    "description",
                    "summary",
                    "meaning",
                    "note",
                    "notes",
                    "changes",
                    "title",
                    "variant",
                    "path_unknown",
                    "server_default",
                ] {
                    map.remove(key);
                }
                map.values_mut().for_each(strip);
                // The order of the rules between parameters is the spec's choice, not a fact.
                if let Some(serde_json::Value::Array(rules)) = map.get_mut("rules") {
                    rules.sort_by_key(|r| r.to_string());
                }
            }
            serde_json::Value::Array(list) => list.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut value);
    value
}

/// `import-doc --new PAGE` in a copy of the spec without the page's endpoint (and, for the one
/// whose page has its product catalogue, without `products.toml`) writes it back: after a
/// maintainer's descriptions, every fact equals today's (`facts`: the spec's JSON without
/// descriptions, titles and variant names), its catalogue's too. Before them, the spec does not
/// load, and says which descriptions are missing.
fn round_trip(seed: &str, id: &str, named: bool) {
    let root = scratch(&format!("new-{id}"));
    let spec_dir = root.join("spec");
    let before = spec();
    std::fs::remove_file(spec_dir.join(format!("endpoints/{id}.toml"))).unwrap();
    let catalogue = before["products"].as_array().is_some_and(|p| !p.is_empty()) && id == "place_order";
    if catalogue {
        std::fs::remove_file(spec_dir.join("products.toml")).unwrap();
    }
    let page = page::read(&std::fs::read_to_string(dir("seeds").join(seed)).unwrap()).unwrap();
    let created = xtask::page::create::endpoint(&spec_dir, &page, seed, &[], (!named).then_some(id)).unwrap();
    assert_eq!(created.file, format!("spec/endpoints/{id}.toml"));
    assert!(created.new_errors.is_empty(), "{id}: {:?}", created.new_errors);
    let refused = xtask::codegen::loader::load(&spec_dir).unwrap_err().to_string();
    assert!(refused.contains("description: is empty"), "{id}: {refused}");
    describe(&spec_dir);
    let ir = xtask::codegen::loader::load(&spec_dir).unwrap_or_else(|e| panic!("{id}: {e}"));
    let after = xtask::codegen::json::spec_json(&ir);
    let find = |spec: &serde_json::Value| {
        spec["endpoints"].as_array().unwrap().iter().find(|e| e["id"] == id).cloned().unwrap()
    };
    let (want, got) = (facts(find(&before)), facts(find(&after)));
    for key in want.as_object().unwrap().keys() {
        assert_eq!(got[key], want[key], "{id}: {key}");
    }
    assert_eq!(got, want, "{id}");
    if catalogue {
        assert_eq!(after["products"], before["products"], "{id}: the catalogue");
        let name = |ir: &xtask::codegen::ir::Ir| ir.catalogue.as_ref().map(|c| c.type_name.clone());
        let today = xtask::codegen::loader::load(&xtask::root().join("spec")).unwrap();
        assert_eq!(name(&ir), name(&today), "{id}: the catalogue's type");
    }
    // Codegen passes in the copy, and writes the endpoint's module.
    let files = xtask::codegen::generate_all(&root).unwrap_or_else(|e| panic!("{id}: codegen: {e}"));
    let module = format!("crates/sectigo/src/generated/{id}.rs");
    assert!(files.iter().any(|(p, _)| p.to_string_lossy() == module), "{id}: no {module}");
    let _ = std::fs::remove_dir_all(root);
}

/// The copy of an endpoint a project would have had before a page of `generation`: without its
/// host, its source, its history (a legacy page's), the words of code 0 it alone gives, and the
/// answer fields only its page lists; the fields only the other page lists are then no longer
/// marked as such.
fn without_generation(spec_dir: &std::path::Path, id: &str, generation: &str) {
    let path = spec_dir.join(format!("endpoints/{id}.toml"));
    let mut doc: toml_edit::DocumentMut = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let endpoint = doc["endpoint"].as_table_mut().unwrap();
    endpoint["hosts"].as_array_mut().unwrap().retain(|h| h.as_str() != Some(generation));
    endpoint["source"]
        .as_array_of_tables_mut()
        .unwrap()
        .retain(|s| s.get("generation").and_then(toml_edit::Item::as_str) != Some(generation));
    if generation == "legacy" {
        endpoint.remove("history");
        doc["response"].as_table_mut().unwrap().remove("success_message");
    }
    let fields = doc["field"].as_array_of_tables_mut().unwrap();
    let marked = |t: &toml_edit::Table, g: &str| {
        t.get("generations")
            .and_then(toml_edit::Item::as_array)
            .is_some_and(|a| a.iter().all(|v| v.as_str() == Some(g)))
    };
    fields.retain(|t| !marked(t, generation));
    for t in fields.iter_mut() {
        t.remove("generations");
    }
    std::fs::write(&path, doc.to_string()).unwrap();
}

/// `import-doc --new` with a page of the other generation of an endpoint the spec has: the copy
/// without that generation gets it back, every fact equal to today's.
fn generation_round_trip(seed: &str, id: &str, generation: &str) {
    let root = scratch(&format!("gen-{generation}"));
    let spec_dir = root.join("spec");
    let before = spec();
    without_generation(&spec_dir, id, generation);
    let page = page::read(&std::fs::read_to_string(dir("seeds").join(seed)).unwrap()).unwrap();
    let created = xtask::page::create::endpoint(&spec_dir, &page, seed, &[], None).unwrap();
    assert!(created.new_errors.is_empty(), "{id}: {:?}", created.new_errors);
    describe(&spec_dir);
    let ir = xtask::codegen::loader::load(&spec_dir).unwrap_or_else(|e| panic!("{id}: {e}"));
    let after = xtask::codegen::json::spec_json(&ir);
    let find = |spec: &serde_json::Value| {
        spec["endpoints"].as_array().unwrap().iter().find(|e| e["id"] == id).cloned().unwrap()
    };
    let (want, got) = (facts(find(&before)), facts(find(&after)));
    for key in want.as_object().unwrap().keys() {
        assert_eq!(got[key], want[key], "{id} ({generation}): {key}");
    }
    xtask::codegen::generate_all(&root).unwrap_or_else(|e| panic!("{id} ({generation}): codegen: {e}"));
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn a_page_of_the_other_generation_joins_its_endpoint() {
    generation_round_trip("000_75bce47dcbe22479.txt", "init_customer_session", "legacy");
    generation_round_trip("001_5fa251c624b6bfaa.txt", "init_customer_session", "current");
}

#[test]
fn a_new_endpoint_from_its_page_has_every_fact_of_the_spec() {
    round_trip("004_7d5fc5aca0bcb34d.txt", "auto_authorize", true);
    round_trip("002_a1734d13bb3b2a6d.txt", "place_order", true);
    // The signup's page names no endpoint: the maintainer gives its id.
    round_trip("003_b67f4c3ac2ac1da2.txt", "tier2_partner_signup", false);
}

/// A page cut before its answer, imported with `--allow-partial`: the endpoint records what its
/// page lacked, and every surface says so (the Rust, Python and PHP docs, and, through
/// `spec_data`, the command's `--help`).
#[test]
fn a_cut_page_makes_a_partial_endpoint_that_every_surface_marks() {
    let root = scratch("partial");
    let spec_dir = root.join("spec");
    std::fs::remove_file(spec_dir.join("endpoints/auto_authorize.toml")).unwrap();
    let seed = std::fs::read_to_string(dir("seeds").join("004_7d5fc5aca0bcb34d.txt")).unwrap();
    let cut = &seed[..seed.find("Response parameters").unwrap()];
    let page = page::read(cut).unwrap();
    let missing: Vec<&str> = page.sections.missing().iter().map(|(key, _)| *key).collect();
    assert_eq!(missing, ["answer", "errors"]);
    xtask::page::create::endpoint(&spec_dir, &page, "cut.txt", &missing, None).unwrap();
    describe(&spec_dir);
    let ir = xtask::codegen::loader::load(&spec_dir).unwrap_or_else(|e| panic!("{e}"));
    let e = ir.endpoints.iter().find(|e| e.id == "auto_authorize").unwrap();
    assert_eq!(e.partial, ["answer", "errors"]);
    let note = e.partial_note().unwrap();
    assert!(note.contains("lacked the answer's fields and the error table"), "{note}");
    assert!(xtask::codegen::json::spec_json(&ir)["endpoints"][0]["partial"].is_array());
    let files = xtask::codegen::generate_all(&root).unwrap();
    let generated = |suffix: &str| {
        files.iter().find(|(p, _)| p.to_string_lossy().ends_with(suffix)).map(|(_, text)| text.as_str()).unwrap()
    };
    assert!(generated("generated/auto_authorize.rs").contains("Partial: the page"), "Rust");
    assert!(generated("generated/spec_data.rs").contains("partial: Some(\n"), "spec_data (--help)");
    assert!(generated("sectigo/generated/__init__.py").contains("Partial: the page"), "Python");
    assert!(generated("php/src/generated/Endpoints.php").contains("Partial: the page"), "PHP");
    std::fs::remove_dir_all(&root).unwrap();
}

/// The maintainer's words and choices (descriptions, titles, variant names, the call's effect,
/// the customer pages) taken from today's file into an imported one, where their places match.
fn prose_from(new: &mut toml_edit::Item, old: &toml_edit::Item) {
    const PROSE: &[&str] = &[
        "description",
        "meaning",
        "summary",
        "title",
        "path_unknown",
        "changes",
        "note",
        "notes",
        "variant",
        "server_default",
        "pages",
        "effect",
    ];
    let identity = |t: &dyn toml_edit::TableLike| -> String {
        ["name", "value", "id", "version", "file", "kind", "param"]
            .iter()
            .filter_map(|k| t.get(k).map(|v| v.to_string().trim().to_owned()))
            .collect::<Vec<_>>()
            .join("|")
    };
    match (new, old) {
        (toml_edit::Item::Table(n), toml_edit::Item::Table(o)) => {
            for (key, value) in o.iter() {
                if PROSE.contains(&key) {
                    n[key] = value.clone();
                } else if let Some(item) = n.get_mut(key) {
                    prose_from(item, value);
                    // The rules between parameters in the maintainer's order (an order is no fact).
                    if key == "rule"
                        && let (Some(list), Some(old)) = (item.as_array_of_tables_mut(), value.as_array_of_tables())
                    {
                        let mut rules: Vec<toml_edit::Table> = list.iter().cloned().collect();
                        // A table is written at its place in the file, which goes with it.
                        let places: Vec<Option<isize>> = rules.iter().map(toml_edit::Table::position).collect();
                        rules.sort_by_key(|t| old.iter().position(|x| identity(x) == identity(t)));
                        list.clear();
                        for (mut t, place) in rules.into_iter().zip(places) {
                            t.set_position(place);
                            list.push(t);
                        }
                    }
                }
            }
        }
        (toml_edit::Item::ArrayOfTables(n), toml_edit::Item::ArrayOfTables(o)) => {
            for t in n.iter_mut() {
                let id = identity(t);
                if let Some(old) = o.iter().find(|x| identity(*x) == id) {
                    let mut item = toml_edit::Item::Table(t.clone());
                    prose_from(&mut item, &toml_edit::Item::Table(old.clone()));
                    *t = item.into_table().unwrap();
                }
            }
        }
        (toml_edit::Item::Value(toml_edit::Value::Array(n)), toml_edit::Item::Value(toml_edit::Value::Array(o))) => {
            // The error list: an override's words (meaning) for the same key.
            for v in n.iter_mut() {
                let key = v.as_str().map(str::to_owned).or_else(|| {
                    v.as_inline_table().and_then(|t| t.get("id")).and_then(|i| i.as_str()).map(str::to_owned)
                });
                let old = o
                    .iter()
                    .find(|x| x.as_inline_table().and_then(|t| t.get("id")).and_then(|i| i.as_str()) == key.as_deref());
                if let (Some(key), Some(toml_edit::Value::InlineTable(old))) = (key, old) {
                    let mut entry = v.as_inline_table().cloned().unwrap_or_else(|| {
                        let mut t = toml_edit::InlineTable::new();
                        t.insert("id", key.as_str().into());
                        t
                    });
                    if let Some(meaning) = old.get("meaning") {
                        entry.insert("meaning", meaning.clone());
                    }
                    *v = toml_edit::Value::InlineTable(entry);
                }
            }
        }
        _ => {}
    }
}

/// All five pages imported into a copy of the spec that has none of their endpoints (nor the
/// catalogue), with the maintainer's words then taken from today's files: codegen writes every
/// generated file exactly as it is today, so the copy builds as the project does.
#[test]
fn the_five_pages_give_back_every_generated_file() {
    let root = scratch("all-five");
    let spec_dir = root.join("spec");
    let repo = xtask::root();
    for id in ["auto_authorize", "place_order", "tier2_partner_signup", "init_customer_session"] {
        std::fs::remove_file(spec_dir.join(format!("endpoints/{id}.toml"))).unwrap();
    }
    std::fs::remove_file(spec_dir.join("products.toml")).unwrap();
    for (seed, id) in [
        ("004_7d5fc5aca0bcb34d.txt", None),
        ("002_a1734d13bb3b2a6d.txt", None),
        ("003_b67f4c3ac2ac1da2.txt", Some("tier2_partner_signup")),
        ("000_75bce47dcbe22479.txt", None),
        ("001_5fa251c624b6bfaa.txt", None),
    ] {
        let page = page::read(&std::fs::read_to_string(dir("seeds").join(seed)).unwrap()).unwrap();
        xtask::page::create::endpoint(&spec_dir, &page, seed, &[], id).unwrap();
    }
    for file in [
        "endpoints/auto_authorize.toml",
        "endpoints/place_order.toml",
        "endpoints/tier2_partner_signup.toml",
        "endpoints/init_customer_session.toml",
        "products.toml",
    ] {
        let path = spec_dir.join(file);
        let mut new: toml_edit::DocumentMut = std::fs::read_to_string(&path).unwrap().parse().unwrap();
        let old: toml_edit::DocumentMut =
            std::fs::read_to_string(repo.join("spec").join(file)).unwrap().parse().unwrap();
        let mut item = toml_edit::Item::Table(new.as_table().clone());
        prose_from(&mut item, &toml_edit::Item::Table(old.as_table().clone()));
        *new.as_table_mut() = item.into_table().unwrap();
        std::fs::write(&path, new.to_string()).unwrap();
    }
    let files = xtask::codegen::generate_all(&root).unwrap_or_else(|e| panic!("{e}"));
    let today = xtask::codegen::generate_all(&repo).unwrap();
    assert_eq!(files.len(), today.len());
    for (path, text) in &today {
        let (_, got) = files.iter().find(|(p, _)| p == path).unwrap_or_else(|| panic!("no {}", path.display()));
        let first = got.lines().zip(text.lines()).enumerate().find(|(_, (a, b))| a != b);
        assert!(got == text, "{} differs from today's, first at {first:?}", path.display());
    }
    println!("all {} generated files as today's", today.len());
    let _ = std::fs::remove_dir_all(root);
}
