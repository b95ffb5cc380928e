//! Cache behaviors end to end: static content cached, dynamic content never, and an
//! origin shield cutting origin load (scenarios/static-and-dynamic.toml).

use edgesim::scenario::{load_str, Overrides, Scenario};
use edgesim::sim::{run, Quiet, RunResult};
use edgesim::stats::Outcome;

const SCENARIO: &str = include_str!("../../scenarios/static-and-dynamic.toml");

fn scenario(text: &str) -> Scenario {
    let o = Overrides {
        requests: Some(400_000),
        sets: vec!["warmup=100000".into()],
        ..Overrides::default()
    };
    load_str(text, "static-and-dynamic.toml", &o).unwrap()
}

fn behavior<'a>(s: &Scenario, r: &'a RunResult, pattern: &str) -> &'a edgesim::stats::Metrics {
    let i = s
        .behaviors()
        .all()
        .iter()
        .position(|b| b.pattern_str() == pattern)
        .unwrap();
    &r.behaviors[i]
}

#[test]
fn static_is_cached_dynamic_is_not_and_a_shield_cuts_origin_requests() {
    let shielded = scenario(SCENARIO);
    let with = run(&shielded, &mut Quiet);
    let images = behavior(&shielded, &with, "/images/*");
    let api = behavior(&shielded, &with, "/api/*");
    assert!(
        images.hit_ratio() > 0.8,
        "images hit ratio {}",
        images.hit_ratio()
    );
    assert_eq!(api.hits(), 0, "a CachingDisabled behavior never hits");
    assert_eq!(
        api.count(Outcome::Miss) + api.count(Outcome::Error),
        api.counts.requests
    );
    assert!(api.counts.requests > 20_000);
    // Hits come from every tier: POP, regional cache and shield.
    assert!(
        images.counts.hits_by_tier.iter().take(3).all(|&n| n > 0),
        "{:?}",
        images.counts.hits_by_tier
    );

    let unshielded = scenario(&SCENARIO.replace("shield = \"us-east-1\"", ""));
    let without = run(&unshielded, &mut Quiet);
    let (static_with, static_without) = (with.origins[0].requests, without.origins[0].requests);
    assert!(
        (static_with as f64) < 0.95 * static_without as f64,
        "static origin requests: {static_with} with a shield, {static_without} without"
    );
    // The dynamic origin sees every API request either way.
    assert_eq!(with.origins[1].requests, api.counts.requests);
}
