//! The packages registries take: a target's abi3 wheel and the sdist (PyPI, built by maturin,
//! each wheel's module checked and its tag confirmed by auditwheel), and the crate
//! (crates.io, as `cargo package` makes it).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::binaries::{check_libc, check_machine, check_pe_imports, exported_symbols, pe_exports};
use super::{VERSION, copy, only_file, size};
use crate::commands::process::{capture, cargo, fresh_dir, last_line};
use crate::commands::setup;
use crate::commands::targets::{GLIBC, Libc, Os, Target};

/// `maturin ARGS --out DIST` in the Python package's folder, with the build tools on PATH and
/// `env` set.
fn maturin(root: &Path, tools: &Path, args: &[&str], env: &[(String, String)], dist: &Path) -> Result<String, String> {
    capture(
        &format!("maturin {}", args[0]),
        Command::new(tools.join("maturin"))
            .current_dir(root.join("bindings/python"))
            .env("PATH", setup::path_with(tools))
            .envs(env.iter().cloned())
            .args(args)
            .arg("--out")
            .arg(dist),
    )
}

/// A target's abi3 wheel (manylinux2014, musllinux_1_2, win_amd64 or macosx), its module checked
/// like the archive's binaries and, on Linux, its tag confirmed by auditwheel. `env` is the
/// target's build environment (macOS's linker and stubs).
pub(super) fn wheel(
    root: &Path,
    tools: &Path,
    dist: &Path,
    target: &Target,
    env: &[(String, String)],
) -> Result<PathBuf, String> {
    let mut build = vec!["build", "--release", "--locked", "--target", target.triple];
    match target.libc {
        Libc::Gnu => build.extend(["--zig", "--compatibility", "manylinux2014"]),
        Libc::Musl => build.extend(["--zig", "--compatibility", "musllinux_1_2"]),
        Libc::System => {}
    }
    println!("==> wheel for {} (maturin {})", target.triple, build.join(" "));
    maturin(root, tools, &build, env, dist)?;
    let wheel = only_file(dist, &format!("-{}.whl", target.wheel_platform))?;
    if target.libc == Libc::Musl {
        musl_libc_name(tools, &wheel, target)?;
    }
    let checked = check_wheel_module(&wheel, target)?;
    let tag = match target.libc {
        Libc::Gnu | Libc::Musl => auditwheel(tools, &wheel, target)?,
        // No auditwheel for Windows or macOS: the tag is maturin's, and the module was checked.
        Libc::System => checked,
    };
    println!("wheel: {} ({} bytes); consistent with {tag}", wheel.display(), size(&wheel)?);
    Ok(wheel)
}

/// The tag auditwheel finds a Linux wheel consistent with, checked against the target's.
fn auditwheel(tools: &Path, wheel: &Path, target: &Target) -> Result<String, String> {
    let shown = capture("auditwheel show", Command::new(tools.join("auditwheel")).arg("show").arg(wheel))?;
    if target.libc == Libc::Musl {
        let tag = format!("musllinux_1_2_{}", target.arch);
        if !shown.contains(&format!("\"{tag}\"")) {
            return Err(format!("auditwheel does not find the wheel consistent with {tag}:\n{shown}"));
        }
        return Ok(format!("{tag} (auditwheel)"));
    }
    let tag = shown
        .split('"')
        .find(|w| w.starts_with("manylinux"))
        .ok_or_else(|| format!("auditwheel names no manylinux tag:\n{shown}"))?
        .to_owned();
    let glibc = tag
        .strip_prefix("manylinux_")
        .and_then(|t| t.strip_suffix(&format!("_{}", target.arch)))
        .and_then(|v| v.split_once('_'))
        .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)))
        .ok_or_else(|| format!("unexpected tag {tag}"))?;
    if glibc > GLIBC {
        return Err(format!("auditwheel: the wheel is {tag}, newer than manylinux_2_17"));
    }
    Ok(format!("{tag} (auditwheel)"))
}

/// zig links a musl module against `libc.so`, a name musl's loader takes as itself but
/// auditwheel's musllinux policy refuses: the module is made to name `libc.musl-<arch>.so.1`,
/// as modules built on Alpine do (the same library), and the wheel is packed again (`wheel
/// pack` writes its RECORD anew).
fn musl_libc_name(tools: &Path, wheel: &Path, target: &Target) -> Result<(), String> {
    let unpacked = wheel.with_extension("repack");
    fresh_dir(&unpacked)?;
    capture("wheel unpack", Command::new(tools.join("wheel")).arg("unpack").arg(wheel).arg("-d").arg(&unpacked))?;
    let root = unpacked.join(format!("sectigo-{VERSION}"));
    let module = only_file(&root.join("sectigo"), ".so")?;
    let needed = capture("patchelf --print-needed", Command::new("patchelf").arg("--print-needed").arg(&module))?;
    if needed.lines().any(|l| l.trim() == "libc.so") {
        let musl = format!("libc.musl-{}.so.1", target.arch);
        capture(
            "patchelf --replace-needed",
            Command::new("patchelf").args(["--replace-needed", "libc.so", &musl]).arg(&module),
        )?;
    }
    std::fs::remove_file(wheel).map_err(|e| e.to_string())?;
    let dir = wheel.parent().ok_or("the wheel is in no folder")?;
    capture("wheel pack", Command::new(tools.join("wheel")).arg("pack").arg(&root).arg("-d").arg(dir))?;
    if !wheel.exists() {
        return Err(format!("wheel pack made no {}", wheel.display()));
    }
    std::fs::remove_dir_all(&unpacked).map_err(|e| e.to_string())
}

/// The wheel's native module: the target's architecture, only `PyInit_*` exported, and the C
/// library it needs. Says what it found.
fn check_wheel_module(wheel: &Path, target: &Target) -> Result<String, String> {
    let unpacked = wheel.with_extension("unpacked");
    fresh_dir(&unpacked)?;
    capture(
        "unpacking the wheel",
        Command::new(setup::python()).args(["-m", "zipfile", "-e"]).arg(wheel).arg(&unpacked),
    )?;
    let module = only_file(&unpacked.join("sectigo"), if target.os == Os::Windows { ".pyd" } else { ".so" })?;
    let only_init = |exported: Vec<String>| {
        let strays: Vec<String> = exported.into_iter().filter(|s| !s.starts_with("PyInit_")).collect();
        if strays.is_empty() {
            Ok(())
        } else {
            Err(format!("{}: the module exports more than PyInit_*: {strays:?}", wheel.display()))
        }
    };
    let found = match target.os {
        Os::Mac(..) => super::macos::check_module(&module, target)?,
        // The stable ABI's python3.dll, never one version's python3X.dll.
        Os::Windows => {
            check_machine(&module, target)?;
            only_init(pe_exports(&module)?)?;
            check_pe_imports(&module, &["python3.dll"])?;
            format!("{} (the module: PE32+ x86-64, python3.dll only)", target.wheel_platform)
        }
        Os::Linux => {
            check_machine(&module, target)?;
            only_init(exported_symbols(&module)?)?;
            check_libc(&module, target)?
        }
    };
    std::fs::remove_dir_all(&unpacked).map_err(|e| e.to_string())?;
    Ok(found)
}

pub(super) fn sdist(root: &Path, tools: &Path, dist: &Path) -> Result<PathBuf, String> {
    println!("==> sdist (maturin)");
    maturin(root, tools, &["sdist"], &[], dist)?;
    let path = dist.join(format!("sectigo-{VERSION}.tar.gz"));
    if path.exists() { Ok(path) } else { Err(format!("maturin sdist made no {}", path.display())) }
}

/// `cargo package -p sectigo` (which builds the packaged crate on its own, as crates.io would).
pub(super) fn crate_package(root: &Path, dist: &Path) -> Result<PathBuf, String> {
    println!("==> crate (cargo package -p sectigo)");
    let out = capture(
        "cargo package",
        Command::new(cargo()).current_dir(root).args(["package", "-p", "sectigo", "--locked", "--allow-dirty"]),
    )?;
    println!("cargo package: {}", last_line(&out).trim());
    let name = format!("sectigo-{VERSION}.crate");
    let krate = dist.join(&name);
    copy(&root.join("target/package").join(&name), &krate)?;
    Ok(krate)
}
