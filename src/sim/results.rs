//! What a run reports: progress, sampled log lines, and the results of a finished run.

use super::tiers::PairCounts;
use crate::origin::OriginStats;
use crate::stats::Metrics;
use crate::units::Nanos;

/// How far a run has got, for progress displays.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Simulated time now.
    pub now: Nanos,
    /// Requests generated so far, warm-up included.
    pub arrivals: u64,
    /// Where the run ends: simulated time (duration runs) ...
    pub end_time: Option<Nanos>,
    /// ... or counted requests (request-count runs).
    pub end_requests: Option<u64>,
    /// Counted requests so far.
    pub counted: u64,
}

/// Receives what a run reports while it runs. Every method has a default that ignores it.
pub trait Observer {
    /// Called every few tens of thousands of requests.
    fn progress(&mut self, _p: &Progress) {}
    /// Called for each POP when a time-series interval closes, in time then POP order.
    fn interval(&mut self, _start: Nanos, _pop: usize, _m: &Metrics) {}
    /// Called for each counted request the access log samples, as it finishes.
    fn request(&mut self, _line: &LogLine) {}
    /// Asked after each progress call: `true` ends the run there (the user interrupted
    /// it), and the result then covers only what was simulated so far.
    fn stop(&self) -> bool {
        false
    }
}

/// One request in the sampled access log: ids and times, resolved to names by the writer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogLine {
    /// Whether it was sampled for the request log (else it is observed for calibration).
    pub sampled: bool,
    /// Position in the arrival sequence: unique within the run.
    pub index: u64,
    /// When it reached the edge.
    pub arrived: Nanos,
    /// When the edge finished answering it.
    pub done: Nanos,
    /// The POP, by index.
    pub pop: u16,
    /// The client region, by index.
    pub region: u16,
    /// The path class, by index.
    pub class: u16,
    /// The object.
    pub object: crate::cache::ObjectId,
    /// The method.
    pub method: crate::protocol::Method,
    /// The HTTP status sent to the viewer.
    pub status: u16,
    /// Body bytes sent.
    pub bytes: u64,
    /// x-edge-result-type.
    pub outcome: crate::stats::Outcome,
    /// x-edge-detailed-result-type, where it differs.
    pub detail: crate::stats::Detail,
    /// The tier that produced the response.
    pub tier: crate::stats::Tier,
    /// The cache behavior, by index.
    pub behavior: u16,
    /// Whether it joined another request's fetch.
    pub collapsed: bool,
    /// Whether it was answered with an expired copy.
    pub stale: bool,
    /// The viewer connection.
    pub conn: crate::protocol::ViewerConn,
    /// Time from the first byte sent to the last.
    pub transfer: Nanos,
    /// Whether its primary origin failed and the group's secondary was asked.
    pub failed_over: bool,
}

/// An observer that ignores everything.
pub struct Quiet;

impl Observer for Quiet {}

/// Everything a finished run measured.
pub struct RunResult {
    /// The whole run.
    pub summary: Metrics,
    /// Per POP, in scenario order.
    pub pops: Vec<Metrics>,
    /// Per client region, in scenario order.
    pub regions: Vec<Metrics>,
    /// Per cache behavior, the default last.
    pub behaviors: Vec<Metrics>,
    /// Signed requests checked with real signatures, and how many of those checks
    /// disagreed with the flag logic (0 unless there is a bug).
    pub crypto_checks: (u64, u64),
    /// Time to the last byte of every counted request, microseconds.
    pub total_time: hdrhistogram::Histogram<u64>,
    /// Requests per (client region, POP): region-major, `regions × pops`.
    pub traffic: Vec<u64>,
    /// Per viewer protocol row (see `protocol::ViewerConn::row_name`).
    pub protocols: Vec<Metrics>,
    /// Per origin, in scenario order.
    pub origins: Vec<OriginStats>,
    /// Simulated time from the first counted arrival to the last answer.
    pub measured_span: Nanos,
    /// Simulated time when the last request was answered.
    pub end: Nanos,
    /// Requests generated, warm-up included.
    pub arrivals: u64,
    /// Every interval's level over all POPs.
    pub levels: Vec<crate::stats::Level>,
    /// Every interval's counts per origin group: `(start, group, counts)`.
    pub group_rows: Vec<(Nanos, u16, crate::stats::GroupCounts)>,
    /// Origin connections per (connecting site, origin): sites are POPs then regional
    /// caches; counted requests only.
    pub connections: Vec<(u16, u16, PairCounts)>,
    /// Per site (POPs, then regional caches): counted requests that reached it as an
    /// origin's shield from another site.
    pub shield_requests: Vec<u64>,
    /// Per origin: counted origin requests that failed over away from it and to it (one
    /// per fetch, however many viewer requests it answered).
    pub failover_fetches: Vec<[u64; 2]>,
    /// Cached copies that invalidations removed, all tiers together.
    pub invalidated: u64,
    /// Per fault in the scenario's list: what it touched (requests routed away from a POP,
    /// origin attempts, fetches past a regional cache, legs slowed), warm-up included.
    pub fault_affected: Vec<u64>,
    /// Why the run stopped before its workload's end because of its input: a trace file
    /// that changed after the scenario was loaded. The results are then incomplete, and
    /// the command line writes none of them (exit 2).
    pub input_error: Option<String>,
}
