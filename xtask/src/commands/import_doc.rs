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
//! `--new` writes the endpoint of a page the spec does not have as a new
//! `spec/endpoints/<id>.toml` (see `xtask::page::create`): every fact of the page, the
//! descriptions left empty for the maintainer, which `cargo xtask check` refuses until written.
//! A page cut short (no answer section or no error table, as saved copies sometimes are) is
//! refused, naming each missing part, unless `--allow-partial` is given; the endpoint then
//! records what its page lacked. `--endpoint ID` gives the id of an endpoint whose page names
//! none.
//!
//! Exit status: 0 when no page differs from the spec (or every `--new` endpoint was written), 1
//! when one does, 2 when a page cannot be read or matched to an endpoint (the message names what
//! is missing), so a scheduled job can tell "the documents changed" from "the import failed".

use std::path::Path;
use std::process::ExitCode;

use xtask::page::write;
use xtask::page::{self, compare};

const USAGE: &str = "usage: cargo xtask import-doc PAGE... [--endpoint ID] [--write]\n       cargo xtask import-doc --new PAGE... [--endpoint ID] [--allow-partial]";

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
    let (mut new, mut allow_partial) = (false, false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--endpoint" => endpoint = Some(*args.next().ok_or("--endpoint takes an endpoint id")?),
            "--write" => apply = true,
            "--new" => new = true,
            "--allow-partial" => allow_partial = true,
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}\n{USAGE}")),
            file => pages.push(file),
        }
    }
    if pages.is_empty() {
        return Err(USAGE.to_owned());
    }
    if new {
        if apply {
            return Err(format!("--new takes no --write\n{USAGE}"));
        }
        if endpoint.is_some() && pages.len() > 1 {
            return Err(format!("--new --endpoint ID names one page's endpoint\n{USAGE}"));
        }
        for file in pages {
            create(root, file, allow_partial, endpoint)?;
        }
        return Ok(false);
    }
    if allow_partial {
        return Err(format!("--allow-partial goes with --new\n{USAGE}"));
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

/// `--new`: writes the endpoint of one page, and says what the maintainer does next.
fn create(root: &Path, file: &str, allow_partial: bool, id: Option<&str>) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{file}: not UTF-8 text"))?;
    let page = page::read(&text).map_err(|e| format!("{file}: {e}"))?;
    let missing = page.sections.missing();
    if !missing.is_empty() && !allow_partial {
        let names: Vec<&str> = missing.iter().map(|(_, name)| *name).collect();
        return Err(format!(
            "{file}: the page lacks {}: an endpoint made from it would miss those facts. Save the whole page, \
             or give --allow-partial to write what it holds (the endpoint then says what its page lacked)",
            names.join(", ")
        ));
    }
    let keys: Vec<&str> = missing.iter().map(|(key, _)| *key).collect();
    let source = Path::new(file).file_name().map_or(file.to_owned(), |n| n.to_string_lossy().into_owned());
    let created = page::create::endpoint(&root.join("spec"), &page, &source, &keys, id)?;
    println!(
        "{file}: wrote {} ({} parameters, {} rules, {} answer fields, {} error codes)",
        created.file,
        page.params.len(),
        page.rules.len(),
        page.answer.len(),
        page.errors.iter().filter(|(c, _)| *c < 0).count()
    );
    if !keys.is_empty() {
        println!("  partial: the page lacks {}", keys.join(", "));
    }
    for what in &created.new_errors {
        println!("  new error code: {what}");
    }
    for what in &created.to_decide {
        println!("  decide: {what}");
    }
    println!("  describe before `cargo xtask check` passes ({} entries):", created.to_describe.len());
    for what in &created.to_describe {
        println!("    {what}");
    }
    println!(
        "  then: cargo xtask codegen (the endpoint reaches every language and the sandbox), save the page under \
         tests/import/seeds/ as {source}, and add test vectors for it"
    );
    Ok(())
}
