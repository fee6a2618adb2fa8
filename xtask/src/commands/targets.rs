//! The platforms the artefacts are built for (`cargo xtask dist`) and tested on (`cargo xtask
//! test`): one row each, with its compilers, its runner on this machine and its wheel's tag.

use std::path::Path;
use std::process::Command;

use crate::commands::setup::compilers::{AARCH64_GCC, Cc, GCC, MINGW, MUSL_GCC};
use xtask::VERSION;

/// A platform the artefacts are built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Rust's name for it.
    pub triple: &'static str,
    /// The archive's name for it (`sectigo-<version>-<name>.tar.gz`, `.zip` for Windows).
    pub name: &'static str,
    /// Its operating system, which decides the binaries' format and the archive's layout.
    pub os: Os,
    /// The architecture its binaries name: the ELF `e_machine` (62: x86-64, 183: AArch64), the
    /// PE `Machine` (0x8664: x86-64) or the Mach-O `cputype` (0x100_0007: x86-64,
    /// 0x100_000c: arm64).
    pub machine: u32,
    /// The architecture as its C library's file names say it (`libc.musl-<arch>.so.1`) and
    /// Python's `platform.machine()` does (`arm64` on a Mac).
    pub arch: &'static str,
    /// The platform part of its wheel's file name, as maturin writes it.
    pub wheel_platform: &'static str,
    /// Its C library.
    pub libc: Libc,
    /// The `strip` that reads its object files (for Mach-O, the toolchain's own `rust-objcopy`).
    pub strip: &'static str,
    /// The C compiler that builds programs against its shared library (Debian's cross compiler
    /// when foreign, `musl-gcc` for musl, zig's for aarch64 musl, which Debian has no compiler
    /// for, and for macOS, where it compiles the build's own C code: ring's).
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
    /// Debian's name for its architecture (empty for macOS).
    pub debian_arch: &'static str,
}

/// A target's operating system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// ELF binaries, a `.tar.gz` with `lib/libsectigo.so.<version>`.
    Linux,
    /// PE binaries, a `.zip` with `bin/sectigo.dll` and its import library.
    Windows,
    /// Mach-O binaries, a `.tar.gz` with `lib/libsectigo.<ABI>.dylib`, linked here against the
    /// stubs of `xtask/macos-sdk/` (`dist/macos.rs`) for the oldest macOS given, (major,
    /// minor): the binaries record it and the wheel's tag names it.
    Mac(u32, u32),
}

/// A target's C library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Libc {
    /// glibc, [`GLIBC`] or newer: `manylinux2014` wheels.
    Gnu,
    /// musl: `musllinux_1_2` wheels; the library needs nothing but musl's libc, the commands
    /// are static.
    Musl,
    /// The operating system's own (Windows' system DLLs, macOS's libSystem).
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
    /// Nothing: its programs are built and checked here, never run (macOS).
    Never,
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
    Target {
        triple: "aarch64-apple-darwin",
        name: "arm64-macos",
        // The first macOS on Apple's own chips.
        os: Os::Mac(11, 0),
        machine: 0x100_000c,
        arch: "arm64",
        wheel_platform: "macosx_11_0_arm64",
        libc: Libc::System,
        strip: "rust-objcopy",
        cc: Cc::Zig("aarch64-macos.11.0"),
        static_cc: Cc::Zig("aarch64-macos.11.0"),
        runner: Runner::Never,
        runtime_packages: &[],
        debian_arch: "",
    },
    Target {
        triple: "x86_64-apple-darwin",
        name: "x86_64-macos",
        // The oldest macOS that Rust's standard library still supports.
        os: Os::Mac(10, 12),
        machine: 0x100_0007,
        arch: "x86_64",
        wheel_platform: "macosx_10_12_x86_64",
        libc: Libc::System,
        strip: "rust-objcopy",
        cc: Cc::Zig("x86_64-macos.10.12"),
        static_cc: Cc::Zig("x86_64-macos.10.12"),
        runner: Runner::Never,
        runtime_packages: &[],
        debian_arch: "",
    },
];

impl Target {
    /// What `cargo zigbuild --target` takes: glibc targets with the glibc version.
    pub fn zig_target(&self) -> String {
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

    /// Debian's multiarch folder name for it (`/usr/lib/<triplet>/`), for a glibc target.
    pub fn debian_triplet(&self) -> String {
        format!("{}-linux-gnu", self.arch)
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
