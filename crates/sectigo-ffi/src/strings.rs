//! Text into C strings.

use std::ffi::CString;

/// Makes a C string of any text: NUL bytes, which C strings cannot hold, become U+FFFD.
pub(crate) fn c_string(text: &str) -> CString {
    CString::new(text)
        .unwrap_or_else(|_| CString::new(text.replace('\0', "\u{FFFD}")).expect("NUL bytes were replaced"))
}
