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
//!   names and symbol names, no code. They are the repository's (`xtask/macos-sdk/`: libSystem,
//!   libiconv, Security and CoreFoundation, each saying how its list was made, and listing only
//!   what the binaries bind); rustc's `-lc`, `-lm` and `-lpthread` name libSystem's too, as on a
//!   Mac. Every stub is checked against the prefixes its library owns ([`macho::OWNERS`]), and
//!   so is every symbol a binary binds; libSystem's names are also checked against the stub of
//!   the whole libSystem that the build tools' `ziglang` carries, made from Apple's SDK. A link
//!   that needs a name no stub lists fails, and the error says which stub to add it to.
//! - **C code** (ring's) is compiled by zig's clang with its Darwin headers, for the target's
//!   minimum macOS (`MACOSX_DEPLOYMENT_TARGET`, which also names the wheel's tag).
//!
//! The archive has the Linux archives' layout: `lib/libsectigo.<ABI>.dylib` (install name
//! `@rpath/libsectigo.<ABI>.dylib`) with the `libsectigo.dylib` link, the static library,
//! header, pkg-config file, the commands, the PHP package (its `sectigo.ffi.h` names the
//! dylib), the manual page and completions (written by the machine's own `sectigo`, the same
//! command), licences and checksums. After the link, rustc strips each release file with the
//! toolchain's `rust-objcopy` (`strip = true`), which writes the ad-hoc signature that arm64
//! macOS requires anew; the checks read the files as they ship, every signed page included.

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
    let sdk = root.join(macho::SDK_DIR);
    fresh_dir(&sdk)?;
    let mut listed = Vec::new();
    for (path, library) in macho::STUBS {
        let from = root.join("xtask/macos-sdk").join(path);
        let text = std::fs::read_to_string(&from).map_err(|e| format!("{}: {e}", from.display()))?;
        listed.push(format!("{} {}", macho::check_stub(path, &text, library)?, macho::file_name(library)));
        if *library == macho::LIB_SYSTEM {
            check_lib_system(&text, tools)?;
        }
        copy(&from, &sdk.join(path))?;
    }
    // rustc's -lc, -lm and -lpthread name libSystem too, as on a Mac.
    let lib = sdk.join("usr/lib");
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

/// A failed macOS build's error, with the stub each undefined name goes into (its prefix's
/// owner's); any other error as it is.
pub(super) fn explain_link(error: String) -> String {
    let mut missing: Vec<String> = error
        .lines()
        .filter_map(|l| l.split_once("undefined symbol: "))
        .map(|(_, symbol)| symbol.trim().to_owned())
        .collect();
    missing.sort();
    missing.dedup();
    if missing.is_empty() {
        return error;
    }
    let stubs: Vec<String> = missing
        .iter()
        .map(|symbol| {
            let owner = macho::owner(symbol);
            let stub = macho::STUBS.iter().find(|(_, library)| *library == owner).map_or("", |(path, _)| path);
            format!("{symbol}: xtask/macos-sdk/{stub}")
        })
        .collect();
    format!(
        "{error}\nThe link needs names that the stubs do not list. Add each to its stub if that library \
         exports it on a Mac; a name with no other library's prefix is sent to libSystem's, which dist \
         checks against ziglang's stub of the whole libSystem (a C++ or Rust name is none of these):\n  {}",
        stubs.join("\n  ")
    )
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
        "archive {}: {real} {} bytes, Mach-O CPU {:#x}, macOS {}+, install name {}, exports only \
         sectigo_* ({}), loads {}, {} symbols bound by their owners' prefixes (a copy with {caught} bound to \
         libSystem is refused), {}; {}",
        target.name,
        size(&dylib)?,
        target.machine,
        checked.minimum_os,
        macho::install_name(),
        checked.exports,
        checked.loads.iter().map(|l| macho::file_name(l)).collect::<Vec<_>>().join(", "),
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
        checked.loads.iter().map(|l| macho::file_name(l)).collect::<Vec<_>>().join(", "),
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

fn macos_targets() -> Vec<Target> {
    crate::commands::targets::TARGETS.iter().filter(|t| matches!(t.os, Os::Mac(..))).copied().collect()
}

fn zig_target(target: &Target) -> Result<&'static str, String> {
    match target.cc {
        Cc::Zig(zig) => Ok(zig),
        Cc::Program { program, .. } => Err(format!("{}: its C compiler {program} is not zig's", target.triple)),
    }
}

/// Every name the repository's libSystem stub lists, for each target it lists it for, is in
/// the libSystem stub of the build tools' ziglang (made from a recent Apple SDK): a name no
/// Mac's libSystem exports would link here and fail on a Mac. That stub says what a recent
/// macOS has, not what the minimum one (10.12, 11.0) has: a name added since would pass.
fn check_lib_system(ours: &str, tools: &Path) -> Result<(), String> {
    let zig_stub = zig_lib_system(tools)?;
    let zig = std::fs::read_to_string(&zig_stub).map_err(|e| format!("{}: {e}", zig_stub.display()))?;
    let strays = unknown_names(ours, &zig)?;
    if strays.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "xtask/macos-sdk/usr/lib/libSystem.tbd lists names that {} does not have for those targets: {strays:?}",
            zig_stub.display()
        ))
    }
}

/// The names of stub `ours`, each with a target it lists it for, that stub `known` does not
/// list for that target.
fn unknown_names(ours: &str, known: &str) -> Result<Vec<String>, String> {
    let pairs = |stub: &str| -> Result<Vec<(String, &'static str)>, String> {
        Ok(macho::stub_exports(stub)?
            .into_iter()
            .flat_map(|(symbol, targets)| targets.into_iter().map(move |t| (symbol.clone(), t)))
            .collect())
    };
    let known: std::collections::HashSet<(String, &str)> =
        pairs(known).map_err(|e| format!("ziglang's libSystem stub: {e}"))?.into_iter().collect();
    Ok(pairs(ours)?
        .into_iter()
        .filter(|pair| !known.contains(pair))
        .map(|(symbol, target)| format!("{symbol} ({target})"))
        .collect())
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
    use super::{explain_link, unknown_names};

    #[test]
    fn a_name_the_whole_stub_lacks_for_its_target_is_named() {
        let whole = "targets: [ x86_64-macos, arm64e-macos ]\nexports:\n  - targets: [ x86_64-macos, arm64e-macos ]\n    \
                     symbols: [ _read ]\n  - targets: [ x86_64-macos ]\n    symbols: [ '_stat$INODE64' ]\n";
        let ours = "exports:\n  - targets: [ x86_64-macos, arm64-macos ]\n    symbols: [ _read, '_stat$INODE64' ]\n";
        assert_eq!(unknown_names(ours, whole).unwrap(), ["_stat$INODE64 (arm64-macos)"]);
        assert!(unknown_names("  - targets: [ arm64-macos ]\n    symbols: [ _read ]\n", whole).unwrap().is_empty());
    }

    #[test]
    fn a_missing_name_is_sent_to_its_owners_stub() {
        let error = "cargo build failed:\nld64.lld: error: undefined symbol: _CFURLCreate\n>>> referenced by x.o\n\
                     ld64.lld: error: undefined symbol: _getentropy\nld64.lld: error: undefined symbol: _CFURLCreate\n";
        let explained = explain_link(error.to_owned());
        assert!(explained.starts_with(error), "{explained}");
        let hints: Vec<&str> = explained.lines().filter(|l| l.starts_with("  ")).collect();
        assert_eq!(
            hints,
            [
                "  _CFURLCreate: xtask/macos-sdk/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation.tbd",
                "  _getentropy: xtask/macos-sdk/usr/lib/libSystem.tbd"
            ]
        );
        assert_eq!(explain_link("no link".to_owned()), "no link");
    }
}
