//! Comparing runs: their latency CDFs, hit ratios and origin load overlaid, and a summary
//! table with one column per run, from each run's CSV files.

use super::draw::{cdf_chart, cdf_lines};
use super::frame::DrawError;
use super::frame::{e, legend, named_lines, register_font, time_plane, Titles};
use super::html::{escape, page_start};
use super::style::tick;
use super::table::{key, metric, Col};
use super::time::{last_full_interval, ratio_lines, span, stacked_panels, Line, Panel};
use super::Table;
use crate::report::{ORIGIN_SERIES, SUMMARY};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// The charts a comparison draws, by file stem.
pub const COMPARE_CHARTS: [&str; 3] = ["latency_cdf", "hit_ratio_over_time", "origin_load"];

/// Rows of the comparison table: `summary.csv` column and label.
pub const COMPARED: [(Col, &str); 18] = [
    (key!(SUMMARY, "scenario"), "scenario"),
    (key!(SUMMARY, "seed"), "seed"),
    (key!(SUMMARY, "measured_s"), "measured (s)"),
    (metric!("requests"), "requests"),
    (metric!("hit_ratio"), "hit ratio"),
    (metric!("byte_hit_ratio"), "byte hit ratio"),
    (metric!("origin_offload"), "origin offload"),
    (metric!("origin_requests"), "origin requests"),
    (metric!("latency_p50_ms"), "p50 (ms)"),
    (metric!("latency_p99_ms"), "p99 (ms)"),
    (key!(SUMMARY, "total_time_p99_ms"), "p99 to last byte (ms)"),
    (metric!("failovers"), "failovers"),
    (metric!("errors"), "errors"),
    (metric!("errors_4xx"), "4xx"),
    (metric!("origin_errors"), "origin errors"),
    (key!(SUMMARY, "cost_usd_month"), "cost a month (USD)"),
    (
        key!(SUMMARY, "cost_shield_usd"),
        "Origin Shield a month (USD)",
    ),
    (
        key!(SUMMARY, "cost_origin_usd"),
        "origin charges a month (USD)",
    ),
];

/// One run being compared.
struct Run {
    label: String,
    summary: Table,
    cdf: Table,
    series: Table,
    origins: Table,
}

/// Names for `dirs`: each folder's last component, or the whole path where two would
/// share one.
fn labels(dirs: &[PathBuf]) -> Vec<String> {
    let last = |d: &PathBuf| {
        d.file_name()
            .map_or_else(|| d.display().to_string(), |n| n.to_string_lossy().into())
    };
    dirs.iter()
        .map(|d| {
            let name = last(d);
            if dirs.iter().filter(|o| last(o) == name).count() > 1 {
                d.display().to_string()
            } else {
                name
            }
        })
        .collect()
}

/// Compares the runs in `dirs`: writes `out/charts/*`, `out/comparison.csv` and
/// `out/report.html`, and returns the scenario settings each later run changed from the
/// first's. A run folder missing a file it needs is an `InvalidInput` error.
pub fn compare(dirs: &[PathBuf], out: &Path) -> io::Result<Vec<Vec<(String, String, String)>>> {
    let runs = dirs
        .iter()
        .zip(labels(dirs))
        .map(|(dir, label)| {
            // A folder that cannot be read is bad input, unlike a failure to write.
            let read = |name: &str| {
                Table::read(&dir.join(name)).map_err(|e| {
                    let why = format!("not a complete results folder: {e}");
                    io::Error::new(io::ErrorKind::InvalidInput, why)
                })
            };
            Ok(Run {
                label,
                summary: read("summary.csv")?,
                cdf: read("latency_histogram.csv")?,
                series: read("timeseries.csv")?,
                origins: read("origin_timeseries.csv")?,
            })
        })
        .collect::<io::Result<Vec<Run>>>()?;
    register_font();
    let charts = out.join("charts");
    std::fs::create_dir_all(&charts).map_err(|e| {
        // As for `run`, a results folder that cannot be created is bad input.
        let why = format!("{}: cannot create the folder: {e}", charts.display());
        io::Error::new(io::ErrorKind::InvalidInput, why)
    })?;
    let cdfs: Vec<Line> = runs
        .iter()
        .map(|r| {
            let all = cdf_lines(&r.cdf).into_iter().find(|l| l.0 == "All");
            (r.label.clone(), all.map(|l| l.1).unwrap_or_default())
        })
        .collect();
    let mut hits: Vec<Line> = Vec::new();
    let mut bytes: Vec<Line> = Vec::new();
    let mut errors: Vec<Line> = Vec::new();
    for r in &runs {
        let (h, b, x) = ratio_lines(&r.series, 1, |_| Some(0));
        hits.push((r.label.clone(), h.into_iter().next().unwrap_or_default()));
        bytes.push((r.label.clone(), b.into_iter().next().unwrap_or_default()));
        errors.push((r.label.clone(), x.into_iter().next().unwrap_or_default()));
    }
    let load: Vec<Line> = runs
        .iter()
        .map(|r| {
            let cutoff = last_full_interval(&r.series);
            (r.label.clone(), origin_rate(&r.origins, cutoff))
        })
        .collect();
    let x = span(hits.iter().chain(&load));
    for svg in [false, true] {
        let file = |stem: &str| charts.join(format!("{stem}.{}", if svg { "svg" } else { "png" }));
        let title = "Latency distribution by run";
        render!(&file("latency_cdf"), svg, cdf_chart(title, &cdfs, false))?;
        let title = "Hit ratio, byte hit ratio and error rate over time by run (all POPs)";
        let panels = [
            Panel::ratio(&hits, "hit ratio (requests)"),
            Panel::ratio(&bytes, "byte hit ratio"),
            Panel::share(&errors, "error rate (all requests)"),
        ];
        render!(
            &file("hit_ratio_over_time"),
            svg,
            stacked_panels(title, &panels, x.clone(), &[])
        )?;
        render!(&file("origin_load"), svg, load_chart(&load, x.clone()))?;
    }
    write_table(out, &runs)?;
    let changes = scenario_changes(dirs);
    write_page(out, &runs, &changes)?;
    Ok(changes)
}

/// Requests per second reaching all origins together, per interval.
/// Intervals after `cutoff` (seconds) are left out.
fn origin_rate(t: &Table, cutoff: f64) -> Vec<(f64, f64)> {
    let mut per: BTreeMap<u64, f64> = BTreeMap::new();
    for r in t
        .rows()
        .iter()
        .filter(|r| t.num(r, key!(ORIGIN_SERIES, "interval_start_s")) <= cutoff)
    {
        *per.entry(t.num(r, key!(ORIGIN_SERIES, "interval_start_s")) as u64)
            .or_default() += t.num(r, key!(ORIGIN_SERIES, "arrivals_per_s"));
    }
    per.into_iter().map(|(s, v)| (s as f64 / 60.0, v)).collect()
}

fn load_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    lines: &[Line],
    x: std::ops::Range<f64>,
) -> Result<(), DrawError> {
    root.fill(&WHITE).map_err(e)?;
    let top = lines
        .iter()
        .flat_map(|l| &l.1)
        .map(|p| p.1)
        .fold(1.0, f64::max)
        * 1.3;
    let titles = Titles {
        caption: "Requests per second reaching the origins, by run",
        y_desc: "requests per second (all origins)",
        size: 32,
    };
    let mut chart = time_plane(root, &titles, x, 0.0..top, &[], &|v| tick(*v))?;
    named_lines(&mut chart, lines.iter().map(|l| (&l.0, &l.1)), 3)?;
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}

/// One compared metric: its column, its label, each run's value, and each later run's
/// difference from the first, absolute and in percent (empty where not numbers).
struct Compared {
    column: Col,
    label: &'static str,
    cells: Vec<String>,
    diffs: Vec<(String, String)>,
}

/// The difference of `b` from `a`, absolute and in percent of `a`, as text.
fn difference(a: &str, b: &str) -> (String, String) {
    // The difference keeps the columns' own precision: counts whole, ratios to 6 places.
    let decimals = a.split('.').nth(1).map_or(0, str::len).min(6);
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(a), Ok(b)) => {
            let abs = format!("{:.*}", decimals, b - a);
            let pct = match a {
                0.0 => String::new(),
                _ => format!("{:.2}", (b - a) / a.abs() * 100.0),
            };
            (abs, pct)
        }
        _ => (String::new(), String::new()),
    }
}

/// The rows of the comparison: one per compared column, one cell per run.
fn rows(runs: &[Run]) -> Vec<Compared> {
    COMPARED
        .iter()
        .map(|&(column, label)| {
            let cells: Vec<String> = runs
                .iter()
                .map(|r| {
                    let row = r.summary.rows().first().cloned().unwrap_or_default();
                    r.summary.text(&row, column).to_string()
                })
                .collect();
            let diffs = match column.name() {
                "scenario" | "seed" => vec![(String::new(), String::new()); cells.len() - 1],
                _ => cells[1..]
                    .iter()
                    .map(|c| difference(&cells[0], c))
                    .collect(),
            };
            Compared {
                column,
                label,
                cells,
                diffs,
            }
        })
        .collect()
}

/// Writes `comparison.csv`: a `metric` column (the `summary.csv` column's name), one
/// column per run, then each later run's difference from the first, absolute and in %.
fn write_table(out: &Path, runs: &[Run]) -> io::Result<()> {
    let first = &runs[0].label;
    let diffs = runs[1..].iter().flat_map(|r| {
        [
            format!("{}_minus_{first}", r.label),
            format!("{}_vs_{first}_pct", r.label),
        ]
    });
    let header = std::iter::once("metric".to_string())
        .chain(runs.iter().map(|r| r.label.clone()))
        .chain(diffs);
    let body = rows(runs).into_iter().map(|c| {
        std::iter::once(c.column.name().to_string())
            .chain(c.cells)
            .chain(c.diffs.into_iter().flat_map(|(a, p)| [a, p]))
            .collect::<Vec<_>>()
    });
    crate::report::write_rows(out, "comparison.csv", header.collect(), body)
}

/// The scenario settings that differ from the first run's, per later run: key path, the
/// first run's value and this run's (`absent` where one run lacks the key).
fn scenario_changes(dirs: &[PathBuf]) -> Vec<Vec<(String, String, String)>> {
    let read = |d: &PathBuf| -> BTreeMap<String, String> {
        let text = std::fs::read_to_string(d.join("scenario.resolved.toml")).unwrap_or_default();
        let mut out = BTreeMap::new();
        if let Ok(v) = text.parse::<toml::Table>() {
            flatten(&toml::Value::Table(v), "", &mut out);
        }
        out
    };
    let first = read(&dirs[0]);
    dirs[1..]
        .iter()
        .map(|d| {
            let other = read(d);
            let keys: std::collections::BTreeSet<&String> =
                first.keys().chain(other.keys()).collect();
            keys.into_iter()
                .filter(|k| first.get(*k) != other.get(*k))
                .map(|k| {
                    let value = |m: &BTreeMap<String, String>| {
                        m.get(k).cloned().unwrap_or_else(|| "absent".into())
                    };
                    (k.clone(), value(&first), value(&other))
                })
                .collect()
        })
        .collect()
}

/// Every leaf of `v` by key path (`pops[0].cache_capacity`), arrays of scalars as one.
fn flatten(v: &toml::Value, path: &str, out: &mut BTreeMap<String, String>) {
    let join = |k: &str| match path.is_empty() {
        true => k.to_string(),
        false => format!("{path}.{k}"),
    };
    match v {
        toml::Value::Table(t) => t.iter().for_each(|(k, x)| flatten(x, &join(k), out)),
        toml::Value::Array(items)
            if items.iter().all(toml::Value::is_table) && !items.is_empty() =>
        {
            for (i, x) in items.iter().enumerate() {
                flatten(x, &format!("{path}[{i}]"), out);
            }
        }
        other => {
            out.insert(path.to_string(), other.to_string());
        }
    }
}

/// Writes `report.html`: what differs between the scenarios, the table and the charts.
fn write_page(
    out: &Path,
    runs: &[Run],
    changes: &[Vec<(String, String, String)>],
) -> io::Result<()> {
    let names: Vec<&str> = runs.iter().map(|r| r.label.as_str()).collect();
    let mut html = page_start(&format!("comparison of {}", names.join(", ")));
    let _ = write!(
        html,
        "<h1>edgesim comparison</h1><p>{} runs: {}</p><h2>What differs</h2>",
        runs.len(),
        escape(&names.join(", "))
    );
    for (run, changed) in runs[1..].iter().zip(changes) {
        let _ = write!(
            html,
            "<p>{} against {}: ",
            escape(&run.label),
            escape(&runs[0].label)
        );
        match changed.is_empty() {
            true => html.push_str("the same scenario.</p>"),
            false => {
                html.push_str("</p><table><tr><th>setting</th><th>was</th><th>is</th></tr>");
                for (k, a, b) in changed {
                    let _ = write!(
                        html,
                        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(k),
                        escape(a),
                        escape(b)
                    );
                }
                html.push_str("</table>");
            }
        }
    }
    html.push_str("<h2>Summary</h2><table><tr><th></th>");
    for n in &names {
        let _ = write!(html, "<th>{}</th>", escape(n));
    }
    for r in &runs[1..] {
        let _ = write!(
            html,
            "<th>{} − {}</th><th>%</th>",
            escape(&r.label),
            escape(&runs[0].label)
        );
    }
    html.push_str("</tr>");
    for c in rows(runs) {
        let _ = write!(html, "<tr><th>{}</th>", escape(c.label));
        for v in c
            .cells
            .iter()
            .chain(c.diffs.iter().flat_map(|(a, p)| [a, p]))
        {
            let _ = write!(html, "<td>{}</td>", escape(v));
        }
        html.push_str("</tr>");
    }
    html.push_str("</table><h2>Charts</h2>");
    let captions = [
        "Time to first byte over all requests, one line per run.",
        "Hit ratio and byte hit ratio of all POPs together, per interval, one line per run.",
        "Requests per second reaching all origins together, one line per run.",
    ];
    for (stem, caption) in COMPARE_CHARTS.iter().zip(captions) {
        let svg = std::fs::read_to_string(out.join("charts").join(format!("{stem}.svg")))?;
        let _ = write!(
            html,
            "<figure>{svg}<figcaption>{caption}</figcaption></figure>"
        );
    }
    html.push_str("</body></html>\n");
    super::html::write_page(out, &html)
}
