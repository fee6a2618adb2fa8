//! `cargo xtask dist [--target TRIPLE]`: the release artefacts in `dist/`, each installable
//! without Rust, for every target of [`TARGETS`] (or the one named).
//!
//! - `sectigo-<version>-<arch>-linux-<gnu|musl>.tar.gz` for C programs and PHP panels: the
//!   shared (with a SONAME) and static library, header, relocatable pkg-config file, the
//!   `sectigo` and `sectigo-sandbox` commands, the PHP package, manual page, shell completions,
//!   licences and checksums. Linked with zig: against glibc 2.17, so it runs on old servers too,
//!   or against musl (Alpine).
//! - `sectigo-<version>-x86_64-windows.zip`: the DLL, its import library and `.def`, the
//!   commands, header, PHP package, licences and checksums (linked by Debian's mingw-w64; see
//!   `dist/windows.rs`).
//! - An abi3 wheel per target for CPython 3.9+ (manylinux2014, musllinux_1_2, win_amd64), and
//!   an sdist. auditwheel confirms the Linux tags.
//! - Every binary is checked for its file format and architecture (the ELF or PE header), its
//!   exports (`sectigo_*` only, `PyInit_*` for the wheels' modules) and what it needs of the C
//!   library: no glibc newer than 2.17, nothing but musl's libc, or only Windows' own DLLs.
//! - The Rust crate as `cargo package` makes it.
//! - `SHA256SUMS` of them all.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{capture, cargo, fresh_dir, last_line};
use crate::setup;
pub use crate::setup::compilers::Cc;
use crate::setup::compilers::{AARCH64_GCC, GCC, MINGW, MUSL_GCC};

mod windows;

/// A platform the artefacts are built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Rust's name for it.
    pub triple: &'static str,
    /// The archive's name for it (`sectigo-<version>-<name>.tar.gz`, `.zip` for Windows).
    pub name: &'static str,
    /// Its operating system, which decides the binaries' format and the archive's layout.
    pub os: Os,
    /// The architecture its binaries name: the ELF `e_machine` (62: x86-64, 183: AArch64) or
    /// the PE `Machine` (0x8664: x86-64).
    pub machine: u32,
    /// The architecture as its C library's file names say it (`libc.musl-<arch>.so.1`) and
    /// Python's `platform.machine()` does on Linux.
    pub arch: &'static str,
    /// The platform part of its wheel's file name, as maturin writes it.
    pub wheel_platform: &'static str,
    /// Its C library.
    pub libc: Libc,
    /// The `strip` that reads its object files.
    pub strip: &'static str,
    /// The C compiler that builds programs against its shared library (Debian's cross compiler
    /// when foreign, `musl-gcc` for musl, zig's for aarch64 musl, which Debian has no compiler
    /// for).
    pub cc: Cc,
    /// The C compiler that builds programs against its static library: `cc`, or zig's, whose
    /// musl comes with an unwinder (Debian's `musl-gcc` links glibc's `libgcc_eh`).
    pub static_cc: Cc,
    /// What runs its programs on this machine.
    pub runner: Runner,
    /// The Debian packages (of [`Target::debian_arch`]) its dynamically linked programs need to
    /// run here beyond the runner's: the tests unpack them into a folder with mmdebstrap and
    /// give it to qemu-user as `QEMU_LD_PREFIX`.
    pub runtime_packages: &'static [&'static str],
    /// Debian's name for its architecture.
    pub debian_arch: &'static str,
}

/// A target's operating system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// ELF binaries, a `.tar.gz` with `lib/libsectigo.so.<version>`.
    Linux,
    /// PE binaries, a `.zip` with `bin/sectigo.dll` and its import library.
    Windows,
}

/// A target's C library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Libc {
    /// glibc, [`GLIBC`] or newer: `manylinux2014` wheels.
    Gnu,
    /// musl: `musllinux_1_2` wheels; the library needs nothing but musl's libc, the commands
    /// are static.
    Musl,
    /// The operating system's own (Windows' system DLLs).
    System,
}

/// What runs a target's programs on this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    /// The machine itself.
    Native,
    /// An emulator: the program and its arguments, before the target's program (qemu-user,
    /// wine).
    Emulator(&'static [&'static str]),
}

/// Every platform `cargo xtask dist` builds, the machine's own first.
pub const TARGETS: &[Target] = &[
    Target {
        triple: "x86_64-unknown-linux-gnu",
        name: "x86_64-linux-gnu",
        os: Os::Linux,
        machine: 62,
        arch: "x86_64",
        wheel_platform: "manylinux2014_x86_64.manylinux_2_17_x86_64",
        libc: Libc::Gnu,
        strip: "strip",
        cc: GCC,
        static_cc: GCC,
        runner: Runner::Native,
        runtime_packages: &[],
        debian_arch: "amd64",
    },
    Target {
        triple: "aarch64-unknown-linux-gnu",
        name: "aarch64-linux-gnu",
        os: Os::Linux,
        machine: 183,
        arch: "aarch64",
        wheel_platform: "manylinux2014_aarch64.manylinux_2_17_aarch64",
        libc: Libc::Gnu,
        strip: "aarch64-linux-gnu-strip",
        cc: AARCH64_GCC,
        static_cc: AARCH64_GCC,
        runner: Runner::Emulator(&["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"]),
        runtime_packages: &[],
        debian_arch: "arm64",
    },
    Target {
        triple: "x86_64-unknown-linux-musl",
        name: "x86_64-linux-musl",
        os: Os::Linux,
        machine: 62,
        arch: "x86_64",
        wheel_platform: "musllinux_1_2_x86_64",
        libc: Libc::Musl,
        strip: "strip",
        cc: MUSL_GCC,
        static_cc: Cc::Zig("x86_64-linux-musl"),
        runner: Runner::Native,
        runtime_packages: &[],
        debian_arch: "amd64",
    },
    Target {
        triple: "aarch64-unknown-linux-musl",
        name: "aarch64-linux-musl",
        os: Os::Linux,
        machine: 183,
        arch: "aarch64",
        wheel_platform: "musllinux_1_2_aarch64",
        libc: Libc::Musl,
        strip: "aarch64-linux-gnu-strip",
        cc: Cc::Zig("aarch64-linux-musl"),
        static_cc: Cc::Zig("aarch64-linux-musl"),
        // The commands are static; the C suite's shared build needs musl's loader, from
        // Debian's arm64 `musl`.
        runner: Runner::Emulator(&["qemu-aarch64"]),
        runtime_packages: &["musl"],
        debian_arch: "arm64",
    },
    Target {
        triple: "x86_64-pc-windows-gnu",
        name: "x86_64-windows",
        os: Os::Windows,
        machine: 0x8664,
        arch: "x86_64",
        wheel_platform: "win_amd64",
        libc: Libc::System,
        strip: "x86_64-w64-mingw32-strip",
        cc: MINGW,
        static_cc: MINGW,
        runner: Runner::Emulator(&["wine"]),
        runtime_packages: &[],
        debian_arch: "amd64",
    },
];

impl Target {
    /// What `cargo zigbuild --target` takes: glibc targets with the glibc version.
    fn zig_target(&self) -> String {
        match self.libc {
            Libc::Gnu => format!("{}.{}.{}", self.triple, GLIBC.0, GLIBC.1),
            _ => self.triple.to_owned(),
        }
    }

    /// A command that runs `program` (built for this target) here: directly, or through the
    /// target's emulator.
    pub fn command(&self, program: &Path) -> Command {
        match self.runner {
            Runner::Emulator([first, args @ ..]) => {
                let mut command = Command::new(first);
                command.args(args).arg(program);
                command
            }
            _ => Command::new(program),
        }
    }

    /// Its programs' file names (`sectigo.exe` on Windows).
    pub fn exe(&self, name: &str) -> String {
        match self.os {
            Os::Windows => format!("{name}.exe"),
            _ => name.to_owned(),
        }
    }

    /// The archive's file name.
    pub fn archive_name(&self) -> String {
        match self.os {
            Os::Windows => format!("sectigo-{VERSION}-{}.zip", self.name),
            _ => format!("sectigo-{VERSION}-{}.tar.gz", self.name),
        }
    }
}

/// The machine's own platform: the one the test suites run natively.
pub const NATIVE: Target = TARGETS[0];
/// The oldest glibc the artefacts run on (manylinux2014).
pub const GLIBC: (u32, u32) = (2, 17);
/// Every artefact has the workspace's version.
pub use xtask::{VERSION, abi_version};

/// What `dist` made.
#[derive(Debug)]
pub struct Dist {
    pub dir: PathBuf,
    /// The archive and the wheel of the machine's own platform (when it was built).
    pub archive: PathBuf,
    pub wheel: PathBuf,
    /// Every target's archive and wheel, in [`TARGETS`] order.
    pub built: Vec<Built>,
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
            format!(
                "--target {triple}: not one of {}",
                TARGETS.iter().map(|t| t.triple).collect::<Vec<_>>().join(", ")
            )
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
    for target in targets {
        let mut build = Command::new(cargo());
        build.current_dir(root).env("PATH", setup::path_with(&tools));
        if target.os == Os::Windows {
            // Debian's mingw-w64 links it (Rust's default linker for the target), with the
            // export list rustc gives it: zig's linker would export every Rust symbol.
            println!("==> builds for {} (cargo build, mingw-w64)", target.triple);
            build.args(["build", "--release", "--locked", "--target", target.triple]);
        } else {
            println!("==> builds for {} (cargo zigbuild --target {})", target.triple, target.zig_target());
            build.args(["zigbuild", "--release", "--locked", "--target", &target.zig_target()]);
        }
        build.args(["-p", "sectigo-ffi", "-p", "sectigo-cli", "-p", "sectigo-sandbox"]);
        if target.libc == Libc::Musl {
            // A shared library on musl links the C library dynamically (the commands stay static).
            build.env("RUSTFLAGS", "-C target-feature=-crt-static");
        }
        capture("cargo build", &mut build)?;
        let archive = match target.os {
            Os::Linux => archive(root, &dir, target)?,
            Os::Windows => windows::archive(root, &dir, target)?,
        };
        let wheel = wheel(root, &tools, &dir, target)?;
        built.push(Built { target: *target, archive, wheel });
    }
    let sdist = sdist(root, &tools, &dir)?;
    let krate = crate_package(root, &dir)?;
    let mut files: Vec<&PathBuf> = built.iter().flat_map(|b| [&b.archive, &b.wheel]).collect();
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
    Ok(Dist { dir, archive, wheel, built, sdist, krate })
}

/// The file format and architecture of a binary, checked against the target's (a 64-bit
/// little-endian ELF file and its `e_machine`, or a PE32+ file and its `Machine`): a wrong or
/// foreign file is an error naming it.
fn check_machine(binary: &Path, target: &Target) -> Result<(), String> {
    let bytes = std::fs::read(binary).map_err(|e| format!("{}: {e}", binary.display()))?;
    let u16_at = |at: usize| bytes.get(at..at + 2).map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])));
    let machine = match target.os {
        Os::Linux => {
            if bytes.get(..6) != Some(b"\x7fELF\x02\x01") {
                return Err(format!("{} is not a 64-bit little-endian ELF file", binary.display()));
            }
            u16_at(18)
        }
        Os::Windows => {
            // The MZ stub points to the PE header: "PE\0\0", Machine, ..., and 20 bytes on,
            // the optional header's magic (0x20b: PE32+, a 64-bit image).
            let pe = u16_at(0x3c).zip(u16_at(0x3e)).map(|(lo, hi)| (lo | hi << 16) as usize);
            let signed = bytes.get(..2) == Some(b"MZ") && pe.and_then(|at| bytes.get(at..at + 4)) == Some(b"PE\0\0");
            match pe {
                Some(at) if signed && u16_at(at + 24) == Some(0x20b) => u16_at(at + 4),
                _ => return Err(format!("{} is not a PE32+ (64-bit Windows) file", binary.display())),
            }
        }
    }
    .unwrap_or(0);
    if machine != target.machine {
        return Err(format!("{} is for machine {machine:#x}, not {:#x} ({})", binary.display(), target.machine, target.triple));
    }
    Ok(())
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

/// The newest `GLIBC_x.y` symbol version a binary needs.
pub fn newest_glibc(binary: &Path) -> Result<(u32, u32), String> {
    let table = capture("objdump -T", Command::new("objdump").arg("-T").arg(binary))?;
    let mut newest = (0, 0);
    for word in table.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
        if let Some(v) = word.strip_prefix("GLIBC_") {
            let mut nums = v.split('.').map(|n| n.parse::<u32>().unwrap_or(0));
            let found = (nums.next().unwrap_or(0), nums.next().unwrap_or(0));
            newest = newest.max(found);
        }
    }
    Ok(newest)
}

/// Checks what a binary needs of the target's C library: no glibc newer than [`GLIBC`], or
/// nothing but musl's libc (or nothing at all: static). Says what it found.
fn check_libc(binary: &Path, target: &Target) -> Result<String, String> {
    match target.libc {
        Libc::Gnu => check_glibc(binary).map(|(a, b)| format!("glibc {a}.{b}")),
        Libc::Musl => {
            let dynamic = capture("objdump -p", Command::new("objdump").arg("-p").arg(binary))?;
            let needed: Vec<&str> =
                dynamic.lines().filter_map(|l| l.trim().strip_prefix("NEEDED")).map(str::trim).collect();
            let others: Vec<&&str> = needed.iter().filter(|n| **n != "libc.so" && !n.starts_with("libc.musl-")).collect();
            if !others.is_empty() {
                return Err(format!("{} needs more than musl's libc: {others:?}", binary.display()));
            }
            Ok(if needed.is_empty() { "nothing (static)".to_owned() } else { "musl's libc only".to_owned() })
        }
        Libc::System => windows::check_imports(binary, &[]).map(|()| "Windows' own DLLs only".to_owned()),
    }
}

/// Checks that a binary needs no glibc newer than [`GLIBC`]; returns what it needs.
fn check_glibc(binary: &Path) -> Result<(u32, u32), String> {
    let newest = newest_glibc(binary)?;
    if newest > GLIBC {
        return Err(format!(
            "{} needs glibc {}.{}, newer than {}.{}",
            binary.display(),
            newest.0,
            newest.1,
            GLIBC.0,
            GLIBC.1
        ));
    }
    Ok(newest)
}

/// The names a shared library defines for others (its dynamic symbol table, less imports).
pub fn exported_symbols(library: &Path) -> Result<Vec<String>, String> {
    let table = capture("objdump -T", Command::new("objdump").arg("-T").arg(library))?;
    Ok(table
        .lines()
        .filter(|l| {
            let first = l.split_whitespace().next().unwrap_or_default();
            first.len() >= 8 && first.bytes().all(|b| b.is_ascii_hexdigit()) && !l.contains("*UND*")
        })
        .filter_map(|l| l.split_whitespace().last().map(str::to_owned))
        .collect())
}

fn soname(library: &Path) -> Result<String, String> {
    let dynamic = capture("objdump -p", Command::new("objdump").arg("-p").arg(library))?;
    dynamic
        .lines()
        .find_map(|l| l.trim().strip_prefix("SONAME").map(|s| s.trim().to_owned()))
        .ok_or_else(|| format!("{} has no SONAME", library.display()))
}

const PC: &str = "\
# Relocatable: the paths follow wherever the archive was unpacked.
prefix=${pcfiledir}/../..
libdir=${prefix}/lib
includedir=${prefix}/include

Name: sectigo
Description: C library for Sectigo's reseller products API
Version: @VERSION@
Libs: -L${libdir} -lsectigo
Libs.private: -lpthread -ldl -lm
Cflags: -I${includedir}
";

/// Stages and packs the C and PHP archive of a target.
fn archive(root: &Path, dist: &Path, target: &Target) -> Result<PathBuf, String> {
    let built = root.join("target").join(target.triple).join("release");
    let stage = root.join("target/dist-stage").join(target.triple);
    fresh_dir(&stage)?;
    let abi = abi_version(VERSION);

    // The libraries.
    let lib = stage.join("lib");
    let real = format!("libsectigo.so.{VERSION}");
    copy(&built.join("libsectigo_ffi.so"), &lib.join(&real))?;
    let so = lib.join(&real);
    check_machine(&so, target)?;
    let name = soname(&so)?;
    if name != format!("libsectigo.so.{abi}") {
        return Err(format!("{} has SONAME {name}, not libsectigo.so.{abi}", so.display()));
    }
    std::os::unix::fs::symlink(&real, lib.join(&name)).map_err(|e| e.to_string())?;
    std::os::unix::fs::symlink(&name, lib.join("libsectigo.so")).map_err(|e| e.to_string())?;
    let strays: Vec<String> = exported_symbols(&so)?.into_iter().filter(|s| !s.starts_with("sectigo_")).collect();
    if !strays.is_empty() {
        return Err(format!("the shared library exports more than sectigo_*: {strays:?}"));
    }
    let libc = check_libc(&so, target)?;
    copy(&built.join("libsectigo_ffi.a"), &lib.join("libsectigo.a"))?;
    capture(
        &format!("{} --strip-debug libsectigo.a", target.strip),
        Command::new(target.strip).arg("--strip-debug").arg(lib.join("libsectigo.a")),
    )?;
    write(&lib.join("pkgconfig/sectigo.pc"), PC.replace("@VERSION@", VERSION).as_bytes())?;
    copy(&root.join("bindings/c/include/sectigo.h"), &stage.join("include/sectigo.h"))?;

    // The commands, their manual page and completions (from the command itself).
    for bin in ["sectigo", "sectigo-sandbox"] {
        copy(&built.join(bin), &stage.join("bin").join(bin))?;
        check_machine(&stage.join("bin").join(bin), target)?;
        check_libc(&stage.join("bin").join(bin), target)?;
    }
    // Made by the command itself, run through the target's runner (qemu-user) when foreign.
    let sectigo = stage.join("bin/sectigo");
    let output = |args: &[&str]| capture(&format!("sectigo {}", args.join(" ")), target.command(&sectigo).args(args));
    write(&stage.join("share/man/man1/sectigo.1"), output(&["manpage"])?.as_bytes())?;
    for (shell, path) in [
        ("bash", "share/bash-completion/completions/sectigo"),
        ("zsh", "share/zsh/site-functions/_sectigo"),
        ("fish", "share/fish/vendor_completions.d/sectigo.fish"),
    ] {
        write(&stage.join(path), output(&["completions", shell])?.as_bytes())?;
    }

    php_package(root, &stage)?;
    docs_and_sums(root, &stage)?;

    let archive = dist.join(target.archive_name());
    capture(
        "tar",
        Command::new("tar")
            .args(["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--format=gnu"])
            .arg(format!("--mtime=@{}", source_date(root)))
            .args(["--use-compress-program", "gzip -9n", "-cf"])
            .arg(&archive)
            .arg("-C")
            .arg(&stage)
            .arg("."),
    )?;
    println!(
        "archive {}: libsectigo.so {} bytes (stripped), ELF machine {}, SONAME {name}, exports only sectigo_*, needs {libc}",
        target.name,
        size(&so)?,
        target.machine,
    );
    Ok(archive)
}

/// The PHP package (what a panel needs: no tests) in `share/php/sectigo`, its composer.json
/// carrying the release's version (a path repository needs one; in the repository, Composer
/// takes it from the tag).
fn php_package(root: &Path, stage: &Path) -> Result<(), String> {
    let php = stage.join("share/php/sectigo");
    copy_tree(&root.join("bindings/php"), &php, &["tests", "phpunit.xml", "vendor"])?;
    let manifest = std::fs::read_to_string(php.join("composer.json")).map_err(|e| e.to_string())?;
    let versioned = manifest.replacen("\"type\": \"library\",", &format!("\"type\": \"library\",\n    \"version\": \"{VERSION}\","), 1);
    if versioned == manifest {
        return Err("bindings/php/composer.json has no \"type\": \"library\" line to put the version after".to_owned());
    }
    write(&php.join("composer.json"), versioned.as_bytes())
}

/// Licences, the README and `share/doc/sectigo/SHA256SUMS` of every other file staged.
fn docs_and_sums(root: &Path, stage: &Path) -> Result<(), String> {
    let doc = stage.join("share/doc/sectigo");
    for file in ["LICENSE-APACHE", "LICENSE-MIT", "README.md"] {
        copy(&root.join(file), &doc.join(file))?;
    }
    let files = capture(
        "listing the archive",
        Command::new("find").current_dir(stage).args([".", "-type", "f", "-printf", "%P\\n"]),
    )?;
    let mut files: Vec<&str> = files.lines().collect();
    files.sort_unstable();
    let sums = capture("sha256sum", Command::new("sha256sum").current_dir(stage).args(&files))?;
    write(&doc.join("SHA256SUMS"), sums.as_bytes())
}

/// The time stamp of every file in the archive: `SOURCE_DATE_EPOCH`, else the last commit's.
fn source_date(root: &Path) -> String {
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        return epoch;
    }
    capture("git log", Command::new("git").current_dir(root).args(["log", "-1", "--format=%ct"]))
        .map(|s| s.trim().to_owned())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "0".to_owned())
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

/// `maturin ARGS --out DIST` in the Python package's folder, with the build tools on PATH.
fn maturin(root: &Path, tools: &Path, args: &[&str], dist: &Path) -> Result<String, String> {
    capture(
        &format!("maturin {}", args[0]),
        Command::new(tools.join("maturin"))
            .current_dir(root.join("bindings/python"))
            .env("PATH", setup::path_with(tools))
            .args(args)
            .arg("--out")
            .arg(dist),
    )
}

/// A target's abi3 wheel (manylinux2014, musllinux_1_2 or win_amd64), its module checked like
/// the archive's binaries and, on Linux, its tag confirmed by auditwheel.
fn wheel(root: &Path, tools: &Path, dist: &Path, target: &Target) -> Result<PathBuf, String> {
    let mut build = vec!["build", "--release", "--locked", "--target", target.triple];
    match target.libc {
        Libc::Gnu => build.extend(["--zig", "--compatibility", "manylinux2014"]),
        Libc::Musl => build.extend(["--zig", "--compatibility", "musllinux_1_2"]),
        Libc::System => {}
    }
    println!("==> wheel for {} (maturin {})", target.triple, build.join(" "));
    maturin(root, tools, &build, dist)?;
    let wheel = only_file(dist, &format!("-{}.whl", target.wheel_platform))?;
    if target.libc == Libc::Musl {
        musl_libc_name(tools, &wheel, target)?;
    }
    check_wheel_module(&wheel, target)?;
    let tag = match target.libc {
        Libc::Gnu | Libc::Musl => auditwheel(tools, &wheel, target)?,
        // No auditwheel for Windows: the tag is maturin's, and the module was checked above.
        Libc::System => format!("{} (the module: PE32+ x86-64, python3.dll only)", target.wheel_platform),
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
        capture("patchelf --replace-needed", Command::new("patchelf").args(["--replace-needed", "libc.so", &musl]).arg(&module))?;
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
/// library it needs.
fn check_wheel_module(wheel: &Path, target: &Target) -> Result<(), String> {
    let unpacked = wheel.with_extension("unpacked");
    fresh_dir(&unpacked)?;
    capture(
        "unpacking the wheel",
        Command::new(setup::python()).args(["-m", "zipfile", "-e"]).arg(wheel).arg(&unpacked),
    )?;
    let module = only_file(&unpacked.join("sectigo"), if target.os == Os::Windows { ".pyd" } else { ".so" })?;
    check_machine(&module, target)?;
    let exported = match target.os {
        Os::Linux => exported_symbols(&module)?,
        Os::Windows => windows::exports(&module)?,
    };
    let strays: Vec<String> = exported.into_iter().filter(|s| !s.starts_with("PyInit_")).collect();
    if !strays.is_empty() {
        return Err(format!("{}: the module exports more than PyInit_*: {strays:?}", wheel.display()));
    }
    match target.os {
        Os::Linux => drop(check_libc(&module, target)?),
        // The stable ABI's python3.dll, never one version's python3X.dll.
        Os::Windows => windows::check_imports(&module, &["python3.dll"])?,
    }
    std::fs::remove_dir_all(&unpacked).map_err(|e| e.to_string())
}

fn sdist(root: &Path, tools: &Path, dist: &Path) -> Result<PathBuf, String> {
    println!("==> sdist (maturin)");
    maturin(root, tools, &["sdist"], dist)?;
    let path = dist.join(format!("sectigo-{VERSION}.tar.gz"));
    if path.exists() { Ok(path) } else { Err(format!("maturin sdist made no {}", path.display())) }
}

/// `cargo package -p sectigo` (which builds the packaged crate on its own, as crates.io would).
fn crate_package(root: &Path, dist: &Path) -> Result<PathBuf, String> {
    println!("==> crate (cargo package -p sectigo)");
    let out = capture("cargo package", Command::new(cargo()).current_dir(root).args(["package", "-p", "sectigo", "--locked", "--allow-dirty"]))?;
    println!("cargo package: {}", last_line(&out).trim());
    let name = format!("sectigo-{VERSION}.crate");
    let krate = dist.join(&name);
    copy(&root.join("target/package").join(&name), &krate)?;
    Ok(krate)
}
