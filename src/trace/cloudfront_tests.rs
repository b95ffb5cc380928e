//! Reading CloudFront standard logs: AWS's own example, older and newer field lists, URL
//! decoding, folders, globs and gzip, arrival times, and bad lines named by file and line.

use super::*;
use crate::trace::{EdgeRegions, Lookup};
use std::io::Write;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/cloudfront")
        .join(name)
}

fn header(fields: &[&str]) -> String {
    format!("#Version: 1.0\n#Fields: {}\n", fields.join(" "))
}

/// A line of `fields` with the given values for named fields and `-` elsewhere.
fn line(fields: &[&str], values: &[(&str, &str)]) -> String {
    let cells: Vec<&str> = fields
        .iter()
        .map(|f| values.iter().find(|(n, _)| n == f).map_or("-", |(_, v)| *v))
        .collect();
    cells.join("\t") + "\n"
}

fn read_text(dir: &Path, name: &str, text: &str, lookup: &Lookup) -> Result<Log, TraceError> {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    read(&[path], lookup, false)
}

#[test]
fn aws_example_lines_read_as_documented() {
    let log = read(&[data("aws-example.log")], &Lookup::default(), false).unwrap();
    assert_eq!(log.entries.len(), 2);
    let e = log.entries[0];
    assert_eq!(e.metro_code(), "LAX");
    assert_eq!(
        (e.method, e.status, e.size, e.sc_bytes),
        (Method::Get, 200, 78, 392)
    );
    assert_eq!(e.result, ResultType::Hit);
    assert!(e.https);
    assert_eq!(e.tls, Some(TlsVersion::Tls1_2));
    assert_eq!(e.http, Some(HttpVersion::Http2));
    assert_eq!(e.id, fnv1a(b"/index.html"));
    // 2019-12-04 21:02:31 finished; the two lines share the second, so they are spread
    // over it, and the first took a millisecond.
    let end = (crate::calendar::days_from_civil(2019, 12, 4) * 86_400 + 21 * 3600 + 2 * 60 + 31)
        * 1_000_000;
    assert_eq!(e.at_us, end - 1_000);
    assert_eq!(log.entries[1].at_us, end + 500_000);
}

#[test]
fn columns_come_from_the_fields_line_whatever_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let values = [
        ("date", "2024-03-01"),
        ("time", "10:00:05"),
        ("x-edge-location", "fra56-P1"),
        ("sc-bytes", "5000"),
        ("cs-method", "HEAD"),
        ("cs-uri-stem", "/a%20b/c.jpg"),
        ("cs-uri-query", "q=a%20b"),
        ("sc-status", "304"),
        ("x-edge-result-type", "RefreshHit"),
        ("time-taken", "0.250"),
        ("cs-protocol", "http"),
        ("brand-new-field", "x"),
    ];
    // 24 fields (logs before 2019), 26, and 33 with a field AWS might add later.
    let mut newer = FIELDS.to_vec();
    newer.push("brand-new-field");
    for fields in [&FIELDS[..24], &FIELDS[..26], &newer[..]] {
        let text = header(fields) + &line(fields, &values);
        let log = read_text(dir.path(), "f.log", &text, &Lookup::default()).unwrap();
        let e = log.entries[0];
        assert_eq!(e.metro_code(), "FRA");
        assert_eq!((e.method, e.status, e.size), (Method::Head, 304, 5000));
        assert_eq!(e.result, ResultType::RefreshHit);
        assert!(!e.https);
        assert_eq!(e.id, fnv1a(b"/a b/c.jpg"), "{} fields", fields.len());
        assert_eq!(e.taken_us, 250_000);
        let query = (fields.len() > 11).then(|| fnv1a(b"q=a b"));
        assert_eq!(e.query, query);
    }
}

#[test]
fn the_behavior_a_path_matches_picks_its_class_and_the_metro_its_region() {
    use crate::behavior::{BehaviorSpec, Behaviors};
    let api = BehaviorSpec {
        path_pattern: Some("/api/*".into()),
        origin: Some("o".into()),
        ..BehaviorSpec::default()
    };
    let behaviors = Behaviors::resolve(&[api], &BehaviorSpec::default(), &["o"], 25).unwrap();
    let lookup = Lookup {
        prefixes: vec!["/".into(), "/api/".into()],
        regions: vec!["EU".into(), "NA".into()],
        behaviors: Some(std::sync::Arc::new(behaviors)),
        behavior_class: vec![Some(1), Some(0)],
        edge_regions: EdgeRegions::Continent,
    };
    let dir = tempfile::tempdir().unwrap();
    let row = |edge: &str, path: &str| {
        line(
            &FIELDS,
            &[
                ("date", "2024-03-01"),
                ("time", "10:00:05"),
                ("x-edge-location", edge),
                ("sc-bytes", "10"),
                ("cs-uri-stem", path),
            ],
        )
    };
    let text = header(&FIELDS) + &row("IAD89-C1", "/api/v1") + &row("FRA2", "/x.html");
    let log = read_text(dir.path(), "f.log", &text, &lookup).unwrap();
    let got: Vec<_> = log
        .entries
        .iter()
        .map(|e| (e.behavior, e.class, e.region))
        .collect();
    assert_eq!(
        got,
        [(Some(0), Some(1), Some(1)), (Some(1), Some(0), Some(0))]
    );
    // A metro with no region of that name is refused, naming the line.
    let text = header(&FIELDS) + &row("SYD1", "/x.html");
    let e = read_text(dir.path(), "g.log", &text, &lookup)
        .err()
        .unwrap();
    assert_eq!(e.at, Some(("line", 3)));
    assert!(
        e.to_string()
            .contains("no region of the scenario is named \"OC\""),
        "{e}"
    );
}

#[test]
fn folders_and_globs_of_gzip_files_merge_in_arrival_order() {
    let dir = tempfile::tempdir().unwrap();
    let at = |time: &str, taken: &str, path: &str| {
        line(
            &FIELDS,
            &[
                ("date", "2024-03-01"),
                ("time", time),
                ("x-edge-location", "IAD1"),
                ("sc-bytes", "10"),
                ("cs-uri-stem", path),
                ("time-taken", taken),
            ],
        )
    };
    let write_gz = |name: &str, text: String| {
        let f = std::fs::File::create(dir.path().join(name)).unwrap();
        let mut g = flate2::write::GzEncoder::new(f, flate2::Compression::default());
        g.write_all(text.as_bytes()).unwrap();
        g.finish().unwrap();
    };
    // The second file's line finished later but arrived first: it took 3 s.
    write_gz(
        "a.gz",
        header(&FIELDS) + &at("10:00:02", "0.5", "/first-done"),
    );
    write_gz(
        "b.gz",
        header(&FIELDS) + &at("10:00:04", "3.0", "/first-arrived"),
    );
    for source in [dir.path().to_path_buf(), dir.path().join("*.gz")] {
        let log = read(&[source], &Lookup::default(), false).unwrap();
        let ids: Vec<u64> = log.entries.iter().map(|e| e.id).collect();
        assert_eq!(ids, [fnv1a(b"/first-arrived"), fnv1a(b"/first-done")]);
        assert_eq!(log.files.len(), 2);
    }
    let none = read(&[dir.path().join("*.txt")], &Lookup::default(), false);
    assert!(none.err().unwrap().to_string().contains("matches no file"));
    // An empty subfolder is no error; an empty folder is.
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    assert_eq!(
        read(&[dir.path().to_path_buf()], &Lookup::default(), false)
            .unwrap()
            .files
            .len(),
        2
    );
    let empty = read(&[dir.path().join("empty")], &Lookup::default(), false);
    assert!(empty
        .err()
        .unwrap()
        .to_string()
        .contains("holds no log file"));
}

#[test]
fn bad_lines_name_their_file_and_line_or_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let good = line(
        &FIELDS,
        &[
            ("date", "2024-03-01"),
            ("time", "10:00:05"),
            ("x-edge-location", "IAD1"),
            ("sc-bytes", "10"),
            ("cs-uri-stem", "/x"),
        ],
    );
    let cases = [
        (
            good.replace("2024-03-01", "2024-02-30"),
            "date: expected YYYY-MM-DD",
        ),
        (
            good.replace("10:00:05", "25:00:00"),
            "time: expected HH:MM:SS",
        ),
        (
            good.replace("IAD1", "1AD"),
            "x-edge-location: expected an edge location",
        ),
        (
            good.replacen("\t10\t", "\tten\t", 1),
            "sc-bytes: expected a whole number",
        ),
        (
            "2024-03-01\t10:00:05\n".to_string(),
            "fewer than its #Fields: line names",
        ),
    ];
    for (bad, says) in cases {
        let text = header(&FIELDS) + &good + &bad;
        let e = read_text(dir.path(), "bad.log", &text, &Lookup::default())
            .err()
            .unwrap();
        assert_eq!(e.at, Some(("line", 4)), "{e}");
        assert!(
            e.to_string().contains("bad.log") && e.to_string().contains(says),
            "{e}"
        );
        let path = dir.path().join("bad.log");
        let skipped = read(&[path], &Lookup::default(), true).unwrap();
        assert_eq!((skipped.entries.len(), skipped.skipped), (1, 1));
    }
    let no_stem = "#Fields: date time x-edge-location sc-bytes\n";
    let e = read_text(dir.path(), "h.log", no_stem, &Lookup::default())
        .err()
        .unwrap();
    assert!(e.to_string().contains("no \"cs-uri-stem\" field"), "{e}");
}

#[test]
fn url_decoding_keeps_malformed_escapes() {
    let mut out = Vec::new();
    url_decode(b"/a%20b%2Fc%zz%4", &mut out);
    assert_eq!(out, b"/a b/c%zz%4");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever a line holds, reading it gives requests or an error naming the line, never
    /// a panic.
    #[test]
    fn any_line_reads_or_is_refused_by_line(fields in proptest::collection::vec("[-0-9A-Za-z:./%\\t ]{0,12}", 0..40)) {
        let dir = tempfile::tempdir().unwrap();
        let text = header(&FIELDS) + &fields.join("\t") + "\n";
        match read_text(dir.path(), "p.log", &text, &Lookup::default()) {
            Ok(log) => proptest::prop_assert!(log.entries.len() <= 1),
            Err(e) => proptest::prop_assert_eq!(e.at, Some(("line", 3))),
        }
    }
}
