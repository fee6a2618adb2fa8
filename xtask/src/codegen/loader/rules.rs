//! The rules between an endpoint's parameters (`[[rule]]`), its contact groups (`[[group]]`)
//! and its indexed items (`[items]`).

use std::collections::BTreeSet;

use super::Ctx;
use super::endpoint::has;
use super::params::{check_unique_names, lower_param};
use crate::codegen::ir;
use crate::codegen::spec;

/// The rules between parameters (`one_of`, `required_when`, `only_when`).
pub(super) fn lower_rules(ctx: &mut Ctx, file: &str, defs: Vec<spec::RuleDef>, params: &[ir::Param]) -> Vec<ir::Rule> {
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
                            ctx.err(
                                file,
                                format!("{key}.when.equals[{j}]"),
                                format!("{v:?} is not an allowed value of {}", when.param),
                            );
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
            other => ctx.err(
                file,
                format!("{key}.kind"),
                format!("unknown rule kind {other:?} (one_of, required_when, only_when)"),
            ),
        }
    }

    rules
}

/// The contact groups: members, `required_if_any`, `defaults_to`.
pub(super) fn lower_groups(
    ctx: &mut Ctx,
    file: &str,
    defs: Vec<spec::GroupDef>,
    params: &[ir::Param],
) -> Vec<ir::Group> {
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
                    ctx.err(
                        file,
                        format!("group[{i}].required_if_any[{j}]"),
                        format!("{m:?} is not a member of the group"),
                    );
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
pub(super) fn lower_items(
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
