//! `report.html`: one self-contained page per run (charts inline as SVG, tables from the
//! CSV files, the resolved scenario in a collapsible block), which opens in any browser
//! without a network.

use super::table::{key, metric, Col};
use super::{Table, CHARTS, OCCASIONAL};
use crate::report::{BEHAVIOR_KEYS, FAULTS, INTERVAL_KEYS, POP_KEYS, SUMMARY};
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// What each chart shows, one line.
fn caption(stem: &str) -> &'static str {
    match stem {
        "latency_cdf" => "How many requests got their first byte within a given time, overall and per result type, from every 2% bucket of the run's latency histogram.",
        "latency_tail" => "The same distributions' tails: the share of requests slower than each time, on a log scale, so p99 (1 in 100) and p99.9 (1 in 1,000) can be read off.",
        "hit_ratio_over_time" => "Each interval's hit ratio, byte hit ratio and error rate at the busiest POPs (the rest summed as others), faults and flash crowds shaded and named: dips show outages, flash crowds and re-warming. Errors leave the hit ratio's denominator, as in CloudFront's CacheHitRate, so the hit ratio can rise while an outage makes requests fail: the error panel shows them.",
        "origin_load" => "Requests per second reaching each origin against its nominal capacity, and the ones it refused; injected faults shaded.",
        "requests_per_pop" => "Where the traffic went.",
        "region_pop_traffic" => "Which POPs served each client region, as a share of the region's requests.",
        "latency_by_region" => "Median and tail latency each client region sees.",
        "errors_over_time" => "Errors per interval over all POPs, stacked by status, and the requests that failed over.",
        "latency_by_protocol" => "Median and tail latency by the HTTP and TLS versions viewers negotiated.",
        "denials_over_time" => "403 responses per interval over all POPs, stacked by reason: HTTPS policy refusals and signed-content denials.",
        "calibration" => "The hit ratio CloudFront logged against the one simulated, over the same requests: overall, per POP and per behavior.",
        _ => "",
    }
}

/// The headline numbers: summary column, label.
pub const HEADLINE: [(Col, &str); 12] = [
    (metric!("requests"), "requests"),
    (metric!("hit_ratio"), "hit ratio"),
    (metric!("byte_hit_ratio"), "byte hit ratio"),
    (metric!("origin_offload"), "origin offload"),
    (metric!("latency_p50_ms"), "p50"),
    (metric!("latency_p99_ms"), "p99"),
    (metric!("failovers"), "failovers"),
    (metric!("errors"), "errors"),
    (metric!("error_share"), "error rate"),
    (metric!("forbidden"), "403s"),
    (key!(SUMMARY, "cost_usd_month"), "cost a month"),
    (key!(SUMMARY, "flat_rate_plan"), "flat-rate plan"),
];

/// `text` safe inside HTML text and attribute values.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A value of column `name` as a person reads it: ratios and shares as percentages,
/// milliseconds as `ms` (or `s` from a second up), whole numbers with thousands
/// separators; other text as it is. The CSV files keep the plain numbers.
pub fn human(name: &str, text: &str) -> String {
    let Ok(v) = text.parse::<f64>() else {
        return text.to_string();
    };
    let percent = name.contains("ratio")
        || name.contains("share")
        || name.contains("offload")
        || name.contains("utilisation");
    if name.ends_with("usd") || name.contains("_usd_") {
        crate::cost::dollars(v)
    } else if name.ends_with("_gb") {
        crate::cost::volume(v)
    } else if name.contains("_ms") && !name.ends_with("_diff") {
        match v.abs() >= 1000.0 {
            true => format!("{:.2} s", v / 1000.0),
            false => format!("{v:.1} ms"),
        }
    } else if percent && !name.ends_with("_diff") {
        format!("{:.2}%", v * 100.0)
    } else if !text.contains('.') && v >= 0.0 && v.fract() == 0.0 {
        crate::units::thousands(v as u64)
    } else {
        text.to_string()
    }
}

/// An HTML table of `columns` (with their labels) of every row of `t`, its numbers as a
/// person reads them.
fn table(t: &Table, columns: &[(Col, &str)]) -> String {
    let mut out = String::from("<table><tr>");
    for (_, label) in columns {
        let _ = write!(out, "<th>{}</th>", escape(label));
    }
    out.push_str("</tr>");
    for r in t.rows() {
        out.push_str("<tr>");
        for (name, _) in columns {
            let _ = write!(
                out,
                "<td>{}</td>",
                escape(&human(name.name(), t.text(r, *name)))
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    out
}

/// Whether the run's hit ratio was still rising at its end, from `timeseries.csv`: the
/// same test the terminal summary makes, over every POP's rows of each interval.
fn still_warming(series: &Table, resolved: &str) -> Option<crate::stats::warmth::Climb> {
    use crate::scenario::{load_str, Overrides};
    // The resolved scenario gives the interval width and the fault and flash-crowd windows.
    let scenario = load_str(resolved, "scenario.resolved.toml", &Overrides::default()).ok()?;
    let mut intervals: Vec<(f64, u64, u64)> = Vec::new();
    for r in series.rows() {
        let start = series.num(r, key!(INTERVAL_KEYS, "interval_start_s"));
        let hits = (series.num(r, metric!("hits")) + series.num(r, metric!("refresh_hits"))) as u64;
        let cacheable = series.num(r, metric!("cacheable_requests")) as u64;
        match intervals.last_mut() {
            Some((t, h, c)) if *t == start => {
                *h += hits;
                *c += cacheable;
            }
            _ => intervals.push((start, hits, cacheable)),
        }
    }
    intervals.pop();
    let width = scenario.spec().interval.secs_f64();
    crate::stats::warmth::still_rising(&intervals, width, &scenario.event_windows())
}

/// Writes `dir/report.html` from the run's files in `dir` (charts included).
pub fn write(dir: &Path) -> io::Result<()> {
    let summary = Table::read(&dir.join("summary.csv"))?;
    let pops = Table::read(&dir.join("pops.csv"))?;
    let behaviors = Table::read(&dir.join("behaviors.csv"))?;
    let faults = Table::read(&dir.join("faults.csv"))?;
    let resolved = dir.join("scenario.resolved.toml");
    let scenario = std::fs::read_to_string(&resolved)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", resolved.display())))?;
    let row = summary.rows().first().cloned().unwrap_or_default();
    let name = summary.text(&row, key!(SUMMARY, "scenario"));
    let mut html = page_start(name);
    let _ = write!(
        html,
        "<h1>edgesim run: {n}</h1><p>seed {seed}, {span} measured, {req} requests counted</p>",
        n = escape(name),
        seed = escape(summary.text(&row, key!(SUMMARY, "seed"))),
        span = escape(&super::verdict::span(
            summary.num(&row, key!(SUMMARY, "measured_s"))
        )),
        req = escape(&human("requests", summary.text(&row, metric!("requests")))),
    );
    let series = Table::read(&dir.join("timeseries.csv"))?;
    if let Some(climb) = still_warming(&series, &scenario) {
        let _ = write!(
            html,
            "<p><strong>Warning:</strong> {}.</p>",
            escape(&climb.message())
        );
    }
    html.push_str("<h2>Verdict</h2>");
    for sentence in super::verdict(dir)? {
        let _ = write!(html, "<p>{}</p>", escape(&sentence));
    }
    html.push_str("<h2>Headline</h2>");
    html.push_str(&table(&summary, &HEADLINE));
    let calibration = dir.join("calibration.csv");
    if calibration.exists() {
        use crate::calibration::COLUMNS as C;
        let t = Table::read(&calibration)?;
        let svg = std::fs::read_to_string(dir.join("charts").join("calibration.svg"))?;
        let _ = write!(
            html,
            "<h2>Against the log</h2><p>The run replays a CloudFront log; calibration.csv has every measure.</p><figure>{svg}<figcaption>{}</figcaption></figure>",
            escape(caption("calibration"))
        );
        html.push_str(&table(
            &t,
            &[
                (key!(C, "scope"), "scope"),
                (key!(C, "key"), "key"),
                (key!(C, "requests_observed"), "requests"),
                (key!(C, "hit_ratio_observed"), "hit ratio logged"),
                (key!(C, "hit_ratio_simulated"), "simulated"),
                (key!(C, "byte_hit_ratio_observed"), "byte hit ratio logged"),
                (key!(C, "byte_hit_ratio_simulated"), "simulated"),
                (key!(C, "error_share_observed"), "error share logged"),
                (key!(C, "error_share_simulated"), "simulated"),
                (
                    key!(C, "time_taken_p50_ms_observed"),
                    "p50 time taken logged",
                ),
                (key!(C, "time_taken_p50_ms_simulated"), "simulated"),
                (key!(C, "time_taken_p99_ms_observed"), "p99 logged"),
                (key!(C, "time_taken_p99_ms_simulated"), "simulated"),
            ],
        ));
    }
    html.push_str(&super::bill::section(dir, &summary, &row)?);
    html.push_str("<h2>Charts</h2>");
    for stem in CHARTS.iter().chain(&OCCASIONAL) {
        let path = dir.join("charts").join(format!("{stem}.svg"));
        if OCCASIONAL.contains(stem) && !path.exists() {
            continue;
        }
        let svg = std::fs::read_to_string(path)?;
        let _ = write!(
            html,
            "<figure>{svg}<figcaption>{}</figcaption></figure>",
            escape(caption(stem))
        );
    }
    let per_view = [
        (metric!("requests"), "requests"),
        (metric!("hit_ratio"), "hit ratio"),
        (metric!("byte_hit_ratio"), "byte hit ratio"),
        (metric!("latency_p50_ms"), "p50"),
        (metric!("latency_p99_ms"), "p99"),
        (metric!("errors"), "errors"),
    ];
    html.push_str("<h2>POPs</h2>");
    html.push_str(&table(
        &pops,
        &[&[(key!(POP_KEYS, "pop"), "POP")][..], &per_view].concat(),
    ));
    html.push_str("<h2>Origins</h2>");
    html.push_str(&origins_table(dir)?);
    html.push_str("<h2>Cache behaviors</h2>");
    let key = [(key!(BEHAVIOR_KEYS, "path_pattern"), "path pattern")];
    html.push_str(&table(&behaviors, &[&key[..], &per_view].concat()));
    html.push_str("<h2>Fault schedule</h2>");
    if faults.rows().is_empty() {
        html.push_str("<p>No faults were injected.</p>");
    } else {
        html.push_str(&table(
            &faults,
            &[
                (key!(FAULTS, "kind"), "kind"),
                (key!(FAULTS, "target"), "target"),
                (key!(FAULTS, "start_s"), "start (s)"),
                (key!(FAULTS, "end_s"), "end (s)"),
                (key!(FAULTS, "affected"), "affected"),
                (key!(FAULTS, "recovered_after_s"), "recovered after (s)"),
            ],
        ));
    }
    let _ = writeln!(
        html,
        "<h2>Scenario</h2><details><summary>The resolved scenario</summary><pre>{}</pre></details></body></html>",
        escape(&scenario)
    );
    write_page(dir, &html)
}

/// The origins: what each served, its busiest interval against its capacity, its queue and
/// what it refused (`origins.csv` and `origin_timeseries.csv`).
fn origins_table(dir: &Path) -> io::Result<String> {
    use crate::report::ORIGIN_SERIES as S;
    use crate::stats::columns::ORIGINS as O;
    let origins = Table::read(&dir.join("origins.csv"))?;
    let series = Table::read(&dir.join("origin_timeseries.csv"))?;
    let mut out = String::from(
        "<table><tr><th>origin</th><th>responses</th><th>peak req/s</th><th>capacity req/s</th><th>utilisation</th><th>queued</th><th>mean queue wait</th><th>refused (503)</th><th>failovers out</th><th>failovers in</th></tr>",
    );
    for r in origins.rows() {
        let name = origins.text(r, key!(O, "origin"));
        let mine: Vec<&Vec<String>> = (series.rows().iter())
            .filter(|s| series.text(s, key!(S, "origin")) == name)
            .collect();
        let peak = (mine
            .iter()
            .map(|s| series.num(s, key!(S, "arrivals_per_s"))))
        .fold(0.0, f64::max);
        let capacity = mine
            .first()
            .map_or("", |s| series.text(s, key!(S, "capacity_rps")));
        let cells = [
            name.to_string(),
            human("requests", origins.text(r, key!(O, "requests"))),
            format!("{peak:.1}"),
            capacity.to_string(),
            human("utilisation", origins.text(r, key!(O, "utilisation"))),
            human("queued", origins.text(r, key!(O, "queued"))),
            human(
                "queue_wait_mean_ms",
                origins.text(r, key!(O, "queue_wait_mean_ms")),
            ),
            human("refused", origins.text(r, key!(O, "refused"))),
            human("failovers_out", origins.text(r, key!(O, "failovers_out"))),
            human("failovers_in", origins.text(r, key!(O, "failovers_in"))),
        ];
        out.push_str("<tr>");
        for c in cells {
            let _ = write!(out, "<td>{}</td>", escape(&c));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    Ok(out)
}

/// The head of a page titled `title`, with its style, up to the open body.
pub fn page_start(title: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>edgesim: {}</title>\
         <style>body{{font-family:sans-serif;max-width:1240px;margin:2em auto}}\
         table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}}\
         th{{background:#f4f4f4}}figure{{margin:2em 0}}</style></head><body>",
        escape(title)
    )
}

/// Writes `html` to `dir/report.html` through a temporary file.
pub fn write_page(dir: &Path, html: &str) -> io::Result<()> {
    write_named(dir, "report.html", html)
}

/// Writes `html` to `dir/name` through a temporary file.
pub fn write_named(dir: &Path, name: &str, html: &str) -> io::Result<()> {
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, html)?;
    std::fs::rename(tmp, dir.join(name))
}

#[cfg(test)]
mod human_tests {
    use super::human;

    #[test]
    fn report_numbers_read_as_a_person_reads_them() {
        assert_eq!(human("hit_ratio", "0.885469"), "88.55%");
        assert_eq!(human("error_share", "0.045911"), "4.59%");
        assert_eq!(human("latency_p50_ms", "29.055"), "29.1 ms");
        assert_eq!(human("latency_p99_ms", "30867.455"), "30.87 s");
        assert_eq!(human("requests", "3598129"), "3,598,129");
        assert_eq!(human("measured_s", "2400.152"), "2400.152");
        assert_eq!(human("pop", "FRA"), "FRA");
    }
}
