//! `failover.csv` and `faults.csv`: origin-group failover per interval, and what each
//! injected fault touched and how long the edge took to recover from it.

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
        "what it touched, warm-up included: requests routed away from the POP, origin attempts, fetches that went past the regional cache, or legs slowed",
    ),
    (
        "recovered_after_s",
        "seconds from the fault's end until the hit ratio and p99 over all POPs are back within 5% of the three intervals before it (to the end of that interval); `not recovered` by the end of the run, or `no baseline` when no interval before the fault had requests",
    ),
];

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
