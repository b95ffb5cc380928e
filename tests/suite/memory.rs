//! The memory estimate: printed by `validate`, close to what a run takes, and a run that
//! cannot fit is refused before it starts.

use crate::common::{edgesim, stderr};
use std::path::Path;

/// The default scenario with its seven POPs replaced by `n` POPs of 1 MiB spread over the
/// globe, no fault (its POP is gone) and empty caches (a prefill draws for every object in
/// every cache, which many POPs make slow).
fn many_pops(dir: &Path, n: usize) -> String {
    let default = edgesim::scenario::DEFAULT_SCENARIO;
    let head = &default[..default.find("[[pops]]").unwrap()];
    let tail = &default[default.find("# One origin fleet").unwrap()..];
    let tail = &tail[..tail.find("# Tokyo").unwrap()].replace("\"popularity\"", "\"empty\"");
    let pops: String = (0..n)
        .map(|i| {
            let lat = -60.0 + 120.0 * ((i * 37) % 1000) as f64 / 1000.0;
            let lon = -180.0 + 360.0 * ((i * 91) % 997) as f64 / 997.0;
            format!("[[pops]]\ncode = \"P{i}\"\nlat = {lat:.3}\nlon = {lon:.3}\ncache_capacity = \"1MiB\"\n\n")
        })
        .collect();
    let path = dir.join("pops.toml");
    std::fs::write(&path, format!("{head}{pops}{tail}")).unwrap();
    path.to_str().unwrap().to_string()
}

/// The first number in the line of `text` that starts with `start`.
fn number_after(text: &str, start: &str) -> f64 {
    let line = text.lines().find(|l| l.starts_with(start)).unwrap();
    let rest = line[start.len()..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap();
    rest[..end].parse().unwrap()
}

#[test]
fn validate_prints_an_estimate_that_a_run_of_many_pops_bears_out() {
    let dir = tempfile::tempdir().unwrap();
    let file = many_pops(dir.path(), 400);
    let o = edgesim(dir.path(), &["validate", &file]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{}", stderr(&o));
    // "memory: about 283 MB from the start, up to ... more as the caches fill"
    let estimate = number_after(&out, "memory: about");
    assert!(out.contains(" MB from the start, up to "), "{out}");
    let o = edgesim(dir.path(), &["bench", &file, "--requests", "4000"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{}", stderr(&o));
    let peak = number_after(&out, "peak memory") * 1.048_576;
    // A short run's caches hold little, so its peak is the fixed part.
    assert!(
        (peak - estimate).abs() < 0.25 * peak,
        "estimate {estimate} MB, peak {peak} MB"
    );
}

#[test]
fn a_run_that_cannot_fit_in_memory_is_refused_before_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let file = many_pops(dir.path(), 400);
    let limited = |available: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_edgesim"))
            .args([
                "run",
                &file,
                "--out",
                "res",
                "--no-charts",
                "--set",
                "duration=1s",
                "--set",
                "warmup=0s",
            ])
            .env("EDGESIM_MEMORY_AVAILABLE", available)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let o = limited("100000000");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the run needs about")
            && err.contains("400 POPs")
            && err.contains("100 MB is available"),
        "{err}"
    );
    assert!(!dir.path().join("res").exists());
    // With room for the statistics but not for full caches, it runs and says so.
    let o = limited("1000000000");
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("warning: the run may need up to"), "{err}");
    let o = limited("lots");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("EDGESIM_MEMORY_AVAILABLE"));
}
