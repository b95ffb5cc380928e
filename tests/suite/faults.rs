//! Faults on the cache tiers and the network, and what `faults.csv` and `failover.csv`
//! report about them.

use crate::common;

use edgesim::scenario::{load_str, Overrides, Scenario};
use edgesim::stats::Metrics;
use edgesim::units::{Nanos, SEC};

const POP: &str = "cache_capacity = \"64KiB\"\nregional_cache = \"rec\"";

/// Two POPs (A near the viewers, B farther), each behind one regional cache, one origin
/// far away; hot objects with long TTLs; 10 s intervals over 300 s. `faults` is appended.
fn tiered(faults: &str) -> Scenario {
    let text = format!(
        r#"
name = "tiers"
duration = "300s"
warmup = "0s"
interval = "10s"

[network]
edge_processing = "1us"

[workload]
rate = 200.0

[[workload.classes]]
name = "all"
prefix = "/o/"
share = 1.0
objects = 2000
zipf_exponent = 0.8
size = {{ dist = "constant", value = "1KiB" }}
response = {{ cache_control = "max-age=86400" }}

{site}{places}
{faults}
"#,
        site = common::LAB_SITE
            .split("[[pops]]")
            .next()
            .unwrap_or_default(),
        places = [
            common::at("pops", "code", "A", 1.0, POP),
            common::at("pops", "code", "B", 5.0, POP),
            common::at(
                "regional_caches",
                "name",
                "rec",
                3.0,
                "cache_capacity = \"1GiB\""
            ),
            common::at(
                "origins",
                "name",
                "origin",
                60.0,
                "service = { dist = \"constant\", value = \"1ms\" }",
            ),
        ]
        .concat()
    );
    load_str(&text, "tiers.toml", &Overrides::default()).expect("valid test scenario")
}

/// Time-series rows of POP `pop` as `(start, metrics)`.
fn series(s: &Scenario, pop: usize) -> Vec<(Nanos, Metrics)> {
    let (_, rows) = common::run(s);
    rows.into_iter()
        .filter(|(_, p, _)| *p == pop)
        .map(|(t, _, m)| (t, m))
        .collect()
}

fn window(rows: &[(Nanos, Metrics)], from: u64, to: u64) -> Vec<&Metrics> {
    rows.iter()
        .filter(|(t, _)| (from * SEC..to * SEC).contains(t))
        .map(|(_, m)| m)
        .collect()
}

#[test]
fn a_regional_cache_outage_sends_pops_past_it_only_inside_the_window() {
    let down = r#"[[faults]]
kind = "regional_outage"
regional_cache = "rec"
start = "100s"
duration = "100s""#;
    let rows = series(&tiered(down), 0);
    let regional = |ms: Vec<&Metrics>| ms.iter().map(|m| m.counts.hits_by_tier[1]).sum::<u64>();
    // The 64 KiB POP cache keeps missing; its misses hit the regional cache, except while
    // that cache is down (fetches already there finish, hence the margin after the start).
    assert!(regional(window(&rows, 20, 100)) > 1_000);
    assert_eq!(regional(window(&rows, 110, 200)), 0);
    assert!(regional(window(&rows, 210, 300)) > 1_000);
    let (r, _) = common::run(&tiered(down));
    assert!(r.fault_affected[0] > 1_000, "{:?}", r.fault_affected);
}

#[test]
fn a_slow_link_slows_exactly_the_legs_that_start_inside_its_window() {
    let slow = r#"[[faults]]
kind = "latency"
between = ["here", "A"]
added = "100ms"
start = "100s"
duration = "100s""#;
    let base = series(&tiered(""), 0);
    let slowed = series(&tiered(slow), 0);
    let p50 = |rows: &[(Nanos, Metrics)], from, to| {
        let ms = window(rows, from, to);
        ms.iter().map(|m| m.latency_ms(0.5)).sum::<f64>() / ms.len() as f64
    };
    // The viewer's round trip to A grows by exactly 100 ms inside the window (medians of
    // 2-digit histograms: within 2%), and not at all outside it.
    let inside = p50(&slowed, 110, 190) - p50(&base, 110, 190);
    assert!((inside - 100.0).abs() < 2.0, "{inside}");
    assert_eq!(p50(&slowed, 0, 100), p50(&base, 0, 100));
    assert_eq!(p50(&slowed, 210, 300), p50(&base, 210, 300));
}

#[test]
fn a_pop_that_loses_its_cache_rewarms_after_the_outage() {
    let outage = |cache: &str| {
        tiered(&format!(
            r#"[[faults]]
kind = "pop_outage"
pop = "A"
start = "100s"
duration = "100s"
cache = "{cache}""#
        ))
    };
    // Give A a cache that holds the whole catalog, so a kept cache stays warm, and look
    // at it second by second.
    let big = |s: Scenario| {
        let mut spec = s.spec().clone();
        spec.pops[0].cache_capacity = edgesim::units::Bytes(1 << 30);
        spec.interval = edgesim::units::Duration(SEC);
        Scenario::new(spec).unwrap()
    };
    let kept = series(&big(outage("kept")), 0);
    let lost = series(&big(outage("lost")), 0);
    let pop_hits = |rows: &[(Nanos, Metrics)], from, to| {
        window(rows, from, to)
            .iter()
            .map(|m| m.counts.hits_by_tier[0])
            .sum::<u64>()
    };
    // While down, A serves nothing; its viewers went to B.
    assert_eq!(pop_hits(&kept, 100, 200), 0);
    assert_eq!(pop_hits(&lost, 100, 200), 0);
    // Back up: the kept cache hits at once, the lost one has to warm again.
    let (k, l) = (pop_hits(&kept, 200, 201), pop_hits(&lost, 200, 201));
    assert!(l * 2 < k, "kept {k}, lost {l}");
    // Before the outage the two runs are the same run.
    assert_eq!(pop_hits(&kept, 0, 100), pop_hits(&lost, 0, 100));
}
