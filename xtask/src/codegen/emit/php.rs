//! `bindings/php/src/generated/`: the endpoint methods (typed by phpdoc array shapes), a result
//! class per endpoint and the version, documented from the spec.

use std::fmt::Write as _;

use crate::codegen::ir::{self, Ir};
use crate::codegen::naming::{block_comment, lower_camel, php_string, upper_camel};

fn php_type(p: &ir::Param) -> String {
    if !p.allowed.is_empty() {
        let mut values: Vec<String> = p.allowed.iter().map(|a| format!("'{}'", a.value)).collect();
        if p.ty == ir::Ty::Integer {
            values.extend(p.allowed.iter().filter(|a| a.value.parse::<i64>().is_ok()).map(|a| a.value.clone()));
        }
        if p.value == ir::ValueKind::Flag {
            values.push("bool".to_owned());
        }
        return values.join("|");
    }
    // An order number (client.toml) goes in as an integer or text, as integers do.
    match (p.ty, &p.value) {
        (ir::Ty::Integer, _) | (_, ir::ValueKind::OrderNumber) => "int|string".to_owned(),
        _ => "string".to_owned(),
    }
}

fn param_doc(p: &ir::Param, name: &str) -> String {
    let mut facts = vec![p.requirement.as_str().to_owned()];
    if let Some(max) = p.max_length {
        facts.push(format!("max {max} chars"));
    }
    for a in &p.allowed {
        facts.push(format!("{} = {}", a.value, a.meaning.trim_end_matches('.')));
    }
    if let Some(d) = &p.default {
        facts.push(format!("server default {d}"));
    }
    if p.credential.is_some() {
        facts.push("from the client's credentials unless given".to_owned());
    }
    format!(
        "     *   - `{name}` ({}): {} [{}]\n",
        php_type(p),
        block_comment(&p.description),
        block_comment(&facts.join("; "))
    )
}

/// Every file of `bindings/php/src/generated/`: the endpoint methods, a result class per
/// endpoint and the version. (file name, contents)
pub fn files(ir: &Ir, version: &str, soname: &str, dylib: &str) -> Vec<(String, String)> {
    let mut files =
        vec![("Endpoints.php".to_owned(), endpoints(ir)), ("ClientInterface.php".to_owned(), interface(ir))];
    for e in &ir.endpoints {
        files.push((format!("{}.php", result_class(e)), result(e)));
    }
    files.push(("Version.php".to_owned(), version_class(version, soname, dylib)));
    files.push(("ErrorCode.php".to_owned(), error_code_enum(ir)));
    if !ir.settings.is_empty() {
        files.push(("Options.php".to_owned(), options_class(ir)));
    }
    if !ir.error_kinds.is_empty() {
        files.push(("ErrorKind.php".to_owned(), error_kind_enum(ir)));
    }
    for class in &ir.error_classes {
        files.push((format!("{}Exception.php", class.name), error_class(class)));
    }
    files.push(("ApiErrorClasses.php".to_owned(), error_classes(ir)));
    files.push(("Pages.php".to_owned(), pages(ir)));
    if let Some(c) = &ir.catalogue {
        files.push(("Term.php".to_owned(), term_enum(c)));
        files.push((format!("{}.php", c.type_name), product_enum(c)));
    }
    files
}

/// `Sectigo\Pages`: one static method per customer page of api.toml, over `Client::pageUrl`.
fn pages(ir: &Ir) -> String {
    let mut o = format!(
        "{HEADER}/** The URLs of the pages an end customer is sent to after `!initCustomerSession`, URL-encoded. */\nfinal class Pages\n{{\n"
    );
    for (i, page) in ir.pages.iter().enumerate() {
        if i > 0 {
            o.push('\n');
        }
        let method = format!("{}Url", lower_camel(&page.id));
        if page.host_url.is_some() && page.path.is_some() {
            let _ = write!(
                o,
                "    /**\n     * {}: {}\n     *\n     * @throws Exception\n     */\n    public static function {method}(#[\\SensitiveParameter] string $sid, int|string $orderNumber): string\n    {{\n        return Client::pageUrl('{}', null, $sid, $orderNumber);\n    }}\n",
                block_comment(&page.title),
                block_comment(&page.description.replace('\n', " ")),
                page.id
            );
        } else {
            let _ = write!(
                o,
                "    /**\n     * {}: {} `$template` holds `{{SID}}` and `{{orderNumber}}`.\n     *\n     * @throws Exception\n     */\n    public static function {method}(string $template, #[\\SensitiveParameter] string $sid, int|string $orderNumber): string\n    {{\n        return Client::pageUrl('{}', $template, $sid, $orderNumber);\n    }}\n",
                block_comment(&page.title),
                block_comment(&page.description.replace('\n', " ")),
                page.id
            );
        }
    }
    o.push_str("}\n");
    o
}

/// `Sectigo\Term`: the terms products are sold for.
fn term_enum(c: &ir::Catalogue) -> String {
    let mut o = format!("{HEADER}/** The terms products are sold for. */\nenum Term: string\n{{\n");
    for t in &c.terms {
        let _ = writeln!(o, "    /** {} */\n    case {} = '{}';", block_comment(&t.label), t.variant, t.id);
    }
    o.push_str("\n    /** How the documents name the term. */\n    public function label(): string\n    {\n        return match ($this) {\n");
    for t in &c.terms {
        let _ = writeln!(o, "            self::{} => '{}',", t.variant, t.label.replace('\'', "\\'"));
    }
    o.push_str("        };\n    }\n}\n");
    o
}

/// `Sectigo\WebProduct`: the catalogue's products, their pricing codes per term and the lookup
/// back, as Python's and Rust's.
fn product_enum(c: &ir::Catalogue) -> String {
    let t = &c.type_name;
    let mut o = format!("{HEADER}/** {} */\nenum {t}: string\n{{\n", block_comment(&c.description));
    for p in &c.products {
        let _ = writeln!(o, "    /** {} */\n    case {} = '{}';", block_comment(&p.name), p.variant, p.id);
    }
    o.push_str("\n    /** The pricing codes (PPP), by product and term. */\n    private const PPP = [\n");
    for p in &c.products {
        let codes: Vec<String> =
            p.ppp.iter().map(|(term, code)| format!("'{}' => {code}", c.terms[*term].id)).collect();
        let _ = writeln!(o, "        '{}' => [{}],", p.id, codes.join(", "));
    }
    o.push_str("    ];\n\n    /** The product's name in the documents. */\n    public function label(): string\n    {\n        return match ($this) {\n");
    for p in &c.products {
        let _ = writeln!(o, "            self::{} => '{}',", p.variant, p.name.replace('\'', "\\'"));
    }
    let _ = write!(
        o,
        "        }};\n    }}\n\n    /** The pricing code (PPP) of the product for a term, or null if it is not sold for it. */\n    public function ppp(Term $term): ?int\n    {{\n        return self::PPP[$this->value][$term->value] ?? null;\n    }}\n\n    /**\n     * The terms the product is sold for.\n     *\n     * @return list<Term>\n     */\n    public function terms(): array\n    {{\n        return array_values(array_filter(Term::cases(), fn (Term $term) => $this->ppp($term) !== null));\n    }}\n\n    /**\n     * An item for `placeOrder`'s `items`: `['PPP' => code]`.\n     *\n     * @return array{{PPP: int}}\n     * @throws \\ValueError the product is not sold for that term\n     */\n    public function item(Term $term): array\n    {{\n        $code = $this->ppp($term);\n        if ($code === null) {{\n            $sold = implode(', ', array_map(fn (Term $t) => $t->label(), $this->terms()));\n            throw new \\ValueError(\"{{$this->label()}} is not sold for a {{$term->label()}} term (it is sold for: $sold)\");\n        }}\n        return ['{}' => $code];\n    }}\n\n    /**\n     * The product and term of a pricing code, or null.\n     *\n     * @return array{{0: {t}, 1: Term}}|null\n     */\n    public static function fromPpp(int $code): ?array\n    {{\n        foreach (self::PPP as $product => $codes) {{\n            $term = array_search($code, $codes, true);\n            if ($term !== false) {{\n                return [self::from($product), Term::from($term)];\n            }}\n        }}\n        return null;\n    }}\n}}\n",
        c.item_param
    );
    o
}

/// `Sectigo\ErrorCode`: every error code of the catalogue, as an int-backed enum.
fn error_code_enum(ir: &Ir) -> String {
    let mut o = format!(
        "{HEADER}/** The error codes of Sectigo's documents: `ErrorCode::tryFrom($e->getCode())`, or compare `->value`. */\nenum ErrorCode: int\n{{\n"
    );
    for (i, c) in ir.codes.iter().enumerate() {
        if i > 0 {
            o.push('\n');
        }
        let _ = writeln!(o, "    /** {} */\n    case {} = {};", block_comment(&c.meaning), c.variant, c.code);
    }
    o.push_str("}\n");
    o
}

/// The PHP type of a setting's value in `new Client([...])`.
fn option_type(s: &ir::Setting) -> &'static str {
    match (s.ty.as_str(), s.repeatable) {
        ("map", _) => "array<string, string>",
        ("flag", _) => "bool",
        ("duration" | "count", _) => "int",
        (_, true) => "string|list<string>",
        _ => "string",
    }
}

/// `Sectigo\Options`: the settings of `new Client([...])` (client.toml), their names and
/// types, and `pairs()`, which turns an options array into the C library's (name, text) pairs:
/// a repeatable setting's list into one pair each, a map into one `name:key` pair each.
fn options_class(ir: &Ir) -> String {
    let shape: Vec<String> = ir.settings.iter().map(|s| format!("{}?: {}", s.php, option_type(s))).collect();
    let names: Vec<String> = ir.settings.iter().map(|s| php_string(&s.php)).collect();
    let mut o = format!(
        "{HEADER}/**\n * The settings `new Client([...])` takes (spec/client.toml), as the C library takes them; the\n * client also takes `library` and `logger`.\n *\n * @phpstan-type ClientOptions array{{{}}}\n */\nfinal class Options\n{{\n    /** Every setting's name. */\n    public const NAMES = [{}];\n\n",
        shape.join(", "),
        names.join(", ")
    );
    o.push_str("    /**\n     * The C library's (name, text) pairs of an options array: a list for a repeatable setting\n     * gives a pair each, a map a `name:key` pair each; `true` and `false` are `1` and `0`. A\n     * name the library does not know is left to it to refuse, with the list of names.\n     *\n     * @param array<string, mixed> $options\n     * @return list<array{0: string, 1: string}>\n     * @throws ConfigException a value that is no text, number or boolean\n     */\n    public static function pairs(#[\\SensitiveParameter] array $options): array\n    {\n        $pairs = [];\n        foreach ($options as $name => $value) {\n            $name = (string) $name;\n            switch ($name) {\n");
    for s in ir.settings.iter().filter(|s| s.ty == "map") {
        let prefix = s.name.split(':').next().unwrap_or(&s.name);
        let _ = writeln!(
            o,
            "                case {}:\n                    foreach (self::listed($name, $value) as $key => $one) {{\n                        $pairs[] = [\"{prefix}:$key\", self::text($name, $one)];\n                    }}\n                    break;",
            php_string(&s.php)
        );
    }
    let repeatable: Vec<&ir::Setting> = ir.settings.iter().filter(|s| s.repeatable).collect();
    if !repeatable.is_empty() {
        for s in &repeatable {
            let _ = writeln!(o, "                case {}:", php_string(&s.php));
        }
        o.push_str("                    foreach (is_array($value) ? $value : [$value] as $one) {\n                        $pairs[] = [$name, self::text($name, $one)];\n                    }\n                    break;\n");
    }
    o.push_str("                default:\n                    $pairs[] = [$name, self::text($name, $value)];\n            }\n        }\n        return $pairs;\n    }\n\n");
    o.push_str("    /**\n     * @return array<mixed>\n     * @throws ConfigException\n     */\n    private static function listed(string $name, mixed $value): array\n    {\n        if (!is_array($value)) {\n            throw new ConfigException(\"option $name: an array, not \" . get_debug_type($value));\n        }\n        return $value;\n    }\n\n");
    o.push_str("    /** @throws ConfigException */\n    private static function text(string $name, #[\\SensitiveParameter] mixed $value): string\n    {\n        if (is_bool($value)) {\n            return $value ? '1' : '0';\n        }\n        if (is_string($value) || is_int($value) || is_float($value) || $value instanceof \\Stringable) {\n            return (string) $value;\n        }\n        throw new ConfigException(\"option $name: text, a number or a boolean, not \" . get_debug_type($value));\n    }\n}\n");
    o
}

/// `Sectigo\ErrorKind`: the kinds of failure of client.toml, backed by the C library's
/// `sectigo_error_kind` values (the table's order, from 1), which `Client` reads them as.
fn error_kind_enum(ir: &Ir) -> String {
    let classes: Vec<String> = ir
        .error_kinds
        .iter()
        .filter_map(|k| Some(format!("`{}` as `{}`", upper_camel(&k.name), k.php.as_ref()?)))
        .collect();
    let mut o = format!(
        "{HEADER}/** The kinds of failure, as the C library reports them (docs/errors.md). Thrown: {}; the others as `Exception`. */\nenum ErrorKind: int\n{{\n",
        classes.join(", ")
    );
    for (i, k) in ir.error_kinds.iter().enumerate() {
        if i > 0 {
            o.push('\n');
        }
        let facts = format!(
            "{} Safe to send again: {}. May have taken effect: {}.",
            k.meaning, k.retry_safe, k.may_have_taken_effect
        );
        let _ = writeln!(o, "    /** {} */\n    case {} = {};", block_comment(&facts), upper_camel(&k.name), i + 1);
    }
    o.push_str("}\n");
    o
}

/// A class of API errors (client.toml), a subclass of `ApiException`.
fn error_class(class: &ir::ErrorClass) -> String {
    let codes: Vec<String> = class.codes.iter().map(i64::to_string).collect();
    format!(
        "{HEADER}/** {} ({}) */\nfinal class {}Exception extends ApiException\n{{\n}}\n",
        block_comment(&class.description),
        codes.join(", "),
        class.name
    )
}

/// `Sectigo\ApiErrorClasses::forCode()`: the class an API error of a code is thrown as.
fn error_classes(ir: &Ir) -> String {
    let mut o = format!(
        "{HEADER}/** The class each API error is thrown as, by its code (client.toml's classes). */\nfinal class ApiErrorClasses\n{{\n    /** @var array<int, class-string<ApiException>> */\n    public const BY_CODE = [\n"
    );
    for class in &ir.error_classes {
        for code in &class.codes {
            let _ = writeln!(o, "        {code} => {}Exception::class,", class.name);
        }
    }
    o.push_str("    ];\n\n    /** @return class-string<ApiException> `ApiException` for a code of no class. */\n    public static function forCode(int $code): string\n    {\n        return self::BY_CODE[$code] ?? ApiException::class;\n    }\n}\n");
    o
}

const HEADER: &str = "<?php\n\n// @generated by `cargo xtask codegen` from spec/. Do not edit: change spec/ and run `cargo xtask codegen`.\n\ndeclare(strict_types=1);\n\nnamespace Sectigo;\n\n";

fn result_class(e: &ir::Endpoint) -> String {
    format!("{}Result", e.rust_type)
}

/// A phpdoc array shape key: `name` or `name?`, with its type.
fn shape_entry(p: &ir::Param, optional: bool) -> String {
    format!("{}{}: {}", p.wire, if optional { "?" } else { "" }, php_type(p))
}

/// The phpdoc array shape of an endpoint's parameters. Keys the client fills (credentials) and
/// keys whose need depends on others (conditional) are optional.
fn shape(e: &ir::Endpoint) -> String {
    let mut entries = Vec::new();
    for p in &e.params {
        let optional = p.requirement != ir::Requirement::Required || p.credential.is_some();
        entries.push(shape_entry(p, optional));
        for alias in &p.aliases {
            entries.push(format!("{alias}?: {}", php_type(p)));
        }
    }
    if let Some(items) = &e.items {
        let mut item: Vec<String> = items.params.iter().map(|p| shape_entry(p, true)).collect();
        if items.open {
            item.push("...".to_owned());
        }
        let list = if items.min > 0 { "non-empty-list" } else { "list" };
        entries.push(format!("items{}: {list}<array{{{}}}>", if items.min > 0 { "" } else { "?" }, item.join(", ")));
    }
    format!("array{{{}}}", entries.join(", "))
}

pub fn endpoints(ir: &Ir) -> String {
    let mut out = String::from(HEADER);
    out.push_str(
        "/**\n * One method per endpoint of the spec. Parameters go by their wire names (case-insensitive);\n",
    );
    out.push_str(" * `true`/`false` stand for `Y`/`N`, integers are sent in decimal, and `items` takes a list of\n");
    out.push_str(" * items (`[['PPP' => 9974]]`) sent as `1_PPP`, ... Each returns its own result class; every\n");
    out.push_str(
        " * parameter array may hold a password, so none ever shows in a stack trace.\n */\ntrait Endpoints\n{\n",
    );
    out.push_str("    /**\n     * @param array<string, mixed> $params\n     */\n");
    out.push_str(
        "    abstract public function call(string $endpoint, #[\\SensitiveParameter] array $params): Response;\n",
    );
    for e in &ir.endpoints {
        let _ = write!(out, "\n    /**\n     * `{}`: {}\n     *\n", block_comment(&e.title), block_comment(&e.summary));
        for line in e.description.lines() {
            let _ = writeln!(out, "     * {}", block_comment(line));
        }
        if let Some(note) = e.partial_note() {
            let _ = writeln!(out, "     *\n     * {}", block_comment(&note));
        }
        if e.path.is_none() {
            let _ = writeln!(
                out,
                "     *\n     * Its path is not in Sectigo's documents: construct the client with\n     * `'paths' => ['{}' => '/products/...']`.",
                e.id
            );
        }
        if e.write {
            out.push_str("     *\n     * Changes state: never resent. If its answer is lost, it throws\n     * OutcomeUnknownException: check the account before trying again.\n");
        }
        out.push_str("     *\n     * Parameters:\n");
        for p in &e.params {
            out.push_str(&param_doc(p, &p.wire));
        }
        if let Some(items) = &e.items {
            let _ = writeln!(out, "     *   - `items` (list of arrays): each item's parameters, sent as `<n>_<name>`:");
            for p in &items.params {
                out.push_str(&param_doc(p, &p.wire).replacen("     *   - ", "     *       - ", 1));
            }
        }
        let _ = write!(
            out,
            "     *\n     * @param {} $params\n     * @throws Exception\n     */\n    public function {}(#[\\SensitiveParameter] array $params): {}\n    {{\n        return {}::fromResponse($this->call('{}', $params));\n    }}\n",
            shape(e),
            lower_camel(&e.id),
            result_class(e),
            result_class(e),
            e.name.as_deref().unwrap_or(&e.id)
        );
    }
    out.push_str("}\n");
    out
}

/// `Sectigo\ClientInterface`: what `Client` offers (`call()` and one method per endpoint), for a
/// panel module to depend on and PHPUnit to mock (`Client` is final).
pub fn interface(ir: &Ir) -> String {
    let mut out = String::from(HEADER);
    out.push_str(
        "/**\n * What `Client` offers: `call()`, `callRaw()` and one method per endpoint. Type a module's dependency with\n",
    );
    out.push_str(" * it, and a test can hand it a mock (`$this->createMock(ClientInterface::class)`) or a client of\n");
    out.push_str(" * the sandbox (`Sectigo\\Testing\\Sandbox`).\n */\ninterface ClientInterface\n{\n");
    out.push_str("    /**\n     * Calls an endpoint by wire name (`!PlaceOrder`) or id with wire-named parameters.\n     *\n     * @param array<string, mixed> $params\n     * @throws Exception\n     */\n");
    out.push_str("    public function call(string $endpoint, #[\\SensitiveParameter] array $params): Response;\n");
    out.push_str("\n    /**\n     * Calls a path outside the spec on the client's host (`/products/download/CollectSSL`); see\n     * `Client::callRaw()`.\n     *\n     * @param array<string|int, mixed> $params\n     * @throws Exception\n     */\n");
    out.push_str("    public function callRaw(\n        string $path,\n        #[\\SensitiveParameter] array $params = [],\n        bool $readOnly = false,\n        bool $credentials = true,\n    ): RawAnswer;\n");
    for e in &ir.endpoints {
        let _ = write!(
            out,
            "\n    /**\n     * `{}`: {}\n     *\n     * @param {} $params\n     * @throws Exception\n     */\n    public function {}(#[\\SensitiveParameter] array $params): {};\n",
            block_comment(&e.title),
            block_comment(&e.summary),
            shape(e),
            lower_camel(&e.id),
            result_class(e)
        );
    }
    out.push_str("}\n");
    out
}

/// The result class of an endpoint: its success fields as typed, documented properties, and the
/// whole answer.
fn result(e: &ir::Endpoint) -> String {
    let class = result_class(e);
    let fields: Vec<&ir::Field> = e.fields.iter().filter(|f| f.when == ir::When::Success).collect();
    let mut out = String::from(HEADER);
    let _ = write!(
        out,
        "/** Successful answer of `{}`. The whole answer (every field, the raw body) is `$response`. */\nfinal class {class}\n{{\n    public function __construct(\n",
        block_comment(&e.title)
    );
    for f in &fields {
        let ty = match (f.ty, f.optional) {
            (ir::Ty::Integer, false) => "int",
            (ir::Ty::Integer, true) => "?int",
            (_, false) => "string",
            (_, true) => "?string",
        };
        let mut doc = block_comment(&f.description);
        if f.secret {
            doc.push_str(" Left out of dumps.");
        }
        let _ = write!(
            out,
            "        /** {doc} (`{}`) */\n        public readonly {ty} ${},\n",
            f.name,
            lower_camel(&f.field)
        );
    }
    out.push_str("        /** The whole answer: every field in the order received, the raw body, the quirks. */\n        public readonly Response $response,\n    ) {\n    }\n\n");
    let _ = write!(
        out,
        "    /**\n     * Reads the typed fields of a successful answer.\n     *\n     * @throws DecodeException a required field is missing or an integer is not one\n     */\n    public static function fromResponse(Response $response): self\n    {{\n        return new self(\n"
    );
    for f in &fields {
        let read = match (f.ty, f.optional) {
            (ir::Ty::Integer, false) => format!("$response->requiredInt('{}')", f.name),
            (ir::Ty::Integer, true) => format!("$response->int('{}')", f.name),
            (_, false) => format!("$response->required('{}')", f.name),
            (_, true) => format!("$response->get('{}')", f.name),
        };
        let _ = writeln!(out, "            {}: {read},", lower_camel(&f.field));
    }
    out.push_str("            response: $response,\n        );\n    }\n");
    let secrets: Vec<&&ir::Field> = fields.iter().filter(|f| f.secret).collect();
    out.push_str("\n    /** What dumps show (session handles redacted). */\n    public function __debugInfo(): array\n    {\n        return [\n");
    for f in &fields {
        let name = lower_camel(&f.field);
        if secrets.iter().any(|s| s.field == f.field) {
            let _ = writeln!(out, "            '{name}' => '<redacted>',");
        } else {
            let _ = writeln!(out, "            '{name}' => $this->{name},");
        }
    }
    out.push_str("            'response' => $this->response,\n        ];\n    }\n}\n");
    out
}

fn version_class(version: &str, soname: &str, dylib: &str) -> String {
    format!(
        "{HEADER}/** The release this package belongs to: the same version as the C library's `sectigo_version()`. */\nfinal class Version\n{{\n    /** The package's version. */\n    public const VERSION = '{version}';\n\n    /** The C library it loads (`FFI_LIB` of sectigo.ffi.h). */\n    public const SONAME = '{soname}';\n\n    /** Its name on macOS (`FFI_LIB` of the macOS archive's sectigo.ffi.h). */\n    public const DYLIB = '{dylib}';\n}}\n"
    )
}

/// The settings of `new Client([...])` as a Markdown table, for `bindings/php/README.md`: the
/// PHP name, the PHP type and the default.
pub fn options_table(ir: &Ir) -> String {
    let mut out = String::from("| option | PHP value | default |\n|---|---|---|\n");
    for s in &ir.settings {
        let ty = option_type(s).replace('|', "\\|");
        let _ = writeln!(out, "| `{}` | `{ty}` | {} |", s.php, s.default.replace('|', "\\|"));
    }
    out
}
