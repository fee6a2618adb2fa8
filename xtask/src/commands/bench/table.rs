//! The benchmark report as the table the benchmarks page shows: medians and ratios, with the
//! machine it was measured on.

use serde_json::Value;

/// The README's table.
pub(super) fn table(r: &Value) -> String {
    let f = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let growth = |rss: &Value| {
        let points = rss.as_array().cloned().unwrap_or_default();
        let kb = |i: usize| points.get(i).and_then(|p| p[1].as_f64()).unwrap_or(f64::NAN);
        // From the first sample after warm-up (10 000 calls) to the last.
        format!("{:.0} → {:.0} kB", kb(1), kb(points.len().saturating_sub(1)))
    };
    let rust = &r["rust"];
    let py = &r["python"];
    let mut rows = vec![
        "| measure | SDK | alternative | ratio | goal |".to_owned(),
        "|---|---:|---:|---:|---|".to_owned(),
        format!(
            "| Rust, typed call | {:.1} µs | bare ureq {:.1} µs | {:.3} | ≤ 1.05 |",
            f(&rust["per_call_us"]["typed"]),
            f(&rust["per_call_us"]["bare_ureq"]),
            f(&rust["ratio_typed_to_ureq"])
        ),
        format!(
            "| Rust, typed call | {:.1} µs | bare ureq, answer parsed {:.1} µs | {:.3} | |",
            f(&rust["per_call_us"]["typed"]),
            f(&rust["per_call_us"]["bare_ureq_parsed"]),
            f(&rust["ratio_typed_to_ureq_parsed"])
        ),
        format!(
            "| Rust, typed call | {:.1} µs | bare ureq, answer parsed, the SDK's timeouts (its resolver: a thread per call) {:.1} µs | {:.3} | |",
            f(&rust["per_call_us"]["typed"]),
            f(&rust["per_call_us"]["bare_ureq_same_limits"]),
            f(&rust["ratio_typed_to_ureq_same_limits"])
        ),
        format!(
            "| Rust, name-keyed call | {:.1} µs | bare ureq {:.1} µs | {:.3} | |",
            f(&rust["per_call_us"]["dynamic"]),
            f(&rust["per_call_us"]["bare_ureq"]),
            f(&rust["ratio_dynamic_to_ureq"])
        ),
        format!(
            "| Rust, CPU only | prepare + encode {:.2} µs, decode {:.2} µs | | | |",
            f(&rust["cpu_ns"]["prepare_and_encode"]) / 1e3,
            f(&rust["cpu_ns"]["decode"]) / 1e3
        ),
        format!(
            "| C, call | {:.1} µs | libcurl (reused handle) {:.1} µs | {:.3} | ≤ 1.1 |",
            f(&r["c"]["per_call_us"]["sdk"]),
            f(&r["c"]["per_call_us"]["libcurl"]),
            f(&r["c"]["ratio_sdk_to_libcurl"])
        ),
        format!(
            "| Python, call | {:.1} µs | requests.Session {:.1} µs | {:.3} | ≤ 0.35 |",
            f(&py["per_call_us"]["sdk"]),
            f(&py["per_call_us"]["requests"]),
            f(&py["ratio_sdk_to_requests"])
        ),
        format!(
            "| Python, call | {:.1} µs | httpx.Client {:.1} µs | {:.3} | |",
            f(&py["per_call_us"]["sdk"]),
            f(&py["per_call_us"]["httpx"]),
            f(&py["ratio_sdk_to_httpx"])
        ),
    ];
    for (key, label) in [("php_cli", "PHP, call (FFI::cdef, CLI)"), ("php_preloaded", "PHP, call (preloaded)")] {
        rows.push(format!(
            "| {label} | {:.1} µs | php-curl (reused handle) {:.1} µs | {:.3} | ≤ 1.0 |",
            f(&r[key]["per_call_us"]["sdk"]),
            f(&r[key]["per_call_us"]["php_curl"]),
            f(&r[key]["ratio_sdk_to_php_curl"])
        ));
        rows.push(format!(
            "| {label} | {:.1} µs | php-curl, answer parsed (`parse_str`) {:.1} µs | {:.3} | |",
            f(&r[key]["per_call_us"]["sdk"]),
            f(&r[key]["per_call_us"]["php_curl_parsed"]),
            f(&r[key]["ratio_sdk_to_php_curl_parsed"])
        ));
    }
    rows.push(format!(
        "| connections per 1000 sequential calls | Rust {}, Python {}, PHP {} | ureq {}, requests {}, httpx {}, php-curl {} | | 1 |",
        rust["connections_per_1000_calls"]["sdk"],
        py["connections_per_1000_calls"]["sdk"],
        r["php_preloaded"]["connections_per_1000_calls"]["sdk"],
        rust["connections_per_1000_calls"]["bare_ureq"],
        py["connections_per_1000_calls"]["requests"],
        py["connections_per_1000_calls"]["httpx"],
        r["php_preloaded"]["connections_per_1000_calls"]["php_curl"],
    ));
    for (label, v) in [("Rust", rust), ("Python", py)] {
        rows.push(format!(
            "| {label}, 1 / 2 / 8 threads on one client | {:.0} / {:.0} / {:.0} calls/s | | 8 vs 1: {:.2} | ≥ 1.7 |",
            f(&v["threads_calls_per_s"]["1"]),
            f(&v["threads_calls_per_s"]["2"]),
            f(&v["threads_calls_per_s"]["8"]),
            f(&v["scaling_8_to_1"])
        ));
    }
    rows.push(format!(
        "| Python asyncio, `AsyncClient`: 64 calls in flight | {:.0} calls/s | the same 64 awaited one by one {:.0} calls/s | {:.2} | |",
        f(&py["async_calls_per_s"]["sdk_64_in_flight"]),
        f(&py["async_calls_per_s"]["sdk_one_by_one"]),
        f(&py["async_in_flight_to_one_by_one"])
    ));
    rows.push(format!(
        "| Python asyncio, 64 in flight (one by one) | {:.0} ({:.0}) calls/s | httpx.AsyncClient {:.0} ({:.0}) calls/s | {:.3} ({:.3}) | |",
        f(&py["async_calls_per_s"]["sdk_64_in_flight"]),
        f(&py["async_calls_per_s"]["sdk_one_by_one"]),
        f(&py["async_calls_per_s"]["httpx_64_in_flight"]),
        f(&py["async_calls_per_s"]["httpx_one_by_one"]),
        f(&py["ratio_async_sdk_to_httpx"]),
        f(&py["ratio_async_one_by_one_sdk_to_httpx"])
    ));
    rows.push(format!(
        "| Python, 1 / 8 threads of plain socket round trips (the ceiling of the machine) | | {:.0} / {:.0} per s | 8 vs 1: {:.2} | |",
        f(&py["socket_round_trips_per_s"]["1"]),
        f(&py["socket_round_trips_per_s"]["8"]),
        f(&py["socket_scaling_8_to_1"])
    ));
    rows.push(format!(
        "| RSS over 100 000 calls (at 10 000 → 100 000) | Rust {}, Python {}, PHP {} | | | no growth |",
        growth(&rust["rss_kb"]),
        growth(&py["rss_kb"]),
        growth(&r["php_preloaded"]["rss_kb"])
    ));
    rows.push(format!(
        "| cold | client {:.0} µs, first call (TLS handshake) {:.2} ms, `import sectigo` {:.1} ms, PHP library load and first client {:.1} ms | | | |",
        f(&rust["cold"]["client_build_us"]),
        f(&rust["cold"]["first_call_ms"]),
        f(&r["python_import_ms"]),
        f(&r["php_ffi_load_ms"])
    ));
    rows.push(format!(
        "| sandbox, 1 / 8 / 64 clients | {:.0} / {:.0} / {:.0} calls/s | | | |",
        f(&rust["sandbox_calls_per_s"]["1"]),
        f(&rust["sandbox_calls_per_s"]["8"]),
        f(&rust["sandbox_calls_per_s"]["64"])
    ));
    rows.push(format!("| `cargo xtask codegen --check` | {:.1} s | | | |", f(&r["codegen_check_s"])));
    let sizes = &r["sizes_bytes"];
    rows.push(format!(
        "| sizes | `libsectigo.so` stripped {:.2} MB, CLI {:.2} MB, wheel {:.2} MB | | | |",
        f(&sizes["libsectigo.so (stripped)"]) / 1e6,
        f(&sizes["sectigo (CLI)"]) / 1e6,
        f(&sizes["wheel"]) / 1e6
    ));
    rows.push(String::new());
    rows.push(format!("Machine: {}.", machine_line(r)));
    rows.join("\n")
}

/// The machine a report was measured on, in one line.
pub(super) fn machine_line(r: &Value) -> String {
    let m = &r["machine"];
    format!("{} ({} cores), Linux {}, {}", s(&m["cpu"]), m["cores"], s(&m["kernel"]), s(&m["rustc"]))
}

pub(super) fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}
