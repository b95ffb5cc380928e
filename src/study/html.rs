//! `study.html`: one self-contained page per study: the question (varied parameters,
//! replications, targets), the answer, the charts inline as SVG, and the per-point table
//! with formatted numbers.

use super::figures::{has_heatmap, heat_stem, stem, HEADLINE, HEATMAPS};
use super::output::{overall, short, Results};
use super::target::{Scope, Target};
use crate::charts::{escape, page_start, write_named};
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// Writes `dir/study.html`; the charts must be drawn.
pub fn write(dir: &Path, r: &Results, targets: &[Target], answer: &[String]) -> io::Result<()> {
    let m = r.manifest;
    let mut html = page_start(&format!("study of {}", m.scenario));
    let _ = write!(html, "<h1>edgesim study: {}</h1>", escape(&m.scenario));
    html.push_str("<h2>The question</h2><ul>");
    for a in &m.axes {
        let _ = write!(
            html,
            "<li>varied: <code>{}</code> over {}</li>",
            escape(&a.key),
            escape(&a.values.join(", "))
        );
    }
    let shape = match (m.axes.len(), m.zip) {
        (0, _) => "one point".to_string(),
        (_, true) => format!("{} points, the values paired in order", m.points.len()),
        (_, false) => format!("{} points, every combination", m.points.len()),
    };
    let _ = write!(
        html,
        "<li>{shape}, {} each ({} runs); replication 0 uses the scenario's seed, and every point shares each replication's seed</li>",
        match m.replications {
            1 => "1 replication".to_string(),
            n => format!("{n} replications"),
        },
        m.units.len()
    );
    for t in targets {
        let _ = write!(html, "<li>target: <code>{}</code></li>", escape(&t.text));
    }
    html.push_str("</ul>");
    if !answer.is_empty() {
        html.push_str("<h2>The answer</h2><ul>");
        for line in answer {
            let _ = write!(html, "<li><strong>{}</strong></li>", escape(line));
        }
        html.push_str("</ul><p>A point meets a target only when the whole 95% confidence interval of the mean over its replications lies on the target's side. The interval is about the mean of each run's value (say each run's p99), not a guarantee for single requests.</p>");
    }
    html.push_str("<h2>Charts</h2><p>Lines are means over replications; bands and whiskers are 95% confidence intervals (Student's t).</p>");
    let mut stems: Vec<String> = HEADLINE.iter().map(|(m, _)| stem(m)).collect();
    if has_heatmap(r) {
        stems.extend(HEATMAPS.iter().map(|(m, _)| heat_stem(m)));
    }
    for s in stems {
        let svg = std::fs::read_to_string(dir.join("charts").join(format!("{s}.svg")))?;
        let _ = write!(html, "<figure>{svg}</figure>");
    }
    html.push_str("<h2>Per point</h2><table><tr>");
    for a in &m.axes {
        let _ = write!(html, "<th>{}</th>", escape(&a.key));
    }
    if !targets.is_empty() {
        html.push_str("<th>verdict</th>");
    }
    for (_, label) in HEADLINE {
        let _ = write!(html, "<th>{}</th>", escape(label));
    }
    html.push_str("</tr>");
    let verdicts = r.verdicts(targets);
    for (p, verdict) in verdicts.iter().enumerate() {
        html.push_str("<tr>");
        for v in r.point_values(p) {
            let _ = write!(html, "<td>{}</td>", escape(&v));
        }
        if !targets.is_empty() {
            let _ = write!(html, "<td>{}</td>", overall(verdict));
        }
        for (metric, _) in HEADLINE {
            let cell = match r.estimate(p, &Scope::Run, metric) {
                Some(e) => match e.ci {
                    Some((lo, hi)) => format!(
                        "{} <small>({}–{})</small>",
                        short(e.mean),
                        short(lo),
                        short(hi)
                    ),
                    None => short(e.mean),
                },
                None => String::new(),
            };
            let _ = write!(html, "<td>{cell}</td>");
        }
        html.push_str("</tr>");
    }
    html.push_str("</table><p>Every metric, with standard deviations, is in <code>study_summary.csv</code>; every run in <code>study.csv</code>.</p></body></html>\n");
    write_named(dir, "study.html", &html)
}
