//! What failover counts: viewer requests answered by failover (`failovers`, collapsed
//! waiters included) against the origin requests that went to the secondary
//! (`failover_origin_requests`, `origins.csv`'s `failovers_out` and `failovers_in`).

use crate::common;

/// 20 requests a second over 200 objects (each asked about every 10 s, and fresh for 1 s
/// once fetched, so nearly every request misses), behind an origin group
/// whose primary fails in `fault` for the whole run.
fn run(fault: &str) -> std::collections::BTreeMap<String, String> {
    let text = format!(
        r#"
name = "counts"
requests = 3000
warmup = 0

[workload]
rate = 20.0

[[workload.classes]]
name = "all"
prefix = "/o/"
share = 1.0
objects = 200
zipf_exponent = 0.0
size = {{ dist = "constant", value = "1KiB" }}
response = {{ cache_control = "max-age=1" }}

{site}
{primary}{secondary}
[[origin_groups]]
name = "group"
members = ["primary", "secondary"]
failover_status_codes = [503]

[default_behavior]
origin = "group"

[[faults]]
origin = "primary"
start = "0s"
duration = "100d"
{fault}
"#,
        site = common::LAB_SITE,
        primary = common::at("origins", "name", "primary", 20.0, ""),
        secondary = common::at("origins", "name", "secondary", 40.0, ""),
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("counts.toml"), text).unwrap();
    let args = [
        "run",
        "counts.toml",
        "--out",
        "out",
        "-q",
        "--no-charts",
        "--log-sample",
        "1",
    ];
    let o = common::edgesim(dir.path(), &args);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let out = dir.path().join("out");
    let mut row = common::csv_rows(&out.join("summary.csv")).remove(0);
    // The log names a member for each request: the secondary when it failed over.
    let mut answered = std::collections::BTreeMap::<String, u64>::new();
    for l in common::csv_rows(&out.join("requests.csv")) {
        *answered.entry(l["sim-origin-id"].clone()).or_default() += 1;
    }
    for (origin, count) in answered {
        row.insert(format!("{origin}.logged"), count.to_string());
    }
    for o in common::csv_rows(&out.join("origins.csv")) {
        for k in ["requests", "failovers_out", "failovers_in"] {
            row.insert(format!("{}.{k}", o["origin"]), o[k].clone());
        }
    }
    row
}

fn n(row: &std::collections::BTreeMap<String, String>, k: &str) -> u64 {
    row[k].parse().unwrap()
}

#[test]
fn failovers_count_viewer_requests_and_the_origin_side_counts_fetches() {
    // A black hole holds each fetch for 3 × 10 s of connection timeouts: the requests for
    // the same object that arrive meanwhile collapse onto it.
    let hole = run("kind = \"origin_outage\"\nmode = \"blackhole\"");
    let fetches = n(&hole, "failover_origin_requests");
    assert!(fetches > 0);
    assert_eq!(n(&hole, "primary.failovers_out"), fetches);
    assert_eq!(n(&hole, "secondary.failovers_in"), fetches);
    // The secondary's only traffic is failover: one response per failed-over fetch.
    assert_eq!(n(&hole, "secondary.requests"), fetches);
    // Every miss fails over, and the viewer count adds the collapsed waiters to the fetches.
    assert_eq!(n(&hole, "failovers"), fetches + n(&hole, "collapsed"));
    assert_eq!(n(&hole, "origin_requests"), fetches);
    // The log names the secondary for exactly the requests that failed over, the primary
    // for the rest (hits that needed no origin), and never the group.
    assert_eq!(n(&hole, "secondary.logged"), n(&hole, "failovers"));
    assert_eq!(n(&hole, "primary.logged") + n(&hole, "failovers"), 3000);
    assert!(!hole.contains_key("group.logged"));
    assert!(n(&hole, "failovers") > fetches * 3 / 2, "{hole:?}");
    // 503s come back in a round trip, so far fewer requests wait on each fetch, and more
    // requests cause an origin request of their own (`origin_requests`) for the same misses.
    let errors = run("kind = \"origin_errors\"\nstatus = 503\nshare = 1.0");
    assert_eq!(
        n(&errors, "failovers"),
        n(&errors, "failover_origin_requests") + n(&errors, "collapsed")
    );
    assert!(
        n(&errors, "collapsed") * 10 < n(&hole, "collapsed"),
        "{errors:?}"
    );
    assert!(n(&errors, "origin_requests") > n(&hole, "origin_requests"));
}
