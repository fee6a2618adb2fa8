//! Turning wire names into Rust names.

/// `loginName` -> `login_name`, `omitXXXByString` -> `omit_xxx_by_string`, `SID` -> `sid`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    if is_keyword(&out) {
        out.push('_');
    }
    out
}

/// `place_order` -> `PlaceOrder`, `offerCode` -> `OfferCode`.
pub fn upper_camel(name: &str) -> String {
    snake_case(name)
        .split('_')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut c = s.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// A snake_case identifier.
pub fn is_ident(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !is_keyword(name)
}

fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "break" | "const" | "continue" | "crate" | "else" | "enum" | "extern" | "false" | "fn" | "for"
            | "if" | "impl" | "in" | "let" | "loop" | "match" | "mod" | "move" | "mut" | "pub" | "ref"
            | "return" | "self" | "static" | "struct" | "super" | "trait" | "true" | "type" | "unsafe"
            | "use" | "where" | "while" | "async" | "await" | "dyn" | "abstract" | "become" | "box" | "do"
            | "final" | "macro" | "override" | "priv" | "typeof" | "unsized" | "virtual" | "yield" | "try"
            | "gen"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for (wire, snake) in [
            ("loginName", "login_name"),
            ("omitXXXByString", "omit_xxx_by_string"),
            ("SID", "sid"),
            ("disableSWP", "disable_swp"),
            ("slUserID", "sl_user_id"),
            ("streetAddress1", "street_address1"),
            ("BusinessCategory", "business_category"),
            ("errorURL", "error_url"),
            ("PPP", "ppp"),
            ("type", "type_"),
        ] {
            assert_eq!(snake_case(wire), snake, "{wire}");
        }
        assert_eq!(upper_camel("tier2_partner_signup"), "Tier2PartnerSignup");
        assert_eq!(upper_camel("offerCode"), "OfferCode");
        assert_eq!(upper_camel("days30"), "Days30");
    }
}
