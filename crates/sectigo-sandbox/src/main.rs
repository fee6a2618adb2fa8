//! `sectigo-sandbox`: run the fake API as a process, for test harnesses in any language.
//!
//! Prints one JSON line on stdout when ready (URLs, ports, CA file, accounts), then serves until
//! killed (or, with `--exit-with-stdin`, until its standard input closes).

use std::io::Read;

use sectigo_sandbox::cli::{Started, start};

fn main() {
    match start("sectigo-sandbox", std::env::args_os()) {
        Err(e) => {
            eprintln!("sectigo-sandbox: {e}");
            std::process::exit(1);
        }
        Ok(Started::Exit(status)) => std::process::exit(status),
        Ok(Started::Serving { sandbox, exit_with_stdin }) => {
            if exit_with_stdin {
                let _ = std::io::stdin().read_to_end(&mut Vec::new());
                drop(sandbox);
                return;
            }
            loop {
                std::thread::park();
            }
        }
    }
}
