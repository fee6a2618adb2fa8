//! Every code block of every page (the READMEs, `docs/`, `spec/README.md`, the vectors' README)
//! is compiled or run by the test command, or checked here:
//! - `rust`: the page is compiled as doctests (`crates/sectigo/src/lib.rs` includes it);
//! - `c`, `php`, `python`: a whole example file shown verbatim, which the test command runs
//!   ([`EXAMPLES`]), or a snippet a test reads from the page and runs as written
//!   ([`SNIPPETS`]);
//! - `ini`: the php.ini and php-fpm pool lines, which the PHP web tests use as written;
//! - `toml`: parsed; a dependency names a package of the workspace;
//! - `sh`: each command names what exists (an xtask command, a workspace package, an artefact of
//!   `cargo xtask dist`, a path of the repository); and the test command runs the `cargo run`
//!   lines of README.md, docs/cli.md and docs/sandbox.md with the archive's commands (all but
//!   one that needs a Sectigo account; `xtask/src/commands/test/release.rs`);
//! - `text`: listings and outlines, not run.

use std::path::PathBuf;

/// Example files, and the page that shows each verbatim. The test command runs every one
/// (`xtask/src/commands/test/release.rs`): the C ones built against the archive (`order.c` also with
/// mingw-w64 under wine), the PHP ones from the archive's `share/php` (`place_and_authorize.php`
/// also under Composer); the Python ones with pytest (`tests/test_readme.py`).
const EXAMPLES: &[(&str, &str)] = &[
    ("bindings/c/examples/first_call.c", "bindings/c/README.md"),
    ("bindings/c/examples/order.c", "bindings/c/README.md"),
    ("bindings/c/examples/collect_ssl.c", "docs/raw-calls.md"),
    ("bindings/php/examples/first_call.php", "bindings/php/README.md"),
    ("bindings/php/examples/place_and_authorize.php", "bindings/php/README.md"),
    ("bindings/php/examples/module_log.php", "bindings/php/README.md"),
    ("bindings/php/examples/PanelModuleTest.php", "bindings/php/README.md"),
    ("bindings/php/examples/collect_ssl.php", "bindings/php/README.md"),
    ("bindings/php/examples/collect_ssl.php", "docs/raw-calls.md"),
    ("bindings/python/examples/quickstart.py", "bindings/python/README.md"),
    ("bindings/python/examples/test_with_sandbox.py", "bindings/python/README.md"),
    ("bindings/python/examples/test_async_with_sandbox.py", "bindings/python/README.md"),
    ("bindings/python/examples/collect_ssl.py", "bindings/python/README.md"),
    ("bindings/python/examples/collect_ssl.py", "docs/raw-calls.md"),
];

/// Snippets that a test reads from their page and runs as written: (page, language, how many
/// blocks, the test).
const SNIPPETS: &[(&str, &str, usize, &str)] = &[
    ("docs/deployment.md", "php", 1, "bindings/php/tests/EgressTest.php, testTheDocsCertificateExampleRuns"),
    ("docs/deployment.md", "python", 1, "bindings/python/tests/test_egress.py, test_the_readme_trust_example_runs"),
];

/// The `ini` blocks, each used as written by the PHP web tests (`xtask/src/commands/test/php.rs`).
const INI_PAGES: &[&str] = &["bindings/php/README.md", "docs/deployment.md"];

fn root() -> PathBuf {
    xtask::root()
}

/// Every page: the READMEs of the project and its packages, `docs/`, and the spec's and
/// vectors' READMEs.
fn pages() -> Vec<PathBuf> {
    let root = root();
    let mut pages: Vec<PathBuf> =
        ["README.md", "ARCHITECTURE.md", "bindings/README.md", "spec/README.md", "tests/vectors/README.md"]
            .iter()
            .map(PathBuf::from)
            .collect();
    for dir in ["crates", "bindings"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let readme = entry.unwrap().path().join("README.md");
            if readme.exists() {
                pages.push(readme.strip_prefix(&root).unwrap().to_path_buf());
            }
        }
    }
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(path.strip_prefix(&root).unwrap().to_path_buf());
        }
    }
    pages.sort();
    pages
}

/// (language, code) of each fenced block of `text`.
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(lang) = line.strip_prefix("```") else { continue };
        let mut code = String::new();
        for line in lines.by_ref() {
            if line == "```" {
                break;
            }
            code.push_str(line);
            code.push('\n');
        }
        out.push((lang.to_owned(), code));
    }
    out
}

fn workspace_packages() -> Vec<String> {
    let root = root();
    let mut names = Vec::new();
    for dir in ["crates", "xtask"] {
        let manifests: Vec<PathBuf> = if dir == "xtask" {
            vec![root.join("xtask/Cargo.toml")]
        } else {
            std::fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path().join("Cargo.toml")).collect()
        };
        for manifest in manifests.into_iter().filter(|m| m.exists()) {
            let doc: toml::Table = std::fs::read_to_string(&manifest).unwrap().parse().unwrap();
            names.push(doc["package"]["name"].as_str().unwrap().to_owned());
        }
    }
    names
}

fn xtask_commands() -> Vec<String> {
    let main = std::fs::read_to_string(root().join("xtask/src/main.rs")).unwrap();
    main.split("Some((&\"").skip(1).map(|s| s.split('"').next().unwrap().to_owned()).collect()
}

/// What is wrong with one command line of a `sh` block, if anything.
fn check_command(line: &str, packages: &[String], commands: &[String]) -> Option<String> {
    let version = xtask::VERSION;
    let words: Vec<&str> = line.split_whitespace().skip_while(|w| w.contains('=') && !w.starts_with('-')).collect();
    match words.as_slice() {
        [] => None,
        ["cargo", "xtask", command, ..] => {
            (!commands.iter().any(|c| c == command)).then(|| format!("`cargo xtask {command}`: no such command"))
        }
        ["cargo", "run", "-p", package, ..] => {
            (!packages.iter().any(|p| p == package)).then(|| format!("`cargo run -p {package}`: no such package"))
        }
        ["pip", "install", target, ..] | ["tar", "-xzf", target, ..] => {
            let artefact = target.starts_with(&format!("sectigo-{version}-"))
                || target.starts_with(&format!("sectigo-{version}."));
            let path = root().join(target).exists();
            (!artefact && !path)
                .then(|| format!("{target}: neither an artefact of version {version} nor a path of the repository"))
        }
        // The Debian packages, as `cargo xtask dist` names them (the Debian root test installs
        // them with apt-get and runs phpenmod and phpdismod).
        ["apt", "install", debs @ ..] => debs
            .iter()
            .find(|deb| {
                let known = ["libsectigo", "libsectigo-dev", "php-sectigo", "sectigo"].iter().any(|p| {
                    deb.strip_prefix("./").and_then(|d| d.strip_prefix(p)).is_some_and(|rest| {
                        let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
                        ["amd64", "arm64", "all"].iter().any(|a| rest == format!("_{version}_{a}.deb"))
                    })
                });
                !known
            })
            .map(|deb| format!("{deb}: no Debian package of version {version} that dist makes")),
        // The RPM packages, as `cargo xtask dist` names them (the RPM test installs them into
        // empty roots).
        ["dnf", "install", rpms @ ..] => rpms
            .iter()
            .find(|rpm| {
                let known = ["sectigo-libs", "sectigo-devel", "php-sectigo", "sectigo"].iter().any(|p| {
                    ["x86_64", "aarch64", "noarch"]
                        .iter()
                        .any(|a| **rpm == format!("./{p}-{version}-{}.{a}.rpm", xtask::RPM_RELEASE))
                });
                !known
            })
            .map(|rpm| format!("{rpm}: no RPM package of version {version} that dist makes")),
        ["phpenmod" | "phpdismod", "sectigo"] => None,
        // The C README builds its first call as `first_call` and runs it.
        ["export", ..] | ["cc", ..] | ["./first_call", ..] => None,
        [first, ..] => Some(format!("`{first}`: a command this test does not know how to check")),
    }
}

#[test]
fn every_code_block_is_run_compiled_or_checked() {
    let root = root();
    let lib = std::fs::read_to_string(root.join("crates/sectigo/src/lib.rs")).unwrap();
    let examples: Vec<(String, &str)> = EXAMPLES
        .iter()
        .map(|(file, page)| (std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}")), *page))
        .collect();
    let (packages, commands) = (workspace_packages(), xtask_commands());
    let mut problems = Vec::new();
    let mut counted = std::collections::BTreeMap::<String, usize>::new();
    let mut snippets = std::collections::BTreeMap::<(String, String), usize>::new();
    for page in pages() {
        let name = page.display().to_string();
        let text = std::fs::read_to_string(root.join(&page)).unwrap();
        for (n, (lang, code)) in blocks(&text).into_iter().enumerate() {
            let at = format!("{name}, block {}", n + 1);
            let lang = lang.split(',').next().unwrap_or_default().to_owned();
            *counted.entry(lang.clone()).or_default() += 1;
            match lang.as_str() {
                "rust" => {
                    let included = lib.contains(&format!("include_str!(\"../../../{name}\")"))
                        || (name == "crates/sectigo/README.md" && lib.contains("include_str!(\"../README.md\")"));
                    if !included {
                        problems.push(format!(
                            "{at}: Rust, but the page is not compiled as doctests (crates/sectigo/src/lib.rs)"
                        ));
                    }
                }
                "c" | "php" | "python" => {
                    let shown = examples.iter().any(|(file, shown_on)| *shown_on == name && file.contains(code.trim()));
                    if !shown {
                        *snippets.entry((name.clone(), lang.clone())).or_default() += 1;
                    }
                }
                "ini" => {
                    if !INI_PAGES.contains(&name.as_str()) {
                        problems.push(format!("{at}: ini lines that no test uses"));
                    }
                }
                "toml" => match code.parse::<toml::Table>() {
                    Err(e) => problems.push(format!("{at}: not TOML: {e}")),
                    Ok(table) => {
                        for section in ["dependencies", "dev-dependencies"] {
                            for dep in table.get(section).and_then(|d| d.as_table()).into_iter().flat_map(|d| d.keys())
                            {
                                if !packages.contains(dep) {
                                    problems.push(format!("{at}: {dep} is no package of the workspace"));
                                }
                            }
                        }
                    }
                },
                "sh" => {
                    let joined = code.replace("\\\n", " ");
                    for line in joined.lines() {
                        let line = line.split(" #").next().unwrap_or(line).trim();
                        if let Some(problem) = check_command(line, &packages, &commands) {
                            problems.push(format!("{at}: {problem}"));
                        }
                    }
                }
                "text" => {}
                other => problems.push(format!("{at}: a ```{other} block, which nothing checks")),
            }
        }
    }
    for (page, _, _, test) in SNIPPETS {
        let (file, function) = test.split_once(", ").unwrap();
        let source = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        if !source.contains(function) || !source.contains(page) {
            problems.push(format!("{file} has no {function} reading {page}"));
        }
    }
    for ((page, lang), n) in &snippets {
        match SNIPPETS.iter().find(|(p, l, ..)| p == page && l == lang) {
            Some((_, _, run, _)) if run == n => {}
            Some((_, _, run, test)) => problems.push(format!("{page}: {n} {lang} snippets, but {test} runs {run}")),
            None => problems.push(format!("{page}: {n} {lang} block(s) that are no example file the tests run (EXAMPLES) nor a snippet a test runs (SNIPPETS)")),
        }
    }
    for (file, page) in EXAMPLES {
        let text = std::fs::read_to_string(root.join(page)).unwrap();
        let code = std::fs::read_to_string(root.join(file)).unwrap();
        let body = code.find("import os").map_or(code.as_str(), |i| &code[i..]);
        if !text.contains(body.trim()) {
            problems.push(format!("{page} does not show {file} verbatim"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    println!("code blocks by language: {counted:?}");
    assert!(counted.get("rust").is_some_and(|n| *n > 0) && counted.get("python").is_some_and(|n| *n > 0));
}

/// The map is true: every path of the repository that `ARCHITECTURE.md` names (in backticks,
/// starting at a top-level folder) exists.
#[test]
fn the_architecture_page_names_only_what_exists() {
    let root = root();
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let tops = ["spec/", "xtask/", "crates/", "bindings/", "tests/", "docs/", "fuzz/"];
    let mut named = 0;
    let mut missing = Vec::new();
    for (i, piece) in text.split('`').enumerate() {
        // Inside backticks: the odd pieces. A path is one word starting at a top-level folder.
        if i % 2 == 0 || piece.contains(char::is_whitespace) || !tops.iter().any(|t| piece.starts_with(t)) {
            continue;
        }
        named += 1;
        // A pattern (`generated/*.rs`) names its folder.
        let path = piece.split('*').next().unwrap_or(piece).trim_end_matches('/');
        if !root.join(path).exists() {
            missing.push(piece.to_owned());
        }
    }
    assert!(named > 30, "ARCHITECTURE.md names only {named} paths");
    assert!(missing.is_empty(), "ARCHITECTURE.md names paths that do not exist: {missing:?}");
}

/// Every relative link of every page leads to a file of the repository.
#[test]
fn relative_links_lead_somewhere() {
    let root = root();
    let mut broken = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(root.join(&page)).unwrap();
        for link in text.split("](").skip(1).filter_map(|rest| rest.split(')').next()) {
            let target = link.split('#').next().unwrap_or_default();
            if target.is_empty() || link.starts_with("http") || link.contains(' ') {
                continue;
            }
            if !root.join(&page).parent().unwrap().join(target).exists() {
                broken.push(format!("{}: {link}", page.display()));
            }
        }
    }
    assert!(broken.is_empty(), "links to nothing:\n{}", broken.join("\n"));
}

#[test]
fn the_command_checks_catch_what_does_not_exist() {
    let (packages, commands) = (workspace_packages(), xtask_commands());
    assert!(
        commands.contains(&"test".to_owned()) && packages.contains(&"sectigo-cli".to_owned()),
        "{commands:?} {packages:?}"
    );
    assert!(check_command("cargo xtask tset", &packages, &commands).is_some());
    assert!(check_command("cargo run -p sectigo-client -- demo", &packages, &commands).is_some());
    assert!(check_command("pip install sectigo-0.0.9-cp39-abi3-any.whl", &packages, &commands).is_some());
    assert!(check_command("curl https://example.com", &packages, &commands).is_some());
    assert!(check_command("SECTIGO_LOGIN_NAME=me cargo run -p sectigo-cli -- --help", &packages, &commands).is_none());
}

/// Where each first call of the top README's table runs as printed (`BRAND` being the
/// sandbox's brand).
const TABLE_CALLS: &[(&str, &str)] = &[
    ("Rust", "crates/sectigo/tests/readme_table.rs"),
    ("Python", "bindings/python/tests/test_readme.py, test_the_top_readmes_first_call_runs_as_printed"),
    ("PHP (panels, through FFI)", "bindings/php/tests/ClientTest.php, testTheTopReadmesFirstCallRunsAsPrinted"),
    ("C", "bindings/c/examples/first_call.c"),
    ("the shell", "xtask/src/commands/test/release.rs, readme_first_call"),
];

#[test]
fn every_first_call_of_the_top_readme_runs_somewhere() {
    let root = root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let rows: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| you write |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    let languages: Vec<&str> = rows.iter().map(|r| r.trim_start_matches("| ").split(" | ").next().unwrap()).collect();
    assert_eq!(languages, TABLE_CALLS.iter().map(|(l, _)| *l).collect::<Vec<_>>(), "the table's rows");
    for ((language, test), row) in TABLE_CALLS.iter().zip(&rows) {
        let file = test.split([',', ' ']).next().unwrap();
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let cell = row.split(" | ").nth(2).unwrap();
        if *language == "Rust" {
            let call = cell.split('`').nth(1).unwrap().replace("BRAND", "sandboxbrand");
            assert!(
                text.contains(&format!("let placed = {call};")),
                "{file} does not run the README's Rust call {call}"
            );
        } else if let Some(name) = test.split(", ").nth(1) {
            assert!(text.contains(name), "{file} has no {name}");
        }
    }
}
