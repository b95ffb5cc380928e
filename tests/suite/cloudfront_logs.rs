//! CloudFront standard logs in and out: the fixture replays as a workload with every edge
//! location's requests, the run matches the cache that produced the log, and the log edgesim
//! writes reads back and parses with GoAccess.

use crate::common;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs edgesim from the repository root, where the fixture scenario's paths point.
fn edgesim(args: &[&str]) -> std::process::Output {
    let out = common::edgesim(&root(), args);
    assert!(out.status.success(), "{args:?}: {}", common::stderr(&out));
    out
}

/// The values of field `name` in W3C log text, read here without edgesim's reader.
fn column<'t>(text: &'t str, name: &str) -> Vec<&'t str> {
    let mut at = None;
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(fields) = line.strip_prefix("#Fields: ") {
            at = fields.split(' ').position(|f| f == name);
        } else if !line.starts_with('#') && !line.is_empty() {
            out.push(line.split('\t').nth(at.expect("a #Fields: line")).unwrap());
        }
    }
    out
}

/// Requests per metro: the first three letters of `x-edge-location`.
fn per_metro(text: &str, counts: &mut BTreeMap<String, u64>) {
    for edge in column(text, "x-edge-location") {
        *counts.entry(edge[..3].to_string()).or_default() += 1;
    }
}

fn gunzip(path: &Path) -> String {
    let mut text = String::new();
    let file = std::fs::File::open(path).unwrap();
    flate2::read::MultiGzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn fixture_counts() -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for f in common::files(&root().join("tests/data/cloudfront/logs")).keys() {
        per_metro(
            &gunzip(&root().join("tests/data/cloudfront/logs").join(f)),
            &mut counts,
        );
    }
    counts
}

/// Runs the fixture scenario into `out`, quietly, with `extra` arguments.
fn run_fixture_drawing(out: &Path, extra: &[&str]) {
    let args = [
        "run",
        "tests/data/cloudfront/replay.toml",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ];
    edgesim(&[&args[..], extra].concat());
}

/// The same without charts.
fn run_fixture(out: &Path, extra: &[&str]) {
    run_fixture_drawing(out, &[&["--no-charts"][..], extra].concat());
}

fn regions(out: &Path) -> BTreeMap<String, u64> {
    common::csv_rows(&out.join("regions.csv"))
        .into_iter()
        .map(|r| (r["region"].clone(), r["requests"].parse().unwrap()))
        .collect()
}

fn calibration(out: &Path) -> BTreeMap<(String, String), BTreeMap<String, String>> {
    common::csv_rows(&out.join("calibration.csv"))
        .into_iter()
        .map(|r| ((r["scope"].clone(), r["key"].clone()), r))
        .collect()
}

fn number(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column].parse().unwrap()
}

#[test]
fn the_log_fixture_replays_with_every_edge_locations_requests() {
    let expected = fixture_counts();
    assert_eq!(expected.values().sum::<u64>(), 52_000);
    let dir = tempfile::tempdir().unwrap();
    run_fixture(dir.path(), &[]);
    assert_eq!(regions(dir.path()), expected);
    // So does the cache-only replay, from the folder.
    let out = dir.path().join("replay");
    let args = ["replay", "tests/data/cloudfront/logs", "--policies", "lru"];
    let more = [
        "--capacities",
        "24MiB",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ];
    edgesim(&[&args[..], &more[..], &["--no-charts"]].concat());
    let rows = common::csv_rows(&out.join("mrc.csv"));
    assert_eq!(rows[0]["requests"], "52000");
}

#[test]
fn calibration_matches_the_cache_that_wrote_the_log_and_not_a_smaller_one() {
    let dir = tempfile::tempdir().unwrap();
    run_fixture(dir.path(), &[]);
    let rows = calibration(dir.path());
    let overall = &rows[&("overall".to_string(), String::new())];
    assert_eq!(number(overall, "requests_observed"), 52_000.0);
    assert_eq!(number(overall, "requests_simulated"), 52_000.0);
    // The logged hit ratio, counted here from the fixture itself.
    let (mut hits, mut misses) = (0u64, 0u64);
    for f in common::files(&root().join("tests/data/cloudfront/logs")).keys() {
        let text = gunzip(&root().join("tests/data/cloudfront/logs").join(f));
        let results = column(&text, "x-edge-result-type");
        hits += results.iter().filter(|r| **r == "Hit").count() as u64;
        misses += results.iter().filter(|r| **r == "Miss").count() as u64;
    }
    let logged = hits as f64 / (hits + misses) as f64;
    assert!((number(overall, "hit_ratio_observed") - logged).abs() < 1e-6);
    for metro in ["IAD", "FRA", "NRT", "GRU"] {
        let row = &rows[&("pop".to_string(), metro.to_string())];
        let diff = number(row, "hit_ratio_diff");
        assert!(diff.abs() < 0.01, "{metro}: simulated minus logged {diff}");
    }
    assert!(number(overall, "hit_ratio_diff").abs() < 0.01);
    assert!(rows.contains_key(&("behavior".to_string(), "/api/*".to_string())));
    assert!(rows.contains_key(&("hour".to_string(), "2026-11-02T14".to_string())));

    let half = dir.path().join("half");
    run_fixture(&half, &["--set", "pops[*].cache_capacity=\"12MiB\""]);
    let rows = calibration(&half);
    let overall = &rows[&("overall".to_string(), String::new())];
    let diff = number(overall, "hit_ratio_diff");
    assert!(diff < -0.01, "half the cache should miss more: {diff}");
}

/// Runs the fixture with its full log written as `format`, and returns the log's path.
fn write_log(dir: &Path, format: &str) -> PathBuf {
    run_fixture(dir, &["--log-sample", "1", "--log-format", format]);
    let name = if format == "w3c.gz" {
        "requests.log.gz"
    } else {
        "requests.log"
    };
    dir.join(name)
}

#[test]
fn a_log_edgesim_writes_is_cloudfronts_format_and_reads_back_as_a_workload() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let log = write_log(&first, "w3c.gz");
    assert!(!first.join("requests.csv").exists());
    let text = gunzip(&log);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("#Version: 1.0"));
    let fields: Vec<&str> = lines.next().unwrap()["#Fields: ".len()..]
        .split(' ')
        .collect();
    assert_eq!(fields.len(), 33);
    assert_eq!((fields[0], fields[32]), ("date", "sc-range-end"));
    for line in lines.clone().take(1000) {
        assert_eq!(line.split('\t').count(), 33, "{line}");
    }
    let mut counts = BTreeMap::new();
    per_metro(&text, &mut counts);
    assert_eq!(counts, regions(&first));
    // Read back as the workload, it gives the same requests per edge location.
    let second = dir.path().join("second");
    let file = format!("workload.trace.file={:?}", log.to_str().unwrap());
    run_fixture(&second, &["--set", &file]);
    assert_eq!(regions(&second), counts);
    // The same bytes on every run.
    let again = dir.path().join("again");
    assert_eq!(
        std::fs::read(write_log(&again, "w3c.gz")).unwrap(),
        std::fs::read(&log).unwrap()
    );
}

#[test]
#[ignore = "needs goaccess"]
fn goaccess_parses_every_line_of_the_log_edgesim_writes() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_log(dir.path(), "w3c");
    let csv = dir.path().join("goaccess.csv");
    let out = std::process::Command::new("goaccess")
        .arg(&log)
        .args(["--log-format=CLOUDFRONT", "-o"])
        .arg(&csv)
        .output()
        .expect("GoAccess must be installed: apt-get install goaccess");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let general = |name: &str| -> u64 {
        let line = text
            .lines()
            .find(|l| l.contains("\"general\"") && l.ends_with(&format!("\"{name}\"")))
            .unwrap_or_else(|| panic!("no {name} in GoAccess's output"));
        let cells: Vec<&str> = line.split(',').collect();
        cells[cells.len() - 2].trim_matches('"').parse().unwrap()
    };
    assert_eq!(general("total_requests"), 52_000);
    assert_eq!(general("valid_requests"), 52_000);
    assert_eq!(general("failed_requests"), 0);
}

#[test]
fn the_report_shows_the_run_against_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run_fixture_drawing(&out, &[]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h2>Against the log</h2>"));
    assert!(
        out.join("charts/calibration.svg").exists() && out.join("charts/calibration.png").exists()
    );
    // The table gives the logged and simulated hit ratio of each POP.
    for metro in ["FRA", "GRU", "IAD", "NRT"] {
        assert!(html.contains(&format!("<td>{metro}</td>")), "{metro}");
    }
}
