//! The confidence intervals against an independent computation: `tests/data/study/` holds a
//! study's `study.csv` and what scipy's Student t made of it (`scipy_ci.py`, whose output
//! `scipy_ci.csv` is kept so that the suite needs no Python). edgesim's interval code, on the
//! same values, must agree to 1e-9 of each value.

use crate::common::{csv_rows, data};
use edgesim::study::interval::Estimate;

#[test]
fn intervals_match_scipys_student_t() {
    let units = csv_rows(&data("study/study.csv"));
    let expected = csv_rows(&data("study/scipy_ci.csv"));
    assert_eq!(expected.len(), 4 * 6, "4 points × 6 metrics");
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    for e in &expected {
        let (cap, traffic) = (&e["pops[*].cache_capacity"], &e["regions[eu].traffic"]);
        let values: Vec<f64> = units
            .iter()
            .filter(|u| &u["pops[*].cache_capacity"] == cap && &u["regions[eu].traffic"] == traffic)
            .map(|u| u[&e["metric"]].parse().unwrap())
            .collect();
        assert_eq!(values.len().to_string(), e["n"]);
        let got = Estimate::of(&values);
        let f = |k: &str| e[k].parse::<f64>().unwrap();
        let (lo, hi) = got.ci.unwrap();
        let what = format!("{cap}, {traffic}, {}", e["metric"]);
        assert!(
            close(got.mean, f("mean")),
            "{what}: mean {} against {}",
            got.mean,
            f("mean")
        );
        assert!(close(got.sd.unwrap(), f("sd")), "{what}: sd");
        assert!(
            close(lo, f("ci_low")) && close(hi, f("ci_high")),
            "{what}: ({lo}, {hi}) against ({}, {})",
            f("ci_low"),
            f("ci_high")
        );
    }
}

#[test]
fn study_summary_writes_those_intervals() {
    // The same study, run again, gives the same study.csv, and its study_summary.csv holds
    // the intervals above (to its 6 decimals).
    let dir = tempfile::tempdir().unwrap();
    let small = data("small.toml");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args([
            "sweep",
            small.to_str().unwrap(),
            "--vary",
            "pops[*].cache_capacity=16MiB,256MiB",
            "--vary",
            "regions[eu].traffic=1,3",
        ])
        .args([
            "--replications",
            "4",
            "--requests",
            "20000",
            "--set",
            "warmup=2000",
            "--out",
            "s",
            "-q",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ours = std::fs::read_to_string(dir.path().join("s/study.csv")).unwrap();
    let kept = std::fs::read_to_string(data("study/study.csv")).unwrap();
    // If the model changes the runs' numbers, make the fixture again (see scipy_ci.py).
    assert!(
        ours == kept,
        "study.csv differs from tests/data/study/study.csv: rerun the study and scipy_ci.py"
    );
    let summary = csv_rows(&dir.path().join("s/study_summary.csv"));
    for e in csv_rows(&data("study/scipy_ci.csv")) {
        let row = summary
            .iter()
            .find(|r| {
                r["pops[*].cache_capacity"] == e["pops[*].cache_capacity"]
                    && r["regions[eu].traffic"] == e["regions[eu].traffic"]
            })
            .unwrap();
        for k in ["mean", "sd", "ci_low", "ci_high"] {
            let ours: f64 = row[&format!("{}_{k}", e["metric"])].parse().unwrap();
            let scipy: f64 = e[k].parse().unwrap();
            assert!(
                (ours - scipy).abs() <= 5e-7 * scipy.abs().max(1.0),
                "{} {k}: {ours} against {scipy}",
                e["metric"]
            );
        }
    }
}
