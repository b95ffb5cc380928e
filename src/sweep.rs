//! Comparing cache policies inside a whole CDN: one full run of a scenario per policy ×
//! capacity, with the policy and size set at one tier (POPs, regional caches, shields, or
//! all), so a policy's effect shows in origin load and tail latency, not only in the miss
//! ratio.
//!
//! Every combination is checked before any runs; the runs then go in parallel (rayon).
//! Each run is deterministic and alone, and results are collected in combination order,
//! so the output is the same on any thread count.

use crate::cache::PolicyKind;
use crate::col;
use crate::scenario::{load_str, Overrides, Scenario, ScenarioError};
use crate::sim::{run, Quiet};
use crate::stats::columns::{Cell, Column};
use crate::units::Bytes;
use rayon::prelude::*;
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
    fn caches(self, s: &Scenario) -> Vec<String> {
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

/// One combination's results.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRow {
    /// The policy set.
    pub policy: PolicyKind,
    /// The capacity set, per cache.
    pub capacity: Bytes,
    /// Counted requests.
    pub requests: u64,
    /// Hit ratio over all tiers.
    pub hit_ratio: f64,
    /// Byte hit ratio.
    pub byte_hit_ratio: f64,
    /// 1 − origin bytes / bytes served.
    pub origin_offload: f64,
    /// Requests that caused an origin request.
    pub origin_requests: u64,
    /// Median latency, ms.
    pub p50_ms: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
}

/// Columns of `compare.csv`: one row per policy × capacity, at one tier.
pub const COMPARE: &[Column<(Tier, SweepRow)>] =
    &[
        col!("policy", "eviction policy set at the tier", |(_, r)| {
            Cell::Text(r.policy.name().into())
        }),
        col!(
            "capacity",
            "capacity set for each cache of the tier",
            |(_, r)| Cell::Text(r.capacity.to_string())
        ),
        col!(
            "tier",
            "`pop`, `regional`, `shield` or `all`: the caches that were set",
            |(t, _)| Cell::Text(t.name().into())
        ),
        col!(
            "requests",
            "requests counted (warm-up excluded)",
            |(_, r)| Cell::Count(r.requests)
        ),
        col!(
            "hit_ratio",
            "(hits + refresh_hits) among cacheable requests / cacheable requests, over all tiers",
            |(_, r)| Cell::Ratio(r.hit_ratio)
        ),
        col!(
            "byte_hit_ratio",
            "body bytes served from cache / body bytes served for cacheable requests",
            |(_, r)| Cell::Ratio(r.byte_hit_ratio)
        ),
        col!(
            "origin_offload",
            "1 - origin bytes / bytes served",
            |(_, r)| Cell::Ratio(r.origin_offload)
        ),
        col!(
            "origin_requests",
            "requests that caused an origin request (revalidations included)",
            |(_, r)| Cell::Count(r.origin_requests)
        ),
        col!(
            "latency_p50_ms",
            "median viewer latency",
            |(_, r)| Cell::Ms(r.p50_ms)
        ),
        col!(
            "latency_p99_ms",
            "99th percentile viewer latency",
            |(_, r)| Cell::Ms(r.p99_ms)
        ),
    ];

/// Runs the scenario `text` (named `file` in errors, with `base` overrides) once per
/// policy × capacity, set at `tier`; rows in that order, policies outer.
pub fn sweep(
    text: &str,
    file: &str,
    base: &Overrides,
    tier: Tier,
    policies: &[PolicyKind],
    capacities: &[Bytes],
) -> Result<Vec<SweepRow>, ScenarioError> {
    let caches = tier.caches(&load_str(text, file, base)?);
    if caches.is_empty() {
        return Err(ScenarioError::Override {
            arg: format!("--tier {}", tier.name()),
            message: format!("{file} has no caches at this tier"),
        });
    }
    let mut scenarios = Vec::new();
    for &policy in policies {
        for &capacity in capacities {
            let mut o = base.clone();
            for c in &caches {
                o.sets.push(format!("{c}.cache_policy={}", policy.name()));
                o.sets.push(format!("{c}.cache_capacity={capacity}"));
            }
            scenarios.push((policy, capacity, load_str(text, file, &o)?));
        }
    }
    scenarios
        .par_iter()
        .map(|(policy, capacity, s)| {
            let r = run(s, &mut Quiet);
            if let Some(why) = r.input_error {
                return Err(ScenarioError::Changed(why));
            }
            let m = &r.summary;
            Ok(SweepRow {
                policy: *policy,
                capacity: *capacity,
                requests: m.counts.requests,
                hit_ratio: m.hit_ratio(),
                byte_hit_ratio: m.byte_hit_ratio(),
                origin_offload: m.origin_offload(),
                origin_requests: m.counts.origin_requests,
                p50_ms: m.latency_ms(0.5),
                p99_ms: m.latency_ms(0.99),
            })
        })
        .collect()
}
