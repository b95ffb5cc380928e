//! The scenario file: its serde types, defaults, validation and the resolved form.
//!
//! Loading is two-phase. Serde types with `deny_unknown_fields` and defaults read the
//! file; then [`Scenario::new`] checks every rule that spans fields or refers to names,
//! fills defaults that depend on other settings, and returns a [`Scenario`] that the
//! simulation can trust. Each domain module owns its own settings type; this module only
//! composes them. `scenarios/reference.toml` documents every key, and a test keeps it in
//! step with the defaults here.

mod load;
mod overrides;

pub use load::{load_file, load_str, Overrides, ScenarioError};
pub use overrides::apply_override;

use crate::check::{self, ensure, Checked, Invalid};
use crate::origin::OriginSpec;
use crate::topology::geo::NetworkSpec;
use crate::topology::{PopOutageSpec, PopSpec};
use crate::units::Duration;
use crate::workload::{RegionSpec, WorkloadSpec};
use serde::{Deserialize, Serialize};

/// The built-in default scenario, embedded so `edgesim run` works from any directory.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/default.toml");

/// A scenario file as written, with defaults filled in by serde.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Name; results go to `output/<name>/` by default.
    pub name: String,
    /// Seed of every random stream.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Simulated time during which requests arrive, warm-up included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
    /// Or: the number of requests to count, warm-up excluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<u64>,
    /// Leading part of the run that warms the caches but is not counted.
    #[serde(default)]
    pub warmup: Warmup,
    /// Width of a `timeseries.csv` row.
    #[serde(default = "default_interval")]
    pub interval: Duration,
    /// Latency model.
    #[serde(default)]
    pub network: NetworkSpec,
    /// Requests.
    pub workload: WorkloadSpec,
    /// Client regions.
    pub regions: Vec<RegionSpec>,
    /// Edge POPs.
    pub pops: Vec<PopSpec>,
    /// Origins.
    pub origins: Vec<OriginSpec>,
    /// What the edge does with requests that no other behavior matches.
    #[serde(default)]
    pub default_behavior: BehaviorSpec,
    /// Injected failures.
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
}

fn default_seed() -> u64 {
    1
}

fn default_interval() -> Duration {
    Duration(10_000_000_000)
}

/// A warm-up: a span of simulated time (`"60s"`) or a number of requests (`50000`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Warmup {
    /// Requests arriving before this time are not counted.
    Time(Duration),
    /// The first this-many requests are not counted.
    Requests(u64),
}

impl Default for Warmup {
    fn default() -> Self {
        Warmup::Time(Duration(0))
    }
}

impl<'de> Deserialize<'de> for Warmup {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Count(u64),
            Text(String),
        }
        let expected = || {
            format!(
                "expected {} or a request count",
                crate::units::DURATION_HELP
            )
        };
        match Raw::deserialize(d).map_err(|_| serde::de::Error::custom(expected()))? {
            Raw::Count(n) => Ok(Warmup::Requests(n)),
            Raw::Text(t) => Duration::parse(&t).map(Warmup::Time).ok_or_else(|| {
                serde::de::Error::custom(format!("invalid value {t:?}: {}", expected()))
            }),
        }
    }
}

/// A cache behavior: for now, which origin serves it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BehaviorSpec {
    /// Name of the target origin; when absent, the first origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// An injected failure, chosen by `kind`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultSpec {
    /// A POP answers nothing for a while; routing passes it over.
    PopOutage(PopOutageSpec),
}

/// A scenario that passed validation, with every default resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    spec: ScenarioSpec,
    target_origin: usize,
}

impl Scenario {
    /// Validates `spec` and resolves the defaults that depend on other settings.
    pub fn new(mut spec: ScenarioSpec) -> Result<Scenario, Invalid> {
        validate(&spec)?;
        let target = spec
            .default_behavior
            .origin
            .get_or_insert_with(|| spec.origins[0].name.clone());
        let target_origin = spec
            .origins
            .iter()
            .position(|o| &o.name == target)
            .expect("validated");
        Ok(Scenario {
            spec,
            target_origin,
        })
    }

    /// The validated settings.
    pub fn spec(&self) -> &ScenarioSpec {
        &self.spec
    }

    /// Index of the origin that serves requests.
    pub fn target_origin(&self) -> usize {
        self.target_origin
    }

    /// The fully resolved scenario as TOML: running it reproduces this run.
    pub fn resolved_toml(&self) -> String {
        toml::to_string(&self.spec).expect("scenario types serialise to TOML")
    }

    /// POP outages in the fault schedule.
    pub fn pop_outages(&self) -> Vec<PopOutageSpec> {
        self.spec
            .faults
            .iter()
            .map(|f| match f {
                FaultSpec::PopOutage(o) => o.clone(),
            })
            .collect()
    }
}

fn names<'a, T>(items: &'a [T], name: impl Fn(&'a T) -> &'a str) -> Vec<&'a str> {
    items.iter().map(name).collect()
}

/// Every rule that serde cannot express.
fn validate(s: &ScenarioSpec) -> Checked {
    ensure(
        !s.name.is_empty(),
        || "name".into(),
        || "must not be empty".into(),
    )?;
    ensure(
        !s.name.contains(['/', '\\']) && s.name != "." && s.name != "..",
        || "name".into(),
        || {
            format!(
                "is used as a folder name, so it must not contain '/' or '\\', got {:?}",
                s.name
            )
        },
    )?;
    ensure(
        s.seed <= i64::MAX as u64,
        || "seed".into(),
        || {
            format!(
                "must be between 0 and {} (TOML integers are signed 64-bit)",
                i64::MAX
            )
        },
    )?;
    validate_length(s)?;
    ensure(
        s.interval.0 > 0,
        || "interval".into(),
        || "must be longer than zero".into(),
    )?;
    s.network.check()?;
    ensure(
        !s.regions.is_empty(),
        || "regions".into(),
        || "at least one region is required".into(),
    )?;
    for (i, r) in s.regions.iter().enumerate() {
        let path = format!("regions[{i}]");
        check::unique_name(
            &format!("{path}.name"),
            &r.name,
            names(&s.regions[..i], |r| &r.name),
        )?;
        r.check(&path)?;
    }
    check::shares_sum_to_one("regions[*].share", s.regions.iter().map(|r| r.share))?;
    ensure(
        s.regions.len() <= u16::MAX as usize,
        || "regions".into(),
        || "at most 65535 regions".into(),
    )?;
    ensure(
        !s.pops.is_empty(),
        || "pops".into(),
        || "at least one POP is required".into(),
    )?;
    ensure(
        s.pops.len() <= u16::MAX as usize,
        || "pops".into(),
        || "at most 65535 POPs".into(),
    )?;
    for (i, p) in s.pops.iter().enumerate() {
        let path = format!("pops[{i}]");
        check::unique_name(
            &format!("{path}.code"),
            &p.code,
            names(&s.pops[..i], |p| &p.code),
        )?;
        p.check(&path)?;
    }
    ensure(
        !s.origins.is_empty(),
        || "origins".into(),
        || "at least one origin is required".into(),
    )?;
    for (i, o) in s.origins.iter().enumerate() {
        let path = format!("origins[{i}]");
        check::unique_name(
            &format!("{path}.name"),
            &o.name,
            names(&s.origins[..i], |o| &o.name),
        )?;
        o.check(&path)?;
    }
    if let Some(target) = &s.default_behavior.origin {
        ensure(
            s.origins.iter().any(|o| &o.name == target),
            || "default_behavior.origin".into(),
            || {
                format!(
                    "no origin is named {target:?}; origins are {:?}",
                    names(&s.origins, |o| &o.name)
                )
            },
        )?;
    }
    s.workload.check(&s.regions)?;
    for (i, f) in s.faults.iter().enumerate() {
        match f {
            FaultSpec::PopOutage(o) => {
                ensure(
                    s.pops.iter().any(|p| p.code == o.pop),
                    || format!("faults[{i}].pop"),
                    || {
                        format!(
                            "no POP has code {:?}; POPs are {:?}",
                            o.pop,
                            names(&s.pops, |p| &p.code)
                        )
                    },
                )?;
                ensure(
                    o.duration.0 > 0,
                    || format!("faults[{i}].duration"),
                    || "must be longer than zero".into(),
                )?;
            }
        }
    }
    Ok(())
}

fn validate_length(s: &ScenarioSpec) -> Checked {
    match (s.duration, s.requests) {
        (None, None) | (Some(_), Some(_)) => check::fail(
            "duration",
            "set exactly one of `duration` (simulated time, e.g. \"10m\") or `requests` (a count)",
        ),
        (Some(d), None) => {
            ensure(
                d.0 > 0,
                || "duration".into(),
                || "must be longer than zero".into(),
            )?;
            match s.warmup {
                Warmup::Time(w) => ensure(
                    w < d,
                    || "warmup".into(),
                    || format!("must be shorter than duration ({d}), got {w}"),
                ),
                Warmup::Requests(_) => Ok(()),
            }
        }
        (None, Some(n)) => ensure(n > 0, || "requests".into(), || "must be at least 1".into()),
    }
}

#[cfg(test)]
mod tests;
