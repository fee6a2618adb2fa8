//! `bindings/python/sectigo/generated/__init__.py`: the catalogue, item and result classes, and one
//! keyword-only method per endpoint, with types from the spec.

use std::fmt::Write as _;

use crate::codegen::ir::{self, Ir};
use crate::codegen::naming::{python_docstring, python_name, python_string};

/// A parameter of an endpoint's method (keyword-only): one the spec always requires has no
/// default, so a type checker reports a call without it; the others default to None (and the
/// validation reports every conditional rule a call breaks, all at once).
fn method_param(p: &ir::Param) -> String {
    if p.requirement == ir::Requirement::Required {
        format!("{}: {}", python_name(&p.field), annotation(p))
    } else {
        format!("{}: Optional[{}] = None", python_name(&p.field), annotation(p))
    }
}

/// The annotation of a parameter (without Optional).
fn annotation(p: &ir::Param) -> String {
    match &p.value {
        ir::ValueKind::Flag => "bool".to_owned(),
        ir::ValueKind::Enum { .. } => {
            let values: Vec<String> = p
                .allowed
                .iter()
                .map(|a| if p.ty == ir::Ty::Integer { a.value.clone() } else { python_string(&a.value) })
                .collect();
            format!("Literal[{}]", values.join(", "))
        }
        ir::ValueKind::Integer => "int".to_owned(),
        // An order number: an integer or text goes in; answers give text (client.toml).
        ir::ValueKind::OrderNumber => "Union[int, str]".to_owned(),
        ir::ValueKind::Text | ir::ValueKind::Secret => "str".to_owned(),
    }
}

fn param_doc(p: &ir::Param, name: &str) -> String {
    let mut facts = vec![p.requirement.as_str().to_owned()];
    if let Some(max) = p.max_length {
        facts.push(format!("max {max} characters"));
    }
    for a in &p.allowed {
        facts.push(format!("{} = {}", a.value, a.meaning.trim_end_matches('.')));
    }
    if let Some(d) = &p.default {
        facts.push(format!("server default {d}"));
    }
    format!(
        "            {name} (``{}``): {} [{}]\n",
        p.wire,
        python_docstring(&p.description),
        python_docstring(&facts.join("; "))
    )
}

/// The import lines of a generated module: of each module, the names `body` uses, in the order
/// isort (and ruff) keep them.
fn imports(body: &str, modules: &[(&str, &[&str])]) -> String {
    let mut out = String::new();
    let mut group = None;
    for (module, names) in modules {
        let used: Vec<&str> = names.iter().copied().filter(|n| uses(body, n)).collect();
        if if names.is_empty() { !uses(body, module) } else { used.is_empty() } {
            continue;
        }
        // Standard library, then the package's own (relative) modules, a blank line between.
        let relative = module.starts_with('.');
        if group.is_some_and(|g| g != relative) {
            out.push('\n');
        }
        group = Some(relative);
        if names.is_empty() {
            let _ = writeln!(out, "import {module}");
        } else {
            let _ = writeln!(out, "from {module} import {}", used.join(", "));
        }
    }
    out
}

/// Whether the code of `text` uses the name `name` (not as part of a longer name, nor in a
/// docstring's words).
fn uses(text: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    // The generator's docstrings open and close with `"""`, which their text never holds: the
    // even pieces between them are code.
    let code: String = text.split("\"\"\"").step_by(2).collect::<Vec<_>>().join(" ");
    let text = code.as_str();
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(|c| ident(c) || c == '.') && !after.is_some_and(ident)
    })
}

pub fn module(ir: &Ir) -> String {
    let mut o = String::new();

    // Secret answer fields, for Response.__repr__.
    let secrets: Vec<String> = ir
        .endpoints
        .iter()
        .flat_map(|e| e.fields.iter().filter(|f| f.secret).map(|f| python_string(&f.name)))
        .collect();
    let _ = writeln!(o, "SECRET_FIELDS = frozenset({{{}}})\n", secrets.join(", "));
    error_codes(&mut o, ir);

    if let Some(c) = &ir.catalogue {
        o.push_str("\nclass Term(enum.Enum):\n    \"\"\"Terms products are sold for.\"\"\"\n\n");
        for t in &c.terms {
            let _ = writeln!(o, "    {} = {}", t.id.to_ascii_uppercase(), python_string(&t.label));
        }
        let _ = write!(
            o,
            "\n\nclass {}(enum.Enum):\n    \"\"\"{}\"\"\"\n\n",
            c.type_name,
            python_docstring(&c.description)
        );
        for p in &c.products {
            let _ = writeln!(o, "    {} = {}", p.id.to_ascii_uppercase(), python_string(&p.name));
        }
        let _ = write!(
            o,
            "\n    def ppp(self, term: Term) -> Optional[int]:\n        \"\"\"The pricing code (PPP) of the product for a term, or None if it is not sold for it.\"\"\"\n        return _PPP.get((self, term))\n\n    @property\n    def terms(self) -> tuple[Term, ...]:\n        \"\"\"Terms the product is sold for.\"\"\"\n        return tuple(t for t in Term if (self, t) in _PPP)\n\n    @classmethod\n    def from_ppp(cls, code: int) -> Optional[tuple[{0}, Term]]:\n        \"\"\"The product and term of a pricing code.\"\"\"\n        for key, value in _PPP.items():\n            if value == code:\n                return key\n        return None\n\n\n_PPP: dict[tuple[{0}, Term], int] = {{\n",
            c.type_name
        );
        for p in &c.products {
            for (t, code) in &p.ppp {
                let _ = writeln!(
                    o,
                    "    ({}.{}, Term.{}): {code},",
                    c.type_name,
                    p.id.to_ascii_uppercase(),
                    c.terms[*t].id.to_ascii_uppercase()
                );
            }
        }
        o.push_str("}\n");
    }

    for e in &ir.endpoints {
        if let Some(items) = &e.items {
            let _ = write!(
                o,
                "\n\n@dataclass(frozen=True)\nclass {}:\n    \"\"\"One item of the order. {}\"\"\"\n\n",
                items.rust_type,
                python_docstring(&items.description)
            );
            for p in &items.params {
                let _ = writeln!(o, "    {}: Optional[{}] = None", python_name(&p.field), annotation(p));
            }
            if items.open {
                o.push_str("    extra: Mapping[str, str] = field(default_factory=dict)\n    \"\"\"Product-specific item parameters (name without the number).\"\"\"\n");
            }
            if let Some(c) = ir.catalogue.as_ref().filter(|c| c.endpoint == e.id) {
                let setter = items
                    .params
                    .iter()
                    .find(|p| p.wire == c.item_param)
                    .map(|p| python_name(&p.field))
                    .unwrap_or_default();
                let _ = write!(
                    o,
                    "\n    @classmethod\n    def product(cls, product: {0}, term: Term) -> {1}:\n        \"\"\"An item for a catalogue product and term; ValueError if it is not sold for that term.\"\"\"\n        code = product.ppp(term)\n        if code is None:\n            sold = \", \".join(t.value for t in product.terms)\n            raise ValueError(f\"{{product.value}} is not sold for a {{term.value}} term (it is sold for: {{sold}})\")\n        return cls({2}=code)\n",
                    c.type_name, items.rust_type, setter
                );
            }
            o.push_str("\n    def params(self, index: int) -> Params:\n        \"\"\"This item's (name, value) pairs as item number ``index``.\"\"\"\n        out: Params = []\n");
            for p in &items.params {
                let _ = writeln!(o, "        add(out, f\"{{index}}_{}\", self.{})", p.wire, python_name(&p.field));
            }
            if items.open {
                o.push_str("        for name, value in self.extra.items():\n            add(out, f\"{index}_{name}\", value)\n");
            }
            o.push_str("        return out\n");
        }

        // Result class.
        let result = format!("{}Result", e.rust_type);
        let success: Vec<&ir::Field> = e.fields.iter().filter(|f| f.when == ir::When::Success).collect();
        let _ = write!(
            o,
            "\n\n@dataclass(frozen=True)\nclass {result}:\n    \"\"\"Successful answer of ``{}``.\"\"\"\n\n",
            python_docstring(&e.title)
        );
        for f in &success {
            let ty = match (f.ty, f.optional) {
                (ir::Ty::Integer, false) => "int",
                (ir::Ty::Integer, true) => "Optional[int]",
                (_, false) => "str",
                (_, true) => "Optional[str]",
            };
            let repr = if f.secret { " = field(repr=False)" } else { "" };
            let _ = writeln!(
                o,
                "    {}: {ty}{repr}\n    \"\"\"{}\"\"\"",
                python_name(&f.field),
                python_docstring(&f.description)
            );
        }
        o.push_str("    response: Response = field(repr=False)\n    \"\"\"The whole answer, field by field, with its raw body.\"\"\"\n\n");
        o.push_str("    def to_dict(self) -> dict[str, str]:\n        \"\"\"Every field of the answer, by wire name.\"\"\"\n        return self.response.to_dict()\n");
    }

    settings_class(&mut o, ir, false);
    page_functions(&mut o, ir, false);
    endpoints_class(&mut o, ir, false);
    endpoints_class(&mut o, ir, true);
    let mut head = String::new();
    head.push_str(
        "# @generated by `cargo xtask codegen` from spec/. Do not edit: change spec/ and run `cargo xtask codegen`.\n",
    );
    head.push_str("\"\"\"Per-endpoint methods, results and the product catalogue, generated from the spec.\"\"\"\n\n");
    head.push_str("from __future__ import annotations\n\n");
    head.push_str(&imports(
        &o,
        &[
            ("enum", &[]),
            ("dataclasses", &["dataclass", "field"]),
            ("typing", &["Any", "Literal", "Mapping", "Optional", "Sequence", "Union"]),
            (".._errors", &["ApiError"]),
            (".._pages", &["page_url"]),
            (".._response", &["Response"]),
            (
                ".._values",
                &[
                    "Params",
                    "StrPath",
                    "add",
                    "add_items",
                    "optional_int",
                    "pairs_of",
                    "path_of",
                    "paths_of",
                    "required",
                    "required_int",
                    "texts_of",
                ],
            ),
        ],
    ));
    head + "\n" + &o
}

/// A setting's Python keyword: its annotation, its default and how its value goes to the
/// native client (`{}` is the keyword), by the table's type.
pub(crate) fn setting_keyword(s: &ir::Setting) -> (&'static str, &'static str, &'static str) {
    match (s.ty.as_str(), s.repeatable) {
        ("path", true) => ("Union[StrPath, Sequence[StrPath], None]", "None", "paths_of({})"),
        ("path", false) => ("Optional[StrPath]", "None", "path_of({})"),
        ("flag", _) => ("bool", "False", "{}"),
        ("duration", _) => ("Optional[float]", "None", "{}"),
        ("count", _) => ("Optional[int]", "None", "{}"),
        ("map", _) => ("Optional[Mapping[str, str]]", "None", "pairs_of({})"),
        (_, true) => ("Optional[Sequence[str]]", "None", "texts_of({})"),
        _ => ("Optional[str]", "None", "{}"),
    }
}

/// `ClientSettings`: the keywords both clients take, one per setting of client.toml that Python
/// offers, each handed to `_connect` (which makes the native client) as the native client takes
/// it. In the stub (`stub`), the signature only.
fn settings_class(o: &mut String, ir: &Ir, stub: bool) {
    let offered: Vec<(&ir::Setting, &String)> =
        ir.settings.iter().filter_map(|s| Some((s, s.python.as_ref()?))).collect();
    if offered.is_empty() {
        return;
    }
    let keywords: String = offered
        .iter()
        .map(|(s, name)| {
            let (annotation, default, _) = setting_keyword(s);
            format!("        {name}: {annotation} = {default},\n")
        })
        .collect();
    if stub {
        let _ = write!(
            o,
            "\nclass ClientSettings:\n    def __init__(\n        self,\n        *,\n{keywords}    ) -> None: ...\n    def _connect(self, **native: Any) -> None: ...\n"
        );
        return;
    }
    let _ = write!(
        o,
        "\n\nclass ClientSettings:\n    \"\"\"The settings both clients take (spec/client.toml), each handed to the native client, which\n    checks them all.\"\"\"\n\n    def __init__(\n        self,\n        *,\n{keywords}    ) -> None:\n        self._connect(\n"
    );
    for (s, name) in &offered {
        let (_, _, pass) = setting_keyword(s);
        let _ = writeln!(o, "            {name}={},", pass.replace("{}", name));
    }
    o.push_str(
        "        )\n\n    def _connect(self, **native: Any) -> None:\n        \"\"\"Makes the native client of these settings (the client classes do).\"\"\"\n        raise NotImplementedError\n",
    );
}

/// `ErrorCode`, every code of the catalogue, and the classes of API errors (client.toml) with
/// `API_ERROR_CLASSES`, the class of each of their codes.
fn error_codes(o: &mut String, ir: &Ir) {
    o.push_str("\nclass ErrorCode(enum.IntEnum):\n    \"\"\"The error codes of Sectigo's documents, to compare with ``ApiError.code``.\"\"\"\n\n");
    for c in &ir.codes {
        let _ = writeln!(
            o,
            "    {} = {}\n    \"\"\"{}\"\"\"",
            c.id.to_ascii_uppercase(),
            c.code,
            python_docstring(&c.meaning)
        );
    }
    for class in &ir.error_classes {
        let codes: Vec<String> = class.codes.iter().map(i64::to_string).collect();
        let _ = write!(
            o,
            "\n\nclass {}Error(ApiError):\n    \"\"\"{} ({})\"\"\"\n",
            class.name,
            python_docstring(&class.description),
            codes.join(", ")
        );
    }
    o.push_str("\n\nAPI_ERROR_CLASSES: dict[int, type[ApiError]] = {\n");
    for class in &ir.error_classes {
        for code in &class.codes {
            let _ = writeln!(o, "    {code}: {}Error,", class.name);
        }
    }
    o.push_str("}\n\"\"\"The class of an API error by its code; ``ApiError`` for the others.\"\"\"\n\n");
}

/// One function per customer page of api.toml, over `_pages.page_url`.
fn page_functions(o: &mut String, ir: &Ir, stub: bool) {
    for page in &ir.pages {
        let known = page.host_url.is_some() && page.path.is_some();
        let args = if known {
            "sid: str, order_number: Union[int, str]"
        } else {
            "template: str, sid: str, order_number: Union[int, str]"
        };
        let _ = write!(o, "\n\ndef {}_url({args}) -> str:", page.id);
        if stub {
            o.push_str(" ...\n");
            continue;
        }
        let template = if known { "None" } else { "template" };
        let extra =
            if known { String::new() } else { " ``template`` holds ``{SID}`` and ``{orderNumber}``.".to_owned() };
        let _ = write!(
            o,
            "\n    \"\"\"{}: {}{extra}\"\"\"\n    return page_url({}, {template}, sid, order_number)\n",
            python_docstring(&page.title),
            python_docstring(&page.description.replace('\n', " ")),
            python_string(&page.id)
        );
    }
}

/// The stub of [`error_codes`].
fn stub_error_codes(o: &mut String, ir: &Ir) {
    o.push_str("\nclass ErrorCode(enum.IntEnum):\n");
    if ir.codes.is_empty() {
        o.push_str("    ...\n");
    }
    for c in &ir.codes {
        let _ = writeln!(o, "    {} = {}", c.id.to_ascii_uppercase(), c.code);
    }
    for class in &ir.error_classes {
        let _ = writeln!(o, "\nclass {}Error(ApiError): ...", class.name);
    }
    o.push_str("\nAPI_ERROR_CLASSES: dict[int, type[ApiError]]\n");
}

/// The class of per-endpoint methods: `Endpoints` for `Client`, or, `asynchronous`,
/// `AsyncEndpoints` for `AsyncClient`, whose methods are coroutines.
fn endpoints_class(o: &mut String, ir: &Ir, asynchronous: bool) {
    let (class, def, wait, whose) = if asynchronous {
        ("AsyncEndpoints", "async def", "await ", "``AsyncClient``")
    } else {
        ("Endpoints", "def", "", "``Client``")
    };
    let _ = write!(
        o,
        "\n\nclass {class}:\n    \"\"\"One method per endpoint; {whose} supplies ``_call``.\"\"\"\n\n    {def} _call(self, endpoint: str, params: Params) -> Response:\n        raise NotImplementedError\n"
    );
    for e in &ir.endpoints {
        let result = format!("{}Result", e.rust_type);
        let _ = write!(o, "\n    {def} {}(\n        self,\n        *,\n", e.id);
        let params: Vec<&ir::Param> = e.params.iter().filter(|p| p.credential.is_none()).collect();
        for p in &params {
            let _ = writeln!(o, "        {},", method_param(p));
        }
        if let Some(items) = &e.items {
            let _ =
                writeln!(o, "        items: Sequence[Union[{}, Mapping[str, Union[str, int]]]] = (),", items.rust_type);
        }
        let _ = write!(
            o,
            "    ) -> {result}:\n        \"\"\"``{}``: {}\n\n",
            python_docstring(&e.title),
            python_docstring(&e.summary)
        );
        for line in e.description.lines() {
            let _ = writeln!(o, "        {}", python_docstring(line));
        }
        if let Some(note) = e.partial_note() {
            let _ = writeln!(o, "\n        {}", python_docstring(&note));
        }
        if e.path.is_none() {
            let _ = writeln!(
                o,
                "\n        Its path is not in Sectigo's documents: pass ``paths={{{:?}: \"/products/...\"}}`` to the client.",
                e.id
            );
        }
        if e.write {
            o.push_str("\n        Changes state: never resent. If its answer is lost it raises OutcomeUnknownError:\n        check the account before trying again.\n");
            if asynchronous {
                o.push_str("        So does cancelling the call once its request may have reached the server; the\n        error's ``completion`` then gives the call's actual outcome.\n");
            }
        }
        o.push_str("\n        Args:\n");
        for p in &params {
            o.push_str(&param_doc(p, &python_name(&p.field)));
        }
        if e.items.is_some() {
            o.push_str("            items: the order's items (item objects or mappings of item parameter names), sent as ``1_PPP``, ...\n");
        }
        o.push_str("        \"\"\"\n        params: Params = []\n");
        for p in &params {
            let _ = writeln!(o, "        add(params, {}, {})", python_string(&p.wire), python_name(&p.field));
        }
        if e.items.is_some() {
            o.push_str("        add_items(params, items)\n");
        }
        let success: Vec<&ir::Field> = e.fields.iter().filter(|f| f.when == ir::When::Success).collect();
        let _ = writeln!(
            o,
            "        response = {wait}self._call({}, params)",
            python_string(e.name.as_deref().unwrap_or(&e.id))
        );
        let _ = writeln!(o, "        return {result}(");
        for f in &success {
            let getter = match (f.ty, f.optional) {
                (ir::Ty::Integer, false) => format!("required_int(response, {})", python_string(&f.name)),
                (ir::Ty::Integer, true) => format!("optional_int(response, {})", python_string(&f.name)),
                (_, false) => format!("required(response, {})", python_string(&f.name)),
                (_, true) => format!("response.get({})", python_string(&f.name)),
            };
            let _ = writeln!(o, "            {}={getter},", python_name(&f.field));
        }
        o.push_str("            response=response,\n        )\n");
    }
}

/// `bindings/python/sectigo/generated/__init__.pyi`: the same API as [`module`], as a stub
/// (mypy.stubtest checks that the two agree).
pub fn stub(ir: &Ir) -> String {
    let mut o = String::new();
    o.push_str(
        "# @generated by `cargo xtask codegen` from spec/. Do not edit: change spec/ and run `cargo xtask codegen`.\n",
    );
    let header = o;
    let mut o = String::from("SECRET_FIELDS: frozenset[str]\n");
    stub_error_codes(&mut o, ir);
    if let Some(c) = &ir.catalogue {
        o.push_str("\nclass Term(enum.Enum):\n");
        for t in &c.terms {
            let _ = writeln!(o, "    {} = {}", t.id.to_ascii_uppercase(), python_string(&t.label));
        }
        let _ = writeln!(o, "\nclass {}(enum.Enum):", c.type_name);
        for p in &c.products {
            let _ = writeln!(o, "    {} = {}", p.id.to_ascii_uppercase(), python_string(&p.name));
        }
        let _ = write!(
            o,
            "    def ppp(self, term: Term) -> Optional[int]: ...\n    @property\n    def terms(self) -> tuple[Term, ...]: ...\n    @classmethod\n    def from_ppp(cls, code: int) -> Optional[tuple[{0}, Term]]: ...\n\n_PPP: dict[tuple[{0}, Term], int]\n",
            c.type_name
        );
    }
    for e in &ir.endpoints {
        if let Some(items) = &e.items {
            let _ = writeln!(o, "\n@dataclass(frozen=True)\nclass {}:", items.rust_type);
            for p in &items.params {
                let _ = writeln!(o, "    {}: Optional[{}] = None", python_name(&p.field), annotation(p));
            }
            if items.open {
                o.push_str("    extra: Mapping[str, str] = ...\n");
            }
            if let Some(c) = ir.catalogue.as_ref().filter(|c| c.endpoint == e.id) {
                let _ = writeln!(
                    o,
                    "    @classmethod\n    def product(cls, product: {}, term: Term) -> {}: ...",
                    c.type_name, items.rust_type
                );
            }
            o.push_str("    def params(self, index: int) -> Params: ...\n");
        }
        let result = format!("{}Result", e.rust_type);
        let _ = writeln!(o, "\n@dataclass(frozen=True)\nclass {result}:");
        for f in e.fields.iter().filter(|f| f.when == ir::When::Success) {
            let ty = match (f.ty, f.optional) {
                (ir::Ty::Integer, false) => "int",
                (ir::Ty::Integer, true) => "Optional[int]",
                (_, false) => "str",
                (_, true) => "Optional[str]",
            };
            let _ = writeln!(o, "    {}: {ty}", python_name(&f.field));
        }
        o.push_str("    response: Response\n");
        o.push_str("    def to_dict(self) -> dict[str, str]: ...\n");
    }
    settings_class(&mut o, ir, true);
    page_functions(&mut o, ir, true);
    for (class, def) in [("Endpoints", "def"), ("AsyncEndpoints", "async def")] {
        stub_endpoints_class(&mut o, ir, class, def);
    }
    let modules: &[(&str, &[&str])] = &[
        ("enum", &[]),
        ("dataclasses", &["dataclass"]),
        ("typing", &["Any", "Literal", "Mapping", "Optional", "Sequence", "Union"]),
        (".._errors", &["ApiError"]),
        (".._response", &["Response"]),
        (".._values", &["Params", "StrPath"]),
    ];
    header + &imports(&o, modules) + "\n" + &o
}

/// The stub of [`endpoints_class`]: `def` is `def` or `async def`.
fn stub_endpoints_class(o: &mut String, ir: &Ir, class: &str, def: &str) {
    let _ = write!(o, "\nclass {class}:\n    {def} _call(self, endpoint: str, params: Params) -> Response: ...\n");
    for e in &ir.endpoints {
        let _ = write!(o, "    {def} {}(\n        self,\n        *,\n", e.id);
        for p in e.params.iter().filter(|p| p.credential.is_none()) {
            let _ = writeln!(o, "        {},", method_param(p));
        }
        if let Some(items) = &e.items {
            let _ =
                writeln!(o, "        items: Sequence[Union[{}, Mapping[str, Union[str, int]]]] = (),", items.rust_type);
        }
        let _ = writeln!(o, "    ) -> {}Result: ...", e.rust_type);
    }
}
