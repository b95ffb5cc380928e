//! `origin_timeseries.csv` and `region_pops.csv`: the files the capacity charts are drawn
//! from agree with the run's other tables.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn run(dir: &Path, scenario: &Path, sets: &[&str]) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_edgesim"));
    c.arg("run")
        .arg(scenario)
        .args(["--out", "out", "-q", "--no-charts"]);
    for s in sets {
        c.args(["--set", s]);
    }
    let o = c.current_dir(dir).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Every row of a CSV file as column → value.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    common::csv_rows(path)
}

fn num(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column].parse().unwrap()
}

#[test]
fn origin_arrivals_per_interval_add_up_and_show_the_overloaded_secondary() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/origin-failover.toml");
    // The secondary can take 2 requests a second; the primary's outage (20m to 30m) sends
    // it far more.
    run(
        dir.path(),
        &scenario,
        &["workload.rate=100", "origins[1].max_rps=2"],
    );
    let out = dir.path().join("out");
    let series = rows(&out.join("origin_timeseries.csv"));
    for origin in rows(&out.join("origins.csv")) {
        let name = &origin["origin"];
        let mine: Vec<_> = series.iter().filter(|r| &r["origin"] == name).collect();
        let arrived: f64 = mine.iter().map(|r| num(r, "arrivals")).sum();
        let refused: f64 = mine.iter().map(|r| num(r, "refused")).sum();
        // Every arrival was either served or refused.
        assert_eq!(arrived - refused, num(&origin, "requests"), "{name}");
        assert_eq!(refused, num(&origin, "refused"), "{name}");
        for r in &mine {
            let per_s = num(r, "arrivals") / 60.0;
            assert!((num(r, "arrivals_per_s") - per_s).abs() < 0.001, "{r:?}");
        }
    }
    let capacity = |name: &str| {
        let r = series.iter().find(|r| r["origin"] == name).unwrap();
        num(r, "capacity_rps")
    };
    // 256 servers with a lognormal service time of median 25 ms and sigma 0.5.
    let mean_s = 0.025 * (0.5f64 * 0.5 / 2.0).exp();
    assert!((capacity("primary") - 256.0 / mean_s).abs() < 0.01);
    assert_eq!(
        capacity("secondary"),
        2.0,
        "the rate limit is the tighter bound"
    );
    let refusing: Vec<f64> = series
        .iter()
        .filter(|r| r["origin"] == "secondary" && num(r, "refused") > 0.0)
        .map(|r| num(r, "interval_start_s"))
        .collect();
    assert!(!refusing.is_empty());
    assert!(
        // Up to the interval the outage ends in: attempts begun before the end time out
        // after it, and fail over then.
        refusing.iter().all(|&s| (1200.0..=1800.0).contains(&s)),
        "the secondary refuses only while the primary is out: {refusing:?}"
    );
}

#[test]
fn the_region_pop_matrix_adds_up_to_the_region_and_pop_tables() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &common::data("small.toml"), &[]);
    let out = dir.path().join("out");
    let matrix = rows(&out.join("region_pops.csv"));
    let regions = rows(&out.join("regions.csv"));
    let pops = rows(&out.join("pops.csv"));
    assert_eq!(matrix.len(), regions.len() * pops.len(), "every pair");
    for region in &regions {
        let mine: Vec<_> = matrix
            .iter()
            .filter(|r| r["region"] == region["region"])
            .collect();
        let total: f64 = mine.iter().map(|r| num(r, "requests")).sum();
        assert_eq!(total, num(region, "requests"), "{}", region["region"]);
        let shares: f64 = mine.iter().map(|r| num(r, "share_of_region")).sum();
        assert!((shares - 1.0).abs() < 1e-4, "{shares}");
    }
    for pop in &pops {
        let total: f64 = matrix
            .iter()
            .filter(|r| r["pop"] == pop["pop"])
            .map(|r| num(r, "requests"))
            .sum();
        assert_eq!(total, num(pop, "requests"), "{}", pop["pop"]);
    }
    // The small scenario sends one region's requests to more than one POP (shedding and an
    // outage), which the matrix must show.
    let spread = regions.iter().any(|region| {
        let served = matrix
            .iter()
            .filter(|r| r["region"] == region["region"] && num(r, "requests") > 0.0);
        served.count() > 1
    });
    assert!(spread);
}
