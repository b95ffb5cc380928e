//! Small helpers of the charts: series colours, tick labels, category labels, and
//! splitting lines at gaps.

use plotters::style::RGBColor;

/// A distinct colour for series `i`.
pub(super) fn colour(i: usize) -> RGBColor {
    const PALETTE: [RGBColor; 10] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
        RGBColor(188, 189, 34),
        RGBColor(23, 190, 207),
    ];
    PALETTE[i % PALETTE.len()]
}

/// `c` lightened two fifths of the way to white, for filled areas.
pub(super) fn tint(c: RGBColor) -> RGBColor {
    let up = |v: u8| v + ((255 - v) as f64 * 0.4) as u8;
    RGBColor(up(c.0), up(c.1), up(c.2))
}

/// A tick label: whole numbers with thousands separators, others with one decimal.
pub(super) fn tick(v: f64) -> String {
    if v.fract() != 0.0 || v.abs() >= 1e15 {
        return format!("{v:.1}");
    }
    let digits = format!("{}", v.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// `points` split where the time between neighbours is more than one and a half of the
/// usual step.
pub(super) fn runs(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let step = points
        .windows(2)
        .map(|w| w[1].0 - w[0].0)
        .fold(f64::INFINITY, f64::min);
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    for (i, &p) in points.iter().enumerate() {
        if i == 0 || p.0 - points[i - 1].0 > 1.5 * step {
            out.push(Vec::new());
        }
        if let Some(last) = out.last_mut() {
            last.push(p);
        }
    }
    out
}

/// The label of the category whose centre is at `x` on an axis of unit-wide categories
/// (ticks fall every half unit), or nothing between centres.
pub(super) fn centre_label(labels: &[String], x: f64) -> String {
    let i = (x - 0.5).round();
    if (x - 0.5 - i).abs() < 1e-6 && i >= 0.0 {
        labels.get(i as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}
