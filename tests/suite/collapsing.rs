//! Request collapsing (cloudfront.md §2.5) and the regional-cache bypass rules (§2.2),
//! each case traced to the line it checks.

use crate::common;

use edgesim::scenario::{load_str, Overrides};
use edgesim::sim::{run, Quiet, RunResult};
use edgesim::stats::Outcome;

/// One viewer region at a POP, one hot object, and an origin about 140 ms away.
fn scenario(cache_control: &str, ttl: &str, extra: &str) -> String {
    format!(
        r#"
name = "collapse"
requests = 4000
warmup = 0

[network]
edge_processing = "1us"

[workload]
rate = 200.0

[[workload.classes]]
name = "hot"
prefix = "/hot/"
share = 1.0
objects = 1
size = {{ dist = "constant", value = "10KiB" }}
response = {{ cache_control = "{cache_control}" }}

{site}
[[origins]]
name = "far"
lat = 0.0
lon = 90.0
concurrency = 1000
service = {{ dist = "constant", value = "1ms" }}

[default_behavior]
ttl = {ttl}
{extra}
"#,
        site = common::LAB_SITE
    )
}

const LONG_TTL: &str = r#"{ min = "0s", default = "1d", max = "365d" }"#;

fn go(text: &str) -> RunResult {
    run(
        &load_str(text, "t.toml", &Overrides::default()).unwrap(),
        &mut Quiet,
    )
}

#[test]
fn concurrent_misses_collapse_into_one_origin_request() {
    // "Further requests with the same cache key arriving before the first response comes
    // back are paused, then all get the first response. Logs: first = Miss, the others = Hit."
    let r = go(&scenario("max-age=3600", LONG_TTL, ""));
    assert_eq!(r.origins[0].requests, 1);
    assert_eq!(r.summary.count(Outcome::Miss), 1);
    let collapsed = r.summary.counts.collapsed;
    // The first fetch opens a new HTTPS connection to the origin (TCP and TLS 1.2: three
    // round trips) before its own round trip: about 200/s x 4 x 140 ms of waiting.
    assert!(
        (60..130).contains(&collapsed),
        "about 200/s x 560 ms wait: {collapsed}"
    );
    assert_eq!(r.summary.count(Outcome::Hit), 4000 - 1);
}

#[test]
fn caching_disabled_behavior_does_not_collapse() {
    // "Collapsing is disabled entirely when the behavior uses the managed CachingDisabled policy"
    let r = go(&scenario(
        "max-age=3600",
        r#"{ min = "0s", default = "0s", max = "0s" }"#,
        "",
    ));
    assert_eq!(r.origins[0].requests, 4000);
    assert_eq!(r.summary.counts.collapsed, 0);
    assert_eq!(r.summary.count(Outcome::Miss), 4000);
}

#[test]
fn uncacheable_response_with_min_ttl_0_forwards_followers_after_the_first_response() {
    // "Disabled for a specific object only when both MinTTL = 0 and the origin responds with
    // private, no-store, no-cache, max-age=0 or s-maxage=0 ... the paused followers are still
    // held until the first response arrives and then sent to the origin themselves."
    for cc in ["no-store", "private", "no-cache", "max-age=0", "s-maxage=0"] {
        let r = go(&scenario(cc, LONG_TTL, ""));
        assert_eq!(
            r.origins[0].requests, 4000,
            "{cc}: every request reaches the origin"
        );
        let one_trip = r.summary.latency_ms(0.0);
        let median = r.summary.latency_ms(0.5);
        // A follower waits out the rest of the leader's trip (half a trip on average), then
        // makes its own: about 1.5 trips, where collapsing would give at most one.
        assert!(
            median > 1.3 * one_trip,
            "{cc}: followers wait for the leader first: p50 {median} vs {one_trip}"
        );
    }
    // "both MinTTL = 0 and ...": with MinTTL > 0 the object is kept and requests collapse.
    let r = go(&scenario(
        "no-store",
        r#"{ min = "60s", default = "1d", max = "365d" }"#,
        "",
    ));
    assert!(r.origins[0].requests < 10, "{}", r.origins[0].requests);
}

#[test]
fn ttl_zero_alone_still_collapses() {
    // "TTL = 0 alone (without one of those headers) does not disable collapsing"
    let r = go(&scenario(
        "",
        r#"{ min = "0s", default = "0s", max = "1h" }"#,
        "",
    ));
    assert!(
        r.origins[0].requests < 4000 / 10,
        "{}",
        r.origins[0].requests
    );
    assert!(r.summary.counts.collapsed > 2000);
}

/// Two POPs behind one regional cache, both asking for the same hot object.
fn two_pops(collapse_at_regional: bool) -> String {
    let extra = format!(
        r#"
[caching]
collapse_at_regional = {collapse_at_regional}

[[regional_caches]]
name = "rec"
lat = 0.0
lon = 0.5
cache_capacity = "1MiB"
"#
    );
    scenario("max-age=3600", LONG_TTL, &extra)
        .replace("cache_capacity = \"1MiB\"\n\n[[origins]]", "cache_capacity = \"1MiB\"\nregional_cache = \"rec\"\n\n[[pops]]\ncode = \"POP2\"\nlat = 0.0\nlon = 1.0\ncache_capacity = \"1MiB\"\nregional_cache = \"rec\"\n\n[[origins]]")
        .replace("share = 1.0\nlast_mile", "share = 0.5\nlast_mile")
        .replace("[[pops]]\ncode = \"POP\"", "[[regions]]\nname = \"there\"\nlat = 0.0\nlon = 1.0\nshare = 0.5\nlast_mile = \"0ns\"\njitter = \"0ns\"\n\n[[pops]]\ncode = \"POP\"")
}

#[test]
fn regional_caches_collapse_misses_from_several_pops() {
    // "Collapsing happens at the POP, and again at the REC and Origin Shield" [ASSUMPTION for REC]
    let r = go(&two_pops(true));
    assert_eq!(r.origins[0].requests, 1);
    let r = go(&two_pops(false));
    assert_eq!(
        r.origins[0].requests, 2,
        "one fetch from each POP when the REC does not collapse"
    );
}

/// A POP whose regional cache (and the origin's shield) lies far off the path to the origin:
/// GETs of `/img/*` are cached, POSTs to `/api/*` are proxied.
fn detour(shield: bool) -> String {
    format!(
        r#"
name = "bypass"
requests = 3000
warmup = 0

[workload]
rate = 100.0

[[workload.classes]]
name = "img"
prefix = "/img/"
share = 0.5
objects = 1000000
zipf_exponent = 0.0
response = {{ cache_control = "max-age=3600" }}

[[workload.classes]]
name = "api"
prefix = "/api/"
share = 0.5
objects = 1000
methods = {{ post = 1.0 }}

[[regions]]
name = "here"
lat = 0.0
lon = 0.0
share = 1.0
jitter = "0ns"

[[pops]]
code = "POP"
lat = 0.0
lon = 0.0
cache_capacity = "1GiB"
{pop_rec}

[[regional_caches]]
name = "far-rec"
lat = 0.0
lon = -90.0
cache_capacity = "1GiB"

[[origins]]
name = "near"
lat = 0.0
lon = 1.0
service = {{ dist = "constant", value = "1ms" }}
{shield}

[[behaviors]]
path_pattern = "/api/*"
origin = "near"
allowed_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
"#,
        pop_rec = if shield {
            ""
        } else {
            "regional_cache = \"far-rec\""
        },
        shield = if shield { "shield = \"far-rec\"" } else { "" },
    )
}

#[test]
fn proxy_methods_skip_the_regional_cache_but_pass_through_the_shield() {
    // "Proxy methods: PUT, POST, PATCH, OPTIONS, DELETE" go POP -> origin, skipping the REC.
    let r = go(&detour(false));
    let (api, img) = (&r.behaviors[0], &r.behaviors[1]);
    assert_eq!(api.count(Outcome::Miss), api.counts.requests);
    assert!(
        api.latency_ms(0.5) * 5.0 < img.latency_ms(0.5),
        "POSTs go straight to the nearby origin ({} ms) while GET misses detour via the REC ({} ms)",
        api.latency_ms(0.5),
        img.latency_ms(0.5)
    );
    // "With Origin Shield on, dynamic requests (PUT/POST/PATCH/DELETE) still traverse Origin Shield"
    let shielded = go(&detour(true));
    let api_shielded = &shielded.behaviors[0];
    assert!(
        api_shielded.latency_ms(0.5) > 5.0 * api.latency_ms(0.5),
        "through the far shield {} ms vs direct {} ms",
        api_shielded.latency_ms(0.5),
        api.latency_ms(0.5)
    );
}
