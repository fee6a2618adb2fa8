//! `sectigo demo`: the whole flow against the built-in sandbox, step by step.

use sectigo::{AutoAuthorize, Client, Error, InitCustomerSession, PlaceOrder, PlaceOrderItem, Term, WebProduct};
use sectigo_sandbox::{Config, Sandbox};
use serde_json::json;

use crate::status;

struct Narrator {
    json: bool,
    steps: Vec<serde_json::Value>,
}

impl Narrator {
    fn say(&self, text: &str) {
        if !self.json {
            println!("{text}");
        }
    }

    fn step(&mut self, n: usize, title: &str, explain: &str) {
        self.steps.push(json!({"step": n, "title": title}));
        self.say(&format!("\n{n}. {title}\n   {explain}"));
    }

    fn detail(&mut self, key: &str, value: serde_json::Value) {
        if let Some(last) = self.steps.last_mut() {
            last[key] = value.clone();
        }
        let shown = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
        self.say(&format!("   -> {key}: {shown}"));
    }
}

fn fail<E: std::fmt::Display + sectigo::AsApiError>(what: &str, e: Error<E>, json: bool) -> u8 {
    let code = crate::exit_status(&e);
    if json {
        println!("{}", json!({"ok": false, "step": what, "kind": e.kind(), "message": e.to_string()}));
    } else {
        eprintln!("demo failed while trying to {what}: {e}");
    }
    code
}

pub fn run(json: bool) -> u8 {
    let mut n = Narrator { json, steps: Vec::new() };
    let sandbox = match Sandbox::start(Config::default()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start the sandbox: {e}");
            return status::CONFIG;
        }
    };
    let (login, password, brand) = sandbox.with_state(|s| {
        let a = &s.accounts[0];
        (a.login_name.clone(), a.login_password.clone(), a.brand.clone())
    });
    n.say("Sectigo reseller API demo, against the built-in sandbox");
    n.say(&format!(
        "The sandbox is a fake of Sectigo's API serving {} with a certificate from a CA made just now;\n\
         nothing leaves this machine. Its reseller account is {login:?} (brand {brand:?}).",
        sandbox.https_url()
    ));
    let client = match Client::builder()
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .credentials(login.clone(), password)
        .build()
    {
        Ok(c) => c,
        Err(e) => return fail("build the client", Error::<sectigo::ApiError>::Config(e), json),
    };
    let credit = |s: &Sandbox| s.with_state(|st| st.account(&login).map_or(0, |a| a.credit_cents));

    let ppp = WebProduct::WebDnsPro.ppp(Term::Year1).unwrap_or_default();
    n.step(
        1,
        "Place an order (!PlaceOrder)",
        &format!(
            "One item: Web DNS Pro for 1 year, pricing code (PPP) {ppp} from the catalogue. reseller=Y means\n   \
             we bill the customer ourselves, so the order waits for our authorization."
        ),
    );
    let item = match PlaceOrderItem::product(WebProduct::WebDnsPro, Term::Year1) {
        Ok(item) => item,
        Err(e) => {
            eprintln!("{e}");
            return status::CONFIG;
        }
    };
    let placed = match PlaceOrder::new()
        .ap(brand)
        .reseller(true)
        .name("Jane Doe")
        .email_address("jane@example.com")
        .item(item)
        .send(&client)
    {
        Ok(p) => p,
        Err(e) => return fail("place the order", e, json),
    };
    n.detail("orderNumber", json!(placed.order_number));

    let order: i64 = placed.order_number.parse().unwrap_or_default();
    let before = credit(&sandbox);
    n.step(
        2,
        "Authorize it (!AutoAuthorize)",
        "Authorizing debits the reseller account; the order then goes ahead. (test=Y would authorize nothing.)",
    );
    if let Err(e) = AutoAuthorize::new().order_number(order).send(&client) {
        return fail("authorize the order", e, json);
    }
    let after = credit(&sandbox);
    n.detail("credit_before_cents", json!(before));
    n.detail("credit_after_cents", json!(after));

    n.step(
        3,
        "Open a customer session (!initCustomerSession)",
        "The session handle (SID) lets the customer see the order's page without logging in; the answer also\n   \
         names the order's latest replacement, if it was replaced.",
    );
    let session = match InitCustomerSession::new().order_number(placed.order_number.clone()).send(&client) {
        Ok(s) => s,
        Err(e) => return fail("open a customer session", e, json),
    };
    let latest = session.order_number.clone().unwrap_or_else(|| placed.order_number.clone());
    n.detail("SID", json!(session.sid));
    n.detail("latest_order_number", json!(latest));

    n.step(
        4,
        "Send the customer to the order's page",
        "The documents build the SASP Post Payment page URL from the SID and the order number:",
    );
    let url = sectigo::pages::sasp_post_payment_url(&session.sid, &latest);
    n.detail("page_url", json!(url));
    let counters = sandbox.counters();
    n.say(&format!(
        "\nDone: {} calls over {} connection(s) to the sandbox.",
        counters.requests.values().sum::<u64>(),
        counters.connections
    ));
    if json {
        println!("{}", json!({"ok": true, "steps": n.steps, "page_url": url, "connections": counters.connections}));
    }
    status::OK
}
