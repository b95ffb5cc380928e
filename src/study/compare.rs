//! `edgesim compare` as a study: cache policy × capacity set at one tier (POPs, regional
//! caches, shields, or all), so a policy's effect shows in origin load and tail latency,
//! not only in the miss ratio. It runs on the study engine (replications, intervals,
//! targets, resuming, charts), and adds `compare.csv`: one row per policy × capacity with
//! the means over replications, each tier's own hit ratio among them.

use super::output::Results;
use super::target::Scope;
use super::{Axis, Definition};
use crate::cache::PolicyKind;
use crate::report::{CompareRow, COMPARE_MEANS};
use crate::scenario::{Scenario, ScenarioError};
use crate::units::Bytes;
use std::collections::BTreeSet;

crate::message_error!(
    /// A `--tier` that is none of the tiers.
    TierError
);

/// Which caches a comparison sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// Every POP's cache.
    Pop,
    /// Every regional cache that some POP sends its misses to.
    Regional,
    /// Every regional cache that shields some origin.
    Shield,
    /// POPs and every regional cache.
    All,
}

impl Tier {
    /// Parses `pop`, `regional`, `shield` or `all`.
    pub fn parse(text: &str) -> Result<Tier, TierError> {
        match text {
            "pop" => Ok(Tier::Pop),
            "regional" => Ok(Tier::Regional),
            "shield" => Ok(Tier::Shield),
            "all" => Ok(Tier::All),
            _ => Err(TierError(format!(
                "--tier {text:?}: expected pop, regional, shield or all"
            ))),
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Pop => "pop",
            Tier::Regional => "regional",
            Tier::Shield => "shield",
            Tier::All => "all",
        }
    }

    /// The key paths of the caches this tier covers in `s`.
    pub fn caches(self, s: &Scenario) -> Vec<String> {
        let spec = s.spec();
        let pops = (0..spec.pops.len()).map(|i| format!("pops[{i}]"));
        let regional = |wanted: &BTreeSet<&str>| {
            spec.regional_caches
                .iter()
                .enumerate()
                .filter(|(_, r)| wanted.contains(r.name.as_str()))
                .map(|(i, _)| format!("regional_caches[{i}]"))
                .collect::<Vec<_>>()
        };
        let used: BTreeSet<&str> = spec
            .pops
            .iter()
            .filter_map(|p| p.regional_cache.as_deref())
            .collect();
        let shields: BTreeSet<&str> = spec
            .origins
            .iter()
            .filter_map(|o| o.shield.as_deref())
            .collect();
        let every: BTreeSet<&str> = spec
            .regional_caches
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        match self {
            Tier::Pop => pops.collect(),
            Tier::Regional => regional(&used),
            Tier::Shield => regional(&shields),
            Tier::All => pops.chain(regional(&every)).collect(),
        }
    }
}

/// The study of `base` that sets `policies` × `capacities` at `tier`, policies outer;
/// `file` names the scenario in errors.
pub fn definition(
    base: &Scenario,
    file: &str,
    tier: Tier,
    policies: &[PolicyKind],
    capacities: &[Bytes],
) -> Result<Definition, ScenarioError> {
    let caches = tier.caches(base);
    if caches.is_empty() {
        return Err(ScenarioError::Override {
            arg: format!("--tier {}", tier.name()),
            message: format!("{file} has no caches at this tier"),
        });
    }
    let each = |key: &str, value: &str| {
        caches
            .iter()
            .map(|c| format!("{c}.{key}={value}"))
            .collect::<Vec<_>>()
    };
    let policy = Axis {
        key: "policy".into(),
        values: policies.iter().map(|p| p.name().to_string()).collect(),
        sets: Some(
            policies
                .iter()
                .map(|p| each("cache_policy", p.name()))
                .collect(),
        ),
    };
    let capacity = Axis {
        key: "capacity".into(),
        values: capacities.iter().map(|c| c.to_string()).collect(),
        sets: Some(
            capacities
                .iter()
                .map(|c| each("cache_capacity", &c.to_string()))
                .collect(),
        ),
    };
    Ok(Definition {
        axes: vec![policy, capacity],
        replications: 1,
        ..Definition::default()
    })
}

/// The rows of `compare.csv` from a finished comparison's results.
pub fn rows(results: &Results, tier: Tier) -> Vec<CompareRow> {
    (0..results.manifest.points.len())
        .map(|point| {
            let v = results.point_values(point);
            let means = COMPARE_MEANS
                .iter()
                .map(|&name| {
                    let e = results.estimate(point, &Scope::Run, name);
                    (name, e.map_or(f64::NAN, |e| e.mean))
                })
                .collect();
            CompareRow {
                tier: tier.name(),
                policy: v[0].clone(),
                capacity: v[1].clone(),
                means,
            }
        })
        .collect()
}
