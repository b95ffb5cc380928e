//! How long the edge takes to recover from a fault, judged from the all-POP time series.
//!
//! The pre-fault level is the mean hit ratio and mean p99 latency of the (up to) three
//! intervals that end before the fault starts and have requests. The edge has recovered at
//! the end of the first interval that starts at or after the fault's end and whose hit
//! ratio and p99 are both within 5% (relative) of that level; the time to recover counts
//! from the fault's end, so it is exact to one interval.

use super::Level;
use crate::units::Nanos;

/// Relative distance from the pre-fault level that counts as recovered.
pub const TOLERANCE: f64 = 0.05;

/// The outcome for one fault.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Recovery {
    /// Back within tolerance this long after the fault ended.
    After(Nanos),
    /// Not back within tolerance by the end of the run.
    NotRecovered,
    /// No interval before the fault had requests, so there is nothing to return to.
    NoBaseline,
}

fn within(x: f64, base: f64) -> bool {
    (x - base).abs() <= TOLERANCE * base
}

/// The recovery after a fault from `start` to `end`, over `levels` of width `interval`.
pub fn recovery(levels: &[Level], interval: Nanos, start: Nanos, end: Nanos) -> Recovery {
    let before: Vec<&Level> = levels
        .iter()
        .filter(|l| l.start + interval <= start && l.requests > 0)
        .rev()
        .take(3)
        .collect();
    if before.is_empty() {
        return Recovery::NoBaseline;
    }
    let n = before.len() as f64;
    let hit_ratio = before.iter().map(|l| l.hit_ratio).sum::<f64>() / n;
    let p99 = before.iter().map(|l| l.p99_ms).sum::<f64>() / n;
    levels
        .iter()
        .filter(|l| l.start >= end && l.requests > 0)
        .find(|l| within(l.hit_ratio, hit_ratio) && within(l.p99_ms, p99))
        .map_or(Recovery::NotRecovered, |l| {
            Recovery::After(l.start + interval - end)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(start: Nanos, hit_ratio: f64, p99_ms: f64) -> Level {
        Level {
            start,
            requests: 100,
            hit_ratio,
            p99_ms,
        }
    }

    #[test]
    fn recovery_is_the_first_interval_back_within_five_percent() {
        // 10-unit intervals; the fault runs from 45 to 55. The baseline is the three
        // intervals before it: hit ratio 0.80, p99 100 ms.
        let levels = [
            level(0, 0.2, 900.0), // too early: only the last three before the fault count
            level(10, 0.80, 100.0),
            level(20, 0.82, 104.0),
            level(30, 0.78, 96.0),
            level(40, 0.30, 400.0), // ends at 50, after the start: not in the baseline
            level(50, 0.50, 300.0),
            level(60, 0.70, 120.0),
            level(70, 0.79, 106.0), // p99 out by 6%
            level(80, 0.77, 104.0), // both within 5%
        ];
        assert_eq!(recovery(&levels, 10, 45, 55), Recovery::After(90 - 55));
        assert_eq!(recovery(&levels[..8], 10, 45, 55), Recovery::NotRecovered);
        assert_eq!(recovery(&levels, 10, 5, 15), Recovery::NoBaseline);
    }
}
