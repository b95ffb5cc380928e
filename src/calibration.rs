//! `calibration.csv`: a run on a CloudFront log against what the log says really happened,
//! overall, per POP (the edge location's metro), per behavior and per hour.
//!
//! Both sides are measured alike, over the same requests: those whose arrival falls in the
//! run's counted span (warm-up excluded).
//! - Hit ratio: `Hit` and `RefreshHit` over those and `Miss`; other result types (errors,
//!   redirects, refusals) are in neither. The log's result type is the edge's: a response
//!   a regional cache or the shield served is a `Miss` there, and so in the run's column.
//! - Byte hit ratio: the same, by bytes sent (`sc-bytes` in the log, body bytes in the run;
//!   headers are a few hundred bytes a response, so the ratios are close but not equal).
//! - Error share: responses with status 400 or above, or `000`, over all requests.
//! - Time taken: the log's `time-taken`, from the request received to the last byte
//!   written, at the edge; the run's edge-side time to the last byte, the same span, which
//!   is not the viewer's latency (no last mile).
//!
//! A ratio of nothing (no hits or misses in a row) is left empty.
//!
//! A POP is matched to a log metro by the first three letters of its code (`FRA` and
//! `FRA56-P1`); an hour is the UTC hour the request arrived in, by the log's clock.

use crate::calendar::civil_from_days;
use crate::col;
use crate::scenario::Scenario;
use crate::sim::LogLine;
use crate::stats::columns::{Cell, Column};
use crate::stats::{Outcome, Tier};
use crate::trace::cloudfront::{Entry, ResultType};
use crate::units::Nanos;
use crate::workload::TraceIndex;
use hdrhistogram::Histogram;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What one side measured for one row.
#[derive(Clone, Debug)]
pub struct Tally {
    requests: u64,
    hits: u64,
    misses: u64,
    hit_bytes: u64,
    miss_bytes: u64,
    errors: u64,
    /// Time taken, microseconds.
    taken: Histogram<u64>,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            requests: 0,
            hits: 0,
            misses: 0,
            hit_bytes: 0,
            miss_bytes: 0,
            errors: 0,
            taken: Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("static bounds"),
        }
    }
}

impl Tally {
    fn add(&mut self, hit: Option<bool>, bytes: u64, error: bool, taken_us: u64) {
        self.requests += 1;
        match hit {
            Some(true) => (self.hits, self.hit_bytes) = (self.hits + 1, self.hit_bytes + bytes),
            Some(false) => {
                (self.misses, self.miss_bytes) = (self.misses + 1, self.miss_bytes + bytes)
            }
            None => {}
        }
        self.errors += u64::from(error);
        self.taken.saturating_record(taken_us.max(1));
    }

    /// Hits among hits and misses.
    pub fn hit_ratio(&self) -> f64 {
        ratio(self.hits, self.hits + self.misses)
    }

    /// Hit bytes among hit and miss bytes.
    pub fn byte_hit_ratio(&self) -> f64 {
        ratio(self.hit_bytes, self.hit_bytes + self.miss_bytes)
    }

    /// Error responses among all.
    pub fn error_share(&self) -> f64 {
        ratio(self.errors, self.requests)
    }

    /// Requests counted.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// A quantile of the time taken, milliseconds.
    pub fn taken_ms(&self, q: f64) -> f64 {
        match self.taken.is_empty() {
            true => f64::NAN,
            false => self.taken.value_at_quantile(q) as f64 / 1000.0,
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    match b {
        0 => f64::NAN,
        _ => a as f64 / b as f64,
    }
}

/// Which rows a request counts in, in the file's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Overall,
    Pop,
    Behavior,
    Hour,
}

impl Scope {
    const ALL: [Scope; 4] = [Scope::Overall, Scope::Pop, Scope::Behavior, Scope::Hour];

    fn name(self) -> &'static str {
        match self {
            Scope::Overall => "overall",
            Scope::Pop => "pop",
            Scope::Behavior => "behavior",
            Scope::Hour => "hour",
        }
    }
}

/// One side's rows: per scope, by key. A key is allocated only the first time it is
/// seen, so counting a request allocates nothing.
#[derive(Default)]
struct Side([BTreeMap<String, Tally>; 4]);

impl Side {
    fn add(
        &mut self,
        keys: [(Scope, &str); 4],
        hit: Option<bool>,
        bytes: u64,
        error: bool,
        us: u64,
    ) {
        for (scope, key) in keys {
            let rows = &mut self.0[scope as usize];
            if !rows.contains_key(key) {
                rows.insert(key.to_string(), Tally::default());
            }
            let tally = rows.get_mut(key).expect("inserted above");
            tally.add(hit, bytes, error, us);
        }
    }
}

/// The simulated side of a calibration, fed with every counted request of a run.
pub struct Calibration {
    index: Arc<TraceIndex>,
    /// Each POP's metro (its code's first three letters, upper case).
    pops: Vec<String>,
    patterns: Vec<String>,
    time_scale: f64,
    simulated: Side,
    /// The counted span, in simulated time: first and last arrival.
    span: Option<(Nanos, Nanos)>,
    hour: String,
}

/// How the edge classifies a simulated response, as CloudFront's log does: a hit or miss of
/// the POP's own cache. A response a regional cache or the shield served was a miss at
/// the edge (the edge forwarded the request), so it counts as a miss, as the log counts it.
pub fn edge_result(outcome: Outcome, tier: Tier) -> Option<bool> {
    match (outcome, tier) {
        (Outcome::Hit | Outcome::RefreshHit, Tier::Pop) => Some(true),
        (Outcome::Hit | Outcome::RefreshHit | Outcome::Miss, _) => Some(false),
        _ => None,
    }
}

/// `metro` upper-cased to three letters.
fn metro_of(code: &str) -> String {
    code.chars()
        .take(3)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// `YYYY-MM-DDTHH` of a time in microseconds since the epoch.
fn hour_label(us: i64, out: &mut String) {
    use std::fmt::Write;
    let hours = us.div_euclid(3_600_000_000);
    let (y, m, d) = civil_from_days(hours.div_euclid(24));
    out.clear();
    let _ = write!(out, "{y:04}-{m:02}-{d:02}T{:02}", hours.rem_euclid(24));
}

impl Calibration {
    /// A calibration of `scenario`, whose workload is a CloudFront log; `None` otherwise.
    pub fn new(scenario: &Scenario) -> Option<Calibration> {
        let trace = scenario.spec().workload.trace.as_ref()?;
        if !trace.is_cloudfront() {
            return None;
        }
        let s = scenario.spec();
        Some(Calibration {
            index: scenario.trace()?,
            pops: s.pops.iter().map(|p| metro_of(&p.code)).collect(),
            patterns: (scenario.behaviors().all().iter())
                .map(|b| b.pattern_str().to_string())
                .collect(),
            time_scale: trace.time_scale,
            simulated: Side::default(),
            span: None,
            hour: String::new(),
        })
    }

    /// Log time, µs since the epoch, of simulated time `t`.
    fn log_time(&self, t: Nanos) -> i64 {
        self.index.start() as i64 * 1_000_000 + (t as f64 / 1000.0 * self.time_scale) as i64
    }

    /// Counts one simulated request.
    pub fn simulated(&mut self, l: &LogLine) {
        let span = self.span.get_or_insert((l.arrived, l.arrived));
        *span = (span.0.min(l.arrived), span.1.max(l.arrived));
        let hit = edge_result(l.outcome, l.tier);
        let mut hour = std::mem::take(&mut self.hour);
        hour_label(self.log_time(l.arrived), &mut hour);
        let keys = [
            (Scope::Overall, ""),
            (Scope::Pop, self.pops[l.pop as usize].as_str()),
            (Scope::Behavior, self.patterns[l.behavior as usize].as_str()),
            (Scope::Hour, hour.as_str()),
        ];
        let taken = (l.done - l.arrived + l.transfer) / 1000;
        let error = l.status >= 400 || l.status == 0;
        self.simulated.add(keys, hit, l.bytes, error, taken);
        self.hour = hour;
    }

    /// Reads the log again and pairs its rows with the run's.
    pub fn rows(&self) -> Result<Vec<Row>, crate::trace::TraceError> {
        let log = self.index.cloudfront_log()?;
        let mut observed = Side::default();
        let mut hour = String::new();
        let start = self.index.start() as i64 * 1_000_000;
        if let Some((first, last)) = self.span {
            let to_us = |t: Nanos| (t as f64 / 1000.0 * self.time_scale) as i64;
            let (from, to) = (start + to_us(first), start + to_us(last));
            for e in log
                .entries
                .iter()
                .filter(|e| (from..=to).contains(&e.at_us))
            {
                self.observe(&mut observed, e, &mut hour);
            }
        }
        let empty = Tally::default();
        let mut rows = Vec::new();
        for scope in Scope::ALL {
            let (seen, ran) = (
                &observed.0[scope as usize],
                &self.simulated.0[scope as usize],
            );
            let keys: std::collections::BTreeSet<&String> = seen.keys().chain(ran.keys()).collect();
            rows.extend(keys.into_iter().map(|k| Row {
                scope,
                key: k.clone(),
                observed: seen.get(k).unwrap_or(&empty).clone(),
                simulated: ran.get(k).unwrap_or(&empty).clone(),
            }));
        }
        Ok(rows)
    }

    fn observe(&self, side: &mut Side, e: &Entry, hour: &mut String) {
        let hit = match e.result {
            ResultType::Hit | ResultType::RefreshHit => Some(true),
            ResultType::Miss => Some(false),
            _ => None,
        };
        hour_label(e.at_us, hour);
        let pattern = e
            .behavior
            .map_or("", |b| self.patterns[b as usize].as_str());
        let keys = [
            (Scope::Overall, ""),
            (Scope::Pop, e.metro_code()),
            (Scope::Behavior, pattern),
            (Scope::Hour, hour.as_str()),
        ];
        let error = e.status >= 400 || e.status == 0;
        side.add(keys, hit, e.sc_bytes, error, e.taken_us);
    }
}

/// One row of `calibration.csv`.
pub struct Row {
    pub scope: Scope,
    pub key: String,
    pub observed: Tally,
    pub simulated: Tally,
}

/// `cell`, or empty where its value is undefined (a ratio of nothing, a quantile of no
/// requests), as the other files leave undefined values empty.
fn defined(cell: Cell, value: f64) -> Cell {
    match value.is_finite() {
        true => cell,
        false => Cell::Text(String::new()),
    }
}

fn requests(t: &Tally) -> f64 {
    t.requests as f64
}

fn p50(t: &Tally) -> f64 {
    t.taken_ms(0.5)
}

fn p90(t: &Tally) -> f64 {
    t.taken_ms(0.9)
}

fn p99(t: &Tally) -> f64 {
    t.taken_ms(0.99)
}

/// The columns: scope and key, then each measure observed, simulated, and their difference.
macro_rules! columns {
    ($(($name:literal, $doc:literal, $cell:ident, $f:expr)),* $(,)?) => {
        &[
            col!("scope", "`overall`, `pop` (an edge location's metro), `behavior` (its path pattern) or `hour` (UTC, by the log's clock)", |r: &Row| Cell::Label(r.scope.name())),
            col!("key", "the metro, path pattern or hour (`YYYY-MM-DDTHH`); empty for `overall`", |r: &Row| Cell::Text(r.key.clone())),
            $(
                col!(concat!($name, "_observed"), concat!($doc, ", from the log"), |r: &Row| defined(Cell::$cell($f(&r.observed)), $f(&r.observed))),
                col!(concat!($name, "_simulated"), concat!($doc, ", from the run"), |r: &Row| defined(Cell::$cell($f(&r.simulated)), $f(&r.simulated))),
                col!(concat!($name, "_diff"), concat!($doc, ": simulated minus observed"), |r: &Row| defined(Cell::$cell($f(&r.simulated) - $f(&r.observed)), $f(&r.simulated) - $f(&r.observed))),
            )*
        ]
    };
}

/// The columns of `calibration.csv`.
pub const COLUMNS: &[Column<Row>] = columns![
    ("requests", "requests in the counted span", Whole, requests),
    (
        "hit_ratio",
        "Hit and RefreshHit among them and Miss",
        Ratio,
        Tally::hit_ratio
    ),
    (
        "byte_hit_ratio",
        "the hit ratio by bytes sent",
        Ratio,
        Tally::byte_hit_ratio
    ),
    (
        "error_share",
        "responses with status 400 or above (or 000) among all",
        Ratio,
        Tally::error_share
    ),
    (
        "time_taken_p50_ms",
        "median edge-side time to the last byte",
        Ms,
        p50
    ),
    (
        "time_taken_p90_ms",
        "90th percentile edge-side time to the last byte",
        Ms,
        p90
    ),
    (
        "time_taken_p99_ms",
        "99th percentile edge-side time to the last byte",
        Ms,
        p99
    ),
];

/// Writes `dir/calibration.csv`.
pub fn write(dir: &std::path::Path, rows: Vec<Row>) -> std::io::Result<()> {
    crate::report::write_table(dir, "calibration.csv", COLUMNS, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_pops_own_cache_makes_a_hit_as_the_edge_logs_it() {
        assert_eq!(edge_result(Outcome::Hit, Tier::Pop), Some(true));
        assert_eq!(edge_result(Outcome::RefreshHit, Tier::Pop), Some(true));
        assert_eq!(edge_result(Outcome::Hit, Tier::Regional), Some(false));
        assert_eq!(edge_result(Outcome::Hit, Tier::Shield), Some(false));
        assert_eq!(edge_result(Outcome::Miss, Tier::Origin), Some(false));
        assert_eq!(edge_result(Outcome::Error, Tier::Origin), None);
        let mut label = String::new();
        hour_label(
            crate::calendar::days_from_civil(2026, 11, 2) * 86_400_000_000 + 14 * 3_600_000_000 + 5,
            &mut label,
        );
        assert_eq!(label, "2026-11-02T14");
    }
}
