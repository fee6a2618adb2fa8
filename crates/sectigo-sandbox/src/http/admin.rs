//! The `/_sandbox/` admin endpoints: counters, state, and faults, for test suites in any
//! language.

use serde::Serialize;

use super::Shared;
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
        _ => Reply::new(
            404,
            "text/plain",
            "admin endpoints: GET /_sandbox/counters, POST /_sandbox/reset-counters, GET /_sandbox/state, \
             POST /_sandbox/faults (kind=delay&ms=..|close|status&status=..|garbage|rate_limited|handshake_reset|\
             handshake_close|plain_http|handshake_alert|untrusted_cert|wrong_name_cert|clear, endpoint=.., count=..)\n",
        ),
    }
}

fn json(value: &impl Serialize) -> Reply {
    Reply::new(200, "application/json", serde_json::to_vec_pretty(value).unwrap_or_default())
}
