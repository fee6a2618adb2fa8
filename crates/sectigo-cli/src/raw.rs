//! `sectigo call PATH NAME=VALUE...`: an endpoint outside the spec, by its path on the client's
//! host, with the same settings, login and rules as the spec's commands (see the core's
//! `Client::call_raw`). The answer's body goes to `--output FILE` byte for byte, or to standard
//! output when it is not a terminal; on a terminal, text is shown as decoded.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use sectigo::RawOptions;
use sectigo::meta::WireFormat;
use serde_json::{Value, json};

use crate::{EXIT_HELP, output, status};

pub fn command() -> Command {
    Command::new("call")
        .about(
            "Call an endpoint that is not in the spec by its path on the host (e.g. /products/download/CollectSSL), \
             with the login and settings of every other command",
        )
        .after_help(format!(
            "The login goes first (unless --no-credentials), then each NAME=VALUE as given, in a POST body. \
             The call may change state unless --read-only: once it may have reached the server it is never \
             sent again, and a lost answer exits 5. A negative errorCode exits 1, like the other commands. \
             An absolute URL, .., a query string or a control character in PATH is refused before anything \
             is sent.\n\n{EXIT_HELP}"
        ))
        .arg(Arg::new("raw-path").value_name("PATH").required(true).help("The path on the host, from /"))
        .arg(
            Arg::new("raw-param")
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .help("A parameter, sent as given (repeat a name to send it twice)"),
        )
        .arg(
            Arg::new("read-only")
                .long("read-only")
                .action(ArgAction::SetTrue)
                .help("The call changes nothing (a status query, a download): a broken answer is sent again"),
        )
        .arg(
            Arg::new("no-credentials")
                .long("no-credentials")
                .action(ArgAction::SetTrue)
                .help("Send only the parameters given, not the login"),
        )
        .arg(
            Arg::new("output")
                .long("output")
                .short('o')
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("Write the answer's body to FILE, byte for byte (a ZIP or PKCS #7 file, say)"),
        )
}

pub fn run(matches: &ArgMatches, sub: &ArgMatches, json: bool) -> u8 {
    let path = sub.get_one::<String>("raw-path").cloned().unwrap_or_default();
    let out = output::Output { json, title: path.clone() };
    let mut params = Vec::new();
    for pair in sub.get_many::<String>("raw-param").into_iter().flatten() {
        match pair.split_once('=') {
            Some((name, value)) => params.push((name.to_owned(), value.to_owned())),
            None => return out.usage(&format!("{pair:?}: expected NAME=VALUE")),
        }
    }
    let credentials = !sub.get_flag("no-credentials");
    let options = RawOptions::new().read_only(sub.get_flag("read-only")).credentials(credentials);
    let (client, _sandbox) = match crate::connect(matches, credentials) {
        Ok(c) => c,
        Err(e) => return out.config(&e),
    };
    let answer = match client.call_raw(&path, params, options) {
        Ok(answer) => answer,
        Err(e) => return out.error(&e),
    };
    let output = sub.get_one::<PathBuf>("output");
    if let Some(file) = output
        && let Err(e) = std::fs::write(file, answer.body())
    {
        return out.config(&format!("the answer came, but writing {} failed: {e}", file.display()));
    }
    let format = answer.format().map(|f| match f {
        WireFormat::Newline => "newline",
        WireFormat::UrlEncoded => "url_encoded",
    });
    if json {
        let mut value = json!({
            "ok": true, "path": path, "status": answer.status(), "content_type": answer.content_type(),
            "code": answer.code(), "format": format, "message": answer.message(), "lines": answer.lines(),
            "fields": answer.fields().iter().map(|(n, v)| json!([n, v])).collect::<Vec<Value>>(),
            "retries": answer.retries(), "bytes": answer.body().len(),
        });
        match output {
            Some(file) => value["output"] = json!(file.display().to_string()),
            None => value["body"] = json!(answer.text()),
        }
        println!("{value}");
        return status::OK;
    }
    let code = answer.code().map_or_else(|| "none (the body is in neither format)".to_owned(), |c| c.to_string());
    let kind = answer.content_type().unwrap_or("no content type");
    let head = format!("{path}: HTTP {}, {kind}, errorCode {code}, {} bytes", answer.status(), answer.body().len());
    if let Some(file) = output {
        println!("{head}; written to {}", file.display());
        return status::OK;
    }
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        // Piped or redirected: the body itself, as received.
        eprintln!("{head}");
        let mut lock = stdout.lock();
        return match lock.write_all(answer.body()).and_then(|()| lock.flush()) {
            Ok(()) => status::OK,
            Err(e) => out.config(&format!("writing the answer failed: {e}")),
        };
    }
    println!("{head}");
    match (answer.format(), answer.text()) {
        (Some(WireFormat::Newline), _) => answer.lines().iter().for_each(|l| println!("  {l}")),
        (Some(WireFormat::UrlEncoded), _) => {
            answer.fields().iter().filter(|(n, _)| n != "errorCode").for_each(|(n, v)| println!("  {n}: {v}"))
        }
        (None, Some(text)) => println!("{text}"),
        (None, None) => println!("  (binary: pass --output FILE to save it)"),
    }
    status::OK
}
