//! `edgesim bench`: simulated requests per second and peak memory of one run.

use super::{load_to_run, Failure, OverrideArgs};
use clap::Args;
use edgesim::sim::{self, Quiet};
use edgesim::units::thousands;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `edgesim bench`.
#[derive(Args)]
pub struct BenchArgs {
    /// Scenario file; the built-in default scenario when omitted.
    file: Option<PathBuf>,
    #[command(flatten)]
    overrides: OverrideArgs,
}

/// Peak resident memory of this process in KiB, from Linux's /proc (None elsewhere).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub fn bench(mut args: BenchArgs) -> Result<(), Failure> {
    if args.overrides.requests.is_none() && args.overrides.duration.is_none() {
        args.overrides.requests = Some(10_000_000);
    }
    let scenario = load_to_run(args.file.as_ref(), &args.overrides, false)?;
    let started = Instant::now();
    let result = sim::run(&scenario, &mut Quiet);
    let wall = started.elapsed().as_secs_f64();
    if let Some(why) = &result.input_error {
        return Err(Failure::BadInput(anyhow::anyhow!("{why}")));
    }
    let counted = result.summary.counts.requests;
    println!("scenario            {}", scenario.spec().name);
    println!("requests counted    {}", thousands(counted));
    println!(
        "requests simulated  {} (warm-up included)",
        thousands(result.arrivals)
    );
    println!("wall time           {wall:.3} s");
    println!(
        "simulated req/s     {}",
        thousands((result.arrivals as f64 / wall) as u64)
    );
    match peak_rss_kib() {
        Some(kib) => println!("peak memory         {:.1} MiB", kib as f64 / 1024.0),
        None => println!("peak memory         unknown (needs Linux /proc)"),
    }
    Ok(())
}
