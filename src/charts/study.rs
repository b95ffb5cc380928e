//! A study's charts: a metric against the first varied parameter, one line per value of
//! the second, each with its 95% confidence band; and heatmaps of two-parameter grids.
//! They are drawn from values the study has already computed, so charts knows nothing of
//! studies.

use super::capacity::{heatmap, Heat};
use super::frame::{e, legend, DrawError};
use super::style::{centre_label, colour, tick, tint};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::io;
use std::path::Path;

/// One point of a line: its x position, the mean, and the interval (none for a single
/// replication).
pub type Mean = (usize, f64, Option<(f64, f64)>);

/// One line: its label and its points.
pub struct Band {
    pub label: String,
    pub points: Vec<Mean>,
}

/// A chart of one metric over the first varied parameter.
pub struct Figure {
    pub title: String,
    /// The first varied parameter, and its values in order (evenly spaced on the axis).
    pub x_desc: String,
    pub x_labels: Vec<String>,
    pub y_desc: String,
    pub lines: Vec<Band>,
    /// How a half-width is written in the legend.
    pub half: fn(f64) -> String,
}

/// Draws `f` into `path`.
pub fn line_chart(path: &Path, svg: bool, f: &Figure) -> io::Result<()> {
    render!(path, svg, draw_lines(f))
}

fn draw_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    f: &Figure,
) -> Result<(), DrawError> {
    root.fill(&WHITE).map_err(e)?;
    let ends = f
        .lines
        .iter()
        .flat_map(|l| &l.points)
        .flat_map(|&(_, m, ci)| {
            let (lo, hi) = ci.unwrap_or((m, m));
            [lo, hi]
        });
    let (lo, hi) = ends.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let (lo, hi) = match lo.is_finite() {
        true => (lo, hi),
        false => (0.0, 1.0),
    };
    let pad = ((hi - lo) * 0.1).max(hi.abs() * 1e-3).max(1e-9);
    let n = f.x_labels.len().max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(&f.title, ("sans-serif", 30))
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(0f64..n as f64, (lo - pad)..(hi + pad))
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_labels(2 * n + 1)
        .x_label_formatter(&|x: &f64| centre_label(&f.x_labels, *x))
        .y_label_formatter(&|y: &f64| match hi - lo < 10.0 {
            true => format!("{y:.3}"),
            false => tick(y.round()),
        })
        .x_desc(&f.x_desc)
        .y_desc(&f.y_desc)
        .label_style(("sans-serif", 18))
        .draw()
        .map_err(e)?;
    let at = |i: usize| i as f64 + 0.5;
    for (k, line) in f.lines.iter().enumerate() {
        let c = colour(k);
        let band: Vec<(f64, f64)> = line
            .points
            .iter()
            .filter_map(|&(i, _, ci)| ci.map(|(_, h)| (at(i), h)))
            .chain(
                line.points
                    .iter()
                    .rev()
                    .filter_map(|&(i, _, ci)| ci.map(|(l, _)| (at(i), l))),
            )
            .collect();
        if band.len() >= 2 {
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band,
                    tint(c).mix(0.45).filled(),
                )))
                .map_err(e)?;
        }
        let means: Vec<(f64, f64)> = line.points.iter().map(|&(i, m, _)| (at(i), m)).collect();
        let style = c.stroke_width(3);
        // The widest half-width in the legend, so an interval too narrow to see is read.
        let widest = line
            .points
            .iter()
            .filter_map(|&(_, _, ci)| ci.map(|(l, h)| (h - l) / 2.0))
            .fold(None, |a: Option<f64>, w| Some(a.map_or(w, |a| a.max(w))));
        let label = match widest {
            Some(w) if line.label.is_empty() => format!("95% CI ±{} at most", (f.half)(w)),
            Some(w) => format!("{} (95% CI ±{} at most)", line.label, (f.half)(w)),
            None => line.label.clone(),
        };
        chart
            .draw_series(LineSeries::new(means.clone(), style))
            .map_err(e)?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        chart
            .draw_series(means.iter().map(|&p| Circle::new(p, 5, c.filled())))
            .map_err(e)?;
        // Whiskers, so an interval stays visible where a band has no neighbour to join.
        let whiskers = line.points.iter().filter_map(|&(i, _, ci)| {
            ci.map(|(l, h)| PathElement::new(vec![(at(i), l), (at(i), h)], c.stroke_width(2)))
        });
        chart.draw_series(whiskers).map_err(e)?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    Ok(())
}

/// A heatmap of means over a two-parameter grid, shaded from the smallest to the largest.
pub struct Grid {
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    pub cols: Vec<String>,
    pub rows: Vec<String>,
    /// Per row, per column: the mean; `None` where no unit ran.
    pub values: Vec<Vec<Option<f64>>>,
    /// How a mean is written in its cell.
    pub text: fn(f64) -> String,
}

/// Draws `g` into `path`.
pub fn grid_chart(path: &Path, svg: bool, g: &Grid) -> io::Result<()> {
    let all = g.values.iter().flatten().flatten();
    let lo = all.clone().copied().fold(f64::INFINITY, f64::min);
    let hi = all.copied().fold(f64::NEG_INFINITY, f64::max);
    let span = (hi - lo).max(1e-12);
    let heat = Heat {
        caption: &g.title,
        x_desc: &g.x_desc,
        y_desc: &g.y_desc,
        cols: g.cols.clone(),
        rows: g.rows.clone(),
        // The lightest cell keeps a tint, so it reads as a value and not as a gap.
        shade: g
            .values
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| v.map_or(0.0, |v| 0.1 + 0.9 * (v - lo) / span))
                    .collect()
            })
            .collect(),
        text: g
            .values
            .iter()
            .map(|r| r.iter().map(|v| v.map_or(String::new(), g.text)).collect())
            .collect(),
    };
    render!(path, svg, heatmap(&heat))
}
