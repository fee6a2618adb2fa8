//! The `/_sandbox/` admin endpoints: counters, state, faults and programmed answers, for test
//! suites in any language.

use serde::Serialize;

use super::Shared;
use super::answers::parse_answer;
use super::faults::parse_fault;
use super::framing::{Reply, form};

pub(super) fn admin_endpoint(what: &str, method: &str, body: &[u8], shared: &Shared) -> Reply {
    match (method, what) {
        ("GET", "counters") => json(&shared.counters()),
        ("POST", "reset-counters") => {
            shared.reset_counters();
            json(&shared.counters())
        }
        ("GET", "state") => json(&*shared.api.state.lock().unwrap()),
        ("POST", "faults") => match parse_fault(&form(body)) {
            Ok(Some(rule)) => {
                shared.faults.add(rule);
                Reply::new(200, "text/plain", "ok\n")
            }
            Ok(None) => {
                shared.faults.clear();
                Reply::new(200, "text/plain", "cleared\n")
            }
            Err(e) => Reply::new(400, "text/plain", format!("{e}\n")),
        },
        ("GET", "answered") => json(&shared.answers.answered()),
        ("POST", "answers") => match parse_answer(&form(body)) {
            Ok(Some(rule)) => {
                shared.answers.add(rule);
                Reply::new(200, "text/plain", "ok\n")
            }
            Ok(None) => {
                shared.answers.clear();
                Reply::new(200, "text/plain", "cleared\n")
            }
            Err(e) => Reply::new(400, "text/plain", format!("{e}\n")),
        },
        _ => Reply::new(
            404,
            "text/plain",
            "admin endpoints: GET /_sandbox/counters, POST /_sandbox/reset-counters, GET /_sandbox/state, \
             POST /_sandbox/faults (kind=delay&ms=..|close|status&status=..|garbage|rate_limited|handshake_reset|\
             handshake_close|plain_http|handshake_alert|untrusted_cert|wrong_name_cert|clear, endpoint=.., count=..), \
             POST /_sandbox/answers (path=/..., body=..|body_hex=.., content_type=.., status=.., delay_ms=.., close=1, \
             count=..; or clear=1), GET /_sandbox/answered\n",
        ),
    }
}

fn json(value: &impl Serialize) -> Reply {
    Reply::new(200, "application/json", serde_json::to_vec_pretty(value).unwrap_or_default())
}
