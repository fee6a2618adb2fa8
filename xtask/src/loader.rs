//! The spec loader: reads `spec/`, checks it, and lowers it to the IR (the generator's load → check
//! → lower stages; `cargo xtask check` runs them alone). Every problem is reported with the file and
//! the key it concerns, and all problems are reported at once.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::ir::{self, Ir};
use crate::naming::{is_ident, snake_case, upper_camel};
use crate::spec::{self, ErrorRef};

/// A problem in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub file: String,
    pub key: String,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.key, self.message)
        }
    }
}

/// Every problem found.
#[derive(Debug)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

struct Ctx {
    errors: Vec<SpecError>,
}

impl Ctx {
    fn err(&mut self, file: &str, key: impl Into<String>, message: impl Into<String>) {
        self.errors.push(SpecError { file: file.to_owned(), key: key.into(), message: message.into() });
    }

    /// Words a maintainer writes: `cargo xtask import-doc --write` adds facts with these left
    /// empty, and nothing passes until someone has written them.
    fn prose(&mut self, file: &str, key: impl Into<String>, text: &str) {
        if text.trim().is_empty() {
            self.err(file, key, "is empty: describe it in your own words (import-doc --write adds facts, never prose)");
        }
    }
}

/// Every description, meaning and change note of an endpoint file is written.
fn check_prose(ctx: &mut Ctx, file: &str, def: &spec::EndpointFile) {
    for (table, params) in [("param", &def.param), ("item_param", &def.item_param)] {
        for p in params {
            ctx.prose(file, format!("{table}.{}.description", p.name), &p.description);
            for a in &p.allowed {
                ctx.prose(file, format!("{table}.{}.allowed.{}.meaning", p.name, a.value), &a.meaning);
            }
        }
    }
    for h in &def.endpoint.history {
        ctx.prose(file, format!("endpoint.history.{}.changes", h.version), &h.changes);
    }
    for (i, r) in def.rule.iter().enumerate() {
        ctx.prose(file, format!("rule[{i}].description"), &r.description);
    }
}

/// Reads a TOML file; a missing optional file is `None` without an error.
fn read<T: DeserializeOwned>(ctx: &mut Ctx, path: &Path, required: bool) -> Option<T> {
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => match toml::from_str(&text) {
            Ok(value) => Some(value),
            Err(e) => {
                let span = e.span().map(|s| {
                    let line = text[..s.start].matches('\n').count() + 1;
                    format!("line {line}")
                });
                ctx.err(&file, span.unwrap_or_default(), e.message().to_owned());
                None
            }
        },
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            ctx.err(&file, "", format!("cannot read: {e}"));
            None
        }
    }
}

/// Loads and checks the spec in `root` (a folder with `api.toml`, `errors.toml`,
/// `products.toml` and `endpoints/*.toml`; all but the endpoints are optional).
pub fn load(root: &Path) -> Result<Ir, SpecErrors> {
    let mut ctx = Ctx { errors: Vec::new() };
    let api: spec::ApiFile = read(&mut ctx, &root.join("api.toml"), false).unwrap_or_default();
    let products: spec::ProductsFile = read(&mut ctx, &root.join("products.toml"), false).unwrap_or_default();
    let errors: BTreeMap<String, spec::ErrorDef> =
        read(&mut ctx, &root.join("errors.toml"), false).unwrap_or_default();

    let mut endpoint_files: Vec<PathBuf> = match std::fs::read_dir(root.join("endpoints")) {
        Ok(dir) => dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) => {
            ctx.err(&root.join("endpoints").display().to_string(), "", format!("cannot read: {e}"));
            Vec::new()
        }
    };
    endpoint_files.sort();

    let hosts = lower_hosts(&mut ctx, &root.join("api.toml").display().to_string(), &api);
    let positive = lower_outcome(&mut ctx, &root.join("api.toml").display().to_string(), &api);
    let pages = lower_pages(&mut ctx, &root.join("api.toml").display().to_string(), &api);
    let errors_file = root.join("errors.toml").display().to_string();
    check_error_catalogue(&mut ctx, &errors_file, &errors);
    for (id, e) in &errors {
        ctx.prose(&errors_file, format!("{id}.meaning"), &e.meaning);
    }

    let mut endpoints = Vec::new();
    for path in &endpoint_files {
        if let Some(def) = read::<spec::EndpointFile>(&mut ctx, path, true) {
            let file = path.display().to_string();
            check_prose(&mut ctx, &file, &def);
            endpoints.push(lower_endpoint(&mut ctx, &file, def, &hosts, &pages, &errors, &errors_file, positive));
        }
    }
    let mut seen = BTreeMap::new();
    for (i, e) in endpoints.iter().enumerate() {
        for key in [Some(e.id.to_ascii_lowercase()), e.name.as_ref().map(|n| n.to_ascii_lowercase())]
            .into_iter()
            .flatten()
        {
            if let Some(prev) = seen.insert(key.clone(), i) {
                let file = endpoint_files[i].display().to_string();
                let other = endpoint_files[prev].display().to_string();
                ctx.err(&file, "endpoint", format!("duplicate endpoint {key:?} (also in {other})"));
            }
        }
    }

    let products_file = root.join("products.toml").display().to_string();
    let catalogue = lower_catalogue(&mut ctx, &products_file, products, &endpoints);
    check_generated_names(&mut ctx, &endpoints, catalogue.as_ref(), &products_file);

    if ctx.errors.is_empty() {
        Ok(Ir { hosts, pages, catalogue, endpoints })
    } else {
        Err(SpecErrors(ctx.errors))
    }
}

/// `[outcome]`: what a positive `errorCode` means (an error, when the spec does not say).
fn lower_outcome(ctx: &mut Ctx, file: &str, api: &spec::ApiFile) -> ir::Positive {
    let Some(outcome) = &api.outcome else { return ir::Positive::Error };
    if outcome.description.trim().is_empty() {
        ctx.err(file, "outcome.description", "must say in words what the rule is");
    }
    match outcome.positive.as_str() {
        "success_with_fields" => ir::Positive::SuccessWithFields,
        "error" => ir::Positive::Error,
        other => {
            ctx.err(file, "outcome.positive", format!("{other:?} is not success_with_fields or error"));
            ir::Positive::Error
        }
    }
}

fn lower_hosts(ctx: &mut Ctx, file: &str, api: &spec::ApiFile) -> Vec<ir::Host> {
    api.hosts
        .iter()
        .map(|(key, h)| {
            if !h.url.starts_with("https://") || h.url.ends_with('/') {
                ctx.err(file, format!("hosts.{key}.url"), "must be https://host without a trailing slash");
            }
            let client_certificate = match h.login.as_deref() {
                None | Some("password") => false,
                Some("client_certificate") => true,
                Some(other) => {
                    ctx.err(file, format!("hosts.{key}.login"), format!("{other:?} is not password or client_certificate"));
                    false
                }
            };
            ir::Host {
                key: key.clone(),
                variant: upper_camel(key),
                url: h.url.clone(),
                client_certificate,
                source: h.source.clone(),
                description: h.description.clone(),
            }
        })
        .collect()
}

fn lower_pages(ctx: &mut Ctx, file: &str, api: &spec::ApiFile) -> Vec<ir::Page> {
    let mut ids = BTreeSet::new();
    api.page
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let key = format!("page[{i}]");
            if !ids.insert(p.id.clone()) {
                ctx.err(file, format!("{key}.id"), format!("duplicate page {:?}", p.id));
            }
            let host_url = p.host.as_ref().and_then(|h| match api.hosts.get(h) {
                Some(host) => Some(host.url.clone()),
                None => {
                    ctx.err(file, format!("{key}.host"), format!("unknown host {h:?}"));
                    None
                }
            });
            ir::Page {
                id: p.id.clone(),
                const_name: format!("PAGE_{}", p.id.to_ascii_uppercase()),
                title: p.title.clone(),
                host_url,
                path: p.path.clone(),
                query: p.query.clone(),
                source: p.source.clone(),
                description: p.description.clone(),
            }
        })
        .collect()
}

const NAMES: &[&str] = &["parameter", "order", "country", "date", "context"];

fn check_error_catalogue(ctx: &mut Ctx, file: &str, errors: &BTreeMap<String, spec::ErrorDef>) {
    for (key, e) in errors {
        if !is_ident(key) {
            ctx.err(file, key, "error keys must be snake_case identifiers");
        }
        if upper_camel(key) == "Unknown" {
            ctx.err(file, key, "the variant name Unknown is reserved for undocumented codes");
        }
        check_error_text(ctx, file, key, e.message.as_deref(), e.placeholder.as_deref());
        if e.retry.as_deref().is_some_and(|r| r != "backoff") {
            ctx.err(file, format!("{key}.retry"), "the only retry rule is \"backoff\"");
        }
        match (&e.message, e.free_text) {
            (None, false) => ctx.err(file, key, "needs a message (or free_text = true)"),
            (Some(_), true) => ctx.err(file, key, "free_text errors have no fixed message"),
            _ => {}
        }
        match (&e.placeholder, &e.names) {
            (Some(_), None) => ctx.err(file, format!("{key}.names"), "a placeholder needs `names`"),
            (None, Some(_)) => ctx.err(file, format!("{key}.names"), "`names` without a placeholder"),
            (_, Some(n)) if !NAMES.contains(&n.as_str()) => {
                ctx.err(file, format!("{key}.names"), format!("must be one of {}", NAMES.join(", ")))
            }
            _ => {}
        }
    }
}

fn check_error_text(ctx: &mut Ctx, file: &str, key: &str, message: Option<&str>, placeholder: Option<&str>) {
    if let (Some(m), Some(p)) = (message, placeholder)
        && !m.contains(p)
    {
        ctx.err(file, format!("{key}.placeholder"), format!("{p:?} does not occur in the message"));
    }
}

fn parse_ty(ctx: &mut Ctx, file: &str, key: &str, ty: &str) -> ir::Ty {
    match ty {
        "string" => ir::Ty::String,
        "char" => ir::Ty::Char,
        "integer" => ir::Ty::Integer,
        other => {
            ctx.err(file, key, format!("unknown type {other:?} (string, char or integer)"));
            ir::Ty::String
        }
    }
}

fn parse_len(ctx: &mut Ctx, file: &str, key: &str, len: Option<i64>) -> Option<u32> {
    let len = len?;
    match u32::try_from(len) {
        Ok(n) if n > 0 => Some(n),
        _ => {
            ctx.err(file, key, "max_length must be a positive whole number");
            None
        }
    }
}

fn lower_param(ctx: &mut Ctx, file: &str, key: &str, p: spec::ParamDef, item: bool) -> ir::Param {
    let ty = parse_ty(ctx, file, &format!("{key}.type"), &p.ty);
    let max_length = parse_len(ctx, file, &format!("{key}.max_length"), p.max_length);
    let requirement = match p.requirement.as_str() {
        "required" => ir::Requirement::Required,
        "optional" => ir::Requirement::Optional,
        "conditional" => ir::Requirement::Conditional,
        other => {
            ctx.err(file, format!("{key}.requirement"), format!("{other:?} is not required, optional or conditional"));
            ir::Requirement::Optional
        }
    };
    if !is_wire_name(&p.name) {
        ctx.err(file, format!("{key}.name"), format!("{:?} is not a valid parameter name", p.name));
    }
    if ty == ir::Ty::Integer && max_length.is_some() {
        ctx.err(file, format!("{key}.max_length"), "a length on an integer parameter: integers are limited by value, not length");
    }
    let mut values = BTreeSet::new();
    let mut variants = BTreeSet::new();
    for (j, a) in p.allowed.iter().enumerate() {
        let akey = format!("{key}.allowed[{j}]");
        if !values.insert(a.value.to_ascii_lowercase()) {
            ctx.err(file, format!("{akey}.value"), format!("duplicate allowed value {:?}", a.value));
        }
        if let Some(max) = max_length
            && a.value.chars().count() > max as usize
        {
            ctx.err(file, format!("{akey}.value"), format!("{:?} is longer than max_length {max}", a.value));
        }
        if ty == ir::Ty::Integer && a.value.parse::<i64>().is_err() {
            ctx.err(file, format!("{akey}.value"), format!("{:?} is not an integer", a.value));
        }
        if let Some(v) = &a.variant
            && (!is_type_name(v) || !variants.insert(v.clone()))
        {
            ctx.err(file, format!("{akey}.variant"), format!("{v:?} is not a unique UpperCamelCase name"));
        }
    }
    let is_flag = p.allowed.len() == 2
        && p.allowed.iter().any(|a| a.value == "Y")
        && p.allowed.iter().any(|a| a.value == "N");
    if !is_flag {
        for (j, a) in p.allowed.iter().enumerate() {
            if a.variant.is_none() {
                ctx.err(file, format!("{key}.allowed[{j}].variant"), "enumerated values need a variant name");
            }
        }
    }
    if let Some(d) = &p.default {
        if !p.allowed.is_empty() && !p.allowed.iter().any(|a| &a.value == d) {
            ctx.err(file, format!("{key}.default"), format!("{d:?} is not one of the allowed values"));
        }
        if ty == ir::Ty::Integer && d.parse::<i64>().is_err() {
            ctx.err(file, format!("{key}.default"), format!("{d:?} is not an integer"));
        }
        if let Some(max) = max_length
            && d.chars().count() > max as usize
        {
            ctx.err(file, format!("{key}.default"), format!("{d:?} is longer than max_length {max}"));
        }
    }
    if p.secret && ty != ir::Ty::String {
        ctx.err(file, format!("{key}.secret"), "only string parameters can be secret");
    }
    if let Some(c) = &p.credential
        && !matches!(c.as_str(), "login_name" | "login_password")
    {
        ctx.err(file, format!("{key}.credential"), format!("{c:?} is not login_name or login_password"));
    }
    if p.credential.as_deref() == Some("login_password") && !p.secret {
        ctx.err(file, format!("{key}.secret"), "the password parameter must be secret");
    }
    if let Some(f) = &p.format
        && (f != "iso3166_alpha2" || ty != ir::Ty::String)
    {
        ctx.err(file, format!("{key}.format"), format!("{f:?}: the only format is iso3166_alpha2, on strings"));
    }
    if p.product_dependent && !item {
        ctx.err(file, format!("{key}.product_dependent"), "only item parameters depend on the product");
    }
    for (j, alias) in p.aliases.iter().enumerate() {
        if !is_wire_name(alias) {
            ctx.err(file, format!("{key}.aliases[{j}]"), format!("{alias:?} is not a valid parameter name"));
        }
    }
    let field = p.rust_name.clone().unwrap_or_else(|| snake_case(&p.name));
    let value = if p.secret {
        ir::ValueKind::Secret
    } else if is_flag {
        ir::ValueKind::Flag
    } else if !p.allowed.is_empty() {
        ir::ValueKind::Enum { type_name: upper_camel(&field) }
    } else if ty == ir::Ty::Integer {
        ir::ValueKind::Integer
    } else {
        ir::ValueKind::Text
    };
    ir::Param {
        wire: p.name,
        field,
        aliases: p.aliases,
        ty,
        max_length,
        requirement,
        allowed: p
            .allowed
            .into_iter()
            .map(|a| ir::Allowed { value: a.value, variant: a.variant, meaning: a.meaning })
            .collect(),
        default: p.default,
        server_default: p.server_default,
        secret: p.secret,
        credential: p.credential,
        format: p.format,
        product_dependent: p.product_dependent,
        since: p.since,
        description: p.description,
        value,
    }
}

fn is_wire_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn is_type_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase()) && name.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn check_unique_names(ctx: &mut Ctx, file: &str, what: &str, params: &[ir::Param]) {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut fields = BTreeSet::new();
    for (i, p) in params.iter().enumerate() {
        for n in std::iter::once(&p.wire).chain(&p.aliases) {
            if let Some(prev) = names.insert(n.to_ascii_lowercase(), p.wire.clone()) {
                ctx.err(file, format!("{what}[{i}].name"), format!("{n:?} clashes with {prev:?} (names are case-insensitive)"));
            }
        }
        if !fields.insert(p.field.clone()) {
            ctx.err(file, format!("{what}[{i}].rust_name"), format!("Rust name {:?} is used twice", p.field));
        }
    }
}

/// One endpoint file, checked and lowered: the endpoint table, its parameters, errors, rules,
/// groups, items, answer format and fields, each by a function of its own.
#[allow(clippy::too_many_arguments)]
fn lower_endpoint(
    ctx: &mut Ctx,
    file: &str,
    def: spec::EndpointFile,
    hosts: &[ir::Host],
    pages: &[ir::Page],
    catalogue: &BTreeMap<String, spec::ErrorDef>,
    errors_file: &str,
    positive: ir::Positive,
) -> ir::Endpoint {
    let e = def.endpoint;
    let write = check_endpoint_table(ctx, file, &e, hosts, pages);
    let params: Vec<ir::Param> = def
        .param
        .into_iter()
        .enumerate()
        .map(|(i, p)| lower_param(ctx, file, &format!("param[{i}]"), p, false))
        .collect();
    check_unique_names(ctx, file, "param", &params);
    let errors = lower_errors(ctx, file, e.errors, &params, catalogue, errors_file);
    let rules = lower_rules(ctx, file, def.rule, &params);
    let groups = lower_groups(ctx, file, def.group, &params);
    let rust_type = upper_camel(&e.id);
    let items = lower_items(ctx, file, def.items, def.item_param, &rust_type);
    let r = def.response;
    let format = lower_format(ctx, file, &r, &params);
    let newline = !matches!(format, ir::Format::UrlEncoded { .. });
    let fields = lower_fields(ctx, file, def.field, newline, hosts);

    let title = e.title.clone().or_else(|| e.name.clone()).unwrap_or_default();
    ir::Endpoint {
        file: file.to_owned(),
        module: e.id.clone(),
        const_name: e.id.to_ascii_uppercase(),
        rust_type,
        id: e.id,
        name: e.name,
        title,
        path: e.path,
        path_unknown: e.path_unknown,
        hosts: e.hosts,
        methods: e.methods,
        write,
        response: ir::Response { format, success_code: r.success_code, success_message: r.success_message, positive },
        summary: e.summary,
        description: e.description,
        notes: e.notes,
        pages: e.pages,
        sources: e
            .source
            .into_iter()
            .map(|s| ir::Source { file: s.file, generation: s.generation, version: s.version, note: s.note })
            .collect(),
        history: e.history.into_iter().map(|h| (h.version, h.changes)).collect(),
        params,
        items,
        rules,
        groups,
        fields,
        errors,
    }
}


/// Whether a parameter of this name is in `params`.
fn has(params: &[ir::Param], name: &str) -> bool {
    params.iter().any(|p| p.wire == name)
}

/// Checks the `[endpoint]` table (id, path, title, hosts, pages, methods); returns whether it
/// changes state (`effect = "write"`).
fn check_endpoint_table(ctx: &mut Ctx, file: &str, e: &spec::EndpointDef, hosts: &[ir::Host], pages: &[ir::Page]) -> bool {
    if !is_ident(&e.id) {
        ctx.err(file, "endpoint.id", format!("{:?} must be a snake_case identifier", e.id));
    }
    match (&e.path, &e.path_unknown) {
        (None, None) => ctx.err(file, "endpoint.path", "give the path, or path_unknown saying why it is not known"),
        (Some(_), Some(_)) => ctx.err(file, "endpoint.path_unknown", "the path is known"),
        (Some(p), None) if !p.starts_with('/') => ctx.err(file, "endpoint.path", "must start with '/'"),
        _ => {}
    }
    if e.name.is_none() && e.title.is_none() {
        ctx.err(file, "endpoint.title", "an endpoint without a wire name needs a title");
    }
    for (i, h) in e.hosts.iter().enumerate() {
        if !hosts.iter().any(|x| &x.key == h) {
            ctx.err(file, format!("endpoint.hosts[{i}]"), format!("unknown host {h:?}"));
        }
    }
    for (i, p) in e.pages.iter().enumerate() {
        if !pages.iter().any(|x| &x.id == p) {
            ctx.err(file, format!("endpoint.pages[{i}]"), format!("unknown page {p:?}"));
        }
    }
    if e.methods.is_empty() || e.methods.iter().any(|m| m != "GET" && m != "POST") {
        ctx.err(file, "endpoint.methods", "list GET and/or POST");
    }
    if !e.methods.iter().any(|m| m == "POST") {
        ctx.err(file, "endpoint.methods", "the SDK always POSTs: the endpoint must accept POST");
    }
    match e.effect.as_str() {
        "read" => false,
        "write" => true,
        other => {
            ctx.err(file, "endpoint.effect", format!("{other:?} is not read or write"));
            true
        }
    }
}

/// The endpoint's error table: its own rows (ids of the catalogue, with overrides), then the
/// documents' general rows it lacks.
fn lower_errors(
    ctx: &mut Ctx,
    file: &str,
    refs: Vec<ErrorRef>,
    params: &[ir::Param],
    catalogue: &BTreeMap<String, spec::ErrorDef>,
    errors_file: &str,
) -> Vec<ir::ErrorRow> {
    let mut errors = Vec::new();
    let mut codes = BTreeSet::new();
    for (i, r) in refs.into_iter().enumerate() {
        let key = format!("endpoint.errors[{i}]");
        let (id, over) = match r {
            ErrorRef::Id(id) => (id, None),
            ErrorRef::Table(o) => (o.id.clone(), Some(o)),
        };
        let Some(base) = catalogue.get(&id) else {
            ctx.err(file, key, format!("unknown error {id:?} (not in {errors_file})"));
            continue;
        };
        if !codes.insert(base.code) {
            ctx.err(file, key.clone(), format!("code {} appears twice in the error table", base.code));
        }
        let message = over.as_ref().and_then(|o| o.message.clone()).or_else(|| base.message.clone());
        let placeholder = base.placeholder.clone().filter(|p| message.as_deref().is_some_and(|m| m.contains(p)));
        let applies_to = over.as_ref().map(|o| o.applies_to.clone()).unwrap_or_default();
        for (j, a) in applies_to.iter().enumerate() {
            if !has(params, a) {
                ctx.err(file, format!("{key}.applies_to[{j}]"), format!("unknown parameter {a:?}"));
            }
        }
        errors.push(ir::ErrorRow {
            code: base.code,
            variant: upper_camel(&id),
            id,
            alternatives: base.alternatives.clone(),
            names: placeholder.as_ref().and(base.names.clone()),
            placeholder,
            message,
            details_may_follow: base.details_may_follow,
            free_text: base.free_text,
            applies_to,
            since: over.as_ref().and_then(|o| o.since.clone()),
            general: false,
            retry_after_backoff: base.retry.is_some(),
            meaning: over.as_ref().and_then(|o| o.meaning.clone()).unwrap_or_else(|| base.meaning.clone()),
        });
    }
    // The documents' general list applies to every endpoint: rows its own table lacks join it.
    for (id, base) in catalogue.iter().filter(|(_, b)| b.general) {
        if codes.insert(base.code) {
            errors.push(ir::ErrorRow {
                code: base.code,
                variant: upper_camel(id),
                id: id.clone(),
                alternatives: base.alternatives.clone(),
                names: base.names.clone(),
                placeholder: base.placeholder.clone(),
                message: base.message.clone(),
                details_may_follow: base.details_may_follow,
                free_text: base.free_text,
                applies_to: Vec::new(),
                since: None,
                general: true,
                retry_after_backoff: base.retry.is_some(),
                meaning: base.meaning.clone(),
            });
        }
    }

    errors
}

/// The rules between parameters (`one_of`, `required_when`, `only_when`).
fn lower_rules(ctx: &mut Ctx, file: &str, defs: Vec<spec::RuleDef>, params: &[ir::Param]) -> Vec<ir::Rule> {
    let allowed_of = |name: &str| params.iter().find(|p| p.wire == name).map(|p| &p.allowed);
    let mut rules = Vec::new();
    for (i, r) in defs.into_iter().enumerate() {
        let key = format!("rule[{i}]");
        let check_ref = |ctx: &mut Ctx, k: String, name: &str| {
            if !has(params, name) {
                ctx.err(file, k, format!("unknown parameter {name:?}"));
            }
        };
        match r.kind.as_str() {
            "one_of" => {
                let sets = r.sets.unwrap_or_default();
                if sets.len() < 2 {
                    ctx.err(file, format!("{key}.sets"), "one_of needs at least two sets");
                }
                for (j, set) in sets.iter().enumerate() {
                    for (k, n) in set.iter().enumerate() {
                        check_ref(ctx, format!("{key}.sets[{j}][{k}]"), n);
                    }
                }
                rules.push(ir::Rule::OneOf { sets, description: r.description });
            }
            kind @ ("required_when" | "only_when") => {
                let (Some(param), Some(when)) = (r.param, r.when) else {
                    ctx.err(file, key, format!("{kind} needs `param` and `when`"));
                    continue;
                };
                check_ref(ctx, format!("{key}.param"), &param);
                check_ref(ctx, format!("{key}.when.param"), &when.param);
                if let Some(allowed) = allowed_of(&when.param).filter(|a| !a.is_empty()) {
                    for (j, v) in when.equals.iter().enumerate() {
                        if !allowed.iter().any(|a| &a.value == v) {
                            ctx.err(file, format!("{key}.when.equals[{j}]"), format!("{v:?} is not an allowed value of {}", when.param));
                        }
                    }
                }
                if when.equals.is_empty() {
                    ctx.err(file, format!("{key}.when.equals"), "list at least one value");
                }
                let (when, equals, description) = (when.param, when.equals, r.description);
                rules.push(if kind == "required_when" {
                    ir::Rule::RequiredWhen { param, when, equals, description }
                } else {
                    ir::Rule::OnlyWhen { param, when, equals, description }
                });
            }
            other => ctx.err(file, format!("{key}.kind"), format!("unknown rule kind {other:?} (one_of, required_when, only_when)")),
        }
    }

    rules
}

/// The contact groups: members, `required_if_any`, `defaults_to`.
fn lower_groups(ctx: &mut Ctx, file: &str, defs: Vec<spec::GroupDef>, params: &[ir::Param]) -> Vec<ir::Group> {
    let mut group_ids = BTreeSet::new();
    for (i, g) in defs.iter().enumerate() {
        if !group_ids.insert(g.id.clone()) {
            ctx.err(file, format!("group[{i}].id"), format!("duplicate group {:?}", g.id));
        }
    }
    defs.into_iter()
        .enumerate()
        .map(|(i, g)| {
            for (j, m) in g.members.iter().enumerate() {
                if !has(params, m) {
                    ctx.err(file, format!("group[{i}].members[{j}]"), format!("unknown parameter {m:?}"));
                }
            }
            for (j, m) in g.required_if_any.iter().enumerate() {
                if !g.members.contains(m) {
                    ctx.err(file, format!("group[{i}].required_if_any[{j}]"), format!("{m:?} is not a member of the group"));
                }
            }
            if let Some(d) = &g.defaults_to
                && !group_ids.contains(d)
            {
                ctx.err(file, format!("group[{i}].defaults_to"), format!("unknown group {d:?}"));
            }
            ir::Group {
                id: g.id,
                title: g.title,
                members: g.members,
                required_if_any: g.required_if_any,
                defaults_to: g.defaults_to,
            }
        })
        .collect()
}

/// The order items (`[items]` and `[[item_param]]`), if the endpoint has any.
fn lower_items(
    ctx: &mut Ctx,
    file: &str,
    def: Option<spec::ItemsDef>,
    item_params: Vec<spec::ParamDef>,
    rust_type: &str,
) -> Option<ir::Items> {
    match def {
        None => {
            if !item_params.is_empty() {
                ctx.err(file, "item_param", "item parameters need an [items] table");
            }
            None
        }
        Some(it) => {
            let item_params: Vec<ir::Param> = item_params
                .into_iter()
                .enumerate()
                .map(|(i, p)| lower_param(ctx, file, &format!("item_param[{i}]"), p, true))
                .collect();
            check_unique_names(ctx, file, "item_param", &item_params);
            for (j, set) in it.one_of.iter().enumerate() {
                for (k, n) in set.iter().enumerate() {
                    if !item_params.iter().any(|p| &p.wire == n) {
                        ctx.err(file, format!("items.one_of[{j}][{k}]"), format!("unknown item parameter {n:?}"));
                    }
                }
            }
            for (i, p) in item_params.iter().enumerate() {
                if p.credential.is_some() || p.secret {
                    ctx.err(file, format!("item_param[{i}]"), "item parameters cannot be credentials or secrets");
                }
            }
            Some(ir::Items {
                rust_type: format!("{rust_type}Item"),
                min: it.min,
                underscore_prefix: it.underscore_prefix,
                open: it.open,
                one_of: it.one_of,
                description: it.description,
                params: item_params,
            })
        }
    }
}

/// The answer's format: newline, URL-encoded (with the parameters that make it a redirect), or
/// selectable by a parameter.
fn lower_format(ctx: &mut Ctx, file: &str, r: &spec::ResponseDef, params: &[ir::Param]) -> ir::Format {
    let wire_format = |ctx: &mut Ctx, key: String, f: &str| match f {
        "newline" => ir::WireFormat::Newline,
        "url_encoded" => ir::WireFormat::UrlEncoded,
        other => {
            ctx.err(file, key, format!("unknown format {other:?} (newline or url_encoded)"));
            ir::WireFormat::UrlEncoded
        }
    };
    let format = match r.format.as_str() {
        "newline" => ir::Format::Newline,
        "url_encoded" => {
            for (j, p) in r.redirect_params.iter().enumerate() {
                if !has(params, p) {
                    ctx.err(file, format!("response.redirect_params[{j}]"), format!("unknown parameter {p:?}"));
                }
            }
            ir::Format::UrlEncoded { redirect_params: r.redirect_params.clone() }
        }
        "selectable" => {
            let selector = r.selector.clone().unwrap_or_default();
            let sel = params.iter().find(|p| p.wire == selector);
            match sel {
                None => {
                    ctx.err(file, "response.selector", format!("unknown parameter {selector:?}"));
                    ir::Format::Newline
                }
                Some(sel) => {
                    let formats: Vec<(String, ir::WireFormat)> = r
                        .formats
                        .iter()
                        .map(|(v, f)| (v.clone(), wire_format(ctx, format!("response.formats.{v}"), f)))
                        .collect();
                    let values: BTreeSet<&str> = sel.allowed.iter().map(|a| a.value.as_str()).collect();
                    let keys: BTreeSet<&str> = formats.iter().map(|(v, _)| v.as_str()).collect();
                    if values != keys {
                        ctx.err(file, "response.formats", format!("must map exactly the allowed values of {selector}"));
                    }
                    let default = sel
                        .default
                        .as_ref()
                        .and_then(|d| formats.iter().find(|(v, _)| v == d))
                        .map(|(_, f)| *f);
                    if default.is_none() {
                        ctx.err(file, "response.selector", format!("{selector} needs a default naming one of the formats"));
                    }
                    ir::Format::Selectable { selector, default: default.unwrap_or(ir::WireFormat::Newline), formats }
                }
            }
        }
        other => {
            ctx.err(file, "response.format", format!("unknown format {other:?} (newline, url_encoded, selectable)"));
            ir::Format::Newline
        }
    };
    if !matches!(format, ir::Format::Selectable { .. }) && (r.selector.is_some() || !r.formats.is_empty()) {
        ctx.err(file, "response.selector", "only selectable formats have a selector");
    }

    format
}

/// The answer's fields, with their lines in a newline-delimited answer.
fn lower_fields(ctx: &mut Ctx, file: &str, defs: Vec<spec::FieldDef>, newline: bool, hosts: &[ir::Host]) -> Vec<ir::Field> {
    let mut fields = Vec::new();
    let mut field_names = BTreeSet::new();
    let mut lines = BTreeSet::new();
    for (i, f) in defs.into_iter().enumerate() {
        let key = format!("field[{i}]");
        if !field_names.insert(f.name.to_ascii_lowercase()) {
            ctx.err(file, format!("{key}.name"), format!("duplicate field {:?}", f.name));
        }
        let ty = parse_ty(ctx, file, &format!("{key}.type"), &f.ty);
        let max_length = parse_len(ctx, file, &format!("{key}.max_length"), f.max_length);
        let when = match f.when.as_str() {
            "always" => ir::When::Always,
            "success" => ir::When::Success,
            "error" => ir::When::Error,
            other => {
                ctx.err(file, format!("{key}.when"), format!("{other:?} is not always, success or error"));
                ir::When::Always
            }
        };
        match f.line {
            Some(line) => {
                let classes: &[&str] = match when {
                    ir::When::Always => &["success", "error"],
                    ir::When::Success => &["success"],
                    ir::When::Error => &["error"],
                };
                for c in classes {
                    if !lines.insert((line, *c)) {
                        ctx.err(file, format!("{key}.line"), format!("line {line} is named twice"));
                    }
                }
                if line == 0 || (f.name == "errorCode") != (line == 1) {
                    ctx.err(file, format!("{key}.line"), "line 1 is errorCode, other fields start at line 2");
                }
            }
            None if newline => ctx.err(file, format!("{key}.line"), "newline-delimited answers need a line for every field"),
            None => {}
        }
        if f.line.is_some() && !newline {
            ctx.err(file, format!("{key}.line"), "URL-encoded answers have no lines");
        }
        for (j, g) in f.generations.iter().enumerate() {
            if !hosts.iter().any(|h| &h.key == g) {
                ctx.err(file, format!("{key}.generations[{j}]"), format!("unknown generation {g:?}"));
            }
        }
        fields.push(ir::Field {
            field: snake_case(&f.name),
            name: f.name,
            ty,
            max_length,
            line: f.line,
            when,
            optional: f.optional,
            generations: f.generations,
            since: f.since,
            secret: f.secret,
            description: f.description,
        });
    }
    if !fields.iter().any(|f| f.name == "errorCode") {
        ctx.err(file, "field", "every answer has an errorCode field");
    }

    fields
}

/// Methods the generated request, item and answer types have besides their parameters.
const REQUEST_METHODS: &[&str] = &["new", "item", "items", "to_params", "prepare", "send"];
const ITEM_METHODS: &[&str] = &["new", "extra", "push_params", "product"];
const RESPONSE_MEMBERS: &[&str] = &["response", "from_response"];

/// Generated names must not collide: types are re-exported side by side at the crate root, and
/// parameters become methods next to the generated ones.
fn check_generated_names(ctx: &mut Ctx, endpoints: &[ir::Endpoint], catalogue: Option<&ir::Catalogue>, products_file: &str) {
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut claim = |ctx: &mut Ctx, name: String, file: &str, key: &str| {
        if let Some(prev) = types.insert(name.clone(), format!("{file}: {key}")) {
            ctx.err(file, key, format!("generated type name {name} is also made by {prev}"));
        }
    };
    for fixed in ["Host", "Term", "NotOffered"] {
        claim(ctx, fixed.to_owned(), "(generator)", "built-in type");
    }
    if let Some(c) = catalogue {
        claim(ctx, c.type_name.clone(), products_file, "catalogue.type");
    }
    for e in endpoints {
        claim(ctx, e.rust_type.clone(), &e.file, "endpoint.id");
        claim(ctx, format!("{}Response", e.rust_type), &e.file, "endpoint.id");
        claim(ctx, format!("{}Error", e.rust_type), &e.file, "endpoint.id");
        if let Some(it) = &e.items {
            claim(ctx, it.rust_type.clone(), &e.file, "items");
        }
        let params = e.params.iter().map(|p| ("param", p)).chain(e.items.iter().flat_map(|it| it.params.iter().map(|p| ("item_param", p))));
        for (i, (what, p)) in params.enumerate() {
            if let ir::ValueKind::Enum { type_name } = &p.value {
                claim(ctx, type_name.clone(), &e.file, &format!("{what} {:?}", p.wire));
            }
            let reserved = if what == "param" { REQUEST_METHODS } else { ITEM_METHODS };
            if reserved.contains(&p.field.as_str()) {
                ctx.err(&e.file, format!("{what} {:?}", p.wire), format!("its Rust name {:?} is a generated method (#{i}); set rust_name", p.field));
            }
        }
        for f in &e.fields {
            if RESPONSE_MEMBERS.contains(&f.field.as_str()) {
                ctx.err(&e.file, format!("field {:?}", f.name), format!("its Rust name {:?} is a generated member", f.field));
            }
        }
    }
}

fn lower_catalogue(
    ctx: &mut Ctx,
    file: &str,
    products: spec::ProductsFile,
    endpoints: &[ir::Endpoint],
) -> Option<ir::Catalogue> {
    let Some(cat) = products.catalogue else {
        if !products.product.is_empty() || !products.term.is_empty() {
            ctx.err(file, "catalogue", "products need a [catalogue] table");
        }
        return None;
    };
    if !is_type_name(&cat.type_name) {
        ctx.err(file, "catalogue.type", format!("{:?} is not an UpperCamelCase name", cat.type_name));
    }
    match endpoints.iter().find(|e| e.id == cat.endpoint) {
        None => ctx.err(file, "catalogue.endpoint", format!("unknown endpoint {:?}", cat.endpoint)),
        Some(e) => {
            let ok = e.items.as_ref().is_some_and(|it| {
                it.params.iter().any(|p| p.wire == cat.item_param && p.value == ir::ValueKind::Integer)
            });
            if !ok {
                ctx.err(file, "catalogue.item_param", format!("{} has no plain integer item parameter {:?} (no allowed values)", e.id, cat.item_param));
            }
            for (i, p) in products.product.iter().enumerate() {
                for (j, r) in p.requires.iter().enumerate() {
                    if !e.params.iter().any(|x| &x.wire == r) {
                        ctx.err(file, format!("product[{i}].requires[{j}]"), format!("unknown parameter {r:?} of {}", e.id));
                    }
                }
            }
        }
    }
    let mut term_ids = BTreeSet::new();
    let terms: Vec<ir::Term> = products
        .term
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            if !term_ids.insert(t.id.clone()) || !is_ident(&t.id) {
                ctx.err(file, format!("term[{i}].id"), format!("{:?} must be a unique snake_case identifier", t.id));
            }
            if t.days.is_some() == t.years.is_some() {
                ctx.err(file, format!("term[{i}]"), "give days or years");
            }
            ir::Term { variant: upper_camel(&t.id), id: t.id, label: t.label, days: t.days, years: t.years }
        })
        .collect();
    let mut codes: BTreeMap<i64, String> = BTreeMap::new();
    let mut ids = BTreeSet::new();
    let products = products
        .product
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            if !ids.insert(p.id.clone()) || !is_ident(&p.id) {
                ctx.err(file, format!("product[{i}].id"), format!("{:?} must be a unique snake_case identifier", p.id));
            }
            let mut ppp = Vec::new();
            for (term, code) in &p.ppp {
                match terms.iter().position(|t| &t.id == term) {
                    None => ctx.err(file, format!("product[{i}].ppp.{term}"), format!("unknown term {term:?}")),
                    Some(t) => ppp.push((t, *code)),
                }
                if let Some(prev) = codes.insert(*code, p.id.clone()) {
                    ctx.err(file, format!("product[{i}].ppp.{term}"), format!("PPP {code} is also used by {prev}"));
                }
            }
            if ppp.is_empty() {
                ctx.err(file, format!("product[{i}].ppp"), "a product needs at least one term");
            }
            ppp.sort();
            ir::Product { variant: upper_camel(&p.id), id: p.id, name: p.name, requires: p.requires, ppp }
        })
        .collect();
    Some(ir::Catalogue {
        type_name: cat.type_name,
        endpoint: cat.endpoint,
        item_param: cat.item_param,
        description: cat.description,
        terms,
        products,
    })
}
