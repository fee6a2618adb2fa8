//! `errors.toml` (the catalogue of error rows, checked) and each endpoint's error table,
//! lowered from it.

use std::collections::{BTreeMap, BTreeSet};

use super::Ctx;
use super::endpoint::has;
use crate::codegen::ir;
use crate::codegen::naming::{is_ident, upper_camel};
use crate::codegen::spec::{self, ErrorRef};

pub(super) const NAMES: &[&str] = &["parameter", "order", "country", "date", "context"];

pub(super) fn check_error_catalogue(ctx: &mut Ctx, file: &str, errors: &BTreeMap<String, spec::ErrorDef>) {
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

pub(super) fn check_error_text(ctx: &mut Ctx, file: &str, key: &str, message: Option<&str>, placeholder: Option<&str>) {
    if let (Some(m), Some(p)) = (message, placeholder)
        && !m.contains(p)
    {
        ctx.err(file, format!("{key}.placeholder"), format!("{p:?} does not occur in the message"));
    }
}

/// The endpoint's error table: its own rows (ids of the catalogue, with overrides), then the
/// documents' general rows it lacks.
pub(super) fn lower_errors(
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
