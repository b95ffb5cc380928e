//! The viewer leg end to end (cloudfront.md §4): handshake costs, the viewer protocol
//! policies, the security policy, and the protocol breakdown.

use crate::common;

use edgesim::scenario::{load_str, Overrides, Scenario};
use edgesim::sim::{run, Quiet, RunResult};
use edgesim::stats::{Detail, Outcome};

/// One region next to one POP, a 20 ms last mile, one hot object that is always cached,
/// and the region's `protocols` and the behavior's `policy`.
fn scenario(protocols: &str, policy: &str, extra: &str) -> Scenario {
    let text = format!(
        r#"
name = "https"
requests = 20000
warmup = 1000

[workload]
rate = 100.0

[[workload.classes]]
name = "hot"
prefix = "/hot/"
share = 1.0
objects = 1
methods = {{ get = 0.8, post = 0.2 }}
response = {{ cache_control = "max-age=86400" }}

[[regions]]
name = "here"
lat = 0.0
lon = 0.0
share = 1.0
last_mile = "20ms"
jitter = "0ns"
protocols = {{ {protocols} }}

[[pops]]
code = "POP"
lat = 0.0
lon = 0.0
cache_capacity = "1MiB"

[[origins]]
name = "origin"
lat = 0.0
lon = 1.0

[default_behavior]
allowed_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
viewer_protocol_policy = "{policy}"

{extra}
"#
    );
    load_str(&text, "https.toml", &Overrides::default()).expect("valid test scenario")
}

fn go(s: &Scenario) -> RunResult {
    run(s, &mut Quiet)
}

/// Every request on a new connection, HTTP/2, no resumption; TLS `version` only.
fn fresh(tls: &str) -> String {
    format!(
        "https = 1.0, http1_1 = 0.0, http2 = 1.0, http3 = 0.0, tls1_2 = {}, tls1_3 = {}, resumption = 0.0, requests_per_connection = 1.0",
        u8::from(tls == "1.2"),
        u8::from(tls == "1.3")
    )
}

#[test]
fn tls_1_3_saves_one_round_trip_on_every_new_connection() {
    // The hot object is a hit at the POP: latency = (handshake + 1) × RTT + processing.
    // TLS 1.2 over TCP: 3 round trips of handshake; TLS 1.3: 2 (cloudfront.md §4.5).
    let s12 = scenario(&fresh("1.2"), "allow-all", "");
    let spec = s12.spec();
    let here = spec.regions[0].location();
    let rtt_ns = spec.network.rtt(here, spec.pops[0].location()) + spec.regions[0].last_mile.0;
    let rtt = rtt_ns as f64 / 1e6;
    let t12 = go(&s12);
    let t13 = go(&scenario(&fresh("1.3"), "allow-all", ""));
    let (p12, p13) = (t12.summary.latency_ms(0.5), t13.summary.latency_ms(0.5));
    // The difference is one viewer round trip (3-digit histograms: within 0.2%).
    let one = p12 - p13;
    assert!((one - rtt).abs() < 0.002 * p12, "{one} vs {rtt}");
    assert!((p12 - 4.0 * rtt).abs() < 0.002 * p12 + 0.3, "{p12}");
    // Reused connections pay no handshake at all.
    let reused = fresh("1.2").replace(
        "requests_per_connection = 1.0",
        "requests_per_connection = 1000000.0",
    );
    let r = go(&scenario(&reused, "allow-all", ""));
    assert!((r.summary.latency_ms(0.5) - one).abs() < 1.0);
    assert_eq!(
        t12.summary.counts.viewer_new_connections,
        t12.summary.counts.requests
    );
}

const HALF_HTTP: &str = "https = 0.5, http1_0 = 0.1, http1_1 = 0.9, http2 = 0.0, http3 = 0.0";

#[test]
fn redirect_to_https_redirects_http_and_the_follow_up_carries_the_wait() {
    let allow = go(&scenario(HALF_HTTP, "allow-all", ""));
    let r = go(&scenario(HALF_HTTP, "redirect-to-https", ""));
    let c = &r.summary.counts;
    let redirects = r.summary.count(Outcome::Redirect);
    let old = c.by_detail[Detail::OldProtocol as usize];
    // About half the requests are HTTP; of those, POST over HTTP/1.0 (2% of all) gets 403,
    // everything else a redirect, each followed by its HTTPS request (counted as well).
    let arrivals = allow.summary.counts.requests;
    assert_eq!(c.requests, arrivals + redirects);
    let share = redirects as f64 / arrivals as f64;
    assert!((share - 0.49).abs() < 0.02, "{share}");
    let old_share = old as f64 / arrivals as f64;
    assert!((old_share - 0.01).abs() < 0.004, "{old_share}");
    // The overall latency leaves the redirects out and the follow-ups carry them, so the
    // median wait grows: a redirect costs a round trip and a new TLS handshake.
    assert!(r.summary.latency_ms(0.9) > allow.summary.latency_ms(0.9) + 20.0);
    assert!(r.summary.latency_by_outcome[Outcome::Redirect as usize].len() == redirects);
}

#[test]
fn https_only_refuses_http_with_403() {
    let r = go(&scenario(HALF_HTTP, "https-only", ""));
    let c = &r.summary.counts;
    let refused = c.by_detail[Detail::HttpsOnly as usize];
    assert!((refused as f64 / c.requests as f64 - 0.5).abs() < 0.02);
    assert_eq!(r.summary.count(Outcome::Redirect), 0);
    assert_eq!(c.errors_by_status[0], refused);
}

#[test]
fn clients_below_the_security_policy_fail_the_handshake() {
    let old_clients = "https = 1.0, tls1_0 = 0.0, tls1_1 = 0.3, tls1_2 = 0.7, tls1_3 = 0.0";
    let strict = "[distribution]\nsecurity_policy = \"TLSv1.2_2021\"";
    let r = go(&scenario(old_clients, "allow-all", strict));
    let failed = r.summary.counts.by_detail[Detail::ClientTlsError as usize];
    assert!((failed as f64 / r.summary.counts.requests as f64 - 0.3).abs() < 0.02);
    let lax = "[distribution]\nsecurity_policy = \"TLSv1\"";
    let r = go(&scenario(old_clients, "allow-all", lax));
    assert_eq!(
        r.summary.counts.by_detail[Detail::ClientTlsError as usize],
        0
    );
    // The breakdown by protocol shows TLS 1.1 and 1.2 rows only.
    let rows: Vec<String> = r
        .protocols
        .iter()
        .enumerate()
        .filter(|(_, m)| m.counts.requests > 0)
        .map(|(i, _)| edgesim::protocol::ViewerConn::row_name(i))
        .collect();
    // TLS 1.1 clients get HTTP/1.1 only; TLS 1.2 clients HTTP/2 if they speak it (85%).
    assert_eq!(
        rows,
        ["HTTP/1.1 TLSv1.1", "HTTP/1.1 TLSv1.2", "HTTP/2.0 TLSv1.2"]
    );
}

/// Misses only (every object new), two a second, to an origin about 40 ms away with
/// keep-alive `keepalive` and `origin_keys`.
fn misses(keepalive: &str, origin_keys: &str) -> Scenario {
    let text = format!(
        r#"
name = "keepalive"
requests = 3000
warmup = 100

[workload]
rate = 2.0

[[workload.classes]]
name = "all"
prefix = "/o/"
share = 1.0
objects = 100000000
zipf_exponent = 0.0

{site}
[[origins]]
name = "origin"
lat = 0.0
lon = 20.0
keepalive_timeout = "{keepalive}"
{origin_keys}
"#,
        site = common::LAB_SITE
    );
    load_str(&text, "ka.toml", &Overrides::default()).expect("valid test scenario")
}

#[test]
fn a_longer_origin_keep_alive_reuses_connections_and_lowers_miss_latency() {
    let short = go(&misses("1s", ""));
    let long = go(&misses("60s", ""));
    let reuse = |r: &RunResult| {
        let (n, u) = r
            .connections
            .iter()
            .fold((0, 0), |(n, u), (_, _, c)| (n + c.new, u + c.reused));
        u as f64 / (n + u) as f64
    };
    // Poisson gaps of mean 0.5 s: the connection is idle for at most 1 s in 86% of gaps, and
    // requests that overlap need a second connection, which then idles longer; within
    // 60 s nearly every request finds an idle one.
    assert!((0.6..0.86).contains(&reuse(&short)), "{}", reuse(&short));
    assert!(reuse(&long) > 0.97, "{}", reuse(&long));
    let miss_p90 = |r: &RunResult| {
        edgesim::stats::quantile_ms(&r.summary.latency_by_outcome[Outcome::Miss as usize], 0.9)
    };
    // A new HTTPS connection costs three origin round trips (about 36 ms each), which more
    // than a tenth of the misses pay with the short keep-alive.
    let (s90, l90) = (miss_p90(&short), miss_p90(&long));
    assert!(s90 > l90 + 50.0, "{s90} vs {l90}");
}

#[test]
fn an_invalid_origin_certificate_gives_502_over_https_but_not_over_http() {
    let bad = go(&misses("60s", "certificate_valid = false"));
    let c = &bad.summary.counts;
    assert_eq!(c.by_detail[Detail::OriginConnectError as usize], c.requests);
    assert_eq!(c.errors_by_status[2], c.requests);
    let plain = go(&misses(
        "60s",
        "certificate_valid = false\nprotocol_policy = \"http-only\"",
    ));
    assert_eq!(plain.summary.count(Outcome::Error), 0);
}

#[test]
fn the_breakdown_adds_up_to_the_time_to_first_byte() {
    let s = misses("1s", "");
    let spec = s.spec();
    let here = spec.regions[0].location();
    let rtt = spec.network.rtt(here, spec.pops[0].location()) as f64 / 1e6;
    let r = go(&s);
    let m = &r.summary;
    let n = m.counts.requests as f64;
    let parts: u64 = m.counts.time_sums[..5].iter().sum();
    // The viewer round trip is the rest (no last mile or jitter here).
    let mean_parts = parts as f64 / n / 1e6 + rtt;
    let mean = m.latency.mean() / 1000.0;
    assert!(
        (mean_parts / mean - 1.0).abs() < 0.01,
        "{mean_parts} vs {mean}"
    );
    // All misses go to the origin; nothing went to a regional cache or shield.
    assert_eq!(m.counts.time_sums[2], 0);
    assert_eq!(m.counts.time_sums[3], 0);
    assert!(
        m.counts.time_sums[5] > 0,
        "some origin connections were new"
    );
    // Bodies take time to arrive after the first byte.
    assert!(m.counts.time_sums[6] > 0);
}
