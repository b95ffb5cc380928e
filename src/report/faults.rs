//! `failover.csv`, `faults.csv` and `connections.csv`: origin-group failover per interval,
//! what each injected fault touched and how long the edge took to recover from it, and
//! origin connection reuse per site and origin.

use super::{seconds, write_rows};
use crate::scenario::Scenario;
use crate::sim::RunResult;
use crate::stats::recovery::{recovery, Recovery};
use std::io;
use std::path::Path;

/// Columns of `failover.csv`, with their meanings.
pub const FAILOVER_COLUMNS: &[(&str, &str)] = &[
    (
        "interval_start_s",
        "start of the interval, simulated seconds",
    ),
    ("group", "origin group name"),
    ("requests", "requests whose behavior targets the group"),
    ("failovers", "requests that went to the secondary"),
    (
        "primary_errors",
        "requests whose primary failed: the failovers plus those whose method may not fail over",
    ),
    ("secondary_errors", "failovers whose secondary failed too"),
];

/// Columns of `faults.csv`, with their meanings.
pub const FAULT_COLUMNS: &[(&str, &str)] = &[
    ("fault", "position in the scenario's `faults` list, from 0"),
    ("kind", "the fault's `kind`"),
    ("target", "what it is aimed at: a POP, origin or regional cache, or two places"),
    ("start_s", "start, simulated seconds"),
    ("end_s", "end, simulated seconds"),
    (
        "affected",
        "what it touched, warm-up included: requests routed away from the POP, origin attempts, fetches that went past the regional cache, legs slowed, or links refused because the rotation had removed their key",
    ),
    (
        "recovered_after_s",
        "seconds from the fault's end until the hit ratio and p99 over all POPs are back within 5% of the three intervals before it (to the end of that interval); `not recovered` by the end of the run, or `no baseline` when no interval before the fault had requests",
    ),
];

/// Columns of `connections.csv`, with their meanings.
pub const CONNECTION_COLUMNS: &[(&str, &str)] = &[
    (
        "site",
        "the site that connects: a POP code or a regional cache name",
    ),
    ("origin", "origin name"),
    (
        "new_connections",
        "origin requests that opened a new connection",
    ),
    (
        "reused_connections",
        "origin requests that reused an idle connection",
    ),
    (
        "reuse_ratio",
        "reused_connections / (new_connections + reused_connections)",
    ),
];

/// Writes `connections.csv` into `dir`.
pub fn write_connections(dir: &Path, scenario: &Scenario, result: &RunResult) -> io::Result<()> {
    let s = scenario.spec();
    let site = |i: usize| match s.pops.get(i) {
        Some(p) => p.code.clone(),
        None => s.regional_caches[i - s.pops.len()].name.clone(),
    };
    let names = CONNECTION_COLUMNS
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    let rows = result.connections.iter().map(|(site_ix, o, c)| {
        vec![
            site(*site_ix as usize),
            s.origins[*o as usize].name.clone(),
            c.new.to_string(),
            c.reused.to_string(),
            format!("{:.6}", crate::stats::ratio(c.reused, c.new + c.reused)),
        ]
    });
    write_rows(dir, "connections.csv", names, rows)
}

/// Writes `failover.csv` and `faults.csv` into `dir`.
pub fn write(dir: &Path, scenario: &Scenario, result: &RunResult) -> io::Result<()> {
    let s = scenario.spec();
    let names = |cols: &[(&str, &str)]| cols.iter().map(|(n, _)| n.to_string()).collect();
    let rows = result.group_rows.iter().map(|(start, g, c)| {
        let lead = [seconds(*start), s.origin_groups[*g as usize].name.clone()];
        lead.into_iter()
            .chain(c.iter().map(u64::to_string))
            .collect()
    });
    write_rows(dir, "failover.csv", names(FAILOVER_COLUMNS), rows)?;
    let rows = s.faults.iter().enumerate().map(|(i, f)| {
        let (start, end) = f.window();
        let recovered = match recovery(&result.levels, s.interval.0, start, end) {
            Recovery::After(t) => seconds(t),
            Recovery::NotRecovered => "not recovered".into(),
            Recovery::NoBaseline => "no baseline".into(),
        };
        vec![
            i.to_string(),
            f.kind().into(),
            f.target(),
            seconds(start),
            seconds(end),
            result.fault_affected[i].to_string(),
            recovered,
        ]
    });
    write_rows(dir, "faults.csv", names(FAULT_COLUMNS), rows)
}
