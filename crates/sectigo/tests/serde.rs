//! The `serde` feature: requests serialize with their wire names and never a password in clear;
//! answers serialize and deserialize back to the same thing.
#![cfg(feature = "serde")]

use sectigo::wire::{RawResponse, decode};
use sectigo::{PlaceOrder, PlaceOrderItem, PlaceOrderResponse, Term, Tier2PartnerSignup, WebProduct};

const CANARY: &str = "serde-canary-5f1b";

#[test]
fn requests_serialize_with_wire_names_and_redacted_passwords() {
    let order = PlaceOrder::new()
        .login_name("me")
        .login_password(CANARY)
        .ap("brand")
        .reseller(true)
        .item(PlaceOrderItem::product(WebProduct::WebDnsPro, Term::Year1).unwrap());
    let json = serde_json::to_value(&order).unwrap();
    assert_eq!(json["loginName"], "me");
    assert_eq!(json["loginPassword"], "<redacted>");
    assert_eq!(json["reseller"], true);
    assert_eq!(json["items"][0]["PPP"], 9974);
    assert!(json.get("emailAddress").is_none(), "unset parameters are left out: {json}");
    let signup = Tier2PartnerSignup::new().admin_login_password(CANARY);
    let text = serde_json::to_string(&signup).unwrap() + &serde_json::to_string(&order).unwrap();
    assert!(!text.contains(CANARY), "{text}");
}

#[test]
fn answers_round_trip() {
    let endpoint = sectigo::dynamic::endpoint("!PlaceOrder").unwrap();
    let body = b"errorCode=0&orderNumber=1234567".to_vec();
    let response = decode(endpoint, &[], RawResponse { status: 200, location: None, body }).unwrap();
    let typed = PlaceOrderResponse::from_response(response).unwrap();
    let json = serde_json::to_string(&typed).unwrap();
    let back: PlaceOrderResponse = serde_json::from_str(&json).unwrap();
    assert_eq!(back.order_number, typed.order_number);
    assert_eq!(back.response.raw(), typed.response.raw());
    assert_eq!(back.response.fields(), typed.response.fields());
    assert_eq!(back.response.endpoint().id, "place_order");
    assert_eq!(serde_json::to_string(&back).unwrap(), json);

    let unknown = json.replace("\"place_order\"", "\"no_such_endpoint\"");
    let err = serde_json::from_str::<PlaceOrderResponse>(&unknown).unwrap_err();
    assert!(err.to_string().contains("unknown endpoint"), "{err}");
}
