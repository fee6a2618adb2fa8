//! One parameter (`[[param]]`, `[[item_param]]`): its type, length, requirement, allowed values,
//! default, marks (secret, credential, format) and the kind of value the generated code takes.

use std::collections::{BTreeMap, BTreeSet};

use super::Ctx;
use crate::codegen::ir;
use crate::codegen::naming::{snake_case, upper_camel};
use crate::codegen::spec;

pub(super) fn parse_ty(ctx: &mut Ctx, file: &str, key: &str, ty: &str) -> ir::Ty {
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

pub(super) fn parse_len(ctx: &mut Ctx, file: &str, key: &str, len: Option<i64>) -> Option<u32> {
    let len = len?;
    match u32::try_from(len) {
        Ok(n) if n > 0 => Some(n),
        _ => {
            ctx.err(file, key, "max_length must be a positive whole number");
            None
        }
    }
}

/// One parameter, checked and lowered: each group of checks by a function of its own, then the
/// kind of value the generated code takes for it.
pub(super) fn lower_param(ctx: &mut Ctx, file: &str, key: &str, p: spec::ParamDef, item: bool) -> ir::Param {
    let ty = parse_ty(ctx, file, &format!("{key}.type"), &p.ty);
    let max_length = parse_len(ctx, file, &format!("{key}.max_length"), p.max_length);
    let requirement = parse_requirement(ctx, file, key, &p.requirement);
    if !is_wire_name(&p.name) {
        ctx.err(file, format!("{key}.name"), format!("{:?} is not a valid parameter name", p.name));
    }
    if ty == ir::Ty::Integer && max_length.is_some() {
        ctx.err(
            file,
            format!("{key}.max_length"),
            "a length on an integer parameter: integers are limited by value, not length",
        );
    }
    let is_flag = check_allowed(ctx, file, key, &p, ty, max_length);
    check_default(ctx, file, key, &p, ty, max_length);
    check_marks(ctx, file, key, &p, ty, item);
    for (j, alias) in p.aliases.iter().enumerate() {
        if !is_wire_name(alias) {
            ctx.err(file, format!("{key}.aliases[{j}]"), format!("{alias:?} is not a valid parameter name"));
        }
    }
    let field = p.rust_name.clone().unwrap_or_else(|| snake_case(&p.name));
    let value = value_kind(&p, ty, is_flag, &field);
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

fn parse_requirement(ctx: &mut Ctx, file: &str, key: &str, requirement: &str) -> ir::Requirement {
    match requirement {
        "required" => ir::Requirement::Required,
        "optional" => ir::Requirement::Optional,
        "conditional" => ir::Requirement::Conditional,
        other => {
            ctx.err(file, format!("{key}.requirement"), format!("{other:?} is not required, optional or conditional"));
            ir::Requirement::Optional
        }
    }
}

/// The allowed values: unique (case-insensitively), within the length, integers for an integer
/// parameter, each with a unique variant name unless the parameter is a Y/N flag. Returns
/// whether it is one.
fn check_allowed(
    ctx: &mut Ctx,
    file: &str,
    key: &str,
    p: &spec::ParamDef,
    ty: ir::Ty,
    max_length: Option<u32>,
) -> bool {
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
    let is_flag =
        p.allowed.len() == 2 && p.allowed.iter().any(|a| a.value == "Y") && p.allowed.iter().any(|a| a.value == "N");
    if !is_flag {
        for (j, a) in p.allowed.iter().enumerate() {
            if a.variant.is_none() {
                ctx.err(file, format!("{key}.allowed[{j}].variant"), "enumerated values need a variant name");
            }
        }
    }
    is_flag
}

/// The default: one of the allowed values, an integer for an integer parameter, within the
/// length.
fn check_default(ctx: &mut Ctx, file: &str, key: &str, p: &spec::ParamDef, ty: ir::Ty, max_length: Option<u32>) {
    let Some(d) = &p.default else { return };
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

/// The marks: `secret` (strings only; the password must be one), `credential`, `format` and
/// `product_dependent` (item parameters only).
fn check_marks(ctx: &mut Ctx, file: &str, key: &str, p: &spec::ParamDef, ty: ir::Ty, item: bool) {
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
}

/// What the generated setter takes: a secret, a Y/N flag as `bool`, an enum of the allowed
/// values, an integer or text.
fn value_kind(p: &spec::ParamDef, ty: ir::Ty, is_flag: bool, field: &str) -> ir::ValueKind {
    if p.secret {
        ir::ValueKind::Secret
    } else if is_flag {
        ir::ValueKind::Flag
    } else if !p.allowed.is_empty() {
        ir::ValueKind::Enum { type_name: upper_camel(field) }
    } else if ty == ir::Ty::Integer {
        ir::ValueKind::Integer
    } else {
        ir::ValueKind::Text
    }
}

pub(super) fn is_wire_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

pub(super) fn is_type_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase()) && name.bytes().all(|b| b.is_ascii_alphanumeric())
}

pub(super) fn check_unique_names(ctx: &mut Ctx, file: &str, what: &str, params: &[ir::Param]) {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut fields = BTreeSet::new();
    for (i, p) in params.iter().enumerate() {
        for n in std::iter::once(&p.wire).chain(&p.aliases) {
            if let Some(prev) = names.insert(n.to_ascii_lowercase(), p.wire.clone()) {
                ctx.err(
                    file,
                    format!("{what}[{i}].name"),
                    format!("{n:?} clashes with {prev:?} (names are case-insensitive)"),
                );
            }
        }
        if !fields.insert(p.field.clone()) {
            ctx.err(file, format!("{what}[{i}].rust_name"), format!("Rust name {:?} is used twice", p.field));
        }
    }
}
