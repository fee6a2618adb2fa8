//! The generator: `spec/*.toml` -> checked IR -> generated code, in the stages the modules are
//! named for:
//!
//! 1. load: [`spec`] holds the serde types, exactly as the files are written; [`loader`] reads
//!    them.
//! 2. check and lower: [`loader`] checks every rule of the spec (naming the file and key of each
//!    problem, all at once) and lowers it to the IR ([`ir`]), making every naming decision with
//!    [`naming`].
//! 3. emit: [`emit`] turns the IR into each language's source (Rust through tokens and
//!    prettyplease, the C header through cbindgen, PHP and Python as text).
//! 4. write: [`write_generated`] writes the files, or under `--check` only compares them.
//!
//! [`json`] is the same IR as JSON, for tools (`cargo xtask spec --json`).

pub mod emit;
pub mod ir;
pub mod json;
pub mod loader;
pub mod naming;
pub mod spec;

use std::path::{Path, PathBuf};

use crate::{VERSION, dylib_name, soname};

/// Where the core crate's generated files go, relative to the root.
pub const RUST_OUT: &str = "crates/sectigo/src/generated";

/// Every generated file of the project: the core crate's, the C header, the test vectors for
/// C, PHP and Python. (path from the root, contents).
pub fn generate_all(root: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let ir = loader::load(&root.join("spec")).map_err(|e| format!("spec/ has errors:\n{e}"))?;
    let mut files: Vec<(PathBuf, String)> =
        emit::rust_files(&ir).into_iter().map(|(name, text)| (Path::new(RUST_OUT).join(name), text)).collect();
    files.push((
        PathBuf::from("bindings/c/include/sectigo.h"),
        emit::c::header(&ir, &root.join("crates/sectigo-ffi/src/lib.rs"), VERSION)?,
    ));
    files.push((PathBuf::from("bindings/c/README.md"), emit::c::readme(&root.join("bindings/c/README.md"), &ir)?));
    let php_readme = root.join("bindings/php/README.md");
    let php_readme = emit::docs::with_table(&php_readme, "options", &emit::php::options_table(&ir))?;
    files.push((PathBuf::from("bindings/php/README.md"), php_readme));
    let python_readme = root.join("bindings/python/README.md");
    let python_readme = emit::docs::with_table(&python_readme, "keywords", &emit::docs::python_settings_table(&ir))?;
    files.push((PathBuf::from("bindings/python/README.md"), python_readme));
    let cli_page = emit::docs::with_table(&root.join("docs/cli.md"), "flags", &emit::docs::cli_settings_table(&ir))?;
    files.push((PathBuf::from("docs/cli.md"), cli_page));
    let errors_page =
        emit::docs::with_table(&root.join("docs/errors.md"), "error kinds", &emit::docs::error_kinds_table(&ir))?;
    files.push((PathBuf::from("docs/errors.md"), errors_page));
    files.push((
        PathBuf::from("bindings/php/sectigo.ffi.h"),
        emit::c::ffi_header(&root.join("crates/sectigo-ffi/src/lib.rs"), &soname(VERSION))?,
    ));
    for (name, text) in emit::php::files(&ir, VERSION, &soname(VERSION), &dylib_name(VERSION)) {
        files.push((Path::new("bindings/php/src/generated").join(name), text));
    }
    files.push((PathBuf::from("bindings/python/sectigo/generated/__init__.py"), emit::python::module(&ir)));
    files.push((PathBuf::from("bindings/python/sectigo/generated/__init__.pyi"), emit::python::stub(&ir)));
    let vectors = load_vectors(&root.join("tests/vectors"))?;
    files.push((PathBuf::from("bindings/c/tests/generated/vectors.h"), emit::c::vectors(&vectors)));
    let json = serde_json::to_string_pretty(&vectors).map_err(|e| e.to_string())? + "\n";
    files.push((PathBuf::from("tests/vectors/generated/vectors.json"), json));
    Ok(files)
}

/// Every case of `tests/vectors/*.toml`, as `{"requests": [...], "responses": [...]}`, each
/// case with the name of its file.
pub fn load_vectors(dir: &Path) -> Result<serde_json::Value, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let (mut requests, mut responses) = (Vec::new(), Vec::new());
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let value: toml::Value = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let value = serde_json::to_value(value).map_err(|e| e.to_string())?;
        let file = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        for (key, out) in [("request", &mut requests), ("response", &mut responses)] {
            for case in value[key].as_array().into_iter().flatten() {
                let mut case = case.clone();
                case["file"] = serde_json::Value::String(file.clone());
                out.push(case);
            }
        }
    }
    Ok(serde_json::json!({
        "_generated": "by `cargo xtask codegen` from tests/vectors/*.toml; do not edit",
        "requests": requests,
        "responses": responses,
    }))
}

/// The core crate's generated files for the spec in `spec_dir`: (path from the root, contents).
pub fn generate(spec_dir: &Path) -> Result<Vec<(PathBuf, String)>, loader::SpecErrors> {
    let ir = loader::load(spec_dir)?;
    Ok(emit::rust_files(&ir).into_iter().map(|(name, text)| (Path::new(RUST_OUT).join(name), text)).collect())
}

/// Outcome of writing or checking generated files.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written (or, under `--check`, that would be).
    pub changed: Vec<PathBuf>,
    /// Files in a generated folder that nothing generates any more (removed, or reported).
    pub orphaned: Vec<PathBuf>,
}

/// Writes generated files below `root`, or with `check` only compares them. Line endings are
/// normalized to `\n` before comparing.
pub fn write_generated(root: &Path, files: &[(PathBuf, String)], check: bool) -> std::io::Result<Report> {
    let mut report = Report::default();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for (rel, contents) in files {
        let path = root.join(rel);
        let contents = contents.replace("\r\n", "\n");
        let current = std::fs::read_to_string(&path).ok().map(|s| s.replace("\r\n", "\n"));
        if current.as_deref() != Some(contents.as_str()) {
            report.changed.push(rel.clone());
            if !check {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&path, contents)?;
            }
        }
        // Only folders named `generated` are the generator's alone (so only there are other
        // files orphans).
        if let Some(parent) = rel.parent()
            && parent.file_name().is_some_and(|n| n == "generated")
            && !dirs.iter().any(|d| d == parent)
        {
            dirs.push(parent.to_path_buf());
        }
    }
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(root.join(&dir)) else { continue };
        let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| dir.join(e.file_name())).collect();
        names.sort();
        for rel in names {
            // Caches that tools leave next to sources (Python's __pycache__) are not ours to judge.
            let cache = rel.file_name().is_some_and(|n| n == "__pycache__" || n.to_string_lossy().starts_with('.'));
            if !cache && !files.iter().any(|(f, _)| *f == rel) {
                if !check {
                    std::fs::remove_file(root.join(&rel))?;
                }
                report.orphaned.push(rel);
            }
        }
    }
    Ok(report)
}
