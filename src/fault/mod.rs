//! The fault schedule: injected failures, each with a start and a duration.
//!
//! Faults may overlap. Origin faults combine: an outage wins over a hang, error bursts add
//! their shares, slowdowns multiply their factors and add their delays. Times count from
//! the start of the run, warm-up included.

mod ledger;
mod links;
mod plan;

pub use ledger::Ledger;
pub use links::{LinkFaults, Place};
pub use plan::{FaultPlan, KeyRotation, LinkWindow, Resolver, SiteOutage, Unresolved};

use crate::check::{self, ensure, Checked};
use crate::topology::PopOutageSpec;
use crate::units::{Duration, Nanos};
use serde::{Deserialize, Serialize};

/// One injected failure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultSpec {
    /// A POP answers nothing for a while; routing passes it over.
    PopOutage(PopOutageSpec),
    /// An origin cannot be reached.
    OriginOutage(OriginOutageSpec),
    /// A share of an origin's responses are errors with one status.
    OriginErrors(OriginErrorsSpec),
    /// An origin answers more slowly.
    OriginSlowdown(OriginSlowdownSpec),
    /// An origin accepts connections but never answers.
    OriginHang(OriginHangSpec),
    /// A regional edge cache is down: POPs go past it, to the shield or the origin.
    RegionalOutage(RegionalOutageSpec),
    /// The network between two places is slower.
    Latency(LatencySpec),
    /// A signing key is replaced: the new key joins a key group, signing switches to it,
    /// and the old key leaves the group (cloudfront.md §5.6).
    KeyRotation(KeyRotationSpec),
}

/// `key_rotation`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRotationSpec {
    /// The trusted key group.
    pub key_group: String,
    /// The key being retired.
    pub old_key: String,
    /// Its replacement.
    pub new_key: String,
    /// When the new key joins the group.
    pub add_at: Duration,
    /// When signers switch to the new key.
    pub switch_at: Duration,
    /// When the old key leaves the group; before `switch_at` + the links' lifetime, links
    /// still signed with it are refused.
    pub remove_at: Duration,
}

/// `regional_outage`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionalOutageSpec {
    /// The regional cache, by name.
    pub regional_cache: String,
    /// When it starts.
    pub start: Duration,
    /// How long it lasts.
    pub duration: Duration,
}

/// `latency`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencySpec {
    /// Two places by name: regions, POP codes, regional caches or origins.
    pub between: Vec<String>,
    /// Round trips between them are multiplied by this (above 0).
    #[serde(default = "one")]
    pub factor: f64,
    /// And this is added to each round trip.
    #[serde(default)]
    pub added: Duration,
    /// When it starts.
    pub start: Duration,
    /// How long it lasts.
    pub duration: Duration,
}

/// How an unreachable origin fails a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OutageMode {
    /// Refused at once (a TCP reset): each attempt costs one round trip; 502.
    #[default]
    Refuse,
    /// No answer at all: each attempt costs the connection timeout; 504.
    Blackhole,
}

/// `origin_outage`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginOutageSpec {
    /// The origin, by name.
    pub origin: String,
    /// Refused or black-holed connections.
    #[serde(default)]
    pub mode: OutageMode,
    /// When it starts, from the beginning of the run.
    pub start: Duration,
    /// How long it lasts.
    pub duration: Duration,
}

/// `origin_errors`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginErrorsSpec {
    /// The origin, by name.
    pub origin: String,
    /// HTTP status of the errors, 400 to 599.
    pub status: u16,
    /// Share of responses that are errors (above 0, at most 1).
    pub share: f64,
    /// When it starts.
    pub start: Duration,
    /// How long it lasts.
    pub duration: Duration,
}

/// `origin_slowdown`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginSlowdownSpec {
    /// The origin, by name.
    pub origin: String,
    /// Service times are multiplied by this (above 0).
    #[serde(default = "one")]
    pub factor: f64,
    /// And this is added to each.
    #[serde(default)]
    pub added: Duration,
    /// When it starts.
    pub start: Duration,
    /// How long it lasts.
    pub duration: Duration,
}

/// `origin_hang`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginHangSpec {
    /// The origin, by name.
    pub origin: String,
    /// When it starts.
    pub start: Duration,
    /// How long it lasts.
    pub duration: Duration,
}

fn one() -> f64 {
    1.0
}

impl FaultSpec {
    /// The window, as `start..end` in nanoseconds.
    pub fn window(&self) -> (Nanos, Nanos) {
        let (start, duration) = match self {
            FaultSpec::PopOutage(f) => (f.start, f.duration),
            FaultSpec::OriginOutage(f) => (f.start, f.duration),
            FaultSpec::OriginErrors(f) => (f.start, f.duration),
            FaultSpec::OriginSlowdown(f) => (f.start, f.duration),
            FaultSpec::OriginHang(f) => (f.start, f.duration),
            FaultSpec::RegionalOutage(f) => (f.start, f.duration),
            FaultSpec::Latency(f) => (f.start, f.duration),
            FaultSpec::KeyRotation(f) => return (f.add_at.0, f.remove_at.0),
        };
        (start.0, start.0.saturating_add(duration.0))
    }

    /// The origin it targets, if an origin fault.
    pub fn origin(&self) -> Option<&str> {
        match self {
            FaultSpec::PopOutage(_)
            | FaultSpec::RegionalOutage(_)
            | FaultSpec::Latency(_)
            | FaultSpec::KeyRotation(_) => None,
            FaultSpec::OriginOutage(f) => Some(&f.origin),
            FaultSpec::OriginErrors(f) => Some(&f.origin),
            FaultSpec::OriginSlowdown(f) => Some(&f.origin),
            FaultSpec::OriginHang(f) => Some(&f.origin),
        }
    }

    /// What it is aimed at, by name, for reports.
    pub fn target(&self) -> String {
        match self {
            FaultSpec::PopOutage(f) => f.pop.clone(),
            FaultSpec::RegionalOutage(f) => f.regional_cache.clone(),
            FaultSpec::Latency(f) => f.between.join(" - "),
            FaultSpec::KeyRotation(f) => format!("{}: {} -> {}", f.key_group, f.old_key, f.new_key),
            _ => self.origin().unwrap_or_default().to_string(),
        }
    }

    /// The `kind` as written in the scenario.
    pub fn kind(&self) -> &'static str {
        match self {
            FaultSpec::PopOutage(_) => "pop_outage",
            FaultSpec::OriginOutage(_) => "origin_outage",
            FaultSpec::OriginErrors(_) => "origin_errors",
            FaultSpec::OriginSlowdown(_) => "origin_slowdown",
            FaultSpec::OriginHang(_) => "origin_hang",
            FaultSpec::RegionalOutage(_) => "regional_outage",
            FaultSpec::Latency(_) => "latency",
            FaultSpec::KeyRotation(_) => "key_rotation",
        }
    }

    /// Checks fault `path` against the names in the scenario.
    pub fn check(&self, path: &str, names: &Names<'_>) -> Checked {
        if let FaultSpec::KeyRotation(k) = self {
            return check_rotation(path, k, names);
        }
        let (start, end) = self.window();
        ensure(
            end > start,
            || format!("{path}.duration"),
            || "must be longer than zero".into(),
        )?;
        match self {
            FaultSpec::PopOutage(o) => {
                return ensure(
                    names.pops.contains(&o.pop.as_str()),
                    || format!("{path}.pop"),
                    || format!("no POP has code {:?}; POPs are {:?}", o.pop, names.pops),
                );
            }
            FaultSpec::RegionalOutage(r) => {
                let list = &names.regional_caches;
                return ensure(
                    list.contains(&r.regional_cache.as_str()),
                    || format!("{path}.regional_cache"),
                    || {
                        format!(
                            "no regional cache is named {:?}; regional caches are {list:?}",
                            r.regional_cache
                        )
                    },
                );
            }
            FaultSpec::Latency(l) => {
                ensure(
                    l.between.len() == 2,
                    || format!("{path}.between"),
                    || format!("names exactly two places, got {}", l.between.len()),
                )?;
                ensure(
                    l.between[0] != l.between[1],
                    || format!("{path}.between[1]"),
                    || {
                        format!(
                            "names {:?} twice; a latency fault slows the legs between two different places",
                            l.between[0]
                        )
                    },
                )?;
                let places = names.places();
                for (i, p) in l.between.iter().enumerate() {
                    ensure(
                        places.contains(&p.as_str()),
                        || format!("{path}.between[{i}]"),
                        || {
                            format!(
                                "no region, POP, regional cache or origin is named {p:?}; there are {places:?}"
                            )
                        },
                    )?;
                }
                return check::positive(&format!("{path}.factor"), l.factor);
            }
            _ => {}
        }
        let origins = &names.origins;
        let origin = self.origin().unwrap_or_default();
        ensure(
            origins.contains(&origin),
            || format!("{path}.origin"),
            || format!("no origin is named {origin:?}; origins are {origins:?}"),
        )?;
        match self {
            FaultSpec::OriginErrors(e) => {
                check::error_status(&format!("{path}.status"), e.status)?;
                ensure(
                    e.share > 0.0 && e.share <= 1.0,
                    || format!("{path}.share"),
                    || format!("must be above 0 and at most 1, got {}", e.share),
                )
            }
            FaultSpec::OriginSlowdown(s) => check::positive(&format!("{path}.factor"), s.factor),
            _ => Ok(()),
        }
    }
}

/// The names faults may aim at.
#[derive(Clone, Debug, Default)]
pub struct Names<'a> {
    /// Client regions.
    pub regions: Vec<&'a str>,
    /// POP codes.
    pub pops: Vec<&'a str>,
    /// Regional edge caches.
    pub regional_caches: Vec<&'a str>,
    /// Origins.
    pub origins: Vec<&'a str>,
    /// Key groups.
    pub key_groups: Vec<&'a str>,
    /// Public keys.
    pub public_keys: Vec<&'a str>,
}

fn check_rotation(path: &str, k: &KeyRotationSpec, names: &Names<'_>) -> Checked {
    let known = |key: &str, value: &str, what: &str, list: &[&str]| {
        ensure(
            list.contains(&value),
            || format!("{path}.{key}"),
            || format!("no {what} has id {value:?}; there are {list:?}"),
        )
    };
    known("key_group", &k.key_group, "key group", &names.key_groups)?;
    known("old_key", &k.old_key, "public key", &names.public_keys)?;
    known("new_key", &k.new_key, "public key", &names.public_keys)?;
    ensure(
        k.add_at <= k.switch_at && k.switch_at <= k.remove_at,
        || format!("{path}.switch_at"),
        || {
            "a rotation adds the new key, then switches to it, then removes the old one: add_at <= switch_at <= remove_at".into()
        },
    )
}

impl Names<'_> {
    /// Every place a latency fault may name.
    pub fn places(&self) -> Vec<&str> {
        let all = [
            &self.regions,
            &self.pops,
            &self.regional_caches,
            &self.origins,
        ];
        all.into_iter().flatten().copied().collect()
    }
}

/// What the faults do to one origin at one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OriginCondition {
    /// Connections fail, and how.
    pub outage: Option<OutageMode>,
    /// Connections succeed but no response comes.
    pub hang: bool,
    /// Injected errors: `(status, share)`, drawn in this order before the origin's own.
    pub errors: Vec<(u16, f64)>,
    /// Service-time multiplier.
    pub factor: f64,
    /// Added service time.
    pub added: Nanos,
}

/// The faults aimed at one origin.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OriginFaults {
    /// With their positions in the scenario's list.
    faults: Vec<(usize, FaultSpec)>,
}

impl OriginFaults {
    /// The faults aimed at one origin, each with its index in the scenario's list.
    pub fn new(faults: Vec<(usize, FaultSpec)>) -> Self {
        OriginFaults { faults }
    }

    /// Whether there are none: the origin then always works normally.
    pub fn is_empty(&self) -> bool {
        self.faults.is_empty()
    }

    fn active(&self, now: Nanos) -> impl Iterator<Item = (usize, &FaultSpec)> {
        self.faults
            .iter()
            .filter(move |(_, f)| {
                let (start, end) = f.window();
                (start..end).contains(&now)
            })
            .map(|(i, f)| (*i, f))
    }

    /// Records in `ledger` each fault active at `now` as touching one more attempt.
    pub fn count_active(&self, now: Nanos, ledger: &Ledger) {
        self.active(now).for_each(|(i, _)| ledger.touched(i));
    }

    /// The origin's condition at `now`; `None` when no fault is active.
    pub fn at(&self, now: Nanos) -> Option<OriginCondition> {
        let mut active = self.active(now).map(|(_, f)| f);
        let first = active.next()?;
        let mut c = OriginCondition {
            factor: 1.0,
            ..OriginCondition::default()
        };
        for f in std::iter::once(first).chain(active) {
            match f {
                FaultSpec::OriginOutage(o) => {
                    // A black hole is the harsher of two overlapping outages.
                    c.outage = Some(match c.outage {
                        Some(OutageMode::Blackhole) => OutageMode::Blackhole,
                        _ => o.mode,
                    });
                }
                FaultSpec::OriginHang(_) => c.hang = true,
                FaultSpec::OriginErrors(e) => c.errors.push((e.status, e.share)),
                FaultSpec::OriginSlowdown(s) => {
                    c.factor *= s.factor;
                    c.added += s.added.0;
                }
                _ => {}
            }
        }
        Some(c)
    }
}

/// The faults of `all` aimed at origin `name`, for tests that have no scenario.
#[cfg(test)]
pub(crate) fn aimed_at(all: &[FaultSpec], name: &str) -> OriginFaults {
    let mine = all.iter().cloned().enumerate();
    OriginFaults::new(mine.filter(|(_, f)| f.origin() == Some(name)).collect())
}

#[cfg(test)]
mod tests;
