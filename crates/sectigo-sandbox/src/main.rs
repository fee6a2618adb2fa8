//! `sectigo-sandbox`: run the fake API as a process, for test harnesses in any language.
//!
//! Prints one JSON line on stdout when ready (URLs, ports, CA file, accounts), then serves until
//! killed (or, with `--exit-with-stdin`, until its standard input closes).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Arg, ArgAction, Command, value_parser};
use sectigo_sandbox::{Config, Generation, RateLimit, Sandbox, Seed};

fn cli() -> Command {
    Command::new("sectigo-sandbox")
        .about("A fake of Sectigo's reseller products API on loopback, for tests and demos")
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
        .arg(Arg::new("signup-path").long("signup-path").default_value(sectigo_sandbox::DEFAULT_SIGNUP_PATH)
            .help("Path of the Tier 2 partner signup (Sectigo's documents do not give one)"))
        .arg(Arg::new("rate-limit").long("rate-limit").value_name("CALLS/SECONDS")
            .help("Answer -42 past CALLS calls per account within SECONDS, e.g. 10/1"))
        .arg(Arg::new("seed").long("seed").value_name("FILE").value_parser(value_parser!(PathBuf))
            .help("Initial accounts, orders and products (TOML; see --print-seed)"))
        .arg(Arg::new("print-seed").long("print-seed").action(ArgAction::SetTrue)
            .help("Print the default seed as TOML and exit"))
        .arg(Arg::new("ca-out").long("ca-out").value_name("FILE").value_parser(value_parser!(PathBuf))
            .help("Write the generated CA certificate (PEM) here (default: a file in the temporary folder)"))
        .arg(Arg::new("exit-with-stdin").long("exit-with-stdin").action(ArgAction::SetTrue)
            .help("Stop when standard input closes (so a harness that dies takes the sandbox with it)"))
}

fn main() {
    if let Err(e) = run() {
        eprintln!("sectigo-sandbox: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args = cli().get_matches();
    if args.get_flag("print-seed") {
        print!("{}", toml::to_string_pretty(&Seed::defaults()).map_err(|e| e.to_string())?);
        return Ok(());
    }
    let mut config = Config {
        port: *args.get_one::<u16>("port").expect("has a default"),
        http_port: args.get_one::<u16>("http-port").copied(),
        ..Config::default()
    };
    config.api.accept_plain_http = args.get_flag("accept-plain-http");
    config.api.quirks = args.get_flag("quirks");
    if args.get_flag("legacy") {
        config.api.generation = Generation::Legacy;
    }
    config.api.signup_path = args.get_one::<String>("signup-path").expect("has a default").clone();
    if let Some(limit) = args.get_one::<String>("rate-limit") {
        let (calls, seconds) = limit.split_once('/').ok_or("--rate-limit takes CALLS/SECONDS, e.g. 10/1")?;
        let calls = calls.parse().map_err(|_| "--rate-limit: CALLS must be a whole number")?;
        let seconds: f64 = seconds.parse().map_err(|_| "--rate-limit: SECONDS must be a number")?;
        config.api.rate_limit = Some(RateLimit { calls, per: Duration::from_secs_f64(seconds) });
    }
    if let Some(path) = args.get_one::<PathBuf>("seed") {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        config.seed = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let sandbox = Sandbox::start(config)?;
    let ca_file = args
        .get_one::<PathBuf>("ca-out")
        .cloned()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("sectigo-sandbox-ca-{}.pem", std::process::id())));
    std::fs::write(&ca_file, sandbox.ca_pem()).map_err(|e| format!("cannot write {}: {e}", ca_file.display()))?;

    let mut info = sandbox.info();
    info["ca_file"] = serde_json::Value::String(ca_file.display().to_string());
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{info}").map_err(|e| e.to_string())?;
    stdout.flush().map_err(|e| e.to_string())?;
    drop(stdout);
    eprintln!("sectigo-sandbox: serving {} (CA: {})", sandbox.https_url(), ca_file.display());
    if let Some(url) = sandbox.http_url() {
        eprintln!("sectigo-sandbox: plain HTTP on {url}");
    }
    eprintln!("sectigo-sandbox: Tier 2 partner signup at {}", sandbox.signup_path());
    for account in info["accounts"].as_array().into_iter().flatten() {
        eprintln!(
            "sectigo-sandbox: account {} / {} (brand {}, credit {} cents)",
            account["login_name"], account["login_password"], account["brand"], account["credit_cents"]
        );
    }

    if args.get_flag("exit-with-stdin") {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
        return Ok(());
    }
    loop {
        std::thread::park();
    }
}
