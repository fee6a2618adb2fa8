//! Every snapshot of generated code, compiled (see `build.rs`). A snapshot that does not build
//! fails `cargo build`/`cargo test`, so no snapshot can bless broken code.

#![allow(missing_docs, missing_debug_implementations)]

include!(concat!(env!("OUT_DIR"), "/all.rs"));

#[cfg(test)]
mod tests {
    /// The compiled snapshots are usable: a fixture's typed request validates with its own rules.
    #[test]
    fn fixture_rules_apply() {
        let client = sectigo::Client::builder().credentials("a", "b").build().unwrap();
        let err = crate::one_of::Greet::new().fore_name("John").prepare(&client).unwrap_err();
        assert!(err.to_string().contains("one of `name`, or `foreName` and `surName` must be given"), "{err}");
        assert!(crate::one_of::Greet::new().name("John").prepare(&client).is_ok());
        assert_eq!(crate::items::Gadget::Widget.ppp(crate::items::Term::Days30), Some(100));
        let order = crate::items::OrderItem::product(crate::items::Gadget::Gizmo, crate::items::Term::Year1).unwrap();
        let mut out = Vec::new();
        order.push_params(1, &mut out);
        assert_eq!(out, [("1_PPP".to_owned(), "200".to_owned())]);
        assert_eq!(crate::one_of::spec_data::GREET.name, Some("!Greet"));
    }
}
