//! `caching.prefill = "popularity"`: caches that start where a long run leaves them.

use crate::common::{edgesim, stderr};
use edgesim::scenario::{load_str, Overrides};
use edgesim::sim::{run, Quiet, RunResult};
use edgesim::stats::{Metrics, Tier};

/// A POP of 4 MiB in front of a regional cache of 16 MiB, 1 KiB objects: 70% of requests
/// for 100,000 objects cached a day, 30% for 20,000 cached five seconds.
fn lab(prefill: &str, duration: &str, warmup: &str) -> String {
    format!(
        r#"name = "prefill"
seed = 3
duration = "{duration}"
warmup = "{warmup}"
interval = "5s"

[workload]
rate = 4000.0

[[workload.classes]]
name = "long"
prefix = "/long/"
share = 0.7
objects = 100000
zipf_exponent = 0.8
size = {{ dist = "constant", value = "1KiB" }}
response = {{ cache_control = "max-age=86400" }}

[[workload.classes]]
name = "short"
prefix = "/short/"
share = 0.3
objects = 20000
zipf_exponent = 0.8
size = {{ dist = "constant", value = "1KiB" }}
response = {{ cache_control = "max-age=5" }}

{site}
[[regional_caches]]
name = "reg"
lat = 0.0
lon = 1.0
cache_capacity = "16MiB"

[[origins]]
name = "o"
lat = 0.0
lon = 2.0
service = {{ dist = "constant", value = "1ms" }}

[caching]
prefill = "{prefill}"
"#,
        site = crate::common::LAB_SITE.replace("\"1MiB\"", "\"4MiB\"\nregional_cache = \"reg\"")
    )
}

fn go(text: &str) -> RunResult {
    run(
        &load_str(text, "prefill.toml", &Overrides::default()).unwrap(),
        &mut Quiet,
    )
}

/// Shares of cacheable requests answered by the POP's cache and by the regional cache.
fn tiers(m: &Metrics) -> (f64, f64) {
    let c = &m.counts;
    let share = |t: Tier| c.hits_by_tier[t as usize] as f64 / c.cacheable as f64;
    (share(Tier::Pop), share(Tier::Regional))
}

#[test]
fn prefilled_caches_start_at_the_hit_ratios_that_a_long_run_settles_at() {
    // Two minutes fill both caches many times over; the next two are the steady state.
    let steady = tiers(&go(&lab("empty", "6m", "3m")).summary);
    let cold = tiers(&go(&lab("empty", "1s", "0s")).summary);
    // The prefill settles within one short TTL (5 s): copies that expired before the start
    // are all refetched in it.
    let warm = tiers(&go(&lab("popularity", "10s", "5s")).summary);
    // The check can fail: empty caches are far from steady in their first seconds.
    assert!(
        steady.0 - cold.0 > 0.05 && steady.1 - cold.1 > 0.05,
        "{cold:?} vs {steady:?}"
    );
    assert!(
        (warm.0 - steady.0).abs() < 0.015,
        "POP {warm:?} vs {steady:?}"
    );
    assert!(
        (warm.1 - steady.1).abs() < 0.015,
        "regional {warm:?} vs {steady:?}"
    );
}

#[test]
fn a_prefilled_fifo_cache_starts_at_fifo_s_own_steady_state() {
    // FIFO holds less of what matters than LRU; filled as LRU, it would start too high.
    let fifo = |t: String| t.replace("regional_cache = \"reg\"", "cache_policy = \"fifo\"");
    let steady = tiers(&go(&fifo(lab("empty", "4m", "2m"))).summary);
    let warm = tiers(&go(&fifo(lab("popularity", "10s", "5s"))).summary);
    let lru = tiers(&go(&lab("empty", "4m", "2m")).summary);
    assert!(
        lru.0 - steady.0 > 0.02,
        "LRU {lru:?} against FIFO {steady:?}"
    );
    assert!((warm.0 - steady.0).abs() < 0.015, "{warm:?} vs {steady:?}");
}

#[test]
fn short_ttls_start_with_copies_expiring_over_time_not_all_at_once() {
    // Objects with a 5 s TTL, alone: if every copy were fresh at the start, the first
    // interval would serve nearly all from cache and the second would revalidate en masse.
    let alone = |t: String| {
        t.replace("share = 0.7", "share = 0.0001")
            .replace("share = 0.3", "share = 0.9999")
    };
    let text = alone(lab("popularity", "20s", "0s"));
    let s = load_str(&text, "p.toml", &Overrides::default()).unwrap();
    let mut rows = crate::common::Rows::default();
    run(&s, &mut rows);
    let ratio = |i: usize| {
        rows.0[i].2.count(edgesim::stats::Outcome::Hit) as f64 / rows.0[i].2.counts.cacheable as f64
    };
    let steady = go(&alone(lab("empty", "2m", "1m")));
    let steady = steady.summary.count(edgesim::stats::Outcome::Hit) as f64
        / steady.summary.counts.cacheable as f64;
    for i in 0..4 {
        assert!(
            (ratio(i) - steady).abs() < 0.03,
            "interval {i}: {} vs steady {steady}",
            ratio(i)
        );
    }
}

#[test]
fn a_prefill_is_the_same_on_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.toml"), lab("popularity", "5s", "0s")).unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_edgesim"))
            .args(["run", "p.toml", "--out", threads, "-q", "--no-charts"])
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        outputs.push(std::fs::read(dir.path().join(threads).join("timeseries.csv")).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn a_prefill_without_a_popularity_law_or_past_its_size_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let trace = crate::common::data("trace-small.csv");
    let with_trace = lab("popularity", "5s", "0s").replace(
        "[workload]\n",
        &format!(
            "[workload]\ntrace = {{ file = {:?} }}\n",
            trace.to_str().unwrap()
        ),
    );
    let huge = lab("popularity", "5s", "0s").replace("objects = 20000", "objects = 20000000");
    for (text, wanted) in [
        (with_trace, "needs a generated workload"),
        (huge, "at most 16777216 objects; this one has 20100000"),
    ] {
        std::fs::write(dir.path().join("p.toml"), text).unwrap();
        let o = edgesim(dir.path(), &["validate", "p.toml"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains("caching.prefill") && err.contains(wanted),
            "{err}"
        );
    }
}

#[test]
fn a_prefill_with_a_warm_up_shorter_than_stale_while_revalidate_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        lab("popularity", "1m", "10s").replace("max-age=5", "max-age=5, stale-while-revalidate=30");
    std::fs::write(dir.path().join("p.toml"), &text).unwrap();
    let o = edgesim(dir.path(), &["validate", "p.toml"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning: caching.prefill:") && err.contains("at least 30.0s"),
        "{err}"
    );
    std::fs::write(
        dir.path().join("p.toml"),
        text.replace("\"10s\"", "\"30s\""),
    )
    .unwrap();
    let o = edgesim(dir.path(), &["validate", "p.toml"]);
    assert_eq!(stderr(&o), "");
}
