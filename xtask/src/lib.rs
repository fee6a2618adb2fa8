//! The generator: `spec/*.toml` -> checked IR -> generated code.
//!
//! Stages: [`spec`] (serde types, as written) -> [`check`] (checks, naming, lowering to [`ir`])
//! -> [`emit`] (IR -> tokens -> formatted source) -> [`write_generated`].

pub mod check;
pub mod emit;
pub mod ir;
pub mod json;
pub mod naming;
pub mod spec;

use std::path::{Path, PathBuf};

/// The workspace root (the xtask crate's parent).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// Where the core crate's generated files go, relative to the root.
pub const RUST_OUT: &str = "crates/sectigo/src/generated";

/// Every generated file of the project for the spec in `spec_dir`: (path from the root, contents).
pub fn generate(spec_dir: &Path) -> Result<Vec<(PathBuf, String)>, check::SpecErrors> {
    let ir = check::load(spec_dir)?;
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
        if let Some(parent) = rel.parent()
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
            if !files.iter().any(|(f, _)| *f == rel) {
                if !check {
                    std::fs::remove_file(root.join(&rel))?;
                }
                report.orphaned.push(rel);
            }
        }
    }
    Ok(report)
}
