//! The charts' data preparation: which POPs get lines, how "others" are pooled, and where
//! the time charts end.

use super::time::{hit_ratio_lines, last_full_interval};
use super::Table;
use std::fmt::Write as _;

/// A `timeseries.csv` table of `pops` POPs over three intervals: POP `i` gets `100 - i`
/// requests per interval (so POP 0 is the busiest), half of them hits, and a straggling
/// last interval of one request each.
fn series(pops: usize) -> Table {
    let mut csv = String::from(
        "interval_start_s,pop,requests,cacheable_requests,hit_ratio,bytes_from_cache,cacheable_bytes\n",
    );
    for start in [0, 60, 120] {
        for i in 0..pops {
            let n = 100 - i;
            let hits = if i % 2 == 0 { n } else { 0 };
            let ratio = hits as f64 / n as f64;
            let _ = writeln!(csv, "{start},P{i},{n},{n},{ratio},{hits},{n}");
        }
    }
    for i in 0..pops {
        let _ = writeln!(csv, "180,P{i},1,1,1,1,1");
    }
    table(&csv)
}

/// `csv` read as a table, through a file as the charts read theirs. Its columns are some
/// of `timeseries.csv`'s; every other documented column is added, as 0.
fn table(csv: &str) -> Table {
    let mut lines = csv.lines();
    let given: Vec<&str> = lines.next().unwrap().split(',').collect();
    let docs = crate::report::tables();
    let doc = docs.iter().find(|t| t.file == "timeseries.csv").unwrap();
    let own = doc.columns.iter().map(|(n, _)| *n);
    let all: Vec<&str> = own
        .chain(crate::stats::columns::metrics().map(|c| c.name))
        .collect();
    let mut full = all.join(",");
    full.push('\n');
    for line in lines {
        let values: Vec<&str> = line.split(',').collect();
        let cells: Vec<&str> = all
            .iter()
            .map(|c| given.iter().position(|g| g == c).map_or("0", |i| values[i]))
            .collect();
        full.push_str(&cells.join(","));
        full.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("timeseries.csv");
    std::fs::write(&path, full).unwrap();
    Table::read(&path).unwrap()
}

#[test]
fn a_table_missing_a_documented_column_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("timeseries.csv");
    std::fs::write(&path, "interval_start_s,pop,requests\n0,P0,1\n").unwrap();
    let e = Table::read(&path).err().expect("refused");
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    assert!(e.to_string().contains("has no column `hits`"), "{e}");
    let path = dir.path().join("notes.csv");
    std::fs::write(&path, "a\n1\n").unwrap();
    let e = Table::read(&path).err().expect("refused");
    assert!(
        e.to_string()
            .ends_with("notes.csv: not a table edgesim writes"),
        "{e}"
    );
}

#[test]
fn beyond_eight_pops_the_seven_busiest_get_lines_and_the_rest_are_pooled() {
    let (requests, bytes, _) = hit_ratio_lines(&series(10));
    let names: Vec<&str> = requests.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(
        names,
        ["P0", "P1", "P2", "P3", "P4", "P5", "P6", "others (3 POPs)"]
    );
    // Others: P7 (93 requests, no hits), P8 (92, all hits), P9 (91, no hits).
    let pooled = 92.0 / (93.0 + 92.0 + 91.0);
    for (minute, ratio) in &requests[7].1 {
        assert!((ratio - pooled).abs() < 1e-9, "{minute}: {ratio}");
    }
    assert_eq!(
        requests[0].1.len(),
        3,
        "the straggling interval is left out"
    );
    assert_eq!(requests[1].1, vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]);
    assert_eq!(bytes[7].1, requests[7].1, "bytes pool the same way here");
}

#[test]
fn pops_that_served_nothing_get_no_line() {
    let mut t = String::from("interval_start_s,pop,requests,cacheable_requests,hit_ratio,bytes_from_cache,cacheable_bytes\n");
    t.push_str("0,A,10,10,0.5,5,10\n0,B,0,0,0,0,0\n");
    let (requests, _, _) = hit_ratio_lines(&table(&t));
    assert_eq!(requests, vec![("A".to_string(), vec![(0.0, 0.5)])]);
}

#[test]
fn eight_pops_or_fewer_each_get_a_line() {
    let (requests, _, _) = hit_ratio_lines(&series(8));
    assert_eq!(requests.len(), 8);
    assert!(requests.iter().all(|l| !l.0.starts_with("others")));
}

#[test]
fn the_time_charts_end_before_a_straggling_last_interval() {
    assert_eq!(last_full_interval(&series(3)), 120.0);
}
