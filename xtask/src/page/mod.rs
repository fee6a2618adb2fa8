//! Sectigo's documentation pages, read into facts: what `cargo xtask import-doc` compares with
//! `spec/`.
//!
//! Two generations of pages exist (`tests/import/seeds/` holds pages of both, and
//! `spec/README.md` lists them): the legacy reference (version history, tab-separated tables,
//! `<b>`/`<i>` marking required and optional variables, numbered sections) and the current docs
//! site (blocks of Parameter / Requirement /
//! Type / Max.Length / Description, error-code tables, curl samples). [`read`] takes the text
//! of either, copied as text or saved as HTML, and never panics: what it cannot find, it names
//! in its error.

pub mod answer;
pub mod compare;
pub mod create;
mod current;
pub mod html;
mod legacy;
pub mod write;

use std::fmt;

/// Which kind of page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generation {
    Legacy,
    Current,
}

/// One request parameter as the page states it. `None` where the page says nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    /// Other names the page gives it ("countryName or country").
    pub aliases: Vec<String>,
    /// `required`, `optional` or `conditional`.
    pub requirement: Option<String>,
    pub ty: Option<String>,
    pub max_length: Option<u32>,
    /// (value, meaning); the meaning may be empty.
    pub allowed: Vec<(String, String)>,
    pub default: Option<String>,
    /// A format the page names for the value (`iso3166_alpha2`: "the ISO 3166 two-character
    /// code").
    pub format: Option<String>,
    /// Whether the product ordered decides if it is needed, or what it is named ("determined by
    /// the specific product").
    pub product_dependent: bool,
}

/// What a page says of an order's numbered items (`1_PPP`, `2_ID`), besides their parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Items {
    /// "There must be at least one item in the order": 1.
    pub min: u32,
    /// "You may prepend an underscore to any of the x_parameters".
    pub underscore_prefix: bool,
    /// The table is "a sample": products take parameters of their own.
    pub open: bool,
    /// "Either 1_ID or 1_PPP must be specified": `[["ID"], ["PPP"]]`.
    pub one_of: Vec<Vec<String>>,
}

/// A rule between parameters, as a page states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// "If name is specified, foreName and surName are not required": one of the sets must
    /// be given.
    OneOf(Vec<Vec<String>>),
    /// "(only applicable, and required, when "partnerType" is 29)".
    RequiredWhen { param: String, when: String, equals: Vec<String> },
    /// "(only applicable when "partnerType" is 30)".
    OnlyWhen { param: String, when: String, equals: Vec<String> },
    /// "If any Billing user parameters are specified, then those ... marked with a * become
    /// required": the group named by its words (`Billing`, `user`), and (filled in by the
    /// comparison, which knows the group's members) the members the page marks.
    Group { owner: String, kind: String, required: Vec<String> },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::OneOf(sets) => {
                let sets: Vec<String> = sets.iter().map(|s| s.join("+")).collect();
                write!(f, "one of {}", sets.join(" | "))
            }
            Rule::RequiredWhen { param, when, equals } => {
                write!(f, "{param} required when {when} is {}", equals.join(" or "))
            }
            Rule::OnlyWhen { param, when, equals } => write!(f, "{param} only when {when} is {}", equals.join(" or ")),
            Rule::Group { owner, kind, required } if required.is_empty() => {
                write!(f, "{owner} {kind} parameters: none required once any of them is given")
            }
            Rule::Group { owner, kind, required } => {
                write!(f, "{owner} {kind} parameters: {} required once any of them is given", required.join(", "))
            }
        }
    }
}

/// Which of an endpoint page's three parts the page holds. A page cut short (a copy saved before
/// it had loaded, say) lacks the answer's fields or the error table, and an endpoint made from
/// it would miss facts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sections {
    /// The request's parameter table.
    pub request: bool,
    /// The answer's fields: a response section naming them.
    pub answer: bool,
    /// The error table.
    pub errors: bool,
}

impl Sections {
    /// What a complete page has and this one lacks: each part's key (`request`, `answer`,
    /// `errors`, as an endpoint's `partial` lists them) and its name as a maintainer would look
    /// for it.
    pub fn missing(&self) -> Vec<(&'static str, &'static str)> {
        [
            (self.request, "request", "the request's parameter table"),
            (self.answer, "answer", "the answer's fields (the response section)"),
            (self.errors, "errors", "the error table"),
        ]
        .into_iter()
        .filter(|(present, ..)| !present)
        .map(|(_, key, name)| (key, name))
        .collect()
    }
}

/// Everything a page states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub generation: Generation,
    /// `!PlaceOrder`; `None` when the page names none.
    pub endpoint: Option<String>,
    /// Hosts of the page's URLs.
    pub hosts: Vec<String>,
    /// The endpoint's path, when the page gives its URL.
    pub path: Option<String>,
    /// `GET`, `POST`.
    pub methods: Vec<String>,
    pub params: Vec<Param>,
    /// Indexed item parameters, without the `x_` prefix (`PPP`, `ID`).
    pub items: Vec<Param>,
    /// What the page says of the items themselves, when it has any.
    pub item_rules: Option<Items>,
    /// The words of code 0, when the page lists it ("Successful").
    pub success_message: Option<String>,
    /// What each version of the history added, by the version that added it.
    pub added: Vec<(String, Added)>,
    /// Groups of parameters that default to another group when all are left out ("If the Billing
    /// Contact's user parameters are all empty or omitted, they will default to the Admin User's
    /// user parameters"): ((owner, kind), (owner, kind) of the group it defaults to), owners as
    /// the page words them (`Billing`, `Registered`), kinds `user` or `address`.
    pub defaults: Vec<((String, String), (String, String))>,
    /// The parameters an error code can concern, where the page says ("errorCode -28 can only
    /// apply to the "adminLoginName" or "brandName" parameters").
    pub applies_to: Vec<(i64, Vec<String>)>,
    /// Answer fields.
    pub fields: Vec<String>,
    /// (errorCode, exact message).
    pub errors: Vec<(i64, String)>,
    /// (product name, term label, PPP code).
    pub products: Vec<(String, String, u32)>,
    /// The parameters a product's customers must supply ("All Sectigo Web Monitor customers must
    /// supply emailAddress."), by product name.
    pub product_requires: Vec<(String, Vec<String>)>,
    /// (version, what changed).
    pub history: Vec<(String, String)>,
    /// Rules between parameters.
    pub rules: Vec<Rule>,
    /// Which parts the page holds.
    pub sections: Sections,
    /// The answer's fields, with what the page states of each.
    pub answer: Vec<answer::Field>,
    /// The answer's format, when the page gives it.
    pub format: Option<answer::Format>,
}

/// Something a version of the page's history added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// A request parameter, by name (`Added: "countryName" parameter`).
    Param(String),
    /// The parameters whose names start with a prefix (`Added: Various parameters for the
    /// Billing Contact`: the `billing...` ones).
    Params(String),
    /// An answer field: by name (`Added: "orderNumber" response parameter`), or by its words
    /// (`A SASP session ID is now returned in the response`: `saspSessionID`).
    Field(String),
    /// An error code (`Added: Error code -7`).
    Error(i64),
}

/// What the history's entries added: names in quotes, "Various parameters for the X Y", error
/// codes, and things "now returned in the response".
fn additions(history: &[(String, String)]) -> Vec<(String, Added)> {
    let mut out = Vec::new();
    for (version, text) in history {
        for clause in text.split("Added:").skip(1) {
            let clause =
                clause.split("Changed:").next().unwrap_or_default().split("Removed:").next().unwrap_or_default();
            let quoted: Vec<String> =
                clause.split('"').skip(1).step_by(2).filter(|n| is_name(n)).map(str::to_owned).collect();
            if clause.contains("response parameter") {
                out.extend(quoted.into_iter().map(|n| (version.clone(), Added::Field(n))));
            } else if !quoted.is_empty() {
                out.extend(quoted.into_iter().map(|n| (version.clone(), Added::Param(n))));
            } else if let Some(rest) = clause.split("Various parameters for the ").nth(1) {
                let word = rest.split_whitespace().next().unwrap_or_default().to_ascii_lowercase();
                out.push((version.clone(), Added::Params(word)));
            } else if let Some(rest) = clause.trim().strip_prefix("Error code ") {
                let code: String = rest.chars().take_while(|c| *c == '-' || c.is_ascii_digit()).collect();
                if let Ok(code) = code.parse() {
                    out.push((version.clone(), Added::Error(code)));
                }
            } else if let Some(words) =
                clause.trim().strip_prefix("A ").and_then(|c| c.split(" is now returned").next())
                && clause.contains("is now returned in the response")
            {
                out.push((version.clone(), Added::Field(words.split_whitespace().collect())));
            }
        }
    }
    out
}

/// "If the Admin Contact address parameters are all empty or omitted, they will default to the
/// Registered Address": ((Admin, address), (Registered, address)).
fn group_defaults(text: &str) -> Vec<((String, String), (String, String))> {
    let group = |words: &str| -> Option<(String, String)> {
        let words: Vec<&str> = words.split_whitespace().collect();
        let owner = words.first()?.trim_end_matches("'s");
        let kind = words.last()?.trim_end_matches("'s").to_ascii_lowercase();
        (matches!(kind.as_str(), "user" | "address") && owner.chars().all(|c| c.is_ascii_alphabetic()))
            .then(|| (owner.to_owned(), kind))
    };
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix("If the ") else { continue };
        let Some((subject, rest)) = rest.split_once(" parameters are all empty or omitted") else { continue };
        let Some(target) = rest.split(" default to the ").nth(1) else { continue };
        let target = target.split([' ', '.', '(']).take_while(|w| !w.is_empty()).collect::<Vec<_>>();
        // "Admin User's user parameters" names the kind again; "Registered Address" is one.
        let target = match target.as_slice() {
            [owner, _, kind, ..] if matches!(*kind, "user" | "address") => format!("{owner} {kind}"),
            [owner, kind, ..] => format!("{owner} {kind}"),
            _ => continue,
        };
        if let (Some(from), Some(to)) = (group(subject), group(&target)) {
            out.push((from, to));
        }
    }
    out
}

/// `All PRODUCT customers must supply NAME[ and NAME].`, for the page's products.
fn product_requires(text: &str, products: &[(String, String, u32)]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix("All ") else { continue };
        let Some((product, names)) = rest.split_once(" customers must supply ") else { continue };
        if !products.iter().any(|(p, ..)| p == product) || out.iter().any(|(p, _)| p == product) {
            continue;
        }
        let names: Vec<String> =
            names.trim_end_matches('.').split(" and ").map(|n| n.trim().to_owned()).filter(|n| is_name(n)).collect();
        out.push((product.to_owned(), names));
    }
    out
}

/// "errorCode -28 can only apply to the "a" or "b" parameters": (-28, [a, b]).
fn error_notes(text: &str) -> Vec<(i64, Vec<String>)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(i) = line.find("errorCode -") else { continue };
        let rest = &line[i + "errorCode ".len()..];
        let code: String = rest.chars().take_while(|c| *c == '-' || c.is_ascii_digit()).collect();
        let Some(names) = rest.split(" can only apply to ").nth(1) else { continue };
        let names: Vec<String> =
            names.split('"').skip(1).step_by(2).filter(|n| is_name(n)).map(str::to_owned).collect();
        if let Ok(code) = code.parse()
            && !names.is_empty()
        {
            out.push((code, names));
        }
    }
    out
}

/// Why a page could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError(pub String);

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PageError {}

/// Reads a saved page of either generation.
pub fn read(text: &str) -> Result<Page, PageError> {
    if text.trim().is_empty() {
        return Err(PageError("the page is empty".into()));
    }
    if text.contains('\0') || text.chars().filter(|c| c.is_control() && !c.is_whitespace()).count() > text.len() / 100 {
        return Err(PageError("the page is not text (control characters throughout)".into()));
    }
    let text = text.replace("\r\n", "\n");
    // A page saved as HTML reads as the same page copied as text.
    let text = if html::looks_like(&text) { html::to_text(&text) } else { text };
    let page = if legacy::looks_like(&text) {
        legacy::read(&text)
    } else if current::looks_like(&text) {
        current::read(&text)?
    } else {
        return Err(PageError(
            "this is not a page of Sectigo's reseller API: no endpoint, no parameter table \
             (\"Parameter Requirement Type Max.Length Description\" or \"Variable Name (case insensitive)\"), \
             no error codes"
                .into(),
        ));
    };
    let mut page = page;
    page.rules.extend(text_rules(&text));
    if !page.items.is_empty() {
        page.item_rules = Some(item_rules(&text));
    }
    page.added = additions(&page.history);
    page.product_requires = product_requires(&text, &page.products);
    page.defaults = group_defaults(&text);
    page.applies_to = error_notes(&text);
    if page.params.is_empty() && page.errors.is_empty() && page.fields.is_empty() && page.products.is_empty() {
        return Err(PageError(format!(
            "found no parameter, answer field, error code or product on this {} page (truncated?)",
            match page.generation {
                Generation::Legacy => "legacy",
                Generation::Current => "current",
            }
        )));
    }
    Ok(page)
}

/// Rules a parameter's description states: "only applicable[, and required,] when "P" is V".
fn param_rules(param: &str, description: &str) -> Vec<Rule> {
    let mut out = Vec::new();
    for (marker, required) in [("only applicable, and required, when ", true), ("only applicable when ", false)] {
        let Some(i) = description.find(marker) else { continue };
        let rest = &description[i + marker.len()..];
        let Some((when, values)) = rest.split_once(" is ") else { continue };
        let when = when.trim().trim_matches('"').to_owned();
        let values: String = values.chars().take_while(|c| !matches!(c, ')' | ';' | '.')).collect();
        let equals: Vec<String> = values.split(" or ").map(|v| v.trim().trim_matches('"').to_owned()).collect();
        if !is_name(&when) || equals.iter().any(|v| v.is_empty() || v.contains(' ')) {
            continue;
        }
        if required {
            out.push(Rule::RequiredWhen { param: param.to_owned(), when: when.clone(), equals: equals.clone() });
        }
        out.push(Rule::OnlyWhen { param: param.to_owned(), when, equals });
    }
    out
}

/// Rules the page states in sentences of their own.
fn text_rules(text: &str) -> Vec<Rule> {
    let mut out: Vec<Rule> = Vec::new();
    for line in text.lines().map(str::trim) {
        // "If name is specified, foreName and surName are not required."
        if let Some(rest) = line.strip_prefix("If ")
            && let Some((given, rest)) = rest.split_once(" is specified, ")
            && let Some(others) = rest.strip_suffix(" are not required.")
        {
            let mut sets = vec![vec![given.to_owned()]];
            sets.extend(others.split(" and ").map(|o| vec![o.trim().to_owned()]));
            let rule = Rule::OneOf(sets);
            if rule_names(&rule).iter().all(|n| is_name(n)) && !out.contains(&rule) {
                out.push(rule);
            }
        }
        // "If any Billing user parameters are specified, then those ... become required parameters."
        if let Some(rest) = line.strip_prefix("If any ")
            && let Some((group, rest)) = rest.split_once(" parameters are specified")
            && rest.contains("become required")
            && let Some((owner, kind)) = group.rsplit_once(' ')
        {
            out.push(Rule::Group { owner: owner.to_owned(), kind: kind.to_owned(), required: Vec::new() });
        }
    }
    out
}

fn rule_names(rule: &Rule) -> Vec<&str> {
    match rule {
        Rule::OneOf(sets) => sets.iter().flatten().map(String::as_str).collect(),
        Rule::RequiredWhen { param, when, .. } | Rule::OnlyWhen { param, when, .. } => vec![param, when],
        Rule::Group { .. } => Vec::new(),
    }
}

/// The hosts of the page's URLs, and the endpoint's path: that of the URL ending in its name.
fn hosts_and_path(text: &str, endpoint: Option<&str>) -> (Vec<String>, Option<String>) {
    let found = urls(text);
    let mut hosts: Vec<String> = Vec::new();
    for (host, _) in &found {
        if !hosts.contains(host) {
            hosts.push(host.clone());
        }
    }
    let path = endpoint.and_then(|e| found.iter().find(|(_, p)| p.ends_with(e))).map(|(_, p)| p.clone());
    (hosts, path)
}

/// `https://host/path` URLs in the text: (host, path).
fn urls(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("https://") {
        let rest = &text[i + "https://".len()..];
        let end =
            rest.find(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '>' | '<' | ')')).unwrap_or(rest.len());
        let url = &rest[..end];
        let (host, path) = url.split_once('/').map_or((url, ""), |(h, p)| (h, p));
        let path = path.split(['?', '#']).next().unwrap_or_default();
        if !host.is_empty() && host.contains('.') {
            out.push((host.to_owned(), format!("/{path}")));
        }
    }
    out
}

/// Whether a word may be a parameter name: letters, digits and `_`, starting with a letter or
/// `x_`.
fn is_name(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && word.len() <= 64
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `64 chars` / `1 char` -> 64 / 1.
fn length(cell: &str) -> Option<u32> {
    let cell = cell.trim();
    let number = cell.strip_suffix("chars").or_else(|| cell.strip_suffix("char"))?.trim();
    number.parse().ok()
}

/// Whether a description says the product decides about the parameter.
fn stated_product_dependent(description: &str) -> bool {
    let lower = description.to_ascii_lowercase();
    lower.contains("depending on the product") || lower.contains("determined by the specific product")
}

/// What a page's sentences say of an order's items, when it has item parameters.
fn item_rules(text: &str) -> Items {
    let lower = text.to_ascii_lowercase();
    let mut one_of = Vec::new();
    if let Some(i) = text.find("either 1_") {
        let rest = &text[i + "either ".len()..];
        let clause = rest.split(" must be specified").next().unwrap_or_default();
        one_of = clause
            .split(" or ")
            .filter_map(|n| n.trim().strip_prefix("1_"))
            .filter(|n| is_name(n))
            .map(|n| vec![n.to_owned()])
            .collect();
    }
    Items {
        min: u32::from(lower.contains("at least one item")),
        underscore_prefix: lower.contains("prepend an underscore"),
        open: lower.contains("a sample of the types of x_parameters") || lower.contains("vary considerably"),
        one_of,
    }
}

/// The format a parameter's description names: a two-character ISO 3166 country code.
fn stated_format(description: &str, max_length: Option<u32>) -> Option<String> {
    let compact: String = description.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    (compact.contains("ISO3166") && max_length == Some(2)).then(|| "iso3166_alpha2".to_owned())
}

/// Removes `<b>`, `<i>` and their closing tags, and Markdown emphasis.
fn plain(text: &str) -> String {
    let mut out = text.to_owned();
    for tag in ["<b>", "</b>", "<i>", "</i>", "**", "\\"] {
        out = out.replace(tag, "");
    }
    out.trim().to_owned()
}

/// A sentence's server default: "defaults to N", "default value is \"N\"".
fn default_in(text: &str) -> Option<String> {
    for marker in ["defaults to ", "default value is "] {
        if let Some(i) = text.find(marker) {
            let rest = &text[i + marker.len()..];
            let value: String = rest
                .trim_start_matches('"')
                .chars()
                .take_while(|c| !matches!(c, '"' | ';' | ',' | ')' | '.'))
                .collect();
            let value = value.trim().to_owned();
            if !value.is_empty() && !value.contains(' ') {
                return Some(value);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_pages_say_what_is_missing() {
        assert_eq!(read("").unwrap_err().0, "the page is empty");
        assert!(read("\0\0\u{1}binary").unwrap_err().0.contains("not text"));
        assert!(
            read("# Some other API\n\nGET /v2/users returns users.").unwrap_err().0.contains("not a page of Sectigo")
        );
        let truncated = "Request\n\nEndpoint: !AutoAuthorize\n\nParameter Requirement Type Max.Length Description\n";
        assert!(read(truncated).unwrap_err().0.contains("ends inside a parameter table"));
    }

    #[test]
    fn small_helpers() {
        assert_eq!(length("64 chars"), Some(64));
        assert_eq!(length("1 char"), Some(1));
        assert_eq!(length(""), None);
        assert_eq!(default_in("If omitted, the value defaults to N."), Some("N".into()));
        assert_eq!(default_in("Specify \"Y\" to enable; default value is \"N\"."), Some("N".into()));
        assert_eq!(
            urls("see <https://secure.sectigo.com/products/!x>"),
            vec![("secure.sectigo.com".into(), "/products/!x".into())]
        );
    }
}
