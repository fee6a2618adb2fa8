//! The PHP suites, on the release archive's library and PHP package:
//! - phpunit on the command line (FFI::cdef);
//! - a control panel's pages under Debian's php-fpm with its stock `ffi.enable=preload` and the
//!   README's php.ini lines (ffi.preload, opcache.preload), requests sent over FastCGI
//!   (`cgi-fcgi`): every endpoint, the exceptions, 1000 requests over the worker pool with the
//!   sandbox's connection counter and the workers' memory watched;
//! - the same under Debian's Apache with mod_php;
//! - the same pages under `php -S` with the same settings;
//! - the package as Composer installs it, from a copy outside the repository.

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::commands::dist::VERSION;
use crate::commands::process::{SandboxProcess, capture, fresh_dir};

/// Debian 12's php-fpm (in /usr/sbin, which a PATH may lack).
const FPM: &str = "/usr/sbin/php-fpm8.2";
/// php-fpm's workers in the test pool.
const WORKERS: usize = 2;
/// Requests sent over the pool.
const REQUESTS: usize = 1000;
/// A password that must never show in a trace (the pages use it).
const CANARY: &str = "page-canary-0c1d";

pub fn test(root: &Path, prefix: &Path, work: &Path) -> Result<(), String> {
    let sandbox =
        SandboxProcess::start(prefix.join("bin/sectigo-sandbox"), &["--tinyproxy", "--private-port", "0"], work)?;
    let out = capture(
        "phpunit",
        Command::new("phpunit")
            .current_dir(root.join("bindings/php"))
            .args(["-c", "phpunit.xml"])
            .env("SECTIGO_LIBRARY", prefix.join("lib/libsectigo.so"))
            // For Sectigo\Testing\Sandbox (the package is not in the archive here).
            .env("SECTIGO_SANDBOX_BINARY", prefix.join("bin/sectigo-sandbox"))
            .envs(sandbox.env.iter().cloned()),
    )?;
    let tail: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).rev().take(2).collect();
    println!("{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));

    let web = Web::new(root, prefix, work, &sandbox)?;
    fpm(&web, &std::fs::read_to_string(root.join("docs/deployment.md")).map_err(|e| e.to_string())?)?;
    apache(&web)?;
    cli_server(&web)?;
    composer(root, prefix, work, &sandbox)?;
    let calls = sandbox.check_log(&[CANARY])?;
    println!("sandbox log: {calls} calls, passwords redacted, no canary");
    Ok(())
}

/// What the web tests share: the php.ini lines, the pages, the environment.
struct Web<'a> {
    work: PathBuf,
    conf_d: PathBuf,
    page: PathBuf,
    env: Vec<(String, String)>,
    sandbox: &'a SandboxProcess,
}

impl<'a> Web<'a> {
    fn new(root: &Path, prefix: &Path, work: &Path, sandbox: &'a SandboxProcess) -> Result<Web<'a>, String> {
        let work = work.join("php-web");
        fresh_dir(&work)?;
        let package = prefix.join("share/php/sectigo");
        // The PHP package README's php.ini lines, as written, for an archive unpacked into the
        // prefix instead of /usr/local; and, for this test only, traces with arguments.
        let readme = std::fs::read_to_string(root.join("bindings/php/README.md")).map_err(|e| e.to_string())?;
        let lines = crate::commands::dist::debian::readme_php_ini(&readme)?
            .replace("/usr/local", &prefix.display().to_string());
        let conf_d = work.join("conf.d");
        std::fs::create_dir_all(&conf_d).map_err(|e| e.to_string())?;
        std::fs::write(conf_d.join("99-sectigo.ini"), lines).map_err(|e| e.to_string())?;
        std::fs::write(conf_d.join("99-test.ini"), "zend.exception_ignore_args=0\nerror_log=/dev/stderr\n")
            .map_err(|e| e.to_string())?;
        let page = root.join("bindings/php/tests/web/index.php");
        let mut env: Vec<(String, String)> = sandbox.env.clone();
        // What `ldconfig` does for an archive unpacked under /usr/local: the loader finds the
        // library that sectigo.ffi.h's FFI_LIB names.
        env.push(("LD_LIBRARY_PATH".into(), prefix.join("lib").display().to_string()));
        env.push(("SECTIGO_PHP_PACKAGE".into(), package.display().to_string()));
        Ok(Web { work, conf_d, page, env, sandbox })
    }

    /// `PHP_INI_SCAN_DIR`: Debian's folder for `sapi` (stock settings), then ours.
    fn scan_dir(&self, sapi: &str) -> String {
        format!("/etc/php/8.2/{sapi}/conf.d:{}", self.conf_d.display())
    }

    fn admin(&self, path: &str, form: &[&str]) -> Result<String, String> {
        let url = format!("{}/_sandbox/{path}", self.sandbox.info["http_url"].as_str().unwrap_or_default());
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "--fail", "--max-time", "10"]);
        for field in form {
            cmd.args(["--data-urlencode", field]);
        }
        if form.is_empty() && path != "counters" {
            cmd.args(["-X", "POST"]);
        }
        capture(&format!("sandbox {path}"), cmd.arg(url))
    }

    /// Connections the sandbox accepted since its counters were reset (the admin endpoints'
    /// own are not counted).
    fn connections(&self) -> Result<u64, String> {
        let counters: serde_json::Value =
            serde_json::from_str(&self.admin("counters", &[])?).map_err(|e| format!("counters: {e}"))?;
        Ok(counters["connections"].as_u64().unwrap_or(u64::MAX))
    }

    /// Sends every page once (with a lost answer injected before the last) and checks what
    /// each answers, through `get(action)`.
    fn pages(&self, server: &str, get: &dyn Fn(&str) -> Result<serde_json::Value, String>) -> Result<(), String> {
        let flow = get("flow")?;
        expect(&flow, server, "flow", |a| {
            a["order"].as_str().is_some() && a["session"] == true && a["preloaded"] == true
        })?;
        let invalid = get("validation")?;
        expect(&invalid, server, "validation", |a| a["exception"] == "Sectigo\\ValidationException")?;
        let api = get("api_error")?;
        // -16 is a refused login: the generated class of its row in spec/client.toml's
        // [[api_error]], a kind of ApiException.
        expect(&api, server, "api_error", |a| {
            a["exception"] == "Sectigo\\AuthenticationException" && a["api"] == true && a["code"] == -16
        })?;
        let trace = api["trace"].as_str().unwrap_or_default();
        if trace.contains(CANARY) || !trace.contains("SensitiveParameterValue") {
            return Err(format!("{server}: the trace shows the password, or no argument at all:\n{trace}"));
        }
        self.admin("faults", &["kind=close", "endpoint=!PlaceOrder", "count=1"])?;
        let lost = get("outcome_unknown")?;
        expect(&lost, server, "outcome_unknown", |a| a["exception"] == "Sectigo\\OutcomeUnknownException")?;
        println!(
            "{server}: order, authorize and session; ValidationException, AuthenticationException (an ApiException, -16, no password in the trace \
             with zend.exception_ignore_args=0), OutcomeUnknownException"
        );
        Ok(())
    }
}

fn expect(
    answer: &serde_json::Value,
    server: &str,
    action: &str,
    ok: impl Fn(&serde_json::Value) -> bool,
) -> Result<(), String> {
    if ok(answer) { Ok(()) } else { Err(format!("{server}: page {action} answered {answer}")) }
}

/// The JSON line that ends a page's output.
fn answer(output: &str) -> Result<serde_json::Value, String> {
    let line = output.lines().rev().find(|l| l.starts_with('{')).ok_or_else(|| format!("no JSON in {output:?}"))?;
    serde_json::from_str(line).map_err(|e| format!("{e} in {line:?}"))
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

fn wait_for(what: &str, ready: impl Fn() -> bool) -> Result<(), String> {
    let start = Instant::now();
    while !ready() {
        if start.elapsed() > Duration::from_secs(20) {
            return Err(format!("{what} did not start within 20 s"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// Debian's php-fpm, its master as root (`-R`) and workers as www-data, stock php.ini plus the
/// README's lines. The pool keeps php-fpm's default `clear_env = yes`: the workers get the
/// sandbox's settings and, from the README's pool lines, the proxy, through `env[...]` lines
/// only, and every call must go through the proxy.
fn fpm(web: &Web, readme: &str) -> Result<(), String> {
    let socket = web.work.join("fpm.sock");
    let log = web.work.join("fpm.log");
    let config = web.work.join("fpm.conf");
    let proxy_url = web.sandbox.info["proxy"]["url"].as_str().ok_or("the sandbox runs no proxy (--tinyproxy)")?;
    let pool_lines = readme_pool_lines(readme)?.replace(README_PROXY, proxy_url);
    let mut env_lines = String::new();
    for (name, value) in &web.env {
        // Quoted: an INI value may not hold some characters bare (the signup path's '!').
        env_lines.push_str(&format!("env[{name}] = \"{value}\"\n"));
    }
    std::fs::write(
        &config,
        format!(
            "[global]\nerror_log = {}\ndaemonize = no\n\n[www]\nlisten = {}\nuser = www-data\ngroup = www-data\n\
             pm = static\npm.max_children = {WORKERS}\nclear_env = yes\ncatch_workers_output = yes\n{env_lines}{pool_lines}",
            log.display(),
            socket.display()
        ),
    )
    .map_err(|e| e.to_string())?;
    let proxy_log = web.sandbox.info["proxy"]["log"].as_str().unwrap_or_default().to_owned();
    let target = web.sandbox.info["https_url"].as_str().unwrap_or_default().trim_start_matches("https://").to_owned();
    let tunnels = || {
        let needle = format!("CONNECT {target} HTTP/1.1");
        std::fs::read_to_string(&proxy_log).unwrap_or_default().matches(&needle).count()
    };
    let tunnels_before = tunnels();
    let server = Server(
        Command::new(if Path::new(FPM).exists() { FPM } else { "php-fpm8.2" })
            .args(["-R", "-y"])
            .arg(&config)
            .env("PHP_INI_SCAN_DIR", web.scan_dir("fpm"))
            .envs(web.env.iter().cloned())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start php-fpm8.2: {e}"))?,
    );
    let fpm_log = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_for("php-fpm", || socket.exists()).map_err(|e| format!("{e}\n{}", fpm_log()))?;
    let get = |action: &str| -> Result<serde_json::Value, String> {
        let out = capture(
            &format!("cgi-fcgi (action={action})"),
            Command::new("cgi-fcgi")
                .args(["-bind", "-connect"])
                .arg(&socket)
                .env_clear()
                .env("SCRIPT_FILENAME", &web.page)
                .env("SCRIPT_NAME", "/index.php")
                .env("REQUEST_METHOD", "GET")
                .env("QUERY_STRING", format!("action={action}"))
                .env("SERVER_PROTOCOL", "HTTP/1.1"),
        )?;
        answer(&out).map_err(|e| format!("php-fpm, action={action}: {e}\n{}", fpm_log()))
    };
    traffic(web, "php-fpm", &get, REQUESTS)?;
    web.pages("php-fpm", &get)?;
    drop(server);
    let through = tunnels() - tunnels_before;
    if through == 0 {
        return Err(
            "php-fpm: the pool lines of docs/deployment.md (env[HTTPS_PROXY]) did not send the calls through the proxy"
                .into(),
        );
    }
    println!("php-fpm: clear_env = yes and the pool lines of docs/deployment.md: {through} tunnels through tinyproxy");
    Ok(())
}

/// The proxy URL the README's pool lines show, replaced by the test proxy's.
pub(super) const README_PROXY: &str = "http://panel:proxy-password@proxy.example.net:3128";

/// The php-fpm pool lines of docs/deployment.md (the ```ini block of its Proxies section).
pub(super) fn readme_pool_lines(readme: &str) -> Result<String, String> {
    let section = &readme[readme.find("## Proxies").ok_or("docs/deployment.md has no Proxies section")?..];
    let start = section.find("```ini\n").ok_or("docs/deployment.md: the Proxies section has no ```ini block")?
        + "```ini\n".len();
    let end = section[start..].find("```").ok_or("docs/deployment.md: unclosed ```ini block")?;
    let lines = &section[start..start + end];
    if !lines.contains(README_PROXY) {
        return Err(format!("docs/deployment.md: the pool lines no longer show {README_PROXY}"));
    }
    Ok(lines.to_owned())
}

/// `php -S` on a free port with Debian's CLI settings and, when `ours`, the README's lines.
fn start_cli_server(web: &Web, ours: bool, log: &Path) -> Result<(Server, u16), String> {
    let port = free_port()?;
    let docroot = web.page.parent().expect("the page is in a folder");
    let log_file = std::fs::File::create(log).map_err(|e| e.to_string())?;
    let scan_dir = if ours { web.scan_dir("cli") } else { "/etc/php/8.2/cli/conf.d".to_owned() };
    let server = Server(
        Command::new("php")
            .args(["-S", &format!("127.0.0.1:{port}"), "-t"])
            .arg(docroot)
            .env("PHP_INI_SCAN_DIR", scan_dir)
            .envs(web.env.iter().cloned())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .map_err(|e| format!("cannot start php -S: {e}"))?,
    );
    wait_for("php -S", || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok())?;
    Ok((server, port))
}

fn http_get(port: u16, action: &str, log: &Path) -> Result<serde_json::Value, String> {
    let out = capture(
        &format!("curl (action={action})"),
        Command::new("curl")
            .args(["-sS", "--max-time", "30"])
            .arg(format!("http://127.0.0.1:{port}/index.php?action={action}")),
    )?;
    answer(&out).map_err(|e| format!("action={action}: {e}\n{}", std::fs::read_to_string(log).unwrap_or_default()))
}

/// A panel's traffic on freshly started workers, a new `Sectigo\Client` per request: at most
/// one connection per worker at the sandbox, and no worker's memory growing by more than 5%
/// from request 100 to the last.
fn traffic(
    web: &Web,
    server: &str,
    get: &dyn Fn(&str) -> Result<serde_json::Value, String>,
    requests: usize,
) -> Result<(), String> {
    web.admin("reset-counters", &[])?;
    let mut rss: BTreeMap<u64, (u64, u64)> = BTreeMap::new(); // pid -> (RSS at request 100, last RSS)
    let started = Instant::now();
    for i in 1..=requests {
        let a = get("session")?;
        expect(&a, server, "session", |a| a["session"] == true)?;
        let (pid, kb) = (a["pid"].as_u64().unwrap_or(0), a["rss_kb"].as_u64().unwrap_or(0));
        let entry = rss.entry(pid).or_insert((0, 0));
        if i <= 100 {
            entry.0 = kb;
        }
        entry.1 = kb;
    }
    let elapsed = started.elapsed();
    let connections = web.connections()?;
    if rss.len() > WORKERS || connections > WORKERS as u64 {
        return Err(format!(
            "{server}: {requests} requests over {} workers opened {connections} connections (at most {WORKERS} allowed)",
            rss.len()
        ));
    }
    for (pid, (at100, last)) in &rss {
        if *at100 == 0 || *last as f64 > *at100 as f64 * 1.05 {
            return Err(format!(
                "{server} worker {pid}: RSS {at100} kB at request 100, {last} kB at request {requests}"
            ));
        }
    }
    let growth: Vec<String> = rss.iter().map(|(pid, (a, b))| format!("worker {pid}: {a} -> {b} kB")).collect();
    println!(
        "{server}: {requests} requests in {:.1} s over {} workers: {connections} connections to the sandbox; RSS from request 100 to {requests}: {}",
        elapsed.as_secs_f64(),
        rss.len(),
        growth.join(", ")
    );
    Ok(())
}

/// Debian's Apache with mod_php (prefork, two children as www-data), Debian's php.ini for it
/// plus the README's lines.
fn apache(web: &Web) -> Result<(), String> {
    let port = free_port()?;
    let docroot = web.page.parent().expect("the page is in a folder");
    let config = web.work.join("httpd.conf");
    let log = web.work.join("apache-error.log");
    let modules = "/usr/lib/apache2/modules";
    std::fs::write(
        &config,
        format!(
            "LoadModule mpm_prefork_module {modules}/mod_mpm_prefork.so\n\
             LoadModule authz_core_module {modules}/mod_authz_core.so\n\
             LoadModule env_module {modules}/mod_env.so\n\
             LoadModule php_module {modules}/libphp8.2.so\n\
             Listen 127.0.0.1:{port}\nServerName localhost\nPidFile {}\nErrorLog {}\n\
             User www-data\nGroup www-data\n\
             StartServers {WORKERS}\nMinSpareServers {WORKERS}\nMaxSpareServers {WORKERS}\nMaxRequestWorkers {WORKERS}\n\
             DocumentRoot {docroot}\n<Directory {docroot}>\n    Require all granted\n</Directory>\n\
             <FilesMatch \"\\.php$\">\n    SetHandler application/x-httpd-php\n</FilesMatch>\n\
             PassEnv {}\n",
            web.work.join("apache.pid").display(),
            log.display(),
            web.env.iter().map(|(k, _)| k.as_str()).filter(|k| *k != "LD_LIBRARY_PATH").collect::<Vec<_>>().join(" "),
            docroot = docroot.display(),
        ),
    )
    .map_err(|e| e.to_string())?;
    let _server = Server(
        Command::new("/usr/sbin/apache2")
            // Its own process group: stopping, Apache signals its whole group.
            .process_group(0)
            .args(["-DFOREGROUND", "-f"])
            .arg(&config)
            .env("PHP_INI_SCAN_DIR", web.scan_dir("apache2"))
            .envs(web.env.iter().cloned())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start apache2: {e}"))?,
    );
    wait_for("apache2", || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok())?;
    let get = |action: &str| http_get(port, action, &log);
    traffic(web, "Apache (mod_php)", &get, 300)?;
    web.pages("Apache (mod_php)", &get)
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).map_err(|e| e.to_string())
}

/// PHP's built-in web server (`php -S`, the cli-server SAPI) with the same settings; and,
/// without them, the error that tells what to add.
fn cli_server(web: &Web) -> Result<(), String> {
    let log = web.work.join("php-S-bare.log");
    let (bare, port) = start_cli_server(web, false, &log)?;
    let refused = http_get(port, "session", &log)?;
    let message = refused["message"].as_str().unwrap_or_default();
    if refused["exception"] != "Sectigo\\ConfigException"
        || !["ffi.enable=preload", "ffi.preload=", "opcache.preload=", "opcache.preload_user="]
            .iter()
            .all(|l| message.contains(l))
    {
        return Err(format!("php -S without the php.ini lines answered {refused}"));
    }
    drop(bare);
    println!("php -S without the php.ini lines: ConfigException naming them");

    let log = web.work.join("php-S.log");
    let (_server, port) = start_cli_server(web, true, &log)?;
    let get = |action: &str| http_get(port, action, &log);
    web.admin("reset-counters", &[])?;
    for _ in 0..100 {
        get("session")?;
    }
    let connections = web.connections()?;
    if connections > 1 {
        return Err(format!("php -S: 100 requests opened {connections} connections, not 1"));
    }
    println!("php -S: 100 requests over {connections} connection");
    web.pages("php -S", &get)?;
    Ok(())
}

/// The package from a copy outside the repository, as an application's Composer installs it
/// (a path repository; no network), then the README's example with Composer's autoloader.
fn composer(root: &Path, prefix: &Path, work: &Path, sandbox: &SandboxProcess) -> Result<(), String> {
    let dir = work.join("composer");
    fresh_dir(&dir)?;
    let package = dir.join("sectigo");
    capture(
        "copying the PHP package",
        Command::new("cp").arg("-r").arg(prefix.join("share/php/sectigo")).arg(&package),
    )?;
    capture(
        "composer validate --strict (the repository's package)",
        Command::new("composer").current_dir(root.join("bindings/php")).args([
            "validate",
            "--strict",
            "--no-interaction",
        ]),
    )?;
    // The archive's copy carries a version, which --strict would only warn about.
    capture(
        "composer validate (the archive's package)",
        Command::new("composer").current_dir(&package).args(["validate", "--no-interaction"]),
    )?;
    let app = dir.join("app");
    std::fs::create_dir_all(&app).map_err(|e| e.to_string())?;
    let manifest = serde_json::json!({
        "name": "example/panel",
        "require": {"sectigo-sdk/sectigo": VERSION},
        "repositories": [{"type": "path", "url": "../sectigo", "options": {"symlink": false}}, {"packagist.org": false}],
    });
    std::fs::write(app.join("composer.json"), serde_json::to_string_pretty(&manifest).unwrap_or_default())
        .map_err(|e| e.to_string())?;
    let composer = |args: &[&str]| {
        capture(
            &format!("composer {}", args.join(" ")),
            Command::new("composer")
                .current_dir(&app)
                .env("COMPOSER_HOME", dir.join("home"))
                .args(args)
                .arg("--no-interaction"),
        )
    };
    composer(&["install", "--no-progress"])?;
    composer(&["dump-autoload"])?;
    let example = root.join("bindings/php/examples/place_and_authorize.php");
    std::fs::copy(&example, app.join("place_and_authorize.php")).map_err(|e| e.to_string())?;
    let user_env = sandbox.user_env();
    let out = capture(
        "the README's PHP example under Composer",
        Command::new("php")
            .current_dir(&app)
            .arg("place_and_authorize.php")
            .env("SECTIGO_LIBRARY", prefix.join("lib").join(xtask::soname(VERSION)))
            .envs(user_env),
    )?;
    if !out.contains("authorized order") {
        return Err(format!("the README's PHP example under Composer printed:\n{out}"));
    }
    let installed = std::fs::read_to_string(app.join("vendor/composer/installed.json")).map_err(|e| e.to_string())?;
    if !installed.contains(&format!("\"version\": \"{VERSION}\"")) {
        return Err(format!("Composer did not install sectigo-sdk/sectigo {VERSION}"));
    }
    println!(
        "Composer: sectigo-sdk/sectigo {VERSION} installed from a copy of share/php/sectigo; the README example ran with vendor/autoload.php"
    );
    Ok(())
}
