//! The answer a page describes: its fields (name, type, length, line, when present) and its
//! format. Each generation's reader (`current.rs`, `legacy.rs`) finds the fields' rows and
//! sentences; the facts they state are read here, in one place for both.

use super::{Param, is_name, length};

/// When an answer field is present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    Success,
    Error,
}

/// One answer field as the page states it. `None` where the page says nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// `integer` or `string`, when the page says.
    pub ty: Option<String>,
    pub max_length: Option<u32>,
    /// Its line in a newline answer.
    pub line: Option<u8>,
    pub when: When,
    /// The page names a condition beyond success or failure for it ("only present if a
    /// SiteLock licence is the only product"), marks an error field as not always present, or
    /// leaves a success field out of its URL-encoded sample.
    pub optional: bool,
}

/// The answer's encoding, as the page gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// One value per line.
    Newline,
    /// `name=value&...`; with one of `redirect_params` given, a redirect carries the pairs.
    UrlEncoded { redirect_params: Vec<String> },
    /// The request parameter `selector` picks one: (value, `newline` or `url_encoded`), the
    /// first being what its default gives.
    Selectable { selector: String, default: String, formats: Vec<(String, String)> },
}

/// A row or paragraph of the page about one field: its name, its line when the page numbers
/// it, whether the page marks it always present (bold, `required`) or not (italic, `optional`),
/// the type a column gives, and the words said of it.
#[derive(Debug, Clone, Default)]
pub struct Said {
    pub name: String,
    pub line: Option<u8>,
    pub marked_always: Option<bool>,
    pub ty: Option<String>,
    pub max_length: Option<u32>,
    /// `Some` when the row sits under a heading that says (`If errorCode < 0`).
    pub when: Option<When>,
    pub text: String,
}

/// The documents' own spelling of a field a legacy page writes as words ("Error Message").
pub fn canonical(name: &str) -> String {
    match name.replace(' ', "").to_ascii_lowercase().as_str() {
        "errorcode" => "errorCode".to_owned(),
        "errormessage" => "errorMessage".to_owned(),
        "erroritem" => "errorItem".to_owned(),
        _ => name.replace(' ', ""),
    }
}

fn is_error_field(name: &str) -> bool {
    matches!(name, "errorMessage" | "errorItem")
}

/// A type a field's words state: "The parameter is an integer.", "A string (...)", "(string)",
/// "(type=string, max size=16 chars)".
fn stated_type(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    for (marker, ty) in [
        ("type=string", "string"),
        ("type=integer", "integer"),
        ("is an integer", "integer"),
        ("is a string", "string"),
        ("(string)", "string"),
        ("(integer)", "integer"),
    ] {
        if lower.contains(marker) {
            return Some(ty.to_owned());
        }
    }
    for (start, ty) in [("an integer", "integer"), ("a string", "string")] {
        if lower.starts_with(start) {
            return Some(ty.to_owned());
        }
    }
    None
}

/// "max size=16 chars" -> 16.
fn stated_length(text: &str) -> Option<u32> {
    let i = text.find("max size=")?;
    let rest = &text[i + "max size=".len()..];
    let end = rest.find([')', ',']).unwrap_or(rest.len());
    length(&rest[..end])
}

/// Reads every row said of a field into one field each, in the order first named: the facts of
/// several rows about one field (its line in the newline answer, its row in the URL-encoded
/// one) together. `newline` tells whether the answer may be one value per line.
pub fn fields(said: &[Said], newline: bool) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    for s in said {
        let name = canonical(&s.name);
        if !is_name(&name) {
            continue;
        }
        let text = s.text.replace(['<', '>'], " ").replace(" i ", " ").replace("/i", "");
        let lower = text.to_ascii_lowercase();
        let when = if name == "errorCode" {
            When::Always
        } else if let Some(w) = s.when {
            w
        } else if is_error_field(&name) || lower.contains("not present when errorcode=0") {
            When::Error
        } else {
            When::Success
        };
        // A condition of its own, beyond the call's success or failure.
        let conditional = lower.contains("only present if") || lower.contains("only relevant");
        let ty =
            if name == "errorCode" { Some("integer".to_owned()) } else { s.ty.clone().or_else(|| stated_type(&text)) };
        let max_length = s.max_length.or_else(|| stated_length(&text));
        let field = out.iter_mut().find(|f| f.name == name);
        let field = match field {
            Some(f) => f,
            None => {
                out.push(Field { name: name.clone(), ty: None, max_length: None, line: None, when, optional: false });
                out.last_mut().expect("just pushed")
            }
        };
        field.ty = field.ty.take().or(ty);
        field.max_length = field.max_length.or(max_length);
        field.line = field.line.or(s.line.filter(|_| newline));
        // An error field not always present: only where no line of a newline answer holds it.
        // A field a newline answer numbers is there whenever its call succeeds (or fails),
        // unless a condition of its own is named.
        let unmarked_error = field.when == When::Error && s.marked_always == Some(false) && field.line.is_none();
        field.optional = (field.optional || conditional || unmarked_error) && (field.line.is_none() || conditional);
    }
    out
}

/// Numbers the fields of a newline answer the page only shows by example: its success sample's
/// lines after the code go to the success fields in the order the page lists them, and the
/// error sample's to the error fields.
pub fn number_from_samples(fields: &mut [Field], success_lines: usize, error_lines: usize) {
    for (when, lines) in [(When::Success, success_lines), (When::Error, error_lines)] {
        for (next, f) in (2u8..).zip(fields.iter_mut().filter(|f| f.when == when)) {
            if usize::from(next) > lines {
                break;
            }
            f.line = f.line.or(Some(next));
        }
    }
    if let Some(code) = fields.iter_mut().find(|f| f.name == "errorCode") {
        code.line = code.line.or(Some(1));
    }
}

/// The answer's format: a `responseFormat`-like request parameter whose values choose lines
/// or pairs; else pairs when the page gives the URL-encoded MIME type (with the redirect
/// parameters it names); else lines when it numbers them or restricts the answer to them.
pub fn format(params: &[Param], response_text: &str) -> Option<Format> {
    for p in params {
        let kinds: Vec<(String, &str)> = p
            .allowed
            .iter()
            .filter_map(|(value, meaning)| {
                let m = meaning.to_ascii_lowercase();
                let kind = if m.contains("url-encoded") || m.contains("url encoded") {
                    "url_encoded"
                } else if m.contains("line") {
                    "newline"
                } else {
                    return None;
                };
                Some((value.clone(), kind))
            })
            .collect();
        if kinds.len() >= 2 && kinds.len() == p.allowed.len() {
            let default = p.default.clone().unwrap_or_else(|| kinds[0].0.clone());
            let mut formats: Vec<(String, String)> = kinds.into_iter().map(|(v, k)| (v, k.to_owned())).collect();
            formats.sort_by_key(|(v, _)| *v != default);
            return Some(Format::Selectable { selector: p.name.clone(), default, formats });
        }
    }
    let lower = response_text.to_ascii_lowercase();
    if lower.contains("application/x-www-form-urlencoded") && !lower.contains("line 1") {
        let mut redirect_params = Vec::new();
        if lower.contains("redirected") {
            let mut named: Vec<(usize, &str)> = params
                .iter()
                .filter_map(|p| response_text.find(p.name.as_str()).map(|i| (i, p.name.as_str())))
                .filter(|(_, n)| n.ends_with("URL"))
                .collect();
            named.sort();
            redirect_params = named.into_iter().map(|(_, n)| n.to_owned()).collect();
        }
        return Some(Format::UrlEncoded { redirect_params });
    }
    if lower.contains("line-delimited") || lower.contains("line 1") || lower.contains("first line") {
        return Some(Format::Newline);
    }
    None
}

/// Marks success fields a URL-encoded success sample leaves out as optional.
pub fn optional_unless_sampled(fields: &mut [Field], sample: &str) {
    let names: Vec<String> = form_urlencoded::parse(sample.trim().as_bytes()).map(|(n, _)| n.into_owned()).collect();
    if names.is_empty() {
        return;
    }
    for f in fields.iter_mut().filter(|f| f.when == When::Success) {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(&f.name)) {
            f.optional = true;
        }
    }
}
