//! The whole flow against the SDK's sandbox, started in this process: place a one-year Web DNS
//! Pro order, authorize it, open a customer session, and see a lost answer reported as such.
//!
//!     cargo run -p sectigo --example sandbox_order

use sectigo::{AutoAuthorize, Client, InitCustomerSession, PlaceOrder, PlaceOrderItem, Term, WebProduct};
use sectigo_sandbox::{Fault, FaultRule, Sandbox};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start(Default::default())?;
    let (login_name, login_password, brand) = sandbox.with_state(|s| {
        (s.accounts[0].login_name.clone(), s.accounts[0].login_password.clone(), s.accounts[0].brand.clone())
    });
    let client = Client::builder()
        .credentials(login_name, login_password)
        .base_url(sandbox.https_url())
        .add_root_certificates_pem(sandbox.ca_pem())
        .build()?;

    let order = PlaceOrder::new()
        .ap(brand)
        .reseller(true)
        .name("Jane Doe")
        .email_address("jane@example.com")
        .item(PlaceOrderItem::product(WebProduct::WebDnsPro, Term::Year1)?);
    let placed = order.send(&client)?;
    println!("placed order {}", placed.order_number);
    AutoAuthorize::new().order_number(&placed.order_number).send(&client)?;
    println!("authorized order {}", placed.order_number);
    let session = InitCustomerSession::new().order_number(placed.order_number.clone()).send(&client)?;
    println!("customer session: {}", sectigo::pages::sasp_post_payment_url(&session.sid, &placed.order_number));

    // The sandbox places the next order, then drops the connection before answering.
    sandbox.inject(FaultRule { fault: Fault::Close, endpoint: None, remaining: Some(1) });
    match order.send(&client) {
        Err(e) if e.outcome_unknown() => println!("lost answer, reported as such: {e}"),
        other => return Err(format!("expected an unknown outcome, got {other:?}").into()),
    }
    println!("orders in the sandbox: {}", sandbox.with_state(|s| s.orders.len()));
    Ok(())
}
