//! The checked spec, what every emitter consumes: the loader has checked it and named every
//! Rust item (types, fields, variants, constants); the emitters derive the other languages'
//! names from these with [`crate::codegen::naming`].

#[derive(Debug)]
pub struct Ir {
    pub hosts: Vec<Host>,
    pub pages: Vec<Page>,
    pub catalogue: Option<Catalogue>,
    pub endpoints: Vec<Endpoint>,
    /// Every row of errors.toml, by code.
    pub codes: Vec<Code>,
    /// The documents' general rows, which any endpoint may answer with (errors.toml's
    /// `general`): the error table of a raw call to a path outside the spec.
    pub general_errors: Vec<ErrorRow>,
    /// The classes of API errors of client.toml.
    pub error_classes: Vec<ErrorClass>,
    /// The client's settings (client.toml), in table order.
    pub settings: Vec<Setting>,
    /// The kinds of failure (client.toml), in table order.
    pub error_kinds: Vec<ErrorKind>,
}

/// A setting of the client, with its name on each surface (None: not offered there).
#[derive(Debug)]
pub struct Setting {
    /// As C and PHP set it (`timeout_ms`, `path:<endpoint>`).
    pub name: String,
    pub ty: String,
    pub repeatable: bool,
    pub value: String,
    pub default: String,
    pub meaning: String,
    pub secret: bool,
    /// As `new Client([...])` takes it in PHP (`name`, but a map's array name).
    pub php: String,
    pub python: Option<String>,
    pub cli: Option<String>,
    pub env: Option<String>,
    pub rust: Option<String>,
    pub choices: Vec<String>,
    pub min: u64,
    pub cli_note: Option<String>,
    /// Why Python, or the command, does not offer it.
    pub python_why: Option<String>,
    pub cli_why: Option<String>,
}

/// A kind of failure, with its name on each surface (None: not there; `why` says why).
#[derive(Debug)]
pub struct ErrorKind {
    /// `Error::kind()`'s name (`outcome_unknown`).
    pub name: String,
    pub meaning: String,
    pub sent: String,
    pub retry_safe: String,
    pub may_have_taken_effect: String,
    /// The `Error` variant.
    pub rust: Option<String>,
    /// The `sectigo_error_kind` constant.
    pub c: String,
    pub python: Option<String>,
    pub php: Option<String>,
    /// The command's exit statuses (the first the usual one), and when the others apply.
    pub cli: Vec<u8>,
    pub cli_note: Option<String>,
    /// Each surface's reason for not having it, by surface (`python`).
    pub why: Vec<(&'static str, String)>,
}

/// An error code of the catalogue, as a named constant.
#[derive(Debug)]
pub struct Code {
    /// The errors.toml key (`not_enough_credit`).
    pub id: String,
    /// UpperCamelCase of the key (`NotEnoughCredit`).
    pub variant: String,
    pub code: i64,
    pub meaning: String,
}

/// A class of API errors users catch by name.
#[derive(Debug)]
pub struct ErrorClass {
    /// UpperCamelCase (`Authentication`).
    pub name: String,
    pub codes: Vec<i64>,
    pub description: String,
}

#[derive(Debug)]
pub struct Host {
    pub key: String,
    pub variant: String,
    pub url: String,
    /// The host takes a client certificate instead of a password.
    pub client_certificate: bool,
    pub source: Option<String>,
    pub description: String,
}

#[derive(Debug)]
pub struct Page {
    pub id: String,
    pub const_name: String,
    pub title: String,
    pub host_url: Option<String>,
    pub path: Option<String>,
    pub query: Vec<String>,
    pub source: String,
    pub description: String,
}

#[derive(Debug)]
pub struct Catalogue {
    pub type_name: String,
    pub endpoint: String,
    pub item_param: String,
    pub description: String,
    pub terms: Vec<Term>,
    pub products: Vec<Product>,
}

#[derive(Debug)]
pub struct Term {
    pub id: String,
    pub variant: String,
    pub label: String,
    pub days: Option<u32>,
    pub years: Option<u32>,
}

#[derive(Debug)]
pub struct Product {
    pub id: String,
    pub variant: String,
    pub name: String,
    pub requires: Vec<String>,
    /// (index into `Catalogue::terms`, PPP code), in term order.
    pub ppp: Vec<(usize, i64)>,
}

#[derive(Debug)]
pub struct Endpoint {
    /// The spec file it came from (for error messages).
    pub file: String,
    pub id: String,
    pub name: Option<String>,
    pub title: String,
    pub rust_type: String,
    pub module: String,
    pub const_name: String,
    pub path: Option<String>,
    pub path_unknown: Option<String>,
    pub hosts: Vec<String>,
    pub methods: Vec<String>,
    pub write: bool,
    pub response: Response,
    pub summary: String,
    pub description: String,
    pub notes: Vec<String>,
    pub pages: Vec<String>,
    pub sources: Vec<Source>,
    pub history: Vec<(String, String)>,
    /// The parts its page lacked (`request`, `answer`, `errors`); empty for a complete one.
    pub partial: Vec<String>,
    pub params: Vec<Param>,
    pub items: Option<Items>,
    pub rules: Vec<Rule>,
    pub groups: Vec<Group>,
    pub fields: Vec<Field>,
    pub errors: Vec<ErrorRow>,
}

impl Endpoint {
    /// What every surface says of an endpoint imported from a cut page (`partial`), or `None`
    /// for a complete one.
    pub fn partial_note(&self) -> Option<String> {
        if self.partial.is_empty() {
            return None;
        }
        let parts: Vec<&str> = self
            .partial
            .iter()
            .map(|p| match p.as_str() {
                "request" => "the request's parameter table",
                "answer" => "the answer's fields",
                _ => "the error table",
            })
            .collect();
        Some(format!(
            "Partial: the page this endpoint was imported from lacked {}, so the spec may be missing facts of it.",
            parts.join(" and ")
        ))
    }
}

#[derive(Debug)]
pub struct Source {
    pub file: String,
    pub generation: String,
    pub version: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireFormat {
    Newline,
    UrlEncoded,
}

impl WireFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            WireFormat::Newline => "newline",
            WireFormat::UrlEncoded => "url_encoded",
        }
    }
}

#[derive(Debug)]
pub enum Format {
    Newline,
    UrlEncoded { redirect_params: Vec<String> },
    Selectable { selector: String, default: WireFormat, formats: Vec<(String, WireFormat)> },
}

#[derive(Debug)]
pub struct Response {
    pub format: Format,
    pub success_code: i64,
    pub success_message: Option<String>,
    pub positive: Positive,
}

/// What an `errorCode` above zero means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Positive {
    /// An error, like a negative code.
    Error,
    /// A success that exposes its code when the success fields are there; otherwise the outcome
    /// is unknown (write calls) or the answer unreadable (read calls).
    SuccessWithFields,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    String,
    Char,
    Integer,
}

impl Ty {
    pub fn as_str(self) -> &'static str {
        match self {
            Ty::String => "string",
            Ty::Char => "char",
            Ty::Integer => "integer",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    Required,
    Optional,
    Conditional,
}

impl Requirement {
    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::Required => "required",
            Requirement::Optional => "optional",
            Requirement::Conditional => "conditional",
        }
    }
}

/// How a parameter's value is typed in the generated API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    Secret,
    Integer,
    /// An order number (client.toml): an integer or text goes in.
    OrderNumber,
    Flag,
    Enum {
        type_name: String,
    },
}

#[derive(Debug)]
pub struct Allowed {
    pub value: String,
    pub variant: Option<String>,
    pub meaning: String,
}

#[derive(Debug)]
pub struct Param {
    pub wire: String,
    pub field: String,
    pub aliases: Vec<String>,
    pub ty: Ty,
    pub max_length: Option<u32>,
    pub requirement: Requirement,
    pub allowed: Vec<Allowed>,
    pub default: Option<String>,
    pub server_default: Option<String>,
    pub secret: bool,
    pub credential: Option<String>,
    pub format: Option<String>,
    pub product_dependent: bool,
    pub since: Option<String>,
    pub description: String,
    pub value: ValueKind,
}

#[derive(Debug)]
pub enum Rule {
    OneOf { sets: Vec<Vec<String>>, description: String },
    RequiredWhen { param: String, when: String, equals: Vec<String>, description: String },
    OnlyWhen { param: String, when: String, equals: Vec<String>, description: String },
}

#[derive(Debug)]
pub struct Items {
    pub rust_type: String,
    pub min: u32,
    pub underscore_prefix: bool,
    pub open: bool,
    pub one_of: Vec<Vec<String>>,
    pub description: String,
    pub params: Vec<Param>,
}

#[derive(Debug)]
pub struct Group {
    pub id: String,
    pub title: String,
    pub members: Vec<String>,
    pub required_if_any: Vec<String>,
    pub defaults_to: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    Success,
    Error,
}

impl When {
    pub fn as_str(self) -> &'static str {
        match self {
            When::Always => "always",
            When::Success => "success",
            When::Error => "error",
        }
    }
}

#[derive(Debug)]
pub struct Field {
    pub name: String,
    pub field: String,
    pub ty: Ty,
    pub max_length: Option<u32>,
    pub line: Option<u8>,
    pub when: When,
    pub optional: bool,
    pub generations: Vec<String>,
    pub since: Option<String>,
    pub secret: bool,
    pub description: String,
}

#[derive(Debug)]
pub struct ErrorRow {
    pub code: i64,
    pub id: String,
    pub variant: String,
    pub message: Option<String>,
    pub alternatives: Vec<String>,
    pub placeholder: Option<String>,
    pub names: Option<String>,
    pub details_may_follow: bool,
    pub free_text: bool,
    pub applies_to: Vec<String>,
    pub since: Option<String>,
    /// Not in the endpoint's own table: from the documents' general list.
    pub general: bool,
    /// Safe to send again after a wait (-42).
    pub retry_after_backoff: bool,
    pub meaning: String,
}
