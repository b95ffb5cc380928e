//! `[[invalidations]]`: at their moment every matching cached copy leaves every tier, the
//! origin sees the misses that follow, and the bill counts the paths.

use crate::common;

/// 50 requests a second over 100 objects cached for a day, one POP behind a regional
/// cache, with `invalidations` (TOML) at some moment.
fn scenario(invalidations: &str) -> String {
    format!(
        r#"
name = "inv"
duration = "150s"
warmup = "30s"
interval = "10s"

[workload]
rate = 50.0

[[workload.classes]]
name = "o"
prefix = "/o/"
share = 1.0
objects = 100
zipf_exponent = 0.0
size = {{ dist = "constant", value = "1KiB" }}
response = {{ cache_control = "max-age=86400" }}

{site}
[[regional_caches]]
name = "rec"
lat = 0.0
lon = 1.0
cache_capacity = "1MiB"

{origin}
{invalidations}
"#,
        site = common::LAB_SITE.replace(
            "cache_capacity = \"1MiB\"",
            "cache_capacity = \"1MiB\"\nregional_cache = \"rec\""
        ),
        origin = common::at("origins", "name", "o", 2.0, ""),
    )
}

/// Runs `scenario(invalidations)` with the command line; returns its result folder.
fn run(invalidations: &str) -> (std::path::PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("inv.toml"), scenario(invalidations)).unwrap();
    let o = common::edgesim(
        dir.path(),
        &["run", "inv.toml", "--out", "out", "-q", "--no-charts"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    (dir.path().join("out"), dir)
}

/// Origin arrivals per 10 s interval, by its start in seconds.
fn origin_load(out: &std::path::Path) -> std::collections::BTreeMap<u64, u64> {
    common::csv_rows(&out.join("origin_timeseries.csv"))
        .iter()
        .map(|r| {
            (
                r["interval_start_s"].parse::<f64>().unwrap() as u64,
                r["arrivals"].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn an_invalidation_empties_every_tier_and_the_origin_load_follows() {
    let (out, _dir) = run("[[invalidations]]\nat = \"90s\"\npaths = [\"/o/*\"]");
    let summary = &common::csv_rows(&out.join("summary.csv"))[0];
    // All 100 objects were cached at the POP and at the regional cache: 200 copies.
    assert_eq!(summary["invalidated_copies"], "200");
    assert_eq!(summary["invalidation_paths"], "1");
    let load = origin_load(&out);
    // Before it the caches were warm; in the 10 s after 90 s nearly every object misses
    // once (each is asked for every 2 s on average, so 99% of them within 10 s).
    assert_eq!(load.get(&80).copied().unwrap_or(0), 0, "{load:?}");
    assert!(load[&90] >= 95 && load[&90] <= 100, "{load:?}");
    assert_eq!(load.get(&110).copied().unwrap_or(0), 0, "{load:?}");
    // The same run without it never goes back to the origin after the warm-up.
    let (plain, _d) = run("");
    let plain_load = origin_load(&plain);
    assert!(
        plain_load.range(40..).all(|(_, &n)| n == 0),
        "{plain_load:?}"
    );
    // The month: one path in the 120 s measured span, so 21,600 paths in 30 days, of which
    // 1,000 are free and the rest $0.005 each.
    let cost: f64 = summary["cost_invalidations_usd"].parse().unwrap();
    let measured: f64 = summary["measured_s"].parse().unwrap();
    let paths = 30.0 * 86_400.0 / measured;
    assert!(
        (cost - (paths - 1000.0) * 0.005).abs() < 0.02,
        "{cost} for {paths} paths"
    );
}

#[test]
fn an_exact_path_removes_only_its_object() {
    let (out, _dir) = run("[[invalidations]]\nat = \"90s\"\npaths = [\"/o/7\", \"/o/1*\"]");
    let summary = &common::csv_rows(&out.join("summary.csv"))[0];
    // /o/7, and /o/1, /o/10 to /o/19 and /o/100: 13 objects at two tiers.
    assert_eq!(summary["invalidated_copies"], "26");
    assert_eq!(summary["invalidation_paths"], "2");
}

#[test]
fn bad_invalidation_paths_are_refused_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let bad = scenario("[[invalidations]]\nat = \"90s\"\npaths = [\"/o/1\", \"o/*\"]");
    std::fs::write(dir.path().join("bad.toml"), bad).unwrap();
    let o = common::edgesim(dir.path(), &["validate", "bad.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let e = common::stderr(&o);
    assert!(
        e.contains("invalidations[0].paths[1]") && e.contains("begins with /"),
        "{e}"
    );
}
