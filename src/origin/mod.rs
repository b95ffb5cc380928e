//! Origins: a location, a service-time distribution and c servers behind one FIFO queue.
//!
//! An origin is an M/G/c queue when its arrivals are Poisson: a request that finds a free
//! server is served at once; otherwise it waits in arrival order. The time it waited is
//! recorded, so queueing delay shows up in viewer latency and in `origins.csv`.
//!
//! Beyond its queue bound or its request-rate limit an origin refuses requests at once with
//! 503, as S3 answers "Slow Down". Injected faults ([`crate::fault`]) slow its service and
//! add error responses; outages and hangs act on connections, in the simulation's attempt
//! loop.

mod spec;

pub use spec::{
    ErrorSpec, OriginGroupSpec, OriginProtocolPolicy, OriginSpec, Reach, Timing,
    FAILOVER_STATUS_CODES, ORIGIN_SSL_PROTOCOLS,
};

use crate::engine::{stream, Stream};
use crate::fault::{OriginCondition, OriginFaults};
use crate::units::{Nanos, SEC};
use crate::workload::dist::Sampler;
use std::collections::VecDeque;

/// What an origin did over the measured part of a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OriginStats {
    /// Responses sent.
    pub requests: u64,
    /// Body bytes sent.
    pub bytes: u64,
    /// Requests that found every server busy.
    pub queued: u64,
    /// Total time requests spent waiting for a server.
    pub wait_total: Nanos,
    /// Longest wait.
    pub wait_max: Nanos,
    /// Total time servers spent serving.
    pub busy_total: Nanos,
    /// Most requests waiting at once.
    pub queue_max: u64,
    /// Requests refused with 503 because the queue was full or the rate limit reached.
    pub refused: u64,
    /// Per time-series interval, by index from time zero: `[arrived, refused]`, where
    /// `arrived` counts every measured request that reached the origin, refused or not.
    pub per_interval: Vec<[u64; 2]>,
}

impl OriginStats {
    /// Adds another run's statistics.
    pub fn merge(&mut self, o: &OriginStats) {
        self.requests += o.requests;
        self.bytes += o.bytes;
        self.queued += o.queued;
        self.wait_total += o.wait_total;
        self.wait_max = self.wait_max.max(o.wait_max);
        self.busy_total += o.busy_total;
        self.queue_max = self.queue_max.max(o.queue_max);
        self.refused += o.refused;
        if self.per_interval.len() < o.per_interval.len() {
            self.per_interval.resize(o.per_interval.len(), [0; 2]);
        }
        for (a, b) in self.per_interval.iter_mut().zip(&o.per_interval) {
            a[0] += b[0];
            a[1] += b[1];
        }
    }
}

#[derive(Clone, Copy)]
struct Waiting {
    job: u32,
    since: Nanos,
    measured: bool,
}

/// What happened to a request that reached an origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// A server took it; it finishes at this time.
    Started(Nanos),
    /// Every server is busy; a later [`Origin::finish`] starts it.
    Queued,
    /// Refused with 503: the queue is full or the request rate is over the limit.
    Refused,
}

/// One origin during a run. Jobs are opaque ids chosen by the caller.
pub struct Origin {
    concurrency: u32,
    busy: u32,
    max_queue: usize,
    /// Token bucket of the request-rate limit: tokens per ns, capacity, tokens, last refill.
    rate: Option<(f64, f64, f64, Nanos)>,
    faults: OriginFaults,
    queue: VecDeque<Waiting>,
    service: Sampler,
    rng: Stream,
    /// Cumulative error shares with their status and max-age.
    errors: Vec<(f64, u16, Option<u64>)>,
    error_rng: Stream,
    /// Length of a time-series interval.
    interval: Nanos,
    /// Statistics of measured requests.
    pub stats: OriginStats,
}

impl Origin {
    /// A new idle origin whose service times `service` draws (`spec.service`, resolved);
    /// `seed` and its name fix its service-time stream. Its arrivals are counted per
    /// `interval` of simulated time.
    pub fn new(spec: &OriginSpec, service: Sampler, seed: u64, interval: Nanos) -> Self {
        Origin {
            concurrency: spec.concurrency,
            busy: 0,
            max_queue: spec.max_queue.map_or(usize::MAX, |q| q as usize),
            rate: spec.max_rps.map(|rps| {
                let burst = (rps / 10.0).max(1.0);
                (rps / SEC as f64, burst, burst, 0)
            }),
            faults: OriginFaults::default(),
            queue: VecDeque::with_capacity(64),
            service,
            rng: stream(seed, &format!("origin/{}", spec.name)),
            errors: spec
                .errors
                .iter()
                .scan(0.0, |acc, e| {
                    *acc += e.share;
                    Some((*acc, e.status, e.max_age))
                })
                .collect(),
            error_rng: stream(seed, &format!("origin/{}/errors", spec.name)),
            interval: interval.max(1),
            stats: OriginStats::default(),
        }
    }

    /// Sets the injected faults aimed at this origin.
    pub fn with_faults(mut self, faults: OriginFaults) -> Self {
        self.faults = faults;
        self
    }

    /// The faults aimed at this origin.
    pub fn faults(&self) -> &OriginFaults {
        &self.faults
    }

    /// What the faults do to the origin at `now`; `None` when it is healthy.
    #[inline]
    pub fn condition(&self, now: Nanos) -> Option<OriginCondition> {
        if self.faults.is_empty() {
            None
        } else {
            self.faults.at(now)
        }
    }

    fn start(&mut self, since: Nanos, now: Nanos, measured: bool) -> Nanos {
        self.busy += 1;
        let mut service = self.service.sample(&mut self.rng);
        if let Some(c) = self.condition(now) {
            service = (service as f64 * c.factor) as Nanos + c.added;
        }
        if measured {
            let wait = now - since;
            self.stats.wait_total += wait;
            self.stats.wait_max = self.stats.wait_max.max(wait);
            self.stats.busy_total += service;
        }
        now + service
    }

    /// Takes one token of the rate limit at `now`; false when none is left.
    fn take_token(&mut self, now: Nanos) -> bool {
        let Some((per_ns, burst, tokens, last)) = self.rate.as_mut() else {
            return true;
        };
        *tokens = (*tokens + (now - *last) as f64 * *per_ns).min(*burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// A request arrives at `now`: started, queued or refused. `job` names it, and is
    /// called only when it has to queue (a later [`Origin::finish`] hands the name back).
    pub fn arrive(&mut self, job: impl FnOnce() -> u32, now: Nanos, measured: bool) -> Admission {
        let full = self.busy >= self.concurrency && self.queue.len() >= self.max_queue;
        let refused = full || !self.take_token(now);
        if measured {
            let i = (now / self.interval) as usize;
            if i >= self.stats.per_interval.len() {
                // Grows once per interval, not per request.
                self.stats.per_interval.resize(i + 1, [0; 2]);
            }
            self.stats.per_interval[i][0] += 1;
            self.stats.per_interval[i][1] += u64::from(refused);
        }
        if refused {
            if measured {
                self.stats.refused += 1;
            }
            return Admission::Refused;
        }
        if self.busy < self.concurrency {
            return Admission::Started(self.start(now, now, measured));
        }
        if measured {
            self.stats.queued += 1;
        }
        self.queue.push_back(Waiting {
            job: job(),
            since: now,
            measured,
        });
        self.stats.queue_max = self.stats.queue_max.max(self.queue.len() as u64);
        Admission::Queued
    }

    /// The status of the response finished at `now`: 200, or an error status with the
    /// max-age the error response carries. Injected error bursts come first, each drawing
    /// its share; then the origin's own error shares.
    #[inline]
    pub fn draw_status(&mut self, now: Nanos) -> (u16, Option<u64>) {
        if let Some(c) = self.condition(now) {
            for (status, share) in c.errors {
                let u: f64 = rand::Rng::random(&mut self.error_rng);
                if u < share {
                    return (status, None);
                }
            }
        }
        if self.errors.is_empty() {
            return (200, None);
        }
        let u: f64 = rand::Rng::random(&mut self.error_rng);
        match self.errors.iter().find(|(cum, _, _)| u < *cum) {
            Some(&(_, status, max_age)) => (status, max_age),
            None => (200, None),
        }
    }

    /// A job finishes at `now`, sending `bytes`. Returns the queued job that takes the
    /// freed server, with its finish time.
    pub fn finish(&mut self, now: Nanos, bytes: u64, measured: bool) -> Option<(u32, Nanos)> {
        self.busy -= 1;
        if measured {
            self.stats.requests += 1;
            self.stats.bytes += bytes;
        }
        let next = self.queue.pop_front()?;
        Some((next.job, self.start(next.since, now, next.measured)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Duration;
    use crate::workload::dist::Dist;

    fn origin(c: u32) -> Origin {
        let spec = OriginSpec {
            concurrency: c,
            service: Dist::Constant {
                value: Duration(100),
            },
            ..OriginSpec::new("o", 0.0, 0.0)
        };
        Origin::new(&spec, spec.service.sampler("s").unwrap(), 1, SEC)
    }

    #[test]
    fn serves_up_to_concurrency_then_queues_in_order() {
        let mut o = origin(2);
        assert_eq!(o.arrive(|| 1, 0, true), Admission::Started(100));
        assert_eq!(o.arrive(|| 2, 10, true), Admission::Started(110));
        assert_eq!(o.arrive(|| 3, 20, true), Admission::Queued);
        assert_eq!(o.arrive(|| 4, 30, true), Admission::Queued);
        assert_eq!(o.finish(100, 5, true), Some((3, 200)));
        assert_eq!(o.finish(110, 5, true), Some((4, 210)));
        assert_eq!(o.finish(200, 5, true), None);
        assert_eq!(o.stats.queued, 2);
        assert_eq!(o.stats.wait_total, 80 + 80);
        assert_eq!(o.stats.wait_max, 80);
        assert_eq!(o.stats.queue_max, 2);
        assert_eq!((o.stats.requests, o.stats.bytes), (3, 15));
    }

    #[test]
    fn a_full_queue_refuses_with_slow_down() {
        let spec = OriginSpec {
            concurrency: 1,
            max_queue: Some(1),
            ..OriginSpec::new("o", 0.0, 0.0)
        };
        let mut o = Origin::new(&spec, spec.service.sampler("s").unwrap(), 1, SEC);
        assert!(matches!(o.arrive(|| 1, 0, true), Admission::Started(_)));
        assert_eq!(o.arrive(|| 2, 0, true), Admission::Queued);
        assert_eq!(o.arrive(|| 3, 0, true), Admission::Refused);
        assert_eq!(o.stats.refused, 1);
    }

    #[test]
    fn the_rate_limit_refuses_beyond_its_bucket_then_refills() {
        // 100 requests per second: a bucket of 10, refilled at one per 10 ms.
        let spec = OriginSpec {
            concurrency: 1_000,
            max_rps: Some(100.0),
            ..OriginSpec::new("o", 0.0, 0.0)
        };
        let mut o = Origin::new(&spec, spec.service.sampler("s").unwrap(), 1, SEC);
        let started = (0..20)
            .filter(|&j| matches!(o.arrive(|| j, 0, true), Admission::Started(_)))
            .count();
        assert_eq!(started, 10);
        assert_eq!(o.arrive(|| 98, 5_000_000, true), Admission::Refused);
        assert!(matches!(
            o.arrive(|| 99, 10_000_000, true),
            Admission::Started(_)
        ));
        assert_eq!(o.stats.refused, 11);
        // All 22 arrived in the first one-second interval, refused ones included.
        assert_eq!(o.stats.per_interval, vec![[22, 11]]);
        // An unmeasured arrival (warm-up) is not counted; a later one opens its interval.
        o.arrive(|| 100, 1_500_000_000, false);
        o.arrive(|| 101, 2_500_000_000, true);
        assert_eq!(o.stats.per_interval, vec![[22, 11], [0, 0], [1, 0]]);
    }

    #[test]
    fn slowdowns_and_error_bursts_apply_inside_their_window() {
        let faults: Vec<crate::fault::FaultSpec> = toml::from_str::<toml::Table>(
            r#"
            f = [{ kind = "origin_slowdown", origin = "o", factor = 3.0, added = "50ns", start = "1s", duration = "1s" },
                 { kind = "origin_errors", origin = "o", status = 503, share = 1.0, start = "1s", duration = "1s" }]
            "#,
        )
        .unwrap()["f"]
            .clone()
            .try_into()
            .unwrap();
        let mut o = origin(10).with_faults(crate::fault::aimed_at(&faults, "o"));
        assert_eq!(o.arrive(|| 1, 0, true), Admission::Started(100));
        assert_eq!(o.draw_status(0), (200, None));
        assert_eq!(o.arrive(|| 2, SEC, true), Admission::Started(SEC + 350));
        assert_eq!(o.draw_status(SEC), (503, None));
        assert_eq!(
            o.arrive(|| 3, 2 * SEC, true),
            Admission::Started(2 * SEC + 100)
        );
    }
}
