//! The release archive as a panel server gets it: unpacked into a fresh prefix, checked against
//! its checksums, the C README's examples (and docs/raw-calls.md's) built with nothing but that
//! prefix and pkg-config and run against the archive's `sectigo-sandbox`, the PHP README's
//! examples (and docs/raw-calls.md's) run from `share/php`,
//! the pages' `cargo run` lines run with the archive's commands, and the commands, manual page
//! and completions looked at.

use std::path::Path;
use std::process::Command;

use crate::commands::dist::{Dist, VERSION, abi_version};
use crate::commands::process::{SandboxProcess, capture, fresh_dir};

/// Unpacks the archive into `prefix` and tests it there.
pub fn test(root: &Path, dist: &Dist, prefix: &Path, work: &Path) -> Result<(), String> {
    fresh_dir(prefix)?;
    capture("unpacking the archive", Command::new("tar").arg("-xzf").arg(&dist.archive).arg("-C").arg(prefix))?;
    let sums = capture(
        "sha256sum -c",
        Command::new("sha256sum").current_dir(prefix).args(["--quiet", "-c", "share/doc/sectigo/SHA256SUMS"]),
    )?;
    if !sums.trim().is_empty() {
        return Err(format!("sha256sum -c: {sums}"));
    }
    let abi = abi_version(VERSION);
    for (link, target) in [
        ("libsectigo.so", format!("libsectigo.so.{abi}")),
        (&format!("libsectigo.so.{abi}"), format!("libsectigo.so.{VERSION}")),
    ] {
        let found = std::fs::read_link(prefix.join("lib").join(link)).map_err(|e| format!("lib/{link}: {e}"))?;
        if found != Path::new(&target) {
            return Err(format!("lib/{link} points to {}, not {target}", found.display()));
        }
    }
    for file in [
        "include/sectigo.h",
        "lib/libsectigo.a",
        "bin/sectigo-sandbox",
        "share/man/man1/sectigo.1",
        "share/zsh/site-functions/_sectigo",
        "share/fish/vendor_completions.d/sectigo.fish",
        "share/php/sectigo/src/Client.php",
        "share/php/sectigo/src/Testing/Sandbox.php",
        "share/sectigo/valgrind.supp",
        "share/doc/sectigo/LICENSE-MIT",
        "share/doc/sectigo/LICENSE-APACHE",
    ] {
        if std::fs::metadata(prefix.join(file)).map(|m| m.len()).unwrap_or(0) == 0 {
            return Err(format!("the archive has no {file} (or it is empty)"));
        }
    }

    // The C README's examples, built with the prefix's pkg-config file only. (That the pages
    // show every example verbatim is checked once, for all of them, by xtask/tests/docs.rs.)
    let pc_path = prefix.join("lib/pkgconfig");
    let pkg =
        |args: &[&str]| capture("pkg-config", Command::new("pkg-config").env("PKG_CONFIG_PATH", &pc_path).args(args));
    let flags = pkg(&["--cflags", "--libs", "sectigo"])?;
    let libdir = pkg(&["--variable=libdir", "sectigo"])?;
    let version = pkg(&["--modversion", "sectigo"])?;
    if version.trim() != VERSION {
        return Err(format!("sectigo.pc says version {}, the workspace {VERSION}", version.trim()));
    }
    let build = |name: &str| -> Result<std::path::PathBuf, String> {
        let program = work.join(name);
        capture(
            &format!("compiling the C example {name}.c"),
            Command::new("cc")
                .args(["-std=c99", "-Wall", "-Wextra", "-Werror"])
                .arg(root.join("bindings/c/examples").join(format!("{name}.c")))
                .args(flags.split_whitespace())
                .arg(format!("-Wl,-rpath,{}", libdir.trim()))
                .arg("-o")
                .arg(&program),
        )?;
        Ok(program)
    };
    let order = build("order")?;
    let sandbox = SandboxProcess::start(prefix.join("bin/sectigo-sandbox"), &[], work)?;
    let user_env = sandbox.user_env();
    let out = capture("running the README's C example", Command::new(&order).envs(user_env.clone()))?;
    expect(&out, &[&format!("libsectigo {VERSION}"), "placed order", "authorized order"], "the C example")?;
    println!("C example (pkg-config, archive only): {}", out.lines().collect::<Vec<_>>().join(" | "));
    // The C README's first call: an answer, then a refusal naming the missing parameter.
    let first_call = build("first_call")?;
    let out =
        capture("running the C README's first call", Command::new(&first_call).arg("1000003").envs(user_env.clone()))?;
    expect(&out, &["customer session opened for order 1000003"], "the C first call")?;
    let refused = Command::new(&first_call).envs(user_env.clone()).output().map_err(|e| e.to_string())?;
    let said = String::from_utf8_lossy(&refused.stderr);
    if refused.status.success() || !said.contains("orderNumber") {
        return Err(format!("the C first call without an order number did not fail naming orderNumber:\n{said}"));
    }
    println!("C first call: {} / without an order number: {}", out.trim(), said.trim());
    // The raw-call examples (docs/raw-calls.md): CollectSSL, answered by the sandbox with a
    // binary body, saved byte for byte.
    let pkcs7: Vec<u8> = [0x30, 0x82, 0x01, 0x00].into_iter().chain(0..=255u8).collect();
    let hex: String = pkcs7.iter().map(|b| format!("{b:02x}")).collect();
    let collect = [
        ("path", "/products/download/CollectSSL"),
        ("body_hex", hex.as_str()),
        ("content_type", "application/pkcs7-mime"),
    ];
    sandbox.admin("answers", &collect)?;
    let collect_ssl = build("collect_ssl")?;
    let saved = work.join("collect_ssl_c.p7b");
    let out = capture(
        "running the C raw-call example",
        Command::new(&collect_ssl).arg("1234567").arg(&saved).envs(user_env.clone()),
    )?;
    expect(&out, &["HTTP 200, application/pkcs7-mime, errorCode none (not text): 260 bytes saved"], "the C raw call")?;
    if std::fs::read(&saved).map_err(|e| e.to_string())? != pkcs7 {
        return Err("the C raw-call example did not save the body byte for byte".into());
    }
    println!("C raw-call example: {}", out.trim());

    // The PHP examples, from share/php, finding the library beside it.
    let php_command = |file: &str, args: &[&str]| {
        let mut command = Command::new("php");
        command
            .arg(prefix.join("share/php/sectigo/examples").join(file))
            .args(args)
            .env_remove("SECTIGO_LIBRARY")
            .env_remove("SECTIGO_HEADER")
            .envs(user_env.clone());
        command
    };
    let php_example =
        |file: &str| capture(&format!("the PHP example {file} from share/php"), &mut php_command(file, &[]));
    // The PHP README's first call: an answer, then a refusal naming the missing parameter.
    let out = capture("the PHP first call from share/php", &mut php_command("first_call.php", &["1000003"]))?;
    expect(&out, &["customer session opened for order 1000003"], "the PHP first call")?;
    let refused = php_command("first_call.php", &[]).output().map_err(|e| e.to_string())?;
    let said = String::from_utf8_lossy(&refused.stderr);
    if refused.status.code() != Some(3) || !said.contains("orderNumber") {
        return Err(format!(
            "the PHP first call without an order number did not stop with 3 naming orderNumber:\n{said}"
        ));
    }
    println!("PHP first call (share/php): {} / without an order number: {}", out.trim(), said.trim());
    // An unreachable server (a closed loopback port) is handled too: no uncaught exception.
    let unreachable = php_command("first_call.php", &["1000003"])
        .env("SECTIGO_BASE_URL", "https://127.0.0.1:1")
        .output()
        .map_err(|e| e.to_string())?;
    let said = String::from_utf8_lossy(&unreachable.stderr) + String::from_utf8_lossy(&unreachable.stdout);
    if unreachable.status.code() != Some(4) || said.contains("Fatal error") || !said.contains("connect") {
        return Err(format!(
            "the PHP first call against a closed port did not stop with 4 saying it could not connect:\n{said}"
        ));
    }
    println!("PHP first call, server unreachable: {}", said.trim());
    // The README's PHPUnit example, from share/php: Sectigo\Testing\Sandbox finds the archive's
    // bin/sectigo-sandbox, and the client the archive's library.
    let share = prefix.join("share/php/sectigo");
    let out = capture(
        "the PHP README's PHPUnit example from share/php",
        Command::new("phpunit")
            .arg("--bootstrap")
            .arg(share.join("src/autoload.php"))
            .arg(share.join("examples/PanelModuleTest.php"))
            .env_remove("SECTIGO_LIBRARY")
            .env_remove("SECTIGO_HEADER")
            .env_remove("SECTIGO_SANDBOX_BINARY"),
    )?;
    expect(&out, &["OK (2 tests"], "the PHP README's PHPUnit example")?;
    println!("PHP PHPUnit example (share/php): {}", out.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(""));
    let out = php_example("place_and_authorize.php")?;
    expect(&out, &["placed order", "authorized order"], "the PHP example")?;
    println!("PHP example (share/php): {}", out.lines().collect::<Vec<_>>().join(" | "));
    let saved = work.join("collect_ssl_php.p7b");
    let out = capture(
        "the PHP raw-call example from share/php",
        &mut php_command("collect_ssl.php", &["1234567", &saved.display().to_string()]),
    )?;
    expect(
        &out,
        &["HTTP 200, application/pkcs7-mime, errorCode none (not text): 260 bytes saved"],
        "the PHP raw call",
    )?;
    if std::fs::read(&saved).map_err(|e| e.to_string())? != pkcs7 {
        return Err("the PHP raw-call example did not save the body byte for byte".into());
    }
    println!("PHP raw-call example (share/php): {}", out.trim());

    // The README's PHP logger example: the records reach the module log, the password never.
    let out = php_example("module_log.php")?;
    expect(
        &out,
        &[
            "sectigo debug: !initCustomerSession: ok in ",
            "\"endpoint\":\"!initCustomerSession\"",
            "customer session for order",
        ],
        "the PHP logger example",
    )?;
    let password = user_env
        .iter()
        .find(|(name, _)| *name == "SECTIGO_LOGIN_PASSWORD")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    if password.is_empty() || out.contains(password) {
        return Err(format!("the PHP logger example showed the password (or had none):\n{out}"));
    }
    println!("PHP logger example (share/php): {}", out.lines().collect::<Vec<_>>().join(" | "));
    // The top README's first call for the shell, as printed (the sandbox's brand for BRAND).
    let cell = readme_first_call(root, "the shell")?;
    let words = shlex::split(&cell.replace("BRAND", &user_env[2].1)).ok_or("the shell's first call does not parse")?;
    let out = capture(
        "the top README's first call for the shell",
        Command::new(prefix.join("bin").join(&words[0])).args(&words[1..]).envs(user_env.clone()),
    )?;
    expect(&out, &["success", "orderNumber"], "the top README's first call for the shell")?;
    println!("the top README's shell first call: {}", out.trim().replace('\n', " | "));
    drop(sandbox);

    docs_commands(root, prefix)?;

    // The commands.
    for bin in ["sectigo", "sectigo-sandbox"] {
        let out = capture(&format!("{bin} --version"), Command::new(prefix.join("bin").join(bin)).arg("--version"))?;
        if out.trim() != format!("{bin} {VERSION}") {
            return Err(format!("{bin} --version says {:?}, not {bin} {VERSION}", out.trim()));
        }
    }
    let out = capture("sectigo demo", Command::new(prefix.join("bin/sectigo")).arg("demo"))?;
    expect(&out, &["authoriz"], "sectigo demo")?;
    let man = std::fs::read_to_string(prefix.join("share/man/man1/sectigo.1")).map_err(|e| e.to_string())?;
    expect(&man, &[".TH sectigo 1", "place\\-order", "completions"], "the manual page")?;
    let completion = prefix.join("share/bash-completion/completions/sectigo");
    let out = capture(
        "loading the bash completion",
        Command::new("bash").arg("-c").arg(format!("source '{}' && complete -p sectigo", completion.display())),
    )?;
    expect(&out, &["complete", "sectigo"], "the bash completion")?;
    // The crate carries its README, licences and generated code (crates.io builds it alone).
    let listing = capture("listing the crate", Command::new("tar").arg("-tzf").arg(&dist.krate))?;
    for file in
        ["README.md", "LICENSE-MIT", "LICENSE-APACHE", "src/generated/place_order.rs", "examples/sandbox_order.rs"]
    {
        if !listing.lines().any(|l| l == format!("sectigo-{VERSION}/{file}")) {
            return Err(format!("{} has no {file}", dist.krate.display()));
        }
    }
    println!("archive: checksums, links, C and PHP examples, commands, manual page and completions are fine");
    Ok(())
}

/// Checks that the README shows a file of the repository (an example the tests run) verbatim.
pub(super) fn expect(text: &str, needles: &[&str], what: &str) -> Result<(), String> {
    match needles.iter().find(|n| !text.contains(**n)) {
        None => Ok(()),
        Some(n) => Err(format!("{what}: expected {n:?} in:\n{text}")),
    }
}

/// The shell lines of the pages about the commands that run on their own (`cargo run -p
/// sectigo-cli -- ...`, `cargo run -p sectigo-sandbox -- ...`), run with the archive's
/// commands: each must succeed, and a sandbox must print its ready line. A line that needs a
/// Sectigo account (it sets credentials) is not run here: tests call only loopback.
fn docs_commands(root: &Path, prefix: &Path) -> Result<(), String> {
    let (mut ran, mut skipped) = (0, 0);
    for page in ["README.md", "docs/cli.md", "docs/sandbox.md"] {
        let text = std::fs::read_to_string(root.join(page)).map_err(|e| format!("{page}: {e}"))?;
        for block in text.split("```sh\n").skip(1).filter_map(|b| b.split("\n```").next()) {
            for line in block.replace("\\\n", " ").lines() {
                let line = line.split(" #").next().unwrap_or(line).trim();
                let words: Vec<&str> = line.split_whitespace().collect();
                let (program, args) = match words.as_slice() {
                    ["cargo", "run", "-p", "sectigo-cli", "--", args @ ..] => ("sectigo", args),
                    ["cargo", "run", "-p", "sectigo-sandbox", "--", args @ ..] => ("sectigo-sandbox", args),
                    [first, ..] if first.contains('=') && line.contains("cargo run") => {
                        skipped += 1;
                        println!("{page}: not run (it calls Sectigo with an account): {line}");
                        continue;
                    }
                    _ => continue,
                };
                let mut command = Command::new(prefix.join("bin").join(program));
                command.args(args);
                if program == "sectigo-sandbox" && args.contains(&"--port") {
                    // It serves until stopped: its ready line is what the page promises.
                    let mut child = command
                        .stdout(std::process::Stdio::piped())
                        .stderr(std::process::Stdio::null())
                        .spawn()
                        .map_err(|e| format!("{page}: {line}: {e}"))?;
                    let mut ready = String::new();
                    let read = std::io::BufRead::read_line(
                        &mut std::io::BufReader::new(child.stdout.take().expect("piped")),
                        &mut ready,
                    );
                    let _ = child.kill();
                    let _ = child.wait();
                    let info: serde_json::Value = serde_json::from_str(&ready).unwrap_or_default();
                    if read.is_err() || !info["https_url"].is_string() {
                        return Err(format!("{page}: `{line}` printed no ready line: {ready:?}"));
                    }
                } else {
                    capture(&format!("{page}: {line}"), &mut command)?;
                }
                ran += 1;
            }
        }
    }
    println!(
        "the pages' command lines: {ran} run with the archive's commands, {skipped} left out (they need an account)"
    );
    Ok(())
}

/// The code of the first call in the top README's table, in the row of `language`.
pub fn readme_first_call(root: &Path, language: &str) -> Result<String, String> {
    let readme = std::fs::read_to_string(root.join("README.md")).map_err(|e| format!("README.md: {e}"))?;
    let row = readme
        .lines()
        .find(|l| l.starts_with(&format!("| {language} |")))
        .ok_or(format!("README.md has no table row for {language}"))?;
    let cell = row.split(" | ").nth(2).ok_or(format!("README.md's row for {language} has no first call"))?;
    cell.split('`').nth(1).map(str::to_owned).ok_or(format!("README.md's first call for {language} is not code"))
}
