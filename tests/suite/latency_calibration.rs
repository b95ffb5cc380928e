//! The default latency model against published inter-region round-trip times.
//!
//! `tests/data/rtt-calibration.csv` holds typical RTTs between AWS Regions as public
//! inter-region latency dashboards show them (rounded, about ±10%), and
//! `tests/data/aws-regions.csv` their approximate coordinates.

use edgesim::topology::geo::{LatLon, NetworkSpec};
use std::collections::HashMap;

fn regions() -> HashMap<String, LatLon> {
    let mut r = csv::Reader::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/aws-regions.csv"
    ))
    .unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let lat = rec[2].parse().unwrap();
            let lon = rec[3].parse().unwrap();
            (rec[0].to_string(), LatLon { lat, lon })
        })
        .collect()
}

#[test]
fn default_model_fits_published_rtts() {
    let places = regions();
    let net = NetworkSpec::default();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/rtt-calibration.csv"
    );
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut errors = Vec::new();
    for rec in reader.records() {
        let rec = rec.unwrap();
        let published: f64 = rec[2].parse().unwrap();
        let modelled = net.rtt(places[&rec[0]], places[&rec[1]]) as f64 / 1e6;
        let error = modelled / published - 1.0;
        assert!(
            error.abs() < 0.21,
            "{} - {}: model {modelled:.1} ms, published {published} ms",
            &rec[0],
            &rec[1]
        );
        errors.push(error);
    }
    assert_eq!(errors.len(), 12);
    let mean = errors.iter().sum::<f64>() / errors.len() as f64;
    assert!(
        mean.abs() < 0.03,
        "the model is biased by {:.1}%",
        mean * 100.0
    );
}
