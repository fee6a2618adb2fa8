//! The macOS targets (x86_64, arm64), built here without a Mac or Apple's SDK, and checked
//! statically (`macho.rs`): no Mac runs them here.
//!
//! - **The linker** is LLVM's Mach-O linker, which comes with the Rust toolchain
//!   (`lib/rustlib/<host>/bin/gcc-ld/ld64.lld`), behind a wrapper whose name ends in `-ld`: rustc
//!   then calls it as a bare ld64-style linker and passes it `-arch`, `-platform_version`,
//!   `-syslibroot` (from `SDKROOT`) and the list of symbols to export, which it honours (zig's
//!   Mach-O linker ignores that list). The wrapper unwraps the `-Wl,a,b` arguments a C compiler
//!   driver would unwrap: maturin passes the module's install name so.
//! - **The SDK folder** (`target/macos-sdk`, given as `SDKROOT`) holds text stubs only: install
//!   names and symbol names, no code. Security's, CoreFoundation's and libiconv's are in the
//!   repository (`xtask/macos-sdk/`, each saying how its list was made); libSystem's is the one
//!   the build tools' `ziglang` carries, with the targets LLD does not know dropped; rustc's
//!   `-lc`, `-lm` and `-lpthread` name it too, as on a Mac. Every stub is checked against the
//!   prefixes its library owns ([`macho::OWNERS`]), and so is every symbol a binary binds.
//! - **C code** (ring's) is compiled by zig's clang with its Darwin headers, for the target's
//!   minimum macOS (`MACOSX_DEPLOYMENT_TARGET`, which also names the wheel's tag).
//!
//! The archive has the Linux archives' layout: `lib/libsectigo.<ABI>.dylib` (install name
//! `@rpath/libsectigo.<ABI>.dylib`) with the `libsectigo.dylib` link, the static library,
//! header, pkg-config file, the commands, the PHP package (its `sectigo.ffi.h` names the
//! dylib), the manual page and completions (written by the machine's own `sectigo`, the same
//! command), licences and checksums. Nothing edits a binary after the link: the linker's ad-hoc
//! signature, which arm64 macOS requires, covers every page.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::archive::{docs_and_sums, manual_and_completions, php_package, pkg_config_with, stage_dir, tar_gz};
use super::macho::{self, Kind};
use super::{VERSION, copy, size, write};
use crate::commands::process::{capture, cargo, fresh_dir};
use crate::commands::setup;
use crate::commands::setup::compilers::Cc;
use crate::commands::targets::{NATIVE, Os, Target};
use xtask::{dylib_name, soname};

/// The stubs of the repository, from the SDK folder's root, with the library each stands for.
const STUBS: &[(&str, &str)] = &[
    ("System/Library/Frameworks/Security.framework/Security.tbd", macho::SECURITY),
    ("System/Library/Frameworks/CoreFoundation.framework/CoreFoundation.tbd", macho::CORE_FOUNDATION),
    ("usr/lib/libiconv.tbd", macho::LIB_ICONV),
];

/// The linker wrapper: `-Wl,a,b` becomes `a b`, the rest is passed as it is.
const LINKER: &str = r#"#!/bin/sh
# LLVM's Mach-O linker for rustc, made by `cargo xtask dist` (xtask/src/commands/dist/macos.rs).
set -f
for arg; do
    shift
    case $arg in
        -Wl,*) IFS=,; set -- "$@" ${arg#-Wl,}; unset IFS ;;
        *) set -- "$@" "$arg" ;;
    esac
done
exec @LLD@ "$@"
"#;

/// The C compiler wrapper: the build's C code compiled by zig's clang for the target, without
/// the Apple spellings of the target that cc-rs adds (zig's `-target` says it all). zig answers
/// `--version` by compiling an empty file to `a.o` in the current folder (ring's source, for
/// cc-rs): that is done in a scratch folder.
const COMPILER: &str = r#"#!/bin/sh
# zig's C compiler for @TARGET@, made by `cargo xtask dist` (xtask/src/commands/dist/macos.rs).
set -f
if [ "$*" = --version ]; then cd @SCRATCH@ || exit; fi
skip=
for arg; do
    shift
    if [ -n "$skip" ]; then skip=; continue; fi
    case $arg in
        -arch) skip=1 ;;
        --target=*|-mmacosx-version-min=*) ;;
        *) set -- "$@" "$arg" ;;
    esac
done
exec @ZIG@ cc -target @TARGET@ "$@"
"#;

/// The archiver wrapper (zig's `ar`, which writes Mach-O archives' symbol tables).
const ARCHIVER: &str = "#!/bin/sh\n# zig's archiver, made by `cargo xtask dist` (xtask/src/commands/dist/macos.rs).\nexec @ZIG@ ar \"$@\"\n";

/// The SDK folder and the wrappers, made anew in `target/macos-sdk`. Returns its path.
pub(super) fn sdk(root: &Path, tools: &Path) -> Result<PathBuf, String> {
    let sdk = root.join("target/macos-sdk");
    fresh_dir(&sdk)?;
    let mut listed = Vec::new();
    for (path, library) in STUBS {
        let from = root.join("xtask/macos-sdk").join(path);
        let text = std::fs::read_to_string(&from).map_err(|e| format!("{}: {e}", from.display()))?;
        listed.push(format!("{} {}", macho::check_stub(path, &text, library)?, short(library)));
        copy(&from, &sdk.join(path))?;
    }

    // libSystem's stub, from zig's.
    let zig_stub = zig_lib_system(tools)?;
    let text = std::fs::read_to_string(&zig_stub).map_err(|e| format!("{}: {e}", zig_stub.display()))?;
    let text = lld_targets(&text);
    listed.push(format!("{} libSystem", macho::check_stub("libSystem.tbd", &text, macho::LIB_SYSTEM)?));
    let lib = sdk.join("usr/lib");
    write(&lib.join("libSystem.tbd"), text.as_bytes())?;
    for name in ["libc.tbd", "libm.tbd", "libpthread.tbd"] {
        std::os::unix::fs::symlink("libSystem.tbd", lib.join(name)).map_err(|e| e.to_string())?;
    }

    // The wrappers.
    let lld = toolchain_bin("gcc-ld/ld64.lld")?;
    let zig = tools.join("python-zig");
    let bin = sdk.join("bin");
    executable(&bin.join("sectigo-ld"), &LINKER.replace("@LLD@", &quoted(&lld)))?;
    executable(&bin.join("zig-ar"), &ARCHIVER.replace("@ZIG@", &quoted(&zig)))?;
    let scratch = sdk.join("scratch");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    for target in macos_targets() {
        let script = COMPILER
            .replace("@ZIG@", &quoted(&zig))
            .replace("@SCRATCH@", &quoted(&scratch))
            .replace("@TARGET@", zig_target(&target)?);
        executable(&bin.join(format!("zig-cc-{}", target.triple)), &script)?;
    }
    println!("macOS SDK stubs in {}: {}", sdk.display(), listed.join(", "));
    Ok(sdk)
}

/// The environment of a build for a macOS target: the linker, the SDK folder, the minimum
/// macOS, and the C compiler and archiver of the build's C code.
pub(super) fn build_env(sdk: &Path, target: &Target) -> Result<Vec<(String, String)>, String> {
    let Os::Mac(major, minor) = target.os else {
        return Err(format!("{} is not a macOS target", target.triple));
    };
    let bin = sdk.join("bin");
    let under = target.triple.replace('-', "_");
    Ok(vec![
        (format!("CARGO_TARGET_{}_LINKER", under.to_uppercase()), bin.join("sectigo-ld").display().to_string()),
        ("SDKROOT".to_owned(), sdk.display().to_string()),
        ("MACOSX_DEPLOYMENT_TARGET".to_owned(), format!("{major}.{minor}")),
        (format!("CC_{under}"), bin.join(format!("zig-cc-{}", target.triple)).display().to_string()),
        (format!("AR_{under}"), bin.join("zig-ar").display().to_string()),
    ])
}

/// Stages, checks and packs a macOS target's archive. `native_sectigo` is the machine's own
/// `sectigo`, which writes the manual page and completions.
pub(super) fn archive(root: &Path, dist: &Path, target: &Target, native_sectigo: &Path) -> Result<PathBuf, String> {
    let built = root.join("target").join(target.triple).join("release");
    let stage = stage_dir(root, target);
    fresh_dir(&stage)?;
    let lib = stage.join("lib");
    let real = dylib_name(VERSION);
    let dylib = lib.join(&real);
    copy(&built.join("libsectigo_ffi.dylib"), &dylib)?;
    let checked = macho::check(&dylib, Kind::Library, target)?;
    let caught = macho::check_catches_a_wrong_stub(&dylib, &checked.loads)?;
    std::os::unix::fs::symlink(&real, lib.join("libsectigo.dylib")).map_err(|e| e.to_string())?;
    copy(&built.join("libsectigo_ffi.a"), &lib.join("libsectigo.a"))?;
    let objcopy = toolchain_bin(target.strip)?;
    capture(
        "rust-objcopy --strip-debug libsectigo.a",
        Command::new(&objcopy).arg("--strip-debug").arg(lib.join("libsectigo.a")),
    )?;
    // A program linked with -lsectigo finds the library by its install name (@rpath/...): the
    // rpath entry points at the archive's lib. A static link needs the frameworks.
    let pc = pkg_config_with(
        "${pcfiledir}/../..",
        "${prefix}/lib",
        "-L${libdir} -Wl,-rpath,${libdir} -lsectigo",
        "-framework Security -framework CoreFoundation -liconv",
    );
    let pc = format!("# Relocatable: the paths follow wherever the archive was unpacked.\n{pc}");
    write(&lib.join("pkgconfig/sectigo.pc"), pc.as_bytes())?;
    copy(&root.join("bindings/c/include/sectigo.h"), &stage.join("include/sectigo.h"))?;

    let mut commands = Vec::new();
    for bin in ["sectigo", "sectigo-sandbox"] {
        let path = stage.join("bin").join(bin);
        copy(&built.join(bin), &path)?;
        let c = macho::check(&path, Kind::Executable, target)?;
        commands.push(format!("{bin} {} bytes, binds {}", size(&path)?, c.bound));
    }
    manual_and_completions(&stage, || Command::new(native_sectigo))?;
    php_package(root, &stage)?;
    // PHP's ffi.preload loads the library FFI_LIB names: here, the dylib.
    let header = stage.join("share/php/sectigo/sectigo.ffi.h");
    let text = std::fs::read_to_string(&header).map_err(|e| format!("{}: {e}", header.display()))?;
    let linux = format!("#define FFI_LIB \"{}\"", soname(VERSION));
    if !text.contains(&linux) {
        return Err(format!("{} has no line {linux}", header.display()));
    }
    write(&header, text.replacen(&linux, &format!("#define FFI_LIB \"{real}\""), 1).as_bytes())?;
    docs_and_sums(root, &stage)?;

    let archive = dist.join(target.archive_name());
    tar_gz(root, &stage, &archive)?;
    println!(
        "archive {}: {real} {} bytes, Mach-O CPU {:#x}, macOS {}+, install name @rpath/{real}, exports only \
         sectigo_* ({}), loads {}, {} symbols bound by their owners' prefixes (a copy with {caught} bound to \
         libSystem is refused), {}; {}",
        target.name,
        size(&dylib)?,
        target.machine,
        checked.minimum_os,
        checked.exports,
        checked.loads.iter().map(|l| short(l)).collect::<Vec<_>>().join(", "),
        checked.bound,
        signature(&checked),
        commands.join("; "),
    );
    Ok(archive)
}

/// Checks the module of a macOS wheel; says what it found.
pub(super) fn check_module(module: &Path, target: &Target) -> Result<String, String> {
    let Os::Mac(major, minor) = target.os else {
        return Err(format!("{} is not a macOS target", target.triple));
    };
    let tag = format!("macosx_{major}_{minor}_{}", target.arch);
    if target.wheel_platform != tag {
        return Err(format!("{}: its wheel tag {} is not {tag}", target.triple, target.wheel_platform));
    }
    let checked = macho::check(module, Kind::Module, target)?;
    Ok(format!(
        "{tag} (the module: Mach-O CPU {:#x}, macOS {}+, exports only PyInit_* ({}), Python's symbols looked up \
         at load time, loads {}, {})",
        target.machine,
        checked.minimum_os,
        checked.exports,
        checked.loads.iter().map(|l| short(l)).collect::<Vec<_>>().join(", "),
        signature(&checked)
    ))
}

/// The machine's own `sectigo`, built for it as `dist` builds it (at once when `dist` has just
/// built the machine's own target).
pub(super) fn native_sectigo(root: &Path, tools: &Path) -> Result<PathBuf, String> {
    capture(
        "cargo zigbuild -p sectigo-cli",
        Command::new(cargo()).current_dir(root).env("PATH", setup::path_with(tools)).args([
            "zigbuild",
            "--release",
            "--locked",
            "--target",
            &NATIVE.zig_target(),
            "-p",
            "sectigo-cli",
        ]),
    )?;
    Ok(root.join("target").join(NATIVE.triple).join("release/sectigo"))
}

fn signature(checked: &macho::Checked) -> String {
    match checked.signed_pages {
        0 => "no signature (x86_64 needs none)".to_owned(),
        pages => format!("ad-hoc signature, {pages} page hashes right"),
    }
}

/// A library's file name (`Security`, `libSystem.B.dylib`).
fn short(library: &str) -> &str {
    library.rsplit('/').next().unwrap_or(library)
}

fn macos_targets() -> Vec<Target> {
    crate::commands::targets::TARGETS.iter().filter(|t| matches!(t.os, Os::Mac(..))).copied().collect()
}

fn zig_target(target: &Target) -> Result<&'static str, String> {
    match target.cc {
        Cc::Zig(zig) => Ok(zig),
        Cc::Program { program, .. } => Err(format!("{}: its C compiler {program} is not zig's", target.triple)),
    }
}

/// The stub of libSystem in the build tools' ziglang.
fn zig_lib_system(tools: &Path) -> Result<PathBuf, String> {
    let lib = tools.parent().ok_or("the build tools are in no folder")?.join("lib");
    let found = std::fs::read_dir(&lib)
        .map_err(|e| format!("{}: {e}", lib.display()))?
        .filter_map(|e| e.ok().map(|e| e.path().join("site-packages/ziglang/lib/libc/darwin/libSystem.tbd")))
        .find(|p| p.is_file());
    found.ok_or_else(|| format!("no ziglang/lib/libc/darwin/libSystem.tbd under {}", lib.display()))
}

/// zig's libSystem stub with the targets LLD does not take: it names the `arm64e` (pointer
/// authentication) slices, of which `arm64e.x1` is unknown to LLD, and Mac Catalyst. Each
/// `targets:` list keeps its `macos` entries, `arm64e` becoming `arm64` (the same symbols).
fn lld_targets(stub: &str) -> String {
    let mut out = String::with_capacity(stub.len());
    let mut rest = stub;
    while let Some(at) = rest.find("targets:") {
        let (before, after) = rest.split_at(at + "targets:".len());
        out.push_str(before);
        let Some((list, tail)) = after.trim_start().strip_prefix('[').and_then(|l| l.split_once(']')) else {
            rest = after;
            continue;
        };
        let mut kept: Vec<&str> = Vec::new();
        for entry in list.split(',').map(str::trim) {
            let entry = match entry {
                "arm64e-macos" => "arm64-macos",
                e if e.ends_with("-macos") && !e.contains('.') => e,
                _ => continue,
            };
            if !kept.contains(&entry) {
                kept.push(entry);
            }
        }
        out.push_str(&format!(" [ {} ]", kept.join(", ")));
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// A file of the Rust toolchain's own tools (`lib/rustlib/<host>/bin/`).
fn toolchain_bin(name: &str) -> Result<PathBuf, String> {
    let sysroot = capture("rustc --print sysroot", Command::new("rustc").args(["--print", "sysroot"]))?;
    let path = Path::new(sysroot.trim()).join("lib/rustlib").join(NATIVE.triple).join("bin").join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!("{} is missing: the Rust toolchain brings it for {}", path.display(), NATIVE.triple))
    }
}

fn quoted(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

fn executable(path: &Path, script: &str) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    write(path, script.as_bytes())?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::lld_targets;

    #[test]
    fn lld_targets_keeps_the_macos_slices_once() {
        let stub = "targets:         [ x86_64-macos, x86_64-maccatalyst, arm64e-macos, arm64e-maccatalyst, \n    \
                    arm64e.x1-macos, arm64-macos ]\ninstall-name: x\n  - targets: [ arm64e.x1-macos ]\n";
        assert_eq!(lld_targets(stub), "targets: [ x86_64-macos, arm64-macos ]\ninstall-name: x\n  - targets: [  ]\n");
    }
}
