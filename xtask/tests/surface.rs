//! Every surface of the client offers exactly the settings of `spec/client.toml`: the Rust
//! builder, the C options (`apply` of the FFI crate), Python's native constructor and its stub
//! (the package's constructor is generated from the table), the command's flags and
//! variables, and the PHP and Python pages. A
//! setting one of them lacks, or one it has beyond the table, fails here, naming both.

use std::collections::BTreeSet;

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
            ("build", "not a setting"),
        ],
    );
}

#[test]
fn the_c_options_are_every_setting() {
    // The string patterns of `apply`'s `match name { ... }`, and the prefix it strips.
    let source = read("crates/sectigo-ffi/src/options.rs");
    let body = &source[source.find("match name {").unwrap()
        ..source.find("#[unsafe(no_mangle)]\npub unsafe extern \"C\" fn sectigo_options_set_log_callback").unwrap()];
    let mut found = BTreeSet::new();
    for line in body.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix('"')
            && let Some((name, after)) = rest.split_once('"')
            && after.trim_start().starts_with("=>")
        {
            found.insert(name.to_owned());
        }
    }
    if body.contains("strip_prefix(\"path:\")") {
        found.insert("path:<endpoint>".to_owned());
    }
    let table: BTreeSet<String> = settings().into_iter().map(|s| s.name).collect();
    compare("the FFI's apply (crates/sectigo-ffi/src/options.rs)", &found, &table, &[]);
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
    let at = native.find("fn new(\n        login_name").expect("NativeClient::new");
    let signature = &native[native[..at].rfind("#[pyo3(signature = ").unwrap() + "#[pyo3(signature = ".len()..at];
    let signature = &signature[..signature.find("))]").unwrap() + 1];
    compare("NativeClient (crates/sectigo-python/src/lib.rs)", &keywords(signature), &python_names(), &[]);

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
    let new = &stub[stub.find("class NativeClient:").unwrap()..];
    let new = &new[new.find("def __new__").unwrap() + "def __new__".len()..];
    let new = &new[..new.find(") -> NativeClient").unwrap() + 1];
    compare("the native stub (bindings/python/sectigo/_native.pyi)", &keywords(new), &python_names(), &[]);
}

#[test]
fn the_command_has_every_setting_with_its_variable() {
    let main = read("crates/sectigo-cli/src/main.rs");
    let cli = &main[main.find("fn cli() -> Command {").unwrap()..];
    let cli = &cli[..cli.find("\n}\n").unwrap()];
    // Each `Arg::new("name")...` up to the next `.arg(`.
    let mut flags = BTreeSet::new();
    let mut envs = Vec::new();
    for chunk in cli.split(".arg(Arg::new(\"").skip(1) {
        // The global flags: a subcommand's own arguments (completions' SHELL) are no settings.
        let chunk = chunk.split(".subcommand(").next().unwrap_or(chunk);
        if !chunk.contains(".global(true)") {
            continue;
        }
        let name = chunk.split('"').next().unwrap().to_owned();
        let env = chunk.split(".env(\"").nth(1).map(|e| e.split('"').next().unwrap().to_owned());
        envs.push((name.clone(), env));
        flags.insert(name);
    }
    let rows = settings();
    let table: BTreeSet<String> = rows.iter().filter_map(|s| s.cli.clone()).collect();
    compare(
        "the command's flags (crates/sectigo-cli/src/main.rs)",
        &flags,
        &table,
        &[
            ("json", "the command's output, not a setting"),
            ("sandbox", "the command's own sandbox"),
            ("legacy", "the same as --host legacy"),
            ("signup-path", "the same as --path tier2_partner_signup=PATH"),
        ],
    );
    for row in &rows {
        if let Some(flag) = &row.cli {
            let found = envs.iter().find(|(n, _)| n == flag).and_then(|(_, e)| e.clone());
            assert_eq!(found, row.env, "--{flag}'s variable (spec/client.toml says {:?})", row.env);
        }
    }
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
        // Generated there (a table), and checked still.
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
