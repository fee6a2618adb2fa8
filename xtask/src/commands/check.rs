//! `cargo xtask check`: reads and checks `spec/` (the generator's first stages, without
//! writing anything) and lists every problem: a maintainer's quick test after editing the spec,
//! and what refuses facts that `import-doc --write` added until someone describes them.

use std::path::Path;

pub fn command(root: &Path, args: &[&str]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(format!("check takes no arguments (got {args:?})"));
    }
    let ir = xtask::codegen::loader::load(&root.join("spec")).map_err(|e| format!("spec/ has errors:\n{e}"))?;
    let params: usize = ir.endpoints.iter().map(|e| e.params.len()).sum();
    let errors: usize = ir.endpoints.iter().map(|e| e.errors.len()).sum();
    println!(
        "spec/ is sound: {} endpoints, {params} parameters, {errors} error rows, {} products",
        ir.endpoints.len(),
        ir.catalogue.as_ref().map_or(0, |c| c.products.len())
    );
    Ok(())
}
