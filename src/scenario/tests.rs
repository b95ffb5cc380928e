//! Validation rules, error messages and the resolved form.

use super::*;
use crate::fault::Place;
use crate::units::SEC;

const MINIMAL: &str = r#"
name = "t"
duration = "10s"

[workload]
[[workload.classes]]
name = "all"
prefix = "/"
share = 1.0
objects = 1000

[[regions]]
name = "r"
lat = 0.0
lon = 0.0
share = 1.0

[[pops]]
code = "P"
lat = 0.0
lon = 0.0
cache_capacity = "1GiB"

[[origins]]
name = "o"
lat = 0.0
lon = 0.0
"#;

fn err(overrides: &[&str]) -> String {
    load_str(MINIMAL, "t.toml", &Overrides::sets(overrides))
        .unwrap_err()
        .to_string()
}

#[test]
fn minimal_scenario_resolves_its_defaults() {
    let s = load_str(MINIMAL, "t.toml", &Overrides::default()).unwrap();
    assert_eq!(s.spec().default_behavior.origin.as_deref(), Some("o"));
    assert_eq!(s.spec().seed, 1);
    assert_eq!(s.behaviors().all()[0].target, 0);
    // The resolved form reloads to the same scenario.
    let again = load_str(&s.resolved_toml(), "resolved.toml", &Overrides::default()).unwrap();
    assert_eq!(again, s);
}

#[test]
fn errors_name_the_key_path_and_line() {
    let in_file = |from: &str, to: &str| {
        load_str(&MINIMAL.replace(from, to), "t.toml", &Overrides::default())
            .unwrap_err()
            .to_string()
    };
    let e = in_file("cache_capacity = \"1GiB\"", "cache_capacity = \"0B\"");
    assert_eq!(
        e,
        "t.toml:22: pops[0].cache_capacity: must be larger than 0B"
    );
    let e = in_file("cache_capacity = \"1GiB\"", "cache_capacity = \"12XB\"");
    assert!(
        e.starts_with("t.toml:22: pops[0].cache_capacity: invalid value \"12XB\""),
        "{e}"
    );
    // A bad value given with --set is blamed on the command line, not on the file.
    let e = err(&["pops[0].cache_capacity=0B"]);
    assert_eq!(
        e,
        "--set pops[0].cache_capacity=0B: pops[0].cache_capacity: must be larger than 0B"
    );
    // So is one given by wildcard or by name, at the element it set.
    let e = err(&["pops[*].cache_capacity=0B"]);
    assert_eq!(
        e,
        "--set pops[*].cache_capacity=0B: pops[0].cache_capacity: must be larger than 0B"
    );
    let e = err(&["pops[P].cache_capacity=0B"]);
    assert!(
        e.starts_with("--set pops[P].cache_capacity=0B: pops[0]"),
        "{e}"
    );
    // A rule over every element is blamed on the --set that broke it.
    let e = err(&["regions[0].share=0.5"]);
    assert!(
        e.starts_with("--set regions[0].share=0.5: regions[*].share: shares must sum to 1"),
        "{e}"
    );
    // The same rule broken in the file names the file's line.
    let text = MINIMAL.replace("share = 1.0", "share = 0.5");
    let e = load_str(&text, "t.toml", &Overrides::default())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("t.toml:"), "{e}");
    assert!(e.contains("shares must sum to 1"), "{e}");
    let e = err(&["default_behavior.origin=nope"]);
    assert!(
        e.contains("default_behavior.origin: no origin or origin group is named \"nope\""),
        "{e}"
    );
}

#[test]
fn unknown_keys_and_bad_toml_are_reported_with_lines() {
    let text = MINIMAL.replace("objects = 1000", "objects = 1000\nobject = 5");
    let e = load_str(&text, "t.toml", &Overrides::default())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("t.toml:"), "{e}");
    assert!(e.contains("workload.classes[0]"), "{e}");
    assert!(e.contains("unknown field `object`"), "{e}");
    let e = load_str("name = \"x\"\nseed = [", "bad.toml", &Overrides::default())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("bad.toml:2: "), "{e}");
    assert!(!e.contains('\n'), "{e}");
}

#[test]
fn zero_and_negative_lengths_are_refused() {
    assert!(err(&["duration=0s"]).contains("duration: must be longer than zero"));
    assert!(err(&["duration=-5s"]).contains("duration: invalid value \"-5s\""));
    assert!(err(&["interval=0s"]).contains("interval: must be longer than zero"));
    assert!(err(&["warmup=20s"]).contains("warmup: must be shorter than duration"));
    assert!(err(&["workload.classes[0].objects=0"]).contains("objects: must be at least 1"));
    assert!(err(&["workload.classes[0].objects=-3"]).contains("workload.classes[0].objects"));
    assert!(
        err(&["origins[0].concurrency=0"]).contains("origins[0].concurrency: must be at least 1")
    );
    assert!(
        err(&["workload.rate=-1"]).contains("workload.rate: must be a number greater than zero")
    );
}

#[test]
fn references_must_exist() {
    let text = format!("{MINIMAL}\n[[faults]]\nkind = \"pop_outage\"\npop = \"XYZ\"\nstart = \"1s\"\nduration = \"1s\"\n");
    let e = load_str(&text, "t.toml", &Overrides::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("faults[0].pop: no POP has code \"XYZ\"; POPs are [\"P\"]"),
        "{e}"
    );
    let text = format!("{MINIMAL}\n[[workload.flash_crowds]]\nstart = \"1s\"\nduration = \"1s\"\nmultiplier = 2.0\nregions = [\"mars\"]\n");
    let e = load_str(&text, "t.toml", &Overrides::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("workload.flash_crowds[0].regions[0]: no region is named \"mars\""),
        "{e}"
    );
}

#[test]
fn run_length_needs_exactly_one_of_duration_and_requests() {
    assert!(err(&["requests=100"]).contains("set exactly one of"));
    let s = load_str(
        &MINIMAL.replace("duration = \"10s\"", "requests = 5"),
        "t.toml",
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(s.spec().requests, Some(5));
}

#[test]
fn command_line_run_length_replaces_the_file_s() {
    let o = Overrides {
        requests: Some(7),
        seed: Some(9),
        ..Overrides::default()
    };
    let s = load_str(MINIMAL, "t", &o).unwrap();
    assert_eq!(
        (s.spec().requests, s.spec().duration, s.spec().seed),
        (Some(7), None, 9)
    );
    let o = Overrides {
        duration: Some(Duration(120_000_000_000)),
        requests: None,
        ..o
    };
    let s = load_str(MINIMAL, "t", &o).unwrap();
    assert_eq!(
        (s.spec().requests, s.spec().duration),
        (None, Some(Duration(120_000_000_000)))
    );
    let o = Overrides {
        seed: Some(u64::MAX),
        ..Overrides::default()
    };
    let e = load_str(MINIMAL, "t", &o).unwrap_err().to_string();
    assert!(
        e.starts_with("--seed 18446744073709551615: must be between 0 and"),
        "{e}"
    );
    let e = load_str(MINIMAL, "t", &Overrides::sets(&["nope"]))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("--set nope: expected KEY.PATH=VALUE"), "{e}");
}

#[test]
fn warmup_is_a_time_or_a_count() {
    let s = load_str(MINIMAL, "t", &Overrides::sets(&["warmup=2s"])).unwrap();
    assert_eq!(s.spec().warmup, Warmup::Time(Duration(2_000_000_000)));
    assert_eq!(s.plan().counting, Counting::From(2 * SEC));
    let s = load_str(MINIMAL, "t", &Overrides::sets(&["warmup=500"])).unwrap();
    assert_eq!(s.spec().warmup, Warmup::Requests(500));
    assert_eq!(s.plan().counting, Counting::After(500));
    assert!(err(&["warmup=soon"]).contains("warmup: invalid value \"soon\": expected a duration"));
}

#[test]
fn faults_and_keys_resolve_to_the_indices_of_the_names_they_give() {
    let extra = r#"
[[pops]]
code = "Q"
lat = 1.0
lon = 1.0
cache_capacity = "1GiB"

[[regional_caches]]
name = "ra"
lat = 0.0
lon = 0.0
cache_capacity = "1GiB"

[[regional_caches]]
name = "rb"
lat = 0.0
lon = 0.0
cache_capacity = "1GiB"

[[origins]]
name = "o2"
lat = 0.0
lon = 0.0

[[public_keys]]
id = "K1"

[[public_keys]]
id = "K2"

[[key_groups]]
id = "g1"
keys = ["K2"]

[[key_groups]]
id = "g2"
keys = ["K2", "K1"]

[[faults]]
kind = "pop_outage"
pop = "Q"
start = "1s"
duration = "2s"
cache = "lost"

[[faults]]
kind = "regional_outage"
regional_cache = "rb"
start = "2s"
duration = "1s"

[[faults]]
kind = "latency"
between = ["o2", "Q"]
factor = 2.0
start = "0s"
duration = "1s"

[[faults]]
kind = "origin_hang"
origin = "o2"
start = "1s"
duration = "1s"

[[faults]]
kind = "key_rotation"
key_group = "g2"
old_key = "K2"
new_key = "K1"
add_at = "1s"
switch_at = "2s"
remove_at = "3s"
"#;
    let text = MINIMAL.replace(
        "[workload]",
        "default_behavior.trusted_key_groups = [\"g2\"]\n\n[workload]",
    );
    let s = load_str(&format!("{text}{extra}"), "t.toml", &Overrides::default()).unwrap();
    let plan = s.fault_plan();
    assert_eq!(plan.len, 5);
    let pop = plan.pop_outages[0];
    assert_eq!(
        (pop.site, pop.start, pop.end, pop.fault, pop.cache_lost),
        (1, SEC, 3 * SEC, 0, true)
    );
    let rb = plan.regional_outages[0];
    assert_eq!((rb.site, rb.fault), (1, 1));
    assert_eq!(plan.links[0].ends, (Place::Origin(1), Place::Pop(1)));
    let r = plan.rotations[0];
    assert_eq!((r.fault, r.group, r.old, r.new), (4, 1, 1, 0));
    assert!(plan.origins[0].is_empty());
    assert!(plan.origins[1].at(SEC).unwrap().hang);
    let keys = s.key_refs();
    assert_eq!(keys.groups, vec![vec![1], vec![1, 0]]);
    assert_eq!(keys.trusted, vec![vec![1]]);
    assert_eq!(keys.signers, vec![None]);
}

#[test]
fn specs_built_in_code_equal_the_same_settings_loaded_from_a_file() {
    use crate::origin::OriginSpec;
    use crate::topology::PopSpec;
    use crate::units::Bytes;
    use crate::workload::{ClassSpec, RegionSpec};
    let mut spec = ScenarioSpec::new(
        "t",
        vec![ClassSpec::new("all", "/", 1.0, 1000)],
        vec![RegionSpec::new("r", 0.0, 0.0, 1.0)],
        vec![PopSpec::new("P", 0.0, 0.0, Bytes(1 << 30))],
        vec![OriginSpec::new("o", 0.0, 0.0)],
    );
    spec.duration = Some(Duration(10 * SEC));
    let from_code = Scenario::new(spec).unwrap();
    let from_file = load_str(MINIMAL, "t.toml", &Overrides::default()).unwrap();
    assert_eq!(from_code.spec(), from_file.spec());
}

#[test]
fn the_plan_lists_sites_pops_first_with_their_settings_in_nanoseconds() {
    let text = format!(
        "{MINIMAL}\n[[regional_caches]]\nname = \"rc\"\nlat = 10.0\nlon = 0.0\ncache_capacity = \"4GiB\"\ncache_policy = \"sieve\"\n"
    );
    let sets = Overrides::sets(&[
        "pops[0].regional_cache=rc",
        "caching.collapse_at_regional=false",
        "origins[0].connection_timeout=4s",
        "regions[0].bandwidth_mbps=80",
    ]);
    let s = load_str(&text, "t.toml", &sets).unwrap();
    let plan = s.plan();
    assert_eq!(plan.pops, 1);
    let sites: Vec<_> = plan
        .sites
        .iter()
        .map(|x| (x.capacity, x.collapses))
        .collect();
    assert_eq!(sites, [(1 << 30, true), (4 << 30, false)]);
    assert_eq!(
        plan.sites[1].policy,
        crate::cache::PolicyKind::named("sieve")
    );
    assert_eq!(s.pop_regional(), [Some(0)]);
    assert_eq!(plan.origins[0].timing.connect, 4 * SEC);
    assert_eq!(plan.regions[0].ns_per_byte, 100.0);
    // Half round trips from each site to both sites and the origin; the POP and the
    // origin share a place, so theirs is the network's floor.
    assert_eq!(plan.half_rtt.len(), 2);
    assert!(plan.half_rtt.iter().all(|row| row.len() == 3));
    assert_eq!(plan.half_rtt[0][1], plan.half_rtt[1][0]);
    assert!(plan.half_rtt[0][1] > plan.half_rtt[0][2]);
}

#[test]
fn resolving_names_is_an_error_with_its_path_even_without_validation() {
    let mut spec = load_str(MINIMAL, "t.toml", &Overrides::default())
        .unwrap()
        .spec()
        .clone();
    spec.origins[0].shield = Some("nowhere".into());
    let e = resolve::regionals(&spec).unwrap_err();
    assert_eq!(e.path, "origins[0].shield");
    assert!(e.message.contains("\"nowhere\""), "{}", e.message);
    spec.origin_groups.push(OriginGroupSpec {
        name: "g".into(),
        members: vec!["o".into(), "gone".into()],
        failover_status_codes: vec![503],
    });
    let e = resolve::groups(&spec).unwrap_err();
    assert_eq!(e.path, "origin_groups[0].members[1]");
}
