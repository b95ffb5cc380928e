//! Result files: CSV tables and the resolved scenario, each written to a temporary name
//! and renamed into place, so an interrupted run never leaves a half-written file under
//! a final name.

use crate::col;
use crate::scenario::Scenario;
use crate::sim::RunResult;
use crate::stats::columns::{self, Cell, Column};
use crate::stats::Metrics;
use crate::units::Nanos;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

mod compare;
mod cost;
mod faults;
mod folder;
mod log;
mod origins;
mod stream;
mod tables;
pub mod w3c;

pub use compare::{CompareRow, COMPARE, COMPARE_MEANS};
pub use cost::COST;
pub use faults::{ConnectionRow, FailoverRow, FaultRow, CONNECTIONS, FAILOVER, FAULTS};
pub use folder::{FolderError, Staged};
pub use log::{RequestLog, FIELDS as LOG_FIELDS};
pub use origins::{capacity_rps, OriginSeriesRow, RegionPopRow, ORIGIN_SERIES, REGION_POPS};
pub use stream::TimeseriesCsv;
pub use tables::{
    column_reference, tables, TableDoc, PARAMETER_COLUMN, RUN_COLUMN, STATISTICS, SUMMARY_COLUMNS,
};

/// The files every run writes, in the order they are written.
pub const RUN_FILES: &[&str] = &[
    "timeseries.csv",
    "summary.csv",
    "pops.csv",
    "regions.csv",
    "behaviors.csv",
    "protocols.csv",
    "origins.csv",
    "origin_timeseries.csv",
    "region_pops.csv",
    "connections.csv",
    "latency_cdf.csv",
    "latency_histogram.csv",
    "failover.csv",
    "faults.csv",
    "cost.csv",
    "scenario.resolved.toml",
];

/// What `summary.csv` says before the metric columns.
pub struct SummaryLead {
    /// The scenario's name and seed.
    pub scenario: String,
    pub seed: u64,
    /// Simulated time from the first counted arrival to the last answer.
    pub measured: Nanos,
    /// Time to the last byte: median and 99th percentile, ms.
    pub total_p50_ms: f64,
    pub total_p99_ms: f64,
    /// Origin requests that opened a connection, and that reused one.
    pub new_connections: u64,
    pub reused_connections: u64,
    /// Requests per second at all origins together in the busiest interval.
    pub origin_peak_rps: f64,
    /// Origin requests that failed over to a secondary (one per fetch).
    pub failover_origin_requests: u64,
    /// Invalidation paths requested within the run, and the cached copies they removed.
    pub invalidation_paths: u64,
    pub invalidated_copies: u64,
    /// The month's bill.
    pub bill: crate::cost::Bill,
}

impl SummaryLead {
    /// The lead of `result`, a run of `scenario`.
    pub fn of(scenario: &Scenario, result: &RunResult) -> SummaryLead {
        let s = scenario.spec();
        let (new, reused) = result
            .connections
            .iter()
            .fold((0, 0), |(n, r), (_, _, c)| (n + c.new, r + c.reused));
        let intervals = result.origins.iter().map(|o| o.per_interval.len()).max();
        let busiest = (0..intervals.unwrap_or(0))
            .map(|i| {
                let at = |o: &crate::origin::OriginStats| o.per_interval.get(i).map_or(0, |c| c[0]);
                result.origins.iter().map(at).sum::<u64>()
            })
            .max()
            .unwrap_or(0);
        SummaryLead {
            scenario: s.name.clone(),
            seed: s.seed,
            measured: result.measured_span,
            total_p50_ms: crate::stats::quantile_ms(&result.total_time, 0.5),
            total_p99_ms: crate::stats::quantile_ms(&result.total_time, 0.99),
            new_connections: new,
            reused_connections: reused,
            origin_peak_rps: busiest as f64 * crate::units::SEC as f64 / s.interval.0 as f64,
            failover_origin_requests: result.failover_fetches.iter().map(|f| f[0]).sum(),
            invalidation_paths: (s.invalidations.iter())
                .filter(|v| v.at.0 <= result.end)
                .map(|v| v.paths.len() as u64)
                .sum(),
            invalidated_copies: result.invalidated,
            bill: crate::cost::bill(scenario, result),
        }
    }

    /// The cells of `summary.csv`'s one row: these columns, then `metrics`'.
    pub fn row(&self, metrics: &Metrics) -> Vec<String> {
        keyed_row(SUMMARY, self, metrics)
    }
}

/// Columns of `summary.csv` before the metric columns.
pub const SUMMARY: &[Column<SummaryLead>] = &[
    col!("scenario", "scenario name", |r| Cell::Text(r.scenario.clone())),
    col!("seed", "seed of the run", |r| Cell::Count(r.seed)),
    col!("measured_s", "simulated seconds from the first counted arrival to the last answer", |r| Cell::Secs(r.measured)),
    col!("total_time_p50_ms", "median time to the last byte (the metric latency columns are to the first byte)", |r| Cell::Ms(r.total_p50_ms)),
    col!("total_time_p99_ms", "99th percentile time to the last byte", |r| Cell::Ms(r.total_p99_ms)),
    col!("origin_new_connections", "origin requests (attempts) that opened a new connection and paid TCP and, for HTTPS, TLS 1.2 handshakes", |r| Cell::Count(r.new_connections)),
    col!("origin_reused_connections", "origin requests that reused an idle connection within the origin's keep-alive timeout", |r| Cell::Count(r.reused_connections)),
    col!("origin_peak_rps", "requests per second reaching all origins together (refused ones included) in the busiest interval of `interval`", |r| Cell::Decimal(r.origin_peak_rps)),
    col!("failover_origin_requests", "origin requests that failed over from a group's primary to its secondary: one per fetch, where `failovers` counts every viewer request answered by one (collapsed waiters included)", |r| Cell::Count(r.failover_origin_requests)),
    col!("invalidation_paths", "invalidation paths requested during the run, warm-up included", |r| Cell::Count(r.invalidation_paths)),
    col!("invalidated_copies", "cached copies they removed, every tier together", |r| Cell::Count(r.invalidated_copies)),
    col!("monthly_requests", "viewer requests in the billed month, extrapolated from the run (README, \"The bill\")", |r| Cell::Whole(r.bill.monthly_requests)),
    col!("monthly_transfer_gb", "GB sent to viewers in the billed month", |r| Cell::Decimal(r.bill.monthly_gb)),
    col!("cost_usd_month", "the month's pay-as-you-go bill, origin charges included: the sum of the six cost columns that follow", |r| Cell::Usd(r.bill.total())),
    col!("cost_transfer_usd", "data transfer out to the internet, volume tiers per pricing region", |r| Cell::Usd(r.bill.transfer)),
    col!("cost_requests_usd", "HTTP and HTTPS requests", |r| Cell::Usd(r.bill.requests)),
    col!("cost_shield_usd", "requests that reached an Origin Shield", |r| Cell::Usd(r.bill.shield)),
    col!("cost_origin_transfer_usd", "data transfer out to origin: PUT, POST and PATCH bodies", |r| Cell::Usd(r.bill.origin_transfer)),
    col!("cost_origin_usd", "what the origins themselves charge (`origins[].cost`)", |r| Cell::Usd(r.bill.origin)),
    col!("cost_invalidations_usd", "invalidation paths beyond the month's free 1,000, at the measured span's rate of invalidations (or `cost.monthly_invalidation_paths`)", |r| Cell::Usd(r.bill.invalidations)),
    col!("flat_rate_plan", "the cheapest flat-rate plan whose allowances cover the month, or `none` (cost.csv says why)", |r| Cell::Text(r.bill.plan.as_ref().map_or("none".into(), |p| p.0.clone()))),
    col!("flat_rate_usd", "that plan's monthly price; empty when none fits", |r| match &r.bill.plan { Some(p) => Cell::Usd(p.1), None => Cell::Label("") }),
];

/// A key column of a per-name metric table: the name as it is.
macro_rules! name_key {
    ($name:literal, $doc:literal) => {
        &[Column {
            name: $name,
            doc: $doc,
            get: |n: &String| Cell::Text(n.clone()),
        }]
    };
}

/// Key columns of `pops.csv`.
pub const POP_KEYS: &[Column<String>] = name_key!("pop", "POP code");
/// Key columns of `regions.csv`.
pub const REGION_KEYS: &[Column<String>] = name_key!("region", "client region name");
/// Key columns of `behaviors.csv`.
pub const BEHAVIOR_KEYS: &[Column<String>] = name_key!(
    "path_pattern",
    "the behavior's path pattern; `*` is the default behavior"
);
/// Key columns of `protocols.csv`.
pub const PROTOCOL_KEYS: &[Column<String>] = name_key!(
    "protocol",
    "the viewer's HTTP version and TLS version, such as `HTTP/2.0 TLSv1.3`, or `HTTP/1.1` alone for plain HTTP"
);

/// Key columns of `timeseries.csv`: the interval's start and the POP.
pub const INTERVAL_KEYS: &[Column<(Nanos, String)>] = &[
    col!(
        "interval_start_s",
        "start of the interval, simulated seconds",
        |k| Cell::Secs(k.0)
    ),
    col!("pop", "POP code", |k| Cell::Text(k.1.clone())),
];

/// One point of a latency distribution.
pub struct CdfRow {
    /// `All`, or a result type.
    pub outcome: &'static str,
    pub quantile: f64,
    pub latency_ms: f64,
}

/// Columns of `latency_cdf.csv`.
pub const CDF: &[Column<CdfRow>] = &[
    col!(
        "outcome",
        "`All`, or a result type (`Hit`, `Miss`...) that some request had",
        |r| Cell::Text(r.outcome.into())
    ),
    col!("quantile", "one of 24 quantiles from 0.001 to 1", |r| {
        Cell::Text(r.quantile.to_string())
    }),
    col!("latency_ms", "the latency at that quantile", |r| Cell::Ms(
        r.latency_ms
    )),
];

/// One bucket of a latency histogram.
pub struct BucketRow {
    /// `All`, or a result type.
    pub outcome: &'static str,
    /// The bucket's upper end, ms.
    pub latency_ms: f64,
    /// Requests in it.
    pub requests: u64,
    /// Share of the outcome's requests at or below its upper end.
    pub cumulative_share: f64,
}

/// Columns of `latency_histogram.csv`.
pub const HISTOGRAM: &[Column<BucketRow>] = &[
    col!("outcome", "`All`, or a result type that some request had", |r| Cell::Text(r.outcome.into())),
    col!("latency_ms", "upper end of the bucket: buckets are 2% wide (each ends 1.02 times above the last), from 1 µs; empty buckets are left out", |r| Cell::Ms(r.latency_ms)),
    col!("requests", "requests whose latency falls in the bucket", |r| Cell::Count(r.requests)),
    col!("cumulative_share", "share of the outcome's requests at or below the bucket's upper end: the CDF the charts draw", |r| Cell::Ratio(r.cumulative_share)),
];

/// The run's latency histograms: `All`, then each result type's.
fn histograms(m: &Metrics) -> impl Iterator<Item = (&'static str, &hdrhistogram::Histogram<u64>)> {
    std::iter::once(("All", &m.latency)).chain(
        crate::stats::Outcome::ALL
            .iter()
            .map(|&o| (o.log_name(), &m.latency_by_outcome[o as usize])),
    )
}

/// Each bucket's upper end is this much above the last one's.
const BUCKET_GROWTH: f64 = 1.02;

/// Writes `latency_histogram.csv`: every non-empty 2% bucket of the run's latency, overall
/// and per result type, so charts drawn from the files follow the whole distribution.
fn write_histogram(dir: &Path, m: &Metrics) -> io::Result<()> {
    let hists = histograms(m);
    let rows = hists
        .filter(|(_, h)| !h.is_empty())
        .flat_map(|(outcome, h)| {
            let total = h.len() as f64;
            let mut seen = 0u64;
            h.iter_log(1, BUCKET_GROWTH)
                .filter(|v| v.count_since_last_iteration() > 0)
                .map(move |v| {
                    seen += v.count_since_last_iteration();
                    BucketRow {
                        outcome,
                        latency_ms: v.value_iterated_to() as f64 / 1000.0,
                        requests: v.count_since_last_iteration(),
                        cumulative_share: seen as f64 / total,
                    }
                })
                .collect::<Vec<_>>()
        });
    write_table(dir, "latency_histogram.csv", HISTOGRAM, rows)
}

/// A file being written under a temporary name in the same folder.
pub(crate) struct Pending {
    tmp: PathBuf,
    target: PathBuf,
}

impl Pending {
    pub(crate) fn new(dir: &Path, name: &str) -> Pending {
        Pending {
            tmp: dir.join(format!(".{name}.tmp")),
            target: dir.join(name),
        }
    }

    pub(crate) fn commit(self) -> io::Result<()> {
        fs::rename(&self.tmp, &self.target)
    }

    pub(crate) fn abandon(self) {
        let _ = fs::remove_file(&self.tmp);
    }
}

/// Writes `contents` to `dir/name` atomically.
fn write_atomic(
    dir: &Path,
    name: &str,
    contents: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let pending = Pending::new(dir, name);
    let result = (|| {
        let mut w = BufWriter::new(File::create(&pending.tmp)?);
        contents(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()
    })();
    match result {
        Ok(()) => pending.commit(),
        Err(e) => {
            let _ = fs::remove_file(&pending.tmp);
            Err(e)
        }
    }
}

/// Writes `text` to `dir/name` atomically.
pub fn write_text(dir: &Path, name: &str, text: &str) -> io::Result<()> {
    write_atomic(dir, name, |w| w.write_all(text.as_bytes()))
}

pub(crate) fn csv_error(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

/// The header of a metric table: its key columns, then the metric columns.
pub(crate) fn keyed_header<K>(keys: &[Column<K>]) -> Vec<String> {
    let keys = keys.iter().map(|c| c.name.to_string());
    keys.chain(columns::metrics().map(|c| c.name.to_string()))
        .collect()
}

/// One line of a metric table.
pub(crate) fn keyed_row<K>(keys: &[Column<K>], key: &K, m: &Metrics) -> Vec<String> {
    let keys = keys.iter().map(|c| (c.get)(key).to_string());
    keys.chain(columns::metrics().map(|c| (c.get)(m).to_string()))
        .collect()
}

/// Writes a metric table: key columns `keys`, then the metric columns, one line per
/// `(key, metrics)` row.
pub fn write_keyed<'m, K: 'm>(
    dir: &Path,
    name: &str,
    keys: &[Column<K>],
    rows: impl IntoIterator<Item = (K, &'m Metrics)>,
) -> io::Result<()> {
    let lines = rows.into_iter().map(|(k, m)| keyed_row(keys, &k, m));
    write_rows(dir, name, keyed_header(keys), lines)
}

/// Writes `dir/name`: a header of `columns`' names, then one line per row.
pub fn write_table<R>(
    dir: &Path,
    name: &str,
    columns: &[Column<R>],
    rows: impl IntoIterator<Item = R>,
) -> io::Result<()> {
    let header = columns.iter().map(|c| c.name.to_string()).collect();
    let lines = rows
        .into_iter()
        .map(|r| columns.iter().map(|c| (c.get)(&r).to_string()).collect());
    write_rows(dir, name, header, lines)
}

/// Writes a CSV file of `header` and `rows`.
pub fn write_rows(
    dir: &Path,
    name: &str,
    header: Vec<String>,
    rows: impl Iterator<Item = Vec<String>>,
) -> io::Result<()> {
    write_atomic(dir, name, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(header).map_err(csv_error)?;
        for r in rows {
            out.write_record(r).map_err(csv_error)?;
        }
        out.flush()
    })
}

/// Quantiles `latency_cdf.csv` gives per outcome: fine in the tails, where the charts' log
/// scale spreads them out.
const CDF_QUANTILES: [f64; 24] = [
    0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95,
    0.97, 0.98, 0.99, 0.995, 0.999, 0.9999, 1.0,
];

/// Writes `latency_cdf.csv`: the run's latency distribution, overall (`All`) and per
/// result type, for the charts.
fn write_cdf(dir: &Path, m: &Metrics) -> io::Result<()> {
    let hists = histograms(m);
    let rows = hists
        .filter(|(_, h)| !h.is_empty())
        .flat_map(|(outcome, h)| {
            CDF_QUANTILES.iter().map(move |&quantile| CdfRow {
                outcome,
                quantile,
                latency_ms: crate::stats::quantile_ms(h, quantile),
            })
        });
    write_table(dir, "latency_cdf.csv", CDF, rows)
}

/// Writes every result file of a finished run into `dir`, which must exist.
/// `timeseries.csv` is written while the run runs, by [`TimeseriesCsv`].
pub fn write_results(dir: &Path, scenario: &Scenario, result: &RunResult) -> io::Result<()> {
    let s = scenario.spec();
    let lead = SummaryLead::of(scenario, result);
    let bill = lead.bill.lines.clone();
    write_keyed(dir, "summary.csv", SUMMARY, [(lead, &result.summary)])?;
    let pops = s.pops.iter().map(|p| p.code.clone());
    write_keyed(dir, "pops.csv", POP_KEYS, pops.zip(&result.pops))?;
    let regions = s.regions.iter().map(|r| r.name.clone());
    write_keyed(
        dir,
        "regions.csv",
        REGION_KEYS,
        regions.zip(&result.regions),
    )?;
    let behaviors = scenario.behaviors().all().iter();
    let behaviors = behaviors.map(|b| b.pattern_str().to_string());
    write_keyed(
        dir,
        "behaviors.csv",
        BEHAVIOR_KEYS,
        behaviors.zip(&result.behaviors),
    )?;
    let protocols = result
        .protocols
        .iter()
        .enumerate()
        .filter(|(_, m)| m.counts.requests > 0)
        .map(|(row, m)| (crate::protocol::ViewerConn::row_name(row), m));
    write_keyed(dir, "protocols.csv", PROTOCOL_KEYS, protocols)?;
    origins::write(dir, scenario, result)?;
    faults::write(dir, scenario, result)?;
    faults::write_connections(dir, scenario, result)?;
    write_cdf(dir, &result.summary)?;
    write_histogram(dir, &result.summary)?;
    write_table(dir, "cost.csv", COST, bill)?;
    write_atomic(dir, "scenario.resolved.toml", |w| {
        writeln!(
            w,
            "# The fully resolved scenario of this run: `edgesim run` on this file repeats it."
        )?;
        w.write_all(scenario.resolved_toml().as_bytes())
    })
}
