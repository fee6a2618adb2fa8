//! `cargo xtask import-doc PAGE... [--endpoint ID] [--write]`: reads saved pages of Sectigo's documents
//! (either generation; see `xtask::page`) and reports, fact by fact, how they differ from
//! `spec/`: parameters added or removed, lengths, requirements, types, values and defaults that
//! changed, error codes new, gone or reworded, products new or gone, new version-history
//! entries. Facts the spec holds beyond a page are listed as spec-only, not as changes.
//! `--write` applies the changes to `spec/` (see `xtask::page::write`); `cargo xtask check` then refuses
//! every new entry until a maintainer has described it. It then prints, per page, the
//! maintainer's checklist for the changes it made: the saved copy of the page to replace,
//! the descriptions to write, the test vectors to add, and the commands to run.
//!
//! Exit status: 0 when no page differs from the spec, 1 when one does, 2 when a page cannot be
//! read or matched to an endpoint (the message names what is missing), so a scheduled job can
//! tell "the documents changed" from "the import failed".

use std::path::Path;
use std::process::ExitCode;

use xtask::page::write;
use xtask::page::{self, compare};

const USAGE: &str = "usage: cargo xtask import-doc PAGE... [--endpoint ID] [--write]";

pub fn command(root: &Path, args: &[&str]) -> ExitCode {
    match run(root, args) {
        Ok(false) => ExitCode::SUCCESS,
        Ok(true) => ExitCode::from(1),
        Err(message) => {
            eprintln!("import-doc: {message}");
            ExitCode::from(2)
        }
    }
}

/// Compares every page; `Ok(true)` when any differs from the spec.
fn run(root: &Path, args: &[&str]) -> Result<bool, String> {
    let mut pages = Vec::new();
    let mut endpoint = None;
    let mut apply = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--endpoint" => endpoint = Some(*args.next().ok_or("--endpoint takes an endpoint id")?),
            "--write" => apply = true,
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}\n{USAGE}")),
            file => pages.push(file),
        }
    }
    if pages.is_empty() {
        return Err(USAGE.to_owned());
    }
    let mut changed = false;
    for file in pages {
        // Read anew for each page: an earlier page's --write may have changed it.
        let ir = xtask::codegen::loader::load(&root.join("spec")).map_err(|e| format!("spec/ has errors:\n{e}"))?;
        let spec = xtask::codegen::json::spec_json(&ir);
        let bytes = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
        let text = String::from_utf8(bytes).map_err(|_| format!("{file}: not UTF-8 text"))?;
        let page = page::read(&text).map_err(|e| format!("{file}: {e}"))?;
        let e = compare::endpoint(&page, &spec, endpoint).map_err(|e| format!("{file}: {e}"))?;
        let report = compare::compare(&page, &spec, e);
        println!(
            "{file}: {} ({} parameters, {} item parameters, {} rules, {} answer fields, {} error codes, {} products, {} versions read)",
            report.endpoint,
            page.params.len(),
            page.items.len(),
            page.rules.len(),
            page.fields.len(),
            page.errors.len(),
            page.products.len(),
            page.history.len()
        );
        if report.changes.is_empty() {
            println!("  no change from spec/");
        }
        for change in &report.changes {
            println!("  {change}");
        }
        for fact in &report.spec_only {
            println!("  = spec-only: {fact}");
        }
        changed |= !report.changes.is_empty();
        if apply && !report.changes.is_empty() {
            let outcome = write::apply(&root.join("spec"), &report)?;
            println!("  written to spec/: {} change(s)", outcome.applied.len());
            for change in &outcome.by_hand {
                println!("  not written, edit spec/ by hand: {change}");
            }
            for what in &outcome.to_describe {
                println!("  describe before `cargo xtask check` passes: {what}");
            }
            println!("  to do for {}:", report.endpoint);
            for (n, step) in write::checklist(&report, &outcome, &write::saved_copies(root, &spec, &report.endpoint))
                .iter()
                .enumerate()
            {
                println!("  {}. {step}", n + 1);
            }
        }
    }
    Ok(changed)
}
