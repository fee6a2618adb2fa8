//! A page's facts against the spec's (its JSON form, `cargo xtask spec --json`): what changed,
//! and what the spec holds beyond the page.

use std::fmt;

use serde_json::Value;

use super::{Page, Param, Rule};

/// One difference between the page and the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A request parameter (or, with `item`, an item parameter) the spec lacks.
    ParamAdded {
        item: bool,
        param: Param,
    },
    /// One the spec has and the page no longer lists.
    ParamRemoved {
        item: bool,
        name: String,
    },
    /// A fact of a parameter: `requirement`, `type`, `max_length`, `default`.
    ParamChanged {
        item: bool,
        name: String,
        fact: &'static str,
        spec: String,
        page: String,
    },
    /// An allowed value the spec lacks, or one the page dropped.
    ValueAdded {
        item: bool,
        name: String,
        value: String,
        meaning: String,
    },
    ValueRemoved {
        item: bool,
        name: String,
        value: String,
    },
    FieldAdded(String),
    FieldRemoved(String),
    ErrorAdded {
        code: i64,
        message: String,
    },
    ErrorRemoved {
        code: i64,
        message: String,
    },
    ErrorReworded {
        code: i64,
        spec: String,
        page: String,
    },
    ProductAdded {
        product: String,
        term: String,
        ppp: u32,
    },
    ProductRemoved {
        product: String,
        term: String,
        ppp: u32,
    },
    VersionAdded {
        version: String,
        text: String,
    },
    /// `path`, `methods`, `host`.
    EndpointChanged {
        fact: &'static str,
        spec: String,
        page: String,
    },
    /// A rule between parameters the spec lacks, or one the page no longer states.
    RuleAdded(Rule),
    RuleRemoved(Rule),
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = |item: &bool| if *item { "item parameter" } else { "parameter" };
        match self {
            Change::ParamAdded { item, param } => {
                write!(f, "+ {} {}", kind(item), param.name)?;
                let facts: Vec<String> = [
                    param.requirement.clone(),
                    param.ty.clone(),
                    param.max_length.map(|n| format!("max {n}")),
                    param.default.as_ref().map(|d| format!("default {d}")),
                    (!param.allowed.is_empty()).then(|| {
                        format!(
                            "values {}",
                            param.allowed.iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>().join("|")
                        )
                    }),
                ]
                .into_iter()
                .flatten()
                .collect();
                if !facts.is_empty() {
                    write!(f, " ({})", facts.join(", "))?;
                }
                Ok(())
            }
            Change::ParamRemoved { item, name } => write!(f, "- {} {name}", kind(item)),
            Change::ParamChanged { item, name, fact, spec, page } => {
                write!(f, "~ {} {name}: {fact} {spec} -> {page}", kind(item))
            }
            Change::ValueAdded { item, name, value, meaning } => {
                write!(f, "+ {} {name}: allowed value {value:?}", kind(item))?;
                if !meaning.is_empty() {
                    write!(f, " ({meaning})")?;
                }
                Ok(())
            }
            Change::ValueRemoved { item, name, value } => write!(f, "- {} {name}: allowed value {value:?}", kind(item)),
            Change::FieldAdded(name) => write!(f, "+ answer field {name}"),
            Change::FieldRemoved(name) => write!(f, "- answer field {name}"),
            Change::ErrorAdded { code, message } => write!(f, "+ error {code}: {message:?}"),
            Change::ErrorRemoved { code, message } => write!(f, "- error {code}: {message:?}"),
            Change::ErrorReworded { code, spec, page } => write!(f, "~ error {code}: {spec:?} -> {page:?}"),
            Change::ProductAdded { product, term, ppp } => write!(f, "+ product {product}, {term}: PPP {ppp}"),
            Change::ProductRemoved { product, term, ppp } => write!(f, "- product {product}, {term}: PPP {ppp}"),
            Change::VersionAdded { version, text } => write!(f, "+ version {version}: {text}"),
            Change::EndpointChanged { fact, spec, page } => write!(f, "~ endpoint {fact}: {spec} -> {page}"),
            Change::RuleAdded(rule) => write!(f, "+ rule: {rule}"),
            Change::RuleRemoved(rule) => write!(f, "- rule: {rule}"),
        }
    }
}

/// The outcome of a comparison.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The spec endpoint's id.
    pub endpoint: String,
    pub changes: Vec<Change>,
    /// Facts of the spec the page does not state (not changes).
    pub spec_only: Vec<String>,
}

/// The spec endpoint a page is about: `--endpoint` when given, else the page's name, else the
/// one whose parameters the page lists most of.
pub fn endpoint<'a>(page: &Page, spec: &'a Value, chosen: Option<&str>) -> Result<&'a Value, String> {
    let endpoints = spec["endpoints"].as_array().ok_or("the spec has no endpoints")?;
    let ids = || endpoints.iter().filter_map(|e| e["id"].as_str()).collect::<Vec<_>>().join(", ");
    if let Some(chosen) = chosen {
        return endpoints
            .iter()
            .find(|e| e["id"] == chosen || e["name"] == chosen)
            .ok_or(format!("--endpoint {chosen}: no such endpoint in spec/ ({})", ids()));
    }
    if let Some(name) = &page.endpoint
        && let Some(e) = endpoints.iter().find(|e| e["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
    {
        return Ok(e);
    }
    let overlap = |e: &Value| {
        page.params
            .iter()
            .filter(|p| {
                e["params"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|s| s["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(&p.name)))
            })
            .count()
    };
    let best = endpoints.iter().max_by_key(|e| overlap(e)).filter(|e| overlap(e) * 2 > page.params.len().max(1));
    match (best, &page.endpoint) {
        (Some(e), None) => Ok(e),
        (_, Some(name)) => Err(format!(
            "the page is about {name}, which spec/ does not have ({}): pass --endpoint ID to compare with one",
            ids()
        )),
        (None, None) => Err(format!(
            "the page names no endpoint and its parameters match none of spec/'s: pass --endpoint ID ({})",
            ids()
        )),
    }
}

/// Compares a page with one endpoint of the spec.
pub fn compare(page: &Page, spec: &Value, e: &Value) -> Report {
    let mut report = Report { endpoint: e["id"].as_str().unwrap_or_default().to_owned(), ..Report::default() };
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };

    // The endpoint.
    if let (Some(path), Some(spec_path)) = (&page.path, e["path"].as_str()) {
        if path != spec_path {
            report.changes.push(Change::EndpointChanged { fact: "path", spec: spec_path.into(), page: path.clone() });
        }
    } else if page.path.is_none() && !e["path"].is_null() {
        report.spec_only.push(format!("path {}", text(&e["path"])));
    } else if e["path"].is_null()
        && let Some(path) = &page.path
    {
        report.changes.push(Change::EndpointChanged { fact: "path", spec: "(none)".into(), page: path.clone() });
    }
    let spec_methods: Vec<String> = e["methods"].as_array().into_iter().flatten().map(text).collect();
    if !page.methods.is_empty() && page.methods != spec_methods {
        report.changes.push(Change::EndpointChanged {
            fact: "methods",
            spec: spec_methods.join(", "),
            page: page.methods.join(", "),
        });
    }
    let known_hosts: Vec<String> = spec["hosts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["url"].as_str())
        .map(|u| u.trim_start_matches("https://").to_owned())
        .collect();
    for host in &page.hosts {
        if !known_hosts.contains(host) {
            report.changes.push(Change::EndpointChanged {
                fact: "host",
                spec: known_hosts.join(", "),
                page: host.clone(),
            });
        }
    }

    // Parameters and item parameters.
    params(&mut report, false, &page.params, e["params"].as_array().map(Vec::as_slice).unwrap_or_default());
    let items = e["items"]["params"].as_array().map(Vec::as_slice).unwrap_or_default();
    if !page.items.is_empty() || !items.is_empty() {
        params(&mut report, true, &page.items, items);
    }

    // Answer fields.
    let spec_fields: Vec<String> = e["response_fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["name"].as_str().map(str::to_owned))
        .collect();
    if !page.fields.is_empty() {
        for f in &page.fields {
            if !spec_fields.iter().any(|s| s.eq_ignore_ascii_case(f)) {
                report.changes.push(Change::FieldAdded(f.clone()));
            }
        }
        for s in &spec_fields {
            if !page.fields.iter().any(|f| f.eq_ignore_ascii_case(s)) {
                report.spec_only.push(format!("answer field {s}"));
            }
        }
    }

    // Errors.
    let spec_errors: Vec<&Value> = e["errors"].as_array().into_iter().flatten().collect();
    for (code, message) in &page.errors {
        match spec_errors.iter().find(|s| s["code"].as_i64() == Some(*code)) {
            None => report.changes.push(Change::ErrorAdded { code: *code, message: message.clone() }),
            Some(s) if s["free_text"] == true => {} // the document gives no fixed text
            Some(s) => {
                let known: Vec<&str> = std::iter::once(&s["message"])
                    .chain(s["alternatives"].as_array().into_iter().flatten())
                    .filter_map(Value::as_str)
                    .collect();
                // "(additional details may also be provided ...)" describes what may follow.
                let stated = match message.find(" (additional details") {
                    Some(i) if s["details_may_follow"] == true => &message[..i],
                    _ => message.as_str(),
                };
                // "A! or B!" gives two texts for the code.
                let each_known = || stated.split(" or ").all(|m| known.contains(&m.trim()));
                if !known.contains(&stated) && !each_known() {
                    report.changes.push(Change::ErrorReworded {
                        code: *code,
                        spec: text(&s["message"]),
                        page: message.clone(),
                    });
                }
            }
        }
    }
    if !page.errors.is_empty() {
        for s in &spec_errors {
            let code = s["code"].as_i64().unwrap_or_default();
            if page.errors.iter().any(|(c, _)| *c == code) {
                continue;
            }
            if s["general"] == true {
                report.spec_only.push(format!("error {code} (from the documents' general list)"));
            } else {
                report.changes.push(Change::ErrorRemoved { code, message: text(&s["message"]) });
            }
        }
    }

    // Products (the catalogue belongs to the endpoint whose item parameter carries it).
    if !page.products.is_empty() {
        let spec_products: Vec<&Value> = spec["products"].as_array().into_iter().flatten().collect();
        for (product, term, ppp) in &page.products {
            if !spec_products.iter().any(|p| p["ppp"].as_u64() == Some(u64::from(*ppp))) {
                report.changes.push(Change::ProductAdded { product: product.clone(), term: term.clone(), ppp: *ppp });
            }
        }
        for p in spec_products {
            let ppp = p["ppp"].as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or_default();
            if !page.products.iter().any(|(_, _, code)| *code == ppp) {
                report.changes.push(Change::ProductRemoved { product: text(&p["name"]), term: text(&p["term"]), ppp });
            }
        }
    }

    rules(&mut report, page, e);

    // Version history.
    // Versions: the history's entries, and the versions the sources were read at.
    let spec_versions: Vec<String> = e["history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| text(&h["version"]))
        .chain(e["sources"].as_array().into_iter().flatten().map(|s| text(&s["version"])))
        .collect();
    for (version, what) in &page.history {
        if !spec_versions.contains(version) {
            report.changes.push(Change::VersionAdded { version: version.clone(), text: what.clone() });
        }
    }
    report
}

fn params(report: &mut Report, item: bool, page: &[Param], spec: &[Value]) {
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    // Item parameters are `x_NAME` in the spec, `NAME` on a page (read without the `x_`).
    let bare = |v: &Value| {
        let name = v.as_str().unwrap_or_default();
        if item { name.strip_prefix("x_").unwrap_or(name).to_owned() } else { name.to_owned() }
    };
    let find = |name: &str| {
        spec.iter().find(|s| {
            bare(&s["name"]).eq_ignore_ascii_case(name)
                || s["aliases"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|a| a.as_str().is_some_and(|a| a.eq_ignore_ascii_case(name)))
        })
    };
    for p in page {
        let Some(s) = find(&p.name) else {
            report.changes.push(Change::ParamAdded { item, param: p.clone() });
            continue;
        };
        let name = bare(&s["name"]);
        for alias in &p.aliases {
            let known = s["aliases"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|a| a.as_str().is_some_and(|a| a.eq_ignore_ascii_case(alias)));
            if !known {
                report.changes.push(Change::ParamChanged {
                    item,
                    name: name.clone(),
                    fact: "alias",
                    spec: "(none)".into(),
                    page: alias.clone(),
                });
            }
        }
        let mut changed = |fact: &'static str, spec: String, page: String| {
            if spec != page {
                report.changes.push(Change::ParamChanged { item, name: name.clone(), fact, spec, page });
            }
        };
        if let Some(r) = &p.requirement {
            changed("requirement", text(&s["requirement"]), r.clone());
        }
        if let Some(t) = &p.ty {
            changed("type", text(&s["type"]), t.clone());
        }
        if let Some(n) = p.max_length {
            changed("max_length", text(&s["max_length"]), n.to_string());
        }
        if let Some(d) = &p.default {
            let spec_default = if s["default"].is_null() { text(&s["server_default"]) } else { text(&s["default"]) };
            changed("default", spec_default, d.clone());
        }
        let spec_values: Vec<String> =
            s["allowed"].as_array().into_iter().flatten().map(|a| text(&a["value"])).collect();
        for (value, meaning) in &p.allowed {
            if !spec_values.iter().any(|v| v.eq_ignore_ascii_case(value)) {
                report.changes.push(Change::ValueAdded {
                    item,
                    name: name.clone(),
                    value: value.clone(),
                    meaning: meaning.clone(),
                });
            }
        }
        if !p.allowed.is_empty() {
            for v in &spec_values {
                if !p.allowed.iter().any(|(value, _)| value.eq_ignore_ascii_case(v)) {
                    report.changes.push(Change::ValueRemoved { item, name: name.clone(), value: v.clone() });
                }
            }
        }
    }
    for s in spec {
        let name = bare(&s["name"]);
        if page.iter().any(|p| p.name.eq_ignore_ascii_case(&name))
            || s["aliases"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|a| page.iter().any(|p| a.as_str().is_some_and(|a| a.eq_ignore_ascii_case(&p.name))))
        {
            continue;
        }
        if page.is_empty() {
            continue;
        }
        report.changes.push(Change::ParamRemoved { item, name });
    }
}

/// Whether the spec's group `id` is the one a page calls "`owner` `kind`": "Organizational
/// user" is `org_user`, "Billing address" `billing_address`.
pub fn is_group(id: &str, owner: &str, kind: &str) -> bool {
    let owner = owner.to_ascii_lowercase();
    id.rsplit_once('_').is_some_and(|(prefix, k)| k == kind.to_ascii_lowercase() && owner.starts_with(prefix))
}

/// A spec rule (its JSON) as a page would state it.
fn spec_rule(s: &Value) -> Option<Rule> {
    let list = |v: &Value| {
        v.as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_owned)).collect::<Vec<_>>()
    };
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    match s["kind"].as_str()? {
        "one_of" => Some(Rule::OneOf(s["sets"].as_array()?.iter().map(list).collect())),
        "required_when" => Some(Rule::RequiredWhen {
            param: text(&s["param"]),
            when: text(&s["when"]["param"]),
            equals: list(&s["when"]["equals"]),
        }),
        "only_when" => Some(Rule::OnlyWhen {
            param: text(&s["param"]),
            when: text(&s["when"]["param"]),
            equals: list(&s["when"]["equals"]),
        }),
        _ => None,
    }
}

/// Rules between parameters, and the groups whose marked members become required.
fn rules(report: &mut Report, page: &Page, e: &Value) {
    let lower = |list: &[String]| list.iter().map(|s| s.to_ascii_lowercase()).collect::<Vec<_>>();
    let same = |a: &Rule, b: &Rule| match (a, b) {
        (Rule::OneOf(x), Rule::OneOf(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| lower(x) == lower(y)),
        (Rule::RequiredWhen { param: p, when: w, equals: v }, Rule::RequiredWhen { param: q, when: x, equals: u })
        | (Rule::OnlyWhen { param: p, when: w, equals: v }, Rule::OnlyWhen { param: q, when: x, equals: u }) => {
            p.eq_ignore_ascii_case(q) && w.eq_ignore_ascii_case(x) && lower(v) == lower(u)
        }
        _ => false,
    };
    let spec_rules: Vec<Rule> = e["rules"].as_array().into_iter().flatten().filter_map(spec_rule).collect();
    let groups: Vec<&Value> = e["groups"].as_array().into_iter().flatten().collect();
    let names = |v: &Value| {
        v.as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_owned)).collect::<Vec<_>>()
    };
    let marked = |g: &Value| {
        names(&g["members"])
            .into_iter()
            .filter(|m| {
                page.params
                    .iter()
                    .any(|p| p.name.eq_ignore_ascii_case(m) && p.requirement.as_deref() == Some("conditional"))
            })
            .collect::<Vec<_>>()
    };
    for rule in &page.rules {
        match rule {
            Rule::Group { owner, kind, .. } => {
                let group = groups.iter().find(|g| is_group(g["id"].as_str().unwrap_or_default(), owner, kind));
                let required = group.map(|g| marked(g)).unwrap_or_default();
                if group.is_none_or(|g| names(&g["required_if_any"]) != required) {
                    report.changes.push(Change::RuleAdded(Rule::Group {
                        owner: owner.clone(),
                        kind: kind.clone(),
                        required,
                    }));
                }
            }
            other => {
                if !spec_rules.iter().any(|s| same(other, s)) {
                    report.changes.push(Change::RuleAdded(other.clone()));
                }
            }
        }
    }
    if page.params.is_empty() {
        return; // a partial page says nothing of rules
    }
    for s in &spec_rules {
        if !page.rules.iter().any(|r| same(r, s)) {
            report.changes.push(Change::RuleRemoved(s.clone()));
        }
    }
    for g in groups.iter().filter(|g| !names(&g["required_if_any"]).is_empty()) {
        let id = g["id"].as_str().unwrap_or_default();
        let stated =
            page.rules.iter().any(|r| matches!(r, Rule::Group { owner, kind, .. } if is_group(id, owner, kind)));
        if !stated {
            let (owner, kind) = id.rsplit_once('_').unwrap_or((id, ""));
            report.changes.push(Change::RuleRemoved(Rule::Group {
                owner: owner.into(),
                kind: kind.into(),
                required: names(&g["required_if_any"]),
            }));
        }
    }
}
