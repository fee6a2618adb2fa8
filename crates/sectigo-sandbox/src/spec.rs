//! The parameters each endpoint takes, read from the SDK's spec (`spec/`, as
//! `sectigo::spec_data`): names, aliases, lengths, allowed values, requirements, the rules
//! between parameters, the contact groups, the order items and the web product catalogue. A
//! change to `spec/` and `cargo xtask codegen` reach the sandbox as they reach every client.
//!
//! What the sandbox does with a call beyond these checks (accounts, orders, credit, states) is
//! in [`crate::api`]; where it deliberately answers otherwise than the spec says, the
//! difference is named in [`crate::differences`].

use sectigo::meta::{self, Format, ParamType};

use crate::api::Endpoint;

/// The spec's endpoint behind one of the sandbox's.
pub fn of(endpoint: Endpoint) -> &'static meta::Endpoint {
    use sectigo::spec_data as s;
    match endpoint {
        Endpoint::InitCustomerSession => &s::INIT_CUSTOMER_SESSION,
        Endpoint::PlaceOrder => &s::PLACE_ORDER,
        Endpoint::AutoAuthorize => &s::AUTO_AUTHORIZE,
        Endpoint::Tier2PartnerSignup => &s::TIER2_PARTNER_SIGNUP,
    }
}

/// What a parameter's value must look like.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Text of at most this many characters (`None`: no documented limit).
    Text(Option<usize>),
    /// A whole number.
    Int,
    /// `Y` or `N`, in either case (a difference from the spec: see [`crate::differences`]).
    Flag,
    /// One of the allowed values, exactly.
    OneOf(&'static [meta::Allowed]),
    /// A two-letter ISO 3166 country code, in either case.
    Country,
}

/// What `p`'s value must look like, from its type, format, allowed values and length.
pub fn kind(p: &meta::Param) -> Kind {
    let flag = p.allowed.len() == 2 && p.allowed.iter().all(|a| a.value == "Y" || a.value == "N");
    if p.format == Some(Format::Iso3166Alpha2) {
        Kind::Country
    } else if flag {
        Kind::Flag
    } else if !p.allowed.is_empty() {
        Kind::OneOf(p.allowed)
    } else if p.ty == ParamType::Integer {
        Kind::Int
    } else {
        Kind::Text(p.max_length.map(|n| n as usize))
    }
}

/// Whether the sandbox refuses a call without `p` (-3): the spec requires it always, and it does
/// not depend on the product ordered (a difference from the spec: see [`crate::differences`]).
pub fn required(p: &meta::Param) -> bool {
    p.requirement == meta::Requirement::Required && !p.product_dependent
}

/// Whether `value` is what `kind` asks for.
pub fn accepts(kind: Kind, value: &str) -> bool {
    match kind {
        Kind::Text(max) => max.is_none_or(|max| value.chars().count() <= max),
        Kind::Int => value.parse::<i64>().is_ok(),
        Kind::Flag => value.eq_ignore_ascii_case("Y") || value.eq_ignore_ascii_case("N"),
        Kind::OneOf(allowed) => allowed.iter().any(|a| a.value == value),
        Kind::Country => is_country(value),
    }
}

/// The web product a pricing code (an item's `PPP`) belongs to, and the sandbox's price for it
/// in cents; `None` for a code the catalogue does not have.
pub fn priced(ppp: i64) -> Option<(&'static str, u64)> {
    let entry = sectigo::spec_data::CATALOGUE.iter().find(|e| e.ppp == ppp)?;
    let (_, cents) = TERM_PRICES.iter().find(|(term, _)| *term == entry.term)?;
    Some((entry.product, *cents))
}

/// Sandbox prices, in cents, by term of the catalogue (the documents give no prices).
pub const TERM_PRICES: &[(&str, u64)] = &[
    ("30-day", 500),
    ("45-day", 700),
    ("90-day", 1200),
    ("1-year", 4000),
    ("2-year", 7500),
    ("3-year", 10500),
    ("4-year", 13000),
    ("5-year", 15000),
];

/// ISO 3166-1 alpha-2 country codes (the spec says only "ISO 3166 two-letter code").
pub const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS \
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM \
FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV \
MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD \
SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC \
VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// Whether `code` is an ISO 3166-1 alpha-2 code (any case).
pub fn is_country(code: &str) -> bool {
    code.len() == 2 && COUNTRIES.split(' ').any(|c| c.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_of_the_catalogue_has_a_price() {
        for entry in sectigo::spec_data::CATALOGUE {
            assert_eq!(priced(entry.ppp).map(|(p, _)| p), Some(entry.product), "no sandbox price for a {} term", entry.term);
        }
    }

    #[test]
    fn kinds_follow_the_spec() {
        let p = |e: Endpoint, name: &str| {
            let spec = of(e);
            let found = spec.params.iter().chain(spec.items.iter().flat_map(|i| i.params)).find(|p| p.name == name);
            kind(found.unwrap_or_else(|| panic!("{name}")))
        };
        assert!(matches!(p(Endpoint::PlaceOrder, "emailAddress"), Kind::Text(Some(255))));
        assert!(matches!(p(Endpoint::PlaceOrder, "countryName"), Kind::Country));
        assert!(matches!(p(Endpoint::PlaceOrder, "reseller"), Kind::Flag));
        assert!(matches!(p(Endpoint::PlaceOrder, "PPP"), Kind::Int));
        assert!(matches!(p(Endpoint::PlaceOrder, "product"), Kind::Text(None)));
        assert!(matches!(p(Endpoint::Tier2PartnerSignup, "partnerType"), Kind::OneOf(a) if a.len() == 3));
        assert!(!required(of(Endpoint::PlaceOrder).items.unwrap().params.iter().find(|p| p.name == "seats").unwrap()));
    }
}
