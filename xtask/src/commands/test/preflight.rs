//! Right after the set-up, before any build: a one-line C program built with every C compiler
//! the suites use, linked the way they link (against a static library and a shared one, for
//! each target of the target table; the C++ compiler against a shared one), and run where it
//! can run now. A missing header or C library then stops the run in seconds, naming the
//! compiler, the files it reads and their packages, instead of half an hour later.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::commands::process::{capture, fresh_dir};
use crate::commands::setup::compilers::{CXX, Cc, Linking};
use crate::commands::setup::{self, Need};
use crate::commands::targets::{Os, Runner, TARGETS, Target};

/// The library's one function, and the program that calls it.
const LIBRARY: &str = "int probe_answer(void) { return 42; }\n";
const PROGRAM: &str = "#include <stdio.h>\nint probe_answer(void);\nint main(void) { printf(\"probe %d\\n\", probe_answer()); return 0; }\n";

/// Every compiler and linking of the suites: for each target, its static compiler against a
/// static library and its compiler against a shared one (Windows: the import library only,
/// as the Windows suite links); then the C++ compiler. Not macOS's, which build no suite (its
/// compiler builds ring's C code in `dist`).
fn probes() -> Vec<(Option<Target>, Cc, Linking)> {
    let mut all = Vec::new();
    for target in TARGETS.iter().filter(|t| t.runner != Runner::Never) {
        if target.os != Os::Windows {
            all.push((Some(*target), target.static_cc, Linking::Static));
        }
        all.push((Some(*target), target.cc, Linking::Shared));
    }
    all.push((None, CXX, Linking::Shared));
    all
}

/// Every C compiler the suites use (for [`setup::system`]).
pub fn compilers() -> Vec<Cc> {
    probes().into_iter().map(|(_, cc, _)| cc).collect()
}

/// Builds the probe with each compiler and runs it where it can run now (natively, or under
/// qemu-user with the cross C library; not a program that needs the emulated tests' Debian
/// root, nor a Windows one, whose wine prefix comes later).
///
/// Debian's compilers come first, and every failure among them is reported at once: they are
/// what a missing package breaks. zig's come after; the first use of each zig target builds
/// that target's C libraries into zig's cache (a minute or so, which the dist step would
/// otherwise spend).
pub fn run(root: &Path, tools: &Path) -> Result<(), String> {
    let work = root.join("target/preflight");
    fresh_dir(&work)?;
    let (debian, zig): (Vec<_>, Vec<_>) = probes().into_iter().partition(|(_, cc, _)| !matches!(cc, Cc::Zig(_)));
    for (phase, probes) in [("Debian's compilers", debian), ("zig's compilers", zig)] {
        let started = Instant::now();
        let mut failures = Vec::new();
        for (target, cc, linking) in &probes {
            let name = target.map_or("c++", |t| t.name);
            let dir = work.join(format!("{name}-{}", linking.name()));
            fresh_dir(&dir)?;
            let one = Instant::now();
            match probe(&dir, target.as_ref(), *cc, *linking, tools) {
                Ok(ran) => {
                    println!(
                        "  {} ({name}, {}): {ran} in {:.1} s",
                        cc.name(),
                        linking.name(),
                        one.elapsed().as_secs_f64()
                    )
                }
                Err(e) => failures.push(failure(cc, name, *linking, &e)),
            }
        }
        if !failures.is_empty() {
            return Err(format!(
                "{phase} cannot build a one-line program; stopping before any build:\n{}",
                failures.join("\n")
            ));
        }
        println!("{phase}: {} builds of a one-line program in {:.1} s", probes.len(), started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// Builds `dir/probe` against a library of `LIBRARY` built as `linking` says, runs it when it
/// can, and says which it did.
fn probe(dir: &Path, target: Option<&Target>, cc: Cc, linking: Linking, tools: &Path) -> Result<&'static str, String> {
    let windows = target.is_some_and(|t| t.os == Os::Windows);
    let source = |name: &str, text: &str| -> Result<PathBuf, String> {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    };
    let (library, program) = (source("probe_answer.c", LIBRARY)?, source("probe.c", PROGRAM)?);
    // The C++ compiler (no target of its own) reads the program as C++.
    let language: &[&str] = if target.is_none() { &["-x", "c++"] } else { &[] };
    let build = |what: &str, command: &mut Command| capture(what, command).map(|_| ());
    // The library, as the suites' libraries are: an archive of objects or a shared library.
    match linking {
        Linking::Static => {
            let object = dir.join("probe_answer.o");
            build("compiling the library", cc.command(tools).arg("-c").arg(&library).arg("-o").arg(&object))?;
            let mut link = cc.command(tools);
            link.args(language).arg(&program);
            cc.link_static(&mut link, &object);
            build("linking the program", link.arg("-o").arg(dir.join("probe")))?;
        }
        Linking::Shared => {
            let mut shared = cc.command(tools);
            shared.args(["-shared", "-fPIC"]).arg(&library);
            if windows {
                // As the Windows zip's import library is used.
                shared.arg(format!("-Wl,--out-implib,{}", dir.join("libprobe_answer.dll.a").display()));
                shared.arg("-o").arg(dir.join("probe_answer.dll"));
            } else {
                shared.arg("-o").arg(dir.join("libprobe_answer.so"));
            }
            build("building the shared library", &mut shared)?;
            let mut link = cc.command(tools);
            link.args(language).arg(&program);
            cc.link_shared(&mut link, dir, "probe_answer", !windows);
            build("linking the program", link.arg("-o").arg(dir.join(if windows { "probe.exe" } else { "probe" })))?;
        }
    }
    // What runs now: native programs, and aarch64 glibc programs under qemu-user with the
    // cross C library. Later steps run the rest (a Debian root for aarch64 musl's loader,
    // wine for Windows).
    let runnable = match target {
        None => true,
        Some(t) => match t.runner {
            Runner::Native => true,
            Runner::Emulator(_) if t.os == Os::Windows => false,
            Runner::Emulator(_) => t.runtime_packages.is_empty() || linking == Linking::Static,
            Runner::Never => false,
        },
    };
    if !runnable {
        return Ok("built (it runs in a later step)");
    }
    let mut run = match target {
        Some(t) => t.command(&dir.join("probe")),
        None => Command::new(dir.join("probe")),
    };
    let out = capture("running the program", &mut run)?;
    if out.trim() != "probe 42" {
        return Err(format!("running the program printed {out:?}, not \"probe 42\""));
    }
    Ok("built and ran")
}

/// What a failed probe prints: the compiler, the first lines of its error, and the files it
/// reads, with their packages, the missing ones marked.
fn failure(cc: &Cc, name: &str, linking: Linking, error: &str) -> String {
    let mut text = format!("  {} ({name}, {}):\n", cc.name(), linking.name());
    for line in error.lines().filter(|l| !l.trim().is_empty()).take(6) {
        text.push_str(&format!("      {line}\n"));
    }
    let needs: &[Need] = cc.needs();
    if needs.is_empty() {
        text.push_str("    it brings its own C libraries and headers: the build tools' ziglang (target/tools)\n");
        return text;
    }
    text.push_str("    it reads:\n");
    for need in needs {
        let state = if setup::present(need.path) { "" } else { "  MISSING" };
        text.push_str(&format!("      {} (Debian package {}){state}\n", need.path, need.package));
    }
    let mut packages: Vec<&str> = needs.iter().map(|n| n.package).collect();
    packages.sort_unstable();
    packages.dedup();
    text.push_str(&format!("    its packages: apt-get install -y --no-install-recommends {}", packages.join(" ")));
    text
}
