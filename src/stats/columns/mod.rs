//! The named columns of every CSV file, each with its meaning: the one list that writers,
//! the README's column reference and the charts' checks read, so a new metric is added in one
//! place.

use super::{quantile_ms, Detail, Metrics, Outcome, Tier};
use crate::origin::OriginStats;
use crate::units::{nanos_to_ms, Nanos};
use std::fmt;

/// One value in a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// A count.
    Count(u64),
    /// A ratio, written with 6 decimals.
    Ratio(f64),
    /// Milliseconds, written with 3 decimals (microsecond resolution).
    Ms(f64),
    /// Simulated time in seconds, written with 3 decimals.
    Secs(Nanos),
    /// A rate or other measure, written with 3 decimals.
    Decimal(f64),
    /// A whole number of something per second, written without decimals.
    Whole(f64),
    /// Money, written with 2 decimals.
    Usd(f64),
    /// A unit price, written with up to 8 decimals (requests cost millionths).
    Decimal6(f64),
    /// A name or a label, as it is.
    Text(String),
    /// A fixed label, as it is (no allocation).
    Label(&'static str),
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Count(n) => write!(f, "{n}"),
            Cell::Ratio(r) => write!(f, "{r:.6}"),
            Cell::Ms(x) | Cell::Decimal(x) => write!(f, "{x:.3}"),
            Cell::Secs(t) => write!(f, "{:.3}", *t as f64 / crate::units::SEC as f64),
            Cell::Whole(x) => write!(f, "{x:.0}"),
            Cell::Usd(x) => write!(f, "{x:.2}"),
            Cell::Decimal6(x) => write!(f, "{x:.8}"),
            Cell::Text(t) => f.write_str(t),
            Cell::Label(t) => f.write_str(t),
        }
    }
}

/// A named column over rows of type `T`: its header, its meaning and its value are
/// written together, so a table's header, rows and README entry cannot drift apart.
pub struct Column<T> {
    /// snake_case header.
    pub name: &'static str,
    /// What it means, for the README.
    pub doc: &'static str,
    /// The value for one row.
    pub get: fn(&T) -> Cell,
}

/// A column: its header, its meaning, and its value for one row.
#[macro_export]
macro_rules! col {
    ($name:expr, $doc:expr, $get:expr $(,)?) => {
        $crate::stats::columns::Column {
            name: $name,
            doc: $doc,
            get: $get,
        }
    };
}

fn by_outcome(m: &Metrics, o: Outcome, q: f64) -> Cell {
    Cell::Ms(quantile_ms(&m.latency_by_outcome[o as usize], q))
}

/// The metric columns shared by summary, POP, region and interval rows, in order.
pub fn metrics() -> impl Iterator<Item = &'static Column<Metrics>> + Clone {
    BASE.iter()
        .chain(FAILURES.iter())
        .chain(TIMES.iter())
        .chain(BY_OUTCOME.iter().flatten())
}

/// Whether `list` has a column `name`. A `const fn`, so that the charts' column constants
/// are checked against the lists when edgesim compiles.
pub const fn has<R>(list: &[Column<R>], name: &str) -> bool {
    let mut i = 0;
    while i < list.len() {
        if same(list[i].name, name) {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether `name` is one of the metric columns (see [`metrics`]).
pub const fn is_metric(name: &str) -> bool {
    let mut o = 0;
    while o < BY_OUTCOME.len() {
        if has(&BY_OUTCOME[o], name) {
            return true;
        }
        o += 1;
    }
    has(BASE, name) || has(FAILURES, name) || has(TIMES, name)
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A latency column: quantile `q` of one of the metrics' histograms, in ms.
macro_rules! quantile {
    ($name:expr, $doc:expr, $hist:ident, $q:expr) => {
        Column {
            name: $name,
            doc: $doc,
            get: |m| Cell::Ms(quantile_ms(&m.$hist, $q)),
        }
    };
}

/// A count column over one counter.
macro_rules! counter {
    ($name:expr, $doc:expr, $field:ident) => {
        Column {
            name: $name,
            doc: $doc,
            get: |m| Cell::Count(m.counts.$field),
        }
    };
}

/// A count column over one slot of a counter array.
macro_rules! slot {
    ($name:expr, $doc:expr, $field:ident, $i:expr) => {
        Column {
            name: $name,
            doc: $doc,
            get: |m| Cell::Count(m.counts.$field[$i]),
        }
    };
}

/// Five latency columns of one outcome: p50, p90, p99, p99.9 and max.
macro_rules! outcome_latency {
    ($o:expr, $name:literal, $what:literal) => {
        [
            Column {
                name: concat!("latency_", $name, "_p50_ms"),
                doc: concat!("median latency of ", $what),
                get: |m| by_outcome(m, $o, 0.5),
            },
            Column {
                name: concat!("latency_", $name, "_p90_ms"),
                doc: concat!("90th percentile latency of ", $what),
                get: |m| by_outcome(m, $o, 0.9),
            },
            Column {
                name: concat!("latency_", $name, "_p99_ms"),
                doc: concat!("99th percentile latency of ", $what),
                get: |m| by_outcome(m, $o, 0.99),
            },
            Column {
                name: concat!("latency_", $name, "_p999_ms"),
                doc: concat!("99.9th percentile latency of ", $what),
                get: |m| by_outcome(m, $o, 0.999),
            },
            Column {
                name: concat!("latency_", $name, "_max_ms"),
                doc: concat!("largest latency of ", $what),
                get: |m| by_outcome(m, $o, 1.0),
            },
        ]
    };
}

mod extra;
use extra::{FAILURES, TIMES};

/// Latency columns per outcome, in `Outcome::ALL` order.
static BY_OUTCOME: [[Column<Metrics>; 5]; Outcome::COUNT] = [
    outcome_latency!(Outcome::Hit, "hit", "hits"),
    outcome_latency!(Outcome::RefreshHit, "refresh_hit", "refresh hits"),
    outcome_latency!(Outcome::Miss, "miss", "misses"),
    outcome_latency!(Outcome::Error, "error", "errors"),
    outcome_latency!(
        Outcome::CapacityExceeded,
        "capacity_exceeded",
        "requests refused with 503 (the time to the refusal)"
    ),
    outcome_latency!(
        Outcome::Redirect,
        "redirect",
        "redirects to HTTPS (the time to the 301 or 307; the follow-up request's latency includes it)"
    ),
];

/// Counters, ratios and overall latency.
const BASE: &[Column<Metrics>] = &[
    counter!("requests", "requests counted (warm-up excluded)", requests),
    Column {
        name: "hits",
        doc: "result type Hit: served from a cache tier, collapsed requests included (CloudFront logs them as Hit)",
        get: |m| Cell::Count(m.count(Outcome::Hit)),
    },
    Column {
        name: "refresh_hits",
        doc: "result type RefreshHit: an expired copy the origin confirmed with 304",
        get: |m| Cell::Count(m.count(Outcome::RefreshHit)),
    },
    Column {
        name: "misses",
        doc: "result type Miss: the body came from the origin",
        get: |m| Cell::Count(m.count(Outcome::Miss)),
    },
    Column {
        name: "errors",
        doc: "result type Error: an origin error, a cached error, or a refused method",
        get: |m| Cell::Count(m.count(Outcome::Error)),
    },
    Column {
        name: "capacity_exceeded",
        doc: "requests refused with 503 because every POP was down or full",
        get: |m| Cell::Count(m.count(Outcome::CapacityExceeded)),
    },
    Column {
        name: "hits_pop",
        doc: "hits served from the POP's own cache",
        get: |m| Cell::Count(m.counts.hits_by_tier[Tier::Pop as usize]),
    },
    Column {
        name: "hits_regional",
        doc: "hits served from the POP's regional edge cache",
        get: |m| Cell::Count(m.counts.hits_by_tier[Tier::Regional as usize]),
    },
    Column {
        name: "hits_shield",
        doc: "hits served from the origin's shield (detailed result type OriginShieldHit)",
        get: |m| Cell::Count(m.counts.hits_by_tier[Tier::Shield as usize]),
    },
    counter!("collapsed", "requests that waited for another request's fetch of the same object at their POP", collapsed),
    counter!("stale_served", "requests answered with an expired copy (stale-while-revalidate, stale-if-error, or origin error on revalidation)", stale),
    Column {
        name: "invalid_method",
        doc: "requests refused with 403 because the behavior does not allow the method (InvalidRequestMethod)",
        get: |m| Cell::Count(m.counts.by_detail[Detail::InvalidRequestMethod as usize]),
    },
    Column {
        name: "shed",
        doc:
            "requests served by a POP other than the nearest because a closer one was down or full",
        get: |m| Cell::Count(m.counts.shed),
    },
    counter!("cacheable_requests", "requests with a cached method answered with a body or 304 (not an error): the hit ratio's denominator", cacheable),
    Column {
        name: "hit_ratio",
        doc: "(hits + refresh_hits) among cacheable requests / cacheable_requests",
        get: |m| Cell::Ratio(m.hit_ratio()),
    },
    Column {
        name: "byte_hit_ratio",
        doc: "body bytes served from cache / body bytes served for cacheable requests",
        get: |m| Cell::Ratio(m.byte_hit_ratio()),
    },
    Column {
        name: "hit_ratio_pop",
        doc: "hits_pop / cacheable_requests: the POP caches' own hit ratio",
        get: |m| Cell::Ratio(m.tier_hit_ratio(Tier::Pop)),
    },
    Column {
        name: "hit_ratio_regional",
        doc: "hits_regional / (cacheable_requests - hits_pop): the regional caches' hit ratio on what the POPs passed on (POPs without a regional cache count as misses here)",
        get: |m| Cell::Ratio(m.tier_hit_ratio(Tier::Regional)),
    },
    Column {
        name: "hit_ratio_shield",
        doc: "hits_shield / (cacheable_requests - hits_pop - hits_regional): the origin shields' hit ratio on what reached them (origins without a shield count as misses here)",
        get: |m| Cell::Ratio(m.tier_hit_ratio(Tier::Shield)),
    },
    counter!("bytes_from_cache", "body bytes served from cache (the byte hit ratio's numerator)", bytes_from_cache),
    counter!("cacheable_bytes", "body bytes served for cacheable requests (its denominator)", cacheable_bytes),
    counter!("bytes_served", "body bytes sent to viewers", bytes_served),
    counter!("origin_requests", "requests that caused an origin request of their own (revalidations included): collapsed requests wait on another's, so a slow origin makes this smaller for the same misses (a black hole holds each fetch for its connection timeouts, and more requests collapse onto it than onto a quick 503); a stale copy served while it is refreshed in the background is not one either, so `origins.csv`'s `requests` is higher by about `stale_served`", origin_requests),
    counter!("origin_bytes", "body bytes fetched from origins", origin_bytes),
    Column {
        name: "origin_offload",
        doc: "1 - origin_bytes / bytes_served",
        get: |m| Cell::Ratio(m.origin_offload()),
    },
    Column {
        name: "latency_p50_ms",
        doc: "median viewer latency",
        get: |m| Cell::Ms(m.latency_ms(0.5)),
    },
    Column {
        name: "latency_p90_ms",
        doc: "90th percentile latency",
        get: |m| Cell::Ms(m.latency_ms(0.9)),
    },
    Column {
        name: "latency_p99_ms",
        doc: "99th percentile latency",
        get: |m| Cell::Ms(m.latency_ms(0.99)),
    },
    Column {
        name: "latency_p999_ms",
        doc: "99.9th percentile latency",
        get: |m| Cell::Ms(m.latency_ms(0.999)),
    },
    Column {
        name: "latency_max_ms",
        doc: "largest latency",
        get: |m| Cell::Ms(m.latency_ms(1.0)),
    },
    Column {
        name: "latency_mean_ms",
        doc: "mean latency",
        get: |m| {
            Cell::Ms(if m.latency.is_empty() {
                0.0
            } else {
                m.latency.mean() / 1000.0
            })
        },
    },
];

/// One origin's row: its statistics and what utilisation is measured against.
pub struct OriginRow {
    /// Its name.
    pub name: String,
    /// The statistics.
    pub stats: OriginStats,
    /// Its server count.
    pub concurrency: u32,
    /// Length of the measured part of the run.
    pub span: Nanos,
    /// Requests that failed over away from it (as a group's primary) and to it (as a
    /// secondary).
    pub failovers: [u64; 2],
}

/// The columns of `origins.csv`.
pub const ORIGINS: &[Column<OriginRow>] = &[
    Column {
        name: "origin",
        doc: "origin name",
        get: |o| Cell::Text(o.name.clone()),
    },
    Column {
        name: "requests",
        doc: "responses the origin sent for counted requests, background refreshes of stale copies included (so about `summary.csv`'s `origin_requests` + `stale_served`)",
        get: |o| Cell::Count(o.stats.requests),
    },
    Column {
        name: "bytes",
        doc: "body bytes the origin sent",
        get: |o| Cell::Count(o.stats.bytes),
    },
    Column {
        name: "queued",
        doc: "requests that found every server busy",
        get: |o| Cell::Count(o.stats.queued),
    },
    Column {
        name: "queue_wait_mean_ms",
        doc: "mean time a request waited for a server, over all requests",
        get: |o| {
            Cell::Ms(if o.stats.requests == 0 {
                0.0
            } else {
                nanos_to_ms(o.stats.wait_total) / o.stats.requests as f64
            })
        },
    },
    Column {
        name: "queue_wait_max_ms",
        doc: "longest wait for a server",
        get: |o| Cell::Ms(nanos_to_ms(o.stats.wait_max)),
    },
    Column {
        name: "queue_max",
        doc: "most requests waiting at once",
        get: |o| Cell::Count(o.stats.queue_max),
    },
    Column {
        name: "refused",
        doc: "requests refused with 503 Slow Down: queue full (max_queue) or over the rate limit (max_rps)",
        get: |o| Cell::Count(o.stats.refused),
    },
    Column {
        name: "failovers_out",
        doc: "origin requests that failed at this origin as an origin group's primary and went to the secondary: one per fetch, however many collapsed viewer requests waited on it (`summary.csv`'s `failovers` counts those viewer requests)",
        get: |o| Cell::Count(o.failovers[0]),
    },
    Column {
        name: "failovers_in",
        doc: "origin requests that came to this origin as a group's secondary after the primary failed: the load failover adds to it",
        get: |o| Cell::Count(o.failovers[1]),
    },
    Column {
        name: "utilisation",
        doc: "busy server time / (concurrency x measured time)",
        get: |o| {
            Cell::Ratio(if o.span == 0 {
                0.0
            } else {
                o.stats.busy_total as f64 / (o.concurrency as f64 * o.span as f64)
            })
        },
    },
];
