//! Counts over time stacked by kind: errors by status (with failovers), and 403s by
//! reason; each drawn only when the run had some.

use super::frame::{e, legend, time_plane, DrawError, Titles};
use super::style::{colour, tick, tint};
use super::table::{key, metric, Col};
use super::time::{last_full_interval, span, Line, Window};
use super::Table;
use crate::report::INTERVAL_KEYS;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// Columns summed per interval, with their labels.
type Bands<'a> = &'a [(Col, &'a str)];

/// Errors per interval over all POPs, stacked by status, and failovers as a line; drawn
/// only when there are any. Returns whether it was drawn.
pub fn errors_over_time(path: &Path, svg: bool, t: &Table, windows: &[Window]) -> io::Result<bool> {
    const STATUSES: [(Col, &str); 6] = [
        (metric!("errors_4xx"), "4xx"),
        (metric!("errors_500"), "500"),
        (metric!("errors_502"), "502"),
        (metric!("errors_503"), "503"),
        (metric!("errors_504"), "504"),
        (metric!("errors_5xx_other"), "other 5xx"),
    ];
    let titles = Titles {
        caption: "Errors per interval by status, and failovers",
        y_desc: "requests per interval",
        size: 32,
    };
    stacked(
        path,
        svg,
        t,
        &titles,
        &STATUSES,
        Some((metric!("failovers"), "failovers")),
        windows,
    )
}

/// 403 responses per interval over all POPs, stacked by reason; drawn only when there
/// are any. Returns whether it was drawn.
pub fn denials_over_time(
    path: &Path,
    svg: bool,
    t: &Table,
    windows: &[Window],
) -> io::Result<bool> {
    const REASONS: [(Col, &str); 10] = [
        (
            metric!("forbidden_https_only"),
            "HTTP to an HTTPS-only behavior",
        ),
        (
            metric!("forbidden_old_protocol"),
            "HTTP/1.0 method that cannot be redirected",
        ),
        (metric!("denied_missing_key"), "no key pair id or signature"),
        (metric!("denied_invalid_key"), "key not in a trusted group"),
        (metric!("denied_malformed_policy"), "malformed policy"),
        (metric!("denied_bad_signature"), "bad signature"),
        (
            metric!("denied_resource_mismatch"),
            "resource does not match",
        ),
        (metric!("denied_expired"), "expired"),
        (metric!("denied_not_yet_valid"), "not yet valid"),
        (metric!("denied_ip"), "client IP not allowed"),
    ];
    let titles = Titles {
        caption: "403 responses per interval by reason",
        y_desc: "requests per interval",
        size: 32,
    };
    stacked(path, svg, t, &titles, &REASONS, None, windows)
}

/// A stacked-area chart of `bands` summed over POPs per interval, with an optional line;
/// drawn only when any value is non-zero.
fn stacked(
    path: &Path,
    svg: bool,
    t: &Table,
    titles: &Titles<'_>,
    bands: Bands<'_>,
    line: Option<(Col, &str)>,
    windows: &[Window],
) -> io::Result<bool> {
    let columns: Vec<Col> = bands.iter().map(|b| b.0).chain(line.map(|l| l.0)).collect();
    let mut per: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
    let cutoff = last_full_interval(t);
    for r in t
        .rows()
        .iter()
        .filter(|r| t.num(r, key!(INTERVAL_KEYS, "interval_start_s")) <= cutoff)
    {
        let slot = per
            .entry(t.num(r, key!(INTERVAL_KEYS, "interval_start_s")) as u64)
            .or_insert_with(|| vec![0.0; columns.len()]);
        for (x, column) in slot.iter_mut().zip(&columns) {
            *x += t.num(r, *column);
        }
    }
    if per.values().all(|v| v.iter().all(|&x| x == 0.0)) {
        return Ok(false);
    }
    // Each band sits on the ones before it; bands that are zero throughout are left out
    // of the legend.
    let minutes: Vec<f64> = per.keys().map(|&s| s as f64 / 60.0).collect();
    let mut areas: Vec<Line> = Vec::new();
    let mut base = vec![0.0; per.len()];
    for (i, (_, label)) in bands.iter().enumerate() {
        if per.values().all(|v| v[i] == 0.0) {
            continue;
        }
        for (b, v) in base.iter_mut().zip(per.values()) {
            *b += v[i];
        }
        let points = minutes.iter().copied().zip(base.clone()).collect();
        areas.push((label.to_string(), points));
    }
    let extra: Option<Line> = line.map(|(_, label)| {
        let k = bands.len();
        let points = minutes.iter().copied().zip(per.values().map(|v| v[k]));
        (label.to_string(), points.collect())
    });
    render!(
        path,
        svg,
        stacked_chart(titles, &areas, extra.as_ref(), windows)
    )?;
    Ok(true)
}

fn stacked_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    titles: &Titles<'_>,
    areas: &[Line],
    line: Option<&Line>,
    windows: &[Window],
) -> Result<(), DrawError> {
    root.fill(&WHITE).map_err(e)?;
    let all = areas.iter().chain(line);
    let x = span(all.clone());
    // Headroom above the highest band keeps the legend off the data.
    let top = all.flat_map(|l| &l.1).map(|p| p.1).fold(1.0, f64::max) * 1.4;
    let mut chart = time_plane(root, titles, x, 0.0..top, windows, &|v| tick(*v))?;
    // Top band first, so each lower band is drawn over the one above it.
    // Colours go by position among the bands drawn, so the few there are stay distinct.
    for (i, (name, points)) in areas.iter().enumerate().rev() {
        // Opaque tints: see-through bands would blend into colours the legend lacks.
        let c = tint(colour(i));
        chart
            .draw_series(AreaSeries::new(points.iter().copied(), 0.0, c.filled()))
            .map_err(e)?
            .label(name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], c.filled()));
    }
    if let Some((name, points)) = line {
        let style = BLACK.stroke_width(2);
        chart
            .draw_series(LineSeries::new(points.iter().copied(), style))
            .map_err(e)?
            .label(name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}
