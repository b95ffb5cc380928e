//! A seeded mutation fuzzer over the shipped scenarios: each mutant changes one to three
//! settings to values chosen to break things (extremes, NaN, wrong units, empty text), and
//! must either be refused at load with a one-line error or run to the end with every
//! reported number inside its range. Runs are cut to a few thousand requests with no
//! warm-up and, but for one in a hundred, empty caches at the start, so the whole suite
//! takes seconds; the run-length keys themselves are covered by `validation.rs`, since the
//! cut overrides them.

use edgesim::scenario::{load_str, Overrides};
use edgesim::sim::{run, Quiet};
use edgesim::units::{Bytes, Duration};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use std::panic::{catch_unwind, AssertUnwindSafe};
use toml::Value;

/// Mutants per shipped scenario: seven scenarios, 3,500 mutants in all.
const MUTANTS: usize = 500;
/// Requests each mutant that loads is run for.
const REQUESTS: u64 = 2_000;

/// Keys the cut sets, which a mutation would not survive.
const CUT: &[&str] = &["duration", "requests", "warmup"];

/// Every scalar of `v` with its `--set` key path.
fn leaves(v: &Value, path: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Table(t) => {
            for (k, child) in t {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                leaves(child, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                leaves(child, &format!("{path}[{i}]"), out);
            }
        }
        scalar => {
            if !CUT.contains(&path) {
                out.push((path.to_string(), scalar.clone()));
            }
        }
    }
}

fn pick<'a, T>(rng: &mut Pcg64, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// A hostile replacement for `v`, written as the right-hand side of `--set`.
fn mutate(rng: &mut Pcg64, v: &Value) -> String {
    match v {
        Value::Integer(i) => {
            let i = *i;
            let options = [
                0,
                -1,
                1,
                i64::MAX,
                i64::MIN,
                i.saturating_mul(1000),
                i / 1000,
                i + 1,
            ];
            pick(rng, &options).to_string()
        }
        Value::Float(f) => {
            let options = [
                "0.0".to_string(),
                "-1.0".into(),
                "1e300".into(),
                "-1e300".into(),
                "1e-300".into(),
                "nan".into(),
                "inf".into(),
                "-inf".into(),
                format!("{:e}", f * 1e6),
                format!("{:e}", f * 1e-6),
                format!("{}", rng.random::<f64>()),
                "\"1.0\"".into(),
            ];
            pick(rng, &options).clone()
        }
        Value::String(s) if Duration::parse(s).is_some() => {
            let options = [
                "0s",
                "1ns",
                "1ms",
                "100000d",
                "100000000d",
                "-5s",
                "1e3s",
                "",
                "\"\"",
                "10",
                "999999999999999999999ns",
            ];
            pick(rng, &options).to_string()
        }
        Value::String(s) if Bytes::parse(s).is_some() => {
            let options = [
                "0B",
                "1B",
                "17179869184GiB",
                "1TiB",
                "16384TiB",
                "-1KiB",
                "12XB",
                "1",
            ];
            pick(rng, &options).to_string()
        }
        Value::String(_) => {
            let long = "x".repeat(10_000);
            let options = [
                "",
                "x",
                "ä€\u{0}",
                "../..",
                "K9",
                "lru",
                "all",
                "GET",
                &long,
            ];
            format!("\"{}\"", pick(rng, &options).replace('\0', "\\u0000"))
        }
        Value::Boolean(b) => pick(rng, &[(!b).to_string(), "\"yes\"".into(), "1".into()]).clone(),
        _ => "0".into(),
    }
}

/// Runs `MUTANTS` mutants of `text`; returns (refused, ran).
fn fuzz(name: &str, text: &str, seed: u64) -> (usize, usize) {
    let doc: Value = toml::from_str(text).unwrap();
    let mut candidates = Vec::new();
    leaves(&doc, "", &mut candidates);
    let mut rng = Pcg64::seed_from_u64(seed);
    let (mut refused, mut ran) = (0, 0);
    for m in 0..MUTANTS {
        let n = rng.random_range(1..=3);
        let mut sets: Vec<String> = (0..n)
            .map(|_| {
                let (path, v) = pick(&mut rng, &candidates).clone();
                format!("{path}={}", mutate(&mut rng, &v))
            })
            .collect();
        sets.push("warmup=0".into());
        // A prefill draws for every object of the catalog (a million in the default), which
        // would dwarf a 2,000-request run: one mutant in a hundred keeps it.
        if m % 100 != 0 {
            sets.push("caching.prefill=empty".into());
        }
        let overrides = Overrides {
            sets: sets.clone(),
            requests: Some(REQUESTS),
            ..Overrides::default()
        };
        let loaded = catch_unwind(|| load_str(text, name, &overrides));
        let Ok(loaded) = loaded else {
            panic!("{name} mutant {m}: loading panicked with {sets:?}");
        };
        let scenario = match loaded {
            Err(e) => {
                let message = e.to_string();
                assert!(
                    !message.is_empty() && !message.contains('\n'),
                    "{sets:?}: {message:?}"
                );
                refused += 1;
                continue;
            }
            Ok(s) => s,
        };
        let result = catch_unwind(AssertUnwindSafe(|| run(&scenario, &mut Quiet)))
            .unwrap_or_else(|_| panic!("{name} mutant {m}: the run panicked with {sets:?}"));
        let s = &result.summary;
        // Counted arrivals, plus the HTTPS request that follows each redirect to HTTPS.
        let counted = s.counts.requests;
        assert!(
            (REQUESTS..=2 * REQUESTS).contains(&counted),
            "{name}: {counted} requests with {sets:?}"
        );
        for (what, v) in [
            ("hit ratio", s.hit_ratio()),
            ("byte hit ratio", s.byte_hit_ratio()),
        ] {
            assert!((0.0..=1.0).contains(&v), "{name}: {what} {v} with {sets:?}");
        }
        let (p50, p99) = (s.latency_ms(0.5), s.latency_ms(0.99));
        assert!(
            p50.is_finite() && p50 >= 0.0 && p50 <= p99,
            "{name}: p50 {p50} p99 {p99} with {sets:?}"
        );
        assert!(
            s.counts.origin_requests <= 10 * REQUESTS,
            "{name}: {sets:?}"
        );
        ran += 1;
    }
    (refused, ran)
}

macro_rules! fuzz_scenario {
    ($test:ident, $file:literal, $seed:literal) => {
        #[test]
        fn $test() {
            let text = include_str!(concat!("../../scenarios/", $file));
            let (refused, ran) = fuzz($file, text, $seed);
            assert_eq!(refused + ran, MUTANTS);
            // A fuzzer whose every mutant is refused, or none, is not testing both paths.
            assert!(refused > 0 && ran > 0, "{refused} refused, {ran} ran");
        }
    };
}

fuzz_scenario!(mutants_of_default, "default.toml", 1);
fuzz_scenario!(mutants_of_reference, "reference.toml", 2);
fuzz_scenario!(mutants_of_origin_failover, "origin-failover.toml", 3);
fuzz_scenario!(mutants_of_pop_outage, "pop-outage.toml", 4);
fuzz_scenario!(mutants_of_signed_content, "signed-content.toml", 5);
fuzz_scenario!(mutants_of_https_tuning, "https-tuning.toml", 6);
fuzz_scenario!(mutants_of_static_and_dynamic, "static-and-dynamic.toml", 7);
