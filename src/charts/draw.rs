//! The charts themselves, each drawn once for any plotters backend (PNG or SVG).

use super::frame::DrawError;
use super::frame::{e, legend, named_lines};
use super::style::{centre_label, colour, tick};
use super::table::{key, metric, Col};
use super::Table;
use crate::report::{HISTOGRAM, POP_KEYS, PROTOCOL_KEYS, REGION_KEYS};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::io;
use std::path::Path;

/// Latency CDF per outcome, log-scaled latency, with the overall p50 and p99 marked, from
/// `latency_histogram.csv`'s 2% buckets.
pub fn latency_cdf(path: &Path, svg: bool, t: &Table) -> io::Result<()> {
    let lines = cdf_lines(t);
    let title = "Latency distribution by result type";
    render!(path, svg, cdf_chart(title, &lines, true))
}

/// The tail of the same distributions: the share of requests slower than each latency, on
/// a log scale, where p99 and p99.9 are a decade apart.
pub fn latency_tail(path: &Path, svg: bool, t: &Table) -> io::Result<()> {
    let lines: Vec<(String, Vec<(f64, f64)>)> = cdf_lines(t)
        .into_iter()
        .map(|(name, points)| {
            let tail = points.iter().map(|&(ms, share)| (ms, 1.0 - share));
            (name, tail.filter(|p| p.1 > 1e-9).collect())
        })
        .collect();
    render!(path, svg, tail_chart(&lines))
}

/// The CDF lines of a `latency_histogram.csv` table, per outcome in file order (`All`
/// first): each bucket's upper end and the share at or below it, from a first point at the
/// lowest bucket's lower end with nothing below.
pub fn cdf_lines(t: &Table) -> Vec<(String, Vec<(f64, f64)>)> {
    let mut lines: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for r in t.rows() {
        let outcome = t.text(r, key!(HISTOGRAM, "outcome"));
        let point = (
            t.num(r, key!(HISTOGRAM, "latency_ms")).max(0.001),
            t.num(r, key!(HISTOGRAM, "cumulative_share")),
        );
        match lines.last_mut() {
            Some(line) if line.0 == outcome => line.1.push(point),
            _ => lines.push((outcome.to_string(), vec![(point.0 / 1.02, 0.0), point])),
        }
    }
    lines
}

/// Where a mark's label goes on a log axis from `min` to `max`: right of `x` in the left
/// part of the plot, left of it in the right part, so that it stays inside.
fn label_at(x: f64, min: f64, max: f64, size: u32) -> (f64, TextStyle<'static>) {
    let style = TextStyle::from(("sans-serif", size).into_font());
    let f = (x / min).ln() / (max / min).ln();
    if f > 0.6 {
        (x / 1.04, style.pos(Pos::new(HPos::Right, VPos::Top)))
    } else {
        (x * 1.04, style.pos(Pos::new(HPos::Left, VPos::Top)))
    }
}

/// CDF lines on a log latency axis; with `marks`, the p50 and p99 of the first line.
pub fn cdf_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    lines: &[(String, Vec<(f64, f64)>)],
    marks: bool,
) -> Result<(), DrawError> {
    root.fill(&WHITE).map_err(e)?;
    let all = lines.iter().flat_map(|l| &l.1);
    let max = all.clone().map(|p| p.0).fold(1.0, f64::max);
    let min = all.map(|p| p.0).fold(max, f64::min);
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 32))
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(80)
        .build_cartesian_2d((min / 1.5..max * 1.2).log_scale(), 0f64..1f64)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc("time to first byte (ms, log scale)")
        .y_desc("share of requests at or below")
        .label_style(("sans-serif", 18))
        .draw()
        .map_err(e)?;
    named_lines(&mut chart, lines.iter().map(|l| (&l.0, &l.1)), 3)?;
    if let Some(first) = lines.first().filter(|_| marks) {
        for (q, label) in [(0.5, "p50"), (0.99, "p99")] {
            let ms = first
                .1
                .iter()
                .find(|p| p.1 >= q)
                .map_or(0.01, |p| p.0.max(0.01));
            chart
                .draw_series(LineSeries::new(
                    vec![(ms, 0.0), (ms, 1.0)],
                    BLACK.stroke_width(1),
                ))
                .map_err(e)?;
            let (x, style) = label_at(ms, min / 1.5, max * 1.2, 18);
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{label} {}", ms_text(ms)),
                    (x, q.min(0.9) - 0.05),
                    style,
                )))
                .map_err(e)?;
        }
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight)
}

/// A latency label: `317.7 ms`, or `30.9 s` from a second up.
fn ms_text(ms: f64) -> String {
    match ms >= 1000.0 {
        true => format!("{:.1} s", ms / 1000.0),
        false => format!("{ms:.1} ms"),
    }
}

/// Tail lines (share of requests slower than each latency) on log-log axes, with the
/// p99 and p99.9 levels and the first line's p99 marked.
fn tail_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    lines: &[(String, Vec<(f64, f64)>)],
) -> Result<(), DrawError> {
    root.fill(&WHITE).map_err(e)?;
    let all = lines.iter().flat_map(|l| &l.1);
    let max = all.clone().map(|p| p.0).fold(1.0, f64::max) * 1.2;
    let min = all.clone().map(|p| p.0).fold(max, f64::min) / 1.5;
    let floor = all.map(|p| p.1).fold(1.0, f64::min).clamp(1e-7, 1e-3) / 2.0;
    let mut chart = ChartBuilder::on(root)
        .caption(
            "Latency tail: share of requests slower than each time",
            ("sans-serif", 32),
        )
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(90)
        .build_cartesian_2d((min..max).log_scale(), (floor..1.0).log_scale())
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc("time to first byte (ms, log scale)")
        .y_desc("share of requests slower (log scale)")
        .y_label_formatter(&|v| percent(*v))
        .label_style(("sans-serif", 18))
        .draw()
        .map_err(e)?;
    named_lines(&mut chart, lines.iter().map(|l| (&l.0, &l.1)), 3)?;
    for (level, label) in [
        (0.01, "p99: 1 in 100 slower"),
        (0.001, "p99.9: 1 in 1,000 slower"),
    ] {
        if level < floor {
            continue;
        }
        chart
            .draw_series(LineSeries::new(
                vec![(min, level), (max, level)],
                BLACK.mix(0.5).stroke_width(1),
            ))
            .map_err(e)?;
        let style = TextStyle::from(("sans-serif", 18).into_font());
        chart
            .draw_series(std::iter::once(Text::new(
                label.to_string(),
                (min * 1.1, level * 0.9),
                style.pos(Pos::new(HPos::Left, VPos::Top)),
            )))
            .map_err(e)?;
    }
    if let Some(first) = lines.first() {
        // The first bucket whose tail is at or below 1%: the overall p99.
        if let Some(&(ms, _)) = first.1.iter().find(|p| p.1 <= 0.01) {
            chart
                .draw_series(LineSeries::new(
                    vec![(ms, floor), (ms, 1.0)],
                    BLACK.stroke_width(1),
                ))
                .map_err(e)?;
            let (x, style) = label_at(ms, min, max, 18);
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("p99 {}", ms_text(ms)),
                    (x, 0.5),
                    style,
                )))
                .map_err(e)?;
        }
    }
    // The lines fall from the top left: the lower left stays clear.
    legend(&mut chart, SeriesLabelPosition::LowerLeft)
}

/// A share on a log axis in percent: `100%`, `1%`, `0.01%`.
fn percent(v: f64) -> String {
    let p = v * 100.0;
    let decimals = (-p.log10().floor()).max(0.0) as usize;
    format!("{p:.decimals$}%")
}

/// Requests per POP, busiest first.
pub fn requests_per_pop(path: &Path, svg: bool, t: &Table) -> io::Result<()> {
    let mut bars: Vec<(String, f64)> = t
        .rows()
        .iter()
        .map(|r| {
            (
                t.text(r, key!(POP_KEYS, "pop")).to_string(),
                t.num(r, metric!("requests")),
            )
        })
        .collect();
    bars.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let series = [("requests".to_string(), bars.iter().map(|b| b.1).collect())];
    let labels: Vec<String> = bars.into_iter().map(|b| b.0).collect();
    let titles = ("Requests per POP", "POP", "requests counted");
    render!(path, svg, bar_chart(titles, &labels, &series))
}

/// A run on a CloudFront log against the log: the hit ratio each logged and each
/// simulated, overall, per POP and per behavior (`calibration.csv`).
pub fn calibration(path: &Path, svg: bool, t: &Table) -> io::Result<()> {
    use crate::calibration::COLUMNS;
    let rows: Vec<&Vec<String>> = t
        .rows()
        .iter()
        .filter(|r| t.text(r, key!(COLUMNS, "scope")) != "hour")
        .collect();
    let labels: Vec<String> = rows
        .iter()
        .map(|r| match t.text(r, key!(COLUMNS, "key")) {
            "" => t.text(r, key!(COLUMNS, "scope")).to_string(),
            k => k.to_string(),
        })
        .collect();
    let column = |c: Col| rows.iter().map(|r| t.num(r, c)).collect::<Vec<f64>>();
    let series = [
        (
            "logged".to_string(),
            column(key!(COLUMNS, "hit_ratio_observed")),
        ),
        (
            "simulated".to_string(),
            column(key!(COLUMNS, "hit_ratio_simulated")),
        ),
    ];
    let titles = (
        "Hit ratio: the log against the run",
        "overall, POP and behavior",
        "hit ratio",
    );
    render!(path, svg, bar_chart(titles, &labels, &series))
}

/// Median and 99th percentile latency per negotiated viewer protocol.
pub fn latency_by_protocol(path: &Path, svg: bool, t: &Table) -> io::Result<()> {
    latency_bars(
        path,
        svg,
        t,
        key!(PROTOCOL_KEYS, "protocol"),
        ("Latency by viewer protocol", "protocol"),
    )
}

/// Median and 99th percentile latency per client region.
pub fn latency_by_region(path: &Path, svg: bool, t: &Table) -> io::Result<()> {
    latency_bars(
        path,
        svg,
        t,
        key!(REGION_KEYS, "region"),
        ("Latency by client region", "client region"),
    )
}

/// p50 and p99 bars, one group per row of `t`, named by its `key` column and labelled
/// with its share of the requests, so that a bar of a few requests is not read as a
/// trend.
fn latency_bars(
    path: &Path,
    svg: bool,
    t: &Table,
    key: Col,
    (title, x_desc): (&str, &str),
) -> io::Result<()> {
    let labels: Vec<String> = t
        .rows()
        .iter()
        .map(|r| t.text(r, key).to_string())
        .collect();
    let column = |c: Col| t.rows().iter().map(|r| t.num(r, c)).collect::<Vec<f64>>();
    let requests = column(metric!("requests"));
    let total: f64 = requests.iter().sum::<f64>().max(1.0);
    let labels: Vec<String> = labels
        .into_iter()
        .zip(&requests)
        .map(|(name, n)| match n / total * 100.0 {
            share if share < 1.0 => format!("{name} (<1%)"),
            share => format!("{name} ({share:.0}%)"),
        })
        .collect();
    let series = [
        ("p50".to_string(), column(metric!("latency_p50_ms"))),
        ("p99".to_string(), column(metric!("latency_p99_ms"))),
    ];
    let x_desc = format!("{x_desc} (its share of the requests)");
    let titles = (title, x_desc.as_str(), "time to first byte (ms)");
    render!(path, svg, bar_chart(titles, &labels, &series))
}

/// Grouped bars: one group per label, one bar per series.
/// The font size at which the longest of `labels` fits under its bar group: 18 points
/// unless the groups are too narrow (a character is about 0.45 of the size wide), and
/// never under 11.
fn label_size(labels: &[String]) -> u32 {
    let plot = (super::SIZE.0 - 140) as f64;
    let per_group = plot / labels.len().max(1) as f64;
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64;
    ((per_group * 0.95 / (longest * 0.45)) as u32).clamp(11, 18)
}

fn bar_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (title, x_desc, y_desc): (&str, &str, &str),
    labels: &[String],
    series: &[(String, Vec<f64>)],
) -> Result<(), DrawError> {
    root.fill(&WHITE).map_err(e)?;
    let top = series
        .iter()
        .flat_map(|s| &s.1)
        .copied()
        .fold(1.0, f64::max)
        * 1.1;
    let n = labels.len().max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 32))
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(100)
        .build_cartesian_2d(0f64..n as f64, 0f64..top)
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        // Ticks every half unit; the ones at a group's centre carry its label.
        .x_labels(2 * n + 1)
        .x_label_formatter(&|x: &f64| centre_label(labels, *x))
        .y_label_formatter(&|v: &f64| tick(*v))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(("sans-serif", 18))
        .x_label_style(("sans-serif", label_size(labels)))
        .draw()
        .map_err(e)?;
    let width = 0.8 / series.len().max(1) as f64;
    for (k, (name, values)) in series.iter().enumerate() {
        let c = colour(k);
        chart
            .draw_series(values.iter().enumerate().map(|(i, &v)| {
                let x0 = i as f64 + 0.1 + k as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width, v)], c.filled())
            }))
            .map_err(e)?
            .label(name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], c.filled()));
    }
    if series.len() > 1 {
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    }
    Ok(())
}
