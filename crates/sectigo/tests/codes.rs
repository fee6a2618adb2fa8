//! `sectigo::codes`: the catalogue's codes as constants, the same as the documented rows.

#[test]
fn every_code_constant_is_a_documented_row() {
    assert_eq!(sectigo::codes::NOT_ENOUGH_CREDIT, -15);
    assert_eq!(sectigo::codes::CALL_LIMIT_REACHED, -42);
    let rows: Vec<(&str, i64)> =
        sectigo::ENDPOINTS.iter().flat_map(|e| e.errors.iter().map(|r| (r.id, r.code))).collect();
    assert!(rows.contains(&("authentication_failed", sectigo::codes::AUTHENTICATION_FAILED)));
    assert!(rows.contains(&("order_not_awaiting_authorization", sectigo::codes::ORDER_NOT_AWAITING_AUTHORIZATION)));
}
