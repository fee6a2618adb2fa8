//! `generated/products.rs`: the pricing catalogue as enums.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Doc;
use crate::codegen::ir;

pub fn emit(c: &ir::Catalogue) -> TokenStream {
    let product = format_ident!("{}", c.type_name);
    let terms: Vec<_> = c.terms.iter().map(|t| format_ident!("{}", t.variant)).collect();
    let labels: Vec<&str> = c.terms.iter().map(|t| t.label.as_str()).collect();
    let label_docs: Vec<Doc> = labels.iter().map(|l| Doc::from(*l)).collect();
    let opt = |v: Option<u32>| match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let days: Vec<_> = c.terms.iter().map(|t| opt(t.days)).collect();
    let years: Vec<_> = c.terms.iter().map(|t| opt(t.years)).collect();

    let products: Vec<_> = c.products.iter().map(|p| format_ident!("{}", p.variant)).collect();
    let names: Vec<&str> = c.products.iter().map(|p| p.name.as_str()).collect();
    let ids: Vec<&str> = c.products.iter().map(|p| p.id.as_str()).collect();
    let docs: Vec<Doc> = c
        .products
        .iter()
        .map(|p| {
            let codes: Vec<String> = p.ppp.iter().map(|(t, code)| format!("{} = {code}", c.terms[*t].label)).collect();
            let mut d = format!("{}: {}.", p.name, codes.join(", "));
            if !p.requires.is_empty() {
                d.push_str(&format!(" Needs `{}`.", p.requires.join("`, `")));
            }
            Doc(d)
        })
        .collect();
    let requires: Vec<_> = c.products.iter().map(|p| super::str_slice(&p.requires)).collect();
    let product_terms: Vec<_> = c
        .products
        .iter()
        .map(|p| {
            let ts = p.ppp.iter().map(|(t, _)| format_ident!("{}", c.terms[*t].variant));
            quote!(&[#(Term::#ts),*])
        })
        .collect();
    let ppp_arms = c.products.iter().flat_map(|p| {
        let v = format_ident!("{}", p.variant);
        let product = &product;
        p.ppp.iter().map(move |(t, code)| {
            let term = format_ident!("{}", c.terms[*t].variant);
            quote!((#product::#v, Term::#term) => Some(#code))
        })
    });
    let product_doc = Doc::from(c.description.as_str());

    quote! {
        /// Terms products are sold for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Term {
            #( #label_docs #terms, )*
        }

        impl Term {
            /// Every term, shortest first.
            pub const ALL: &'static [Term] = &[#(Term::#terms),*];

            /// Label as in the documents (`1-year`).
            pub fn label(self) -> &'static str {
                match self { #(Term::#terms => #labels,)* }
            }

            /// Length in days, for terms counted in days.
            pub fn days(self) -> Option<u32> {
                match self { #(Term::#terms => #days,)* }
            }

            /// Length in years, for terms counted in years.
            pub fn years(self) -> Option<u32> {
                match self { #(Term::#terms => #years,)* }
            }

            /// The term with this label (`1-year`), case-insensitive.
            pub fn from_label(label: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|t| t.label().eq_ignore_ascii_case(label))
            }
        }

        impl ::std::fmt::Display for Term {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.label())
            }
        }

        #product_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #product {
            #( #docs #products, )*
        }

        impl #product {
            /// Every product, in the documents' order.
            pub const ALL: &'static [#product] = &[#(#product::#products),*];

            /// Name as in the documents.
            pub fn name(self) -> &'static str {
                match self { #(#product::#products => #names,)* }
            }

            /// Identifier in the spec (`web_dns_pro`).
            pub fn id(self) -> &'static str {
                match self { #(#product::#products => #ids,)* }
            }

            /// Order parameters every order of this product must carry.
            pub fn requires(self) -> &'static [&'static str] {
                match self { #(#product::#products => #requires,)* }
            }

            /// Terms the product is sold for.
            pub fn terms(self) -> &'static [Term] {
                match self { #(#product::#products => #product_terms,)* }
            }

            /// The pricing code (`PPP`) of the product for a term, if it is sold for that term.
            pub fn ppp(self, term: Term) -> Option<i64> {
                match (self, term) {
                    #(#ppp_arms,)*
                    _ => None,
                }
            }

            /// The product and term of a pricing code.
            pub fn from_ppp(code: i64) -> Option<(Self, Term)> {
                Self::ALL.iter().find_map(|p| p.terms().iter().find(|t| p.ppp(**t) == Some(code)).map(|t| (*p, *t)))
            }
        }

        impl ::std::fmt::Display for #product {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }

        /// A product was asked for with a term it is not sold for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct NotOffered {
            /// The product.
            pub product: #product,
            /// The term asked for.
            pub term: Term,
        }

        impl ::std::fmt::Display for NotOffered {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let terms: Vec<&str> = self.product.terms().iter().map(|t| t.label()).collect();
                write!(f, "{} is not sold for a {} term (it is sold for: {})", self.product.name(), self.term.label(), terms.join(", "))
            }
        }

        impl ::std::error::Error for NotOffered {}
    }
}
