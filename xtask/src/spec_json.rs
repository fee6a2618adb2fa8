//! `cargo xtask spec --json`: the checked spec, as JSON.

use std::path::Path;

pub fn command(root: &Path, args: &[&str]) -> Result<(), String> {
    if args != ["--json"] {
        return Err(format!("spec takes --json (got {args:?})"));
    }
    let ir = xtask::loader::load(&root.join("spec")).map_err(|e| format!("spec/ has errors:\n{e}"))?;
    let text = serde_json::to_string_pretty(&xtask::json::spec_json(&ir)).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}
