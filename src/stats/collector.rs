//! Routes each finished request into the views that count it: run, region, behavior and
//! the open interval of its POP.
//!
//! Intervals are keyed by the simulated time at which the edge finished the request (as
//! CloudFront's log timestamps are), which only moves forward. So at most one interval
//! is open at a time; when time passes its end, its rows are added to their POP's view,
//! handed to a sink, and their memory is reused, and a long run holds no more than a short
//! one. A POP's view is thus the sum of its intervals, which saves recording each request
//! into it separately.

use super::{Detail, Failover, LatencyBin, Metrics, Outcome, Precision, Tier};
use crate::units::Nanos;

/// Everything the statistics need to know about one finished request.
#[derive(Clone, Copy, Debug)]
pub struct Record {
    /// How it ended.
    pub outcome: Outcome,
    /// Which tier produced the response.
    pub tier: Tier,
    /// The detailed result type.
    pub detail: Detail,
    /// Whether it waited for another request's fetch.
    pub collapsed: bool,
    /// Whether it was answered with an expired copy.
    pub stale: bool,
    /// Whether it counts in the hit ratio's denominator.
    pub cacheable: bool,
    /// Body bytes sent to the viewer.
    pub bytes: u64,
    /// Body bytes it fetched from an origin, if it caused an origin request.
    pub origin_bytes: Option<u64>,
    /// Whether routing passed over a closer POP.
    pub shed: bool,
    /// Viewer-observed latency.
    pub latency: Nanos,
    /// The POP it is accounted to.
    pub pop: u16,
    /// Its client region.
    pub region: u16,
    /// The cache behavior that served it.
    pub behavior: u16,
    /// The HTTP status the viewer got.
    pub status: u16,
    /// What an origin group's failover did for it.
    pub failover: Failover,
    /// The origin group its behavior targets, if any.
    pub group: Option<u16>,
    /// It opened a new viewer connection.
    pub new_connection: bool,
    /// Its new TLS connection resumed a session.
    pub resumed: bool,
    /// Its protocol row (see `ViewerConn::row`).
    pub protocol: u8,
    /// Where its latency went: viewer handshake, edge processing, the regional, shield and
    /// origin legs (the origin leg's connection handshake included), and that handshake.
    pub breakdown: Breakdown,
    /// Time from the first byte to the last (body transfer to the viewer).
    pub transfer: Nanos,
    /// It carried a signature for private content.
    pub signed: bool,
    /// It came over HTTPS.
    pub https: bool,
    /// Body bytes it sent towards the origin.
    pub upload: u64,
}

/// Where a request's time to first byte went, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Breakdown {
    /// The viewer's connection handshake (and any redirect before the request).
    pub viewer_handshake: Nanos,
    /// Processing at the POP.
    pub edge: Nanos,
    /// Beyond the POP, per leg: `[regional cache, shield, origin]`.
    pub upstream: [Nanos; 3],
    /// Opening a new origin connection (part of the origin leg).
    pub origin_handshake: Nanos,
}

/// One interval over all POPs: what recovery after a fault is judged by.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Level {
    /// Interval start.
    pub start: Nanos,
    /// Requests counted in it.
    pub requests: u64,
    /// Hit ratio.
    pub hit_ratio: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
}

/// One interval of one origin group: `[requests, failovers, primary errors, secondary
/// errors]`, where a primary error is a request whose primary failed (failed over or
/// not eligible) and a secondary error one whose failover failed too.
pub type GroupCounts = [u64; 4];

/// A receiver of closed intervals: (interval start, POP index, that POP's metrics).
pub type IntervalSink<'a> = dyn FnMut(Nanos, usize, &Metrics) + 'a;

/// The statistics of one run while it runs.
pub struct Collector {
    /// The whole run.
    pub summary: Metrics,
    /// Per POP, in scenario order.
    pub pops: Vec<Metrics>,
    /// Per client region, in scenario order.
    pub regions: Vec<Metrics>,
    /// Per cache behavior, the default last.
    pub behaviors: Vec<Metrics>,
    /// Per viewer protocol row (`ViewerConn::row`).
    pub protocols: Vec<Metrics>,
    interval: Nanos,
    /// Index of the open interval; `None` before the first counted request.
    open: Option<u64>,
    series: Vec<Metrics>,
    /// All POPs together, for the open interval's level.
    overall: Metrics,
    /// Every closed interval's level.
    pub levels: Vec<Level>,
    /// The open interval's counts per origin group.
    groups: Vec<GroupCounts>,
    /// Every closed interval's counts per group: `(start, group, counts)`.
    pub group_rows: Vec<(Nanos, u16, GroupCounts)>,
    /// Time to the last byte of every counted request, microseconds.
    pub total_time: hdrhistogram::Histogram<u64>,
    /// Requests per (client region, POP): region-major, `regions × pops`.
    pub traffic: Vec<u64>,
}

impl Collector {
    /// Empty statistics for `pops` POPs, `regions` regions and `behaviors` behaviors,
    /// with time series rows every `interval` nanoseconds.
    pub fn new(
        pops: usize,
        regions: usize,
        behaviors: usize,
        groups: usize,
        interval: Nanos,
    ) -> Self {
        // Only the run summary gets 3-digit histograms: a request is recorded in five
        // views, and keeping the other four small keeps them in the CPU cache.
        let coarse = |n: usize| (0..n).map(|_| Metrics::new(Precision::Coarse)).collect();
        Collector {
            summary: Metrics::new(Precision::Fine),
            pops: coarse(pops),
            regions: coarse(regions),
            behaviors: coarse(behaviors),
            protocols: coarse(crate::protocol::ViewerConn::ROWS),
            interval,
            open: None,
            series: (0..pops).map(|_| Metrics::new(Precision::Coarse)).collect(),
            overall: Metrics::new(Precision::Coarse),
            levels: Vec::new(),
            groups: vec![[0; 4]; groups],
            group_rows: Vec::new(),
            total_time: super::histogram(Precision::Fine),
            traffic: vec![0; regions * pops],
        }
    }

    /// Counts `r`, which the edge finished at `now`. `now` never decreases between calls.
    #[inline]
    pub fn record(&mut self, now: Nanos, r: &Record, sink: &mut IntervalSink<'_>) {
        let idx = now / self.interval;
        match self.open {
            None => self.open = Some(idx),
            Some(open) if idx > open => self.advance(idx, sink),
            Some(_) => {}
        }
        let bin = LatencyBin::of(r.latency);
        if r.outcome != Outcome::Redirect {
            // As for the time to first byte, a redirect's follow-up carries its time.
            let total_us = ((r.latency + r.transfer) / 1000).clamp(1, super::LATENCY_MAX_US);
            self.total_time.saturating_record(total_us);
        }
        self.summary.record_in(r, bin);
        self.regions[r.region as usize].record_in(r, bin);
        self.behaviors[r.behavior as usize].record_in(r, bin);
        self.protocols[r.protocol as usize].record_in(r, bin);
        // The POP view is the sum of its intervals; it takes each one as it closes.
        self.series[r.pop as usize].record_in(r, bin);
        self.traffic[r.region as usize * self.series.len() + r.pop as usize] += 1;
        if let Some(g) = r.group {
            let c = &mut self.groups[g as usize];
            c[0] += 1;
            match r.failover {
                Failover::None => {}
                Failover::Recovered => c[1..3].iter_mut().for_each(|x| *x += 1),
                Failover::BothFailed => c[1..].iter_mut().for_each(|x| *x += 1),
                Failover::NotEligible => c[2] += 1,
            }
        }
    }

    /// Emits the open interval and any empty ones up to `idx`, then opens `idx`.
    fn advance(&mut self, idx: u64, sink: &mut IntervalSink<'_>) {
        let open = self.open.expect("advance follows the first record");
        for i in open..idx {
            let start = i * self.interval;
            for (pop, m) in self.series.iter_mut().enumerate() {
                self.pops[pop].absorb(m);
                self.overall.absorb(m);
                m.seal();
                sink(start, pop, m);
                m.reset();
            }
            self.overall.seal();
            self.levels.push(Level {
                start,
                requests: self.overall.counts.requests,
                hit_ratio: self.overall.hit_ratio(),
                p99_ms: self.overall.latency_ms(0.99),
            });
            self.overall.reset();
            for (g, c) in self.groups.iter_mut().enumerate() {
                self.group_rows.push((start, g as u16, *c));
                *c = [0; 4];
            }
        }
        self.open = Some(idx);
    }

    /// Emits the last open interval and seals the run-level views. Call once, after
    /// the last record.
    pub fn finish(&mut self, sink: &mut IntervalSink<'_>) {
        if let Some(open) = self.open {
            self.advance(open + 1, sink);
        }
        self.summary.seal();
        let views = self.pops.iter_mut().chain(&mut self.regions);
        let views = views.chain(&mut self.behaviors).chain(&mut self.protocols);
        views.for_each(Metrics::seal);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(pop: u16, outcome: Outcome) -> Record {
        Record {
            outcome,
            tier: Tier::Pop,
            detail: Detail::Same,
            collapsed: false,
            stale: false,
            behavior: 0,
            cacheable: true,
            bytes: 100,
            origin_bytes: (outcome == Outcome::Miss).then_some(100),
            shed: false,
            latency: 5_000_000,
            pop,
            region: 0,
            status: 200,
            failover: Failover::None,
            group: None,
            new_connection: false,
            resumed: false,
            protocol: 0,
            breakdown: Breakdown::default(),
            transfer: 0,
            signed: false,
            https: false,
            upload: 0,
        }
    }

    #[test]
    fn intervals_are_emitted_densely_in_order() {
        let mut c = Collector::new(2, 1, 1, 0, 10);
        let mut rows = Vec::new();
        let mut sink = |t: Nanos, pop: usize, m: &Metrics| rows.push((t, pop, m.counts.requests));
        c.record(12, &rec(0, Outcome::Hit), &mut sink);
        c.record(15, &rec(1, Outcome::Miss), &mut sink);
        c.record(41, &rec(0, Outcome::Hit), &mut sink);
        c.finish(&mut sink);
        assert_eq!(
            rows,
            vec![
                (10, 0, 1),
                (10, 1, 1),
                (20, 0, 0),
                (20, 1, 0),
                (30, 0, 0),
                (30, 1, 0),
                (40, 0, 1),
                (40, 1, 0)
            ]
        );
        assert_eq!(c.summary.counts.requests, 3);
        assert_eq!(c.summary.hit_ratio(), 2.0 / 3.0);
        assert_eq!(c.pops[1].counts.origin_requests, 1);
        let levels: Vec<_> = c.levels.iter().map(|l| (l.start, l.requests)).collect();
        assert_eq!(levels, vec![(10, 2), (20, 0), (30, 0), (40, 1)]);
        assert_eq!(c.levels[0].hit_ratio, 0.5);
    }

    #[test]
    fn traffic_is_counted_per_region_and_pop() {
        let mut c = Collector::new(3, 2, 1, 0, 10);
        let mut sink = |_: Nanos, _: usize, _: &Metrics| {};
        for (region, pop) in [(0, 2), (1, 0), (1, 0), (1, 1)] {
            let r = Record {
                region,
                ..rec(pop, Outcome::Hit)
            };
            c.record(5, &r, &mut sink);
        }
        // Region-major: region 0's three POPs, then region 1's.
        assert_eq!(c.traffic, vec![0, 0, 1, 2, 1, 0]);
    }
}
