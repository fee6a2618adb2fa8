//! Every surface of the client offers exactly the settings of `spec/client.toml`: the Rust
//! builder, the C options (`apply` of the FFI crate), Python's native constructor, its package
//! constructor and stub, the command's flags and variables, and the PHP and Python pages. A
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

    let package = read("bindings/python/sectigo/_client.py");
    let start = package.find("class _Settings:").unwrap();
    let init = &package[start..];
    let init = &init[init.find("def __init__(").unwrap() + "def __init__".len()..];
    let init = &init[..init.find(") -> None:").unwrap() + 1];
    compare("sectigo.Client (bindings/python/sectigo/_client.py)", &keywords(init), &python_names(), &[]);

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
    let settings_of = |page: &str| page[page.find("## Settings").unwrap()..][..2000.min(page.len())].to_owned();
    let (python, php) = (settings_of(&python), settings_of(&php));
    for row in &rows {
        if let Some(name) = &row.python {
            assert!(python.contains(&format!("`{name}`")), "bindings/python/README.md's Settings lack `{name}`");
        }
        let php_name = if row.name == "path:<endpoint>" { "paths" } else { &row.name };
        assert!(php.contains(&format!("`{php_name}`")), "bindings/php/README.md's Settings lack `{php_name}`");
    }
}
