//! `edgesim sweep` and `edgesim merge` as a user runs them: the same bytes on any thread
//! count and from any number of shards, refused merges, resuming after an interrupt, and
//! intervals that narrow as replications grow.

use crate::common::{csv_rows, data, files};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A small study of `small.toml`: 2 × 2 points.
const STUDY: &[&str] = &[
    "--vary",
    "regions[eu].traffic=1,2",
    "--vary",
    "pops[*].cache_capacity=64MiB,256MiB",
    "--set",
    "warmup=1000",
];

/// The run length of most tests' units.
const SHORT: &[&str] = &["--requests", "4000"];

fn sweep(dir: &Path, out: &str, extra: &[&str]) -> Output {
    let small = data("small.toml");
    Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args(["sweep", small.to_str().unwrap(), "--out", out])
        .args(STUDY)
        .args(extra)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn merge(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .arg("merge")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

#[test]
fn a_study_is_the_same_on_one_or_two_threads_and_from_three_shards() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let reps = ["--replications", "2", "-q", SHORT[0], SHORT[1]];
    ok(&sweep(d, "one", &[&reps[..], &["--threads", "1"]].concat()));
    ok(&sweep(d, "two", &[&reps[..], &["--threads", "2"]].concat()));
    let one = files(&d.join("one"));
    assert_eq!(one, files(&d.join("two")), "1 thread against 2");
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let out = format!("s{k}");
        ok(&sweep(d, &out, &[&reps[..], &["--shard", &shard]].concat()));
        let m = std::fs::read_to_string(d.join(&out).join("study.toml")).unwrap();
        assert!(m.contains(&format!("shard = \"{k}/3\"")), "{m}");
        assert!(
            !d.join(&out).join("study.csv").exists(),
            "a shard writes no tables"
        );
    }
    ok(&merge(d, &["s1", "s2", "s3", "--out", "merged"]));
    assert_eq!(
        one,
        files(&d.join("merged")),
        "one machine against 3 shards merged"
    );
    let rows = csv_rows(&d.join("one/study.csv"));
    assert_eq!(rows.len(), 8);
    assert!(one.contains_key("study_summary.csv"));
}

#[test]
fn merge_refuses_missing_duplicated_and_foreign_shards() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for k in 1..=2 {
        ok(&sweep(
            d,
            &format!("s{k}"),
            &[&["-q", "--shard", &format!("{k}/2")], SHORT].concat(),
        ));
    }
    ok(&sweep(
        d,
        "other",
        &[&["-q", "--shard", "2/2", "--seed", "9"], SHORT].concat(),
    ));
    let refused = |args: &[&str], says: &str| {
        let o = merge(d, args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!d.join("m").join("study.csv").exists());
    };
    refused(
        &["s1", "--out", "m"],
        "2 of the study's 4 units are in no folder given (units 1, 3): shard 2/2 is missing",
    );
    refused(
        &["s1", "s2", "s2", "--out", "m"],
        "unit 1 is in both s2 and s2",
    );
    refused(
        &["s1", "other", "--out", "m"],
        "other: belongs to another study",
    );
    refused(
        &["s1", "nowhere", "--out", "m"],
        "nowhere: not a study folder",
    );
    // A shard whose run was cut short is refused with the units it lacks.
    let unit = std::fs::read_dir(d.join("s2/units"))
        .unwrap()
        .flatten()
        .next()
        .unwrap();
    std::fs::remove_file(unit.path()).unwrap();
    refused(
        &["s1", "s2", "--out", "m"],
        "s2: shard 2/2 is incomplete: 1 of its 2 units have no result",
    );
}

#[test]
fn an_interrupted_study_resumes_and_runs_only_the_missing_units() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Units of about 0.3 s each, so the interrupt lands while most are still to run.
    let long = [
        "--replications",
        "3",
        "--threads",
        "1",
        "--requests",
        "300000",
    ];
    let small = data("small.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args(["sweep", small.to_str().unwrap(), "--out", "cut"])
        .args(STUDY)
        .args(long)
        .current_dir(d)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let units = d.join("cut/units");
    let started = Instant::now();
    let count = || {
        std::fs::read_dir(&units).map_or(0, |r| {
            r.flatten()
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .count()
        })
    };
    while count() < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no units finished"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the study ended before it was interrupted"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    let kept = count();
    assert!((3..12).contains(&kept), "{kept} units kept");
    assert!(
        err.contains(&format!("{kept} of 12 units are done and kept in cut")),
        "{err}"
    );
    assert!(
        !d.join("cut/study.csv").exists(),
        "no tables before every unit is done"
    );
    let again = ok(&sweep(d, "cut", &long));
    assert!(
        again.contains(&format!(
            "resuming: {kept} of 12 already done in cut, not run again; running the other {}",
            12 - kept
        )),
        "{again}"
    );
    ok(&sweep(d, "whole", &[&long[..], &["-q"]].concat()));
    assert_eq!(files(&d.join("cut")), files(&d.join("whole")));
    // Run once more: everything is done, so nothing runs, and the bytes stay.
    let third = ok(&sweep(d, "cut", &long));
    assert!(third.contains("resuming: 12 of 12 already done"), "{third}");
    assert_eq!(files(&d.join("cut")), files(&d.join("whole")));
}

/// The 95% half-width of `metric` at each point of the study in `dir`.
fn half_widths(dir: &Path, metric: &str) -> Vec<f64> {
    let rows = csv_rows(&dir.join("study_summary.csv"));
    let f =
        |r: &BTreeMap<String, String>, k: &str| r[&format!("{metric}_{k}")].parse::<f64>().unwrap();
    rows.iter()
        .map(|r| (f(r, "ci_high") - f(r, "ci_low")) / 2.0)
        .collect()
}

#[test]
fn replications_differ_and_intervals_narrow_as_they_grow() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let point = ["--vary", "pops[*].cache_capacity=64MiB", "-q"];
    let small = data("small.toml");
    let run = |out: &str, n: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_edgesim"))
            .args([
                "sweep",
                small.to_str().unwrap(),
                "--out",
                out,
                "--requests",
                "4000",
                "--replications",
                n,
            ])
            .args(point)
            .current_dir(d)
            .output()
            .unwrap();
        ok(&o);
    };
    run("four", "4");
    run("sixteen", "16");
    let rows = csv_rows(&d.join("sixteen/study.csv"));
    let seeds: std::collections::BTreeSet<&String> = rows.iter().map(|r| &r["seed"]).collect();
    let hits: std::collections::BTreeSet<&String> = rows.iter().map(|r| &r["hit_ratio"]).collect();
    assert_eq!(seeds.len(), 16);
    assert!(hits.len() > 12, "replications should differ: {hits:?}");
    // Same seeds for the first four: the 16-replication study extends the 4-replication one.
    assert_eq!(csv_rows(&d.join("four/study.csv"))[..4], rows[..4]);
    for metric in ["hit_ratio", "latency_p99_ms", "byte_hit_ratio"] {
        let (four, sixteen) = (
            half_widths(&d.join("four"), metric)[0],
            half_widths(&d.join("sixteen"), metric)[0],
        );
        // Expected ratio about t(3)/t(15) × √4 = 3.0; allow the sample sd its spread.
        assert!(sixteen < four, "{metric}: {four} with 4, {sixteen} with 16");
    }
}

#[test]
fn keep_runs_keeps_each_units_whole_folder_and_a_bad_study_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&sweep(
        d,
        "kept",
        &[
            &["-q", "--keep-runs", "--vary", "regions[eu].traffic=1"],
            SHORT,
        ]
        .concat(),
    ));
    let runs: Vec<_> = std::fs::read_dir(d.join("kept/runs"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(runs.len(), 2, "one folder per unit: 1 × 2 points");
    let study = csv_rows(&d.join("kept/study.csv"));
    let first = csv_rows(&d.join("kept/runs/000000/summary.csv"));
    assert_eq!(
        first[0]["hit_ratio"], study[0]["hit_ratio"],
        "a kept run is the unit's run"
    );
    assert!(d.join("kept/runs/000000/timeseries.csv").exists());
    // A bad value fails before anything runs, with exit 2, and leaves no folder.
    let o = sweep(d, "bad", &["--vary", "regions[eu].traffic=1,-1"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("regions[1].traffic: must be between 0 and 1000, got -1"),
        "{err}"
    );
    assert!(!d.join("bad").exists());
}
