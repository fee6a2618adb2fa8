//! The project's tasks, one module per command: `cargo xtask COMMAND` (see `commands/`).

mod commands;

use std::process::ExitCode;

use commands::{bench, check, codegen, dist, fuzz, import_doc, lint, test};

const USAGE: &str = "usage: cargo xtask COMMAND
  bench               the SDK side by side with the alternatives in Rust, C, Python and PHP
                      (per call, threads, connections, memory, cold costs, sizes): a table
                      and target/bench/report.json
  check               read and check spec/ without generating anything
  codegen [--check]   regenerate everything from spec/ (--check: fail if anything is stale)
  import-doc PAGE... [--endpoint ID] [--write]
                      read saved pages of Sectigo's documents and list how their facts differ
                      from spec/ (exit 0: none, 1: some, 2: a page could not be read);
                      --write applies them, leaving every description to write
  spec --json         print the checked spec as JSON
  dist                build the release artefacts into dist/: the C and PHP archive, the
                      Python wheel and sdist, the Rust crate, SHA256SUMS
  fuzz [--seconds N] [TARGET...]
                      coverage-guided fuzzing of the parsers (decode, prepare, ffi,
                      sandbox_request, import_doc), N seconds each (default 60); report in
                      target/fuzz/
  lint                every language's formatter and linter: cargo fmt --check, clippy
                      (warnings denied), xtask's docs, php -l, phpcs (PSR-12), ruff
  test                every test, with its own set-up: codegen --check, Rust tests, examples
                      and docs, a short fuzzing pass, dist, then C, PHP and Python on the
                      artefacts, clippy";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = xtask::root();
    if let Some((&"import-doc", rest)) = args.split_first() {
        return import_doc::command(&root, rest);
    }
    let result = match args.split_first() {
        Some((&"bench", rest)) => bench::command(&root, rest),
        Some((&"check", rest)) => check::command(&root, rest),
        Some((&"codegen", rest)) => codegen::command(&root, rest),
        Some((&"spec", rest)) => xtask::codegen::json::command(&root, rest),
        Some((&"dist", rest)) => dist::command(&root, rest),
        Some((&"fuzz", rest)) => fuzz::command(&root, rest),
        Some((&"lint", rest)) => lint::command(&root, rest),
        Some((&"test", rest)) => test::command(&root, rest),
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
