//! Traces as cache researchers bring them: libCacheSim's CSV header and capacities, broken
//! compressed files, absurd sizes and huge headers.

use crate::common::{csv_rows, edgesim};
use std::io::Write;
use std::path::Path;
use std::process::Output;

use crate::common::stderr;

/// A CSV trace with `header`, 2,000 requests over 200 objects of 1,000 bytes.
fn trace(dir: &Path, name: &str, header: &str) {
    let mut text = format!("{header}\n");
    for i in 0..2000u64 {
        text.push_str(&format!("{},{},1000\n", i / 10, (i * 7919) % 200));
    }
    std::fs::write(dir.join(name), text).unwrap();
}

fn replay(dir: &Path, trace: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "replay",
        trace,
        "--policies",
        "lru",
        "--out",
        "res",
        "--no-charts",
        "-q",
    ];
    args.extend(extra);
    edgesim(dir, &args)
}

#[test]
fn a_libcachesim_csv_replays_without_columns_and_with_a_bare_byte_capacity() {
    let dir = tempfile::tempdir().unwrap();
    trace(dir.path(), "lcs.csv", "time,obj_id,obj_size");
    trace(dir.path(), "ours.csv", "time,id,size");
    let o = replay(dir.path(), "lcs.csv", &["--capacities", "50000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lcs = csv_rows(&dir.path().join("res/mrc.csv"));
    let o = replay(dir.path(), "ours.csv", &["--capacities", "50000B"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ours = csv_rows(&dir.path().join("res/mrc.csv"));
    assert_eq!(lcs.len(), 1);
    // The same trace under either header, 50000 bytes either way: the same misses.
    assert_eq!(lcs[0]["capacity_bytes"], "50000");
    assert_eq!(lcs[0]["misses"], ours[0]["misses"]);
    assert_eq!(lcs[0]["requests"], "2000");
}

#[test]
fn a_truncated_compressed_trace_is_an_error_even_when_skipping_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut text = String::from("time,id,size\n");
    for i in 0..200_000u64 {
        text.push_str(&format!(
            "{},{},{}\n",
            i / 100,
            (i * 7919) % 50_000,
            100 + i % 900
        ));
    }
    gz.write_all(text.as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    std::fs::write(dir.path().join("cut.csv.gz"), &bytes[..bytes.len() / 2]).unwrap();
    let o = replay(
        dir.path(),
        "cut.csv.gz",
        &["--capacities", "1MiB", "--skip-bad-lines"],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("cut.csv.gz: line"), "{err}");
    assert!(err.contains("cannot be read on"), "{err}");
    assert!(
        !dir.path().join("res").exists(),
        "no results from half a trace"
    );
}

#[test]
fn object_sizes_beyond_50_gb_are_bad_lines_so_counters_cannot_wrap() {
    let dir = tempfile::tempdir().unwrap();
    let huge = u64::MAX - 5;
    std::fs::write(
        dir.path().join("big.csv"),
        format!("time,id,size\n0,1,100\n1,2,{huge}\n2,1,100\n3,2,{huge}\n"),
    )
    .unwrap();
    let o = replay(dir.path(), "big.csv", &["--capacities", "1MiB"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("big.csv: line 3: size"), "{err}");
    assert!(err.contains("larger than the largest object"), "{err}");
    let o = replay(
        dir.path(),
        "big.csv",
        &["--capacities", "1MiB", "--skip-bad-lines"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = csv_rows(&dir.path().join("res/mrc.csv"));
    let ratio: f64 = rows[0]["byte_miss_ratio"].parse().unwrap();
    assert!((0.0..=1.0).contains(&ratio), "{ratio}");
}

#[test]
fn a_huge_header_is_not_echoed_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let header: String = (0..1_000_000).map(|i| format!("c{i},")).collect();
    std::fs::write(dir.path().join("wide.csv"), format!("{header}\n1,2,3\n")).unwrap();
    let o = replay(dir.path(), "wide.csv", &["--capacities", "1MiB"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.len() < 2_000, "{} bytes of message", err.len());
    assert!(err.contains("more characters"), "{err}");
}
