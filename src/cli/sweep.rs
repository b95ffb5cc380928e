//! `edgesim sweep`: a study of a scenario (varied parameters × replications, with targets),
//! on this machine or as one shard of a cluster's job; and `edgesim merge` of the shards.

use super::{bad, count, Failure, OverrideArgs};
use clap::Args;
use edgesim::report::FolderError;
use edgesim::study::manifest::Manifest;
use edgesim::study::run::{self, RunError};
use edgesim::study::shard::{self, MergeError};
use edgesim::study::{self, Changes, Definition, Study};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;

/// Arguments of `edgesim sweep`.
#[derive(Args)]
pub struct SweepArgs {
    /// Scenario file; the built-in default scenario when omitted.
    file: Option<PathBuf>,
    /// A varied parameter: KEY=VALUES, where KEY is a --set key path (pops[*].x and
    /// regions[NAME].x too) or `variant`, and VALUES a list (16GiB,32GiB), a range
    /// (0.5..2.0 step 0.25) or a geometric range (1GiB..64GiB x2). Repeatable: a grid.
    #[arg(long, value_name = "KEY=VALUES")]
    vary: Vec<String>,
    /// Pair the varied parameters element by element instead of forming a grid.
    #[arg(long)]
    zip: bool,
    /// A scenario variant: NAME:KEY.PATH=VALUE adds a setting to variant NAME; NAME: alone
    /// is the scenario unchanged. The variants are the parameter `variant`. Repeatable.
    #[arg(long, value_name = "NAME:KEY=VALUE")]
    variant: Vec<String>,
    /// Runs per point, each with its own seed [default: the file's, else 1].
    #[arg(long)]
    replications: Option<usize>,
    /// A service level, e.g. "latency_p99_ms<=150" or "regions[asia].latency_p99_ms<=200".
    /// Repeatable.
    #[arg(long, value_name = "EXPR")]
    target: Vec<String>,
    /// Units at once [default: one per core].
    #[arg(long)]
    threads: Option<usize>,
    /// Run only shard K of N (1-based): units K-1, K-1+N, ...; merge the shards with
    /// `edgesim merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Results folder [default: output/study-<scenario name>, or ...-shard-K-of-N].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also keep each unit's whole results folder, under runs/.
    #[arg(long)]
    keep_runs: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    overrides: OverrideArgs,
}

/// Arguments of `edgesim merge`.
#[derive(Args)]
pub struct MergeArgs {
    /// The shards' folders.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// The whole study's folder.
    #[arg(long, required = true)]
    out: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

fn parse_shard(text: &str) -> Result<(usize, usize), Failure> {
    let parsed = text
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse().ok()?, n.trim().parse().ok()?)));
    match parsed {
        Some((k, n)) if k >= 1 && k <= n => Ok((k, n)),
        _ => Err(bad(format!(
            "--shard {text:?}: expected K/N with 1 <= K <= N, e.g. 2/8"
        ))),
    }
}

fn run_failure(e: RunError) -> Failure {
    match e {
        RunError::Scenario(e) => e.into(),
        RunError::Folder(FolderError::Io { .. }) | RunError::Io { .. } => Failure::Failed(e.into()),
        RunError::Folder(_) => Failure::BadInput(e.into()),
    }
}

/// Runs `edgesim sweep`.
pub fn sweep(a: SweepArgs) -> Result<(), Failure> {
    let (text, file) = super::scenario_text(a.file.as_ref())?;
    let shard = a.shard.as_deref().map(parse_shard).transpose()?;
    let changes = Changes {
        vary: a.vary.clone(),
        zip: a.zip,
        replications: a.replications,
        targets: a.target.clone(),
        variants: a.variant.clone(),
    };
    let definition = Definition::new(study::spec_of(&text, &file)?, &file, &changes)?;
    let study = Study::new(&text, &file, &a.overrides.to_overrides(), definition)?;
    let out = a.out.clone().unwrap_or_else(|| {
        let name = match shard {
            Some((k, n)) => format!("study-{}-shard-{k}-of-{n}", study.name),
            None => format!("study-{}", study.name),
        };
        PathBuf::from("output").join(name)
    });
    let how = How {
        threads: a.threads,
        keep_runs: a.keep_runs,
        quiet: a.quiet,
    };
    let Some((_, answer)) = execute(&study, shard, &out, &how)? else {
        return Ok(());
    };
    if !a.quiet {
        for line in answer {
            println!("{line}");
        }
        println!("results: {}", out.display());
    }
    Ok(())
}

/// How units run and what is printed.
pub struct How {
    pub threads: Option<usize>,
    pub keep_runs: bool,
    pub quiet: bool,
}

/// Runs `study` (or its shard) into `out` with a progress bar, resuming what is there;
/// then, unless it is a shard, builds its tables, charts and page. Returns the manifest and
/// the answer to its targets, or `None` for a shard.
pub fn execute(
    study: &Study,
    shard: Option<(usize, usize)>,
    out: &std::path::Path,
    how: &How,
) -> Result<Option<(Manifest, Vec<String>)>, Failure> {
    super::fits(&study.unit_scenario(&study.units[0])?, how.quiet)?;
    let manifest = Manifest::of(study, shard);
    let prepared = run::prepare(out, &manifest).map_err(run_failure)?;
    let held = manifest.held();
    let pending: Vec<usize> = held
        .iter()
        .map(|u| u.id)
        .filter(|i| !prepared.done.contains(i))
        .collect();
    let say = |line: String| {
        if !how.quiet {
            eprintln!("{line}");
        }
    };
    let points = study.points.len();
    say(format!(
        "{}: {} × {} = {}{}",
        study.name,
        count(points, "point"),
        count(study.definition.replications, "replication"),
        count(manifest.units.len(), "unit"),
        shard.map_or(String::new(), |(k, n)| format!(
            "; shard {k}/{n} runs {} of them",
            held.len()
        ))
    ));
    if prepared.removed > 0 {
        say(format!(
            "removed {}: from another scenario, edgesim or grid",
            count(prepared.removed, "outdated unit result")
        ));
    }
    if !prepared.done.is_empty() {
        say(format!(
            "resuming: {} of {} already done in {}, not run again; running the other {}",
            prepared.done.len(),
            held.len(),
            out.display(),
            pending.len()
        ));
    }
    super::interrupt::install()
        .map_err(|e| Failure::Failed(anyhow::anyhow!("cannot watch for Ctrl-C: {e}")))?;
    let bar = (!how.quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(held.len() as u64);
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} units · ETA {eta} · {msg}",
        )
        .expect("static template");
        bar.set_style(style);
        bar.set_position(prepared.done.len() as u64);
        bar
    });
    let running = Mutex::new(Vec::<usize>::new());
    let event = |u: &edgesim::study::manifest::UnitRecord, finished: bool| {
        let Some(bar) = &bar else { return };
        let mut now = running.lock().unwrap_or_else(|e| e.into_inner());
        match finished {
            true => {
                now.retain(|&i| i != u.id);
                bar.inc(1);
            }
            false => now.push(u.id),
        }
        if let Some(&id) = now.last() {
            let unit = &study.units[id];
            bar.set_message(format!(
                "{} · replication {}",
                study.definition.label(&study.points[unit.point]),
                unit.replication
            ));
        }
    };
    let stop = || super::interrupt::received().is_some();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(how.threads.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Failed(e.into()))?;
    let result = pool.install(|| {
        run::run_units(
            study,
            &manifest,
            out,
            &pending,
            how.keep_runs,
            &event,
            &stop,
        )
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    result.map_err(run_failure)?;
    if let Some(signal) = super::interrupt::received() {
        let kept = run::prepare(out, &manifest)
            .map_err(run_failure)?
            .done
            .len();
        eprintln!(
            "edgesim: interrupted ({}): {kept} of {} units are done and kept in {}; run the same command again to finish the rest",
            super::interrupt::name(signal),
            held.len(),
            out.display()
        );
        return Err(Failure::Interrupted(signal));
    }
    if let Some((k, n)) = shard {
        say(format!("shard {k}/{n}: {} in {}; when every shard is done: edgesim merge SHARD_FOLDERS... --out DIR", count(held.len(), "unit"), out.display()));
        return Ok(None);
    }
    let answer = study::finish(out, &manifest)
        .map_err(|e| Failure::Failed(anyhow::anyhow!("{}: {e}", out.display())))?;
    Ok(Some((manifest, answer)))
}

/// Runs `edgesim merge`.
pub fn merge(a: MergeArgs) -> Result<(), Failure> {
    let same =
        |d: &PathBuf| matches!((d.canonicalize(), a.out.canonicalize()), (Ok(x), Ok(y)) if x == y);
    if let Some(d) = a.dirs.iter().find(|d| same(d)) {
        return Err(bad(format!(
            "--out {}: is one of the shards; merge into another folder",
            d.display()
        )));
    }
    let (m, answer) = shard::merge(&a.dirs, &a.out).map_err(|e| match e {
        MergeError::Refused(_) => Failure::BadInput(e.into()),
        MergeError::Run(e) => run_failure(e),
    })?;
    if !a.quiet {
        println!(
            "merged {} of {} ({}) from {}",
            count(m.units.len(), "unit"),
            m.scenario,
            m.study,
            count(a.dirs.len(), "folder")
        );
        for line in answer {
            println!("{line}");
        }
        println!("results: {}", a.out.display());
    }
    Ok(())
}
