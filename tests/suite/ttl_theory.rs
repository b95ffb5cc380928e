//! A TTL cache against theory: Poisson requests at rate λ to one object with TTL T. Each
//! expiry cycle has one revalidation followed by λT hits on average, so a share
//! 1 / (1 + λT) of requests revalidate: RefreshHit when the origin can answer 304,
//! Miss when it sends no validators (the TTL-cache hit ratio λT / (1 + λT)).

use crate::common;

use edgesim::scenario::{load_str, Overrides};
use edgesim::sim::{run, Quiet};
use edgesim::stats::Outcome;

fn scenario(rate: f64, ttl_s: u64, validators: bool) -> String {
    format!(
        r#"
name = "ttl"
seed = 3
requests = 40000
warmup = 200
# Wide rows: the test reads the summary, and 11 simulated hours make 4,000 rows at 10 s.
interval = "10m"

[network]
path_overhead = "0ns"
rtt_floor = "1us"
edge_processing = "1us"

[workload]
rate = {rate}

[[workload.classes]]
name = "one"
prefix = "/"
share = 1.0
objects = 1
size = {{ dist = "constant", value = "1KiB" }}
response = {{ cache_control = "max-age={ttl_s}", validators = {validators} }}

{site}
[[origins]]
name = "origin"
lat = 0.0
lon = 0.0
concurrency = 100
service = {{ dist = "constant", value = "1us" }}
"#,
        site = common::LAB_SITE
    )
}

fn shares(rate: f64, ttl_s: u64, validators: bool) -> (f64, f64, f64) {
    let s = load_str(
        &scenario(rate, ttl_s, validators),
        "ttl.toml",
        &Overrides::default(),
    )
    .unwrap();
    let r = run(&s, &mut Quiet);
    let n = r.summary.counts.requests as f64;
    let share = |o| r.summary.count(o) as f64 / n;
    (
        share(Outcome::Hit),
        share(Outcome::RefreshHit),
        share(Outcome::Miss),
    )
}

#[test]
fn revalidations_happen_at_the_rate_theory_predicts() {
    for (rate, ttl) in [(1.0, 2), (0.5, 6)] {
        let lt: f64 = rate * ttl as f64;
        let expected = 1.0 / (1.0 + lt);
        // With validators: every revalidation is a 304, logged RefreshHit.
        let (hit, refresh, miss) = shares(rate, ttl, true);
        assert!(
            (refresh - expected).abs() < 0.012,
            "λT={lt}: RefreshHit share {refresh:.4}, theory {expected:.4}"
        );
        assert!(
            (hit - (1.0 - expected)).abs() < 0.012,
            "λT={lt}: Hit share {hit:.4}"
        );
        assert_eq!(miss, 0.0);
        // Without validators: the same requests fetch the whole object, logged Miss.
        let (hit, refresh, miss) = shares(rate, ttl, false);
        assert!(
            (miss - expected).abs() < 0.012,
            "λT={lt}: Miss share {miss:.4}, theory {expected:.4}"
        );
        assert!((hit - (1.0 - expected)).abs() < 0.012);
        assert_eq!(refresh, 0.0);
    }
}
