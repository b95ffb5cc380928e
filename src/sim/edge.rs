//! The edge POPs during a run: cache lookups, request collapsing and upstream fetches.
//!
//! Collapsing follows cloudfront.md §2.5: while a fetch of an object is in flight at a
//! POP, further requests for the same object at that POP wait for it instead of going
//! to the origin; the first is logged as a miss, the others as collapsed hits. Only
//! cacheable methods collapse; the others are proxied one by one. A fetched object enters
//! the cache when its response reaches the POP, not when the miss happens.

use super::Event;
use crate::cache::{BoundedCache, ObjectId, Sizing};
use crate::engine::EventQueue;
use crate::protocol::Method;
use crate::scenario::Scenario;
use crate::stats::{Collector, IntervalSink, Outcome, Record};
use crate::topology::Route;
use crate::units::Nanos;
use crate::workload::{Arrival, Catalog};
use rustc_hash::FxHashMap;

/// Until behaviors choose them, GET and HEAD are cached and other methods proxied.
const CACHED_FOR_NOW: crate::protocol::MethodSet = crate::protocol::MethodSet::READ;

/// A request at the edge: ids and times only, so it is cheap to copy and park.
#[derive(Clone, Copy, Debug)]
pub(super) struct Request {
    at: Nanos,
    object: ObjectId,
    class: u16,
    region: u16,
    /// The serving POP, or `None` when every POP refused it.
    pop: Option<u16>,
    accounted_pop: u16,
    method: Method,
    viewer_rtt: Nanos,
    counted: bool,
    shed: bool,
}

impl Request {
    pub(super) fn new(a: Arrival, route: Route, viewer_rtt: Nanos, counted: bool) -> Self {
        Request {
            at: a.at,
            object: a.object,
            class: a.class,
            region: a.region,
            pop: route.pop,
            accounted_pop: route.accounted_pop,
            method: a.method,
            viewer_rtt,
            counted,
            shed: route.shed,
        }
    }
}

/// One upstream fetch and the requests waiting for it; the first waiter started it.
#[derive(Default)]
struct Fetch {
    pop: u16,
    origin: u16,
    object: ObjectId,
    size: u64,
    cacheable: bool,
    half_rtt: Nanos,
    waiters: Vec<Request>,
}

/// All POPs' caches and in-flight fetches.
pub(super) struct Edge {
    caches: Vec<BoundedCache>,
    /// Per POP: object → in-flight fetch.
    inflight: Vec<FxHashMap<ObjectId, u32>>,
    /// Fetch slots; freed ones keep their waiter buffers, so reuse allocates nothing.
    fetches: Vec<Fetch>,
    free: Vec<u32>,
    /// Half the round trip from each POP to each origin: `[pop][origin]`.
    half_rtt: Vec<Vec<Nanos>>,
    processing: Nanos,
    target_origin: u16,
}

impl Edge {
    pub(super) fn new(scenario: &Scenario, catalog: &Catalog) -> Self {
        let s = scenario.spec();
        let sizing =
            |capacity| Sizing::new(capacity, catalog.mean_size_hint(), Some(catalog.objects()));
        Edge {
            caches: s
                .pops
                .iter()
                .map(|p| {
                    BoundedCache::new(
                        p.cache_policy,
                        p.cache_capacity.0,
                        sizing(p.cache_capacity.0),
                    )
                })
                .collect(),
            inflight: s.pops.iter().map(|_| FxHashMap::default()).collect(),
            fetches: Vec::new(),
            free: Vec::new(),
            half_rtt: s
                .pops
                .iter()
                .map(|p| {
                    let rtt = |o: &crate::origin::OriginSpec| {
                        s.network.rtt(p.location(), o.location()) / 2
                    };
                    s.origins.iter().map(rtt).collect()
                })
                .collect(),
            processing: s.network.edge_processing.0,
            target_origin: scenario.target_origin() as u16,
        }
    }

    /// Handles a request that has just reached the edge at its arrival time.
    pub(super) fn request(
        &mut self,
        req: Request,
        catalog: &Catalog,
        queue: &mut EventQueue<Event>,
        stats: &mut Collector,
        sink: &mut IntervalSink<'_>,
    ) {
        let now = req.at;
        let Some(pop) = req.pop else {
            let latency = req.viewer_rtt + self.processing;
            return finish(
                stats,
                sink,
                now,
                &req,
                Outcome::CapacityExceeded,
                latency,
                0,
                None,
            );
        };
        let cacheable = CACHED_FOR_NOW.contains(req.method);
        if cacheable {
            // A hit takes the size from the cache: sizes are derived only on a miss.
            if let Some(size) = self.caches[pop as usize].access(req.object) {
                let latency = req.viewer_rtt + self.processing;
                return finish(stats, sink, now, &req, Outcome::Hit, latency, size, None);
            }
            if let Some(&f) = self.inflight[pop as usize].get(&req.object) {
                self.fetches[f as usize].waiters.push(req);
                return;
            }
        }
        let size = catalog.size_of(req.class, req.object);
        let f = self.start_fetch(pop, req, size, cacheable);
        if cacheable {
            self.inflight[pop as usize].insert(req.object, f);
        }
        let reached = now + self.processing + self.fetches[f as usize].half_rtt;
        queue.schedule(reached, Event::OriginReached { fetch: f });
    }

    fn start_fetch(&mut self, pop: u16, req: Request, size: u64, cacheable: bool) -> u32 {
        let origin = self.target_origin;
        let slot = self.free.pop().unwrap_or_else(|| {
            self.fetches.push(Fetch::default());
            (self.fetches.len() - 1) as u32
        });
        let fetch = &mut self.fetches[slot as usize];
        fetch.pop = pop;
        fetch.origin = origin;
        fetch.object = req.object;
        fetch.size = size;
        fetch.cacheable = cacheable;
        fetch.half_rtt = self.half_rtt[pop as usize][origin as usize];
        fetch.waiters.push(req);
        slot
    }

    /// Passes a prefetch hint for `object` to POP `pop`'s cache.
    #[inline]
    pub(super) fn prefetch(&self, pop: u16, object: ObjectId, entry: bool) {
        self.caches[pop as usize].prefetch(object, entry);
    }

    /// The origin a fetch goes to, and whether its first request is counted.
    pub(super) fn fetch_origin(&self, f: u32) -> (usize, bool) {
        let fetch = &self.fetches[f as usize];
        (fetch.origin as usize, fetch.waiters[0].counted)
    }

    /// Body bytes the origin sends for a fetch.
    pub(super) fn fetch_bytes(&self, f: u32) -> u64 {
        self.fetches[f as usize].size
    }

    /// Half the POP–origin round trip of a fetch.
    pub(super) fn half_origin_rtt(&self, f: u32) -> Nanos {
        self.fetches[f as usize].half_rtt
    }

    /// The origin's response for fetch `f` reached its POP at `now`: fill the cache and
    /// answer everyone who waited.
    pub(super) fn respond(
        &mut self,
        f: u32,
        now: Nanos,
        stats: &mut Collector,
        sink: &mut IntervalSink<'_>,
    ) {
        let fetch = &mut self.fetches[f as usize];
        let mut waiters = std::mem::take(&mut fetch.waiters);
        let (pop, object, size) = (fetch.pop as usize, fetch.object, fetch.size);
        if fetch.cacheable {
            self.inflight[pop].remove(&object);
            self.caches[pop].admit(object, size);
        }
        for (i, w) in waiters.iter().enumerate() {
            let (outcome, origin_bytes) = if i == 0 {
                (Outcome::Miss, Some(size))
            } else {
                (Outcome::CollapsedHit, None)
            };
            let latency = w.viewer_rtt + (now - w.at);
            finish(stats, sink, now, w, outcome, latency, size, origin_bytes);
        }
        waiters.clear();
        self.fetches[f as usize].waiters = waiters;
        self.free.push(f);
    }
}

/// Counts a finished request for an object of `size` bytes, if it is past the warm-up.
#[allow(clippy::too_many_arguments)]
fn finish(
    stats: &mut Collector,
    sink: &mut IntervalSink<'_>,
    now: Nanos,
    req: &Request,
    outcome: Outcome,
    latency: Nanos,
    size: u64,
    origin_bytes: Option<u64>,
) {
    if !req.counted {
        return;
    }
    let served = outcome != Outcome::CapacityExceeded;
    let record = Record {
        outcome,
        cacheable: served && CACHED_FOR_NOW.contains(req.method),
        bytes: if served && req.method.has_body() {
            size
        } else {
            0
        },
        origin_bytes,
        shed: req.shed,
        latency,
        pop: req.accounted_pop,
        region: req.region,
    };
    stats.record(now, &record, sink);
}
