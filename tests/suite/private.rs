//! Private content end to end (WIP branch): signed requests served, bad ones refused with
//! their reason, and key rotations done right or too early.

use crate::common;

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

#[test]
fn real_signatures_give_the_same_outcomes_as_the_flags() {
    // Every kind of bad link, in URLs and in cookies, with an IP-restricted policy, during a
    // rotation whose old key goes too early; one in fifty checked for real.
    for via in ["url", "cookies"] {
        let signed = format!(
            r#"signed = {{ key = "K1", via = "{via}", lifetime = "5m", tampered = 0.05, stale = 0.05, outside_ip = 0.05, ip_restricted = true }}"#
        );
        let extra = "[signing]\ncrypto_sample_rate = 0.02\n\n[[faults]]\nkind = \"key_rotation\"\nkey_group = \"premium\"\nold_key = \"K1\"\nnew_key = \"K2\"\nadd_at = \"5m\"\nswitch_at = \"6m\"\nremove_at = \"7m\"";
        let r = run(&scenario(&signed, extra), &mut Quiet);
        let (checked, mismatches) = r.crypto_checks;
        assert!(checked > 500, "{checked}");
        assert_eq!(mismatches, 0, "{via}");
        let c = &r.summary.counts;
        for d in [
            Detail::BadSignature,
            Detail::Expired,
            Detail::IpNotAllowed,
            Detail::InvalidKey,
        ] {
            assert!(c.by_detail[d as usize] > 100, "{via} {d:?}");
        }
    }
}

#[test]
fn key_group_quotas_and_unknown_ids_are_rejected_by_path() {
    let load = |extra: &str, default_groups: &str| {
        let text = format!(
            r#"
name = "q"
requests = 10
[workload]
rate = 1.0
[[workload.classes]]
name = "a"
prefix = "/a/"
share = 1.0
objects = 10
{site}
[[origins]]
name = "o"
lat = 0.0
lon = 0.0
{keys}
{extra}
[default_behavior]
trusted_key_groups = {default_groups}
"#,
            site = common::LAB_SITE,
            keys = (1..=6)
                .map(|i| format!("[[public_keys]]\nid = \"K{i}\"\n"))
                .collect::<String>(),
        );
        load_str(&text, "q.toml", &Overrides::default())
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    let groups = (1..=5)
        .map(|i| format!("[[key_groups]]\nid = \"g{i}\"\nkeys = [\"K1\"]\n"))
        .collect::<String>();
    assert!(load(&groups, r#"["g1", "g2", "g3", "g4"]"#).is_ok());
    let e = load(&groups, r#"["g1", "g2", "g3", "g4", "g5"]"#).unwrap_err();
    assert!(e.contains("default_behavior.trusted_key_groups: 5 key groups exceed the quota of 4 per cache behavior"), "{e}");
    let six =
        "[[key_groups]]\nid = \"big\"\nkeys = [\"K1\", \"K2\", \"K3\", \"K4\", \"K5\", \"K6\"]\n";
    let e = load(six, r#"["big"]"#).unwrap_err();
    assert!(e.contains("key_groups[0].keys: a key group holds 1 to 5 public keys (signing.max_keys_per_group), got 6"), "{e}");
    let e = load(&groups, r#"["nope"]"#).unwrap_err();
    assert!(
        e.contains("default_behavior.trusted_key_groups[0]: no key group has id \"nope\""),
        "{e}"
    );
    // Per distribution: two behaviors of 3 distinct groups each are 6, over the quota of 4;
    // groups shared between behaviors count once.
    let six = (1..=6)
        .map(|i| format!("[[key_groups]]\nid = \"g{i}\"\nkeys = [\"K1\"]\n"))
        .collect::<String>();
    let behavior = |groups: &str| {
        format!("{six}[[behaviors]]\npath_pattern = \"/b/*\"\norigin = \"o\"\ntrusted_key_groups = {groups}\n")
    };
    let e = load(&behavior(r#"["g4", "g5", "g6"]"#), r#"["g1", "g2", "g3"]"#).unwrap_err();
    assert!(e.contains("default_behavior.trusted_key_groups[1]: \"g2\" is key group number 5 that the distribution's behaviors trust, over CloudFront's quota of 4 key groups per distribution"), "{e}");
    assert!(load(&behavior(r#"["g1", "g2"]"#), r#"["g1", "g2", "g3", "g4"]"#).is_ok());
}

#[test]
fn sampling_real_signatures_changes_no_outcome() {
    let signed = r#"signed = { key = "K1", lifetime = "5m", tampered = 0.05, stale = 0.05 }"#;
    let flags = run(&scenario(signed, ""), &mut Quiet);
    let real = run(
        &scenario(signed, "[signing]\ncrypto_sample_rate = 0.02"),
        &mut Quiet,
    );
    assert!(real.crypto_checks.0 > 500);
    assert_eq!(flags.summary.counts, real.summary.counts);
}
