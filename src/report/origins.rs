//! `origins.csv`, `origin_timeseries.csv` and `region_pops.csv`: what each origin did over
//! the run and per interval against its capacity, and where each client region's requests
//! were served.

use super::write_table;
use crate::col;
use crate::origin::OriginSpec;
use crate::scenario::Scenario;
use crate::sim::RunResult;
use crate::stats::columns::{Cell, Column, OriginRow, ORIGINS};
use crate::units::{Nanos, SEC};
use std::io;
use std::path::Path;

/// One origin in one interval.
pub struct OriginSeriesRow {
    /// Start of the interval.
    pub start: Nanos,
    /// The origin's name.
    pub origin: String,
    /// Counted requests that reached it, and of those, the refused.
    pub arrived: u64,
    pub refused: u64,
    /// Intervals per second.
    pub per_s: f64,
    /// Its nominal capacity, when anything bounds it.
    pub capacity: Option<f64>,
}

/// Columns of `origin_timeseries.csv`.
pub const ORIGIN_SERIES: &[Column<OriginSeriesRow>] = &[
    col!("interval_start_s", "start of the interval, simulated seconds", |r| Cell::Secs(r.start)),
    col!("origin", "origin name", |r| Cell::Text(r.origin.clone())),
    col!("arrivals", "counted requests that reached the origin in the interval, refused ones included (connections an outage refused or black-holed never arrive)", |r| Cell::Count(r.arrived)),
    col!("refused", "of those, requests refused with 503 because the queue was full or the rate limit reached", |r| Cell::Count(r.refused)),
    col!("arrivals_per_s", "arrivals divided by the interval's length", |r| Cell::Decimal(r.arrived as f64 * r.per_s)),
    col!("capacity_rps", "the origin's nominal capacity: the lesser of `max_rps` and `concurrency` divided by the mean service time; empty when neither bounds it (no rate limit and a Pareto service time with infinite mean). Slowdown faults lower the real capacity inside their windows", |r| r.capacity.map_or(Cell::Text(String::new()), Cell::Decimal)),
];

/// One client region and one POP.
pub struct RegionPopRow {
    /// The region's name and the POP's code.
    pub region: String,
    pub pop: String,
    /// Counted requests from the region the POP served, and all of the region's.
    pub requests: u64,
    pub of_region: u64,
}

/// Columns of `region_pops.csv`.
pub const REGION_POPS: &[Column<RegionPopRow>] = &[
    col!("region", "client region name", |r| Cell::Text(
        r.region.clone()
    )),
    col!("pop", "POP code", |r| Cell::Text(r.pop.clone())),
    col!(
        "requests",
        "counted requests from the region served by the POP",
        |r| Cell::Count(r.requests)
    ),
    col!(
        "share_of_region",
        "requests / all counted requests of the region",
        |r| Cell::Ratio(crate::stats::ratio(r.requests, r.of_region))
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
    let rows = (s.origins.iter().zip(&result.origins))
        .zip(&result.failover_fetches)
        .map(|((spec, stats), failovers)| OriginRow {
            name: spec.name.clone(),
            stats: stats.clone(),
            concurrency: spec.concurrency,
            span: result.measured_span,
            failovers: *failovers,
        });
    write_table(dir, "origins.csv", ORIGINS, rows)?;
    write_origin_series(dir, scenario, result)?;
    let pops = s.pops.len();
    let rows = s.regions.iter().enumerate().flat_map(|(r, region)| {
        let counts = &result.traffic[r * pops..(r + 1) * pops];
        let of_region: u64 = counts.iter().sum();
        s.pops
            .iter()
            .zip(counts)
            .map(move |(pop, &requests)| RegionPopRow {
                region: region.name.clone(),
                pop: pop.code.clone(),
                requests,
                of_region,
            })
    });
    write_table(dir, "region_pops.csv", REGION_POPS, rows)
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
    let caps: Vec<Option<f64>> = s.origins.iter().map(capacity_rps).collect();
    let per_s = SEC as f64 / interval as f64;
    let rows = span.into_iter().flat_map(|(a, b)| a..=b).flat_map(|i| {
        let caps = &caps;
        s.origins
            .iter()
            .zip(&result.origins)
            .enumerate()
            .map(move |(k, (spec, stats))| {
                let [arrived, refused] = stats.per_interval.get(i).copied().unwrap_or([0; 2]);
                OriginSeriesRow {
                    start: i as u64 * interval,
                    origin: spec.name.clone(),
                    arrived,
                    refused,
                    per_s,
                    capacity: caps[k],
                }
            })
    });
    write_table(dir, "origin_timeseries.csv", ORIGIN_SERIES, rows)
}
