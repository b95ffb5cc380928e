//! What an origin sends back for a path class: caching headers, validators, and how
//! often the content changes.
//!
//! Changes to an object form a Poisson process of rate `1 / change_interval`. The process
//! is stateless and exact: time is cut into epochs of one mean interval, and the number
//! and positions of changes in each epoch are drawn from a generator seeded with the
//! object and the epoch, so `last_change(object, t)` is the same whenever it is asked.
//! A revalidation finds the copy current (304) when no change happened since the copy's
//! `Last-Modified`.

use crate::behavior::ttl::CacheControl;
use crate::check::{self, Checked};
use crate::engine::Stream;
use crate::units::{Duration, Nanos};
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// A path class's origin response, as the scenario writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    /// The `Cache-Control` header, e.g. `"public, max-age=86400"`; empty for none.
    #[serde(default)]
    pub cache_control: String,
    /// An `Expires` header this long after the response; absent for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Duration>,
    /// Whether responses carry validators (ETag, Last-Modified), so an expired copy can
    /// be revalidated with a conditional request.
    #[serde(default = "yes")]
    pub validators: bool,
    /// Mean time between changes of an object; absent means objects never change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_interval: Option<Duration>,
}

fn yes() -> bool {
    true
}

impl Default for ResponseSpec {
    fn default() -> Self {
        ResponseSpec {
            cache_control: String::new(),
            expires: None,
            validators: true,
            change_interval: None,
        }
    }
}

/// A response model ready for the edge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Response {
    /// Parsed `Cache-Control`.
    pub cache_control: CacheControl,
    /// `Expires` offset in seconds.
    pub expires: Option<u64>,
    /// Validators present.
    pub validators: bool,
    /// Mean nanoseconds between changes; 0 for never.
    change_interval: Nanos,
}

impl ResponseSpec {
    /// Checks the spec at `path` and resolves it.
    pub fn resolve(&self, path: &str) -> Result<Response, check::Invalid> {
        let cache_control =
            CacheControl::parse(&self.cache_control).map_err(|message| check::Invalid {
                path: format!("{path}.cache_control"),
                message: message.to_string(),
            })?;
        if let Some(i) = self.change_interval {
            positive_duration(&format!("{path}.change_interval"), i)?;
        }
        Ok(Response {
            cache_control,
            expires: self.expires.map(|e| e.0 / crate::units::SEC),
            validators: self.validators,
            change_interval: self.change_interval.map_or(0, |d| d.0),
        })
    }
}

fn positive_duration(path: &str, d: Duration) -> Checked {
    check::ensure(
        d.0 > 0,
        || path.into(),
        || "must be longer than zero".into(),
    )
}

impl Response {
    /// When `object` last changed at or before `t`; 0 when it never has. `seed` keeps
    /// runs with different seeds independent.
    #[inline]
    pub fn last_change(&self, object: u64, t: Nanos, seed: u64) -> Nanos {
        let interval = self.change_interval;
        if interval == 0 {
            return 0;
        }
        let mut epoch = t / interval;
        loop {
            let start = epoch * interval;
            let latest = changes_in_epoch(seed, object, epoch)
                .map(|u| start + (u * interval as f64) as Nanos)
                .filter(|&c| c <= t)
                .max();
            if let Some(c) = latest {
                return c;
            }
            if epoch == 0 {
                return 0;
            }
            epoch -= 1;
        }
    }
}

/// Positions (as fractions of the epoch) of the changes in one epoch: a Poisson(1) count
/// of uniform points.
fn changes_in_epoch(seed: u64, object: u64, epoch: u64) -> impl Iterator<Item = f64> {
    let key = seed
        ^ object.wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ^ epoch.wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
    let mut rng = Stream::seed_from_u64(key);
    // Inverse-CDF draw of a Poisson(1) count.
    let u: f64 = rng.random();
    let (mut n, mut p, mut cdf) = (0u32, (-1.0f64).exp(), (-1.0f64).exp());
    while u > cdf && n < 20 {
        n += 1;
        p /= f64::from(n);
        cdf += p;
    }
    (0..n).map(move |_| rng.random::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::SEC;

    fn changing(every: Nanos) -> Response {
        ResponseSpec {
            change_interval: Some(Duration(every)),
            ..ResponseSpec::default()
        }
        .resolve("r")
        .unwrap()
    }

    #[test]
    fn never_changing_objects_keep_version_zero() {
        let r = ResponseSpec::default().resolve("r").unwrap();
        assert_eq!(r.last_change(5, 1_000 * SEC, 1), 0);
        assert!(r.validators);
    }

    #[test]
    fn last_change_is_stable_and_never_in_the_future() {
        let r = changing(10 * SEC);
        for t in [0, 5 * SEC, 95 * SEC, 1_000 * SEC] {
            let c = r.last_change(7, t, 1);
            assert!(c <= t);
            assert_eq!(c, r.last_change(7, t, 1));
            // Nothing changed between the last change and t.
            assert_eq!(r.last_change(7, c, 1), c);
        }
    }

    #[test]
    fn changes_follow_a_poisson_process() {
        // P(no change in a window of length w) = exp(-w / interval).
        let r = changing(10 * SEC);
        let w = 5 * SEC;
        let trials = 20_000u64;
        let unchanged = (0..trials)
            .filter(|&obj| {
                let t0 = 1_000 * SEC + obj * 7_919_000;
                r.last_change(obj, t0 + w, 3) <= t0
            })
            .count();
        let expected = (-0.5f64).exp();
        let got = unchanged as f64 / trials as f64;
        assert!((got - expected).abs() < 0.015, "{got} vs {expected}");
    }

    #[test]
    fn bad_headers_name_their_key() {
        let spec = ResponseSpec {
            cache_control: "max-age=soon".into(),
            ..ResponseSpec::default()
        };
        let e = spec.resolve("workload.classes[1].response").unwrap_err();
        assert_eq!(e.path, "workload.classes[1].response.cache_control");
    }
}
