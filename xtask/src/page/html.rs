//! A page saved as HTML, turned into the text the readers take: the shape of a page copied as
//! text. On current pages table cells become lines of their own (a header row one line) and
//! headings plain lines; on legacy ones cells are tab-separated, headings keep their level as
//! `#`, and `<b>`/`<i>`, which mark required and optional variables there, stay. List items
//! become "• " lines.

/// Whether the text is HTML rather than text.
pub fn looks_like(text: &str) -> bool {
    let head: String = text.chars().take(8192).collect::<String>().to_ascii_lowercase();
    ["<!doctype html", "<html", "<body", "<table", "<td", "<p>", "<p ", "<div"].iter().any(|t| head.contains(t))
}

/// The page's text.
pub fn to_text(html: &str) -> String {
    let legacy = html.contains("Version History") || html.contains("Variable Name (case insensitive)");
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&words(&rest[..i]));
        let after = &rest[i + 1..];
        let Some(end) = after.find('>') else {
            rest = after;
            break;
        };
        let tag = &after[..end];
        rest = &after[end + 1..];
        if let Some(comment) = tag.strip_prefix("!--") {
            if !comment.ends_with("--") {
                rest = rest.find("-->").map_or("", |j| &rest[j + 3..]);
            }
            continue;
        }
        let closing = tag.starts_with('/');
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !closing && matches!(name.as_str(), "script" | "style" | "head" | "title" | "nav" | "footer") {
            // Their contents are no part of the page's text.
            let close = format!("</{name}");
            rest = rest.to_ascii_lowercase().find(&close).map_or("", |j| {
                let tail = &rest[j..];
                tail.find('>').map_or("", |k| &tail[k + 1..])
            });
            continue;
        }
        out.push_str(match (name.as_str(), closing) {
            // Legacy pages number their sections as Markdown headings; current pages' headings
            // are lines like any other.
            ("h1", false) if legacy => "\n\n# ",
            ("h2", false) if legacy => "\n\n## ",
            ("h3" | "h4" | "h5" | "h6", false) if legacy => "\n\n### ",
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "p" | "div" | "section" | "table" | "ul" | "ol" | "pre", _) => {
                "\n\n"
            }
            ("br" | "tr", _) => "\n",
            ("td" | "th", true) if legacy => "\t",
            // A header row reads as one line ("Parameter Requirement Type ..."), a cell as a
            // paragraph of its own.
            ("th", true) => " ",
            ("td", true) => "\n\n",
            ("li", false) => "\n\n  • ",
            ("li", true) => "\n",
            ("b" | "strong", false) if legacy => "<b>",
            ("b" | "strong", true) if legacy => "</b>",
            ("i" | "em", false) if legacy => "<i>",
            ("i" | "em", true) if legacy => "</i>",
            _ => "",
        });
    }
    out.push_str(&words(rest));
    // Tidy each line and cell, as a page copied as text has them.
    out.lines()
        .map(|line| line.split('\t').map(str::trim).collect::<Vec<_>>().join("\t").trim_end_matches('\t').to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text between tags: runs of white space (line breaks of the source included) as one space,
/// character references decoded.
fn words(text: &str) -> String {
    let spaced = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let spaced =
        if text.starts_with(char::is_whitespace) && !spaced.is_empty() { format!(" {spaced}") } else { spaced };
    let spaced =
        if text.ends_with(char::is_whitespace) && !spaced.trim().is_empty() { format!("{spaced} ") } else { spaced };
    decode(&spaced)
}

/// `&amp;`, `&mdash;`, `&#8212;`, `&#x2014;` and the like.
fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                "thinsp" => '\u{2009}',
                "mdash" => '—',
                "ndash" => '–',
                "bull" => '•',
                "rsquo" => '’',
                "lsquo" => '‘',
                "rdquo" => '”',
                "ldquo" => '“',
                _ => {
                    let number = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"));
                    let code = match number {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => name.strip_prefix('#')?.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_lists_and_references() {
        let current = "<html><body><h2>Request</h2><p>Endpoint: !AutoAuthorize</p><table><tr><td>test</td><td>optional</td></tr></table><ul><li>Y&thinsp;&mdash;&thinsp;Test only.</li></ul></body></html>";
        let text = to_text(current);
        assert!(text.contains("\nRequest\n") && text.contains("\ntest\n") && text.contains("\noptional\n"), "{text:?}");
        assert!(text.contains("\n• Y\u{2009}—\u{2009}Test only."), "{text:?}");
        let legacy = "<h2>Version History</h2><table><tr><th>Variable Name (case insensitive)</th><th>Type</th></tr>\n<tr><td><b>ap</b></td><td>string</td></tr></table>";
        let text = to_text(legacy);
        assert!(
            text.contains("\nVariable Name (case insensitive)\tType\n") && text.contains("\n<b>ap</b>\tstring\n"),
            "{text:?}"
        );
        assert_eq!(decode("a &amp; b &#8212; &#x2014; &bogus; &"), "a & b — — &bogus; &");
        assert!(looks_like("<!DOCTYPE html><html>") && !looks_like("<b>ap</b>\tstring"));
    }
}
