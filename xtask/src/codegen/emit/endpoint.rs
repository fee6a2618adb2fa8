//! `generated/<endpoint>.rs`: typed request builder, items, enums, answer and error enum.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Doc;
use crate::codegen::ir::{self, Ir, ValueKind};

pub fn emit(ir: &Ir, e: &ir::Endpoint) -> TokenStream {
    let spec = format_ident!("{}", e.const_name);
    let request = format_ident!("{}", e.rust_type);
    let response = format_ident!("{}Response", e.rust_type);
    let error = format_ident!("{}Error", e.rust_type);

    let enums = e.params.iter().chain(e.items.iter().flat_map(|it| &it.params)).filter_map(enum_type);
    let item = e.items.as_ref().map(item_type);
    let catalogue = ir.catalogue.as_ref().filter(|c| c.endpoint == e.id).map(|c| catalogue_impl(c, e));

    let fields = e.params.iter().map(|p| {
        let f = format_ident!("{}", p.field);
        let t = value_type(p);
        let wire = &p.wire;
        quote! {
            #[cfg_attr(feature = "serde", serde(rename = #wire, skip_serializing_if = "Option::is_none"))]
            #f: Option<#t>
        }
    });
    let setters = e.params.iter().map(setter);
    let pushes = e.params.iter().map(push_param);
    let (items_field, items_methods, items_push) = match &e.items {
        Some(it) => {
            let t = format_ident!("{}", it.rust_type);
            (
                quote! {
                    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
                    items: Vec<#t>,
                },
                quote! {
                    /// Adds an item (numbered in the order added, from 1).
                    pub fn item(mut self, item: #t) -> Self {
                        self.items.push(item);
                        self
                    }

                    /// Adds several items.
                    pub fn items(mut self, items: impl IntoIterator<Item = #t>) -> Self {
                        self.items.extend(items);
                        self
                    }
                },
                quote! {
                    for (i, item) in self.items.iter().enumerate() {
                        item.push_params(i as u32 + 1, &mut out);
                    }
                },
            )
        }
        None => (quote!(), quote!(), quote!()),
    };

    let mut request_doc = format!("`{}`: {}\n\n{}", e.title, e.summary, e.description);
    for n in &e.notes {
        request_doc.push_str(&format!("\n\n- {n}"));
    }
    if let Some(note) = e.partial_note() {
        request_doc.push_str(&format!("\n\n**{note}**"));
    }
    if e.write {
        request_doc.push_str(
            "\n\nThis call changes state on the server: it is never resent automatically, and when its \
             answer is lost it fails with `Error::OutcomeUnknown`.",
        );
    }
    if let Some(why) = &e.path_unknown {
        request_doc.push_str(&format!(
            "\n\nThe endpoint's path is not known ({why}) Configure it with \
             `ClientBuilder::endpoint_path(\"{}\", ...)` before sending.",
            e.id
        ));
    }

    let request_doc = Doc(request_doc);
    let response_type = response_type(e, &response);
    let error_type = error_type(e, &error);

    quote! {
        #(#enums)*

        #request_doc
        #[derive(Debug, Clone, Default)]
        #[cfg_attr(feature = "serde", derive(::serde::Serialize))]
        pub struct #request {
            #(#fields,)*
            #items_field
        }

        impl #request {
            /// An empty request; set parameters with the methods below.
            pub fn new() -> Self {
                Self::default()
            }

            #(#setters)*
            #items_methods

            /// The parameters set, as (wire name, value) pairs. Holds passwords in clear: do not log.
            pub fn to_params(&self) -> Vec<(String, String)> {
                let mut out = Vec::new();
                #(#pushes)*
                #items_push
                out
            }

            /// Checks the request (with the client's credentials) without sending it.
            pub fn prepare(&self, client: &::sectigo::Client) -> Result<::sectigo::Form, ::sectigo::Error<#error>> {
                client.prepare(&super::spec_data::#spec, self.to_params()).map_err(|e| e.map_api(#error::from))
            }

            /// Checks every rule, then sends the request.
            pub fn send(&self, client: &::sectigo::Client) -> Result<#response, ::sectigo::Error<#error>> {
                let response = client
                    .call(&super::spec_data::#spec, self.to_params())
                    .map_err(|e| e.map_api(#error::from))?;
                #response::from_response(response).map_err(::sectigo::Error::Decode)
            }
        }

        #item
        #catalogue
        #response_type
        #error_type
    }
}

fn value_type(p: &ir::Param) -> TokenStream {
    match &p.value {
        ValueKind::Text => quote!(String),
        ValueKind::Secret => quote!(::sectigo::Secret),
        ValueKind::Integer => quote!(i64),
        ValueKind::OrderNumber => quote!(::sectigo::OrderNumber),
        ValueKind::Flag => quote!(bool),
        ValueKind::Enum { type_name } => {
            let t = format_ident!("{}", type_name);
            quote!(#t)
        }
    }
}

/// Doc text of a setter: the description, then the facts of the spec.
fn param_doc(p: &ir::Param, wire: &str) -> String {
    let mut doc = p.description.clone();
    doc.push_str(&format!("\n\nWire name `{wire}`"));
    if !p.aliases.is_empty() {
        doc.push_str(&format!(" (also `{}`)", p.aliases.join("`, `")));
    }
    doc.push_str(&format!("; {}; {}", p.ty.as_str(), p.requirement.as_str()));
    if let Some(max) = p.max_length {
        doc.push_str(&format!("; at most {max} character{}", if max == 1 { "" } else { "s" }));
    }
    if let Some(d) = &p.default {
        doc.push_str(&format!("; server default `{d}`"));
    }
    if let Some(d) = &p.server_default {
        doc.push_str(&format!("; when left out: {d}"));
    }
    if p.value == ValueKind::Flag {
        doc.push_str("; `true` is sent as `Y`, `false` as `N`");
    }
    if let Some(v) = &p.since {
        doc.push_str(&format!("; since document version {v}"));
    }
    if p.product_dependent {
        doc.push_str("; whether it is needed depends on the product, so the SDK does not enforce it");
    }
    doc.push('.');
    doc
}

fn setter(p: &ir::Param) -> TokenStream {
    let f = format_ident!("{}", p.field);
    let doc = Doc(param_doc(p, &p.wire));
    let (arg, store) = match &p.value {
        ValueKind::Text => (quote!(impl Into<String>), quote!(value.into())),
        ValueKind::Secret => (quote!(impl Into<::sectigo::Secret>), quote!(value.into())),
        ValueKind::OrderNumber => (quote!(impl Into<::sectigo::OrderNumber>), quote!(value.into())),
        _ => (value_type(p), quote!(value)),
    };
    quote! {
        #doc
        pub fn #f(mut self, value: #arg) -> Self {
            self.#f = Some(#store);
            self
        }
    }
}

/// Code pushing `(name, value)` for a set parameter; `name` is an expression of type String.
fn push_value(p: &ir::Param, name: TokenStream) -> TokenStream {
    let f = format_ident!("{}", p.field);
    let value = match &p.value {
        ValueKind::Text => quote!(value.clone()),
        ValueKind::Secret => quote!(value.expose().to_owned()),
        ValueKind::Integer => quote!(value.to_string()),
        ValueKind::OrderNumber => quote!(value.as_str().to_owned()),
        ValueKind::Flag => quote!(if *value { "Y" } else { "N" }.to_owned()),
        ValueKind::Enum { .. } => quote!(value.as_str().to_owned()),
    };
    quote! {
        if let Some(value) = &self.#f {
            out.push((#name, #value));
        }
    }
}

fn push_param(p: &ir::Param) -> TokenStream {
    let wire = &p.wire;
    push_value(p, quote!(#wire.to_owned()))
}

fn enum_type(p: &ir::Param) -> Option<TokenStream> {
    let ValueKind::Enum { type_name } = &p.value else { return None };
    let t = format_ident!("{}", type_name);
    let doc = Doc(format!("Allowed values of `{}`: {}", p.wire, p.description));
    let variants: Vec<_> =
        p.allowed.iter().map(|a| format_ident!("{}", a.variant.as_deref().unwrap_or_default())).collect();
    let docs: Vec<Doc> = p.allowed.iter().map(|a| Doc(format!("`{}`: {}", a.value, a.meaning))).collect();
    let values: Vec<&str> = p.allowed.iter().map(|a| a.value.as_str()).collect();
    Some(quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(::serde::Serialize, ::serde::Deserialize))]
        pub enum #t {
            #( #docs #[cfg_attr(feature = "serde", serde(rename = #values))] #variants, )*
        }

        impl #t {
            /// Every value, in the documents' order.
            pub const ALL: &'static [#t] = &[#(#t::#variants),*];

            /// The value on the wire.
            pub fn as_str(self) -> &'static str {
                match self { #(#t::#variants => #values,)* }
            }

            /// The variant for a wire value (case-insensitive).
            pub fn from_wire(value: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(value))
            }
        }

        impl ::std::fmt::Display for #t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    })
}

fn item_type(it: &ir::Items) -> TokenStream {
    let t = format_ident!("{}", it.rust_type);
    let fields = it.params.iter().map(|p| {
        let f = format_ident!("{}", p.field);
        let ty = value_type(p);
        let wire = &p.wire;
        quote! {
            #[cfg_attr(feature = "serde", serde(rename = #wire, skip_serializing_if = "Option::is_none"))]
            #f: Option<#ty>
        }
    });
    let setters = it.params.iter().map(|p| {
        let f = format_ident!("{}", p.field);
        let doc = Doc(param_doc(p, &format!("x_{}", p.wire)));
        let ty = value_type(p);
        let store = match &p.value {
            ValueKind::Text => quote!(value.into()),
            _ => quote!(value),
        };
        let arg = match &p.value {
            ValueKind::Text => quote!(impl Into<String>),
            _ => ty,
        };
        quote! {
            #doc
            pub fn #f(mut self, value: #arg) -> Self {
                self.#f = Some(#store);
                self
            }
        }
    });
    let pushes = it.params.iter().map(|p| {
        let wire = &p.wire;
        push_value(p, quote!(format!("{}_{}", index, #wire)))
    });
    let (extra_field, extra_method, extra_push) = if it.open {
        (
            quote! {
                #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
                extra: Vec<(String, String)>,
            },
            quote! {
                /// A product-specific item parameter the spec does not list (such as `MACAddress`),
                /// sent as `<number>_<name>`. The name must be letters and digits.
                pub fn extra(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                    self.extra.push((name.into(), value.into()));
                    self
                }
            },
            quote! {
                for (name, value) in &self.extra {
                    out.push((format!("{}_{}", index, name), value.clone()));
                }
            },
        )
    } else {
        (quote!(), quote!(), quote!())
    };
    let doc = Doc(format!("One item of the order.\n\n{}", it.description));
    quote! {
        #doc
        #[derive(Debug, Clone, Default)]
        #[cfg_attr(feature = "serde", derive(::serde::Serialize))]
        pub struct #t {
            #(#fields,)*
            #extra_field
        }

        impl #t {
            /// An empty item; name its product with the methods below.
            pub fn new() -> Self {
                Self::default()
            }

            #(#setters)*
            #extra_method

            /// Appends this item's parameters as item number `index`.
            pub fn push_params(&self, index: u32, out: &mut Vec<(String, String)>) {
                #(#pushes)*
                #extra_push
            }
        }
    }
}

fn catalogue_impl(c: &ir::Catalogue, e: &ir::Endpoint) -> TokenStream {
    let it = e.items.as_ref().expect("checked: the catalogue's endpoint has items");
    let t = format_ident!("{}", it.rust_type);
    let product = format_ident!("{}", c.type_name);
    let setter = it
        .params
        .iter()
        .find(|p| p.wire == c.item_param)
        .map(|p| format_ident!("{}", p.field))
        .expect("checked: the catalogue's item parameter exists");
    let doc = Doc(format!("An item for a product of the catalogue and one of its terms (sets `{}`).", c.item_param));
    quote! {
        impl #t {
            #doc
            pub fn product(product: super::products::#product, term: super::products::Term) -> Result<Self, super::products::NotOffered> {
                match product.ppp(term) {
                    Some(code) => Ok(Self::new().#setter(code)),
                    None => Err(super::products::NotOffered { product, term }),
                }
            }
        }
    }
}

fn response_type(e: &ir::Endpoint, response: &proc_macro2::Ident) -> TokenStream {
    let fields: Vec<&ir::Field> = e.fields.iter().filter(|f| f.when == ir::When::Success).collect();
    let decls = fields.iter().map(|f| {
        let name = format_ident!("{}", f.field);
        let mut doc = f.description.clone();
        if f.secret {
            doc.push_str(" Left out of `Debug` output.");
        }
        if !f.generations.is_empty() {
            doc.push_str(&format!(" Sent by the {} generation only.", f.generations.join(", ")));
        }
        let ty = match (f.ty, f.optional) {
            (ir::Ty::Integer, false) => quote!(i64),
            (ir::Ty::Integer, true) => quote!(Option<i64>),
            (_, false) => quote!(String),
            (_, true) => quote!(Option<String>),
        };
        let doc = Doc(doc);
        quote!(#doc pub #name: #ty)
    });
    let inits = fields.iter().map(|f| {
        let name = format_ident!("{}", f.field);
        let wire = &f.name;
        let value = match (f.ty, f.optional) {
            (ir::Ty::Integer, false) => quote!(response.required_integer(#wire)?),
            (ir::Ty::Integer, true) => quote!(response.integer(#wire)?),
            (_, false) => quote!(response.required(#wire)?.to_owned()),
            (_, true) => quote!(response.get(#wire).map(str::to_owned)),
        };
        quote!(#name: #value)
    });
    let debug_fields = fields.iter().map(|f| {
        let name = format_ident!("{}", f.field);
        let label = &f.field;
        if f.secret { quote!(.field(#label, &"<redacted>")) } else { quote!(.field(#label, &self.#name)) }
    });
    let title = format!("{}", response);
    let doc = Doc(format!("Successful answer of `{}`.", e.title));
    quote! {
        #doc
        #[derive(Clone)]
        #[cfg_attr(feature = "serde", derive(::serde::Serialize, ::serde::Deserialize))]
        #[non_exhaustive]
        pub struct #response {
            #(#decls,)*
            /// The whole answer, field by field, with its raw body.
            pub response: ::sectigo::Response,
        }

        impl ::std::fmt::Debug for #response {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#title)
                    #(#debug_fields)*
                    .field("response", &self.response)
                    .finish()
            }
        }

        impl #response {
            /// Reads a successful answer.
            pub fn from_response(response: ::sectigo::Response) -> Result<Self, ::sectigo::DecodeError> {
                Ok(Self { #(#inits,)* response })
            }
        }
    }
}

fn error_type(e: &ir::Endpoint, error: &proc_macro2::Ident) -> TokenStream {
    let variants: Vec<_> = e.errors.iter().map(|r| format_ident!("{}", r.variant)).collect();
    let codes: Vec<i64> = e.errors.iter().map(|r| r.code).collect();
    let docs: Vec<Doc> = e
        .errors
        .iter()
        .map(|r| {
            let mut d = format!("{}: ", r.code);
            match &r.message {
                Some(m) => d.push_str(&format!("\"{m}\"")),
                None => d.push_str("(no fixed message)"),
            }
            for a in &r.alternatives {
                d.push_str(&format!(" or \"{a}\""));
            }
            if r.details_may_follow {
                d.push_str(", possibly followed by details");
            }
            d.push_str(&format!(". {}", r.meaning));
            if r.general {
                d.push_str(" (From the documents' general list, which every endpoint may answer with.)");
            }
            if r.retry_after_backoff {
                d.push_str(" Safe to send again after a wait: see `Error::is_rate_limited`.");
            }
            Doc(d)
        })
        .collect();
    let from_body = if e.errors.is_empty() {
        quote!(#error::Unknown(e))
    } else {
        quote! {
            match e.code() {
                #(#codes => #error::#variants(e),)*
                _ => #error::Unknown(e),
            }
        }
    };
    let doc = Doc::from(format!(
        "Error answers of `{}`, one variant per row of its error table and of the documents' general list, and `Unknown` for codes the documents do not list.",
        e.title
    ));
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum #error {
            #( #docs #variants(::sectigo::ApiError), )*
            /// A code the error table does not list.
            Unknown(::sectigo::ApiError),
        }

        impl #error {
            /// The answer behind the variant: code, message, `errorItem`, raw body.
            pub fn api(&self) -> &::sectigo::ApiError {
                match self {
                    #(#error::#variants(e))|* | #error::Unknown(e) => e,
                }
            }

            /// The `errorCode`.
            pub fn code(&self) -> i64 {
                self.api().code()
            }

            /// The server's message.
            pub fn message(&self) -> Option<&str> {
                self.api().message()
            }

            /// The parameter the server blames (`errorItem`).
            pub fn item(&self) -> Option<&str> {
                self.api().item()
            }

            /// The body as received.
            pub fn raw(&self) -> &str {
                self.api().raw()
            }
        }

        impl ::sectigo::AsApiError for #error {
            fn as_api_error(&self) -> &::sectigo::ApiError {
                self.api()
            }
        }

        impl From<::sectigo::ApiError> for #error {
            fn from(e: ::sectigo::ApiError) -> Self {
                #from_body
            }
        }

        impl ::std::fmt::Display for #error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(self.api(), f)
            }
        }

        impl ::std::error::Error for #error {}
    }
}
