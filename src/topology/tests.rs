//! Routing: nearest first, capacity and bandwidth shedding, outages, latency spreading.

use super::*;

fn pop(code: &str, lon: f64, rps: Option<f64>) -> PopSpec {
    PopSpec {
        code: code.into(),
        lat: 0.0,
        lon,
        cache_capacity: Bytes(1 << 20),
        cache_policy: PolicyKind::default_for_sites(),
        capacity_rps: rps,
        capacity_gbps: None,
        regional_cache: None,
        price_class: None,
        pricing_region: None,
    }
}

fn topo(pops: &[PopSpec], outages: &[(u16, Nanos, Nanos)]) -> Topology {
    let region = LatLon { lat: 0.0, lon: 0.0 };
    Topology::new(
        &NetworkSpec::default(),
        pops,
        &vec![true; pops.len()],
        &[region],
        outages,
    )
}

#[test]
fn nearest_pop_wins() {
    let mut t = topo(&[pop("FAR", 40.0, None), pop("NEAR", 1.0, None)], &[]);
    let r = t.route(0, 0, 0, 0);
    assert_eq!((r.pop, r.shed), (Some(1), false));
}

#[test]
fn a_full_pop_sheds_to_the_next_and_refills() {
    let mut t = topo(
        &[pop("NEAR", 1.0, Some(100.0)), pop("FAR", 40.0, None)],
        &[],
    );
    // The bucket holds 10 requests (a tenth of a second at 100/s).
    let served: Vec<_> = (0..12).map(|_| t.route(0, 0, 0, 0).pop).collect();
    assert_eq!(served.iter().filter(|p| **p == Some(0)).count(), 10);
    assert!(t.route(0, 0, 0, 0).shed);
    // 50 ms later, 5 tokens have come back.
    let back = (0..6)
        .filter(|_| t.route(0, 50_000_000, 0, 0).pop == Some(0))
        .count();
    assert_eq!(back, 5);
}

#[test]
fn a_pop_over_its_bandwidth_sheds_and_keeps_its_rate_over_time() {
    // 1 Gbps is 125 MB a second, and the bucket holds a tenth of it (12.5 MB).
    let mut near = pop("NEAR", 1.0, None);
    near.capacity_gbps = Some(1.0);
    let mut t = topo(&[near, pop("FAR", 40.0, None)], &[]);
    assert!(t.limits_bandwidth());
    // 1,000 requests a second of 1 MB each for 10 s: 1 GB/s offered, 8 times the link.
    let near_served = (0..10_000u64)
        .filter(|i| t.route(0, i * 1_000_000, 1_000_000, 0).pop == Some(0))
        .count();
    // 10 s at 125 a second, plus the 12 the full bucket held at the start.
    assert!((1250..=1263).contains(&near_served), "{near_served}");
    // Requests without a body take no bandwidth.
    assert_eq!(t.route(0, 10_000_000_000, 0, 0).pop, Some(0));
}

#[test]
fn latency_routing_spreads_a_region_over_the_pops_within_the_margin() {
    // Round trips (geo.rs's model): 8 ms to A (the overhead, no distance), 10.9 ms to B
    // 222 km away, 51 ms to C; a 10 ms margin takes A and B, in proportion to 1 / RTT.
    let net = NetworkSpec {
        routing: geo::Routing::Latency,
        ..NetworkSpec::default()
    };
    let pops = [
        pop("A", 0.0, None),
        pop("B", 2.0, None),
        pop("C", 30.0, None),
    ];
    let region = LatLon { lat: 0.0, lon: 0.0 };
    let mut t = Topology::new(&net, &pops, &[true; 3], &[region], &[]);
    let rtt = |i: usize| net.rtt(region, pops[i].location()) as f64;
    let want_a = (1.0 / rtt(0)) / (1.0 / rtt(0) + 1.0 / rtt(1));
    let mut served = [0u32; 3];
    for i in 0..20_000u64 {
        let r = t.route(0, 0, 0, crate::engine::mix64(i));
        served[r.pop.unwrap() as usize] += 1;
        assert!(!r.shed);
    }
    let got_a = served[0] as f64 / 20_000.0;
    assert!(
        (got_a - want_a).abs() < 0.015,
        "A took {got_a}, want {want_a}"
    );
    assert_eq!(served[2], 0, "C is outside the margin");
    // `nearest` sends everyone to A.
    let mut t = topo(&pops, &[]);
    assert!((0..100u64).all(|i| t.route(0, 0, 0, crate::engine::mix64(i)).pop == Some(0)));
}

#[test]
fn a_pop_in_outage_is_passed_over_and_none_left_means_no_pop() {
    let outage = (0, 10, 20);
    let mut t = topo(&[pop("A", 1.0, None), pop("B", 2.0, None)], &[outage]);
    assert_eq!(t.route(0, 5, 0, 0).pop, Some(0));
    assert_eq!(t.route(0, 15, 0, 0).pop, Some(1));
    assert_eq!(t.route(0, 20, 0, 0).pop, Some(0));
    let mut t = topo(&[pop("A", 1.0, None)], &[outage]);
    let r = t.route(0, 15, 0, 0);
    assert_eq!((r.pop, r.accounted_pop), (None, 0));
}
