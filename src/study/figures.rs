//! The study's charts, from its computed estimates: each headline metric against the first
//! varied parameter with one line per value of the others, and for two-parameter grids a
//! heatmap of the hit ratio and of p99.

use super::output::{short, Results};
use super::target::Scope;
use crate::charts::study::{grid_chart, line_chart, Band, Figure, Grid};
use std::io;
use std::path::Path;

/// The metrics charted, with their axis labels: columns of `summary.csv`.
pub const HEADLINE: [(&str, &str); 8] = [
    ("hit_ratio", "hit ratio"),
    ("byte_hit_ratio", "byte hit ratio"),
    ("latency_p50_ms", "p50 latency (ms)"),
    ("latency_p99_ms", "p99 latency (ms)"),
    (
        "origin_peak_rps",
        "origin requests per second, busiest interval",
    ),
    ("error_share", "share of responses that were errors"),
    ("failovers", "failovers"),
    ("cost_usd_month", "pay-as-you-go cost a month (USD)"),
];

/// The metrics of the heatmaps of two-parameter grids.
pub const HEATMAPS: [(&str, &str); 2] = [
    ("hit_ratio", "hit ratio"),
    ("latency_p99_ms", "p99 latency (ms)"),
];

/// The stem of the chart of `metric`.
pub fn stem(metric: &str) -> String {
    format!("study_{metric}")
}

/// The stem of the heatmap of `metric`.
pub fn heat_stem(metric: &str) -> String {
    format!("heatmap_{metric}")
}

/// The figure of `metric`.
fn figure(r: &Results, metric: &str, label: &str) -> Figure {
    let m = r.manifest;
    let x_labels = m
        .axes
        .first()
        .map_or_else(|| vec!["the scenario".to_string()], |a| a.values.clone());
    let x_desc = m.axes.first().map_or_else(String::new, |a| a.key.clone());
    let mut lines: Vec<(Vec<usize>, Band)> = Vec::new();
    for (p, idx) in m.points.iter().enumerate() {
        let rest = idx.get(1..).unwrap_or(&[]).to_vec();
        let Some(e) = r.estimate(p, &Scope::Run, metric) else {
            continue;
        };
        let point = (idx.first().copied().unwrap_or(0), e.mean, e.ci);
        match lines.iter_mut().find(|(k, _)| *k == rest) {
            Some((_, band)) => band.points.push(point),
            None => {
                let parts: Vec<String> = m
                    .axes
                    .iter()
                    .skip(1)
                    .zip(&rest)
                    .map(|(a, &i)| format!("{}={}", a.key, a.values[i]))
                    .collect();
                lines.push((
                    rest,
                    Band {
                        label: parts.join(", "),
                        points: vec![point],
                    },
                ));
            }
        }
    }
    Figure {
        title: match m.replications {
            1 => format!("{label}: one replication (no interval)"),
            n => format!("{label}: mean and 95% interval over {n} replications"),
        },
        x_desc,
        x_labels,
        y_desc: label.to_string(),
        lines: lines.into_iter().map(|(_, b)| b).collect(),
        half: short,
    }
}

/// The heatmap of `metric` over a two-parameter grid.
fn grid(r: &Results, metric: &str, label: &str) -> Grid {
    let m = r.manifest;
    let (x, y) = (&m.axes[0], &m.axes[1]);
    let mut values = vec![vec![None; x.values.len()]; y.values.len()];
    for (p, idx) in m.points.iter().enumerate() {
        values[idx[1]][idx[0]] = r.estimate(p, &Scope::Run, metric).map(|e| e.mean);
    }
    Grid {
        title: match m.replications {
            1 => format!("{label}, one replication"),
            n => format!("{label}, mean over {n} replications"),
        },
        x_desc: x.key.clone(),
        y_desc: y.key.clone(),
        cols: x.values.clone(),
        rows: y.values.clone(),
        values,
        text: short,
    }
}

/// Whether the study has a heatmap: a full grid of exactly two parameters.
pub fn has_heatmap(r: &Results) -> bool {
    r.manifest.axes.len() == 2 && !r.manifest.zip
}

/// Draws every chart into `dir/charts/`, PNG and SVG.
pub fn draw(dir: &Path, r: &Results) -> io::Result<()> {
    crate::charts::register_font();
    let out = dir.join("charts");
    std::fs::create_dir_all(&out)?;
    for svg in [false, true] {
        let file = |stem: &str| out.join(format!("{stem}.{}", if svg { "svg" } else { "png" }));
        for (metric, label) in HEADLINE {
            line_chart(&file(&stem(metric)), svg, &figure(r, metric, label))?;
        }
        if has_heatmap(r) {
            for (metric, label) in HEATMAPS {
                grid_chart(&file(&heat_stem(metric)), svg, &grid(r, metric, label))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn charted_metrics_are_numeric_columns_of_the_summary() {
        for (m, _) in super::HEADLINE.iter().chain(&super::HEATMAPS) {
            assert!(super::super::output::numeric(&super::Scope::Run, m), "{m}");
        }
    }
}
