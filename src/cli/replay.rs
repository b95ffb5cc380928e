//! `edgesim replay`: a trace through every policy × capacity pair, written as `mrc.csv`
//! and a miss-ratio-curve chart.

use super::{bad, Failure};
use clap::Args;
use edgesim::cache::{AdmissionKind, PolicyKind};
use edgesim::replay::{self, Capacity, ReplaySpec, Warmup};
use edgesim::trace::{Columns, Format};
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `edgesim replay`.
#[derive(Args)]
pub struct ReplayArgs {
    /// Trace file: .csv, .tsv (Wikimedia 2019) or oracleGeneral, optionally .zst or .gz.
    trace: PathBuf,
    /// Eviction policies, comma-separated (see `edgesim policies`).
    #[arg(long, value_delimiter = ',', required = true)]
    policies: Vec<String>,
    /// Cache sizes, comma-separated: sizes such as 1GiB, or shares of the working set
    /// such as 1% (objects with --ignore-size).
    #[arg(long, value_delimiter = ',', required = true)]
    capacities: Vec<String>,
    /// Treat every object as size 1: capacities count objects.
    #[arg(long)]
    ignore_size: bool,
    /// Replay but do not count the first N requests, or the first span of trace time
    /// (e.g. 1h).
    #[arg(long, value_name = "N|D")]
    warmup: Option<String>,
    /// Trace layout: csv, oracle, wikimedia or cloudfront (a file, folder or glob of
    /// CloudFront standard logs) [default: from the name].
    #[arg(long)]
    format: Option<String>,
    /// CSV columns holding the fields, e.g. time=ts,id=key,size=bytes.
    #[arg(long)]
    columns: Option<String>,
    /// Admission policy in front of every cache: all, size:LIMIT or second-hit[:N].
    #[arg(long, default_value = "all")]
    admission: String,
    /// Skip malformed lines (counted and reported) instead of failing.
    #[arg(long)]
    skip_bad_lines: bool,
    /// Results folder [default: output/replay-<trace name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Threads to feed the caches with [default: one per core].
    #[arg(long)]
    threads: Option<usize>,
    /// Skip the chart.
    #[arg(long)]
    no_charts: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

/// Turns the arguments into a replay spec; every mistake is bad input.
fn spec(a: &ReplayArgs) -> Result<ReplaySpec, Failure> {
    let format = match a.format.as_deref() {
        None => Format::guess(&a.trace).ok_or_else(|| {
            bad(format!(
                "{}: cannot tell the trace format from the name; give --format {}",
                a.trace.display(),
                Format::NAMES
            ))
        })?,
        Some(name) => Format::from_name(name)
            .ok_or_else(|| bad(format!("--format {name:?}: expected {}", Format::NAMES)))?,
    };
    let format = match (format, &a.columns) {
        (Format::Csv(_), Some(c)) => {
            Format::Csv(Columns::parse(c).map_err(|e| bad(format!("--columns {e}")))?)
        }
        (_, Some(_)) => return Err(bad("--columns applies to CSV traces only")),
        (f, None) => f,
    };
    let policies = a
        .policies
        .iter()
        .map(|p| PolicyKind::from_name(p.trim()).map_err(|e| bad(format!("--policies: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let capacities = a
        .capacities
        .iter()
        .map(|c| Capacity::parse(c, a.ignore_size).map_err(|e| bad(format!("--capacities: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let warmup = match &a.warmup {
        Some(w) => Warmup::parse(w).map_err(|e| bad(format!("--warmup: {e}")))?,
        None => Warmup::None,
    };
    let admission =
        AdmissionKind::parse(&a.admission).map_err(|e| bad(format!("--admission: {e}")))?;
    Ok(ReplaySpec {
        trace: a.trace.clone(),
        format,
        skip_bad: a.skip_bad_lines,
        policies,
        capacities,
        ignore_size: a.ignore_size,
        warmup,
        admission,
    })
}

/// Runs `edgesim replay`.
pub fn replay(a: ReplayArgs) -> Result<(), Failure> {
    let spec = spec(&a)?;
    let out = a.out.clone().unwrap_or_else(|| {
        let stem = a
            .trace
            .file_name()
            .map_or_else(|| "trace".into(), |n| n.to_string_lossy().into_owned());
        PathBuf::from("output").join(format!(
            "replay-{}",
            stem.split('.').next().unwrap_or("trace")
        ))
    });

    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Failed(e.into()))?;
    let result = pool.install(|| replay::replay(&spec)).map_err(bad)?;
    // Only now, with the trace read without error, does the folder appear.
    std::fs::create_dir_all(&out).map_err(|e| {
        bad(format!(
            "{}: cannot create the results folder: {e}",
            out.display()
        ))
    })?;
    let fail = |e: std::io::Error| Failure::Failed(anyhow::anyhow!("{}: {e}", out.display()));
    replay::write_mrc(&out, &result, spec.ignore_size).map_err(fail)?;
    if !a.no_charts {
        edgesim::charts::render_mrc(&out).map_err(fail)?;
    }
    if !a.quiet {
        println!(
            "{}: {} requests, {} pairs in {:.1} s",
            a.trace.display(),
            result.requests,
            result.pairs.len(),
            started.elapsed().as_secs_f64()
        );
        if result.skipped > 0 {
            println!("  skipped {} malformed lines", result.skipped);
        }
        for p in &result.pairs {
            let mr = p.misses as f64 / p.requests.max(1) as f64;
            let bmr = p.miss_bytes as f64 / p.bytes.max(1) as f64;
            println!(
                "  {:<9} {:>10}  miss ratio {:.4}  byte miss ratio {:.4}",
                p.policy.name(),
                p.label,
                mr,
                bmr
            );
        }
        println!("results: {}", out.display());
    }
    Ok(())
}
