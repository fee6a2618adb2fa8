//! `cargo xtask c-dist` (install the C library) and the C part of `cargo xtask test`.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn run(what: &str, cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("{what}: cannot run {:?}: {e}", cmd.get_program()))?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if out.status.success() { Ok(text) } else { Err(format!("{what} failed ({}):\n{text}", out.status)) }
}

/// Builds the C library and installs header, static and shared library and `sectigo.pc`
/// under `prefix` (`include/`, `lib/`, `lib/pkgconfig/`).
pub fn dist(root: &Path, release: bool, prefix: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut build = Command::new(&cargo);
    build.current_dir(root).args(["build", "--locked", "-p", "sectigo-ffi"]);
    if release {
        build.arg("--release");
    }
    run("building sectigo-ffi", &mut build)?;
    let target = root.join("target").join(if release { "release" } else { "debug" });
    let (include, lib) = (prefix.join("include"), prefix.join("lib"));
    let pkgconfig = lib.join("pkgconfig");
    for dir in [&include, &pkgconfig] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let copy = |from: PathBuf, to: PathBuf| {
        std::fs::copy(&from, &to).map(|_| ()).map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))
    };
    copy(root.join("bindings/c/include/sectigo.h"), include.join("sectigo.h"))?;
    copy(target.join("libsectigo_ffi.a"), lib.join("libsectigo.a"))?;
    copy(target.join("libsectigo_ffi.so"), lib.join("libsectigo.so"))?;
    let prefix_text = std::path::absolute(prefix).map_err(|e| e.to_string())?.display().to_string();
    let pc = std::fs::read_to_string(root.join("bindings/c/sectigo.pc.in"))
        .map_err(|e| e.to_string())?
        .replace("@PREFIX@", &prefix_text)
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"));
    std::fs::write(pkgconfig.join("sectigo.pc"), pc).map_err(|e| e.to_string())?;
    println!("installed the C library in {prefix_text}");
    Ok(())
}

/// A sandbox process for the C (and PHP) tests; stops when dropped.
#[derive(Debug)]
pub struct SandboxProcess {
    child: Child,
    pub env: Vec<(String, String)>,
}

impl SandboxProcess {
    pub fn start(root: &Path, work: &Path) -> Result<SandboxProcess, String> {
        let bin = root.join("target/debug/sectigo-sandbox");
        let mut child = Command::new(&bin)
            .args(["--port", "0", "--http-port", "0", "--exit-with-stdin", "--ca-out"])
            .arg(work.join("sandbox-ca.pem"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let info: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| format!("sandbox ready line {line:?}: {e}"))?;
        let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        let env = vec![
            ("SECTIGO_SANDBOX_URL".to_owned(), s(&info["https_url"])),
            ("SECTIGO_SANDBOX_HTTP_URL".to_owned(), s(&info["http_url"])),
            ("SECTIGO_SANDBOX_CA".to_owned(), s(&info["ca_file"])),
            ("SECTIGO_SANDBOX_LOGIN".to_owned(), s(&info["accounts"][0]["login_name"])),
            ("SECTIGO_SANDBOX_PASSWORD".to_owned(), s(&info["accounts"][0]["login_password"])),
            ("SECTIGO_SANDBOX_SIGNUP_PATH".to_owned(), s(&info["signup_path"])),
        ];
        Ok(SandboxProcess { child, env })
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take()); // --exit-with-stdin
        let _ = self.child.wait();
    }
}

const WARNINGS: &[&str] = &["-Wall", "-Wextra", "-Werror"];

/// Compiles the C tests against the static and the shared library (and through pkg-config),
/// compiles the header as C++, and runs everything against a sandbox, plainly and under
/// valgrind.
pub fn test(root: &Path) -> Result<(), String> {
    let work = root.join("target/c-tests");
    let dist_dir = work.join("dist");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    dist(root, false, &dist_dir)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    run("building sectigo-sandbox", Command::new(&cargo).current_dir(root).args(["build", "--locked", "-p", "sectigo-sandbox"]))?;

    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".to_owned());
    let include = dist_dir.join("include");
    let lib = dist_dir.join("lib");
    let tests = root.join("bindings/c/tests");
    let mut binaries = Vec::new();
    for name in ["test_api", "test_vectors"] {
        let src = tests.join(format!("{name}.c"));
        let common = |cmd: &mut Command| {
            cmd.arg("-std=c99").args(WARNINGS).arg("-I").arg(&include).arg("-I").arg(&tests).arg(&src);
        };
        let static_bin = work.join(format!("{name}-static"));
        let mut c = Command::new(&cc);
        common(&mut c);
        c.arg(lib.join("libsectigo.a")).args(["-lpthread", "-ldl", "-lm", "-o"]).arg(&static_bin);
        run(&format!("compiling {name} (static)"), &mut c)?;
        let shared_bin = work.join(format!("{name}-shared"));
        let mut c = Command::new(&cc);
        common(&mut c);
        c.arg("-L").arg(&lib).arg("-lsectigo").arg(format!("-Wl,-rpath,{}", lib.display())).arg("-o").arg(&shared_bin);
        run(&format!("compiling {name} (shared)"), &mut c)?;
        binaries.push((static_bin, true));
        binaries.push((shared_bin, false));
    }
    // The header as C++.
    let cxx_bin = work.join("test_cxx");
    run(
        "compiling the header as C++",
        Command::new(&cxx)
            .args(["-std=c++11"])
            .args(WARNINGS)
            .arg("-I")
            .arg(&include)
            .arg(tests.join("test_cxx.cpp"))
            .arg("-L")
            .arg(&lib)
            .arg("-lsectigo")
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .arg("-o")
            .arg(&cxx_bin),
    )?;
    binaries.push((cxx_bin, false));
    // Through pkg-config, as a user would.
    let flags = run(
        "pkg-config",
        Command::new("pkg-config").env("PKG_CONFIG_PATH", lib.join("pkgconfig")).args(["--cflags", "--libs", "sectigo"]),
    )?;
    let pc_bin = work.join("test_vectors-pkg-config");
    run(
        "compiling with pkg-config's flags",
        Command::new(&cc)
            .arg("-std=c99")
            .args(WARNINGS)
            .arg("-I")
            .arg(&tests)
            .arg(tests.join("test_vectors.c"))
            .args(flags.split_whitespace())
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .arg("-o")
            .arg(&pc_bin),
    )?;
    binaries.push((pc_bin, false));

    let sandbox = SandboxProcess::start(root, &work)?;
    for (bin, _) in &binaries {
        let out = run(&format!("running {}", bin.display()), Command::new(bin).envs(sandbox.env.iter().cloned()))?;
        println!("{}: {}", bin.file_name().unwrap_or_default().to_string_lossy(), out.lines().last().unwrap_or(""));
    }
    for (bin, _) in binaries.iter().filter(|(_, is_static)| *is_static) {
        let out = run(
            &format!("valgrind {}", bin.display()),
            Command::new("valgrind")
                .arg(format!("--suppressions={}", tests.join("valgrind.supp").display()))
                .args(["--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite"])
                .arg(bin)
                .envs(sandbox.env.iter().cloned()),
        )?;
        let summary: Vec<&str> = out
            .lines()
            .filter(|l| l.contains("ERROR SUMMARY") || l.contains("definitely lost") || l.ends_with("failed"))
            .collect();
        println!("valgrind {}: {}", bin.file_name().unwrap_or_default().to_string_lossy(), summary.join(" | "));
    }
    Ok(())
}

/// Runs the PHP tests (Debian's phpunit) against a sandbox, over the C library that
/// [`test`] installed in `target/c-tests/dist`.
pub fn php_test(root: &Path) -> Result<(), String> {
    let work = root.join("target/c-tests");
    let library = work.join("dist/lib/libsectigo.so");
    if !library.exists() {
        return Err(format!("{} is missing: the C step builds it", library.display()));
    }
    let sandbox = SandboxProcess::start(root, &work)?;
    let out = run(
        "phpunit",
        Command::new("phpunit")
            .current_dir(root.join("bindings/php"))
            .args(["-c", "phpunit.xml"])
            .env("SECTIGO_LIBRARY", &library)
            .envs(sandbox.env.iter().cloned()),
    )?;
    let tail: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).rev().take(2).collect();
    println!("{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
    Ok(())
}

/// Builds the Python wheel with pip (maturin as the build backend), installs it into a fresh
/// virtual environment, and runs stubtest, mypy --strict and pytest (warnings as errors).
pub fn python_test(root: &Path) -> Result<(), String> {
    let work = root.join("target/python");
    let venv = work.join("venv");
    let wheels = work.join("wheels");
    for dir in [&venv, &wheels] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
    }
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    run("creating a virtual environment", Command::new(&python).args(["-m", "venv"]).arg(&venv))?;
    let bin = venv.join("bin");
    let pip = |args: &[&str]| -> Result<String, String> {
        run(&format!("pip {}", args.join(" ")), Command::new(bin.join("pip")).current_dir(root).args(["--disable-pip-version-check", "-q"]).args(args))
    };
    pip(&["wheel", "--no-deps", "-w", &wheels.display().to_string(), "./bindings/python"])?;
    let wheel = std::fs::read_dir(&wheels)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or("pip built no wheel")?;
    let size = std::fs::metadata(&wheel).map_err(|e| e.to_string())?.len();
    println!("wheel {} ({size} bytes)", wheel.file_name().unwrap_or_default().to_string_lossy());
    pip(&["install", &wheel.display().to_string()])?;
    pip(&["install", "-r", "bindings/python/requirements-test.txt"])?;
    let py = bin.join("python");
    // From outside the source folder, so the installed package (with its native module) is used.
    let out = run("stubtest", Command::new(&py).current_dir(&work).args(["-m", "mypy.stubtest", "sectigo"]))?;
    println!("stubtest: {}", out.lines().last().unwrap_or(""));
    let strict = |what: &str, target: &[&std::ffi::OsStr]| {
        run(
            &format!("mypy --strict {what}"),
            Command::new(&py).current_dir(&work).args(["-m", "mypy", "--strict", "--no-incremental"]).args(target),
        )
    };
    strict("the package", &["-p".as_ref(), "sectigo".as_ref()])?;
    let quickstart = root.join("bindings/python/examples/quickstart.py");
    let out = strict("the README quick start", &[quickstart.as_os_str()])?;
    println!("mypy --strict (package and quick start): {}", out.lines().last().unwrap_or(""));
    let out = run(
        "pytest",
        Command::new(bin.join("pytest"))
            .current_dir(root.join("bindings/python"))
            .args(["-p", "no:cacheprovider", "-s", "-W", "error"])
            .env("SECTIGO_SANDBOX_BIN", root.join("target/debug/sectigo-sandbox")),
    )?;
    for line in out.lines().filter(|l| l.contains("8 threads") || l.contains(" passed")) {
        println!("{}", line.trim_matches(|c: char| c == '=' || c == ' ' || c == '.'));
    }
    Ok(())
}
