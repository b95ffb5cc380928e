//! Cache hit ratios against closed-form approximations under the independent reference
//! model: Che's approximation for LRU (Che, Tung and Wang, 2002) and its FIFO counterpart
//! (Martina, Garetto and Leonardi, 2014), fed by the workload's own Zipf sampler.

use edgesim::cache::{BoundedCache, PolicyKind, Sizing};
use edgesim::engine::stream;
use edgesim::protocol::MethodMix;
use edgesim::units::Bytes;
use edgesim::workload::dist::Dist;
use edgesim::workload::{Catalog, ClassSpec, Focus};

const OBJECTS: u64 = 10_000;

fn zipf_probabilities(alpha: f64) -> Vec<f64> {
    let weights: Vec<f64> = (1..=OBJECTS).map(|r| (r as f64).powf(-alpha)).collect();
    let total: f64 = weights.iter().sum();
    weights.iter().map(|w| w / total).collect()
}

/// Solves `Σ occupancy(p_i, T) = capacity` for the characteristic time T by bisection,
/// then returns the request hit ratio `Σ p_i · hit(p_i, T)`.
fn approximation(p: &[f64], capacity: f64, hit: impl Fn(f64, f64) -> f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 1e12);
    for _ in 0..200 {
        let t = (lo + hi) / 2.0;
        if p.iter().map(|&pi| hit(pi, t)).sum::<f64>() < capacity {
            lo = t;
        } else {
            hi = t;
        }
    }
    p.iter().map(|&pi| pi * hit(pi, lo)).sum()
}

fn simulated(kind: PolicyKind, alpha: f64, capacity: u64, requests: u64) -> f64 {
    let class = ClassSpec {
        name: "all".into(),
        prefix: "/".into(),
        share: 1.0,
        objects: OBJECTS,
        zipf_exponent: alpha,
        size: Dist::Constant { value: Bytes(1) },
        max_size: Bytes(1),
        methods: MethodMix::default(),
        suffix: String::new(),
        response: Default::default(),
        request_body: Bytes(0),
        signed: None,
    };
    let catalog = Catalog::new(&[class], 5).unwrap();
    let mut rng = stream(5, "che-test");
    let mut cache = BoundedCache::new(kind, capacity, Sizing::new(capacity, 1, Some(OBJECTS)));
    let mut hits = 0;
    for i in 0..requests * 2 {
        let (_, id) = catalog.draw(&mut rng, Focus::default());
        let hit = cache.access(id).is_some();
        if !hit {
            cache.admit(id, edgesim::cache::Entry::sized(1));
        }
        // The first half warms the cache.
        if hit && i >= requests {
            hits += 1;
        }
    }
    hits as f64 / requests as f64
}

#[test]
fn lru_matches_che_approximation() {
    for (alpha, capacity) in [(0.8, 1000), (1.0, 500)] {
        let p = zipf_probabilities(alpha);
        let che = approximation(&p, capacity as f64, |pi, t| 1.0 - (-pi * t).exp());
        let sim = simulated(PolicyKind::named("lru"), alpha, capacity, 1_000_000);
        assert!(
            (sim - che).abs() < 0.01,
            "alpha {alpha}, C {capacity}: simulated {sim:.4}, Che {che:.4}"
        );
    }
}

#[test]
fn fifo_matches_its_characteristic_time_approximation() {
    for (alpha, capacity) in [(0.8, 1000), (1.0, 500)] {
        let p = zipf_probabilities(alpha);
        let approx = approximation(&p, capacity as f64, |pi, t| pi * t / (1.0 + pi * t));
        let sim = simulated(PolicyKind::named("fifo"), alpha, capacity, 1_000_000);
        assert!(
            (sim - approx).abs() < 0.01,
            "alpha {alpha}, C {capacity}: simulated {sim:.4}, approximation {approx:.4}"
        );
        // FIFO does worse than LRU on the same stream.
        assert!(sim < simulated(PolicyKind::named("lru"), alpha, capacity, 1_000_000));
    }
}
