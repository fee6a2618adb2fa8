//! The shared library is installed as `libsectigo.so` (see `cargo xtask c-dist`); give it
//! that soname so programs linked with `-lsectigo` find it at run time.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsectigo.so");
    }
}
