//! The price list a bill is computed with: `data/pricing.toml` compiled in, or another file
//! of the same keys, with a scenario's single-price overrides laid over it.

use crate::check::{self, Checked, Invalid};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The built-in price list.
pub const BUILT_IN: &str = include_str!("../../data/pricing.toml");

/// Features that no flat-rate plan supports (cloudfront.md §11): a distribution that uses
/// one can only pay as it goes. `cost.features` must name them so.
pub const PLAN_EXCLUDED: [&str; 5] = [
    "Lambda@Edge",
    "real-time logs",
    "continuous deployment",
    "field-level encryption",
    "legacy ForwardedValues",
];

/// CloudFront's prices, in the file's currency.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pricing {
    /// Where the prices were read.
    pub source: String,
    /// When.
    pub read_on: String,
    /// Their currency.
    pub currency: String,
    /// Bytes in a billed GB.
    pub gb_bytes: f64,
    /// Widths of the monthly volume tiers, TB of 1,024 GB.
    pub tiers_tb: Vec<f64>,
    /// Pay-as-you-go prices per pricing region, by its code (`US`).
    pub regions: BTreeMap<String, RegionPrices>,
    /// Origin Shield, per 10,000 requests, by the shield's AWS Region.
    pub shield_per_10k: BTreeMap<String, f64>,
    /// Invalidation paths.
    pub invalidations: Invalidations,
    /// CloudFront Functions.
    pub functions: Functions,
    /// Lambda@Edge.
    pub lambda_edge: LambdaEdge,
    /// The always-free monthly allowance.
    pub free_tier: FreeTier,
    /// Flat-rate plans, any order.
    pub plans: Vec<Plan>,
}

/// One pricing region's pay-as-you-go prices.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionPrices {
    /// What it covers.
    pub name: String,
    /// Per GB out to the internet, one rate per volume tier and one above the last.
    pub transfer_per_gb: Vec<f64>,
    /// Per 10,000 HTTP requests.
    pub http_per_10k: f64,
    /// Per 10,000 HTTPS requests.
    pub https_per_10k: f64,
    /// Per GB sent from the edge to origins (request bodies).
    pub origin_transfer_per_gb: f64,
}

/// Invalidation prices.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invalidations {
    /// Paths a month at no charge.
    pub free_paths: f64,
    /// Per path beyond them.
    pub per_path: f64,
}

/// CloudFront Functions prices.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Functions {
    /// Per million invocations.
    pub per_million: f64,
}

/// Lambda@Edge prices.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaEdge {
    /// Per million requests.
    pub per_million: f64,
    /// Per GB-second of duration.
    pub per_gb_second: f64,
}

/// The always-free tier.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreeTier {
    /// GB out to the internet.
    pub transfer_gb: f64,
    /// HTTP and HTTPS requests.
    pub requests: f64,
    /// CloudFront Function invocations.
    pub function_invocations: f64,
}

/// A flat-rate plan.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Its name (`Pro`).
    pub name: String,
    /// Its price a month.
    pub usd_month: f64,
    /// Requests a month it allows.
    pub requests: f64,
    /// GB out a month it allows.
    pub transfer_gb: f64,
}

impl Pricing {
    /// The price list `base` (a pricing file's text; `file` names it in errors) with
    /// `overrides` laid over it key by key. Errors name `cost.prices.<key>` for an
    /// override and `cost.pricing` for the file.
    pub fn resolve(base: &str, file: &str, overrides: &toml::Table) -> Result<Pricing, Invalid> {
        let in_file = |message: String| Invalid {
            path: "cost.pricing".into(),
            message: format!("{file}: {message}"),
        };
        let mut table: toml::Table = base.parse().map_err(|e: toml::de::Error| {
            let line = e.span().map(|s| base[..s.start].lines().count().max(1));
            let at = line.map(|l| format!("line {l}: ")).unwrap_or_default();
            in_file(format!("{at}{}", e.message().trim()))
        })?;
        let pristine = table.clone();
        merge(&mut table, overrides);
        // An error at a key the overrides set (or added) is theirs; any other, the file's.
        let blame = |key: String, message: String, by_override: bool| {
            if by_override || lookup(overrides, &key) {
                Invalid {
                    path: format!("cost.prices.{key}"),
                    message,
                }
            } else {
                in_file(format!("{key}: {message}"))
            }
        };
        let pricing: Pricing = serde_path_to_error::deserialize(toml::Value::Table(table))
            .map_err(|e| {
                let key = e.path().to_string();
                let added = !overrides.is_empty() && !lookup(&pristine, &key);
                blame(key, e.inner().message().trim().to_string(), added)
            })?;
        pricing
            .check()
            .map_err(|Invalid { path, message }| blame(path, message, false))?;
        Ok(pricing)
    }

    /// Prices are finite and not negative, each region has a rate per tier and one above,
    /// and there is at least one region.
    fn check(&self) -> Checked {
        check::positive("gb_bytes", self.gb_bytes)?;
        for (i, w) in self.tiers_tb.iter().enumerate() {
            check::positive(&format!("tiers_tb[{i}]"), *w)?;
        }
        check::ensure(
            !self.regions.is_empty(),
            || "regions".into(),
            || "at least one pricing region is required".into(),
        )?;
        for (code, r) in &self.regions {
            let at = |k: &str| format!("regions.{code}.{k}");
            check::ensure(
                r.transfer_per_gb.len() == self.tiers_tb.len() + 1,
                || at("transfer_per_gb"),
                || {
                    format!(
                        "needs {} rates, one per volume tier of tiers_tb and one above the last, got {}",
                        self.tiers_tb.len() + 1,
                        r.transfer_per_gb.len()
                    )
                },
            )?;
            for (i, p) in r.transfer_per_gb.iter().enumerate() {
                price(&at(&format!("transfer_per_gb[{i}]")), *p)?;
            }
            price(&at("http_per_10k"), r.http_per_10k)?;
            price(&at("https_per_10k"), r.https_per_10k)?;
            price(&at("origin_transfer_per_gb"), r.origin_transfer_per_gb)?;
        }
        for (region, p) in &self.shield_per_10k {
            price(&format!("shield_per_10k.{region}"), *p)?;
        }
        price("invalidations.per_path", self.invalidations.per_path)?;
        price("functions.per_million", self.functions.per_million)?;
        price("lambda_edge.per_million", self.lambda_edge.per_million)?;
        price("lambda_edge.per_gb_second", self.lambda_edge.per_gb_second)?;
        price("free_tier.transfer_gb", self.free_tier.transfer_gb)?;
        price("free_tier.requests", self.free_tier.requests)?;
        for (i, p) in self.plans.iter().enumerate() {
            price(&format!("plans[{i}].usd_month"), p.usd_month)?;
            price(&format!("plans[{i}].requests"), p.requests)?;
            price(&format!("plans[{i}].transfer_gb"), p.transfer_gb)?;
        }
        Ok(())
    }

    /// The Origin Shield price of the shield named `name` at (`lat`, `lon`): by its name,
    /// else that of the nearest AWS Region the list prices, else 0.
    pub fn shield_price(&self, name: &str, lat: f64, lon: f64) -> (String, f64) {
        if let Some(&p) = self.shield_per_10k.get(name) {
            return (name.to_string(), p);
        }
        let known = crate::data::aws_regions()
            .iter()
            .filter(|r| self.shield_per_10k.contains_key(&r.region));
        let nearest = known.min_by(|a, b| {
            let d = |r: &crate::data::AwsRegion| crate::data::km(lat, lon, r.lat, r.lon);
            d(a).total_cmp(&d(b))
        });
        match nearest {
            Some(r) => (r.region.clone(), self.shield_per_10k[&r.region]),
            None => (name.to_string(), 0.0),
        }
    }
}

/// Requires a finite price, zero or more.
fn price(path: &str, value: f64) -> Checked {
    check::ensure(
        value >= 0.0 && value.is_finite(),
        || path.into(),
        || format!("must be a number of zero or more, got {value}"),
    )
}

/// Lays `over` onto `base`: tables key by key, anything else replaced whole.
fn merge(base: &mut toml::Table, over: &toml::Table) {
    for (k, v) in over {
        match (base.get_mut(k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Whether `table` holds the dotted key path `key` (its first segments are enough, so an
/// error inside an overridden array or table is blamed on the override).
fn lookup(table: &toml::Table, key: &str) -> bool {
    let mut at = table;
    for part in key.split('.') {
        let name = part.split('[').next().unwrap_or(part);
        match at.get(name) {
            Some(toml::Value::Table(t)) => at = t,
            Some(_) => return true,
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built_in() -> Pricing {
        Pricing::resolve(BUILT_IN, "data/pricing.toml", &toml::Table::new()).unwrap()
    }

    #[test]
    fn the_built_in_list_reads_and_has_every_pricing_region_of_the_metros() {
        let p = built_in();
        assert_eq!(p.regions["US"].transfer_per_gb[0], 0.085);
        assert_eq!(p.regions["IN"].transfer_per_gb[6], 0.072);
        assert_eq!(p.regions["US"].https_per_10k, 0.01);
        assert_eq!(p.free_tier.requests, 1e7);
        let plans: Vec<&str> = p.plans.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(plans, ["Free", "Pro", "Business", "Premium"]);
        for m in crate::data::metros() {
            assert!(p.regions.contains_key(&m.pricing_region), "{}", m.code);
        }
        // The tiers add up to AWS's 5 PB boundary.
        assert_eq!(p.tiers_tb.iter().sum::<f64>(), 5.0 * 1024.0);
    }

    #[test]
    fn an_override_replaces_one_price_and_keeps_the_rest() {
        let over: toml::Table = "[regions.US]\nhttps_per_10k = 0.008".parse().unwrap();
        let p = Pricing::resolve(BUILT_IN, "data/pricing.toml", &over).unwrap();
        assert_eq!(p.regions["US"].https_per_10k, 0.008);
        assert_eq!(p.regions["US"].http_per_10k, 0.0075);
    }

    #[test]
    fn bad_prices_name_their_key() {
        let over: toml::Table = "[regions.US]\nhttps_per_10k = -1.0".parse().unwrap();
        let e = Pricing::resolve(BUILT_IN, "data/pricing.toml", &over).unwrap_err();
        assert_eq!(e.path, "cost.prices.regions.US.https_per_10k");
        let over: toml::Table = "[regions.US]\nhttps_per_10 = 1.0".parse().unwrap();
        let e = Pricing::resolve(BUILT_IN, "data/pricing.toml", &over).unwrap_err();
        assert!(e.path.starts_with("cost.prices.regions"), "{e}");
        assert!(e.message.contains("https_per_10"), "{e}");
        let over: toml::Table = "[regions.XX]\nname = \"Mars\"".parse().unwrap();
        let e = Pricing::resolve(BUILT_IN, "data/pricing.toml", &over).unwrap_err();
        assert!(e.path.starts_with("cost.prices.regions"), "{e}");
        let e = Pricing::resolve("gb_bytes = ", "mine.toml", &toml::Table::new()).unwrap_err();
        assert_eq!(e.path, "cost.pricing");
        assert!(e.message.starts_with("mine.toml: line 1"), "{e}");
        let short = BUILT_IN.replace(
            "[0.085, 0.080, 0.060, 0.040, 0.030, 0.025, 0.020]\nhttp_per_10k = 0.0075",
            "[0.085]\nhttp_per_10k = 0.0075",
        );
        let e = Pricing::resolve(&short, "mine.toml", &toml::Table::new()).unwrap_err();
        assert!(
            e.message
                .contains("regions.US.transfer_per_gb: needs 7 rates"),
            "{e}"
        );
    }

    #[test]
    fn a_shield_is_priced_by_name_or_the_nearest_listed_region() {
        let p = built_in();
        assert_eq!(
            p.shield_price("sa-east-1", 0.0, 0.0),
            ("sa-east-1".into(), 0.016)
        );
        // A regional cache called "paris" near eu-west-3 (unlisted) takes the nearest listed.
        let (region, _) = p.shield_price("paris", 48.86, 2.35);
        assert!(["eu-west-2", "eu-central-1", "eu-west-1"].contains(&region.as_str()));
    }
}
