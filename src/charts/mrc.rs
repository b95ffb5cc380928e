//! The miss-ratio curves of a replay: miss ratio against cache size, one line per policy.

use super::frame::DrawError;
use super::frame::{e, legend, named_lines, register_font};
use super::table::key;
use super::time::Line;
use super::Table;
use crate::replay::MRC;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::io;
use std::path::Path;

/// `v` bytes with a binary unit, as a tick label.
fn size_label(v: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut x = v;
    let mut u = 0;
    while x >= 1024.0 && u + 1 < UNITS.len() {
        x /= 1024.0;
        u += 1;
    }
    if x >= 100.0 || x.fract() == 0.0 {
        format!("{x:.0} {}", UNITS[u])
    } else {
        format!("{x:.1} {}", UNITS[u])
    }
}

/// Draws `dir/charts/mrc.{png,svg}` from `dir/mrc.csv`.
pub fn render_mrc(dir: &Path) -> io::Result<()> {
    register_font();
    let t = Table::read(&dir.join("mrc.csv"))?;
    let mut lines: Vec<Line> = Vec::new();
    for r in t.rows() {
        let policy = t.text(r, key!(MRC, "policy"));
        // Sizes go on a base-2 log axis, so ticks fall on whole KiB, MiB and GiB.
        let point = (
            t.num(r, key!(MRC, "capacity_bytes")).max(1.0).log2(),
            t.num(r, key!(MRC, "miss_ratio")),
        );
        match lines.iter_mut().find(|l| l.0 == policy) {
            Some(l) => l.1.push(point),
            None => lines.push((policy.to_string(), vec![point])),
        }
    }
    for l in &mut lines {
        l.1.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let objects = t
        .rows()
        .first()
        .is_some_and(|r| t.text(r, key!(MRC, "units")) == "objects");
    let out = dir.join("charts");
    std::fs::create_dir_all(&out)?;
    for svg in [false, true] {
        let path = out.join(if svg { "mrc.svg" } else { "mrc.png" });
        render!(&path, svg, mrc_chart(&lines, objects))?;
    }
    Ok(())
}

fn mrc_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    lines: &[Line],
    objects: bool,
) -> Result<(), DrawError> {
    root.fill(&WHITE).map_err(e)?;
    let xs = lines.iter().flat_map(|l| &l.1).map(|p| p.0);
    let lo = xs.clone().fold(f64::INFINITY, f64::min);
    let hi = xs.fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() && hi > lo {
        (lo - 0.4, hi + 0.4)
    } else if lo.is_finite() {
        (lo - 1.0, lo + 1.0)
    } else {
        (0.0, 1.0)
    };
    let top = lines
        .iter()
        .flat_map(|l| &l.1)
        .map(|p| p.1)
        .fold(0.0, f64::max)
        .max(0.01)
        * 1.25;
    let mut chart = ChartBuilder::on(root)
        .caption("Miss ratio by cache size and policy", ("sans-serif", 32))
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(80)
        .build_cartesian_2d(lo..hi, 0f64..top.min(1.05))
        .map_err(e)?;
    // A label on each whole power of two: every one when they are few, else every
    // other (or fewer) so they never crowd.
    let step = ((hi - lo) / 10.0).ceil().max(1.0);
    let label = |v: &f64| {
        let k = v.round();
        if (v - k).abs() > 1e-6 || k.rem_euclid(step) != 0.0 {
            return String::new();
        }
        let value = k.exp2();
        if objects {
            super::style::tick(value)
        } else {
            size_label(value)
        }
    };
    chart
        .configure_mesh()
        .x_labels(((hi - lo) * 4.0) as usize + 1)
        .x_label_formatter(&label)
        .x_desc(if objects {
            "cache size (objects, log scale)"
        } else {
            "cache size (log scale)"
        })
        .y_desc("miss ratio")
        .label_style(("sans-serif", 18))
        .draw()
        .map_err(e)?;
    named_lines(&mut chart, lines.iter().map(|l| (&l.0, &l.1)), 3)?;
    for (i, l) in lines.iter().enumerate() {
        let c = super::style::colour(i);
        chart
            .draw_series(l.1.iter().map(|&p| Circle::new(p, 5, c.filled())))
            .map_err(e)?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}
