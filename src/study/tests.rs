//! A study's definition: grids, zips, variants, the command line over the file, seeds.

use super::*;

const SCENARIO: &str = r#"
name = "t"
requests = 2000
[workload]
[[workload.classes]]
name = "all"
prefix = "/"
share = 1.0
objects = 1000
[[regions]]
name = "asia"
lat = 35.0
lon = 139.0
share = 1.0
[[pops]]
code = "NRT"
lat = 35.0
lon = 139.0
cache_capacity = "1GiB"
[[origins]]
name = "o"
lat = 35.0
lon = 139.0

[study]
replications = 2
vary = ["pops[*].cache_capacity=1GiB..4GiB x2"]
targets = ["latency_p99_ms<=500"]
[[study.variants]]
name = "calm"
[[study.variants]]
name = "far"
set = ["origins[o].lat=-35.0"]
"#;

fn definition(changes: &Changes) -> Result<Definition, ScenarioError> {
    Definition::new(spec_of(SCENARIO, "t.toml")?, "t.toml", changes)
}

#[test]
fn the_file_defines_a_grid_with_variants_last() {
    let d = definition(&Changes::default()).unwrap();
    let keys: Vec<&str> = d.axes.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["pops[*].cache_capacity", "variant"]);
    assert_eq!(d.axes[0].values, ["1GiB", "2GiB", "4GiB"]);
    assert_eq!(d.points().len(), 6);
    assert_eq!(d.points()[1], [0, 1]);
    assert_eq!(
        d.label(&d.points()[1]),
        "pops[*].cache_capacity=1GiB, variant=far"
    );
    assert_eq!(
        d.sets(&d.points()[1]),
        ["pops[*].cache_capacity=1GiB", "origins[o].lat=-35.0"]
    );
    assert_eq!(d.sets(&d.points()[0]), ["pops[*].cache_capacity=1GiB"]);
}

#[test]
fn the_command_line_replaces_a_key_and_adds_axes() {
    let changes = Changes {
        vary: vec![
            "pops[NRT].cache_capacity=8GiB".into(),
            "pops[*].cache_capacity=2GiB,3GiB".into(),
            "variant=far".into(),
        ],
        replications: Some(4),
        targets: vec!["hit_ratio>=0.5".into()],
        ..Changes::default()
    };
    let d = definition(&changes).unwrap();
    let keys: Vec<&str> = d.axes.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "pops[*].cache_capacity",
            "pops[NRT].cache_capacity",
            "variant"
        ]
    );
    assert_eq!(d.axes[0].values, ["2GiB", "3GiB"]);
    assert_eq!(d.axes[2].values, ["far"]);
    assert_eq!((d.replications, d.targets.len()), (4, 2));
}

#[test]
fn zip_pairs_values_and_needs_equal_lengths() {
    let changes = |v: &[&str]| Changes {
        vary: v.iter().map(|s| s.to_string()).collect(),
        zip: true,
        ..Changes::default()
    };
    let d = definition(&changes(&["variant=calm,far,calm"])).unwrap();
    assert_eq!(d.points(), [[0, 0], [1, 1], [2, 2]]);
    let e = definition(&changes(&["regions[asia].traffic=1,2"]))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("zipped parameters need as many values each"),
        "{e}"
    );
}

#[test]
fn bad_definitions_name_the_argument() {
    let e = |c: Changes| definition(&c).unwrap_err().to_string();
    let vary = |v: &str| Changes {
        vary: vec![v.into()],
        ..Changes::default()
    };
    assert!(e(vary("pops[*].cache_capacity"))
        .starts_with("--vary pops[*].cache_capacity: expected KEY=VALUES"));
    assert!(e(vary("variant=storm")).contains("no variant \"storm\"; the variants are calm, far"));
    assert!(e(vary("a..b=1")).contains("is not a key path"));
    assert!(e(Changes {
        replications: Some(0),
        ..Changes::default()
    })
    .contains("at least 1 replication"));
    let bad_file = SCENARIO.replace("replications = 2", "replicas = 2");
    let err = spec_of(&bad_file, "t.toml").unwrap_err().to_string();
    assert!(
        err.starts_with("t.toml:26: study.replicas: unknown field `replicas`"),
        "{err}"
    );
}

#[test]
fn units_carry_replication_seeds_shared_by_every_point() {
    let d = definition(&Changes::default()).unwrap();
    let s = Study::new(SCENARIO, "t.toml", &Overrides::default(), d).unwrap();
    assert_eq!(s.units.len(), 12);
    let seeds: Vec<u64> = s.units.iter().map(|u| u.seed).collect();
    assert_eq!(seeds[0], 1, "replication 0 keeps the scenario's seed");
    assert_ne!(seeds[1], seeds[0]);
    assert!(
        seeds.chunks(2).all(|c| c == &seeds[..2]),
        "common random numbers: {seeds:?}"
    );
    // Every unit is a different scenario, so a different hash.
    let mut hashes: Vec<u64> = s.units.iter().map(|u| u.hash).collect();
    hashes.sort_unstable();
    hashes.dedup();
    assert_eq!(hashes.len(), 12);
    // A bad varied value is caught before anything runs, and names the point.
    let changes = Changes {
        vary: vec!["pops[*].cache_capacity=0B".into()],
        ..Changes::default()
    };
    let d = definition(&changes).unwrap();
    let e = Study::new(SCENARIO, "t.toml", &Overrides::default(), d)
        .err()
        .unwrap()
        .to_string();
    assert!(e.starts_with("--set pops[*].cache_capacity=0B (point pops[*].cache_capacity=0B, variant=calm): pops[0].cache_capacity: must be larger than 0B"), "{e}");
}

#[test]
fn targets_must_name_a_column_and_a_known_region() {
    let with = |t: &str| {
        let c = Changes {
            targets: vec![t.into()],
            ..Changes::default()
        };
        Study::new(
            SCENARIO,
            "t.toml",
            &Overrides::default(),
            definition(&c).unwrap(),
        )
        .err()
        .map(|e| e.to_string())
    };
    assert_eq!(with("regions[asia].latency_p99_ms<=100"), None);
    assert!(with("regions[europe].latency_p99_ms<=100")
        .unwrap()
        .contains("t.toml has no regions[europe]"));
    assert!(with("p99<=100")
        .unwrap()
        .contains("\"p99\" is not a numeric column of summary.csv"));
}
