//! Expired copies and origin errors (cloudfront.md §1.8–§1.10): stale-while-revalidate,
//! stale-if-error, the older "serve the expired copy for ErrorCachingMinTTL" rule, error
//! caching, and OPTIONS caching under its own key.

use crate::common;

use edgesim::scenario::{load_str, Overrides};
use edgesim::sim::{run, Quiet, RunResult};
use edgesim::stats::{Detail, Outcome};

/// One hot object with a 1 s TTL, requested 50 times a second from next to the POP, and an
/// origin that fails a share of its responses with 503.
fn scenario(cache_control: &str, error_share: f64, extra: &str) -> String {
    format!(
        r#"
name = "stale"
requests = 20000
warmup = 500

[network]
edge_processing = "1us"

[workload]
rate = 50.0

[[workload.classes]]
name = "hot"
prefix = "/hot/"
share = 1.0
objects = 1
size = {{ dist = "constant", value = "10KiB" }}
response = {{ cache_control = "{cache_control}" }}

{site}
[[origins]]
name = "origin"
lat = 0.0
lon = 10.0
service = {{ dist = "constant", value = "1ms" }}
errors = [{{ status = 503, share = {error_share} }}]
{extra}
"#,
        site = common::LAB_SITE
    )
}

fn go(text: &str) -> RunResult {
    run(
        &load_str(text, "t.toml", &Overrides::default()).unwrap(),
        &mut Quiet,
    )
}

#[test]
fn stale_while_revalidate_answers_at_once_and_refreshes_in_the_background() {
    // "for N seconds after expiry, a request is answered immediately from the stale copy
    // while CloudFront refreshes it asynchronously"
    let plain = go(&scenario("max-age=1", 0.0, ""));
    let swr = go(&scenario("max-age=1, stale-while-revalidate=30", 0.0, ""));
    // 20 000 requests at 50/s is 400 s: about one revalidation per second of TTL.
    assert!(plain.summary.count(Outcome::RefreshHit) > 300);
    assert_eq!(
        swr.summary.count(Outcome::RefreshHit),
        0,
        "nobody waits for a revalidation"
    );
    assert!(
        swr.summary.counts.stale > 300,
        "{}",
        swr.summary.counts.stale
    );
    // The background refreshes still reach the origin, about once per TTL.
    assert!(swr.origins[0].requests > 300, "{}", swr.origins[0].requests);
    assert!(swr.summary.latency_ms(0.999) < plain.summary.latency_ms(0.999));
}

#[test]
fn an_expired_copy_is_served_when_the_origin_errs() {
    // "Object in cache but expired + origin 5xx -> serve the expired object; keep doing so for
    // ErrorCachingMinTTL; then retry."
    let r = go(&scenario("max-age=1", 0.5, ""));
    // Each 503 (about half of ~400 revalidations) starts 10 s of stale serving.
    assert!(
        r.summary.counts.stale > 5_000,
        "stale {}",
        r.summary.counts.stale
    );
    assert_eq!(
        r.summary.count(Outcome::Error),
        0,
        "with a copy in cache the viewer never sees the 503"
    );
    // "stale-if-error=N: for N seconds after expiry ... the stale copy is served"; past the
    // window (here 0 s) the error goes to the viewer.
    let r = go(&scenario("max-age=1, stale-if-error=0", 0.5, ""));
    assert!(
        r.summary.count(Outcome::Error) > 300,
        "{}",
        r.summary.count(Outcome::Error)
    );
    let r = go(&scenario("max-age=1, stale-if-error=3600", 0.5, ""));
    assert_eq!(r.summary.count(Outcome::Error), 0);
    assert!(r.summary.counts.stale > 100);
}

#[test]
fn a_4xx_on_an_expired_copy_is_not_served_stale() {
    // cloudfront.md §3.4: the expired copy stands in for a 5xx or a timeout only. A 404 on
    // revalidation goes to the viewer (and is then cached for ErrorCachingMinTTL).
    let text = scenario("max-age=1", 0.5, "").replace("status = 503", "status = 404");
    let r = go(&text);
    assert_eq!(r.summary.counts.stale, 0);
    assert!(
        r.summary.counts.errors_by_status[0] > 300,
        "{}",
        r.summary.counts.errors_by_status[0]
    );
    assert_eq!(
        r.summary.counts.errors_by_status[0],
        r.summary.count(Outcome::Error)
    );
}

#[test]
fn errors_are_cached_for_error_caching_min_ttl() {
    // "Object not in cache + origin error -> error returned and cached; CloudFront retries the
    // origin after that period." Uncacheable 200s (no-store) keep every success uncached, so
    // only cached 503s cut origin requests: with a 10 s ErrorCachingMinTTL, each 503 is then
    // served to about 500 requests.
    let r = go(&scenario("no-store", 0.5, ""));
    let errors = r.summary.count(Outcome::Error);
    assert!(errors > 15_000, "{errors}");
    assert!(r.origins[0].requests < 1_000, "{}", r.origins[0].requests);
    // A per-status ErrorCachingMinTTL of 0 s caches nothing: requests keep reaching the
    // origin, and only those that collapse onto a failing fetch share its 503.
    let r = go(&scenario(
        "no-store",
        0.5,
        "[[custom_error_responses]]\nerror_code = 503\nerror_caching_min_ttl = \"0s\"\n",
    ));
    assert!(r.origins[0].requests > 10_000, "{}", r.origins[0].requests);
    let share = r.summary.count(Outcome::Error) as f64 / r.summary.counts.requests as f64;
    assert!((0.5..0.75).contains(&share), "{share}");
}

#[test]
fn options_is_cached_only_when_the_behavior_caches_it_and_apart_from_get() {
    // "OPTIONS responses, when cached, use a cache key that includes the method"
    let with_options = |cached: &str| {
        scenario("max-age=3600", 0.0, &format!(
            "[default_behavior]\nallowed_methods = [\"GET\", \"HEAD\", \"OPTIONS\"]\ncached_methods = {cached}\n"
        ))
        .replace("size = {", "methods = { get = 0.5, options = 0.5 }\nsize = {")
    };
    let cached = go(&with_options("[\"GET\", \"HEAD\", \"OPTIONS\"]"));
    // Both were fetched once, during the warm-up; nothing counted reaches the origin.
    assert_eq!(
        cached.origins[0].requests, 0,
        "GET and OPTIONS responses are each cached"
    );
    assert_eq!(cached.summary.hits(), cached.summary.counts.requests);
    let proxied = go(&with_options("[\"GET\", \"HEAD\"]"));
    assert!(
        proxied.origins[0].requests > 9_000,
        "OPTIONS proxied: {}",
        proxied.origins[0].requests
    );
    // A behavior that does not allow OPTIONS refuses it with 403.
    let refused = go(&scenario("max-age=3600", 0.0, "").replace(
        "size = {",
        "methods = { get = 0.5, options = 0.5 }\nsize = {",
    ));
    let invalid = refused.summary.counts.by_detail[Detail::InvalidRequestMethod as usize];
    assert!((9_000..11_000).contains(&invalid), "{invalid}");
}

#[test]
fn a_proxied_request_never_gets_a_cached_copy_of_the_same_path() {
    // GETs of the hot object are cached and served stale when the origin errs; POSTs to the
    // same path are proxied, so each POST that meets a 503 gets the 503.
    let text = scenario(
        "max-age=1",
        0.5,
        "[default_behavior]\nallowed_methods = [\"GET\", \"HEAD\", \"OPTIONS\", \"PUT\", \"POST\", \"PATCH\", \"DELETE\"]\n",
    )
    .replace("size = {", "methods = { get = 0.5, post = 0.5 }\nsize = {");
    let r = go(&text);
    let errors = r.summary.count(Outcome::Error);
    // About 10 000 POSTs, half of them failing; GETs never see an error.
    assert!((4_500..5_500).contains(&errors), "{errors}");
    assert!(r.summary.counts.stale > 1_000);
}
