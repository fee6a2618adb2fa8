//! `cargo xtask import-doc`'s page reader on any text: never a panic; a page it reads has
//! something in it, and one it refuses says why.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sectigo_fuzz::page;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    match page::read(&text) {
        Ok(p) => assert!(
            !(p.params.is_empty() && p.errors.is_empty() && p.fields.is_empty() && p.products.is_empty()),
            "an empty page was accepted"
        ),
        Err(e) => assert!(!e.0.is_empty(), "a refusal says why"),
    }
});
