//! Arrival times: one Poisson process per region, modulated by a daily curve and flash
//! crowds, merged into one stream by thinning.
//!
//! Each region's rate is `base × diurnal(t) × flash(t)`. Time is cut into segments at
//! flash-window edges and at least every minute. Within a segment flash multipliers are
//! constant and each diurnal factor lies between bounds `lower ≤ diurnal(t) ≤ upper` (the
//! cosine cannot move faster than its amplitude times its angular speed). The merged
//! process draws candidates at `Σ base × upper × flash`, picks a region in proportion to
//! its bound, and keeps the candidate with probability `diurnal(t) / upper` (Lewis and
//! Shedler's thinning, 1979). A uniform below `lower / upper` accepts without evaluating
//! the cosine (a squeeze), which is exact and skips almost every cosine. A candidate past
//! the segment's end restarts at the edge, which is exact because the process is
//! memoryless.

use super::{RegionSpec, WorkloadSpec};
use crate::engine::Stream;
use crate::units::{secs_to_nanos, Nanos, SEC};
use rand::Rng;
use rand_distr::{Distribution, Exp1};
use std::f64::consts::TAU;

/// Where a flash crowd sends its extra requests, for one region at one time.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Focus {
    /// Probability that a request is one of the crowd's extra requests.
    pub share: f64,
    /// The crowd's requests go uniformly to this many of a class's top objects.
    pub top: u64,
}

struct Region {
    /// Mean requests per second.
    base: f64,
    amplitude: f64,
    /// Hours to add to simulated hours to get hours from the daily peak.
    phase_hours: f64,
    /// Bounds of the diurnal factor within the current segment.
    upper: f64,
    lower: f64,
}

/// The longest segment: short enough that the diurnal bounds stay within 0.5% of each other.
const MAX_SEGMENT: Nanos = 60 * SEC;

struct Window {
    start: Nanos,
    end: Nanos,
    multiplier: f64,
    /// Region indices affected.
    regions: Vec<usize>,
    top: u64,
}

/// The merged arrival process of all regions.
pub struct RateModel {
    regions: Vec<Region>,
    windows: Vec<Window>,
    /// Window edges in increasing order; segments lie between them.
    edges: Vec<Nanos>,
    now: Nanos,
    segment_end: Nanos,
    /// Cumulative per-region bounds (requests per second) in the current segment.
    cumulative: Vec<f64>,
    /// Their sum: the bound on the total rate in the current segment.
    total: f64,
    focus: Vec<Focus>,
}

impl RateModel {
    /// The process for a validated workload.
    pub fn new(spec: &WorkloadSpec, regions: &[RegionSpec]) -> Self {
        let rs = regions
            .iter()
            .map(|r| Region {
                base: spec.region_rate(r),
                amplitude: r.diurnal.amplitude,
                phase_hours: spec.start_hour_utc + r.utc_offset_hours - r.diurnal.peak_hour,
                upper: 1.0,
                lower: 1.0,
            })
            .collect();
        let windows: Vec<Window> = spec
            .flash_crowds
            .iter()
            .map(|f| Window {
                start: f.start.0,
                end: f.start.0.saturating_add(f.duration.0),
                multiplier: f.multiplier,
                regions: if f.regions.is_empty() {
                    (0..regions.len()).collect()
                } else {
                    regions
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| f.regions.contains(&r.name))
                        .map(|(i, _)| i)
                        .collect()
                },
                top: f.top_objects,
            })
            .collect();
        let mut edges: Vec<Nanos> = windows.iter().flat_map(|w| [w.start, w.end]).collect();
        edges.sort_unstable();
        edges.dedup();
        let mut model = RateModel {
            regions: rs,
            windows,
            edges,
            now: 0,
            segment_end: 0,
            cumulative: vec![0.0; regions.len()],
            total: 0.0,
            focus: vec![Focus::default(); regions.len()],
        };
        model.enter_segment(0);
        model
    }

    /// Recomputes the bounds for the segment that starts at `t`.
    fn enter_segment(&mut self, t: Nanos) {
        self.now = t;
        let next_edge = self.edges.iter().copied().find(|&e| e > t);
        self.segment_end = next_edge
            .unwrap_or(Nanos::MAX)
            .min(t.saturating_add(MAX_SEGMENT));
        // Radians the daily cosine turns in one segment; the factor moves at most
        // amplitude times that.
        let turn = TAU * MAX_SEGMENT as f64 / (24 * 3600 * SEC) as f64;
        let mut total = 0.0;
        for (i, r) in self.regions.iter_mut().enumerate() {
            let now = diurnal_factor(r, t);
            r.upper = (now + r.amplitude * turn).min(1.0 + r.amplitude);
            r.lower = (now - r.amplitude * turn).max(0.0);
            let mut multiplier = 1.0;
            let mut focus = Focus::default();
            for w in &self.windows {
                if w.start <= t && t < w.end && w.regions.contains(&i) {
                    multiplier *= w.multiplier;
                    if w.top > 0 && w.multiplier > 1.0 {
                        // Overlapping focused crowds share the smallest top set.
                        let top = if focus.top == 0 {
                            w.top
                        } else {
                            focus.top.min(w.top)
                        };
                        let share = 1.0 - (1.0 - focus.share) / w.multiplier;
                        focus = Focus { share, top };
                    }
                }
            }
            total += r.base * r.upper * multiplier;
            self.cumulative[i] = total;
            self.focus[i] = focus;
        }
        self.total = total;
    }

    /// The rate of region `i` at time `t`, in requests per second (for tests and reports).
    pub fn rate_at(&self, i: usize, t: Nanos) -> f64 {
        let r = &self.regions[i];
        let flash: f64 = self
            .windows
            .iter()
            .filter(|w| w.start <= t && t < w.end && w.regions.contains(&i))
            .map(|w| w.multiplier)
            .product();
        r.base * diurnal_factor(r, t) * flash
    }

    /// The next arrival: its time, region and flash-crowd focus.
    #[inline]
    pub fn next(&mut self, rng: &mut Stream) -> (Nanos, u16, Focus) {
        loop {
            let total = self.total;
            if total <= 0.0 {
                // No region has a rate (validation refuses such scenarios): nothing ever
                // arrives, which a time past any run's end says.
                return (Nanos::MAX, 0, Focus::default());
            }
            let gap: f64 = Exp1.sample(rng);
            let at = self.now.saturating_add(secs_to_nanos(gap / total));
            if at >= self.segment_end {
                let edge = self.segment_end;
                self.enter_segment(edge);
                continue;
            }
            self.now = at;
            let pick = rng.random::<f64>() * total;
            let i = self
                .cumulative
                .iter()
                .position(|&c| pick < c)
                .unwrap_or(self.regions.len() - 1);
            let r = &self.regions[i];
            let u = rng.random::<f64>() * r.upper;
            if u < r.lower || u < diurnal_factor(r, at) {
                return (at, i as u16, self.focus[i]);
            }
        }
    }
}

fn diurnal_factor(r: &Region, t: Nanos) -> f64 {
    let hours = t as f64 / (3600 * SEC) as f64 + r.phase_hours;
    1.0 + r.amplitude * (TAU * hours / 24.0).cos()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream;
    use crate::units::Duration;
    use crate::workload::{Diurnal, FlashCrowdSpec};

    fn region(name: &str, share: f64, amplitude: f64) -> RegionSpec {
        RegionSpec {
            name: name.into(),
            lat: 0.0,
            lon: 0.0,
            share,
            traffic: 1.0,
            utc_offset_hours: 0.0,
            last_mile: Duration(0),
            jitter: Duration(0),
            diurnal: Diurnal {
                amplitude,
                peak_hour: 12.0,
            },
            protocols: Default::default(),
            bandwidth_mbps: 50.0,
        }
    }

    fn workload(rate: f64, flash: Vec<FlashCrowdSpec>) -> WorkloadSpec {
        WorkloadSpec {
            rate,
            traffic: 1.0,
            start_hour_utc: 0.0,
            classes: vec![],
            flash_crowds: flash,
            trace: None,
        }
    }

    /// Counts arrivals per region in `[from, to)`.
    fn count(model: &mut RateModel, from: Nanos, to: Nanos, n: usize) -> Vec<u64> {
        let mut rng = stream(3, "arrivals-test");
        let mut counts = vec![0; n];
        loop {
            let (t, r, _) = model.next(&mut rng);
            if t >= to {
                return counts;
            }
            if t >= from {
                counts[r as usize] += 1;
            }
        }
    }

    #[test]
    fn poisson_counts_match_rate_and_shares() {
        let regions = [region("a", 0.25, 0.0), region("b", 0.75, 0.0)];
        let mut m = RateModel::new(&workload(1000.0, vec![]), &regions);
        let counts = count(&mut m, 0, 200 * SEC, 2);
        // 200 000 expected; a Poisson count's sd is about 450, so 1% is over 4 sd.
        let total: u64 = counts.iter().sum();
        assert!((total as f64 / 200_000.0 - 1.0).abs() < 0.01, "{total}");
        assert!(
            (counts[0] as f64 / total as f64 - 0.25).abs() < 0.005,
            "{counts:?}"
        );
    }

    #[test]
    fn traffic_multiplies_one_region_or_all() {
        let mut regions = [region("a", 0.25, 0.0), region("b", 0.75, 0.0)];
        regions[0].traffic = 2.0;
        let mut w = workload(1000.0, vec![]);
        let m = RateModel::new(&w, &regions);
        assert_eq!((m.rate_at(0, 0), m.rate_at(1, 0)), (500.0, 750.0));
        let mut m = RateModel::new(&w, &regions);
        let counts = count(&mut m, 0, 100 * SEC, 2);
        // 50 000 and 75 000 expected; 2% is over 4 standard deviations.
        assert!(
            (counts[0] as f64 / 50_000.0 - 1.0).abs() < 0.02,
            "{counts:?}"
        );
        assert!(
            (counts[1] as f64 / 75_000.0 - 1.0).abs() < 0.02,
            "{counts:?}"
        );
        w.traffic = 3.0;
        let m = RateModel::new(&w, &regions);
        assert_eq!((m.rate_at(0, 0), m.rate_at(1, 0)), (1500.0, 2250.0));
        assert_eq!(w.mean_rate(&regions), 3750.0);
    }

    #[test]
    fn diurnal_curve_peaks_at_the_local_peak_hour() {
        let regions = [region("a", 1.0, 0.5)];
        let mut m = RateModel::new(&workload(100.0, vec![]), &regions);
        let hour = 3600 * SEC;
        assert!((m.rate_at(0, 12 * hour) - 150.0).abs() < 1e-9);
        assert!((m.rate_at(0, 0) - 50.0).abs() < 1e-9);
        // Count an hour around the peak and an hour around the trough.
        let peak = count(&mut m, 11 * hour + hour / 2, 12 * hour + hour / 2, 1)[0] as f64;
        let mut m = RateModel::new(&workload(100.0, vec![]), &regions);
        let trough = count(&mut m, 0, hour / 2, 1)[0] as f64 * 2.0;
        // Mean rates over those hours are about 149.4 and 50.6 per second.
        assert!((peak / 3600.0 / 149.4 - 1.0).abs() < 0.03, "peak {peak}");
        assert!(
            (trough / 3600.0 / 50.6 - 1.0).abs() < 0.05,
            "trough {trough}"
        );
    }

    #[test]
    fn flash_crowd_multiplies_only_its_region_and_window() {
        let regions = [region("a", 0.5, 0.0), region("b", 0.5, 0.0)];
        let crowd = || FlashCrowdSpec {
            start: Duration(100 * SEC),
            duration: Duration(50 * SEC),
            multiplier: 4.0,
            regions: vec!["b".into()],
            top_objects: 10,
        };
        let mut m = RateModel::new(&workload(1000.0, vec![crowd()]), &regions);
        let before = count(&mut m, 50 * SEC, 100 * SEC, 2);
        let mut m = RateModel::new(&workload(1000.0, vec![crowd()]), &regions);
        let during = count(&mut m, 100 * SEC, 150 * SEC, 2);
        assert!(
            (before[1] as f64 / 25_000.0 - 1.0).abs() < 0.03,
            "{before:?}"
        );
        assert!(
            (during[0] as f64 / 25_000.0 - 1.0).abs() < 0.03,
            "{during:?}"
        );
        assert!(
            (during[1] as f64 / 100_000.0 - 1.0).abs() < 0.03,
            "{during:?}"
        );
        m.enter_segment(120 * SEC);
        assert_eq!(
            m.focus[1],
            Focus {
                share: 0.75,
                top: 10
            }
        );
        assert_eq!(m.focus[0], Focus::default());
    }
}
