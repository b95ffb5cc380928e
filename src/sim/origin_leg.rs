//! The origin leg: connection attempts, timeouts, retries, and origin-group failover.
//!
//! A fetch whose next hop is an origin arrives there half a round trip after it left its
//! site (`sent`). What happens then follows cloudfront.md §3.1 and §3.4:
//! - outage, refuse: the reset is back at the site one round trip after `sent`;
//! - outage, black hole: the attempt fails `ConnectionTimeout` after `sent`;
//! - hang: the connection is accepted and no byte comes: read timeout after `sent`;
//! - otherwise the origin serves, queues or refuses it (503 Slow Down). A response whose
//!   first byte would reach the site at or after the read deadline is a read timeout;
//!   the origin still spends the work on it.
//!
//! A failed attempt is retried at once, up to `ConnectionAttempts` in all, except that a
//! read timeout is retried only for GET and HEAD. `ResponseCompletionTimeout` caps the time
//! from the first attempt. So with the defaults a black-holed origin costs exactly
//! 3 × 10 s and a hung one 3 × 30 s before the site gives up (504), and a refusing one
//! three round trips (502). Errors the edge makes up are not cached.
//!
//! Failover (§3.3) is decided where the fetch's path depends on the group member: the
//! POP's regional cache if it has one, else the POP. A listed status, a connection failure
//! or a timeout from the primary sends the same fetch to the secondary (through the
//! secondary's own shield) when the method is GET, HEAD or OPTIONS. Every new fetch starts
//! at the primary; nothing is remembered.

use super::event::Event;
use super::fetch::{Answer, Failure};
use super::slab::Slab;
use super::tiers::Tiers;
use crate::engine::EventQueue;
use crate::fault::Ledger;
use crate::origin::{Admission, Origin, OriginStats, Timing};
use crate::scenario::{Group, Scenario};
use crate::stats::{Failover, Tier};
use crate::units::Nanos;
use crate::workload::Catalog;

/// The origins of a run and every fetch's attempts at them.
pub(super) struct OriginLeg {
    origins: Vec<Origin>,
    /// Per origin: the attempt loop's settings.
    timing: Vec<Timing>,
    jobs: Slab<Job>,
    timers: Slab<Timer>,
    /// Numbers origin attempts, so that abandoned ones are recognised.
    generation: u64,
    /// Counts the attempts that met an origin fault.
    ledger: Ledger,
    groups: Vec<Group>,
    seed: u64,
    /// Whether a failed primary's stale copy is served before the secondary is tried.
    stale_first: bool,
}

/// What the attempt loop works on: the time, the fetches and the event queue.
pub(super) struct Ctx<'a> {
    pub now: Nanos,
    pub tiers: &'a mut Tiers,
    pub queue: &'a mut EventQueue<Event>,
    pub catalog: &'a Catalog,
}

/// A pending timeout of one attempt of a fetch.
#[derive(Clone, Copy)]
struct Timer {
    fetch: u32,
    generation: u64,
    failure: Failure,
}

/// An `OriginResponded` job that is fetch `job & !DIRECT` itself: it started at once and
/// answers before its deadline, so it needs no record (the common case).
const DIRECT: u32 = 1 << 31;
/// A job whose attempt will have timed out when it finishes: bits 0–15 are the origin, bit
/// 29 whether it is counted. Otherwise a job is an index into `OriginLeg::jobs`.
const ORPHAN: u32 = 3 << 30;

/// A request at an origin that had to queue, on behalf of one attempt of a fetch.
#[derive(Clone, Copy)]
struct Job {
    fetch: u32,
    generation: u64,
    origin: u16,
    counted: bool,
}

impl OriginLeg {
    pub fn new(scenario: &Scenario, ledger: &Ledger) -> Self {
        let plan = scenario.plan();
        OriginLeg {
            origins: scenario.origins(),
            timing: plan.origins.iter().map(|o| o.timing).collect(),
            jobs: Slab::new(),
            timers: Slab::new(),
            generation: 0,
            ledger: ledger.clone(),
            groups: scenario.groups().to_vec(),
            seed: plan.seed,
            stale_first: plan.stale_first,
        }
    }

    /// Each origin's statistics, at the end of the run.
    pub fn stats(self) -> Vec<OriginStats> {
        self.origins.into_iter().map(|o| o.stats).collect()
    }

    fn set_timer(
        &mut self,
        cx: &mut Ctx,
        fetch: u32,
        generation: u64,
        failure: Failure,
        at: Nanos,
    ) {
        let timer = self.timers.insert(Timer {
            fetch,
            generation,
            failure,
        });
        cx.queue.schedule(at, Event::OriginTimedOut { timer });
    }

    /// The end of the time the fetch may spend on its current origin, all attempts.
    fn cap(&self, cx: &Ctx, fetch: u32) -> Nanos {
        let f = &cx.tiers.fetches[fetch as usize];
        let t = &self.timing[f.origin as usize];
        t.completion
            .map_or(Nanos::MAX, |c| f.attempt.leg_start.saturating_add(c))
    }

    /// An attempt of `fetch` reaches its origin now: the SYN of a new connection, or the
    /// request itself on an idle one; or, after a new connection's handshake, the request.
    pub(super) fn at_origin(&mut self, cx: &mut Ctx, fetch: u32) {
        let now = cx.now;
        if cx.tiers.fetches[fetch as usize].attempt.handshaking {
            cx.tiers.fetches[fetch as usize].attempt.handshaking = false;
            return self.request_at_origin(cx, fetch);
        }
        self.generation += 1;
        let generation = self.generation;
        let f = &mut cx.tiers.fetches[fetch as usize];
        f.attempt.begin(generation);
        let (o, sent, half, new_conn, https) = (
            f.origin,
            f.attempt.sent,
            f.half_rtt,
            f.attempt.new_conn,
            f.attempt.https,
        );
        let cap = self.cap(cx, fetch);
        let connect_deadline = (sent + self.timing[o as usize].connect).min(cap);
        if let Some(c) = self.origins[o as usize].condition(now) {
            use crate::fault::OutageMode;
            let faults = self.origins[o as usize].faults();
            faults.count_active(now, &self.ledger);
            match c.outage {
                Some(OutageMode::Refuse) => {
                    let back = (now + half).min(cap);
                    return self.set_timer(cx, fetch, generation, Failure::Refused, back);
                }
                Some(OutageMode::Blackhole) => {
                    let f = Failure::ConnectTimeout;
                    return self.set_timer(cx, fetch, generation, f, connect_deadline);
                }
                None => {}
            }
        }
        if new_conn {
            let delay = cx.tiers.connect_delay(fetch);
            if https && !self.timing[o as usize].certificate_valid {
                // The edge sees the certificate one TLS round trip after TCP's.
                let seen = (now + half + delay / 3).min(cap);
                return self.set_timer(cx, fetch, generation, Failure::BadCertificate, seen);
            }
            let f = &mut cx.tiers.fetches[fetch as usize];
            f.attempt.handshaking = true;
            f.attempt.handshake = delay;
            return cx
                .queue
                .schedule(now + delay, Event::FetchArrived { fetch });
        }
        self.request_at_origin(cx, fetch);
    }

    /// The request of `fetch`'s current attempt reaches its origin now.
    fn request_at_origin(&mut self, cx: &mut Ctx, fetch: u32) {
        let now = cx.now;
        let f = &cx.tiers.fetches[fetch as usize];
        let (o, half, counted, generation) =
            (f.origin, f.half_rtt, f.counted, f.attempt.generation);
        // The read timeout runs from when the request left the site.
        let read_deadline = (now - half + self.timing[o as usize].read).min(self.cap(cx, fetch));
        cx.tiers.fetches[fetch as usize].attempt.deadline = read_deadline;
        if self.origins[o as usize]
            .condition(now)
            .is_some_and(|c| c.hang)
        {
            let f = Failure::ReadTimeout;
            return self.set_timer(cx, fetch, generation, f, read_deadline);
        }
        let jobs = &mut self.jobs;
        let job = || {
            jobs.insert(Job {
                fetch,
                generation,
                origin: o,
                counted,
            })
        };
        match self.origins[o as usize].arrive(job, now, counted) {
            Admission::Started(done) if done + half < read_deadline => {
                // Nothing can overtake it: the response will be delivered.
                let job = DIRECT | fetch;
                cx.queue.schedule(done, Event::OriginResponded { job });
            }
            Admission::Started(done) => {
                // Too slow: the attempt times out first, and the work is wasted.
                let job = ORPHAN | (u32::from(counted) << 29) | u32::from(o);
                cx.queue.schedule(done, Event::OriginResponded { job });
                self.set_timer(cx, fetch, generation, Failure::ReadTimeout, read_deadline);
            }
            Admission::Queued => {
                self.set_timer(cx, fetch, generation, Failure::ReadTimeout, read_deadline);
            }
            Admission::Refused => {
                let f = &mut cx.tiers.fetches[fetch as usize];
                f.attempt.generation = 0;
                f.answer = Answer {
                    status: 503,
                    tier: Tier::Origin,
                    via_origin: true,
                    ..Answer::default()
                };
                cx.queue
                    .schedule(now + half, Event::ResponseArrived { fetch });
            }
        }
    }

    /// The origin finished `job`: free its server, and answer the fetch if it still waits.
    pub(super) fn origin_responded(&mut self, cx: &mut Ctx, job: u32) {
        let (origin, counted, body) = if job & ORPHAN == ORPHAN {
            ((job & 0xffff) as u16, job & (1 << 29) != 0, 0)
        } else if job & DIRECT != 0 {
            let fetch = job & !DIRECT;
            let f = &cx.tiers.fetches[fetch as usize];
            (f.origin, f.counted, self.respond(cx, fetch))
        } else {
            let Job {
                fetch,
                generation,
                origin,
                counted,
            } = self.jobs.take(job);
            let f = &cx.tiers.fetches[fetch as usize];
            let live =
                f.attempt.generation == generation && cx.now + f.half_rtt < f.attempt.deadline;
            (
                origin,
                counted,
                if live { self.respond(cx, fetch) } else { 0 },
            )
        };
        if let Some((next, done)) = self.origins[origin as usize].finish(cx.now, body, counted) {
            cx.queue
                .schedule(done, Event::OriginResponded { job: next });
        }
    }

    /// Drops timer `timer` if its attempt has been answered since; returns whether it did.
    pub(super) fn discard_stale(&mut self, tiers: &Tiers, timer: u32) -> bool {
        let t = self.timers.get(timer);
        let stale = tiers.fetches[t.fetch as usize].attempt.generation != t.generation;
        if stale {
            self.timers.take(timer);
        }
        stale
    }

    /// The origin's response to `fetch`, now: draws its status and version, and sends it
    /// back to the fetch's site. Returns the body bytes sent.
    pub(super) fn respond(&mut self, cx: &mut Ctx, fetch: u32) -> u64 {
        let f = &mut cx.tiers.fetches[fetch as usize];
        f.attempt.generation = 0;
        let (origin, half) = (f.origin as usize, f.half_rtt);
        let (status, error_max_age) = self.origins[origin].draw_status(cx.now);
        let mut answer = Answer {
            status,
            tier: crate::stats::Tier::Origin,
            error_max_age,
            via_origin: true,
            origin_handshake: f.attempt.handshake,
            ..Answer::default()
        };
        if status == 200 {
            let catalog = cx.catalog;
            let rules = cx.tiers.fresh.rules(f.class, f.behavior);
            let changed = catalog
                .response(f.class)
                .last_change(f.object, cx.now, self.seed);
            let current = f.conditional.filter(|&c| rules.validators && changed <= c);
            answer.status = if current.is_some() { 304 } else { 200 };
            answer.size = catalog.size_of(f.class, f.object);
            answer.last_modified = current.unwrap_or(changed);
            answer.fresh_until = match rules.ttl {
                crate::behavior::ttl::Freshness::Ttl(t) => cx.now.saturating_add(t),
                crate::behavior::ttl::Freshness::DoNotReuse => cx.now,
            };
        }
        f.answer = answer;
        cx.queue
            .schedule(cx.now + half, Event::ResponseArrived { fetch });
        if answer.status == 200 {
            answer.size
        } else {
            0
        }
    }

    /// A timer of an attempt fired: retry, or give up with the failure.
    pub(super) fn timed_out(&mut self, cx: &mut Ctx, timer: u32) {
        let Timer {
            fetch,
            generation,
            failure,
        } = self.timers.take(timer);
        let f = &cx.tiers.fetches[fetch as usize];
        if f.attempt.generation != generation {
            return;
        }
        let t = &self.timing[f.origin as usize];
        let retry = f.attempt.number < t.attempts
            && cx.now < self.cap(cx, fetch)
            && (failure != Failure::ReadTimeout || f.method.retries_read_timeout());
        let f = &mut cx.tiers.fetches[fetch as usize];
        f.attempt.generation = 0;
        if retry {
            // A new attempt: the failed connection is dropped.
            cx.tiers.dispatch(fetch, cx.now, cx.queue);
        } else {
            f.answer = Answer {
                status: failure.status(),
                tier: Tier::Origin,
                failure,
                ..Answer::default()
            };
            cx.queue.schedule(cx.now, Event::ResponseArrived { fetch });
        }
    }

    /// Before `fetch`'s answer settles at its site: sends it to the group's secondary when
    /// the primary failed and the rules allow (returns true), or marks what failover did.
    pub(super) fn try_failover(&mut self, cx: &mut Ctx, fetch: u32) -> bool {
        if !cx.tiers.fails_over_here(fetch) {
            return false;
        }
        let f = &cx.tiers.fetches[fetch as usize];
        let group = &self.groups[f.group.expect("checked") as usize];
        let a = f.answer;
        let failed = a.failure != Failure::None || group.failover_status_codes.contains(&a.status);
        let mark = match (failed, f.attempt.failed_over) {
            (false, false) => return false,
            (false, true) => Failover::Recovered,
            (true, true) => Failover::BothFailed,
            (true, false) if !f.method.fails_over() => Failover::NotEligible,
            (true, false) => {
                if self.stale_first && cx.tiers.would_serve_stale(fetch, a.status, cx.now) {
                    return false;
                }
                let secondary = group.secondary;
                cx.tiers.retarget(fetch, secondary, cx.now, cx.queue);
                return true;
            }
        };
        cx.tiers.fetches[fetch as usize].answer.failover = mark;
        false
    }
}
