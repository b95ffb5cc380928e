//! The origin-failover example, run as a user runs it: `failover.csv` shows failovers only
//! around the outage, `faults.csv` reports the fault, and the numbers agree with
//! `summary.csv`.

use std::path::Path;
use std::process::Command;

fn read(dir: &Path, name: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(dir.join(name)).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect());
    std::iter::once(head).chain(rows).collect()
}

fn col(table: &[Vec<String>], name: &str) -> usize {
    table[0].iter().position(|h| h == name).unwrap()
}

#[test]
fn the_origin_failover_example_reports_its_outage() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/origin-failover.toml");
    let o = Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args(["run", "-q", "--out", "out", "--set", "workload.rate=150"])
        .arg(&scenario)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.path().join("out");
    let fo = read(&out, "failover.csv");
    // 45 one-minute intervals from the end of the warm-up's first counted request, one group.
    assert!(fo.len() > 40, "{}", fo.len());
    let (t, n) = (col(&fo, "interval_start_s"), col(&fo, "failovers"));
    let mut total = 0;
    for r in &fo[1..] {
        let start: f64 = r[t].parse().unwrap();
        let failovers: u64 = r[n].parse().unwrap();
        total += failovers;
        // The outage is 1200 s to 1800 s; a request that met it finishes up to 30 s later.
        if !(1140.0..1860.0).contains(&start) {
            assert_eq!(failovers, 0, "failovers in the interval at {start}");
        }
    }
    assert!(total > 1_000, "{total}");
    let summary = read(&out, "summary.csv");
    let failovers: u64 = summary[1][col(&summary, "failovers")].parse().unwrap();
    assert_eq!(failovers, total);
    let faults = read(&out, "faults.csv");
    assert_eq!(faults.len(), 2);
    let f = &faults[1];
    assert_eq!(&f[col(&faults, "kind")], "origin_outage");
    assert_eq!(&f[col(&faults, "target")], "primary");
    assert_eq!(&f[col(&faults, "start_s")], "1200.000");
    assert_eq!(&f[col(&faults, "end_s")], "1800.000");
    let affected: u64 = f[col(&faults, "affected")].parse().unwrap();
    // Origin attempts that met the outage.
    assert!(affected > 1_000, "{affected}");
    let recovered = &f[col(&faults, "recovered_after_s")];
    assert!(
        recovered == "not recovered" || recovered.parse::<f64>().is_ok(),
        "{recovered}"
    );
}
