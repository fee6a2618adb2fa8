//! Every surface of the client offers exactly the settings of `spec/client.toml`: the Rust
//! builder's methods (hand-written) are the table's; C's options, Python's native constructor
//! and the command's flags read the table itself, naming no setting (the package's Python
//! constructor, PHP's options and the tables of the pages are generated, and checked here too).
//! A setting one of them lacks, or one it has beyond the table, fails here, naming both.

use std::collections::BTreeSet;

use quote::ToTokens;

fn read(path: &str) -> String {
    std::fs::read_to_string(xtask::root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The settings as the generator reads them.
fn settings() -> Vec<xtask::codegen::ir::Setting> {
    xtask::codegen::loader::load(&xtask::root().join("spec")).unwrap().settings
}

fn compare(surface: &str, found: &BTreeSet<String>, table: &BTreeSet<String>, extra_ok: &[(&str, &str)]) {
    let missing: Vec<&String> = table.difference(found).collect();
    let extra: Vec<&String> = found.difference(table).filter(|n| !extra_ok.iter().any(|(name, _)| name == n)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{surface}: lacks {missing:?} of spec/client.toml, and has {extra:?} that the table does not list"
    );
}

#[test]
fn the_rust_builder_has_every_setting() {
    let file = syn::parse_file(&read("crates/sectigo/src/client/builder.rs")).unwrap();
    let mut methods = BTreeSet::new();
    for item in &file.items {
        if let syn::Item::Impl(i) = item
            && i.trait_.is_none()
            && matches!(&*i.self_ty, syn::Type::Path(p) if p.path.is_ident("ClientBuilder"))
        {
            for item in &i.items {
                if let syn::ImplItem::Fn(f) = item
                    && matches!(f.vis, syn::Visibility::Public(_))
                {
                    methods.insert(f.sig.ident.to_string());
                }
            }
        }
    }
    let table: BTreeSet<String> = settings().into_iter().filter_map(|s| s.rust).collect();
    compare(
        "ClientBuilder (crates/sectigo/src/client/builder.rs)",
        &methods,
        &table,
        &[
            ("credentials", "login_name and login_password at once"),
            ("add_root_certificates_pem", "trust given as PEM bytes, where the others take a file"),
            ("resolve", "the typed form of resolve_entry"),
            ("retry_policy", "max_retries, retry_base_delay and retry_max_delay at once"),
            ("set", "any setting of the table by its C name (crates/sectigo/src/settings.rs)"),
            ("build", "not a setting"),
        ],
    );
}

/// The string literals of a Rust source file's code (in macros' arguments too).
fn literals(path: &str) -> BTreeSet<String> {
    fn walk(tokens: proc_macro2::TokenStream, found: &mut BTreeSet<String>) {
        for token in tokens {
            match token {
                proc_macro2::TokenTree::Group(g) => walk(g.stream(), found),
                proc_macro2::TokenTree::Literal(l) => {
                    if let Ok(lit) = syn::parse2::<syn::LitStr>(l.into_token_stream()) {
                        found.insert(lit.value());
                    }
                }
                _ => {}
            }
        }
    }
    // The code, not its tests (which name settings to try them).
    let source = read(path);
    let code = source.split("\n#[cfg(test)]\nmod tests").next().unwrap_or_default();
    let tokens: proc_macro2::TokenStream = code.parse().unwrap();
    let mut found = BTreeSet::new();
    walk(tokens, &mut found);
    found
}

/// C (and PHP, through it), Python's native client and the command read every setting of the
/// table by its row (`sectigo::settings`), and hand it to the core's `ClientBuilder::set`: no
/// setting is named in their code, but for what a surface does with it beyond the builder
/// (each listed with why). A setting written by hand there would be a copy of the table.
#[test]
fn the_surfaces_read_the_settings_from_the_table() {
    let rows = settings();
    type Surface = (
        &'static str,
        &'static str,
        fn(&xtask::codegen::ir::Setting) -> Option<String>,
        &'static [(&'static str, &'static str)],
    );
    let surfaces: [Surface; 3] = [
        (
            "the C options",
            "crates/sectigo-ffi/src/options.rs",
            |s| Some(s.name.clone()),
            &[("log_level", "kept by the client handle, for its log records; not the builder's")],
        ),
        (
            "Python's NativeClient",
            "crates/sectigo-python/src/lib.rs",
            |s| s.python.clone(),
            &[("login_name", "kept for the client's repr")],
        ),
        (
            "the command",
            "crates/sectigo-cli/src/main.rs",
            |s| s.cli.clone(),
            &[
                ("login-name", "read by the credentials, which may prompt for it"),
                ("login-password", "read by the credentials, which may prompt for it"),
                ("client-cert", "a certificate stands for the password: no prompt"),
                ("client-pkcs12", "a certificate stands for the password: no prompt"),
                ("path", "the sandbox's own signup path unless one is given"),
            ],
        ),
    ];
    for (surface, path, name, allowed) in surfaces {
        let found = literals(path);
        for row in &rows {
            let (Some(name), c) = (name(row), &row.name) else { continue };
            for named in [name, c.clone()] {
                assert!(
                    !found.contains(&named) || allowed.iter().any(|(n, _)| *n == named),
                    "{surface} ({path}) names the setting {named:?}: read it from sectigo::settings::SETTINGS"
                );
            }
        }
        for (n, why) in allowed {
            assert!(found.contains(*n), "{surface} ({path}): {n:?} is allowed ({why}) but no longer named: drop it");
        }
    }
    let main = read("crates/sectigo-cli/src/main.rs");
    assert!(main.contains(".args(setting_args())"), "the command's flags are made from the table");
}

/// The keyword names of a Python signature's text: `(*, a: T = x, b=None)` -> {a, b}.
fn keywords(signature: &str) -> BTreeSet<String> {
    let mut depth = 0;
    let mut names = BTreeSet::new();
    let mut current = String::new();
    for c in signature.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 1 {
            names.insert(std::mem::take(&mut current));
        } else if depth >= 1 && !(depth == 1 && c == '(') {
            current.push(c);
        }
    }
    names.insert(current);
    names
        .into_iter()
        .map(|n| n.split([':', '=']).next().unwrap_or_default().trim().to_owned())
        .filter(|n| !n.is_empty() && n != "*" && n != "self" && n != "cls")
        .collect()
}

fn python_names() -> BTreeSet<String> {
    settings().into_iter().filter_map(|s| s.python).collect()
}

#[test]
fn python_has_every_setting() {
    let native = read("crates/sectigo-python/src/lib.rs");
    assert!(
        native.contains("#[pyo3(signature = (**settings))]\n    fn new(settings: Option<&Bound<'_, PyDict>>)"),
        "NativeClient takes ClientSettings' keywords, each read by its row of the table"
    );

    // Generated from the table, and checked still: what the native constructor takes.
    let package = read("bindings/python/sectigo/generated/__init__.py");
    let start = package.find("class ClientSettings:").unwrap();
    let init = &package[start..];
    let init = &init[init.find("def __init__(").unwrap() + "def __init__".len()..];
    let init = &init[..init.find(") -> None:").unwrap() + 1];
    compare(
        "sectigo.Client (ClientSettings, bindings/python/sectigo/generated)",
        &keywords(init),
        &python_names(),
        &[],
    );

    let stub = read("bindings/python/sectigo/_native.pyi");
    assert!(stub.contains("def __new__(cls, **settings: object) -> NativeClient: ..."), "the native stub");
}

#[test]
fn every_page_lists_every_setting() {
    let rows = settings();
    let python = read("bindings/python/README.md");
    let php = read("bindings/php/README.md");
    // Each page's Settings section, up to the next section.
    let settings_of = |page: &str| {
        let section = &page[page.find("## Settings").unwrap()..];
        section[..section[3..].find("\n## ").map_or(section.len(), |end| end + 3)].to_owned()
    };
    let (python, php) = (settings_of(&python), settings_of(&php));
    for row in &rows {
        if let Some(name) = &row.python {
            assert!(python.contains(&format!("`{name}`")), "bindings/python/README.md's Settings lack `{name}`");
        }
        // Generated on both pages (tables), and checked still.
        assert!(php.contains(&format!("`{}`", row.php)), "bindings/php/README.md's Settings lack `{}`", row.php);
    }
}

/// The kinds of failure as the generator reads them.
fn error_kinds() -> Vec<xtask::codegen::ir::ErrorKind> {
    xtask::codegen::loader::load(&xtask::root().join("spec")).unwrap().error_kinds
}

/// The variants of the enum `name` in a Rust file, with their discriminants (None: implicit).
fn enum_variants(path: &str, name: &str) -> Vec<(String, Option<String>)> {
    let file = syn::parse_file(&read(path)).unwrap();
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Enum(e) if e.ident == name => Some(e),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{path}: no enum {name}"))
        .variants
        .iter()
        .map(|v| {
            let value = v.discriminant.as_ref().map(|(_, e)| quote::ToTokens::to_token_stream(e).to_string());
            (v.ident.to_string(), value)
        })
        .collect()
}

#[test]
fn rust_has_every_error_kind_with_its_name() {
    let rows = error_kinds();
    let variants: BTreeSet<String> =
        enum_variants("crates/sectigo/src/error.rs", "Error").into_iter().map(|(v, _)| v).collect();
    let table: BTreeSet<String> = rows.iter().filter_map(|k| k.rust.clone()).collect();
    compare("sectigo::Error (crates/sectigo/src/error.rs)", &variants, &table, &[]);
    // `Error::kind()` gives each variant its table name.
    let source = read("crates/sectigo/src/error.rs");
    for k in &rows {
        if let Some(variant) = &k.rust {
            let arm = format!("Error::{variant}(_) => \"{}\"", k.name);
            assert!(source.contains(&arm), "Error::kind() lacks `{arm}` (spec/client.toml)");
        }
    }
}

#[test]
fn c_has_every_error_kind_in_the_tables_order() {
    let found = enum_variants("crates/sectigo-ffi/src/failure.rs", "sectigo_error_kind");
    let table: Vec<(String, Option<String>)> =
        error_kinds().into_iter().enumerate().map(|(i, k)| (k.c, Some((i + 1).to_string()))).collect();
    // PHP's generated ErrorKind reads the C values as the table's order from 1.
    assert_eq!(found, table, "sectigo_error_kind (crates/sectigo-ffi/src/failure.rs) against spec/client.toml");
}

#[test]
fn python_has_a_class_for_every_error_kind() {
    let rows = error_kinds();
    let errors = read("bindings/python/sectigo/_errors.py");
    // The classes derived from the base `Error` directly (the per-code ones are generated).
    let classes: BTreeSet<String> = errors
        .lines()
        .filter_map(|l| l.strip_prefix("class "))
        .filter(|l| l.contains("(Error)") || l.contains("(Error,"))
        .map(|l| l.split('(').next().unwrap().to_owned())
        .collect();
    let table: BTreeSet<String> = rows.iter().filter_map(|k| k.python.clone()).collect();
    compare("the error classes (bindings/python/sectigo/_errors.py)", &classes, &table, &[]);
    let init = read("bindings/python/sectigo/__init__.py");
    for k in &rows {
        if let Some(class) = &k.python {
            // The native module's kind names, each made the table's class.
            assert!(
                errors.contains(&format!("if kind == \"{}\":", k.name)),
                "_errors.py does not read kind {:?}",
                k.name
            );
            assert!(init.contains(&format!("\"{class}\",")), "sectigo.__all__ lacks {class}");
        }
    }
}

#[test]
fn php_has_a_class_for_every_error_kind() {
    let dir = xtask::root().join("bindings/php/src");
    let mut classes = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for line in text.lines() {
            let line = line.trim_start_matches("final ");
            if let Some(rest) = line.strip_prefix("class ")
                && let Some((name, base)) = rest.split_once(" extends ")
                && base.trim() == "Exception"
            {
                classes.insert(name.trim().to_owned());
            }
        }
    }
    let rows = error_kinds();
    let table: BTreeSet<String> = rows.iter().filter_map(|k| k.php.clone()).collect();
    compare("the exception classes (bindings/php/src)", &classes, &table, &[]);
    // Each is thrown for its kind.
    let client = read("bindings/php/src/Client.php");
    for k in &rows {
        if let Some(class) = &k.php {
            let kind = xtask::codegen::naming::upper_camel(&k.name);
            let case = &client[client
                .find(&format!("case ErrorKind::{kind}:"))
                .unwrap_or_else(|| panic!("bindings/php/src/Client.php has no `case ErrorKind::{kind}:`"))..];
            let thrown = case.split("case ErrorKind::").nth(1).unwrap_or(case);
            let thrown = thrown.split("throw (new ").nth(1).unwrap_or_default();
            assert!(
                thrown.starts_with(&format!("{class}(")) || (k.name == "api" && thrown.starts_with("$class(")),
                "Client.php throws {thrown:.40} for ErrorKind::{kind}, not {class}"
            );
        }
    }
}

#[test]
fn the_commands_exit_statuses_are_the_error_kinds() {
    let main = read("crates/sectigo-cli/src/main.rs");
    let status = &main[main.find("pub mod status {").unwrap()..];
    let status = &status[..status.find('}').unwrap()];
    let consts: BTreeSet<String> = status
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub const "))
        .map(|l| l.rsplit("= ").next().unwrap().trim_end_matches(';').to_owned())
        .filter(|v| v != "0")
        .collect();
    let rows = error_kinds();
    let table: BTreeSet<String> = rows.iter().flat_map(|k| k.cli.iter().map(u8::to_string)).collect();
    compare("the command's exit statuses (crates/sectigo-cli/src/main.rs)", &consts, &table, &[]);
    // The pages and `--help` give each.
    let help = &main[main.find("const EXIT_HELP").unwrap()..];
    let help = &help[..help.find(";\n").unwrap()];
    let page = read("docs/cli.md");
    let page = &page[page.find("Exit status:").unwrap()..];
    for status in &table {
        assert!(help.contains(&format!("{status} ")), "EXIT_HELP does not give exit status {status}");
        assert!(page.contains(&format!("{status} ")), "docs/cli.md does not give exit status {status}");
    }
}
