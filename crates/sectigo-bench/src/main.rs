//! The Rust measurements of `cargo xtask bench`, printed as one JSON object.
//!
//! Against a running sandbox (`SECTIGO_BENCH_URL`, `SECTIGO_BENCH_ADMIN_URL`,
//! `SECTIGO_BENCH_CA`, `SECTIGO_BENCH_LOGIN`, `SECTIGO_BENCH_PASSWORD`), all with
//! `!initCustomerSession` and `responseFormat=1`:
//! - per call: the typed API, the name-keyed API and bare ureq (same TLS roots, same body;
//!   the answer read as text, then also parsed into fields, then also with the SDK's
//!   timeouts), in interleaved blocks, as medians;
//! - CPU only: prepare and encode, decode;
//! - connections per 1000 sequential calls (the sandbox's counters);
//! - 1, 2 and 8 threads sharing one client (medians of 5 interleaved rounds);
//! - cold costs: building a client, a first call (with its TLS handshake);
//! - resident memory over 100 000 calls;
//! - the sandbox's throughput with 1, 8 and 64 clients of their own.

use std::time::{Duration, Instant};

use sectigo::{Client, InitCustomerSession, ResponseFormat as Format, RetryPolicy};
use serde_json::{Value, json};

struct Setup {
    url: String,
    admin: String,
    ca_pem: Vec<u8>,
    login: String,
    password: String,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run through `cargo xtask bench`"))
}

impl Setup {
    fn client(&self) -> Client {
        Client::builder()
            .credentials(self.login.as_str(), self.password.as_str())
            .base_url(self.url.as_str())
            .add_root_certificates_pem(self.ca_pem.clone())
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("client")
    }

    /// A ureq agent with the SDK's TLS roots (webpki's plus the sandbox's CA); with
    /// `same_limits`, also the SDK's timeouts (60 s a call, 10 s to connect), HTTPS only and a
    /// User-Agent of the same length.
    fn bare_ureq(&self, same_limits: bool) -> ureq::Agent {
        let mut roots: Vec<ureq::tls::Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
            .collect();
        for item in ureq::tls::parse_pem(&self.ca_pem) {
            if let Ok(ureq::tls::PemItem::Certificate(cert)) = item {
                roots.push(cert);
            }
        }
        let mut config = ureq::Agent::config_builder();
        if same_limits {
            config = config
                .timeout_global(Some(Duration::from_secs(60)))
                .timeout_connect(Some(Duration::from_secs(10)))
                .https_only(true)
                .user_agent("sectigo-rust/0.1.0");
        }
        config
            .http_status_as_error(false)
            .max_redirects(0)
            .tls_config(
                ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::new_with_certs(&roots)).build(),
            )
            .build()
            .into()
    }

    fn body(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("loginName", &self.login)
            .append_pair("loginPassword", &self.password)
            .append_pair("orderNumber", "1000003")
            .append_pair("responseFormat", "1")
            .finish()
    }

    fn admin(&self, method: &str, what: &str) -> Value {
        let agent: ureq::Agent = ureq::Agent::config_builder().build().into();
        let url = format!("{}/_sandbox/{what}", self.admin);
        let mut response = if method == "POST" {
            agent.post(&url).send("").expect("admin")
        } else {
            agent.get(&url).call().expect("admin")
        };
        serde_json::from_str(&response.body_mut().read_to_string().expect("admin body")).expect("admin JSON")
    }
}

fn typed(client: &Client) {
    let session = InitCustomerSession::new().order_number("1000003").response_format(Format::UrlEncoded).send(client);
    assert!(!session.expect("typed call").sid.is_empty());
}

fn dynamic(client: &Client) {
    let answer = sectigo::dynamic::Request::new("!initCustomerSession")
        .expect("endpoint")
        .with("orderNumber", "1000003")
        .with("responseFormat", "1")
        .send(client)
        .expect("dynamic call");
    assert!(answer.get("SID").is_some());
}

/// The same POST with ureq alone: send, read the body as text.
fn bare(agent: &ureq::Agent, url: &str, body: &str) -> String {
    let mut response = agent
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
        .send(body)
        .expect("bare ureq call");
    let text = response.body_mut().read_to_string().expect("bare ureq body");
    assert!(text.starts_with("errorCode=0"), "{text}");
    text
}

/// [`bare`], and the answer read into fields as any caller must (`errorCode`, `SID`).
fn bare_parsed(agent: &ureq::Agent, url: &str, body: &str) {
    let text = bare(agent, url, body);
    let fields: Vec<(String, String)> =
        form_urlencoded::parse(text.as_bytes()).map(|(n, v)| (n.into_owned(), v.into_owned())).collect();
    assert!(fields.iter().any(|(n, v)| n == "SID" && !v.is_empty()));
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Microseconds per call of each variant: `blocks` interleaved blocks of `calls` calls each.
fn per_call(variants: &mut [(&str, &mut dyn FnMut())], blocks: usize, calls: usize) -> Vec<(String, f64)> {
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    for (_, f) in variants.iter_mut() {
        for _ in 0..calls / 4 {
            f(); // warm up: connections, caches
        }
    }
    for _ in 0..blocks {
        for (i, (_, f)) in variants.iter_mut().enumerate() {
            let started = Instant::now();
            for _ in 0..calls {
                f();
            }
            times[i].push(started.elapsed().as_secs_f64() * 1e6 / calls as f64);
        }
    }
    variants.iter().zip(times).map(|((name, _), t)| (name.to_string(), median(t))).collect()
}

/// Nanoseconds per run of `f`, median of 15 blocks.
fn cpu(mut f: impl FnMut(), runs: usize) -> f64 {
    let times = (0..15)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..runs {
                f();
            }
            started.elapsed().as_secs_f64() * 1e9 / runs as f64
        })
        .collect();
    median(times)
}

/// Resident memory now, in kB.
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| l.strip_prefix("VmRSS:").map(|v| v.trim().trim_end_matches(" kB").parse().ok()))
        })
        .flatten()
        .unwrap_or(0)
}

fn main() {
    let setup = Setup {
        url: env("SECTIGO_BENCH_URL"),
        admin: env("SECTIGO_BENCH_ADMIN_URL"),
        ca_pem: std::fs::read(env("SECTIGO_BENCH_CA")).expect("the CA file"),
        login: env("SECTIGO_BENCH_LOGIN"),
        password: env("SECTIGO_BENCH_PASSWORD"),
    };
    // `latency` (per call, CPU, connections, cold costs: best run with this process and the
    // sandbox on one CPU, so that every variant meets the same scheduling), `scaling` (threads,
    // memory, the sandbox's throughput: on every CPU), or both.
    let phase = std::env::var("SECTIGO_BENCH_PHASE").unwrap_or_default();
    let mut report = serde_json::Map::new();
    if phase != "scaling" {
        report.extend(latency(&setup));
    }
    if phase != "latency" {
        report.extend(scaling(&setup));
    }
    println!("{}", Value::Object(report));
}

fn latency(setup: &Setup) -> serde_json::Map<String, Value> {
    let blocks: usize = std::env::var("SECTIGO_BENCH_BLOCKS").ok().and_then(|b| b.parse().ok()).unwrap_or(15);
    let calls: usize = std::env::var("SECTIGO_BENCH_CALLS").ok().and_then(|b| b.parse().ok()).unwrap_or(300);
    let url = format!("{}/products/!initCustomerSession", setup.url);
    let body = setup.body();
    // Cold costs first, while nothing is warm.
    let build_us = median((0..20).map(|_| time(|| drop(setup.client())).as_secs_f64() * 1e6).collect());
    let first_call_ms = median(
        (0..10)
            .map(|_| {
                let client = setup.client();
                time(|| typed(&client)).as_secs_f64() * 1e3
            })
            .collect(),
    );

    let client = setup.client();
    let (agent, limited) = (setup.bare_ureq(false), setup.bare_ureq(true));
    let (mut t, mut d) = (|| typed(&client), || dynamic(&client));
    let (mut b, mut p) = (|| drop(bare(&agent, &url, &body)), || bare_parsed(&agent, &url, &body));
    let mut l = || bare_parsed(&limited, &url, &body);
    let per = per_call(
        &mut [
            ("typed", &mut t),
            ("dynamic", &mut d),
            ("bare_ureq", &mut b),
            ("bare_ureq_parsed", &mut p),
            ("bare_ureq_same_limits", &mut l),
        ],
        blocks,
        calls,
    );
    let us = |name: &str| per.iter().find(|(n, _)| n == name).map_or(0.0, |(_, v)| *v);

    // CPU only: what the SDK adds around the wire.
    let endpoint = sectigo::dynamic::endpoint("!initCustomerSession").expect("endpoint");
    let credentials = sectigo::Credentials::new(setup.login.clone(), setup.password.clone());
    let params = [("orderNumber", "1000003"), ("responseFormat", "1")];
    let prepare_ns = cpu(
        || {
            let form = sectigo::validate::prepare(endpoint, params, Some(&credentials)).expect("valid");
            std::hint::black_box(form.encode());
        },
        20_000,
    );
    let answer = b"errorCode=0&SID=0123456789abcdef&orderNumber=1000003".to_vec();
    let sent: Vec<(String, String)> = vec![("responseFormat".into(), "1".into())];
    let decode_ns = cpu(
        || {
            let raw = sectigo::wire::RawResponse { status: 200, location: None, body: answer.clone() };
            std::hint::black_box(sectigo::wire::decode(endpoint, &sent, raw).expect("decodes"));
        },
        20_000,
    );

    // Connections (each a TLS handshake) per 1000 sequential calls of a fresh client; the
    // request reading the counters counts its own connection, which is taken off.
    let connections = |f: &mut dyn FnMut()| {
        setup.admin("POST", "reset-counters");
        for _ in 0..1000 {
            f();
        }
        setup.admin("GET", "counters")["connections"].as_u64().unwrap_or(0).saturating_sub(1)
    };
    let fresh = setup.client();
    let sdk_connections = connections(&mut || typed(&fresh));
    let fresh_agent = setup.bare_ureq(false);
    let ureq_connections = connections(&mut || drop(bare(&fresh_agent, &url, &body)));

    let report = json!({
        "per_call_us": {
            "typed": us("typed"), "dynamic": us("dynamic"),
            "bare_ureq": us("bare_ureq"), "bare_ureq_parsed": us("bare_ureq_parsed"),
            "bare_ureq_same_limits": us("bare_ureq_same_limits"),
        },
        "ratio_typed_to_ureq_same_limits": us("typed") / us("bare_ureq_same_limits"),
        "ratio_typed_to_ureq": us("typed") / us("bare_ureq"),
        "ratio_typed_to_ureq_parsed": us("typed") / us("bare_ureq_parsed"),
        "ratio_dynamic_to_ureq": us("dynamic") / us("bare_ureq"),
        "blocks": blocks,
        "calls_per_block": calls,
        "cpu_ns": { "prepare_and_encode": prepare_ns, "decode": decode_ns },
        "connections_per_1000_calls": { "sdk": sdk_connections, "bare_ureq": ureq_connections },
        "cold": { "client_build_us": build_us, "first_call_ms": first_call_ms },
    });
    report.as_object().cloned().unwrap_or_default()
}

fn scaling(setup: &Setup) -> serde_json::Map<String, Value> {
    let client = setup.client();
    // Threads sharing one client.
    let shared = setup.client();
    typed(&shared);
    // Five interleaved rounds, medians: one round swings with where the scheduler puts threads.
    let mut runs: Vec<(usize, Vec<f64>)> = [1, 2, 8].iter().map(|&n| (n, Vec::new())).collect();
    for _ in 0..5 {
        for (n, rates) in &mut runs {
            rates.push(throughput(*n, 2000 / *n, || shared.clone()));
        }
    }
    let scaling: Vec<(usize, f64)> = runs.into_iter().map(|(n, rates)| (n, median(rates))).collect();

    // Memory over 100 000 calls.
    let mut rss = vec![(0u64, rss_kb())];
    for i in 1..=100_000u64 {
        typed(&client);
        if i % 10_000 == 0 {
            rss.push((i, rss_kb()));
        }
    }

    // The sandbox under load: clients of their own (a connection each).
    let load: Vec<(usize, f64)> =
        [1, 8, 64].iter().map(|&n| (n, throughput(n, (6400 / n).max(50), || setup.client()))).collect();

    let report = json!({
        "threads_calls_per_s": scaling.iter().map(|(n, r)| (n.to_string(), json!(r))).collect::<serde_json::Map<_, _>>(),
        "scaling_8_to_1": scaling[2].1 / scaling[0].1,
        "rss_kb": rss.iter().map(|(i, kb)| json!([i, kb])).collect::<Vec<_>>(),
        "sandbox_calls_per_s": load.iter().map(|(n, r)| (n.to_string(), json!(r))).collect::<serde_json::Map<_, _>>(),
    });
    report.as_object().cloned().unwrap_or_default()
}

fn time(f: impl FnOnce()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

/// Calls per second of `threads` threads, `calls` calls each, each with the client `client`
/// gives it (clones of one client share its connections; clients made apart do not).
fn throughput(threads: usize, calls: usize, client: impl Fn() -> Client + Sync) -> f64 {
    let barrier = std::sync::Barrier::new(threads);
    let started = std::sync::Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let client = client();
                typed(&client);
                if barrier.wait().is_leader() {
                    *started.lock().unwrap() = Some(Instant::now());
                }
                for _ in 0..calls {
                    typed(&client);
                }
            });
        }
    });
    let elapsed = started.lock().unwrap().expect("started").elapsed();
    (threads * calls) as f64 / elapsed.as_secs_f64()
}
