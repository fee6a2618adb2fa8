//! `client.toml`: the client's surface that is the SDK's own (the classes of API errors), and
//! the catalogue's codes as named constants, checked against `errors.toml`.

use std::collections::{BTreeMap, BTreeSet};

use super::Ctx;
use crate::codegen::ir;
use crate::codegen::naming::upper_camel;
use crate::codegen::spec;

/// Every error code of errors.toml, as a constant, in code order (-1, -2, ...).
pub(super) fn lower_codes(errors: &BTreeMap<String, spec::ErrorDef>) -> Vec<ir::Code> {
    let mut codes: Vec<ir::Code> = errors
        .iter()
        .map(|(id, e)| ir::Code { id: id.clone(), variant: upper_camel(id), code: e.code, meaning: e.meaning.clone() })
        .collect();
    codes.sort_by_key(|c| std::cmp::Reverse(c.code));
    codes
}

pub(super) fn lower_error_classes(
    ctx: &mut Ctx,
    file: &str,
    def: spec::ClientFile,
    errors: &BTreeMap<String, spec::ErrorDef>,
) -> Vec<ir::ErrorClass> {
    let mut names = BTreeSet::new();
    let mut classed: BTreeMap<&str, String> = BTreeMap::new();
    let mut by_code: BTreeMap<i64, String> = BTreeMap::new();
    let mut classes = Vec::new();
    for (i, class) in def.api_error.iter().enumerate() {
        let key = format!("api_error[{i}]");
        if upper_camel(&class.name) != class.name || class.name.is_empty() {
            ctx.err(file, format!("{key}.name"), format!("{:?} must be UpperCamelCase", class.name));
        }
        if !names.insert(class.name.clone()) {
            ctx.err(file, format!("{key}.name"), format!("{:?} is named twice", class.name));
        }
        ctx.prose(file, format!("{key}.description"), &class.description);
        if class.errors.is_empty() {
            ctx.err(file, format!("{key}.errors"), "names no error");
        }
        let mut codes = Vec::new();
        for id in &class.errors {
            match errors.get(id) {
                None => ctx.err(file, format!("{key}.errors"), format!("{id:?} is not a key of errors.toml")),
                Some(e) => {
                    if let Some(other) = classed.insert(id, class.name.clone()) {
                        ctx.err(file, format!("{key}.errors"), format!("{id:?} is already in {other}"));
                    }
                    if let Some(other) = by_code.insert(e.code, class.name.clone())
                        && other != class.name
                    {
                        ctx.err(file, format!("{key}.errors"), format!("code {} is already in {other}", e.code));
                    }
                    codes.push(e.code);
                }
            }
        }
        classes.push(ir::ErrorClass { name: class.name.clone(), codes, description: class.description.clone() });
    }
    classes
}

/// Marks the parameters that carry an order number (client.toml's `[order_number]`).
pub(super) fn mark_order_numbers(ctx: &mut Ctx, file: &str, def: &spec::ClientFile, endpoints: &mut [ir::Endpoint]) {
    let Some(order_number) = &def.order_number else { return };
    for name in &order_number.names {
        let mut found = false;
        for e in endpoints.iter_mut() {
            let items = e.items.as_mut().map(|i| i.params.iter_mut()).into_iter().flatten();
            for p in e.params.iter_mut().chain(items).filter(|p| &p.wire == name) {
                found = true;
                match (&p.value, p.ty) {
                    (ir::ValueKind::Text | ir::ValueKind::Integer, ir::Ty::String | ir::Ty::Integer) => {
                        p.value = ir::ValueKind::OrderNumber;
                    }
                    _ => ctx.err(
                        file,
                        "order_number.names",
                        format!("{name:?} of {} is not a plain string or integer parameter", e.file),
                    ),
                }
            }
            found |= e.fields.iter().any(|f| &f.name == name);
        }
        if !found {
            ctx.err(file, "order_number.names", format!("{name:?} is no parameter or field of any endpoint"));
        }
    }
}

/// The types a setting may have.
const SETTING_TYPES: &[&str] = &["text", "secret", "path", "choice", "flag", "duration", "count", "map"];

/// The settings of client.toml, each checked: a known type, its prose, on each surface a name
/// or the reason it has none (never both), names unique on each surface.
pub(super) fn lower_settings(ctx: &mut Ctx, file: &str, def: &spec::ClientFile) -> Vec<ir::Setting> {
    let mut seen: BTreeMap<(&str, String), usize> = BTreeMap::new();
    let mut settings = Vec::new();
    for (i, s) in def.setting.iter().enumerate() {
        let key = format!("setting[{i}] ({})", s.name);
        if !SETTING_TYPES.contains(&s.ty.as_str()) {
            ctx.err(file, format!("{key}.type"), format!("must be one of {}", SETTING_TYPES.join(", ")));
        }
        ctx.prose(file, format!("{key}.meaning"), &s.meaning);
        for (surface, name, why) in
            [("python", &s.python, &s.python_why), ("cli", &s.cli, &s.cli_why), ("rust", &s.rust, &s.rust_why)]
        {
            match (name, why) {
                (Some(_), Some(_)) => {
                    ctx.err(file, format!("{key}.{surface}"), "has both a name and a reason for none")
                }
                (None, None) => ctx.err(file, format!("{key}.{surface}"), format!("needs a name or {surface}_why")),
                (None, Some(why)) => ctx.prose(file, format!("{key}.{surface}_why"), why),
                (Some(_), None) => {}
            }
        }
        if let Some(env) = &s.env
            && (!env.starts_with("SECTIGO_") || s.cli.is_none())
        {
            ctx.err(file, format!("{key}.env"), "a variable is SECTIGO_..., and goes with a flag (cli)");
        }
        // The retry settings share the builder's retry_policy; every other name is one setting's.
        for (surface, name) in
            [("c", Some(&s.name)), ("python", s.python.as_ref()), ("cli", s.cli.as_ref()), ("env", s.env.as_ref())]
        {
            if let Some(name) = name
                && let Some(other) = seen.insert((surface, name.clone()), i)
            {
                ctx.err(file, key.clone(), format!("its {surface} name {name:?} is also setting[{other}]'s"));
            }
        }
        settings.push(ir::Setting {
            name: s.name.clone(),
            ty: s.ty.clone(),
            repeatable: s.repeatable,
            value: s.value.clone(),
            default: s.default.clone(),
            meaning: s.meaning.clone(),
            secret: s.ty == "secret",
            python: s.python.clone(),
            cli: s.cli.clone(),
            env: s.env.clone(),
            rust: s.rust.clone(),
        });
    }
    settings
}
