//! What validates, runs: scenarios that once validated and then panicked, hung, filled
//! memory or gave impossible numbers are refused at load, with the key path and the range.

use crate::common::edgesim;
use std::path::Path;

fn reference() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/reference.toml")
        .display()
        .to_string()
}

use crate::common::stderr;

/// Asserts that `command` (`validate` or `run`) refuses the reference scenario with `sets`:
/// exit 2, one line, every piece of `want` in it, no panic, and no results folder.
fn refused(command: &str, sets: &[&str], want: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec![command.to_string(), reference()];
    if command == "run" {
        args.extend(["--out".into(), "res".into(), "-q".into()]);
    }
    for s in sets {
        args.extend(["--set".to_string(), s.to_string()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = edgesim(dir.path(), &args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{sets:?}: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{sets:?}: one line: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    for w in want {
        assert!(err.contains(w), "{sets:?}: {w:?} not in {err:?}");
    }
    assert!(!dir.path().join("res").exists(), "nothing is written");
}

/// Both `validate` and `run` refuse it.
fn refused_everywhere(sets: &[&str], want: &[&str]) {
    refused("validate", sets, want);
    refused("run", sets, want);
}

#[test]
fn the_reference_scenario_itself_validates() {
    let dir = tempfile::tempdir().unwrap();
    let o = edgesim(dir.path(), &["validate", &reference()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // "path classes", not "path classs": the default scenario has four.
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/default.toml");
    let o = edgesim(dir.path(), &["validate", default.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("4 path classes"), "{out}");
}

#[test]
fn every_cross_reference_is_resolved_at_load() {
    refused_everywhere(
        &["workload.classes[0].signed.key=K9"],
        &[
            "workload.classes[0].signed.key",
            "no public key has id \"K9\"",
        ],
    );
    // The rotation's old key is not in its group.
    refused_everywhere(
        &["faults[5].old_key=K2", "faults[5].new_key=K1"],
        &["faults[5].old_key", "does not hold \"K2\""],
    );
    refused_everywhere(
        &["faults[5].new_key=K1"],
        &["faults[5].new_key", "must differ from old_key"],
    );
    refused_everywhere(
        &["faults[7].between[1]=everyone"],
        &["faults[7].between[1]", "names \"everyone\" twice"],
    );
}

#[test]
fn a_key_group_listing_a_key_twice_is_refused() {
    let text = std::fs::read_to_string(reference())
        .unwrap()
        .replace("keys = [\"K1\"]", "keys = [\"K1\", \"K1\"]");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("twice.toml"), text).unwrap();
    let o = edgesim(dir.path(), &["validate", "twice.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("key_groups[0].keys[1]"), "{err}");
    assert!(err.contains("listed twice"), "{err}");
}

#[test]
fn rates_spans_and_intervals_the_clock_cannot_represent_are_refused() {
    let cases: &[(&str, &[&str])] = &[
        (
            "workload.rate=1e12",
            &["workload.rate", "between 0.001 and 100000000"],
        ),
        (
            "workload.rate=1e-9",
            &["workload.rate", "between 0.001 and"],
        ),
        (
            "workload.flash_crowds[0].multiplier=1e6",
            &[
                "workload.flash_crowds[0].multiplier",
                "between 0.001 and 1000",
            ],
        ),
        ("interval=1ns", &["interval", "between 1ms and 1d"]),
        (
            "network.path_overhead=100000d",
            &["network.path_overhead", "between 0ns and 10s"],
        ),
        (
            "warmup=9223372036854775807",
            &["warmup", "at most 1000000000000 requests"],
        ),
        ("duration=100000000d", &["duration", "too large: at most"]),
        (
            "pops[0].cache_capacity=17179869184GiB",
            &["pops[0].cache_capacity", "too large: at most"],
        ),
    ];
    for (set, want) in cases {
        refused_everywhere(&[set], want);
    }
    // The peak rate counts the flash crowd's multiplier.
    refused_everywhere(
        &[
            "workload.rate=1e6",
            "workload.flash_crowds[0].multiplier=500",
        ],
        &["workload.rate", "largest flash-crowd multiplier"],
    );
    // Too many time-series rows for the span: a 10-minute run at 1 ms intervals.
    refused_everywhere(&["interval=1ms"], &["interval", "at most 100000"]);
    // A request-count run whose span would be decades.
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "validate",
        &reference(),
        "--requests",
        "1000000000",
        "--set",
        "workload.rate=1",
    ];
    let o = edgesim(dir.path(), &args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("requests: 1000000000 requests"), "{err}");
    assert!(err.contains("at most 31d"), "{err}");
}

#[test]
fn impossible_factors_and_physics_are_refused() {
    let cases: &[(&str, &[&str])] = &[
        (
            "faults[3].factor=1e300",
            &["faults[3].factor", "between 0.001 and 1000", "1e300"],
        ),
        (
            "faults[7].factor=1e300",
            &["faults[7].factor", "between 0.001 and 1000"],
        ),
        (
            "faults[7].added=100000d",
            &["faults[7].added", "between 0ns and 1h"],
        ),
        (
            "network.fibre_km_per_ms=1e-300",
            &[
                "network.fibre_km_per_ms",
                "between 10 and 299.792",
                "1e-300",
            ],
        ),
        (
            "regions[0].bandwidth_mbps=1e-300",
            &["regions[0].bandwidth_mbps", "between 0.01 and"],
        ),
        (
            "signing.edge_clock_skew_s=nan",
            &["signing.edge_clock_skew_s", "finite"],
        ),
        (
            "signing.edge_clock_skew_s=1e300",
            &["signing.edge_clock_skew_s", "between -86400 and 86400"],
        ),
        (
            "workload.classes[0].signed.signer_clock_skew_s=nan",
            &["signer_clock_skew_s", "finite"],
        ),
        (
            "workload.classes[0].signed.signer_clock_skew_s=-1e300",
            &["signer_clock_skew_s", "between -86400 and 86400"],
        ),
        (
            "network.path_inflation=inf",
            &["network.path_inflation", "got inf"],
        ),
        ("regions[0].lat=nan", &["regions[0].lat"]),
    ];
    for (set, want) in cases {
        refused_everywhere(&[set], want);
    }
}

#[test]
fn a_pareto_alpha_near_zero_is_refused() {
    let text = std::fs::read_to_string(reference()).unwrap().replace(
        "size = { dist = \"lognormal\", median = \"32KiB\", sigma = 1.0 }",
        "size = { dist = \"pareto\", min = \"4KiB\", alpha = 1e-300 }",
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.toml"), text).unwrap();
    let o = edgesim(dir.path(), &["validate", "p.toml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("workload.classes[0].size.alpha"), "{err}");
    assert!(err.contains("between 0.1 and 100"), "{err}");
    assert!(
        err.starts_with("edgesim: error: p.toml:"),
        "names the line: {err}"
    );
}

#[test]
fn a_trace_time_scale_near_zero_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.csv"), "time,id,size\n0,1,100\n1,2,100\n").unwrap();
    let o = edgesim(
        dir.path(),
        &[
            "validate",
            &reference(),
            "--set",
            "workload.trace.file=t.csv",
            "--set",
            "workload.trace.time_scale=1e-300",
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("workload.trace.time_scale"), "{err}");
    assert!(err.contains("between 0.001 and 1000"), "{err}");
}

#[test]
fn messages_name_the_place_and_say_what_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).unwrap();
    let run = |name: &str| {
        let o = edgesim(dir.path(), &["validate", name]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = stderr(&o);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        err
    };
    write(
        "big.toml",
        b"name = \"x\"\n[workload]\nrate = 99999999999999999999\n",
    );
    let err = run("big.toml");
    assert!(err.contains("big.toml:3: workload.rate:"), "{err}");
    assert!(err.contains("at most 9223372036854775807"), "{err}");

    write("utf8.toml", b"name = \"x\"\nseed = 1\n# caf\xe9\n");
    let err = run("utf8.toml");
    assert!(
        err.contains("utf8.toml:3: cannot read the scenario: not UTF-8"),
        "{err}"
    );
    assert_eq!(err.matches("UTF-8").count(), 2, "said once: {err}");

    let err = run("missing.toml");
    assert!(
        err.contains("missing.toml: cannot read the scenario: no such file"),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");

    write("eq.toml", b"name = \"x\"\nduration =");
    let err = run("eq.toml");
    assert!(
        err.contains("eq.toml:2: duration: a value is missing after `=`"),
        "{err}"
    );

    // A bad --set value is the command line's, not a line of the file.
    let o = edgesim(
        dir.path(),
        &[
            "validate",
            &reference(),
            "--set",
            "network.path_inflation=0.5",
        ],
    );
    let err = stderr(&o);
    assert!(
        err.contains("--set network.path_inflation=0.5: network.path_inflation:"),
        "{err}"
    );
    assert!(!err.contains("reference.toml:"), "{err}");
}

#[test]
fn events_outside_the_span_or_inside_the_warm_up_are_warned_of_but_run() {
    let dir = tempfile::tempdir().unwrap();
    let o = edgesim(
        dir.path(),
        &[
            "validate",
            &reference(),
            "--set",
            "faults[0].start=20m",
            "--set",
            "faults[1].duration=30m",
            "--set",
            "workload.flash_crowds[0].start=1h",
            "--set",
            "warmup=3m",
        ],
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning: faults[0] (pop_outage) starts at 20m00s, after the run ends (10m00s): it has no effect"),
        "{err}"
    );
    assert!(
        err.contains("warning: faults[1] (origin_outage) ends at 33m00s, after the run ends (10m00s): only its first 7m00s is simulated"),
        "{err}"
    );
    assert!(
        err.contains("warning: workload.flash_crowds[0] starts at 1h00m00s"),
        "{err}"
    );
    // The rotation's new key joins at 1m and the old one leaves at 7m: not inside the
    // warm-up; the regional outage at 7m isn't either. Nothing else is warned of.
    assert_eq!(err.lines().count(), 3, "{err}");
    let o = edgesim(
        dir.path(),
        &["validate", &reference(), "--set", "warmup=9m"],
    );
    let err = stderr(&o);
    assert!(
        err.contains("faults[0] (pop_outage) lies wholly in the warm-up (the first 9m00s)"),
        "{err}"
    );
    // The shipped reference scenario itself raises none.
    let o = edgesim(dir.path(), &["validate", &reference()]);
    assert_eq!(stderr(&o), "");
}

#[test]
fn a_run_whose_hit_ratio_is_still_rising_says_so_in_the_terminal_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    // The default scenario with empty caches ends while they still fill (at a fifth of its
    // rate, the run is quicker and the climb steeper).
    let o = edgesim(
        dir.path(),
        &[
            "run",
            "--out",
            "res",
            "--set",
            "workload.rate=2000",
            "--set",
            "caching.prefill=empty",
            "--no-charts",
        ],
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning: the hit ratio was still rising when the run ended"),
        "{err}"
    );
    let html = std::fs::read_to_string(dir.path().join("res/report.html"));
    // --no-charts writes no report; draw it from the files.
    assert!(html.is_err());
    let o = edgesim(dir.path(), &["report", "res"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(dir.path().join("res/report.html")).unwrap();
    assert!(html.contains("<strong>Warning:</strong> the hit ratio was still rising"));
    // As shipped, its caches start prefilled, at their steady state.
    let o = edgesim(
        dir.path(),
        &[
            "run",
            "--out",
            "res2",
            "--set",
            "workload.rate=2000",
            "--no-charts",
        ],
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("still rising"), "{err}");
}
