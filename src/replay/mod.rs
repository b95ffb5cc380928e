//! Pure cache replay: a trace fed to many caches (every policy × capacity pair) at once,
//! with no network, as libCacheSim replays. A request that misses inserts its object at
//! once, evicting until it fits; an object larger than the cache is never stored, and is
//! counted.
//!
//! The trace is decoded once, in batches, and every batch is fed to all the caches in
//! parallel (rayon); each cache sees the requests in trace order, so the results do not
//! depend on the thread count. Memory does not grow with the trace, except in two cases
//! that need a first pass over it: capacities given as a share of the working set (a map
//! of the distinct objects), and Belady's MIN (8 bytes per request for each request's
//! next use).

mod capacity;
mod output;

pub use capacity::{Capacity, Warmup};
pub use output::{write_mrc, MrcRow, MRC};

use crate::cache::{Admission, AdmissionKind, BoundedCache, Entry, PolicyKind, Sizing};
use crate::trace::{self, Format, Request, TraceError};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Requests decoded at a time.
const BATCH: usize = 1 << 16;

/// How many requests ahead a cache's index is prefetched.
const AHEAD: usize = 8;

/// What to replay, and against what.
#[derive(Clone, Debug)]
pub struct ReplaySpec {
    /// The trace file.
    pub trace: PathBuf,
    /// Its layout.
    pub format: Format,
    /// Skip (and count) malformed lines instead of failing.
    pub skip_bad: bool,
    /// Eviction policies, in output order.
    pub policies: Vec<PolicyKind>,
    /// Cache sizes, in output order.
    pub capacities: Vec<Capacity>,
    /// Count objects instead of bytes: every object has size 1.
    pub ignore_size: bool,
    /// Requests replayed but not counted, at the start.
    pub warmup: Warmup,
    /// The admission policy in front of every cache.
    pub admission: AdmissionKind,
}

/// One cache's results.
#[derive(Clone, Debug, PartialEq)]
pub struct PairResult {
    /// Its policy.
    pub policy: PolicyKind,
    /// Its capacity as given (`1GiB`, `10%`).
    pub label: String,
    /// Its capacity in bytes (objects with `ignore_size`).
    pub capacity: u64,
    /// Counted requests.
    pub requests: u64,
    /// Counted requests that missed.
    pub misses: u64,
    /// Bytes requested (counted requests).
    pub bytes: u64,
    /// Bytes of the misses.
    pub miss_bytes: u64,
    /// Misses whose object was larger than the cache, so never stored.
    pub too_large: u64,
    /// Misses the admission policy refused to store.
    pub declined: u64,
    /// Objects stored when the trace ended.
    pub objects: u64,
    /// Time this cache spent on its requests, for its throughput (varies run to run).
    pub busy: Duration,
}

/// What a replay measured.
#[derive(Clone, Debug)]
pub struct ReplayResult {
    /// One per policy × capacity, policies outer, in the spec's order.
    pub pairs: Vec<PairResult>,
    /// Requests in the trace, warm-up included.
    pub requests: u64,
    /// Distinct objects and their bytes, when a first pass measured them.
    pub working_set: Option<(u64, u64)>,
    /// Malformed lines skipped.
    pub skipped: u64,
}

/// One cache being fed.
struct Pair {
    cache: BoundedCache,
    result: PairResult,
}

impl Pair {
    fn feed(&mut self, batch: &[Request], next: Option<&[u64]>, counted_from: usize, unit: bool) {
        let started = Instant::now();
        let r = &mut self.result;
        for (k, req) in batch.iter().enumerate() {
            // The ids ahead are known: start loading their index buckets, and the entries
            // of those whose buckets were asked for earlier, so the lookups find them in
            // the CPU cache.
            if let Some(r) = batch.get(k + AHEAD) {
                self.cache.prefetch(r.id, false);
            }
            if let Some(r) = batch.get(k + AHEAD / 2) {
                self.cache.prefetch(r.id, true);
            }
            let size = if unit { 1 } else { req.size };
            if let Some(next) = next {
                let at = next[k];
                self.cache.next_use(req.id, (at != u64::MAX).then_some(at));
            }
            let counted = k >= counted_from;
            if self.cache.access(req.id).is_none() {
                let admitted = self.cache.admit(req.id, Entry::sized(size));
                if counted {
                    r.misses += 1;
                    r.miss_bytes += size;
                    r.too_large += u64::from(admitted == Admission::TooLarge);
                    r.declined += u64::from(admitted == Admission::Declined);
                }
            }
            if counted {
                r.requests += 1;
                r.bytes += size;
            }
        }
        r.busy += started.elapsed();
    }
}

/// The first pass: distinct objects and their bytes (first size seen), and each
/// request's next use when `next` is wanted.
fn first_pass(spec: &ReplaySpec, next: bool) -> Result<((u64, u64), Vec<u64>), TraceError> {
    let mut source = trace::open(&spec.trace, &spec.format, spec.skip_bad)?;
    let mut sizes: FxHashMap<u64, u64> = FxHashMap::default();
    let mut ids: Vec<u64> = Vec::new();
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        batch.clear();
        if source.next_batch(&mut batch, BATCH)? == 0 {
            break;
        }
        for r in &batch {
            sizes
                .entry(r.id)
                .or_insert(if spec.ignore_size { 1 } else { r.size });
        }
        if next {
            ids.extend(batch.iter().map(|r| r.id));
        }
    }
    // Walking backwards, each request's next use is where its object was last seen.
    let mut seen: FxHashMap<u64, u64> = FxHashMap::default();
    let mut next_use = vec![u64::MAX; ids.len()];
    for (i, &id) in ids.iter().enumerate().rev() {
        if let Some(at) = seen.insert(id, i as u64) {
            next_use[i] = at;
        }
    }
    let bytes = sizes.values().sum();
    Ok(((sizes.len() as u64, bytes), next_use))
}

/// Replays `spec`'s trace through every policy × capacity pair.
pub fn replay(spec: &ReplaySpec) -> Result<ReplayResult, TraceError> {
    let needs_share = spec
        .capacities
        .iter()
        .any(|c| matches!(c, Capacity::Share(..)));
    let needs_next = spec.policies.iter().any(|p| p.needs_future());
    let (working_set, next_use) = if needs_share || needs_next {
        let (set, next) = first_pass(spec, needs_next)?;
        (Some(set), next)
    } else {
        (None, Vec::new())
    };
    let mean_size = working_set.map_or(16 * 1024, |(n, b)| (b / n.max(1)).max(1));
    let mut pairs: Vec<Pair> = Vec::new();
    for &policy in &spec.policies {
        for c in &spec.capacities {
            let whole = working_set.map(|(n, b)| if spec.ignore_size { n } else { b });
            let capacity = c.bytes(whole.unwrap_or(0));
            let size = if spec.ignore_size { 1 } else { mean_size };
            let sizing = Sizing::new(capacity, size, None);
            let cache = BoundedCache::new(policy, capacity, sizing).with_admission(spec.admission);
            pairs.push(Pair {
                cache,
                result: PairResult {
                    policy,
                    label: c.to_string(),
                    capacity,
                    requests: 0,
                    misses: 0,
                    bytes: 0,
                    miss_bytes: 0,
                    too_large: 0,
                    declined: 0,
                    objects: 0,
                    busy: Duration::ZERO,
                },
            });
        }
    }
    let mut source = trace::open(&spec.trace, &spec.format, spec.skip_bad)?;
    let mut batch = Vec::with_capacity(BATCH);
    let mut seen: u64 = 0;
    let mut warm = spec.warmup.start();
    loop {
        batch.clear();
        if source.next_batch(&mut batch, BATCH)? == 0 {
            break;
        }
        let counted_from = warm.counted_from(&batch, seen);
        let next = needs_next.then(|| &next_use[seen as usize..seen as usize + batch.len()]);
        let unit = spec.ignore_size;
        pairs
            .par_iter_mut()
            .for_each(|p| p.feed(&batch, next, counted_from, unit));
        seen += batch.len() as u64;
    }
    Ok(ReplayResult {
        pairs: pairs
            .into_iter()
            .map(|p| PairResult {
                objects: p.cache.len() as u64,
                ..p.result
            })
            .collect(),
        requests: seen,
        working_set,
        skipped: source.skipped(),
    })
}
