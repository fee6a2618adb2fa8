//! The top README's first call for Rust, as printed there (the sandbox's brand in place of
//! `BRAND`), run against the sandbox. `xtask/tests/docs.rs` checks that the line marked below
//! is the README's.

use sectigo::{Client, PlaceOrder, PlaceOrderItem, Term, WebProduct};

#[test]
fn the_top_readmes_first_call_runs_as_printed() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = sectigo_sandbox::Sandbox::start(sectigo_sandbox::Config::default())?;
    let client = Client::builder()
        .credentials("sandbox_reseller", "sandbox-password")
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .build()?;
    // The README's first call:
    #[rustfmt::skip]
    let placed = PlaceOrder::new().ap("sandboxbrand").reseller(true).name("Jane Doe").email_address("jane@example.com").item(PlaceOrderItem::product(WebProduct::WebDnsPro, Term::Year1)?).send(&client)?;
    assert!(placed.order_number.bytes().all(|b| b.is_ascii_digit()), "{placed:?}");
    assert!(sandbox.with_state(|s| s.orders.keys().any(|n| n.to_string() == placed.order_number)));
    Ok(())
}
