//! `origins.csv`, `origin_timeseries.csv` and `region_pops.csv`: what each origin did over
//! the run and per interval against its capacity, and where each client region's requests
//! were served.

use super::{csv_error, header, row, seconds, write_atomic, write_rows};
use crate::origin::OriginSpec;
use crate::scenario::Scenario;
use crate::sim::RunResult;
use crate::stats::columns::{OriginRow, ORIGINS};
use crate::units::SEC;
use std::io;
use std::path::Path;

/// Columns of `origin_timeseries.csv`, with their meanings.
pub const ORIGIN_SERIES_COLUMNS: &[(&str, &str)] = &[
    (
        "interval_start_s",
        "start of the interval, simulated seconds",
    ),
    ("origin", "origin name"),
    (
        "arrivals",
        "counted requests that reached the origin in the interval, refused ones included (connections an outage refused or black-holed never arrive)",
    ),
    (
        "refused",
        "of those, requests refused with 503 because the queue was full or the rate limit reached",
    ),
    ("arrivals_per_s", "arrivals divided by the interval's length"),
    (
        "capacity_rps",
        "the origin's nominal capacity: the lesser of `max_rps` and `concurrency` divided by the mean service time; empty when neither bounds it (no rate limit and a Pareto service time with infinite mean). Slowdown faults lower the real capacity inside their windows",
    ),
];

/// Columns of `region_pops.csv`, with their meanings.
pub const REGION_POP_COLUMNS: &[(&str, &str)] = &[
    ("region", "client region name"),
    ("pop", "POP code"),
    (
        "requests",
        "counted requests from the region served by the POP",
    ),
    (
        "share_of_region",
        "requests / all counted requests of the region",
    ),
];

/// Requests per second `spec` can take, when anything bounds it.
pub fn capacity_rps(spec: &OriginSpec) -> Option<f64> {
    let servers = spec
        .service
        .mean()
        .filter(|&m| m > 0.0)
        .map(|mean| f64::from(spec.concurrency) * SEC as f64 / mean);
    match (servers, spec.max_rps) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Writes `origins.csv`, `origin_timeseries.csv` and `region_pops.csv` into `dir`.
pub fn write(dir: &Path, scenario: &Scenario, result: &RunResult) -> io::Result<()> {
    let s = scenario.spec();
    write_atomic(dir, "origins.csv", |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(header(&["origin"], ORIGINS))
            .map_err(csv_error)?;
        for (spec, stats) in s.origins.iter().zip(&result.origins) {
            let origin = OriginRow {
                stats: stats.clone(),
                concurrency: spec.concurrency,
                span: result.measured_span,
            };
            out.write_record(row(vec![spec.name.clone()], ORIGINS, &origin))
                .map_err(csv_error)?;
        }
        out.flush()
    })?;
    write_origin_series(dir, scenario, result)?;
    let names = REGION_POP_COLUMNS
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    let pops = s.pops.len();
    let rows = s.regions.iter().enumerate().flat_map(|(r, region)| {
        let counts = &result.traffic[r * pops..(r + 1) * pops];
        let total: u64 = counts.iter().sum();
        s.pops.iter().zip(counts).map(move |(pop, &n)| {
            vec![
                region.name.clone(),
                pop.code.clone(),
                n.to_string(),
                format!("{:.6}", crate::stats::ratio(n, total)),
            ]
        })
    });
    write_rows(dir, "region_pops.csv", names, rows)
}

/// Writes `origin_timeseries.csv`: one row per interval and origin, over the intervals of
/// `timeseries.csv` and any in which an origin saw counted requests.
fn write_origin_series(dir: &Path, scenario: &Scenario, result: &RunResult) -> io::Result<()> {
    let s = scenario.spec();
    let interval = s.interval.0;
    let busy = |v: &[[u64; 2]]| -> Option<(usize, usize)> {
        let first = v.iter().position(|c| c[0] > 0)?;
        let last = v.iter().rposition(|c| c[0] > 0)?;
        Some((first, last))
    };
    let spans = result
        .origins
        .iter()
        .filter_map(|o| busy(&o.per_interval))
        .chain(
            result
                .levels
                .first()
                .zip(result.levels.last())
                .map(|(a, b)| ((a.start / interval) as usize, (b.start / interval) as usize)),
        );
    let span = spans.reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
    let names = ORIGIN_SERIES_COLUMNS
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    let caps: Vec<String> = s
        .origins
        .iter()
        .map(|o| capacity_rps(o).map_or(String::new(), |c| format!("{c:.3}")))
        .collect();
    let per_s = SEC as f64 / interval as f64;
    let rows = span.into_iter().flat_map(|(a, b)| a..=b).flat_map(|i| {
        let caps = &caps;
        s.origins
            .iter()
            .zip(&result.origins)
            .enumerate()
            .map(move |(k, (spec, stats))| {
                let [arrived, refused] = stats.per_interval.get(i).copied().unwrap_or([0; 2]);
                vec![
                    seconds(i as u64 * interval),
                    spec.name.clone(),
                    arrived.to_string(),
                    refused.to_string(),
                    format!("{:.3}", arrived as f64 * per_s),
                    caps[k].clone(),
                ]
            })
    });
    write_rows(dir, "origin_timeseries.csv", names, rows)
}
