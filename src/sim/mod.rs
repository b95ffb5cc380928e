//! One simulation run: wires workload, topology, caches and origins to the event loop.
//!
//! A request's journey: the workload says when it reaches the edge; routing picks a POP
//! (nearest that is up and has capacity); the POP picks the cache behavior, answers from
//! its cache, joins an in-flight fetch of the same object (collapsing), or fetches from
//! the next tier: its regional cache, the origin's shield, the origin. Legs without
//! contention are added as sampled delays; events exist only where things interleave:
//! a fetch reaching a tier, the origin queue, and the return of a fetch, which fills a
//! cache and answers everyone who waited for it. Viewer latency is the client's time to
//! first byte: its round trip to the POP plus everything the POP waited for.

mod edge;
mod event;
mod fetch;
pub mod memory;
mod origin_leg;
mod prefill;
mod private;
mod request;
mod results;
mod slab;

pub use prefill::MAX_OBJECTS as MAX_PREFILL_OBJECTS;
pub use results::{LogLine, Observer, Progress, Quiet, RunResult};
pub use tiers::PairCounts;
mod tiers;

use crate::engine::{stream, EventQueue, Stream};
use crate::fault::{Ledger, Place, SiteOutage};
use crate::protocol::handshake_rtts;
use crate::scenario::{Counting, End, Prefill, Scenario};
use crate::stats::{Collector, Metrics};
use crate::topology::Topology;
use crate::units::Nanos;
use crate::workload::{Arrival, Workload};
use edge::{Delivery, Edge, Out};
use event::Event;
use fetch::{Answer, Ask, Failure, Hop, Lookup, Waiter};
use origin_leg::{Ctx, OriginLeg};
use rand::{Rng, RngCore};
use rand_distr::{Distribution, Exp1};
use request::Request;
use slab::Slab;
use tiers::Tiers;

const PROGRESS_EVERY: u64 = 1 << 16;

/// Runs `scenario` to completion, reporting to `observer`.
pub fn run(scenario: &Scenario, observer: &mut dyn Observer) -> RunResult {
    Sim::new(scenario).run(observer)
}

struct Sim<'a> {
    scenario: &'a Scenario,
    now: Nanos,
    queue: EventQueue<Event>,
    workload: Workload,
    topology: Topology,
    /// Whether some POP limits its bandwidth (routing then needs response sizes).
    limits_bandwidth: bool,
    /// Mixed into each request's routing hash: the seed's own.
    routing_salt: u64,
    edge: Edge,
    tiers: Tiers,
    /// The origins and the attempts at them.
    legs: OriginLeg,
    /// Requests that follow redirects, until they arrive.
    follow_ups: Slab<Request>,
    /// Draws each request's viewer connection.
    protocol_rng: Stream,
    /// Per fault: what it touched (see `RunResult`); every consumer holds a handle.
    ledger: Ledger,
    /// POP outages, resolved.
    pop_outages: Vec<SiteOutage>,
    stats: Collector,
    /// Per region: fixed last-mile RTT and mean jitter in ns.
    last_mile: Vec<(Nanos, f64)>,
    jitter: Stream,
    first_counted: Option<Nanos>,
    counted: u64,
    arrivals: u64,
    /// Counted arrivals generated so far, which may run ahead of `counted`.
    generated_counted: u64,
    generation_done: bool,
}

impl<'a> Sim<'a> {
    fn new(scenario: &'a Scenario) -> Self {
        let plan = scenario.plan();
        let faults = scenario.fault_plan();
        let workload = scenario.workload();
        let ledger = Ledger::new(faults.len);
        let edge = Edge::new(scenario, workload.catalog(), &ledger);
        let topology = scenario.topology();
        let mut tiers = Tiers::new(scenario, workload.catalog(), &ledger);
        if plan.prefill == Prefill::Popularity {
            // Each region's viewers start at their nearest POP.
            let model = scenario.rate_model();
            let mut rates = vec![0.0; plan.pops];
            for region in 0..plan.regions.len() {
                let (pop, _) = topology.ranking(region as u16)[0];
                rates[pop as usize] += model.rate_at(region, 0);
            }
            let policies: Vec<_> = plan.sites.iter().map(|s| s.policy).collect();
            let catalog = workload.catalog();
            prefill::fill(&mut tiers, &edge, catalog, &rates, &policies, plan.seed);
        }
        Sim {
            scenario,
            now: 0,
            queue: EventQueue::new(),
            limits_bandwidth: topology.limits_bandwidth(),
            routing_salt: crate::engine::mix64(scenario.spec().seed ^ 0x0072_6f75_7469_6e67),
            topology,
            edge,
            tiers,
            workload,
            legs: OriginLeg::new(scenario, &ledger),
            follow_ups: Slab::new(),
            protocol_rng: stream(plan.seed, "viewer/protocol"),
            ledger,
            pop_outages: faults.pop_outages.clone(),
            stats: Collector::new(
                plan.pops,
                plan.regions.len(),
                scenario.behaviors().all().len(),
                scenario.groups().len(),
                plan.interval,
            ),
            last_mile: (plan.regions.iter())
                .map(|r| (r.last_mile, r.jitter_mean))
                .collect(),
            jitter: stream(plan.seed, "network/jitter"),
            first_counted: None,
            counted: 0,
            arrivals: 0,
            generated_counted: 0,
            generation_done: false,
        }
    }

    /// Whether arrival `a` is past the end of the run.
    fn past_end(&self, a: &Arrival) -> bool {
        match self.scenario.end() {
            End::At(t) => a.at >= t,
            End::Counted(n) => self.generated_counted >= n,
        }
    }

    /// Hints the CPU to load what `a` will look up at its region's nearest POP; `entry`
    /// goes one step further, from the index to the entry. Only speed depends on it.
    fn prefetch(&self, a: &Option<Arrival>, entry: bool) {
        if let Some(a) = a {
            let (pop, _) = self.topology.ranking(a.region)[0];
            self.tiers.prefetch(pop, a.object, entry);
        }
    }

    fn counts(&self, a: &Arrival) -> bool {
        match self.scenario.plan().counting {
            Counting::From(t) => a.at >= t,
            Counting::After(n) => a.index >= n,
        }
    }

    /// The next arrival of the run, or `None` once the run has all its requests.
    fn generate(&mut self) -> Option<Arrival> {
        if self.generation_done {
            return None;
        }
        let Some(a) = self.workload.next_arrival() else {
            // The trace has ended.
            self.generation_done = true;
            return None;
        };
        if self.past_end(&a) {
            self.generation_done = true;
            return None;
        }
        if self.counts(&a) {
            self.generated_counted += 1;
        }
        Some(a)
    }

    fn run(mut self, observer: &mut dyn Observer) -> RunResult {
        // Arrivals are generated two ahead of the one being handled, so that the cache
        // entries they will look up can be fetched into the CPU cache in the meantime:
        // the index entry when an arrival is generated, its entry one arrival later.
        let mut next = self.generate();
        let mut after = self.generate();
        self.prefetch(&next, true);
        self.prefetch(&after, false);
        loop {
            let arrival_first = match (&next, self.queue.peek_time()) {
                (Some(a), Some(t)) => a.at <= t,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if arrival_first {
                let a = next.take().expect("checked above");
                next = after.take();
                after = self.generate();
                self.prefetch(&next, true);
                self.prefetch(&after, false);
                self.now = a.at;
                self.arrive(a, observer);
                if a.index % PROGRESS_EVERY == 0 {
                    observer.progress(&self.progress(a.index + 1));
                    if observer.stop() {
                        break;
                    }
                }
            } else {
                let (at, event) = self.queue.pop().expect("checked above");
                if let Event::OriginTimedOut { timer } = event {
                    // A timeout of an attempt that has since been answered: not an event
                    // of the run, and it must not stretch the run's end.
                    if self.legs.discard_stale(&self.tiers, timer) {
                        continue;
                    }
                }
                self.now = at;
                self.handle(event, observer);
            }
        }
        let arrivals = self.arrivals;
        let mut sink = |t, p, m: &Metrics| observer.interval(t, p, m);
        self.stats.finish(&mut sink);
        observer.progress(&self.progress(arrivals));
        let input_error = self.workload.failure().map(String::from);
        RunResult {
            input_error,
            summary: self.stats.summary,
            pops: self.stats.pops,
            regions: self.stats.regions,
            behaviors: self.stats.behaviors,
            protocols: self.stats.protocols,
            total_time: self.stats.total_time,
            traffic: self.stats.traffic,
            crypto_checks: (
                self.edge.private.crypto_checked,
                self.edge.private.mismatches,
            ),
            origins: self.legs.stats(),
            measured_span: self.first_counted.map_or(0, |t| self.now - t),
            end: self.now,
            arrivals,
            levels: self.stats.levels,
            group_rows: self.stats.group_rows,
            connections: self.tiers.pools.used(),
            shield_requests: self.tiers.shield_requests.clone(),
            failover_fetches: self.tiers.failover_fetches.clone(),
            invalidated: self.tiers.invalidated,
            fault_affected: self.ledger.counts(),
        }
    }

    fn progress(&self, arrivals: u64) -> Progress {
        let (end_time, end_requests) = match self.scenario.end() {
            End::At(t) => (Some(t), None),
            End::Counted(n) => (None, Some(n)),
        };
        Progress {
            now: self.now,
            arrivals,
            end_time,
            end_requests,
            counted: self.counted,
        }
    }

    fn arrive(&mut self, a: Arrival, observer: &mut dyn Observer) {
        self.arrivals += 1;
        let counted = self.counts(&a);
        if counted {
            self.counted += 1;
            self.first_counted.get_or_insert(a.at);
        }
        // The response's size counts against a POP's bandwidth, when one has a limit.
        let bytes = match self.limits_bandwidth && a.method.has_body() {
            true => self.workload.catalog().size_of(a.class, a.object),
            false => 0,
        };
        // Latency routing picks among a region's POPs by a hash of the request, so that it
        // draws nothing from the random streams.
        let pick = crate::engine::mix64(a.index ^ self.routing_salt);
        let route = self.topology.route(a.region, a.at, bytes, pick);
        if route.shed && !self.pop_outages.is_empty() {
            let nearest = self.topology.ranking(a.region)[0].0;
            for w in &self.pop_outages {
                if w.site == nearest && (w.start..w.end).contains(&a.at) {
                    self.ledger.touched(w.fault);
                }
            }
        }
        let (last_mile, jitter_mean) = self.last_mile[a.region as usize];
        let jitter: f64 = Exp1.sample(&mut self.jitter);
        let rtt = match route.pop {
            Some(pop) => {
                let (from, to) = (Place::Region(a.region), Place::Pop(pop));
                self.tiers
                    .faults
                    .links
                    .round_trip(from, to, a.at, route.rtt)
            }
            None => route.rtt,
        };
        let viewer_rtt = rtt + last_mile + (jitter * jitter_mean) as Nanos;
        let bits = self.protocol_rng.next_u64();
        let rng = &mut self.protocol_rng;
        let conn = self.edge.protocols[a.region as usize].draw_as(bits, a.https, || rng.random());
        let handshake = handshake_rtts(&conn, self.edge.zero_rtt) as Nanos * viewer_rtt;
        let req = Request::new(a, route, viewer_rtt, conn, handshake, counted);
        self.at_edge(req, observer);
    }

    /// Hands `req` to the edge, and schedules the HTTPS request that follows a redirect.
    fn at_edge(&mut self, req: Request, observer: &mut dyn Observer) {
        let mut out = Out {
            stats: &mut self.stats,
            observer,
        };
        let follow_up = self.edge.request(
            req,
            self.workload.catalog(),
            &mut self.tiers,
            &mut self.queue,
            &mut out,
        );
        if let Some(next) = follow_up {
            let at = next.arrives();
            let slot = self.follow_ups.insert(next);
            self.queue.schedule(at, Event::FollowUpArrived { slot });
        }
    }

    /// The attempt loop, and what it works on.
    fn origin_leg(&mut self) -> (&mut OriginLeg, Ctx<'_>) {
        let cx = Ctx {
            now: self.now,
            tiers: &mut self.tiers,
            queue: &mut self.queue,
            catalog: self.workload.catalog(),
        };
        (&mut self.legs, cx)
    }

    fn handle(&mut self, event: Event, observer: &mut dyn Observer) {
        match event {
            Event::FetchArrived { fetch } => self.fetch_arrived(fetch),
            Event::OriginResponded { job } => {
                let (legs, mut cx) = self.origin_leg();
                legs.origin_responded(&mut cx, job);
            }
            Event::OriginTimedOut { timer } => {
                let (legs, mut cx) = self.origin_leg();
                legs.timed_out(&mut cx, timer);
            }
            Event::FollowUpArrived { slot } => {
                let req = self.follow_ups.take(slot);
                self.at_edge(req, observer);
            }
            Event::ResponseArrived { fetch } => self.response_arrived(fetch, observer),
        }
    }

    fn fetch_arrived(&mut self, fetch: u32) {
        let f = &self.tiers.fetches[fetch as usize];
        let (conditional, role) = (f.conditional, f.role);
        match f.upstream {
            Hop::Origin => {
                let (legs, mut cx) = self.origin_leg();
                legs.at_origin(&mut cx, fetch);
            }
            Hop::Site(h) => {
                let mut want = self.tiers.want_of(fetch);
                if role == crate::stats::Tier::Shield {
                    // A member's shield fetches from that member only; the failover
                    // decision stays below it.
                    want.group = None;
                }
                let waiter = || Waiter::Fetch(fetch);
                let ask = Ask {
                    site: h,
                    tier: role,
                    conditional,
                };
                let found = self
                    .tiers
                    .lookup(ask, want, waiter, self.now, &mut self.queue);
                if let Lookup::Served(answer) = found {
                    self.answer(fetch, answer);
                }
            }
        }
    }

    /// Gives fetch `f` its answer, which reaches `f`'s site after the way back.
    fn answer(&mut self, f: u32, answer: Answer) {
        self.tiers.fetches[f as usize].answer = answer;
        let back = self.now + self.tiers.return_delay(f);
        self.queue
            .schedule(back, Event::ResponseArrived { fetch: f });
    }

    fn response_arrived(&mut self, fetch: u32, observer: &mut dyn Observer) {
        let f = &self.tiers.fetches[fetch as usize];
        let answered =
            f.answer.tier == crate::stats::Tier::Origin && f.answer.failure == Failure::None;
        if f.upstream == Hop::Origin && answered {
            // The response came over the connection, which is now idle.
            self.tiers.release_connection(fetch, self.now);
        }
        let (legs, mut cx) = self.origin_leg();
        if legs.try_failover(&mut cx, fetch) {
            return;
        }
        let mut answer = self.tiers.settle(fetch, self.now, &mut self.queue);
        let f = &mut self.tiers.fetches[fetch as usize];
        // What this hop cost, everything above it included, for the latency breakdown.
        let hop = match f.role {
            crate::stats::Tier::Regional => 0,
            crate::stats::Tier::Shield => 1,
            _ => 2,
        };
        answer.upstream[hop] = self.now - f.started;
        let (led, revalidation) = (f.led, f.conditional.is_some());
        let mut waiters = std::mem::take(&mut f.waiters);
        for (i, w) in waiters.iter().enumerate() {
            let leader = i == 0 && led;
            let a = Answer {
                via_origin: answer.via_origin && leader,
                ..answer
            };
            match *w {
                Waiter::Viewer(req) => {
                    let d = Delivery {
                        collapsed: !leader,
                        revalidation,
                    };
                    let mut out = Out {
                        stats: &mut self.stats,
                        observer: &mut *observer,
                    };
                    self.edge.deliver(&req, &a, d, self.now, self.now, &mut out);
                }
                Waiter::Fetch(g) => {
                    let answer = self.tiers.answer_for(g, a);
                    self.answer(g, answer);
                }
            }
        }
        waiters.clear();
        self.tiers.fetches[fetch as usize].waiters = waiters;
        self.tiers.release(fetch);
    }
}
