//! `validate::prepare` with any parameters, with and without credentials: never a panic; a
//! form that passes encodes to exactly its pairs, and neither it nor the violations show the
//! password.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sectigo::validate::prepare;
use sectigo::{Credentials, ViolationKind};

const PASSWORD: &str = "fuzz-password-5e0d";

fuzz_target!(|bytes: &[u8]| {
    let (endpoint, params) = sectigo_fuzz::request(bytes);
    // Only the credentials may hold the password (the input echoed back is no leak).
    if params.iter().any(|(n, v)| n.contains(PASSWORD) || v.contains(PASSWORD)) {
        return;
    }
    let credentials = Credentials::new("fuzz_login", PASSWORD);
    for credentials in [None, Some(&credentials)] {
        match prepare(endpoint, params.clone(), credentials) {
            Ok(form) => {
                assert_eq!(sectigo_fuzz::pairs(form.encode().as_bytes()), form.pairs(), "the body is the form");
                assert!(!format!("{form:?}").contains(PASSWORD));
            }
            Err(violations) => {
                assert!(!violations.is_empty(), "a refusal names a rule");
                let shown = format!("{violations} {violations:?}");
                assert!(!shown.contains(PASSWORD));
                for v in violations.iter() {
                    // Each names its rule and its parameter (or says the name was empty).
                    let text = v.to_string();
                    assert!(!v.kind.rule().is_empty(), "{v:?}");
                    let about_one = !matches!(
                        v.kind,
                        ViolationKind::TooMany { .. }
                            | ViolationKind::OneOf { .. }
                            | ViolationKind::TooFewItems { .. }
                            | ViolationKind::ItemNumbering { .. }
                            | ViolationKind::ItemOneOf { .. }
                    );
                    let named =
                        text.contains(&format!("`{}`", v.param)) || (v.param.is_empty() && text.contains("empty name"));
                    assert!(!about_one || named, "{text}");
                }
            }
        }
    }
});
