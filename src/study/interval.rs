//! Means and 95% confidence intervals over replications: Student's t with n − 1 degrees of
//! freedom, `mean ± t(0.975, n−1) × s / √n`, where `s` is the sample standard deviation
//! (divisor n − 1). The quantile comes from statrs, not a table, so any n works.
//!
//! The interval is about the mean over replications of a run-level number (say each run's
//! p99): where that mean would settle with more replications, not a bound on single requests.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// The confidence level of every interval.
pub const LEVEL: f64 = 0.95;

/// The most replications [`needed`] reports; beyond it a target is as good as undecidable.
pub const MAX_NEEDED: usize = 100_000;

/// Mean, standard deviation and 95% interval of one metric at one point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Replications.
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation; `None` for a single value.
    pub sd: Option<f64>,
    /// The interval's ends; `None` for a single value.
    pub ci: Option<(f64, f64)>,
}

/// `t(0.975, df)`: the two-sided 95% quantile of Student's t.
pub fn t_quantile(df: usize) -> f64 {
    let t = StudentsT::new(0.0, 1.0, df as f64).expect("df is at least 1");
    t.inverse_cdf(1.0 - (1.0 - LEVEL) / 2.0)
}

impl Estimate {
    /// The estimate from `values`, which must not be empty.
    pub fn of(values: &[f64]) -> Estimate {
        let n = values.len();
        let mean = values.iter().sum::<f64>() / n as f64;
        if n < 2 {
            return Estimate {
                n,
                mean,
                sd: None,
                ci: None,
            };
        }
        let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
        let sd = (ss / (n - 1) as f64).sqrt();
        let half = t_quantile(n - 1) * sd / (n as f64).sqrt();
        Estimate {
            n,
            mean,
            sd: Some(sd),
            ci: Some((mean - half, mean + half)),
        }
    }
}

/// How many replications would probably put the interval wholly on one side of `target`,
/// if the mean and standard deviation stayed as measured: the smallest m > n with
/// `t(0.975, m−1) × sd / √m < |mean − target|`. `None` when even [`MAX_NEEDED`] would not,
/// or when the mean sits on the target.
pub fn needed(e: &Estimate, target: f64) -> Option<usize> {
    let gap = (e.mean - target).abs();
    let sd = e.sd?;
    if gap == 0.0 {
        return None;
    }
    let decides = |m: usize| t_quantile(m - 1) * sd / (m as f64).sqrt() < gap;
    if !decides(MAX_NEEDED) {
        return None;
    }
    // The half-width falls as m grows, so the first m that decides is found by bisection.
    let (mut lo, mut hi) = (e.n.max(1), MAX_NEEDED);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        match decides(mid) {
            true => hi = mid,
            false => lo = mid,
        }
    }
    Some(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_published_tables() {
        // Student's t, two-sided 95%: 12.706 (1 df), 2.776 (4), 2.131 (15), 1.960 (∞).
        for (df, t) in [(1, 12.706), (4, 2.776), (15, 2.131), (100_000, 1.960)] {
            assert!(
                (t_quantile(df) - t).abs() < 5e-4,
                "df {df}: {}",
                t_quantile(df)
            );
        }
    }

    #[test]
    fn interval_of_a_small_sample() {
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(e.mean, 3.0);
        let sd = e.sd.unwrap();
        assert!((sd - 2.5f64.sqrt()).abs() < 1e-12);
        let (lo, hi) = e.ci.unwrap();
        // 3 ± 2.776 × 1.5811 / √5 = 3 ± 1.963.
        assert!(
            (lo - 1.0368).abs() < 1e-3 && (hi - 4.9632).abs() < 1e-3,
            "{lo} {hi}"
        );
        assert_eq!(Estimate::of(&[7.0]).ci, None);
    }

    #[test]
    fn needed_replications_decide_the_target() {
        let e = Estimate::of(&[9.0, 11.0, 10.0, 12.0, 8.0]);
        // The interval 10 ± 1.96 straddles 9; about 13 replications would clear it.
        let m = needed(&e, 9.0).unwrap();
        let half = |m: usize| t_quantile(m - 1) * e.sd.unwrap() / (m as f64).sqrt();
        assert!(half(m) < 1.0 && half(m - 1) >= 1.0, "{m}");
        assert_eq!(needed(&e, 10.0), None);
    }
}
