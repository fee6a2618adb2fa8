//! The PHP suite (Debian's phpunit) over the release archive's library, against its sandbox.

use std::path::Path;
use std::process::Command;

use crate::process::{SandboxProcess, capture};

pub fn test(root: &Path, prefix: &Path, work: &Path) -> Result<(), String> {
    let sandbox = SandboxProcess::start(prefix.join("bin/sectigo-sandbox"), &[], work)?;
    let out = capture(
        "phpunit",
        Command::new("phpunit")
            .current_dir(root.join("bindings/php"))
            .args(["-c", "phpunit.xml"])
            .env("SECTIGO_LIBRARY", prefix.join("lib/libsectigo.so"))
            .env("SECTIGO_HEADER", prefix.join("include/sectigo.h"))
            .envs(sandbox.env.iter().cloned()),
    )?;
    let tail: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).rev().take(2).collect();
    println!("{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
    Ok(())
}
