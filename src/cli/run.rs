//! `edgesim run`: run one scenario with a progress bar, write its results, print a table.

use super::{load_to_run, Failure, OverrideArgs};
use anyhow::Context;
use clap::Args;
use edgesim::calibration::Calibration;
use edgesim::report::{self, FolderError, RequestLog, Staged, TimeseriesCsv};
use edgesim::sim::{self, LogLine, Observer, Progress, RunResult};
use edgesim::stats::Metrics;
use edgesim::units::thousands;
use edgesim::units::{human, Nanos};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `edgesim run`.
#[derive(Args)]
pub struct RunArgs {
    /// Scenario file; the built-in default scenario when omitted.
    file: Option<PathBuf>,
    /// Results folder [default: output/<scenario name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    /// Write this share (0 to 1) of counted requests to requests.csv (sets log_sample_rate).
    #[arg(long, value_name = "RATE")]
    log_sample: Option<f64>,
    /// The request log's format: csv (requests.csv), w3c (requests.log, CloudFront's
    /// standard-log format) or w3c.gz (sets log_format).
    #[arg(long, value_name = "FORMAT")]
    log_format: Option<String>,
    /// Skip the charts in <out>/charts/ and report.html, which shows them.
    #[arg(long)]
    no_charts: bool,
    #[command(flatten)]
    overrides: OverrideArgs,
}

/// Shows progress on a terminal and streams time-series rows to their file.
struct CliObserver {
    bar: Option<ProgressBar>,
    series: TimeseriesCsv,
    log: Option<RequestLog>,
    /// The run against the CloudFront log it replays, if it replays one.
    calibration: Option<Calibration>,
    started: Instant,
    /// Per interval over all POPs: start, hits and cacheable requests.
    warmth: Vec<(Nanos, u64, u64)>,
}

impl Observer for CliObserver {
    fn progress(&mut self, p: &Progress) {
        let Some(bar) = &self.bar else { return };
        match (p.end_time, p.end_requests) {
            (Some(end), _) => {
                bar.set_length(end / 1_000_000);
                bar.set_position(p.now.min(end) / 1_000_000);
            }
            (None, Some(n)) => {
                bar.set_length(n);
                bar.set_position(p.counted);
            }
            (None, None) => {}
        }
        let rate = p.arrivals as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!(
            "{} simulated · {} requests · {} req/s",
            human(p.now),
            thousands(p.arrivals),
            thousands(rate as u64)
        ));
    }

    fn interval(&mut self, start: Nanos, pop: usize, m: &Metrics) {
        self.series.row(start, pop, m);
        match self.warmth.last_mut() {
            Some((t, hits, cacheable)) if *t == start => {
                *hits += m.hits();
                *cacheable += m.counts.cacheable;
            }
            _ => self.warmth.push((start, m.hits(), m.counts.cacheable)),
        }
    }

    fn request(&mut self, line: &LogLine) {
        if let (Some(log), true) = (&mut self.log, line.sampled) {
            log.line(line);
        }
        if let Some(c) = &mut self.calibration {
            c.simulated(line);
        }
    }

    fn stop(&self) -> bool {
        super::interrupt::received().is_some()
    }
}

pub fn run(mut args: RunArgs) -> Result<(), Failure> {
    if let Some(rate) = args.log_sample {
        args.overrides.sets.push(format!("log_sample_rate={rate}"));
    }
    if let Some(format) = &args.log_format {
        args.overrides.sets.push(format!("log_format={format:?}"));
    }
    let scenario = load_to_run(args.file.as_ref(), &args.overrides, args.quiet)?;
    if !args.quiet {
        super::warn(&scenario);
    }
    let spec = scenario.spec();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&spec.name));
    super::interrupt::install()
        .context("cannot watch for Ctrl-C")
        .map_err(Failure::Failed)?;
    // Everything is written into a staging folder that replaces `out` whole at the end.
    let staged = Staged::new(&out).map_err(|e| match e {
        FolderError::Foreign { .. } | FolderError::Create { .. } | FolderError::Current { .. } => {
            Failure::BadInput(e.into())
        }
        FolderError::Io { .. } => Failure::Failed(e.into()),
    })?;
    let dir = staged.path();
    let pops = spec.pops.iter().map(|p| p.code.clone()).collect();
    let cannot = || format!("{}: cannot write results", out.display());
    let series = TimeseriesCsv::create(dir, pops)
        .with_context(cannot)
        .map_err(Failure::Failed)?;
    let log = match spec.log_sample_rate > 0.0 {
        true => Some(
            RequestLog::create(dir, &scenario)
                .with_context(cannot)
                .map_err(Failure::Failed)?,
        ),
        false => None,
    };
    let show_bar = !args.quiet && std::io::stderr().is_terminal();
    let bar = show_bar.then(|| {
        let bar = ProgressBar::new(1);
        let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {msg}")
            .expect("static template");
        bar.set_style(style);
        bar
    });
    let mut observer = CliObserver {
        bar,
        series,
        log,
        calibration: Calibration::new(&scenario),
        started: Instant::now(),
        warmth: Vec::new(),
    };
    let result = sim::run(&scenario, &mut observer);
    let wall = observer.started.elapsed().as_secs_f64();
    if let Some(bar) = &observer.bar {
        bar.finish_and_clear();
    }
    let interrupted =
        || super::interrupt::received().map_or(Ok(()), |s| Err(Failure::Interrupted(s)));
    interrupted()?;
    if let Some(why) = &result.input_error {
        // The staged folder goes with `staged`; the last results stay as they were.
        return Err(Failure::BadInput(anyhow::anyhow!("{why}")));
    }
    let calibration = match &observer.calibration {
        Some(c) => Some(
            c.rows()
                .map_err(|e| Failure::BadInput(anyhow::anyhow!("{e}")))?,
        ),
        None => None,
    };
    let overall = calibration
        .as_ref()
        .and_then(|rows| rows.first())
        .map(|r| (r.observed.hit_ratio(), r.simulated.hit_ratio()));
    let log = observer.log.map_or(Ok(()), RequestLog::commit);
    let written = observer
        .series
        .commit()
        .and(log)
        .and_then(|()| report::write_results(dir, &scenario, &result))
        .and_then(|()| calibration.map_or(Ok(()), |rows| edgesim::calibration::write(dir, rows)))
        .and_then(|()| {
            if args.no_charts {
                Ok(())
            } else {
                edgesim::charts::report(dir)
            }
        });
    written.with_context(cannot).map_err(Failure::Failed)?;
    // The last moment to stop: once the swap begins, it finishes.
    interrupted()?;
    staged
        .commit()
        .with_context(cannot)
        .map_err(Failure::Failed)?;
    if !args.quiet {
        print_table(&spec.name, spec.seed, &result, wall, &out);
        if let Some((logged, simulated)) = overall {
            println!(
                "  against the log   {:>9.2} % hits simulated, {:.2} % logged (calibration.csv)",
                simulated * 100.0,
                logged * 100.0
            );
        }
        // The verdict reads the files just written, as report.html does.
        if let Ok(sentences) = edgesim::charts::verdict(&out) {
            println!();
            for s in sentences {
                println!("{s}");
            }
        }
        // The last interval is cut short by the run's end.
        let intervals: Vec<(f64, u64, u64)> = observer.warmth
            [..observer.warmth.len().saturating_sub(1)]
            .iter()
            .map(|&(t, h, c)| (t as f64 / 1e9, h, c))
            .collect();
        let width = spec.interval.secs_f64();
        let events = scenario.event_windows();
        if let Some(climb) = edgesim::stats::warmth::still_rising(&intervals, width, &events) {
            eprintln!("edgesim: warning: {}", climb.message());
        }
    }
    Ok(())
}

/// A latency as a person reads it: `22.3 ms`, or `30.9 s` from a second up.
fn latency(ms: f64) -> String {
    match ms >= 1000.0 {
        true => format!("{:>9.1} s", ms / 1000.0),
        false => format!("{ms:>9.1} ms"),
    }
}

fn print_table(name: &str, seed: u64, r: &RunResult, wall: f64, out: &Path) {
    let m = &r.summary;
    let gb = m.counts.origin_bytes as f64 / 1e9;
    // The measured span is summary.csv's `measured_s`: from the first counted arrival to
    // the last answer, warm-up excluded; the simulated span includes the warm-up.
    println!(
        "{name} (seed {seed}): {} requests counted over {} measured ({} simulated, warm-up included), {wall:.1} s wall",
        thousands(m.counts.requests),
        human(r.measured_span),
        human(r.end)
    );
    println!("  hit ratio         {:>9.2} %", m.hit_ratio() * 100.0);
    // Beside the hit ratio, what it leaves out: errors leave its denominator (CloudFront's
    // CacheHitRate), so it can rise while requests fail; shed requests went past their
    // nearest POP.
    let requests = m.counts.requests.max(1) as f64;
    let failed: u64 = m.counts.errors_by_status.iter().sum();
    if failed > 0 {
        println!(
            "  error rate        {:>9.2} %  (errors are not in the hit ratio's denominator, as in CloudFront's CacheHitRate)",
            failed as f64 / requests * 100.0
        );
    }
    if m.counts.shed > 0 {
        println!(
            "  shed              {:>9.2} %  (served past their nearest POP: it was down or over capacity)",
            m.counts.shed as f64 / requests * 100.0
        );
    }
    println!("  byte hit ratio    {:>9.2} %", m.byte_hit_ratio() * 100.0);
    println!("  latency p50       {}", latency(m.latency_ms(0.5)));
    println!("  latency p99       {}", latency(m.latency_ms(0.99)));
    println!(
        "  origin requests   {:>9} ({gb:.2} GB)",
        thousands(m.counts.origin_requests)
    );
    let errors = m.count(edgesim::stats::Outcome::Error);
    if errors > 0 {
        println!("  errors            {:>9}", thousands(errors));
    }
    let f = &m.counts.failover;
    if f.iter().any(|&n| n > 0) {
        use edgesim::stats::Failover;
        println!(
            "  failovers         {:>9} ({} recovered, {} both failed; {} not eligible)",
            thousands(f[Failover::Recovered as usize] + f[Failover::BothFailed as usize]),
            thousands(f[Failover::Recovered as usize]),
            thousands(f[Failover::BothFailed as usize]),
            thousands(f[Failover::NotEligible as usize]),
        );
    }
    println!("results: {}", out.display());
}
