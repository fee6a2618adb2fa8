//! The other targets' artefacts, run on this machine: natively (x86_64 musl, whose loader
//! Debian's `musl` package brings) or under emulation (qemu-user, with Debian's cross C library
//! or a root of the target's Debian packages made with mmdebstrap; wine for Windows).
//!
//! - Linux: the C suite, built for the target against the archive's static and shared library;
//!   the archive's `sectigo demo`; the glibc wheels in the target's own Python (Debian's, from
//!   that root): installed by its pip into a virtual environment, then the whole pytest suite.
//! - Windows: the zip's commands and the README's C example, built with mingw-w64 against the
//!   zip's import library, against the sandbox.
//! - macOS, which nothing here runs: the README's C example built by zig's C compiler for the
//!   target against the archive's dylib (with its pkg-config file's flags) and against its
//!   static library, each program checked as `dist` checks the archive's binaries.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::commands::dist::{Built, Dist, macho};
use crate::commands::process::{SandboxProcess, capture, fresh_dir, last_line};
use crate::commands::setup;
use crate::commands::setup::compilers::Linking;
use crate::commands::targets::{Libc, NATIVE, Os, Runner, Target};

/// The Debian packages a target's Python suite needs in its root.
const PYTHON_PACKAGES: &[&str] = &["python3-pip", "python3-pytest", "python3-pytest-asyncio"];

/// `native_prefix` holds the machine's own archive, unpacked: its sandbox serves the emulated
/// programs (the API is the same, whatever runs the client).
pub fn test(root: &Path, dist: &Dist, native_prefix: &Path, work: &Path) -> Result<(), String> {
    for built in dist.built.iter().filter(|b| b.target.runner == Runner::Never) {
        let prefix = work.join(format!("prefix-{}", built.target.name));
        fresh_dir(&prefix)?;
        capture("unpacking the archive", Command::new("tar").arg("-xzf").arg(&built.archive).arg("-C").arg(&prefix))?;
        macos(root, &built.target, &prefix, work)?;
    }
    let foreign: Vec<&Built> =
        dist.built.iter().filter(|b| b.target != NATIVE && b.target.runner != Runner::Never).collect();
    if foreign.is_empty() {
        return Ok(());
    }
    let roots = debian_roots(&foreign, work)?;
    let sandbox = SandboxProcess::start(
        native_prefix.join("bin/sectigo-sandbox"),
        &["--tinyproxy", "--private-port", "0"],
        work,
    )?;
    for built in foreign {
        let target = &built.target;
        let debian_root = roots.iter().find(|(arch, _)| *arch == target.debian_arch).map(|(_, dir)| dir.as_path());
        let prefix = work.join(format!("prefix-{}", target.name));
        fresh_dir(&prefix)?;
        if target.os == Os::Windows {
            capture(
                "unzipping the archive",
                Command::new(setup::python()).args(["-m", "zipfile", "-e"]).arg(&built.archive).arg(&prefix),
            )?;
            windows(root, target, &prefix, &sandbox, work)?;
            continue;
        }
        capture("unpacking the archive", Command::new("tar").arg("-xzf").arg(&built.archive).arg("-C").arg(&prefix))?;
        c_suite(root, target, &prefix, debian_root, &sandbox, work)?;
        let demo = capture("sectigo demo", target.command(&prefix.join("bin/sectigo")).arg("demo"))?;
        if !demo.contains("authorized") && !demo.contains("!AutoAuthorize") {
            return Err(format!("{}: sectigo demo printed:\n{demo}", target.name));
        }
        println!("{} sectigo demo ({}): {}", target.name, how(target), last_line(&demo));
        if let (Libc::Gnu, Some(debian_root)) = (target.libc, debian_root) {
            python_suite(root, target, &built.wheel, debian_root, native_prefix, work)?;
        }
    }
    let calls = sandbox.check_log(&[])?;
    println!("sandbox log of the other targets' suites: {calls} calls, passwords redacted, no canary");
    Ok(())
}

/// One root per foreign Debian architecture, holding what its targets need to run here: the
/// runtime packages of [`Target::runtime_packages`] and, for a glibc wheel, Python and pytest.
/// `mmdebstrap --variant=extract` only unpacks (nothing runs in the root, so no emulation is
/// needed to make it).
fn debian_roots(foreign: &[&Built], work: &Path) -> Result<Vec<(&'static str, PathBuf)>, String> {
    let mut wanted: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for built in foreign {
        let target = &built.target;
        let mut packages = target.runtime_packages.to_vec();
        if target.libc == Libc::Gnu && target.runner != Runner::Native {
            packages.extend(PYTHON_PACKAGES);
        }
        if packages.is_empty() {
            continue;
        }
        match wanted.iter_mut().find(|(arch, _)| *arch == target.debian_arch) {
            Some((_, list)) => list.extend(packages),
            None => wanted.push((target.debian_arch, packages)),
        }
    }
    let suite = debian_suite()?;
    let mut roots = Vec::new();
    for (arch, mut packages) in wanted {
        packages.sort_unstable();
        packages.dedup();
        let dir = work.join(format!("debian-{arch}"));
        fresh_dir(&dir)?;
        println!("==> a Debian {suite} {arch} root for the emulated tests: {}", packages.join(" "));
        capture(
            "mmdebstrap",
            Command::new("mmdebstrap")
                .args([
                    "--quiet",
                    "--variant=extract",
                    &format!("--arch={arch}"),
                    &format!("--include={}", packages.join(",")),
                ])
                .arg(&suite)
                .arg(&dir),
        )?;
        roots.push((arch, dir));
    }
    Ok(roots)
}

/// The machine's Debian release (its `VERSION_CODENAME`), whose packages the roots take.
pub(super) fn debian_suite() -> Result<String, String> {
    let release = std::fs::read_to_string("/etc/os-release").map_err(|e| format!("/etc/os-release: {e}"))?;
    release
        .lines()
        .find_map(|l| l.strip_prefix("VERSION_CODENAME="))
        .map(|v| v.trim_matches('"').to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            "/etc/os-release names no VERSION_CODENAME (the emulated tests take that Debian release's packages)"
                .to_owned()
        })
}

/// test_api and test_vectors, built for the target against the archive's static and its shared
/// library, run against the sandbox.
fn c_suite(
    root: &Path,
    target: &Target,
    prefix: &Path,
    debian_root: Option<&Path>,
    sandbox: &SandboxProcess,
    work: &Path,
) -> Result<(), String> {
    let lib = prefix.join("lib");
    let tests = root.join("bindings/c/tests");
    let tools = setup::tools(root)?;
    for name in ["test_api", "test_vectors"] {
        for linked in [Linking::Static, Linking::Shared] {
            let linked_name = linked.name();
            let bin = work.join(format!("{name}-{}-{linked_name}", target.name));
            let compiler = if linked == Linking::Static { target.static_cc } else { target.cc };
            let mut cc = compiler.command(&tools);
            cc.args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-I"])
                .arg(prefix.join("include"))
                .arg("-I")
                .arg(&tests)
                .arg(tests.join(format!("{name}.c")));
            match linked {
                Linking::Static => compiler.link_static(&mut cc, &lib.join("libsectigo.a")),
                Linking::Shared => compiler.link_shared(&mut cc, &lib, "sectigo", true),
            }
            capture(&format!("compiling {name} for {} ({linked_name})", target.triple), cc.arg("-o").arg(&bin))?;
            let mut run = target.command(&bin);
            run.envs(sandbox.env.iter().cloned());
            if let (Some(dir), false) = (debian_root, target.runtime_packages.is_empty()) {
                run.env("QEMU_LD_PREFIX", dir);
            }
            let out = capture(&format!("running {}", bin.display()), &mut run)?;
            println!("{} {name} ({linked_name}, {}): {}", target.name, how(target), last_line(&out));
        }
    }
    Ok(())
}

/// The target's wheel in the target's Python: Debian's, from `debian_root`, under qemu-user. Its
/// pip installs the wheel into a virtual environment (which sees the root's pytest), then the
/// whole pytest suite runs.
///
/// Python's subprocesses (`sys.executable`) must be emulated too, and this machine has no
/// binfmt_misc to do it: the environment's interpreter is entered through a script that runs
/// it under qemu-user with `argv[0]` set to the script, so `sys.executable` names the script.
fn python_suite(
    root: &Path,
    target: &Target,
    wheel: &Path,
    debian_root: &Path,
    native_prefix: &Path,
    work: &Path,
) -> Result<(), String> {
    let Runner::Emulator([qemu, ..]) = target.runner else {
        return Err(format!("{} has no emulator", target.triple));
    };
    let venv = work.join(format!("venv-{}", target.name));
    fresh_dir(&venv)?;
    capture(
        "the target's Python: a virtual environment",
        Command::new(qemu)
            .arg("-L")
            .arg(debian_root)
            .arg(debian_root.join("usr/bin/python3"))
            .args(["-m", "venv", "--without-pip", "--system-site-packages"])
            .arg(&venv),
    )?;
    let python = venv.join("bin/python-emulated");
    let script = format!(
        "#!/bin/sh\n# {}'s Python under {qemu}; sys.executable is this script.\nexec {qemu} -L '{}' -0 \"$0\" \"$(dirname \"$0\")/python\" \"$@\"\n",
        target.triple,
        debian_root.display(),
    );
    std::fs::write(&python, script).map_err(|e| format!("{}: {e}", python.display()))?;
    std::fs::set_permissions(&python, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .map_err(|e| e.to_string())?;
    capture(
        "the target's pip: the wheel",
        Command::new(&python)
            .args(["-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-index", "--only-binary", ":all:"])
            .arg(wheel),
    )?;
    let installed = capture(
        "the installed version",
        Command::new(&python)
            .current_dir(work)
            .args(["-c", "import platform, sectigo; print(sectigo.__version__, platform.machine())"]),
    )?;
    let expected = format!("{} {}", crate::commands::dist::VERSION, target.arch);
    if installed.trim() != expected {
        return Err(format!("{}: the installed wheel says {:?}, expected {expected:?}", target.name, installed.trim()));
    }
    let out = capture(
        &format!("pytest under {qemu}"),
        // -P: the installed package, not the source folder's (which has no native module).
        Command::new(&python)
            .current_dir(root.join("bindings/python"))
            .env("SECTIGO_SANDBOX_BIN", native_prefix.join("bin/sectigo-sandbox"))
            // The one test qemu-user cannot run (a thread started in a child forked from a
            // threaded process aborts the emulator) says so and is skipped, visibly (-ra).
            .env("SECTIGO_TEST_EMULATOR", qemu)
            .args(["-P", "-m", "pytest", "-p", "no:cacheprovider", "-q", "-ra", "-W", "error"]),
    )?;
    let skipped: Vec<&str> = out.lines().filter(|l| l.starts_with("SKIPPED")).collect();
    if skipped.len() > 1 {
        return Err(format!(
            "{}: more tests than the emulator's one were skipped:\n{}",
            target.name,
            skipped.join("\n")
        ));
    }
    for line in skipped {
        println!("{line}");
    }
    println!(
        "{} wheel in Debian's {} Python ({}): {}",
        target.name,
        target.debian_arch,
        how(target),
        last_line(&out).trim_matches(|c: char| c == '=' || c == ' ')
    );
    Ok(())
}

/// The Windows zip under wine: both commands' `--version`, `sectigo demo`, and the README's C
/// example (`bindings/c/examples/order.c`), built with mingw-w64 against the zip's header and
/// import library, finding `sectigo.dll` on the program path (`WINEPATH`), against the sandbox.
fn windows(root: &Path, target: &Target, prefix: &Path, sandbox: &SandboxProcess, work: &Path) -> Result<(), String> {
    let tools = setup::tools(root)?;
    let wine_prefix = work.join("wine");
    fresh_dir(&wine_prefix)?;
    let wine = |program: &Path| {
        let mut command = target.command(program);
        command.env("WINEPREFIX", &wine_prefix).env("WINEDEBUG", "-all");
        command
    };
    capture("wineboot --init", wine(Path::new("wineboot")).arg("--init"))?;
    // Wine 8 has no bcryptprimitives.dll (Windows 10 has): a stand-in, in the wine prefix only.
    let shim = work.join("bcryptprimitives.c");
    std::fs::write(&shim, include_str!("bcryptprimitives.c")).map_err(|e| e.to_string())?;
    capture(
        "compiling the bcryptprimitives.dll stand-in",
        target
            .cc
            .command(&tools)
            .args(["-O2", "-shared", "-o"])
            .arg(wine_prefix.join("drive_c/windows/system32/bcryptprimitives.dll"))
            .arg(&shim)
            .arg("-ladvapi32"),
    )?;
    let bin = prefix.join("bin");
    for name in ["sectigo", "sectigo-sandbox"] {
        let out = capture(&format!("{name}.exe --version"), wine(&bin.join(target.exe(name))).arg("--version"))?;
        if out.trim() != format!("{name} {}", crate::commands::dist::VERSION) {
            return Err(format!("{name}.exe --version printed {out:?}"));
        }
    }
    let demo = capture("sectigo.exe demo", wine(&bin.join(target.exe("sectigo"))).arg("demo"))?;
    if !demo.contains("!AutoAuthorize") {
        return Err(format!("{}: sectigo demo printed:\n{demo}", target.name));
    }
    println!("{} sectigo.exe demo ({}): {}", target.name, how(target), last_line(&demo));

    let example = work.join("order.exe");
    let mut cc = target.cc.command(&tools);
    cc.args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(prefix.join("include"))
        .arg(root.join("bindings/c/examples/order.c"));
    target.cc.link_shared(&mut cc, &prefix.join("lib"), "sectigo", false);
    capture("compiling the README's C example with mingw-w64", cc.arg("-o").arg(&example))?;
    let out = capture(
        "the README's C example under wine",
        wine(&example)
            // Wine's PATH, where Windows finds a program's DLLs (Z: is the Unix root).
            .env("WINEPATH", format!("Z:{}", bin.display().to_string().replace('/', "\\")))
            .envs(sandbox.user_env()),
    )?;
    let version = format!("libsectigo {}", crate::commands::dist::VERSION);
    super::release::expect(&out, &[&version, "placed order", "authorized order"], "the C example under wine")?;
    println!(
        "{} C example (mingw-w64, sectigo.dll, {}): {}",
        target.name,
        how(target),
        out.lines().collect::<Vec<_>>().join(" | ")
    );
    Ok(())
}

/// A macOS archive, never run here: the README's C example compiled by zig's C compiler for
/// the target, linked with the archive's pkg-config flags against the dylib and, with
/// `--static`, against the static library (the frameworks found among the macOS stubs, dead
/// code stripped, as a Mac's linker would find the rest in the SDK), each program checked: the
/// target's CPU and minimum macOS, only macOS's libraries and the archive's dylib loaded, each
/// symbol bound to its owner, and on arm64 its signature.
fn macos(root: &Path, target: &Target, prefix: &Path, work: &Path) -> Result<(), String> {
    let tools = setup::tools(root)?;
    let pkg_config = |args: &[&str]| {
        capture(
            &format!("pkg-config {} sectigo", args.join(" ")),
            Command::new("pkg-config").env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig")).args(args).arg("sectigo"),
        )
    };
    let shared = pkg_config(&["--cflags", "--libs"])?;
    // The static library in place of -lsectigo, with the archive's Libs.private; the stubs'
    // frameworks and libraries stand for the SDK.
    let library = prefix.join("lib/libsectigo.a").display().to_string();
    let static_flags = pkg_config(&["--static", "--cflags", "--libs"])?.replace("-lsectigo", &library);
    let example = root.join("bindings/c/examples/order.c");
    let sdk = root.join(macho::SDK_DIR);
    let mut found = Vec::new();
    for (linking, kind) in [(Linking::Shared, macho::Kind::Linked), (Linking::Static, macho::Kind::LinkedStatic)] {
        let program = work.join(format!("order-{}-{}", target.name, linking.name()));
        let mut cc = target.cc.command(&tools);
        cc.args(["-std=c99", "-Wall", "-Wextra", "-Werror"]).arg(&example);
        match linking {
            Linking::Shared => drop(cc.args(shared.split_whitespace())),
            Linking::Static => drop(
                cc.args(static_flags.split_whitespace())
                    .arg("-Wl,-dead_strip")
                    .arg("-F")
                    .arg(sdk.join("System/Library/Frameworks"))
                    .arg("-L")
                    .arg(sdk.join("usr/lib")),
            ),
        }
        capture(
            &format!("the README's C example for {} ({})", target.name, linking.name()),
            cc.arg("-o").arg(&program),
        )?;
        let checked = macho::check(&program, kind, target)?;
        found.push(format!(
            "{}: macOS {}+, loads {}, {} symbols bound to their owners{}",
            linking.name(),
            checked.minimum_os,
            checked.loads.iter().map(|l| macho::file_name(l)).collect::<Vec<_>>().join(", "),
            checked.bound,
            if checked.signed_pages > 0 { format!(", signed ({} pages)", checked.signed_pages) } else { String::new() }
        ));
    }
    println!("{} C example (zig's cc, built and checked, never run here): {}", target.name, found.join("; "));
    Ok(())
}

fn how(target: &Target) -> String {
    match target.runner {
        Runner::Native => "native".to_owned(),
        Runner::Emulator([runner, ..]) => format!("emulated by {runner}"),
        Runner::Emulator([]) => "emulated".to_owned(),
        Runner::Never => "never run".to_owned(),
    }
}
