//! The `sectigo-sandbox` command line, shared by the binary and by `python -m sectigo.sandbox`:
//! the same flags and the same ready line wherever it runs.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Arg, ArgAction, Command, value_parser};

use crate::{Config, Generation, RateLimit, Sandbox, Seed};

/// The command's flags.
pub fn command(name: &'static str) -> Command {
    Command::new(name)
        .about("A fake of Sectigo's reseller products API on loopback, for tests and demos")
        .version(env!("CARGO_PKG_VERSION"))
        .arg(Arg::new("port").long("port").value_parser(value_parser!(u16)).default_value("0")
            .help("HTTPS port; 0 picks a free one (printed in the ready line)"))
        .arg(Arg::new("http-port").long("http-port").value_parser(value_parser!(u16))
            .help("Also serve plain HTTP on this port (0 picks a free one); API calls over it get -1 unless --accept-plain-http"))
        .arg(Arg::new("accept-plain-http").long("accept-plain-http").action(ArgAction::SetTrue)
            .help("Answer API calls made over plain HTTP instead of refusing them with -1"))
        .arg(Arg::new("legacy").long("legacy").action(ArgAction::SetTrue)
            .help("Answer !initCustomerSession like the legacy host (two lines, no orderNumber)"))
        .arg(Arg::new("quirks").long("quirks").action(ArgAction::SetTrue)
            .help("Answer like the documents' samples where they contradict the tables"))
        .arg(Arg::new("signup-path").long("signup-path").default_value(crate::DEFAULT_SIGNUP_PATH)
            .help("Path of the Tier 2 partner signup (Sectigo's documents do not give one)"))
        .arg(Arg::new("rate-limit").long("rate-limit").value_name("CALLS/SECONDS")
            .help("Answer -42 past CALLS calls per account within SECONDS, e.g. 10/1"))
        .arg(Arg::new("seed").long("seed").value_name("FILE").value_parser(value_parser!(PathBuf))
            .help("Initial accounts, orders and products (TOML; see --print-seed)"))
        .arg(Arg::new("print-seed").long("print-seed").action(ArgAction::SetTrue)
            .help("Print the default seed as TOML and exit"))
        .arg(Arg::new("ca-out").long("ca-out").value_name("FILE").value_parser(value_parser!(PathBuf))
            .help("Write the generated CA certificate (PEM) here (default: a file in the temporary folder)"))
        .arg(Arg::new("max-connections").long("max-connections").value_name("N").value_parser(value_parser!(usize))
            .default_value(crate::DEFAULT_MAX_CONNECTIONS.to_string())
            .help("Serve at most N connections at once; one more is answered 503 and closed"))
        .arg(Arg::new("idle-timeout").long("idle-timeout").value_name("SECONDS").value_parser(value_parser!(f64))
            .default_value(crate::DEFAULT_IDLE_TIMEOUT.as_secs().to_string())
            .help("Close a connection that sends no request for this long"))
        .arg(Arg::new("log").long("log").action(ArgAction::SetTrue)
            .help("Print every API call on standard error: method, path, parameters (passwords redacted), HTTP status, errorCode"))
        .arg(Arg::new("private-port").long("private-port").value_parser(value_parser!(u16))
            .help("Also serve HTTPS on this port (0 picks a free one) with a client certificate required, like Sectigo's private hosts; a certificate is minted for each account (see --client-certs)"))
        .arg(Arg::new("client-certs").long("client-certs").value_name("DIR").value_parser(value_parser!(PathBuf))
            .help("With --private-port: write each account's client certificate here as LOGIN.crt, LOGIN.key and LOGIN.p12 (password: the account's password), listed in the ready line (default: a folder in the temporary folder)"))
        .arg(Arg::new("tinyproxy").long("tinyproxy").action(ArgAction::SetTrue)
            .help("Also start tinyproxy on loopback, with a password, as an egress proxy for tests (its URL and log are in the ready line)"))
        .arg(Arg::new("exit-with-stdin").long("exit-with-stdin").action(ArgAction::SetTrue)
            .help("Stop when standard input closes (so a harness that dies takes the sandbox with it)"))
}

/// What [`start`] did.
#[derive(Debug)]
pub enum Started {
    /// Serving; the ready line is printed. Keep the sandbox alive until it should stop.
    Serving {
        /// The running sandbox.
        sandbox: Sandbox,
        /// `--exit-with-stdin` was given: stop when standard input closes.
        exit_with_stdin: bool,
    },
    /// Nothing to serve (`--help`, `--version`, `--print-seed`): exit with this status.
    Exit(i32),
}

/// Parses the arguments (the first is the program name), starts the sandbox, writes its CA file
/// and prints the ready line (one JSON object) on standard output and a summary on standard
/// error. Errors are the message to print before exiting with status 1.
pub fn start(name: &'static str, args: impl IntoIterator<Item = OsString>) -> Result<Started, String> {
    let args = match command(name).try_get_matches_from(args) {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return Ok(Started::Exit(e.exit_code()));
        }
    };
    if args.get_flag("print-seed") {
        print!("{}", toml::to_string_pretty(&Seed::defaults()).map_err(|e| e.to_string())?);
        return Ok(Started::Exit(0));
    }
    let mut config = Config {
        port: *args.get_one::<u16>("port").expect("has a default"),
        http_port: args.get_one::<u16>("http-port").copied(),
        private_port: args.get_one::<u16>("private-port").copied(),
        ..Config::default()
    };
    config.api.accept_plain_http = args.get_flag("accept-plain-http");
    config.api.quirks = args.get_flag("quirks");
    config.tinyproxy = args.get_flag("tinyproxy");
    if args.get_flag("legacy") {
        config.api.generation = Generation::Legacy;
    }
    config.api.signup_path = args.get_one::<String>("signup-path").expect("has a default").clone();
    config.max_connections = *args.get_one::<usize>("max-connections").expect("has a default");
    if config.max_connections == 0 {
        return Err("--max-connections must be at least 1".to_owned());
    }
    let idle = *args.get_one::<f64>("idle-timeout").expect("has a default");
    config.idle_timeout = Duration::try_from_secs_f64(idle)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or("--idle-timeout must be a positive number of seconds")?;
    if args.get_flag("log") {
        config.log = true;
        // A process with a logger already (Python's, say) keeps it: the records go there.
        if log::set_logger(&StderrLog).is_ok() {
            log::set_max_level(log::LevelFilter::Info);
        }
    }
    if let Some(limit) = args.get_one::<String>("rate-limit") {
        config.api.rate_limit = Some(parse_rate_limit(limit)?);
    }
    if let Some(path) = args.get_one::<PathBuf>("seed") {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        config.seed = Seed::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let sandbox = Sandbox::start(config)?;
    let ca_file = args
        .get_one::<PathBuf>("ca-out")
        .cloned()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("sectigo-sandbox-ca-{}.pem", std::process::id())));
    std::fs::write(&ca_file, sandbox.ca_pem()).map_err(|e| format!("cannot write {}: {e}", ca_file.display()))?;

    let mut info = sandbox.info();
    info["ca_file"] = serde_json::Value::String(ca_file.display().to_string());
    if sandbox.private_url().is_some() {
        let dir = args.get_one::<PathBuf>("client-certs").cloned().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("sectigo-sandbox-client-certs-{}", std::process::id()))
        });
        info["client_certificates"] = write_client_certificates(&sandbox, &dir)?;
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{info}").map_err(|e| e.to_string())?;
    stdout.flush().map_err(|e| e.to_string())?;
    drop(stdout);
    eprintln!("{name}: serving {} (CA: {})", sandbox.https_url(), ca_file.display());
    if let Some(url) = sandbox.http_url() {
        eprintln!("{name}: plain HTTP on {url}");
    }
    eprintln!("{name}: Tier 2 partner signup at {}", sandbox.signup_path());
    for account in info["accounts"].as_array().into_iter().flatten() {
        // The accounts are the sandbox's own, made up for tests: showing their passwords is
        // the point of this summary.
        eprintln!(
            "{name}: account {} / {} (brand {}, credit {} cents)",
            account["login_name"], account["login_password"], account["brand"], account["credit_cents"]
        );
    }
    Ok(Started::Serving { sandbox, exit_with_stdin: args.get_flag("exit-with-stdin") })
}

/// Mints a client certificate for each account and writes it into `dir`; their list, for the
/// ready line.
fn write_client_certificates(sandbox: &Sandbox, dir: &std::path::Path) -> Result<serde_json::Value, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let accounts = sandbox.with_state(|s| {
        s.accounts.iter().map(|a| (a.login_name.clone(), a.login_password.clone())).collect::<Vec<_>>()
    });
    let mut list = Vec::new();
    for (login, password) in accounts {
        let minted = sandbox.mint_client_certificate(&login, &password)?;
        let write = |ext: &str, bytes: &[u8]| {
            let path = dir.join(format!("{login}.{ext}"));
            std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok::<_, String>(path.display().to_string())
        };
        list.push(serde_json::json!({
            "login_name": login,
            "cert": write("crt", minted.cert_pem.as_bytes())?,
            "key": write("key", minted.key_pem.as_bytes())?,
            "pkcs12": write("p12", &minted.pkcs12)?,
            "pkcs12_password": password,
        }));
    }
    Ok(serde_json::Value::Array(list))
}

/// `CALLS/SECONDS`, e.g. `10/1`.
pub fn parse_rate_limit(text: &str) -> Result<RateLimit, String> {
    let (calls, seconds) = text.split_once('/').ok_or("--rate-limit takes CALLS/SECONDS, e.g. 10/1")?;
    let calls = calls.trim().parse().map_err(|_| "--rate-limit: CALLS must be a whole number")?;
    let seconds: f64 = seconds.trim().parse().map_err(|_| "--rate-limit: SECONDS must be a number")?;
    let per = Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or("--rate-limit: SECONDS must be a positive number")?;
    Ok(RateLimit { calls, per })
}

/// Prints the sandbox's log records on standard error.
struct StderrLog;

impl log::Log for StderrLog {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target() == "sectigo_sandbox" && metadata.level() <= log::Level::Info
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            eprintln!("sectigo-sandbox: {}", record.args());
        }
    }

    fn flush(&self) {}
}
