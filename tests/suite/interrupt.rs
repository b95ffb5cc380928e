//! Every run leaves a whole folder or none: Ctrl-C and SIGTERM stop a run cleanly, and a
//! finished run replaces an earlier run's folder whole.

use crate::common::{csv_rows, data};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn run(dir: &Path, extra: &[&str]) -> std::process::Child {
    let small = data("small.toml");
    Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args([
            "run",
            small.to_str().unwrap(),
            "--out",
            "res",
            "-q",
            "--no-charts",
        ])
        .args(extra)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Every name under `dir` (recursively) that starts with a dot.
fn hidden(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            out.push(e.path().display().to_string());
        }
        if e.path().is_dir() {
            out.extend(hidden(&e.path()));
        }
    }
    out
}

fn seed_of(dir: &Path) -> String {
    csv_rows(&dir.join("res/summary.csv"))[0]["seed"].clone()
}

/// Starts a long run with seed 7 over a finished seed-42 folder, sends `signal` once it
/// is writing, and checks the exit code and that the seed-42 folder is untouched.
fn interrupted_by(signal: i32, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let first = run(dir.path(), &["--seed", "42", "--log-sample", "0.01"]);
    assert!(first.wait_with_output().unwrap().status.success());
    let before: Vec<_> = std::fs::read_dir(dir.path().join("res"))
        .unwrap()
        .flatten()
        .map(|e| (e.file_name(), std::fs::read(e.path()).unwrap_or_default()))
        .collect();
    let child = run(dir.path(), &["--seed", "7", "--requests", "100000000"]);
    let staging = dir.path().join(format!(".res.edgesim-{}", child.id()));
    let started = Instant::now();
    while !staging.join(".timeseries.csv.tmp").exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the run never started writing"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: kill only sends a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert_eq!(
        hidden(dir.path()),
        Vec::<String>::new(),
        "no temporary is left"
    );
    assert_eq!(seed_of(dir.path()), "42");
    let after: Vec<_> = std::fs::read_dir(dir.path().join("res"))
        .unwrap()
        .flatten()
        .map(|e| (e.file_name(), std::fs::read(e.path()).unwrap_or_default()))
        .collect();
    assert_eq!(
        before, after,
        "the earlier run's folder is unchanged, byte for byte"
    );
}

#[test]
fn sigint_stops_a_run_with_exit_130_and_leaves_the_earlier_folder_whole() {
    interrupted_by(libc::SIGINT, 130);
}

#[test]
fn sigterm_stops_a_run_with_exit_143() {
    interrupted_by(libc::SIGTERM, 143);
}

#[test]
fn a_finished_run_replaces_the_earlier_folder_whole() {
    let dir = tempfile::tempdir().unwrap();
    let first = run(dir.path(), &["--seed", "42", "--log-sample", "0.01"]);
    assert!(first.wait_with_output().unwrap().status.success());
    assert!(dir.path().join("res/requests.csv").exists());
    let second = run(dir.path(), &["--seed", "7"]);
    assert!(second.wait_with_output().unwrap().status.success());
    assert_eq!(seed_of(dir.path()), "7");
    let resolved = std::fs::read_to_string(dir.path().join("res/scenario.resolved.toml")).unwrap();
    assert!(resolved.contains("seed = 7"), "{resolved}");
    // The first run's access log belonged to it, so it went with it.
    assert!(!dir.path().join("res/requests.csv").exists());
    assert_eq!(hidden(dir.path()), Vec::<String>::new());
}

#[test]
fn a_folder_holding_a_users_files_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("res")).unwrap();
    std::fs::write(dir.path().join("res/notes.txt"), "mine").unwrap();
    let out = run(dir.path(), &[]).wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("holds files edgesim did not write (notes.txt)"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("res/notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(hidden(dir.path()), Vec::<String>::new());
}

#[test]
fn the_current_folder_is_refused_as_a_results_folder() {
    let dir = tempfile::tempdir().unwrap();
    let small = data("small.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args([
            "run",
            small.to_str().unwrap(),
            "--out",
            ".",
            "-q",
            "--no-charts",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(".: is the current folder"), "{err}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}
