//! Comparing runs: their latency CDFs, hit ratios and origin load overlaid, and a summary
//! table with one column per run, from each run's CSV files.

use super::draw::{cdf_chart, cdf_lines};
use super::frame::DrawError;
use super::frame::{e, legend, named_lines, register_font, time_plane, Titles};
use super::html::{escape, page_start};
use super::style::tick;
use super::table::{key, metric, Col};
use super::time::{last_full_interval, ratio_lines, span, two_panels, Line};
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
pub const COMPARED: [(Col, &str); 15] = [
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
/// `out/report.html`. A run folder missing a file it needs is an `InvalidInput` error.
pub fn compare(dirs: &[PathBuf], out: &Path) -> io::Result<()> {
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
                cdf: read("latency_cdf.csv")?,
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
    for r in &runs {
        let (h, b) = ratio_lines(&r.series, 1, |_| Some(0));
        hits.push((r.label.clone(), h.into_iter().next().unwrap_or_default()));
        bytes.push((r.label.clone(), b.into_iter().next().unwrap_or_default()));
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
        let title = "Hit ratio and byte hit ratio over time by run (all POPs)";
        render!(
            &file("hit_ratio_over_time"),
            svg,
            two_panels(title, [&hits, &bytes], x.clone(), &[])
        )?;
        render!(&file("origin_load"), svg, load_chart(&load, x.clone()))?;
    }
    write_table(out, &runs)?;
    write_page(out, &runs)
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

/// The rows of the comparison: one per compared column, one cell per run.
fn rows(runs: &[Run]) -> Vec<(&'static str, Vec<String>)> {
    COMPARED
        .iter()
        .map(|&(column, label)| {
            let cells = runs
                .iter()
                .map(|r| {
                    let row = r.summary.rows().first().cloned().unwrap_or_default();
                    r.summary.text(&row, column).to_string()
                })
                .collect();
            (label, cells)
        })
        .collect()
}

/// Writes `comparison.csv`: a `metric` column, then one column per run.
fn write_table(out: &Path, runs: &[Run]) -> io::Result<()> {
    let header = std::iter::once("metric".to_string()).chain(runs.iter().map(|r| r.label.clone()));
    let body = rows(runs).into_iter().map(|(label, cells)| {
        std::iter::once(label.to_string())
            .chain(cells)
            .collect::<Vec<_>>()
    });
    crate::report::write_rows(out, "comparison.csv", header.collect(), body)
}

/// Writes `report.html`: the table and the charts inline.
fn write_page(out: &Path, runs: &[Run]) -> io::Result<()> {
    let names: Vec<&str> = runs.iter().map(|r| r.label.as_str()).collect();
    let mut html = page_start(&format!("comparison of {}", names.join(", ")));
    let _ = write!(
        html,
        "<h1>edgesim comparison</h1><p>{} runs: {}</p><h2>Summary</h2><table><tr><th></th>",
        runs.len(),
        escape(&names.join(", "))
    );
    for n in &names {
        let _ = write!(html, "<th>{}</th>", escape(n));
    }
    html.push_str("</tr>");
    for (label, cells) in rows(runs) {
        let _ = write!(html, "<tr><th>{}</th>", escape(label));
        for c in cells {
            let _ = write!(html, "<td>{}</td>", escape(&c));
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
