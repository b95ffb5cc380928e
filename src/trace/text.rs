//! Text traces: CSV with a header (columns chosen by name), and the Wikimedia 2019 CDN
//! traces' TSV: `relative_unix, hashed_path_query, image_type, response_size,
//! time_firstbyte` (upload) or `relative_unix, hashed_host_path_query, response_size,
//! time_firstbyte` (text), with or without a header line.

use super::{parse_id, Columns, Lookup, Request, Source, TraceError, MAX_OBJECT_SIZE};
use crate::protocol::Method;
use csv::{ByteRecord, ReaderBuilder};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A field as a whole number of bytes or seconds; seconds may have a fraction.
fn number(field: &[u8], seconds: bool) -> Option<u64> {
    let text = std::str::from_utf8(field).ok()?.trim();
    match text.parse::<u64>() {
        Ok(v) => Some(v),
        Err(_) if seconds => text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map(|v| v as u64),
        Err(_) => None,
    }
}

/// An object size in bytes from `field` (the column `name`), at most
/// [`MAX_OBJECT_SIZE`]: byte counters then cannot wrap, whatever the trace says.
fn object_size(field: &[u8], name: &str) -> Result<u64, String> {
    let bytes = number(field, false).ok_or_else(|| {
        format!(
            "{name}: expected a whole number of bytes, got {:?}",
            String::from_utf8_lossy(field)
        )
    })?;
    match bytes <= MAX_OBJECT_SIZE {
        true => Ok(bytes),
        false => Err(format!(
            "{name}: {bytes} bytes is larger than the largest object, {MAX_OBJECT_SIZE} bytes (CloudFront caches objects up to 50 GB)"
        )),
    }
}

/// Where a malformed line is, and what is wrong with it.
fn bad(path: &Path, line: u64, message: String) -> TraceError {
    TraceError {
        path: path.to_path_buf(),
        at: Some(("line", line)),
        message,
    }
}

/// A trace that cannot be read on from `line`: its stream is corrupt, cut short or failing.
fn broken(path: &Path, line: u64, e: csv::Error) -> TraceError {
    let reason = match e.into_kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        other => format!("{other:?}"),
    };
    bad(
        path,
        line,
        format!("the file cannot be read on (a corrupt or truncated compressed stream?): {reason}"),
    )
}

/// Reads records with `csv`, turning each into a request with `parse`; malformed ones
/// fail, or are skipped and counted with `skip_bad`.
struct Records<R> {
    reader: csv::Reader<R>,
    record: ByteRecord,
    path: PathBuf,
    skip_bad: bool,
    skipped: u64,
}

impl<R: Read> Records<R> {
    fn new(reader: csv::Reader<R>, path: PathBuf, skip_bad: bool) -> Self {
        Records {
            reader,
            record: ByteRecord::new(),
            path,
            skip_bad,
            skipped: 0,
        }
    }

    fn next_batch(
        &mut self,
        out: &mut Vec<Request>,
        max: usize,
        parse: impl Fn(&ByteRecord, u64) -> Result<Option<Request>, String>,
    ) -> Result<usize, TraceError> {
        let start = out.len();
        while out.len() - start < max {
            let more = self.reader.read_byte_record(&mut self.record);
            // Where the record began (the reader's own position is past it).
            let line = self
                .record
                .position()
                .map_or(self.reader.position().line(), |p| p.line());
            let result = match more {
                Ok(false) => break,
                Ok(true) => parse(&self.record, line),
                // A broken file (a corrupt or cut compressed stream, a read failure) is
                // never a bad line to skip: the rest of the trace is lost with it.
                Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => {
                    return Err(broken(&self.path, line, e));
                }
                Err(e) => Err(e.to_string()),
            };
            match result {
                Ok(Some(r)) => out.push(r),
                Ok(None) => {}
                Err(_) if self.skip_bad => self.skipped += 1,
                Err(message) => return Err(bad(&self.path, line, message)),
            }
        }
        Ok(out.len() - start)
    }
}

/// A CSV trace.
pub struct CsvReader<R> {
    records: Records<R>,
    /// Column positions: time (optional), id, size.
    time: Option<usize>,
    id: usize,
    size: usize,
    /// Optional columns, with what they are matched against.
    path: Option<usize>,
    region: Option<usize>,
    method: Option<usize>,
    lookup: Lookup,
}

impl<R: Read> CsvReader<R> {
    pub fn new(
        reader: R,
        path: PathBuf,
        columns: &Columns,
        lookup: &Lookup,
        skip_bad: bool,
    ) -> Result<Self, TraceError> {
        let mut reader = ReaderBuilder::new()
            .comment(Some(b'#'))
            .flexible(true)
            .from_reader(reader);
        let header = reader
            .headers()
            .map_err(|e| bad(&path, 1, format!("cannot read the header: {e}")))?
            .clone();
        let names: Vec<&str> = header.iter().collect();
        let find = |name: &str, field: &str| {
            names.iter().position(|h| h.trim() == name).ok_or_else(|| {
                bad(
                    &path,
                    1,
                    format!(
                        "no column named {name:?} for the {field} (columns: {}); name it with --columns {field}=COLUMN",
                        names.join(", ")
                    ),
                )
            })
        };
        // libCacheSim's CSV traces name their columns `obj_id` and `obj_size`: accept them
        // when the default names are absent, so its files replay without --columns.
        let defaults = Columns::default();
        let find_or = |name: &str, field: &str, default: &str, alias: &str| {
            find(name, field).or_else(|e| match name == default {
                true => find(alias, field).map_err(|_| e),
                false => Err(e),
            })
        };
        let id = find_or(&columns.id, "id", &defaults.id, "obj_id")?;
        let size = find_or(&columns.size, "size", &defaults.size, "obj_size")?;
        let time = find(&columns.time, "time").ok();
        let optional = |name: &Option<String>, field: &str| match name {
            Some(n) => find(n, field).map(Some),
            None => Ok(None),
        };
        let (path_at, region, method) = (
            optional(&columns.path, "path")?,
            optional(&columns.region, "region")?,
            optional(&columns.method, "method")?,
        );
        Ok(CsvReader {
            records: Records::new(reader, path, skip_bad),
            time,
            id,
            size,
            path: path_at,
            region,
            method,
            lookup: lookup.clone(),
        })
    }
}

impl<R: Read + Send> Source for CsvReader<R> {
    fn next_batch(&mut self, out: &mut Vec<Request>, max: usize) -> Result<usize, TraceError> {
        let (time, id, size) = (self.time, self.id, self.size);
        let (path, region, method, lookup) = (self.path, self.region, self.method, &self.lookup);
        self.records.next_batch(out, max, |r, _| {
            let field = |i: usize, name: &str| {
                r.get(i)
                    .ok_or_else(|| format!("{name}: the line has only {} fields", r.len()))
            };
            let bytes = object_size(field(size, "size")?, "size")?;
            let at = match time {
                Some(t) => {
                    let f = field(t, "time")?;
                    number(f, true).ok_or_else(|| {
                        format!(
                            "time: expected seconds, got {:?}",
                            String::from_utf8_lossy(f)
                        )
                    })?
                }
                None => 0,
            };
            let text = |i: usize, name: &str| -> Result<&str, String> {
                std::str::from_utf8(field(i, name)?)
                    .map(str::trim)
                    .map_err(|_| format!("{name}: not UTF-8 text"))
            };
            // The longest matching prefix names the class, as a more specific one should.
            let class = match path {
                Some(i) => lookup.class_of(text(i, "path")?.as_bytes()),
                None => None,
            };
            let region = match region {
                Some(i) => {
                    let name = text(i, "region")?;
                    let k = lookup
                        .regions
                        .iter()
                        .position(|r| r == name)
                        .ok_or_else(|| {
                            format!(
                                "region: {name:?} is not a region of the scenario (regions: {})",
                                lookup.regions.join(", ")
                            )
                        })?;
                    Some(k as u16)
                }
                None => None,
            };
            let method = match method {
                Some(i) => {
                    let name = text(i, "method")?;
                    let m = Method::ALL
                        .into_iter()
                        .find(|m| m.name().eq_ignore_ascii_case(name))
                        .ok_or_else(|| {
                            let names: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
                            format!("method: {name:?} is not one of {}", names.join(", "))
                        })?;
                    Some(m)
                }
                None => None,
            };
            Ok(Some(Request {
                time: at,
                id: parse_id(field(id, "id")?),
                size: bytes,
                next: None,
                micros: None,
                class,
                region,
                method,
                https: None,
            }))
        })
    }

    fn skipped(&self) -> u64 {
        self.records.skipped
    }
}

/// A Wikimedia 2019 CDN trace (TSV).
pub struct TsvReader<R> {
    records: Records<R>,
}

impl<R: Read> TsvReader<R> {
    pub fn new(reader: R, path: PathBuf, skip_bad: bool) -> Self {
        let reader = ReaderBuilder::new()
            .delimiter(b'\t')
            .has_headers(false)
            .flexible(true)
            .from_reader(reader);
        TsvReader {
            records: Records::new(reader, path, skip_bad),
        }
    }
}

impl<R: Read + Send> Source for TsvReader<R> {
    fn next_batch(&mut self, out: &mut Vec<Request>, max: usize) -> Result<usize, TraceError> {
        self.records.next_batch(out, max, |r, line| {
            let size_at = match r.len() {
                5 => 3,
                4 => 2,
                n => {
                    return Err(format!(
                        "expected 5 tab-separated fields (upload trace) or 4 (text trace), got {n}"
                    ))
                }
            };
            let time = number(&r[0], true);
            if line == 1 && time.is_none() {
                // A header line.
                return Ok(None);
            }
            let time = time.ok_or_else(|| {
                format!(
                    "relative_unix: expected seconds, got {:?}",
                    String::from_utf8_lossy(&r[0])
                )
            })?;
            let size = object_size(&r[size_at], "response_size")?;
            Ok(Some(Request {
                time,
                id: parse_id(&r[1]),
                size,
                ..Request::default()
            }))
        })
    }

    fn skipped(&self) -> u64 {
        self.records.skipped
    }
}
