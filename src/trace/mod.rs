//! Request traces read from disk, streamed in batches so memory does not grow with the
//! trace: CSV with a header, libCacheSim's `oracleGeneral` binary records, and the
//! Wikimedia 2019 CDN traces' TSV layout. Any of them may be zstd (`.zst`) or gzip
//! (`.gz`) compressed.
//!
//! Object ids are numbers where the trace gives numbers; other ids (paths, keys) are
//! hashed to 64 bits with FNV-1a, whose output is fixed by its definition, so a trace
//! always replays to the same ids.

pub mod cloudfront;
mod fields;
mod files;
mod oracle;
mod text;

use crate::engine::fnv1a;
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

/// One request of a trace.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// Trace time in seconds (as the trace gives it; 0 where it gives none).
    pub time: u64,
    /// Microseconds past `time`, where the trace times requests that finely (CloudFront
    /// logs); `None` where requests sharing a second are to be spread over it.
    pub micros: Option<u32>,
    /// The object.
    pub id: u64,
    /// Its size in bytes.
    pub size: u64,
    /// The position of the next request for the same object, when the trace records it
    /// (`oracleGeneral` does); `None` otherwise or when there is none.
    pub next: Option<u64>,
    /// The path class its path falls in (a CSV `path` column and a [`Lookup`]).
    pub class: Option<u16>,
    /// Its client region (a CSV `region` column and a [`Lookup`]).
    pub region: Option<u16>,
    /// Its method (a CSV `method` column).
    pub method: Option<crate::protocol::Method>,
    /// Whether it came over HTTPS, where the trace says (a CloudFront log's `cs-protocol`).
    pub https: Option<bool>,
}

/// What a trace's paths and regions are matched against: a scenario's path-class
/// prefixes and region names, in their order, and for CloudFront logs its behaviors.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lookup {
    /// Path prefix of each class.
    pub prefixes: Vec<String>,
    /// Name of each region.
    pub regions: Vec<String>,
    /// The behaviors a CloudFront log's paths are matched against.
    pub behaviors: Option<std::sync::Arc<crate::behavior::Behaviors>>,
    /// The class that serves each behavior's requests, where one does.
    pub behavior_class: Vec<Option<u16>>,
    /// How a CloudFront log's edge locations name client regions.
    pub edge_regions: EdgeRegions,
}

/// Which client region a CloudFront log line comes from: the one named after its edge
/// location's metro (`FRA` for `FRA56-P1`), or after that metro's continent (`EU`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EdgeRegions {
    /// A region per metro.
    #[default]
    Metro,
    /// A region per continent.
    Continent,
}

impl EdgeRegions {
    /// `metro` or `continent`.
    pub fn parse(text: &str) -> Result<EdgeRegions, String> {
        match text {
            "metro" => Ok(EdgeRegions::Metro),
            "continent" => Ok(EdgeRegions::Continent),
            other => Err(format!("{other:?}: expected metro or continent")),
        }
    }

    /// The region name a metro's requests come from.
    pub fn name_of(self, metro: &str) -> Option<String> {
        match self {
            EdgeRegions::Metro => Some(metro.to_string()),
            EdgeRegions::Continent => crate::data::metro(metro).map(|m| m.continent.clone()),
        }
    }
}

impl Lookup {
    /// The class whose prefix is the longest that `path` starts with.
    pub fn class_of(&self, path: &[u8]) -> Option<u16> {
        self.prefixes
            .iter()
            .enumerate()
            .filter(|(_, prefix)| path.starts_with(prefix.as_bytes()))
            .max_by_key(|(_, prefix)| prefix.len())
            .map(|(k, _)| k as u16)
    }

    /// The region a CloudFront log line from `metro` comes from; `None` when the lookup
    /// has no regions (a replay), an error when the scenario has no such region.
    fn edge_region(&self, metro: [u8; 3]) -> Result<Option<u16>, String> {
        if self.regions.is_empty() {
            return Ok(None);
        }
        let code = std::str::from_utf8(&metro).unwrap_or("???");
        let name = self.edge_regions.name_of(code).ok_or_else(|| {
            format!("x-edge-location: metro {code} is not in edgesim's list of edge metros (data/edge-metros.csv), so it has no continent; use regions = \"metro\"")
        })?;
        match self.regions.iter().position(|r| r.eq_ignore_ascii_case(&name)) {
            Some(k) => Ok(Some(k as u16)),
            None => Err(format!(
                "x-edge-location: metro {code}: no region of the scenario is named {name:?} (regions: {})",
                self.regions.join(", ")
            )),
        }
    }
}

/// A trace's layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// CSV with a header; the named columns hold time, id and size.
    Csv(Columns),
    /// libCacheSim `oracleGeneral`: 24-byte little-endian records.
    Oracle,
    /// Wikimedia 2019 CDN trace TSV: upload (5 columns) or text (4 columns).
    Wikimedia,
    /// CloudFront standard access logs (W3C, tab-separated): one file, a folder or a glob.
    CloudFront,
}

crate::message_error!(
    /// A `--columns` or `columns` mapping that does not name the CSV trace columns.
    ColumnsError
);

/// Which CSV columns hold what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    /// Trace time, seconds; optional.
    pub time: String,
    /// Object id: a number, or any text, which is hashed.
    pub id: String,
    /// Size in bytes.
    pub size: String,
    /// URL path, which picks the path class by prefix; optional.
    pub path: Option<String>,
    /// Client region name; optional.
    pub region: Option<String>,
    /// HTTP method; optional.
    pub method: Option<String>,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            time: "time".into(),
            id: "id".into(),
            size: "size".into(),
            path: None,
            region: None,
            method: None,
        }
    }
}

impl Columns {
    /// Parses `time=ts,id=key,size=bytes,path=url,region=client,method=verb` (any subset;
    /// the rest keep their defaults, and path, region and method are then not read).
    pub fn parse(text: &str) -> Result<Columns, ColumnsError> {
        Self::parse_text(text).map_err(ColumnsError)
    }

    fn parse_text(text: &str) -> Result<Columns, String> {
        let mut c = Columns::default();
        for part in text.split(',').filter(|p| !p.is_empty()) {
            let (field, column) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: expected FIELD=COLUMN, e.g. id=key"))?;
            let column = column.to_string();
            match field {
                "time" => c.time = column,
                "id" => c.id = column,
                "size" => c.size = column,
                "path" => c.path = Some(column),
                "region" => c.region = Some(column),
                "method" => c.method = Some(column),
                _ => {
                    return Err(format!(
                        "{field:?}: unknown field; the fields are time, id, size, path, region and method"
                    ))
                }
            }
        }
        Ok(c)
    }
}

impl Format {
    /// The names a format is given by, for messages.
    pub const NAMES: &'static str = "csv, oracle, wikimedia or cloudfront";

    /// The format named `name`.
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "csv" => Some(Format::Csv(Columns::default())),
            "oracle" => Some(Format::Oracle),
            "wikimedia" => Some(Format::Wikimedia),
            "cloudfront" => Some(Format::CloudFront),
            _ => None,
        }
    }

    /// The format a file name suggests: `.csv`, `.tsv`, or an `oracleGeneral` name, each
    /// possibly followed by `.zst` or `.gz`; a CloudFront log for `.log`, for the names
    /// CloudFront gives its log files (`DISTRIBUTION.YYYY-MM-DD-HH.ID`), and for a folder
    /// or a glob.
    pub fn guess(path: &Path) -> Option<Format> {
        if path.is_dir() || files::is_glob(&path.to_string_lossy()) {
            return Some(Format::CloudFront);
        }
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        let name = name
            .strip_suffix(".zst")
            .or_else(|| name.strip_suffix(".gz"))
            .unwrap_or(&name);
        if name.ends_with(".csv") {
            Some(Format::Csv(Columns::default()))
        } else if name.ends_with(".tsv") {
            Some(Format::Wikimedia)
        } else if name.contains("oraclegeneral") || name.ends_with(".bin") {
            Some(Format::Oracle)
        } else if name.ends_with(".log") || cloudfront_log_name(name) {
            Some(Format::CloudFront)
        } else {
            None
        }
    }
}

/// Whether `name` (compression suffix removed) reads as CloudFront names its log files:
/// `DISTRIBUTION-ID.YYYY-MM-DD-HH.UNIQUE-ID`.
fn cloudfront_log_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() == 3 && {
        let stamp = parts[1].as_bytes();
        stamp.len() == 13
            && stamp.iter().enumerate().all(|(i, b)| match i {
                4 | 7 | 10 => *b == b'-',
                _ => b.is_ascii_digit(),
            })
    }
}

/// Why a trace could not be read: where, and what was wrong.
#[derive(Debug)]
pub struct TraceError {
    /// The trace file.
    pub path: PathBuf,
    /// Line (text formats) or record (binary), from 1; `None` for the file as a whole.
    pub at: Option<(&'static str, u64)>,
    /// What was wrong and what is allowed.
    pub message: String,
}

/// The largest object a trace may name, in bytes: CloudFront caches objects up to 50 GB
/// (cloudfront.md §1.11). A larger size is a bad line; with sizes bounded, no byte counter
/// of a run or replay can wrap. (oracleGeneral sizes are 32-bit, so always within it.)
pub const MAX_OBJECT_SIZE: u64 = 50_000_000_000;

/// Messages quote the trace's own text (a header, a field); beyond this many characters
/// the quote is cut, so that a malformed multi-megabyte line cannot flood the terminal.
const MAX_ECHO: usize = 400;

/// `text` cut to [`MAX_ECHO`] characters, saying how much was left out.
pub fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_ECHO) {
        Some((at, _)) => format!(
            "{}… ({} more characters)",
            &text[..at],
            text[at..].chars().count()
        )
        .into(),
        None => text.into(),
    }
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = clip(&self.message);
        match self.at {
            Some((unit, n)) => write!(f, "{}: {unit} {n}: {message}", self.path.display()),
            None => write!(f, "{}: {message}", self.path.display()),
        }
    }
}

impl std::error::Error for TraceError {}

impl TraceError {
    /// An error of the whole file at `path`, not of one line.
    fn whole(path: &Path, message: String) -> TraceError {
        TraceError {
            path: path.to_path_buf(),
            at: None,
            message,
        }
    }
}

/// A trace being read.
pub trait Source: Send {
    /// Appends up to `max` requests to `out`; returns how many (0 at the end).
    fn next_batch(&mut self, out: &mut Vec<Request>, max: usize) -> Result<usize, TraceError>;
    /// Bad lines or records skipped so far (with skipping on).
    fn skipped(&self) -> u64;
}

/// Opens `path` as `format`, decompressing `.zst` and `.gz`. With `skip_bad`, malformed
/// lines are skipped and counted instead of failing.
pub fn open(path: &Path, format: &Format, skip_bad: bool) -> Result<Box<dyn Source>, TraceError> {
    open_with(path, format, skip_bad, &Lookup::default())
}

/// As [`open`], matching a CSV trace's `path` and `region` columns against `lookup`.
pub fn open_with(
    path: &Path,
    format: &Format,
    skip_bad: bool,
    lookup: &Lookup,
) -> Result<Box<dyn Source>, TraceError> {
    if *format == Format::CloudFront {
        return open_sources(&[path.to_path_buf()], format, skip_bad, lookup);
    }
    let file = File::open(path)
        .map_err(|e| TraceError::whole(path, format!("cannot open the trace: {e}")))?;
    from_reader(Box::new(file), path, format, skip_bad, lookup)
}

/// As [`open_with`], reading the bytes of a file named `path` from `raw` (decompressed by
/// the name's `.zst` or `.gz`, as a file would be): what the fuzz targets feed.
pub fn from_reader(
    raw: Box<dyn Read + Send>,
    path: &Path,
    format: &Format,
    skip_bad: bool,
    lookup: &Lookup,
) -> Result<Box<dyn Source>, TraceError> {
    let reader = BufReader::with_capacity(1 << 20, decompressed(raw, path)?);
    let path = path.to_path_buf();
    Ok(match format {
        Format::Oracle => Box::new(oracle::OracleReader::new(reader, path, skip_bad)),
        Format::Csv(columns) => Box::new(text::CsvReader::new(
            reader, path, columns, lookup, skip_bad,
        )?),
        Format::Wikimedia => Box::new(text::TsvReader::new(reader, path, skip_bad)),
        Format::CloudFront => {
            return Err(TraceError::whole(
                &path,
                "CloudFront logs are read from files (trace::open_sources)".into(),
            ))
        }
    })
}

/// `raw` decompressed as the name of `path` says: `.zst`, `.gz`, or neither.
fn decompressed(
    raw: Box<dyn Read + Send>,
    path: &Path,
) -> Result<Box<dyn Read + Send>, TraceError> {
    let name = path.to_string_lossy().to_lowercase();
    Ok(if name.ends_with(".zst") {
        Box::new(
            zstd::Decoder::new(raw)
                .map_err(|e| TraceError::whole(path, format!("not a zstd stream: {e}")))?,
        )
    } else if name.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(raw))
    } else {
        raw
    })
}

/// Opens a trace of one or more `sources`: a CloudFront log may be several files, folders
/// and globs; every other format is one file.
pub fn open_sources(
    sources: &[PathBuf],
    format: &Format,
    skip_bad: bool,
    lookup: &Lookup,
) -> Result<Box<dyn Source>, TraceError> {
    match (format, sources) {
        (Format::CloudFront, _) => Ok(Box::new(cloudfront::LogSource::open(
            sources, lookup, skip_bad,
        )?)),
        (_, [one]) => open_with(one, format, skip_bad, lookup),
        (_, _) => Err(TraceError::whole(
            sources.first().map_or(Path::new("-"), |p| p.as_path()),
            "only a CloudFront log may be read from several files".into(),
        )),
    }
}

/// An object id from trace text: the number itself, else its hash.
pub fn parse_id(text: &[u8]) -> u64 {
    std::str::from_utf8(text)
        .ok()
        .and_then(|t| {
            t.parse::<u64>()
                .ok()
                .or_else(|| t.parse::<i64>().ok().map(|v| v as u64))
        })
        .unwrap_or_else(|| fnv1a(text))
}

/// Reads `r` to the end into memory (for tests and small traces).
pub fn read_all(source: &mut dyn Source) -> Result<Vec<Request>, TraceError> {
    let mut all = Vec::new();
    while source.next_batch(&mut all, 1 << 16)? > 0 {}
    Ok(all)
}

/// An I/O error while reading, as a trace error.
fn io_error(path: &Path, e: io::Error) -> TraceError {
    TraceError {
        path: path.to_path_buf(),
        at: None,
        message: format!("cannot read the trace: {e}"),
    }
}

#[cfg(test)]
mod tests;
