//! The checked spec as static data.
//!
//! `cargo xtask codegen` turns `spec/*.toml` into instances of these types
//! (`generated/spec_data.rs`). The validator, the wire codecs, the name-keyed interface and every
//! binding read them, so a rule lives in exactly one place: the spec.

/// One endpoint of the API.
#[derive(Debug)]
pub struct Endpoint {
    /// Identifier used by the SDK (`place_order`); stable, snake_case.
    pub id: &'static str,
    /// Name on the wire (`!PlaceOrder`), when the documents state one.
    pub name: Option<&'static str>,
    /// Human title: the wire name, or a description when there is none.
    pub title: &'static str,
    /// Path below the host (`/products/!PlaceOrder`), when the documents state one.
    pub path: Option<&'static str>,
    /// Why the path is not known, when it is not.
    pub path_unknown: Option<&'static str>,
    /// Hosts (`current`, `legacy`) the documents name for this endpoint.
    pub hosts: &'static [&'static str],
    /// HTTP methods the server accepts. The SDK always sends POST.
    pub methods: &'static [&'static str],
    /// Whether a call changes state on the server (and so is never resent).
    pub effect: Effect,
    /// How the answer is encoded.
    pub response: ResponseFormat,
    /// `errorCode` of a successful call.
    pub success_code: i64,
    /// What an `errorCode` above zero means (negative codes are errors).
    pub positive_codes: PositiveCodes,
    /// One-line summary.
    pub summary: &'static str,
    /// Parameters, in the order of the documents' tables (also the order on the wire).
    pub params: &'static [Param],
    /// Indexed item parameters (`1_PPP`), when the endpoint takes items.
    pub items: Option<&'static Items>,
    /// Rules between parameters.
    pub rules: &'static [Rule],
    /// Parameter groups ("if any of the group is given, these become required").
    pub groups: &'static [Group],
    /// Fields the answer may carry.
    pub fields: &'static [Field],
    /// The endpoint's error table.
    pub errors: &'static [ErrorRow],
    /// When it was imported from a cut page, what that page lacked, in the words every surface
    /// shows (the spec may be missing facts of it); `None` for a complete endpoint.
    pub partial: Option<&'static str>,
}

/// What an `errorCode` above zero means. The documents call a negative code an error and 0 a
/// success; a positive code is neither, and must never make a placed order look failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositiveCodes {
    /// An error, like a negative code.
    Error,
    /// A success that exposes its code, when the answer carries the success fields; without them
    /// the outcome of a state-changing call is unknown, and a read call's answer unreadable.
    SuccessWithFields,
}

/// Whether a call only reads or changes something on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Safe to repeat (opening a customer session).
    Read,
    /// Places an order, signs up a partner or authorizes an order: never resent automatically.
    Write,
}

/// Encoding of an endpoint's answer.
#[derive(Debug, Clone, Copy)]
pub enum ResponseFormat {
    /// Always one value per line.
    Newline,
    /// Always `name=value&...`; with one of `redirect_params` given, the server answers with a
    /// redirect whose query string holds the same pairs.
    UrlEncoded {
        /// Request parameters that turn the answer into a redirect.
        redirect_params: &'static [&'static str],
    },
    /// Chosen by a request parameter.
    Selectable {
        /// The parameter (`responseFormat`).
        selector: &'static str,
        /// Format used when the parameter is not sent.
        default: WireFormat,
        /// Parameter value to format.
        formats: &'static [(&'static str, WireFormat)],
    },
}

/// A concrete answer encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireFormat {
    /// One value per line, positions given by [`Field::line`].
    Newline,
    /// `application/x-www-form-urlencoded` pairs.
    UrlEncoded,
}

/// Wire type of a parameter, as the documents give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// Text.
    String,
    /// Text, usually a single character (`Y`/`N`).
    Char,
    /// A whole number in decimal.
    Integer,
}

/// Whether a parameter must be sent, as the documents word it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Always needed.
    Required,
    /// May be left out.
    Optional,
    /// Needed in some cases, given by [`Rule`]s and [`Group`]s.
    Conditional,
}

impl Requirement {
    /// The word used in the documents and in `cargo xtask spec --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::Required => "required",
            Requirement::Optional => "optional",
            Requirement::Conditional => "conditional",
        }
    }
}

/// A check on a value's shape beyond its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Two ASCII letters (an ISO 3166 country code).
    Iso3166Alpha2,
}

/// Which client credential fills a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// The account user name.
    LoginName,
    /// The account password.
    LoginPassword,
}

/// One request parameter.
#[derive(Debug)]
pub struct Param {
    /// Name on the wire (matched case-insensitively by the server and by the SDK).
    pub name: &'static str,
    /// snake_case name in the generated APIs (`login_name`; `omit_xxx_by_string`).
    pub rust_name: &'static str,
    /// Other accepted names (`country` for `countryName`).
    pub aliases: &'static [&'static str],
    /// Wire type.
    pub ty: ParamType,
    /// Longest value, in characters (Unicode scalar values).
    pub max_length: Option<u32>,
    /// As the documents word it.
    pub requirement: Requirement,
    /// Allowed values, when restricted.
    pub allowed: &'static [Allowed],
    /// Value the server assumes when the parameter is not sent.
    pub default: Option<&'static str>,
    /// What the server does when the parameter is not sent, when it is not a single value.
    pub server_default: Option<&'static str>,
    /// Never shown in `Debug`, errors or logs.
    pub secret: bool,
    /// Filled from the client's credentials when not given.
    pub credential: Option<Credential>,
    /// Extra shape check.
    pub format: Option<Format>,
    /// The product decides whether this item parameter is needed; the SDK cannot enforce it.
    pub product_dependent: bool,
    /// Document version that added it, when stated.
    pub since: Option<&'static str>,
    /// What the parameter is for.
    pub description: &'static str,
}

/// One allowed value of a parameter.
#[derive(Debug)]
pub struct Allowed {
    /// The value on the wire.
    pub value: &'static str,
    /// What it means.
    pub meaning: &'static str,
}

/// A rule between parameters.
#[derive(Debug)]
pub enum Rule {
    /// At least one of these sets must be given in full.
    OneOf {
        /// The alternative sets of parameter names.
        sets: &'static [&'static [&'static str]],
    },
    /// `param` is required when `when_param` has one of `equals`.
    RequiredWhen {
        /// The parameter that becomes required.
        param: &'static str,
        /// The parameter whose value decides.
        when_param: &'static str,
        /// Values of `when_param` that make `param` required.
        equals: &'static [&'static str],
    },
    /// `param` may only be given when `when_param` has one of `equals`.
    OnlyWhen {
        /// The parameter that is restricted.
        param: &'static str,
        /// The parameter whose value decides.
        when_param: &'static str,
        /// Values of `when_param` that allow `param`.
        equals: &'static [&'static str],
    },
}

/// A group of parameters (a contact or an address).
#[derive(Debug)]
pub struct Group {
    /// Identifier (`billing_address`).
    pub id: &'static str,
    /// Human title (`Billing contact address`).
    pub title: &'static str,
    /// Every parameter of the group.
    pub members: &'static [&'static str],
    /// Members that become required when any member is given.
    pub required_if_any: &'static [&'static str],
    /// Group whose values the server copies when this group is empty or left out.
    pub defaults_to: Option<&'static str>,
}

/// The indexed item parameters of an endpoint (`1_PPP`, `2_ID`, ...).
#[derive(Debug)]
pub struct Items {
    /// Fewest items a request may carry.
    pub min: u32,
    /// `_1_PPP` is accepted as well as `1_PPP`.
    pub underscore_prefix: bool,
    /// Item parameters beyond `params` pass through (products define their own).
    pub open: bool,
    /// Each item must give every parameter of at least one set.
    pub one_of: &'static [&'static [&'static str]],
    /// The item parameters (names without the `x_` prefix).
    pub params: &'static [Param],
}

/// When an answer field is present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// In every answer.
    Always,
    /// When `errorCode` is the success code.
    Success,
    /// When `errorCode` is an error.
    Error,
}

/// One field of an answer.
#[derive(Debug)]
pub struct Field {
    /// Name (in URL-encoded answers; the SDK uses it for newline answers too).
    pub name: &'static str,
    /// Type.
    pub ty: ParamType,
    /// Longest value the documents announce.
    pub max_length: Option<u32>,
    /// Line in newline-delimited answers (1-based).
    pub line: Option<u8>,
    /// When it is present.
    pub when: When,
    /// It may be missing even then.
    pub optional: bool,
    /// Document generations that send it (empty: all).
    pub generations: &'static [&'static str],
    /// Document version that added it, when stated.
    pub since: Option<&'static str>,
    /// A session handle or similar: left out of `Debug` output.
    pub secret: bool,
    /// What it holds.
    pub description: &'static str,
}

/// What an error message's placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// A request parameter name.
    Parameter,
    /// An order number.
    Order,
    /// A country code.
    Country,
    /// A date.
    Date,
    /// A context the account lacks permission for.
    Context,
}

impl Names {
    /// Lower-case word, as in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            Names::Parameter => "parameter",
            Names::Order => "order",
            Names::Country => "country",
            Names::Date => "date",
            Names::Context => "context",
        }
    }
}

/// One row of an endpoint's error table.
#[derive(Debug)]
pub struct ErrorRow {
    /// The `errorCode`.
    pub code: i64,
    /// Key in `spec/errors.toml` (`argument_missing`).
    pub id: &'static str,
    /// The server's message, exactly; a template when `placeholder` is set.
    pub message: Option<&'static str>,
    /// Other exact messages allowed for this code.
    pub alternatives: &'static [&'static str],
    /// Token in `message` replaced by a value.
    pub placeholder: Option<&'static str>,
    /// What that value is.
    pub names: Option<Names>,
    /// The server may append details to the message.
    pub details_may_follow: bool,
    /// Parameters the error can concern, when the document restricts them.
    pub applies_to: &'static [&'static str],
    /// Document version that added it, when stated.
    pub since: Option<&'static str>,
    /// Not in the endpoint's own table, but in the documents' general list, which every
    /// endpoint may answer with.
    pub general: bool,
    /// The server refused the call for now (-42): sending it again after a wait is safe.
    pub retry_after_backoff: bool,
    /// What it means.
    pub meaning: &'static str,
}

impl ErrorRow {
    /// The value standing in for the placeholder in `message`, if `message` is this row's
    /// template filled in. Quotes around the placeholder are optional (the documents' own
    /// sample of -27 leaves them out).
    pub fn extract<'m>(&self, message: &'m str) -> Option<&'m str> {
        let template = self.message?;
        let token = self.placeholder?;
        let at = template.find(token)?;
        let (prefix, suffix) = (&template[..at], &template[at + token.len()..]);
        let attempt = |prefix: &str, suffix: &str| -> Option<&'m str> {
            let rest = message.strip_prefix(prefix)?;
            let end = if suffix.is_empty() { rest.len() } else { rest.find(suffix)? };
            let value = &rest[..end];
            (!value.is_empty()).then_some(value)
        };
        attempt(prefix, suffix).or_else(|| {
            let unquoted_prefix = prefix.strip_suffix('\'')?;
            let unquoted_suffix = suffix.strip_prefix('\'').unwrap_or(suffix);
            attempt(unquoted_prefix, unquoted_suffix)
        })
    }
}

impl Endpoint {
    /// The parameter with this name or alias (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.matches(name))
    }

    /// The error table row for a code.
    pub fn error(&self, code: i64) -> Option<&'static ErrorRow> {
        self.errors.iter().find(|e| e.code == code)
    }

    /// The answer field with this name (case-insensitive).
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

impl Param {
    /// Whether `name` is this parameter's name or one of its aliases (case-insensitive).
    pub fn matches(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }

    /// Whether the parameter is a `Y`/`N` flag.
    pub fn is_flag(&self) -> bool {
        self.allowed.len() == 2
            && self.allowed.iter().any(|a| a.value == "Y")
            && self.allowed.iter().any(|a| a.value == "N")
    }
}

/// A page an end customer can be sent to.
#[derive(Debug)]
pub struct Page {
    /// Identifier (`sasp_post_payment`).
    pub id: &'static str,
    /// Human title.
    pub title: &'static str,
    /// Base URL of the host serving it, when the documents give it.
    pub host_url: Option<&'static str>,
    /// Path, when the documents give it.
    pub path: Option<&'static str>,
    /// Query parameters, in order.
    pub query: &'static [&'static str],
    /// What the page is.
    pub description: &'static str,
}

/// A setting of the client (`spec/client.toml`): its name as C and PHP set it, and on the other
/// surfaces (`None`: not offered there).
#[derive(Debug)]
pub struct Setting {
    /// As `sectigo_options_set` and PHP's options name it (`timeout_ms`, `path:<endpoint>`).
    pub name: &'static str,
    /// What kind of value it takes, which each surface writes in its own way.
    pub ty: SettingType,
    /// May be set more than once (each value adds).
    pub repeatable: bool,
    /// How the value is written, for C and PHP.
    pub value: &'static str,
    /// What holds when it is not set.
    pub default: &'static str,
    /// What it does.
    pub meaning: &'static str,
    /// Never shown.
    pub secret: bool,
    /// The keyword of Python's `Client` (seconds where C takes milliseconds).
    pub python: Option<&'static str>,
    /// The command's flag, without `--`.
    pub cli: Option<&'static str>,
    /// The command's environment variable.
    pub env: Option<&'static str>,
    /// The `ClientBuilder` method.
    pub rust: Option<&'static str>,
    /// A `choice`'s values.
    pub choices: &'static [&'static str],
    /// The least value of a `duration` (in milliseconds) or a `count`.
    pub min: u64,
    /// What the command's help adds for its flag.
    pub cli_note: Option<&'static str>,
}

/// The type of a [`Setting`]'s value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingType {
    /// One line of text.
    Text,
    /// Text never shown (a password, a URL that may hold one).
    Secret,
    /// A file's path.
    Path,
    /// One of [`Setting::choices`].
    Choice,
    /// On or off.
    Flag,
    /// A time: milliseconds in C and PHP, seconds in Python and the command.
    Duration,
    /// A whole number from [`Setting::min`].
    Count,
    /// Keys and values (`path:<endpoint>`: an endpoint and its path).
    Map,
}

impl SettingType {
    /// As `spec/client.toml` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            SettingType::Text => "text",
            SettingType::Secret => "secret",
            SettingType::Path => "path",
            SettingType::Choice => "choice",
            SettingType::Flag => "flag",
            SettingType::Duration => "duration",
            SettingType::Count => "count",
            SettingType::Map => "map",
        }
    }
}

/// One web product of the pricing catalogue, for one term.
#[derive(Debug)]
pub struct CatalogueEntry {
    /// Product name (`Web DNS Pro`).
    pub product: &'static str,
    /// Term label (`1-year`).
    pub term: &'static str,
    /// Pricing code, sent as an item's `PPP`.
    pub ppp: i64,
}

/// The endpoint in `endpoints` with this id or wire name: case-insensitive, and the `!` of a
/// wire name may be left out.
pub fn find_endpoint(endpoints: &[&'static Endpoint], name: &str) -> Option<&'static Endpoint> {
    let bare = name.strip_prefix('!').unwrap_or(name);
    endpoints.iter().copied().find(|e| {
        e.id.eq_ignore_ascii_case(name)
            || e.name.is_some_and(|n| n.strip_prefix('!').unwrap_or(n).eq_ignore_ascii_case(bare))
    })
}
