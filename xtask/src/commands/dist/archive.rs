//! A Linux target's `.tar.gz` for C programs and PHP panels: the libraries (checked), the
//! header, the pkg-config file, the commands with their manual page and completions, the PHP
//! package, licences and checksums; reproducible (sorted, owned by root, one time stamp).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::binaries::{check_libc, check_machine, exported_symbols, soname};
use super::{VERSION, abi_version, copy, copy_tree, size, write};
use crate::commands::process::{capture, fresh_dir};
use crate::commands::targets::Target;

/// The pkg-config file of a Linux library, its `prefix` and `libdir` lines as given: the
/// archive's follow the file wherever it is unpacked, a Debian package's are fixed.
pub(super) fn pkg_config(prefix: &str, libdir: &str) -> String {
    pkg_config_with(prefix, libdir, "-L${libdir} -lsectigo", "-lpthread -ldl -lm")
}

/// The pkg-config file with its `Libs` line and what a static link needs besides
/// (`Libs.private`).
pub(super) fn pkg_config_with(prefix: &str, libdir: &str, libs: &str, private: &str) -> String {
    format!(
        "prefix={prefix}\nlibdir={libdir}\nincludedir=${{prefix}}/include\n\nName: sectigo\n\
         Description: C library for Sectigo's reseller products API\nVersion: {VERSION}\n\
         Libs: {libs}\nLibs.private: {private}\nCflags: -I${{includedir}}\n"
    )
}

/// Stages and packs the C and PHP archive of a target.
pub(super) fn archive(root: &Path, dist: &Path, target: &Target) -> Result<PathBuf, String> {
    let built = root.join("target").join(target.triple).join("release");
    let stage = stage_dir(root, target);
    fresh_dir(&stage)?;
    let abi = abi_version(VERSION);

    // The libraries.
    let lib = stage.join("lib");
    let real = format!("libsectigo.so.{VERSION}");
    copy(&built.join("libsectigo_ffi.so"), &lib.join(&real))?;
    let so = lib.join(&real);
    check_machine(&so, target)?;
    let name = soname(&so)?;
    if name != format!("libsectigo.so.{abi}") {
        return Err(format!("{} has SONAME {name}, not libsectigo.so.{abi}", so.display()));
    }
    std::os::unix::fs::symlink(&real, lib.join(&name)).map_err(|e| e.to_string())?;
    std::os::unix::fs::symlink(&name, lib.join("libsectigo.so")).map_err(|e| e.to_string())?;
    let strays: Vec<String> = exported_symbols(&so)?.into_iter().filter(|s| !s.starts_with("sectigo_")).collect();
    if !strays.is_empty() {
        return Err(format!("the shared library exports more than sectigo_*: {strays:?}"));
    }
    let libc = check_libc(&so, target)?;
    copy(&built.join("libsectigo_ffi.a"), &lib.join("libsectigo.a"))?;
    capture(
        &format!("{} --strip-debug libsectigo.a", target.strip),
        Command::new(target.strip).arg("--strip-debug").arg(lib.join("libsectigo.a")),
    )?;
    let pc = pkg_config("${pcfiledir}/../..", "${prefix}/lib");
    let pc = format!("# Relocatable: the paths follow wherever the archive was unpacked.\n{pc}");
    write(&lib.join("pkgconfig/sectigo.pc"), pc.as_bytes())?;
    copy(&root.join("bindings/c/include/sectigo.h"), &stage.join("include/sectigo.h"))?;

    // The commands, their manual page and completions (from the command itself).
    for bin in ["sectigo", "sectigo-sandbox"] {
        copy(&built.join(bin), &stage.join("bin").join(bin))?;
        check_machine(&stage.join("bin").join(bin), target)?;
        check_libc(&stage.join("bin").join(bin), target)?;
    }
    // Made by the command itself, run through the target's runner (qemu-user) when foreign.
    manual_and_completions(&stage, || target.command(&stage.join("bin/sectigo")))?;

    // For programs checked with valgrind: what ring's assembly makes it report (bindings/c/README.md).
    copy(&root.join("bindings/c/valgrind.supp"), &stage.join("share/sectigo/valgrind.supp"))?;
    php_package(root, &stage)?;
    docs_and_sums(root, &stage)?;

    let archive = dist.join(target.archive_name());
    tar_gz(root, &stage, &archive)?;
    println!(
        "archive {}: libsectigo.so {} bytes (stripped), ELF machine {}, SONAME {name}, exports only sectigo_*, needs {libc}",
        target.name,
        size(&so)?,
        target.machine,
    );
    Ok(archive)
}

/// The manual page and the bash, zsh and fish completions, in `share/` of `stage`, as the
/// command writes them (`sectigo` makes a command that runs it, with any runner).
pub(super) fn manual_and_completions(stage: &Path, sectigo: impl Fn() -> Command) -> Result<(), String> {
    let output = |args: &[&str]| capture(&format!("sectigo {}", args.join(" ")), sectigo().args(args));
    write(&stage.join("share/man/man1/sectigo.1"), output(&["manpage"])?.as_bytes())?;
    for (shell, path) in [
        ("bash", "share/bash-completion/completions/sectigo"),
        ("zsh", "share/zsh/site-functions/_sectigo"),
        ("fish", "share/fish/vendor_completions.d/sectigo.fish"),
    ] {
        write(&stage.join(path), output(&["completions", shell])?.as_bytes())?;
    }
    Ok(())
}

/// Packs a staged folder: names sorted, owned by root, one time stamp ([`source_date`]).
pub(super) fn tar_gz(root: &Path, stage: &Path, archive: &Path) -> Result<(), String> {
    capture(
        "tar",
        Command::new("tar")
            .args(["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--format=gnu"])
            .arg(format!("--mtime=@{}", source_date(root)))
            .args(["--use-compress-program", "gzip -9n", "-cf"])
            .arg(archive)
            .arg("-C")
            .arg(stage)
            .arg("."),
    )
    .map(drop)
}

/// Where a target's archive is staged (and its Debian packages take their files from).
pub(super) fn stage_dir(root: &Path, target: &Target) -> PathBuf {
    root.join("target/dist-stage").join(target.triple)
}

/// The PHP package (what a panel needs: no tests) in `share/php/sectigo`, its composer.json
/// carrying the release's version (a path repository needs one; in the repository, Composer
/// takes it from the tag).
pub(super) fn php_package(root: &Path, stage: &Path) -> Result<(), String> {
    let php = stage.join("share/php/sectigo");
    copy_tree(&root.join("bindings/php"), &php, &["tests", "phpunit.xml", "vendor"])?;
    let manifest = std::fs::read_to_string(php.join("composer.json")).map_err(|e| e.to_string())?;
    let versioned = manifest.replacen(
        "\"type\": \"library\",",
        &format!("\"type\": \"library\",\n    \"version\": \"{VERSION}\","),
        1,
    );
    if versioned == manifest {
        return Err("bindings/php/composer.json has no \"type\": \"library\" line to put the version after".to_owned());
    }
    write(&php.join("composer.json"), versioned.as_bytes())
}

/// Licences, the README and `share/doc/sectigo/SHA256SUMS` of every other file staged.
pub(super) fn docs_and_sums(root: &Path, stage: &Path) -> Result<(), String> {
    let doc = stage.join("share/doc/sectigo");
    for file in ["LICENSE-APACHE", "LICENSE-MIT", "README.md"] {
        copy(&root.join(file), &doc.join(file))?;
    }
    let files = capture(
        "listing the archive",
        Command::new("find").current_dir(stage).args([".", "-type", "f", "-printf", "%P\\n"]),
    )?;
    let mut files: Vec<&str> = files.lines().collect();
    files.sort_unstable();
    let sums = capture("sha256sum", Command::new("sha256sum").current_dir(stage).args(&files))?;
    write(&doc.join("SHA256SUMS"), sums.as_bytes())
}

/// The time stamp of every file in the archive: `SOURCE_DATE_EPOCH`, else the last commit's.
pub(super) fn source_date(root: &Path) -> String {
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        return epoch;
    }
    capture("git log", Command::new("git").current_dir(root).args(["log", "-1", "--format=%ct"]))
        .map(|s| s.trim().to_owned())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "0".to_owned())
}
