//! `mrc.csv`: one row per policy × capacity, the points of the miss-ratio curves.

use super::ReplayResult;
use crate::stats::ratio;
use std::io;
use std::path::Path;

/// Columns of `mrc.csv`, with their meanings.
pub const MRC_COLUMNS: &[(&str, &str)] = &[
    ("policy", "eviction policy"),
    ("capacity", "cache size as given: a size such as 1GiB, or a share such as 10%"),
    (
        "capacity_bytes",
        "cache size in bytes (in objects with --ignore-size)",
    ),
    ("units", "`bytes`, or `objects` with --ignore-size"),
    ("requests", "requests counted (after the warm-up)"),
    ("misses", "counted requests that missed"),
    ("miss_ratio", "misses / requests"),
    (
        "byte_miss_ratio",
        "bytes of the misses / bytes requested (equal to miss_ratio with --ignore-size)",
    ),
    (
        "too_large",
        "misses whose object was larger than the whole cache, so never stored",
    ),
    ("declined", "misses the admission policy did not store"),
    ("objects_at_end", "objects in the cache when the trace ended"),
    (
        "throughput_rps",
        "requests this cache handled per second of its own work: the one column that varies from run to run",
    ),
];

/// Writes `mrc.csv` into `dir`.
pub fn write_mrc(dir: &Path, result: &ReplayResult, objects: bool) -> io::Result<()> {
    let header = MRC_COLUMNS.iter().map(|(n, _)| n.to_string()).collect();
    let rows = result.pairs.iter().map(|p| {
        let secs = p.busy.as_secs_f64();
        let handled = result.requests as f64;
        vec![
            p.policy.name().to_string(),
            p.label.clone(),
            p.capacity.to_string(),
            if objects { "objects" } else { "bytes" }.to_string(),
            p.requests.to_string(),
            p.misses.to_string(),
            format!("{:.6}", ratio(p.misses, p.requests)),
            format!("{:.6}", ratio(p.miss_bytes, p.bytes)),
            p.too_large.to_string(),
            p.declined.to_string(),
            p.objects.to_string(),
            format!("{:.0}", if secs > 0.0 { handled / secs } else { 0.0 }),
        ]
    });
    crate::report::write_rows(dir, "mrc.csv", header, rows)
}
