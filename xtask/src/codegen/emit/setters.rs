//! `generated/setters.rs`: `ClientBuilder::set`'s cases, one per row of the settings table
//! that names a builder method (`rust`): the value of the row's type, handed to that method.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::codegen::ir::Ir;

pub fn emit(ir: &Ir) -> TokenStream {
    let arms = ir.settings.iter().filter_map(|s| {
        let method = format_ident!("{}", s.rust.as_deref()?);
        let name = &s.name;
        Some(match s.ty.as_str() {
            "choice" => quote! {
                (#name, SettingValue::Text(v)) => b.#method(::sectigo::settings::choice(v)?).applied(),
            },
            "text" | "secret" => quote!((#name, SettingValue::Text(v)) => b.#method(v).applied(),),
            "path" => quote!((#name, SettingValue::Path(v)) => b.#method(v).applied(),),
            "duration" => quote!((#name, SettingValue::Duration(v)) => b.#method(v).applied(),),
            "count" => quote!((#name, SettingValue::Count(v)) => b.#method(v).applied(),),
            "flag" => quote!((#name, SettingValue::Flag(v)) => b.#method(v).applied(),),
            // "map", the loader allows no other type.
            _ => quote!((#name, SettingValue::Entry(k, v)) => b.#method(k, v).applied(),),
        })
    });
    quote! {
        use ::sectigo::settings::{Applied, SettingValue};
        use ::sectigo::{ClientBuilder, ConfigError};

        /// One setting of the table, by its C name, applied with the builder method the table
        /// names (what `ClientBuilder::set` does).
        pub fn apply(b: ClientBuilder, name: &str, value: SettingValue<'_>) -> Result<ClientBuilder, ConfigError> {
            match (name, value) {
                #(#arms)*
                (name, value) => Err(::sectigo::settings::refused(name, value)),
            }
        }
    }
}
