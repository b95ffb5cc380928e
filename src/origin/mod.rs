//! Origins: a location, a service-time distribution and c servers behind one FIFO queue.
//!
//! An origin is an M/G/c queue when its arrivals are Poisson: a request that finds a free
//! server is served at once; otherwise it waits in arrival order. The time it waited is
//! recorded, so queueing delay shows up in viewer latency and in `origins.csv`.

use crate::check::{self, ensure, Checked};
use crate::engine::{stream, Stream};
use crate::topology::geo::LatLon;
use crate::units::{Duration, Nanos};
use crate::workload::dist::{Dist, Sampler};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// An origin server (or fleet) as the scenario describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginSpec {
    /// Unique name, referred to by behaviors.
    pub name: String,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// Requests served at the same time; the rest queue.
    #[serde(default = "default_concurrency")]
    pub concurrency: u32,
    /// Time to produce one response once a server takes the request.
    #[serde(default = "default_service")]
    pub service: Dist<Duration>,
    /// The regional cache that shields this origin, by name; absent: no Origin Shield.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shield: Option<String>,
    /// Error responses the origin gives, each a share of all its responses.
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
}

/// A share of an origin's responses that are errors with one status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// HTTP status, 400 to 599.
    pub status: u16,
    /// Share of responses (0 to 1).
    pub share: f64,
    /// `Cache-Control: max-age` on the error response, seconds; absent for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u64>,
}

fn default_concurrency() -> u32 {
    64
}

fn default_service() -> Dist<Duration> {
    Dist::Exponential {
        mean: Duration(20_000_000),
    }
}

impl OriginSpec {
    /// The origin's position.
    pub fn location(&self) -> LatLon {
        LatLon {
            lat: self.lat,
            lon: self.lon,
        }
    }

    /// Checks one origin at `path`.
    pub fn check(&self, path: &str) -> Checked {
        check::lat_lon(path, self.lat, self.lon)?;
        ensure(
            self.concurrency > 0,
            || format!("{path}.concurrency"),
            || "must be at least 1".into(),
        )?;
        if let Some((key, msg)) = self.service.problem() {
            return check::fail(format!("{path}.service.{key}"), msg);
        }
        for (i, e) in self.errors.iter().enumerate() {
            let at = format!("{path}.errors[{i}]");
            ensure(
                (400..=599).contains(&e.status),
                || format!("{at}.status"),
                || format!("must be an HTTP error status, 400 to 599, got {}", e.status),
            )?;
            check::within(&format!("{at}.share"), e.share, 0.0, 1.0)?;
        }
        let total: f64 = self.errors.iter().map(|e| e.share).sum();
        ensure(
            total <= 1.0 + 1e-9,
            || format!("{path}.errors[*].share"),
            || format!("error shares sum to {total}; at most 1 is possible"),
        )
    }
}

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
    }
}

#[derive(Clone, Copy)]
struct Waiting {
    job: u32,
    since: Nanos,
    measured: bool,
}

/// One origin during a run. Jobs are opaque ids chosen by the caller.
pub struct Origin {
    concurrency: u32,
    busy: u32,
    queue: VecDeque<Waiting>,
    service: Sampler,
    rng: Stream,
    /// Cumulative error shares with their status and max-age.
    errors: Vec<(f64, u16, Option<u64>)>,
    error_rng: Stream,
    /// Statistics of measured requests.
    pub stats: OriginStats,
}

impl Origin {
    /// A new idle origin; `seed` and its name fix its service-time stream.
    pub fn new(spec: &OriginSpec, seed: u64) -> Self {
        Origin {
            concurrency: spec.concurrency,
            busy: 0,
            queue: VecDeque::with_capacity(64),
            service: spec.service.sampler(),
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
            stats: OriginStats::default(),
        }
    }

    fn start(&mut self, since: Nanos, now: Nanos, measured: bool) -> Nanos {
        self.busy += 1;
        let service = self.service.sample(&mut self.rng);
        if measured {
            let wait = now - since;
            self.stats.wait_total += wait;
            self.stats.wait_max = self.stats.wait_max.max(wait);
            self.stats.busy_total += service;
        }
        now + service
    }

    /// Job `job` arrives at `now`. Returns when it will finish if a server took it; `None`
    /// if it queued, in which case a later [`Origin::finish`] starts it.
    pub fn arrive(&mut self, job: u32, now: Nanos, measured: bool) -> Option<Nanos> {
        if self.busy < self.concurrency {
            return Some(self.start(now, now, measured));
        }
        if measured {
            self.stats.queued += 1;
        }
        self.queue.push_back(Waiting {
            job,
            since: now,
            measured,
        });
        self.stats.queue_max = self.stats.queue_max.max(self.queue.len() as u64);
        None
    }

    /// The status of the next response: 200, or an error status with the max-age the
    /// error response carries.
    pub fn draw_status(&mut self) -> (u16, Option<u64>) {
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

    fn origin(c: u32) -> Origin {
        let spec = OriginSpec {
            name: "o".into(),
            lat: 0.0,
            lon: 0.0,
            concurrency: c,
            service: Dist::Constant {
                value: Duration(100),
            },
            shield: None,
            errors: vec![],
        };
        Origin::new(&spec, 1)
    }

    #[test]
    fn serves_up_to_concurrency_then_queues_in_order() {
        let mut o = origin(2);
        assert_eq!(o.arrive(1, 0, true), Some(100));
        assert_eq!(o.arrive(2, 10, true), Some(110));
        assert_eq!(o.arrive(3, 20, true), None);
        assert_eq!(o.arrive(4, 30, true), None);
        assert_eq!(o.finish(100, 5, true), Some((3, 200)));
        assert_eq!(o.finish(110, 5, true), Some((4, 210)));
        assert_eq!(o.finish(200, 5, true), None);
        assert_eq!(o.stats.queued, 2);
        assert_eq!(o.stats.wait_total, 80 + 80);
        assert_eq!(o.stats.wait_max, 80);
        assert_eq!(o.stats.queue_max, 2);
        assert_eq!((o.stats.requests, o.stats.bytes), (3, 15));
    }
}
