//! A scenario whose requests come from a trace: every trace request is simulated, with
//! the trace's regions, paths and methods, and a bad trace is refused when loading.

use crate::common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// A CSV trace of `n` requests over 10 simulated seconds, with the small scenario's
/// region names, and paths under its two classes.
fn write_trace(dir: &Path, n: usize) -> BTreeMap<String, u64> {
    let regions = ["us", "eu", "asia"];
    let mut per_region = BTreeMap::new();
    let mut csv = String::from("ts,key,bytes,url,client,verb\n");
    for i in 0..n {
        let object = (i * 7919) % 300;
        let region = regions[(i * 31) % 3];
        let (url, verb) = if object % 5 == 0 {
            (
                format!("/api/items/{object}"),
                if i % 2 == 0 { "GET" } else { "POST" },
            )
        } else {
            (format!("/images/{object}.jpg"), "GET")
        };
        *per_region.entry(region.to_string()).or_insert(0) += 1;
        let _ = writeln!(
            csv,
            "{},{},{},{url},{region},{verb}",
            i * 10 / n,
            url,
            1000 + object * 10
        );
    }
    std::fs::write(dir.join("trace.csv"), csv).unwrap();
    per_region
}

fn run(dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    let trace = [
        "--duration",
        "1h",
        "--set",
        "warmup=0",
        "--set",
        "workload.trace.file=trace.csv",
        "--set",
        "workload.trace.columns=time=ts,id=key,size=bytes,path=url,region=client,method=verb",
    ];
    common::run_small(dir, out, &[&trace[..], extra].concat())
}

/// A CSV file's rows as column → value.
fn table(path: &Path) -> Vec<BTreeMap<String, String>> {
    common::csv_rows(path)
}

#[test]
fn every_trace_request_is_simulated_with_its_region_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let per_region = write_trace(dir.path(), 3000);
    let o = run(dir.path(), "out", &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.path().join("out");
    let summary = &table(&out.join("summary.csv"))[0];
    assert_eq!(summary["requests"], "3000", "the run ends with the trace");
    for r in table(&out.join("regions.csv")) {
        assert_eq!(
            r["requests"],
            per_region[&r["region"]].to_string(),
            "{}",
            r["region"]
        );
    }
    // The api paths (every fifth object) reach the /api/* behavior, and nothing else does.
    let behaviors = table(&out.join("behaviors.csv"));
    let api = behaviors
        .iter()
        .find(|b| b["path_pattern"] == "/api/*")
        .unwrap();
    let expected = (0..3000).filter(|i| (i * 7919) % 300 % 5 == 0).count();
    assert_eq!(api["requests"], expected.to_string());
    // Ten trace seconds, played at double speed, take five simulated seconds.
    let o = run(
        dir.path(),
        "fast",
        &["--set", "workload.trace.time_scale=2"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let span: f64 = table(&dir.path().join("fast/summary.csv"))[0]["measured_s"]
        .parse()
        .unwrap();
    assert!((4.9..5.5).contains(&span), "{span}");
    // The same trace and seed give the same bytes.
    let o = run(dir.path(), "again", &[]);
    assert!(o.status.success());
    let read = |d: &str| std::fs::read(dir.path().join(d).join("summary.csv")).unwrap();
    assert_eq!(read("out"), read("again"));
}

#[test]
fn a_bad_trace_is_refused_when_the_scenario_loads() {
    let dir = tempfile::tempdir().unwrap();
    write_trace(dir.path(), 10);
    let mut text = std::fs::read_to_string(dir.path().join("trace.csv")).unwrap();
    text.push_str("11,x,10,/images/x.jpg,mars,GET\n");
    std::fs::write(dir.path().join("trace.csv"), text).unwrap();
    let o = run(dir.path(), "out", &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("workload.trace.file: trace.csv: line 12: region: \"mars\" is not a region of the scenario"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists());
    let o = run(
        dir.path(),
        "out",
        &["--set", "workload.trace.file=missing.csv"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.csv: cannot open the trace"));
    let o = run(dir.path(), "out", &["--set", "workload.trace.time_scale=0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("workload.trace.time_scale: must be a number above zero"));
}

/// The small scenario playing `trace`, loaded as the library loads it.
fn load_with_trace(trace: &Path) -> edgesim::scenario::Scenario {
    let sets = [
        "warmup=0".to_string(),
        format!("workload.trace.file={:?}", trace.display().to_string()),
        "workload.trace.columns=\"time=ts,id=key,size=bytes,path=url,region=client,method=verb\""
            .to_string(),
    ];
    let overrides = edgesim::scenario::Overrides {
        duration: edgesim::units::Duration::parse("1h"),
        sets: sets.to_vec(),
        ..Default::default()
    };
    edgesim::scenario::load_file(&common::data("small.toml"), &overrides).unwrap()
}

#[test]
fn a_trace_is_read_once_at_load_and_the_scenario_keeps_what_it_learned() {
    let dir = tempfile::tempdir().unwrap();
    write_trace(dir.path(), 2000);
    let s = load_with_trace(&dir.path().join("trace.csv"));
    let index = s.trace().expect("loading read the trace");
    assert_eq!(index.requests, 2000);
    let r = edgesim::sim::run(&s, &mut edgesim::sim::Quiet);
    assert_eq!(r.input_error, None);
    assert_eq!(r.arrivals, 2000);
}

#[test]
fn a_trace_that_changes_after_loading_ends_the_run_with_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trace.csv");
    write_trace(dir.path(), 2000);
    let s = load_with_trace(&path);
    // Another trace, of other objects, where the loaded one was.
    write_trace(dir.path(), 3000);
    let r = edgesim::sim::run(&s, &mut edgesim::sim::Quiet);
    let why = r.input_error.expect("the change is noticed");
    assert!(
        why.contains("the trace changed after the scenario was loaded"),
        "{why}"
    );
    assert_eq!(r.arrivals, 0, "nothing of the new file was played");
}
