use edgesim::scenario::{load_str, DEFAULT_SCENARIO};
use edgesim::sim::{run, Quiet};
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let s = load_str(DEFAULT_SCENARIO, "default", &args).unwrap();
    let t = std::time::Instant::now();
    let r = run(&s, &mut Quiet);
    let el = t.elapsed().as_secs_f64();
    let m = &r.summary;
    println!("arrivals {} req {} hits {} coll {} miss {} cap {} shed {} hr {:.4} bhr {:.4} p50 {} p99 {} origin {} in {:.2}s = {:.2} M/s",
      r.arrivals, m.counts.requests, m.hits(), m.count(edgesim::stats::Outcome::CollapsedHit), m.count(edgesim::stats::Outcome::Miss), m.count(edgesim::stats::Outcome::CapacityExceeded), m.counts.shed, m.hit_ratio(), m.byte_hit_ratio(), m.latency_ms(0.5), m.latency_ms(0.99), m.counts.origin_requests, el, r.arrivals as f64/el/1e6);
    for (i,p) in r.pops.iter().enumerate() { println!("pop {i} req {} hr {:.3} p50 {} p99 {}", p.counts.requests, p.hit_ratio(), p.latency_ms(0.5), p.latency_ms(0.99)); }
    println!("{:?}", r.origins);
}
