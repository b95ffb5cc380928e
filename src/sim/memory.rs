//! What a run will hold in memory, estimated when it loads: `validate` prints it, and a run
//! whose fixed part cannot fit in the memory available is refused before it starts.
//!
//! Two parts. The statistics are fixed when the run starts: latency histograms for each
//! POP (the run's and the open interval's), region, behavior and connection kind, and the
//! region-by-POP traffic table; they are computed here from the same constructors the run
//! uses. The caches start with room for 64 objects and grow as they fill, so their part is
//! a ceiling: each site full of objects of the catalog's mean size, or of the whole catalog
//! when that is smaller, at [`ENTRY_BYTES`] each, plus a dense index of 4 bytes per possible
//! id where the catalog allows one.

use crate::cache::Sizing;
use crate::protocol::ViewerConn;
use crate::scenario::Scenario;
use crate::stats::{Metrics, Precision};

/// Bytes one cached object costs a policy: its entry, its place in the eviction order and
/// its index slot (LRU measured: BENCHMARKS.md, "Memory with many POPs").
pub const ENTRY_BYTES: u64 = 96;

/// Bytes of a run besides its statistics and caches: the program, the catalog, buffers.
pub const BASE_BYTES: u64 = 24 << 20;

/// A run's memory, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Estimate {
    /// Held from the start: the program and the statistics.
    pub fixed: u64,
    /// The most the caches grow to.
    pub caches: u64,
}

/// The memory `scenario` will need.
pub fn estimate(scenario: &Scenario) -> Estimate {
    let plan = scenario.plan();
    let (pops, regions) = (plan.pops as u64, plan.regions.len() as u64);
    let coarse = Metrics::new(Precision::Coarse).heap_bytes();
    let fine = Metrics::new(Precision::Fine).heap_bytes();
    let views =
        2 * pops + regions + scenario.behaviors().all().len() as u64 + ViewerConn::ROWS as u64 + 1;
    // The traffic table, and each region's ranking of the POPs.
    let tables = regions * pops * (8 + 16);
    let fixed = BASE_BYTES + views * coarse + 2 * fine + tables;
    let catalog = scenario.catalog();
    let objects = catalog.objects();
    let mean = catalog.mean_size_hint().max(1);
    let trace = scenario.trace().is_some();
    let caches = (plan.sites.iter())
        .map(|site| {
            let capacity = site.capacity;
            let held = if trace {
                capacity / mean
            } else {
                (capacity / mean).min(objects)
            };
            let index = if objects <= Sizing::DENSE_LIMIT {
                4 * objects
            } else {
                0
            };
            held * ENTRY_BYTES + index
        })
        .sum();
    Estimate { fixed, caches }
}

/// The memory this machine has available now (Linux's `MemAvailable`), if it says.
pub fn available() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// `bytes` for people: "640 MB", "6.5 GB".
pub fn bytes_text(bytes: u64) -> String {
    let mb = bytes as f64 / 1e6;
    if mb < 1000.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{:.1} GB", mb / 1000.0)
    }
}
