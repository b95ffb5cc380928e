//! The sampled access log: `requests.csv` in CloudFront's standard-log field order, or
//! `requests.log` in its own format (`w3c.rs`).
//!
//! The fields edgesim models come first, named and ordered as in CloudFront's standard
//! log (cloudfront.md §7.1), then `cache-behavior-path-pattern` from the real-time log,
//! then the simulator's own fields (§7.3). Times are UTC: simulated time zero is
//! 2026-01-01 at `workload.start_hour_utc`. `time-taken` and `time-to-first-byte` are
//! measured at the edge from the request received, as CloudFront's are: to the last byte
//! sent (the body's transfer included) and to the first.

use super::stream::StreamingCsv;
use super::w3c::{Names, W3cLog};
use crate::calendar::civil_from_days;
use crate::col;
use crate::scenario::LogFormat;
use crate::scenario::Scenario;
use crate::sim::LogLine;
use crate::stats::columns::{Cell, Column};
use crate::units::{Nanos, SEC};
use crate::workload::{Catalog, PATH_BUF};
use std::io;
use std::path::Path;

/// One sampled request with the names it refers to: a row of `requests.csv`.
pub struct Entry {
    line: LogLine,
    /// When the response finished, in simulated time from UTC midnight of 2026-01-01.
    finished: Nanos,
    path: String,
    pop: String,
    pattern: String,
    origin: String,
    region: String,
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

fn label(s: &'static str) -> Cell {
    Cell::Label(s)
}

/// The fields, in order, with their meanings and values.
pub const FIELDS: &[Column<Entry>] = &[
    col!("date", "UTC date the response finished (simulated time zero is 2026-01-01 at `start_hour_utc`)", |e| Cell::Text(utc(e.finished).0)),
    col!("time", "UTC time the response finished, to the second", |e| Cell::Text(utc(e.finished).1)),
    col!("x-edge-location", "the POP that served it, with CloudFront's digit suffix", |e| Cell::Text(format!("{}1", e.pop))),
    col!("sc-bytes", "body bytes sent to the viewer", |e| Cell::Count(e.line.bytes)),
    col!("cs-method", "the request's method", |e| label(e.line.method.name())),
    col!("cs-uri-stem", "the object's path", |e| text(&e.path)),
    col!("sc-status", "the HTTP status sent to the viewer (000 when the TLS handshake failed)", |e| Cell::Count(e.line.status.into())),
    col!("x-edge-result-type", "the result type: Hit, RefreshHit, Miss, Error, Redirect, CapacityExceeded", |e| label(e.line.outcome.log_name())),
    col!("x-edge-request-id", "the request's id: `sim-` and its arrival number in hex", |e| Cell::Text(format!("sim-{:016x}", e.line.index))),
    col!("cs-protocol", "`http` or `https`", |e| label(if e.line.conn.https { "https" } else { "http" })),
    col!("time-taken", "seconds from the request received to the last byte sent", |e| Cell::Secs(e.line.done - e.line.arrived + e.line.transfer)),
    col!("ssl-protocol", "the viewer's TLS version, or `-` for plain HTTP", |e| label(e.line.conn.tls.map_or("-", |t| t.name()))),
    col!("x-edge-response-result-type", "the result type as the response left the edge", |e| label(e.line.outcome.log_name())),
    col!("cs-protocol-version", "the viewer's HTTP version", |e| label(e.line.conn.version.name())),
    col!("time-to-first-byte", "seconds from the request received to the first byte sent", |e| Cell::Secs(e.line.done - e.line.arrived)),
    col!("x-edge-detailed-result-type", "the detailed result type, such as OriginConnectError or a denial's reason", |e| label(e.line.detail.log_name(e.line.outcome))),
    col!("cache-behavior-path-pattern", "the path pattern of the behavior that matched (a real-time log field)", |e| text(&e.pattern)),
    col!("sim-served-tier", "the simulator's: the tier that answered: `pop`, `rec` (a regional cache), `shield` or `origin`", |e| label(e.line.tier.log_name())),
    col!("sim-origin-id", "the simulator's: the origin that answered, for an origin group the member (the secondary when the request failed over, else the primary); for a cache hit, the origin the behavior asks first", |e| text(&e.origin)),
    col!("sim-collapsed", "the simulator's: 1 when the request waited for another request's fetch", |e| Cell::Count(e.line.collapsed.into())),
    col!("sim-stale", "the simulator's: 1 when an expired copy was served", |e| Cell::Count(e.line.stale.into())),
    col!("sim-region", "the simulator's: the viewer's client region", |e| text(&e.region)),
];

fn refill(to: &mut String, from: &str) {
    to.clear();
    to.push_str(from);
}

/// Days from 1970-01-01 to 2026-01-01, the date of simulated time zero.
const EPOCH_DAY: i64 = 20_454;

/// Where a run's sampled requests are written.
enum Sink {
    Csv(StreamingCsv),
    W3c(W3cLog),
}

/// The sampled access log of one run.
pub struct RequestLog {
    file: Sink,
    catalog: Catalog,
    pops: Vec<String>,
    regions: Vec<String>,
    patterns: Vec<String>,
    /// Per behavior: the origin it asks first, and the one it fails over to if any.
    members: Vec<(String, Option<String>)>,
    start: Nanos,
    /// The row being written, kept for its string buffers.
    entry: Option<Entry>,
}

impl RequestLog {
    /// Starts `dir/requests.csv` for `scenario`.
    pub fn create(dir: &Path, scenario: &Scenario) -> io::Result<Self> {
        let s = scenario.spec();
        let behaviors = scenario.behaviors().all();
        let pops: Vec<String> = s.pops.iter().map(|p| p.code.clone()).collect();
        let file = match s.log_format {
            LogFormat::Csv => Sink::Csv(StreamingCsv::create(
                dir,
                "requests.csv",
                FIELDS.iter().map(|c| c.name.to_string()).collect(),
            )?),
            w3c => Sink::W3c(W3cLog::create(
                dir,
                &s.name,
                s.seed,
                &pops,
                w3c == LogFormat::W3cGz,
            )?),
        };
        Ok(RequestLog {
            file,
            catalog: scenario.catalog().clone(),
            pops,
            regions: s.regions.iter().map(|r| r.name.clone()).collect(),
            patterns: behaviors
                .iter()
                .map(|b| b.pattern_str().to_string())
                .collect(),
            members: behaviors
                .iter()
                .map(|b| {
                    let name = |o: u16| s.origins[o as usize].name.clone();
                    match scenario.target(b) {
                        crate::scenario::Target::Origin(o) => (name(o), None),
                        crate::scenario::Target::Group(g) => {
                            let g = &scenario.groups()[g as usize];
                            (name(g.primary), Some(name(g.secondary)))
                        }
                    }
                })
                .collect(),
            start: (s.workload.start_hour_utc * 3600.0 * SEC as f64) as Nanos,
            entry: None,
        })
    }

    /// Writes one sampled request.
    pub fn line(&mut self, l: &LogLine) {
        let mut path = [0u8; PATH_BUF];
        let path = self.catalog.write_path(l.class, l.object, &mut path);
        let (primary, secondary) = &self.members[l.behavior as usize];
        let origin = match (l.failed_over, secondary) {
            (true, Some(secondary)) => secondary,
            _ => primary,
        };
        // The row's strings are refilled in place: a full log (`--log-sample 1`) writes a
        // row per request.
        let e = self.entry.get_or_insert_with(|| Entry {
            line: *l,
            finished: 0,
            path: String::new(),
            pop: String::new(),
            pattern: String::new(),
            origin: String::new(),
            region: String::new(),
        });
        e.line = *l;
        e.finished = self.start + l.done;
        refill(&mut e.path, &String::from_utf8_lossy(path));
        refill(&mut e.pop, &self.pops[l.pop as usize]);
        refill(&mut e.pattern, &self.patterns[l.behavior as usize]);
        refill(&mut e.origin, origin);
        refill(&mut e.region, &self.regions[l.region as usize]);
        match &mut self.file {
            Sink::Csv(file) => file.write_row(FIELDS, e),
            Sink::W3c(file) => {
                let (date, time) = utc(e.finished);
                let names = Names {
                    path: &e.path,
                    date: &date,
                    time: &time,
                };
                file.line(l, &names);
            }
        }
    }

    /// Finishes the file and moves it to its final name, or removes it on error.
    pub fn commit(self) -> io::Result<()> {
        match self.file {
            Sink::Csv(f) => f.commit(),
            Sink::W3c(f) => f.commit(),
        }
    }

    /// Abandons the file, removing its temporary.
    pub fn discard(self) {
        match self.file {
            Sink::Csv(f) => f.discard(),
            Sink::W3c(f) => f.discard(),
        }
    }
}

/// `(YYYY-MM-DD, HH:MM:SS)` of simulated time `t`.
fn utc(t: Nanos) -> (String, String) {
    let secs = t / SEC;
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    let (y, m, d) = civil_from_days(EPOCH_DAY + days);
    (
        format!("{y:04}-{m:02}-{d:02}"),
        format!("{:02}:{:02}:{:02}", rest / 3600, rest / 60 % 60, rest % 60),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_from_2026_01_01() {
        assert_eq!(utc(0), ("2026-01-01".into(), "00:00:00".into()));
        assert_eq!(
            utc(14 * 3600 * SEC + 61 * SEC),
            ("2026-01-01".into(), "14:01:01".into())
        );
        assert_eq!(
            utc(31 * 86_400 * SEC),
            ("2026-02-01".into(), "00:00:00".into())
        );
        assert_eq!(
            utc(365 * 86_400 * SEC),
            ("2027-01-01".into(), "00:00:00".into())
        );
    }
}
