//! `cargo xtask import-doc --write`: a page's changes applied to the `spec/` files with `toml_edit`, which
//! keeps their comments and layout. Only facts are written: a new parameter, allowed value,
//! error row, rule or history entry gets an empty description (meaning, change note), which
//! `cargo xtask check` refuses until a maintainer writes it. New answer fields and hosts are
//! left to do by hand (the page may not state a field's type).

use std::path::{Path, PathBuf};

use crate::page::compare::{Change, Report, is_group};
use crate::page::{Param, Rule};
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value, value};

/// A spec file being edited.
struct File {
    path: PathBuf,
    doc: DocumentMut,
    changed: bool,
}

impl File {
    fn open(path: PathBuf) -> Result<File, String> {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let doc = text.parse::<DocumentMut>().map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(File { path, doc, changed: false })
    }

    fn save(&self) -> Result<(), String> {
        if self.changed {
            std::fs::write(&self.path, self.doc.to_string()).map_err(|e| format!("{}: {e}", self.path.display()))?;
        }
        Ok(())
    }
}

/// What was applied, and what a maintainer must still do by hand.
#[derive(Debug, Default)]
pub struct Outcome {
    pub applied: Vec<String>,
    pub to_describe: Vec<String>,
    pub by_hand: Vec<String>,
}

/// Applies a report's changes to the spec in `spec_dir`.
pub fn apply(spec_dir: &Path, report: &Report) -> Result<Outcome, String> {
    let mut endpoint = endpoint_file(spec_dir, &report.endpoint)?;
    let mut errors = File::open(spec_dir.join("errors.toml"))?;
    let mut products = File::open(spec_dir.join("products.toml"))?;
    let mut out = Outcome::default();
    let short =
        |f: &File| f.path.strip_prefix(spec_dir.parent().unwrap_or(spec_dir)).unwrap_or(&f.path).display().to_string();
    for change in &report.changes {
        let applied = match change {
            Change::ParamAdded { item, param } => {
                let table = params_of(&mut endpoint.doc, *item)?;
                table.push(new_param(param));
                out.to_describe.push(format!("{}: {} {} (description)", short(&endpoint), key(*item), param.name));
                for (v, _) in &param.allowed {
                    out.to_describe.push(format!(
                        "{}: {} {}, value {v} (meaning)",
                        short(&endpoint),
                        key(*item),
                        param.name
                    ));
                }
                true
            }
            Change::ParamRemoved { item, name } => {
                let table = params_of(&mut endpoint.doc, *item)?;
                match position(table, name, *item) {
                    Some(i) => {
                        table.remove(i);
                        true
                    }
                    None => false,
                }
            }
            Change::ParamChanged { item, name, fact, page, .. } => {
                let table = params_of(&mut endpoint.doc, *item)?;
                match position(table, name, *item).and_then(|i| table.get_mut(i)) {
                    None => false,
                    Some(p) => {
                        match *fact {
                            "max_length" => p["max_length"] = value(page.parse::<i64>().unwrap_or_default()),
                            "alias" => {
                                let aliases = p.entry("aliases").or_insert(value(Array::new()));
                                if let Some(list) = aliases.as_array_mut() {
                                    list.push(page.as_str());
                                }
                            }
                            "default" if p.contains_key("server_default") => p["server_default"] = value(page.as_str()),
                            other => p[other] = value(page.as_str()),
                        }
                        true
                    }
                }
            }
            Change::ValueAdded { item, name, value: v, .. } => {
                let table = params_of(&mut endpoint.doc, *item)?;
                match position(table, name, *item).and_then(|i| table.get_mut(i)) {
                    None => false,
                    Some(p) => {
                        let allowed = p.entry("allowed").or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
                        let mut entry = Table::new();
                        entry["value"] = value(v.as_str());
                        entry["meaning"] = value("");
                        allowed.as_array_of_tables_mut().ok_or("allowed is not a table list")?.push(entry);
                        out.to_describe.push(format!(
                            "{}: {} {name}, value {v} (meaning; variant names too if the values now make an enumeration)",
                            short(&endpoint),
                            key(*item)
                        ));
                        true
                    }
                }
            }
            Change::ValueRemoved { item, name, value: v } => {
                let table = params_of(&mut endpoint.doc, *item)?;
                let allowed = position(table, name, *item)
                    .and_then(|i| table.get_mut(i))
                    .and_then(|p| p.get_mut("allowed"))
                    .and_then(Item::as_array_of_tables_mut);
                match allowed {
                    Some(list) => {
                        let before = list.len();
                        list.retain(|a| a.get("value").and_then(Item::as_str) != Some(v.as_str()));
                        list.len() != before
                    }
                    None => false,
                }
            }
            Change::ErrorAdded { code, message } => {
                let id = format!("error_{}", code.unsigned_abs());
                let mut row = Table::new();
                row["code"] = value(*code);
                row["message"] = value(message.as_str());
                row["meaning"] = value("");
                errors.doc.insert(&id, Item::Table(row));
                errors.changed = true;
                endpoint_errors(&mut endpoint.doc)?.push(id.as_str());
                out.to_describe.push(format!("{}: {id} (meaning; a better key too, if you like)", short(&errors)));
                true
            }
            Change::ErrorReworded { code, page, .. } => {
                let id = error_id(&errors.doc, *code);
                let list = endpoint_errors(&mut endpoint.doc)?;
                match id.and_then(|id| list.iter().position(|e| entry_id(e) == Some(id.as_str())).map(|i| (i, id))) {
                    None => false,
                    Some((i, id)) => {
                        let mut row = InlineTable::new();
                        row.insert("id", id.as_str().into());
                        row.insert("message", page.as_str().into());
                        if let Some(Value::InlineTable(old)) = list.get(i) {
                            for (k, v) in old.iter().filter(|(k, _)| !matches!(*k, "id" | "message")) {
                                row.insert(k, v.clone());
                            }
                        }
                        list.replace(i, row);
                        true
                    }
                }
            }
            Change::ErrorRemoved { code, .. } => {
                let id = error_id(&errors.doc, *code);
                let list = endpoint_errors(&mut endpoint.doc)?;
                match id.and_then(|id| list.iter().position(|e| entry_id(e) == Some(id.as_str()))) {
                    Some(i) => {
                        list.remove(i);
                        true
                    }
                    None => false,
                }
            }
            Change::ProductAdded { product, term, ppp } => {
                add_product(&mut products.doc, product, term, *ppp)?;
                products.changed = true;
                true
            }
            Change::ProductRemoved { ppp, .. } => {
                let removed = remove_product(&mut products.doc, *ppp);
                products.changed |= removed;
                removed
            }
            Change::VersionAdded { version, .. } => {
                let history = endpoint.doc["endpoint"]
                    .as_table_mut()
                    .ok_or("[endpoint] is missing")?
                    .entry("history")
                    .or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
                let mut entry = Table::new();
                entry["version"] = value(version.as_str());
                entry["changes"] = value("");
                history.as_array_of_tables_mut().ok_or("endpoint.history is not a table list")?.push(entry);
                out.to_describe.push(format!("{}: version {version} (what changed, in your words)", short(&endpoint)));
                true
            }
            Change::EndpointChanged { fact: "path", page, .. } => {
                endpoint.doc["endpoint"]["path"] = value(page.as_str());
                true
            }
            Change::EndpointChanged { fact: "methods", page, .. } => {
                let methods: Array = page.split(", ").collect();
                endpoint.doc["endpoint"]["methods"] = value(methods);
                true
            }
            Change::RuleAdded(Rule::Group { owner, kind, required }) => {
                set_group(&mut endpoint.doc, owner, kind, required)
            }
            Change::RuleRemoved(Rule::Group { owner, kind, .. }) => set_group(&mut endpoint.doc, owner, kind, &[]),
            Change::RuleAdded(rule) => {
                let rules = endpoint
                    .doc
                    .entry("rule")
                    .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
                    .as_array_of_tables_mut()
                    .ok_or("rule is not a table list")?;
                rules.push(rule_table(rule));
                out.to_describe.push(format!("{}: rule \"{rule}\" (description)", short(&endpoint)));
                true
            }
            Change::RuleRemoved(rule) => {
                let wanted = rule_table(rule);
                let facts = |t: &Table| {
                    ["kind", "param", "when", "sets"]
                        .map(|k| t.get(k).map(|v| v.to_string().split_whitespace().collect::<String>()))
                };
                let rules = endpoint.doc.get_mut("rule").and_then(Item::as_array_of_tables_mut);
                let found = rules.as_ref().and_then(|r| r.iter().position(|t| facts(t) == facts(&wanted)));
                match (rules, found) {
                    (Some(rules), Some(i)) => {
                        rules.remove(i);
                        true
                    }
                    _ => false,
                }
            }
            Change::EndpointChanged { .. } | Change::FieldAdded(_) | Change::FieldRemoved(_) => false,
        };
        if applied {
            endpoint.changed |= !matches!(change, Change::ProductAdded { .. } | Change::ProductRemoved { .. });
            out.applied.push(change.to_string());
        } else {
            out.by_hand.push(change.to_string());
        }
    }
    for file in [&endpoint, &errors, &products] {
        file.save()?;
    }
    Ok(out)
}

fn key(item: bool) -> &'static str {
    if item { "item_param" } else { "param" }
}

/// The endpoint file whose `[endpoint] id` is `id`.
fn endpoint_file(spec_dir: &Path, id: &str) -> Result<File, String> {
    let dir = spec_dir.join("endpoints");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    for path in paths {
        let file = File::open(path)?;
        if file.doc.get("endpoint").and_then(|e| e.get("id")).and_then(Item::as_str) == Some(id) {
            return Ok(file);
        }
    }
    Err(format!("no file in {} has [endpoint] id = {id:?}", dir.display()))
}

fn params_of(doc: &mut DocumentMut, item: bool) -> Result<&mut ArrayOfTables, String> {
    doc.entry(key(item))
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| format!("{} is not a table list", key(item)))
}

/// The index of a parameter (items are `x_NAME` in the spec, `NAME` on pages).
fn position(list: &ArrayOfTables, name: &str, item: bool) -> Option<usize> {
    list.iter().position(|p| {
        let n = p.get("name").and_then(Item::as_str).unwrap_or_default();
        let n = if item { n.strip_prefix("x_").unwrap_or(n) } else { n };
        n.eq_ignore_ascii_case(name)
    })
}

/// A new parameter table: the page's facts and an empty description.
pub(super) fn new_param(p: &Param) -> Table {
    let mut t = Table::new();
    t["name"] = value(p.name.as_str());
    if !p.aliases.is_empty() {
        t["aliases"] = value(p.aliases.iter().map(String::as_str).collect::<Array>());
    }
    if let Some(ty) = &p.ty {
        t["type"] = value(ty.as_str());
    }
    if let Some(n) = p.max_length {
        t["max_length"] = value(i64::from(n));
    }
    if let Some(r) = &p.requirement {
        t["requirement"] = value(r.as_str());
    }
    if let Some(d) = &p.default {
        t["default"] = value(d.as_str());
    }
    if let Some(f) = &p.format {
        t["format"] = value(f.as_str());
    }
    if p.product_dependent {
        t["product_dependent"] = value(true);
    }
    t["description"] = value("");
    if !p.allowed.is_empty() {
        let mut allowed = ArrayOfTables::new();
        for (v, _) in &p.allowed {
            let mut a = Table::new();
            a["value"] = value(v.as_str());
            a["meaning"] = value("");
            allowed.push(a);
        }
        t["allowed"] = Item::ArrayOfTables(allowed);
    }
    t
}

fn endpoint_errors(doc: &mut DocumentMut) -> Result<&mut Array, String> {
    doc["endpoint"]["errors"].as_array_mut().ok_or_else(|| "[endpoint] errors is not a list".to_owned())
}

/// The key of the errors.toml row with `code`.
fn error_id(doc: &DocumentMut, code: i64) -> Option<String> {
    doc.iter().find(|(_, row)| row.get("code").and_then(Item::as_integer) == Some(code)).map(|(k, _)| k.to_owned())
}

/// The id of an endpoint's error entry: `"id"` or `{ id = "...", ... }`.
fn entry_id(entry: &Value) -> Option<&str> {
    match entry {
        Value::String(s) => Some(s.value()),
        Value::InlineTable(t) => t.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// A PPP code for a product and term, adding the term and the product when new.
pub(super) fn add_product(doc: &mut DocumentMut, product: &str, term: &str, ppp: u32) -> Result<(), String> {
    let terms = doc["term"].as_array_of_tables_mut().ok_or("products.toml has no [[term]] list")?;
    let known = terms
        .iter()
        .find(|t| t.get("label").and_then(Item::as_str) == Some(term))
        .map(|t| t.get("id").and_then(Item::as_str).unwrap_or_default().to_owned());
    let term_id = match known {
        Some(id) => id,
        None => {
            let (n, unit) = term.split_once('-').ok_or_else(|| format!("term {term:?} is not N-day or N-year"))?;
            let n: i64 = n.parse().map_err(|_| format!("term {term:?} is not N-day or N-year"))?;
            let (id, field) =
                if unit.starts_with("day") { (format!("days{n}"), "days") } else { (format!("year{n}"), "years") };
            let mut t = Table::new();
            t["id"] = value(id.as_str());
            t["label"] = value(term);
            t[field] = value(n);
            terms.push(t);
            id
        }
    };
    let products = doc["product"].as_array_of_tables_mut().ok_or("products.toml has no [[product]] list")?;
    let found = products.iter().position(|p| p.get("name").and_then(Item::as_str) == Some(product));
    let index = match found {
        Some(i) => i,
        None => {
            let mut p = Table::new();
            let id: String = product
                .trim_start_matches("Sectigo ")
                .to_ascii_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            p["id"] = value(id);
            p["name"] = value(product);
            p["requires"] = value(Array::new());
            p["ppp"] = value(InlineTable::new());
            products.push(p);
            products.len() - 1
        }
    };
    let entry = products.get_mut(index).ok_or("product vanished")?;
    let codes = entry["ppp"].as_inline_table_mut().ok_or("a product's ppp is not an inline table")?;
    codes.insert(&term_id, i64::from(ppp).into());
    Ok(())
}

/// Removes a PPP code (and its product, when it was the last).
fn remove_product(doc: &mut DocumentMut, ppp: u32) -> bool {
    let Some(products) = doc["product"].as_array_of_tables_mut() else { return false };
    for i in 0..products.len() {
        let Some(p) = products.get_mut(i) else { continue };
        let Some(codes) = p.get_mut("ppp").and_then(Item::as_inline_table_mut) else { continue };
        let key = codes.iter().find(|(_, v)| v.as_integer() == Some(i64::from(ppp))).map(|(k, _)| k.to_owned());
        if let Some(key) = key {
            codes.remove(&key);
            if codes.is_empty() {
                products.remove(i);
            }
            return true;
        }
    }
    false
}

/// A `[[rule]]` table of a rule's facts, its description left to write.
pub(super) fn rule_table(rule: &Rule) -> Table {
    let mut t = Table::new();
    let list = |values: &[String]| values.iter().map(String::as_str).collect::<Array>();
    match rule {
        Rule::OneOf(sets) => {
            t["kind"] = value("one_of");
            t["sets"] = value(sets.iter().map(|s| Value::Array(list(s))).collect::<Array>());
        }
        Rule::RequiredWhen { param, when, equals } | Rule::OnlyWhen { param, when, equals } => {
            let kind = if matches!(rule, Rule::RequiredWhen { .. }) { "required_when" } else { "only_when" };
            t["kind"] = value(kind);
            t["param"] = value(param.as_str());
            let mut w = InlineTable::new();
            w.insert("param", when.as_str().into());
            w.insert("equals", Value::Array(list(equals)));
            t["when"] = value(w);
        }
        Rule::Group { .. } => {}
    }
    t["description"] = value("");
    t
}

/// Sets which members of a contact group become required once any is given.
fn set_group(doc: &mut DocumentMut, owner: &str, kind: &str, required: &[String]) -> bool {
    let Some(groups) = doc.get_mut("group").and_then(Item::as_array_of_tables_mut) else { return false };
    let Some(group) =
        groups.iter_mut().find(|g| is_group(g.get("id").and_then(Item::as_str).unwrap_or_default(), owner, kind))
    else {
        return false;
    };
    group["required_if_any"] = value(required.iter().map(String::as_str).collect::<Array>());
    true
}

/// What a maintainer does after `--write`, for the changes it made, in order: every file the
/// change touches besides `spec/`. `saved` lists the project's saved copies of the endpoint's
/// documents (`tests/import/...`), which the page replaces.
pub fn checklist(report: &Report, outcome: &Outcome, saved: &[String]) -> Vec<String> {
    let endpoint = &report.endpoint;
    let vectors = format!("tests/vectors/{endpoint}.toml");
    let mut steps = Vec::new();
    match saved {
        [] => steps.push(format!(
            "save the page under tests/import/seeds/ (no saved copy of {endpoint} is there): the import tests read every saved page back to the spec"
        )),
        _ => steps.push(format!(
            "replace the saved copy of the page ({}) with the new one: the import tests read every saved page back to the spec",
            saved.join(" or ")
        )),
    }
    if !outcome.to_describe.is_empty() {
        steps.push(format!("describe in your own words, in spec/: {}", outcome.to_describe.join("; ")));
    }
    for change in &outcome.by_hand {
        steps.push(format!("edit spec/ by hand: {change}"));
    }
    for change in &report.changes {
        let name = |item: &bool, name: &str| if *item { format!("x_{name}") } else { name.to_owned() };
        let vector = match change {
            Change::ParamChanged { item, name: n, fact: "max_length", page, .. } => format!(
                "{}: one value at its new limit of {page} characters (a body) and one a character over (violation max_length)",
                name(item, n)
            ),
            Change::ParamChanged { item, name: n, fact: "requirement", page, .. } => {
                format!("{}: a request without it ({page}: a violation `required`, or a body)", name(item, n))
            }
            Change::ParamChanged { item, name: n, fact, page, .. } => {
                format!("{}: a request showing its new {fact} ({page})", name(item, n))
            }
            Change::ParamAdded { item, param } => {
                format!(
                    "{}: a request sending it (a body), and one breaking each of its rules",
                    name(item, &param.name)
                )
            }
            Change::ParamRemoved { item, name: n } => {
                format!("{}: remove or rewrite the vectors that send it (now rule `unknown`)", name(item, n))
            }
            Change::ValueAdded { item, name: n, value, .. } => {
                format!("{}: a request sending {value:?}", name(item, n))
            }
            Change::ValueRemoved { item, name: n, value } => {
                format!("{}: a request sending {value:?} (now violation allowed_values)", name(item, n))
            }
            Change::ErrorAdded { code, message } => {
                format!("a [[response]] answering errorCode {code} with {message:?}")
            }
            Change::ErrorReworded { code, page, .. } => {
                format!("the [[response]] vectors of errorCode {code}: the new message {page:?}")
            }
            Change::ErrorRemoved { code, .. } => {
                format!("the [[response]] vectors of errorCode {code} (no longer documented)")
            }
            Change::ProductAdded { ppp, .. } => format!("a request ordering 1_PPP={ppp}"),
            Change::RuleAdded(_) | Change::RuleRemoved(_) => format!("a request breaking the rule ({change})"),
            Change::FieldAdded(field) => format!("a [[response]] carrying {field}"),
            Change::FieldRemoved(_)
            | Change::ProductRemoved { .. }
            | Change::VersionAdded { .. }
            | Change::EndpointChanged { .. } => {
                continue;
            }
        };
        steps.push(format!("add to {vectors}: {vector}"));
    }
    steps.push(
        "`cargo xtask check`, then `cargo xtask codegen`: Rust, C, PHP, Python, the CLI and the sandbox follow"
            .to_owned(),
    );
    steps.push("review the diff of the generated files (`git diff`)".to_owned());
    steps.push("`cargo xtask test`".to_owned());
    steps
}

/// The project's saved copies of an endpoint's documents: `tests/import/seeds/FILE` for each
/// source file the spec names, and the HTML copies of `tests/import/html/` numbered alike.
pub fn saved_copies(root: &Path, spec: &serde_json::Value, endpoint: &str) -> Vec<String> {
    let sources = spec["endpoints"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["id"] == endpoint)
        .flat_map(|e| e["sources"].as_array().cloned().unwrap_or_default());
    let html: Vec<String> = std::fs::read_dir(root.join("tests/import/html"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    let mut saved = Vec::new();
    for source in sources {
        let Some(file) = source["file"].as_str() else { continue };
        if root.join("tests/import/seeds").join(file).exists() {
            saved.push(format!("tests/import/seeds/{file}"));
        }
        let number = file.split('_').next().unwrap_or(file);
        let mut copies: Vec<&String> = html.iter().filter(|h| h.split('_').next() == Some(number)).collect();
        copies.sort();
        saved.extend(copies.into_iter().map(|h| format!("tests/import/html/{h}")));
    }
    saved
}
