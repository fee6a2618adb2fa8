//! The benchmark report's ratios as a bar chart (`docs/benchmarks.svg`).

use serde_json::Value;

use super::table::machine_line;

/// The ratios of the table as a bar chart (SVG): each the SDK's time per call over its peer's
/// (below 1, the SDK is faster), with the machine it ran on. Written by hand: a few rectangles
/// and labels need no plotting library.
pub(super) fn svg(r: &Value) -> String {
    let f = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let py = &r["python"];
    let mut bars: Vec<(String, f64)> = vec![
        ("Rust, typed call / bare ureq".into(), f(&r["rust"]["ratio_typed_to_ureq"])),
        ("Rust, name-keyed call / bare ureq".into(), f(&r["rust"]["ratio_dynamic_to_ureq"])),
        ("C, call / libcurl (reused handle)".into(), f(&r["c"]["ratio_sdk_to_libcurl"])),
        ("Python, call / requests.Session".into(), f(&py["ratio_sdk_to_requests"])),
        ("Python, call / httpx.Client".into(), f(&py["ratio_sdk_to_httpx"])),
        ("Python asyncio, 64 in flight / httpx.AsyncClient".into(), f(&py["ratio_async_sdk_to_httpx"])),
    ];
    for (key, label) in [("php_cli", "PHP (FFI::cdef)"), ("php_preloaded", "PHP (preloaded)")] {
        bars.push((format!("{label}, call / php-curl"), f(&r[key]["ratio_sdk_to_php_curl"])));
    }
    let (left, width, row, top) = (330.0, 360.0, 26.0, 44.0);
    let most = bars.iter().map(|(_, v)| *v).filter(|v| v.is_finite()).fold(1.0_f64, f64::max).max(1.2);
    let x = |v: f64| left + width * v / most;
    let height = top + row * bars.len() as f64 + 46.0;
    let escape = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"13\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"10\" y=\"22\" font-size=\"15\">Time per call, the SDK over its peer (below 1: the SDK is faster)</text>\n",
        w = left + width + 80.0
    );
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let colour = if *value <= 1.0 { "#2e7d32" } else { "#c62828" };
        out.push_str(&format!(
            "<text x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\n\
             <rect x=\"{left}\" y=\"{y}\" width=\"{bw:.1}\" height=\"{bh}\" fill=\"{colour}\"/>\n\
             <text x=\"{vx:.1}\" y=\"{ty}\">{value:.3}</text>\n",
            tx = left - 8.0,
            ty = y + 14.0,
            label = escape(label),
            bw = if value.is_finite() { x(*value) - left } else { 0.0 },
            bh = row - 8.0,
            vx = if value.is_finite() { x(*value) + 6.0 } else { left + 6.0 },
        ));
    }
    let bottom = top + row * bars.len() as f64;
    out.push_str(&format!(
        "<line x1=\"{one:.1}\" y1=\"{t}\" x2=\"{one:.1}\" y2=\"{bottom}\" stroke=\"black\" stroke-dasharray=\"4 3\"/>\n\
         <text x=\"{one:.1}\" y=\"{ly}\" text-anchor=\"middle\">1.0</text>\n\
         <text x=\"10\" y=\"{my}\" font-size=\"11\">{machine}</text>\n</svg>\n",
        one = x(1.0),
        t = top - 6.0,
        ly = bottom + 14.0,
        my = bottom + 34.0,
        machine = escape(&machine_line(r)),
    ));
    out
}
