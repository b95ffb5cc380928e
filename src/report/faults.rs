//! `failover.csv`, `faults.csv` and `connections.csv`: origin-group failover per interval,
//! what each injected fault touched and how long the edge took to recover from it, and
//! origin connection reuse per site and origin.

use super::write_table;
use crate::col;
use crate::scenario::Scenario;
use crate::sim::{PairCounts, RunResult};
use crate::stats::columns::{Cell, Column};
use crate::stats::recovery::{recovery, Recovery};
use crate::units::Nanos;
use std::io;
use std::path::Path;

/// One interval of one origin group.
pub struct FailoverRow {
    /// Start of the interval.
    pub start: Nanos,
    /// The group's name.
    pub group: String,
    /// Requests, failovers, primary errors, secondary errors.
    pub counts: [u64; 4],
}

/// Columns of `failover.csv`.
pub const FAILOVER: &[Column<FailoverRow>] = &[
    col!(
        "interval_start_s",
        "start of the interval, simulated seconds",
        |r| Cell::Secs(r.start)
    ),
    col!("group", "origin group name", |r| Cell::Text(
        r.group.clone()
    )),
    col!(
        "requests",
        "requests whose behavior targets the group",
        |r| Cell::Count(r.counts[0])
    ),
    col!("failovers", "requests that went to the secondary", |r| {
        Cell::Count(r.counts[1])
    }),
    col!(
        "primary_errors",
        "requests whose primary failed: the failovers plus those whose method may not fail over",
        |r| Cell::Count(r.counts[2])
    ),
    col!(
        "secondary_errors",
        "failovers whose secondary failed too",
        |r| Cell::Count(r.counts[3])
    ),
];

/// One injected fault and what it did.
pub struct FaultRow {
    /// Position in the scenario's list.
    pub index: usize,
    /// Its `kind`.
    pub kind: &'static str,
    /// What it is aimed at.
    pub target: String,
    /// Its window.
    pub start: Nanos,
    pub end: Nanos,
    /// What it touched.
    pub affected: u64,
    /// When the edge recovered.
    pub recovered: Recovery,
}

/// Columns of `faults.csv`.
pub const FAULTS: &[Column<FaultRow>] = &[
    col!("fault", "position in the scenario's `faults` list, from 0", |r| Cell::Count(r.index as u64)),
    col!("kind", "the fault's `kind`", |r| Cell::Text(r.kind.into())),
    col!("target", "what it is aimed at: a POP, origin or regional cache, or two places", |r| Cell::Text(r.target.clone())),
    col!("start_s", "start, simulated seconds", |r| Cell::Secs(r.start)),
    col!("end_s", "end, simulated seconds", |r| Cell::Secs(r.end)),
    col!("affected", "what it touched, warm-up included: requests routed away from the POP, origin attempts, fetches that went past the regional cache, legs slowed, or links refused because the rotation had removed their key", |r| Cell::Count(r.affected)),
    col!("recovered_after_s", "seconds from the fault's end until the hit ratio and p99 over all POPs are back within 5% of the three intervals before it (to the end of that interval); `not recovered` by the end of the run, or `no baseline` when no interval before the fault had requests", |r| match r.recovered {
            Recovery::After(t) => Cell::Secs(t),
            Recovery::NotRecovered => Cell::Text("not recovered".into()),
            Recovery::NoBaseline => Cell::Text("no baseline".into()),
        }),
];

/// One site's connections to one origin.
pub struct ConnectionRow {
    /// A POP code or a regional cache name.
    pub site: String,
    /// The origin's name.
    pub origin: String,
    /// New and reused connections.
    pub counts: PairCounts,
}

/// Columns of `connections.csv`.
pub const CONNECTIONS: &[Column<ConnectionRow>] = &[
    col!(
        "site",
        "the site that connects: a POP code or a regional cache name",
        |r| Cell::Text(r.site.clone())
    ),
    col!("origin", "origin name", |r| Cell::Text(r.origin.clone())),
    col!(
        "new_connections",
        "origin requests that opened a new connection",
        |r| Cell::Count(r.counts.new)
    ),
    col!(
        "reused_connections",
        "origin requests that reused an idle connection",
        |r| Cell::Count(r.counts.reused)
    ),
    col!(
        "reuse_ratio",
        "reused_connections / (new_connections + reused_connections)",
        |r| {
            let c = r.counts;
            Cell::Ratio(crate::stats::ratio(c.reused, c.new + c.reused))
        }
    ),
];

/// Writes `connections.csv` into `dir`.
pub fn write_connections(dir: &Path, scenario: &Scenario, result: &RunResult) -> io::Result<()> {
    let s = scenario.spec();
    let site = |i: usize| match s.pops.get(i) {
        Some(p) => p.code.clone(),
        None => s.regional_caches[i - s.pops.len()].name.clone(),
    };
    let rows = result
        .connections
        .iter()
        .map(|&(at, o, counts)| ConnectionRow {
            site: site(at as usize),
            origin: s.origins[o as usize].name.clone(),
            counts,
        });
    write_table(dir, "connections.csv", CONNECTIONS, rows)
}

/// Writes `failover.csv` and `faults.csv` into `dir`.
pub fn write(dir: &Path, scenario: &Scenario, result: &RunResult) -> io::Result<()> {
    let s = scenario.spec();
    let rows = result
        .group_rows
        .iter()
        .map(|&(start, g, counts)| FailoverRow {
            start,
            group: s.origin_groups[g as usize].name.clone(),
            counts,
        });
    write_table(dir, "failover.csv", FAILOVER, rows)?;
    let rows = s.faults.iter().enumerate().map(|(index, f)| {
        let (start, end) = f.window();
        FaultRow {
            index,
            kind: f.kind(),
            target: f.target(),
            start,
            end,
            affected: result.fault_affected[index],
            recovered: recovery(&result.levels, s.interval.0, start, end),
        }
    });
    write_table(dir, "faults.csv", FAULTS, rows)
}
