//! Cache sites (POPs and regional caches) and the fetches that run between them and the
//! origins: lookup, request collapsing, conditional revalidation, stale serving and fills.
//!
//! A miss at a site becomes a fetch to the next hop: a POP's regional cache, then the
//! origin's shield, then the origin (cloudfront.md §2.1). Requests that must not be cached
//! (proxied methods, behaviors with caching disabled) skip the regional cache but still
//! pass through the shield (§2.2). Each cache site collapses concurrent misses for a key
//! into one fetch (§2.5); the fetch's response fills the site's cache and answers every
//! waiter, whether a viewer at a POP or a fetch from a site below.

mod fresh;
mod outages;
mod pools;
mod upstream;

pub use pools::PairCounts;

use super::event::Event;
use super::fetch::{from_entry, stale_answer, Answer, Ask, Failure, Fetch, Lookup, Waiter, Want};
use crate::behavior::ttl::Freshness;
use crate::cache::{BoundedCache, Entry, ObjectId, Sizing};
use crate::engine::EventQueue;
use crate::fault::Ledger;
use crate::invalidation::{targets, Targets};
use crate::origin::OriginProtocolPolicy;
use crate::protocol::Method;
use crate::scenario::Scenario;
use crate::units::Nanos;
use crate::workload::Catalog;
use fresh::{FreshTable, State};
use outages::TierFaults;
use pools::Pools;
use rustc_hash::FxHashMap;

/// A cache and its in-flight fetches.
pub(super) struct Site {
    pub(super) cache: BoundedCache,
    inflight: FxHashMap<ObjectId, u32>,
    /// Whether concurrent misses collapse here.
    collapses: bool,
}

/// All cache sites and fetches of a run.
pub(super) struct Tiers {
    pub(super) sites: Vec<Site>,
    pops: usize,
    /// Site index of each POP's regional cache.
    pop_regional: Vec<Option<u16>>,
    /// Site index of each origin's shield.
    origin_shield: Vec<Option<u16>>,
    /// Half round trips: `[site][site]`, then `[site][sites + origin]`.
    pub(super) half: Vec<Vec<Nanos>>,
    pub fetches: Vec<Fetch>,
    free: Vec<u32>,
    pub fresh: FreshTable,
    pub processing: Nanos,
    /// Reused buffer for waiters being re-forwarded.
    scratch: Vec<Waiter>,
    /// Outages of cache sites and slow links.
    pub faults: TierFaults,
    /// Connections from sites to origins.
    pub pools: Pools,
    /// Per origin: its protocol policy.
    pub(super) origin_policy: Vec<OriginProtocolPolicy>,
    /// Per site: counted requests that reached it as an origin's shield.
    pub shield_requests: Vec<u64>,
    /// Per origin: counted origin requests that failed over away from it (as a group's
    /// primary) and to it (as a secondary).
    pub failover_fetches: Vec<[u64; 2]>,
    /// Invalidations in time order, what each removes, and the next one due.
    invalidations: Vec<(Nanos, Targets)>,
    next_invalidation: usize,
    /// Keys from which cached OPTIONS responses start, when OPTIONS is cached.
    options_base: Option<u64>,
    /// Cached copies the invalidations removed, all tiers together.
    pub invalidated: u64,
}

impl Tiers {
    /// The POPs (sites `0..pops`) and regional caches (the sites after them) of a run.
    pub fn new(scenario: &Scenario, catalog: &Catalog, ledger: &Ledger) -> Self {
        let plan = scenario.plan();
        let options_cached = scenario
            .behaviors()
            .all()
            .iter()
            .any(|b| b.cached.contains(Method::Options));
        // Cached OPTIONS responses have keys above the object ids (the method is in the key).
        let keys = catalog.objects() * if options_cached { 2 } else { 1 };
        let sites = (plan.sites.iter())
            .map(|s| Site {
                cache: BoundedCache::new(
                    s.policy,
                    s.capacity,
                    Sizing::new(s.capacity, catalog.mean_size_hint(), Some(keys)),
                ),
                inflight: FxHashMap::default(),
                collapses: s.collapses,
            })
            .collect();
        let pops = plan.pops as u16;
        let to_site = |r: &Option<u16>| r.map(|r| pops + r);
        Tiers {
            sites,
            pops: plan.pops,
            pop_regional: scenario.pop_regional().iter().map(to_site).collect(),
            origin_shield: scenario.origin_shield().iter().map(to_site).collect(),
            half: plan.half_rtt.clone(),
            fetches: Vec::new(),
            free: Vec::new(),
            fresh: FreshTable::new(scenario, catalog),
            processing: plan.edge_processing,
            scratch: Vec::new(),
            faults: TierFaults::new(scenario, ledger),
            pools: Pools::new(
                plan.sites.len(),
                plan.origins.iter().map(|o| o.keepalive).collect(),
                plan.origins.iter().map(|o| o.concurrency).collect(),
            ),
            origin_policy: plan.origins.iter().map(|o| o.protocol_policy).collect(),
            shield_requests: vec![0; plan.sites.len()],
            failover_fetches: vec![[0; 2]; plan.origins.len()],
            invalidations: {
                let mut all: Vec<(Nanos, Targets)> = (scenario.spec().invalidations.iter())
                    .map(|v| (v.at.0, targets(catalog, &v.paths)))
                    .collect();
                all.sort_by_key(|v| v.0);
                all
            },
            next_invalidation: 0,
            options_base: options_cached.then(|| catalog.objects()),
            invalidated: 0,
        }
    }

    /// Carries out every invalidation due at `now`: removes the copies it names from
    /// every site.
    fn invalidate(&mut self, now: Nanos) {
        while let Some((at, targets)) = self.invalidations.get(self.next_invalidation) {
            if *at > now {
                return;
            }
            for site in &mut self.sites {
                let before = site.cache.len();
                match targets {
                    Targets::All => site.cache.clear(),
                    Targets::Objects(objects) => {
                        for &o in objects {
                            site.cache.remove(o);
                            if let Some(base) = self.options_base {
                                site.cache.remove(base + o);
                            }
                        }
                    }
                }
                self.invalidated += (before - site.cache.len()) as u64;
            }
            self.next_invalidation += 1;
        }
    }

    /// Number of POPs: sites `0..pops`.
    pub(super) fn pops(&self) -> usize {
        self.pops
    }

    /// The regional cache site of POP `pop`, if it has one.
    pub(super) fn regional_of(&self, pop: usize) -> Option<u16> {
        self.pop_regional[pop]
    }

    /// Whether cache site `site` is some origin's shield.
    pub(super) fn is_shield(&self, site: u16) -> bool {
        self.origin_shield.contains(&Some(site))
    }

    /// Number of cache sites (origins follow them in the delay table).
    pub(super) fn sites_len(&self) -> usize {
        self.sites.len()
    }

    /// Passes a prefetch hint to a site's cache.
    #[inline]
    pub fn prefetch(&self, site: u16, key: ObjectId, entry: bool) {
        self.sites[site as usize].cache.prefetch(key, entry);
    }

    fn new_fetch(&mut self, site: u16, want: Want, cacheable: bool, now: Nanos) -> u32 {
        let slot = self.free.pop().unwrap_or_else(|| {
            // Fetch ids leave the top two bits free for `OriginResponded`'s job tags; a
            // billion fetches in flight would need hundreds of GB first.
            debug_assert!(self.fetches.len() < 1 << 30);
            self.fetches.push(Fetch::default());
            (self.fetches.len() - 1) as u32
        });
        let f = &mut self.fetches[slot as usize];
        f.site = site;
        f.key = want.key;
        f.object = want.object;
        f.class = want.class;
        f.behavior = want.behavior;
        f.group = want.group;
        f.method = want.method;
        f.attempt.reset();
        f.store = cacheable;
        f.viewer_https = want.https;
        f.registered = false;
        f.led = false;
        f.conditional = None;
        f.counted = want.counted;
        f.answer = Answer::default();
        debug_assert!(f.waiters.is_empty());
        self.route(slot, want.origin, now);
        slot
    }

    /// Sends fetch `f` upstream at `now`, after the site's processing.
    fn send(&mut self, f: u32, now: Nanos, queue: &mut EventQueue<Event>) {
        self.dispatch(f, now + self.processing, queue);
    }

    /// A request that is never cached: straight to the origin, through the shield.
    #[inline]
    pub fn proxy(
        &mut self,
        pop: u16,
        want: Want,
        waiter: Waiter,
        now: Nanos,
        queue: &mut EventQueue<Event>,
    ) {
        let f = self.new_fetch(pop, want, false, now);
        self.fetches[f as usize].waiters.push(waiter);
        self.fetches[f as usize].led = true;
        self.send(f, now, queue);
    }

    /// Looks `want` up for `ask` at `now`: serve from cache, join an in-flight fetch, or
    /// start one. The waiter is built only when it has to wait, keeping hits cheap.
    #[inline]
    pub fn lookup(
        &mut self,
        ask: Ask,
        want: Want,
        waiter: impl FnOnce() -> Waiter,
        now: Nanos,
        queue: &mut EventQueue<Event>,
    ) -> Lookup {
        let Ask {
            site,
            tier,
            conditional,
        } = ask;
        while let Some(pop) = self.faults.due_wipe(now) {
            self.sites[pop as usize].cache.clear();
        }
        if self.next_invalidation < self.invalidations.len() {
            self.invalidate(now);
        }
        let rules = self.fresh.rules(want.class, want.behavior);
        let s = &mut self.sites[site as usize];
        let stored = s.cache.access(want.key);
        if let Some(e) = stored {
            let st = fresh::state(&e, now, &rules);
            if st != State::Expired {
                let stale = st == State::StaleWhileRevalidate;
                if stale && !s.inflight.contains_key(&want.key) {
                    // Answer now from the stale copy; refresh in the background.
                    self.start_fetch(site, want, Some(e), None, now, queue);
                }
                return Lookup::Served(from_entry(&e, tier, conditional, stale));
            }
        }
        let s = &mut self.sites[site as usize];
        if s.collapses {
            if let Some(&f) = s.inflight.get(&want.key) {
                self.fetches[f as usize].waiters.push(waiter());
                return Lookup::Waiting;
            }
        }
        self.start_fetch(site, want, stored, Some(waiter()), now, queue);
        Lookup::Waiting
    }

    /// Starts a fetch of `want` at `site`, conditional when the site holds a copy the
    /// origin can validate.
    fn start_fetch(
        &mut self,
        site: u16,
        want: Want,
        stored: Option<Entry>,
        waiter: Option<Waiter>,
        now: Nanos,
        queue: &mut EventQueue<Event>,
    ) {
        let rules = self.fresh.rules(want.class, want.behavior);
        let f = self.new_fetch(site, want, true, now);
        let fetch = &mut self.fetches[f as usize];
        fetch.conditional = stored
            .filter(|e| e.status == 200 && rules.validators)
            .map(|e| e.last_modified);
        fetch.led = waiter.is_some();
        fetch.waiters.extend(waiter);
        let s = &mut self.sites[site as usize];
        if s.collapses {
            s.inflight.insert(want.key, f);
            self.fetches[f as usize].registered = true;
        }
        self.send(f, now, queue);
    }

    /// The answer for fetch `f` arrived at its site at `now`: update the site's cache,
    /// then return the answer to deliver to each waiter. Waiters that must be forwarded
    /// on their own (collapsing disabled for the object) are re-fetched here and left out.
    #[inline]
    pub fn settle(&mut self, f: u32, now: Nanos, queue: &mut EventQueue<Event>) -> Answer {
        let out = self.fill(f, now);
        let fetch = &self.fetches[f as usize];
        let (site, status) = (fetch.site, fetch.answer.status);
        if fetch.registered {
            self.sites[site as usize].inflight.remove(&fetch.key);
            // MinTTL 0 and an uncacheable response: the followers were held for the first
            // response and now go to the origin themselves (§2.5).
            let rules = self.fresh.rules(fetch.class, fetch.behavior);
            if matches!(status, 200 | 304) && rules.no_collapse && fetch.waiters.len() > 1 {
                self.send_followers(f, site, now, queue);
            }
        }
        out
    }

    /// Stores fetch `f`'s answer at its site as HTTP allows, and returns what the site
    /// answers with: the answer itself, the revalidated copy, or a stale copy.
    fn fill(&mut self, f: u32, now: Nanos) -> Answer {
        let fetch = &self.fetches[f as usize];
        let (site, key, a, store) = (fetch.site as usize, fetch.key, fetch.answer, fetch.store);
        let rules = self.fresh.rules(fetch.class, fetch.behavior);
        let cache = &mut self.sites[site].cache;
        let stored = cache.peek(key);
        match a.status {
            304 => {
                let Some(mut e) = stored else { return a };
                e.fresh_until = a.fresh_until;
                e.stale = false;
                cache.store(key, e);
                Answer {
                    status: 200,
                    size: e.size,
                    last_modified: e.last_modified,
                    confirmed: true,
                    ..a
                }
            }
            200 if store => {
                match rules.ttl {
                    Freshness::DoNotReuse => {
                        cache.remove(key);
                    }
                    Freshness::Ttl(_) => {
                        let entry = Entry {
                            size: a.size,
                            last_modified: a.last_modified,
                            fresh_until: a.fresh_until,
                            status: 200,
                            stale: false,
                        };
                        cache.store(key, entry);
                    }
                }
                a
            }
            200 => a,
            status => {
                // Only a fetch for the cached copy may fall back on it: a proxied POST to
                // the same path must not be answered with a stored GET response.
                let stale_copy = stored.filter(|e| store && e.status == 200 && status >= 500);
                match (stale_copy, rules.sie) {
                    // stale-if-error: serve the copy while inside the window, keep trying.
                    (Some(e), Some(window)) if now < e.fresh_until.saturating_add(window) => {
                        stale_answer(&e, a)
                    }
                    // No stale-if-error: CloudFront serves the expired copy and keeps
                    // serving it for ErrorCachingMinTTL before asking again (§1.10).
                    (Some(mut e), None) => {
                        e.fresh_until = now + self.fresh.error_min_ttl(status);
                        e.stale = true;
                        cache.store(key, e);
                        stale_answer(&e, a)
                    }
                    // Errors the edge made up (no connection, no response) are not cached,
                    // so that every request tries the origin again (§3.3: no health checks).
                    _ if a.failure != Failure::None => a,
                    _ => {
                        if let (true, Some(ttl)) =
                            (store, self.fresh.error_ttl(status, a.error_max_age))
                        {
                            let entry = Entry {
                                size: 0,
                                last_modified: 0,
                                fresh_until: now.saturating_add(ttl),
                                status,
                                stale: false,
                            };
                            cache.store(key, entry);
                        }
                        a
                    }
                }
            }
        }
    }

    /// Sends each follower of fetch `f` (every waiter but the first) on a fetch of its own.
    fn send_followers(&mut self, f: u32, site: u16, now: Nanos, queue: &mut EventQueue<Event>) {
        let want = self.want_of(f);
        let mut followers = std::mem::take(&mut self.scratch);
        followers.extend(self.fetches[f as usize].waiters.drain(1..));
        for &w in &followers {
            let g = self.new_fetch(site, want, true, now);
            self.fetches[g as usize].waiters.push(w);
            self.fetches[g as usize].led = true;
            self.send(g, now, queue);
        }
        followers.clear();
        self.scratch = followers;
    }

    /// Frees fetch `f` once its waiters have been answered; keeps its waiter buffer.
    pub fn release(&mut self, f: u32) {
        self.fetches[f as usize].waiters.clear();
        self.fetches[f as usize].attempt.generation = 0;
        self.free.push(f);
    }

    /// The answer to give a waiting fetch `g` from `answer`: 304 when `g`'s copy is current.
    pub fn answer_for(&self, g: u32, answer: Answer) -> Answer {
        let fetch = &self.fetches[g as usize];
        let answer = Answer {
            confirmed: false,
            ..answer
        };
        if answer.status == 200 && fetch.conditional == Some(answer.last_modified) {
            Answer {
                status: 304,
                ..answer
            }
        } else {
            answer
        }
    }

    /// One-way delay of fetch `f` back to its site, plus the answering site's processing.
    pub fn return_delay(&self, f: u32) -> Nanos {
        self.processing + self.fetches[f as usize].half_rtt
    }

    /// What fetch `f` asks for, to look it up at its upstream site.
    pub fn want_of(&self, f: u32) -> Want {
        let x = &self.fetches[f as usize];
        Want {
            key: x.key,
            object: x.object,
            class: x.class,
            behavior: x.behavior,
            origin: x.origin,
            group: x.group,
            method: x.method,
            https: x.viewer_https,
            counted: x.counted,
        }
    }
}
