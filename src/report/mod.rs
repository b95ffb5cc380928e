//! Result files: CSV tables and the resolved scenario, each written to a temporary name
//! and renamed into place, so an interrupted run never leaves a half-written file under
//! a final name.

use crate::scenario::Scenario;
use crate::sim::RunResult;
use crate::stats::columns::{self, Column};
use crate::stats::Metrics;
use crate::units::{Nanos, SEC};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

mod faults;
mod folder;
mod log;
mod origins;
mod stream;

pub use faults::{CONNECTION_COLUMNS, FAILOVER_COLUMNS, FAULT_COLUMNS};
pub use folder::{FolderError, Staged};
pub use log::{RequestLog, FIELDS as LOG_FIELDS};
pub use origins::{capacity_rps, ORIGIN_SERIES_COLUMNS, REGION_POP_COLUMNS};
pub use stream::TimeseriesCsv;

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
    "failover.csv",
    "faults.csv",
    "scenario.resolved.toml",
];

/// Columns of `summary.csv` before the shared metric columns.
pub const SUMMARY_KEYS: &[(&str, &str)] = &[
    ("scenario", "scenario name"),
    ("seed", "seed of the run"),
    (
        "measured_s",
        "simulated seconds from the first counted arrival to the last answer",
    ),
    (
        "total_time_p50_ms",
        "median time to the last byte (the metric latency columns are to the first byte)",
    ),
    ("total_time_p99_ms", "99th percentile time to the last byte"),
    (
        "origin_new_connections",
        "origin requests (attempts) that opened a new connection and paid TCP and, for HTTPS, TLS 1.2 handshakes",
    ),
    (
        "origin_reused_connections",
        "origin requests that reused an idle connection within the origin's keep-alive timeout",
    ),
];

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

pub(crate) fn csv_error(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

pub(crate) fn header<'a, T: 'a>(
    keys: &[&str],
    columns: impl IntoIterator<Item = &'a Column<T>>,
) -> Vec<String> {
    keys.iter()
        .map(|k| k.to_string())
        .chain(columns.into_iter().map(|c| c.name.to_string()))
        .collect()
}

pub(crate) fn row<'a, T: 'a>(
    keys: Vec<String>,
    columns: impl IntoIterator<Item = &'a Column<T>>,
    item: &T,
) -> Vec<String> {
    keys.into_iter()
        .chain(columns.into_iter().map(|c| (c.get)(item).to_string()))
        .collect()
}

pub(crate) fn seconds(n: Nanos) -> String {
    format!("{:.3}", n as f64 / SEC as f64)
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
/// result type, as (outcome, quantile, latency_ms) rows, for the charts.
fn write_cdf(dir: &Path, m: &Metrics) -> io::Result<()> {
    let header = ["outcome", "quantile", "latency_ms"]
        .map(String::from)
        .to_vec();
    let hists = std::iter::once(("All", &m.latency)).chain(
        crate::stats::Outcome::ALL
            .iter()
            .map(|&o| (o.log_name(), &m.latency_by_outcome[o as usize])),
    );
    let rows: Vec<Vec<String>> = hists
        .filter(|(_, h)| !h.is_empty())
        .flat_map(|(name, h)| {
            CDF_QUANTILES.iter().map(move |&q| {
                vec![
                    name.to_string(),
                    format!("{q}"),
                    format!("{:.3}", crate::stats::quantile_ms(h, q)),
                ]
            })
        })
        .collect();
    write_rows(dir, "latency_cdf.csv", header, rows.into_iter())
}

/// Writes a table of `(key, metrics)` rows with a leading key column.
fn write_table(dir: &Path, name: &str, key: &str, rows: &[(String, &Metrics)]) -> io::Result<()> {
    write_atomic(dir, name, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(header(&[key], columns::metrics()))
            .map_err(csv_error)?;
        for (k, m) in rows {
            out.write_record(row(vec![k.clone()], columns::metrics(), *m))
                .map_err(csv_error)?;
        }
        out.flush()
    })
}

/// Writes every result file of a finished run into `dir`, which must exist.
/// `timeseries.csv` is written while the run runs, by [`TimeseriesCsv`].
pub fn write_results(dir: &Path, scenario: &Scenario, result: &RunResult) -> io::Result<()> {
    let s = scenario.spec();
    let keys: Vec<&str> = SUMMARY_KEYS.iter().map(|(k, _)| *k).collect();
    write_atomic(dir, "summary.csv", |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(header(&keys, columns::metrics()))
            .map_err(csv_error)?;
        let (new, reused) = result
            .connections
            .iter()
            .fold((0, 0), |(n, r), (_, _, c)| (n + c.new, r + c.reused));
        let lead = vec![
            s.name.clone(),
            s.seed.to_string(),
            seconds(result.measured_span),
            format!("{:.3}", crate::stats::quantile_ms(&result.total_time, 0.5)),
            format!("{:.3}", crate::stats::quantile_ms(&result.total_time, 0.99)),
            new.to_string(),
            reused.to_string(),
        ];
        out.write_record(row(lead, columns::metrics(), &result.summary))
            .map_err(csv_error)?;
        out.flush()
    })?;
    let pops: Vec<_> = s
        .pops
        .iter()
        .map(|p| p.code.clone())
        .zip(&result.pops)
        .collect();
    write_table(dir, "pops.csv", "pop", &pops)?;
    let regions: Vec<_> = s
        .regions
        .iter()
        .map(|r| r.name.clone())
        .zip(&result.regions)
        .collect();
    write_table(dir, "regions.csv", "region", &regions)?;
    let behaviors: Vec<_> = scenario
        .behaviors()
        .all()
        .iter()
        .map(|b| b.pattern_str().to_string())
        .zip(&result.behaviors)
        .collect();
    write_table(dir, "behaviors.csv", "path_pattern", &behaviors)?;
    let protocols: Vec<_> = result
        .protocols
        .iter()
        .enumerate()
        .filter(|(_, m)| m.counts.requests > 0)
        .map(|(row, m)| (crate::protocol::ViewerConn::row_name(row), m))
        .collect();
    write_table(dir, "protocols.csv", "protocol", &protocols)?;
    origins::write(dir, scenario, result)?;
    faults::write(dir, scenario, result)?;
    faults::write_connections(dir, scenario, result)?;
    write_cdf(dir, &result.summary)?;
    write_atomic(dir, "scenario.resolved.toml", |w| {
        writeln!(
            w,
            "# The fully resolved scenario of this run: `edgesim run` on this file repeats it."
        )?;
        w.write_all(scenario.resolved_toml().as_bytes())
    })
}
