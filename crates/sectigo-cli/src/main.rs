//! `sectigo`: one subcommand per endpoint of the spec, plus `demo`, `page-url` and `catalogue`.
//!
//! Subcommands and their options are built from the spec data the generator emits
//! (`sectigo::ENDPOINTS`), so a change in `spec/` reaches the CLI through `cargo xtask codegen`
//! with no edit here. Every call goes through the SDK's name-keyed interface, so the CLI obeys
//! exactly the SDK's rules.

mod demo;
mod helpers;
mod output;
mod raw;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command, builder::PossibleValue, value_parser};
use sectigo::meta::{Endpoint, Param};
use sectigo::settings::{SETTINGS, Setting, SettingType, SettingValue};
use sectigo::{Client, ClientBuilder, Error};

/// Exit statuses, also listed in `sectigo --help`.
pub mod status {
    pub const OK: u8 = 0;
    pub const API_ERROR: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const VALIDATION: u8 = 3;
    pub const TRANSPORT: u8 = 4;
    pub const OUTCOME_UNKNOWN: u8 = 5;
    pub const CONFIG: u8 = 6;
    pub const RATE_LIMITED: u8 = 7;
}

pub(crate) const EXIT_HELP: &str = "Exit status: 0 success, 1 the API answered with an error, 2 bad command line, \
3 request refused by validation (nothing sent), 4 transport or unreadable answer, \
5 outcome unknown (a state-changing call may have taken effect: check the account), 6 configuration, \
7 rate limited (-42: nothing was done; trying again after a wait is safe).";

/// `place_order` -> `place-order`: option and command names from the spec's snake_case names.
fn kebab(snake: &str) -> String {
    snake.replace('_', "-")
}

/// Help text of a parameter, from the spec.
fn param_help(p: &Param) -> String {
    let mut help = p.description.to_owned();
    help.push_str(&format!(" [wire: {}; {}", p.name, p.requirement.as_str()));
    if let Some(max) = p.max_length {
        help.push_str(&format!("; max {max} chars"));
    }
    if let Some(d) = p.default {
        help.push_str(&format!("; server default {d}"));
    }
    help.push(']');
    help
}

/// Argument id of a spec parameter (namespaced: the CLI's own options never collide with it).
fn param_id(p: &Param) -> String {
    format!("param:{}", p.name)
}

fn param_arg(p: &'static Param) -> Arg {
    let id = param_id(p);
    let long = kebab(p.rust_name);
    let mut arg = Arg::new(id).long(long.clone()).value_name("VALUE").help(param_help(p));
    if long != p.name {
        arg = arg.alias(p.name);
    }
    for alias in p.aliases {
        arg = arg.alias(*alias);
    }
    if !p.allowed.is_empty() {
        let values: Vec<PossibleValue> =
            p.allowed.iter().map(|a| PossibleValue::new(a.value).help(a.meaning)).collect();
        arg = arg.value_parser(values).ignore_case(true);
    }
    arg
}

fn endpoint_command(e: &'static Endpoint) -> Command {
    let mut about = e.summary.to_owned();
    if e.path.is_none() {
        about.push_str(" (its path is not in Sectigo's documents: pass --signup-path)");
    }
    if let Some(note) = e.partial {
        about.push_str(&format!(" [{note}]"));
    }
    let mut cmd = Command::new(kebab(e.id)).about(about).after_help(EXIT_HELP);
    if let Some(name) = e.name {
        cmd = cmd.alias(name.trim_start_matches('!'));
    }
    for p in e.params.iter().filter(|p| p.credential.is_none()) {
        cmd = cmd.arg(param_arg(p));
    }
    if let Some(items) = e.items {
        let names: Vec<&str> = items.params.iter().map(|p| p.name).collect();
        cmd = cmd.arg(Arg::new("item").long("item").value_name("NAME=VALUE,...").action(ArgAction::Append).help(
            format!(
                "An item of the order (repeat for more), its parameters without the number: {}{}. \
                     Example: --item PPP=9974",
                names.join(", "),
                if items.open { ", or product-specific ones" } else { "" }
            ),
        ));
        if !sectigo::WebProduct::ALL.is_empty() {
            let products: Vec<String> = sectigo::WebProduct::ALL.iter().map(|p| kebab(p.id())).collect();
            let terms: Vec<&str> = sectigo::Term::ALL.iter().map(|t| t.label()).collect();
            cmd = cmd.arg(
                Arg::new("web-product").long("web-product").value_name("PRODUCT:TERM").action(ArgAction::Append).help(
                    format!(
                        "An item from the web product catalogue (repeat for more), e.g. web-dns-pro:1-year. \
                         Products: {}. Terms: {}.",
                        products.join(", "),
                        terms.join(", ")
                    ),
                ),
            );
        }
    }
    cmd
}

/// The client's settings as global options, one per row of the settings table that has a flag
/// (`spec/client.toml`, through `sectigo::settings::SETTINGS`): its type decides the value's
/// form (seconds for a duration), a repeatable one may be given again, a secret's variable is
/// never shown (its meaning says that it is never shown).
fn setting_args() -> Vec<Arg> {
    SETTINGS
        .iter()
        .filter_map(|s| {
            let flag = s.cli?;
            let mut arg = Arg::new(flag).long(flag).global(true).help(setting_help(s));
            if let Some(env) = s.env {
                arg = arg.env(env).hide_env_values(s.secret);
            }
            arg = match s.ty {
                SettingType::Flag => arg.action(ArgAction::SetTrue),
                SettingType::Duration => arg.value_name("SECONDS").value_parser(value_parser!(f64)),
                SettingType::Count => arg.value_name("N").value_parser(value_parser!(u32)),
                SettingType::Path => arg.value_name("PATH").value_parser(value_parser!(PathBuf)),
                SettingType::Choice => arg.value_name("CHOICE").value_parser(s.choices.to_vec()),
                SettingType::Map => arg.value_name("KEY=VALUE").action(ArgAction::Append),
                SettingType::Text | SettingType::Secret => arg.value_name("VALUE"),
            };
            if s.repeatable {
                arg = arg.action(ArgAction::Append).value_delimiter(';');
            }
            Some(arg)
        })
        .collect()
}

/// A setting's help: its meaning with the other settings named by their flags, its note, its
/// default (in seconds for a duration).
fn setting_help(s: &Setting) -> String {
    let mut help = s.meaning.to_owned();
    for other in SETTINGS {
        if let Some(flag) = other.cli {
            help = help.replace(&format!("`{}`", other.name), &format!("--{flag}"));
        }
    }
    if let Some(note) = s.cli_note {
        help = format!("{} ({note})", help.trim_end_matches('.'));
    }
    if s.repeatable {
        help.push_str(match s.env {
            Some(_) => " Repeatable; in the variable, values are separated by ';'.",
            None => " Repeatable.",
        });
    }
    let default = match (s.ty, s.default.parse::<u64>()) {
        (SettingType::Duration, Ok(ms)) => format!("{} s", ms as f64 / 1000.0),
        _ => s.default.to_owned(),
    };
    if default != "none" && s.ty != SettingType::Flag {
        help.push_str(&format!(" [default: {default}]"));
    }
    help.replace('`', "")
}

fn cli() -> Command {
    let mut cmd = Command::new("sectigo")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Call Sectigo's reseller products API, or try it against a built-in sandbox")
        .after_help(EXIT_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(setting_args())
        .arg(
            Arg::new("legacy")
                .long("legacy")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Call the legacy host (https://secure.sectigo.com); the same as --host legacy"),
        )
        .arg(
            Arg::new("signup-path")
                .long("signup-path")
                .global(true)
                .value_name("PATH")
                .help("Path of the Tier 2 partner signup, which Sectigo's documents do not give"),
        )
        .arg(Arg::new("sandbox").long("sandbox").global(true).action(ArgAction::SetTrue).help(
            "Run against a sandbox started in this process (its own accounts and orders; nothing leaves the machine)",
        ))
        .arg(
            Arg::new("json")
                .long("json")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print one JSON object instead of text"),
        )
        .subcommand(Command::new("demo").about(
            "Run the whole flow against the built-in sandbox: order a one-year Web DNS Pro, authorize it, \
             open a customer session and print the page URL, explaining each step",
        ))
        .subcommand(
            Command::new("completions")
                .about("Print a completion script for SHELL (bash, zsh, fish, elvish, powershell)")
                .after_help(
                    "bash: sectigo completions bash > ~/.local/share/bash-completion/completions/sectigo\n\
                     zsh:  sectigo completions zsh > \"${fpath[1]}/_sectigo\"\n\
                     fish: sectigo completions fish > ~/.config/fish/completions/sectigo.fish",
                )
                .arg(
                    Arg::new("shell")
                        .value_name("SHELL")
                        .required(true)
                        .value_parser(value_parser!(clap_complete::Shell)),
                ),
        )
        .subcommand(
            Command::new("manpage").hide(true).about("Print the manual page (roff), as installed in share/man/man1"),
        );
    for e in sectigo::ENDPOINTS {
        cmd = cmd.subcommand(endpoint_command(e));
    }
    cmd.subcommands(helpers::commands()).subcommand(raw::command())
}

/// Prints the SDK's log records (each retry) on standard error.
struct StderrLog;

impl log::Log for StderrLog {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target() == "sectigo" && metadata.level() <= log::Level::Warn
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            eprintln!("sectigo: {}", record.args());
        }
    }

    fn flush(&self) {}
}

fn main() -> ExitCode {
    if log::set_logger(&StderrLog).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
    let matches = cli().get_matches();
    let json = matches.get_flag("json");
    let (name, sub) = matches.subcommand().expect("a subcommand is required");
    match name {
        "demo" => return ExitCode::from(demo::run(json)),
        "completions" => {
            let shell = *sub.get_one::<clap_complete::Shell>("shell").expect("required");
            clap_complete::generate(shell, &mut cli(), "sectigo", &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        "manpage" => {
            return match clap_mangen::Man::new(cli()).render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => ExitCode::from(out_error(&format!("cannot write the manual page: {e}"))),
            };
        }
        "call" => return ExitCode::from(raw::run(&matches, sub, json)),
        other => {
            if let Some(status) = helpers::run(other, sub, json) {
                return ExitCode::from(status);
            }
        }
    }
    let endpoint =
        sectigo::ENDPOINTS.iter().copied().find(|e| kebab(e.id) == name).expect("commands come from ENDPOINTS");
    ExitCode::from(call(endpoint, &matches, sub, json))
}

fn out_error(message: &str) -> u8 {
    eprintln!("sectigo: {message}");
    status::CONFIG
}

/// The request's (name, value) pairs from the command line.
fn params(endpoint: &'static Endpoint, sub: &ArgMatches) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for p in endpoint.params.iter().filter(|p| p.credential.is_none()) {
        if let Some(v) = sub.get_one::<String>(&param_id(p)) {
            // Allowed values were matched ignoring case; send the documented spelling.
            let v = p.allowed.iter().find(|a| a.value.eq_ignore_ascii_case(v)).map_or(v.as_str(), |a| a.value);
            out.push((p.name.to_owned(), v.to_owned()));
        }
    }
    let mut index = 0;
    for item in sub.try_get_many::<String>("item").ok().flatten().into_iter().flatten() {
        index += 1;
        for pair in item.split(',').filter(|s| !s.trim().is_empty()) {
            let (n, v) = pair.split_once('=').ok_or_else(|| format!("--item {item:?}: expected NAME=VALUE,..."))?;
            out.push((format!("{index}_{}", n.trim()), v.trim().to_owned()));
        }
    }
    for spec in sub.try_get_many::<String>("web-product").ok().flatten().into_iter().flatten() {
        let (product, term) =
            spec.split_once(':').ok_or_else(|| format!("--web-product {spec:?}: expected PRODUCT:TERM"))?;
        let found = sectigo::WebProduct::ALL
            .iter()
            .find(|p| {
                kebab(p.id()) == product.trim().to_ascii_lowercase() || p.name().eq_ignore_ascii_case(product.trim())
            })
            .ok_or_else(|| format!("--web-product: unknown product {product:?}"))?;
        let term =
            sectigo::Term::from_label(term.trim()).ok_or_else(|| format!("--web-product: unknown term {term:?}"))?;
        let item = sectigo::PlaceOrderItem::product(*found, term).map_err(|e| e.to_string())?;
        index += 1;
        item.push_params(index, &mut out);
    }
    Ok(out)
}

/// Credentials from options or environment, else a prompt on a terminal: a login name, and a
/// password unless a client certificate stands for it.
fn credentials(matches: &ArgMatches, needed: bool) -> Result<Option<(String, Option<String>)>, String> {
    let name = matches.get_one::<String>("login-name").cloned();
    let password = matches.get_one::<String>("login-password").cloned();
    let by_certificate = matches.contains_id("client-cert") || matches.contains_id("client-pkcs12");
    if by_certificate {
        return Ok(name.map(|n| (n, None)));
    }
    if !needed {
        return Ok(name.zip(password).map(|(n, p)| (n, Some(p))));
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let name = match name {
        Some(n) => n,
        None if interactive => {
            eprint!("Sectigo login name: ");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|e| e.to_string())?;
            line.trim().to_owned()
        }
        None => return Err("no login name: pass --login-name or set SECTIGO_LOGIN_NAME".into()),
    };
    let password = match password {
        Some(p) => p,
        None if interactive => rpassword::prompt_password("Sectigo password: ").map_err(|e| e.to_string())?,
        None => return Err("no password: set SECTIGO_LOGIN_PASSWORD (or run on a terminal to be prompted)".into()),
    };
    Ok(Some((name, Some(password))))
}

/// A client for the options given (against `sandbox` when there is one).
fn client(
    matches: &ArgMatches,
    sandbox: Option<&sectigo_sandbox::Sandbox>,
    creds: Option<(String, Option<String>)>,
) -> Result<Client, String> {
    let mut b = Client::builder();
    if matches.get_flag("legacy") {
        b = b.host(sectigo::Host::Legacy);
    }
    for setting in SETTINGS {
        // The credentials come last, from `credentials` (which may have prompted for them).
        if !matches!(setting.cli, Some("login-name" | "login-password")) {
            b = set(b, setting, matches)?;
        }
    }
    if let Some(path) = matches.get_one::<String>("signup-path") {
        b = b.endpoint_path("tier2_partner_signup", path);
    }
    if let Some(s) = sandbox {
        b = b.base_url(s.https_url()).add_root_certificates_pem(s.ca_pem());
        let paths = matches.get_many::<String>("path").into_iter().flatten();
        let signup_given = matches.get_one::<String>("signup-path").is_some()
            || paths.map(|e| e.trim_start()).any(|e| e.starts_with("tier2_partner_signup="));
        if !signup_given {
            b = b.endpoint_path("tier2_partner_signup", s.signup_path());
        }
    }
    if let Some((name, password)) = creds {
        b = b.login_name(name);
        if let Some(password) = password {
            b = b.login_password(password);
        }
    }
    b.build().map_err(|e| e.to_string())
}

/// A setting's flag, read by the setting's type, applied to the builder (`ClientBuilder::set`).
fn set(mut b: ClientBuilder, s: &'static Setting, matches: &ArgMatches) -> Result<ClientBuilder, String> {
    let Some(flag) = s.cli else { return Ok(b) };
    let named = |e: sectigo::ConfigError| format!("--{flag}: {e}");
    match s.ty {
        SettingType::Flag => {
            if matches.get_flag(flag) {
                b = b.set(s.name, SettingValue::Flag(true)).map_err(named)?;
            }
        }
        SettingType::Duration => {
            if let Some(seconds) = matches.get_one::<f64>(flag) {
                let least = Duration::from_millis(s.min);
                let wait = Duration::try_from_secs_f64(*seconds).ok().filter(|d| *d >= least).ok_or_else(|| {
                    format!("--{flag}: must be a number of seconds from {}, not {seconds}", least.as_secs_f64())
                })?;
                b = b.set(s.name, SettingValue::Duration(wait)).map_err(named)?;
            }
        }
        SettingType::Count => {
            if let Some(n) = matches.get_one::<u32>(flag) {
                if u64::from(*n) < s.min {
                    return Err(format!("--{flag}: must be a whole number from {}, not {n}", s.min));
                }
                b = b.set(s.name, SettingValue::Count(*n)).map_err(named)?;
            }
        }
        SettingType::Path => {
            for path in matches.get_many::<PathBuf>(flag).into_iter().flatten() {
                b = b.set(s.name, SettingValue::Path(path)).map_err(named)?;
            }
        }
        SettingType::Map => {
            for entry in matches.get_many::<String>(flag).into_iter().flatten() {
                let (key, value) =
                    entry.split_once('=').ok_or_else(|| format!("--{flag} {entry:?}: expected KEY=VALUE"))?;
                b = b.set(s.name, SettingValue::Entry(key.trim(), value.trim())).map_err(named)?;
            }
        }
        SettingType::Text | SettingType::Secret | SettingType::Choice => {
            for value in matches.get_many::<String>(flag).into_iter().flatten() {
                b = b.set(s.name, SettingValue::Text(value)).map_err(named)?;
            }
        }
    }
    Ok(b)
}

fn call(endpoint: &'static Endpoint, matches: &ArgMatches, sub: &ArgMatches, json: bool) -> u8 {
    let out = output::Output { json, title: endpoint.title.to_owned() };
    let params = match params(endpoint, sub) {
        Ok(p) => p,
        Err(e) => return out.usage(&e),
    };
    let needs_credentials = endpoint.params.iter().any(|p| p.credential.is_some());
    let (client, _sandbox) = match connect(matches, needs_credentials) {
        Ok(c) => c,
        Err(e) => return out.config(&e),
    };
    match client.call(endpoint, params) {
        Ok(response) => out.success(&response),
        Err(e) => out.error(&e),
    }
}

/// The client of the command line's settings, and the sandbox it calls (`--sandbox`), which
/// must live as long as the client is used. The credentials come from the options, the
/// environment or a prompt when `needs_credentials`; against a sandbox, its first account's
/// unless given.
pub fn connect(
    matches: &ArgMatches,
    needs_credentials: bool,
) -> Result<(Client, Option<sectigo_sandbox::Sandbox>), String> {
    let sandbox = if matches.get_flag("sandbox") {
        Some(
            sectigo_sandbox::Sandbox::start(sectigo_sandbox::Config::default())
                .map_err(|e| format!("cannot start the sandbox: {e}"))?,
        )
    } else {
        None
    };
    let creds = match (&sandbox, credentials(matches, needs_credentials && sandbox.is_none())?) {
        (Some(s), None) => {
            s.with_state(|st| st.accounts.first().map(|a| (a.login_name.clone(), Some(a.login_password.clone()))))
        }
        (_, c) => c,
    };
    Ok((client(matches, sandbox.as_ref(), creds)?, sandbox))
}

/// The status for an error.
pub fn exit_status<E: sectigo::AsApiError>(e: &Error<E>) -> u8 {
    match e {
        Error::Validation(_) => status::VALIDATION,
        Error::Api(_) if e.is_rate_limited() => status::RATE_LIMITED,
        Error::Api(_) => status::API_ERROR,
        Error::OutcomeUnknown(_) => status::OUTCOME_UNKNOWN,
        Error::Config(_) => status::CONFIG,
        Error::Transport(_) | Error::Decode(_) if e.outcome_unknown() => status::OUTCOME_UNKNOWN,
        Error::Transport(_) | Error::Decode(_) => status::TRANSPORT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_names_come_from_the_spec() {
        let signup = sectigo::dynamic::endpoint("tier2_partner_signup").unwrap();
        let cmd = endpoint_command(signup);
        let long = |wire: &str| {
            let p = signup.param(wire).unwrap();
            cmd.get_arguments()
                .find(|a| a.get_id() == param_id(p).as_str())
                .and_then(|a| a.get_long())
                .map(str::to_owned)
        };
        assert_eq!(cmd.get_name(), "tier2-partner-signup");
        assert_eq!(long("omitXXXByString").as_deref(), Some("omit-xxx-by-string"));
        assert_eq!(long("adminLoginName").as_deref(), Some("admin-login-name"));
    }

    /// An endpoint imported from a cut page says so in its help, in the spec's words.
    #[test]
    fn a_partial_endpoint_says_so_in_its_help() {
        use sectigo::meta::{Effect, PositiveCodes, ResponseFormat};
        static PARTIAL: Endpoint = Endpoint {
            id: "collect_ssl",
            name: Some("CollectSSL"),
            title: "CollectSSL",
            path: Some("/products/download/CollectSSL"),
            path_unknown: None,
            hosts: &["current"],
            methods: &["POST"],
            effect: Effect::Read,
            response: ResponseFormat::Newline,
            success_code: 0,
            positive_codes: PositiveCodes::SuccessWithFields,
            summary: "Collect a certificate.",
            params: &[],
            items: None,
            rules: &[],
            groups: &[],
            fields: &[],
            errors: &[],
            partial: Some("Partial: the page this endpoint was imported from lacked the error table."),
        };
        let help = endpoint_command(&PARTIAL).render_help().to_string();
        assert!(help.contains("[Partial: the page this endpoint was imported from lacked the error table.]"), "{help}");
        assert!(sectigo::ENDPOINTS.iter().all(|e| e.partial.is_none()), "spec/ keeps complete endpoints only");
    }

    #[test]
    fn the_command_line_is_consistent() {
        cli().debug_assert();
    }

    /// The global flags are the settings table's (each with its variable), plus the command's
    /// own four.
    #[test]
    fn the_global_flags_are_the_settings_table() {
        let cmd = cli();
        let globals: Vec<&Arg> = cmd.get_arguments().filter(|a| a.is_global_set()).collect();
        for s in SETTINGS {
            let Some(flag) = s.cli else { continue };
            let arg = globals.iter().find(|a| a.get_long() == Some(flag)).unwrap_or_else(|| panic!("no --{flag}"));
            assert_eq!(arg.get_env().and_then(|e| e.to_str()), s.env, "--{flag}'s variable");
        }
        let own = ["legacy", "signup-path", "sandbox", "json"];
        for arg in globals {
            let long = arg.get_long().unwrap_or_default();
            assert!(
                own.contains(&long) || SETTINGS.iter().any(|s| s.cli == Some(long)),
                "--{long} is neither a setting of spec/client.toml nor one of the command's own"
            );
        }
    }

    /// Flags are read by the setting's type and reach the client as the table says.
    #[test]
    fn settings_flags_reach_the_client() {
        let matches = cli()
            .try_get_matches_from([
                "sectigo",
                "--timeout",
                "0.5",
                "--max-retries",
                "0",
                "--path",
                "tier2_partner_signup=/x",
                "--allow-http",
                "--base-url",
                "http://127.0.0.1:9",
                "--resolve",
                "example.com:443:127.0.0.1",
                "demo",
            ])
            .unwrap();
        assert!(client(&matches, None, Some(("a".into(), Some("b".into())))).is_ok());
        let zero = cli().try_get_matches_from(["sectigo", "--timeout", "0", "demo"]).unwrap();
        let e = client(&zero, None, None).unwrap_err();
        assert!(e.contains("--timeout: must be a number of seconds from 0.001, not 0"), "{e}");
        let bad = cli().try_get_matches_from(["sectigo", "--resolve", "nowhere", "demo"]).unwrap();
        let e = client(&bad, None, None).unwrap_err();
        assert!(e.starts_with("--resolve: resolve: "), "{e}");
        assert!(cli().try_get_matches_from(["sectigo", "--host", "moon", "demo"]).is_err());
    }
}
