//! Charts of a run, drawn from its CSV files alone (so an earlier run's folder can be
//! charted again), as PNG and SVG at 1200×800 with an embedded font (DejaVu Sans, whose
//! licence is beside it in `assets/fonts`), so nothing outside cargo is needed.

/// Draws `$draw(&root, args...)` into `$path` as SVG or PNG: under a hidden name first,
/// renamed into place once complete, so a failed drawing leaves no partial chart.
macro_rules! render {
    ($path:expr, $svg:expr, $draw:ident($($arg:expr),*)) => {{
        let path: &std::path::Path = $path;
        let tmp = $crate::charts::frame::scratch(path);
        if $svg {
            let root = SVGBackend::new(&tmp, $crate::charts::SIZE).into_drawing_area();
            let drawn = $draw(&root, $($arg),*);
            $crate::charts::frame::finish(root, drawn, &tmp, path)
        } else {
            let root = BitMapBackend::new(&tmp, $crate::charts::SIZE).into_drawing_area();
            let drawn = $draw(&root, $($arg),*);
            $crate::charts::frame::finish(root, drawn, &tmp, path)
        }
    }};
}

mod bill;
mod capacity;
mod compare;
mod draw;
mod frame;
mod html;
mod mrc;
mod stacks;
pub mod study;
mod style;
mod table;
#[cfg(test)]
mod tests;
mod time;
mod verdict;

pub use compare::{compare, COMPARED, COMPARE_CHARTS};
pub use frame::{register_font, Window};
pub use html::{escape, human, page_start, write_named, HEADLINE};
pub use mrc::render_mrc;
pub use table::{Col, Table};
pub use verdict::verdict;

use std::io;
use std::path::Path;

/// The charts every run draws, by file stem.
pub const CHARTS: [&str; 8] = [
    "latency_cdf",
    "latency_tail",
    "hit_ratio_over_time",
    "origin_load",
    "requests_per_pop",
    "region_pop_traffic",
    "latency_by_region",
    "latency_by_protocol",
];

/// Charts drawn only when a run has something to show in them: errors (or failovers),
/// and 403 responses.
pub const OCCASIONAL: [&str; 2] = ["errors_over_time", "denials_over_time"];

/// Width and height of every chart, pixels.
pub const SIZE: (u32, u32) = (1200, 800);

/// Draws the charts of the run in `dir` and writes `dir/report.html`, which shows them.
pub fn report(dir: &Path) -> io::Result<()> {
    render(dir)?;
    html::write(dir)
}

/// Draws every chart of the run in `dir` into `dir/charts/`, as PNG and SVG.
pub fn render(dir: &Path) -> io::Result<()> {
    frame::register_font();
    let read = |name: &str| Table::read(&dir.join(name));
    let cdf = read("latency_histogram.csv")?;
    let series = read("timeseries.csv")?;
    let pops = read("pops.csv")?;
    let regions = read("regions.csv")?;
    let protocols = read("protocols.csv")?;
    let origins = read("origin_timeseries.csv")?;
    let traffic = read("region_pops.csv")?;
    let mut windows = time::fault_windows(&read("faults.csv")?);
    let resolved = std::fs::read_to_string(dir.join("scenario.resolved.toml")).unwrap_or_default();
    windows.extend(time::crowd_windows(&resolved));
    let cutoff = time::last_full_interval(&series);
    let out = dir.join("charts");
    std::fs::create_dir_all(&out)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot create {}: {e}", out.display())))?;
    for svg in [false, true] {
        let file = |stem: &str| out.join(format!("{stem}.{}", if svg { "svg" } else { "png" }));
        draw::latency_cdf(&file("latency_cdf"), svg, &cdf)?;
        draw::latency_tail(&file("latency_tail"), svg, &cdf)?;
        time::hit_ratio_over_time(&file("hit_ratio_over_time"), svg, &series, &windows)?;
        capacity::origin_load(&file("origin_load"), svg, &origins, &windows, cutoff)?;
        draw::requests_per_pop(&file("requests_per_pop"), svg, &pops)?;
        capacity::region_pop_heatmap(&file("region_pop_traffic"), svg, &traffic)?;
        draw::latency_by_region(&file("latency_by_region"), svg, &regions)?;
        draw::latency_by_protocol(&file("latency_by_protocol"), svg, &protocols)?;
        let occasional = [
            (
                "errors_over_time",
                stacks::errors_over_time as OccasionalChart,
            ),
            ("denials_over_time", stacks::denials_over_time),
        ];
        let calibration = dir.join("calibration.csv");
        match calibration.exists() {
            true => draw::calibration(&file("calibration"), svg, &Table::read(&calibration)?)?,
            false if file("calibration").exists() => std::fs::remove_file(file("calibration"))?,
            false => {}
        }
        for (stem, chart) in occasional {
            let path = file(stem);
            if !chart(&path, svg, &series, &windows)? && path.exists() {
                // A chart left from an earlier drawing of this folder would no longer be
                // true.
                std::fs::remove_file(path)?;
            }
        }
    }
    Ok(())
}

/// A chart drawn only when it has something to show; returns whether it was drawn.
type OccasionalChart = fn(&Path, bool, &Table, &[Window]) -> io::Result<bool>;
