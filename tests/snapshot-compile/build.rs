//! Turns every insta snapshot of generated code (`xtask/tests/snapshots/codegen__<spec>__<file>.snap`)
//! back into Rust modules, one module per spec, so `cargo build` compiles each snapshot.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let snapshots = manifest.join("../../xtask/tests/snapshots");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", snapshots.display());

    let mut specs: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for entry in std::fs::read_dir(&snapshots).expect("xtask/tests/snapshots exists") {
        let path = entry.unwrap().path();
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = name.strip_prefix("codegen__").and_then(|n| n.strip_suffix(".snap")) else { continue };
        let (spec, file) = stem.split_once("__").expect("codegen__<spec>__<file>.snap");
        let text = std::fs::read_to_string(&path).unwrap();
        // insta's header is a YAML block between two `---` lines.
        let body = text
            .strip_prefix("---\n")
            .and_then(|t| t.split_once("\n---\n"))
            .map(|(_, body)| body.to_owned())
            .unwrap_or_else(|| panic!("{}: no insta header", path.display()));
        specs.entry(spec.to_owned()).or_default().push((file.to_owned(), body));
    }
    assert!(!specs.is_empty(), "no snapshots of generated code in {}", snapshots.display());

    let mut all = String::new();
    for (spec, files) in &specs {
        let dir = out.join(spec);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, body) in files {
            let body = if file == "mod" {
                // `pub mod x;` would look for files next to this crate's sources: inline them.
                body.lines()
                    .map(|line| match line.trim().strip_prefix("pub mod ").and_then(|l| l.strip_suffix(';')) {
                        Some(m) => {
                            format!("pub mod {m} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{spec}/{m}.rs\")); }}")
                        }
                        None => line.to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                body.clone()
            };
            std::fs::write(dir.join(format!("{file}.rs")), body).unwrap();
        }
        writeln!(all, "pub mod {spec} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{spec}/mod.rs\")); }}").unwrap();
    }
    std::fs::write(out.join("all.rs"), all).unwrap();
}
