//! The tables of the hand-written pages that come from the spec: each is made anew between
//! its markers (`<!-- NAME: made by ... -->` and `<!-- /NAME -->`), and the rest of the page is
//! the file as written.

use std::path::Path;

use crate::codegen::ir::{Ir, Setting};

/// `page` with the table between the markers of `name` replaced by `table`.
pub fn with_table(page: &Path, name: &str, table: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(page).map_err(|e| format!("{}: {e}", page.display()))?;
    let open = format!("<!-- {name}: made by `cargo xtask codegen` from spec/client.toml -->\n");
    let close = format!("<!-- /{name} -->");
    let (Some(start), Some(end)) = (text.find(&open), text.find(&close)) else {
        return Err(format!(
            "{}: the markers of the {name} table are missing ({open:?} ... {close:?})",
            page.display()
        ));
    };
    if end < start {
        return Err(format!("{}: the {name} table's end marker comes before its start", page.display()));
    }
    Ok(format!("{}{open}{table}{}", &text[..start], &text[end..]))
}

/// A Markdown cell: its text with `|` escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The kinds of failure, one row each, with what every surface calls them (for
/// `docs/errors.md`).
pub fn error_kinds_table(ir: &Ir) -> String {
    let mut out = String::from(
        "| kind | what happened | what was sent | safe to send again | may have taken effect | Rust | C | Python | PHP | command's exit status |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
    );
    for k in &ir.error_kinds {
        let why = |surface: &str| {
            k.why.iter().find(|(s, _)| *s == surface).map_or_else(String::new, |(_, why)| format!("— {why}"))
        };
        let named = |name: &Option<String>, surface: &str, show: &dyn Fn(&str) -> String| {
            name.as_deref().map_or_else(|| why(surface), show)
        };
        let rust = named(&k.rust, "rust", &|n| format!("`Error::{n}`"));
        let python = named(&k.python, "python", &|n| format!("`sectigo.{n}`"));
        let php = named(&k.php, "php", &|n| format!("`Sectigo\\{n}`"));
        let cli = match (k.cli.as_slice(), &k.cli_note) {
            ([], _) => why("cli"),
            ([one], Some(note)) => format!("{one} ({note})"),
            ([first, _, ..], Some(note)) => format!("{first}, or {note}"),
            ([first, ..], None) => first.to_string(),
        };
        let cells = [
            format!("`{}`", k.name),
            cell(&k.meaning),
            cell(&k.sent),
            cell(&k.retry_safe),
            cell(&k.may_have_taken_effect),
            cell(&rust),
            format!("`{}`", k.c),
            cell(&python),
            cell(&php),
            cell(&cli),
        ];
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// A setting's meaning with the other settings named as `surface` names them (`name` gives a
/// row's name there, or None).
fn meaning_on(ir: &Ir, s: &Setting, name: &dyn Fn(&Setting) -> Option<String>) -> String {
    let mut meaning = s.meaning.clone();
    for other in &ir.settings {
        if let Some(theirs) = name(other) {
            meaning = meaning.replace(&format!("`{}`", other.name), &format!("`{theirs}`"));
        }
    }
    meaning
}

/// A default in seconds where the table gives milliseconds (a duration's), else as written.
fn default_in_seconds(s: &Setting) -> String {
    match (s.ty.as_str(), s.default.parse::<u64>()) {
        ("duration", Ok(ms)) => format!("{} s", ms as f64 / 1000.0),
        _ => s.default.clone(),
    }
}

/// The keywords of `sectigo.Client(...)`, for `bindings/python/README.md`: keyword, Python
/// type, default (seconds for a time) and meaning; then the settings Python leaves out, and why.
pub fn python_settings_table(ir: &Ir) -> String {
    let mut out = String::from("| keyword | type | default | meaning |\n|---|---|---|---|\n");
    for s in &ir.settings {
        let Some(keyword) = &s.python else { continue };
        let (annotation, _, _) = super::python::setting_keyword(s);
        let meaning = meaning_on(ir, s, &|o| o.python.clone());
        let default = if s.ty == "flag" { "`False`".to_owned() } else { default_in_seconds(s) };
        let cells = [format!("`{keyword}`"), format!("`{}`", cell(annotation)), cell(&default), cell(&meaning)];
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    for s in ir.settings.iter().filter(|s| s.python.is_none()) {
        out.push_str(&format!("\nNot a keyword: `{}` ({}).\n", s.name, s.python_why.as_deref().unwrap_or_default()));
    }
    out
}

/// The command's settings flags, for `docs/cli.md`: flag, variable, value (seconds for a time),
/// default and meaning; then the settings the command leaves out, and why.
pub fn cli_settings_table(ir: &Ir) -> String {
    let mut out = String::from("| flag | variable | value | default | meaning |\n|---|---|---|---|---|\n");
    for s in &ir.settings {
        let Some(flag) = &s.cli else { continue };
        let value = match s.ty.as_str() {
            "flag" => "none (a switch)".to_owned(),
            "duration" => "seconds".to_owned(),
            "map" => "`ENDPOINT=PATH`".to_owned(),
            _ => s.value.clone(),
        };
        let value =
            if s.repeatable { format!("{value}; repeatable (`;` between values in the variable)") } else { value };
        let variable = s.env.as_ref().map_or_else(|| "—".to_owned(), |e| format!("`{e}`"));
        let mut meaning = meaning_on(ir, s, &|o| o.cli.as_ref().map(|f| format!("--{f}")));
        if let Some(note) = &s.cli_note {
            meaning = format!("{} ({note}).", meaning.trim_end_matches('.'));
        }
        let default = if s.ty == "flag" { "off".to_owned() } else { default_in_seconds(s) };
        let cells = [format!("`--{flag}`"), variable, cell(&value), cell(&default), cell(&meaning)];
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    for s in ir.settings.iter().filter(|s| s.cli.is_none()) {
        out.push_str(&format!("\nNot a flag: `{}` ({}).\n", s.name, s.cli_why.as_deref().unwrap_or_default()));
    }
    out
}
