//! The spec loader: reads `spec/`, checks it, and lowers it to the IR (the generator's load → check
//! → lower stages; `cargo xtask check` runs them alone). Every problem is reported with the file and
//! the key it concerns, and all problems are reported at once.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

mod api;
mod catalogue;
mod client;
mod endpoint;
mod errors;
mod names;
mod params;
mod response;
mod rules;

use crate::codegen::ir::Ir;
use crate::codegen::spec;
use api::{lower_hosts, lower_outcome, lower_pages};
use catalogue::lower_catalogue;
use endpoint::lower_endpoint;
use errors::check_error_catalogue;
use names::check_generated_names;

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
            self.err(file, key, "is empty: describe it in your own words (import-doc adds facts, never prose)");
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
/// `products.toml`, `client.toml` and `endpoints/*.toml`; all but the endpoints are optional).
pub fn load(root: &Path) -> Result<Ir, SpecErrors> {
    let mut ctx = Ctx { errors: Vec::new() };
    let api: spec::ApiFile = read(&mut ctx, &root.join("api.toml"), false).unwrap_or_default();
    let products: spec::ProductsFile = read(&mut ctx, &root.join("products.toml"), false).unwrap_or_default();
    let errors: BTreeMap<String, spec::ErrorDef> = read(&mut ctx, &root.join("errors.toml"), false).unwrap_or_default();
    let client: spec::ClientFile = read(&mut ctx, &root.join("client.toml"), false).unwrap_or_default();

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
        for key in
            [Some(e.id.to_ascii_lowercase()), e.name.as_ref().map(|n| n.to_ascii_lowercase())].into_iter().flatten()
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
    let codes = client::lower_codes(&errors);
    // What any endpoint may answer: the table of a call to a path outside the spec.
    let general_errors = errors::lower_errors(&mut ctx, &errors_file, Vec::new(), &[], &errors, &errors_file);
    let client_file = root.join("client.toml").display().to_string();
    client::mark_order_numbers(&mut ctx, &client_file, &client, &mut endpoints);
    let settings = client::lower_settings(&mut ctx, &client_file, &client);
    let error_kinds = client::lower_error_kinds(&mut ctx, &client_file, &client);
    let error_classes = client::lower_error_classes(&mut ctx, &client_file, client, &errors);

    if ctx.errors.is_empty() {
        Ok(Ir { hosts, pages, catalogue, endpoints, codes, general_errors, error_classes, settings, error_kinds })
    } else {
        Err(SpecErrors(ctx.errors))
    }
}
