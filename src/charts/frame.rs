//! What every chart shares: the embedded font, error conversion, presenting a drawing,
//! legends, labelled lines and time axes with fault and flash-crowd windows shaded and named.

use super::style::colour;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::io;
use std::path::{Path, PathBuf};

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// A chart's plotting area: two linear axes.
pub type Plane<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Makes the embedded font the one plotters draws "sans-serif" with.
pub fn register_font() {
    // Registering twice is harmless; a font that fails to load would show as missing text,
    // which the tests would catch.
    let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
}

/// An error of the file system or of drawing, as an I/O error.
pub fn err(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

crate::message_error!(
    /// Why a chart could not be drawn, as plotters or the file system said.
    DrawError
);

/// A plotters error as a [`DrawError`].
pub fn e(x: impl std::fmt::Display) -> DrawError {
    DrawError(x.to_string())
}

/// Where a chart is drawn before it is renamed into place: a hidden name beside `path`
/// with the same extension, which picks the image format.
pub fn scratch(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "chart".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}"))
}

/// Presents a drawn chart and moves it from `tmp` to `path`, or reports why it could
/// not be drawn (removing the partial file).
pub fn finish<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    drawn: Result<(), DrawError>,
    tmp: &Path,
    path: &Path,
) -> io::Result<()> {
    let presented = drawn.and_then(|()| root.present().map_err(e));
    // The backend writes its file when dropped, if it has not yet.
    drop(root);
    match presented {
        Ok(()) => std::fs::rename(tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(tmp);
            err(format!("cannot write {}: {e}", path.display()))
        }),
        Err(why) => {
            // plotters reports a failed write as a debug string of nested errors; when
            // the file itself cannot be written, the operating system's reason reads better.
            let why = match std::fs::File::create(tmp) {
                Err(io) => format!("cannot write {}: {io}", path.display()),
                Ok(_) => format!("cannot draw {}: {why}", path.display()),
            };
            let _ = std::fs::remove_file(tmp);
            Err(err(why))
        }
    }
}

/// The legend of the labelled series, at `position`.
pub fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), DrawError> {
    chart
        .configure_series_labels()
        .label_font(("sans-serif", 18))
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(position)
        .draw()
        .map_err(e)
}

/// One labelled line per `(name, points)`, in palette order.
pub fn named_lines<'a, DB: DrawingBackend, CT: CoordTranslate<From = (f64, f64)>>(
    chart: &mut ChartContext<'_, DB, CT>,
    lines: impl Iterator<Item = (&'a String, &'a Vec<(f64, f64)>)>,
    width: u32,
) -> Result<(), DrawError> {
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

/// Titles of a chart or panel: caption, y axis description, caption size.
pub struct Titles<'t> {
    /// Caption above the plot.
    pub caption: &'t str,
    /// What the y axis measures, with its unit.
    pub y_desc: &'t str,
    /// Caption font size.
    pub size: u32,
}

/// A span of simulated minutes to shade, named by its event: an injected fault (grey) or
/// a flash crowd (amber).
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    pub from: f64,
    pub to: f64,
    /// What happened, written at the top of the shaded span.
    pub label: String,
    /// A flash crowd rather than a fault.
    pub crowd: bool,
}

impl Window {
    /// The shade of a fault's span, and of a flash crowd's.
    pub fn colour(crowd: bool) -> RGBColor {
        match crowd {
            true => RGBColor(240, 170, 60),
            false => RGBColor(128, 128, 128),
        }
    }
}

/// Axes of simulated minutes `x` against `y`, with `windows` (minutes) shaded and named.
pub fn time_plane<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    t: &Titles<'_>,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    windows: &[Window],
    y_label: &dyn Fn(&f64) -> String,
) -> Result<Plane<'a, DB>, DrawError> {
    let (top, bottom) = (y.end, y.start);
    let (start, end) = (x.start, x.end);
    let mut chart = ChartBuilder::on(area)
        .caption(t.caption, ("sans-serif", t.size))
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(100)
        .build_cartesian_2d(x, y)
        .map_err(e)?;
    chart
        .configure_mesh()
        .y_label_formatter(y_label)
        .x_desc("simulated time (minutes)")
        .y_desc(t.y_desc)
        .label_style(("sans-serif", 18))
        .draw()
        .map_err(e)?;
    let shown = || windows.iter().filter(|w| w.to > start && w.from < end);
    chart
        .draw_series(shown().map(|w| {
            let (a, b) = (w.from.clamp(start, end), w.to.clamp(start, end));
            let shade = Window::colour(w.crowd).mix(0.2);
            Rectangle::new([(a, bottom), (b, top)], shade.filled())
        }))
        .map_err(e)?;
    // Each span's name just inside its top-left corner, staggered down so that windows
    // close together do not write over each other.
    let style = ("sans-serif", 14).into_font().color(&RGBColor(70, 70, 70));
    let step = (top - bottom) / 16.0;
    chart
        .draw_series(shown().enumerate().map(|(i, w)| {
            let y = top - step * (0.6 + (i % 3) as f64);
            Text::new(w.label.clone(), (w.from.max(start), y), style.clone())
        }))
        .map_err(e)?;
    Ok(chart)
}
