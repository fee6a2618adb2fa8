//! The shared library's name for the loader: `libsectigo.so.<ABI version>` (its SONAME) on
//! Linux, `@rpath/libsectigo.<ABI version>.dylib` (its install name) on macOS, where the ABI
//! version is the part of the package version that Cargo's compatibility rules keep fixed: the
//! major number from 1.0 on, `0.<minor>` before (an ABI break may come with any 0.x minor
//! release). The release archive (`cargo xtask dist`) installs the library under that name,
//! with the `libsectigo.so` (`libsectigo.dylib`) link that `-lsectigo` finds.
fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
    let abi = if major == "0" { format!("0.{minor}") } else { major };
    match std::env::var("CARGO_CFG_TARGET_OS").as_deref() {
        Ok("linux") => println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsectigo.so.{abi}"),
        // Without it, the install name is the path the library was built at. Written as ld64
        // takes it, which clang (the usual linker driver on a Mac) also passes on.
        Ok("macos") => {
            println!("cargo:rustc-cdylib-link-arg=-install_name");
            println!("cargo:rustc-cdylib-link-arg=@rpath/libsectigo.{abi}.dylib");
        }
        _ => {}
    }
}
