//! Reading each trace format, compressed or not, and refusing malformed input with the
//! line or record that is wrong.

use super::*;
use std::io::Write;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn read(path: &Path, format: &Format, skip_bad: bool) -> Result<(Vec<Request>, u64), String> {
    let mut s = open(path, format, skip_bad).map_err(|e| e.to_string())?;
    let all = read_all(s.as_mut()).map_err(|e| e.to_string())?;
    Ok((all, s.skipped()))
}

/// `oracleGeneral` bytes for (time, id, size, next) records.
fn oracle_bytes(records: &[(u32, u64, u32, i64)]) -> Vec<u8> {
    let mut out = Vec::new();
    for &(t, id, size, next) in records {
        out.extend(t.to_le_bytes());
        out.extend(id.to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(next.to_le_bytes());
    }
    out
}

#[test]
fn the_bundled_csv_trace_reads_in_full() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/trace-small.csv");
    let format = Format::guess(&path).unwrap();
    let (all, skipped) = read(&path, &format, false).unwrap();
    assert_eq!((all.len(), skipped), (20_000, 0));
    assert_eq!(
        all[0],
        Request {
            time: 0,
            id: 1967,
            size: 12065,
            next: None,
            ..Request::default()
        }
    );
}

#[test]
fn csv_columns_are_chosen_by_name_and_text_ids_are_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "t.csv",
        b"ts,key,bytes,method\n1.5,/a.jpg,10,GET\n2,/b.jpg,20,GET\n3,/a.jpg,10,GET\n",
    );
    let columns = Columns::parse("time=ts,id=key,size=bytes").unwrap();
    let (all, _) = read(&path, &Format::Csv(columns), false).unwrap();
    assert_eq!(all.iter().map(|r| r.time).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(all[0].id, all[2].id);
    assert_ne!(all[0].id, all[1].id);
    assert_eq!(all[0].id, crate::engine::fnv1a(b"/a.jpg"));
    let e = read(&path, &Format::Csv(Columns::default()), false).unwrap_err();
    assert!(
        e.contains("line 1") && e.contains("no column named \"id\""),
        "{e}"
    );
    assert!(Columns::parse("colour=x")
        .unwrap_err()
        .0
        .contains("time, id, size, path, region and method"));
}

#[test]
fn path_region_and_method_columns_are_matched_against_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "t.csv",
        b"time,id,size,url,client,verb\n0,1,10,/api/v1/x,eu,POST\n0,2,10,/other,us,get\n",
    );
    let lookup = Lookup {
        prefixes: vec!["/api/".into(), "/api/v1/".into()],
        regions: vec!["us".into(), "eu".into()],
        ..Lookup::default()
    };
    let columns = Columns::parse("path=url,region=client,method=verb").unwrap();
    let mut s = open_with(&path, &Format::Csv(columns.clone()), false, &lookup).unwrap();
    let all = read_all(s.as_mut()).unwrap();
    // The longest prefix wins; a path under none has no class.
    assert_eq!((all[0].class, all[0].region), (Some(1), Some(1)));
    assert_eq!(all[0].method, Some(crate::protocol::Method::Post));
    assert_eq!((all[1].class, all[1].region), (None, Some(0)));
    assert_eq!(all[1].method, Some(crate::protocol::Method::Get));
    let bad = write(
        dir.path(),
        "b.csv",
        b"time,id,size,url,client,verb\n0,1,10,/x,mars,GET\n",
    );
    let mut s = open_with(&bad, &Format::Csv(columns), false, &lookup).unwrap();
    let e = read_all(s.as_mut()).unwrap_err().to_string();
    assert!(
        e.contains("line 2: region: \"mars\" is not a region of the scenario (regions: us, eu)"),
        "{e}"
    );
}

#[test]
fn a_non_numeric_size_is_refused_with_its_line_or_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "t.csv",
        b"time,id,size\n0,1,10\n0,2,ten\n0,3,30\n",
    );
    let format = Format::Csv(Columns::default());
    let e = read(&path, &format, false).unwrap_err();
    assert!(
        e.ends_with("t.csv: line 3: size: expected a whole number of bytes, got \"ten\""),
        "{e}"
    );
    let (all, skipped) = read(&path, &format, true).unwrap();
    assert_eq!((all.len(), skipped), (2, 1));
}

#[test]
fn oracle_general_records_read_plain_and_zstd_compressed() {
    let dir = tempfile::tempdir().unwrap();
    let records = [(5, 42, 1000, 2), (6, 7, 10, -1), (7, 42, 1000, i64::MAX)];
    let bytes = oracle_bytes(&records);
    let plain = write(dir.path(), "t.oracleGeneral.bin", &bytes);
    let mut z = zstd::Encoder::new(Vec::new(), 3).unwrap();
    z.write_all(&bytes).unwrap();
    let zst = write(dir.path(), "t.oracleGeneral.zst", &z.finish().unwrap());
    for path in [plain, zst] {
        assert_eq!(Format::guess(&path), Some(Format::Oracle));
        let (all, _) = read(&path, &Format::Oracle, false).unwrap();
        let expect = [
            Request {
                time: 5,
                id: 42,
                size: 1000,
                next: Some(2),
                ..Request::default()
            },
            Request {
                time: 6,
                id: 7,
                size: 10,
                next: None,
                ..Request::default()
            },
            Request {
                time: 7,
                id: 42,
                size: 1000,
                next: None,
                ..Request::default()
            },
        ];
        assert_eq!(all, expect, "{}", path.display());
    }
}

#[test]
fn a_truncated_oracle_record_is_refused_with_its_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = oracle_bytes(&[(1, 1, 1, -1), (2, 2, 2, -1)]);
    bytes.truncate(24 + 10);
    let path = write(dir.path(), "t.oracleGeneral", &bytes);
    let e = read(&path, &Format::Oracle, false).unwrap_err();
    assert!(
        e.contains("record 2: truncated: the file ends 10 bytes into a 24-byte"),
        "{e}"
    );
    let (all, skipped) = read(&path, &Format::Oracle, true).unwrap();
    assert_eq!((all.len(), skipped), (1, 1));
}

#[test]
fn wikimedia_upload_and_text_layouts_read_with_or_without_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let upload = write(
        dir.path(),
        "upload.tsv",
        b"relative_unix\thashed_path_query\timage_type\tresponse_size\ttime_firstbyte\n0\t-123\tjpeg\t5000\t0.01\n1\t456\tpng\t70\t0.02\n",
    );
    let (all, _) = read(&upload, &Format::Wikimedia, false).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!((all[0].id, all[0].size), ((-123i64) as u64, 5000));
    assert_eq!((all[1].time, all[1].id, all[1].size), (1, 456, 70));
    let text = write(dir.path(), "text.tsv.gz", &{
        let mut g = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        g.write_all(b"3\t99\t1200\t0.5\n").unwrap();
        g.finish().unwrap()
    });
    assert_eq!(Format::guess(&text), Some(Format::Wikimedia));
    let (all, _) = read(&text, &Format::Wikimedia, false).unwrap();
    assert_eq!(
        all,
        [Request {
            time: 3,
            id: 99,
            size: 1200,
            next: None,
            ..Request::default()
        }]
    );
}

#[test]
fn a_missing_trace_is_named() {
    let e = read(Path::new("no/such.csv"), &Format::Oracle, false).unwrap_err();
    assert!(e.starts_with("no/such.csv: cannot open the trace"), "{e}");
}
