//! Charts over simulated time: hit ratios per POP, errors and 403s per interval, with the
//! injected faults' and flash crowds' windows shaded and named.

use super::frame::DrawError;
pub use super::frame::Window;
use super::frame::{e, time_plane, Titles};
use super::style::{colour, runs};
use super::table::{key, metric, Col};
use super::{Table, SIZE};
use crate::report::{FAULTS, INTERVAL_KEYS};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::io;
use std::ops::Range;
use std::path::Path;

/// POPs drawn on their own in the hit-ratio chart; the rest are summed as "others".
const OWN_LINES: usize = 7;

/// The fault windows of a `faults.csv` table, in minutes, each named by its kind and
/// target (`origin_outage primary`).
pub fn fault_windows(faults: &Table) -> Vec<Window> {
    faults
        .rows()
        .iter()
        .map(|r| {
            let at = |c: Col| faults.num(r, c) / 60.0;
            let kind = faults.text(r, key!(FAULTS, "kind"));
            let target = faults.text(r, key!(FAULTS, "target"));
            Window {
                from: at(key!(FAULTS, "start_s")),
                to: at(key!(FAULTS, "end_s")),
                label: format!("{kind} {target}").trim().to_string(),
                crowd: false,
            }
        })
        .collect()
}

/// The flash crowds of a resolved scenario's text, in minutes, each named by its
/// multiplier (`flash crowd ×4`); none when the text does not read.
pub fn crowd_windows(resolved: &str) -> Vec<Window> {
    let Ok(doc) = resolved.parse::<toml::Table>() else {
        return Vec::new();
    };
    let crowds = doc
        .get("workload")
        .and_then(|w| w.get("flash_crowds"))
        .and_then(toml::Value::as_array);
    let minutes = |v: Option<&toml::Value>| {
        v.and_then(toml::Value::as_str)
            .and_then(crate::units::Duration::parse)
            .map(|d| d.0 as f64 / 60e9)
    };
    crowds
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let from = minutes(c.get("start"))?;
            let to = from + minutes(c.get("duration"))?;
            let times = c
                .get("multiplier")
                .and_then(toml::Value::as_float)
                .unwrap_or(1.0);
            Some(Window {
                from,
                to,
                label: format!("flash crowd ×{times}"),
                crowd: true,
            })
        })
        .collect()
}

/// (minute, value) points of one series.
pub type Points = Vec<(f64, f64)>;

/// A labelled series.
pub type Line = (String, Points);

/// Hit ratio (upper panel) and byte hit ratio (lower) over time, one line per busy POP
/// and one for the others together; fault windows shaded.
pub fn hit_ratio_over_time(
    path: &Path,
    svg: bool,
    t: &Table,
    windows: &[Window],
) -> io::Result<()> {
    let (requests, byte, errors) = hit_ratio_lines(t);
    let x = span(requests.iter().chain(&byte));
    let title = "Hit ratio, byte hit ratio and error rate over time by POP";
    let panels = [
        Panel::ratio(&requests, "hit ratio (requests)"),
        Panel::ratio(&byte, "byte hit ratio"),
        Panel::share(&errors, "error rate (all requests)"),
    ];
    render!(path, svg, stacked_panels(title, &panels, x, windows))
}

/// One panel of a time chart: its lines, its axis label, and whether its axis is a ratio
/// fitted to the lines or a small share from 0, labelled in percent.
pub struct Panel<'a> {
    /// Its lines.
    pub lines: &'a [Line],
    /// Its y-axis label.
    pub desc: &'a str,
    /// A share from 0 (errors), rather than a ratio fitted to the data.
    pub share: bool,
}

impl<'a> Panel<'a> {
    /// A ratio panel.
    pub fn ratio(lines: &'a [Line], desc: &'a str) -> Self {
        Panel {
            lines,
            desc,
            share: false,
        }
    }

    /// A share panel, from 0.
    pub fn share(lines: &'a [Line], desc: &'a str) -> Self {
        Panel {
            lines,
            desc,
            share: true,
        }
    }
}

/// The hit-ratio, byte-hit-ratio and error-rate lines of a `timeseries.csv` table.
pub(super) fn hit_ratio_lines(t: &Table) -> (Vec<Line>, Vec<Line>, Vec<Line>) {
    let mut volume: BTreeMap<&str, f64> = BTreeMap::new();
    for r in t.rows() {
        *volume
            .entry(t.text(r, key!(INTERVAL_KEYS, "pop")))
            .or_default() += t.num(r, metric!("requests"));
    }
    // A POP that served nothing has no ratio to draw, and no place in the legend.
    let mut busiest: Vec<(&str, f64)> = volume.into_iter().filter(|p| p.1 > 0.0).collect();
    busiest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    // With one POP more than the lines allow, that POP gets its own line rather than an
    // "others" of one.
    let own = if busiest.len() <= OWN_LINES + 1 {
        busiest.len()
    } else {
        OWN_LINES
    };
    let mut names: Vec<String> = busiest[..own].iter().map(|p| p.0.to_string()).collect();
    if busiest.len() > own {
        names.push(format!("others ({} POPs)", busiest.len() - own));
    }
    let line_of = |pop: &str| busiest.iter().position(|p| p.0 == pop).map(|i| i.min(own));
    let (requests, bytes, errors) = ratio_lines(t, names.len(), line_of);
    let named = |lines: Vec<Points>| names.iter().cloned().zip(lines).collect();
    (named(requests), named(bytes), named(errors))
}

/// Hit ratio, byte hit ratio and error rate per interval of `lines` lines, each summing
/// the POPs that `line_of` puts in it.
pub fn ratio_lines(
    t: &Table,
    lines: usize,
    line_of: impl Fn(&str) -> Option<usize>,
) -> (Vec<Points>, Vec<Points>, Vec<Points>) {
    // Per (line, interval): requests, cacheable requests, hits, bytes from cache,
    // cacheable bytes, errors.
    let mut sums: BTreeMap<(usize, u64), [f64; 6]> = BTreeMap::new();
    for r in t.rows() {
        let Some(line) = line_of(t.text(r, key!(INTERVAL_KEYS, "pop"))) else {
            continue;
        };
        let start = t.num(r, key!(INTERVAL_KEYS, "interval_start_s")) as u64;
        let s = sums.entry((line, start)).or_default();
        let cacheable = t.num(r, metric!("cacheable_requests"));
        s[0] += t.num(r, metric!("requests"));
        s[1] += cacheable;
        s[2] += t.num(r, metric!("hit_ratio")) * cacheable;
        s[3] += t.num(r, metric!("bytes_from_cache"));
        s[4] += t.num(r, metric!("cacheable_bytes"));
        s[5] += t.num(r, metric!("errors"));
    }
    let intervals = sums
        .keys()
        .map(|k| k.1)
        .collect::<std::collections::BTreeSet<_>>()
        .len()
        .max(1) as f64;
    let mut requests = vec![Vec::new(); lines];
    let mut bytes = vec![Vec::new(); lines];
    let mut errors = vec![Vec::new(); lines];
    for line in 0..lines {
        let range = || sums.range((line, 0)..=(line, u64::MAX));
        let total: f64 = range().map(|(_, s)| s[0]).sum();
        // The last interval holds only the stragglers of the run: leave out intervals
        // with under a tenth of the line's mean requests, whose ratios say nothing.
        let floor = total / intervals / 10.0;
        for (&(_, start), s) in range() {
            if s[0] < floor || s[0] == 0.0 {
                continue;
            }
            let minute = start as f64 / 60.0;
            if s[1] > 0.0 {
                requests[line].push((minute, s[2] / s[1]));
            }
            if s[4] > 0.0 {
                bytes[line].push((minute, s[3] / s[4]));
            }
            errors[line].push((minute, s[5] / s[0]));
        }
    }
    (requests, bytes, errors)
}

/// The minutes from the earliest point to the latest, at least one minute long.
pub fn span<'a>(lines: impl Iterator<Item = &'a Line>) -> Range<f64> {
    let (mut a, mut b) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in lines.flat_map(|l| &l.1) {
        a = a.min(p.0);
        b = b.max(p.0);
    }
    if a > b {
        return 0.0..1.0;
    }
    a..b.max(a + 1.0)
}

/// The start (seconds) of the last interval of a `timeseries.csv` table with at least a
/// tenth of the mean requests per interval: later ones hold only the stragglers that
/// finish after the run's end, and would draw as a false drop.
pub fn last_full_interval(series: &Table) -> f64 {
    let mut per: BTreeMap<u64, f64> = BTreeMap::new();
    for r in series.rows() {
        *per.entry(series.num(r, key!(INTERVAL_KEYS, "interval_start_s")) as u64)
            .or_default() += series.num(r, metric!("requests"));
    }
    let mean = per.values().sum::<f64>() / per.len().max(1) as f64;
    per.iter()
        .rev()
        .find(|(_, &n)| n >= mean / 10.0)
        .map_or(f64::INFINITY, |(&s, _)| s as f64)
}

pub fn stacked_panels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    panels: &[Panel<'_>],
    x: Range<f64>,
    windows: &[Window],
) -> Result<(), DrawError> {
    root.fill(&WHITE).map_err(e)?;
    let titled = root.titled(title, ("sans-serif", 32)).map_err(e)?;
    // The legend gets its own column, so it never hides a line.
    let (plots, key) = titled.split_horizontally(SIZE.0 - 190);
    let areas = plots.split_evenly((panels.len(), 1));
    for (area, panel) in areas.iter().zip(panels) {
        let t = Titles {
            caption: "",
            y_desc: panel.desc,
            size: 10,
        };
        let (y, fine) = match panel.share {
            true => (share_axis(panel.lines), true),
            false => {
                let y = fitted(panel.lines);
                let fine = y.end - y.start < 0.5;
                (y, fine)
            }
        };
        let label = |v: &f64| match (panel.share, fine) {
            (true, _) => format!("{:.1}%", v * 100.0),
            (false, true) => format!("{v:.2}"),
            (false, false) => format!("{v:.1}"),
        };
        let mut chart = time_plane(area, &t, x.clone(), y, windows, &label)?;
        // A POP with no traffic for a while (an outage) gets a gap, not a line across it.
        for (i, (_, points)) in panel.lines.iter().enumerate() {
            let style = colour(i).stroke_width(2);
            for run in runs(points) {
                chart.draw_series(LineSeries::new(run, style)).map_err(e)?;
            }
        }
    }
    let mut names: Vec<(String, RGBColor)> = panels[0]
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| (l.0.clone(), colour(i)))
        .collect();
    if windows.iter().any(|w| !w.crowd) {
        names.push(("fault".into(), RGBColor(210, 210, 210)));
    }
    if windows.iter().any(|w| w.crowd) {
        names.push(("flash crowd".into(), RGBColor(250, 215, 160)));
    }
    key_column(&key, &names)
}

/// A legend drawn in its own area: a swatch and a name per entry, from the top.
pub fn key_column<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor)],
) -> Result<(), DrawError> {
    let font = ("sans-serif", 18).into_font();
    for (i, (name, c)) in entries.iter().enumerate() {
        let y = 40 + 30 * i as i32;
        area.draw(&Rectangle::new([(4, y - 6), (26, y + 6)], c.filled()))
            .map_err(e)?;
        area.draw(&Text::new(name.clone(), (34, y - 9), font.clone()))
            .map_err(e)?;
    }
    Ok(())
}

/// A share axis from 0 to a little above the panel's highest point (at least 1%).
fn share_axis(lines: &[Line]) -> Range<f64> {
    let top = lines
        .iter()
        .flat_map(|l| l.1.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    0.0..(top * 1.15).max(0.01)
}

/// A ratio axis that fits the panel's lines: their lowest and highest points widened to
/// the next tenth (a twentieth of headroom), within 0 to 1, and at least a tenth tall.
fn fitted(lines: &[Line]) -> Range<f64> {
    let values = lines.iter().flat_map(|l| l.1.iter().map(|p| p.1));
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if !lo.is_finite() {
        return 0.0..1.0;
    }
    let low = ((lo - 0.05) * 10.0).floor().max(0.0) / 10.0;
    let high = ((hi + 0.05) * 10.0).ceil().min(10.0) / 10.0;
    match high - low < 0.1 {
        true => low..(low + 0.1).min(1.0),
        false => low..high,
    }
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    fn the_ratio_axis_fits_the_lines_within_zero_and_one() {
        let line = |ys: &[f64]| ("p".to_string(), ys.iter().map(|&y| (0.0, y)).collect());
        assert_eq!(fitted(&[line(&[0.74, 0.95])]), 0.6..1.0);
        assert_eq!(fitted(&[line(&[0.02, 0.3])]), 0.0..0.4);
        assert_eq!(fitted(&[line(&[0.5, 0.5])]), 0.4..0.6);
        assert_eq!(fitted(&[]), 0.0..1.0);
    }
}

#[cfg(test)]
mod window_tests {
    use super::*;

    #[test]
    fn flash_crowds_of_the_resolved_scenario_become_named_windows() {
        let text = "[workload]\nrate = 1.0\n[[workload.flash_crowds]]\nstart = \"3m\"\nduration = \"90s\"\nmultiplier = 4.0\n";
        let w = crowd_windows(text);
        assert_eq!(w.len(), 1);
        assert_eq!((w[0].from, w[0].to, w[0].crowd), (3.0, 4.5, true));
        assert_eq!(w[0].label, "flash crowd ×4");
        assert!(crowd_windows("not toml [").is_empty());
    }
}
