//! `edgesim compare`: a study of cache policy × capacity at one tier, side by side in
//! `compare.csv`, with the study's intervals, charts and page beside it.

use super::sweep::{execute, How};
use super::{bad, Failure, OverrideArgs};
use clap::Args;
use edgesim::cache::PolicyKind;
use edgesim::replay::Capacity;
use edgesim::study::compare::{self, Tier};
use edgesim::study::output::Results;
use edgesim::study::Study;
use edgesim::units::{Bytes, SIZE_HELP};
use std::path::PathBuf;

/// Arguments of `edgesim compare`.
#[derive(Args)]
pub struct CompareArgs {
    /// Scenario file; the built-in default scenario when omitted.
    file: Option<PathBuf>,
    /// Eviction policies, comma-separated (see `edgesim policies`; not belady).
    #[arg(long, value_delimiter = ',', required = true)]
    policies: Vec<String>,
    /// Cache sizes per cache, comma-separated, e.g. 1GiB,8GiB.
    #[arg(long, value_delimiter = ',', required = true)]
    capacities: Vec<String>,
    /// Which caches to set: pop, regional, shield or all.
    #[arg(long, default_value = "pop")]
    tier: String,
    /// Runs per policy × capacity, each with its own seed.
    #[arg(long, default_value_t = 1)]
    replications: usize,
    /// A service level, as `edgesim sweep` takes it. Repeatable.
    #[arg(long, value_name = "EXPR")]
    target: Vec<String>,
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
    let (text, file) = super::scenario_text(a.file.as_ref())?;
    let overrides = a.overrides.to_overrides();
    let base = edgesim::scenario::load_str(&text, &file, &overrides)?;
    let mut definition = compare::definition(&base, &file, tier, &policies, &capacities)?;
    definition.replications = a.replications;
    definition.targets = a.target.clone();
    if a.replications == 0 {
        return Err(bad(
            "--replications 0: a comparison needs at least 1 replication",
        ));
    }
    let study = Study::new(&text, &file, &overrides, definition)?;
    let out = a
        .out
        .unwrap_or_else(|| PathBuf::from("output").join(format!("compare-{}", study.name)));
    let how = How {
        threads: a.threads,
        keep_runs: false,
        quiet: a.quiet,
    };
    let (manifest, answer) = execute(&study, None, &out, &how)?.expect("not a shard");
    let failed = |e: std::io::Error| Failure::Failed(anyhow::anyhow!("{}: {e}", out.display()));
    let results = Results::read(&out, &manifest).map_err(failed)?;
    let rows = compare::rows(&results, tier);
    let table = compare::rows(&results, tier);
    edgesim::report::write_table(&out, "compare.csv", edgesim::report::COMPARE, table)
        .map_err(failed)?;
    if !a.quiet {
        println!(
            "{}: {} runs, caches set at tier {}",
            study.name,
            manifest.units.len(),
            tier.name()
        );
        print_varying(&rows);
        for line in answer {
            println!("{line}");
        }
        println!("results: {}", out.display());
    }
    Ok(())
}

/// The rows of compare.csv with every column whose value differs between rows (the
/// others say nothing about the choice), as an aligned table.
fn print_varying(rows: &[edgesim::report::CompareRow]) {
    let columns = edgesim::report::COMPARE;
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| columns.iter().map(|c| (c.get)(r).to_string()).collect())
        .collect();
    let shown: Vec<usize> = (0..columns.len())
        .filter(|&i| {
            let name = columns[i].name;
            name == "policy"
                || name == "capacity"
                || (name != "tier" && cells.iter().any(|row| row[i] != cells[0][i]))
        })
        .collect();
    let width = |i: usize| {
        let longest = cells.iter().map(|row| row[i].len()).max().unwrap_or(0);
        longest.max(columns[i].name.len())
    };
    let line = |texts: Vec<&str>| {
        let parts: Vec<String> = shown
            .iter()
            .zip(texts)
            .map(|(&i, t)| format!("{t:>w$}", w = width(i)))
            .collect();
        format!("  {}", parts.join("  "))
    };
    println!("{}", line(shown.iter().map(|&i| columns[i].name).collect()));
    for row in &cells {
        println!("{}", line(shown.iter().map(|&i| row[i].as_str()).collect()));
    }
}
