//! The sandbox's HTTP request parser and API, fed any bytes as one connection: never a panic,
//! and every answer is well-formed HTTP.
#![no_main]

use std::io::{Read, Write};

use libfuzzer_sys::fuzz_target;
use sectigo_sandbox::http::{Shared, serve};

/// A connection whose peer sent `input` and then closed its side.
struct Connection<'a> {
    input: &'a [u8],
    output: Vec<u8>,
}

impl Read for Connection<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.input.read(buf)
    }
}

impl Write for Connection<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.output.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fuzz_target!(|bytes: &[u8]| {
    // The admin endpoints' faults delay or drop answers on purpose.
    if bytes.windows(9).any(|w| w.eq_ignore_ascii_case(b"_sandbox/")) {
        return;
    }
    let mut config = sectigo_sandbox::Config::default();
    config.api.accept_plain_http = true;
    let shared = Shared::new(config).expect("the default seed is valid");
    let mut connection = Connection { input: bytes, output: Vec::new() };
    serve(&mut connection, bytes.first().is_some_and(|b| b & 1 == 0), &shared);
    let mut rest = connection.output.as_slice();
    while !rest.is_empty() {
        assert!(rest.starts_with(b"HTTP/1.1 "), "not an HTTP answer: {:?}", String::from_utf8_lossy(rest));
        let end = rest.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete head") + 4;
        let head = std::str::from_utf8(&rest[..end]).expect("an ASCII head");
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .and_then(|v| v.trim().parse().ok())
            .expect("a Content-Length");
        rest = &rest[end + length..];
    }
});
