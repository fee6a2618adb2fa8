//! The Debian packages as a panel server's administrator installs them.
//!
//! - lintian on each package: no error (its warnings are printed).
//! - For each architecture packaged (amd64 natively, arm64 under qemu-user through
//!   binfmt_misc), a fresh Debian root made by mmdebstrap with php-fpm in it, then, inside it
//!   (chroot): `apt-get install ./*.deb`; the loader finds `libsectigo.so.<ABI>`; `sectigo
//!   demo`; on amd64 the README's C example built with `cc $(pkg-config --cflags --libs
//!   sectigo)`; `phpenmod sectigo`, then php-fpm behind docs/deployment.md's pool lines serves
//!   the panel page, which places, authorizes and opens a session for an order against the
//!   sandbox with the library preloaded; `phpdismod sectigo`; `apt-get remove` and `purge` of
//!   `php-sectigo` leave no module behind.
//! - On arm64, the PHP suite (phpunit) in Debian's arm64 PHP, on the packaged library.
//!
//! The sandbox runs on this machine, its files inside the root, so the root's programs reach
//! it over loopback and read its CA at the same path less the root's prefix.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::commands::dist::{Dist, VERSION, abi_version};
use crate::commands::process::{SandboxProcess, capture, fresh_dir, last_line};
use crate::commands::setup;
use crate::commands::targets::{Libc, NATIVE, Os};

/// What each root holds before the packages go in: the web server the page runs under.
const ROOT_PACKAGES: &[&str] = &["php-fpm", "php-cli"];
/// On amd64, also a C compiler and pkg-config for the README's C example.
const C_PACKAGES: &[&str] = &["gcc", "libc6-dev", "pkg-config"];
/// On arm64, also phpunit and PSR-3 for the PHP suite.
const PHPUNIT_PACKAGES: &[&str] = &["phpunit", "php-psr-log"];
/// Debian 12's PHP.
const PHP: &str = "8.2";

pub fn test(root: &Path, dist: &Dist, native_prefix: &Path, work: &Path) -> Result<(), String> {
    lintian(&dist.debs)?;
    // The targets `dist` made Debian packages for: one each per Debian architecture.
    let packaged = dist.built.iter().map(|b| b.target).filter(|t| t.os == Os::Linux && t.libc == Libc::Gnu);
    for target in packaged {
        let (arch, native) = (target.debian_arch, target == NATIVE);
        if !native {
            setup::binfmt_qemu(target.arch)?;
        }
        let dir = work.join(format!("deb-root-{arch}"));
        let mut packages = ROOT_PACKAGES.to_vec();
        packages.extend(if native { C_PACKAGES } else { PHPUNIT_PACKAGES });
        let started = std::time::Instant::now();
        let mut debian = Root::make(&dir, arch, &packages)?;
        println!("debian {arch}: a fresh root with {} in {} s", packages.join(" "), started.elapsed().as_secs());
        let debs: Vec<&PathBuf> = dist
            .debs
            .iter()
            .filter(|d| {
                let name = d.to_string_lossy();
                name.ends_with(&format!("_{arch}.deb")) || name.ends_with("_all.deb")
            })
            .collect();
        in_root(root, &mut debian, &debs, native, native_prefix)?;
    }
    Ok(())
}

/// lintian on every package, failing on an error; its other findings are printed.
fn lintian(debs: &[PathBuf]) -> Result<(), String> {
    let mut lintian = Command::new("lintian");
    lintian.args(["--fail-on", "error", "--tag-display-limit", "0"]).args(debs);
    let out = lintian.output().map_err(|e| format!("lintian: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let findings: Vec<&str> = text.lines().filter(|l| l.len() > 2 && l.as_bytes()[1] == b':').collect();
    if !out.status.success() || findings.iter().any(|l| l.starts_with("E:")) {
        return Err(format!("lintian found errors:\n{text}{}", String::from_utf8_lossy(&out.stderr)));
    }
    println!("lintian on {} packages: no error; {} other findings", debs.len(), findings.len());
    for line in findings {
        println!("  {line}");
    }
    Ok(())
}

/// A Debian root made by mmdebstrap, with /proc and /dev mounted for the programs run in it;
/// unmounted when dropped.
struct Root {
    dir: PathBuf,
    mounted: Vec<PathBuf>,
}

impl Root {
    fn make(dir: &Path, arch: &str, packages: &[&str]) -> Result<Root, String> {
        // A root left by a stopped run may still have the machine's /dev mounted in it: unmount
        // before deleting anything.
        unmount_under(dir)?;
        fresh_dir(dir)?;
        std::fs::remove_dir(dir).map_err(|e| e.to_string())?;
        capture(
            "mmdebstrap",
            Command::new("mmdebstrap")
                .args([
                    "--quiet",
                    "--variant=apt",
                    &format!("--arch={arch}"),
                    &format!("--include={}", packages.join(",")),
                ])
                .arg(super::platforms::debian_suite()?)
                .arg(dir),
        )?;
        let mut root = Root { dir: dir.to_owned(), mounted: Vec::new() };
        root.mount(&["--bind", "/dev"], "dev")?;
        root.mount(&["-t", "proc", "proc"], "proc")?;
        Ok(root)
    }

    fn mount(&mut self, how: &[&str], at: &str) -> Result<(), String> {
        let target = self.host(at);
        capture(&format!("mounting {at}"), Command::new("mount").args(how).arg(&target))?;
        self.mounted.push(target);
        Ok(())
    }

    /// A program inside the root, with a clean environment plus `env`.
    fn command(&self, program: &str, env: &[(String, String)]) -> Command {
        let mut command = Command::new("chroot");
        command
            .arg(&self.dir)
            .arg(program)
            .env_clear()
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            .env("LANG", "C.UTF-8")
            .env("HOME", "/root")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .envs(env.iter().cloned());
        command
    }

    fn run(&self, what: &str, program: &str, args: &[&str], env: &[(String, String)]) -> Result<String, String> {
        capture(what, self.command(program, env).args(args))
    }

    /// Whether a file or link is at a path inside the root (a link's target is the root's, so it
    /// is not followed).
    fn has(&self, inside: &str) -> bool {
        std::fs::symlink_metadata(self.host(inside)).is_ok()
    }

    /// A path inside the root, as the machine sees it.
    fn host(&self, inside: &str) -> PathBuf {
        self.dir.join(inside.trim_start_matches('/'))
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        for at in self.mounted.iter().rev() {
            let _ = Command::new("umount").arg("-l").arg(at).status();
        }
    }
}

/// Unmounts whatever is mounted at or below `dir` (deepest first).
fn unmount_under(dir: &Path) -> Result<(), String> {
    let mounts = std::fs::read_to_string("/proc/mounts").map_err(|e| format!("/proc/mounts: {e}"))?;
    let mut under: Vec<&str> =
        mounts.lines().filter_map(|l| l.split(' ').nth(1)).filter(|m| Path::new(m).starts_with(dir)).collect();
    under.sort_by_key(|m| std::cmp::Reverse(m.len()));
    for m in under {
        capture(&format!("umount {m}"), Command::new("umount").arg("-l").arg(m))?;
    }
    Ok(())
}

fn in_root(
    root: &Path,
    debian: &mut Root,
    debs: &[&PathBuf],
    native: bool,
    native_prefix: &Path,
) -> Result<(), String> {
    let arch = if native { "amd64" } else { "arm64" };
    let inbox = debian.host("/tmp/debs");
    std::fs::create_dir_all(&inbox).map_err(|e| e.to_string())?;
    let mut inside = Vec::new();
    for deb in debs {
        let name = deb.file_name().unwrap_or_default().to_string_lossy().into_owned();
        std::fs::copy(deb, inbox.join(&name)).map_err(|e| e.to_string())?;
        inside.push(format!("./{name}"));
    }
    let mut install = debian.command("/bin/sh", &[]);
    install.args(["-c", &format!("cd /tmp/debs && apt-get install -y --no-install-recommends {}", inside.join(" "))]);
    let out = capture("apt-get install ./*.deb", &mut install)?;
    let newly = out.lines().find(|l| l.contains("newly installed")).unwrap_or_default();
    println!("debian {arch}: apt-get install {}: {}", inside.join(" "), newly.trim());

    let soname = xtask::soname(VERSION);
    let cache = debian.run("ldconfig -p", "/sbin/ldconfig", &["-p"], &[])?;
    // Debian's /lib is /usr/lib: the cache may name either.
    if !cache.lines().any(|l| l.contains(&format!("{soname} (")) && l.contains("-linux-gnu/libsectigo")) {
        return Err(format!("debian {arch}: the loader's cache has no {soname}:\n{cache}"));
    }
    let version = debian.run("sectigo --version", "/usr/bin/sectigo", &["--version"], &[])?;
    if version.trim() != format!("sectigo {VERSION}") {
        return Err(format!("debian {arch}: sectigo --version printed {version:?}"));
    }
    let demo = debian.run("sectigo demo", "/usr/bin/sectigo", &["demo"], &[])?;
    if !demo.contains("!AutoAuthorize") {
        return Err(format!("debian {arch}: sectigo demo printed:\n{demo}"));
    }
    println!("debian {arch}: {soname} in the loader's cache; {}; sectigo demo: {}", version.trim(), last_line(&demo));

    // The sandbox's files inside the root: its CA is at the same path less the root's prefix.
    let sandbox_dir = debian.host("/srv/sandbox");
    fresh_dir(&sandbox_dir)?;
    let sandbox = SandboxProcess::start(
        native_prefix.join("bin/sectigo-sandbox"),
        &["--tinyproxy", "--private-port", "0"],
        &sandbox_dir,
    )?;
    let prefix = debian.dir.display().to_string();
    let inside_env = |env: Vec<(String, String)>| -> Vec<(String, String)> {
        env.into_iter().map(|(k, v)| (k, v.replace(&prefix, ""))).collect()
    };
    let sandbox_env = inside_env(sandbox.env.clone());
    let user_env = inside_env(sandbox.user_env().into_iter().map(|(k, v)| (k.to_owned(), v)).collect());

    if native {
        let example = debian.host("/srv/order.c");
        std::fs::copy(root.join("bindings/c/examples/order.c"), &example).map_err(|e| e.to_string())?;
        debian.run(
            "the C example, built with pkg-config",
            "/bin/sh",
            &["-c", "cc -std=c99 -Wall -Werror -o /srv/order /srv/order.c $(pkg-config --cflags --libs sectigo)"],
            &[],
        )?;
        let out = debian.run("the C example", "/srv/order", &[], &user_env)?;
        super::release::expect(
            &out,
            &[&format!("libsectigo {VERSION}"), "placed order", "authorized order"],
            "the C example in the Debian root",
        )?;
        println!(
            "debian {arch}: the README's C example, cc $(pkg-config --cflags --libs sectigo): {}",
            last_line(&out)
        );
    }

    php(root, debian, arch, &sandbox, &sandbox_env)?;
    if !native {
        phpunit(root, debian, arch, &sandbox, &sandbox_env)?;
    }
    let calls = sandbox.check_log(&[])?;
    println!("debian {arch}: sandbox log: {calls} calls, passwords redacted, no canary");
    Ok(())
}

/// `sectigo.ini` in mods-available, phpenmod, the page under php-fpm, phpdismod, then removal.
fn php(
    root: &Path,
    debian: &Root,
    arch: &str,
    sandbox: &SandboxProcess,
    env: &[(String, String)],
) -> Result<(), String> {
    let available = format!("/etc/php/{PHP}/mods-available/sectigo.ini");
    if !debian.host(&available).is_file() {
        return Err(format!("debian {arch}: php-sectigo's postinst left no {available}"));
    }
    let preload = |what: &str| {
        debian.run(what, "/usr/bin/php", &["-r", "echo ini_get('ffi.preload'), '|', ini_get('opcache.preload');"], &[])
    };
    if !preload("php before phpenmod")?.trim().eq("|") {
        return Err(format!("debian {arch}: sectigo.ini is enabled before phpenmod"));
    }
    debian.run("phpenmod sectigo", "/usr/sbin/phpenmod", &["sectigo"], &[])?;
    let enabled = format!("/etc/php/{PHP}/fpm/conf.d/30-sectigo.ini");
    if !debian.has(&enabled) {
        return Err(format!("debian {arch}: phpenmod sectigo made no {enabled}"));
    }
    let lines = preload("php after phpenmod")?;
    if lines.trim() != "/usr/share/php/sectigo/sectigo.ffi.h|/usr/share/php/sectigo/preload.php" {
        return Err(format!("debian {arch}: after phpenmod, ffi.preload|opcache.preload are {lines:?}"));
    }

    // php-fpm as Debian runs it (its own php-fpm.conf and pool folder), the pool being the
    // stock one's user plus the sandbox's settings and docs/deployment.md's proxy lines.
    let deployment = std::fs::read_to_string(root.join("docs/deployment.md")).map_err(|e| e.to_string())?;
    let proxy = sandbox.info["proxy"]["url"].as_str().ok_or("the sandbox runs no proxy")?;
    let pool_lines = super::php::readme_pool_lines(&deployment)?.replace(super::php::README_PROXY, proxy);
    let socket = "/run/php/sectigo-test.sock";
    let mut pool = format!(
        "[www]\nuser = www-data\ngroup = www-data\nlisten = {socket}\nlisten.owner = www-data\npm = static\n\
         pm.max_children = 2\nclear_env = yes\ncatch_workers_output = yes\n"
    );
    for (name, value) in env {
        pool.push_str(&format!("env[{name}] = \"{value}\"\n"));
    }
    pool.push_str("env[SECTIGO_PHP_PACKAGE] = /usr/share/php/sectigo\n");
    pool.push_str(&pool_lines);
    std::fs::write(debian.host(&format!("/etc/php/{PHP}/fpm/pool.d/www.conf")), pool).map_err(|e| e.to_string())?;
    let page_dir = debian.host("/srv/panel");
    std::fs::create_dir_all(&page_dir).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("bindings/php/tests/web/index.php"), page_dir.join("index.php"))
        .map_err(|e| e.to_string())?;
    std::fs::create_dir_all(debian.host("/run/php")).map_err(|e| e.to_string())?;
    let fpm = Fpm(debian
        .command(&format!("/usr/sbin/php-fpm{PHP}"), &[])
        .args(["--nodaemonize", "--fpm-config", &format!("/etc/php/{PHP}/fpm/php-fpm.conf")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting php-fpm in the root: {e}"))?);
    let log = || std::fs::read_to_string(debian.host(&format!("/var/log/php{PHP}-fpm.log"))).unwrap_or_default();
    let proxy_log = sandbox.info["proxy"]["log"].as_str().unwrap_or_default().to_owned();
    let target = sandbox.info["https_url"].as_str().unwrap_or_default().trim_start_matches("https://").to_owned();
    let tunnels = || {
        let needle = format!("CONNECT {target} HTTP/1.1");
        std::fs::read_to_string(&proxy_log).unwrap_or_default().matches(&needle).count()
    };
    let tunnels_before = tunnels();
    let socket_host = debian.host(socket);
    let started = std::time::Instant::now();
    while !socket_host.exists() {
        if started.elapsed() > std::time::Duration::from_secs(120) {
            return Err(format!("debian {arch}: php-fpm made no socket in 120 s:\n{}", log()));
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let out = capture(
        "cgi-fcgi (the panel page, action=flow)",
        Command::new("cgi-fcgi")
            .args(["-bind", "-connect"])
            .arg(&socket_host)
            .env_clear()
            .env("SCRIPT_FILENAME", "/srv/panel/index.php")
            .env("SCRIPT_NAME", "/index.php")
            .env("REQUEST_METHOD", "GET")
            .env("QUERY_STRING", "action=flow")
            .env("SERVER_PROTOCOL", "HTTP/1.1"),
    )?;
    drop(fpm);
    let answer = out.lines().rev().find(|l| l.starts_with('{')).unwrap_or_default();
    let answer: serde_json::Value = serde_json::from_str(answer)
        .map_err(|e| format!("debian {arch}: the page answered {out:?} ({e})\n{}", log()))?;
    if answer["order"].as_str().is_none() || answer["session"] != true || answer["preloaded"] != true {
        return Err(format!("debian {arch}: php-fpm's page answered {answer}\n{}", log()));
    }
    let through = tunnels() - tunnels_before;
    if through == 0 {
        return Err(format!(
            "debian {arch}: the pool lines of docs/deployment.md did not send the calls through the proxy"
        ));
    }
    println!(
        "debian {arch}: phpenmod sectigo, then php-fpm{PHP} (pool with docs/deployment.md's lines): order {}, authorized, session, library preloaded, {through} tunnels through tinyproxy",
        answer["order"].as_str().unwrap_or_default()
    );

    debian.run("phpdismod sectigo", "/usr/sbin/phpdismod", &["sectigo"], &[])?;
    if debian.has(&enabled) || preload("php after phpdismod")?.trim() != "|" {
        return Err(format!("debian {arch}: phpdismod sectigo left it enabled"));
    }
    debian.run("phpenmod sectigo (again)", "/usr/sbin/phpenmod", &["sectigo"], &[])?;
    debian.run("apt-get remove php-sectigo", "/usr/bin/apt-get", &["remove", "-y", "php-sectigo"], &[])?;
    if debian.has(&enabled) {
        return Err(format!("debian {arch}: apt-get remove php-sectigo left {enabled}, naming files that are gone"));
    }
    debian.run("apt-get purge php-sectigo", "/usr/bin/apt-get", &["purge", "-y", "php-sectigo"], &[])?;
    if debian.has(&available) {
        return Err(format!("debian {arch}: apt-get purge php-sectigo left {available}"));
    }
    // Back, for what follows.
    debian.run(
        "apt-get install php-sectigo (again)",
        "/bin/sh",
        &["-c", "cd /tmp/debs && apt-get install -y --no-install-recommends ./php-sectigo_*_all.deb"],
        &[],
    )?;
    println!("debian {arch}: phpdismod sectigo disables it; apt-get remove disables it, purge deletes {available}");
    Ok(())
}

/// The PHP suite in the root's PHP, on the packaged library (found by its SONAME), from a copy
/// of what it reads of the repository.
fn phpunit(
    root: &Path,
    debian: &mut Root,
    arch: &str,
    sandbox: &SandboxProcess,
    env: &[(String, String)],
) -> Result<(), String> {
    let repo = debian.host("/srv/repo");
    fresh_dir(&repo)?;
    for part in ["README.md", "docs", "tests/vectors/generated", "bindings/php"] {
        let to = repo.join(part);
        std::fs::create_dir_all(to.parent().unwrap_or(&repo)).map_err(|e| e.to_string())?;
        capture(&format!("copying {part}"), Command::new("cp").arg("-r").arg(root.join(part)).arg(&to))?;
    }
    // The proxy's log, which the egress tests read, at the same path inside.
    let proxy_log = sandbox.info["proxy"]["log"].as_str().unwrap_or_default();
    if let Some(dir) = Path::new(proxy_log).parent().filter(|d| d.is_dir()) {
        let inside = dir.display().to_string();
        std::fs::create_dir_all(debian.host(&inside)).map_err(|e| e.to_string())?;
        debian.mount(&["--bind", &inside], &inside)?;
    }
    let mut env = env.to_vec();
    env.push(("SECTIGO_SANDBOX_BINARY".into(), "/usr/bin/sectigo-sandbox".into()));
    let started = std::time::Instant::now();
    let out = debian.run(
        "phpunit in the root",
        "/bin/sh",
        &[
            "-c",
            &format!("cd /srv/repo/bindings/php && SECTIGO_LIBRARY={} phpunit -c phpunit.xml", xtask::soname(VERSION)),
        ],
        &env,
    )?;
    let tail: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).rev().take(1).collect();
    println!(
        "debian {arch}: phpunit in Debian's {arch} PHP {PHP} on the packaged libsectigo{}: {} ({} s)",
        abi_version(VERSION),
        tail.join(""),
        started.elapsed().as_secs()
    );
    Ok(())
}

/// php-fpm's master in the root; stopped when dropped.
struct Fpm(Child);

impl Drop for Fpm {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-QUIT").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}
