//! Builds a one-year Web DNS Pro order and shows what would be sent, without sending it; then
//! shows how a broken request is refused before anything leaves the process.
//!
//!     cargo run -p sectigo --example prepare_order

use sectigo::{Client, Error, PlaceOrder, PlaceOrderItem, Term, WebProduct};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder().credentials("login_name", "login_password").build()?;

    let order = PlaceOrder::new()
        .ap("reseller_brand_name")
        .reseller(true)
        .name("John Doe")
        .email_address("john@example.com")
        .item(PlaceOrderItem::product(WebProduct::WebDnsPro, Term::Year1)?);
    let form = order.prepare(&client)?;
    println!("POST {}", client.url(form.endpoint())?);
    for (name, value) in form.redacted() {
        println!("  {name} = {value}");
    }

    let broken = PlaceOrder::new().ap("x".repeat(65)).country_name("USA").reseller(true);
    match broken.send(&client) {
        Err(Error::Validation(violations)) => {
            println!("refused before sending, {} problems:", violations.len());
            for v in &violations {
                println!("  [{}] {v}", v.kind.rule());
            }
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    Ok(())
}
