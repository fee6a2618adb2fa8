//! What the test and dist commands need from the machine: Debian packages (installed with
//! apt-get when we run as root, else named with the line that installs them) and Python build
//! tools (installed into a virtual environment of our own, `target/tools`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::capture;

/// A program we need, and the Debian package that has it.
#[derive(Debug, Clone, Copy)]
pub struct Need {
    pub program: &'static str,
    pub package: &'static str,
    pub why: &'static str,
}

/// What `cargo xtask test` runs beyond cargo, python3 and [`DIST_NEEDS`].
pub const TEST_NEEDS: &[Need] = &[
    Need { program: "cc", package: "gcc", why: "C tests" },
    Need { program: "c++", package: "g++", why: "the header compiled as C++" },
    Need { program: "pkg-config", package: "pkg-config", why: "building the README's C example" },
    Need { program: "valgrind", package: "valgrind", why: "C tests under valgrind" },
    Need { program: "php", package: "php-cli", why: "PHP tests (FFI)" },
    Need { program: "phpunit", package: "phpunit", why: "PHP tests" },
    // Debian 12's PHP is 8.2; its php-fpm binary carries the version.
    Need { program: "php-fpm8.2", package: "php-fpm", why: "PHP under php-fpm" },
    Need { program: "apache2", package: "apache2", why: "PHP under Apache (mod_php)" },
    Need { program: "/usr/lib/apache2/modules/libphp8.2.so", package: "libapache2-mod-php", why: "PHP under Apache (mod_php)" },
    Need { program: "cgi-fcgi", package: "libfcgi-bin", why: "FastCGI requests to php-fpm" },
    Need { program: "composer", package: "composer", why: "the PHP package under Composer" },
    Need { program: "/usr/share/php/Psr/Log/LoggerInterface.php", package: "php-psr-log", why: "the PHP logger's tests (PSR-3)" },
    Need { program: "curl", package: "curl", why: "requests to php -S and the sandbox's admin endpoints" },
    Need { program: "tinyproxy", package: "tinyproxy", why: "calls through a real proxy (every language)" },
    Need { program: "aarch64-linux-gnu-gcc", package: "gcc-aarch64-linux-gnu", why: "the C suite built for aarch64" },
    Need { program: "musl-gcc", package: "musl-tools", why: "the C suite built against the musl library" },
    Need { program: "mmdebstrap", package: "mmdebstrap", why: "Debian arm64 roots (Python, musl) for the emulated tests" },
    Need { program: "wine", package: "wine", why: "running the Windows programs" },
    Need { program: "/usr/lib/wine/wine64", package: "wine64", why: "running the Windows programs (64-bit)" },
];

/// What `cargo xtask dist` runs beyond cargo and python3.
pub const DIST_NEEDS: &[Need] = &[
    Need { program: "tar", package: "tar", why: "the release archive" },
    Need { program: "gzip", package: "gzip", why: "the release archive" },
    Need { program: "objdump", package: "binutils", why: "checking the library's exports and glibc versions" },
    Need { program: "strip", package: "binutils", why: "stripping the static library" },
    Need { program: "aarch64-linux-gnu-strip", package: "binutils-aarch64-linux-gnu", why: "stripping the aarch64 static library" },
    Need { program: "qemu-aarch64", package: "qemu-user", why: "running aarch64 programs (the manual page, the tests)" },
    Need { program: "patchelf", package: "patchelf", why: "naming musl's libc as musllinux wheels do" },
    Need { program: "x86_64-w64-mingw32-gcc", package: "gcc-mingw-w64-x86-64", why: "linking the Windows build" },
    Need {
        program: "x86_64-w64-mingw32-dlltool",
        package: "binutils-mingw-w64-x86-64",
        why: "the Windows import library, and checking the DLL's exports and imports",
    },
    Need {
        program: "/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1",
        package: "libc6-arm64-cross",
        why: "the aarch64 C library qemu-aarch64 runs programs with",
    },
];

/// Adds the standard library of each Rust target the machine lacks (`rustup target add`), or
/// stops naming the line that adds them.
pub fn rust_targets(triples: &[&str]) -> Result<(), String> {
    let installed = capture("rustup target list", Command::new("rustup").args(["target", "list", "--installed"]))
        .map_err(|e| format!("{e}
(the Rust targets come from rustup: rustup target add {})", triples.join(" ")))?;
    let missing: Vec<&str> = triples.iter().copied().filter(|t| !installed.lines().any(|l| l.trim() == *t)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("==> adding Rust targets: rustup target add {}", missing.join(" "));
    capture("rustup target add", Command::new("rustup").arg("target").arg("add").args(&missing))?;
    Ok(())
}

/// On PATH, or in /usr/sbin (where Debian puts php-fpm, and which a non-root PATH may lack).
pub fn on_path(program: &str) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).chain([PathBuf::from("/usr/sbin")]).any(|dir| {
        let file = dir.join(program);
        // A program must be executable; a module named by its absolute path need only be there.
        let executable = |m: &std::fs::Metadata| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0;
        std::fs::metadata(&file).is_ok_and(|m| m.is_file() && (program.starts_with('/') || executable(&m)))
    })
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Makes sure every program of `needs` is there: installs the missing ones' packages with
/// apt-get when we are root, else stops, naming each and the line that installs it.
pub fn system(needs: &[Need]) -> Result<(), String> {
    let missing: Vec<&Need> = needs.iter().filter(|n| !on_path(n.program)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut packages: Vec<&str> = missing.iter().map(|n| n.package).collect();
    packages.sort_unstable();
    packages.dedup();
    let line = format!("apt-get install -y --no-install-recommends {}", packages.join(" "));
    let list: String =
        missing.iter().map(|n| format!("  {} (Debian package {}, for {})\n", n.program, n.package, n.why)).collect();
    if !is_root() || !on_path("apt-get") {
        return Err(format!("missing programs:\n{list}install them (as root) with:\n  apt-get update && {line}"));
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
    let still: Vec<&str> = missing.iter().filter(|n| !on_path(n.program)).map(|n| n.program).collect();
    if still.is_empty() { Ok(()) } else { Err(format!("still missing after {line}: {}", still.join(", "))) }
}

/// The Python interpreter we build virtual environments from.
pub fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Creates a virtual environment (anew) and returns its `bin` folder.
pub fn venv(dir: &Path) -> Result<PathBuf, String> {
    crate::process::fresh_dir(dir)?;
    capture(
        "creating a virtual environment",
        Command::new(python()).args(["-m", "venv"]).arg(dir),
    )
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

/// The build tools' virtual environment (`target/tools`, from `xtask/requirements-tools.txt`),
/// made or refreshed when the requirements changed. Returns its `bin` folder.
pub fn tools(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("target/tools");
    let requirements = root.join("xtask/requirements-tools.txt");
    let wanted = std::fs::read_to_string(&requirements).map_err(|e| format!("{}: {e}", requirements.display()))?;
    let stamp = dir.join("requirements.txt");
    let bin = dir.join("bin");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) && bin.join("maturin").exists() {
        return Ok(bin);
    }
    println!("==> build tools into {} (maturin, ziglang, cargo-zigbuild, auditwheel)", dir.display());
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
