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
    for (bin, _) in binaries.iter().filter(|(_, is_static)| *is_static) {
        let out = capture(
            &format!("valgrind {}", bin.display()),
            Command::new("valgrind")
                .arg(format!("--suppressions={}", tests.join("valgrind.supp").display()))
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
    let calls = sandbox.check_log(&[])?;
    println!("sandbox log: {calls} calls, passwords redacted, no canary");
    Ok(())
}
