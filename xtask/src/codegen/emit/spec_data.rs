//! `generated/spec_data.rs`: the checked spec as `::sectigo::meta` values.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Doc, opt_str, str_slice};
use crate::codegen::ir::{self, Ir};

pub fn emit(ir: &Ir) -> TokenStream {
    let host_variants: Vec<_> = ir.hosts.iter().map(|h| format_ident!("{}", h.variant)).collect();
    let host_docs: Vec<Doc> = ir
        .hosts
        .iter()
        .map(|h| match &h.source {
            Some(source) => Doc(format!("{} (<{}>; source: <{source}>)", h.description, h.url)),
            None => Doc(format!("{} (<{}>)", h.description, h.url)),
        })
        .collect();
    let host_certificate: Vec<bool> = ir.hosts.iter().map(|h| h.client_certificate).collect();
    let host_urls: Vec<&str> = ir.hosts.iter().map(|h| h.url.as_str()).collect();
    let host_keys: Vec<&str> = ir.hosts.iter().map(|h| h.key.as_str()).collect();

    let pages = ir.pages.iter().map(|p| {
        let name = format_ident!("{}", p.const_name);
        let (id, title, description) = (&p.id, &p.title, &p.description);
        let host_url = opt_str(&p.host_url);
        let path = opt_str(&p.path);
        let query = str_slice(&p.query);
        let doc = Doc(format!("{title} (source: {}).", p.source));
        quote! {
            #doc
            pub static #name: Page = Page {
                id: #id, title: #title, host_url: #host_url, path: #path, query: #query, description: #description,
            };
        }
    });
    let page_names: Vec<_> = ir.pages.iter().map(|p| format_ident!("{}", p.const_name)).collect();

    let endpoints = ir.endpoints.iter().map(endpoint);
    let general_errors = ir.general_errors.iter().map(error_row);
    let endpoint_names: Vec<_> = ir.endpoints.iter().map(|e| format_ident!("{}", e.const_name)).collect();

    let catalogue = ir.catalogue.iter().flat_map(|c| {
        c.products.iter().flat_map(move |p| {
            p.ppp.iter().map(move |(t, ppp)| {
                let (product, term) = (&p.name, &c.terms[*t].label);
                quote!(CatalogueEntry { product: #product, term: #term, ppp: #ppp })
            })
        })
    });

    let settings = ir.settings.iter().map(|s| {
        let (name, value, default, meaning, secret, repeatable) =
            (&s.name, &s.value, &s.default, &s.meaning, s.secret, s.repeatable);
        let ty = format_ident!("{}", crate::codegen::naming::upper_camel(&s.ty));
        let (python, cli, env, rust) = (opt_str(&s.python), opt_str(&s.cli), opt_str(&s.env), opt_str(&s.rust));
        let (choices, min, cli_note) = (str_slice(&s.choices), s.min, opt_str(&s.cli_note));
        quote! {
            Setting {
                name: #name, ty: SettingType::#ty, repeatable: #repeatable, value: #value, default: #default,
                meaning: #meaning, secret: #secret, python: #python, cli: #cli, env: #env, rust: #rust,
                choices: #choices, min: #min, cli_note: #cli_note,
            }
        }
    });

    quote! {
        use ::sectigo::meta::*;

        /// The hosts the documents name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Host {
            #( #host_docs #host_variants, )*
        }

        impl Host {
            /// Every documented host.
            pub const ALL: &'static [Host] = &[#(Host::#host_variants),*];

            /// Base URL (scheme and host).
            pub fn url(self) -> &'static str {
                match self { #(Host::#host_variants => #host_urls,)* }
            }

            /// Key in the spec (`current`, `legacy`, ...).
            pub fn key(self) -> &'static str {
                match self { #(Host::#host_variants => #host_keys,)* }
            }

            /// The host with this key.
            pub fn from_key(key: &str) -> Option<Host> {
                Host::ALL.iter().copied().find(|h| h.key().eq_ignore_ascii_case(key))
            }

            /// Whether accounts log in there with a client certificate (and `loginName`, no
            /// password) rather than with a password.
            pub fn client_certificate(self) -> bool {
                match self { #(Host::#host_variants => #host_certificate,)* }
            }
        }

        /// A host by its key, as the `host` setting takes it.
        impl ::std::str::FromStr for Host {
            type Err = ::sectigo::ConfigError;

            fn from_str(key: &str) -> Result<Host, ::sectigo::ConfigError> {
                Host::from_key(key).ok_or_else(|| {
                    ::sectigo::settings::unknown_choice("host", key, &[#(#host_keys),*])
                })
            }
        }

        #(#pages)*

        /// Every page.
        pub static PAGES: &[&Page] = &[#(&#page_names),*];

        #(#endpoints)*

        /// Every endpoint, in spec order.
        pub static ENDPOINTS: &[&Endpoint] = &[#(&#endpoint_names),*];

        /// The endpoint with this id or wire name (case-insensitive, `!` optional).
        pub fn endpoint(name: &str) -> Option<&'static Endpoint> {
            find_endpoint(ENDPOINTS, name)
        }

        /// The documents' general error rows, which any endpoint may answer with: the error
        /// table of a raw call (a path outside the spec).
        pub static GENERAL_ERRORS: &[ErrorRow] = &[#(#general_errors),*];

        /// The web product pricing catalogue, product by product and term by term.
        pub static CATALOGUE: &[CatalogueEntry] = &[#(#catalogue),*];

        /// The client's settings (`spec/client.toml`), by their C and PHP names, with their
        /// names on the other surfaces.
        pub static SETTINGS: &[Setting] = &[#(#settings),*];
    }
}

fn endpoint(e: &ir::Endpoint) -> TokenStream {
    let name_ident = format_ident!("{}", e.const_name);
    let doc = Doc(format!("`{}`: {}", e.title, e.summary));
    let (id, title, summary) = (&e.id, &e.title, &e.summary);
    let name = opt_str(&e.name);
    let path = opt_str(&e.path);
    let path_unknown = opt_str(&e.path_unknown);
    let hosts = str_slice(&e.hosts);
    let methods = str_slice(&e.methods);
    let effect = if e.write { quote!(Effect::Write) } else { quote!(Effect::Read) };
    let wire = |f: ir::WireFormat| match f {
        ir::WireFormat::Newline => quote!(WireFormat::Newline),
        ir::WireFormat::UrlEncoded => quote!(WireFormat::UrlEncoded),
    };
    let response = match &e.response.format {
        ir::Format::Newline => quote!(ResponseFormat::Newline),
        ir::Format::UrlEncoded { redirect_params } => {
            let r = str_slice(redirect_params);
            quote!(ResponseFormat::UrlEncoded { redirect_params: #r })
        }
        ir::Format::Selectable { selector, default, formats } => {
            let default = wire(*default);
            let formats = formats.iter().map(|(v, f)| {
                let f = wire(*f);
                quote!((#v, #f))
            });
            quote!(ResponseFormat::Selectable { selector: #selector, default: #default, formats: &[#(#formats),*] })
        }
    };
    let success_code = e.response.success_code;
    let positive = match e.response.positive {
        crate::codegen::ir::Positive::Error => quote!(::sectigo::meta::PositiveCodes::Error),
        crate::codegen::ir::Positive::SuccessWithFields => quote!(::sectigo::meta::PositiveCodes::SuccessWithFields),
    };
    let params = e.params.iter().map(param);
    let items = match &e.items {
        None => quote!(None),
        Some(it) => {
            let min = it.min;
            let (u, open) = (it.underscore_prefix, it.open);
            let one_of = sets(&it.one_of);
            let params = it.params.iter().map(param);
            quote!(Some(&Items { min: #min, underscore_prefix: #u, open: #open, one_of: #one_of, params: &[#(#params),*] }))
        }
    };
    let rules = e.rules.iter().map(|r| match r {
        ir::Rule::OneOf { sets: s, .. } => {
            let s = sets(s);
            quote!(Rule::OneOf { sets: #s })
        }
        ir::Rule::RequiredWhen { param, when, equals, .. } => {
            let equals = str_slice(equals);
            quote!(Rule::RequiredWhen { param: #param, when_param: #when, equals: #equals })
        }
        ir::Rule::OnlyWhen { param, when, equals, .. } => {
            let equals = str_slice(equals);
            quote!(Rule::OnlyWhen { param: #param, when_param: #when, equals: #equals })
        }
    });
    let groups = e.groups.iter().map(|g| {
        let (id, title) = (&g.id, &g.title);
        let members = str_slice(&g.members);
        let required = str_slice(&g.required_if_any);
        let defaults_to = opt_str(&g.defaults_to);
        quote!(Group { id: #id, title: #title, members: #members, required_if_any: #required, defaults_to: #defaults_to })
    });
    let fields = e.fields.iter().map(|f| {
        let (name, description) = (&f.name, &f.description);
        let ty = ty(f.ty);
        let max_length = opt_u32(f.max_length);
        let line = match f.line {
            Some(l) => quote!(Some(#l)),
            None => quote!(None),
        };
        let when = match f.when {
            ir::When::Always => quote!(When::Always),
            ir::When::Success => quote!(When::Success),
            ir::When::Error => quote!(When::Error),
        };
        let optional = f.optional;
        let generations = str_slice(&f.generations);
        let since = opt_str(&f.since);
        let secret = f.secret;
        quote!(Field {
            name: #name, ty: #ty, max_length: #max_length, line: #line, when: #when, optional: #optional,
            generations: #generations, since: #since, secret: #secret, description: #description,
        })
    });
    let errors = e.errors.iter().map(error_row);
    let partial = opt_str(&e.partial_note());
    quote! {
        #doc
        pub static #name_ident: Endpoint = Endpoint {
            id: #id,
            name: #name,
            title: #title,
            path: #path,
            path_unknown: #path_unknown,
            hosts: #hosts,
            methods: #methods,
            effect: #effect,
            response: #response,
            success_code: #success_code,
            positive_codes: #positive,
            summary: #summary,
            params: &[#(#params),*],
            items: #items,
            rules: &[#(#rules),*],
            groups: &[#(#groups),*],
            fields: &[#(#fields),*],
            errors: &[#(#errors),*],
            partial: #partial,
        };
    }
}

fn sets(sets: &[Vec<String>]) -> TokenStream {
    let inner = sets.iter().map(|s| str_slice(s));
    quote!(&[#(#inner),*])
}

fn ty(t: ir::Ty) -> TokenStream {
    match t {
        ir::Ty::String => quote!(ParamType::String),
        ir::Ty::Char => quote!(ParamType::Char),
        ir::Ty::Integer => quote!(ParamType::Integer),
    }
}

fn opt_u32(v: Option<u32>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn param(p: &ir::Param) -> TokenStream {
    let (name, rust_name, description) = (&p.wire, &p.field, &p.description);
    let aliases = str_slice(&p.aliases);
    let ty = ty(p.ty);
    let max_length = opt_u32(p.max_length);
    let requirement = match p.requirement {
        ir::Requirement::Required => quote!(Requirement::Required),
        ir::Requirement::Optional => quote!(Requirement::Optional),
        ir::Requirement::Conditional => quote!(Requirement::Conditional),
    };
    let allowed = p.allowed.iter().map(|a| {
        let (value, meaning) = (&a.value, &a.meaning);
        quote!(Allowed { value: #value, meaning: #meaning })
    });
    let default = opt_str(&p.default);
    let server_default = opt_str(&p.server_default);
    let secret = p.secret;
    let credential = match p.credential.as_deref() {
        Some("login_name") => quote!(Some(Credential::LoginName)),
        Some(_) => quote!(Some(Credential::LoginPassword)),
        None => quote!(None),
    };
    let format = match p.format {
        Some(_) => quote!(Some(Format::Iso3166Alpha2)),
        None => quote!(None),
    };
    let product_dependent = p.product_dependent;
    let since = opt_str(&p.since);
    quote!(Param {
        name: #name, rust_name: #rust_name, aliases: #aliases, ty: #ty, max_length: #max_length, requirement: #requirement,
        allowed: &[#(#allowed),*], default: #default, server_default: #server_default, secret: #secret,
        credential: #credential, format: #format, product_dependent: #product_dependent, since: #since,
        description: #description,
    })
}

/// One row of an error table, as an `ErrorRow` value.
fn error_row(r: &ir::ErrorRow) -> TokenStream {
    let (code, id, meaning) = (r.code, &r.id, &r.meaning);
    let message = opt_str(&r.message);
    let alternatives = str_slice(&r.alternatives);
    let placeholder = opt_str(&r.placeholder);
    let names = match r.names.as_deref() {
        Some(n) => {
            let v = format_ident!("{}", crate::codegen::naming::upper_camel(n));
            quote!(Some(Names::#v))
        }
        None => quote!(None),
    };
    let details = r.details_may_follow;
    let applies_to = str_slice(&r.applies_to);
    let since = opt_str(&r.since);
    let (general, backoff) = (r.general, r.retry_after_backoff);
    quote!(ErrorRow {
        code: #code, id: #id, message: #message, alternatives: #alternatives, placeholder: #placeholder,
        names: #names, details_may_follow: #details, applies_to: #applies_to, since: #since,
        general: #general, retry_after_backoff: #backoff, meaning: #meaning,
    })
}
