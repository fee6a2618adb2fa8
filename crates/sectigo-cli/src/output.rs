//! Printing results as text (default) or one JSON object (`--json`). Passwords are never
//! printed: they are not part of any answer, and errors carry only redacted requests.

use sectigo::{Error, Response};
use serde_json::{Value, json};

use crate::status;

pub struct Output {
    pub json: bool,
    /// What was called: an endpoint's title (`!PlaceOrder`), or a raw call's path.
    pub title: String,
}

impl Output {
    fn print_json(&self, value: Value) {
        println!("{value}");
    }

    pub fn success(&self, response: &Response) -> u8 {
        if self.json {
            let fields: serde_json::Map<String, Value> =
                response.fields().iter().map(|(n, v)| (n.clone(), Value::String(v.clone()))).collect();
            let quirks: Vec<&str> = response.quirks().iter().map(|q| q.as_str()).collect();
            self.print_json(json!({
                "ok": true, "endpoint": self.title, "code": response.code(),
                "fields": fields, "quirks": quirks, "retries": response.retries(),
            }));
        } else {
            println!("{}: success", self.title);
            for (name, value) in response.fields() {
                if name != "errorCode" {
                    println!("  {name}: {value}");
                }
            }
        }
        status::OK
    }

    pub fn error(&self, e: &Error) -> u8 {
        let code = crate::exit_status(e);
        if self.json {
            let mut value = json!({
                "ok": false,
                "endpoint": self.title,
                "kind": e.kind(),
                "message": e.to_string(),
                "rate_limited": e.is_rate_limited(),
                "retry_safe": e.retry_safe(),
                "may_have_taken_effect": e.may_have_taken_effect(),
                "retries": e.retries(),
            });
            match e {
                Error::Validation(v) => {
                    value["violations"] = v
                        .iter()
                        .map(|v| json!({"param": v.param, "rule": v.kind.rule(), "message": v.to_string()}))
                        .collect();
                }
                Error::Api(api) => {
                    value["code"] = json!(api.code());
                    value["error"] = json!(api.documented().map(|r| r.id));
                    value["server_message"] = json!(api.message());
                    value["item"] = json!(api.item());
                    value["argument"] = json!(api.argument());
                    value["raw"] = json!(api.raw());
                }
                Error::Transport(t) => {
                    value["transport"] = json!(t.kind.as_str());
                    value["status"] = json!(t.status);
                    value["raw"] = json!(t.raw);
                }
                Error::OutcomeUnknown(o) => {
                    value["status"] = json!(o.status);
                    value["raw"] = json!(o.raw);
                    value["request"] = o.request.iter().map(|(n, v)| json!([n, v])).collect();
                }
                Error::Decode(d) => value["raw"] = json!(d.raw),
                Error::Config(_) => {}
            }
            self.print_json(value);
        } else {
            match e {
                Error::Validation(v) => {
                    eprintln!("{}: request not sent, {} problem(s):", self.title, v.len());
                    for v in v {
                        eprintln!("  [{}] {v}", v.kind.rule());
                    }
                }
                Error::Api(api) => {
                    eprintln!("{e}");
                    if let Some(row) = api.documented() {
                        eprintln!("  ({})", row.meaning);
                    }
                }
                Error::OutcomeUnknown(o) => {
                    eprintln!("{e}");
                    eprintln!("  request as sent (passwords redacted):");
                    for (n, v) in &o.request {
                        eprintln!("    {n} = {v}");
                    }
                }
                Error::Transport(_) | Error::Decode(_) | Error::Config(_) => eprintln!("{e}"),
            }
            if e.retries() > 0 {
                eprintln!("  (given up after {} retries)", e.retries());
            }
        }
        code
    }

    fn plain_error(&self, kind: &str, message: &str, code: u8) -> u8 {
        if self.json {
            self.print_json(json!({"ok": false, "endpoint": self.title, "kind": kind, "message": message}));
        } else {
            eprintln!("sectigo: {message}");
        }
        code
    }

    pub fn usage(&self, message: &str) -> u8 {
        self.plain_error("usage", message, status::USAGE)
    }

    pub fn config(&self, message: &str) -> u8 {
        self.plain_error("config", message, status::CONFIG)
    }
}
