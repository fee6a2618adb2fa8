//! `cargo xtask codegen [--check]`: regenerate everything from `spec/`, or fail if anything
//! checked in is stale.

use std::path::Path;

pub fn command(root: &Path, args: &[&str]) -> Result<(), String> {
    match args {
        [] => run(root, false),
        ["--check"] => run(root, true),
        _ => Err(format!("codegen takes only --check (got {args:?})")),
    }
}

pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let files = xtask::codegen::generate_all(root)?;
    let report =
        xtask::codegen::write_generated(root, &files, check).map_err(|e| format!("writing generated files: {e}"))?;
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
