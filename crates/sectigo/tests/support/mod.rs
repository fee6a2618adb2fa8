//! What the tests that place orders in the sandbox share: the order they place, and the log
//! records of the SDK (target `sectigo`) and of the sandbox (`sectigo_sandbox`).

use std::sync::Mutex;

use sectigo::{PlaceOrder, PlaceOrderItem, Term, WebProduct};

/// A one-year Web DNS Pro for the sandbox's reseller brand.
#[allow(dead_code)] // not every test binary places orders
pub fn order() -> PlaceOrder {
    PlaceOrder::new()
        .ap("sandboxbrand")
        .reseller(true)
        .name("Jane Doe")
        .email_address("jane@example.com")
        .item(PlaceOrderItem::product(WebProduct::WebDnsPro, Term::Year1).unwrap())
}

/// (target, message) of every record, in order.
static RECORDS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        m.target().starts_with("sectigo")
    }
    fn log(&self, r: &log::Record<'_>) {
        if self.enabled(r.metadata()) {
            RECORDS.lock().unwrap().push((r.target().to_owned(), r.args().to_string()));
        }
    }
    fn flush(&self) {}
}

/// Starts keeping records up to `level` (once per test binary).
pub fn install(level: log::LevelFilter) {
    let _ = log::set_logger(&Capture);
    log::set_max_level(level);
}

/// The messages of `target`'s records so far.
pub fn records(target: &str) -> Vec<String> {
    RECORDS.lock().unwrap().iter().filter(|(t, _)| t == target).map(|(_, m)| m.clone()).collect()
}
