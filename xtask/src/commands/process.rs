//! Running programs: captured or shown, and the sandbox as a process for the language suites.

use std::ffi::OsStr;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// `cargo`, as cargo ran us.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs a command and returns what it printed (stdout then stderr); an error says what failed
/// and carries the output.
pub fn capture(what: &str, cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("{what}: cannot run {:?}: {e}", cmd.get_program()))?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if out.status.success() { Ok(text) } else { Err(format!("{what} failed ({}):\n{text}", out.status)) }
}

/// Runs a command with its output going to ours.
pub fn shown(what: &str, cmd: &mut Command) -> Result<(), String> {
    let args: Vec<String> = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
    println!("==> {what}: {} {}", cmd.get_program().to_string_lossy(), args.join(" "));
    let status = cmd.status().map_err(|e| format!("{what}: cannot run {:?}: {e}", cmd.get_program()))?;
    if status.success() { Ok(()) } else { Err(format!("{what} failed ({status})")) }
}

/// The last non-empty line of some output.
pub fn last_line(text: &str) -> &str {
    text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("")
}

/// Removes a folder if it exists, then makes it anew.
pub fn fresh_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("removing {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))
}

/// A sandbox process (the `sectigo-sandbox` binary, or `python -m sectigo.sandbox`), started
/// with `--exit-with-stdin`; it stops when dropped.
#[derive(Debug)]
pub struct SandboxProcess {
    child: Child,
    /// Its standard error: the summary, then one line per API call (`--log`).
    log: PathBuf,
    /// The ready line.
    pub info: serde_json::Value,
    /// `SECTIGO_SANDBOX_*` variables for the language suites.
    pub env: Vec<(String, String)>,
}

impl SandboxProcess {
    /// Starts `program args... --port 0 --http-port 0 --exit-with-stdin --log --ca-out
    /// work/sandbox-ca-PID-N.pem`, its standard error going to `work/sandbox-PID-N.log`, and reads its
    /// ready line.
    ///
    /// A suite runs several times against one sandbox (static, shared, through pkg-config, under
    /// valgrind), and each authorization debits the first account: the seed is the default one
    /// with ten million in that account's credit.
    pub fn start(program: impl AsRef<OsStr>, args: &[&str], work: &Path) -> Result<SandboxProcess, String> {
        let program = program.as_ref();
        let text = capture("sectigo-sandbox --print-seed", Command::new(program).arg("--print-seed"))?;
        let mut seed: toml::Table = toml::from_str(&text).map_err(|e| format!("the sandbox's seed: {e}"))?;
        let first = seed
            .get_mut("account")
            .and_then(|a| a.as_array_mut())
            .and_then(|a| a.first_mut())
            .and_then(|a| a.as_table_mut())
            .ok_or("the sandbox's seed has no account")?;
        first.insert("credit_cents".into(), toml::Value::Integer(1_000_000_000));
        let path = work.join(format!("sandbox-seed-{}.toml", std::process::id()));
        std::fs::write(&path, toml::to_string(&seed).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        let path = path.display().to_string();
        let mut all = args.to_vec();
        all.extend_from_slice(&["--seed", &path]);
        Self::start_with(program, &all, work, true)
    }

    /// [`SandboxProcess::start`], with `--log` only when `with_log` (a benchmark wants none).
    pub fn start_with(
        program: impl AsRef<OsStr>,
        args: &[&str],
        work: &Path,
        with_log: bool,
    ) -> Result<SandboxProcess, String> {
        let program = program.as_ref();
        // One name per sandbox: several may run at once.
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let ca: PathBuf = work.join(format!("sandbox-ca-{}-{n}.pem", std::process::id()));
        let log = work.join(format!("sandbox-{}-{n}.log", std::process::id()));
        let certs = work.join(format!("sandbox-client-certs-{}-{n}", std::process::id()));
        let log_file = std::fs::File::create(&log).map_err(|e| format!("creating {}: {e}", log.display()))?;
        let mut child = Command::new(program)
            .args(args)
            .args(["--port", "0", "--http-port", "0", "--exit-with-stdin"])
            .args(with_log.then_some("--log"))
            .arg("--ca-out")
            .arg(&ca)
            .arg("--client-certs")
            .arg(&certs)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.to_string_lossy()))?;
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line).map_err(|e| e.to_string())?;
        let info: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| format!("sandbox ready line {line:?}: {e}"))?;
        let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        let mut env = vec![
            ("SECTIGO_SANDBOX_URL".to_owned(), s(&info["https_url"])),
            ("SECTIGO_SANDBOX_HTTP_URL".to_owned(), s(&info["http_url"])),
            ("SECTIGO_SANDBOX_CA".to_owned(), s(&info["ca_file"])),
            ("SECTIGO_SANDBOX_LOGIN".to_owned(), s(&info["accounts"][0]["login_name"])),
            ("SECTIGO_SANDBOX_PASSWORD".to_owned(), s(&info["accounts"][0]["login_password"])),
            ("SECTIGO_SANDBOX_SIGNUP_PATH".to_owned(), s(&info["signup_path"])),
            ("SECTIGO_CANARY".to_owned(), CANARY.to_owned()),
            ("SECTIGO_SANDBOX_OTHER_LOGIN".to_owned(), s(&info["accounts"][1]["login_name"])),
        ];
        // With --tinyproxy: the proxy, its password (which no output may show) and its log.
        if info["proxy"].is_object() {
            let url = s(&info["proxy"]["url"]);
            let password = url
                .split_once("://")
                .and_then(|(_, rest)| rest.split_once('@'))
                .and_then(|(userinfo, _)| userinfo.split_once(':'))
                .map(|(_, p)| p.to_owned())
                .unwrap_or_default();
            env.push(("SECTIGO_SANDBOX_PROXY_URL".to_owned(), url));
            env.push(("SECTIGO_SANDBOX_PROXY_PASSWORD".to_owned(), password));
            env.push(("SECTIGO_SANDBOX_PROXY_LOG".to_owned(), s(&info["proxy"]["log"])));
        }
        // With --private-port: the listener that requires a client certificate, and the first
        // account's certificate.
        if info["private_url"].is_string() {
            let cert = &info["client_certificates"][0];
            env.push(("SECTIGO_SANDBOX_PRIVATE_URL".to_owned(), s(&info["private_url"])));
            env.push(("SECTIGO_SANDBOX_CLIENT_CERT".to_owned(), s(&cert["cert"])));
            env.push(("SECTIGO_SANDBOX_CLIENT_KEY".to_owned(), s(&cert["key"])));
            env.push(("SECTIGO_SANDBOX_CLIENT_P12".to_owned(), s(&cert["pkcs12"])));
            env.push(("SECTIGO_SANDBOX_CLIENT_P12_PASSWORD".to_owned(), s(&cert["pkcs12_password"])));
        }
        Ok(SandboxProcess { child, log, info, env })
    }

    /// The variables the README's examples read (`SECTIGO_LOGIN_NAME`, `SECTIGO_LOGIN_PASSWORD`,
    /// `SECTIGO_AP`, `SECTIGO_BASE_URL`, `SECTIGO_CA_FILE`), set for its first account, as a user
    /// would set them.
    pub fn user_env(&self) -> [(&'static str, String); 5] {
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        let account = &self.info["accounts"][0];
        [
            ("SECTIGO_LOGIN_NAME", text(&account["login_name"])),
            ("SECTIGO_LOGIN_PASSWORD", text(&account["login_password"])),
            ("SECTIGO_AP", text(&account["brand"])),
            ("SECTIGO_BASE_URL", text(&self.info["https_url"])),
            ("SECTIGO_CA_FILE", text(&self.info["ca_file"])),
        ]
    }

    /// POSTs a form to one of the sandbox's admin endpoints (`/_sandbox/answers`, say) over its
    /// plain HTTP listener; an error unless it answers 200.
    pub fn admin(&self, what: &str, fields: &[(&str, &str)]) -> Result<String, String> {
        self.admin_request("POST", what, fields)
    }

    /// The sandbox's counters (`GET /_sandbox/counters`), as the reply's text.
    pub fn counters_text(&self) -> Result<String, String> {
        self.admin_request("GET", "counters", &[])
    }

    fn admin_request(&self, method: &str, what: &str, fields: &[(&str, &str)]) -> Result<String, String> {
        use std::io::{Read, Write};
        let url = self.info["http_url"].as_str().ok_or("the sandbox has no plain HTTP listener")?;
        let address = url.trim_start_matches("http://");
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let mut stream = std::net::TcpStream::connect(address).map_err(|e| format!("the sandbox's {what}: {e}"))?;
        write!(
            stream,
            "{method} /_sandbox/{what} HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .map_err(|e| format!("the sandbox's {what}: {e}"))?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).map_err(|e| format!("the sandbox's {what}: {e}"))?;
        match answer.starts_with("HTTP/1.1 200") {
            true => Ok(answer),
            false => Err(format!("the sandbox refused {what}: {answer}")),
        }
    }

    /// Checks the sandbox's log of the calls it served: there are some, their passwords show as
    /// `<redacted>`, and no canary (`SECTIGO_CANARY`, which the suites use as a password, and
    /// `others`) appears anywhere in it. Returns how many calls were logged.
    pub fn check_log(&self, others: &[&str]) -> Result<usize, String> {
        let text = std::fs::read_to_string(&self.log).map_err(|e| format!("reading {}: {e}", self.log.display()))?;
        let account_password = self.info["accounts"][0]["login_password"].as_str().unwrap_or("sandbox-password");
        let calls: Vec<&str> = text.lines().filter(|l| l.contains(" -> ")).collect();
        if !calls.iter().any(|l| l.contains("loginPassword=<redacted>")) {
            return Err(format!("{}: no logged call shows a redacted loginPassword", self.log.display()));
        }
        if let Some(line) = calls.iter().find(|l| l.contains(account_password)) {
            return Err(format!("{}: a logged call shows the account's password: {line}", self.log.display()));
        }
        for canary in std::iter::once(CANARY).chain(others.iter().copied()) {
            if text.contains(canary) {
                return Err(format!("{}: the sandbox's log shows the password canary {canary}", self.log.display()));
            }
        }
        Ok(calls.len())
    }
}

/// A password the language suites use where it must never show (`SECTIGO_CANARY`).
pub const CANARY: &str = "suite-canary-pw-8e2f";

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take()); // --exit-with-stdin
        let _ = self.child.wait();
    }
}
