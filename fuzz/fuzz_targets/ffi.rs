//! The C entry points with any bytes: invalid UTF-8, NUL bytes (which end a C string early),
//! any endpoint and parameter names and any answer body. No call panics across the boundary
//! (that would be `SECTIGO_RESULT_PANIC`), every string read back is a valid C string, NULL
//! handles are refused, and every object is freed (valgrind checks the C suite for leaks).
#![no_main]

use std::ffi::{CStr, CString, c_char};
use std::ptr;

use libfuzzer_sys::fuzz_target;
use sectigo_ffi::sectigo_result::{self, *};
use sectigo_ffi::*;

/// The bytes as C sees them: up to the first NUL.
fn c_string(bytes: &[u8]) -> CString {
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).expect("no NUL before end")
}

fn ok(result: sectigo_result) -> bool {
    assert_ne!(result, SECTIGO_RESULT_PANIC, "a panic reached the C boundary");
    result == SECTIGO_RESULT_OK
}

/// Reads a borrowed C string, which must be NULL or valid.
fn read(text: *const c_char) {
    if !text.is_null() {
        let _ = unsafe { CStr::from_ptr(text) }.to_bytes().len();
    }
}

/// Reads everything an error offers, then frees it.
fn drain_error(error: *mut sectigo_error) {
    unsafe {
        if error.is_null() {
            return;
        }
        let _ = sectigo_error_get_kind(error);
        let message = sectigo_error_message(error);
        assert!(!message.is_null(), "an error has a message");
        read(message);
        let mut code = 0i64;
        let _ = ok(sectigo_error_code(error, &mut code));
        for text in [
            sectigo_error_server_message(error),
            sectigo_error_item(error),
            sectigo_error_argument(error),
            sectigo_error_id(error),
            sectigo_error_raw(error),
            sectigo_error_detail_kind(error),
        ] {
            read(text);
        }
        let _ = (sectigo_error_status(error), sectigo_error_flags(error), sectigo_error_retries(error));
        for i in 0..=sectigo_error_violation_count(error) {
            let (mut p, mut r, mut m) = (ptr::null(), ptr::null(), ptr::null());
            if ok(sectigo_error_violation_at(error, i, &mut p, &mut r, &mut m)) {
                read(p);
                read(r);
                read(m);
            }
        }
        sectigo_error_free(error);
    }
}

/// Reads everything an answer offers, then frees it.
fn drain_response(response: *mut sectigo_response, name: &CStr) {
    unsafe {
        let _ = (sectigo_response_code(response), sectigo_response_retries(response));
        for i in 0..=sectigo_response_field_count(response) {
            let (mut n, mut v) = (ptr::null(), ptr::null());
            if ok(sectigo_response_field_at(response, i, &mut n, &mut v)) {
                read(n);
                read(v);
            }
        }
        let mut value = ptr::null();
        if ok(sectigo_response_get(response, name.as_ptr(), &mut value)) {
            read(value);
        }
        for i in 0..=sectigo_response_quirk_count(response) {
            read(sectigo_response_quirk_at(response, i));
        }
        read(sectigo_response_raw(response));
        // The packed form holds the same: four numbers, the fields' names and values, the
        // quirks, then the raw body.
        let mut len = 0;
        let data = sectigo_response_packed(response, &mut len);
        assert!(!data.is_null());
        let packed = std::slice::from_raw_parts(data, len);
        let (fields, quirks) = (sectigo_response_field_count(response), sectigo_response_quirk_count(response));
        let parts: Vec<&[u8]> = packed.splitn(4 + 2 * fields + quirks + 1, |b| *b == 0).collect();
        assert_eq!(parts.len(), 4 + 2 * fields + quirks + 1, "packed parts");
        assert_eq!(parts[2], fields.to_string().as_bytes());
        assert_eq!(parts[3], quirks.to_string().as_bytes());
        assert_eq!(parts[parts.len() - 1], CStr::from_ptr(sectigo_response_raw(response)).to_bytes());
        sectigo_response_free(response);
    }
}

fuzz_target!(|bytes: &[u8]| {
    // Fields split at 0xFF: an endpoint name, then name/value pairs; the last field is also
    // an answer's body (NUL bytes and all), the first byte of the input its HTTP status.
    let fields: Vec<&[u8]> = bytes.split(|b| *b == 0xFF).collect();
    let endpoint = c_string(fields[0]);
    let status = 100 + u16::from(bytes.first().copied().unwrap_or(0)) * 2;
    unsafe {
        let mut options = ptr::null_mut();
        assert!(ok(sectigo_options_new(&mut options)));
        let mut request = ptr::null_mut();
        let mut error = ptr::null_mut();
        if !ok(sectigo_request_new(endpoint.as_ptr(), &mut request, &mut error)) {
            drain_error(error);
            error = ptr::null_mut();
            // An unknown endpoint: carry on with a known one, picked by the name's length.
            let known = sectigo::ENDPOINTS[fields[0].len() % sectigo::ENDPOINTS.len()].id;
            let known = CString::new(known).expect("ids have no NUL");
            assert!(ok(sectigo_request_new(known.as_ptr(), &mut request, &mut error)));
        }
        for pair in fields[1..].chunks(2) {
            let name = c_string(pair[0]);
            let value = c_string(pair.get(1).copied().unwrap_or_default());
            if !ok(sectigo_request_set(request, name.as_ptr(), value.as_ptr(), &mut error)) {
                drain_error(error);
                error = ptr::null_mut();
            }
            if !ok(sectigo_options_set(options, name.as_ptr(), value.as_ptr(), &mut error)) {
                drain_error(error);
                error = ptr::null_mut();
            }
        }
        let mut body = ptr::null_mut();
        if ok(sectigo_request_prepare(request, &mut body, &mut error)) {
            read(body);
            sectigo_string_free(body);
        } else {
            drain_error(error);
            error = ptr::null_mut();
        }
        let last = fields[fields.len() - 1];
        let location = c_string(fields.get(1).copied().unwrap_or_default());
        let location_ptr = if bytes.first().is_some_and(|b| b & 1 == 1) { location.as_ptr() } else { ptr::null() };
        let mut response = ptr::null_mut();
        if ok(sectigo_response_decode(
            request,
            status,
            location_ptr,
            last.as_ptr(),
            last.len(),
            &mut response,
            &mut error,
        )) {
            drain_response(response, &endpoint);
        } else {
            drain_error(error);
        }
        // Misuse: NULL handles and outputs are refused, never dereferenced.
        assert_eq!(
            sectigo_request_set(ptr::null_mut(), endpoint.as_ptr(), endpoint.as_ptr(), ptr::null_mut()),
            SECTIGO_RESULT_NULL_ARGUMENT
        );
        assert_eq!(sectigo_request_prepare(request, ptr::null_mut(), ptr::null_mut()), SECTIGO_RESULT_NULL_ARGUMENT);
        sectigo_request_free(request);
        sectigo_options_free(options);
    }
});
