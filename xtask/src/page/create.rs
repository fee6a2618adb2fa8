//! `cargo xtask import-doc --new`: a page of an endpoint the spec does not have, written as a new
//! `spec/endpoints/<id>.toml` with every fact the page states (its URL and methods, each
//! parameter with its type, length, requirement, allowed values and default, the rules between
//! them, the answer's format and fields, the error table with the page's exact messages, the
//! version history). What the page does not state is left to the maintainer: every description
//! is empty, which `cargo xtask check` refuses until written, and the call is taken to change
//! state (`effect = "write"`: never resent) until the maintainer says it changes nothing.

use std::path::Path;

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, value};

use super::answer::{Field, Format, When};
use super::write::{add_product, new_param, rule_table};
use super::{Added, Generation, Page, Rule};

/// What `--new` wrote, and what the maintainer must still do.
#[derive(Debug, Default)]
pub struct Created {
    /// The new file, relative to the project.
    pub file: String,
    pub id: String,
    /// Entries with an empty description, for the maintainer to write.
    pub to_describe: Vec<String>,
    /// Facts the page does not state, which the maintainer decides.
    pub to_decide: Vec<String>,
    /// Rows added to `spec/errors.toml` (codes the catalogue did not have).
    pub new_errors: Vec<String>,
}

/// `AutoAuthorize` -> `auto_authorize`, `initCustomerSession` -> `init_customer_session`,
/// `Tier2PartnerSignup` -> `tier2_partner_signup`.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.trim_start_matches('!').chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let after_lower = i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
        // The last capital of an acronym starts the next word: `DCVEmail` -> `dcv_email`.
        let ends_acronym =
            i > 0 && chars[i - 1].is_ascii_uppercase() && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
        if c.is_ascii_uppercase() && (after_lower || ends_acronym) {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Writes the endpoint of `page` (saved as `source`, a file name) into `spec_dir`, with the
/// error codes the catalogue lacks added to `errors.toml`. `partial` names the parts a cut page
/// lacks, which the endpoint then records. `id` names an endpoint whose page gives no name (its
/// title is then left to write); by default the id is the name's (`!AutoAuthorize`:
/// `auto_authorize`).
pub fn endpoint(
    spec_dir: &Path,
    page: &Page,
    source: &str,
    partial: &[&str],
    id: Option<&str>,
) -> Result<Created, String> {
    let name = page.endpoint.clone();
    let id = match (id, &name) {
        (Some(id), _) => id.to_owned(),
        (None, Some(name)) => snake(name),
        (None, None) => {
            return Err(
                "the page names no endpoint (no \"Endpoint: !Name\" or \"# !Name\"): give it an id with --id".into()
            );
        }
    };
    if !id.starts_with(|c: char| c.is_ascii_lowercase())
        || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(format!("--id {id:?}: an endpoint id is snake_case (auto_authorize)"));
    }
    let file = spec_dir.join("endpoints").join(format!("{id}.toml"));
    let generation = match page.generation {
        Generation::Legacy => "legacy",
        Generation::Current => "current",
    };
    if file.exists() {
        let doc = read(&file)?;
        let has = |g: &str| {
            doc["endpoint"]
                .get("source")
                .and_then(Item::as_array_of_tables)
                .is_some_and(|s| s.iter().any(|t| t.get("generation").and_then(Item::as_str) == Some(g)))
        };
        if !has(generation) {
            return add_generation(spec_dir, &file, doc, page, source, generation, &id);
        }
        return Err(format!(
            "{} exists, from a {generation} page already: compare the page with it (cargo xtask import-doc PAGE), \
             not --new",
            file.display()
        ));
    }
    let api: DocumentMut = read(&spec_dir.join("api.toml"))?;
    let errors_path = spec_dir.join("errors.toml");
    let mut errors: DocumentMut = read(&errors_path)?;
    let mut out = Created { file: format!("spec/endpoints/{id}.toml"), id: id.clone(), ..Created::default() };
    let generation = match page.generation {
        Generation::Legacy => "legacy",
        Generation::Current => "current",
    };

    let mut doc = DocumentMut::new();
    let mut endpoint = Table::new();
    endpoint["id"] = value(id.as_str());
    match &name {
        Some(name) => endpoint["name"] = value(name.as_str()),
        None => {
            endpoint["title"] = value("");
            out.to_describe.push(format!("{}: [endpoint] title (the page names no endpoint)", out.file));
        }
    }
    match &page.path {
        Some(path) => endpoint["path"] = value(path.as_str()),
        None => {
            endpoint["path_unknown"] = value("");
            out.to_describe.push(format!("{}: [endpoint] path_unknown (the page gives no URL: say why)", out.file));
        }
    }
    endpoint["hosts"] = value(host_keys(&api, &page.hosts).iter().map(String::as_str).collect::<Array>());
    let methods: Vec<&str> =
        if page.methods.is_empty() { vec!["POST"] } else { page.methods.iter().map(String::as_str).collect() };
    endpoint["methods"] = value(methods.into_iter().collect::<Array>());
    endpoint["effect"] = value("write");
    out.to_decide.push(format!(
        "{}: effect = \"write\" (a call that changes state is never sent again once it may have reached the \
         server); make it \"read\" if the call changes nothing",
        out.file
    ));
    endpoint["summary"] = value("");
    endpoint["description"] = value("");
    out.to_describe.push(format!("{}: [endpoint] summary and description", out.file));
    if !partial.is_empty() {
        endpoint["partial"] = value(partial.iter().copied().collect::<Array>());
    }
    endpoint["errors"] = value(error_list(page, &mut errors, &mut out)?);
    let mut sources = ArrayOfTables::new();
    let mut source_table = Table::new();
    source_table["file"] = value(source);
    source_table["generation"] = value(generation);
    if let Some((version, _)) = page.history.last() {
        source_table["version"] = value(version.as_str());
    }
    sources.push(source_table);
    endpoint["source"] = Item::ArrayOfTables(sources);
    // A history of one version (the first) says no more than the source's version.
    if page.history.len() > 1 {
        let mut history = ArrayOfTables::new();
        for (version, _) in &page.history {
            let mut entry = Table::new();
            entry["version"] = value(version.as_str());
            entry["changes"] = value("");
            history.push(entry);
            out.to_describe.push(format!("{}: version {version} (what changed)", out.file));
        }
        endpoint["history"] = Item::ArrayOfTables(history);
    }
    doc["endpoint"] = Item::Table(endpoint);
    doc["response"] = Item::Table(response(page, &mut out)?);

    let mut params = ArrayOfTables::new();
    for p in &page.params {
        let mut t = new_param(p);
        match p.name.as_str() {
            "loginName" => t["credential"] = value("login_name"),
            "loginPassword" => {
                t["credential"] = value("login_password");
                t["secret"] = value(true);
            }
            name if secret(name) => t["secret"] = value(true),
            _ => {}
        }
        if let Some(version) = added_in(page, |a| match a {
            Added::Param(n) => n == &p.name,
            Added::Params(word) => prefix_of(page, word).is_some_and(|prefix| starts_with_word(&p.name, prefix)),
            _ => false,
        }) {
            t["since"] = value(version);
        }
        out.to_describe.push(format!("{}: param {} (description)", out.file, p.name));
        for (v, _) in &p.allowed {
            out.to_describe.push(format!("{}: param {}, value {v} (meaning)", out.file, p.name));
        }
        params.push(t);
    }
    if !params.is_empty() {
        doc["param"] = Item::ArrayOfTables(params);
    }
    let mut rules = ArrayOfTables::new();
    for rule in page.rules.iter().filter(|r| !matches!(r, Rule::Group { .. })) {
        rules.push(rule_table(rule));
        out.to_describe.push(format!("{}: rule \"{rule}\" (description)", out.file));
    }
    if !rules.is_empty() {
        doc["rule"] = Item::ArrayOfTables(rules);
    }
    if let Some(rules) = &page.item_rules {
        let mut items = Table::new();
        items["min"] = value(i64::from(rules.min));
        if rules.underscore_prefix {
            items["underscore_prefix"] = value(true);
        }
        if rules.open {
            items["open"] = value(true);
        }
        if !rules.one_of.is_empty() {
            let sets: Array = rules
                .one_of
                .iter()
                .map(|set| toml_edit::Value::Array(set.iter().map(String::as_str).collect()))
                .collect();
            items["one_of"] = value(sets);
        }
        items["description"] = value("");
        out.to_describe.push(format!("{}: [items] description", out.file));
        doc["items"] = Item::Table(items);
        let mut list = ArrayOfTables::new();
        for p in &page.items {
            list.push(new_param(p));
            out.to_describe.push(format!("{}: item_param {} (description)", out.file, p.name));
            for (v, _) in &p.allowed {
                out.to_describe.push(format!("{}: item_param {}, value {v} (meaning)", out.file, p.name));
            }
        }
        doc["item_param"] = Item::ArrayOfTables(list);
    }
    let groups = groups(page);
    if !groups.is_empty() {
        let mut list = ArrayOfTables::new();
        for g in groups {
            out.to_describe.push(format!("{}: group {} (title)", out.file, g.id));
            let mut t = Table::new();
            t["id"] = value(g.id.as_str());
            t["title"] = value("");
            t["members"] = value(g.members.iter().map(String::as_str).collect::<Array>());
            if !g.required_if_any.is_empty() {
                t["required_if_any"] = value(g.required_if_any.iter().map(String::as_str).collect::<Array>());
            }
            if let Some(to) = &g.defaults_to {
                t["defaults_to"] = value(to.as_str());
            }
            list.push(t);
        }
        doc["group"] = Item::ArrayOfTables(list);
    }
    if !page.products.is_empty() {
        catalogue(spec_dir, page, &id, &mut out)?;
    }
    // A page cut before its answer: the fields every answer has (the code, and the message of a
    // failure), in the format's places.
    let mut answer = page.answer.clone();
    if !answer.iter().any(|f| f.name == "errorCode") {
        let newline = !matches!(page.format, Some(Format::UrlEncoded { .. }));
        let known = |name: &str, line: u8, when: When| Field {
            name: name.to_owned(),
            ty: Some(if name == "errorCode" { "integer" } else { "string" }.to_owned()),
            max_length: None,
            line: newline.then_some(line),
            when,
            optional: false,
        };
        answer.insert(0, known("errorCode", 1, When::Always));
        if !answer.iter().any(|f| f.name == "errorMessage") {
            answer.insert(1, known("errorMessage", 2, When::Error));
        }
        out.to_decide.push(format!(
            "{}: the page names no answer fields: errorCode and errorMessage, which every answer has, were written; \
             the success fields are to add from a whole page",
            out.file
        ));
    }
    let mut fields = ArrayOfTables::new();
    for f in &answer {
        let mut t = field(f);
        if let Some(version) = added_in(page, |a| matches!(a, Added::Field(n) if n.eq_ignore_ascii_case(&f.name))) {
            t["since"] = value(version);
        }
        fields.push(t);
        out.to_describe.push(format!("{}: field {} (description)", out.file, f.name));
    }
    if !fields.is_empty() {
        doc["field"] = Item::ArrayOfTables(fields);
    }

    let name = name.unwrap_or_else(|| id.clone());
    let header = format!(
        "# {name}: the endpoint as `cargo xtask import-doc --new` read it from its page; every description is\n\
         # left to write (cargo xtask check refuses them empty).\n\
         # Source: {source} ({generation}{}).\n\n",
        page.history.last().map(|(v, _)| format!(", version {v}")).unwrap_or_default()
    );
    std::fs::write(&file, header + &doc.to_string()).map_err(|e| format!("{}: {e}", file.display()))?;
    if !out.new_errors.is_empty() {
        std::fs::write(&errors_path, errors.to_string()).map_err(|e| format!("{}: {e}", errors_path.display()))?;
    }
    Ok(out)
}

fn read(path: &Path) -> Result<DocumentMut, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.parse().map_err(|e| format!("{}: {e}", path.display()))
}

/// The `api.toml` keys of the hosts the page's URLs name.
fn host_keys(api: &DocumentMut, hosts: &[String]) -> Vec<String> {
    let Some(table) = api.get("hosts").and_then(Item::as_table) else { return Vec::new() };
    let mut out = Vec::new();
    for (key, host) in table.iter() {
        let url = host.get("url").and_then(Item::as_str).unwrap_or_default();
        let name = url.trim_start_matches("https://").trim_end_matches('/');
        if hosts.iter().any(|h| h == name) && host.get("login").is_none() {
            out.push(key.to_owned());
        }
    }
    out
}

/// The endpoint's error list: each code of the page by its catalogue key, with the page's words
/// where they differ from the catalogue's; a code the catalogue lacks becomes a new row of it.
fn error_list(page: &Page, errors: &mut DocumentMut, out: &mut Created) -> Result<Array, String> {
    let mut list = Array::new();
    for (code, message) in page.errors.iter().filter(|(c, _)| *c < 0) {
        let found = errors.iter().find(|(_, row)| row.get("code").and_then(Item::as_integer) == Some(*code));
        match found {
            Some((key, row)) => {
                let known = row.get("message").and_then(Item::as_str);
                let alternatives: Vec<&str> = row
                    .get("alternatives")
                    .and_then(Item::as_array)
                    .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                    .unwrap_or_default();
                let details = row.get("details_may_follow").and_then(Item::as_bool).unwrap_or(false);
                // The catalogue words it otherwise: this page's words go with the endpoint. A
                // row the catalogue gives no fixed words keeps none.
                let reworded = known.is_some_and(|k| !same_words(message, k, &alternatives, details));
                let since = page.added.iter().find(|(_, a)| *a == Added::Error(*code)).map(|(v, _)| v.as_str());
                let applies_to = page.applies_to.iter().find(|(c, _)| c == code).map(|(_, names)| names);
                if reworded || since.is_some() || applies_to.is_some() {
                    let mut entry = InlineTable::new();
                    entry.insert("id", key.into());
                    if reworded {
                        entry.insert("message", message.as_str().into());
                    }
                    if let Some(since) = since {
                        entry.insert("since", since.into());
                    }
                    if let Some(names) = applies_to {
                        entry.insert("applies_to", toml_edit::Value::Array(names.iter().map(String::as_str).collect()));
                    }
                    list.push(entry);
                } else {
                    list.push(key);
                }
            }
            None => {
                let key = format!("error_{}", code.unsigned_abs());
                let mut row = Table::new();
                row["code"] = value(*code);
                row["message"] = value(message.as_str());
                row["meaning"] = value("");
                out.new_errors.push(format!("spec/errors.toml: {key} (meaning; a better key too, if you like)"));
                list.push(key.as_str());
                errors.insert(&key, Item::Table(row));
            }
        }
    }
    let mut formatted = Array::new();
    for v in list.iter() {
        let mut v = v.clone();
        v.decor_mut().set_prefix("\n  ");
        formatted.push_formatted(v);
    }
    if !formatted.is_empty() {
        formatted.set_trailing(",\n");
    }
    formatted.set_trailing_comma(false);
    Ok(formatted)
}

/// Whether a page's words for a code are the catalogue's: its message or one of the other texts
/// it allows, or all of them joined by "or", with a note in brackets after them where the
/// catalogue says details may follow ("(additional details may also be provided ...)").
fn same_words(page: &str, message: &str, alternatives: &[&str], details_may_follow: bool) -> bool {
    let mut text = page.trim();
    if details_may_follow
        && text.ends_with(')')
        && let Some(open) = text.rfind(" (")
    {
        text = text[..open].trim_end();
    }
    let joined = std::iter::once(message).chain(alternatives.iter().copied()).collect::<Vec<_>>().join(" or ");
    text == message || alternatives.contains(&text) || text == joined
}

/// The `[response]` table: the format, and the success code with its message where the page
/// lists one.
fn response(page: &Page, out: &mut Created) -> Result<Table, String> {
    let mut t = Table::new();
    match &page.format {
        Some(Format::Newline) => t["format"] = value("newline"),
        Some(Format::UrlEncoded { redirect_params }) => {
            t["format"] = value("url_encoded");
            if !redirect_params.is_empty() {
                t["redirect_params"] = value(redirect_params.iter().map(String::as_str).collect::<Array>());
            }
        }
        Some(Format::Selectable { selector, formats, .. }) => {
            t["format"] = value("selectable");
            t["selector"] = value(selector.as_str());
            let mut map = InlineTable::new();
            for (v, f) in formats {
                map.insert(v, f.as_str().into());
            }
            t["formats"] = value(map);
        }
        None => {
            t["format"] = value("newline");
            out.to_decide.push(format!("{}: [response] format (the page does not say; newline written)", out.file));
        }
    }
    t["success_code"] = value(0);
    if let Some(message) = &page.success_message {
        t["success_message"] = value(message.as_str());
    }
    Ok(t)
}

/// A page of the other generation of an endpoint the spec has: its host, its source and history,
/// and its answer's fields join the endpoint. A field only one generation's page lists is marked
/// with that generation; parameters and error codes the spec lacks are added. Facts the pages
/// state differently are not merged: they are listed for the maintainer.
fn add_generation(
    spec_dir: &Path,
    file: &Path,
    mut doc: DocumentMut,
    page: &Page,
    source: &str,
    generation: &str,
    id: &str,
) -> Result<Created, String> {
    let api: DocumentMut = read(&spec_dir.join("api.toml"))?;
    let mut out = Created { file: format!("spec/endpoints/{id}.toml"), id: id.to_owned(), ..Created::default() };
    let others: Vec<String> = doc["endpoint"]
        .get("source")
        .and_then(Item::as_array_of_tables)
        .map(|s| s.iter().filter_map(|t| t.get("generation").and_then(Item::as_str).map(str::to_owned)).collect())
        .unwrap_or_default();
    // Hosts, in api.toml's order.
    let mut hosts: Vec<String> = doc["endpoint"]["hosts"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    for key in host_keys(&api, &page.hosts) {
        if !hosts.contains(&key) {
            hosts.push(key);
        }
    }
    let order: Vec<String> = api
        .get("hosts")
        .and_then(Item::as_table)
        .map(|t| t.iter().map(|(k, _)| k.to_owned()).collect())
        .unwrap_or_default();
    hosts.sort_by_key(|h| order.iter().position(|o| o == h));
    doc["endpoint"]["hosts"] = value(hosts.iter().map(String::as_str).collect::<Array>());
    // The source, in file-name order.
    let sources = doc["endpoint"]["source"].as_array_of_tables_mut().ok_or("[[endpoint.source]] is missing")?;
    let mut entry = Table::new();
    entry["file"] = value(source);
    entry["generation"] = value(generation);
    if let Some((version, _)) = page.history.last() {
        entry["version"] = value(version.as_str());
    }
    let mut all: Vec<Table> = sources.iter().cloned().collect();
    all.push(entry);
    all.sort_by_key(|t| t.get("file").and_then(Item::as_str).unwrap_or_default().to_owned());
    sources.clear();
    all.into_iter().for_each(|t| sources.push(t));
    if page.history.len() > 1 {
        let endpoint = doc["endpoint"].as_table_mut().ok_or("[endpoint] is missing")?;
        let history = endpoint.entry("history").or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
        let history = history.as_array_of_tables_mut().ok_or("endpoint.history is not a table list")?;
        for (version, _) in &page.history {
            if !history.iter().any(|h| h.get("version").and_then(Item::as_str) == Some(version.as_str())) {
                let mut h = Table::new();
                h["version"] = value(version.as_str());
                h["changes"] = value("");
                history.push(h);
                out.to_describe.push(format!("{}: version {version} (what changed)", out.file));
            }
        }
    }
    if let Some(message) = &page.success_message
        && doc["response"].get("success_message").is_none()
    {
        doc["response"]["success_message"] = value(message.as_str());
    }
    // The fields: those this page lacks belong to the other generations; those only it has, to it.
    let fields = doc.entry("field").or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
    let fields = fields.as_array_of_tables_mut().ok_or("field is not a table list")?;
    for t in fields.iter_mut() {
        let name = t.get("name").and_then(Item::as_str).unwrap_or_default().to_owned();
        if !page.answer.iter().any(|f| f.name.eq_ignore_ascii_case(&name)) && t.get("generations").is_none() {
            t["generations"] = value(others.iter().map(String::as_str).collect::<Array>());
        }
    }
    for f in &page.answer {
        let known = fields
            .iter()
            .any(|t| t.get("name").and_then(Item::as_str).is_some_and(|n| n.eq_ignore_ascii_case(&f.name)));
        if !known {
            let mut t = field(f);
            t["generations"] = value(Array::from_iter([generation]));
            out.to_describe.push(format!("{}: field {} (description)", out.file, f.name));
            fields.push(t);
        }
    }
    // Parameters and error codes the spec lacks.
    let params = doc.entry("param").or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
    let params = params.as_array_of_tables_mut().ok_or("param is not a table list")?;
    for p in &page.params {
        let known = params
            .iter()
            .any(|t| t.get("name").and_then(Item::as_str).is_some_and(|n| n.eq_ignore_ascii_case(&p.name)));
        if !known {
            params.push(new_param(p));
            out.to_describe.push(format!("{}: param {} (description)", out.file, p.name));
            out.to_decide.push(format!("{}: param {} is only on the {generation} page", out.file, p.name));
        }
    }
    let mut errors: DocumentMut = read(&spec_dir.join("errors.toml"))?;
    let codes: Vec<i64> = doc["endpoint"]["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| {
                    e.as_str().or_else(|| e.as_inline_table().and_then(|t| t.get("id")).and_then(|v| v.as_str()))
                })
                .filter_map(|key| errors.get(key).and_then(|row| row.get("code")).and_then(Item::as_integer))
                .collect()
        })
        .unwrap_or_default();
    let missing: Vec<(i64, String)> =
        page.errors.iter().filter(|(c, _)| *c < 0 && !codes.contains(c)).cloned().collect();
    if !missing.is_empty() {
        let only = Page { errors: missing, ..page.clone() };
        let added = error_list(&only, &mut errors, &mut out)?;
        let list = doc["endpoint"]["errors"].as_array_mut().ok_or("[endpoint] errors is not a list")?;
        for v in added.iter() {
            let mut v = v.clone();
            v.decor_mut().set_prefix("\n  ");
            list.push_formatted(v);
        }
        if !out.new_errors.is_empty() {
            let path = spec_dir.join("errors.toml");
            std::fs::write(&path, errors.to_string()).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    std::fs::write(file, doc.to_string()).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(out)
}

/// The page's product catalogue as `spec/products.toml`: each product's pricing code per term
/// (`x_PPP=...` lines), and the parameters its customers must supply. The spec has one
/// catalogue: a page with products when one exists is left to merge by hand.
fn catalogue(spec_dir: &Path, page: &Page, id: &str, out: &mut Created) -> Result<(), String> {
    let path = spec_dir.join("products.toml");
    if path.exists() {
        out.to_decide.push(format!(
            "spec/products.toml exists: merge the page's {} product codes into it by hand",
            page.products.len()
        ));
        return Ok(());
    }
    let mut doc = DocumentMut::new();
    let mut head = Table::new();
    // The type's name from the words the products share once "Sectigo" is set aside ("Sectigo
    // Web Monitor", "Web DNS Pro": `WebProduct`).
    let words: Vec<Vec<&str>> =
        page.products.iter().map(|(p, ..)| p.split_whitespace().filter(|w| *w != "Sectigo").collect()).collect();
    let shared: Vec<&str> = words[0]
        .iter()
        .enumerate()
        .take_while(|(i, w)| words.iter().all(|ws| ws.get(*i) == Some(w)))
        .map(|(_, w)| *w)
        .collect();
    head["type"] = value(format!("{}Product", shared.concat()));
    head["endpoint"] = value(id);
    head["item_param"] = value("PPP");
    head["description"] = value("");
    doc["catalogue"] = Item::Table(head);
    doc["term"] = Item::ArrayOfTables(ArrayOfTables::new());
    doc["product"] = Item::ArrayOfTables(ArrayOfTables::new());
    for (product, term, ppp) in &page.products {
        add_product(&mut doc, product, term, *ppp)?;
    }
    if let Some(products) = doc["product"].as_array_of_tables_mut() {
        for p in products.iter_mut() {
            let name = p.get("name").and_then(Item::as_str).unwrap_or_default().to_owned();
            if let Some((_, names)) = page.product_requires.iter().find(|(n, _)| *n == name) {
                p["requires"] = value(names.iter().map(String::as_str).collect::<Array>());
            }
        }
    }
    let header = format!(
        "# The product catalogue of {id}, as `cargo xtask import-doc --new` read it from its page; its\n\
         # description and the type's name are the maintainer's to check.\n\n"
    );
    std::fs::write(&path, header + &doc.to_string()).map_err(|e| format!("{}: {e}", path.display()))?;
    out.to_describe.push("spec/products.toml: [catalogue] description".to_owned());
    out.to_decide.push(format!(
        "spec/products.toml: the catalogue's type name {} (the products' shared words)",
        doc["catalogue"]["type"].as_str().unwrap_or_default()
    ));
    Ok(())
}

/// A group of parameters as the page defines it.
struct Group {
    id: String,
    members: Vec<String>,
    required_if_any: Vec<String>,
    defaults_to: Option<String>,
}

/// The page's groups of parameters: each group a defaulting sentence names (and each it
/// defaults to), its members the parameters of its owner's prefix (none for `Registered`: the
/// plain names) of its kind, the address names being those that at least three owners repeat,
/// the user names those that two or more repeat besides; what becomes required once any is
/// given, the members the page marks with `*` when a sentence says so. In the order of the
/// parameters.
fn groups(page: &Page) -> Vec<Group> {
    let mut named: Vec<(String, String)> = Vec::new();
    for (from, to) in &page.defaults {
        for g in [from, to] {
            if !named.contains(g) {
                named.push(g.clone());
            }
        }
    }
    if named.is_empty() {
        return Vec::new();
    }
    let prefix = |owner: &str| -> Option<String> {
        let word = owner.to_ascii_lowercase();
        if word == "registered" {
            return Some(String::new());
        }
        prefix_of(page, &word).map(str::to_owned)
    };
    let mut prefixes: Vec<String> = Vec::new();
    for p in named.iter().filter_map(|(o, _)| prefix(o)).filter(|p| !p.is_empty()) {
        if !prefixes.contains(&p) {
            prefixes.push(p);
        }
    }
    let rest =
        |name: &str, p: &str| -> Option<String> { starts_with_word(name, p).then(|| name[p.len()..].to_owned()) };
    let repeats = |suffix: &str| {
        prefixes.iter().filter(|p| page.params.iter().any(|x| rest(&x.name, p).as_deref() == Some(suffix))).count()
    };
    let mut suffixes: Vec<String> = Vec::new();
    for p in &prefixes {
        for x in &page.params {
            if let Some(r) = rest(&x.name, p)
                && !suffixes.contains(&r)
            {
                suffixes.push(r);
            }
        }
    }
    // An owner the page names an address group of only (the trading address) shows which names
    // make an address; names two or more owners repeat besides make a user.
    let address_only: Vec<String> = named
        .iter()
        .filter(|(o, _)| named.iter().filter(|(p, _)| p == o).all(|(_, k)| k == "address"))
        .filter_map(|(o, _)| prefix(o))
        .filter(|p| !p.is_empty())
        .collect();
    let address: Vec<&String> = suffixes
        .iter()
        .filter(|s| {
            address_only.iter().any(|p| page.params.iter().any(|x| rest(&x.name, p).as_deref() == Some(s.as_str())))
        })
        .collect();
    let user: Vec<&String> = suffixes.iter().filter(|s| repeats(s) >= 2 && !address.contains(s)).collect();
    let id_of = |(owner, kind): &(String, String)| {
        let p = prefix(owner).filter(|p| !p.is_empty()).unwrap_or_else(|| owner.to_ascii_lowercase());
        format!("{p}_{kind}")
    };
    let mut out: Vec<(usize, Group)> = Vec::new();
    for g in &named {
        let Some(p) = prefix(&g.0) else { continue };
        let kind: &[&String] = if g.1 == "address" { &address } else { &user };
        let members: Vec<String> = page
            .params
            .iter()
            .filter(|x| {
                let suffix = if p.is_empty() {
                    let mut chars = x.name.chars();
                    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                } else {
                    rest(&x.name, &p)
                };
                suffix.is_some_and(|s| kind.contains(&&s))
                    && (!p.is_empty() || !prefixes.iter().any(|q| starts_with_word(&x.name, q)))
            })
            .map(|x| x.name.clone())
            .collect();
        let Some(first) = members.first().and_then(|m| page.params.iter().position(|x| &x.name == m)) else { continue };
        let stated = page.rules.iter().any(|r| {
            matches!(r, Rule::Group { owner, kind, .. }
                if owner.eq_ignore_ascii_case(&g.0) && kind.eq_ignore_ascii_case(&g.1))
        });
        let required_if_any = if stated {
            members
                .iter()
                .filter(|m| {
                    page.params.iter().any(|x| &x.name == *m && x.requirement.as_deref() == Some("conditional"))
                })
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let defaults_to = page.defaults.iter().find(|(from, _)| from == g).map(|(_, to)| id_of(to));
        out.push((first, Group { id: id_of(g), members, required_if_any, defaults_to }));
    }
    out.sort_by_key(|(first, _)| *first);
    out.into_iter().map(|(_, g)| g).collect()
}

/// The version of the page's history that added what `wanted` picks.
fn added_in(page: &Page, wanted: impl Fn(&Added) -> bool) -> Option<&str> {
    page.added.iter().find(|(_, a)| wanted(a)).map(|(v, _)| v.as_str())
}

/// Whether `name` starts with the word `prefix`, a capital following (`billingTitle`,
/// `billing`).
fn starts_with_word(name: &str, prefix: &str) -> bool {
    name.to_ascii_lowercase().starts_with(prefix)
        && name.get(prefix.len()..).is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// The prefix a group of the page's parameters shares for a word of the history ("Billing
/// Contact": `billing`; "Organizational Contact": `org`, its first three letters, which more of
/// the names start with than with the whole word).
fn prefix_of<'a>(page: &Page, word: &'a str) -> Option<&'a str> {
    let count = |prefix: &str| page.params.iter().filter(|p| starts_with_word(&p.name, prefix)).count();
    [word, word.get(..3).unwrap_or(word)].into_iter().filter(|p| count(p) >= 2).max_by_key(|p| count(p))
}

/// Whether a parameter or field holds a secret: a password, or a session handle (which opens
/// the customer's page, and so stands for a login).
fn secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("password") || lower == "sid" || lower.ends_with("sessionid")
}

/// A `[[field]]` table of what the page states of an answer field (its type `string` when the
/// page gives none).
fn field(f: &Field) -> Table {
    let mut t = Table::new();
    t["name"] = value(f.name.as_str());
    t["type"] = value(f.ty.as_deref().unwrap_or("string"));
    if let Some(n) = f.max_length {
        t["max_length"] = value(i64::from(n));
    }
    if let Some(line) = f.line {
        t["line"] = value(i64::from(line));
    }
    t["when"] = value(match f.when {
        When::Always => "always",
        When::Success => "success",
        When::Error => "error",
    });
    if f.optional {
        t["optional"] = value(true);
    }
    if secret(&f.name) {
        t["secret"] = value(true);
    }
    t["description"] = value("");
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_ids() {
        assert_eq!(snake("!AutoAuthorize"), "auto_authorize");
        assert_eq!(snake("!initCustomerSession"), "init_customer_session");
        assert_eq!(snake("!Tier2PartnerSignup"), "tier2_partner_signup");
        assert_eq!(snake("CollectSSL"), "collect_ssl");
        assert_eq!(snake("!GetDCVEmailAddressList"), "get_dcv_email_address_list");
    }
}
