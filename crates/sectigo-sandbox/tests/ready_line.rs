//! The ready line is documented key by key (docs/sandbox.md, "The ready line"), and the page
//! lists no key it lacks.

use sectigo_sandbox::{Config, Sandbox};

#[test]
fn every_key_of_the_ready_line_is_documented() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/sandbox.md")).unwrap();
    let table = &page[page.find("## The ready line").expect("the section")..];
    let rows: Vec<(&str, &str)> =
        table.lines().filter_map(|l| l.strip_prefix("| `")).filter_map(|l| l.split_once("` | ")).collect();
    let documented: Vec<&str> = rows.iter().map(|(key, _)| *key).collect();

    let sandbox = Sandbox::start(Config { http_port: Some(0), private_port: Some(0), ..Default::default() }).unwrap();
    let info = sandbox.info();
    let mut keys: Vec<String> = info.as_object().unwrap().keys().cloned().collect();
    // Added by the command (`cli.rs`), which writes the files they name.
    keys.extend(["ca_file".to_owned(), "client_certificates".to_owned()]);
    keys.sort();
    let mut sorted = documented.clone();
    sorted.sort();
    assert_eq!(sorted, keys, "docs/sandbox.md's ready-line table against Sandbox::info()");

    // The keys of the lists' entries are named in their rows.
    let row = |key: &str| rows.iter().find(|(k, _)| *k == key).unwrap().1;
    for (list, fields) in [
        ("accounts", info["accounts"][0].as_object().unwrap().keys().cloned().collect::<Vec<_>>()),
        ("orders", info["orders"][0].as_object().unwrap().keys().cloned().collect()),
        ("products", info["products"][0].as_object().unwrap().keys().cloned().collect()),
    ] {
        for field in fields {
            assert!(row(list).contains(&format!("`{field}`")), "{list}'s row does not name `{field}`");
        }
    }
}
