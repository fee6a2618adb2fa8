//! `cargo xtask spec --json`: the checked spec, as JSON for tools (and for the import-doc
//! round trips, which compare it).

use std::path::Path;

use serde_json::{Value, json};

use crate::codegen::ir::{self, Ir};

fn param(p: &ir::Param, wire: String) -> Value {
    json!({
        "name": wire,
        "rust_name": p.field,
        "type": p.ty.as_str(),
        "max_length": p.max_length,
        "requirement": p.requirement.as_str(),
        "allowed": p.allowed.iter().map(|a| json!({"value": a.value, "meaning": a.meaning, "variant": a.variant})).collect::<Vec<_>>(),
        "default": p.default,
        "server_default": p.server_default,
        "aliases": p.aliases,
        "secret": p.secret,
        "credential": p.credential,
        "format": p.format,
        "product_dependent": p.product_dependent,
        "since": p.since,
        "description": p.description,
    })
}

pub fn spec_json(ir: &Ir) -> Value {
    let endpoints: Vec<Value> = ir
        .endpoints
        .iter()
        .map(|e| {
            let format = match &e.response.format {
                ir::Format::Newline => json!({"kind": "newline"}),
                ir::Format::UrlEncoded { redirect_params } => {
                    json!({"kind": "url_encoded", "redirect_params": redirect_params})
                }
                ir::Format::Selectable { selector, default, formats } => json!({
                    "kind": "selectable",
                    "selector": selector,
                    "default": default.as_str(),
                    "formats": formats.iter().map(|(v, f)| json!({"value": v, "format": f.as_str()})).collect::<Vec<_>>(),
                }),
            };
            let rules: Vec<Value> = e
                .rules
                .iter()
                .map(|r| match r {
                    ir::Rule::OneOf { sets, description } => json!({"kind": "one_of", "sets": sets, "description": description}),
                    ir::Rule::RequiredWhen { param, when, equals, description } => json!({"kind": "required_when", "param": param, "when": {"param": when, "equals": equals}, "description": description}),
                    ir::Rule::OnlyWhen { param, when, equals, description } => json!({"kind": "only_when", "param": param, "when": {"param": when, "equals": equals}, "description": description}),
                })
                .collect();
            json!({
                "id": e.id,
                "name": e.name,
                "title": e.title,
                "path": e.path,
                "path_unknown": e.path_unknown,
                "hosts": e.hosts,
                "methods": e.methods,
                "effect": if e.write { "write" } else { "read" },
                "summary": e.summary,
                "description": e.description,
                "notes": e.notes,
                "pages": e.pages,
                "sources": e.sources.iter().map(|s| json!({"file": s.file, "generation": s.generation, "version": s.version, "note": s.note})).collect::<Vec<_>>(),
                "history": e.history.iter().map(|(v, c)| json!({"version": v, "changes": c})).collect::<Vec<_>>(),
                "partial": e.partial,
                "response_format": format,
                "success_code": e.response.success_code,
                "positive_codes": match e.response.positive {
                    crate::codegen::ir::Positive::Error => "error",
                    crate::codegen::ir::Positive::SuccessWithFields => "success_with_fields",
                },
                "success_message": e.response.success_message,
                "params": e.params.iter().map(|p| param(p, p.wire.clone())).collect::<Vec<_>>(),
                "items": e.items.as_ref().map(|it| json!({
                    "min": it.min,
                    "underscore_prefix": it.underscore_prefix,
                    "open": it.open,
                    "one_of": it.one_of,
                    "description": it.description,
                    "params": it.params.iter().map(|p| param(p, format!("x_{}", p.wire))).collect::<Vec<_>>(),
                })),
                "rules": rules,
                "groups": e.groups.iter().map(|g| json!({"id": g.id, "title": g.title, "members": g.members, "required_if_any": g.required_if_any, "defaults_to": g.defaults_to})).collect::<Vec<_>>(),
                "response_fields": e.fields.iter().map(|f| json!({
                    "name": f.name, "type": f.ty.as_str(), "max_length": f.max_length, "line": f.line,
                    "when": f.when.as_str(), "optional": f.optional, "generations": f.generations,
                    "since": f.since, "secret": f.secret, "description": f.description,
                })).collect::<Vec<_>>(),
                "errors": e.errors.iter().map(|r| json!({
                    "code": r.code, "id": r.id, "message": r.message, "alternatives": r.alternatives,
                    "placeholder": r.placeholder, "names": r.names, "details_may_follow": r.details_may_follow,
                    "free_text": r.free_text, "applies_to": r.applies_to, "since": r.since,
                    "general": r.general, "retry_after_backoff": r.retry_after_backoff, "meaning": r.meaning,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let products: Vec<Value> = ir
        .catalogue
        .iter()
        .flat_map(|c| {
            c.products.iter().flat_map(move |p| {
                p.ppp.iter().map(move |(t, code)| {
                    json!({"name": p.name, "id": p.id, "term": c.terms[*t].label, "ppp": code, "requires": p.requires})
                })
            })
        })
        .collect();
    json!({
        "hosts": ir.hosts.iter().map(|h| json!({
            "key": h.key,
            "url": h.url,
            "login": if h.client_certificate { "client_certificate" } else { "password" },
            "source": h.source,
            "description": h.description,
        })).collect::<Vec<_>>(),
        "pages": ir.pages.iter().map(|p| json!({"id": p.id, "title": p.title, "host_url": p.host_url, "path": p.path, "query": p.query, "description": p.description})).collect::<Vec<_>>(),
        "endpoints": endpoints,
        "products": products,
    })
}

/// The command: prints [`spec_json`] of `spec/`.
pub fn command(root: &Path, args: &[&str]) -> Result<(), String> {
    if args != ["--json"] {
        return Err(format!("spec takes --json (got {args:?})"));
    }
    let ir = super::loader::load(&root.join("spec")).map_err(|e| format!("spec/ has errors:\n{e}"))?;
    let text = serde_json::to_string_pretty(&spec_json(&ir)).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}
