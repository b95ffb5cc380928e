//! `compare.csv`: `edgesim compare`'s table, one row per policy × capacity at one tier,
//! each value the mean over the replications of a `summary.csv` column.

use crate::col;
use crate::stats::columns::{Cell, Column};

/// One row of `compare.csv`: a point's means over its replications.
pub struct CompareRow {
    /// `pop`, `regional`, `shield` or `all`.
    pub tier: &'static str,
    pub policy: String,
    pub capacity: String,
    /// The mean of each summary column of [`COMPARE_MEANS`].
    pub means: Vec<(&'static str, f64)>,
}

impl CompareRow {
    /// The mean of summary column `name`.
    fn mean(&self, name: &str) -> f64 {
        let found = self.means.iter().find(|(n, _)| *n == name);
        found.map_or(f64::NAN, |(_, v)| *v)
    }
}

/// A column of `compare.csv` that is the mean of a summary column.
macro_rules! mean {
    ($name:literal, $doc:literal, $cell:ident) => {
        col!($name, $doc, |r: &CompareRow| {
            mean_cell!($cell, r.mean($name))
        })
    };
}

macro_rules! mean_cell {
    (Count, $v:expr) => {
        Cell::Count($v.round() as u64)
    };
    ($cell:ident, $v:expr) => {
        Cell::$cell($v)
    };
}

/// Columns of `compare.csv`: one row per policy × capacity, at one tier; each value the
/// mean over the replications (`study_summary.csv` has their intervals).
pub const COMPARE: &[Column<CompareRow>] = &[
    col!("policy", "eviction policy set at the tier", |r| Cell::Text(
        r.policy.clone()
    )),
    col!("capacity", "capacity set for each cache of the tier", |r| {
        Cell::Text(r.capacity.clone())
    }),
    col!(
        "tier",
        "`pop`, `regional`, `shield` or `all`: the caches that were set",
        |r| Cell::Label(r.tier)
    ),
    mean!("requests", "requests counted (warm-up excluded)", Count),
    mean!(
        "hit_ratio",
        "(hits + refresh_hits) among cacheable requests / cacheable requests, over all tiers",
        Ratio
    ),
    mean!(
        "byte_hit_ratio",
        "body bytes served from cache / body bytes served for cacheable requests",
        Ratio
    ),
    mean!("origin_offload", "1 - origin bytes / bytes served", Ratio),
    mean!(
        "origin_requests",
        "requests that caused an origin request (revalidations included)",
        Count
    ),
    mean!("latency_p50_ms", "median viewer latency", Ms),
    mean!("latency_p99_ms", "99th percentile viewer latency", Ms),
    mean!(
        "hit_ratio_pop",
        "the POP caches' own hit ratio (hits_pop / cacheable requests)",
        Ratio
    ),
    mean!(
        "hit_ratio_regional",
        "the regional caches' hit ratio on what the POPs passed on",
        Ratio
    ),
    mean!(
        "hit_ratio_shield",
        "the origin shields' hit ratio on what reached them",
        Ratio
    ),
    mean!("origin_bytes", "body bytes fetched from origins", Count),
];

/// The summary columns whose means `compare.csv` holds, in its order.
pub const COMPARE_MEANS: [&str; 11] = [
    "requests",
    "hit_ratio",
    "byte_hit_ratio",
    "origin_offload",
    "origin_requests",
    "latency_p50_ms",
    "latency_p99_ms",
    "hit_ratio_pop",
    "hit_ratio_regional",
    "hit_ratio_shield",
    "origin_bytes",
];
