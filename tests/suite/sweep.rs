//! `edgesim compare`: full runs per policy × capacity, in parallel, with the same output as
//! serial runs.

use crate::common;

use crate::common::edgesim;

#[test]
fn compare_in_parallel_matches_serial_and_single_runs() {
    let dir = tempfile::tempdir().unwrap();
    let small = common::data("small.toml");
    let small = small.to_str().unwrap();
    let args = |out: &'static str, threads: &'static str| {
        [
            "compare",
            small,
            "--policies",
            "lru,s3fifo",
            "--capacities",
            "2MiB,32MiB",
            "--out",
            out,
            "--threads",
            threads,
            "-q",
        ]
    };
    for (out, threads) in [("serial", "1"), ("parallel", "2")] {
        let o = edgesim(dir.path(), &args(out, threads));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let read = |out: &str| std::fs::read(dir.path().join(out).join("compare.csv")).unwrap();
    assert_eq!(
        read("serial"),
        read("parallel"),
        "same bytes on any thread count"
    );
    // Again into the same folder: its own compare.csv is no stranger's file. The terminal
    // shows every compare.csv column that differs between rows, and none that does not.
    let again: Vec<&str> = args("serial", "1")
        .into_iter()
        .filter(|a| *a != "-q")
        .collect();
    let o = edgesim(dir.path(), &again);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let header = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("policy"))
        .unwrap_or_else(|| panic!("no table in {stdout}"));
    let shown: Vec<&str> = header.split_whitespace().collect();
    assert!(
        shown.contains(&"hit_ratio") && shown.contains(&"origin_requests"),
        "{header}"
    );
    assert!(
        !shown.contains(&"tier") && !shown.contains(&"requests"),
        "{header}"
    );
    let text = String::from_utf8(read("serial")).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let order: Vec<(&str, &str)> = rows.iter().map(|r| (r[0], r[1])).collect();
    assert_eq!(
        order,
        [
            ("lru", "2MiB"),
            ("lru", "32MiB"),
            ("s3fifo", "2MiB"),
            ("s3fifo", "32MiB")
        ]
    );
    // The s3fifo, 2 MiB row is what `edgesim run` gives with the same settings.
    let mut run = vec!["run", small, "--out", "single", "-q", "--no-charts"];
    let sets = [
        "pops[0].cache_policy=s3fifo",
        "pops[0].cache_capacity=2MiB",
        "pops[1].cache_policy=s3fifo",
        "pops[1].cache_capacity=2MiB",
        "pops[2].cache_policy=s3fifo",
        "pops[2].cache_capacity=2MiB",
    ];
    for s in &sets {
        run.extend(["--set", s]);
    }
    let o = edgesim(dir.path(), &run);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut r = csv::Reader::from_path(dir.path().join("single/summary.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    let summary = r.records().next().unwrap().unwrap();
    let col = |name: &str| &summary[header.iter().position(|h| h == name).unwrap()];
    assert_eq!(rows[2][4], col("hit_ratio"));
    assert_eq!(rows[2][9], col("latency_p99_ms"));
    // Smaller caches hit less.
    assert!(rows[0][4] < rows[1][4], "{rows:?}");
}

#[test]
fn compare_refuses_belady_unknown_policies_and_bad_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let small = common::data("small.toml");
    let small = small.to_str().unwrap();
    for (policies, capacities, message) in [
        (
            "lru,belady",
            "1MiB",
            "belady needs to know each request's future",
        ),
        (
            "lru,mru",
            "1MiB",
            "unknown cache policy \"mru\"; valid policies: lru",
        ),
        ("lru", "0B", "must be larger than zero"),
        ("lru", "5%", "expected a size"),
    ] {
        let o = edgesim(
            dir.path(),
            &[
                "compare",
                small,
                "--policies",
                policies,
                "--capacities",
                capacities,
                "-q",
            ],
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(message), "{err}");
    }
}
