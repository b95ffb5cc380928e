//! `edgesim replay`: miss-ratio curves from a trace, the same on any thread count, and
//! clear refusals of bad input.

use crate::common::edgesim;
use std::io::Write;
use std::path::{Path, PathBuf};

fn small_trace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/trace-small.csv")
}

/// The rows of `mrc.csv` in `dir`, without the throughput column (which varies).
fn mrc(dir: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(dir.join("mrc.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    let skip = header.iter().position(|h| h == "throughput_rps").unwrap();
    r.records()
        .map(|x| {
            let x = x.unwrap();
            x.iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, v)| v.to_string())
                .collect()
        })
        .collect()
}

#[test]
fn replay_writes_one_row_per_pair_in_order_and_the_same_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let trace = small_trace();
    let trace = trace.to_str().unwrap();
    let policies = "lru,s3fifo,sieve,belady";
    for (out, threads) in [("one", "1"), ("two", "2")] {
        let args = [
            "replay",
            trace,
            "--policies",
            policies,
            "--capacities",
            "1%,10%,2MiB",
            "--out",
            out,
            "--threads",
            threads,
            "-q",
        ];
        let o = edgesim(dir.path(), &args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let rows = mrc(&dir.path().join("one"));
    assert_eq!(
        rows,
        mrc(&dir.path().join("two")),
        "thread count changes nothing"
    );
    let pairs: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(pairs.len(), 12);
    assert_eq!(
        &pairs[..4],
        [
            ("lru", "1%"),
            ("lru", "10%"),
            ("lru", "2MiB"),
            ("s3fifo", "1%")
        ]
    );
    // LRU at 1% of the working set: the golden count of tests/policies.rs.
    assert_eq!(
        (rows[0][4].as_str(), rows[0][5].as_str()),
        ("20000", "16505")
    );
    assert_eq!(rows[2][2], "2097152");
    let png = std::fs::read(dir.path().join("one/charts/mrc.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
}

#[test]
fn an_oracle_general_trace_replays_like_the_same_requests_in_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(small_trace())
        .unwrap();
    let mut bytes = Vec::new();
    for x in r.records() {
        let x = x.unwrap();
        bytes.extend(x[0].parse::<u32>().unwrap().to_le_bytes());
        bytes.extend(x[1].parse::<u64>().unwrap().to_le_bytes());
        bytes.extend(x[2].parse::<u32>().unwrap().to_le_bytes());
        bytes.extend((-1i64).to_le_bytes());
    }
    let mut z = zstd::Encoder::new(Vec::new(), 3).unwrap();
    z.write_all(&bytes).unwrap();
    std::fs::write(dir.path().join("t.oracleGeneral.zst"), z.finish().unwrap()).unwrap();
    let common = [
        "--policies",
        "lru,arc",
        "--capacities",
        "1%,5%",
        "-q",
        "--no-charts",
    ];
    let csv_trace = small_trace();
    let a = edgesim(
        dir.path(),
        &[
            &["replay", csv_trace.to_str().unwrap(), "--out", "csv"][..],
            &common,
        ]
        .concat(),
    );
    let b = edgesim(
        dir.path(),
        &[
            &["replay", "t.oracleGeneral.zst", "--out", "oracle"][..],
            &common,
        ]
        .concat(),
    );
    assert!(a.status.success() && b.status.success());
    assert_eq!(
        mrc(&dir.path().join("csv")),
        mrc(&dir.path().join("oracle"))
    );
}

#[test]
fn warm_up_and_object_counting_change_what_is_measured() {
    let dir = tempfile::tempdir().unwrap();
    let trace = small_trace();
    let args = [
        "replay",
        trace.to_str().unwrap(),
        "--policies",
        "lru",
        "--capacities",
        "100,1000",
        "--ignore-size",
        "--warmup",
        "5000",
        "--out",
        "objects",
        "-q",
        "--no-charts",
    ];
    let o = edgesim(dir.path(), &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = mrc(&dir.path().join("objects"));
    assert_eq!(rows[0][2..5], ["100", "objects", "15000"]);
    // Counting objects, the miss ratio and the byte miss ratio are the same thing.
    assert_eq!(rows[1][6], rows[1][7]);
    let (small, large): (f64, f64) = (rows[0][6].parse().unwrap(), rows[1][6].parse().unwrap());
    assert!(large < small, "a bigger cache misses less: {rows:?}");
}

#[test]
fn bad_input_is_refused_with_exit_code_2_and_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("bad.csv"), "time,id,size\n0,1,10\n0,2,lots\n").unwrap();
    std::fs::write(d.join("cut.oracleGeneral"), [0u8; 30]).unwrap();
    let trace = small_trace();
    let t = trace.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (
            &["missing.csv", "--policies", "lru", "--capacities", "1MiB"],
            "missing.csv: cannot open the trace",
        ),
        (
            &[
                "cut.oracleGeneral",
                "--policies",
                "lru",
                "--capacities",
                "1MiB",
            ],
            "record 2: truncated",
        ),
        (
            &["bad.csv", "--policies", "lru", "--capacities", "1MiB"],
            "line 3: size: expected a whole number of bytes, got \"lots\"",
        ),
        (
            &[t, "--policies", "lru,lfru", "--capacities", "1MiB"],
            "unknown cache policy \"lfru\"; valid policies: lru, fifo",
        ),
        (
            &[t, "--policies", "lru", "--capacities", "0B"],
            "must be larger than zero",
        ),
        (
            &[t, "--policies", "lru", "--capacities", "1XB"],
            "capacity \"1XB\": expected a size",
        ),
    ];
    for (args, message) in cases {
        let o = edgesim(d, &[&["replay"][..], args, &["--out", "never"]].concat());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(!d.join("never").exists(), "{args:?} wrote results");
    }
    let skipped = edgesim(
        d,
        &[
            "replay",
            "bad.csv",
            "--policies",
            "lru",
            "--capacities",
            "1MiB",
            "--skip-bad-lines",
            "--out",
            "ok",
            "--no-charts",
        ],
    );
    assert!(skipped.status.success());
    assert!(String::from_utf8_lossy(&skipped.stdout).contains("skipped 1 malformed lines"));
}
