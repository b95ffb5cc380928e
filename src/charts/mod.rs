//! Charts of a run, drawn from its CSV files alone (so an earlier run's folder can be
//! charted again), as PNG and SVG at 1200×800 with an embedded font (DejaVu Sans, whose
//! licence is beside it in `assets/fonts`), so nothing outside cargo is needed.

mod draw;
mod html;
mod style;
mod table;

pub use html::HEADLINE;
pub use table::Table;

use std::io;
use std::path::Path;

/// The charts every run draws, by file stem.
pub const CHARTS: [&str; 5] = [
    "latency_cdf",
    "hit_ratio_over_time",
    "requests_per_pop",
    "latency_by_region",
    "latency_by_protocol",
];

/// Charts drawn only when a run has something to show in them.
pub const OCCASIONAL: [&str; 1] = ["errors_over_time"];

/// Width and height of every chart, pixels.
pub const SIZE: (u32, u32) = (1200, 800);

/// Draws the charts of the run in `dir` and writes `dir/report.html`, which shows them.
pub fn report(dir: &Path) -> io::Result<()> {
    render(dir)?;
    html::write(dir)
}

/// Draws every chart of the run in `dir` into `dir/charts/`, as PNG and SVG.
pub fn render(dir: &Path) -> io::Result<()> {
    draw::register_font();
    let out = dir.join("charts");
    std::fs::create_dir_all(&out)?;
    let cdf = Table::read(&dir.join("latency_cdf.csv"))?;
    let series = Table::read(&dir.join("timeseries.csv"))?;
    let pops = Table::read(&dir.join("pops.csv"))?;
    let regions = Table::read(&dir.join("regions.csv"))?;
    let protocols = Table::read(&dir.join("protocols.csv"))?;
    let faults = Table::read(&dir.join("faults.csv"))?;
    for svg in [false, true] {
        let file = |stem: &str| out.join(format!("{stem}.{}", if svg { "svg" } else { "png" }));
        draw::latency_cdf(&file("latency_cdf"), svg, &cdf)?;
        draw::hit_ratio_over_time(&file("hit_ratio_over_time"), svg, &series, &faults)?;
        draw::requests_per_pop(&file("requests_per_pop"), svg, &pops)?;
        draw::latency_by_region(&file("latency_by_region"), svg, &regions)?;
        draw::latency_by_protocol(&file("latency_by_protocol"), svg, &protocols)?;
        let errors = file("errors_over_time");
        if !draw::errors_over_time(&errors, svg, &series)? && errors.exists() {
            // A chart left from an earlier drawing of this folder would no longer be true.
            std::fs::remove_file(errors)?;
        }
    }
    Ok(())
}
