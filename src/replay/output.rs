//! `mrc.csv`: one row per policy × capacity, the points of the miss-ratio curves.

use super::{PairResult, ReplayResult};
use crate::col;
use crate::stats::columns::{Cell, Column};
use crate::stats::ratio;
use std::io;
use std::path::Path;

/// One cache of a replay, as `mrc.csv` shows it.
pub struct MrcRow {
    /// What the cache did.
    pub pair: PairResult,
    /// Requests in the whole trace, which its throughput counts.
    pub handled: u64,
    /// Whether capacities count objects (`--ignore-size`).
    pub objects: bool,
}

/// Columns of `mrc.csv`.
pub const MRC: &[Column<MrcRow>] = &[
    col!("policy", "eviction policy", |r| Cell::Text(r.pair.policy.name().into())),
    col!("capacity", "cache size as given: a size such as 1GiB, or a share such as 10%", |r| Cell::Text(r.pair.label.clone())),
    col!("capacity_bytes", "cache size in bytes (in objects with --ignore-size)", |r| Cell::Count(r.pair.capacity)),
    col!("units", "`bytes`, or `objects` with --ignore-size", |r| Cell::Text(if r.objects { "objects" } else { "bytes" }.into())),
    col!("requests", "requests counted (after the warm-up)", |r| Cell::Count(r.pair.requests)),
    col!("misses", "counted requests that missed", |r| Cell::Count(r.pair.misses)),
    col!("miss_ratio", "misses / requests", |r| Cell::Ratio(ratio(r.pair.misses, r.pair.requests))),
    col!("byte_miss_ratio", "bytes of the misses / bytes requested (equal to miss_ratio with --ignore-size)", |r| Cell::Ratio(ratio(r.pair.miss_bytes, r.pair.bytes))),
    col!("too_large", "misses whose object was larger than the whole cache, so never stored", |r| Cell::Count(r.pair.too_large)),
    col!("declined", "misses the admission policy did not store", |r| Cell::Count(r.pair.declined)),
    col!("objects_at_end", "objects in the cache when the trace ended", |r| Cell::Count(r.pair.objects)),
    col!("throughput_rps", "requests this cache handled per second of its own work: the one column that varies from run to run", |r| {
            let secs = r.pair.busy.as_secs_f64();
            Cell::Whole(if secs > 0.0 { r.handled as f64 / secs } else { 0.0 })
        }),
];

/// Writes `mrc.csv` into `dir`.
pub fn write_mrc(dir: &Path, result: &ReplayResult, objects: bool) -> io::Result<()> {
    let rows = result.pairs.iter().map(|p| MrcRow {
        pair: p.clone(),
        handled: result.requests,
        objects,
    });
    crate::report::write_table(dir, "mrc.csv", MRC, rows)
}
