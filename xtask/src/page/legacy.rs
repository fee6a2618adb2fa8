//! The legacy reference's pages: "# !Name", "## Version History", tab-separated tables whose
//! variable names are `<b>`old (required) or `<i>`talic (optional), `*` for "required
//! (sometimes)", and error codes as "-N = message" or in an errorCode / errorMessage table.

use super::answer::{self, Said, When};
use super::{
    Generation, Page, Param, Rule, Sections, default_in, hosts_and_path, is_name, length, param_rules, plain,
    stated_format,
};

const PARAM_HEADER: &str = "Variable Name (case insensitive)";

pub fn looks_like(text: &str) -> bool {
    text.contains("## Version History") || text.lines().any(|l| l.starts_with(PARAM_HEADER))
}

pub fn read(text: &str) -> Page {
    let endpoint = text
        .lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_owned())
        .filter(|t| t.starts_with('!') && is_name(&t[1..]));
    let (hosts, path) = hosts_and_path(text, endpoint.as_deref());
    let mut methods = Vec::new();
    if text.contains("POSTed") || text.contains("POST method") {
        methods.push("POST".to_owned());
    }

    let mut params = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut said: Vec<Said> = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    let mut in_request = false;
    let mut when = None;
    let mut columns: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(section) = line.strip_prefix("## ").or_else(|| line.strip_prefix("### ")) {
            in_request = section.contains("Request");
            when = None;
            columns.clear();
            continue;
        }
        // "**If errorCode < 0**": the rows below are of a failed call's answer.
        match plain(line).as_str() {
            "If errorCode < 0" => when = Some(When::Error),
            "If errorCode = 0" => when = Some(When::Success),
            _ => {}
        }
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() < 2 {
            continue;
        }
        if cells[0].starts_with(PARAM_HEADER) || plain(cells[0]) == "Name" || plain(cells[0]) == "Line" {
            columns = cells.iter().map(|c| plain(c)).collect();
            continue;
        }
        // "Line 2: <i>SID</i>\t...": a field of the newline answer, by its line.
        if let Some((number, name)) = cells[0].strip_prefix("Line ").and_then(|rest| rest.split_once(": ")) {
            let name = answer::canonical(&plain(name));
            if let Ok(number) = number.trim().parse::<u8>()
                && is_name(&name)
            {
                let text = cells[1..].iter().map(|c| plain(c)).collect::<Vec<_>>().join(" ");
                if !fields.iter().any(|f| f.eq_ignore_ascii_case(&name)) {
                    fields.push(name.clone());
                }
                said.push(Said { name, line: Some(number), when, text, ..Said::default() });
            }
            continue;
        }
        if columns.is_empty() {
            continue;
        }
        let raw_name = cells[0].trim();
        let name = plain(raw_name).trim_end_matches('*').trim().to_owned();
        if !is_name(&name) {
            continue;
        }
        let cell = |title: &str| columns.iter().position(|c| c.starts_with(title)).and_then(|i| cells.get(i)).copied();
        if in_request {
            rules.extend(param_rules(&name, &plain(cell("Description").unwrap_or_default())));
            params.push(param(raw_name, &name, &columns, &cells));
        } else {
            if !fields.iter().any(|f| f.eq_ignore_ascii_case(&name)) {
                fields.push(name.clone());
            }
            let text = cell("Description").or_else(|| cell("Possible Value")).map(plain).unwrap_or_default();
            said.push(Said {
                name,
                marked_always: Some(raw_name.contains("<b>") || raw_name.contains("**")),
                ty: cell("Type").map(str::trim).filter(|t| !t.is_empty()).map(str::to_ascii_lowercase),
                when,
                text,
                ..Said::default()
            });
        }
    }
    let response = text.find("Response").map_or("", |i| &text[i..]);
    let format = answer::format(&params, response);
    let newline = matches!(format, Some(answer::Format::Newline | answer::Format::Selectable { .. }));
    let answer = answer::fields(&said, newline);
    let errors = errors(text);
    let success_message = success_message(text);
    // A numbered "Response" section names the answer's fields; the codes come in a run or a table.
    let answered = text
        .lines()
        .any(|l| l.strip_prefix("## ").or_else(|| l.strip_prefix("### ")).is_some_and(|s| s.contains("Response")));
    let sections =
        Sections { request: !params.is_empty(), answer: answered && !fields.is_empty(), errors: !errors.is_empty() };
    Page {
        generation: Generation::Legacy,
        endpoint,
        hosts,
        path,
        methods,
        params,
        items: Vec::new(),
        fields,
        errors,
        products: Vec::new(),
        history: history(text),
        rules,
        sections,
        answer,
        format,
        item_rules: None,
        added: Vec::new(),
        product_requires: Vec::new(),
        defaults: Vec::new(),
        applies_to: Vec::new(),
        success_message,
    }
}

/// The message of code 0 (`0 = Successful`, or a `0<TAB>Successful` row), when the page gives one.
fn success_message(text: &str) -> Option<String> {
    for line in text.lines() {
        if let Some((code, message)) = line.split_once('\t')
            && code.trim() == "0"
        {
            return Some(plain(message)).filter(|m| !m.is_empty());
        }
        let at = line
            .match_indices("0 = ")
            .find(|(i, _)| *i == 0 || line[..*i].ends_with(char::is_whitespace))
            .map(|(i, _)| i);
        if let Some(i) = at {
            let rest = line[i..].trim_start_matches("0 = ");
            let message: String = rest.split(" -").next().unwrap_or_default().trim().to_owned();
            if !message.is_empty() {
                return Some(plain(&message));
            }
        }
    }
    None
}

/// A request table's row.
fn param(raw_name: &str, name: &str, columns: &[String], cells: &[&str]) -> Param {
    let cell =
        |title: &str| columns.iter().position(|c| c.starts_with(title)).and_then(|i| cells.get(i)).map(|c| c.trim());
    let requirement = if raw_name.trim_end().ends_with('*') {
        "conditional"
    } else if raw_name.contains("<b>") || raw_name.contains("**") {
        "required"
    } else {
        "optional"
    };
    let allowed_cell = cell("Allowed Values").unwrap_or_default();
    let description = cell("Description").unwrap_or_default();
    let source = if allowed_cell.is_empty() { description } else { allowed_cell };
    let (mut allowed, marked) = allowed_values(source);
    let default = marked.or_else(|| default_in(description));
    // "Specify "Y" to enable ...; default value is "N"": a Y/N switch.
    if allowed.is_empty() && description.contains("Specify \"Y\"") && default.as_deref() == Some("N") {
        allowed = vec![("Y".to_owned(), String::new()), ("N".to_owned(), String::new())];
    }
    let max_length = cell("Max. Length").and_then(length);
    Param {
        name: name.to_owned(),
        aliases: Vec::new(),
        requirement: Some(requirement.to_owned()),
        ty: cell("Type").filter(|t| !t.is_empty()).map(str::to_ascii_lowercase),
        max_length,
        allowed,
        default,
        format: stated_format(&plain(description), max_length),
        product_dependent: false,
    }
}

/// "<b>0</b> = meaning (default). <b>1</b> = meaning." -> values, meanings and the default.
fn allowed_values(text: &str) -> (Vec<(String, String)>, Option<String>) {
    let mut out = Vec::new();
    let mut default = None;
    let parts: Vec<&str> = text.split("<b>").skip(1).collect();
    for part in parts {
        let Some((value, rest)) = part.split_once("</b>") else { continue };
        let Some(meaning) = rest.trim_start().strip_prefix('=') else { continue };
        let value = value.trim();
        if value.is_empty() || value.contains(' ') {
            continue;
        }
        let meaning = meaning.trim();
        if meaning.contains("(default)") {
            default = Some(value.to_owned());
        }
        let meaning = meaning.replace("(default)", "").replace(" .", ".").trim().to_owned();
        out.push((value.to_owned(), meaning));
    }
    (out, default)
}

/// Error codes: "-N = message" runs, and "-N`<TAB>`message" table rows.
fn errors(text: &str) -> Vec<(i64, String)> {
    let mut out: Vec<(i64, String)> = Vec::new();
    let mut add = |code: i64, message: &str| {
        let message = plain(message);
        if code < 0 && !message.is_empty() && !out.iter().any(|(c, _)| *c == code) {
            out.push((code, message));
        }
    };
    for line in text.lines() {
        // A table row: "-7\t'xx' is not a valid ISO-3166 country!"
        if let Some((code, message)) = line.split_once('\t')
            && let Ok(code) = code.trim().parse::<i64>()
        {
            add(code, message);
            continue;
        }
        // A run: "0 = Successful -1 = Request was not made over https! -2 = ..."
        let tokens: Vec<&str> = line.split(' ').collect();
        let mut starts: Vec<(usize, i64)> = Vec::new();
        for (i, pair) in tokens.windows(2).enumerate() {
            if pair[1] == "="
                && let Ok(code) = pair[0].trim_start_matches(|c: char| !c.is_ascii_digit() && c != '-').parse::<i64>()
            {
                starts.push((i, code));
            }
        }
        for (k, (i, code)) in starts.iter().enumerate() {
            let end = starts.get(k + 1).map_or(tokens.len(), |(j, _)| *j);
            add(*code, &tokens[i + 2..end].join(" "));
        }
    }
    out
}

/// "## Version History" entries: "1.00 Original version." or "- 1.05 Changed: ..." with
/// continuation lines.
fn history(text: &str) -> Vec<(String, String)> {
    let Some(start) = text.find("## Version History") else { return Vec::new() };
    let section = &text[start + "## Version History".len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut out: Vec<(String, String)> = Vec::new();
    let mut open = false;
    for line in section.lines() {
        let line = line.trim().trim_start_matches("- ").trim_end();
        if line.is_empty() {
            // An entry goes on over the lines right below it, not past a blank line.
            open = false;
            continue;
        }
        let (first, rest) = line.split_once(' ').unwrap_or((line, ""));
        let is_version = first.split('.').count() == 2
            && first.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        if is_version {
            out.push((first.to_owned(), rest.trim().to_owned()));
            open = true;
        } else if let Some((_, text)) = out.last_mut().filter(|_| open) {
            text.push(' ');
            text.push_str(line);
        }
    }
    out
}
