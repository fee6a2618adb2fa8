//! What the test and dist commands need from the machine: Debian packages (installed with
//! apt-get when we run as root, else named with the line that installs them) and Python build
//! tools (installed into a virtual environment of our own, `target/tools`). [`compilers`]
//! names what each C compiler reads and proves, in seconds, that each one builds a program.
//!
//! A need is keyed on a file, not only on a program: a cross compiler installed without the
//! package it merely recommends (the target's C library) is there, yet builds nothing.

pub mod compilers;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::commands::process::capture;

/// A file we need, and the Debian package that has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// A program looked up on PATH (a bare name), or any file by its absolute path: a header,
    /// a library, a loader, a module.
    pub path: &'static str,
    pub package: &'static str,
    pub why: &'static str,
}

/// What `cargo xtask test` runs beyond cargo, python3, [`DIST_NEEDS`] and the C compilers
/// ([`compilers::needs`]).
pub const TEST_NEEDS: &[Need] = &[
    Need { path: "pkg-config", package: "pkg-config", why: "building the README's C example" },
    Need { path: "valgrind", package: "valgrind", why: "C tests under valgrind" },
    Need { path: "php", package: "php-cli", why: "PHP tests (FFI)" },
    // Debian 12's PHP is 8.2 (extension API 20220829); FFI is one of php8.2-common's modules.
    Need { path: "/usr/lib/php/20220829/ffi.so", package: "php8.2-common", why: "PHP tests (FFI)" },
    Need { path: "phpunit", package: "phpunit", why: "PHP tests" },
    // Its php-fpm binary carries the version.
    Need { path: "php-fpm8.2", package: "php-fpm", why: "PHP under php-fpm" },
    Need { path: "apache2", package: "apache2", why: "PHP under Apache (mod_php)" },
    Need {
        path: "/usr/lib/apache2/modules/mod_mpm_prefork.so",
        package: "apache2-bin",
        why: "PHP under Apache (the prefork model mod_php needs)",
    },
    Need {
        path: "/usr/lib/apache2/modules/libphp8.2.so",
        package: "libapache2-mod-php",
        why: "PHP under Apache (mod_php)",
    },
    Need { path: "cgi-fcgi", package: "libfcgi-bin", why: "FastCGI requests to php-fpm" },
    Need { path: "composer", package: "composer", why: "the PHP package under Composer" },
    Need {
        path: "/usr/share/php/Psr/Log/LoggerInterface.php",
        package: "php-psr-log",
        why: "the PHP logger's tests (PSR-3)",
    },
    Need { path: "curl", package: "curl", why: "requests to php -S and the sandbox's admin endpoints" },
    Need { path: "tinyproxy", package: "tinyproxy", why: "calls through a real proxy (every language)" },
    Need { path: "mmdebstrap", package: "mmdebstrap", why: "Debian arm64 roots (Python, musl) for the emulated tests" },
    // mmdebstrap's apt checks the arm64 packages' signatures against Debian's keys.
    Need {
        path: "/usr/share/keyrings/debian-archive-keyring.gpg",
        package: "debian-archive-keyring",
        why: "Debian arm64 roots (the archive's signing keys)",
    },
    Need {
        path: "/lib/ld-musl-x86_64.so.1",
        package: "musl",
        why: "running the x86_64 musl C suite (musl's loader and C library)",
    },
    Need { path: "lintian", package: "lintian", why: "checking the Debian packages" },
    Need { path: "rpm", package: "rpm", why: "checking the RPM packages and installing them into empty roots" },
    Need { path: "arch-test", package: "arch-test", why: "mmdebstrap's foreign (arm64) Debian roots" },
    Need {
        path: "/usr/lib/binfmt.d/qemu-aarch64.conf",
        package: "qemu-user-static",
        why: "running arm64 programs inside a Debian root (binfmt_misc, qemu-aarch64-static)",
    },
    Need { path: "wine", package: "wine", why: "running the Windows programs" },
    Need { path: "/usr/lib/wine/wine64", package: "wine64", why: "running the Windows programs (64-bit)" },
];

/// What `cargo xtask lint` runs beyond cargo and python3 (the test command runs it too).
pub const LINT_NEEDS: &[Need] = &[
    Need { path: "php", package: "php-cli", why: "php -l on the PHP package" },
    Need { path: "phpcs", package: "php-codesniffer", why: "the PHP package's coding standard (PSR-12)" },
];

/// What `cargo xtask dist` runs beyond cargo and python3 (and, for Windows, the mingw-w64
/// compiler, which links it: [`compilers::MINGW`]).
pub const DIST_NEEDS: &[Need] = &[
    Need { path: "tar", package: "tar", why: "the release archive" },
    Need { path: "dpkg-deb", package: "dpkg", why: "the Debian packages" },
    Need { path: "rpmbuild", package: "rpm", why: "the RPM packages" },
    Need { path: "gzip", package: "gzip", why: "the release archive" },
    Need { path: "objdump", package: "binutils", why: "checking the library's exports and glibc versions" },
    Need { path: "strip", package: "binutils", why: "stripping the static library" },
    Need {
        path: "aarch64-linux-gnu-strip",
        package: "binutils-aarch64-linux-gnu",
        why: "stripping the aarch64 static library",
    },
    Need { path: "qemu-aarch64", package: "qemu-user", why: "running aarch64 programs (the manual page, the tests)" },
    Need { path: "patchelf", package: "patchelf", why: "naming musl's libc as musllinux wheels do" },
    Need {
        path: "x86_64-w64-mingw32-dlltool",
        package: "binutils-mingw-w64-x86-64",
        why: "the Windows import library, and checking the DLL's exports and imports",
    },
    Need {
        path: "/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1",
        package: "libc6-arm64-cross",
        why: "the aarch64 C library qemu-aarch64 runs programs with",
    },
];

/// Adds the standard library of each Rust target the machine lacks (`rustup target add`), or
/// stops naming the line that adds them.
pub fn rust_targets(triples: &[&str]) -> Result<(), String> {
    let installed = capture("rustup target list", Command::new("rustup").args(["target", "list", "--installed"]))
        .map_err(|e| {
            format!(
                "{e}
(the Rust targets come from rustup: rustup target add {})",
                triples.join(" ")
            )
        })?;
    let missing: Vec<&str> = triples.iter().copied().filter(|t| !installed.lines().any(|l| l.trim() == *t)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("==> adding Rust targets: rustup target add {}", missing.join(" "));
    capture("rustup target add", Command::new("rustup").arg("target").arg("add").args(&missing))?;
    Ok(())
}

/// Lets the kernel run `arch`'s programs through qemu-user (binfmt_misc), as a Debian root's
/// packages need for their scripts: mounts binfmt_misc if it is not, then registers
/// qemu-user-static's entry (`/usr/lib/binfmt.d/qemu-<arch>.conf`, whose `F` flag opens the
/// static emulator once, so it runs inside a chroot too) unless one is there. Needs root.
pub fn binfmt_qemu(arch: &str) -> Result<(), String> {
    let dir = Path::new("/proc/sys/fs/binfmt_misc");
    if std::fs::read_to_string(format!("{}/qemu-{arch}", dir.display())).is_ok_and(|s| s.starts_with("enabled")) {
        return Ok(());
    }
    if !is_root() {
        return Err(format!(
            "running {arch} programs in a Debian root needs binfmt_misc, which only root can set up: run the tests as root"
        ));
    }
    if !dir.join("register").exists() {
        capture("mounting binfmt_misc", Command::new("mount").args(["-t", "binfmt_misc", "binfmt_misc"]).arg(dir))?;
    }
    let conf = format!("/usr/lib/binfmt.d/qemu-{arch}.conf");
    let entry = std::fs::read_to_string(&conf).map_err(|e| format!("{conf} (Debian package qemu-user-static): {e}"))?;
    std::fs::write(dir.join("register"), entry.trim())
        .map_err(|e| format!("registering {conf} with binfmt_misc: {e}"))?;
    println!("==> binfmt_misc: {arch} programs run through qemu-user-static ({conf})");
    Ok(())
}

/// Whether a need's file is here: an absolute path exists (a folder or a file), a bare name is
/// an executable file on PATH or in /usr/sbin (where Debian puts php-fpm, and which a non-root
/// PATH may lack).
pub fn present(path: &str) -> bool {
    if path.starts_with('/') {
        return Path::new(path).exists();
    }
    let dirs = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&dirs).chain([PathBuf::from("/usr/sbin")]).any(|dir| {
        let executable = |m: &std::fs::Metadata| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0;
        std::fs::metadata(dir.join(path)).is_ok_and(|m| m.is_file() && executable(&m))
    })
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Makes sure every file of `needs` is there: installs the missing ones' packages with apt-get
/// when we are root, else stops, naming each and the line that installs it.
pub fn system(needs: &[Need]) -> Result<(), String> {
    let mut missing: Vec<&Need> = Vec::new();
    for need in needs.iter().filter(|n| !present(n.path)) {
        // The same file may be needed for several reasons: named once, with the first.
        if !missing.iter().any(|m| m.path == need.path) {
            missing.push(need);
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let mut packages: Vec<&str> = missing.iter().map(|n| n.package).collect();
    packages.sort_unstable();
    packages.dedup();
    let line = format!("apt-get install -y --no-install-recommends {}", packages.join(" "));
    let list: String =
        missing.iter().map(|n| format!("  {} (Debian package {}, for {})\n", n.path, n.package, n.why)).collect();
    if !is_root() || !present("apt-get") {
        return Err(format!("missing files:\n{list}install them (as root) with:\n  apt-get update && {line}"));
    }
    println!("==> installing what this machine lacks:\n{list}    {line}");
    capture("apt-get update", Command::new("apt-get").args(["update", "-qq"]))?;
    capture(
        "apt-get install",
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&packages),
    )?;
    let still: Vec<&str> = missing.iter().filter(|n| !present(n.path)).map(|n| n.path).collect();
    if still.is_empty() { Ok(()) } else { Err(format!("still missing after {line}: {}", still.join(", "))) }
}

/// The Python interpreter we build virtual environments from.
pub fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Creates a virtual environment (anew) and returns its `bin` folder.
pub fn venv(dir: &Path) -> Result<PathBuf, String> {
    crate::commands::process::fresh_dir(dir)?;
    capture("creating a virtual environment", Command::new(python()).args(["-m", "venv"]).arg(dir))
        .map_err(|e| format!("{e}\n(python3 with its venv module is needed: apt-get install python3-venv)"))?;
    Ok(dir.join("bin"))
}

/// `pip install -q ARGS` with the pip of a virtual environment's `bin`.
pub fn pip(bin: &Path, args: &[&str]) -> Result<String, String> {
    capture(
        &format!("pip install {}", args.join(" ")),
        Command::new(bin.join("pip")).args(["install", "--disable-pip-version-check", "-q"]).args(args),
    )
}

/// The build tools' virtual environment (`target/tools`, from `xtask/requirements-tools.txt`).
/// Returns its `bin` folder.
pub fn tools(root: &Path) -> Result<PathBuf, String> {
    tool_venv(root, "tools", "maturin", "build tools (maturin, ziglang, cargo-zigbuild, auditwheel)")
}

/// A virtual environment of tools, `target/NAME` from `xtask/requirements-NAME.txt`, made or
/// made anew when the requirements changed (or `program` is missing from it). Returns its
/// `bin` folder.
pub fn tool_venv(root: &Path, name: &str, program: &str, what: &str) -> Result<PathBuf, String> {
    let dir = root.join("target").join(name);
    let requirements = root.join(format!("xtask/requirements-{name}.txt"));
    let wanted = std::fs::read_to_string(&requirements).map_err(|e| format!("{}: {e}", requirements.display()))?;
    let stamp = dir.join("requirements.txt");
    let bin = dir.join("bin");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) && bin.join(program).exists() {
        return Ok(bin);
    }
    println!("==> {what} into {}", dir.display());
    let bin = venv(&dir)?;
    pip(&bin, &["-r", &requirements.display().to_string()])?;
    std::fs::write(&stamp, wanted).map_err(|e| e.to_string())?;
    Ok(bin)
}

/// `PATH` with `bin` first.
pub fn path_with(bin: &Path) -> std::ffi::OsString {
    let mut dirs = vec![bin.to_path_buf()];
    dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    std::env::join_paths(dirs).unwrap_or_default()
}
