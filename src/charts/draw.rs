//! The charts themselves, each drawn once for any plotters backend (PNG or SVG).

use super::style::{colour, runs, tick};
use super::{Table, SIZE};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::io;
use std::path::Path;

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Makes the embedded font the one plotters draws "sans-serif" with.
pub fn register_font() {
    // Registering twice is harmless; a font that fails to load would show as missing text,
    // which the tests would catch.
    let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
}

fn err(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// Draws with the generic `$draw(&root, ...)` into `$path`, as SVG or PNG.
macro_rules! render {
    ($path:expr, $svg:expr, $draw:ident($($arg:expr),*)) => {
        if $svg {
            let root = SVGBackend::new($path, SIZE).into_drawing_area();
            finish(&root, $draw(&root, $($arg),*))
        } else {
            let root = BitMapBackend::new($path, SIZE).into_drawing_area();
            finish(&root, $draw(&root, $($arg),*))
        }
    };
}

/// Presents a drawn chart, or reports why it could not be drawn.
fn finish<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    drawn: Result<(), String>,
) -> io::Result<()> {
    drawn.map_err(err)?;
    root.present().map_err(err)
}

/// A plotters error as text.
fn e(x: impl std::fmt::Display) -> String {
    x.to_string()
}

/// Latency CDF per outcome, log-scaled latency, with the overall p50 and p99 marked.
pub fn latency_cdf(path: &Path, svg: bool, t: &Table) -> io::Result<()> {
    let mut lines: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for r in t.rows() {
        let ms = t.num(r, "latency_ms").max(0.01);
        lines
            .entry(t.text(r, "outcome").to_string())
            .or_default()
            .push((ms, t.num(r, "quantile")));
    }
    render!(path, svg, cdf_chart(&lines))
}

fn cdf_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    lines: &BTreeMap<String, Vec<(f64, f64)>>,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(e)?;
    let max = lines.values().flatten().map(|p| p.0).fold(1.0, f64::max);
    let min = lines.values().flatten().map(|p| p.0).fold(max, f64::min);
    let mut chart = ChartBuilder::on(root)
        .caption("Latency distribution by result type", ("sans-serif", 32))
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
    named_lines(&mut chart, lines.iter(), 3)?;
    if let Some(all) = lines.get("All") {
        for (q, label) in [(0.5, "p50"), (0.99, "p99")] {
            let ms = all
                .iter()
                .find(|p| p.1 >= q)
                .map_or(0.01, |p| p.0.max(0.01));
            chart
                .draw_series(LineSeries::new(
                    vec![(ms, 0.0), (ms, 1.0)],
                    BLACK.stroke_width(1),
                ))
                .map_err(e)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{label} {ms:.1} ms"),
                    (ms * 1.05, q.min(0.9) - 0.05),
                    ("sans-serif", 18),
                )))
                .map_err(e)?;
        }
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight)
}

/// The legend of the labelled series, at `position`.
fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .label_font(("sans-serif", 18))
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(position)
        .draw()
        .map_err(e)
}

/// Errors per interval over all POPs, stacked by status, and failovers as a line; drawn only
/// when there are any. Returns whether it was drawn.
pub fn errors_over_time(path: &Path, svg: bool, t: &Table) -> io::Result<bool> {
    const STATUSES: [(&str, &str); 6] = [
        ("errors_4xx", "4xx"),
        ("errors_500", "500"),
        ("errors_502", "502"),
        ("errors_503", "503"),
        ("errors_504", "504"),
        ("errors_5xx_other", "other 5xx"),
    ];
    let mut per: BTreeMap<u64, [f64; 7]> = BTreeMap::new();
    for r in t.rows() {
        let slot = per.entry(t.num(r, "interval_start_s") as u64).or_default();
        for (i, (column, _)) in STATUSES.iter().enumerate() {
            slot[i] += t.num(r, column);
        }
        slot[6] += t.num(r, "failovers");
    }
    if per.values().all(|v| v.iter().all(|&x| x == 0.0)) {
        return Ok(false);
    }
    // Stacked: each status's band sits on the ones before it.
    let minutes: Vec<f64> = per.keys().map(|&s| s as f64 / 60.0).collect();
    let mut bands: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    let mut base = vec![0.0; per.len()];
    for (i, (_, label)) in STATUSES.iter().enumerate() {
        for (b, v) in base.iter_mut().zip(per.values()) {
            *b += v[i];
        }
        bands.push((
            label.to_string(),
            minutes.iter().copied().zip(base.clone()).collect(),
        ));
    }
    let failovers: Vec<(f64, f64)> = minutes
        .iter()
        .copied()
        .zip(per.values().map(|v| v[6]))
        .collect();
    render!(path, svg, errors_chart(&bands, &failovers))?;
    Ok(true)
}

fn errors_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    bands: &[(String, Vec<(f64, f64)>)],
    failovers: &[(f64, f64)],
) -> Result<(), String> {
    root.fill(&WHITE).map_err(e)?;
    let end = bands
        .iter()
        .flat_map(|b| &b.1)
        .map(|p| p.0)
        .fold(1.0, f64::max);
    let top = bands
        .iter()
        .flat_map(|b| &b.1)
        .chain(failovers)
        .map(|p| p.1)
        .fold(1.0, f64::max)
        * 1.1;
    let mut chart = ChartBuilder::on(root)
        .caption(
            "Errors per interval by status, and failovers",
            ("sans-serif", 32),
        )
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(100)
        .build_cartesian_2d(0f64..end, 0f64..top)
        .map_err(e)?;
    chart
        .configure_mesh()
        .y_label_formatter(&|v: &f64| tick(*v))
        .x_desc("simulated time (minutes)")
        .y_desc("requests per interval")
        .label_style(("sans-serif", 18))
        .draw()
        .map_err(e)?;
    // Top band first, so each lower band is drawn over the one above it.
    for (i, (name, points)) in bands.iter().enumerate().rev() {
        let c = colour(i);
        chart
            .draw_series(AreaSeries::new(points.iter().copied(), 0.0, c.mix(0.6)))
            .map_err(e)?
            .label(name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], c.filled()));
    }
    let style = BLACK.stroke_width(2);
    chart
        .draw_series(LineSeries::new(failovers.iter().copied(), style))
        .map_err(e)?
        .label("failovers")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}

/// One labelled line per `(name, points)`, in palette order.
fn named_lines<'a, DB: DrawingBackend, CT: CoordTranslate<From = (f64, f64)>>(
    chart: &mut ChartContext<'_, DB, CT>,
    lines: impl Iterator<Item = (&'a String, &'a Vec<(f64, f64)>)>,
    width: u32,
) -> Result<(), String> {
    for (i, (name, points)) in lines.enumerate() {
        let style = colour(i).stroke_width(width);
        chart
            .draw_series(LineSeries::new(points.iter().copied(), style))
            .map_err(e)?
            .label(name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
    }
    Ok(())
}

/// Hit ratio over time, one line per POP (the eight busiest).
/// Fault windows shaded grey, from `faults.csv`.
pub fn hit_ratio_over_time(path: &Path, svg: bool, t: &Table, faults: &Table) -> io::Result<()> {
    let windows: Vec<(f64, f64)> = faults
        .rows()
        .iter()
        .map(|r| {
            (
                faults.num(r, "start_s") / 60.0,
                faults.num(r, "end_s") / 60.0,
            )
        })
        .collect();
    let mut lines: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let mut volume: BTreeMap<String, f64> = BTreeMap::new();
    for r in t.rows() {
        let pop = t.text(r, "pop").to_string();
        *volume.entry(pop.clone()).or_default() += t.num(r, "requests");
        if t.num(r, "cacheable_requests") > 0.0 {
            let minute = t.num(r, "interval_start_s") / 60.0;
            lines
                .entry(pop)
                .or_default()
                .push((minute, t.num(r, "hit_ratio")));
        }
    }
    // The last interval holds only the stragglers of the run: leave out intervals with
    // under a tenth of a POP's mean requests, whose ratios say nothing.
    let intervals = lines.values().map(Vec::len).max().unwrap_or(1).max(1) as f64;
    let requests: BTreeMap<(String, u64), f64> = t
        .rows()
        .iter()
        .map(|r| {
            let key = (
                t.text(r, "pop").to_string(),
                t.num(r, "interval_start_s") as u64,
            );
            (key, t.num(r, "requests"))
        })
        .collect();
    for (pop, points) in lines.iter_mut() {
        let floor = volume.get(pop).copied().unwrap_or(0.0) / intervals / 10.0;
        points.retain(|p| {
            let key = (pop.clone(), (p.0 * 60.0).round() as u64);
            requests.get(&key).copied().unwrap_or(0.0) >= floor
        });
    }
    let mut busiest: Vec<(String, f64)> = volume.into_iter().collect();
    busiest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let shown: Vec<(String, Vec<(f64, f64)>)> = busiest
        .into_iter()
        .take(8)
        .map(|(p, _)| {
            let points = lines.remove(&p).unwrap_or_default();
            (p, points)
        })
        .collect();
    render!(path, svg, time_chart(&shown, &windows))
}

fn time_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    lines: &[(String, Vec<(f64, f64)>)],
    windows: &[(f64, f64)],
) -> Result<(), String> {
    root.fill(&WHITE).map_err(e)?;
    let end = lines
        .iter()
        .flat_map(|l| &l.1)
        .map(|p| p.0)
        .fold(1.0, f64::max);
    let mut chart = ChartBuilder::on(root)
        .caption("Hit ratio over time by POP", ("sans-serif", 32))
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(80)
        .build_cartesian_2d(0f64..end, 0f64..1f64)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc("simulated time (minutes)")
        .y_desc("hit ratio")
        .label_style(("sans-serif", 18))
        .draw()
        .map_err(e)?;
    let shade = RGBColor(128, 128, 128).mix(0.2);
    chart
        .draw_series(
            windows.iter().map(|&(a, b)| {
                Rectangle::new([(a.min(end), 0.0), (b.min(end), 1.0)], shade.filled())
            }),
        )
        .map_err(e)?;
    // A POP with no traffic for a while (an outage) gets a gap, not a line across it.
    for (i, (name, points)) in lines.iter().enumerate() {
        let style = colour(i).stroke_width(2);
        for (k, run) in runs(points).into_iter().enumerate() {
            let series = chart.draw_series(LineSeries::new(run, style)).map_err(e)?;
            if k == 0 {
                series
                    .label(name.clone())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
            }
        }
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight)
}

/// Requests per POP, busiest first.
pub fn requests_per_pop(path: &Path, svg: bool, t: &Table) -> io::Result<()> {
    let mut bars: Vec<(String, f64)> = t
        .rows()
        .iter()
        .map(|r| (t.text(r, "pop").to_string(), t.num(r, "requests")))
        .collect();
    bars.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let series = [("requests".to_string(), bars.iter().map(|b| b.1).collect())];
    let labels: Vec<String> = bars.into_iter().map(|b| b.0).collect();
    let titles = ("Requests per POP", "POP", "requests counted");
    render!(path, svg, bar_chart(titles, &labels, &series))
}

/// Median and 99th percentile latency per negotiated viewer protocol.
pub fn latency_by_protocol(path: &Path, svg: bool, t: &Table) -> io::Result<()> {
    latency_bars(
        path,
        svg,
        t,
        "protocol",
        ("Latency by viewer protocol", "protocol"),
    )
}

/// Median and 99th percentile latency per client region.
pub fn latency_by_region(path: &Path, svg: bool, t: &Table) -> io::Result<()> {
    latency_bars(
        path,
        svg,
        t,
        "region",
        ("Latency by client region", "client region"),
    )
}

/// p50 and p99 bars, one group per row of `t`, named by its `key` column.
fn latency_bars(
    path: &Path,
    svg: bool,
    t: &Table,
    key: &str,
    (title, x_desc): (&str, &str),
) -> io::Result<()> {
    let labels: Vec<String> = t
        .rows()
        .iter()
        .map(|r| t.text(r, key).to_string())
        .collect();
    let column = |c: &str| t.rows().iter().map(|r| t.num(r, c)).collect::<Vec<f64>>();
    let series = [
        ("p50".to_string(), column("latency_p50_ms")),
        ("p99".to_string(), column("latency_p99_ms")),
    ];
    let titles = (title, x_desc, "time to first byte (ms)");
    render!(path, svg, bar_chart(titles, &labels, &series))
}

/// Grouped bars: one group per label, one bar per series.
fn bar_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (title, x_desc, y_desc): (&str, &str, &str),
    labels: &[String],
    series: &[(String, Vec<f64>)],
) -> Result<(), String> {
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
        .x_label_formatter(&|x: &f64| {
            let i = (*x - 0.5).round();
            if (x - 0.5 - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|v: &f64| tick(*v))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(("sans-serif", 18))
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
