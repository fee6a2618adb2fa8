//! One edit of `spec/` reaches everything, the sandbox included. A copy of the project gets
//! Sectigo's (imagined) change: `emailAddress` of `!PlaceOrder` goes from 255 to 320
//! characters. After `cargo xtask codegen` in the copy and a build of it, the copy's own sandbox
//! and every surface (the CLI on the Rust core, C, PHP and Python) accept an address of 300
//! characters, and refuse one of 321: each client before sending, naming the parameter and the
//! rule, and the sandbox itself when it is sent anyway. The project as it is refuses the 300.
//!
//! The same copy gets a new row of the settings table (`spec/client.toml`), `keepalive_ms`, and
//! its Rust builder method: codegen writes it into every surface made from the table, the
//! copy's command lists `--keepalive`, and each surface's order above sets it.
//!
//! And it gets a new endpoint from its page (`cargo xtask import-doc --new`, on a copy of the
//! `!AutoAuthorize` page renamed `!AutoAuthorizeLater`), with the descriptions a maintainer then
//! writes: codegen brings it to every surface, the copy builds, and its command calls it against
//! its own sandbox, which checks the call by the spec and answers success with the spec's fields.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::commands::process::{SandboxProcess, capture, cargo, fresh_dir};

/// The new limit, an address within it and one over it.
const LIMIT: usize = 320;
const DOMAIN: &str = "@example.com";

pub fn test(root: &Path, prefix: &Path, work: &Path) -> Result<(), String> {
    let within = format!("{}{DOMAIN}", "a".repeat(300 - DOMAIN.len()));
    let over = format!("{}{DOMAIN}", "b".repeat(LIMIT + 1 - DOMAIN.len()));

    // The project as it is: the sandbox of the release archive refuses 300 characters.
    let before = SandboxProcess::start(prefix.join("bin/sectigo-sandbox"), &[], work)?;
    expect_sandbox(&before, &within, "-4")?;
    drop(before);

    let copy = work.join("spec-edit");
    copy_project(root, &copy)?;
    raise_limit(&copy.join("spec/endpoints/place_order.toml"))?;
    add_setting(&copy)?;
    add_endpoint(root, &copy)?;
    let files = xtask::codegen::generate_all(&copy)?;
    setting_reached(&files)?;
    endpoint_reached(&files)?;
    let report =
        xtask::codegen::write_generated(&copy, &files, false).map_err(|e| format!("codegen in the copy: {e}"))?;
    let changed: Vec<String> = report.changed.iter().map(|p| p.display().to_string()).collect();
    println!("codegen in the copy rewrote {} files: {}", changed.len(), changed.join(", "));

    // Its own target folder, kept between runs: the copy's crates are other crates to cargo.
    let target = root.join("target/spec-edit");
    capture(
        "building the copy (sandbox, CLI, C library, Python module)",
        Command::new(cargo()).current_dir(&copy).env("CARGO_TARGET_DIR", &target).args([
            "build",
            "--locked",
            "-p",
            "sectigo-sandbox",
            "-p",
            "sectigo-cli",
            "-p",
            "sectigo-ffi",
            "-p",
            "sectigo-python",
        ]),
    )?;
    let bin = target.join("debug");
    let help = capture("the copy's sectigo --help", Command::new(bin.join("sectigo")).arg("--help"))?;
    if !help.contains("--keepalive <SECONDS>") || !help.contains("SECTIGO_KEEPALIVE") {
        return Err(format!("the new setting is not among the copy's command's flags:\n{help}"));
    }
    let sandbox = SandboxProcess::start(bin.join("sectigo-sandbox"), &[], work)?;
    expect_sandbox(&sandbox, &within, "0")?;
    expect_sandbox(&sandbox, &over, "-4")?;

    let lib = work.join("spec-edit-lib");
    fresh_dir(&lib)?;
    for name in [xtask::soname(xtask::VERSION), "libsectigo.so".to_owned()] {
        std::os::unix::fs::symlink(bin.join("libsectigo_ffi.so"), lib.join(name)).map_err(|e| e.to_string())?;
    }
    let module = copy.join("bindings/python/sectigo/_native.abi3.so");
    std::fs::copy(bin.join("lib_native.so"), &module).map_err(|e| format!("{}: {e}", module.display()))?;
    let c_program = work.join("spec-edit-order");
    let c_source = work.join("spec-edit-order.c");
    std::fs::write(&c_source, C_ORDER).map_err(|e| e.to_string())?;
    capture(
        "compiling the C order against the copy's header",
        Command::new("cc")
            .args(["-std=c99", "-Wall", "-Werror", "-I"])
            .arg(copy.join("bindings/c/include"))
            .arg(&c_source)
            .arg("-L")
            .arg(&lib)
            .args(["-lsectigo", "-o"])
            .arg(&c_program),
    )?;
    let php = work.join("spec-edit-order.php");
    std::fs::write(&php, PHP_ORDER).map_err(|e| e.to_string())?;
    let python = work.join("spec-edit-order.py");
    std::fs::write(&python, PYTHON_ORDER).map_err(|e| e.to_string())?;

    let autoload = copy.join("bindings/php/src/autoload.php");
    let python_path = copy.join("bindings/python");
    // Each surface places the order with the address given, and prints `ok NUMBER` (the CLI:
    // its JSON) or `refused PARAM RULE...`.
    let surface = |name: &str, email: &str| -> Command {
        let mut c = match name {
            "CLI" => {
                let mut c = Command::new(bin.join("sectigo"));
                let info = |key: &str| sandbox.info[key].as_str().unwrap_or_default().to_owned();
                c.args(["--json", "--base-url", &info("https_url"), "--ca-file", &info("ca_file")])
                    .args(["--keepalive", "30", "place-order"])
                    .args(["--ap", "sandboxbrand", "--reseller", "Y", "--name", "Jane Doe"])
                    .args(["--item", "PPP=9974", "--email-address", email]);
                c
            }
            "C" => Command::new(&c_program),
            "PHP" => {
                let mut c = Command::new("php");
                c.args(["-d", "ffi.enable=1"]).arg(&php).env("PHP_AUTOLOAD", &autoload);
                c
            }
            _ => {
                let mut c = Command::new("python3");
                c.arg(&python).env("PYTHONPATH", &python_path);
                c
            }
        };
        c.envs(sandbox.user_env())
            .env("EMAIL", email)
            .env("LD_LIBRARY_PATH", &lib)
            .env("SECTIGO_LIBRARY", lib.join(xtask::soname(xtask::VERSION)));
        c
    };
    for name in ["CLI", "C", "PHP", "Python"] {
        let said = |email: &str| -> Result<String, String> {
            let out = surface(name, email).output().map_err(|e| format!("{name}: {e}"))?;
            Ok(format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
        };
        let accepted = said(&within)?;
        if !(accepted.starts_with("ok ") || accepted.contains("\"orderNumber\"")) {
            return Err(format!("{name}: an address of 300 characters was not accepted after the edit:\n{accepted}"));
        }
        let refused = said(&over)?;
        if !(refused.contains("emailAddress") && (refused.contains("max_length") || refused.contains("320"))) {
            return Err(format!(
                "{name}: an address of 321 characters was not refused naming emailAddress and its limit:\n{refused}"
            ));
        }
        println!("{name}: 300 characters accepted, 321 refused before sending (with the new setting keepalive set)");
    }
    // The new endpoint, through the copy's command against its own sandbox.
    let info = |key: &str| sandbox.info[key].as_str().unwrap_or_default().to_owned();
    let later = |order: &str| {
        Command::new(bin.join("sectigo"))
            .args(["--json", "--base-url", &info("https_url"), "--ca-file", &info("ca_file")])
            .args(["auto-authorize-later", "--order-number", order])
            .envs(sandbox.user_env())
            .output()
            .map_err(|e| format!("the new endpoint's command: {e}"))
    };
    let ok = later("1")?;
    let said = String::from_utf8_lossy(&ok.stdout).into_owned() + &String::from_utf8_lossy(&ok.stderr);
    if !ok.status.success() || !said.contains("\"ok\":true") || !said.contains("!AutoAuthorizeLater") {
        return Err(format!("the new endpoint was not answered with success by the copy's sandbox:\n{said}"));
    }
    let refused = later("not-a-number")?;
    let said = String::from_utf8_lossy(&refused.stdout).into_owned();
    if refused.status.code() != Some(3) || !said.contains("orderNumber") {
        return Err(format!("the new endpoint's command did not refuse a bad orderNumber before sending:\n{said}"));
    }
    let seen = sandbox.counters_text()?;
    if !seen.contains("\"!AutoAuthorizeLater\": 1") {
        return Err(format!("the copy's sandbox did not count one call of the new endpoint:\n{seen}"));
    }
    println!(
        "the new endpoint (import-doc --new): in every surface, built, answered with success by the copy's sandbox"
    );
    println!("the sandbox, after the edit: 300 characters accepted, 321 refused (-4); before it, 300 refused");
    println!("the new setting: --keepalive in the copy's sectigo --help, and each surface above took it");
    Ok(())
}

/// A made-up setting, as a maintainer adds one to `spec/client.toml`.
const NEW_SETTING: &str = r#"
[[setting]]
name = "keepalive_ms"
type = "duration"
value = "whole milliseconds"
default = "30000"
meaning = "How long an idle connection is kept for the next call."
python = "keepalive"
cli = "keepalive"
env = "SECTIGO_KEEPALIVE"
rust = "keepalive"
"#;

/// The builder method a maintainer writes for the new setting (the one hand-written part:
/// the Rust builder's typed methods). In this imagined change it only takes the value.
const NEW_BUILDER_METHOD: &str = "    /// How long an idle connection is kept (the spec-edit step's setting).
    pub fn keepalive(self, _idle: Duration) -> Self {
        self
    }

";

/// A new row of the settings table and its builder method, in the copy.
fn add_setting(copy: &Path) -> Result<(), String> {
    let table = copy.join("spec/client.toml");
    let text = std::fs::read_to_string(&table).map_err(|e| format!("{}: {e}", table.display()))?;
    std::fs::write(&table, text + NEW_SETTING).map_err(|e| format!("{}: {e}", table.display()))?;
    let builder = copy.join("crates/sectigo/src/client/builder.rs");
    let text = std::fs::read_to_string(&builder).map_err(|e| format!("{}: {e}", builder.display()))?;
    let at = text.find("    /// Checks the settings and builds the client.").ok_or("builder.rs: no build()")?;
    std::fs::write(&builder, format!("{}{NEW_BUILDER_METHOD}{}", &text[..at], &text[at..]))
        .map_err(|e| format!("{}: {e}", builder.display()))
}

/// Codegen wrote the new row into every surface made from the table, each checked; the other
/// surfaces (C's options, Python's native client, the command) read the table when they run,
/// which the step's calls then show.
fn setting_reached(files: &[(PathBuf, String)]) -> Result<(), String> {
    let reached = [
        ("Rust", "crates/sectigo/src/generated/spec_data.rs", "name: \"keepalive_ms\""),
        (
            "Rust",
            "crates/sectigo/src/generated/setters.rs",
            "(\"keepalive_ms\", SettingValue::Duration(v)) => b.keepalive(v)",
        ),
        ("C", "bindings/c/include/sectigo.h", " - keepalive_ms: whole milliseconds"),
        ("C", "bindings/c/README.md", "| `keepalive_ms` | whole milliseconds | 30000 |"),
        ("PHP", "bindings/php/src/generated/Options.php", "keepalive_ms?: int"),
        ("PHP", "bindings/php/README.md", "| `keepalive_ms` | `int` | 30000 |"),
        ("Python", "bindings/python/sectigo/generated/__init__.py", "keepalive: Optional[float] = None"),
        ("Python", "bindings/python/sectigo/generated/__init__.pyi", "keepalive: Optional[float] = None"),
        ("Python", "bindings/python/README.md", "| `keepalive` | `Optional[float]` | 30 s |"),
        ("CLI", "docs/cli.md", "| `--keepalive` | `SECTIGO_KEEPALIVE` | seconds | 30 s |"),
    ];
    let shown = written(files, &reached, "a new setting")?;
    println!("a new setting (keepalive_ms) and its builder method: codegen wrote it into {}", shown.join(", "));
    Ok(())
}

/// Checks that each (surface, path, text) is in the file codegen wrote at that path; the
/// surfaces and paths, as shown.
fn written(files: &[(PathBuf, String)], reached: &[(&str, &str, &str)], what: &str) -> Result<Vec<String>, String> {
    let mut shown = Vec::new();
    for (surface, path, needle) in reached {
        let text = files
            .iter()
            .find(|(p, _)| p.as_path() == Path::new(path))
            .map(|(_, text)| text)
            .ok_or_else(|| format!("codegen wrote no {path}"))?;
        if !text.contains(needle) {
            return Err(format!("{what} did not reach {path} ({surface}): no {needle:?} in it"));
        }
        shown.push(format!("{surface} {path}"));
    }
    Ok(shown)
}

/// A new endpoint from its page, as a maintainer brings one: `import-doc --new` on the saved
/// page (here the `!AutoAuthorize` page renamed, which the spec lacks under that name), then the
/// descriptions written.
fn add_endpoint(root: &Path, copy: &Path) -> Result<(), String> {
    let seed = root.join("tests/import/seeds/004_7d5fc5aca0bcb34d.txt");
    let text = std::fs::read_to_string(&seed).map_err(|e| format!("{}: {e}", seed.display()))?;
    let page = xtask::page::read(&text.replace("AutoAuthorize", "AutoAuthorizeLater")).map_err(|e| e.0)?;
    let created = xtask::page::create::endpoint(&copy.join("spec"), &page, "later.txt", &[], None)?;
    let file = copy.join(&created.file);
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| format!("{}: {e}", file.display()))?;
    describe(doc.as_table_mut());
    std::fs::write(&file, doc.to_string()).map_err(|e| format!("{}: {e}", file.display()))?;
    println!(
        "import-doc --new wrote {} ({} descriptions to write, written here)",
        created.file,
        created.to_describe.len()
    );
    Ok(())
}

/// Writes every empty description, summary and meaning, as the maintainer would.
fn describe(table: &mut dyn toml_edit::TableLike) {
    for (key, item) in table.iter_mut() {
        match item {
            toml_edit::Item::Value(toml_edit::Value::String(s))
                if s.value().is_empty() && matches!(key.get(), "description" | "meaning" | "summary") =>
            {
                *item = toml_edit::value("Described by the spec-edit step.");
            }
            toml_edit::Item::Table(t) => describe(t),
            toml_edit::Item::ArrayOfTables(list) => list.iter_mut().for_each(|t| describe(t)),
            _ => {}
        }
    }
}

/// Codegen brought the new endpoint to every surface.
fn endpoint_reached(files: &[(PathBuf, String)]) -> Result<(), String> {
    let reached = [
        ("Rust", "crates/sectigo/src/generated/auto_authorize_later.rs", "pub struct AutoAuthorizeLater"),
        ("the command and the sandbox", "crates/sectigo/src/generated/spec_data.rs", "\"!AutoAuthorizeLater\""),
        ("C", "bindings/c/include/sectigo.h", "SECTIGO_ENDPOINT_AUTO_AUTHORIZE_LATER"),
        ("PHP", "bindings/php/src/generated/Endpoints.php", "function autoAuthorizeLater("),
        ("Python", "bindings/python/sectigo/generated/__init__.py", "def auto_authorize_later("),
    ];
    let shown = written(files, &reached, "the new endpoint")?;
    println!("the new endpoint (auto_authorize_later): codegen wrote it into {}", shown.join(", "));
    Ok(())
}

/// The files git tracks (a clean checkout's), copied.
fn copy_project(root: &Path, copy: &Path) -> Result<(), String> {
    fresh_dir(copy)?;
    let listed = capture("git ls-files", Command::new("git").current_dir(root).args(["ls-files", "-z"]))?;
    for name in listed.split('\0').filter(|n| !n.is_empty()) {
        let (from, to): (PathBuf, PathBuf) = (root.join(name), copy.join(name));
        if !from.is_file() {
            continue;
        }
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::copy(&from, &to).map_err(|e| format!("{}: {e}", from.display()))?;
    }
    Ok(())
}

/// `emailAddress`'s `max_length` 255 -> [`LIMIT`], as a maintainer would edit it.
fn raise_limit(file: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| format!("{}: {e}", file.display()))?;
    let params = doc["param"].as_array_of_tables_mut().ok_or("place_order.toml has no [[param]]")?;
    let email = params
        .iter_mut()
        .find(|p| p.get("name").and_then(|n| n.as_str()) == Some("emailAddress"))
        .ok_or("place_order.toml has no emailAddress")?;
    if email.get("max_length").and_then(|m| m.as_integer()) != Some(255) {
        return Err("emailAddress of !PlaceOrder is no longer 255 characters: update this test".to_owned());
    }
    email["max_length"] = toml_edit::value(LIMIT as i64);
    std::fs::write(file, doc.to_string()).map_err(|e| format!("{}: {e}", file.display()))
}

/// Posts an order with `email` to the sandbox directly (no client to refuse it first) and
/// checks its `errorCode`.
fn expect_sandbox(sandbox: &SandboxProcess, email: &str, code: &str) -> Result<(), String> {
    let out = capture(
        "an order posted to the sandbox",
        Command::new("python3").args(["-c", RAW_POST]).envs(sandbox.user_env()).env("EMAIL", email),
    )?;
    let answered = out.trim().split('&').find_map(|p| p.strip_prefix("errorCode=")).unwrap_or_default().to_owned();
    if answered == code {
        Ok(())
    } else {
        Err(format!(
            "the sandbox answered an email address of {} characters with {:?}, not errorCode {code}",
            email.len(),
            out.trim()
        ))
    }
}

const RAW_POST: &str = r#"
import os, ssl, urllib.parse, urllib.request
form = urllib.parse.urlencode({"ap": os.environ["SECTIGO_AP"], "reseller": "Y", "name": "Jane Doe",
    "emailAddress": os.environ["EMAIL"], "1_PPP": "9974", "loginName": os.environ["SECTIGO_LOGIN_NAME"],
    "loginPassword": os.environ["SECTIGO_LOGIN_PASSWORD"]}).encode()
context = ssl.create_default_context(cafile=os.environ["SECTIGO_CA_FILE"])
with urllib.request.urlopen(os.environ["SECTIGO_BASE_URL"] + "/products/!PlaceOrder", form, context=context) as r:
    print(r.read().decode())
"#;

const PYTHON_ORDER: &str = r#"import os
import sectigo

client = sectigo.Client(login_name=os.environ["SECTIGO_LOGIN_NAME"], login_password=os.environ["SECTIGO_LOGIN_PASSWORD"],
                        base_url=os.environ["SECTIGO_BASE_URL"], ca_file=os.environ["SECTIGO_CA_FILE"], keepalive=30.0)
try:
    order = client.place_order(ap=os.environ["SECTIGO_AP"], reseller=True, name="Jane Doe",
                               email_address=os.environ["EMAIL"], items=[sectigo.PlaceOrderItem(ppp=9974)])
    print("ok", order.order_number)
except sectigo.ValidationError as e:
    print("refused", " ".join(f"{v.param} {v.rule}" for v in e.violations))
"#;

const PHP_ORDER: &str = r#"<?php
require getenv('PHP_AUTOLOAD');
$client = new Sectigo\Client(['login_name' => getenv('SECTIGO_LOGIN_NAME'), 'login_password' => getenv('SECTIGO_LOGIN_PASSWORD'),
    'base_url' => getenv('SECTIGO_BASE_URL'), 'ca_file' => getenv('SECTIGO_CA_FILE'), 'keepalive_ms' => 30000]);
try {
    $order = $client->placeOrder(['ap' => getenv('SECTIGO_AP'), 'reseller' => true, 'name' => 'Jane Doe',
        'emailAddress' => getenv('EMAIL'), 'items' => [['PPP' => 9974]]]);
    echo "ok {$order->orderNumber}\n";
} catch (Sectigo\ValidationException $e) {
    echo 'refused', implode('', array_map(fn ($v) => " {$v['param']} {$v['rule']}", $e->violations())), "\n";
}
"#;

const C_ORDER: &str = r#"#include <stdio.h>
#include <stdlib.h>
#include <sectigo.h>

int main(void) {
    sectigo_options *options = NULL;
    sectigo_client *client = NULL;
    sectigo_request *order = NULL;
    sectigo_response *placed = NULL;
    sectigo_error *error = NULL;
    const char *number = NULL, *param = NULL, *rule = NULL, *message = NULL;
    sectigo_options_new(&options);
    sectigo_options_set(options, "login_name", getenv("SECTIGO_LOGIN_NAME"), NULL);
    sectigo_options_set(options, "login_password", getenv("SECTIGO_LOGIN_PASSWORD"), NULL);
    sectigo_options_set(options, "base_url", getenv("SECTIGO_BASE_URL"), NULL);
    sectigo_options_set(options, "ca_file", getenv("SECTIGO_CA_FILE"), NULL);
    if (sectigo_options_set(options, "keepalive_ms", "30000", &error) == SECTIGO_RESULT_OK
        && sectigo_client_new(options, &client, &error) == SECTIGO_RESULT_OK) {
        sectigo_request_new(SECTIGO_ENDPOINT_PLACE_ORDER, &order, NULL);
        sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_AP, getenv("SECTIGO_AP"), NULL);
        sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_RESELLER, "Y", NULL);
        sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_NAME, "Jane Doe", NULL);
        sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_EMAIL_ADDRESS, getenv("EMAIL"), NULL);
        sectigo_request_set(order, "1_" SECTIGO_PLACE_ORDER_ITEM_PPP, "9974", NULL);
        if (sectigo_client_call(client, order, &placed, &error) == SECTIGO_RESULT_OK) {
            sectigo_response_get(placed, SECTIGO_PLACE_ORDER_FIELD_ORDER_NUMBER, &number);
            printf("ok %s\n", number);
        }
    }
    if (error != NULL && sectigo_error_get_kind(error) == SECTIGO_ERROR_KIND_VALIDATION) {
        printf("refused");
        for (size_t i = 0; i < sectigo_error_violation_count(error); i++) {
            sectigo_error_violation_at(error, i, &param, &rule, &message);
            printf(" %s %s", param, rule);
        }
        printf("\n");
    } else if (error != NULL) {
        printf("error %s\n", sectigo_error_message(error));
    }
    sectigo_error_free(error);
    sectigo_response_free(placed);
    sectigo_request_free(order);
    sectigo_client_free(client);
    sectigo_options_free(options);
    return 0;
}
"#;

#[cfg(test)]
mod tests {
    /// The settings half of the step up to codegen, by itself (it builds nothing).
    #[test]
    fn a_new_setting_reaches_every_surface_made_from_the_table() {
        let work = std::env::temp_dir().join(format!("xtask-spec-edit-setting-{}", std::process::id()));
        let copy = work.join("copy");
        let result = super::copy_project(&xtask::root(), &copy)
            .and_then(|()| super::add_setting(&copy))
            .and_then(|()| xtask::codegen::generate_all(&copy))
            .and_then(|files| super::setting_reached(&files));
        let _ = std::fs::remove_dir_all(&work);
        result.unwrap();
    }
}
