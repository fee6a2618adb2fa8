//! `products.toml`: the web product pricing catalogue (products x terms -> PPP codes).

use std::collections::{BTreeMap, BTreeSet};

use super::Ctx;
use super::params::is_type_name;
use crate::codegen::ir;
use crate::codegen::naming::{is_ident, upper_camel};
use crate::codegen::spec;

pub(super) fn lower_catalogue(
    ctx: &mut Ctx,
    file: &str,
    products: spec::ProductsFile,
    endpoints: &[ir::Endpoint],
) -> Option<ir::Catalogue> {
    let Some(cat) = products.catalogue else {
        if !products.product.is_empty() || !products.term.is_empty() {
            ctx.err(file, "catalogue", "products need a [catalogue] table");
        }
        return None;
    };
    if !is_type_name(&cat.type_name) {
        ctx.err(file, "catalogue.type", format!("{:?} is not an UpperCamelCase name", cat.type_name));
    }
    match endpoints.iter().find(|e| e.id == cat.endpoint) {
        None => ctx.err(file, "catalogue.endpoint", format!("unknown endpoint {:?}", cat.endpoint)),
        Some(e) => {
            let ok = e.items.as_ref().is_some_and(|it| {
                it.params.iter().any(|p| p.wire == cat.item_param && p.value == ir::ValueKind::Integer)
            });
            if !ok {
                ctx.err(
                    file,
                    "catalogue.item_param",
                    format!("{} has no plain integer item parameter {:?} (no allowed values)", e.id, cat.item_param),
                );
            }
            for (i, p) in products.product.iter().enumerate() {
                for (j, r) in p.requires.iter().enumerate() {
                    if !e.params.iter().any(|x| &x.wire == r) {
                        ctx.err(
                            file,
                            format!("product[{i}].requires[{j}]"),
                            format!("unknown parameter {r:?} of {}", e.id),
                        );
                    }
                }
            }
        }
    }
    let mut term_ids = BTreeSet::new();
    let terms: Vec<ir::Term> = products
        .term
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            if !term_ids.insert(t.id.clone()) || !is_ident(&t.id) {
                ctx.err(file, format!("term[{i}].id"), format!("{:?} must be a unique snake_case identifier", t.id));
            }
            if t.days.is_some() == t.years.is_some() {
                ctx.err(file, format!("term[{i}]"), "give days or years");
            }
            ir::Term { variant: upper_camel(&t.id), id: t.id, label: t.label, days: t.days, years: t.years }
        })
        .collect();
    let mut codes: BTreeMap<i64, String> = BTreeMap::new();
    let mut ids = BTreeSet::new();
    let products = products
        .product
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            if !ids.insert(p.id.clone()) || !is_ident(&p.id) {
                ctx.err(file, format!("product[{i}].id"), format!("{:?} must be a unique snake_case identifier", p.id));
            }
            let mut ppp = Vec::new();
            for (term, code) in &p.ppp {
                match terms.iter().position(|t| &t.id == term) {
                    None => ctx.err(file, format!("product[{i}].ppp.{term}"), format!("unknown term {term:?}")),
                    Some(t) => ppp.push((t, *code)),
                }
                if let Some(prev) = codes.insert(*code, p.id.clone()) {
                    ctx.err(file, format!("product[{i}].ppp.{term}"), format!("PPP {code} is also used by {prev}"));
                }
            }
            if ppp.is_empty() {
                ctx.err(file, format!("product[{i}].ppp"), "a product needs at least one term");
            }
            ppp.sort();
            ir::Product { variant: upper_camel(&p.id), id: p.id, name: p.name, requires: p.requires, ppp }
        })
        .collect();
    Some(ir::Catalogue {
        type_name: cat.type_name,
        endpoint: cat.endpoint,
        item_param: cat.item_param,
        description: cat.description,
        terms,
        products,
    })
}
