//! What a run's traffic costs a month on CloudFront: the pay-as-you-go bill by pricing
//! region and component, what the origins charge, and the cheapest flat-rate plan that
//! covers the month.
//!
//! A run covers minutes; a bill covers a month. The month is built from the run so:
//! - **The mix comes from the run**: per POP, its bytes per request, its HTTPS share, its
//!   request bodies, and the client regions it served; per shield and origin, their share
//!   of the requests.
//! - **The volume comes from the arrival model**: each client region sends `workload.rate ×
//!   share × traffic` requests a second on average over a day (the diurnal curve averages
//!   1, and flash crowds are one-off events, left out), for `cost.days` days. A region's
//!   counted requests are scaled to that, and a POP's quantities by the mean scale of the
//!   regions it served. So a short run at the peak hour is not billed as if every hour
//!   were the peak.
//! - A trace workload has no arrival model: its run is scaled by `cost.days` days over the
//!   measured span. `cost.monthly_requests` overrides both: every quantity is scaled so
//!   that the month has that many viewer requests.
//! - Volume tiers and the free tier apply to the month, per pricing region, never to the
//!   run itself.
//!
//! Bytes are the body bytes edgesim sends; response headers (a few hundred bytes each,
//! which AWS bills too) are not modelled, which understates transfer for small objects.

mod bill;
mod pricing;

pub use bill::{count, dollars, tiers, volume, Bill, Line, OriginUsage, RegionUsage, Usage};
pub use pricing::{Plan, Pricing, RegionPrices, BUILT_IN, PLAN_EXCLUDED};

use crate::check::{self, Checked};
use crate::scenario::Scenario;
use crate::sim::RunResult;
use crate::stats::Detail;
use serde::{Deserialize, Serialize};

/// A scenario's `[cost]`: which prices, and how the month is counted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CostSpec {
    /// A pricing file with the keys of `data/pricing.toml`, relative to the working
    /// directory; absent: the built-in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pricing: Option<String>,
    /// Single prices laid over the file's, under the same keys
    /// (`[cost.prices.regions.US] https_per_10k = 0.008`).
    #[serde(skip_serializing_if = "toml::Table::is_empty")]
    pub prices: toml::Table,
    /// Whether the always-free tier (1 TB, 10 M requests) comes off the bill.
    pub free_tier: bool,
    /// Viewer requests in the month; absent: from the arrival model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_requests: Option<f64>,
    /// Days in the billed month.
    pub days: f64,
    /// Invalidation paths in the month; absent: the measured span's, at the same rate
    /// all month.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_invalidation_paths: Option<f64>,
    /// Features the distribution uses that flat-rate plans exclude and edgesim does not
    /// simulate, such as `"real-time logs"` (the plan check needs them).
    pub features: Vec<String>,
}

impl Default for CostSpec {
    fn default() -> Self {
        CostSpec {
            pricing: None,
            prices: toml::Table::new(),
            free_tier: true,
            monthly_requests: None,
            days: 30.0,
            monthly_invalidation_paths: None,
            features: Vec::new(),
        }
    }
}

impl CostSpec {
    /// The price list it names, with its overrides.
    pub fn pricing(&self) -> Result<Pricing, check::Invalid> {
        match &self.pricing {
            None => Pricing::resolve(BUILT_IN, "data/pricing.toml", &self.prices),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| check::Invalid {
                    path: "cost.pricing".into(),
                    message: format!("cannot read {path}: {e}"),
                })?;
                Pricing::resolve(&text, path, &self.prices)
            }
        }
    }

    /// Checks the settings that are not prices.
    pub fn check(&self) -> Checked {
        check::within("cost.days", self.days, 1.0, 31.0)?;
        if let Some(n) = self.monthly_requests {
            check::positive("cost.monthly_requests", n)?;
        }
        if let Some(n) = self.monthly_invalidation_paths {
            check::within("cost.monthly_invalidation_paths", n, 0.0, 1e12)?;
        }
        for (i, f) in self.features.iter().enumerate() {
            check::ensure(
                PLAN_EXCLUDED.contains(&f.as_str()),
                || format!("cost.features[{i}]"),
                || {
                    format!("{f:?} is not a feature that flat-rate plans exclude; those are {PLAN_EXCLUDED:?}")
                },
            )?;
        }
        Ok(())
    }
}

/// What an origin itself charges, for the bill's origin lines.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OriginCost {
    /// Per million requests it answers (S3 Standard GETs: 0.40).
    pub per_million_requests: f64,
    /// Per GB it sends to CloudFront (0 from AWS origins; a non-AWS origin's egress).
    pub per_gb: f64,
}

impl OriginCost {
    /// Prices are finite and not negative.
    pub fn check(&self, path: &str) -> Checked {
        for (k, v) in [
            ("per_million_requests", self.per_million_requests),
            ("per_gb", self.per_gb),
        ] {
            check::ensure(
                v >= 0.0 && v.is_finite(),
                || format!("{path}.cost.{k}"),
                || format!("must be a number of zero or more, got {v}"),
            )?;
        }
        Ok(())
    }
}

/// The month of `result`, a run of `scenario`.
pub fn usage(scenario: &Scenario, result: &RunResult) -> Usage {
    let s = scenario.spec();
    let gb = scenario.pricing().gb_bytes;
    let billable = |m: &crate::stats::Metrics| {
        m.counts.requests - m.counts.by_detail[Detail::ClientTlsError as usize]
    };
    let month_ns = s.cost.days * 86_400.0 * 1e9;
    let counted: u64 = result.regions.iter().map(billable).sum();
    // Each client region's scale from run to month.
    let region_scale: Vec<f64> = match (s.cost.monthly_requests, &s.workload.trace) {
        (Some(n), _) => vec![n / counted.max(1) as f64; s.regions.len()],
        (None, Some(_)) => vec![month_ns / result.measured_span.max(1) as f64; s.regions.len()],
        (None, None) => (s.regions.iter().zip(&result.regions))
            .map(|(r, m)| match billable(m) {
                0 => 0.0,
                n => s.workload.region_rate(r) * month_ns / 1e9 / n as f64,
            })
            .collect(),
    };
    let pops = s.pops.len();
    let pop_scale: Vec<f64> = (0..pops)
        .map(|p| {
            let from = |r: usize| result.traffic[r * pops + p] as f64;
            let n: f64 = (0..s.regions.len()).map(from).sum();
            let scaled: f64 = (0..s.regions.len())
                .map(|r| from(r) * region_scale[r])
                .sum();
            if n > 0.0 {
                scaled / n
            } else {
                0.0
            }
        })
        .collect();
    // Invalidations continue all month at the rate of the measured span.
    let measured_from = result.end.saturating_sub(result.measured_span);
    let paths = (s.invalidations.iter())
        .filter(|v| (measured_from..=result.end).contains(&v.at.0))
        .map(|v| v.paths.len())
        .sum::<usize>() as f64;
    let mut usage = Usage {
        features: s.cost.features.clone(),
        invalidation_paths: s
            .cost
            .monthly_invalidation_paths
            .unwrap_or(paths * month_ns / result.measured_span.max(1) as f64),
        ..Usage::default()
    };
    let (mut run, mut month) = (0.0, 0.0);
    for ((spec, m), &k) in s.pops.iter().zip(&result.pops).zip(&pop_scale) {
        let c = &m.counts;
        let u = usage.regions.entry(pricing_region(spec)).or_default();
        let all = billable(m) as f64;
        u.transfer_gb += c.bytes_served as f64 * k / gb;
        u.https += c.https_requests as f64 * k;
        u.http += (all - c.https_requests as f64) * k;
        u.origin_transfer_gb += c.upload_bytes as f64 * k / gb;
        run += all;
        month += all * k;
    }
    // Shields and origins serve many POPs: they take the run's overall scale.
    let scale = if run > 0.0 { month / run } else { 0.0 };
    let sites = scenario.plan().sites.len();
    for (i, r) in s.regional_caches.iter().enumerate() {
        let n = result.shield_requests.get(pops + i).copied().unwrap_or(0);
        if n > 0 && pops + i < sites {
            let (region, _) = scenario.pricing().shield_price(&r.name, r.lat, r.lon);
            *usage.shields.entry(region).or_default() += n as f64 * scale;
        }
    }
    for (o, stats) in s.origins.iter().zip(&result.origins) {
        usage.origins.push(OriginUsage {
            name: o.name.clone(),
            requests: stats.requests as f64 * scale,
            gb: stats.bytes as f64 * scale / gb,
            per_million_requests: o.cost.per_million_requests,
            per_gb: o.cost.per_gb,
        });
    }
    usage
}

/// The pricing region of a POP: its own `pricing_region`, else its metro's by code, else
/// the nearest metro's.
pub fn pricing_region(pop: &crate::topology::PopSpec) -> String {
    if let Some(r) = &pop.pricing_region {
        return r.clone();
    }
    crate::data::metro_of_pop(&pop.code)
        .unwrap_or_else(|| crate::data::nearest_metro(pop.lat, pop.lon))
        .pricing_region
        .clone()
}

/// The bill of `result`, a run of `scenario`.
pub fn bill(scenario: &Scenario, result: &RunResult) -> Bill {
    let s = scenario.spec();
    Bill::of(
        &usage(scenario, result),
        scenario.pricing(),
        s.cost.free_tier,
    )
}
