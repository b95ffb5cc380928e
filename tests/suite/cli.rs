//! The real binary in a temporary folder: files written, exit codes and error text.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

fn edgesim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

use crate::common::stderr;

fn small() -> String {
    common::data("small.toml").display().to_string()
}

/// Writes `text` as a scenario in `dir` and returns its name.
fn scenario_file(dir: &Path, name: &str, text: &str) -> String {
    std::fs::write(dir.join(name), text).unwrap();
    name.to_string()
}

/// Asserts a bad-input failure: exit 2, one line on stderr containing `want`, no panic.
fn assert_bad_input(o: &Output, want: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(err.contains(want), "{want:?} not in {err:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn run_writes_every_result_file_and_prints_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let o = edgesim(dir.path(), &["run", &small(), "--out", "res"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    for line in [
        "hit ratio",
        "byte hit ratio",
        "latency p50",
        "latency p99",
        "origin requests",
    ] {
        assert!(stdout.contains(line), "{line} missing from {stdout}");
    }
    for f in edgesim::report::RUN_FILES {
        assert!(dir.path().join("res").join(f).is_file(), "{f} missing");
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("res"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let summary = std::fs::read_to_string(dir.path().join("res/summary.csv")).unwrap();
    let header = summary.lines().next().unwrap();
    let required = "scenario,seed,requests,hits,misses,hit_ratio,byte_hit_ratio,origin_requests,origin_bytes,latency_p50_ms,latency_p90_ms,latency_p99_ms,latency_p999_ms";
    for col in required.split(',') {
        assert!(header.split(',').any(|h| h == col), "summary lacks {col}");
    }
    assert_eq!(summary.lines().count(), 2, "one row per run");
}

#[test]
fn default_scenario_runs_from_any_folder_into_output_default() {
    let dir = tempfile::tempdir().unwrap();
    // Shortened with flags so the test stays quick; the scenario itself is the built-in one.
    let o = edgesim(dir.path(), &["run", "--requests", "20000", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("output/default/summary.csv").is_file());
    let resolved =
        std::fs::read_to_string(dir.path().join("output/default/scenario.resolved.toml")).unwrap();
    assert!(resolved.contains("requests = 20000"), "{resolved}");
}

#[test]
fn the_resolved_scenario_reproduces_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let o = edgesim(
        dir.path(),
        &[
            "run",
            &small(),
            "--out",
            "a",
            "--set",
            "workload.rate=3000",
            "-q",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = edgesim(
        dir.path(),
        &["run", "a/scenario.resolved.toml", "--out", "b", "-q"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["summary.csv", "pops.csv", "timeseries.csv"] {
        let a = std::fs::read(dir.path().join("a").join(f)).unwrap();
        let b = std::fs::read(dir.path().join("b").join(f)).unwrap();
        assert!(a == b, "{f} differs");
    }
}

#[test]
fn validate_accepts_good_files_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let o = edgesim(dir.path(), &["validate", &small()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("valid"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_missing_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let o = edgesim(dir.path(), &["run", "nope.toml"]);
    assert_bad_input(&o, "nope.toml: cannot read the scenario");
    assert!(!dir.path().join("output").exists(), "nothing written");
}

#[test]
fn malformed_toml_and_unknown_keys_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::data("small.toml")).unwrap();
    let f = scenario_file(
        dir.path(),
        "broken.toml",
        &text.replace("rate = 4000.0", "rate = = 4000.0"),
    );
    assert_bad_input(&edgesim(dir.path(), &["validate", &f]), "broken.toml:10:");
    let f = scenario_file(
        dir.path(),
        "typo.toml",
        &text.replace("cache_policy = \"fifo\"", "cache_polcy = \"fifo\""),
    );
    let o = edgesim(dir.path(), &["run", &f]);
    assert_bad_input(
        &o,
        "typo.toml:67: pops[1].cache_polcy: unknown field `cache_polcy`, expected one of `code`",
    );
    assert!(!dir.path().join("output").exists(), "nothing written");
}

#[test]
fn zero_and_negative_values_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let s = small();
    let cases = [
        ("requests=0", "requests: must be at least 1"),
        ("interval=0s", "interval: must be longer than zero"),
        (
            "pops[0].cache_capacity=0B",
            "pops[0].cache_capacity: must be larger than 0B",
        ),
        (
            "pops[0].cache_capacity=-4GiB",
            "pops[0].cache_capacity: invalid value \"-4GiB\"",
        ),
        (
            "workload.classes[0].size.min=0B",
            "workload.classes[0].size.min: must be greater than zero",
        ),
        (
            "origins[0].service.mean=-1ms",
            "--set origins[0].service.mean=-1ms: origins[0].service.mean: invalid value \"-1ms\": expected a duration",
        ),
        (
            "regions[0].share=0.9",
            "regions[*].share: shares must sum to 1 (they are not normalised), but they sum to 1.4",
        ),
        (
            "workload.classes[1].share=0.5",
            "workload.classes[*].share: shares must sum to 1",
        ),
    ];
    for (set, want) in cases {
        assert_bad_input(&edgesim(dir.path(), &["validate", &s, "--set", set]), want);
    }
    let o = edgesim(dir.path(), &["run", &s, "--duration", "0s"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("invalid value '0s' for '--duration <DURATION>': must be longer than zero"),
        "{}",
        stderr(&o)
    );
    let o = edgesim(dir.path(), &["run", &s, "--duration", "5x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("invalid value '5x' for '--duration <DURATION>': expected a duration"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn references_to_missing_pops_regions_and_origins_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let s = small();
    let cases = [
        (
            "faults[0].pop=XYZ",
            "faults[0].pop: no POP has code \"XYZ\"; POPs are [\"IAD\", \"FRA\", \"NRT\"]",
        ),
        (
            "default_behavior.origin=backup",
            "default_behavior.origin: no origin or origin group is named \"backup\"; there are [\"origin\"]",
        ),
        (
            "workload.flash_crowds[0].regions[0]=mars",
            "workload.flash_crowds[0].regions[0]: no region is named \"mars\"",
        ),
    ];
    for (set, want) in cases {
        assert_bad_input(&edgesim(dir.path(), &["run", &s, "--set", set]), want);
    }
}

#[test]
fn bad_command_lines_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let o = edgesim(
        dir.path(),
        &["run", &small(), "--requests", "5", "--duration", "5s"],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = edgesim(dir.path(), &["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert_bad_input(
        &edgesim(dir.path(), &["run", &small(), "--set", "pops[9].code=X"]),
        "pops has 3 entries",
    );
    assert_bad_input(
        &edgesim(dir.path(), &["run", &small(), "--set", "seed"]),
        "--set seed: expected KEY.PATH=VALUE",
    );
}

#[test]
fn an_unwritable_results_folder_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("file"), "").unwrap();
    let o = edgesim(dir.path(), &["run", &small(), "--out", "file/sub"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("file/sub: cannot create the results folder"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bench_reports_rate_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let o = edgesim(dir.path(), &["bench", "--requests", "20000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("requests counted    20,000"), "{out}");
    assert!(
        out.contains("simulated req/s") && out.contains("peak memory"),
        "{out}"
    );
}

#[test]
fn bad_behaviors_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(common::data("small.toml")).unwrap();
    let behavior = "\n[[behaviors]]\npath_pattern = \"/images/*\"\norigin = \"origin\"\n";
    let f = scenario_file(dir.path(), "b.toml", &format!("{base}{behavior}"));
    assert!(edgesim(dir.path(), &["validate", &f]).status.success());
    let long = format!("behaviors[1].path_pattern=/{}", "a".repeat(255));
    let cases = [
        (
            "behaviors[1].origin=nowhere",
            "behaviors[1].origin: no origin or origin group is named \"nowhere\"; there are [\"origin\"]",
        ),
        (
            "behaviors[1].ttl.min=400d",
            "behaviors[1].ttl.min: must not exceed ttl.max (400d > 365d)",
        ),
        (
            "behaviors[1].path_pattern=/images/*.jpg#x",
            "behaviors[1].path_pattern: \"/images/*.jpg#x\" contains '#'",
        ),
        (
            long.as_str(),
            "is 256 characters long; at most 255 are allowed",
        ),
        (
            "max_behaviors=0",
            "behaviors: 2 behaviors exceed the quota of 0 per distribution",
        ),
    ];
    for (set, want) in cases {
        assert_bad_input(&edgesim(dir.path(), &["validate", &f, "--set", set]), want);
    }
    let methods = base.clone() + behavior + "allowed_methods = [\"GET\", \"POST\"]\n";
    let f = scenario_file(dir.path(), "m.toml", &methods);
    assert_bad_input(
        &edgesim(dir.path(), &["run", &f]),
        "behaviors[1].allowed_methods: [\"GET\", \"POST\"] is not a set CloudFront accepts",
    );
    let max_greater = base + behavior + "ttl = { min = \"0s\", default = \"1d\", max = \"1h\" }\n";
    let f = scenario_file(dir.path(), "t.toml", &max_greater);
    assert_bad_input(
        &edgesim(dir.path(), &["run", &f]),
        "behaviors[1].ttl.default: must lie between ttl.min and ttl.max",
    );
}

#[test]
fn sampled_access_log_uses_cloudfront_field_names() {
    let dir = tempfile::tempdir().unwrap();
    let o = edgesim(
        dir.path(),
        &["run", &small(), "--out", "res", "--log-sample", "0.1", "-q"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut log = csv::Reader::from_path(dir.path().join("res/requests.csv")).unwrap();
    let header: Vec<String> = log.headers().unwrap().iter().map(String::from).collect();
    let fields: Vec<&str> = edgesim::report::LOG_FIELDS.iter().map(|c| c.name).collect();
    assert_eq!(header, fields);
    let rows: Vec<csv::StringRecord> = log.records().map(Result::unwrap).collect();
    // 60 000 counted requests sampled at 10%: a binomial count, sd about 73.
    assert!((5_600..6_400).contains(&rows.len()), "{}", rows.len());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (result, status, bytes) = (col("x-edge-result-type"), col("sc-status"), col("sc-bytes"));
    for r in &rows {
        assert!(
            ["Hit", "RefreshHit", "Miss", "Error", "CapacityExceeded"].contains(&&r[result]),
            "{r:?}"
        );
        if &r[result] == "Hit" {
            assert_eq!(&r[status], "200");
        }
        assert!(r[bytes].parse::<u64>().is_ok());
        assert!(r[col("cs-uri-stem")].starts_with('/'));
        assert!(r[col("date")].starts_with("2026-01-01"));
    }
    let posts = rows
        .iter()
        .filter(|r| &r[col("cs-method")] == "POST")
        .count();
    assert!(
        posts > 300,
        "the small scenario's API class sends POSTs: {posts}"
    );
    // Without the flag there is no log.
    let o = edgesim(dir.path(), &["run", &small(), "--out", "plain", "-q"]);
    assert!(o.status.success());
    assert!(!dir.path().join("plain/requests.csv").exists());
}

#[test]
fn bad_origin_settings_groups_and_faults_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(common::data("small.toml")).unwrap();
    let extra = r#"
[[origins]]
name = "backup"
lat = 45.5
lon = -122.7

[[origin_groups]]
name = "pair"
members = ["origin", "backup"]
failover_status_codes = [500, 503]

[[faults]]
kind = "origin_outage"
origin = "origin"
start = "1s"
duration = "5s"
"#;
    let f = scenario_file(dir.path(), "g.toml", &format!("{base}{extra}"));
    assert!(edgesim(dir.path(), &["validate", &f]).status.success());
    let cases = [
        (
            "origins[0].connection_attempts=4",
            "origins[0].connection_attempts: must be 1, 2 or 3, got 4",
        ),
        (
            "origins[0].connection_timeout=11s",
            "origins[0].connection_timeout: must be a whole number of seconds from 1s to 10s, got 11s",
        ),
        (
            "origins[1].read_timeout=500ms",
            "origins[1].read_timeout: must be a whole number of seconds from 1s to 120s, got 500ms",
        ),
        (
            "origins[0].keepalive_timeout=121s",
            "origins[0].keepalive_timeout: must be a whole number of seconds from 1s to 120s",
        ),
        (
            "origins[0].response_completion_timeout=10s",
            "origins[0].response_completion_timeout: must be whole seconds, at least read_timeout (30s), got 10s",
        ),
        (
            "origin_groups[0].failover_status_codes[0]=501",
            "origin_groups[0].failover_status_codes[0]: must be one of [400, 403, 404, 416, 500, 502, 503, 504], got 501",
        ),
        (
            "origin_groups[0].members[1]=elsewhere",
            "origin_groups[0].members[1]: no origin is named \"elsewhere\"; origins are [\"origin\", \"backup\"]",
        ),
        (
            "origin_groups[0].name=backup",
            "origin_groups[0].name",
        ),
        (
            "faults[1].origin=nowhere",
            "faults[1].origin: no origin is named \"nowhere\"; origins are [\"origin\", \"backup\"]",
        ),
    ];
    for (set, want) in cases {
        assert_bad_input(&edgesim(dir.path(), &["validate", &f, "--set", set]), want);
    }
    let three = extra.replace(
        r#"members = ["origin", "backup"]"#,
        r#"members = ["origin", "backup", "origin"]"#,
    );
    let f3 = scenario_file(dir.path(), "g3.toml", &format!("{base}{three}"));
    assert_bad_input(
        &edgesim(dir.path(), &["validate", &f3]),
        "origin_groups[0].members: an origin group has exactly two members, primary then secondary; got 3",
    );
}

#[test]
fn bad_protocol_settings_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let s = small();
    assert_bad_input(
        &edgesim(
            dir.path(),
            &["validate", &s, "--set", "default_behavior.viewer_protocol_policy=https-maybe"],
        ),
        "unknown variant `https-maybe`, expected one of `allow-all`, `redirect-to-https`, `https-only`",
    );
    assert_bad_input(
        &edgesim(
            dir.path(),
            &["validate", &s, "--set", "distribution.security_policy=TLSv1.2_2099"],
        ),
        "distribution.security_policy: \"TLSv1.2_2099\" is not a CloudFront security policy; use one of [\"SSLv3\", \"TLSv1\", \"TLSv1_2016\", \"TLSv1.1_2016\", \"TLSv1.2_2018\", \"TLSv1.2_2019\", \"TLSv1.2_2021\", \"TLSv1.2_2025\", \"TLSv1.3_2025\"]",
    );
    assert_bad_input(
        &edgesim(
            dir.path(),
            &["validate", &s, "--set", "regions[0].protocols.http2=0.9"],
        ),
        "regions[0].protocols.http1_0..http3",
    );
    let base = std::fs::read_to_string(common::data("small.toml")).unwrap();
    let empty = base.replacen(
        "[[origins]]\n",
        "[[origins]]\nssl_protocols = []\nprotocol_policy = \"https-only\"\n",
        1,
    );
    let f = scenario_file(dir.path(), "ssl.toml", &empty);
    assert_bad_input(
        &edgesim(dir.path(), &["validate", &f]),
        "origins[0].ssl_protocols: must name at least one of [\"SSLv3\", \"TLSv1\", \"TLSv1.1\", \"TLSv1.2\"] when protocol_policy is not \"http-only\"",
    );
    assert_bad_input(
        &edgesim(
            dir.path(),
            &[
                "validate",
                &s,
                "--set",
                "origins[0].protocol_policy=https-maybe",
            ],
        ),
        "unknown variant `https-maybe`, expected one of `http-only`, `https-only`, `match-viewer`",
    );
}

#[test]
fn the_summary_names_the_measured_span_and_the_error_rate_beside_the_hit_ratio() {
    let dir = tempfile::tempdir().unwrap();
    let failover = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/origin-failover.toml"
    );
    let args = ["run", failover, "--out", "f", "--no-charts"];
    let o = edgesim(dir.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let summary = &common::csv_rows(&dir.path().join("f/summary.csv"))[0];
    let measured: f64 = summary["measured_s"].parse().unwrap();
    let label = format!(
        "{}m{:02}s measured",
        (measured / 60.0) as u64,
        (measured % 60.0).round() as u64
    );
    assert!(
        stdout.contains(&label) && stdout.contains("(45m00s simulated, warm-up included)"),
        "{label}: {stdout}"
    );
    let share: f64 = summary["error_share"].parse().unwrap();
    assert!(share > 0.0);
    // The verdict: computed from the result files, each sentence only where its fact holds.
    for sentence in [
        "requests were counted over 40 minutes of simulated time",
        "of requests failed (",
        "of them during the origin_outage primary (20:00–30:00)",
        "Origin secondary was sent more than its",
        "requests were answered by failover, in",
        "origin requests to a secondary origin",
        "a month pay-as-you-go",
    ] {
        assert!(stdout.contains(sentence), "{sentence:?} not in {stdout}");
    }
    assert!(
        !stdout.contains("served by a POP other than their nearest"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("error rate        {:>9.2} %", share * 100.0)),
        "{stdout}"
    );
}
