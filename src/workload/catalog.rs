//! The object catalog: path classes, Zipf popularity and per-object sizes.
//!
//! Class `k` owns the ids `offset_k .. offset_k + objects_k`; within a class, id
//! `offset_k + r - 1` is the object of popularity rank `r`. A request first picks its
//! class by share, then a rank from the class's Zipf law (rand_distr's sampler: constant
//! time and no table, so tens of millions of objects cost no memory; in single precision
//! for classes of up to 4M objects, where a test checks it against the exact law). An object's size is drawn from the class's distribution by a
//! generator seeded with the object id, so it is the same every time the object is
//! requested and in every run with the same seed.

use super::arrivals::Focus;
use super::dist::Sampler;
use super::response::Response;
use super::{ClassSpec, PATH_BUF};
use crate::cache::ObjectId;
use crate::check::Invalid;
use crate::engine::{stream, Stream};
use crate::protocol::Method;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Zipf};

#[derive(Clone, Debug)]
struct Class {
    prefix: Vec<u8>,
    suffix: Vec<u8>,
    response: Response,
    offset: u64,
    objects: u64,
    popularity: Popularity,
    /// The Zipf exponent and the class's share of all requests (normalised).
    exponent: f64,
    share: f64,
    size: Sampler,
    max_size: u64,
    /// Cumulative method weights in `Method::ALL` order.
    methods: [f64; 7],
    /// The method when the mix has only one, so sampling can be skipped.
    only_method: Option<Method>,
}

/// Classes up to this many objects draw ranks in single precision: the variate then still
/// has a quarter-unit resolution at the largest rank.
const SINGLE_MAX: u64 = 1 << 22;

/// A Zipf sampler of popularity ranks, in single precision for classes small enough.
#[derive(Clone, Debug)]
enum Popularity {
    /// Up to [`SINGLE_MAX`] objects: `powf` in single precision costs a fraction of `pow`
    /// in double, which was a tenth of a run.
    Single(Zipf<f32>),
    /// More objects.
    Double(Zipf<f64>),
}

impl Popularity {
    fn new(objects: u64, exponent: f64) -> Result<Self, rand_distr::ZipfError> {
        Ok(if objects <= SINGLE_MAX {
            Popularity::Single(Zipf::new(objects as f32, exponent as f32)?)
        } else {
            Popularity::Double(Zipf::new(objects as f64, exponent)?)
        })
    }

    /// A 0-based rank below `objects`.
    #[inline]
    fn rank0(&self, rng: &mut Stream, objects: u64) -> u64 {
        // Zipf yields 1..=n as a float; the casts are exact (validated below 2^53).
        let rank = match self {
            Popularity::Single(z) => z.sample(rng) as u64,
            Popularity::Double(z) => z.sample(rng) as u64,
        };
        (rank - 1).min(objects - 1)
    }
}

/// A class's popularity in closed form: object `first + r - 1` is requested with
/// probability `share * r^-exponent / H(objects, exponent)` per request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Law {
    /// The id of its most popular object.
    pub first: ObjectId,
    /// How many objects it has.
    pub objects: u64,
    /// The Zipf exponent.
    pub exponent: f64,
    /// Its share of all requests, 0 to 1.
    pub share: f64,
    /// The shares of its requests that are GETs and HEADs.
    pub get: f64,
    pub head: f64,
}

/// All objects clients can request.
#[derive(Clone, Debug)]
pub struct Catalog {
    classes: Vec<Class>,
    /// Cumulative class shares.
    shares: Vec<f64>,
    size_seed: u64,
    mean_size: u64,
    /// Object sizes by id, when the objects come from a trace.
    trace_sizes: Option<Vec<u64>>,
}

impl Catalog {
    /// The catalog of `specs`, the workload's classes; an error names the class's setting
    /// that cannot be drawn from.
    pub fn new(specs: &[ClassSpec], seed: u64) -> Result<Self, Invalid> {
        let mut offset = 0;
        let mut cumulative = 0.0;
        let mut shares = Vec::with_capacity(specs.len());
        // A heavy tail without a mean still needs a typical size; its scale will do.
        let typical = |c: &ClassSpec| {
            c.size
                .mean()
                .unwrap_or_else(|| c.size.scale())
                .min(c.max_size.0 as f64)
        };
        let mean_size = specs
            .iter()
            .map(|c| c.share * typical(c))
            .sum::<f64>()
            .max(1.0) as u64;
        let classes = specs
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let path = format!("workload.classes[{i}]");
                cumulative += c.share;
                shares.push(cumulative);
                let weights = c.methods.weights();
                let mut methods = [0.0; 7];
                let mut acc = 0.0;
                for (slot, w) in methods.iter_mut().zip(weights) {
                    acc += w;
                    *slot = acc;
                }
                let nonzero: Vec<_> = Method::ALL
                    .iter()
                    .zip(weights)
                    .filter(|(_, w)| *w > 0.0)
                    .collect();
                let class = Class {
                    prefix: c.prefix.as_bytes().to_vec(),
                    suffix: c.suffix.as_bytes().to_vec(),
                    response: c.response.resolve(&path)?,
                    offset,
                    objects: c.objects,
                    popularity: Popularity::new(c.objects, c.zipf_exponent).map_err(|e| {
                        Invalid {
                            path: format!("{path}.zipf_exponent"),
                            message: e.to_string(),
                        }
                    })?,
                    exponent: c.zipf_exponent,
                    share: c.share,
                    size: c.size.sampler(&format!("{path}.size"))?,
                    max_size: c.max_size.0,
                    methods,
                    only_method: (nonzero.len() == 1).then(|| *nonzero[0].0),
                };
                offset += c.objects;
                Ok(class)
            })
            .collect::<Result<_, Invalid>>()?;
        Ok(Catalog {
            classes,
            shares,
            size_seed: stream(seed, "workload/sizes").random(),
            mean_size,
            trace_sizes: None,
        })
    }

    /// Makes the catalog a trace's: class `k` holds the objects whose sizes are
    /// `sizes[k]` (at least one, so every class has a path), numbered class after class.
    /// Returns each class's first object id.
    pub fn take_trace_objects(&mut self, sizes: &[Vec<u64>]) -> Vec<u64> {
        let mut offset = 0;
        let mut all = Vec::with_capacity(sizes.iter().map(Vec::len).sum());
        let mut offsets = Vec::with_capacity(self.classes.len());
        for (class, own) in self.classes.iter_mut().zip(sizes) {
            class.offset = offset;
            class.objects = own.len().max(1) as u64;
            all.extend_from_slice(own);
            if own.is_empty() {
                all.push(1);
            }
            offsets.push(offset);
            offset += class.objects;
        }
        self.mean_size = (all.iter().sum::<u64>() / all.len().max(1) as u64).max(1);
        self.trace_sizes = Some(all);
        offsets
    }

    /// The mean object size over requests, roughly; it sizes cache indexes up front.
    pub fn mean_size_hint(&self) -> u64 {
        self.mean_size
    }

    /// Total number of objects.
    pub fn objects(&self) -> u64 {
        self.classes.last().map_or(0, |c| c.offset + c.objects)
    }

    /// Picks a class and an object for one request.
    #[inline]
    pub fn draw(&self, rng: &mut Stream, focus: Focus) -> (u16, ObjectId) {
        let pick = rng.random::<f64>() * self.shares[self.shares.len() - 1];
        let k = self
            .shares
            .iter()
            .position(|&s| pick < s)
            .unwrap_or(self.shares.len() - 1);
        let class = &self.classes[k];
        let rank0 = if focus.share > 0.0 && rng.random::<f64>() < focus.share {
            rng.random_range(0..focus.top.min(class.objects))
        } else {
            class.popularity.rank0(rng, class.objects)
        };
        (k as u16, class.offset + rank0)
    }

    /// Picks a request method for class `k`.
    #[inline]
    pub fn method(&self, k: u16, rng: &mut Stream) -> Method {
        let class = &self.classes[k as usize];
        if let Some(m) = class.only_method {
            return m;
        }
        let pick = rng.random::<f64>() * class.methods[6];
        let i = class.methods.iter().position(|&c| pick < c).unwrap_or(6);
        Method::ALL[i]
    }

    /// The size of `object` in class `k`: the same on every call.
    #[inline]
    pub fn size_of(&self, k: u16, object: ObjectId) -> u64 {
        if let Some(sizes) = &self.trace_sizes {
            return sizes[object as usize];
        }
        let class = &self.classes[k as usize];
        let mut rng = Stream::seed_from_u64(self.size_seed ^ object);
        class.size.sample(&mut rng).clamp(1, class.max_size)
    }

    /// The origin response model of class `k`.
    #[inline]
    pub fn response(&self, k: u16) -> &Response {
        &self.classes[k as usize].response
    }

    /// The popularity law of class `k`, for models that need it in closed form.
    pub fn law(&self, k: u16) -> Law {
        let class = &self.classes[k as usize];
        let total = self.shares[self.shares.len() - 1];
        let m = &class.methods;
        Law {
            first: class.offset,
            objects: class.objects,
            exponent: class.exponent,
            share: class.share / total,
            get: m[0] / m[6],
            head: (m[1] - m[0]) / m[6],
        }
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.classes.len()
    }

    /// Writes the URL path of `object` of class `k` into `buf`: prefix, 1-based
    /// popularity rank, suffix. Allocates nothing.
    pub fn write_path<'b>(
        &self,
        k: u16,
        object: ObjectId,
        buf: &'b mut [u8; PATH_BUF],
    ) -> &'b [u8] {
        let class = &self.classes[k as usize];
        let rank = self.rank(k, object);
        let mut digits = [0u8; 20];
        let n = write_digits(rank, &mut digits);
        let parts: [&[u8]; 3] = [&class.prefix, &digits[20 - n..], &class.suffix];
        let mut len = 0;
        for part in parts {
            buf[len..len + part.len()].copy_from_slice(part);
            len += part.len();
        }
        &buf[..len]
    }

    /// The path of the first object of class `k` whose rank has `digits` digits; every
    /// such path matches the same behaviors unless a pattern contains a digit.
    pub fn sample_path<'b>(&self, k: u16, digits: u32, buf: &'b mut [u8; PATH_BUF]) -> &'b [u8] {
        let class = &self.classes[k as usize];
        self.write_path(k, class.offset + 10u64.pow(digits - 1) - 1, buf)
    }

    /// The 1-based popularity rank of `object` within class `k`.
    #[inline]
    pub fn rank(&self, k: u16, object: ObjectId) -> u64 {
        object - self.classes[k as usize].offset + 1
    }

    /// How many digits the largest rank of class `k` has.
    pub fn max_digits(&self, k: u16) -> u32 {
        self.classes[k as usize].objects.ilog10() + 1
    }

    /// The object ids of class `k`.
    pub fn objects_of(&self, k: u16) -> std::ops::Range<ObjectId> {
        let c = &self.classes[k as usize];
        c.offset..c.offset + c.objects
    }

    /// The class that owns `object`.
    pub fn class_of(&self, object: ObjectId) -> Option<u16> {
        self.classes
            .iter()
            .position(|c| (c.offset..c.offset + c.objects).contains(&object))
            .map(|k| k as u16)
    }
}

/// Writes `n` in decimal at the end of `out`; returns how many digits it used.
fn write_digits(mut n: u64, out: &mut [u8; 20]) -> usize {
    let mut i = out.len();
    loop {
        i -= 1;
        out[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return out.len() - i;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::MethodMix;
    use crate::units::Bytes;
    use crate::workload::dist::Dist;

    fn class(name: &str, share: f64, objects: u64, s: f64) -> ClassSpec {
        ClassSpec {
            name: name.into(),
            prefix: format!("/{name}/"),
            share,
            objects,
            zipf_exponent: s,
            size: Dist::Lognormal {
                median: Bytes(10_000),
                sigma: 1.0,
            },
            max_size: Bytes(1 << 30),
            methods: MethodMix {
                get: 0.9,
                head: 0.1,
                ..MethodMix::default()
            },
            suffix: ".jpg".into(),
            response: Default::default(),
            request_body: Bytes(0),
            signed: None,
        }
    }

    #[test]
    fn paths_are_prefix_rank_suffix() {
        let cat = Catalog::new(&[class("a", 0.5, 1000, 0.8), class("b", 0.5, 20, 0.8)], 1).unwrap();
        let mut buf = [0u8; PATH_BUF];
        assert_eq!(cat.write_path(0, 0, &mut buf), b"/a/1.jpg");
        assert_eq!(cat.write_path(0, 999, &mut buf), b"/a/1000.jpg");
        assert_eq!(cat.write_path(1, 1000, &mut buf), b"/b/1.jpg");
        assert_eq!(cat.max_digits(0), 4);
        assert_eq!(cat.sample_path(0, 3, &mut buf), b"/a/100.jpg");
    }

    #[test]
    fn classes_get_their_share_and_own_disjoint_ids() {
        let cat =
            Catalog::new(&[class("a", 0.6, 1000, 0.8), class("b", 0.4, 500, 0.8)], 1).unwrap();
        let mut rng = stream(1, "t");
        let mut per_class = [0u64; 2];
        for _ in 0..100_000 {
            let (k, id) = cat.draw(&mut rng, Focus::default());
            per_class[k as usize] += 1;
            assert_eq!(cat.class_of(id), Some(k));
        }
        assert!(
            (per_class[0] as f64 / 100_000.0 - 0.6).abs() < 0.01,
            "{per_class:?}"
        );
        assert_eq!(cat.objects(), 1500);
    }

    #[test]
    fn popularity_follows_zipf() {
        // With exponent 1 the top object is requested twice as often as the second.
        let cat = Catalog::new(&[class("a", 1.0, 10_000, 1.0)], 1).unwrap();
        let mut rng = stream(2, "t");
        let mut counts = [0u64; 3];
        for _ in 0..400_000 {
            let (_, id) = cat.draw(&mut rng, Focus::default());
            if id < 3 {
                counts[id as usize] += 1;
            }
        }
        let ratio = counts[0] as f64 / counts[1] as f64;
        assert!((ratio - 2.0).abs() < 0.1, "{counts:?}");
        let ratio = counts[0] as f64 / counts[2] as f64;
        assert!((ratio - 3.0).abs() < 0.15, "{counts:?}");
    }

    #[test]
    fn sizes_are_a_fixed_function_of_the_object_and_seed() {
        let a = Catalog::new(&[class("a", 1.0, 1000, 0.8)], 7).unwrap();
        let b = Catalog::new(&[class("a", 1.0, 1000, 0.8)], 7).unwrap();
        let sizes: Vec<u64> = (0..1000).map(|id| a.size_of(0, id)).collect();
        assert!((0..1000).all(|id| b.size_of(0, id) == sizes[id as usize]));
        let mut sorted = sizes.clone();
        sorted.sort_unstable();
        let median = sorted[500] as f64;
        assert!((median / 10_000.0 - 1.0).abs() < 0.15, "median {median}");
        let c = Catalog::new(&[class("a", 1.0, 1000, 0.8)], 8).unwrap();
        assert!((0..1000).any(|id| c.size_of(0, id) != sizes[id as usize]));
    }

    #[test]
    fn focus_sends_the_crowd_to_the_top_objects() {
        let cat = Catalog::new(&[class("a", 1.0, 1_000_000, 0.0)], 1).unwrap();
        let mut rng = stream(3, "t");
        let focus = Focus {
            share: 0.5,
            top: 10,
        };
        let in_top = (0..10_000)
            .filter(|_| cat.draw(&mut rng, focus).1 < 10)
            .count();
        assert!((in_top as f64 / 10_000.0 - 0.5).abs() < 0.02, "{in_top}");
    }

    #[test]
    fn methods_follow_the_mix() {
        let cat = Catalog::new(&[class("a", 1.0, 10, 0.8)], 1).unwrap();
        let mut rng = stream(4, "t");
        let heads = (0..50_000)
            .filter(|_| cat.method(0, &mut rng) == Method::Head)
            .count();
        assert!((heads as f64 / 50_000.0 - 0.1).abs() < 0.01, "{heads}");
    }

    /// The single-precision sampler at its largest class still follows Zipf's law: the
    /// mass of rank bins from the head to the tail matches the exact probabilities
    /// within four standard errors.
    #[test]
    fn single_precision_ranks_follow_the_exact_law_at_the_largest_class() {
        let (n, s) = (SINGLE_MAX, 0.8);
        let p = Popularity::new(n, s).unwrap();
        assert!(matches!(p, Popularity::Single(_)));
        let bounds = [1, 2, 11, 1_001, 100_001, n / 2 + 1, n + 1];
        let weight = |k: u64| (k as f64).powf(-s);
        let total: f64 = (1..=n).map(weight).sum();
        let exact: Vec<f64> = bounds
            .windows(2)
            .map(|w| (w[0]..w[1]).map(weight).sum::<f64>() / total)
            .collect();
        let draws = 2_000_000;
        let mut seen = vec![0u64; exact.len()];
        let mut rng = stream(5, "zipf-test");
        for _ in 0..draws {
            let rank = p.rank0(&mut rng, n) + 1;
            seen[bounds.windows(2).position(|w| rank < w[1]).unwrap()] += 1;
        }
        for (i, (&got, &want)) in seen.iter().zip(&exact).enumerate() {
            let sd = (want * (1.0 - want) / draws as f64).sqrt();
            let share = got as f64 / draws as f64;
            assert!(
                (share - want).abs() < 4.0 * sd,
                "bin {i}: {share} vs {want}"
            );
        }
    }
}
