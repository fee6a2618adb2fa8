//! The parameters each endpoint takes, read from the SDK's spec (`spec/`, as
//! `sectigo::spec_data`): names, aliases, lengths, allowed values, requirements, the rules
//! between parameters, the contact groups, the order items and the web product catalogue. A
//! change to `spec/` and `cargo xtask codegen` reach the sandbox as they reach every client.
//!
//! This module owns the endpoints and every check of a call's parameters ([`check`]), with
//! the error answers the documents word. What the sandbox does with a call that passes them
//! (accounts, orders, credit, states) is [`crate::api`]'s, which builds on this module and never
//! the other way round; where it deliberately answers otherwise than the spec says, the
//! difference is named in [`crate::differences`].

use std::collections::BTreeMap;

use sectigo::meta::{self, Format, ParamType, Rule};

/// The endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    InitCustomerSession,
    PlaceOrder,
    AutoAuthorize,
    Tier2PartnerSignup,
    /// An endpoint of the spec the sandbox does nothing of its own for (one `cargo xtask
    /// import-doc --new` brought), by its place in `sectigo::ENDPOINTS`: its calls are checked by
    /// the spec, and a call that passes gets a success with the spec's fields.
    Other(u16),
}

/// The endpoints the sandbox does something of its own for, by their spec ids.
const OWN: [(&str, Endpoint); 4] = [
    ("init_customer_session", Endpoint::InitCustomerSession),
    ("place_order", Endpoint::PlaceOrder),
    ("auto_authorize", Endpoint::AutoAuthorize),
    ("tier2_partner_signup", Endpoint::Tier2PartnerSignup),
];

impl Endpoint {
    /// Name used in counters and fault rules.
    pub fn label(self) -> &'static str {
        match self {
            Endpoint::InitCustomerSession => "!initCustomerSession",
            Endpoint::PlaceOrder => "!PlaceOrder",
            Endpoint::AutoAuthorize => "!AutoAuthorize",
            Endpoint::Tier2PartnerSignup => "tier2PartnerSignup",
            Endpoint::Other(_) => {
                let e = of(self);
                e.name.unwrap_or(e.title)
            }
        }
    }

    /// Every endpoint: the sandbox's own, then the spec's others.
    pub fn all() -> Vec<Endpoint> {
        let mut all: Vec<Endpoint> = OWN.iter().map(|(_, e)| *e).collect();
        for (i, e) in sectigo::ENDPOINTS.iter().enumerate() {
            if !OWN.iter().any(|(id, _)| *id == e.id)
                && let Ok(i) = u16::try_from(i)
            {
                all.push(Endpoint::Other(i));
            }
        }
        all
    }

    /// The endpoint with this label (case-insensitive, `!` optional).
    pub fn from_label(label: &str) -> Option<Endpoint> {
        let bare = label.trim_start_matches('!');
        Endpoint::all().into_iter().find(|e| e.label().trim_start_matches('!').eq_ignore_ascii_case(bare))
    }
}

/// The spec's endpoint behind one of the sandbox's.
pub fn of(endpoint: Endpoint) -> &'static meta::Endpoint {
    use sectigo::spec_data as s;
    match endpoint {
        Endpoint::InitCustomerSession => &s::INIT_CUSTOMER_SESSION,
        Endpoint::PlaceOrder => &s::PLACE_ORDER,
        Endpoint::AutoAuthorize => &s::AUTO_AUTHORIZE,
        Endpoint::Tier2PartnerSignup => &s::TIER2_PARTNER_SIGNUP,
        Endpoint::Other(i) => sectigo::ENDPOINTS[usize::from(i)],
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

#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: i64,
    pub(crate) message: String,
    pub(crate) item: Option<String>,
}

pub(crate) fn fail(code: i64, message: impl Into<String>, item: Option<&str>) -> Failure {
    Failure { code, message: message.into(), item: item.map(str::to_owned) }
}

pub(crate) fn rate_limited() -> Failure {
    fail(-42, "Call limit reached! Please try again later.", None)
}

pub(crate) fn missing(name: &str) -> Failure {
    fail(-3, format!("The '{name}' argument is missing!"), Some(name))
}

pub(crate) fn invalid(name: &str) -> Failure {
    fail(-4, format!("The value of the '{name}' argument is invalid!"), Some(name))
}

impl Endpoint {
    /// The words of `code` in the endpoint's error table, with its placeholder filled.
    fn worded(self, code: i64, value: Option<&str>) -> Option<String> {
        let row = of(self).error(code)?;
        let message = row.message?;
        Some(match (row.placeholder, value) {
            (Some(p), Some(v)) => message.replacen(p, v, 1),
            _ => message.to_owned(),
        })
    }

    pub(crate) fn not_https(self) -> Failure {
        let text = match self {
            Endpoint::Other(_) => return fail(-1, self.worded(-1, None).unwrap_or_default(), None),
            Endpoint::InitCustomerSession | Endpoint::AutoAuthorize => "Request was not made over https!",
            _ => "Request was not made over HTTPS!",
        };
        fail(-1, text, None)
    }

    pub(crate) fn unrecognized(self, name: &str) -> Failure {
        match self {
            Endpoint::Other(_) => fail(-2, self.worded(-2, Some(name)).unwrap_or_default(), Some(name)),
            Endpoint::InitCustomerSession => fail(-2, "Unrecognized argument!", Some(name)),
            Endpoint::AutoAuthorize => fail(-2, "Unrecognised argument!", Some(name)),
            _ => fail(-2, format!("'{name}' is an unrecognized argument!"), Some(name)),
        }
    }

    pub(crate) fn denied(self) -> Failure {
        match self {
            Endpoint::Other(_) => fail(-16, self.worded(-16, None).unwrap_or_default(), None),
            Endpoint::InitCustomerSession | Endpoint::Tier2PartnerSignup => fail(-16, "Permission denied!", None),
            _ => fail(
                -16,
                "Incorrect login details, account is locked, password has expired or your source IP is blocked.",
                None,
            ),
        }
    }
}

/// Parameters after checking: canonical names; items by number.
#[derive(Debug, Default)]
pub(crate) struct Params {
    pub(crate) values: BTreeMap<&'static str, String>,
    pub(crate) items: BTreeMap<u32, BTreeMap<String, String>>,
}

impl Params {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    pub(crate) fn flag(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| v.eq_ignore_ascii_case("Y"))
    }
}

/// Checks a call's parameters against the spec, in the order the server reports them:
/// unknown names (-2), missing values (-3), bad values (-4, or -7 for countries where the
/// endpoint documents it), then the contact groups and the rules between parameters.
pub(crate) fn check(endpoint: Endpoint, raw: &[(String, String)]) -> Result<Params, Failure> {
    let spec = of(endpoint);
    let mut params = Params::default();
    let mut seen_twice = None;
    for (name, value) in raw {
        let known = spec
            .params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name) || p.aliases.iter().any(|a| a.eq_ignore_ascii_case(name)));
        if let Some(p) = known {
            if params.values.insert(p.name, value.clone()).is_some() {
                seen_twice.get_or_insert(p.name);
            }
            continue;
        }
        if let Some(items) = spec.items
            && let Some((index, rest)) = item_name(name, items.underscore_prefix)
        {
            let key = match items.params.iter().find(|p| p.name.eq_ignore_ascii_case(rest)) {
                Some(p) => p.name,
                None if items.open => rest,
                None => return Err(endpoint.unrecognized(name)),
            };
            if params.items.entry(index).or_default().insert(key.to_owned(), value.clone()).is_some() {
                return Err(invalid(name));
            }
            continue;
        }
        return Err(endpoint.unrecognized(name));
    }
    // Items are read 1, 2, 3, ...: an item after a gap is not an item of the order.
    if let Some((&index, item)) =
        params.items.iter().enumerate().find(|(i, (n, _))| **n != *i as u32 + 1).map(|(_, e)| e)
    {
        let first = item.keys().next().cloned().unwrap_or_default();
        return Err(endpoint.unrecognized(&format!("{index}_{first}")));
    }
    for p in spec.params.iter().filter(|p| required(p)) {
        if params.get(p.name).is_none() {
            return Err(missing(p.name));
        }
    }
    if let Some(name) = seen_twice {
        return Err(invalid(name));
    }
    for p in spec.params {
        if let Some(value) = params.get(p.name) {
            check_value(endpoint, p.name, kind(p), value)?;
        }
    }
    for (index, item) in &params.items {
        for p in spec.items.map_or(&[][..], |i| i.params) {
            if let Some(value) = item.get(p.name).filter(|v| !v.is_empty()) {
                check_value(endpoint, &format!("{index}_{}", p.name), kind(p), value)?;
            }
        }
    }
    for group in spec.groups {
        if group.members.iter().any(|m| params.get(m).is_some())
            && let Some(m) = group.required_if_any.iter().find(|m| params.get(m).is_none())
        {
            return Err(missing(m));
        }
    }
    for rule in spec.rules {
        match rule {
            Rule::OneOf { sets } => {
                if !sets.iter().any(|set| set.iter().all(|n| params.get(n).is_some())) {
                    return Err(missing(sets.first().and_then(|s| s.first()).copied().unwrap_or_default()));
                }
            }
            Rule::RequiredWhen { param, when_param, equals } => {
                if params.get(when_param).is_some_and(|v| equals.contains(&v)) && params.get(param).is_none() {
                    return Err(missing(param));
                }
            }
            Rule::OnlyWhen { param, when_param, equals } => {
                // Its documented default, where it does not apply, is harmless.
                let default = spec.param(param).and_then(|p| p.default);
                let given = params.get(param).is_some_and(|v| !default.is_some_and(|d| d.eq_ignore_ascii_case(v)));
                if given && !params.get(when_param).is_some_and(|v| equals.contains(&v)) {
                    return Err(invalid(param));
                }
            }
        }
    }
    Ok(params)
}

fn check_value(endpoint: Endpoint, name: &str, kind: Kind, value: &str) -> Result<(), Failure> {
    if accepts(kind, value) {
        return Ok(());
    }
    if matches!(kind, Kind::Country) && endpoint == Endpoint::Tier2PartnerSignup && value.chars().count() <= 2 {
        return Err(fail(-7, format!("'{value}' is not a valid ISO-3166 country!"), Some(name)));
    }
    Err(invalid(name))
}

/// `3_PPP` (or, where the spec allows it, `_3_PPP`) -> (3, "PPP").
fn item_name(name: &str, underscore_prefix: bool) -> Option<(u32, &str)> {
    let name = if underscore_prefix { name.strip_prefix('_').unwrap_or(name) } else { name };
    let (digits, rest) = name.split_once('_')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || rest.is_empty() {
        return None;
    }
    Some((digits.parse().ok()?, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_of_the_catalogue_has_a_price() {
        for entry in sectigo::spec_data::CATALOGUE {
            assert_eq!(
                priced(entry.ppp).map(|(p, _)| p),
                Some(entry.product),
                "no sandbox price for a {} term",
                entry.term
            );
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
