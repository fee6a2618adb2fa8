//! `cargo xtask bench`: the SDK side by side with what users would use instead, in every
//! language, against one release-built sandbox on loopback. A benchmark program, not a test:
//! it prints a table of medians and ratios and writes `target/bench/report.json`; no number in
//! it fails anything.
//!
//! - Rust (`crates/sectigo-bench`): typed and name-keyed calls against bare ureq, CPU-only
//!   costs, connections per 1000 calls, 1/2/8 threads on one client, cold costs, memory over
//!   100 000 calls, and the sandbox's throughput with 1, 8 and 64 clients.
//! - C (`bindings/c/bench/bench.c`): a library call against a reused libcurl easy handle.
//! - Python (`bindings/python/bench/bench.py`): against `requests.Session` and `httpx.Client`,
//!   threads, connections, memory; `AsyncClient` with 64 calls in flight against the same calls
//!   one by one and against `httpx.AsyncClient`; `import sectigo`.
//! - PHP (`bindings/php/bench/bench.php`): against the curl extension with a reused handle,
//!   with the library loaded by `FFI::cdef` on the command line and preloaded.
//! - `cargo xtask codegen --check` time and the artefacts' sizes.
//!
//! It also draws the ratios against each peer as a bar chart, `docs/benchmarks.svg`, which the
//! benchmarks page shows.
//!
//! This module runs the programs; `table.rs` writes the table and `chart.rs` the chart, both
//! from the report alone.

mod chart;
mod table;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::{Value, json};

use crate::commands::process::{SandboxProcess, capture, cargo, fresh_dir, shown};
use crate::commands::setup::{self, Need};

/// What the bench runs beyond cargo, python3 and a C compiler.
const NEEDS: &[Need] = &[
    Need { path: "cc", package: "gcc", why: "the C benchmark" },
    Need { path: "curl-config", package: "libcurl4-openssl-dev", why: "the C benchmark's libcurl" },
    Need { path: "php", package: "php-cli", why: "the PHP benchmark" },
    Need { path: "/usr/lib/php/20220829/curl.so", package: "php-curl", why: "the PHP benchmark's curl extension" },
    Need { path: "/usr/lib/php/20220829/opcache.so", package: "php8.2-opcache", why: "the PHP benchmark, preloaded" },
];

pub fn command(root: &Path, args: &[&str]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(format!("bench takes no arguments (got {args:?})"));
    }
    setup::system(NEEDS)?;
    let work = root.join("target/bench");
    fresh_dir(&work)?;

    let started = Instant::now();
    shown("codegen --check (timed)", Command::new(cargo()).current_dir(root).args(["xtask", "codegen", "--check"]))?;
    let codegen_s = started.elapsed().as_secs_f64();
    shown(
        "release builds",
        Command::new(cargo()).current_dir(root).args([
            "build",
            "--release",
            "--locked",
            "-p",
            "sectigo-bench",
            "-p",
            "sectigo-sandbox",
            "-p",
            "sectigo-ffi",
            "-p",
            "sectigo-cli",
        ]),
    )?;
    let release = root.join("target/release");
    // The library under its SONAME, as installed.
    let lib = work.join("lib");
    fresh_dir(&lib)?;
    for name in [xtask::soname(xtask::VERSION), "libsectigo.so".to_owned()] {
        std::os::unix::fs::symlink(release.join("libsectigo_ffi.so"), lib.join(name)).map_err(|e| e.to_string())?;
    }

    // Latency is measured with the client and the sandbox on one CPU: every variant then meets
    // the same scheduling (a wake-up across CPUs of this virtual machine costs some 70 µs, and
    // which connection's server thread lands where is luck). Threads and load use every CPU.
    let sandbox = release.join("sectigo-sandbox").display().to_string();
    let pinned = SandboxProcess::start_with("taskset", &["-c", "0", &sandbox], &work, false)?;
    let free = SandboxProcess::start_with(&sandbox, &["--max-connections", "512"], &work, false)?;
    let env = |s: &SandboxProcess, phase: &str| -> Vec<(String, String)> {
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        vec![
            ("SECTIGO_BENCH_URL".into(), text(&s.info["https_url"])),
            ("SECTIGO_BENCH_ADMIN_URL".into(), text(&s.info["http_url"])),
            ("SECTIGO_BENCH_CA".into(), text(&s.info["ca_file"])),
            ("SECTIGO_BENCH_LOGIN".into(), text(&s.info["accounts"][0]["login_name"])),
            ("SECTIGO_BENCH_PASSWORD".into(), text(&s.info["accounts"][0]["login_password"])),
            ("SECTIGO_BENCH_PHASE".into(), phase.into()),
        ]
    };
    let (latency, scaling) = (env(&pinned, "latency"), env(&free, "scaling"));
    let on_cpu0 = |program: &Path| {
        let mut cmd = Command::new("taskset");
        cmd.args(["-c", "0"]).arg(program);
        cmd
    };

    println!("==> Rust");
    let rust_bin = release.join("sectigo-bench");
    let rust = merge(
        json_of("the Rust benchmark (latency)", on_cpu0(&rust_bin).envs(latency.iter().cloned()))?,
        json_of("the Rust benchmark (scaling)", Command::new(&rust_bin).envs(scaling.iter().cloned()))?,
    );

    println!("==> C");
    let c_bin = work.join("bench-c");
    capture(
        "compiling the C benchmark",
        Command::new("cc")
            .args(["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-I"])
            .arg(root.join("bindings/c/include"))
            .arg(root.join("bindings/c/bench/bench.c"))
            .arg("-L")
            .arg(&lib)
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .args(["-lsectigo", "-lcurl", "-o"])
            .arg(&c_bin),
    )?;
    // The library of this build: `cargo run` puts target/debug on the loader's path, ahead of
    // the program's RUNPATH, and a debug build of the library found there would be measured.
    let c = json_of("the C benchmark", on_cpu0(&c_bin).env("LD_LIBRARY_PATH", &lib).envs(latency.iter().cloned()))?;

    println!("==> Python (the wheel in a virtual environment of its own, with requests and httpx)");
    let wheels = work.join("wheel");
    let tools = setup::tools(root)?;
    capture(
        "maturin build --release",
        Command::new(tools.join("maturin"))
            .current_dir(root.join("bindings/python"))
            .env("PATH", setup::path_with(&tools))
            .args(["build", "--release", "--out"])
            .arg(&wheels),
    )?;
    let wheel = first_file(&wheels, ".whl")?;
    let bin = setup::venv(&work.join("venv"))?;
    setup::pip(
        &bin,
        &[
            &wheel.display().to_string(),
            "-r",
            &root.join("bindings/python/bench/requirements.txt").display().to_string(),
        ],
    )?;
    let bench_py = root.join("bindings/python/bench/bench.py");
    let python = merge(
        json_of(
            "the Python benchmark (latency)",
            on_cpu0(&bin.join("python")).arg(&bench_py).envs(latency.iter().cloned()),
        )?,
        json_of(
            "the Python benchmark (scaling)",
            Command::new(bin.join("python")).arg(&bench_py).envs(scaling.iter().cloned()),
        )?,
    );
    let import_ms = median(
        (0..10)
            .map(|_| {
                let out = Command::new(bin.join("python"))
                    .args([
                        "-c",
                        "import time; t = time.perf_counter(); import sectigo; print((time.perf_counter() - t) * 1e3)",
                    ])
                    .output();
                out.ok().and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok()).unwrap_or(f64::NAN)
            })
            .collect(),
    );

    println!("==> PHP (FFI on the command line, then preloaded)");
    let bench_php = root.join("bindings/php/bench/bench.php");
    let php_cli = json_of(
        "the PHP benchmark (FFI::cdef)",
        on_cpu0(Path::new("php"))
            .args(["-d", "ffi.enable=1"])
            .arg(&bench_php)
            .env("SECTIGO_LIBRARY", lib.join(xtask::soname(xtask::VERSION)))
            .envs(latency.iter().cloned()),
    )?;
    let php_dir = root.join("bindings/php");
    let php_preloaded = json_of(
        "the PHP benchmark (preloaded)",
        on_cpu0(Path::new("php"))
            .args(["-d", "ffi.enable=preload", "-d"])
            .arg(format!("ffi.preload={}", php_dir.join("sectigo.ffi.h").display()))
            .args(["-d", "opcache.enable_cli=1", "-d"])
            .arg(format!("opcache.preload={}", php_dir.join("preload.php").display()))
            .args(["-d", "opcache.preload_user=root"])
            .arg(&bench_php)
            .env("LD_LIBRARY_PATH", &lib)
            .envs(latency.iter().cloned()),
    )?;
    let php_load_ms = median(
        (0..10)
            .map(|_| {
                let script = format!(
                    "require '{}'; $t = hrtime(true); new Sectigo\\Client(['login_name' => 'a', 'login_password' => 'b']); echo (hrtime(true) - $t) / 1e6;",
                    php_dir.join("src/autoload.php").display()
                );
                let out = Command::new("php").args(["-d", "ffi.enable=1", "-r", &script]).env("SECTIGO_LIBRARY", lib.join(xtask::soname(xtask::VERSION))).output();
                out.ok().and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok()).unwrap_or(f64::NAN)
            })
            .collect(),
    );
    drop((pinned, free));

    let sizes = sizes(root, &release, &wheel)?;
    let report = json!({
        "machine": machine(),
        "rust": rust,
        "c": c,
        "python": python,
        "python_import_ms": import_ms,
        "php_cli": php_cli,
        "php_preloaded": php_preloaded,
        "php_ffi_load_ms": php_load_ms,
        "codegen_check_s": codegen_s,
        "sizes_bytes": sizes,
    });
    std::fs::write(work.join("report.json"), serde_json::to_string_pretty(&report).map_err(|e| e.to_string())? + "\n")
        .map_err(|e| e.to_string())?;
    println!("{}", table::table(&report));
    println!("(report: {})", work.join("report.json").display());
    let chart = root.join("docs/benchmarks.svg");
    std::fs::write(&chart, chart::svg(&report)).map_err(|e| format!("{}: {e}", chart.display()))?;
    println!("(chart of the ratios: {})", chart.display());
    Ok(())
}

/// One object with the fields of both.
fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

/// Runs a benchmark program and reads the JSON object it prints last.
fn json_of(what: &str, cmd: &mut Command) -> Result<Value, String> {
    let out = cmd.output().map_err(|e| format!("{what}: cannot run: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("{what} failed ({}):\n{stdout}{}", out.status, String::from_utf8_lossy(&out.stderr)));
    }
    let line = stdout.lines().rev().find(|l| l.starts_with('{')).ok_or(format!("{what} printed no JSON:\n{stdout}"))?;
    serde_json::from_str(line).map_err(|e| format!("{what}: {e}: {line}"))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn first_file(dir: &Path, suffix: &str) -> Result<PathBuf, String> {
    std::fs::read_dir(dir)
        .map_err(|e| format!("reading {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with(suffix))
        .ok_or(format!("no {suffix} in {}", dir.display()))
}

/// The stripped library, the CLI, the wheel.
fn sizes(root: &Path, release: &Path, wheel: &Path) -> Result<Value, String> {
    let stripped = root.join("target/bench/libsectigo-stripped.so");
    std::fs::copy(release.join("libsectigo_ffi.so"), &stripped).map_err(|e| e.to_string())?;
    capture("strip", Command::new("strip").arg(&stripped))?;
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    Ok(json!({
        "libsectigo.so (stripped)": size(&stripped),
        "sectigo (CLI)": size(&release.join("sectigo")),
        "wheel": size(wheel),
    }))
}

/// What the numbers were measured on.
fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned()))
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim().to_owned();
    let rustc =
        Command::new("rustc").arg("--version").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    json!({ "cpu": cpu, "cores": cores, "kernel": kernel, "rustc": rustc.unwrap_or_default() })
}
