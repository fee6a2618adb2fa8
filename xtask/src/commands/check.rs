//! `cargo xtask check`: reads and checks `spec/` (the generator's first stages, without
//! writing anything) and lists every problem: a maintainer's quick test after editing the spec,
//! and what refuses facts that `import-doc --write` added until someone describes them, and
//! endpoints imported from cut pages (`partial`): spec/ keeps complete ones only.

use std::path::Path;

pub fn command(root: &Path, args: &[&str]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(format!("check takes no arguments (got {args:?})"));
    }
    let ir = xtask::codegen::loader::load(&root.join("spec")).map_err(|e| format!("spec/ has errors:\n{e}"))?;
    // An endpoint from a cut page may lack facts: spec/ keeps complete ones only.
    let partial: Vec<String> = ir
        .endpoints
        .iter()
        .filter_map(|e| e.partial_note().map(|note| format!("{}: {} (endpoint {})", e.file, note, e.id)))
        .collect();
    if !partial.is_empty() {
        return Err(format!(
            "spec/ keeps complete endpoints only; import these again from whole pages:\n{}",
            partial.join("\n")
        ));
    }
    let params: usize = ir.endpoints.iter().map(|e| e.params.len()).sum();
    let errors: usize = ir.endpoints.iter().map(|e| e.errors.len()).sum();
    println!(
        "spec/ is sound: {} endpoints, {params} parameters, {errors} error rows, {} products",
        ir.endpoints.len(),
        ir.catalogue.as_ref().map_or(0, |c| c.products.len())
    );
    Ok(())
}
