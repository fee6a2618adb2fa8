//! The tables of the hand-written pages that come from the spec: each is made anew between
//! its markers (`<!-- NAME: made by ... -->` and `<!-- /NAME -->`), and the rest of the page is
//! the file as written.

use std::path::Path;

use crate::codegen::ir::Ir;

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
