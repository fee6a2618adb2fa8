//! One endpoint file: its `[endpoint]` table checked, then each section lowered by its module.

use std::collections::BTreeMap;

use super::Ctx;
use super::errors::lower_errors;
use super::params::{check_unique_names, lower_param};
use super::response::{lower_fields, lower_format};
use super::rules::{lower_groups, lower_items, lower_rules};
use crate::codegen::ir;
use crate::codegen::naming::{is_ident, upper_camel};
use crate::codegen::spec;

/// One endpoint file, checked and lowered: the endpoint table, its parameters, errors, rules,
/// groups, items, answer format and fields, each by a function of its own.
#[allow(clippy::too_many_arguments)]
pub(super) fn lower_endpoint(
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
        partial: e.partial,
        params,
        items,
        rules,
        groups,
        fields,
        errors,
    }
}

/// Whether a parameter of this name is in `params`.
pub(super) fn has(params: &[ir::Param], name: &str) -> bool {
    params.iter().any(|p| p.wire == name)
}

/// Checks the `[endpoint]` table (id, path, title, hosts, pages, methods); returns whether it
/// changes state (`effect = "write"`).
pub(super) fn check_endpoint_table(
    ctx: &mut Ctx,
    file: &str,
    e: &spec::EndpointDef,
    hosts: &[ir::Host],
    pages: &[ir::Page],
) -> bool {
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
    for (i, part) in e.partial.iter().enumerate() {
        if !["request", "answer", "errors"].contains(&part.as_str()) {
            ctx.err(file, format!("endpoint.partial[{i}]"), format!("{part:?} is none of request, answer, errors"));
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
