//! `cargo xtask codegen [--check]` | `cargo xtask spec --json` | `cargo xtask test`

use std::path::Path;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = xtask::root();
    let result = match args.as_slice() {
        ["codegen"] => codegen(&root, false),
        ["codegen", "--check"] => codegen(&root, true),
        ["spec", "--json"] => spec_json(&root),
        ["test"] => test(&root),
        ["c-dist", rest @ ..] => c_dist(&root, rest),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage:
  cargo xtask codegen [--check]   regenerate everything from spec/ (--check: fail if stale)
  cargo xtask spec --json         print the checked spec as JSON
  cargo xtask test                codegen --check, every test, clippy with warnings denied
  cargo xtask c-dist [--release] [--prefix DIR]
                                  build the C library and install header, libsectigo.a/.so
                                  and sectigo.pc under DIR (default target/c-dist)";

fn c_dist(root: &Path, args: &[&str]) -> Result<(), String> {
    let mut release = false;
    let mut prefix = root.join("target/c-dist");
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--release" => release = true,
            "--prefix" => prefix = args.next().ok_or("--prefix needs a folder")?.into(),
            other => return Err(format!("c-dist: unknown argument {other:?}\n{USAGE}")),
        }
    }
    xtask::ctest::dist(root, release, &prefix)
}

fn codegen(root: &Path, check: bool) -> Result<(), String> {
    let files = xtask::generate_all(root)?;
    let report = xtask::write_generated(root, &files, check).map_err(|e| format!("writing generated files: {e}"))?;
    if check {
        if report.changed.is_empty() && report.orphaned.is_empty() {
            println!("codegen --check: {} generated files are up to date", files.len());
            return Ok(());
        }
        let mut msg = String::from("generated files are stale:\n");
        for f in &report.changed {
            msg.push_str(&format!("  {} (differs from what spec/ generates)\n", f.display()));
        }
        for f in &report.orphaned {
            msg.push_str(&format!("  {} (no longer generated)\n", f.display()));
        }
        msg.push_str("run `cargo xtask codegen` and commit the result");
        return Err(msg);
    }
    for f in &report.changed {
        println!("wrote {}", f.display());
    }
    for f in &report.orphaned {
        println!("removed {}", f.display());
    }
    println!("codegen: {} files, {} changed", files.len(), report.changed.len() + report.orphaned.len());
    Ok(())
}

fn spec_json(root: &Path) -> Result<(), String> {
    let ir = xtask::check::load(&root.join("spec")).map_err(|e| format!("spec/ has errors:\n{e}"))?;
    let text = serde_json::to_string_pretty(&xtask::json::spec_json(&ir)).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}

fn run(root: &Path, what: &str, program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    println!("==> {what}: {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root)
        .status()
        .map_err(|e| format!("{what}: cannot run {program}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{what} failed ({status})")) }
}

fn test(root: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    codegen(root, true)?;
    run(root, "tests", &cargo, &["test", "--workspace", "--locked"], &[("INSTA_UPDATE", "no")])?;
    println!("==> C library: compile and run bindings/c/tests, plain and under valgrind");
    xtask::ctest::test(root)?;
    println!("==> PHP: phpunit in bindings/php against a sandbox");
    xtask::ctest::php_test(root)?;
    println!("==> Python: wheel, fresh venv, stubtest, mypy --strict, pytest");
    xtask::ctest::python_test(root)?;
    run(
        root,
        "clippy",
        &cargo,
        &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"],
        &[],
    )?;
    println!("cargo xtask test: all steps passed");
    Ok(())
}
