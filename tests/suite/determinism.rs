//! Same scenario and seed, same bytes; another seed, other numbers.

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, out: &str, extra: &[&str]) {
    run_file(dir, "tests/data/small.toml", out, extra);
}

fn run_file(dir: &Path, file: &str, out: &str, extra: &[&str]) {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let status = Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .arg("run")
        .arg(&scenario)
        .args(["--out", out, "-q"])
        .args(extra)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success());
}

fn read(dir: &Path, out: &str, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(out).join(file)).unwrap()
}

#[test]
fn same_seed_gives_byte_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "a", &["--log-sample", "0.05"]);
    run(dir.path(), "b", &["--log-sample", "0.05"]);
    for file in edgesim::report::RUN_FILES.iter().chain(&["requests.csv"]) {
        assert!(
            read(dir.path(), "a", file) == read(dir.path(), "b", file),
            "{file} differs"
        );
    }
}

#[test]
fn runs_with_failover_and_faults_repeat_byte_for_byte() {
    // Timeouts, retries, failover, abandoned origin work and refused requests all run on
    // the same clock and streams.
    let dir = tempfile::tempdir().unwrap();
    for out in ["a", "b"] {
        let rate = ["--set", "workload.rate=200", "--log-sample", "0.05"];
        run_file(dir.path(), "scenarios/origin-failover.toml", out, &rate);
    }
    for file in edgesim::report::RUN_FILES.iter().chain(&["requests.csv"]) {
        assert!(
            read(dir.path(), "a", file) == read(dir.path(), "b", file),
            "{file} differs"
        );
    }
    assert!(read(dir.path(), "a", "failover.csv").len() > 1_000);
}

#[test]
fn another_seed_gives_other_numbers() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "a", &[]);
    run(dir.path(), "c", &["--seed", "8"]);
    assert!(read(dir.path(), "a", "summary.csv") != read(dir.path(), "c", "summary.csv"));
    assert!(read(dir.path(), "a", "timeseries.csv") != read(dir.path(), "c", "timeseries.csv"));
}

#[test]
fn library_runs_repeat_exactly() {
    let s = edgesim::scenario::load_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/small.toml"),
        &Default::default(),
    )
    .unwrap();
    let a = edgesim::sim::run(&s, &mut edgesim::sim::Quiet);
    let b = edgesim::sim::run(&s, &mut edgesim::sim::Quiet);
    assert_eq!(a.summary.counts, b.summary.counts);
    assert_eq!(a.summary.latency, b.summary.latency);
    assert_eq!(a.origins, b.origins);
    assert_eq!(a.end, b.end);
}
