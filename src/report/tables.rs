//! Every CSV file edgesim writes, with its columns and their meanings. The README's
//! column reference is generated from this list (`column_reference`), and the tests hold
//! the README, this list and the files' real headers equal.

use super::{
    BEHAVIOR_KEYS, CDF, CONNECTIONS, FAILOVER, FAULTS, INTERVAL_KEYS, ORIGIN_SERIES, POP_KEYS,
    PROTOCOL_KEYS, REGION_KEYS, REGION_POPS, SUMMARY,
};
use crate::stats::columns::{self, Column, ORIGINS};
use std::fmt::Write;

/// One CSV file: what a row is, and its columns.
pub struct TableDoc {
    /// The file name.
    pub file: &'static str,
    /// What one row is, and when the file is written.
    pub rows: &'static str,
    /// Its own columns, in order, with their meanings.
    pub columns: Vec<(&'static str, &'static str)>,
    /// Whether the metric columns follow them.
    pub metrics: bool,
}

fn docs<R>(columns: &[Column<R>]) -> Vec<(&'static str, &'static str)> {
    columns.iter().map(|c| (c.name, c.doc)).collect()
}

fn table<R>(file: &'static str, rows: &'static str, cols: &[Column<R>], metrics: bool) -> TableDoc {
    TableDoc {
        file,
        rows,
        columns: docs(cols),
        metrics,
    }
}

/// The placeholder for `comparison.csv`'s columns after `metric`, one per run.
pub const RUN_COLUMN: &str = "<run>";
/// The placeholder for a study's varied parameters, one column each.
pub const PARAMETER_COLUMN: &str = "<parameter>";
/// The placeholder for every column of `summary.csv`, in `study.csv`.
pub const SUMMARY_COLUMNS: &str = "<summary columns>";
/// The statistics `study_summary.csv` gives of each numeric column of `summary.csv`.
pub const STATISTICS: [(&str, &str); 4] = [
    ("mean", "the mean over the point's replications"),
    ("sd", "their sample standard deviation (divisor n - 1); empty with 1 replication"),
    ("ci_low", "the low end of the 95% confidence interval of the mean: mean - t(0.975, n-1) × sd / √n (Student's t); empty with 1 replication"),
    ("ci_high", "its high end: mean + t(0.975, n-1) × sd / √n"),
];

/// Every CSV file, in the order the README documents them.
pub fn tables() -> Vec<TableDoc> {
    vec![
        table("summary.csv", "one per run", SUMMARY, true),
        table("pops.csv", "one per POP", POP_KEYS, true),
        table("regions.csv", "one per client region", REGION_KEYS, true),
        table("behaviors.csv", "one per cache behavior, the default (`*`) last", BEHAVIOR_KEYS, true),
        table("protocols.csv", "one per viewer protocol in use", PROTOCOL_KEYS, true),
        table("timeseries.csv", "one per interval and POP", INTERVAL_KEYS, true),
        table("origins.csv", "one per origin", ORIGINS, false),
        table("origin_timeseries.csv", "one per interval and origin", ORIGIN_SERIES, false),
        table("region_pops.csv", "one per client region and POP, every pair", REGION_POPS, false),
        table("connections.csv", "one per connecting site and origin that were used", CONNECTIONS, false),
        table("failover.csv", "one per interval and origin group (none without groups)", FAILOVER, false),
        table("faults.csv", "one per injected fault (none without faults)", FAULTS, false),
        table("cost.csv", "one per line of the month's bill (README, \"The bill\"): pay-as-you-go lines by pricing region, then the free tier, Origin Shield and origin lines, then one per flat-rate plan, cheapest first; a line whose quantity is 0 is left out", super::COST, false),
        table("latency_histogram.csv", "the run's whole latency distribution, from which the latency charts are drawn: one per non-empty 2% bucket, `All` first, then each result type that occurred", super::HISTOGRAM, false),
        table("latency_cdf.csv", "the run's latency distribution for the charts: 24 quantiles per result type that occurred, and `All`", CDF, false),
        table("requests.csv", "only with `log_sample_rate` > 0 or `--log-sample`, and `log_format = \"csv\"` (the default): one per sampled request, in CloudFront's standard-log field order, then a real-time log field and the simulator's own (`log_format = \"w3c\"` writes `requests.log` instead, in CloudFront's own format)", super::log::FIELDS, false),
        table("calibration.csv", "only when the workload is a CloudFront log (`format = \"cloudfront\"`): the run against the log, over the requests that arrived in the counted span; `overall`, then one per POP (edge location metro), per behavior and per UTC hour", crate::calibration::COLUMNS, false),
        table("mrc.csv", "`edgesim replay`: one per policy × capacity, policies outer, in the order given", crate::replay::MRC, false),
        table("compare.csv", "`edgesim compare`: one per policy × capacity, policies outer", super::COMPARE, false),
        TableDoc {
            file: "study.csv",
            rows: "`edgesim sweep` and `edgesim compare`: one per unit (point × replication), points in grid order (the first varied parameter outermost), replications inner",
            columns: vec![
                (PARAMETER_COLUMN, "one column per varied parameter, named by its key path (`pops[*].cache_capacity`), or `variant`, or `compare`'s `policy` and `capacity`: the point's value"),
                ("replication", "0 to N - 1; replication 0 runs with the scenario's own seed"),
                (SUMMARY_COLUMNS, "every column of `summary.csv` for this run, its `seed` included"),
            ],
            metrics: false,
        },
        TableDoc {
            file: "study_summary.csv",
            rows: "`edgesim sweep` and `edgesim compare`: one per point, in grid order",
            columns: vec![
                (PARAMETER_COLUMN, "one column per varied parameter, as in `study.csv`"),
                ("replications", "runs at this point"),
                ("verdict", "only when targets were given: `meets` (every target's interval wholly on its side), `fails` (some interval wholly on the wrong side) or `undecided`"),
                ("<column>_mean", "for every numeric column of `summary.csv` (all but `scenario`, `seed` and `flat_rate_plan`), these four; all four are empty when no unit of the point has a value"),
                ("<column>_sd", STATISTICS[1].1),
                ("<column>_ci_low", STATISTICS[2].1),
                ("<column>_ci_high", STATISTICS[3].1),
            ],
            metrics: false,
        },
        TableDoc {
            file: "comparison.csv",
            rows: "`edgesim report DIR... --out DIR`: one per compared metric",
            columns: vec![
                ("metric", "the `summary.csv` column compared: scenario, seed, measured_s, requests, hit_ratio, byte_hit_ratio, origin_offload, origin_requests, latency_p50_ms, latency_p99_ms, total_time_p99_ms, failovers, errors, errors_4xx, origin_errors, cost_usd_month, cost_shield_usd, cost_origin_usd (so a before and after shows what offload or Origin Shield saves in dollars)"),
                (RUN_COLUMN, "one column per run, named by its folder's last component (the whole path where two share one): the value from its `summary.csv`"),
                ("<run>_minus_<first>", "for each run after the first: its value less the first run's, at the column's own precision (empty for scenario and seed)"),
                ("<run>_vs_<first>_pct", "the same difference in percent of the first run's value (empty where that is 0)"),
            ],
            metrics: false,
        },
    ]
}

/// A markdown table of `columns`.
fn markdown(out: &mut String, columns: &[(&str, &str)]) {
    out.push_str("| column | meaning |\n|---|---|\n");
    for (name, doc) in columns {
        let _ = writeln!(out, "| `{name}` | {doc} |");
    }
}

/// The README's column reference: each file's rows and columns, then the metric columns.
pub fn column_reference() -> String {
    let mut out = String::new();
    for t in tables() {
        let _ = write!(out, "#### `{}`\n\nRows: {}.", t.file, t.rows);
        out.push_str(if t.metrics {
            " Its columns, then the metric columns:\n\n"
        } else {
            "\n\n"
        });
        markdown(&mut out, &t.columns);
        out.push('\n');
    }
    out.push_str("#### Metric columns\n\nShared by every file above whose columns the metric columns follow, in this order:\n\n");
    let metrics: Vec<_> = columns::metrics().map(|c| (c.name, c.doc)).collect();
    markdown(&mut out, &metrics);
    out
}
