//! Capacity charts: each origin's request rate against its capacity, and the region → POP
//! traffic matrix.

use super::frame::DrawError;
use super::frame::Window;
use super::frame::{e, legend, time_plane, Titles};
use super::style::{centre_label, colour, tick, tint};
use super::table::key;
use super::time::{span, Line};
use super::Table;
use crate::report::{ORIGIN_SERIES, REGION_POPS};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// Origins drawn, busiest first, one panel each.
const PANELS: usize = 4;

/// Capacity above this many times an origin's peak rate is stated rather than drawn, so
/// the rate itself stays readable.
const OFF_SCALE: f64 = 4.0;

/// One origin's panel: name, arrivals per second, refusals per second, capacity.
struct Panel {
    name: String,
    arrivals: Vec<(f64, f64)>,
    refused: Vec<(f64, f64)>,
    capacity: Option<f64>,
}

/// Requests per second reaching each origin (the four busiest, a panel each), with its
/// capacity and the requests it refused; fault windows shaded.
/// Intervals after `cutoff` (seconds) are left out.
pub fn origin_load(
    path: &Path,
    svg: bool,
    t: &Table,
    windows: &[Window],
    cutoff: f64,
) -> io::Result<()> {
    let mut panels: Vec<Panel> = Vec::new();
    let mut totals: BTreeMap<String, f64> = BTreeMap::new();
    for r in t
        .rows()
        .iter()
        .filter(|r| t.num(r, key!(ORIGIN_SERIES, "interval_start_s")) <= cutoff)
    {
        let name = t.text(r, key!(ORIGIN_SERIES, "origin"));
        let i = match panels.iter().position(|p| p.name == name) {
            Some(i) => i,
            None => {
                let capacity = t.text(r, key!(ORIGIN_SERIES, "capacity_rps")).parse().ok();
                panels.push(Panel {
                    name: name.to_string(),
                    arrivals: Vec::new(),
                    refused: Vec::new(),
                    capacity,
                });
                panels.len() - 1
            }
        };
        let minute = t.num(r, key!(ORIGIN_SERIES, "interval_start_s")) / 60.0;
        let rate = t.num(r, key!(ORIGIN_SERIES, "arrivals_per_s"));
        let arrivals = t.num(r, key!(ORIGIN_SERIES, "arrivals"));
        let refused_rate = if arrivals > 0.0 {
            rate * t.num(r, key!(ORIGIN_SERIES, "refused")) / arrivals
        } else {
            0.0
        };
        panels[i].arrivals.push((minute, rate));
        panels[i].refused.push((minute, refused_rate));
        *totals.entry(name.to_string()).or_default() += arrivals;
    }
    panels.sort_by(|a, b| {
        totals[&b.name]
            .total_cmp(&totals[&a.name])
            .then(a.name.cmp(&b.name))
    });
    let hidden = panels.len().saturating_sub(PANELS);
    panels.truncate(PANELS);
    render!(path, svg, load_chart(&panels, hidden, windows))
}

fn load_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panels: &[Panel],
    hidden: usize,
    windows: &[Window],
) -> Result<(), DrawError> {
    root.fill(&WHITE).map_err(e)?;
    let title = match hidden {
        0 => "Origin requests per second, with capacity".to_string(),
        n => format!(
            "Origin requests per second, with capacity (the {PANELS} busiest of {})",
            PANELS + n
        ),
    };
    let titled = root.titled(&title, ("sans-serif", 32)).map_err(e)?;
    let areas = titled.split_evenly((panels.len().max(1), 1));
    let lines: Vec<Line> = panels
        .iter()
        .map(|p| (p.name.clone(), p.arrivals.clone()))
        .collect();
    let x = span(lines.iter());
    for (i, (area, p)) in areas.iter().zip(panels).enumerate() {
        let peak = p.arrivals.iter().map(|x| x.1).fold(0.0, f64::max);
        let shown = p.capacity.filter(|&c| c <= OFF_SCALE * peak.max(1.0));
        // Headroom above the highest line keeps the legend off the data.
        let top = shown.unwrap_or(0.0).max(peak).max(1.0) * 1.5;
        let caption = match p.capacity {
            Some(c) if shown.is_none() => {
                format!(
                    "{}: capacity {} req/s, off the scale",
                    p.name,
                    tick(c.round())
                )
            }
            Some(_) => p.name.clone(),
            None => format!("{}: no capacity bound", p.name),
        };
        let titles = Titles {
            caption: &caption,
            y_desc: "requests per second",
            size: 22,
        };
        let mut chart = time_plane(area, &titles, x.clone(), 0.0..top, windows, &|v| tick(*v))?;
        let style = colour(i).stroke_width(2);
        chart
            .draw_series(LineSeries::new(p.arrivals.iter().copied(), style))
            .map_err(e)?
            .label("arriving")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        if p.refused.iter().any(|r| r.1 > 0.0) {
            let red = tint(RGBColor(214, 39, 40));
            chart
                .draw_series(AreaSeries::new(
                    p.refused.iter().copied(),
                    0.0,
                    red.filled(),
                ))
                .map_err(e)?
                .label("refused (503)")
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], red.filled()));
        }
        if let Some(c) = shown {
            let dash = BLACK.stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(x.start, c), (x.end, c)],
                    10,
                    6,
                    dash,
                ))
                .map_err(e)?
                .label("capacity")
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], dash));
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    }
    Ok(())
}

/// The region → POP traffic matrix: each cell the share of the region's requests that
/// the POP served.
pub fn region_pop_heatmap(path: &Path, svg: bool, t: &Table) -> io::Result<()> {
    let mut regions: Vec<String> = Vec::new();
    let mut pops: Vec<(String, f64)> = Vec::new();
    let mut cells: BTreeMap<(String, String), f64> = BTreeMap::new();
    for r in t.rows() {
        let (region, pop) = (
            t.text(r, key!(REGION_POPS, "region")),
            t.text(r, key!(REGION_POPS, "pop")),
        );
        if !regions.iter().any(|x| x == region) {
            regions.push(region.to_string());
        }
        match pops.iter_mut().find(|p| p.0 == pop) {
            Some(p) => p.1 += t.num(r, key!(REGION_POPS, "requests")),
            None => pops.push((pop.to_string(), t.num(r, key!(REGION_POPS, "requests")))),
        }
        cells.insert(
            (region.into(), pop.into()),
            t.num(r, key!(REGION_POPS, "share_of_region")),
        );
    }
    pops.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let pops: Vec<String> = pops.into_iter().map(|p| p.0).collect();
    let shade: Vec<Vec<f64>> = regions
        .iter()
        .map(|r| {
            pops.iter()
                .map(|p| cells.get(&(r.clone(), p.clone())).copied().unwrap_or(0.0))
                .collect()
        })
        .collect();
    let text = shade
        .iter()
        .map(|row| {
            row.iter()
                .map(|&share| match share {
                    0.0 => String::new(),
                    s if s < 0.01 => "<1%".to_string(),
                    s => format!("{:.0}%", s * 100.0),
                })
                .collect()
        })
        .collect();
    let heat = Heat {
        caption: "Where each region's requests were served (% of the region's requests)",
        x_desc: "POP (busiest first)",
        y_desc: "client region",
        cols: pops,
        rows: regions,
        shade,
        text,
    };
    render!(path, svg, heatmap(&heat))
}

/// A heatmap: a grid of cells, each shaded by a value from 0 to 1 and labelled.
pub struct Heat<'a> {
    pub caption: &'a str,
    pub x_desc: &'a str,
    pub y_desc: &'a str,
    /// Column labels, left to right.
    pub cols: Vec<String>,
    /// Row labels, top to bottom.
    pub rows: Vec<String>,
    /// Per row, per column: the shade, 0 (white) to 1 (darkest).
    pub shade: Vec<Vec<f64>>,
    /// Per row, per column: the cell's text.
    pub text: Vec<Vec<String>>,
}

/// Draws `h`.
pub fn heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    h: &Heat,
) -> Result<(), DrawError> {
    root.fill(&WHITE).map_err(e)?;
    let (pops, regions) = (&h.cols, &h.rows);
    let (w, hh) = (pops.len().max(1), regions.len().max(1));
    let mut chart = ChartBuilder::on(root)
        .caption(h.caption, ("sans-serif", 28))
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(170)
        .build_cartesian_2d(0f64..w as f64, 0f64..hh as f64)
        .map_err(e)?;
    let rows: Vec<String> = regions.iter().rev().cloned().collect();
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(2 * w + 1)
        .y_labels(2 * hh + 1)
        .x_label_formatter(&|x: &f64| centre_label(pops, *x))
        .y_label_formatter(&|y: &f64| centre_label(&rows, *y))
        .x_desc(h.x_desc)
        .y_desc(h.y_desc)
        .label_style(("sans-serif", 18))
        .draw()
        .map_err(e)?;
    // Cell text shrinks with the cell, and is left out where it would not fit.
    let cell_px = (SIZE_W - 230) / w as i32;
    let size = cell_px.min(18 * 3) / 3;
    for (ri, row) in h.shade.iter().enumerate() {
        let y = (hh - 1 - ri) as f64;
        for (pi, &share) in row.iter().enumerate() {
            let x = pi as f64;
            let shade = |full: u8| (255.0 - share * (255.0 - f64::from(full))) as u8;
            let fill = RGBColor(shade(8), shade(48), shade(107));
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x, y), (x + 1.0, y + 1.0)],
                    fill.filled(),
                )))
                .map_err(e)?;
            let text = &h.text[ri][pi];
            if size >= 9 && !text.is_empty() {
                let ink = if share > 0.5 { WHITE } else { BLACK };
                let style = ("sans-serif", size).into_font().color(&ink).pos(
                    plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Center,
                    ),
                );
                chart
                    .draw_series(std::iter::once(Text::new(
                        text.clone(),
                        (x + 0.5, y + 0.5),
                        style,
                    )))
                    .map_err(e)?;
            }
        }
    }
    Ok(())
}

/// Chart width in pixels, for sizing cell text.
const SIZE_W: i32 = super::SIZE.0 as i32;
