//! The current docs site's pages: "Endpoint: !Name", blocks of Parameter / Requirement / Type /
//! Max.Length / Description (one cell per line), error-code tables, product tables.

use super::answer::{self, Said, When};
use super::{
    Generation, Page, PageError, Param, Rule, Sections, default_in, hosts_and_path, is_name, length, param_rules,
    stated_format, stated_product_dependent,
};

const PARAM_HEADER: &str = "Parameter Requirement Type Max.Length Description";
const FIELD_HEADER: &str = "Parameter Description";
const ERROR_HEADER: &str = "Error Code Error Message Description";
const REQUIREMENTS: &[&str] = &["required", "optional", "conditional"];
const TYPES: &[&str] = &["string", "char", "integer", "int", "number", "boolean", "date"];
/// Lines that end a parameter table.
const TABLE_ENDS: &[&str] = &[
    "Sample request",
    "Response",
    PARAM_HEADER,
    "Product-specific parameters",
    "Sample success response",
    "Error codes",
];

pub fn looks_like(text: &str) -> bool {
    text.lines().any(|l| l.trim() == PARAM_HEADER || l.trim() == ERROR_HEADER || l.trim().starts_with("Endpoint: !"))
}

pub fn read(text: &str) -> Result<Page, PageError> {
    // The cells, one per line; blank lines carry nothing.
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let endpoint = lines.iter().find_map(|l| l.strip_prefix("Endpoint:")).map(|e| e.trim().to_owned());
    let (hosts, path) = hosts_and_path(text, endpoint.as_deref());
    let mut methods = Vec::new();
    if text.contains("For GET requests") || text.contains("GET or POST") {
        methods.push("GET".to_owned());
    }
    if text.contains("Use the POST method") || text.contains("For POST requests") || text.contains("GET or POST") {
        methods.push("POST".to_owned());
    }

    // Parameter tables: the request's, the items' (x_ names), and, after "Response
    // parameters", the answer's fields in the same shape.
    let mut params = Vec::new();
    let mut items = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    let answer_starts = lines.iter().position(|l| *l == "Response parameters").unwrap_or(lines.len());
    for start in positions(&lines, PARAM_HEADER) {
        let table = &lines[start + 1..];
        if !table.iter().any(|l| TABLE_ENDS.contains(l)) {
            let last =
                param_blocks(table).last().map(|(p, ..)| format!(" after parameter {}", p.name)).unwrap_or_default();
            return Err(PageError(format!(
                "the page ends inside a parameter table{last} (truncated?): no sample request, response or \
                 further table follows it"
            )));
        }
        for (p, said, _) in param_blocks(table) {
            if start > answer_starts {
                fields.push(p.name);
                continue;
            }
            rules.extend(said);
            match p.name.strip_prefix("x_") {
                Some(item) => items.push(Param { name: item.to_owned(), ..p }),
                // The product decides about item parameters only.
                None => params.push(Param { product_dependent: false, ..p }),
            }
        }
    }
    for start in positions(&lines, FIELD_HEADER) {
        let names = lines[start + 1..].iter().take_while(|l| !l.starts_with("Sample ") && **l != "Error codes");
        fields.extend(names.filter(|l| is_name(l)).map(|l| (*l).to_owned()));
    }
    let errors: Vec<(i64, String)> =
        positions(&lines, ERROR_HEADER).into_iter().flat_map(|start| error_rows(&lines[start + 1..])).collect();
    let products = positions(&lines, "Product-specific parameters")
        .into_iter()
        .flat_map(|start| product_rows(&lines[start + 1..]))
        .collect();
    let response = lines.iter().position(|l| *l == "Response").unwrap_or(lines.len());
    let response_text = lines[response..].join("\n");
    let format = answer::format(&params, &response_text);
    let newline = matches!(format, Some(answer::Format::Newline | answer::Format::Selectable { .. }));
    let mut answer = answer::fields(&answer_rows(&lines[response..]), newline);
    if newline {
        let (success, error) = (sample(&lines, "Sample success response"), sample(&lines, "Sample error response"));
        answer::number_from_samples(&mut answer, success.values, error.values);
    }
    if let Some(pairs) = sample(&lines, "Sample success response").pairs {
        answer::optional_unless_sampled(&mut answer, pairs);
    }
    // The answer's section names its fields; the error table lists at least one code.
    let sections = Sections {
        request: !params.is_empty(),
        answer: lines.contains(&"Response parameters") && !fields.is_empty(),
        errors: !errors.is_empty(),
    };
    Ok(Page {
        generation: Generation::Current,
        endpoint,
        hosts,
        path,
        methods,
        params,
        items,
        fields,
        errors,
        products,
        history: Vec::new(),
        rules,
        sections,
        answer,
        format,
        item_rules: None,
        added: Vec::new(),
        product_requires: Vec::new(),
        defaults: Vec::new(),
        applies_to: Vec::new(),
        success_message: None,
    })
}

/// What the answer's section says of each field: the rows after "Response parameters", the
/// numbered lines of a newline answer ("line 2 — SID — ...") and "the second line displays the
/// errorMessage".
fn answer_rows(lines: &[&str]) -> Vec<Said> {
    // The table first: the fields in its order; the numbered lines then add to them.
    let mut out = answer_table(lines);
    for line in lines {
        let item = line.trim_start_matches('•').trim();
        if let Some(rest) = item.strip_prefix("line ")
            && let Some((number, rest)) = rest.split_once(" — ")
            && let Ok(number) = number.trim().parse::<u8>()
        {
            let (name, text) = rest.split_once(" — ").unwrap_or((rest, ""));
            let name = name.trim().trim_end_matches('.');
            let when = (number > 1).then_some(When::Success);
            out.push(Said {
                name: name.to_owned(),
                line: Some(number),
                when,
                text: text.to_owned(),
                ..Said::default()
            });
        }
        if line.contains("the second line displays the errorMessage") {
            let when = Some(When::Error);
            out.push(Said { name: "errorMessage".to_owned(), line: Some(2), when, ..Said::default() });
        }
    }
    out
}

/// The rows after "Response parameters": a parameter table's blocks, or names each followed
/// by what is said of them.
fn answer_table(lines: &[&str]) -> Vec<Said> {
    let mut out = Vec::new();
    let Some(start) = lines.iter().position(|l| *l == "Response parameters") else { return out };
    let region = &lines[start + 1..];
    let end = region.iter().position(|l| l.starts_with("Sample ") || *l == "Error codes").unwrap_or(region.len());
    let region = &region[..end];
    if let Some(header) = region.iter().position(|l| *l == PARAM_HEADER) {
        for (p, _, text) in param_blocks(&region[header + 1..]) {
            out.push(Said {
                name: p.name,
                marked_always: p.requirement.map(|r| r == "required"),
                ty: p.ty,
                max_length: p.max_length,
                text,
                ..Said::default()
            });
        }
        return out;
    }
    let Some(header) = region.iter().position(|l| *l == FIELD_HEADER) else { return out };
    let mut current: Option<Said> = None;
    for line in &region[header + 1..] {
        if is_name(line) {
            out.extend(current.take());
            current = Some(Said { name: (*line).to_owned(), ..Said::default() });
        } else if let Some(said) = &mut current {
            said.text.push_str(line);
            said.text.push(' ');
        }
    }
    out.extend(current);
    out
}

/// A sample answer after its heading: how many lines a newline sample has (the code first),
/// and a URL-encoded sample's pairs.
#[derive(Default)]
struct Sample<'a> {
    values: usize,
    pairs: Option<&'a str>,
}

fn sample<'a>(lines: &[&'a str], heading: &str) -> Sample<'a> {
    let Some(start) = lines.iter().position(|l| *l == heading) else { return Sample::default() };
    let region = &lines[start + 1..];
    let end = region.iter().position(|l| l.starts_with("Sample ") || *l == "Error codes").unwrap_or(region.len());
    let region = &region[..end];
    let mut out = Sample::default();
    if let Some(code) = region.iter().position(|l| l.parse::<i64>().is_ok()) {
        let error = region[code].starts_with('-');
        // The code, then its values: tokens for a success, the message (any words) for an error.
        let rest = region[code + 1..]
            .iter()
            .take_while(|l| if error { !l.starts_with("The ") } else { !l.contains(' ') && !l.contains('=') })
            .count();
        out.values = 1 + if error { rest.min(1) } else { rest };
    }
    out.pairs = region.iter().find(|l| l.contains('=') && !l.contains(' ')).copied();
    out
}

fn positions(lines: &[&str], wanted: &str) -> Vec<usize> {
    lines.iter().enumerate().filter(|(_, l)| **l == wanted).map(|(i, _)| i).collect()
}

/// A parameter's name and its aliases.
type Names = Vec<(String, Vec<String>)>;

/// The names a block starts with, when `lines[i]` starts one (names, then a requirement):
/// "x_seats, x_users" names several parameters, "countryName or country" one with an alias.
fn block_start(lines: &[&str], i: usize) -> Option<Names> {
    let names: Names = lines[i]
        .split(',')
        .map(|n| {
            let mut spellings = n.split(" or ").map(|s| s.trim().to_owned());
            (spellings.next().unwrap_or_default(), spellings.collect())
        })
        .collect();
    let next = lines.get(i + 1)?;
    let named = names.iter().all(|(n, aliases)| is_name(n) && aliases.iter().all(|a| is_name(a)));
    (named && REQUIREMENTS.contains(&next.to_ascii_lowercase().as_str())).then_some(names)
}

/// The parameter blocks of a table, up to where it ends, with the rules their descriptions
/// state and the descriptions.
fn param_blocks(lines: &[&str]) -> Vec<(Param, Vec<Rule>, String)> {
    let end = lines.iter().position(|l| TABLE_ENDS.contains(l)).unwrap_or(lines.len());
    let lines = &lines[..end];
    let starts: Vec<(usize, Names)> = (0..lines.len()).filter_map(|i| block_start(lines, i).map(|n| (i, n))).collect();
    let mut out = Vec::new();
    for (k, (i, names)) in starts.iter().enumerate() {
        let stop = starts.get(k + 1).map_or(lines.len(), |(j, _)| *j);
        let mut cells = lines[i + 1..stop].iter().copied();
        let requirement = cells.next().map(str::to_ascii_lowercase);
        let mut rest: Vec<&str> = cells.collect();
        let ty =
            rest.first().filter(|t| TYPES.contains(&t.to_ascii_lowercase().as_str())).map(|t| t.to_ascii_lowercase());
        if ty.is_some() {
            rest.remove(0);
        }
        let max_length = rest.first().and_then(|c| length(c));
        if max_length.is_some() {
            rest.remove(0);
        }
        let (allowed, mut default) = allowed_values(&rest);
        if default.is_none() {
            default = rest.iter().find_map(|l| default_in(l));
        }
        let description = rest.join(" ");
        for (name, aliases) in names {
            let said = param_rules(name, &description);
            out.push((
                Param {
                    name: name.clone(),
                    aliases: aliases.clone(),
                    requirement: requirement.clone(),
                    ty: ty.clone(),
                    max_length,
                    allowed: allowed.clone(),
                    default: default.clone(),
                    format: stated_format(&description, max_length),
                    product_dependent: stated_product_dependent(&description),
                },
                said,
                description.clone(),
            ));
        }
    }
    out
}

/// "• Y — meaning" lines: (value, meaning), and the one marked "(default)".
fn allowed_values(lines: &[&str]) -> (Vec<(String, String)>, Option<String>) {
    let mut allowed = Vec::new();
    let mut default = None;
    for line in lines {
        let Some(item) = line.strip_prefix('•') else { continue };
        let item = item.trim();
        // "Y — meaning", the dash between thin spaces on the site.
        let (value, meaning) = item.split_once('—').map_or((item, ""), |(v, m)| (v.trim(), m.trim()));
        let (value, marked) = match value.strip_suffix("(default)") {
            Some(v) => (v.trim(), true),
            None => (value, meaning.contains("(default)")),
        };
        if value.is_empty() || value.contains(' ') {
            continue;
        }
        if marked {
            default = Some(value.to_owned());
        }
        let meaning = meaning.replace("(default)", "").replace(" .", ".").trim().to_owned();
        allowed.push((value.to_owned(), meaning));
    }
    (allowed, default)
}

/// (code, message) rows: a code line, then its message.
fn error_rows(lines: &[&str]) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let (Ok(code), Some(message)) = (line.parse::<i64>(), lines.get(i + 1))
            && code <= 0
            && message.parse::<i64>().is_err()
        {
            out.push((code, (*message).to_owned()));
        }
    }
    out
}

/// (product, term, PPP) from a product table: a product's name, then term labels each
/// followed by `x_PPP=code`.
fn product_rows(lines: &[&str]) -> Vec<(String, String, u32)> {
    let is_term =
        |l: &str| l.split_once('-').is_some_and(|(n, unit)| n.parse::<u32>().is_ok() && matches!(unit, "day" | "year"));
    let mut out = Vec::new();
    let (mut product, mut term): (Option<String>, Option<String>) = (None, None);
    for line in lines {
        if let Some(code) = line.strip_prefix("x_PPP=") {
            if let (Some(p), Some(t), Ok(code)) = (&product, term.take(), code.trim().parse()) {
                out.push((p.clone(), t, code));
            }
        } else if is_term(line) {
            term = Some((*line).to_owned());
        } else if line.starts_with("All ") || line.starts_with("Product Name") || line.starts_with("The following") {
            continue;
        } else {
            product = Some((*line).to_owned());
        }
    }
    out
}
