//! The cluster recipes in `deploy/`: the Kubernetes Indexed Job parses and its study, run
//! through the same shard script, merges to the bytes of one machine; and, with a real
//! Slurm (`.ci/slurm-up`), the Slurm job array does the same.

use crate::common::files;
use serde_yaml_ng::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The two documents of the Kubernetes manifest: the shard Job and the merge Job.
fn manifest() -> Vec<Value> {
    let text = std::fs::read_to_string(repo().join("deploy/k8s/sweep-job.yaml")).unwrap();
    serde_yaml_ng::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .collect()
}

fn container(job: &Value) -> &Value {
    &job["spec"]["template"]["spec"]["containers"][0]
}

fn strings(v: &Value) -> Vec<String> {
    v.as_sequence()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// The shard count and the study's arguments in the manifest, its image paths mapped to
/// this repository.
fn the_study() -> (usize, Vec<String>) {
    let docs = manifest();
    let job = &docs[0];
    let n = job["spec"]["completions"].as_u64().unwrap() as usize;
    let args = strings(&container(job)["args"]);
    let mapped = args[2..]
        .iter()
        .map(|a| a.replace("/opt/edgesim/", &format!("{}/", repo().display())))
        .collect();
    (n, mapped)
}

/// Runs the study of the manifest on this machine, unsharded, into `out`.
fn one_machine(out: &Path, args: &[String]) {
    let o = Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .arg("sweep")
        .args(args)
        .args(["--out", out.to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn the_kubernetes_job_parses_and_its_shards_merge_to_one_machines_bytes() {
    let docs = manifest();
    assert_eq!(docs.len(), 2);
    let job = &docs[0];
    assert_eq!(job["kind"].as_str(), Some("Job"));
    assert_eq!(job["spec"]["completionMode"].as_str(), Some("Indexed"));
    assert_eq!(job["spec"]["parallelism"], job["spec"]["completions"]);
    let (n, study) = the_study();
    let args = strings(&container(job)["args"]);
    assert_eq!(
        args[0],
        format!(
            "exec /opt/edgesim/deploy/run-shard $((JOB_COMPLETION_INDEX + 1)) {n} /results \"$@\""
        )
    );
    assert_eq!(args[1], "--", "sh -c takes the study's arguments after $0");
    let merge = strings(&container(&docs[1])["args"]);
    let shards: Vec<String> = (1..=n)
        .map(|k| format!("/results/shard-{k}-of-{n}"))
        .collect();
    assert_eq!(
        merge,
        [
            &["merge".to_string()][..],
            &shards,
            &["--out".into(), "/results/merged".into()]
        ]
        .concat()
    );
    // Run each shard as a pod would, through the same script, then merge as the merge Job.
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results");
    for k in 1..=n {
        let o = Command::new(repo().join("deploy/run-shard"))
            .args([k.to_string(), n.to_string(), results.display().to_string()])
            .args(&study)
            .env("EDGESIM", env!("CARGO_BIN_EXE_edgesim"))
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "shard {k}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let local: Vec<String> = merge
        .iter()
        .map(|a| a.replace("/results", &results.display().to_string()))
        .collect();
    let o = Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args(&local)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    one_machine(&dir.path().join("one"), &study);
    assert_eq!(
        files(&results.join("merged")),
        files(&dir.path().join("one"))
    );
}

/// Waits until Slurm no longer lists `jobs`.
fn wait_for(jobs: &str) {
    let started = Instant::now();
    loop {
        let o = Command::new("squeue")
            .args(["-h", "-j", jobs])
            .output()
            .expect("squeue runs");
        if String::from_utf8_lossy(&o.stdout).trim().is_empty() {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "jobs {jobs} still queued after 10 minutes"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[test]
#[ignore = "needs slurm"]
fn a_slurm_job_array_runs_the_study_and_its_merge_gives_one_machines_bytes() {
    let info = Command::new("sinfo")
        .args(["-h", "-o", "%T"])
        .output()
        .expect("Slurm's sinfo must be installed: run .ci/slurm-up");
    let state = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.status.success() && (state.contains("idle") || state.contains("mix")),
        "no Slurm node is up: {state}"
    );
    let (n, study) = the_study();
    assert!(n >= 3, "the array needs at least 3 tasks");
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results");
    let o = Command::new(repo().join("deploy/slurm/submit"))
        .arg(n.to_string())
        .arg(&results)
        .args(&study)
        .env("EDGESIM", env!("CARGO_BIN_EXE_edgesim"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ids = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let (array, merge) = ids
        .split_once(' ')
        .expect("submit prints the array and merge job ids");
    wait_for(&format!("{array},{merge}"));
    let log = std::fs::read_to_string(results.join("logs/merge.out")).unwrap_or_default();
    for k in 1..=n {
        assert!(
            results
                .join(format!("shard-{k}-of-{n}/study.toml"))
                .exists(),
            "shard {k} did not run: {log}"
        );
    }
    assert!(
        results.join("merged/study.csv").exists(),
        "the merge did not run: {log}"
    );
    one_machine(&dir.path().join("one"), &study);
    assert_eq!(
        files(&results.join("merged")),
        files(&dir.path().join("one"))
    );
}
