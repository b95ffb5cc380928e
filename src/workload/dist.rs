//! Distributions of sizes and times as scenario files write them, and their samplers.
//!
//! One enum serves both object sizes (in bytes) and service times (in nanoseconds), so a
//! new distribution is added once for both.

use crate::check::Invalid;
use crate::units::{Bytes, Duration};
use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal, Pareto};
use serde::{Deserialize, Serialize};

/// A quantity a distribution can describe: it converts to and from a base-unit `f64`.
pub trait Quantity: Copy {
    /// The value in base units (bytes or nanoseconds).
    fn base(self) -> f64;
}

impl Quantity for Bytes {
    fn base(self) -> f64 {
        self.0 as f64
    }
}

impl Quantity for Duration {
    fn base(self) -> f64 {
        self.0 as f64
    }
}

/// A distribution of a size or a time, tagged by `dist` in scenario files.
///
/// It is read through [`RawDist`], a plain struct, rather than as an internally tagged
/// enum: serde buffers tagged content, which would hide the key path of a bad value
/// (`origins[0].service.mean`) from error messages.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "dist",
    rename_all = "lowercase",
    try_from = "RawDist<Q>",
    bound(deserialize = "Q: Deserialize<'de> + Quantity")
)]
pub enum Dist<Q> {
    /// Always `value`.
    Constant {
        /// The one value.
        value: Q,
    },
    /// Exponential with the given mean (memoryless; the M in M/M/c).
    Exponential {
        /// The mean.
        mean: Q,
    },
    /// Lognormal: `median × e^(sigma·Z)` for standard normal Z.
    Lognormal {
        /// The median, `e^mu`.
        median: Q,
        /// The standard deviation of the logarithm.
        sigma: f64,
    },
    /// Pareto (type I): heavy-tailed, at least `min`, tail index `alpha`.
    Pareto {
        /// The scale: the smallest value.
        min: Q,
        /// The shape: smaller is heavier; the mean is infinite for `alpha <= 1`.
        alpha: f64,
    },
}

/// Which distribution a [`RawDist`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DistKind {
    /// [`Dist::Constant`].
    Constant,
    /// [`Dist::Exponential`].
    Exponential,
    /// [`Dist::Lognormal`].
    Lognormal,
    /// [`Dist::Pareto`].
    Pareto,
}

/// A distribution as written: the kind and every parameter any kind takes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist<Q> {
    dist: DistKind,
    value: Option<Q>,
    mean: Option<Q>,
    median: Option<Q>,
    sigma: Option<f64>,
    min: Option<Q>,
    alpha: Option<f64>,
}

impl<Q: Quantity> TryFrom<RawDist<Q>> for Dist<Q> {
    type Error = String;

    fn try_from(r: RawDist<Q>) -> Result<Self, String> {
        let given = [
            ("value", r.value.is_some()),
            ("mean", r.mean.is_some()),
            ("median", r.median.is_some()),
            ("sigma", r.sigma.is_some()),
            ("min", r.min.is_some()),
            ("alpha", r.alpha.is_some()),
        ];
        let (name, wanted): (&str, &[&str]) = match r.dist {
            DistKind::Constant => ("constant", &["value"]),
            DistKind::Exponential => ("exponential", &["mean"]),
            DistKind::Lognormal => ("lognormal", &["median", "sigma"]),
            DistKind::Pareto => ("pareto", &["min", "alpha"]),
        };
        let takes = wanted
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        for (key, present) in given {
            if present != wanted.contains(&key) {
                let problem = if present {
                    "does not apply"
                } else {
                    "is missing"
                };
                return Err(format!(
                    "`{key}` {problem}: dist = \"{name}\" takes {takes}"
                ));
            }
        }
        let missing = "checked above";
        Ok(match r.dist {
            DistKind::Constant => Dist::Constant {
                value: r.value.expect(missing),
            },
            DistKind::Exponential => Dist::Exponential {
                mean: r.mean.expect(missing),
            },
            DistKind::Lognormal => Dist::Lognormal {
                median: r.median.expect(missing),
                sigma: r.sigma.expect(missing),
            },
            DistKind::Pareto => Dist::Pareto {
                min: r.min.expect(missing),
                alpha: r.alpha.expect(missing),
            },
        })
    }
}

impl<Q: Quantity> Dist<Q> {
    /// Why these parameters are unusable, if they are.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let positive = |name: &'static str, v: f64| {
            (v.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater))
                .then(|| (name, format!("must be greater than zero, got {v}")))
        };
        match *self {
            Dist::Constant { value } => positive("value", value.base()),
            Dist::Exponential { mean } => positive("mean", mean.base()),
            Dist::Lognormal { median, sigma } => positive("median", median.base()).or_else(|| {
                (!(0.0..=10.0).contains(&sigma))
                    .then(|| ("sigma", format!("must be between 0 and 10, got {sigma}")))
            }),
            Dist::Pareto { min, alpha } => positive("min", min.base()).or_else(|| {
                (!(alpha > 0.0 && alpha.is_finite()))
                    .then(|| ("alpha", format!("must be greater than zero, got {alpha}")))
            }),
        }
    }

    /// The mean in base units, or `None` when it is infinite (Pareto with alpha <= 1).
    pub fn mean(&self) -> Option<f64> {
        match *self {
            Dist::Constant { value } => Some(value.base()),
            Dist::Exponential { mean } => Some(mean.base()),
            Dist::Lognormal { median, sigma } => Some(median.base() * (sigma * sigma / 2.0).exp()),
            Dist::Pareto { min, alpha } => {
                (alpha > 1.0).then(|| alpha * min.base() / (alpha - 1.0))
            }
        }
    }

    /// The distribution's scale parameter in base units: its value, mean, median or minimum.
    pub fn scale(&self) -> f64 {
        match *self {
            Dist::Constant { value: q } | Dist::Exponential { mean: q } => q.base(),
            Dist::Lognormal { median: q, .. } | Dist::Pareto { min: q, .. } => q.base(),
        }
    }

    /// A sampler, or why the parameters (at key path `path`) are unusable.
    pub fn sampler(&self, path: &str) -> Result<Sampler, Invalid> {
        let invalid = |key: &str, message: String| Invalid {
            path: format!("{path}.{key}"),
            message,
        };
        if let Some((key, message)) = self.problem() {
            return Err(invalid(key, message));
        }
        Ok(match *self {
            Dist::Constant { value } => Sampler::Constant(value.base()),
            Dist::Exponential { mean } => Sampler::Exponential(
                Exp::new(1.0 / mean.base()).map_err(|e| invalid("mean", e.to_string()))?,
            ),
            Dist::Lognormal { median, sigma } => Sampler::Lognormal(
                LogNormal::new(median.base().ln(), sigma)
                    .map_err(|e| invalid("sigma", e.to_string()))?,
            ),
            Dist::Pareto { min, alpha } => Sampler::Pareto(
                Pareto::new(min.base(), alpha).map_err(|e| invalid("alpha", e.to_string()))?,
            ),
        })
    }
}

/// A ready-to-draw distribution in base units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sampler {
    /// Always this value.
    Constant(f64),
    /// Exponential.
    Exponential(Exp<f64>),
    /// Lognormal.
    Lognormal(LogNormal<f64>),
    /// Pareto.
    Pareto(Pareto<f64>),
}

impl Sampler {
    /// Draws one value in base units, rounded to a whole unit.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        let v = match self {
            Sampler::Constant(v) => *v,
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::Lognormal(d) => d.sample(rng),
            Sampler::Pareto(d) => d.sample(rng),
        };
        // Saturates, so an extreme Pareto draw becomes u64::MAX rather than wrapping.
        crate::units::round_to_u64(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream;

    fn sample_mean(d: Dist<Duration>, n: usize) -> f64 {
        let s = d.sampler("d").unwrap();
        let mut rng = stream(1, "dist-test");
        (0..n).map(|_| s.sample(&mut rng) as f64).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_the_closed_form_means() {
        let cases = [
            Dist::Exponential {
                mean: Duration(1_000_000),
            },
            Dist::Lognormal {
                median: Duration(1_000_000),
                sigma: 0.5,
            },
            Dist::Pareto {
                min: Duration(1_000_000),
                alpha: 3.0,
            },
            Dist::Constant { value: Duration(5) },
        ];
        for d in cases {
            let want = d.mean().unwrap();
            let got = sample_mean(d, 200_000);
            assert!(
                (got / want - 1.0).abs() < 0.02,
                "{d:?}: mean {got}, want {want}"
            );
        }
    }

    fn parse(text: &str) -> Result<Dist<Bytes>, String> {
        #[derive(Deserialize)]
        struct Doc {
            size: Dist<Bytes>,
        }
        toml::from_str::<Doc>(text)
            .map(|d| d.size)
            .map_err(|e| e.message().to_string())
    }

    #[test]
    fn every_kind_reads_and_writes_its_own_keys() {
        let cases = [
            (
                "size = { dist = \"constant\", value = \"1KiB\" }",
                Dist::Constant { value: Bytes(1024) },
            ),
            (
                "size = { dist = \"exponential\", mean = \"2KiB\" }",
                Dist::Exponential { mean: Bytes(2048) },
            ),
            (
                "size = { dist = \"lognormal\", median = \"1KiB\", sigma = 0.5 }",
                Dist::Lognormal {
                    median: Bytes(1024),
                    sigma: 0.5,
                },
            ),
            (
                "size = { dist = \"pareto\", min = \"1KiB\", alpha = 1.5 }",
                Dist::Pareto {
                    min: Bytes(1024),
                    alpha: 1.5,
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text), Ok(want));
            #[derive(Serialize)]
            struct Doc {
                size: Dist<Bytes>,
            }
            let written = toml::to_string(&Doc { size: want }).unwrap();
            assert_eq!(parse(&written), Ok(want), "{written}");
        }
    }

    #[test]
    fn missing_and_foreign_keys_say_what_the_kind_takes() {
        let e = parse("size = { dist = \"lognormal\", median = \"1KiB\" }").unwrap_err();
        assert_eq!(
            e,
            "`sigma` is missing: dist = \"lognormal\" takes `median` and `sigma`"
        );
        let e =
            parse("size = { dist = \"exponential\", mean = \"1KiB\", sigma = 1.0 }").unwrap_err();
        assert_eq!(
            e,
            "`sigma` does not apply: dist = \"exponential\" takes `mean`"
        );
        let e = parse("size = { dist = \"gamma\", mean = \"1KiB\" }").unwrap_err();
        assert!(e.contains("unknown variant `gamma`"), "{e}");
        let e = parse("size = { dist = \"constant\", value = \"1KiB\", shape = 2 }").unwrap_err();
        assert!(e.contains("unknown field `shape`"), "{e}");
    }

    #[test]
    fn bad_parameters_are_named() {
        let d: Dist<Bytes> = Dist::Lognormal {
            median: Bytes(10),
            sigma: -1.0,
        };
        assert_eq!(d.problem().unwrap().0, "sigma");
        let d: Dist<Bytes> = Dist::Exponential { mean: Bytes(0) };
        assert_eq!(d.problem().unwrap().0, "mean");
        assert_eq!(
            Dist::Pareto {
                min: Bytes(1),
                alpha: 1.0
            }
            .mean(),
            None
        );
    }
}
