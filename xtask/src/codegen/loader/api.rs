//! `api.toml`: the hosts, the customer's pages, and what a positive `errorCode` means.

use std::collections::BTreeSet;

use super::Ctx;
use crate::codegen::ir;
use crate::codegen::naming::upper_camel;
use crate::codegen::spec;

/// `[outcome]`: what a positive `errorCode` means (an error, when the spec does not say).
pub(super) fn lower_outcome(ctx: &mut Ctx, file: &str, api: &spec::ApiFile) -> ir::Positive {
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

pub(super) fn lower_hosts(ctx: &mut Ctx, file: &str, api: &spec::ApiFile) -> Vec<ir::Host> {
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
                    ctx.err(
                        file,
                        format!("hosts.{key}.login"),
                        format!("{other:?} is not password or client_certificate"),
                    );
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

pub(super) fn lower_pages(ctx: &mut Ctx, file: &str, api: &spec::ApiFile) -> Vec<ir::Page> {
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
