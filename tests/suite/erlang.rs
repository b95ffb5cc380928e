//! The origin queue against queueing theory: M/M/c waiting times match Erlang C.

use crate::common;

/// Erlang C: the probability that an arrival waits, for `c` servers and offered load `a`.
fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0; // a^k / k!
    let mut sum = 0.0;
    for k in 0..c {
        sum += term;
        term *= a / f64::from(k + 1);
    }
    let top = term * f64::from(c) / (f64::from(c) - a);
    top / (sum + top)
}

#[test]
fn erlang_c_formula_matches_a_published_value() {
    // A standard textbook case: c = 2, a = 1 gives C = 1/3.
    assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
}

fn check(seed: u64, c: u32, rate: f64, mean_service_ms: f64) {
    let sets = [
        format!("seed={seed}"),
        format!("origins[0].concurrency={c}"),
        format!("workload.rate={rate}"),
        format!("origins[0].service.mean=\"{mean_service_ms}ms\""),
    ];
    let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
    let s = common::scenario("mmc.toml", &sets);
    let (r, _) = common::run(&s);
    let o = &r.origins[0];
    let mu = 1000.0 / mean_service_ms;
    let a = rate / mu;
    let p_wait = erlang_c(c, a);
    let wq_ms = p_wait / (f64::from(c) * mu - rate) * 1000.0;
    let measured_wq_ms = o.wait_total as f64 / 1e6 / o.requests as f64;
    let measured_p_wait = o.queued as f64 / o.requests as f64;
    let utilisation = o.busy_total as f64 / (f64::from(c) * r.measured_span as f64);
    assert!(
        o.requests > 350_000,
        "nearly every request reached the origin: {}",
        o.requests
    );
    assert!(
        (measured_wq_ms / wq_ms - 1.0).abs() < 0.05,
        "mean queueing delay {measured_wq_ms:.4} ms vs Erlang C {wq_ms:.4} ms"
    );
    assert!(
        (measured_p_wait / p_wait - 1.0).abs() < 0.04,
        "P(wait) {measured_p_wait:.4} vs {p_wait:.4}"
    );
    assert!(
        (utilisation / (a / f64::from(c)) - 1.0).abs() < 0.02,
        "utilisation {utilisation:.4}"
    );
}

#[test]
fn mean_queueing_delay_matches_erlang_c_at_80_percent_load() {
    check(11, 10, 800.0, 10.0);
}

#[test]
fn mean_queueing_delay_matches_erlang_c_with_few_busy_servers() {
    // c = 2 at utilisation 0.7: a different corner of the formula.
    check(12, 2, 70.0, 20.0);
}
