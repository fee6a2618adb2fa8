//! The C compilers the test and dist commands build with, each with the files it reads beyond
//! its program: headers, start files, C libraries, the compiler's own runtime. A cross compiler
//! whose target C library is missing still runs, and falls back to the host's headers
//! (`bits/wordsize.h: No such file or directory`), so each of these is a [`Need`] of its own.
//!
//! The paths are Debian 12's (its GCC is 12). zig's compiler brings its own C libraries and
//! headers (glibc stubs, musl, libunwind) in the `ziglang` wheel of the build tools, and reads
//! nothing of Debian's.

use std::path::Path;
use std::process::Command;

use super::Need;

/// A C compiler that builds programs for a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cc {
    /// A program on PATH (`cc`, Debian's cross compilers, `musl-gcc`), and every file it reads,
    /// the program first.
    Program { program: &'static str, needs: &'static [Need] },
    /// `zig cc -target TARGET` from the build tools' virtual environment, with `-lunwind` when
    /// linking a static library.
    Zig(&'static str),
}

/// The machine's GCC, against glibc.
pub const GCC: Cc = Cc::Program {
    program: "cc",
    needs: &[
        Need { path: "cc", package: "gcc", why: "C programs for x86_64 glibc" },
        Need { path: "/usr/include/stdio.h", package: "libc6-dev", why: "glibc's headers" },
        Need { path: "/usr/lib/x86_64-linux-gnu/crt1.o", package: "libc6-dev", why: "glibc's start files" },
        Need { path: "/usr/lib/x86_64-linux-gnu/libc.so", package: "libc6-dev", why: "linking against glibc" },
        Need { path: "/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a", package: "libgcc-12-dev", why: "GCC's runtime" },
    ],
};

/// The machine's G++: the header compiled as C++.
pub const CXX: Cc = Cc::Program {
    program: "c++",
    needs: &[
        Need { path: "c++", package: "g++", why: "the header compiled as C++" },
        Need { path: "/usr/include/c++/12/cstdio", package: "libstdc++-12-dev", why: "the C++ library's headers" },
        Need { path: "/usr/include/stdio.h", package: "libc6-dev", why: "glibc's headers" },
    ],
};

/// Debian's cross compiler for aarch64 glibc. Its package only recommends the target's C
/// library, so `--no-install-recommends` leaves it without headers unless they are named.
pub const AARCH64_GCC: Cc = Cc::Program {
    program: "aarch64-linux-gnu-gcc",
    needs: &[
        Need { path: "aarch64-linux-gnu-gcc", package: "gcc-aarch64-linux-gnu", why: "C programs for aarch64 glibc" },
        Need {
            path: "/usr/aarch64-linux-gnu/include/stdio.h",
            package: "libc6-dev-arm64-cross",
            why: "the aarch64 glibc's headers",
        },
        Need {
            path: "/usr/aarch64-linux-gnu/lib/crt1.o",
            package: "libc6-dev-arm64-cross",
            why: "the aarch64 glibc's start files",
        },
        Need {
            path: "/usr/aarch64-linux-gnu/lib/libc.so",
            package: "libc6-dev-arm64-cross",
            why: "linking against the aarch64 glibc",
        },
        Need {
            path: "/usr/lib/gcc-cross/aarch64-linux-gnu/12/libgcc.a",
            package: "libgcc-12-dev-arm64-cross",
            why: "GCC's runtime for aarch64",
        },
        Need {
            path: "/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1",
            package: "libc6-arm64-cross",
            why: "the aarch64 glibc that qemu-aarch64 runs programs with",
        },
    ],
};

/// Debian's wrapper that points the machine's GCC at musl. It links GCC's (glibc) runtime, so
/// it builds against musl's shared library only; zig's compiler links the static one.
pub const MUSL_GCC: Cc = Cc::Program {
    program: "musl-gcc",
    needs: &[
        Need { path: "musl-gcc", package: "musl-tools", why: "C programs for x86_64 musl" },
        Need { path: "gcc", package: "gcc", why: "the compiler musl-gcc runs" },
        Need { path: "/usr/lib/x86_64-linux-musl/musl-gcc.specs", package: "musl-dev", why: "musl-gcc's settings" },
        Need { path: "/usr/include/x86_64-linux-musl/stdio.h", package: "musl-dev", why: "musl's headers" },
        Need { path: "/usr/lib/x86_64-linux-musl/crt1.o", package: "musl-dev", why: "musl's start files" },
        Need { path: "/lib/ld-musl-x86_64.so.1", package: "musl", why: "musl's loader, which runs the programs" },
    ],
};

/// Debian's mingw-w64 for 64-bit Windows: it links the Windows build (Rust's default linker
/// for the target) and the C example against the zip's import library.
pub const MINGW: Cc = Cc::Program {
    program: "x86_64-w64-mingw32-gcc",
    needs: &[
        Need { path: "x86_64-w64-mingw32-gcc", package: "gcc-mingw-w64-x86-64", why: "linking for 64-bit Windows" },
        Need {
            path: "/usr/x86_64-w64-mingw32/include/stdio.h",
            package: "mingw-w64-x86-64-dev",
            why: "the Windows C runtime's headers",
        },
        Need { path: "/usr/x86_64-w64-mingw32/lib/crt2.o", package: "mingw-w64-x86-64-dev", why: "the start files" },
        Need {
            path: "/usr/x86_64-w64-mingw32/lib/libkernel32.a",
            package: "mingw-w64-x86-64-dev",
            why: "Windows' import libraries",
        },
    ],
};

/// How a program is linked against a library of ours, as the C suites do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linking {
    /// The static library, with the system libraries it needs.
    Static,
    /// The shared library by `-L` and `-l` (with a run path where the format has one).
    Shared,
}

impl Linking {
    pub fn name(self) -> &'static str {
        match self {
            Linking::Static => "static",
            Linking::Shared => "shared",
        }
    }
}

impl Cc {
    /// Its name in messages.
    pub fn name(&self) -> String {
        match self {
            Cc::Program { program, .. } => (*program).to_owned(),
            Cc::Zig(target) => format!("zig cc -target {target}"),
        }
    }

    /// The files it reads, with their packages (none for zig's, which brings its own).
    pub fn needs(&self) -> &'static [Need] {
        match self {
            Cc::Program { needs, .. } => needs,
            Cc::Zig(_) => &[],
        }
    }

    /// A command that runs it; `tools` is the build tools' `bin` folder (zig's Python).
    pub fn command(&self, tools: &Path) -> Command {
        match self {
            Cc::Program { program, .. } => Command::new(program),
            Cc::Zig(target) => {
                let mut zig = Command::new(tools.join("python"));
                // Without zig's UBSan runtime, which needs a newer musl than Debian's.
                zig.args(["-m", "ziglang", "cc", "-target", target, "-fno-sanitize=undefined"]);
                zig
            }
        }
    }

    /// Adds the static library `archive` and the system libraries it needs (for zig's musl,
    /// its unwinder too).
    pub fn link_static(&self, command: &mut Command, archive: &Path) {
        command.arg(archive).args(["-lpthread", "-ldl", "-lm"]);
        if matches!(self, Cc::Zig(_)) {
            command.arg("-lunwind");
        }
    }

    /// Adds the shared library `lib<name>` of `dir`, found again there at run time when
    /// `run_path` (ELF's RUNPATH; a Windows program finds its DLLs on its PATH).
    pub fn link_shared(&self, command: &mut Command, dir: &Path, name: &str, run_path: bool) {
        command.arg("-L").arg(dir).arg(format!("-l{name}"));
        if run_path {
            command.arg(format!("-Wl,-rpath,{}", dir.display()));
        }
    }
}

/// The needs of every compiler of `ccs` ([`super::system`] names a file needed twice once).
pub fn needs(ccs: &[Cc]) -> Vec<Need> {
    ccs.iter().flat_map(|cc| cc.needs()).copied().collect()
}
