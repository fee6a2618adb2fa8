//! `cargo xtask lint`: the formatters and linters of every language (the test command runs
//! them too), so that the code reads one way:
//! - Rust: `cargo fmt --check` (the workspace's `rustfmt.toml`; the fuzz workspace too), and,
//!   at the end of the run, clippy with warnings denied on every target and feature, and the
//!   documentation of the generator and commands (`xtask`) with warnings denied;
//! - PHP: `php -l` on every file of the package, and phpcs with the package's `phpcs.xml`
//!   (PSR-12);
//! - Python: ruff's linter and formatter with the package's settings (`pyproject.toml`),
//!   from a virtual environment of its own (`target/lint`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::commands::process::{capture, cargo, shown};
use crate::commands::setup;

pub fn command(root: &Path, args: &[&str]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(format!("lint takes no arguments (got {args:?})"));
    }
    setup::system(setup::LINT_NEEDS)?;
    formats(root)?;
    lints(root)
}

/// The checks that need no build: run first, so a formatting slip stops the run in seconds.
pub fn formats(root: &Path) -> Result<(), String> {
    shown("cargo fmt --check", Command::new(cargo()).current_dir(root).args(["fmt", "--all", "--check"])).map_err(
        |e| format!("{e}: run `cargo fmt --all` (rustfmt comes with the toolchain: rustup component add rustfmt)"),
    )?;
    shown(
        "cargo fmt --check (fuzz targets)",
        Command::new(cargo()).current_dir(root).args(["fmt", "--all", "--check", "--manifest-path", "fuzz/Cargo.toml"]),
    )
    .map_err(|e| format!("{e}: run `cargo fmt --all --manifest-path fuzz/Cargo.toml`"))?;

    let php = root.join("bindings/php");
    let mut files = Vec::new();
    php_files(&php, &mut files)?;
    files.sort();
    for file in &files {
        capture(&format!("php -l {}", file.display()), Command::new("php").arg("-l").arg(file))?;
    }
    println!("php -l: {} files, no syntax errors", files.len());
    let out = capture(
        "phpcs (bindings/php/phpcs.xml)",
        Command::new("phpcs").current_dir(&php).args(["-q", "--report=summary"]),
    )?;
    println!("phpcs (PSR-12): no problems{}", if out.trim().is_empty() { String::new() } else { format!("\n{out}") });

    let bin = setup::tool_venv(root, "lint", "ruff", "the Python linter (ruff)")?;
    let python = root.join("bindings/python");
    let ruff = |what: &str, args: &[&str]| {
        capture(what, Command::new(bin.join("ruff")).current_dir(&python).args(args).arg("--no-cache"))
    };
    let checked = ruff("ruff check", &["check"])?;
    println!("ruff check: {}", checked.trim());
    let formatted = ruff("ruff format --check", &["format", "--check", "--exclude", "sectigo/generated"])?;
    println!("ruff format --check: {}", formatted.trim());
    Ok(())
}

/// Every `.php` file of the package (not Composer's `vendor/`).
fn php_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "vendor") {
                php_files(&path, out)?;
            }
        } else if path.extension().is_some_and(|x| x == "php") {
            out.push(path);
        }
    }
    Ok(())
}

/// The checks that build: clippy on the whole workspace, and `xtask`'s documentation.
pub fn lints(root: &Path) -> Result<(), String> {
    shown(
        "clippy",
        Command::new(cargo()).current_dir(root).args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    // The library (the generator) and the binary (the commands) one after the other: cargo
    // warns that their pages share a file name, which is harmless for a check.
    for (what, target) in [("the generator", "--lib"), ("the commands", "--bins")] {
        shown(
            &format!("docs of {what} (warnings denied)"),
            Command::new(cargo()).current_dir(root).env("RUSTDOCFLAGS", "-D warnings").args([
                "doc",
                "--locked",
                "--no-deps",
                "-p",
                "xtask",
                target,
                "--document-private-items",
            ]),
        )?;
    }
    Ok(())
}
