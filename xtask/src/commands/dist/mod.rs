//! `cargo xtask dist [--target TRIPLE]`: the release artefacts in `dist/`, each installable
//! without Rust, for every target of the target table (`commands/targets.rs`; or the one
//! named).
//!
//! - `sectigo-<version>-<arch>-linux-<gnu|musl>.tar.gz` for C programs and PHP panels: the
//!   shared (with a SONAME) and static library, header, relocatable pkg-config file, the
//!   `sectigo` and `sectigo-sandbox` commands, the PHP package, manual page, shell completions,
//!   licences and checksums. Linked with zig: against glibc 2.17, so it runs on old servers too,
//!   or against musl (Alpine).
//! - `sectigo-<version>-x86_64-windows.zip`: the DLL, its import library and `.def`, the
//!   commands, header, PHP package, licences and checksums (linked by Debian's mingw-w64; see
//!   `windows.rs`).
//! - Debian packages for each glibc target (`libsectigo<ABI>`, `libsectigo-dev`, `sectigo`)
//!   and `php-sectigo` for all of them, from the same files (`debian.rs`).
//! - RPM packages for Enterprise Linux 7 and later, split the same way (`sectigo-libs`,
//!   `sectigo-devel`, `sectigo`, and the `noarch` `php-sectigo`; `rpm.rs`).
//! - `sectigo-<version>-<arm64|x86_64>-macos.tar.gz`: the Linux archives' layout with the
//!   dylib, linked here by LLVM's Mach-O linker against the stubs of `xtask/macos-sdk/`, checked
//!   statically and never run here (`macos.rs`, `macho.rs`).
//! - An abi3 wheel per target for CPython 3.9+ (manylinux2014, musllinux_1_2, win_amd64,
//!   macosx_11_0_arm64, macosx_10_12_x86_64), and an sdist. auditwheel confirms the Linux tags.
//! - Every binary is checked for its file format and architecture (the ELF, PE or Mach-O
//!   header), its exports (`sectigo_*` only, `PyInit_*` for the wheels' modules) and what it
//!   needs of the system: no glibc newer than 2.17, nothing but musl's libc, only Windows' own
//!   DLLs, or macOS's own libraries, each symbol bound to its owner, the minimum macOS, and the
//!   arm64 code signature.
//! - The Rust crate as `cargo package` makes it.
//! - `SHA256SUMS` of them all.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::commands::process::{capture, cargo, fresh_dir};
use crate::commands::setup;
use crate::commands::setup::compilers::Cc;
use crate::commands::targets::{Libc, NATIVE, Os, TARGETS, Target};

mod archive;
mod binaries;
pub mod debian;
pub mod macho;
mod macos;
mod packages;
pub mod rpm;
mod windows;

/// Every artefact has the workspace's version.
pub use xtask::{VERSION, abi_version};

/// The packages `dist` builds for each target: `-p` and each name.
pub(super) const PACKAGES: [&str; 6] = ["-p", "sectigo-ffi", "-p", "sectigo-cli", "-p", "sectigo-sandbox"];

/// What `dist` made.
#[derive(Debug)]
pub struct Dist {
    pub dir: PathBuf,
    /// The archive and the wheel of the machine's own platform (when it was built).
    pub archive: PathBuf,
    pub wheel: PathBuf,
    /// Every target's archive and wheel, in [`TARGETS`] order.
    pub built: Vec<Built>,
    /// The Debian packages: each glibc target's library, `-dev` and command packages, then
    /// `php-sectigo` (architecture `all`).
    pub debs: Vec<PathBuf>,
    /// The RPM packages, in the same order: each glibc target's library, `-devel` and command
    /// packages, then `php-sectigo` (`noarch`).
    pub rpms: Vec<PathBuf>,
    pub sdist: PathBuf,
    pub krate: PathBuf,
}

/// One target's artefacts.
#[derive(Debug, Clone)]
pub struct Built {
    pub target: Target,
    pub archive: PathBuf,
    pub wheel: PathBuf,
}

pub fn command(root: &Path, args: &[&str]) -> Result<(), String> {
    let targets: Vec<Target> = match args {
        [] => TARGETS.to_vec(),
        ["--target", triple] => vec![*TARGETS.iter().find(|t| t.triple == *triple).ok_or_else(|| {
            format!("--target {triple}: not one of {}", TARGETS.iter().map(|t| t.triple).collect::<Vec<_>>().join(", "))
        })?],
        _ => return Err(format!("dist takes [--target TRIPLE] (got {args:?})")),
    };
    let dist = run(root, &targets)?;
    println!("dist: everything is in {}", dist.dir.display());
    Ok(())
}

/// Builds every artefact of `targets` into `dist/`.
pub fn run(root: &Path, targets: &[Target]) -> Result<Dist, String> {
    // Windows is linked by its C compiler (mingw-w64); the others by zig, from the build tools.
    let linkers: Vec<Cc> = targets.iter().filter(|t| t.os == Os::Windows).map(|t| t.cc).collect();
    setup::system(&[setup::DIST_NEEDS, &setup::compilers::needs(&linkers)].concat())?;
    setup::rust_targets(&targets.iter().map(|t| t.triple).collect::<Vec<_>>())?;
    let tools = setup::tools(root)?;
    let dir = root.join("dist");
    fresh_dir(&dir)?;

    let mut built = Vec::new();
    let mut debs = Vec::new();
    let mut rpms = Vec::new();
    let mut php_stage = None;
    let macos_sdk =
        if targets.iter().any(|t| matches!(t.os, Os::Mac(..))) { Some(macos::sdk(root, &tools)?) } else { None };
    for target in targets {
        let mut build = Command::new(cargo());
        build.current_dir(root).env("PATH", setup::path_with(&tools));
        let mut env = Vec::new();
        if let (Os::Mac(..), Some(sdk)) = (target.os, &macos_sdk) {
            // LLVM's Mach-O linker, against the stubs (macos.rs).
            println!("==> builds for {} (cargo build, LLVM's Mach-O linker and macOS stubs)", target.triple);
            env = macos::build_env(sdk, target)?;
            build.args(["build", "--release", "--locked", "--target", target.triple]).envs(env.iter().cloned());
        } else if target.os == Os::Windows {
            // Debian's mingw-w64 links it (Rust's default linker for the target), with the
            // export list rustc gives it: zig's linker would export every Rust symbol.
            println!("==> builds for {} (cargo build, mingw-w64)", target.triple);
            build.args(["build", "--release", "--locked", "--target", target.triple]);
        } else {
            println!("==> builds for {} (cargo zigbuild --target {})", target.triple, target.zig_target());
            build.args(["zigbuild", "--release", "--locked", "--target", &target.zig_target()]);
        }
        build.args(PACKAGES);
        if target.libc == Libc::Musl {
            // A shared library on musl links the C library dynamically (the commands stay static).
            build.env("RUSTFLAGS", "-C target-feature=-crt-static");
        }
        capture("cargo build", &mut build)
            .map_err(|e| if matches!(target.os, Os::Mac(..)) { macos::explain_link(e) } else { e })?;
        let archive = match target.os {
            Os::Linux => archive::archive(root, &dir, target)?,
            Os::Windows => windows::archive(root, &dir, target)?,
            Os::Mac(..) => macos::archive(root, &dir, target, &macos::native_sectigo(root, &tools)?)?,
        };
        if target.os == Os::Linux && target.libc == Libc::Gnu {
            let stage = archive::stage_dir(root, target);
            debs.extend(debian::arch_packages(root, &dir, target, &stage)?);
            rpms.extend(rpm::arch_packages(root, &dir, target, &stage)?);
            php_stage.get_or_insert(stage);
        }
        let wheel = packages::wheel(root, &tools, &dir, target, &env)?;
        built.push(Built { target: *target, archive, wheel });
    }
    if let Some(stage) = php_stage {
        debs.push(debian::php_package(root, &dir, &stage)?);
        rpms.push(rpm::php_package(root, &dir, &stage)?);
        for package in debs.iter().chain(&rpms) {
            println!("package {}: {} bytes", package.file_name().unwrap_or_default().to_string_lossy(), size(package)?);
        }
    }
    let sdist = packages::sdist(root, &tools, &dir)?;
    let krate = packages::crate_package(root, &dir)?;
    let mut files: Vec<&PathBuf> = built.iter().flat_map(|b| [&b.archive, &b.wheel]).collect();
    files.extend(&debs);
    files.extend(&rpms);
    files.extend([&sdist, &krate]);
    let names: Vec<String> =
        files.iter().map(|p| p.file_name().unwrap_or_default().to_string_lossy().into_owned()).collect();
    let sums = capture("sha256sum", Command::new("sha256sum").current_dir(&dir).args(&names))?;
    write(&dir.join("SHA256SUMS"), sums.as_bytes())?;
    println!("dist/:");
    for name in names {
        println!("  {name}: {} bytes", size(&dir.join(&name))?);
    }
    let native = built.iter().find(|b| b.target == NATIVE).or(built.first()).ok_or("no target was built")?;
    let (archive, wheel) = (native.archive.clone(), native.wheel.clone());
    Ok(Dist { dir, archive, wheel, built, debs, rpms, sdist, krate })
}

/// A scratch file of a package builder, in `work/` under its staging folder (`stage`, from the
/// root).
fn work_file(root: &Path, stage: &str, name: &str) -> Result<PathBuf, String> {
    let dir = root.join(stage).join("work");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir.join(name))
}

fn size(path: &Path) -> Result<u64, String> {
    std::fs::metadata(path).map(|m| m.len()).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, contents: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("writing {}: {e}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::copy(from, to).map(drop).map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))
}

/// Copies a folder's files, skipping the names in `skip` at its top.
fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<(), String> {
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) || name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(&name), &[])?;
        } else {
            copy(&path, &to.join(&name))?;
        }
    }
    Ok(())
}

fn only_file(dir: &Path, suffix: &str) -> Result<PathBuf, String> {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!("expected one *{suffix} in {}, found {found:?}", dir.display())),
    }
}
