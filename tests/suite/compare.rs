//! `edgesim report DIR1 DIR2 ... --out DIR`: comparing runs side by side.

use crate::common;

use crate::common::edgesim;
use std::path::Path;
use std::process::Output;

/// Runs the small scenario into `out` with `sets`.
fn run(dir: &Path, out: &str, sets: &[&str]) {
    let args: Vec<&str> = sets.iter().flat_map(|s| ["--set", s]).collect();
    let o = common::run_small(dir, out, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The header and first row of a CSV file.
fn first_row(path: &Path) -> (csv::StringRecord, csv::StringRecord) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    (header, r.records().next().unwrap().unwrap())
}

#[test]
fn a_comparison_has_one_column_per_run_with_each_runs_numbers_and_overlaid_charts() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "before", &[]);
    // Smaller caches: a lower hit ratio, which the comparison must show side by side.
    run(
        dir.path(),
        "after",
        &["pops[0].cache_capacity=2MiB", "pops[1].cache_capacity=2MiB"],
    );
    let o = edgesim(dir.path(), &["report", "before", "after", "--out", "both"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let both = dir.path().join("both");
    // The terminal and the report say what was changed between the two.
    let stdout = String::from_utf8_lossy(&o.stdout);
    for (pop, was) in [(0, "64MiB"), (1, "32MiB")] {
        let line = format!("pops[{pop}].cache_capacity: \"{was}\" -> \"2MiB\"");
        assert!(stdout.contains(&line), "{line} not in {stdout}");
    }
    let mut table = csv::Reader::from_path(both.join("comparison.csv")).unwrap();
    assert_eq!(
        table.headers().unwrap(),
        vec![
            "metric",
            "before",
            "after",
            "after_minus_before",
            "after_vs_before_pct"
        ]
    );
    let rows: Vec<csv::StringRecord> = table.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), edgesim::charts::COMPARED.len());
    let html = std::fs::read_to_string(both.join("report.html")).unwrap();
    for (k, run) in ["before", "after"].iter().enumerate() {
        let (header, summary) = first_row(&dir.path().join(run).join("summary.csv"));
        for ((column, label), row) in edgesim::charts::COMPARED.iter().zip(&rows) {
            let column = column.name();
            let i = header.iter().position(|h| h == column).unwrap();
            assert_eq!(&row[0], column, "{label}");
            assert_eq!(&row[k + 1], &summary[i], "{run} {column}");
            assert!(html.contains(&format!("<td>{}</td>", &summary[i])));
        }
    }
    let hit = |k: usize| -> f64 { rows[4][k].parse().unwrap() };
    assert_eq!(&rows[4][0], "hit_ratio");
    assert!(hit(2) < hit(1), "smaller caches hit less: {rows:?}");
    // The difference columns: after less before, and in percent of before.
    assert!((hit(3) - (hit(2) - hit(1))).abs() < 2e-6, "{rows:?}");
    assert!(
        (hit(4) - (hit(2) - hit(1)) / hit(1) * 100.0).abs() < 0.01,
        "{rows:?}"
    );
    assert!(html.contains("<h2>What differs</h2>") && html.contains("pops[0].cache_capacity"));
    for stem in edgesim::charts::COMPARE_CHARTS {
        let png = std::fs::read(both.join(format!("charts/{stem}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let svg = std::fs::read_to_string(both.join(format!("charts/{stem}.svg"))).unwrap();
        // Each run is a labelled series in the legend.
        assert!(svg.contains("before") && svg.contains("after"), "{stem}");
    }
    assert_eq!(
        html.matches("<svg").count(),
        edgesim::charts::COMPARE_CHARTS.len()
    );
    let fetched = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!fetched.contains("src=") && !fetched.contains("http"));
}

#[test]
fn comparing_needs_complete_folders_and_an_out_folder_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "a", &[]);
    let err = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();
    let missing = edgesim(dir.path(), &["report", "a", "nothing", "--out", "c"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        err(&missing).contains("nothing/summary.csv"),
        "{}",
        err(&missing)
    );
    assert!(!dir.path().join("c").exists(), "nothing written");
    let no_out = edgesim(dir.path(), &["report", "a", "a"]);
    assert_eq!(no_out.status.code(), Some(2));
    assert!(err(&no_out).contains("--out"), "{}", err(&no_out));
    let into_a_run = edgesim(dir.path(), &["report", "a", "--out", "a"]);
    assert_eq!(into_a_run.status.code(), Some(2));
    assert!(!dir.path().join("a/comparison.csv").exists());
}
