//! Reference data compiled into the binary: CloudFront's edge metros with their price
//! classes, and AWS Regions (`data/README.md` says where each fact comes from).
//!
//! The files are parsed once, on first use; a malformed row is a build defect that a unit
//! test catches, so parsing here may panic with the row it could not read.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

const METROS: &str = include_str!("../data/edge-metros.csv");
const REGIONS: &str = include_str!("../data/aws-regions.csv");

/// A CloudFront price class: which edge locations serve a distribution. Written as the
/// API names it (`PriceClass_100`); the data file's short names (`100`) are accepted too.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PriceClass {
    /// North America, Europe and Israel.
    #[serde(rename = "PriceClass_100", alias = "100")]
    P100,
    /// Price class 100 and Africa, the Middle East and most of Asia.
    #[serde(rename = "PriceClass_200", alias = "200")]
    P200,
    /// Every edge location.
    #[default]
    #[serde(rename = "PriceClass_All", alias = "All")]
    All,
}

impl PriceClass {
    /// The class `PriceClass_100`, `PriceClass_200` or `PriceClass_All` names.
    pub fn from_api(name: &str) -> Option<PriceClass> {
        match name {
            "PriceClass_100" => Some(PriceClass::P100),
            "PriceClass_200" => Some(PriceClass::P200),
            "PriceClass_All" => Some(PriceClass::All),
            _ => None,
        }
    }

    /// Its name in CloudFront's API.
    pub fn api_name(self) -> &'static str {
        match self {
            PriceClass::P100 => "PriceClass_100",
            PriceClass::P200 => "PriceClass_200",
            PriceClass::All => "PriceClass_All",
        }
    }
}

/// A metro where CloudFront has edge locations.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Metro {
    /// Airport code, as edge location names begin (`FRA` of `FRA56-P1`).
    pub code: String,
    /// City.
    pub city: String,
    /// ISO country code.
    pub country: String,
    /// NA, SA, EU, ME, AF, AS or OC.
    pub continent: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// The smallest price class that includes it.
    pub price_class: PriceClass,
    /// Where AWS bills what its edge locations serve: a region code of
    /// `data/pricing.toml` (`US`, `EU`, `ZA`, `SA`, `JP`, `AU`, `AP`, `IN`).
    pub pricing_region: String,
}

/// An AWS Region.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AwsRegion {
    /// Its code, such as `us-east-1`.
    pub region: String,
    /// Its metro.
    pub city: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// `yes` where CloudFront offers Origin Shield.
    pub origin_shield: String,
    /// Standard-time offset from UTC, hours.
    pub utc_offset_hours: f64,
}

fn parse<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Vec<T> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, row)| row.unwrap_or_else(|e| panic!("data/{name} row {}: {e}", i + 1)))
        .collect()
}

/// Every edge metro, in the file's order.
pub fn metros() -> &'static [Metro] {
    static ALL: OnceLock<Vec<Metro>> = OnceLock::new();
    ALL.get_or_init(|| parse("edge-metros.csv", METROS))
}

/// The metro a POP code names: its first three letters (`FRA` of `FRA2`), case-insensitive.
pub fn metro_of_pop(code: &str) -> Option<&'static Metro> {
    code.get(..3).and_then(metro)
}

/// Kilometres between two points given in degrees.
pub fn km(lat: f64, lon: f64, lat2: f64, lon2: f64) -> f64 {
    use crate::topology::geo::{great_circle_km, LatLon};
    great_circle_km(
        LatLon { lat, lon },
        LatLon {
            lat: lat2,
            lon: lon2,
        },
    )
}

/// The metro nearest to (`lat`, `lon`).
pub fn nearest_metro(lat: f64, lon: f64) -> &'static Metro {
    metros()
        .iter()
        .min_by(|a, b| km(lat, lon, a.lat, a.lon).total_cmp(&km(lat, lon, b.lat, b.lon)))
        .expect("the metro list is not empty")
}

/// The metro with `code` (case-insensitive).
pub fn metro(code: &str) -> Option<&'static Metro> {
    metros().iter().find(|m| m.code.eq_ignore_ascii_case(code))
}

/// Every AWS Region of the data file.
pub fn aws_regions() -> &'static [AwsRegion] {
    static ALL: OnceLock<Vec<AwsRegion>> = OnceLock::new();
    ALL.get_or_init(|| parse("aws-regions.csv", REGIONS))
}

/// The AWS Region `code`.
pub fn aws_region(code: &str) -> Option<&'static AwsRegion> {
    aws_regions().iter().find(|r| r.region == code)
}

/// The continent names the `continent` column abbreviates.
pub fn continent_name(code: &str) -> &'static str {
    match code {
        "NA" => "North America",
        "SA" => "South America",
        "EU" => "Europe",
        "ME" => "Middle East",
        "AF" => "Africa",
        "AS" => "Asia",
        "OC" => "Oceania",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_files_parse_and_name_known_places() {
        assert!(metros().len() >= 50);
        let fra = metro("fra").unwrap();
        assert_eq!(
            (fra.continent.as_str(), fra.price_class),
            ("EU", PriceClass::P100)
        );
        assert_eq!(metro("NRT").unwrap().price_class, PriceClass::P200);
        assert_eq!(metro("GRU").unwrap().price_class, PriceClass::All);
        assert_eq!(metro("TLV").unwrap().price_class, PriceClass::P100);
        let shields = aws_regions().iter().filter(|r| r.origin_shield == "yes");
        assert_eq!(shields.count(), 12);
        assert_eq!(aws_region("eu-central-1").unwrap().city, "Frankfurt");
        for m in metros() {
            assert_ne!(continent_name(&m.continent), "unknown", "{}", m.code);
        }
    }
}
