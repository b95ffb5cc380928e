//! The fault schedule resolved per target: names turned into indices and windows into
//! nanoseconds, once, when the scenario loads.
//!
//! Each consumer reads only its own part: the topology and the tiers the site outages, the
//! link model the slow links, private content the key rotations, each origin its own
//! faults.

use super::{FaultSpec, OriginFaults, Place};
use crate::units::Nanos;

/// A POP or regional edge cache that is down for a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SiteOutage {
    /// The POP or the regional cache, by index among its kind.
    pub site: u16,
    /// Start and end, simulated time.
    pub start: Nanos,
    pub end: Nanos,
    /// Its index in the scenario's `faults`.
    pub fault: usize,
    /// Whether the cache is lost (a POP restarts empty).
    pub cache_lost: bool,
}

/// A slow link between two places.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkWindow {
    pub ends: (Place, Place),
    pub start: Nanos,
    pub end: Nanos,
    /// Round-trip multiplier and added round-trip delay.
    pub factor: f64,
    pub added: Nanos,
    /// Its index in the scenario's `faults`.
    pub fault: usize,
}

/// A key rotation in one key group, keys and group by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyRotation {
    /// Its index in the scenario's `faults`.
    pub fault: usize,
    pub group: usize,
    pub old: usize,
    pub new: usize,
    /// When the new key joins the group, signers switch to it, and the old key leaves.
    pub add: Nanos,
    pub switch: Nanos,
    pub remove: Nanos,
}

/// The faults that act outside the origins, resolved.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultPlan {
    /// POP outages, in scenario order.
    pub pop_outages: Vec<SiteOutage>,
    /// Regional cache outages, in scenario order.
    pub regional_outages: Vec<SiteOutage>,
    pub links: Vec<LinkWindow>,
    pub rotations: Vec<KeyRotation>,
    /// Per origin: the faults aimed at it.
    pub origins: Vec<OriginFaults>,
    /// How many faults the scenario lists: the length of every per-fault count.
    pub len: usize,
}

/// Indices for the names a fault may aim at; `None` for a name the scenario lacks.
pub trait Resolver {
    fn pop(&self, code: &str) -> Option<u16>;
    fn regional(&self, name: &str) -> Option<u16>;
    fn place(&self, name: &str) -> Option<Place>;
    fn key_group(&self, id: &str) -> Option<usize>;
    fn public_key(&self, id: &str) -> Option<usize>;
    fn origin(&self, name: &str) -> Option<usize>;
    /// How many origins there are.
    fn origins(&self) -> usize;
}

/// A name in fault `fault` at `key` that resolves to nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    pub fault: usize,
    pub key: &'static str,
    pub name: String,
}

/// `index`, or the name that found nothing.
fn found<T>(
    fault: usize,
    key: &'static str,
    name: &str,
    index: Option<T>,
) -> Result<T, Unresolved> {
    index.ok_or_else(|| Unresolved {
        fault,
        key,
        name: name.to_string(),
    })
}

impl FaultPlan {
    /// Resolves `faults` with `names`.
    pub fn new(faults: &[FaultSpec], names: &impl Resolver) -> Result<Self, Unresolved> {
        let mut plan = FaultPlan {
            len: faults.len(),
            ..FaultPlan::default()
        };
        let mut origins = vec![Vec::new(); names.origins()];
        for (fault, f) in faults.iter().enumerate() {
            let (start, end) = f.window();
            match f {
                FaultSpec::PopOutage(o) => plan.pop_outages.push(SiteOutage {
                    site: found(fault, "pop", &o.pop, names.pop(&o.pop))?,
                    start,
                    end,
                    fault,
                    cache_lost: o.cache == crate::topology::CacheFate::Lost,
                }),
                FaultSpec::RegionalOutage(r) => plan.regional_outages.push(SiteOutage {
                    site: found(fault, "regional_cache", &r.regional_cache, {
                        names.regional(&r.regional_cache)
                    })?,
                    start,
                    end,
                    fault,
                    cache_lost: false,
                }),
                FaultSpec::Latency(l) => {
                    let [a, b] = [0, 1].map(|i| {
                        let name = l.between.get(i).map_or("", String::as_str);
                        found(fault, "between", name, names.place(name))
                    });
                    plan.links.push(LinkWindow {
                        ends: (a?, b?),
                        start,
                        end,
                        factor: l.factor,
                        added: l.added.0,
                        fault,
                    });
                }
                FaultSpec::KeyRotation(r) => plan.rotations.push(KeyRotation {
                    fault,
                    group: found(
                        fault,
                        "key_group",
                        &r.key_group,
                        names.key_group(&r.key_group),
                    )?,
                    old: found(fault, "old_key", &r.old_key, names.public_key(&r.old_key))?,
                    new: found(fault, "new_key", &r.new_key, names.public_key(&r.new_key))?,
                    add: r.add_at.0,
                    switch: r.switch_at.0,
                    remove: r.remove_at.0,
                }),
                FaultSpec::OriginOutage(_)
                | FaultSpec::OriginErrors(_)
                | FaultSpec::OriginSlowdown(_)
                | FaultSpec::OriginHang(_) => {
                    let name = f.origin().unwrap_or_default();
                    let i = found(fault, "origin", name, names.origin(name))?;
                    origins[i].push((fault, f.clone()));
                }
            }
        }
        plan.origins = origins.into_iter().map(OriginFaults::new).collect();
        Ok(plan)
    }
}
