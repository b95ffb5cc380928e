//! Run statistics: outcome counters, byte counters and HDR latency histograms.
//!
//! [`Metrics`] is one bag of numbers that every view shares: the whole run, one POP, one
//! region, one interval of one POP. It merges, so results of several runs add up. The
//! columns that CSV files (and later charts) show are listed once, in [`columns`].

mod collector;
pub mod columns;
mod kinds;
mod latency;
pub mod recovery;
pub mod warmth;

pub use collector::{Breakdown, Collector, GroupCounts, IntervalSink, Level, Record};
pub use kinds::{Detail, Failover, Outcome, Tier};

use hdrhistogram::Histogram;
use latency::{Buckets, Pending};

/// Histogram precision: 3 significant digits (0.1% error) for the run summary, 2 (1%)
/// for the per-POP, per-region, per-behavior and per-interval views, which are many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// Three significant digits.
    Fine,
    /// Two significant digits.
    Coarse,
}

/// Latencies are recorded in microseconds up to one hour; longer ones count as one hour.
pub(crate) const LATENCY_MAX_US: u64 = 3_600_000_000;

impl Precision {
    fn digits(self) -> u8 {
        match self {
            Precision::Fine => 3,
            Precision::Coarse => 2,
        }
    }

    const FINE: Buckets = Buckets::new(3, LATENCY_MAX_US);
    const COARSE: Buckets = Buckets::new(2, LATENCY_MAX_US);

    fn buckets(self) -> Buckets {
        match self {
            Precision::Fine => Precision::FINE,
            Precision::Coarse => Precision::COARSE,
        }
    }
}

pub(crate) fn histogram(p: Precision) -> Histogram<u64> {
    Histogram::new_with_bounds(1, LATENCY_MAX_US, p.digits()).expect("static histogram bounds")
}

/// A request's latency bucket at both precisions, computed once for all its views.
#[derive(Clone, Copy, Debug)]
pub struct LatencyBin {
    fine: usize,
    coarse: usize,
}

impl LatencyBin {
    /// The buckets of a latency in nanoseconds.
    #[inline]
    pub fn of(latency: crate::units::Nanos) -> Self {
        let us = (latency / 1000).clamp(1, LATENCY_MAX_US);
        LatencyBin {
            fine: Precision::FINE.index(us),
            coarse: Precision::COARSE.index(us),
        }
    }
}

/// Adds one view's counter into another's: a plain count, or an array slot by slot.
trait Merge {
    fn merge(&mut self, other: &Self);
}

impl Merge for u64 {
    fn merge(&mut self, other: &u64) {
        *self += other;
    }
}

impl<const N: usize> Merge for [u64; N] {
    fn merge(&mut self, other: &[u64; N]) {
        self.iter_mut().zip(other).for_each(|(a, b)| *a += b);
    }
}

/// Declares [`Counts`] and its merge from one list of fields, so that a new counter is
/// merged without anyone remembering to.
macro_rules! counts {
    ($(#[$meta:meta])* pub struct Counts { $($(#[$doc:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        pub struct Counts {
            $($(#[$doc])* pub $field: $ty,)*
        }

        impl Counts {
            /// Adds `o`'s counters into these.
            fn merge(&mut self, o: &Counts) {
                $(Merge::merge(&mut self.$field, &o.$field);)*
            }
        }
    };
}

counts! {
/// The plain counters of one view of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Requests counted.
    pub requests: u64,
    /// Requests per outcome, indexed by `Outcome as usize`.
    pub outcomes: [u64; Outcome::COUNT],
    /// Hits per serving tier, indexed by `Tier as usize`.
    pub hits_by_tier: [u64; Tier::COUNT],
    /// Requests that waited for another request's fetch of the same object.
    pub collapsed: u64,
    /// Requests answered with an expired copy (stale-while-revalidate, stale-if-error, or
    /// an origin error on revalidation).
    pub stale: u64,
    /// Requests with a cached method that were answered with a body or a 304: the hit
    /// ratio's denominator.
    pub cacheable: u64,
    /// Body bytes of those requests.
    pub cacheable_bytes: u64,
    /// Body bytes sent to viewers.
    pub bytes_served: u64,
    /// Body bytes sent to viewers from a cache.
    pub bytes_from_cache: u64,
    /// Requests that caused an origin request.
    pub origin_requests: u64,
    /// Body bytes those origin requests fetched.
    pub origin_bytes: u64,
    /// Requests that a closer POP passed on because it was down or full.
    pub shed: u64,
    /// Requests whose primary origin failed, by what failover did: indexed by
    /// `Failover as usize` (the `None` slot stays 0).
    pub failover: [u64; 4],
    /// Error responses by status: 4xx, 500, 502, 503, 504, other 5xx.
    pub errors_by_status: [u64; 6],
    /// Requests by detailed result type, indexed by `Detail as usize`.
    pub by_detail: [u64; Detail::COUNT],
    /// Requests that opened a new viewer connection.
    pub viewer_new_connections: u64,
    /// New viewer TLS connections that resumed a session.
    pub viewer_resumed_connections: u64,
    /// Requests to private content that carried a signature (valid or not).
    pub signed_requests: u64,
    /// Requests that came over HTTPS, those whose TLS handshake failed excepted: what
    /// CloudFront bills at its HTTPS request price.
    pub https_requests: u64,
    /// Request body bytes the edge forwarded towards origins (PUT, POST and PATCH).
    pub upload_bytes: u64,
    /// Sums over requests, ns: viewer handshake, edge, upstream legs (regional, shield,
    /// origin), origin handshake, body transfer.
    pub time_sums: [u64; 7],
}
}

/// The slot of `status` in [`Counts::errors_by_status`].
fn status_slot(status: u16) -> usize {
    match status {
        400..=499 => 0,
        500 => 1,
        502 => 2,
        503 => 3,
        504 => 4,
        _ => 5,
    }
}

/// Counters and latency distributions for one view of a run.
#[derive(Clone, Debug)]
pub struct Metrics {
    /// The counters.
    pub counts: Counts,
    /// Viewer-observed latency, microseconds, redirects excepted (their follow-ups carry
    /// them). Filled from the per-outcome histograms by [`Metrics::seal`], so each request
    /// is recorded once, not twice.
    pub latency: Histogram<u64>,
    /// Latency per outcome, indexed by `Outcome as usize`. Filled by [`Metrics::seal`].
    pub latency_by_outcome: [Histogram<u64>; Outcome::COUNT],
    /// Latencies recorded since the last seal.
    pending: Pending,
    /// Latency of requests whose primary origin failed and that went to the secondary
    /// (recovered or not); recorded directly, as such requests are rare.
    pub failover_latency: Histogram<u64>,
    /// Latency of requests refused for their signature; recorded directly.
    pub denied_latency: Histogram<u64>,
}

impl Metrics {
    /// Empty metrics.
    pub fn new(p: Precision) -> Self {
        Metrics {
            counts: Counts::default(),
            latency: histogram(p),
            latency_by_outcome: std::array::from_fn(|_| histogram(p)),
            pending: Pending::new(p.buckets()),
            failover_latency: histogram(p),
            denied_latency: histogram(p),
        }
    }

    /// Counts one finished request.
    pub fn record(&mut self, r: &Record) {
        self.record_in(r, LatencyBin::of(r.latency));
    }

    /// Counts one finished request whose latency falls in `bin`.
    #[inline]
    pub fn record_in(&mut self, r: &Record, bin: LatencyBin) {
        let c = &mut self.counts;
        c.requests += 1;
        c.outcomes[r.outcome as usize] += 1;
        if r.outcome == Outcome::Hit {
            c.hits_by_tier[r.tier as usize] += 1;
        }
        c.collapsed += u64::from(r.collapsed);
        c.stale += u64::from(r.stale);
        c.by_detail[r.detail as usize] += 1;
        c.viewer_new_connections += u64::from(r.new_connection);
        c.viewer_resumed_connections += u64::from(r.resumed);
        c.signed_requests += u64::from(r.signed);
        c.https_requests += u64::from(r.https && r.status != 0);
        c.upload_bytes += r.upload;
        if r.detail.is_signature_denial() {
            let us = (r.latency / 1000).clamp(1, LATENCY_MAX_US);
            self.denied_latency.saturating_record(us);
        }
        let b = &r.breakdown;
        let times = [
            b.viewer_handshake,
            b.edge,
            b.upstream[0],
            b.upstream[1],
            b.upstream[2],
            b.origin_handshake,
            r.transfer,
        ];
        for (a, t) in c.time_sums.iter_mut().zip(times) {
            *a += t;
        }
        if r.cacheable {
            c.cacheable += 1;
            c.cacheable_bytes += r.bytes;
        }
        c.bytes_served += r.bytes;
        if r.outcome.from_cache() {
            c.bytes_from_cache += r.bytes;
        }
        if let Some(bytes) = r.origin_bytes {
            c.origin_requests += 1;
            c.origin_bytes += bytes;
        }
        c.shed += u64::from(r.shed);
        if r.outcome == Outcome::Error {
            c.errors_by_status[status_slot(r.status)] += 1;
        }
        if r.failover != Failover::None {
            c.failover[r.failover as usize] += 1;
            if r.failover != Failover::NotEligible {
                let us = (r.latency / 1000).clamp(1, LATENCY_MAX_US);
                self.failover_latency.saturating_record(us);
            }
        }
        let index = if self.pending.buckets() == Precision::FINE {
            bin.fine
        } else {
            bin.coarse
        };
        if self.pending.add(r.outcome, index) {
            self.pending.drain_into(&mut self.latency_by_outcome);
        }
    }

    /// Adds `other`'s counts and pending latencies, which must have the same precision,
    /// into `self`. Cheaper than [`Metrics::merge`]: for folding one view into another
    /// while recording.
    pub fn absorb(&mut self, other: &Metrics) {
        self.counts.merge(&other.counts);
        if self.pending.would_overflow(&other.pending) {
            self.pending.drain_into(&mut self.latency_by_outcome);
        }
        self.pending.absorb(&other.pending);
        // Same bounds, so adding cannot fail.
        let _ = self.failover_latency.add(&other.failover_latency);
        let _ = self.denied_latency.add(&other.denied_latency);
    }

    /// Adds sealed `other` into sealed `self`.
    pub fn merge(&mut self, other: &Metrics) {
        self.counts.merge(&other.counts);
        let _ = self.failover_latency.add(&other.failover_latency);
        let _ = self.denied_latency.add(&other.denied_latency);
        // Every histogram here shares the same bounds, so adding cannot fail.
        let _ = self.latency.add(&other.latency);
        for (a, b) in self
            .latency_by_outcome
            .iter_mut()
            .zip(&other.latency_by_outcome)
        {
            let _ = a.add(b);
        }
    }

    /// Moves pending latencies into the per-outcome histograms and rebuilds the overall
    /// one from them. Call before reading any histogram after recording.
    pub fn seal(&mut self) {
        self.pending.drain_into(&mut self.latency_by_outcome);
        self.latency.reset();
        // A redirect and the HTTPS request that follows it are one wait for the viewer,
        // recorded with the follow-up; the redirect alone stays out of the overall latency.
        let viewer_waits = Outcome::ALL.iter().filter(|&&o| o != Outcome::Redirect);
        for &o in viewer_waits {
            // Every histogram here shares the same bounds, so adding cannot fail.
            let _ = self.latency.add(&self.latency_by_outcome[o as usize]);
        }
    }

    /// Clears everything, keeping the histograms' memory.
    pub fn reset(&mut self) {
        self.counts = Counts::default();
        self.pending.clear();
        // A histogram that recorded nothing is already clear; skipping it saves a pass
        // over every bucket per view and interval.
        std::iter::once(&mut self.latency)
            .chain(&mut self.latency_by_outcome)
            .chain([&mut self.failover_latency, &mut self.denied_latency])
            .filter(|h| !h.is_empty())
            .for_each(Histogram::reset);
    }

    /// Bytes its histograms and pending counts hold on the heap: what one view of a run
    /// costs before the first request.
    pub fn heap_bytes(&self) -> u64 {
        let histograms = std::iter::once(&self.latency)
            .chain(&self.latency_by_outcome)
            .chain([&self.failover_latency, &self.denied_latency]);
        let counts: usize = histograms.map(Histogram::distinct_values).sum();
        (counts * std::mem::size_of::<u64>() + self.pending.heap_bytes()) as u64
    }

    /// Requests that ended in `o`.
    pub fn count(&self, o: Outcome) -> u64 {
        self.counts.outcomes[o as usize]
    }

    /// Requests served from a cache: hits (collapsed ones included) and refresh hits.
    pub fn hits(&self) -> u64 {
        self.count(Outcome::Hit) + self.count(Outcome::RefreshHit)
    }

    /// Hits and refresh hits over cacheable requests: CloudFront's `CacheHitRate`
    /// definition, in which methods that are never cached, and errors, are not counted.
    pub fn hit_ratio(&self) -> f64 {
        ratio(self.hits(), self.counts.cacheable)
    }

    /// Hits at `tier` over the cacheable requests that got past the tiers before it
    /// (POP, then regional cache, then shield); 0 for the origin.
    pub fn tier_hit_ratio(&self, tier: Tier) -> f64 {
        let by = &self.counts.hits_by_tier;
        let before: u64 = by[..tier as usize].iter().sum();
        match tier {
            Tier::Origin => 0.0,
            _ => ratio(
                by[tier as usize],
                self.counts.cacheable.saturating_sub(before),
            ),
        }
    }

    /// Bytes served from cache over bytes served for cacheable requests.
    pub fn byte_hit_ratio(&self) -> f64 {
        ratio(self.counts.bytes_from_cache, self.counts.cacheable_bytes)
    }

    /// Share of served bytes that did not come from an origin.
    pub fn origin_offload(&self) -> f64 {
        if self.counts.bytes_served == 0 {
            return 0.0;
        }
        1.0 - self.counts.origin_bytes as f64 / self.counts.bytes_served as f64
    }

    /// Latency at quantile `q` (0–1) in milliseconds, or 0 with no requests.
    pub fn latency_ms(&self, q: f64) -> f64 {
        quantile_ms(&self.latency, q)
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new(Precision::Fine)
    }
}

/// `a / b`, or 0 when `b` is 0.
pub fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// A histogram's quantile in milliseconds; 0 for an empty one.
pub fn quantile_ms(h: &Histogram<u64>, q: f64) -> f64 {
    if h.is_empty() {
        0.0
    } else if q >= 1.0 {
        h.max() as f64 / 1000.0
    } else {
        h.value_at_quantile(q) as f64 / 1000.0
    }
}
