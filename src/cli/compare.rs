//! `edgesim compare`: a scenario run once per cache policy × capacity at one tier, side by
//! side in `compare.csv`.

use super::{bad, Failure, OverrideArgs};
use clap::Args;
use edgesim::cache::PolicyKind;
use edgesim::replay::Capacity;
use edgesim::sweep::{self, Tier};
use edgesim::units::{Bytes, SIZE_HELP};
use std::path::PathBuf;

/// Arguments of `edgesim compare`.
#[derive(Args)]
pub struct CompareArgs {
    /// Scenario file.
    file: PathBuf,
    /// Eviction policies, comma-separated (see `edgesim policies`; not belady).
    #[arg(long, value_delimiter = ',', required = true)]
    policies: Vec<String>,
    /// Cache sizes per cache, comma-separated, e.g. 1GiB,8GiB.
    #[arg(long, value_delimiter = ',', required = true)]
    capacities: Vec<String>,
    /// Which caches to set: pop, regional, shield or all.
    #[arg(long, default_value = "pop")]
    tier: String,
    /// Runs at once [default: one per core].
    #[arg(long)]
    threads: Option<usize>,
    /// Results folder [default: output/compare-<scenario name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    overrides: OverrideArgs,
}

/// Runs `edgesim compare`.
pub fn compare(a: CompareArgs) -> Result<(), Failure> {
    let policies = a
        .policies
        .iter()
        .map(|p| {
            let k = PolicyKind::from_name(p.trim()).map_err(|e| bad(format!("--policies: {e}")))?;
            match k.refuse_in_simulation() {
                Some(why) => Err(bad(format!("--policies: {why}"))),
                None => Ok(k),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let capacities = a
        .capacities
        .iter()
        .map(|c| match Capacity::parse(c, false) {
            Ok(Capacity::Bytes(b, _)) => Ok(Bytes(b)),
            // A share of the working set means nothing for a scenario's caches.
            Ok(Capacity::Share(..)) => Err(bad(format!(
                "--capacities {c:?}: compare takes sizes: expected {SIZE_HELP}"
            ))),
            Err(e) => Err(bad(format!("--capacities: {e}"))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let tier = Tier::parse(&a.tier).map_err(bad)?;
    let file = a.file.display().to_string();
    let text = std::fs::read_to_string(&a.file)
        .map_err(|e| bad(format!("{file}: cannot read the scenario: {e}")))?;
    let overrides = a.overrides.to_overrides();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Failed(e.into()))?;
    let rows = pool
        .install(|| sweep::sweep(&text, &file, &overrides, tier, &policies, &capacities))
        .map_err(bad)?;
    let name = edgesim::scenario::load_str(&text, &file, &overrides)?
        .spec()
        .name
        .clone();
    let out = a
        .out
        .unwrap_or_else(|| PathBuf::from("output").join(format!("compare-{name}")));
    std::fs::create_dir_all(&out).map_err(|e| {
        bad(format!(
            "{}: cannot create the results folder: {e}",
            out.display()
        ))
    })?;
    let lines = rows.iter().map(|r| (tier, r.clone()));
    edgesim::report::write_table(&out, "compare.csv", edgesim::sweep::COMPARE, lines)
        .map_err(|e| Failure::Failed(anyhow::anyhow!("{}: {e}", out.display())))?;
    if !a.quiet {
        println!(
            "{name}: {} runs, caches set at tier {}",
            rows.len(),
            tier.name()
        );
        for r in &rows {
            println!(
                "  {:<9} {:>8}  hit ratio {:.4}  byte hit ratio {:.4}  origin offload {:.4}  p99 {:.1} ms",
                r.policy.name(),
                r.capacity.to_string(),
                r.hit_ratio,
                r.byte_hit_ratio,
                r.origin_offload,
                r.p99_ms
            );
        }
        println!("results: {}", out.display());
    }
    Ok(())
}
