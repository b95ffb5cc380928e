//! `edgesim import cloudfront FILE`: a CloudFront distribution's configuration (and, with
//! --logs, its standard logs) as a commented scenario that validates and runs.

use super::Failure;
use clap::{Args, Subcommand};
use edgesim::import::{self, Options};
use edgesim::scenario::{self, Overrides};
use edgesim::trace::EdgeRegions;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ImportWhat {
    /// A CloudFront distribution: get-distribution-config or get-distribution output, a
    /// bare DistributionConfig, or a CloudFormation template (JSON or YAML).
    Cloudfront(CloudfrontArgs),
}

#[derive(Args)]
pub struct CloudfrontArgs {
    /// The configuration file.
    file: PathBuf,
    /// Write the scenario here [default: print it on stdout].
    #[arg(long)]
    out: Option<PathBuf>,
    /// The distribution's standard logs (files, folders or globs): the workload replays
    /// them, and a run writes calibration.csv against them.
    #[arg(long, num_args = 1.., value_name = "PATH")]
    logs: Vec<String>,
    /// With --logs: one client region per edge metro, or per continent.
    #[arg(long, default_value = "metro", value_name = "metro|continent")]
    regions: String,
    /// A template with several distributions: the one with this logical id.
    #[arg(long, value_name = "LOGICAL_ID")]
    distribution: Option<String>,
    /// Where an origin is, when its domain name does not say: ID=REGION (repeatable).
    #[arg(long, value_name = "ID=REGION")]
    origin_region: Vec<String>,
    /// A custom cache policy: the output of `aws cloudfront get-cache-policy` (repeatable).
    #[arg(long, value_name = "FILE")]
    cache_policy: Vec<PathBuf>,
    /// The scenario's name [default: the file's stem].
    #[arg(long)]
    name: Option<String>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

fn bad(message: impl std::fmt::Display) -> Failure {
    Failure::BadInput(anyhow::anyhow!("{message}"))
}

fn read(path: &PathBuf) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| bad(format!("{}: cannot read it: {e}", path.display())))
}

pub fn import(what: ImportWhat) -> Result<(), Failure> {
    let ImportWhat::Cloudfront(a) = what;
    let origin_regions = a
        .origin_region
        .iter()
        .map(|s| {
            s.split_once('=')
                .map(|(id, r)| (id.to_string(), r.to_string()))
                .filter(|(id, r)| !id.is_empty() && !r.is_empty())
                .ok_or_else(|| {
                    bad(format!(
                        "--origin-region {s:?}: expected ID=REGION, e.g. api=eu-west-1"
                    ))
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let cache_policies = a
        .cache_policy
        .iter()
        .map(|p| Ok((p.display().to_string(), read(p)?)))
        .collect::<Result<Vec<_>, Failure>>()?;
    let opts = Options {
        name: a.name.clone(),
        distribution: a.distribution.clone(),
        origin_regions,
        cache_policies,
        logs: a.logs.clone(),
        regions: EdgeRegions::parse(&a.regions).map_err(|e| bad(format!("--regions {e}")))?,
    };
    let file = a.file.display().to_string();
    let imported = import::import(&read(&a.file)?, &file, &opts).map_err(bad)?;
    // The scenario must stand as written: a failure here is the import's own defect.
    let name = a
        .out
        .as_ref()
        .map_or("the imported scenario".into(), |p| p.display().to_string());
    scenario::load_str(&imported.toml, &name, &Overrides::default()).map_err(|e| {
        Failure::Failed(anyhow::anyhow!(
            "the generated scenario does not validate (please report it): {e}"
        ))
    })?;
    if !a.quiet {
        for n in &imported.not_modelled {
            eprintln!("edgesim: not modelled: {n}");
        }
        for w in &imported.warnings {
            eprintln!("edgesim: warning: {w}");
        }
    }
    match &a.out {
        None => print!("{}", imported.toml),
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let name = path
                .file_name()
                .ok_or_else(|| bad(format!("--out {}: not a file name", path.display())))?;
            edgesim::report::write_text(dir, &name.to_string_lossy(), &imported.toml).map_err(
                |e| Failure::Failed(anyhow::anyhow!("{}: cannot write it: {e}", path.display())),
            )?;
            if !a.quiet {
                eprintln!(
                    "edgesim: wrote {}; run it with `edgesim run {}`",
                    path.display(),
                    path.display()
                );
            }
        }
    }
    Ok(())
}
