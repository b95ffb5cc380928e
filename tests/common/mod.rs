//! Helpers shared by the integration tests.
#![allow(dead_code)]

use edgesim::scenario::{load_file, load_str, Overrides, Scenario, DEFAULT_SCENARIO};
use edgesim::sim::{self, Observer, RunResult};
use edgesim::stats::Metrics;
use edgesim::units::Nanos;
use std::path::{Path, PathBuf};

/// Runs the `edgesim` binary with `args` in `dir`.
pub fn edgesim(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// What a run printed on stderr, as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `tests/data/small.toml` into `out` in `dir`, quietly and without charts, with
/// `extra` arguments.
pub fn run_small(dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    let small = data("small.toml");
    let args = [
        "run",
        small.to_str().unwrap(),
        "--out",
        out,
        "-q",
        "--no-charts",
    ];
    edgesim(dir, &[&args[..], extra].concat())
}

/// Every row of a CSV file as column → value.
pub fn csv_rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|row| {
            let row = row.unwrap();
            header
                .iter()
                .map(String::from)
                .zip(row.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// A file under `tests/data`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Loads `tests/data/<name>` with `--set` overrides.
pub fn scenario(name: &str, sets: &[&str]) -> Scenario {
    load_file(&data(name), &Overrides::sets(sets)).expect("test scenario is valid")
}

/// The built-in default scenario with `--set` overrides.
pub fn default_scenario(sets: &[&str]) -> Scenario {
    load_str(DEFAULT_SCENARIO, "default", &Overrides::sets(sets)).expect("default is valid")
}

/// Keeps every time-series row.
#[derive(Default)]
pub struct Rows(pub Vec<(Nanos, usize, Metrics)>);

impl Observer for Rows {
    fn interval(&mut self, start: Nanos, pop: usize, m: &Metrics) {
        self.0.push((start, pop, m.clone()));
    }
}

/// Runs a scenario, keeping its time series.
pub fn run(s: &Scenario) -> (RunResult, Vec<(Nanos, usize, Metrics)>) {
    let mut rows = Rows::default();
    let r = sim::run(s, &mut rows);
    (r, rows.0)
}

/// One viewer region sitting at one POP with a 1 MiB cache, no access-network delay:
/// the fixed part of the small laboratory scenarios that isolate one mechanism.
pub const LAB_SITE: &str = r#"[[regions]]
name = "here"
lat = 0.0
lon = 0.0
share = 1.0
last_mile = "0ns"
jitter = "0ns"

[[pops]]
code = "POP"
lat = 0.0
lon = 0.0
cache_capacity = "1MiB"
"#;

/// One `[[table]]` entry named `name` (under `key`) on the equator at `lon`, with `extra`
/// lines: the places of the small laboratory scenarios.
pub fn at(table: &str, key: &str, name: &str, lon: f64, extra: &str) -> String {
    format!("[[{table}]]\n{key} = \"{name}\"\nlat = 0.0\nlon = {lon:.1}\n{extra}\n\n")
}

/// Every file under `dir`, relative path to bytes.
pub fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}
