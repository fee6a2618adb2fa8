//! Checking a request against its endpoint's spec, before any byte leaves the process.
//!
//! Typed builders and the name-keyed interface both hand their (name, value) pairs to
//! [`prepare`], so both are held to exactly the same rules.

use std::fmt;

use crate::meta::{Credential, Endpoint, Format, Items, Param, ParamType, Rule};
use crate::secret::{Credentials, REDACTED};

/// A request that passed every check: canonical names, spec order, ready to encode.
#[derive(Clone)]
pub struct Form {
    endpoint: &'static Endpoint,
    pairs: Vec<(String, String)>,
    secret: Vec<bool>,
}

impl Form {
    /// The endpoint the form is for.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// Name/value pairs in wire order. Holds secrets: do not log.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The value of a parameter (case-insensitive name), if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The `application/x-www-form-urlencoded` body (UTF-8).
    pub fn encode(&self) -> String {
        encode_pairs(&self.pairs)
    }

    /// The pairs with every secret value replaced by `<redacted>`: safe to show.
    pub fn redacted(&self) -> Vec<(String, String)> {
        redact_pairs(&self.pairs, &self.secret)
    }
}

/// `pairs` as an `application/x-www-form-urlencoded` body (a spec form's or a raw call's).
pub(crate) fn encode_pairs(pairs: &[(String, String)]) -> String {
    // Room for every name and value, a separator each, and some escapes.
    let room = pairs.iter().map(|(n, v)| n.len() + v.len() + 2).sum::<usize>() * 5 / 4;
    let mut out = form_urlencoded::Serializer::new(String::with_capacity(room));
    for (name, value) in pairs {
        out.append_pair(name, value);
    }
    out.finish()
}

/// `pairs` with the values `secret` marks replaced by `<redacted>`.
pub(crate) fn redact_pairs(pairs: &[(String, String)], secret: &[bool]) -> Vec<(String, String)> {
    pairs
        .iter()
        .zip(secret)
        .map(|((n, v), secret)| (n.clone(), if *secret { REDACTED.to_owned() } else { v.clone() }))
        .collect()
}

impl fmt::Debug for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Form").field("endpoint", &self.endpoint.title).field("pairs", &self.redacted()).finish()
    }
}

/// Every rule a request broke. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violations(Vec<Violation>);

impl Violations {
    /// The violations, in the order found.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }

    /// How many rules were broken.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false; present for clippy's sake.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a violation concerns this parameter (case-insensitive).
    pub fn concerns(&self, param: &str) -> bool {
        self.0.iter().any(|v| v.param.eq_ignore_ascii_case(param))
    }
}

impl<'a> IntoIterator for &'a Violations {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} invalid parameter{}: ", self.0.len(), if self.0.len() == 1 { "" } else { "s" })?;
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

/// One broken rule: which parameter, and which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The parameter, by its wire name (`loginName`, `1_PPP`, `items`).
    pub param: String,
    /// The rule broken.
    pub kind: ViolationKind,
}

/// The rules a request can break.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// The endpoint has no parameter of this name.
    Unknown,
    /// The parameter was given twice (perhaps under an alias or another case).
    Duplicate,
    /// A required parameter is missing or empty.
    Missing {
        /// It is normally filled from the client's credentials.
        credential: bool,
    },
    /// Longer than the documented maximum.
    TooLong {
        /// Maximum, in characters.
        max: u32,
        /// Length given, in characters (not told for secrets).
        actual: Option<usize>,
    },
    /// More parameters than any request of the API can need.
    TooMany {
        /// The limit.
        max: usize,
    },
    /// Not one of the allowed values.
    NotAllowed {
        /// The value given (shortened).
        value: String,
        /// The allowed values.
        allowed: Vec<&'static str>,
    },
    /// Not a whole number.
    NotInteger {
        /// The value given (shortened).
        value: String,
    },
    /// Not a two-letter ISO 3166 country code.
    NotCountryCode {
        /// The value given (shortened).
        value: String,
    },
    /// None of the alternative sets is given in full.
    OneOf {
        /// The sets.
        sets: Vec<Vec<String>>,
    },
    /// Required because another parameter has a certain value.
    RequiredWhen {
        /// The deciding parameter.
        other: &'static str,
        /// Its value.
        value: String,
    },
    /// Given although another parameter's value does not allow it.
    OnlyWhen {
        /// The deciding parameter.
        other: &'static str,
        /// Values that would allow it.
        allowed: Vec<&'static str>,
    },
    /// Required because another member of its group is given.
    RequiredByGroup {
        /// Group title.
        group: &'static str,
        /// A member that was given.
        given: String,
    },
    /// Fewer items than the endpoint needs.
    TooFewItems {
        /// Fewest allowed.
        min: u32,
    },
    /// Item numbers do not run 1, 2, 3, ... without gaps.
    ItemNumbering {
        /// The number expected next.
        expected: u32,
        /// The number found.
        found: u32,
    },
    /// An item gives none of the alternative sets in full (`ID` or `PPP`).
    ItemOneOf {
        /// The item number.
        item: u32,
        /// The sets, as wire names of this item.
        sets: Vec<Vec<String>>,
    },
}

impl ViolationKind {
    /// Short, stable name of the rule, for programs (`max_length`, `required`, ...).
    pub fn rule(&self) -> &'static str {
        match self {
            ViolationKind::Unknown => "unknown",
            ViolationKind::Duplicate => "duplicate",
            ViolationKind::Missing { .. } => "required",
            ViolationKind::TooLong { .. } => "max_length",
            ViolationKind::TooMany { .. } => "too_many",
            ViolationKind::NotAllowed { .. } => "allowed_values",
            ViolationKind::NotInteger { .. } => "integer",
            ViolationKind::NotCountryCode { .. } => "country_code",
            ViolationKind::OneOf { .. } => "one_of",
            ViolationKind::RequiredWhen { .. } => "required_when",
            ViolationKind::OnlyWhen { .. } => "only_when",
            ViolationKind::RequiredByGroup { .. } => "group",
            ViolationKind::TooFewItems { .. } => "min_items",
            ViolationKind::ItemNumbering { .. } => "item_numbering",
            ViolationKind::ItemOneOf { .. } => "item_one_of",
        }
    }
}

fn join_sets(sets: &[Vec<String>]) -> String {
    sets.iter()
        .map(|s| s.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" and "))
        .collect::<Vec<_>>()
        .join(", or ")
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.param;
        match &self.kind {
            ViolationKind::Unknown if p.is_empty() => write!(f, "a parameter has an empty name"),
            ViolationKind::Unknown => write!(f, "`{p}` is not a parameter of this endpoint"),
            ViolationKind::Duplicate => write!(f, "`{p}` is given more than once"),
            ViolationKind::Missing { credential: false } => write!(f, "`{p}` is required"),
            ViolationKind::Missing { credential: true } => {
                write!(f, "`{p}` is required (it comes from the client's credentials")?;
                if p.eq_ignore_ascii_case("loginPassword") {
                    write!(f, "; a client that logs in with a client certificate needs none")?;
                }
                write!(f, ")")
            }
            ViolationKind::TooLong { max, actual: Some(actual) } => {
                write!(f, "`{p}` may be at most {max} characters long, got {actual}")
            }
            ViolationKind::TooLong { max, actual: None } => write!(f, "`{p}` may be at most {max} characters long"),
            ViolationKind::TooMany { max } => write!(f, "more than {max} parameters given"),
            ViolationKind::NotAllowed { value, allowed } => {
                write!(f, "`{p}` must be one of {}, got {value:?}", allowed.join(", "))
            }
            ViolationKind::NotInteger { value } => write!(f, "`{p}` must be a whole number, got {value:?}"),
            ViolationKind::NotCountryCode { value } => {
                write!(f, "`{p}` must be a two-letter ISO 3166 country code, got {value:?}")
            }
            ViolationKind::OneOf { sets } => write!(f, "one of {} must be given", join_sets(sets)),
            ViolationKind::RequiredWhen { other, value } => {
                write!(f, "`{p}` is required when `{other}` is {value}")
            }
            ViolationKind::OnlyWhen { other, allowed } => {
                write!(f, "`{p}` may only be given when `{other}` is {}", allowed.join(" or "))
            }
            ViolationKind::RequiredByGroup { group, given } => {
                write!(f, "`{p}` is required because `{given}` of the {group} is given")
            }
            ViolationKind::TooFewItems { min } => {
                write!(f, "too few items: at least {min} must be given (numbered from 1, such as `1_PPP`)")
            }
            ViolationKind::ItemNumbering { expected, found } => write!(
                f,
                "items must be numbered 1, 2, 3, ... without gaps: expected item {expected}, found item {found}"
            ),
            ViolationKind::ItemOneOf { item, sets } => {
                write!(f, "item {item} needs {}", join_sets(sets))
            }
        }
    }
}

/// Where a given name landed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Param(usize),
    Item { index: u32, key: ItemKey },
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum ItemKey {
    Param(usize),
    /// A product-specific item parameter; ordered after the known ones, by arrival.
    Extra(usize, String),
}

/// Values longer than this are shortened when quoted back in a violation.
const QUOTE_MAX: usize = 40;

fn quote(value: &str) -> String {
    if value.chars().count() <= QUOTE_MAX {
        value.to_owned()
    } else {
        let mut s: String = value.chars().take(QUOTE_MAX).collect();
        s.push('…');
        s
    }
}

fn parse_item_name<'n>(items: &Items, name: &'n str) -> Option<(u32, &'n str)> {
    let name = if items.underscore_prefix { name.strip_prefix('_').unwrap_or(name) } else { name };
    let (digits, rest) = name.split_once('_')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || rest.is_empty() {
        return None;
    }
    Some((digits.parse().ok()?, rest))
}

/// A whole number in plain decimal (an optional `-`, digits), within 64 bits.
fn is_integer(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && value.parse::<i64>().is_ok()
}

/// No request of the API needs more parameters than this (the signup has 79, and an order
/// would need hundreds of items to come close); beyond it the request is refused whole.
pub const MAX_PARAMS: usize = 1000;

/// Checks one value against its parameter's type, length, allowed values and format; returns
/// the value to send (allowed values in their documented spelling).
fn check_value(param: &Param, wire_name: &str, value: String, out: &mut Vec<Violation>) -> String {
    let violation = |kind| Violation { param: wire_name.to_owned(), kind };
    let shown = || if param.secret { REDACTED.to_owned() } else { quote(&value) };
    if !param.allowed.is_empty() {
        if param.allowed.iter().any(|a| a.value == value) {
            return value;
        }
        if let Some(a) = param.allowed.iter().find(|a| a.value.eq_ignore_ascii_case(&value)) {
            return a.value.to_owned();
        }
        out.push(violation(ViolationKind::NotAllowed {
            value: shown(),
            allowed: param.allowed.iter().map(|a| a.value).collect(),
        }));
        return value;
    }
    if param.ty == ParamType::Integer && !is_integer(&value) {
        out.push(violation(ViolationKind::NotInteger { value: shown() }));
    }
    if let Some(max) = param.max_length {
        let actual = value.chars().count();
        if actual > max as usize {
            let actual = (!param.secret).then_some(actual);
            out.push(violation(ViolationKind::TooLong { max, actual }));
        }
    }
    if param.format == Some(Format::Iso3166Alpha2)
        && !value.is_empty()
        && !(value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        out.push(violation(ViolationKind::NotCountryCode { value: shown() }));
    }
    value
}

/// Checks `input` against `endpoint` and returns the form to send, or every violation found.
///
/// Names match case-insensitively, aliases are accepted, items go by their indexed names
/// (`1_PPP`, `_2_ID`). Parameters tied to a credential are filled from `credentials` when the
/// input does not give them. Empty values count as not given for the requirement rules (the
/// documents treat "empty or omitted" alike) but are still sent.
pub fn prepare<N, V>(
    endpoint: &'static Endpoint,
    input: impl IntoIterator<Item = (N, V)>,
    credentials: Option<&Credentials>,
) -> Result<Form, Violations>
where
    N: AsRef<str>,
    V: Into<String>,
{
    let mut out = Vec::new();
    let mut keyed: Vec<(Key, String, String)> = Vec::new(); // key, wire name, value
    // Keys given, product-specific names lower-cased. A list: a request has a few parameters,
    // and even at MAX_PARAMS a scan costs less than a tree's allocations for the usual few.
    let mut seen: Vec<Key> = Vec::new();
    let mut extras = 0;

    for (count, (name, value)) in input.into_iter().enumerate() {
        if count == MAX_PARAMS {
            return Err(Violations(vec![Violation {
                param: "*".to_owned(),
                kind: ViolationKind::TooMany { max: MAX_PARAMS },
            }]));
        }
        let name = name.as_ref();
        let value: String = value.into();
        let landed = if let Some(i) = endpoint.params.iter().position(|p| p.matches(name)) {
            let p = &endpoint.params[i];
            let value = check_value(p, p.name, value, &mut out);
            Some((Key::Param(i), p.name.to_owned(), value))
        } else if let Some((items, (index, rest))) =
            endpoint.items.and_then(|items| Some((items, parse_item_name(items, name)?)))
        {
            if let Some(j) = items.params.iter().position(|p| p.matches(rest)) {
                let p = &items.params[j];
                let wire = format!("{index}_{}", p.name);
                let value = check_value(p, &wire, value, &mut out);
                Some((Key::Item { index, key: ItemKey::Param(j) }, wire, value))
            } else if items.open && rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
                extras += 1;
                let key = ItemKey::Extra(extras, rest.to_ascii_lowercase());
                Some((Key::Item { index, key }, format!("{index}_{rest}"), value))
            } else {
                None
            }
        } else {
            None
        };
        match landed {
            None => out.push(Violation { param: name.to_owned(), kind: ViolationKind::Unknown }),
            Some((key, wire, value)) => {
                let identity = match &key {
                    Key::Item { index, key: ItemKey::Extra(_, name) } => {
                        Key::Item { index: *index, key: ItemKey::Extra(0, name.clone()) }
                    }
                    other => other.clone(),
                };
                if seen.contains(&identity) {
                    out.push(Violation { param: wire, kind: ViolationKind::Duplicate });
                } else {
                    seen.push(identity);
                    keyed.push((key, wire, value));
                }
            }
        }
    }

    // Credentials fill what the caller did not give.
    if let Some(credentials) = credentials {
        for (i, p) in endpoint.params.iter().enumerate() {
            let Some(which) = p.credential else { continue };
            if keyed.iter().any(|(k, _, _)| *k == Key::Param(i)) {
                continue;
            }
            let value = match which {
                Credential::LoginName => credentials.login_name().to_owned(),
                Credential::LoginPassword => match credentials.login_password() {
                    Some(password) => password.expose().to_owned(),
                    // A client certificate stands for the password: none is sent.
                    None => continue,
                },
            };
            let value = check_value(p, p.name, value, &mut out);
            keyed.push((Key::Param(i), p.name.to_owned(), value));
        }
    }

    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0)); // keys are unique
    let given = |name: &str| -> Option<&str> {
        let i = endpoint.params.iter().position(|p| p.name == name)?;
        keyed.iter().find(|(k, _, v)| *k == Key::Param(i) && !v.is_empty()).map(|(_, _, v)| v.as_str())
    };

    let by_certificate = credentials.is_some_and(|c| c.login_password().is_none());
    for p in endpoint.params.iter().filter(|p| p.requirement == crate::meta::Requirement::Required) {
        if by_certificate && p.credential == Some(Credential::LoginPassword) {
            continue;
        }
        if given(p.name).is_none() {
            out.push(Violation {
                param: p.name.to_owned(),
                kind: ViolationKind::Missing { credential: p.credential.is_some() },
            });
        }
    }

    for rule in endpoint.rules {
        match rule {
            Rule::OneOf { sets } => {
                if !sets.iter().any(|set| set.iter().all(|n| given(n).is_some())) {
                    out.push(Violation {
                        param: sets.iter().map(|s| s.join("+")).collect::<Vec<_>>().join("|"),
                        kind: ViolationKind::OneOf {
                            sets: sets.iter().map(|s| s.iter().map(|n| n.to_string()).collect()).collect(),
                        },
                    });
                }
            }
            Rule::RequiredWhen { param, when_param, equals } => {
                if let Some(v) = given(when_param)
                    && equals.contains(&v)
                    && given(param).is_none()
                {
                    out.push(Violation {
                        param: param.to_string(),
                        kind: ViolationKind::RequiredWhen { other: when_param, value: v.to_owned() },
                    });
                }
            }
            Rule::OnlyWhen { param, when_param, equals } => {
                // Sending the documented default where the parameter does not apply is harmless.
                let default = endpoint.param(param).and_then(|p| p.default);
                if given(param).is_some_and(|v| Some(v) != default)
                    && !given(when_param).is_some_and(|v| equals.contains(&v))
                {
                    out.push(Violation {
                        param: param.to_string(),
                        kind: ViolationKind::OnlyWhen { other: when_param, allowed: equals.to_vec() },
                    });
                }
            }
        }
    }

    for group in endpoint.groups {
        if let Some(first) = group.members.iter().find(|m| given(m).is_some()) {
            for m in group.required_if_any.iter().filter(|m| given(m).is_none()) {
                out.push(Violation {
                    param: m.to_string(),
                    kind: ViolationKind::RequiredByGroup { group: group.title, given: first.to_string() },
                });
            }
        }
    }

    if let Some(items) = endpoint.items {
        check_items(items, &keyed, &mut out);
    }

    if out.is_empty() {
        let secret = keyed.iter().map(|(k, _, _)| matches!(k, Key::Param(i) if endpoint.params[*i].secret)).collect();
        Ok(Form { endpoint, pairs: keyed.into_iter().map(|(_, n, v)| (n, v)).collect(), secret })
    } else {
        Err(Violations(out))
    }
}

fn check_items(items: &Items, keyed: &[(Key, String, String)], out: &mut Vec<Violation>) {
    let mut numbers: Vec<u32> = keyed
        .iter()
        .filter_map(|(k, _, _)| match k {
            Key::Item { index, .. } => Some(*index),
            Key::Param(_) => None,
        })
        .collect();
    numbers.dedup(); // sorted already
    if (numbers.len() as u32) < items.min {
        out.push(Violation { param: "items".to_owned(), kind: ViolationKind::TooFewItems { min: items.min } });
    }
    for (expected, &found) in (1u32..).zip(&numbers) {
        if found != expected {
            out.push(Violation { param: format!("{found}_*"), kind: ViolationKind::ItemNumbering { expected, found } });
            break;
        }
    }
    let given: std::collections::BTreeSet<(u32, &str)> = keyed
        .iter()
        .filter_map(|(k, _, v)| match k {
            Key::Item { index, key: ItemKey::Param(j) } if !v.is_empty() => Some((*index, items.params[*j].name)),
            _ => None,
        })
        .collect();
    for &index in &numbers {
        let has = |name: &str| given.contains(&(index, name));
        if !items.one_of.is_empty() && !items.one_of.iter().any(|set| set.iter().all(|n| has(n))) {
            let sets: Vec<Vec<String>> =
                items.one_of.iter().map(|s| s.iter().map(|n| format!("{index}_{n}")).collect()).collect();
            out.push(Violation {
                param: sets.iter().map(|s| s.join("+")).collect::<Vec<_>>().join("|"),
                kind: ViolationKind::ItemOneOf { item: index, sets },
            });
        }
        for p in items.params.iter().filter(|p| p.requirement == crate::meta::Requirement::Required) {
            if !p.product_dependent && !has(p.name) {
                out.push(Violation {
                    param: format!("{index}_{}", p.name),
                    kind: ViolationKind::Missing { credential: false },
                });
            }
        }
    }
}
