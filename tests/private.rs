//! Private content end to end (WIP branch): signed requests served, bad ones refused with
//! their reason, and key rotations done right or too early.

mod common;

use edgesim::scenario::{load_str, Overrides, Scenario};
use edgesim::sim::{run, Quiet};
use edgesim::stats::{Detail, Outcome};

fn scenario(signed: &str, extra: &str) -> Scenario {
    let text = format!(
        r#"
name = "private"
duration = "20m"
warmup = "0s"

[workload]
rate = 50.0

[[workload.classes]]
name = "videos"
prefix = "/v/"
share = 1.0
objects = 1000
{signed}

{site}
[[origins]]
name = "origin"
lat = 0.0
lon = 5.0

[[public_keys]]
id = "K1"

[[public_keys]]
id = "K2"

[[key_groups]]
id = "premium"
keys = ["K1"]

[default_behavior]
trusted_key_groups = ["premium"]

{extra}
"#,
        site = common::LAB_SITE
    );
    load_str(&text, "p.toml", &Overrides::default()).expect("valid test scenario")
}

const SIGNED: &str = r#"signed = { key = "K1", lifetime = "5m" }"#;

#[test]
fn good_signatures_are_served_and_bad_ones_never_reach_cache_or_origin() {
    let r = run(&scenario(SIGNED, ""), &mut Quiet);
    assert_eq!(r.summary.count(Outcome::Error), 0);
    let bad = r#"signed = { key = "K1", lifetime = "5m", tampered = 0.1, stale = 0.1 }"#;
    let r = run(&scenario(bad, ""), &mut Quiet);
    let c = &r.summary.counts;
    let tampered = c.by_detail[Detail::BadSignature as usize] as f64 / c.requests as f64;
    let expired = c.by_detail[Detail::Expired as usize] as f64 / c.requests as f64;
    assert!((tampered - 0.1).abs() < 0.01 && (expired - 0.1).abs() < 0.01);
    // Refused requests are neither cache lookups nor origin requests.
    assert_eq!(
        c.cacheable,
        c.requests
            - c.by_detail[Detail::BadSignature as usize]
            - c.by_detail[Detail::Expired as usize]
    );
    // Unsigned requests to a private behavior: no key id.
    let r = run(&scenario("", ""), &mut Quiet);
    assert_eq!(
        r.summary.counts.by_detail[Detail::MissingKey as usize],
        r.summary.counts.requests
    );
    assert_eq!(r.origins[0].requests, 0);
}

#[test]
fn removing_the_old_key_before_its_links_expire_refuses_them() {
    let rotation = |remove: &str| {
        format!(
            "[[faults]]\nkind = \"key_rotation\"\nkey_group = \"premium\"\nold_key = \"K1\"\nnew_key = \"K2\"\nadd_at = \"5m\"\nswitch_at = \"6m\"\nremove_at = \"{remove}\""
        )
    };
    // Links live 5 minutes: removing K1 at 11m (switch + lifetime) refuses nothing.
    let r = run(&scenario(SIGNED, &rotation("11m")), &mut Quiet);
    assert_eq!(r.summary.count(Outcome::Error), 0);
    // Removing it at 7m refuses the links signed with K1 in the 5 minutes before 6m.
    let r = run(&scenario(SIGNED, &rotation("7m")), &mut Quiet);
    let unknown = r.summary.counts.by_detail[Detail::InvalidKey as usize];
    // Over 7m..11m the share of K1 links falls from 4/5 to 0: about 4 minutes x 50/s x 40%.
    assert!((3_000..6_500).contains(&unknown), "{unknown}");
}
