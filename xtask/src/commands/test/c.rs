//! The C suite, against the library as the release archive installs it: compiled against the
//! static and the shared library and through pkg-config, the header as C++, and run against the
//! archive's `sectigo-sandbox`, plainly and under valgrind.

use std::path::Path;
use std::process::Command;

use crate::commands::process::{SandboxProcess, capture, last_line};
use crate::commands::setup::compilers::GCC;

const WARNINGS: &[&str] = &["-Wall", "-Wextra", "-Werror"];

/// `prefix` is where the archive was unpacked; `work` a folder for the binaries.
pub fn test(root: &Path, prefix: &Path, work: &Path) -> Result<(), String> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".to_owned());
    let include = prefix.join("include");
    let lib = prefix.join("lib");
    let tests = root.join("bindings/c/tests");
    let rpath = format!("-Wl,-rpath,{}", lib.display());
    let mut binaries = Vec::new();
    for name in ["test_api", "test_vectors"] {
        let src = tests.join(format!("{name}.c"));
        let common = |cmd: &mut Command| {
            cmd.arg("-std=c99").args(WARNINGS).arg("-I").arg(&include).arg("-I").arg(&tests).arg(&src);
        };
        let static_bin = work.join(format!("{name}-static"));
        let mut c = Command::new(&cc);
        common(&mut c);
        GCC.link_static(&mut c, &lib.join("libsectigo.a"));
        c.arg("-o").arg(&static_bin);
        capture(&format!("compiling {name} (static)"), &mut c)?;
        let shared_bin = work.join(format!("{name}-shared"));
        let mut c = Command::new(&cc);
        common(&mut c);
        c.arg("-L").arg(&lib).arg("-lsectigo").arg(&rpath).arg("-o").arg(&shared_bin);
        capture(&format!("compiling {name} (shared)"), &mut c)?;
        binaries.push((static_bin, true));
        binaries.push((shared_bin, false));
    }
    // The header as C++.
    let cxx_bin = work.join("test_cxx");
    capture(
        "compiling the header as C++",
        Command::new(&cxx)
            .args(["-std=c++11"])
            .args(WARNINGS)
            .arg("-I")
            .arg(&include)
            .arg(tests.join("test_cxx.cpp"))
            .arg("-L")
            .arg(&lib)
            .arg("-lsectigo")
            .arg(&rpath)
            .arg("-o")
            .arg(&cxx_bin),
    )?;
    binaries.push((cxx_bin, false));
    // Through pkg-config, as a user would.
    let flags = capture(
        "pkg-config",
        Command::new("pkg-config")
            .env("PKG_CONFIG_PATH", lib.join("pkgconfig"))
            .args(["--cflags", "--libs", "sectigo"]),
    )?;
    let pc_bin = work.join("test_vectors-pkg-config");
    capture(
        "compiling with pkg-config's flags",
        Command::new(&cc)
            .arg("-std=c99")
            .args(WARNINGS)
            .arg("-I")
            .arg(&tests)
            .arg(tests.join("test_vectors.c"))
            .args(flags.split_whitespace())
            .arg(&rpath)
            .arg("-o")
            .arg(&pc_bin),
    )?;
    binaries.push((pc_bin, false));

    let sandbox =
        SandboxProcess::start(prefix.join("bin/sectigo-sandbox"), &["--tinyproxy", "--private-port", "0"], work)?;
    for (bin, _) in &binaries {
        let out = capture(&format!("running {}", bin.display()), Command::new(bin).envs(sandbox.env.iter().cloned()))?;
        println!("{}: {}", bin.file_name().unwrap_or_default().to_string_lossy(), last_line(&out));
    }
    let suppressions = prefix.join("share/sectigo/valgrind.supp");
    for (bin, _) in binaries.iter().filter(|(_, is_static)| *is_static) {
        let out = capture(
            &format!("valgrind {}", bin.display()),
            Command::new("valgrind")
                .arg(format!("--suppressions={}", suppressions.display()))
                .args(["--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite"])
                .arg(bin)
                .envs(sandbox.env.iter().cloned()),
        )?;
        let summary: Vec<&str> = out
            .lines()
            .filter(|l| l.contains("ERROR SUMMARY") || l.contains("definitely lost") || l.ends_with("failed"))
            .collect();
        println!("valgrind {}: {}", bin.file_name().unwrap_or_default().to_string_lossy(), summary.join(" | "));
    }
    cleanup(&cc, &include, &lib, &tests, work, &suppressions, &sandbox)?;
    let calls = sandbox.check_log(&[])?;
    println!("sandbox log: {calls} calls, passwords redacted, no canary");
    Ok(())
}

/// Frames of a value made once for the process (a `static` initialised on first use): after
/// `sectigo_global_cleanup`, every block still reachable must come from one, never from a
/// pool, a cache or a client.
const ONCE_FOR_THE_PROCESS: &[&str] = &["LazyLock", "OnceLock", "OnceCell", "Once::call"];

/// `test_cleanup.c` under valgrind with `--show-reachable=yes`: one TLS call, every handle
/// freed, `sectigo_global_cleanup()`; then nothing reachable is the library's pools, caches or
/// clients: what is left are values made once for the process, each listed.
fn cleanup(
    cc: &str,
    include: &Path,
    lib: &Path,
    tests: &Path,
    work: &Path,
    suppressions: &Path,
    sandbox: &SandboxProcess,
) -> Result<(), String> {
    let bin = work.join("test_cleanup-static");
    let mut c = Command::new(cc);
    c.arg("-std=c99").args(WARNINGS).arg("-I").arg(include).arg("-I").arg(tests).arg(tests.join("test_cleanup.c"));
    GCC.link_static(&mut c, &lib.join("libsectigo.a"));
    capture("compiling test_cleanup (static)", c.arg("-o").arg(&bin))?;
    let out = Command::new("valgrind")
        .arg(format!("--suppressions={}", suppressions.display()))
        .args(["--error-exitcode=99", "--leak-check=full", "--show-reachable=yes", "--num-callers=40"])
        .arg(&bin)
        .envs(sandbox.env.iter().cloned())
        .output()
        .map_err(|e| format!("valgrind test_cleanup: {e}"))?;
    let report = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("valgrind test_cleanup failed ({}):\n{report}", out.status));
    }
    // valgrind's lines start with "==PID== "; a loss record is a paragraph that opens with
    // "N bytes in M blocks are still reachable in loss record i of n" and lists the stack.
    let text: String = report
        .lines()
        .map(|l| if l.starts_with("==") { l.splitn(3, "==").nth(2).unwrap_or("").trim_start() } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    let mut kept = Vec::new();
    for record in text.split("\n\n").map(str::trim).filter(|r| r.contains(" in loss record ")) {
        if !ONCE_FOR_THE_PROCESS.iter().any(|f| record.contains(*f)) {
            return Err(format!(
                "after sectigo_global_cleanup a block that no static of the process holds is still reachable:\n{record}"
            ));
        }
        // The record's first line, and the frame that made the static.
        let mut lines = record.lines();
        let head = lines.next().unwrap_or_default();
        let maker =
            lines.map(str::trim).find(|l| l.contains("{{closure}}") && !l.contains(" std::")).unwrap_or_default();
        kept.push(format!("{head}; {maker}"));
    }
    let summary: Vec<&str> = report
        .lines()
        .filter(|l| l.contains("still reachable:") || l.contains("definitely lost:") || l.contains("ERROR SUMMARY"))
        .collect();
    println!("valgrind --show-reachable=yes test_cleanup: {}", summary.join(" | "));
    for line in kept {
        println!("  kept for the process: {line}");
    }
    Ok(())
}
