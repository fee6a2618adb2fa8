//! The shared library's SONAME: `libsectigo.so.<ABI version>`, where the ABI version is the
//! part of the package version that Cargo's compatibility rules keep fixed: the major number
//! from 1.0 on, `0.<minor>` before (an ABI break may come with any 0.x minor release). The
//! release archive (`cargo xtask dist`) installs the library under that name, with the
//! `libsectigo.so` link that `-lsectigo` finds.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
        let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
        let abi = if major == "0" { format!("0.{minor}") } else { major };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsectigo.so.{abi}");
    }
}
