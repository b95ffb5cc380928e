//! Geography and the network latency model: great-circle distance to round-trip time.
//!
//! RTT = max(floor, 2 × distance / fibre speed × path inflation + path overhead).
//! Light in fibre covers about 200 km per ms; real routes are longer than the great
//! circle (inflation) and pay a fixed cost in routers and access equipment (overhead).
//! The defaults, inflation 1.3 and overhead 8 ms, fit the public inter-region RTTs in
//! `tests/data/rtt-calibration.csv` to within 20% (see `tests/latency_calibration.rs`).

use crate::check::{self, Checked};
use crate::units::{secs_to_nanos, Duration, Nanos};
use serde::{Deserialize, Serialize};

/// Mean Earth radius in km (IUGG).
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A point on Earth in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatLon {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
}

/// Great-circle distance in km (haversine formula).
pub fn great_circle_km(a: LatLon, b: LatLon) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// How distance turns into delay, and what the edge adds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkSpec {
    /// Signal speed in fibre, km per ms (one way).
    pub fibre_km_per_ms: f64,
    /// Ratio of route length to great-circle distance.
    pub path_inflation: f64,
    /// Fixed round-trip cost added to every path.
    pub path_overhead: Duration,
    /// No round trip is shorter than this.
    pub rtt_floor: Duration,
    /// Time the edge spends on each request before answering or forwarding it.
    pub edge_processing: Duration,
    /// How a region's clients are sent to POPs: `nearest` (each to its nearest POP), or
    /// `latency` (spread over the POPs within `routing_margin` of the nearest).
    pub routing: Routing,
    /// With `latency` routing: how much longer a round trip than the best may be for a
    /// POP to take a share of the region's clients.
    pub routing_margin: Duration,
}

/// How viewers are sent to POPs, the way CloudFront's DNS answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Routing {
    /// Every client of a region to its nearest POP (until capacity sheds it).
    #[default]
    Nearest,
    /// The region's clients spread over the POPs whose round trip is within the margin of
    /// the best, each POP taking a share in proportion to 1 / its round trip.
    Latency,
}

impl Default for NetworkSpec {
    fn default() -> Self {
        NetworkSpec {
            fibre_km_per_ms: 200.0,
            path_inflation: 1.3,
            path_overhead: Duration(8_000_000),
            rtt_floor: Duration(1_000_000),
            edge_processing: Duration(200_000),
            routing: Routing::Nearest,
            routing_margin: Duration(10_000_000),
        }
    }
}

impl NetworkSpec {
    /// Checks the settings.
    pub fn check(&self) -> Checked {
        check::positive("network.fibre_km_per_ms", self.fibre_km_per_ms)?;
        check::within("network.path_inflation", self.path_inflation, 1.0, 10.0)
    }

    /// Round-trip time between two points.
    pub fn rtt(&self, a: LatLon, b: LatLon) -> Nanos {
        let ms = 2.0 * great_circle_km(a, b) / self.fibre_km_per_ms * self.path_inflation;
        (secs_to_nanos(ms / 1000.0) + self.path_overhead.0).max(self.rtt_floor.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_distances() {
        let lhr = LatLon {
            lat: 51.47,
            lon: -0.45,
        };
        let jfk = LatLon {
            lat: 40.64,
            lon: -73.78,
        };
        // London Heathrow to New York JFK is about 5,540 km.
        let d = great_circle_km(lhr, jfk);
        assert!((d - 5540.0).abs() < 30.0, "{d}");
        assert_eq!(great_circle_km(lhr, lhr), 0.0);
        let antipode = LatLon {
            lat: -51.47,
            lon: 179.55,
        };
        assert!((great_circle_km(lhr, antipode) - 20_015.0).abs() < 5.0);
    }

    #[test]
    fn rtt_has_a_floor_and_grows_with_distance() {
        let net = NetworkSpec {
            path_overhead: Duration(0),
            ..NetworkSpec::default()
        };
        let here = LatLon {
            lat: 10.0,
            lon: 10.0,
        };
        assert_eq!(net.rtt(here, here), 1_000_000);
        // 1000 km: 2 × 1000 / 200 × 1.3 = 13 ms.
        let there = LatLon {
            lat: 10.0 + 1000.0 / 111.195,
            lon: 10.0,
        };
        let rtt = net.rtt(here, there);
        assert!((rtt as f64 / 13e6 - 1.0).abs() < 0.001, "{rtt}");
    }
}
