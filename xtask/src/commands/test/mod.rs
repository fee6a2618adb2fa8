//! `cargo xtask test`: every test of the project, with its own set-up.
//!
//! Installs what the machine lacks (Debian packages as root, Python tools into virtual
//! environments of its own) or stops at once naming it, builds a one-line program with each C
//! compiler (`preflight`), then: codegen --check, the formatters and linters of every language
//! (`lint`), the Rust tests
//! and examples, the crate's docs with warnings denied, a short fuzzing pass, `cargo xtask
//! dist`, and the C, PHP and Python suites on the release artefacts as users install them,
//! the Debian packages installed by apt in fresh Debian roots (amd64, arm64), one spec edit
//! carried through a copy of the project, then clippy and the generator's docs.

mod c;
mod debian;
mod php;
mod platforms;
mod preflight;
mod python;
mod release;
mod rpm;
mod spec_edit;

use std::path::Path;
use std::process::Command;

use crate::commands::process::{cargo, fresh_dir, shown};
use crate::commands::setup;

/// The crate's examples that run on their own (against an in-process sandbox).
const EXAMPLES: &[&str] = &["sandbox_order", "prepare_order", "tokio_spawn_blocking"];
/// Seconds of fuzzing per target in a test run (`cargo xtask fuzz` runs longer).
const FUZZ_SECONDS: u64 = 15;

pub fn command(root: &Path, args: &[&str]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(format!("test takes no arguments (got {args:?})"));
    }
    // Everything at once, so a machine that lacks several tools hears of all of them up front.
    let compilers = setup::compilers::needs(&preflight::compilers());
    setup::system(&[setup::TEST_NEEDS, setup::LINT_NEEDS, setup::DIST_NEEDS, &compilers].concat())?;
    println!("==> C compilers: a one-line program with each, as the suites link");
    preflight::run(root, &setup::tools(root)?)?;
    crate::commands::codegen::run(root, true)?;
    crate::commands::lint::formats(root)?;
    shown(
        "Rust tests",
        Command::new(cargo()).current_dir(root).env("INSTA_UPDATE", "no").args(["test", "--workspace", "--locked"]),
    )?;
    shown(
        "Rust tests with the serde feature",
        Command::new(cargo()).current_dir(root).env("INSTA_UPDATE", "no").args([
            "test",
            "--locked",
            "-p",
            "sectigo",
            "-p",
            "snapshot-compile",
            "--features",
            "sectigo/serde,snapshot-compile/serde",
        ]),
    )?;
    for example in EXAMPLES {
        shown(
            &format!("example {example}"),
            Command::new(cargo()).current_dir(root).args([
                "run",
                "--quiet",
                "--locked",
                "-p",
                "sectigo",
                "--example",
                example,
            ]),
        )?;
    }
    shown(
        "docs (warnings denied)",
        Command::new(cargo()).current_dir(root).env("RUSTDOCFLAGS", "-D warnings").args([
            "doc",
            "--locked",
            "--no-deps",
            "-p",
            "sectigo",
            "--all-features",
        ]),
    )?;
    let findings: Vec<String> =
        crate::commands::fuzz::run(root, crate::commands::fuzz::TARGETS, FUZZ_SECONDS, Some(1))?
            .into_iter()
            .flat_map(|r| r.failures)
            .collect();
    if !findings.is_empty() {
        return Err(format!("fuzzing found failures; replay each with its target: {findings:?}"));
    }
    let dist = crate::commands::dist::run(root, crate::commands::targets::TARGETS)?;

    let work = root.join("target/release-tests");
    fresh_dir(&work)?;
    let prefix = work.join("prefix");
    println!("==> the release archive, unpacked into {}", prefix.display());
    release::test(root, &dist, &prefix, &work)?;
    println!("==> C: the suite against the archive's library, plain and under valgrind");
    c::test(root, &prefix, &work)?;
    println!(
        "==> the other targets (musl natively, aarch64 under qemu-user, Windows under wine; macOS built and checked, never run): C, the demo, the arm64 wheel"
    );
    platforms::test(root, &dist, &prefix, &work)?;
    println!("==> PHP: phpunit over the archive's library");
    php::test(root, &prefix, &work)?;
    println!("==> Python: the wheel in a fresh venv without Rust (stubtest, mypy --strict, pytest), then the sdist");
    python::test(root, &dist, &prefix, &work)?;
    println!(
        "==> Debian packages: lintian, then apt-get install in fresh Debian roots (amd64, arm64 under qemu-user): the library, the commands, phpenmod and php-fpm, the PHP suite on arm64"
    );
    debian::test(root, &dist, &prefix, &work)?;
    println!(
        "==> RPM packages (EL 7 and later): rpm -K, -qpl, --requires against EL 7, then installed into empty roots: ldd, the demo, C via pkg-config, the PHP page"
    );
    rpm::test(root, &dist, &prefix, &work)?;
    println!(
        "==> one spec edit reaches everything: in a copy, emailAddress raised to 320 characters, regenerated, built, and called through the sandbox, the CLI, C, PHP and Python"
    );
    spec_edit::test(root, &prefix, &work)?;
    crate::commands::lint::lints(root)?;
    println!("cargo xtask test: all steps passed");
    Ok(())
}
