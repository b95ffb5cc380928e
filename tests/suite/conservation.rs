//! Every request ends in exactly one outcome, and every view adds up to the whole.

use crate::common;

use edgesim::stats::{Metrics, Outcome};

fn outcome_sum(m: &Metrics) -> u64 {
    Outcome::ALL.iter().map(|&o| m.count(o)).sum()
}

fn assert_conserved(name: &str, sets: &[&str]) {
    assert_scenario_conserved(&common::scenario(name, sets));
}

fn assert_scenario_conserved(s: &edgesim::scenario::Scenario) {
    let (r, rows) = common::run(s);
    let total = r.summary.counts.requests;
    assert_eq!(
        total,
        s.spec().requests.unwrap(),
        "every counted request is reported"
    );
    assert_eq!(outcome_sum(&r.summary), total);
    for (i, m) in r
        .pops
        .iter()
        .chain(&r.regions)
        .chain(&r.behaviors)
        .enumerate()
    {
        assert_eq!(outcome_sum(m), m.counts.requests, "view {i}");
        let by_tier: u64 = m.counts.hits_by_tier.iter().sum();
        assert_eq!(
            by_tier,
            m.count(Outcome::Hit),
            "view {i}: every hit has one serving tier"
        );
    }
    let by_pop: u64 = r.pops.iter().map(|m| m.counts.requests).sum();
    let by_region: u64 = r.regions.iter().map(|m| m.counts.requests).sum();
    let by_behavior: u64 = r.behaviors.iter().map(|m| m.counts.requests).sum();
    let by_interval: u64 = rows.iter().map(|(_, _, m)| m.counts.requests).sum();
    assert_eq!(
        (by_pop, by_region, by_behavior, by_interval),
        (total, total, total, total)
    );
    // Bytes and origin requests add up the same way.
    let bytes: u64 = r.pops.iter().map(|m| m.counts.bytes_served).sum();
    assert_eq!(bytes, r.summary.counts.bytes_served);
    let origin: u64 = rows.iter().map(|(_, _, m)| m.counts.origin_requests).sum();
    assert_eq!(origin, r.summary.counts.origin_requests);
    // Every origin request is led by one counted request, and the origins answered each.
    // (Background refreshes and warm-up requests lead none; the scenarios here have none
    // counted, as their objects stay fresh.)
    assert_eq!(
        r.origins.iter().map(|o| o.requests).sum::<u64>(),
        r.summary.counts.origin_requests
    );
    // The latency histograms hold one value per request.
    assert_eq!(r.summary.latency.len(), total);
}

#[test]
fn outcomes_add_up_per_pop_region_interval_and_overall() {
    assert_conserved("small.toml", &[]);
    let s = common::scenario("small.toml", &[]);
    let (r, _) = common::run(&s);
    // In the small scenario nothing expires, so each origin request is a miss.
    assert_eq!(
        r.summary.count(Outcome::Miss),
        r.summary.counts.origin_requests
    );
}

#[test]
fn outcomes_add_up_through_regional_caches_and_shields() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/static-and-dynamic.toml"
    );
    let o = edgesim::scenario::Overrides {
        requests: Some(100_000),
        sets: vec!["warmup=20000".into()],
        ..Default::default()
    };
    let s = edgesim::scenario::load_file(std::path::Path::new(path), &o).unwrap();
    assert_scenario_conserved(&s);
}

#[test]
fn outcomes_add_up_when_every_pop_refuses_some_requests() {
    // Tiny rate limits everywhere: many requests end as CapacityExceeded.
    let sets = [
        "pops[0].capacity_rps=500",
        "pops[1].capacity_rps=500",
        "pops[2].capacity_rps=300",
    ];
    assert_conserved("small.toml", &sets);
    let s = common::scenario("small.toml", &sets);
    let (r, _) = common::run(&s);
    assert!(r.summary.count(Outcome::CapacityExceeded) > 1000);
    assert!(r.summary.counts.shed > 1000);
}

#[test]
fn the_small_scenario_exercises_collapsing_shedding_and_both_policies() {
    let s = common::scenario("small.toml", &[]);
    let (r, _) = common::run(&s);
    assert!(r.summary.counts.collapsed > 100, "collapsing happens");
    assert!(r.summary.counts.shed > 100, "shedding happens");
    let hit_ratio = r.summary.hit_ratio();
    assert!((0.5..0.99).contains(&hit_ratio), "{hit_ratio}");
    // POSTs are never cached, so cacheable requests are fewer than all requests.
    assert!(r.summary.counts.cacheable < r.summary.counts.requests);
}
