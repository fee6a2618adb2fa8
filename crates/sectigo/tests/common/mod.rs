//! Helpers shared by the integration tests.

use sectigo::Tier2PartnerSignup;

/// A Tier 2 signup with every parameter the documents require, except `partnerType`.
pub fn minimal_signup() -> Tier2PartnerSignup {
    Tier2PartnerSignup::new()
        .ap("tier1")
        .company_website("https://example.com")
        .organization_name("Org")
        .street_address1("1")
        .street_address2("2")
        .street_address3("3")
        .locality_name("City")
        .state_or_province_name("State")
        .postal_code("1")
        .country_name("US")
        .admin_email_address("a@example.com")
        .admin_telephone_number("1")
        .admin_login_name("admin")
        .admin_login_password("pw")
}
