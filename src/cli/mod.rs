//! The `edgesim` command line: parse, call the library, print, exit with a documented code.

mod bench;
mod compare;
mod import;
mod interrupt;
mod replay;
mod run;
mod sign;
mod sweep;

use clap::{Args, Parser, Subcommand};
use edgesim::scenario::{self, Overrides, Scenario, ScenarioError, DEFAULT_SCENARIO};
use edgesim::sim::memory;
use edgesim::units::{Duration, DURATION_HELP};
use std::path::PathBuf;

/// Exit code: a bad command line or scenario (missing, malformed or invalid).
pub const EXIT_BAD_INPUT: i32 = 2;
/// Exit code: the run could not finish, e.g. results could not be written.
pub const EXIT_FAILED: i32 = 1;

#[derive(Parser)]
#[command(
    name = "edgesim",
    version,
    about = "Simulate CDN edge request routing, modelled on Amazon CloudFront"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and write its results (the built-in default when FILE is omitted).
    Run(run::RunArgs),
    /// Check a scenario file without running it.
    Validate {
        /// Scenario file.
        file: PathBuf,
        #[command(flatten)]
        overrides: OverrideArgs,
    },
    /// Measure simulated requests per second and peak memory.
    Bench(bench::BenchArgs),
    /// Sign a URL or make signed cookies, as CloudFront verifies them.
    Sign {
        #[command(subcommand)]
        what: sign::SignWhat,
    },
    /// Check a signed URL or signed cookies against a public key: prints `valid` or why not.
    Verify(sign::VerifyArgs),
    /// List the cache eviction and admission policies, with their parameters.
    Policies,
    /// Replay a trace through caches of several policies and sizes: miss-ratio curves.
    Replay(replay::ReplayArgs),
    /// Run a study: a scenario over varied parameters and replications, with confidence
    /// intervals and targets; resumable, and shardable for a batch system.
    Sweep(sweep::SweepArgs),
    /// Merge the shard folders of one study into the folder one machine would write.
    Merge(sweep::MergeArgs),
    /// Run a scenario once per cache policy and capacity at one tier, side by side.
    Compare(compare::CompareArgs),
    /// Make a scenario from a real configuration: `import cloudfront FILE` reads a
    /// CloudFront distribution (API JSON or a CloudFormation template).
    Import {
        #[command(subcommand)]
        what: import::ImportWhat,
    },
    /// Draw the charts and report.html of an earlier run again, from its CSV files; or,
    /// with --out, compare several runs side by side.
    Report {
        /// Results folders of earlier runs (one to redraw; one or more with --out).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Write a comparison of the runs to this folder: charts/, comparison.csv and
        /// report.html.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// How the built-in default scenario is named in messages.
const DEFAULT_FILE: &str = "scenarios/default.toml (built in)";

/// Settings that change the scenario from the command line.
#[derive(Args, Clone, Debug, Default)]
struct OverrideArgs {
    /// Seed of every random stream.
    #[arg(long)]
    seed: Option<u64>,
    /// Run length as a count of counted requests (replaces the file's `duration`).
    #[arg(long, conflicts_with = "duration")]
    requests: Option<u64>,
    /// Run length in simulated time, e.g. 90s, 5m, 1h (replaces the file's `requests`).
    #[arg(long, value_parser = parse_duration)]
    duration: Option<Duration>,
    /// Change any setting: KEY.PATH=VALUE, e.g. pops[0].cache_capacity=16GiB (repeatable).
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    sets: Vec<String>,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    match Duration::parse(text) {
        Some(d) if d.0 > 0 => Ok(d),
        Some(_) => Err("must be longer than zero".into()),
        None => Err(format!("expected {DURATION_HELP}")),
    }
}

/// `n` and the noun, plural unless `n` is 1 (`class` becomes `classes`).
fn count(n: usize, noun: &str) -> String {
    let plural = match (n == 1, noun.ends_with('s')) {
        (true, _) => "",
        (false, true) => "es",
        (false, false) => "s",
    };
    format!("{n} {noun}{plural}")
}

impl OverrideArgs {
    fn to_overrides(&self) -> Overrides {
        Overrides {
            sets: self.sets.clone(),
            seed: self.seed,
            duration: self.duration,
            requests: self.requests,
        }
    }
}

/// Why a command failed, which decides the exit code.
pub enum Failure {
    /// The input was wrong: exit 2.
    BadInput(anyhow::Error),
    /// Something else went wrong: exit 1.
    Failed(anyhow::Error),
    /// `verify` found the request invalid and has said why: exit 1.
    Denied,
    /// A signal stopped the command before it finished: exit 128 + the signal.
    Interrupted(i32),
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::BadInput(e.into())
    }
}

/// Bad input (exit 2) with the message `e`.
fn bad(e: impl std::fmt::Display) -> Failure {
    Failure::BadInput(anyhow::anyhow!("{e}"))
}

/// Loads `file`, or the embedded default scenario when it is `None`.
/// Loads a scenario to run: refused when it cannot fit in memory (see [`fits`]).
fn load_to_run(
    file: Option<&PathBuf>,
    overrides: &OverrideArgs,
    quiet: bool,
) -> Result<Scenario, Failure> {
    let s = load(file, overrides)?;
    fits(&s, quiet)?;
    Ok(s)
}

fn load(file: Option<&PathBuf>, overrides: &OverrideArgs) -> Result<Scenario, Failure> {
    let o = overrides.to_overrides();
    Ok(match file {
        Some(path) => scenario::load_file(path, &o)?,
        None => scenario::load_str(DEFAULT_SCENARIO, DEFAULT_FILE, &o)?,
    })
}

/// The text of scenario `file` and its name in messages; the built-in default without one.
fn scenario_text(file: Option<&PathBuf>) -> Result<(String, String), Failure> {
    match file {
        Some(p) => {
            let name = p.display().to_string();
            let text = std::fs::read_to_string(p)
                .map_err(|e| bad(format!("{name}: cannot read the scenario: {e}")))?;
            Ok((text, name))
        }
        None => Ok((DEFAULT_SCENARIO.to_string(), DEFAULT_FILE.to_string())),
    }
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with code 0, usage errors with code 2.
            let _ = e.print();
            return if e.use_stderr() { EXIT_BAD_INPUT } else { 0 };
        }
    };
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Validate { file, overrides } => validate(&file, &overrides),
        Command::Bench(args) => bench::bench(args),
        Command::Sign { what } => sign::sign(what),
        Command::Verify(args) => sign::verify(args),
        Command::Report { dirs, out } => report(&dirs, out.as_deref()),
        Command::Replay(args) => replay::replay(args),
        Command::Compare(args) => compare::compare(args),
        Command::Import { what } => import::import(what),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Merge(args) => sweep::merge(args),
        Command::Policies => {
            print!(
                "{}",
                edgesim::cache::listing(edgesim::cache::PolicyKind::ALL)
            );
            Ok(())
        }
    };
    match result {
        Ok(()) => 0,
        Err(Failure::BadInput(e)) => {
            eprintln!("edgesim: error: {e:#}");
            EXIT_BAD_INPUT
        }
        Err(Failure::Failed(e)) => {
            eprintln!("edgesim: error: {e:#}");
            EXIT_FAILED
        }
        Err(Failure::Denied) => EXIT_FAILED,
        Err(Failure::Interrupted(signal)) => {
            eprintln!(
                "edgesim: interrupted ({}): stopped before the end; no results were written",
                interrupt::name(signal)
            );
            128 + signal
        }
    }
}

/// `edgesim report`: redraw one run, or compare runs into `out`.
fn report(dirs: &[PathBuf], out: Option<&std::path::Path>) -> Result<(), Failure> {
    let Some(out) = out else {
        let [dir] = dirs else {
            return Err(Failure::BadInput(anyhow::anyhow!(
                "{} folders given: redraw one at a time, or compare them with --out DIR",
                dirs.len()
            )));
        };
        // A missing or malformed table is the folder's fault; a chart that cannot be
        // written is not.
        return edgesim::charts::report(dir).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidData => Failure::BadInput(
                anyhow::anyhow!("{}: not a complete results folder: {e}", dir.display()),
            ),
            _ => Failure::Failed(anyhow::anyhow!(
                "{}: cannot draw the report: {e}",
                dir.display()
            )),
        });
    };
    let incomplete = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::InvalidInput => Failure::BadInput(anyhow::anyhow!("{e}")),
        _ => Failure::Failed(anyhow::anyhow!("{}: {e}", out.display())),
    };
    let same = |d: &PathBuf| match (d.canonicalize(), out.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if let Some(d) = dirs.iter().find(|d| same(d)) {
        return Err(Failure::BadInput(anyhow::anyhow!(
            "--out {}: is one of the runs compared; write the comparison to another folder",
            d.display()
        )));
    }
    let changes = edgesim::charts::compare(dirs, out).map_err(incomplete)?;
    println!(
        "comparison of {}: {}",
        count(dirs.len(), "run"),
        out.display()
    );
    // What a planner changed between the runs, before any number is read.
    for (dir, changed) in dirs[1..].iter().zip(&changes) {
        match changed.is_empty() {
            true => println!(
                "  {} against {}: the same scenario",
                dir.display(),
                dirs[0].display()
            ),
            false => {
                println!("  {} against {}:", dir.display(), dirs[0].display());
                for (key, was, is) in changed {
                    println!("    {key}: {was} -> {is}");
                }
            }
        }
    }
    Ok(())
}

/// Prints the scenario's warnings on stderr.
fn warn(s: &Scenario) {
    for w in s.warnings() {
        eprintln!("edgesim: warning: {w}");
    }
}

fn validate(file: &PathBuf, overrides: &OverrideArgs) -> Result<(), Failure> {
    let s = load(Some(file), overrides)?;
    warn(&s);
    let spec = s.spec();
    println!(
        "{}: valid: scenario {:?}, {}, {}, {}, {}",
        file.display(),
        spec.name,
        count(spec.regions.len(), "region"),
        count(spec.pops.len(), "POP"),
        count(spec.origins.len(), "origin"),
        count(spec.workload.classes.len(), "path class")
    );
    let m = memory::estimate(&s);
    println!(
        "memory: about {} from the start, up to {} more as the caches fill",
        memory::bytes_text(m.fixed),
        memory::bytes_text(m.caches)
    );
    fits(&s, false)
}

/// The memory a run may count on: `EDGESIM_MEMORY_AVAILABLE` (bytes) when set, else what
/// the machine has available now.
fn memory_available() -> Result<Option<u64>, Failure> {
    match std::env::var("EDGESIM_MEMORY_AVAILABLE") {
        Ok(v) => v.trim().parse().map(Some).map_err(|_| {
            Failure::BadInput(anyhow::anyhow!(
                "EDGESIM_MEMORY_AVAILABLE: {v:?} is not a number of bytes"
            ))
        }),
        Err(_) => Ok(memory::available()),
    }
}

/// Refuses a scenario whose fixed memory cannot fit in the memory available, and warns
/// (unless `quiet`) when its caches, full, would not.
fn fits(s: &Scenario, quiet: bool) -> Result<(), Failure> {
    let Some(available) = memory_available()? else {
        return Ok(());
    };
    let m = memory::estimate(s);
    let pops = s.spec().pops.len();
    if m.fixed > available {
        return Err(Failure::BadInput(anyhow::anyhow!(
            "the run needs about {} of memory before its first request ({} of statistics per POP, {pops} POPs), and {} is available; use fewer POPs",
            memory::bytes_text(m.fixed),
            memory::bytes_text((m.fixed - memory::BASE_BYTES) / pops.max(1) as u64),
            memory::bytes_text(available)
        )));
    }
    if m.fixed + m.caches > available && !quiet {
        eprintln!(
            "edgesim: warning: the run may need up to {} of memory once its caches are full, and {} is available",
            memory::bytes_text(m.fixed + m.caches),
            memory::bytes_text(available)
        );
    }
    Ok(())
}
