//! The Python suite, on the release wheel as a user gets it: installed into a fresh virtual
//! environment whose PATH has no Rust toolchain, then stubtest, mypy --strict and pytest
//! (warnings as errors) against `sectigo.testing.sandbox()`. And the sdist, built and installed
//! by pip.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use crate::commands::dist::Dist;
use crate::commands::process::{capture, last_line};
use crate::commands::setup;

/// `PATH` less every folder that holds `cargo` or `rustc`, with `bin` first.
fn path_without_rust(bin: &Path) -> OsString {
    let current = std::env::var_os("PATH").unwrap_or_default();
    let kept = std::env::split_paths(&current).filter(|dir| !dir.join("cargo").exists() && !dir.join("rustc").exists());
    std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(kept)).unwrap_or_default()
}

pub fn test(root: &Path, dist: &Dist, prefix: &Path, work: &Path) -> Result<(), String> {
    let bin = setup::venv(&work.join("venv"))?;
    let path = path_without_rust(&bin);
    let py = bin.join("python");
    capture(
        "checking that no Rust toolchain is on PATH",
        Command::new(&py).env("PATH", &path).args([
            "-c",
            "import shutil, sys; found = [t for t in ('cargo', 'rustc') if shutil.which(t)]; sys.exit(f'on PATH: {found}' if found else 0)",
        ]),
    )?;
    let pip = |args: &[&str]| {
        capture(
            &format!("pip install {}", args.join(" ")),
            Command::new(bin.join("pip"))
                .env("PATH", &path)
                .args(["install", "--disable-pip-version-check", "-q"])
                .args(args),
        )
    };
    pip(&["--only-binary", ":all:", &dist.wheel.display().to_string()])?;
    pip(&["-r", &root.join("bindings/python/requirements-test.txt").display().to_string()])?;
    let installed = capture(
        "the installed version",
        Command::new(&py)
            .current_dir(work)
            .env("PATH", &path)
            .args(["-c", "import sectigo; print(sectigo.__version__)"]),
    )?;
    if installed.trim() != crate::commands::dist::VERSION {
        return Err(format!(
            "the wheel says version {}, the workspace {}",
            installed.trim(),
            crate::commands::dist::VERSION
        ));
    }
    // From outside the source folder, so the installed package (with its native module) is used.
    let out = capture(
        "stubtest",
        Command::new(&py).current_dir(work).env("PATH", &path).args(["-m", "mypy.stubtest", "sectigo"]),
    )?;
    println!("stubtest: {}", last_line(&out));
    let python_dir = root.join("bindings/python");
    let strict = |what: &str, target: &[&std::ffi::OsStr]| {
        capture(
            &format!("mypy --strict {what}"),
            Command::new(&py)
                .current_dir(work)
                .env("PATH", &path)
                .args(["-m", "mypy", "--strict", "--no-incremental"])
                .args(target),
        )
    };
    strict("the package", &["-p".as_ref(), "sectigo".as_ref()])?;
    let examples = python_dir.join("examples");
    let out = strict("the README's examples", &[examples.as_os_str()])?;
    println!("mypy --strict (package and the README's examples): {}", last_line(&out));
    // A call without an always-required argument is a type error, before anything runs.
    let snippet = work.join("missing_required.py");
    std::fs::write(&snippet, MISSING_REQUIRED).map_err(|e| format!("{}: {e}", snippet.display()))?;
    let refused = Command::new(&py)
        .current_dir(work)
        .env("PATH", &path)
        .args(["-m", "mypy", "--strict", "--no-incremental"])
        .arg(&snippet)
        .output()
        .map_err(|e| format!("mypy: {e}"))?;
    let said = String::from_utf8_lossy(&refused.stdout);
    let expected = [
        "missing_required.py:4: error: Missing named argument \"order_number\" for \"auto_authorize\" of \"Endpoints\"",
        "missing_required.py:7: error: Missing named argument \"email_address\" for \"place_order\" of \"Endpoints\"",
        "missing_required.py:10: error: Missing named argument \"order_number\" for \"auto_authorize\" of \"AsyncEndpoints\"",
    ];
    for expected in expected {
        if refused.status.success() || !said.contains(expected) {
            return Err(format!(
                "mypy --strict did not refuse a call without a required argument ({expected}):\n{said}"
            ));
        }
    }
    println!(
        "mypy --strict refuses calls without a required argument: {}",
        said.lines().filter(|l| l.contains("Missing named argument")).count()
    );
    let out = capture(
        "pytest",
        // The `pytest` script, not `python -m pytest`, which would put the source folder's
        // `sectigo` (without its native module) ahead of the installed one.
        Command::new(bin.join("pytest"))
            .current_dir(&python_dir)
            .env("PATH", &path)
            .env("SECTIGO_SANDBOX_BIN", prefix.join("bin/sectigo-sandbox"))
            .args(["-p", "no:cacheprovider", "-s", "-W", "error"]),
    )?;
    for line in out.lines().filter(|l| l.contains("8 threads") || l.contains(" passed")) {
        println!("{}", line.trim_matches(|c: char| c == '=' || c == ' ' || c == '.'));
    }
    sdist(root, dist, work)
}

/// The sdist builds (maturin, fetched by pip, with the machine's Rust) and installs, and the
/// result places an order against its own sandbox.
fn sdist(root: &Path, dist: &Dist, work: &Path) -> Result<(), String> {
    let bin = setup::venv(&work.join("venv-sdist"))?;
    println!("==> sdist: pip install {}", dist.sdist.display());
    capture(
        "pip install the sdist",
        Command::new(bin.join("pip"))
            // Reuse compiled dependencies between runs of this machine.
            .env("CARGO_TARGET_DIR", root.join("target/sdist-build"))
            .args(["install", "--disable-pip-version-check", "-q", "--no-binary", "sectigo"])
            .arg(&dist.sdist),
    )?;
    let out = capture("the sdist's module", Command::new(bin.join("python")).current_dir(work).args(["-c", SMOKE]))?;
    println!("sdist: {}", last_line(&out));
    Ok(())
}

/// Calls that leave out arguments the spec always requires.
const MISSING_REQUIRED: &str = "\
import sectigo

def authorize(client: sectigo.Client) -> None:
    client.auto_authorize()

def order(client: sectigo.Client) -> None:
    client.place_order(ap=\"brand\", reseller=True)

async def authorize_later(client: sectigo.AsyncClient) -> None:
    await client.auto_authorize()
";

const SMOKE: &str = "
import sectigo
from sectigo.testing import sandbox
with sandbox() as box, box.client() as client:
    order = client.place_order(ap=box.accounts[0].brand, reseller=True, name='Jane Doe',
        email_address='jane@example.com',
        items=[sectigo.PlaceOrderItem.product(sectigo.WebProduct.WEB_DNS_PRO, sectigo.Term.YEAR1)])
    client.auto_authorize(order_number=order.order_number)
print('built from the sdist, version', sectigo.__version__, 'placed and authorized order', order.order_number)
";
