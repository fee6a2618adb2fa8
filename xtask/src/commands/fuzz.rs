//! `cargo xtask fuzz [--seconds N] [TARGET...]`: coverage-guided fuzzing of the parsers on the
//! stable toolchain.
//!
//! The targets (`fuzz/fuzz_targets/`) are built with libFuzzer's coverage instrumentation
//! (LLVM's sancov passes, which stable rustc runs; no sanitizer) and run one after the other
//! for N seconds each (default 60), each on its corpus in `target/fuzz/corpus/TARGET` plus seeds
//! written here from the test vectors. A panic, an input slower than 10 s (a hang) or memory
//! past 512 MiB (a leak, say) fails the run and leaves the input in `target/fuzz/artifacts/TARGET/`;
//! replay it with `target/fuzz/build/HOST-TRIPLE/release/TARGET FILE`. The report (inputs run per target,
//! coverage, failures) is printed and written to `target/fuzz/report.json`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::commands::process::{cargo, fresh_dir, shown};

/// Every target, in the order they run.
pub const TARGETS: &[&str] = &["decode", "prepare", "ffi", "sandbox_request", "import_doc"];

/// libFuzzer's coverage instrumentation, as stable rustc takes it.
const RUSTFLAGS: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    --cfg fuzzing";

/// What one target's run did.
#[derive(Debug, serde::Serialize)]
pub struct Report {
    pub target: String,
    pub seconds: u64,
    /// Inputs run.
    pub runs: u64,
    /// Code edges covered at the end.
    pub coverage: u64,
    pub corpus: u64,
    pub peak_rss_mb: u64,
    /// The inputs kept for failures: `crash-*` (a panic), `timeout-*` (a hang), `oom-*`; empty
    /// when clean.
    pub failures: Vec<String>,
}

pub fn command(root: &Path, args: &[&str]) -> Result<(), String> {
    let mut seconds = 60;
    let mut targets = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .filter(|s| *s > 0)
                    .ok_or("--seconds takes a positive whole number")?;
            }
            t if TARGETS.contains(&t) => targets.push(t),
            other => {
                return Err(format!("fuzz: unknown argument {other:?} (--seconds N, targets: {})", TARGETS.join(", ")));
            }
        }
    }
    if targets.is_empty() {
        targets = TARGETS.to_vec();
    }
    let reports = run(root, &targets, seconds, None)?;
    let failed: Vec<&Report> = reports.iter().filter(|r| !r.failures.is_empty()).collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzz: {} target(s) failed; inputs kept in target/fuzz/artifacts/", failed.len()))
    }
}

/// Builds the targets, writes the seeds, runs each target for `seconds` (with libFuzzer's
/// random `seed` when given: the same seed and corpus give the same inputs, so a test run
/// does not turn red by luck); prints and saves the report. An `Err` is a failure to build or
/// run, not a finding (see [`Report::failures`]).
pub fn run(root: &Path, targets: &[&str], seconds: u64, seed: Option<u64>) -> Result<Vec<Report>, String> {
    let dir = root.join("target/fuzz");
    let build = dir.join("build");
    // With an explicit target, RUSTFLAGS reach the targets' code but not build scripts, which
    // must not be instrumented (nothing links libFuzzer into them).
    let host = host_triple()?;
    shown(
        "fuzz targets (libFuzzer, coverage-instrumented)",
        Command::new(cargo())
            .current_dir(root.join("fuzz"))
            .env("CARGO_TARGET_DIR", &build)
            .env("RUSTFLAGS", RUSTFLAGS)
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .args(["build", "--release", "--locked", "--bins", "--target", &host]),
    )?;
    let bin = build.join(&host).join("release");
    write_seeds(root, &dir.join("seeds"))?;
    let mut reports = Vec::new();
    for target in targets {
        let corpus = dir.join("corpus").join(target);
        let artifacts = dir.join("artifacts").join(target);
        std::fs::create_dir_all(&corpus).map_err(|e| format!("creating {}: {e}", corpus.display()))?;
        fresh_dir(&artifacts)?;
        println!("==> fuzz {target} for {seconds} s");
        let out = Command::new(bin.join(target))
            .arg(format!("-max_total_time={seconds}"))
            .args(["-timeout=10", "-rss_limit_mb=512", "-print_final_stats=1", "-max_len=8192"])
            .args(seed.map(|s| format!("-seed={s}")))
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .arg(&corpus)
            .arg(dir.join("seeds").join(target))
            .output()
            .map_err(|e| format!("cannot run the fuzz target {target}: {e}"))?;
        let log = String::from_utf8_lossy(&out.stderr);
        let report = read_report(target, seconds, &log, &artifacts)?;
        if !report.failures.is_empty() {
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!(
                "fuzz {target} FAILED ({}):\n{}",
                out.status,
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        } else if !out.status.success() {
            return Err(format!("fuzz {target}: libFuzzer stopped ({}) with no finding:\n{log}", out.status));
        }
        reports.push(report);
    }
    print_table(&reports);
    let json = serde_json::to_string_pretty(&reports).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("report.json"), json + "\n").map_err(|e| format!("writing the fuzz report: {e}"))?;
    Ok(reports)
}

/// The triple rustc builds for by default.
fn host_triple() -> Result<String, String> {
    let out = Command::new("rustc").arg("-vV").output().map_err(|e| format!("cannot run rustc -vV: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| "rustc -vV names no host".to_owned())
}

/// The numbers libFuzzer printed, and the inputs it kept for failures.
fn read_report(target: &str, seconds: u64, log: &str, artifacts: &Path) -> Result<Report, String> {
    let stat = |name: &str| {
        log.lines()
            .find_map(|l| l.strip_prefix(&format!("stat::{name}:")))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    // The last status line: "#123456 DONE cov: 789 ft: 1011 corp: 120/4Kb ...".
    let last = log.lines().rev().find(|l| l.starts_with('#') && l.contains("cov: ")).unwrap_or("");
    let after = |key: &str| {
        last.split(key).nth(1).and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next()).and_then(|n| n.parse().ok())
    };
    let mut failures: Vec<String> = std::fs::read_dir(artifacts)
        .map_err(|e| format!("reading {}: {e}", artifacts.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.path().display().to_string())
        .collect();
    failures.sort();
    Ok(Report {
        target: target.to_owned(),
        seconds,
        runs: stat("number_of_executed_units"),
        coverage: after("cov: ").unwrap_or(0),
        corpus: after("corp: ").unwrap_or(0),
        peak_rss_mb: stat("peak_rss_mb"),
        failures,
    })
}

fn print_table(reports: &[Report]) {
    println!("| target | seconds | inputs run | inputs/s | coverage (edges) | corpus | peak RSS | panics, hangs |");
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    for r in reports {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} MB | {} |",
            r.target,
            r.seconds,
            r.runs,
            r.runs / r.seconds.max(1),
            r.coverage,
            r.corpus,
            r.peak_rss_mb,
            if r.failures.is_empty() { "0".to_owned() } else { r.failures.join(", ") }
        );
    }
}

/// Seeds in the shapes the targets read (see `fuzz/src/lib.rs`): every answer and request of
/// the test vectors, and HTTP requests for the sandbox built from the request vectors.
fn write_seeds(root: &Path, seeds: &Path) -> Result<(), String> {
    let path = root.join("tests/vectors/generated/vectors.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let vectors: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let folder = |target: &str| -> Result<PathBuf, String> {
        let dir = seeds.join(target);
        fresh_dir(&dir)?;
        Ok(dir)
    };
    let write = |dir: &Path, name: &str, bytes: &[u8]| {
        std::fs::write(dir.join(name), bytes).map_err(|e| format!("writing a seed {name}: {e}"))
    };
    let query = |params: &serde_json::Value| {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for pair in params.as_array().into_iter().flatten() {
            out.append_pair(pair[0].as_str().unwrap_or_default(), pair[1].as_str().unwrap_or_default());
        }
        out.finish()
    };
    let decode = folder("decode")?;
    for v in vectors["responses"].as_array().into_iter().flatten() {
        let seed = format!(
            "{} {} {}\n{}\n{}",
            v["endpoint"].as_str().unwrap_or_default(),
            v["status"].as_u64().unwrap_or(200),
            query(&v["params"]),
            v["location"].as_str().unwrap_or_default(),
            v["body"].as_str().unwrap_or_default()
        );
        write(&decode, v["name"].as_str().unwrap_or("answer"), seed.as_bytes())?;
    }
    let (prepare, sandbox, ffi) = (folder("prepare")?, folder("sandbox_request")?, folder("ffi")?);
    for v in vectors["requests"].as_array().into_iter().flatten() {
        let name = v["name"].as_str().unwrap_or("request");
        let endpoint = v["endpoint"].as_str().unwrap_or_default();
        let body = query(&v["params"]);
        write(&prepare, name, format!("{endpoint}\n{body}").as_bytes())?;
        let path = if endpoint.starts_with('!') {
            format!("/products/{endpoint}")
        } else {
            "/products/!sandboxTier2PartnerSignup".to_owned()
        };
        let http = format!(
            "POST {path} HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        write(&sandbox, name, http.as_bytes())?;
        let mut fields = vec![endpoint.as_bytes().to_vec()];
        for pair in v["params"].as_array().into_iter().flatten() {
            fields.push(pair[0].as_str().unwrap_or_default().as_bytes().to_vec());
            fields.push(pair[1].as_str().unwrap_or_default().as_bytes().to_vec());
        }
        write(&ffi, name, &fields.join(&0xFF))?;
    }
    // The source documents, the import drills and the pages saved as HTML.
    let pages = folder("import_doc")?;
    for sub in ["seeds", "drills", "html"] {
        let dir = root.join("tests/import").join(sub);
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("reading {}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.extension().is_some_and(|e| e == "txt" || e == "html") {
                let name = format!("{sub}-{}", path.file_name().unwrap_or_default().to_string_lossy());
                std::fs::copy(&path, pages.join(name)).map_err(|e| format!("copying {}: {e}", path.display()))?;
            }
        }
    }
    Ok(())
}
