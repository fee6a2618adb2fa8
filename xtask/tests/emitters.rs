//! Snapshots of the C, PHP and Python emitters' output for every fixture spec (the Rust
//! emitter's are `codegen.rs`'s), each checked by its language's own tools as the test command
//! checks the real generated files: the C names compiled by the C compiler with warnings as
//! errors, the PHP files linted by `php -l`, the Python module and stub parsed by Python. The
//! `escapes` fixture's descriptions (a quote, a backslash, a control character, a comment's end,
//! letters outside ASCII) must come out as the same text in every language.

use std::path::PathBuf;
use std::process::Command;

use xtask::codegen::emit;
use xtask::codegen::loader::load;

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const FIXTURES: &[&str] = &["one_of", "conditional", "groups", "items", "selectable", "value_kinds", "escapes"];

/// A folder of its own for one check's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-emitters-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a checker, failing with its output, or with the line that installs it when it is missing
/// (`cargo xtask test` installs every one before it runs this).
fn check(what: &str, command: &mut Command, install: &str) {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {:?} ({e}); install it: {install}", command.get_program()));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn ir(name: &str) -> xtask::codegen::ir::Ir {
    load(&here().join("tests/fixtures").join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn c_names_compile() {
    for name in FIXTURES {
        let text = emit::c::names(&ir(name));
        insta::assert_snapshot!(format!("{name}__c_names"), text);
        let dir = scratch(&format!("c-{name}"));
        let source = dir.join("names.c");
        std::fs::write(&source, format!("{text}\nint main(void) {{ return 0; }}\n")).unwrap();
        let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
        check(
            &format!("{name}: the C names"),
            Command::new(&cc)
                .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-o"])
                .arg(dir.join("names"))
                .arg(&source),
            "apt-get install gcc",
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn php_files_lint() {
    for name in FIXTURES {
        let dir = scratch(&format!("php-{name}"));
        for (file, text) in emit::php::files(&ir(name), "0.0.0", "libsectigo.so.0.0", "libsectigo.0.0.dylib") {
            insta::assert_snapshot!(format!("{name}__php_{}", file.trim_end_matches(".php")), text);
            let path = dir.join(&file);
            std::fs::write(&path, &text).unwrap();
            check(&format!("{name}: {file}"), Command::new("php").arg("-l").arg(&path), "apt-get install php-cli");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn python_files_parse() {
    for name in FIXTURES {
        let ir = ir(name);
        let dir = scratch(&format!("python-{name}"));
        for (file, text) in [("module.py", emit::python::module(&ir)), ("stub.pyi", emit::python::stub(&ir))] {
            insta::assert_snapshot!(format!("{name}__python_{}", file.split('.').next().unwrap()), text);
            let path = dir.join(file);
            std::fs::write(&path, &text).unwrap();
            check(&format!("{name}: {file}"), python().arg("-c").arg(STRINGS).arg(&path), "apt-get install python3");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn python() -> Command {
    Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned()))
}

/// Parses a file (a syntax error fails) and fails if it imports a name it never uses (as ruff's
/// F401 would in `sectigo/generated/`), then prints every string constant in it, one JSON string
/// a line, for the escapes test to compare.
const STRINGS: &str = r#"
import ast, json, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read(), sys.argv[1])
imported = set()
for node in ast.walk(tree):
    if isinstance(node, ast.ImportFrom) and node.module != "__future__":
        imported.update(alias.asname or alias.name for alias in node.names)
    elif isinstance(node, ast.Import):
        imported.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
if imported - used:
    sys.exit(f"{sys.argv[1]}: imported and never used: {sorted(imported - used)}")
for node in ast.walk(tree):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        print(json.dumps(node.value))
"#;

/// The `escapes` fixture's texts, as every language must say them.
#[test]
fn descriptions_come_out_as_written_in_every_language() {
    let ir = ir("escapes");
    let endpoint = &ir.endpoints[0];
    let motto = endpoint.params.iter().find(|p| p.wire == "motto").unwrap();
    let calm = &endpoint.params.iter().find(|p| p.wire == "mood").unwrap().allowed[0];
    let texts = [endpoint.summary.as_str(), motto.description.as_str(), calm.meaning.as_str()];
    for text in texts {
        assert!(text.contains('"') && text.contains('\\') && text.contains('\u{7}') && !text.is_ascii(), "{text:?}");
    }

    // Python: the strings of the module, read back by Python, hold each text (on one line).
    let dir = scratch("escapes-python");
    let path = dir.join("module.py");
    std::fs::write(&path, emit::python::module(&ir)).unwrap();
    let out = python().arg("-c").arg(STRINGS).arg(&path).output().expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let strings: Vec<String> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    for text in [endpoint.summary.as_str(), motto.description.as_str()] {
        let one_line = xtask::codegen::naming::one_line(text);
        assert!(strings.iter().any(|s| s.contains(&one_line)), "Python lost {one_line:?}; its strings: {strings:#?}");
    }
    let _ = std::fs::remove_dir_all(&dir);

    // C and PHP comments: the text, with only the comment's end and the control character made
    // visible; nothing else changed.
    let visible = |t: &str| xtask::codegen::naming::one_line(t).replace("*/", "* /").replace('\u{7}', "\\u{7}");
    let c = emit::c::names(&ir);
    let php: String = emit::php::files(&ir, "0.0.0", "x", "y").into_iter().map(|(_, t)| t).collect();
    // (An allowed value's meaning is listed without its full stop.)
    for text in texts.map(|t| t.trim_end_matches('.')) {
        assert!(c.contains(&visible(text)), "C lost {:?}:\n{c}", visible(text));
        assert!(php.contains(&visible(text)), "PHP lost {:?}:\n{php}", visible(text));
    }
    assert!(!c.contains('\u{7}') && !php.contains('\u{7}'), "a raw control character in a comment");

    // Rust: the generated docs hold the text (and `tests/snapshot-compile` compiles them).
    let rust: String = emit::rust_files(&ir).into_iter().map(|(_, t)| t).collect();
    assert!(rust.contains("café") && rust.contains("naïve"), "Rust lost the letters outside ASCII");
}
