//! The other targets' archives, run on this machine: natively (musl, whose loader Debian's
//! `musl` package brings) or under emulation (qemu-user with Debian's cross C library). The C
//! suite built for the target against the archive's static and shared library, and the
//! archive's `sectigo demo`.

use std::path::Path;
use std::process::Command;

use crate::dist::{Dist, NATIVE, StaticCc, Target};
use crate::process::{SandboxProcess, capture, fresh_dir, last_line};

/// `native_prefix` holds the machine's own archive, unpacked: its sandbox serves the emulated
/// programs (the API is the same, whatever runs the client).
pub fn test(root: &Path, dist: &Dist, native_prefix: &Path, work: &Path) -> Result<(), String> {
    let foreign: Vec<_> = dist.built.iter().filter(|b| b.target != NATIVE).collect();
    if foreign.is_empty() {
        return Ok(());
    }
    let sandbox = SandboxProcess::start(native_prefix.join("bin/sectigo-sandbox"), &["--tinyproxy", "--private-port", "0"], work)?;
    for built in foreign {
        let target = &built.target;
        let prefix = work.join(format!("prefix-{}", target.name));
        fresh_dir(&prefix)?;
        capture("unpacking the archive", Command::new("tar").arg("-xzf").arg(&built.archive).arg("-C").arg(&prefix))?;
        let lib = prefix.join("lib");
        let tests = root.join("bindings/c/tests");
        for name in ["test_api", "test_vectors"] {
            for linked in ["static", "shared"] {
                let bin = work.join(format!("{name}-{}-{linked}", target.name));
                let mut cc = match (linked, target.static_cc) {
                    ("static", StaticCc::Zig(zig_target)) => {
                        let mut zig = Command::new(crate::setup::tools(root)?.join("python"));
                        zig.args(["-m", "ziglang", "cc", "-target", zig_target]);
                        zig
                    }
                    _ => Command::new(target.cc),
                };
                cc.args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-I"])
                    .arg(prefix.join("include"))
                    .arg("-I")
                    .arg(&tests)
                    .arg(tests.join(format!("{name}.c")));
                if linked == "static" {
                    cc.arg(lib.join("libsectigo.a")).args(["-lpthread", "-ldl", "-lm"]);
                    if matches!(target.static_cc, StaticCc::Zig(_)) {
                        cc.arg("-lunwind");
                    }
                } else {
                    cc.arg("-L").arg(&lib).arg("-lsectigo").arg(format!("-Wl,-rpath,{}", lib.display()));
                }
                capture(&format!("compiling {name} for {} ({linked})", target.triple), cc.arg("-o").arg(&bin))?;
                let out = capture(
                    &format!("running {}", bin.display()),
                    target.command(&bin).envs(sandbox.env.iter().cloned()),
                )?;
                println!("{} {name} ({linked}, {}): {}", target.name, how(target), last_line(&out));
            }
        }
        let demo = capture("sectigo demo", target.command(&prefix.join("bin/sectigo")).arg("demo"))?;
        if !demo.contains("authorized") && !demo.contains("!AutoAuthorize") {
            return Err(format!("{}: sectigo demo printed:\n{demo}", target.name));
        }
        println!("{} sectigo demo ({}): {}", target.name, how(target), last_line(&demo));
    }
    let calls = sandbox.check_log(&[])?;
    println!("sandbox log of the other targets' suites: {calls} calls, passwords redacted, no canary");
    Ok(())
}

fn how(target: &Target) -> String {
    match target.runner.first() {
        None => "native".to_owned(),
        Some(runner) => format!("emulated by {runner}"),
    }
}
