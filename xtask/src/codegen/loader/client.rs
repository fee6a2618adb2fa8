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
        let php = s.php.clone().unwrap_or_else(|| s.name.clone());
        if s.php.is_some() && s.ty != "map" {
            ctx.err(file, format!("{key}.php"), "only a map's PHP name differs from its C name");
        }
        for (surface, name) in [
            ("c", Some(&s.name)),
            ("php", Some(&php)),
            ("python", s.python.as_ref()),
            ("cli", s.cli.as_ref()),
            ("env", s.env.as_ref()),
        ] {
            if let Some(name) = name
                && let Some(other) = seen.insert((surface, name.clone()), i)
            {
                ctx.err(file, key.clone(), format!("its {surface} name {name:?} is also setting[{other}]'s"));
            }
        }
        if (s.ty == "choice") == s.choices.is_empty() {
            ctx.err(file, format!("{key}.choices"), "a choice lists its values, and only a choice has any");
        }
        for choice in &s.choices {
            if !s.value.contains(&format!("`{choice}`")) {
                ctx.err(file, format!("{key}.choices"), format!("{choice:?} is not in value (as `{choice}`)"));
            }
        }
        if s.min.is_some() && !["duration", "count"].contains(&s.ty.as_str()) {
            ctx.err(file, format!("{key}.min"), "only a duration or a count has a least value");
        }
        if let Some(note) = &s.cli_note {
            if s.cli.is_none() {
                ctx.err(file, format!("{key}.cli_note"), "a note for the command's flag needs the flag (cli)");
            }
            ctx.prose(file, format!("{key}.cli_note"), note);
        }
        settings.push(ir::Setting {
            name: s.name.clone(),
            ty: s.ty.clone(),
            repeatable: s.repeatable,
            value: s.value.clone(),
            default: s.default.clone(),
            meaning: s.meaning.clone(),
            secret: s.ty == "secret",
            php,
            python: s.python.clone(),
            cli: s.cli.clone(),
            env: s.env.clone(),
            rust: s.rust.clone(),
            choices: s.choices.clone(),
            min: s.min.unwrap_or(0),
            cli_note: s.cli_note.clone(),
            python_why: s.python_why.clone(),
            cli_why: s.cli_why.clone(),
        });
    }
    settings
}

/// The kinds of failure of client.toml, each checked: its prose, on each surface a name or the
/// reason it has none (never both), names and C constants unique, exit statuses those of an
/// error (1 to 125; kinds may share one: transport and decode both exit 4).
pub(super) fn lower_error_kinds(ctx: &mut Ctx, file: &str, def: &spec::ClientFile) -> Vec<ir::ErrorKind> {
    let mut seen: BTreeMap<(&str, String), usize> = BTreeMap::new();
    let mut kinds = Vec::new();
    for (i, k) in def.error_kind.iter().enumerate() {
        let key = format!("error_kind[{i}] ({})", k.name);
        if k.name.is_empty() || !k.name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            ctx.err(file, format!("{key}.name"), "must be snake_case");
        }
        for (field, text) in [
            ("meaning", &k.meaning),
            ("sent", &k.sent),
            ("retry_safe", &k.retry_safe),
            ("may_have_taken_effect", &k.may_have_taken_effect),
        ] {
            ctx.prose(file, format!("{key}.{field}"), text);
        }
        if k.c != format!("SECTIGO_ERROR_KIND_{}", k.name.to_ascii_uppercase()) {
            ctx.err(file, format!("{key}.c"), format!("must be SECTIGO_ERROR_KIND_{}", k.name.to_ascii_uppercase()));
        }
        let cli = (!k.cli.is_empty()).then_some(());
        let mut why = Vec::new();
        for (surface, name, reason) in [
            ("rust", k.rust.as_ref().map(|_| ()), &k.rust_why),
            ("python", k.python.as_ref().map(|_| ()), &k.python_why),
            ("php", k.php.as_ref().map(|_| ()), &k.php_why),
            ("cli", cli, &k.cli_why),
        ] {
            match (name, reason) {
                (Some(_), Some(_)) => {
                    ctx.err(file, format!("{key}.{surface}"), "has both a name and a reason for none")
                }
                (None, None) => ctx.err(file, format!("{key}.{surface}"), format!("needs a name or {surface}_why")),
                (None, Some(reason)) => {
                    ctx.prose(file, format!("{key}.{surface}_why"), reason);
                    why.push((surface, reason.clone()));
                }
                (Some(_), None) => {}
            }
        }
        if k.cli.len() > 1 && k.cli_note.is_none() {
            ctx.err(file, format!("{key}.cli_note"), "more than one status needs a note saying when each applies");
        }
        if let Some(note) = &k.cli_note {
            ctx.prose(file, format!("{key}.cli_note"), note);
        }
        for status in &k.cli {
            if !(1..=125).contains(status) {
                ctx.err(file, format!("{key}.cli"), format!("{status} is no exit status for an error (1 to 125)"));
            }
        }
        let names = [
            ("name", Some(&k.name)),
            ("c", Some(&k.c)),
            ("rust", k.rust.as_ref()),
            ("python", k.python.as_ref()),
            ("php", k.php.as_ref()),
        ];
        for (surface, name) in names.into_iter().filter_map(|(surface, name)| name.map(|n| (surface, n.clone()))) {
            if let Some(other) = seen.insert((surface, name.clone()), i) {
                ctx.err(file, key.clone(), format!("its {surface} {name:?} is also error_kind[{other}]'s"));
            }
        }
        kinds.push(ir::ErrorKind {
            name: k.name.clone(),
            meaning: k.meaning.clone(),
            sent: k.sent.clone(),
            retry_safe: k.retry_safe.clone(),
            may_have_taken_effect: k.may_have_taken_effect.clone(),
            rust: k.rust.clone(),
            c: k.c.clone(),
            python: k.python.clone(),
            php: k.php.clone(),
            cli: k.cli.clone(),
            cli_note: k.cli_note.clone(),
            why,
        });
    }
    kinds
}
