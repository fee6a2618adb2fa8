//! Every name and every piece of text the emitters write into another language's source: wire
//! names turned into each language's identifiers, and descriptions made safe inside each
//! language's comments and string literals. The loader names the Rust items ([`snake_case`],
//! [`upper_camel`]); the emitters use the rest, so that each rule is written once.

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
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

/// `place_order` -> `placeOrder`, `order_number` -> `orderNumber`: PHP's methods and
/// properties.
pub fn lower_camel(name: &str) -> String {
    let upper = upper_camel(name);
    let mut c = upper.chars();
    c.next().map(|f| f.to_ascii_lowercase().to_string() + c.as_str()).unwrap_or_default()
}

/// `place_order` -> `PLACE_ORDER`: C's macro names.
pub fn upper_snake(name: &str) -> String {
    name.to_ascii_uppercase()
}

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "self",
];

/// A Rust field name as a Python name: Rust's keyword escape (`type_`) dropped, Python's added
/// (`from_`).
pub fn python_name(field: &str) -> String {
    let base = field.trim_end_matches('_');
    if PYTHON_KEYWORDS.contains(&base) { format!("{base}_") } else { base.to_owned() }
}

/// Text on one line: every run of whitespace (line breaks included) one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text inside a `/* */` comment of C or a PHP docblock, on one line: nothing can end the
/// comment or seem to open another (which C compilers warn of), and control characters are
/// written as `\u{..}`.
pub fn block_comment(text: &str) -> String {
    visible(&one_line(text)).replace("*/", "* /").replace("/*", "/ *")
}

/// Control characters (which some compilers warn of, and a reader cannot see) as `\u{..}`.
fn visible(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { format!("\\u{{{:x}}}", c as u32) } else { c.to_string() }).collect()
}

/// Text inside a Python `"""` docstring, on one line: backslashes and control characters
/// escaped, and the quotes that could end the docstring (one before another, or the last
/// character), so the docstring reads as the text.
pub fn python_docstring(text: &str) -> String {
    let line = one_line(text);
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if matches!(chars.peek(), Some('"') | None) => out.push_str("\\\""),
            '"' => out.push('"'),
            c => out.push_str(&python_escaped(&c.to_string())),
        }
    }
    out
}

/// A Python string literal of `text` (double-quoted; Python's own escapes, never Rust's).
pub fn python_string(text: &str) -> String {
    format!("\"{}\"", python_escaped(text))
}

fn python_escaped(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Every control character (Unicode's Cc) is below U+0100.
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A PHP single-quoted string literal of `text` (PHP's two escapes there: `\'` and `\\`).
pub fn php_string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A C string literal of `text`: its UTF-8 bytes, those outside printable ASCII as octal
/// escapes.
pub fn c_string(text: &str) -> String {
    let mut out = String::from("\"");
    for b in text.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'?' => out.push_str("\\?"), // no trigraphs
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push('"');
    out
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
        assert_eq!(lower_camel("place_order"), "placeOrder");
        assert_eq!(lower_camel("sid"), "sid");
        assert_eq!(upper_snake("place_order"), "PLACE_ORDER");
        assert_eq!(python_name("type_"), "type");
        assert_eq!(python_name("from"), "from_");
        assert_eq!(python_name("login_name"), "login_name");
    }

    #[test]
    fn text_in_each_language() {
        let text = "a \"quote\", a back\\slash, a bell \u{7}, a delete \u{7f}, and \u{e9}t\u{e9} */ end /* not";
        assert_eq!(
            python_string(text),
            r#""a \"quote\", a back\\slash, a bell \x07, a delete \x7f, and été */ end /* not""#
        );
        assert_eq!(python_docstring("ends with a \"quote\""), r#"ends with a "quote\""#);
        assert_eq!(python_docstring("three \"\"\" in a row"), r#"three \"\"" in a row"#);
        assert_eq!(
            block_comment(text),
            r#"a "quote", a back\slash, a bell \u{7}, a delete \u{7f}, and été * / end / * not"#
        );
        assert_eq!(c_string("é\"?"), r#""\303\251\"\?""#);
    }
}
