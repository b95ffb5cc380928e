//! Private content at the edge (cloudfront.md §5.5): requests to behaviors with trusted key
//! groups must carry a valid signature; the rest get 403 and reach neither cache nor origin.
//!
//! The generator decides what each request carries, by its class's settings: a link signed
//! `age` ago (uniform over the lifetime; over the second lifetime for stale links), with the
//! key the signer used at that moment, or a tampered one, or one from outside the allowed
//! addresses. The edge then applies the policy logic in its documented order: is the key
//! trusted now (key rotations add and remove keys), is the signature good, has it expired
//! by the edge's clock, is the address allowed.

use crate::engine::{stream, Stream};
use crate::fault::FaultSpec;
use crate::scenario::Scenario;
use crate::stats::Detail;
use crate::units::{secs_to_nanos, Nanos};
use rand::Rng;

struct Signer {
    key: usize,
    lifetime: Nanos,
    /// Signer's clock ahead of true time, ns.
    skew: i64,
    tampered: f64,
    stale: f64,
    outside_ip: f64,
}

struct Rotation {
    group: usize,
    old: usize,
    new: usize,
    add: Nanos,
    switch: Nanos,
    remove: Nanos,
}

/// The private-content rules of a run.
pub(super) struct PrivateContent {
    /// Per behavior: its trusted key groups.
    trusted: Vec<Vec<usize>>,
    /// Per key group: its keys before any rotation.
    groups: Vec<Vec<usize>>,
    rotations: Vec<Rotation>,
    /// Per class: how its requests are signed.
    signers: Vec<Option<Signer>>,
    /// Edge clock ahead of true time, ns.
    edge_skew: i64,
    rng: Stream,
}

impl PrivateContent {
    pub fn new(scenario: &Scenario) -> Self {
        let s = scenario.spec();
        let key = |id: &str| {
            s.public_keys
                .iter()
                .position(|k| k.id == id)
                .expect("validated")
        };
        let group = |id: &str| {
            s.key_groups
                .iter()
                .position(|g| g.id == id)
                .expect("validated")
        };
        let trusted = s
            .behaviors
            .iter()
            .chain(std::iter::once(&s.default_behavior))
            .map(|b| b.trusted_key_groups.iter().map(|g| group(g)).collect())
            .collect();
        let rotations = s
            .faults
            .iter()
            .filter_map(|f| match f {
                FaultSpec::KeyRotation(r) => Some(Rotation {
                    group: group(&r.key_group),
                    old: key(&r.old_key),
                    new: key(&r.new_key),
                    add: r.add_at.0,
                    switch: r.switch_at.0,
                    remove: r.remove_at.0,
                }),
                _ => None,
            })
            .collect();
        PrivateContent {
            trusted,
            groups: s
                .key_groups
                .iter()
                .map(|g| g.keys.iter().map(|k| key(k)).collect())
                .collect(),
            rotations,
            signers: s
                .workload
                .classes
                .iter()
                .map(|c| {
                    c.signed.as_ref().map(|x| Signer {
                        key: key(&x.key),
                        lifetime: x.lifetime.0,
                        skew: seconds(x.signer_clock_skew_s),
                        tampered: x.tampered,
                        stale: x.stale,
                        outside_ip: x.outside_ip,
                    })
                })
                .collect(),
            edge_skew: seconds(s.signing.edge_clock_skew_s),
            rng: stream(s.seed, "private/links"),
        }
    }

    /// Whether behavior `b` needs signatures.
    #[inline]
    pub fn is_private(&self, b: u16) -> bool {
        !self.trusted[b as usize].is_empty()
    }

    /// The key a signer who means to sign with `key` uses at time `t`.
    fn signing_key(&self, key: usize, t: i64) -> usize {
        self.rotations
            .iter()
            .find(|r| r.old == key && t >= r.switch as i64)
            .map_or(key, |r| r.new)
    }

    /// Whether behavior `b` trusts `key` at time `t`.
    fn trusts(&self, b: u16, key: usize, t: Nanos) -> bool {
        self.trusted[b as usize].iter().any(|&g| {
            let base = self.groups[g].contains(&key);
            let rotated = self.rotations.iter().filter(|r| r.group == g);
            let mut member = base;
            for r in rotated {
                if r.new == key && t >= r.add {
                    member = true;
                }
                if r.old == key && t >= r.remove {
                    member = false;
                }
            }
            member
        })
    }

    /// Checks a request of class `class` to private behavior `b` at true time `now`: `Ok`
    /// or the reason for the 403.
    pub fn check(&mut self, b: u16, class: u16, now: Nanos) -> Result<(), Detail> {
        let Some(s) = &self.signers[class as usize] else {
            return Err(Detail::MissingKey);
        };
        let (u, v): (f64, f64) = (self.rng.random(), self.rng.random());
        let stale = (s.tampered..s.tampered + s.stale).contains(&u);
        let age = (v * s.lifetime as f64) as Nanos + if stale { s.lifetime } else { 0 };
        // Links may predate the run: signing time can be negative.
        let signed_at = now as i64 - age as i64;
        let key = self.signing_key(s.key, signed_at);
        if !self.trusts(b, key, now) {
            return Err(Detail::InvalidKey);
        }
        if u < s.tampered {
            return Err(Detail::BadSignature);
        }
        let expires = signed_at + s.skew + s.lifetime as i64;
        if now as i64 + self.edge_skew >= expires {
            return Err(Detail::Expired);
        }
        if u >= s.tampered + s.stale && u < s.tampered + s.stale + s.outside_ip {
            return Err(Detail::IpNotAllowed);
        }
        Ok(())
    }
}

fn seconds(s: f64) -> i64 {
    let ns = secs_to_nanos(s.abs()) as i64;
    if s < 0.0 {
        -ns
    } else {
        ns
    }
}
