//! The RPM packages, checked with Debian's `rpm` tools (no EL machine or package repository is
//! reachable from here):
//!
//! - each package: `rpm -K` (its digests), `rpm -qpl` (the files it must hold), its payload
//!   compressor (xz, which EL 7's rpm reads), and `rpm -qp --requires`: every requirement is
//!   one EL 7 meets (glibc's and libgcc's libraries at symbol versions EL 7's have, glibc 2.17
//!   at most, `rpmlib` features EL 7's rpm 4.11 has, the shell and `ldconfig`, EL's PHP
//!   packages) or one of the SDK's own packages; `--provides` holds the SONAME and
//!   `pkgconfig(sectigo)`;
//! - for each architecture, the packages installed into an empty root with `rpm --root ...
//!   --nodeps --noscripts` (the root has no shell or glibc for the scripts), `rpm -V` of each,
//!   then from that root: `ldd` of the library and the commands (the machine's glibc, or the
//!   aarch64 one under qemu-user), `sectigo demo`, and the README's C example built against
//!   the root with `pkg-config` (`PKG_CONFIG_SYSROOT_DIR`) and run on its library;
//! - on x86_64, the panel page under the machine's PHP on the root's PHP package and library,
//!   placing, authorizing and opening a session for an order against the sandbox; every path
//!   `40-sectigo.ini` names is in the root.
//!
//! Not tried here, for want of an EL system: dnf's dependency resolution, the scripts
//! (`ldconfig`, the preload warning), SELinux labels, and EL's own PHP under php-fpm.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::commands::dist::rpm::{PHP_INI, RELEASE, rpm_arch};
use crate::commands::dist::{Dist, VERSION};
use crate::commands::process::{SandboxProcess, capture, fresh_dir, last_line};
use crate::commands::setup;
use crate::commands::targets::{Libc, NATIVE, Os, Runner, Target};

/// glibc's libraries, which EL 7's `glibc` package provides.
const GLIBC_LIBRARIES: &[&str] = &[
    "libc.so.6",
    "libm.so.6",
    "libpthread.so.0",
    "libdl.so.2",
    "librt.so.1",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
];
/// EL 7's glibc.
const EL7_GLIBC: (u32, u32) = (2, 17);
/// The symbol versions of EL 7's `libgcc` (GCC 4.8) that an unwinder binds.
const EL7_LIBGCC: &[&str] = &["GCC_3.0", "GCC_3.3", "GCC_3.3.1", "GCC_3.4", "GCC_4.0.0", "GCC_4.2.0", "GCC_4.3.0"];
/// The `rpmlib` features EL 7's rpm (4.11) has that a package made here may name.
const EL7_RPMLIB: &[&str] = &[
    "CompressedFileNames",
    "FileDigests",
    "PayloadFilesHavePrefix",
    "PayloadIsXz",
    "PartialHardlinkSets",
    "VersionedDependencies",
];
/// What the packages may ask of EL beyond libraries and `rpmlib`: the shell and `ldconfig` for
/// their scripts, pkg-config for the `.pc` file, PHP and its FFI and opcache extensions.
const EL_PACKAGES: &[&str] =
    &["/bin/sh", "/sbin/ldconfig", "/usr/bin/pkg-config", "php(language) >= 8.1", "php-ffi", "php-opcache"];

pub fn test(root: &Path, dist: &Dist, native_prefix: &Path, work: &Path) -> Result<(), String> {
    let packaged: Vec<Target> =
        dist.built.iter().map(|b| b.target).filter(|t| t.os == Os::Linux && t.libc == Libc::Gnu).collect();
    test_packages(root, &dist.rpms, &packaged, native_prefix, work)
}

/// The checks of `rpms`, the packages of `packaged`.
pub fn test_packages(
    root: &Path,
    rpms: &[PathBuf],
    packaged: &[Target],
    native_prefix: &Path,
    work: &Path,
) -> Result<(), String> {
    for rpm in rpms {
        check_package(rpm)?;
    }
    println!(
        "rpm: {} packages: digests OK (rpm -K), xz payloads, the files each must hold, every requirement one EL 7 meets",
        rpms.len()
    );
    let tools = setup::tools(root)?;
    for target in packaged {
        let arch = rpm_arch(target);
        let ours =
            |suffix: &str| rpms.iter().filter(move |r| r.to_string_lossy().ends_with(suffix)).collect::<Vec<_>>();
        let mut rpms = ours(&format!(".{arch}.rpm"));
        rpms.extend(ours(".noarch.rpm"));
        let dir = work.join(format!("rpm-root-{arch}"));
        install(&dir, &rpms)?;
        from_root(root, &tools, target, &dir, native_prefix, work)?;
    }
    Ok(())
}

/// What `rpm -q<what> -p` prints for a package.
fn query(rpm: &Path, what: &[&str]) -> Result<String, String> {
    capture(&format!("rpm -qp {what:?} {}", rpm.display()), Command::new("rpm").arg("-qp").args(what).arg(rpm))
}

fn check_package(rpm: &Path) -> Result<(), String> {
    let name = rpm.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let digests = capture("rpm -K", Command::new("rpm").arg("-K").arg(rpm))?;
    if !digests.contains("digests OK") {
        return Err(format!("rpm -K {name}: {digests}"));
    }
    let compressor = query(rpm, &["--qf", "%{PAYLOADCOMPRESSOR}"])?;
    if compressor.trim() != "xz" {
        return Err(format!("{name}: its payload is {compressor:?}, which EL 7's rpm may not read (xz is)"));
    }
    let package = query(rpm, &["--qf", "%{NAME}"])?;
    let files = query(rpm, &["-l"])?;
    let soname = xtask::soname(VERSION);
    let must: Vec<String> = match package.as_str() {
        "sectigo-libs" => vec![format!("/usr/lib64/libsectigo.so.{VERSION}"), format!("/usr/lib64/{soname}")],
        "sectigo-devel" => vec![
            "/usr/include/sectigo.h".into(),
            "/usr/lib64/libsectigo.a".into(),
            "/usr/lib64/libsectigo.so".into(),
            "/usr/lib64/pkgconfig/sectigo.pc".into(),
        ],
        "sectigo" => vec![
            "/usr/bin/sectigo".into(),
            "/usr/bin/sectigo-sandbox".into(),
            "/usr/share/man/man1/sectigo.1.gz".into(),
            "/usr/share/bash-completion/completions/sectigo".into(),
        ],
        "php-sectigo" => vec![
            PHP_INI.into(),
            "/usr/share/php/sectigo/src/autoload.php".into(),
            "/usr/share/php/sectigo/preload.php".into(),
            "/usr/share/php/sectigo/sectigo.ffi.h".into(),
        ],
        other => return Err(format!("{name}: a package the test does not know ({other})")),
    };
    let licence = format!("/usr/share/licenses/{package}/LICENSE-MIT");
    for path in must.iter().chain([&licence]) {
        if !files.lines().any(|l| l == path) {
            return Err(format!("rpm -qpl {name} has no {path}:\n{files}"));
        }
    }
    if package == "php-sectigo" {
        let config = query(rpm, &["-c"])?;
        if config.trim() != PHP_INI {
            return Err(format!("{name}: its configuration files are {config:?}, not {PHP_INI}"));
        }
    }
    let requires = query(rpm, &["--requires"])?;
    for line in requires.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Err(why) = el7_has(line) {
            return Err(format!("{name} requires {line}: {why}\n(all: {requires})"));
        }
    }
    let provides = query(rpm, &["--provides"])?;
    let wanted = match package.as_str() {
        "sectigo-libs" => Some(format!("{soname}()(64bit)")),
        "sectigo-devel" => Some(format!("pkgconfig(sectigo) = {VERSION}")),
        _ => None,
    };
    if let Some(wanted) = wanted.filter(|w| !provides.lines().any(|l| l.trim() == w)) {
        return Err(format!("{name} does not provide {wanted}:\n{provides}"));
    }
    Ok(())
}

/// Whether EL 7 (or the SDK's own packages) meets a requirement, and why not.
fn el7_has(requirement: &str) -> Result<(), String> {
    if let Some(feature) = requirement.strip_prefix("rpmlib(").and_then(|r| r.split(')').next()) {
        return if EL7_RPMLIB.contains(&feature) { Ok(()) } else { Err("a feature EL 7's rpm 4.11 lacks".into()) };
    }
    if EL_PACKAGES.contains(&requirement) || requirement == "rtld(GNU_HASH)" || requirement == "pkgconfig" {
        return Ok(());
    }
    let own = [
        format!("sectigo-libs = {VERSION}-{RELEASE}"),
        format!("sectigo-libs(x86-64) = {VERSION}-{RELEASE}"),
        format!("sectigo-libs(aarch-64) = {VERSION}-{RELEASE}"),
        format!("{}()(64bit)", xtask::soname(VERSION)),
        // rpm's own mark of a package with configuration files.
        format!("config(php-sectigo) = {VERSION}-{RELEASE}"),
    ];
    if own.iter().any(|o| o == requirement) {
        return Ok(());
    }
    // A library: `libc.so.6()(64bit)`, `libc.so.6(GLIBC_2.17)(64bit)`, `libgcc_s.so.1(GCC_3.3)(64bit)`.
    let (library, rest) = requirement.split_once('(').ok_or("not a package EL 7 has")?;
    if !rest.ends_with("(64bit)") {
        return Err("not a 64-bit library".into());
    }
    let version = rest.trim_end_matches("(64bit)").trim_end_matches(')');
    if GLIBC_LIBRARIES.contains(&library) {
        if version.is_empty() {
            return Ok(());
        }
        let numbers = version.strip_prefix("GLIBC_").ok_or("not a glibc symbol version")?;
        let mut parts = numbers.split('.').map(|p| p.parse::<u32>().unwrap_or(u32::MAX));
        let (major, minor) = (parts.next().unwrap_or(u32::MAX), parts.next().unwrap_or(0));
        return if (major, minor) <= EL7_GLIBC { Ok(()) } else { Err("newer than EL 7's glibc 2.17".into()) };
    }
    if library == "libgcc_s.so.1" {
        return if version.is_empty() || EL7_LIBGCC.contains(&version) {
            Ok(())
        } else {
            Err("a libgcc symbol version newer than EL 7's GCC 4.8".into())
        };
    }
    Err("a library EL 7's glibc and libgcc do not have".into())
}

/// `rpm --root` in `dir`, with EL's database path.
fn rpm_in(dir: &Path) -> Command {
    let mut rpm = Command::new("rpm");
    rpm.arg("--root").arg(dir).args(["--dbpath", "/var/lib/rpm"]);
    rpm
}

/// The packages installed into an empty root, then verified there.
fn install(dir: &Path, rpms: &[&PathBuf]) -> Result<(), String> {
    fresh_dir(dir)?;
    capture("rpm --initdb", rpm_in(dir).arg("--initdb"))?;
    capture(
        "rpm -i --nodeps --noscripts",
        rpm_in(dir).args(["-i", "--nodeps", "--noscripts", "--ignorearch", "--ignoreos"]).args(rpms),
    )?;
    let installed =
        capture("rpm -qa", rpm_in(dir).args(["-qa", "--qf", "%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm\n"]))?;
    let mut names: Vec<&str> = installed.lines().collect();
    names.sort();
    let mut wanted: Vec<String> =
        rpms.iter().map(|r| r.file_name().unwrap_or_default().to_string_lossy().into_owned()).collect();
    wanted.sort();
    if names != wanted {
        return Err(format!("rpm -qa in {} lists {names:?}, not {wanted:?}", dir.display()));
    }
    for name in &names {
        let package = name.split(&format!("-{VERSION}-")).next().unwrap_or_default();
        // The empty root has no /etc/passwd (owners are checked by name only on EL itself), nor
        // what the packages need of EL.
        let out = rpm_in(dir)
            .args(["-V", "--nodeps", "--nouser", "--nogroup", package])
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "rpm -V {package} in {}:\n{}{}",
                dir.display(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    println!("rpm: {} installed into an empty root ({}), rpm -V clean", names.join(" "), dir.display());
    Ok(())
}

/// ldd, the demo, the C example and (on x86_64) the PHP page, from the root's files.
fn from_root(
    root: &Path,
    tools: &Path,
    target: &Target,
    dir: &Path,
    native_prefix: &Path,
    work: &Path,
) -> Result<(), String> {
    let arch = rpm_arch(target);
    let native = *target == NATIVE;
    let library = dir.join("usr/lib64").join(format!("libsectigo.so.{VERSION}"));
    let libdir = dir.join("usr/lib64");
    for file in [library.clone(), dir.join("usr/bin/sectigo"), dir.join("usr/bin/sectigo-sandbox")] {
        let out = ldd(target, &file, &libdir)?;
        if out.contains("not found") || !out.contains("libc.so.6") {
            return Err(format!("rpm {arch}: ldd {}:\n{out}", file.display()));
        }
    }
    let demo = capture("sectigo demo", target.command(&dir.join("usr/bin/sectigo")).arg("demo"))?;
    if !demo.contains("!AutoAuthorize") {
        return Err(format!("rpm {arch}: sectigo demo from the root printed:\n{demo}"));
    }
    println!("rpm {arch}: ldd finds every library of libsectigo and the commands; sectigo demo: {}", last_line(&demo));

    let sandbox_dir = work.join(format!("rpm-sandbox-{arch}"));
    fresh_dir(&sandbox_dir)?;
    let sandbox = SandboxProcess::start(native_prefix.join("bin/sectigo-sandbox"), &[], &sandbox_dir)?;
    // The README's C example, built as a cross build against a sysroot is: pkg-config reads the
    // root's sectigo.pc and puts the root before its paths.
    let pc = capture(
        "pkg-config --cflags --libs sectigo",
        Command::new("pkg-config")
            .env("PKG_CONFIG_SYSROOT_DIR", dir)
            .env("PKG_CONFIG_LIBDIR", libdir.join("pkgconfig"))
            .args(["--cflags", "--libs", "sectigo"]),
    )?;
    let program = work.join(format!("rpm-order-{arch}"));
    let mut cc = target.cc.command(tools);
    cc.args(["-std=c99", "-Wall", "-Werror", "-o"])
        .arg(&program)
        .arg(root.join("bindings/c/examples/order.c"))
        .args(pc.split_whitespace());
    capture(&format!("{} order.c $(pkg-config ...)", target.cc.name()), &mut cc)?;
    let linked = ldd(target, &program, &libdir)?;
    if !linked.lines().any(|l| l.contains(&xtask::soname(VERSION)) && l.contains(&libdir.display().to_string())) {
        return Err(format!("rpm {arch}: the C example does not load the root's library:\n{linked}"));
    }
    let out =
        capture("the C example", target.command(&program).env("LD_LIBRARY_PATH", &libdir).envs(sandbox.user_env()))?;
    super::release::expect(
        &out,
        &[&format!("libsectigo {VERSION}"), "placed order", "authorized order"],
        "the C example on the RPM's library",
    )?;
    println!(
        "rpm {arch}: the README's C example, {} $(pkg-config ...) against the root: {}",
        target.cc.name(),
        last_line(&out)
    );

    if native {
        php_page(root, dir, &sandbox)?;
    }
    let calls = sandbox.check_log(&[])?;
    println!("rpm {arch}: sandbox log: {calls} calls, passwords redacted, no canary");
    Ok(())
}

/// What the loader would load for `file`, with `libdir` searched first: `ldd` here, or the
/// aarch64 loader's `--list` under qemu-user.
fn ldd(target: &Target, file: &Path, libdir: &Path) -> Result<String, String> {
    let mut ldd = match target.runner {
        Runner::Native => Command::new("ldd"),
        Runner::Emulator(_) => {
            // The aarch64 loader of libc6-arm64-cross, which the set-up installs.
            let mut loader = target.command(Path::new("/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1"));
            loader.arg("--list");
            loader
        }
        Runner::Never => return Err(format!("{} has no way to run here", target.triple)),
    };
    capture(&format!("ldd {}", file.display()), ldd.env("LD_LIBRARY_PATH", libdir).arg(file))
}

/// The panel page under the machine's PHP, on the root's PHP package and library.
fn php_page(root: &Path, dir: &Path, sandbox: &SandboxProcess) -> Result<(), String> {
    let ini = std::fs::read_to_string(dir.join(PHP_INI.trim_start_matches('/'))).map_err(|e| e.to_string())?;
    for path in ini.lines().filter(|l| !l.starts_with(';')).filter_map(|l| l.split_once('=')).map(|(_, v)| v.trim()) {
        if path.starts_with('/') && !dir.join(path.trim_start_matches('/')).exists() {
            return Err(format!("rpm: {PHP_INI} names {path}, which the packages do not hold"));
        }
    }
    let page = root.join("bindings/php/tests/web/index.php");
    let out = capture(
        "php (the panel page, action=flow, on the root's files)",
        Command::new("php")
            .args(["-d", "ffi.enable=1", "-r"])
            .arg(format!("parse_str('action=flow', $_GET); require '{}';", page.display()))
            .env("SECTIGO_PHP_PACKAGE", dir.join("usr/share/php/sectigo"))
            .env("SECTIGO_LIBRARY", dir.join("usr/lib64").join(xtask::soname(VERSION)))
            .envs(sandbox.env.iter().cloned()),
    )?;
    let line = out.lines().rev().find(|l| l.starts_with('{')).unwrap_or_default();
    let answer: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("rpm: the panel page answered {out:?} ({e})"))?;
    if answer["order"].as_str().is_none() || answer["session"] != true {
        return Err(format!("rpm: the panel page on the root's PHP package answered {answer}"));
    }
    println!(
        "rpm x86_64: every path of {PHP_INI} is in the root; the panel page on its PHP package and library: order {}, authorized, session",
        answer["order"].as_str().unwrap_or_default()
    );
    Ok(())
}
