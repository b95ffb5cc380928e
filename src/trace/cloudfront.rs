//! CloudFront standard (legacy) access logs as a trace: W3C extended format, tab-separated,
//! one request per line, `#Version:` and `#Fields:` headers, usually gzip-compressed and
//! spread over many files (cloudfront.md §7.1; AWS's "Standard logging reference",
//! https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logs-reference.html).
//!
//! - Columns are found by the names of the latest `#Fields:` line, so logs of 24, 26 or 33
//!   fields all read, and fields added later are ignored. A file without a `#Fields:` line
//!   is read as the 33 fields in AWS's order.
//! - A line's `date` and `time` say when the edge *finished* responding, in whole seconds.
//!   The lines of all files that finished in the same second are spread evenly over it in
//!   file order, then `time-taken` is subtracted: that is the arrival. Lines are played
//!   in arrival order, ties in file order, so the result depends only on the files.
//! - `cs-uri-stem` is URL-decoded; the object is its hash (the cache key is the path today).
//!   `cs-uri-query` is kept as the hash of its decoded text, for the day it is part of the
//!   key. The behavior the path matches
//!   picks the path class; `x-edge-location`'s metro picks the client region.
//! - Sizes are `sc-content-len` where the log has it, else `sc-bytes`.
//!
//! Files, folders (every file below, in name order) and globs are read whole into memory
//! and sorted (about 140 bytes a line at the peak): log files overlap in time, and lines are logged in
//! the order they finished, not arrived.

pub use super::fields::url_decode;
use super::fields::{micros, number, present, split_tabs, Fields};
pub use super::files::expand;
use super::{Lookup, Request, Source, TraceError, MAX_OBJECT_SIZE};
use crate::calendar::{parse_date, parse_time};
use crate::engine::fnv1a;
use crate::protocol::{HttpVersion, Method, TlsVersion};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The 33 fields of the standard log, in AWS's order (cloudfront.md §7.1).
pub const FIELDS: [&str; 33] = [
    "date",
    "time",
    "x-edge-location",
    "sc-bytes",
    "c-ip",
    "cs-method",
    "cs(Host)",
    "cs-uri-stem",
    "sc-status",
    "cs(Referer)",
    "cs(User-Agent)",
    "cs-uri-query",
    "cs(Cookie)",
    "x-edge-result-type",
    "x-edge-request-id",
    "x-host-header",
    "cs-protocol",
    "cs-bytes",
    "time-taken",
    "x-forwarded-for",
    "ssl-protocol",
    "ssl-cipher",
    "x-edge-response-result-type",
    "cs-protocol-version",
    "fle-status",
    "fle-encrypted-fields",
    "c-port",
    "time-to-first-byte",
    "x-edge-detailed-result-type",
    "sc-content-type",
    "sc-content-len",
    "sc-range-start",
    "sc-range-end",
];

/// `x-edge-result-type`: how CloudFront classified the response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResultType {
    /// Served from the edge cache.
    Hit,
    /// Revalidated with the origin and served from the cache.
    RefreshHit,
    /// Fetched from the origin (or a regional cache).
    Miss,
    /// An error response.
    Error,
    /// A redirect from HTTP to HTTPS.
    Redirect,
    /// Refused for quota or capacity (`LimitExceeded`, `CapacityExceeded`).
    Refused,
    /// Anything else CloudFront may log.
    Other,
}

impl ResultType {
    fn parse(text: &[u8]) -> ResultType {
        match text {
            b"Hit" => ResultType::Hit,
            b"RefreshHit" => ResultType::RefreshHit,
            b"Miss" => ResultType::Miss,
            b"Error" => ResultType::Error,
            b"Redirect" => ResultType::Redirect,
            b"LimitExceeded" | b"CapacityExceeded" => ResultType::Refused,
            _ => ResultType::Other,
        }
    }
}

/// One log line, as read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    /// Arrival, microseconds since the Unix epoch.
    pub at_us: i64,
    /// `time-taken`, microseconds (0 where the log lacks it).
    pub taken_us: u64,
    /// The object: the hash of the decoded path.
    pub id: u64,
    /// The hash of the decoded `cs-uri-query`, where there is one: kept for a cache key
    /// that includes the query string (the key is the path alone today).
    pub query: Option<u64>,
    /// Its size: `sc-content-len`, else `sc-bytes`.
    pub size: u64,
    /// `sc-bytes`: bytes sent to the viewer, headers included.
    pub sc_bytes: u64,
    /// `sc-status` (0 for `000`).
    pub status: u16,
    /// The metro of `x-edge-location`, upper case.
    pub metro: [u8; 3],
    /// `cs-method`.
    pub method: Method,
    /// `x-edge-result-type`.
    pub result: ResultType,
    /// The behavior the path matched, where the lookup has behaviors.
    pub behavior: Option<u16>,
    /// The path class.
    pub class: Option<u16>,
    /// The client region.
    pub region: Option<u16>,
    /// `cs-protocol` was `https` (or `wss`).
    pub https: bool,
    /// `ssl-protocol`.
    pub tls: Option<TlsVersion>,
    /// `cs-protocol-version`.
    pub http: Option<HttpVersion>,
}

impl Entry {
    /// The metro code as text.
    pub fn metro_code(&self) -> &str {
        std::str::from_utf8(&self.metro).unwrap_or("???")
    }
}

/// Where each field this reader uses stands in a line.
#[derive(Clone, Debug)]
struct Layout {
    date: usize,
    time: usize,
    edge: usize,
    sc_bytes: usize,
    method: Option<usize>,
    stem: usize,
    query: Option<usize>,
    status: Option<usize>,
    result: Option<usize>,
    protocol: Option<usize>,
    taken: Option<usize>,
    tls: Option<usize>,
    version: Option<usize>,
    content_len: Option<usize>,
}

impl Layout {
    fn of(names: &[&str]) -> Result<Layout, String> {
        let find = |n: &str| names.iter().position(|f| *f == n);
        let need = |n: &str| {
            find(n).ok_or_else(|| {
                format!(
                    "the #Fields: line has no {n:?} field; a CloudFront standard log has date, time, x-edge-location, sc-bytes and cs-uri-stem (fields: {})",
                    names.join(" ")
                )
            })
        };
        Ok(Layout {
            date: need("date")?,
            time: need("time")?,
            edge: need("x-edge-location")?,
            sc_bytes: need("sc-bytes")?,
            method: find("cs-method"),
            stem: need("cs-uri-stem")?,
            query: find("cs-uri-query"),
            status: find("sc-status"),
            result: find("x-edge-result-type"),
            protocol: find("cs-protocol"),
            taken: find("time-taken"),
            tls: find("ssl-protocol"),
            version: find("cs-protocol-version"),
            content_len: find("sc-content-len"),
        })
    }
}

/// Parses one data line: the second it finished, and the entry.
fn parse_line(
    fields: &Fields<'_>,
    at: &Layout,
    lookup: &Lookup,
    path: &mut Vec<u8>,
) -> Result<(i64, Entry), String> {
    let get = |i: usize, name: &str| {
        fields.get(i).ok_or_else(|| {
            format!(
                "{name}: the line has {} fields, fewer than its #Fields: line names",
                fields.len()
            )
        })
    };
    let opt = |i: Option<usize>| i.and_then(|i| fields.get(i)).and_then(present);
    let date = get(at.date, "date")?;
    let day = parse_date(date).ok_or_else(|| {
        format!(
            "date: expected YYYY-MM-DD, got {:?}",
            String::from_utf8_lossy(date)
        )
    })?;
    let time = get(at.time, "time")?;
    let second = parse_time(time).ok_or_else(|| {
        format!(
            "time: expected HH:MM:SS, got {:?}",
            String::from_utf8_lossy(time)
        )
    })?;
    let edge = get(at.edge, "x-edge-location")?;
    let metro: [u8; 3] = match edge.get(..3) {
        Some(m) if m.iter().all(u8::is_ascii_alphabetic) => {
            [m[0], m[1], m[2]].map(|b| b.to_ascii_uppercase())
        }
        _ => {
            return Err(format!(
                "x-edge-location: expected an edge location such as FRA56-P1 (a metro's airport code, then a number), got {:?}",
                String::from_utf8_lossy(edge)
            ))
        }
    };
    let sc_bytes = number(get(at.sc_bytes, "sc-bytes")?, "sc-bytes")?;
    let size = match opt(at.content_len) {
        Some(t) => number(t, "sc-content-len")?,
        None => sc_bytes,
    };
    if size > MAX_OBJECT_SIZE {
        return Err(format!(
            "{size} bytes is larger than the largest object, {MAX_OBJECT_SIZE} bytes (CloudFront caches objects up to 50 GB)"
        ));
    }
    let method = match opt(at.method) {
        Some(m) => Method::ALL
            .into_iter()
            .find(|k| k.name().as_bytes() == m)
            .ok_or_else(|| {
                format!(
                    "cs-method: {:?} is not one of GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE",
                    String::from_utf8_lossy(m)
                )
            })?,
        None => Method::Get,
    };
    url_decode(get(at.stem, "cs-uri-stem")?, path);
    let status = match opt(at.status) {
        Some(s) => u16::try_from(number(s, "sc-status")?)
            .map_err(|_| "sc-status: not an HTTP status".to_string())?,
        None => 200,
    };
    let taken_us = match opt(at.taken) {
        Some(t) => micros(t).ok_or_else(|| {
            format!(
                "time-taken: expected seconds such as 0.012, got {:?}",
                String::from_utf8_lossy(t)
            )
        })?,
        None => 0,
    };
    let query = opt(at.query).map(|q| {
        let mut decoded = Vec::new();
        url_decode(q, &mut decoded);
        fnv1a(&decoded)
    });
    let behavior = lookup.behaviors.as_ref().map(|b| b.select(path) as u16);
    let class = behavior
        .and_then(|b| lookup.behavior_class.get(b as usize).copied().flatten())
        .or_else(|| lookup.class_of(path));
    let region = lookup.edge_region(metro)?;
    let entry = Entry {
        at_us: 0,
        taken_us,
        id: fnv1a(path),
        query,
        size,
        sc_bytes,
        status,
        metro,
        method,
        result: opt(at.result).map_or(ResultType::Other, ResultType::parse),
        behavior,
        class,
        region,
        https: opt(at.protocol).is_some_and(|p| p == b"https" || p == b"wss"),
        tls: opt(at.tls).and_then(|t| {
            TlsVersion::ALL
                .into_iter()
                .find(|v| v.name().as_bytes() == t)
        }),
        http: opt(at.version).and_then(|t| {
            HttpVersion::ALL
                .into_iter()
                .find(|v| v.name().as_bytes() == t)
        }),
    };
    Ok((day * 86_400 + second, entry))
}

/// What a set of log files held.
pub struct Log {
    /// Every line, in arrival order.
    pub entries: Vec<Entry>,
    /// Malformed lines skipped (with skipping on).
    pub skipped: u64,
    /// The files read, in the order read.
    pub files: Vec<PathBuf>,
}

/// Reads every file `sources` name (see [`expand`]), decompressing `.gz` and `.zst`.
pub fn read(sources: &[PathBuf], lookup: &Lookup, skip_bad: bool) -> Result<Log, TraceError> {
    let files = expand(sources)?;
    let mut lines: Vec<(i64, Entry)> = Vec::new();
    let mut skipped = 0;
    for file in &files {
        let raw = std::fs::File::open(file)
            .map_err(|e| TraceError::whole(file, format!("cannot open the log: {e}")))?;
        let reader = super::decompressed(Box::new(raw), file)?;
        skipped += read_file(reader, file, lookup, skip_bad, &mut lines)?;
    }
    // Lines that finished in the same second are spread over it, in file order; then each
    // arrival is its finish less its time-taken.
    lines.sort_by_key(|(end, _)| *end);
    let mut i = 0;
    while i < lines.len() {
        let end = lines[i].0;
        let n = lines[i..].iter().take_while(|(e, _)| *e == end).count();
        for (k, (_, entry)) in lines[i..i + n].iter_mut().enumerate() {
            let finish = end * 1_000_000 + (k as i64 * 1_000_000) / n as i64;
            entry.at_us = finish - entry.taken_us as i64;
        }
        i += n;
    }
    let mut entries: Vec<Entry> = lines.into_iter().map(|(_, e)| e).collect();
    entries.sort_by_key(|e| e.at_us);
    Ok(Log {
        entries,
        skipped,
        files,
    })
}

/// Appends one file's lines as (finish second, entry); returns the lines skipped.
fn read_file(
    reader: Box<dyn Read + Send>,
    file: &Path,
    lookup: &Lookup,
    skip_bad: bool,
    out: &mut Vec<(i64, Entry)>,
) -> Result<u64, TraceError> {
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut layout = Layout::of(&FIELDS).expect("the standard fields have every one needed");
    let (mut buf, mut path, mut ranges) = (Vec::new(), Vec::new(), Vec::new());
    let (mut line, mut skipped) = (0u64, 0u64);
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(|e| TraceError {
            path: file.to_path_buf(),
            at: Some(("line", line + 1)),
            message: format!(
                "the file cannot be read on (a corrupt or truncated compressed stream?): {e}"
            ),
        })?;
        if n == 0 {
            return Ok(skipped);
        }
        line += 1;
        let text = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.is_empty() {
            continue;
        }
        let bad = |message: String| TraceError {
            path: file.to_path_buf(),
            at: Some(("line", line)),
            message,
        };
        if let Some(header) = text.strip_prefix(b"#") {
            if let Some(names) = header.strip_prefix(b"Fields:") {
                let names = String::from_utf8_lossy(names);
                let names: Vec<&str> = names.split_whitespace().collect();
                layout = Layout::of(&names).map_err(bad)?;
            }
            continue;
        }
        split_tabs(text, &mut ranges);
        let fields = Fields { text, at: &ranges };
        match parse_line(&fields, &layout, lookup, &mut path) {
            Ok(e) => out.push(e),
            Err(_) if skip_bad => skipped += 1,
            Err(m) => return Err(bad(m)),
        }
    }
}

/// A CloudFront log played as a trace source.
pub struct LogSource {
    requests: std::vec::IntoIter<Request>,
    skipped: u64,
}

impl LogSource {
    /// Reads the log files `sources` name.
    pub fn open(sources: &[PathBuf], lookup: &Lookup, skip_bad: bool) -> Result<Self, TraceError> {
        let log = read(sources, lookup, skip_bad)?;
        let requests: Vec<Request> = log
            .entries
            .iter()
            .map(|e| Request {
                time: e.at_us.div_euclid(1_000_000).max(0) as u64,
                micros: Some(e.at_us.rem_euclid(1_000_000) as u32),
                id: e.id,
                size: e.size,
                next: None,
                class: e.class,
                region: e.region,
                method: Some(e.method),
                https: Some(e.https),
            })
            .collect();
        Ok(LogSource {
            requests: requests.into_iter(),
            skipped: log.skipped,
        })
    }
}

impl Source for LogSource {
    fn next_batch(&mut self, out: &mut Vec<Request>, max: usize) -> Result<usize, TraceError> {
        let before = out.len();
        out.extend(self.requests.by_ref().take(max));
        Ok(out.len() - before)
    }

    fn skipped(&self) -> u64 {
        self.skipped
    }
}

#[cfg(test)]
#[path = "cloudfront_tests.rs"]
mod tests;
