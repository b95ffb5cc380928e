//! Whether a run's caches were still warming when it ended. Intervals touched by a fault or
//! a flash crowd are set aside (they move the hit ratio for their own reasons); of the rest,
//! the later half is split in two, and a hit ratio higher in the last part than in the part
//! before means the run ended while the caches were still filling. A planner reading such a
//! run's hit ratio reads a number the CDN has not reached yet.

/// A rise between the two parts that counts as still warming.
pub const RISE: f64 = 0.01;
/// Cacheable requests each quarter needs before the comparison means anything.
const ENOUGH: u64 = 1_000;

/// The hit ratios of the last two quarters of a run whose hit ratio was still rising.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Climb {
    /// Hits over cacheable requests in the earlier part.
    pub earlier: f64,
    /// The same in the last part.
    pub last: f64,
}

impl Climb {
    /// The warning, one line.
    pub fn message(&self) -> String {
        format!(
            "the hit ratio was still rising when the run ended ({:.1}%, then {:.1}% over the last intervals, outside fault and flash-crowd windows): the caches had not reached steady state, so the run's hit ratio understates it; lengthen the warm-up (warmup) or the run",
            self.earlier * 100.0,
            self.last * 100.0
        )
    }
}

/// `intervals` holds (start, hits, cacheable requests) per interval over all POPs, in time
/// order, without the run's final partial interval; each is `width` long, and `events`
/// are the `[start, end)` windows of faults and flash crowds, all in seconds. `None` when
/// the hit ratio had levelled off, or when too few intervals or requests remain to tell.
pub fn still_rising(
    intervals: &[(f64, u64, u64)],
    width: f64,
    events: &[(f64, f64)],
) -> Option<Climb> {
    let quiet: Vec<(u64, u64)> = intervals
        .iter()
        .filter(|(t, _, _)| !events.iter().any(|&(s, e)| *t < e && t + width > s))
        .map(|&(_, h, c)| (h, c))
        .collect();
    if quiet.len() < 8 {
        return None;
    }
    let later = &quiet[quiet.len() / 2..];
    let ratio = |part: &[(u64, u64)]| {
        let (h, c) = part
            .iter()
            .fold((0, 0), |(h, c), &(hi, ci)| (h + hi, c + ci));
        (c >= ENOUGH).then(|| h as f64 / c as f64)
    };
    let middle = later.len() / 2;
    let earlier = ratio(&later[..middle])?;
    let last = ratio(&later[middle..])?;
    (last - earlier >= RISE).then_some(Climb { earlier, last })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_climbing_hit_ratio_is_caught_and_a_level_one_is_not() {
        let at = |v: Vec<(u64, u64)>| -> Vec<(f64, u64, u64)> {
            v.into_iter()
                .enumerate()
                .map(|(i, (h, c))| (i as f64 * 10.0, h, c))
                .collect()
        };
        let climbing = at((0..20).map(|i| (500 + 10 * i, 1_000)).collect());
        let c = still_rising(&climbing, 10.0, &[]).unwrap();
        assert!(c.last > c.earlier + RISE, "{c:?}");
        assert!(c.message().contains("still rising"));
        let level = at((0..20).map(|i| (700 + i % 2, 1_000)).collect());
        assert_eq!(still_rising(&level, 10.0, &[]), None);
        // A flash crowd's jump at the end is not warming: its window is set aside.
        let mut jump = level.clone();
        for interval in &mut jump[16..] {
            interval.1 = 900;
        }
        assert!(still_rising(&jump, 10.0, &[]).is_some());
        assert_eq!(still_rising(&jump, 10.0, &[(160.0, 200.0)]), None);
        // Too few intervals, or too few requests, to tell.
        assert_eq!(still_rising(&climbing[..6], 10.0, &[]), None);
        let sparse = at((0..20).map(|i| (i, 20)).collect());
        assert_eq!(still_rising(&sparse, 10.0, &[]), None);
    }
}
