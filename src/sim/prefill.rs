//! A steady-state start: caches filled from the popularity law before the first request.
//!
//! Under the independent reference model, the time since an object requested `λ` times a
//! second at a cache was last asked for is exponential with rate `λ`. An LRU cache holds
//! exactly the objects asked for within its characteristic time (Che, Tung and Wang, 2002),
//! most recent first. So one draw per object, `a = E / λ` with `E ~ Exp(1)`, gives both
//! which objects a long-running cache holds and their recency order: fill in increasing `a`
//! until the bytes run out, and insert oldest first.
//!
//! A regional cache sees what its POPs miss or revalidate. A POP with characteristic time
//! `T` holds an object of rate `λ` with probability `h = 1 - exp(-λ T)`, and finds a held
//! copy expired once per renewal cycle (`ttl + 1/λ`), so the object reaches the regional
//! cache at `λ (1 - h + h / (1 + λ ttl))`, summed over its POPs (for a cache that is only
//! a shield, over all POPs). POP rates are the regions' starting rates at their nearest POP.
//!
//! A FIFO cache holds an object for its characteristic time after each miss, so it draws
//! which objects it holds from that law instead, each inserted a uniform time ago. Other
//! policies are filled as LRU would be.
//!
//! Entries are stored as of time 0 with an age from their TTL's renewal cycle (see
//! [`remaining`]), so that expiries are spread out instead of all falling at one instant.
//! Flash crowds and OPTIONS keys are left out; the workload's warm-up settles the rest.

use super::edge::Edge;
use super::tiers::Tiers;
use crate::behavior::ttl::Freshness;
use crate::cache::{Entry, ObjectId, PolicyKind, SteadyState};
use crate::engine::{stream, Stream};
use crate::units::{Nanos, SEC};
use crate::workload::Catalog;
use rand::Rng;
use rand_distr::{Distribution, Exp1};
use rayon::prelude::*;

/// The largest catalog that can be prefilled: the fill holds a few words per object.
pub const MAX_OBJECTS: u64 = 1 << 24;

/// One object that a cache may hold.
struct Candidate {
    id: ObjectId,
    class: u16,
    /// Probability that a request is a cacheable request for it.
    p: f64,
    ttl: Nanos,
    size: u64,
}

/// Fills every cache site of `tiers` as a long-running cache would be; `rates` are the
/// requests per second reaching each POP at the start. Sites draw from streams of their
/// own, so they fill in parallel with the same result on any number of threads.
pub(super) fn fill(
    tiers: &mut Tiers,
    edge: &Edge,
    catalog: &Catalog,
    rates: &[f64],
    policies: &[PolicyKind],
    seed: u64,
) {
    let candidates = candidates(tiers, edge, catalog);
    let pops = tiers.pops();
    let mean = catalog.mean_size_hint().max(1);
    let capacities: Vec<u64> = tiers.sites.iter().map(|s| s.cache.capacity()).collect();
    let pick = |site: usize, lambdas: Vec<f64>| {
        let fifo = policies[site].steady_state() == SteadyState::Fifo;
        choose(
            site,
            capacities[site],
            fifo,
            lambdas,
            &candidates,
            mean,
            seed,
        )
    };
    let pop_fills: Vec<Fill> = (0..pops)
        .into_par_iter()
        .map(|site| {
            let lambdas = candidates.iter().map(|c| rates[site] * c.p).collect();
            pick(site, lambdas)
        })
        .collect();
    // Per POP: its rate, characteristic time in seconds, and whether it is FIFO.
    let pop_times: Vec<(f64, f64, bool)> = pop_fills
        .iter()
        .enumerate()
        .map(|(pop, f)| {
            (
                rates[pop],
                f.time,
                policies[pop].steady_state() == SteadyState::Fifo,
            )
        })
        .collect();
    let regional: Vec<Option<u16>> = (0..pops).map(|pop| tiers.regional_of(pop)).collect();
    let shields: Vec<bool> = (0..tiers.sites_len())
        .map(|site| tiers.is_shield(site as u16))
        .collect();
    let none = Vec::new();
    let regional_fills: Vec<Fill> = (pops..tiers.sites_len())
        .into_par_iter()
        .map(|site| {
            let own: Vec<(f64, f64, bool)> = (0..pops)
                .filter(|&pop| regional[pop] == Some(site as u16))
                .map(|pop| pop_times[pop])
                .collect();
            // A shield that is no POP's regional cache sees what every POP misses; a
            // regional cache that is neither sees nothing and stays empty.
            let children = match (own.is_empty(), shields[site]) {
                (false, _) => &own,
                (true, true) => &pop_times,
                (true, false) => &none,
            };
            // What the children miss reaches this cache, and what they revalidate: a
            // held copy is found expired once per renewal cycle of `ttl + 1 / lambda`.
            let lambdas = candidates
                .iter()
                .map(|c| {
                    let ttl = c.ttl as f64 / SEC as f64;
                    children
                        .iter()
                        .map(|&(rate, time, fifo)| {
                            let lambda = rate * c.p;
                            let held = held(lambda, time, fifo);
                            lambda * (1.0 - held + held / (1.0 + lambda * ttl))
                        })
                        .sum::<f64>()
                })
                .collect();
            pick(site, lambdas)
        })
        .collect();
    tiers
        .sites
        .par_iter_mut()
        .zip(pop_fills.into_par_iter().chain(regional_fills))
        .for_each(|(site, fill)| {
            for (i, fresh_until) in fill.entries {
                let c = &candidates[i as usize];
                site.cache.admit(
                    c.id,
                    Entry {
                        size: c.size,
                        last_modified: catalog.response(c.class).last_change(c.id, 0, seed),
                        fresh_until,
                        status: 200,
                        stale: false,
                    },
                );
            }
        });
}

/// What one site starts with.
struct Fill {
    /// Candidate index and end of freshness, least recently requested first.
    entries: Vec<(u32, Nanos)>,
    /// The cache's characteristic time: how long ago its oldest object was requested.
    time: f64,
}

/// Every object a cache may hold, with its request probability and TTL.
fn candidates(tiers: &Tiers, edge: &Edge, catalog: &Catalog) -> Vec<Candidate> {
    let mut out = Vec::new();
    for k in 0..catalog.classes() as u16 {
        let law = catalog.law(k);
        let cacheable = law.share * (law.get + law.head);
        if cacheable <= 0.0 {
            continue;
        }
        // The Zipf weights, computed once: `powf` is most of what building the list costs.
        let weights: Vec<f64> = (1..=law.objects)
            .map(|r| (r as f64).powf(-law.exponent))
            .collect();
        let harmonic: f64 = weights.iter().sum();
        for (r, weight) in (1..=law.objects).zip(weights) {
            let id = law.first + r - 1;
            let rules = tiers.fresh.rules(k, edge.behavior_of(catalog, k, id));
            let Freshness::Ttl(ttl) = rules.ttl else {
                continue;
            };
            out.push(Candidate {
                id,
                class: k,
                p: cacheable * weight / harmonic,
                ttl,
                size: catalog.size_of(k, id),
            });
        }
    }
    out
}

/// The candidates that site `site` of `capacity` bytes holds, given each one's request
/// rate there: for LRU (and the policies without a model of their own) those requested
/// most recently, for FIFO those inserted most recently, until the bytes run out.
fn choose(
    site: usize,
    capacity: u64,
    fifo: bool,
    lambdas: Vec<f64>,
    candidates: &[Candidate],
    mean: u64,
    seed: u64,
) -> Fill {
    let mut rng = stream(seed, &format!("prefill/site-{site}"));
    let mut keys: Vec<(f64, u32)> = if fifo {
        fifo_keys(capacity, &lambdas, candidates, &mut rng)
    } else {
        lambdas
            .iter()
            .enumerate()
            .map(|(i, &lambda)| {
                let e: f64 = Exp1.sample(&mut rng);
                (e / lambda, i as u32)
            })
            .collect()
    };
    // Sorting a prefix a little longer than what fits is enough, and much cheaper than
    // sorting a million keys; widen it if the objects chosen turn out small.
    let mut want = (capacity / mean).saturating_add(capacity / mean / 4 + 64) as usize;
    let (taken, time) = loop {
        let n = want.min(keys.len());
        if n < keys.len() {
            keys.select_nth_unstable_by(n, |a, b| a.0.total_cmp(&b.0));
        }
        keys[..n].sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let mut bytes = 0u64;
        let mut taken = 0;
        let mut full = false;
        for &(key, i) in &keys[..n] {
            let size = candidates[i as usize].size;
            // Objects nobody here asks for are never stored.
            if !key.is_finite() || bytes + size > capacity {
                full = true;
                break;
            }
            bytes += size;
            taken += 1;
        }
        if full || n == keys.len() {
            let time = if taken == 0 { 0.0 } else { keys[taken - 1].0 };
            break (taken, time);
        }
        want = want.saturating_mul(2);
    };
    let entries = keys[..taken]
        .iter()
        .rev()
        .map(|&(_, i)| {
            let ttl = candidates[i as usize].ttl;
            (i, remaining(ttl, lambdas[i as usize], &mut rng))
        })
        .collect();
    Fill { entries, time }
}

/// The probability that a cache with characteristic time `time` holds an object requested
/// `lambda` times a second: Che's approximation for LRU, its counterpart for FIFO, where an
/// object stays `time` after each miss (Martina, Garetto and Leonardi, 2014).
fn held(lambda: f64, time: f64, fifo: bool) -> f64 {
    if fifo {
        lambda * time / (1.0 + lambda * time)
    } else {
        1.0 - (-lambda * time).exp()
    }
}

/// FIFO's objects and their times since insertion. The characteristic time `T` is solved
/// from `Σ size · held(λ, T) = capacity` by bisection on a log scale; each object is then
/// held with that probability, inserted a uniform time within `T` ago.
fn fifo_keys(
    capacity: u64,
    lambdas: &[f64],
    candidates: &[Candidate],
    rng: &mut Stream,
) -> Vec<(f64, u32)> {
    let bytes = |time: f64| -> f64 {
        lambdas
            .iter()
            .zip(candidates)
            .map(|(&lambda, c)| c.size as f64 * held(lambda, time, true))
            .sum()
    };
    let (mut lo, mut hi) = (1e-9f64, 1e12f64);
    for _ in 0..64 {
        let mid = (lo * hi).sqrt();
        if bytes(mid) < capacity as f64 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lambdas
        .iter()
        .enumerate()
        .filter_map(|(i, &lambda)| {
            let inside = rng.random::<f64>() < held(lambda, lo, true);
            let age = lo * rng.random::<f64>();
            inside.then_some((age, i as u32))
        })
        .collect()
}

/// How long an entry of TTL `ttl` stays fresh from now, for an object requested `lambda`
/// times a second. Its copy renews on the first request after expiry, so it cycles
/// through `ttl` fresh and then an exponential wait: fresh with probability
/// `ttl / (ttl + 1 / lambda)`, then with a uniform age; otherwise already expired.
fn remaining(ttl: Nanos, lambda: f64, rng: &mut Stream) -> Nanos {
    let fresh = ttl as f64 / SEC as f64;
    if rng.random::<f64>() * (fresh + 1.0 / lambda) < fresh {
        (ttl as f64 * rng.random::<f64>()) as Nanos
    } else {
        0
    }
}
