//! The spec exactly as written in `spec/*.toml`. Unknown keys are errors.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `spec/api.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiFile {
    #[serde(default)]
    pub hosts: BTreeMap<String, HostDef>,
    #[serde(default)]
    pub page: Vec<PageDef>,
    /// How every endpoint's `errorCode` is read beyond its success code.
    pub outcome: Option<OutcomeDef>,
}

/// `[outcome]` of api.toml.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeDef {
    /// What a code above zero means: `success_with_fields` or `error`.
    pub positive: String,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostDef {
    pub url: String,
    /// How an account logs in there: "password" (the default) or "client_certificate".
    pub login: Option<String>,
    /// Where the host is documented, when not in the seed documents.
    pub source: Option<String>,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageDef {
    pub id: String,
    pub title: String,
    pub host: Option<String>,
    pub path: Option<String>,
    pub query: Vec<String>,
    pub source: String,
    pub description: String,
}

/// `spec/products.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductsFile {
    pub catalogue: Option<CatalogueDef>,
    #[serde(default)]
    pub term: Vec<TermDef>,
    #[serde(default)]
    pub product: Vec<ProductDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueDef {
    #[serde(rename = "type")]
    pub type_name: String,
    pub endpoint: String,
    pub item_param: String,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermDef {
    pub id: String,
    pub label: String,
    pub days: Option<u32>,
    pub years: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductDef {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub requires: Vec<String>,
    pub ppp: BTreeMap<String, i64>,
}

/// `spec/client.toml`: the client's surface that is the SDK's own.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientFile {
    #[serde(default)]
    pub api_error: Vec<ApiErrorClassDef>,
    pub order_number: Option<OrderNumberDef>,
    #[serde(default)]
    pub setting: Vec<SettingDef>,
    #[serde(default)]
    pub error_kind: Vec<ErrorKindDef>,
}

/// `[[error_kind]]` of client.toml: one kind of failure, on every surface.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorKindDef {
    pub name: String,
    pub meaning: String,
    pub sent: String,
    pub retry_safe: String,
    pub may_have_taken_effect: String,
    pub rust: Option<String>,
    pub rust_why: Option<String>,
    pub c: String,
    pub python: Option<String>,
    pub python_why: Option<String>,
    pub php: Option<String>,
    pub php_why: Option<String>,
    #[serde(default)]
    pub cli: Vec<u8>,
    pub cli_note: Option<String>,
    pub cli_why: Option<String>,
}

/// `[[setting]]` of client.toml: one setting of the client, on every surface.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingDef {
    /// As C and PHP set it.
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub repeatable: bool,
    pub value: String,
    pub default: String,
    pub meaning: String,
    /// As PHP sets it, where that differs from `name` (a map, which PHP takes as an array).
    pub php: Option<String>,
    pub python: Option<String>,
    pub python_why: Option<String>,
    pub cli: Option<String>,
    pub cli_why: Option<String>,
    pub env: Option<String>,
    pub rust: Option<String>,
    pub rust_why: Option<String>,
    /// A choice's values, each also in `value` (in backticks).
    #[serde(default)]
    pub choices: Vec<String>,
    /// The least value of a duration (milliseconds) or a count; 0 when not given.
    pub min: Option<u64>,
    /// What the command's help adds for the flag.
    pub cli_note: Option<String>,
}

/// `[order_number]` of client.toml.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderNumberDef {
    /// Wire names of the parameters and answer fields that carry an order number.
    pub names: Vec<String>,
}

/// `[[api_error]]` of client.toml: a class of API errors users catch by name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiErrorClassDef {
    /// UpperCamelCase; `AuthenticationError` in Python, `AuthenticationException` in PHP.
    pub name: String,
    /// Keys of errors.toml.
    pub errors: Vec<String>,
    pub description: String,
}

/// One entry of `spec/errors.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorDef {
    pub code: i64,
    pub message: Option<String>,
    pub placeholder: Option<String>,
    pub names: Option<String>,
    #[serde(default)]
    pub alternatives: Vec<String>,
    #[serde(default)]
    pub details_may_follow: bool,
    #[serde(default)]
    pub free_text: bool,
    /// In the documents' general list: recognised on every endpoint.
    #[serde(default)]
    pub general: bool,
    /// `backoff`: the server refused the call for now; trying again after a wait is safe.
    pub retry: Option<String>,
    pub meaning: String,
}

/// `spec/endpoints/*.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointFile {
    pub endpoint: EndpointDef,
    pub response: ResponseDef,
    #[serde(default)]
    pub param: Vec<ParamDef>,
    #[serde(default)]
    pub rule: Vec<RuleDef>,
    pub items: Option<ItemsDef>,
    #[serde(default)]
    pub item_param: Vec<ParamDef>,
    #[serde(default)]
    pub group: Vec<GroupDef>,
    #[serde(default)]
    pub field: Vec<FieldDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointDef {
    pub id: String,
    pub name: Option<String>,
    pub title: Option<String>,
    pub path: Option<String>,
    pub path_unknown: Option<String>,
    pub hosts: Vec<String>,
    pub methods: Vec<String>,
    pub effect: String,
    pub summary: String,
    pub description: String,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub pages: Vec<String>,
    pub errors: Vec<ErrorRef>,
    #[serde(default)]
    pub source: Vec<SourceDef>,
    #[serde(default)]
    pub history: Vec<HistoryDef>,
    /// The parts its page lacked (`request`, `answer`, `errors`): an endpoint imported from a cut
    /// page (`cargo xtask import-doc --new --allow-partial`).
    #[serde(default)]
    pub partial: Vec<String>,
}

/// An endpoint's error-table row: a key of `spec/errors.toml`, optionally with overrides.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ErrorRef {
    Id(String),
    Table(ErrorOverride),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorOverride {
    pub id: String,
    pub message: Option<String>,
    pub meaning: Option<String>,
    pub since: Option<String>,
    #[serde(default)]
    pub applies_to: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDef {
    pub file: String,
    pub generation: String,
    pub version: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryDef {
    pub version: String,
    pub changes: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseDef {
    pub format: String,
    pub selector: Option<String>,
    #[serde(default)]
    pub formats: BTreeMap<String, String>,
    #[serde(default)]
    pub redirect_params: Vec<String>,
    pub success_code: i64,
    pub success_message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(rename = "type")]
    pub ty: String,
    pub max_length: Option<i64>,
    pub requirement: String,
    #[serde(default)]
    pub allowed: Vec<AllowedDef>,
    pub default: Option<String>,
    pub server_default: Option<String>,
    #[serde(default)]
    pub secret: bool,
    pub credential: Option<String>,
    pub format: Option<String>,
    #[serde(default)]
    pub product_dependent: bool,
    pub since: Option<String>,
    pub rust_name: Option<String>,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedDef {
    pub value: String,
    pub variant: Option<String>,
    pub meaning: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub kind: String,
    pub sets: Option<Vec<Vec<String>>>,
    pub param: Option<String>,
    pub when: Option<WhenDef>,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhenDef {
    pub param: String,
    pub equals: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemsDef {
    pub min: u32,
    #[serde(default)]
    pub underscore_prefix: bool,
    #[serde(default)]
    pub open: bool,
    #[serde(default)]
    pub one_of: Vec<Vec<String>>,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    pub id: String,
    pub title: String,
    pub members: Vec<String>,
    #[serde(default)]
    pub required_if_any: Vec<String>,
    pub defaults_to: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub max_length: Option<i64>,
    pub line: Option<u8>,
    pub when: String,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub generations: Vec<String>,
    pub since: Option<String>,
    /// A session handle or similar: left out of `Debug` output.
    #[serde(default)]
    pub secret: bool,
    pub description: String,
}
