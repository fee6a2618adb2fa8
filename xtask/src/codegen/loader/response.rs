//! The answer of an endpoint: its wire format (`[response]`) and fields (`[[field]]`).

use std::collections::BTreeSet;

use super::Ctx;
use super::endpoint::has;
use super::params::{parse_len, parse_ty};
use crate::codegen::ir;
use crate::codegen::naming::snake_case;
use crate::codegen::spec;

/// The answer's format: newline, URL-encoded (with the parameters that make it a redirect), or
/// selectable by a parameter.
pub(super) fn lower_format(ctx: &mut Ctx, file: &str, r: &spec::ResponseDef, params: &[ir::Param]) -> ir::Format {
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
                    let default =
                        sel.default.as_ref().and_then(|d| formats.iter().find(|(v, _)| v == d)).map(|(_, f)| *f);
                    if default.is_none() {
                        ctx.err(
                            file,
                            "response.selector",
                            format!("{selector} needs a default naming one of the formats"),
                        );
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
pub(super) fn lower_fields(
    ctx: &mut Ctx,
    file: &str,
    defs: Vec<spec::FieldDef>,
    newline: bool,
    hosts: &[ir::Host],
) -> Vec<ir::Field> {
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
            None if newline => {
                ctx.err(file, format!("{key}.line"), "newline-delimited answers need a line for every field")
            }
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
