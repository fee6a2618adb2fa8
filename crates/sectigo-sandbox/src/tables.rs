//! The parameters each endpoint accepts, written from Sectigo's documents
//! (`../shared/seeds/`), independently of the SDK's spec and validator: the sandbox is a
//! second reading of the documents, so it can catch the SDK sending something wrong.

/// What a parameter's value must look like.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Text of at most this many characters (`usize::MAX`: no documented limit).
    Text(usize),
    /// A whole number.
    Int,
    /// `Y` or `N` (any case, as the documents' own examples send `y`).
    Flag,
    /// One of these values (exact case, except as noted).
    OneOf(&'static [&'static str]),
    /// A two-letter ISO 3166 country code.
    Country,
}

/// One parameter.
#[derive(Debug, Clone, Copy)]
pub struct P {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn req(name: &'static str, kind: Kind) -> P {
    P { name, kind, required: true }
}

const fn opt(name: &'static str, kind: Kind) -> P {
    P { name, kind, required: false }
}

use Kind::*;

/// `!initCustomerSession` (both generations).
pub const INIT_CUSTOMER_SESSION: &[P] = &[
    req("loginName", Text(64)),
    req("loginPassword", Text(128)),
    req("orderNumber", Text(64)),
    opt("responseFormat", OneOf(&["0", "1"])),
];

/// `!AutoAuthorize`.
pub const AUTO_AUTHORIZE: &[P] = &[
    req("loginName", Text(64)),
    req("loginPassword", Text(128)),
    req("orderNumber", Int),
    opt("test", Flag),
    opt("disableSWP", Flag),
];

/// `!PlaceOrder` (web products), without the indexed item parameters.
pub const PLACE_ORDER: &[P] = &[
    req("ap", Text(64)),
    req("reseller", Flag),
    opt("errorURL", Text(255)),
    opt("successURL", Text(255)),
    opt("region", Text(64)),
    opt("isReturningCustomer", Flag),
    opt("product", Text(usize::MAX)),
    opt("offerCode", OneOf(&["FREE_EV_UPGRADE", "FREE_EV_UPGRADE_REQUIRED", "EVSSLPREREGISTRATIONOFFER", "FREE_HP_UPGRADE"])),
    opt("organizationName", Text(64)),
    opt("organizationalUnitName", Text(64)),
    opt("postOfficeBox", Text(40)),
    opt("streetAddress1", Text(128)),
    opt("streetAddress2", Text(128)),
    opt("streetAddress3", Text(128)),
    opt("localityName", Text(128)),
    opt("stateOrProvinceName", Text(128)),
    opt("postalCode", Text(40)),
    opt("countryName", Country),
    opt("dunsNumber", Text(20)),
    opt("companyNumber", Text(64)),
    opt("BusinessCategory", OneOf(&["b", "c", "d"])),
    opt("title", Text(64)),
    opt("name", Text(128)),
    opt("foreName", Text(64)),
    opt("surName", Text(64)),
    req("emailAddress", Text(255)),
    opt("telephoneNumber", Text(32)),
    opt("faxNumber", Text(32)),
    req("loginName", Text(64)),
    req("loginPassword", Text(128)),
    opt("licenceCode", Text(255)),
];

/// `country` is another name for `countryName` in `!PlaceOrder`.
pub const PLACE_ORDER_ALIASES: &[(&str, &str)] = &[("country", "countryName")];

/// The documented item parameters of `!PlaceOrder` (`x_` left out). Products may take others.
pub const ITEM: &[P] = &[
    opt("ID", Int),
    opt("PPP", Int),
    opt("visibility", OneOf(&["-1", "0"])),
    opt("days", Int),
    opt("seats", Int),
    opt("users", Int),
    opt("servers", Int),
    opt("quantity", Int),
    opt("zones", Int),
];

/// A contact/address group of the signup: its members, and those that become required
/// ("marked with a *") when any member is given.
#[derive(Debug)]
pub struct Group {
    pub members: Vec<String>,
    pub starred: Vec<String>,
}

const ADDRESS: &[(&str, usize, bool)] = &[
    ("OrganizationName", 64, true),
    ("OrganizationalUnitName", 64, false),
    ("PostOfficeBox", 40, false),
    ("StreetAddress1", 128, true),
    ("StreetAddress2", 128, false),
    ("StreetAddress3", 128, false),
    ("LocalityName", 128, true),
    ("StateOrProvinceName", 128, true),
    ("PostalCode", 40, true),
    ("CountryName", 2, true),
];

const USER: &[(&str, usize, bool)] = &[
    ("Title", 64, false),
    ("Forename", 64, false),
    ("Surname", 64, false),
    ("EmailAddress", 255, true),
    ("TelephoneNumber", 32, true),
    ("FaxNumber", 32, false),
];

fn kind_of(suffix: &str, len: usize) -> Kind {
    if suffix == "CountryName" { Country } else { Text(len) }
}

/// The Tier 2 partner signup's parameters (document version 1.09) and its groups, built once:
/// the group members' names are made at run time and live as long as the process.
pub fn signup() -> &'static (Vec<P>, Vec<Group>) {
    static TABLE: std::sync::OnceLock<(Vec<P>, Vec<Group>)> = std::sync::OnceLock::new();
    TABLE.get_or_init(build_signup)
}

fn build_signup() -> (Vec<P>, Vec<Group>) {
    let mut params = vec![
        req("ap", Text(64)),
        req("partnerType", OneOf(&["29", "30", "32"])),
        opt("pricingBandName", Text(40)),
        opt("enableAutoApply", Flag),
        opt("omitXXXByString", Flag),
        opt("brandName", Text(64)),
        req("companyWebsite", Text(255)),
        req("organizationName", Text(64)),
        opt("organizationalUnitName", Text(64)),
        opt("postOfficeBox", Text(40)),
        req("streetAddress1", Text(128)),
        req("streetAddress2", Text(128)),
        req("streetAddress3", Text(128)),
        req("localityName", Text(128)),
        req("stateOrProvinceName", Text(128)),
        req("postalCode", Text(40)),
        req("countryName", Country),
        opt("dunsNumber", Text(20)),
        opt("companyNumber", Text(25)),
        opt("adminTitle", Text(64)),
        opt("adminForename", Text(64)),
        opt("adminSurname", Text(64)),
        req("adminEmailAddress", Text(255)),
        req("adminTelephoneNumber", Text(32)),
        opt("adminFaxNumber", Text(32)),
        req("adminLoginName", Text(64)),
        req("adminLoginPassword", Text(128)),
    ];
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let mut groups = Vec::new();
    let mut add_group = |prefix: &str, fields: &[(&str, usize, bool)], params: &mut Vec<P>| {
        let mut group = Group { members: Vec::new(), starred: Vec::new() };
        for (suffix, len, starred) in fields {
            let name = leak(format!("{prefix}{suffix}"));
            params.push(opt(name, kind_of(suffix, *len)));
            group.members.push(name.to_owned());
            if *starred {
                group.starred.push(name.to_owned());
            }
        }
        groups.push(group);
    };
    add_group("admin", ADDRESS, &mut params);
    for prefix in ["billing", "org"] {
        add_group(prefix, USER, &mut params);
        add_group(prefix, ADDRESS, &mut params);
    }
    add_group("trading", ADDRESS, &mut params);
    (params, groups)
}

/// The web product pricing catalogue of `!PlaceOrder`: for each product, its pricing codes for
/// 30, 45 and 90 days and 1 to 5 years (`0`: not sold for that term).
pub const WEB_PRODUCTS: &[(&str, [u32; 8])] = &[
    ("Sectigo Web Monitor", [9675, 9686, 9697, 9600, 9601, 9602, 9603, 9604]),
    ("Sectigo Web Remediate", [9676, 9687, 9698, 9605, 9606, 9607, 9608, 9609]),
    ("Sectigo Web Perform", [9677, 9688, 9699, 9610, 9611, 9612, 9613, 9614]),
    ("Sectigo Web Complete", [9678, 9689, 9700, 9615, 9616, 9617, 9618, 9619]),
    ("Sectigo Web Remediate Partner", [9717, 9718, 9719, 9720, 9721, 9722, 9723, 9724]),
    ("Sectigo Web Perform Partner", [9725, 9726, 9727, 9728, 9729, 9730, 9731, 9732]),
    ("Sectigo Web Complete Partner", [9733, 9734, 9735, 9736, 9737, 9738, 9739, 9740]),
    ("Sectigo Web One Time Remediate", [0, 0, 0, 9892, 0, 0, 0, 0]),
    ("Web DNS Pro", [9971, 9972, 9973, 9974, 9975, 9976, 9977, 9978]),
];

/// Sandbox prices, in cents, by term (the documents give no prices).
pub const TERM_PRICES: [u64; 8] = [500, 700, 1200, 4000, 7500, 10500, 13000, 15000];

/// ISO 3166-1 alpha-2 country codes.
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
    /// Found by fuzzing (`cargo xtask fuzz`, target sandbox_request, out of memory after
    /// 2.7 million inputs): each signup call built this table anew and leaked its names.
    #[test]
    fn the_signup_table_is_built_once() {
        assert!(std::ptr::eq(super::signup(), super::signup()));
    }
}
