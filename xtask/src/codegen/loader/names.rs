//! The generated names of every endpoint, checked against each other and the generated
//! members they sit beside.

use std::collections::BTreeMap;

use super::Ctx;
use crate::codegen::ir;

/// Methods the generated request, item and answer types have besides their parameters.
pub(super) const REQUEST_METHODS: &[&str] = &["new", "item", "items", "to_params", "prepare", "send"];
pub(super) const ITEM_METHODS: &[&str] = &["new", "extra", "push_params", "product"];
pub(super) const RESPONSE_MEMBERS: &[&str] = &["response", "from_response"];

/// Generated names must not collide: types are re-exported side by side at the crate root, and
/// parameters become methods next to the generated ones.
pub(super) fn check_generated_names(
    ctx: &mut Ctx,
    endpoints: &[ir::Endpoint],
    catalogue: Option<&ir::Catalogue>,
    products_file: &str,
) {
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut claim = |ctx: &mut Ctx, name: String, file: &str, key: &str| {
        if let Some(prev) = types.insert(name.clone(), format!("{file}: {key}")) {
            ctx.err(file, key, format!("generated type name {name} is also made by {prev}"));
        }
    };
    for fixed in ["Host", "Term", "NotOffered"] {
        claim(ctx, fixed.to_owned(), "(generator)", "built-in type");
    }
    if let Some(c) = catalogue {
        claim(ctx, c.type_name.clone(), products_file, "catalogue.type");
    }
    for e in endpoints {
        claim(ctx, e.rust_type.clone(), &e.file, "endpoint.id");
        claim(ctx, format!("{}Response", e.rust_type), &e.file, "endpoint.id");
        claim(ctx, format!("{}Error", e.rust_type), &e.file, "endpoint.id");
        if let Some(it) = &e.items {
            claim(ctx, it.rust_type.clone(), &e.file, "items");
        }
        let params = e
            .params
            .iter()
            .map(|p| ("param", p))
            .chain(e.items.iter().flat_map(|it| it.params.iter().map(|p| ("item_param", p))));
        for (i, (what, p)) in params.enumerate() {
            if let ir::ValueKind::Enum { type_name } = &p.value {
                claim(ctx, type_name.clone(), &e.file, &format!("{what} {:?}", p.wire));
            }
            let reserved = if what == "param" { REQUEST_METHODS } else { ITEM_METHODS };
            if reserved.contains(&p.field.as_str()) {
                ctx.err(
                    &e.file,
                    format!("{what} {:?}", p.wire),
                    format!("its Rust name {:?} is a generated method (#{i}); set rust_name", p.field),
                );
            }
        }
        for f in &e.fields {
            if RESPONSE_MEMBERS.contains(&f.field.as_str()) {
                ctx.err(
                    &e.file,
                    format!("field {:?}", f.name),
                    format!("its Rust name {:?} is a generated member", f.field),
                );
            }
        }
    }
}
