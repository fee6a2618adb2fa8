//! The project's tasks. This library is what the commands and the tests share: the generator
//! ([`codegen`]: `spec/` to every language) and the reader of Sectigo's saved pages ([`page`],
//! for `import-doc`). The commands themselves are the binary's (`src/commands/`, one module per
//! command).

pub mod codegen;
pub mod page;

use std::path::{Path, PathBuf};

/// The workspace root (the xtask crate's parent).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// The workspace's version: every artefact's.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The release of this version's RPM packages (`<name>-<version>-<release>.<arch>.rpm`): 1, and
/// one more for each rebuild of the same version.
pub const RPM_RELEASE: &str = "1";

/// The ABI version in the C library's SONAME: the major number, or `0.<minor>` before 1.0 (an
/// ABI break may come with any 0.x minor release), as `crates/sectigo-ffi/build.rs` sets it.
pub fn abi_version(version: &str) -> String {
    let mut parts = version.split('.');
    match (parts.next(), parts.next()) {
        (Some("0"), Some(minor)) => format!("0.{minor}"),
        (Some(major), _) => major.to_owned(),
        _ => version.to_owned(),
    }
}

/// `libsectigo.so.<ABI version>`.
pub fn soname(version: &str) -> String {
    format!("libsectigo.so.{}", abi_version(version))
}

/// The macOS library's file name, which its install name (`@rpath/...`) ends with.
pub fn dylib_name(version: &str) -> String {
    format!("libsectigo.{}.dylib", abi_version(version))
}
