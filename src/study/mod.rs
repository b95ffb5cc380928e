//! Studies: one scenario run over a grid of varied parameters, each point several times,
//! with means, 95% confidence intervals and verdicts on targets.
//!
//! A study is a list of **units**, one per (point × replication), numbered point-major in
//! grid order (the first varied parameter outermost). Each unit is an ordinary run of the
//! scenario with the point's `--set`s and its replication's seed. Because every unit is
//! alone and deterministic, units run in any order, on any number of threads or machines
//! (`--shard K/N` takes the units whose number is K − 1 modulo N), and the tables built
//! from their results are the same bytes.
//!
//! **Seeds.** Replication 0 runs with the scenario's own seed, so a one-replication study
//! repeats `edgesim run`; replication r > 0 runs with [`replication_seed`]. Every point
//! uses the same seed for the same replication (common random numbers): the points of one
//! replication see the same arrivals and objects as far as their settings allow, so the
//! differences between points are sharper than with independent streams.

pub mod compare;
mod definition;
pub mod figures;
mod html;
pub mod interval;
pub mod manifest;
pub mod output;
pub mod run;
pub mod shard;
pub mod target;
pub mod values;

use crate::engine::{fnv1a, mix64};
use crate::scenario::{load_str, Overrides, Scenario, ScenarioError};
use definition::bad;
pub use definition::{
    spec_of, Axis, Changes, Definition, StudySpec, VariantSpec, MAX_UNITS, VARIANT,
};
pub use target::{Scope, Target, Verdict};

/// One unit: a point's run for one replication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Its number: `point × replications + replication`.
    pub id: usize,
    pub point: usize,
    pub replication: usize,
    pub seed: u64,
    /// FNV-1a of edgesim's version and the unit's resolved scenario: a unit result with
    /// another hash is from another scenario or another edgesim, and is run again.
    pub hash: u64,
}

/// A study ready to run: its definition, its points and its units.
pub struct Study {
    /// The scenario text and the name it is known by in errors.
    pub text: String,
    pub file: String,
    /// The command line's `--set`, `--seed`, `--requests` and `--duration`.
    pub base: Overrides,
    pub definition: Definition,
    /// Per point, the index of its value on each axis.
    pub points: Vec<Vec<usize>>,
    pub units: Vec<Unit>,
    pub targets: Vec<Target>,
    /// The scenario's name.
    pub name: String,
}

/// The seed of replication `r` of a study whose scenario seed is `base`: `base` itself for
/// replication 0, else the 63-bit SplitMix64 mix of `base` and `r` (TOML integers are
/// signed, so a seed stays below 2^63).
pub fn replication_seed(base: u64, r: usize) -> u64 {
    match r {
        0 => base,
        _ => mix64(base ^ mix64(r as u64)) >> 1,
    }
}

impl Study {
    /// Builds the study of scenario `text` (named `file`): every unit's scenario is loaded
    /// and checked now, so a bad value fails before anything runs.
    pub fn new(
        text: &str,
        file: &str,
        base: &Overrides,
        definition: Definition,
    ) -> Result<Study, ScenarioError> {
        let scenario = load_str(text, file, base)?;
        let base_seed = scenario.spec().seed;
        let name = scenario.spec().name.clone();
        let points = definition.points();
        let n = points.len().saturating_mul(definition.replications);
        if n > MAX_UNITS {
            return Err(bad(
                "--vary".into(),
                format!(
                    "{} points × {} replications make {n} units; at most {MAX_UNITS}",
                    points.len(),
                    definition.replications
                ),
            ));
        }
        let targets = definition
            .targets
            .iter()
            .map(|t| {
                Target::parse(t, output::numeric).map_err(|m| {
                    bad(
                        "--target".into(),
                        m.trim_start_matches("--target ").to_string(),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let spec = scenario.spec();
        for t in &targets {
            let known = match &t.scope {
                Scope::Run => true,
                Scope::Region(n) => spec.regions.iter().any(|r| &r.name == n),
                Scope::Pop(n) => spec.pops.iter().any(|p| &p.code == n),
            };
            if !known {
                return Err(bad(
                    format!("--target {}", t.text),
                    format!(
                        "{file} has no {}",
                        t.metric_label().split('.').next().unwrap_or_default()
                    ),
                ));
            }
        }
        let mut study = Study {
            text: text.to_string(),
            file: file.to_string(),
            base: base.clone(),
            definition,
            points,
            units: Vec::with_capacity(n),
            targets,
            name,
        };
        for p in 0..study.points.len() {
            for r in 0..study.definition.replications {
                let seed = replication_seed(base_seed, r);
                let s = study.scenario(p, seed)?;
                let hash = unit_hash(&s);
                study.units.push(Unit {
                    id: study.units.len(),
                    point: p,
                    replication: r,
                    seed,
                    hash,
                });
            }
        }
        Ok(study)
    }

    /// The scenario of point `p` at `seed`. An error names the varied value.
    fn scenario(&self, p: usize, seed: u64) -> Result<Scenario, ScenarioError> {
        let mut o = self.base.clone();
        o.sets.extend(self.definition.sets(&self.points[p]));
        o.seed = Some(seed);
        load_str(&self.text, &self.file, &o).map_err(|e| match e {
            ScenarioError::Override { arg, message } => bad(
                format!("{} (point {})", arg, self.definition.label(&self.points[p])),
                message,
            ),
            e => e,
        })
    }

    /// The scenario of unit `u`.
    pub fn unit_scenario(&self, u: &Unit) -> Result<Scenario, ScenarioError> {
        self.scenario(u.point, u.seed)
    }
}

/// Builds the tables, charts and `study.html` of the finished study in `dir` from its
/// manifest and unit files; returns the answer to its targets, one sentence per line.
pub fn finish(dir: &std::path::Path, m: &manifest::Manifest) -> std::io::Result<Vec<String>> {
    let targets = m
        .targets
        .iter()
        .map(|t| Target::parse(t, output::numeric))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    let results = output::Results::read(dir, m)?;
    results.write_tables(dir, &targets)?;
    let answer = output::answer(&results, &targets);
    figures::draw(dir, &results)?;
    html::write(dir, &results, &targets, &answer)?;
    Ok(answer)
}

/// A unit's hash: edgesim's version and its resolved scenario.
pub fn unit_hash(s: &Scenario) -> u64 {
    let text = format!(
        "edgesim {}\n{}",
        env!("CARGO_PKG_VERSION"),
        s.resolved_toml()
    );
    fnv1a(text.as_bytes())
}

#[cfg(test)]
mod tests;
