//! Every run leaves its charts: PNG and SVG files of the expected size, drawn from the CSV
//! files alone.

use crate::common;

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, extra: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .arg("run")
        .arg(common::data("small.toml"))
        .args(["--out", "out", "-q"])
        .args(extra)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `edgesim report FOLDER` in `dir`.
fn report(dir: &Path, folder: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args(["report", folder])
        .current_dir(dir)
        .output()
        .unwrap()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

#[test]
fn every_run_draws_every_chart_as_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &[]);
    let charts = dir.path().join("out/charts");
    for stem in edgesim::charts::CHARTS {
        let png = std::fs::read(charts.join(format!("{stem}.png"))).unwrap();
        assert_eq!(png_size(&png), edgesim::charts::SIZE, "{stem}.png");
        // A blank canvas compresses to a few kB; a chart with text and lines does not.
        assert!(png.len() > 20_000, "{stem}.png is {} bytes", png.len());
        let svg = std::fs::read_to_string(charts.join(format!("{stem}.svg"))).unwrap();
        assert!(
            svg.contains(r#"width="1200" height="800""#),
            "{stem}.svg size"
        );
        assert!(svg.trim_end().ends_with("</svg>"), "{stem}.svg is complete");
        assert!(
            svg.contains("<text"),
            "{stem}.svg has its titles and labels"
        );
    }
    // The CDF chart marks the run's median, which summary.csv gives.
    let cdf = std::fs::read_to_string(charts.join("latency_cdf.svg")).unwrap();
    assert!(cdf.contains("p50 ") && cdf.contains("p99 "));
    let tail = std::fs::read_to_string(charts.join("latency_tail.svg")).unwrap();
    assert!(tail.contains("p99.9: 1 in 1,000 slower"));
}

#[test]
fn the_latency_histogram_holds_every_request_and_the_summary_quantiles() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["--no-charts"]);
    let out = dir.path().join("out");
    let summary = &common::csv_rows(&out.join("summary.csv"))[0];
    let buckets = common::csv_rows(&out.join("latency_histogram.csv"));
    let all: Vec<_> = buckets.iter().filter(|b| b["outcome"] == "All").collect();
    // Far more points than latency_cdf.csv's 24 quantiles, each bucket 2% above the last.
    assert!(all.len() > 100, "{} buckets", all.len());
    let n: u64 = all
        .iter()
        .map(|b| b["requests"].parse::<u64>().unwrap())
        .sum();
    let redirects: u64 = summary["redirects"].parse().unwrap();
    assert_eq!(n + redirects, summary["requests"].parse::<u64>().unwrap());
    assert_eq!(all.last().unwrap()["cumulative_share"], "1.000000");
    for (q, column) in [(0.5, "latency_p50_ms"), (0.99, "latency_p99_ms")] {
        let want: f64 = summary[column].parse().unwrap();
        let at = all
            .iter()
            .find(|b| b["cumulative_share"].parse::<f64>().unwrap() >= q)
            .unwrap();
        let got: f64 = at["latency_ms"].parse().unwrap();
        // The bucket's upper end is within its 2% width of summary.csv's quantile.
        assert!(
            got >= want * 0.99 && got <= want * 1.03,
            "{column}: bucket {got}, summary {want}"
        );
    }
}

#[test]
fn no_charts_skips_them_and_charts_come_from_the_csv_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["--no-charts"]);
    assert!(!dir.path().join("out/charts").exists());
    // Drawing from the folder the run left gives the charts a run would have drawn.
    edgesim::charts::render(&dir.path().join("out")).unwrap();
    let again = std::fs::read(dir.path().join("out/charts/latency_cdf.svg")).unwrap();
    let other = tempfile::tempdir().unwrap();
    run(other.path(), &[]);
    let direct = std::fs::read(other.path().join("out/charts/latency_cdf.svg")).unwrap();
    assert_eq!(again, direct);
}

#[test]
fn the_report_page_is_self_contained_and_agrees_with_summary_csv() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &[]);
    let out = dir.path().join("out");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    // Everything inline: no images, scripts or styles fetched from elsewhere (the SVG
    // namespace is a name, not a fetch).
    let fetched = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for reference in ["src=", "href=", "http://", "https://"] {
        assert!(!fetched.contains(reference), "report.html has {reference}");
    }
    assert_eq!(html.matches("<svg").count(), edgesim::charts::CHARTS.len());
    // It opens with the verdict, the same sentences the library computes from the files.
    let verdict = edgesim::charts::verdict(&out).unwrap();
    let at = |h: &str| html.find(h).unwrap_or_else(|| panic!("no {h}"));
    assert!(at("<h2>Verdict</h2>") < at("<h2>Headline</h2>"));
    for sentence in &verdict {
        let escaped = sentence
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(html.contains(&format!("<p>{escaped}</p>")), "{sentence}");
    }
    // The headline numbers are summary.csv's, as a person reads them.
    let mut r = csv::Reader::from_path(out.join("summary.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    let row = r.records().next().unwrap().unwrap();
    for (column, label) in edgesim::charts::HEADLINE {
        let column = column.name();
        let i = header.iter().position(|h| h == column).unwrap();
        assert!(
            html.contains(&format!("<th>{}</th>", label.replace('&', "&amp;"))),
            "{label}"
        );
        let shown = edgesim::charts::human(column, &row[i]);
        assert!(
            html.contains(&format!("<td>{shown}</td>")),
            "{column} = {} shown as {shown}",
            &row[i]
        );
    }
    assert!(html.contains("<details><summary>The resolved scenario</summary>"));
}

#[test]
fn edgesim_report_draws_an_earlier_run_again_identically() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &[]);
    let out = dir.path().join("out");
    let read = |name: &String| std::fs::read(out.join(name)).unwrap();
    let mut files: Vec<String> = edgesim::charts::CHARTS
        .iter()
        .flat_map(|stem| ["png", "svg"].map(|ext| format!("charts/{stem}.{ext}")))
        .collect();
    files.push("report.html".into());
    let before: Vec<Vec<u8>> = files.iter().map(read).collect();
    std::fs::remove_dir_all(out.join("charts")).unwrap();
    std::fs::remove_file(out.join("report.html")).unwrap();
    let o = report(dir.path(), "out");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let after: Vec<Vec<u8>> = files.iter().map(read).collect();
    assert!(
        before == after,
        "the charts and the report are redrawn byte for byte"
    );
    assert_eq!(report(dir.path(), "no-such-folder").status.code(), Some(2));
}

/// Runs `scenarios/NAME.toml` into `out` in `dir`, with `--set` of each of `sets`.
fn run_scenario(dir: &Path, name: &str, out: &str, sets: &[&str]) {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
    let mut c = Command::new(env!("CARGO_BIN_EXE_edgesim"));
    c.arg("run").arg(&scenario).args(["--out", out, "-q"]);
    for s in sets {
        c.args(["--set", s]);
    }
    let o = c.current_dir(dir).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn errors_get_their_chart_only_when_there_are_some() {
    let dir = tempfile::tempdir().unwrap();
    run_scenario(
        dir.path(),
        "origin-failover",
        "failover",
        &["workload.rate=100"],
    );
    let png = std::fs::read(dir.path().join("failover/charts/errors_over_time.png")).unwrap();
    assert_eq!(png_size(&png), edgesim::charts::SIZE);
    let html = std::fs::read_to_string(dir.path().join("failover/report.html")).unwrap();
    assert_eq!(
        html.matches("<svg").count(),
        edgesim::charts::CHARTS.len() + 1
    );
    // The origins table gives each origin's responses and refusals as origins.csv does.
    assert!(html.contains("<h2>Origins</h2>"));
    for o in crate::common::csv_rows(&dir.path().join("failover/origins.csv")) {
        let requests = edgesim::charts::human("requests", &o["requests"]);
        let row = format!("<tr><td>{}</td><td>{requests}</td>", o["origin"]);
        assert!(html.contains(&row), "{row}");
        let refused = edgesim::charts::human("refused", &o["refused"]);
        assert!(html.contains(&format!("<td>{refused}</td></tr>")));
    }
    // The fault's window is named in the charts.
    let svg = std::fs::read_to_string(dir.path().join("failover/charts/origin_load.svg")).unwrap();
    assert!(
        svg.contains("origin_outage primary"),
        "the outage's window is named"
    );
    // A run without errors has no such chart.
    let calm = ["workload.rate=100", "faults[0].start=100h"];
    run_scenario(dir.path(), "origin-failover", "calm", &calm);
    assert!(!dir.path().join("calm/charts/errors_over_time.png").exists());
}

#[test]
fn refused_and_denied_requests_get_a_403_chart_by_reason() {
    let dir = tempfile::tempdir().unwrap();
    run_scenario(
        dir.path(),
        "signed-content",
        "signed",
        &["workload.rate=20"],
    );
    let charts = dir.path().join("signed/charts");
    let png = std::fs::read(charts.join("denials_over_time.png")).unwrap();
    assert_eq!(png_size(&png), edgesim::charts::SIZE);
    let svg = std::fs::read_to_string(charts.join("denials_over_time.svg")).unwrap();
    // The scenario's expired and forged links are named in the legend.
    assert!(svg.contains("expired") && svg.contains("bad signature"));
    let html = std::fs::read_to_string(dir.path().join("signed/report.html")).unwrap();
    let occasional = edgesim::charts::OCCASIONAL
        .iter()
        .filter(|stem| charts.join(format!("{stem}.svg")).exists())
        .count();
    assert_eq!(occasional, 2, "403s are errors too");
    assert_eq!(
        html.matches("<svg").count(),
        edgesim::charts::CHARTS.len() + occasional
    );
    // A run without 403s has no such chart.
    run(dir.path(), &[]);
    assert!(!dir.path().join("out/charts/denials_over_time.png").exists());
}

#[test]
fn a_chart_that_cannot_be_written_gets_a_readable_message_and_leaves_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["--no-charts"]);
    // A folder where the chart's file should go: no chart can be written there.
    std::fs::create_dir_all(dir.path().join("out/charts/latency_cdf.png")).unwrap();
    let o = report(dir.path(), "out");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write"), "{err}");
    assert!(err.contains("latency_cdf.png"), "{err}");
    assert!(!err.contains("Error("), "no debug text: {err}");
    let hidden: Vec<_> = std::fs::read_dir(dir.path().join("out/charts"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn the_verdict_puts_errors_on_the_shortest_fault_window_and_names_what_overlaps_it() {
    let dir = tempfile::tempdir().unwrap();
    // The reference scenario's key rotation spans 1–7 minutes, over the other faults; its
    // errors come from the 30-second origin outage at 3 minutes.
    run_scenario(dir.path(), "reference", "reference", &[]);
    let verdict = edgesim::charts::verdict(&dir.path().join("reference")).unwrap();
    let errors = verdict
        .iter()
        .find(|s| s.contains("of requests failed"))
        .unwrap();
    assert!(
        errors.contains("during the origin_outage origin and 1 event overlapping it (03:00–03:30)"),
        "{errors}"
    );
}
