//! A month's bill from a month's usage: volume tiers per pricing region, the free tier,
//! request, shield, transfer-to-origin and origin charges, and the flat-rate plan that
//! would cover the month, if any.

use super::pricing::{Plan, Pricing};
use std::collections::BTreeMap;

/// What one pricing region's edge locations did in the month.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegionUsage {
    /// GB out to the internet.
    pub transfer_gb: f64,
    /// HTTP requests.
    pub http: f64,
    /// HTTPS requests.
    pub https: f64,
    /// GB sent on to origins (request bodies).
    pub origin_transfer_gb: f64,
}

/// One origin's month, with its own prices.
#[derive(Clone, Debug, PartialEq)]
pub struct OriginUsage {
    /// Its name.
    pub name: String,
    /// Requests it answered.
    pub requests: f64,
    /// GB it sent to CloudFront.
    pub gb: f64,
    /// Its price per million requests.
    pub per_million_requests: f64,
    /// Its price per GB sent.
    pub per_gb: f64,
}

/// A month of a distribution, as billed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Usage {
    /// Per pricing region code.
    pub regions: BTreeMap<String, RegionUsage>,
    /// Requests that reached an Origin Shield, per the AWS Region it is priced as.
    pub shields: BTreeMap<String, f64>,
    /// Per origin.
    pub origins: Vec<OriginUsage>,
    /// Features the distribution uses that flat-rate plans exclude.
    pub features: Vec<String>,
    /// Invalidation paths requested in the month.
    pub invalidation_paths: f64,
}

impl Usage {
    /// Viewer requests in the month.
    pub fn requests(&self) -> f64 {
        self.regions.values().map(|r| r.http + r.https).sum()
    }

    /// GB out to the internet in the month.
    pub fn transfer_gb(&self) -> f64 {
        self.regions.values().map(|r| r.transfer_gb).sum()
    }
}

/// One line of the bill, as `cost.csv` writes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The pricing region, shield Region, origin or plan it is for.
    pub scope: String,
    /// What is charged: `transfer`, `http_requests`, `https_requests`, `origin_transfer`,
    /// `shield_requests`, `origin_requests`, `origin_bytes`, `invalidations`, `free_tier` or
    /// `flat_rate_plan`.
    pub component: &'static str,
    /// The volume tier, for transfer lines; why a plan does or does not fit, for plans.
    pub note: String,
    /// How much, in `unit`.
    pub quantity: f64,
    /// `GB`, `requests`, `paths` or `month`.
    pub unit: &'static str,
    /// Price per unit.
    pub rate: f64,
    /// The line's charge.
    pub usd: f64,
}

/// The month's bill.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bill {
    /// Every line, pay-as-you-go first, then the plans.
    pub lines: Vec<Line>,
    /// Data transfer out to the internet.
    pub transfer: f64,
    /// HTTP and HTTPS requests.
    pub requests: f64,
    /// Origin Shield requests.
    pub shield: f64,
    /// Data transfer out to origin.
    pub origin_transfer: f64,
    /// What the origins themselves charge.
    pub origin: f64,
    /// Invalidation paths beyond the free ones.
    pub invalidations: f64,
    /// Viewer requests and GB out in the month.
    pub monthly_requests: f64,
    pub monthly_gb: f64,
    /// The cheapest flat-rate plan that covers the month, with its price.
    pub plan: Option<(String, f64)>,
    /// Why no plan fits, when none does.
    pub no_plan: String,
}

impl Bill {
    /// The pay-as-you-go total, origin charges included.
    pub fn total(&self) -> f64 {
        self.transfer
            + self.requests
            + self.shield
            + self.origin_transfer
            + self.origin
            + self.invalidations
    }

    /// The bill for `usage` at `pricing`, with the always-free tier taken off if
    /// `free_tier`.
    pub fn of(usage: &Usage, pricing: &Pricing, free_tier: bool) -> Bill {
        let mut bill = Bill {
            monthly_requests: usage.requests(),
            monthly_gb: usage.transfer_gb(),
            ..Bill::default()
        };
        // The free tier is shared out over the regions in proportion to their use: AWS
        // does not say in which region's usage it is counted.
        let keep = |used: f64, free: f64| {
            if free_tier && used > 0.0 {
                (1.0 - free / used).max(0.0)
            } else {
                1.0
            }
        };
        let gb_kept = keep(bill.monthly_gb, pricing.free_tier.transfer_gb);
        let req_kept = keep(bill.monthly_requests, pricing.free_tier.requests);
        for (code, u) in &usage.regions {
            let Some(p) = pricing.regions.get(code) else {
                continue;
            };
            for (note, gb, rate) in tiers(
                u.transfer_gb * gb_kept,
                &pricing.tiers_tb,
                &p.transfer_per_gb,
            ) {
                bill.transfer += bill.line(code, "transfer", note, gb, "GB", rate);
            }
            let http = u.http * req_kept;
            let https = u.https * req_kept;
            bill.requests += bill.line(
                code,
                "http_requests",
                String::new(),
                http,
                "requests",
                p.http_per_10k / 1e4,
            );
            bill.requests += bill.line(
                code,
                "https_requests",
                String::new(),
                https,
                "requests",
                p.https_per_10k / 1e4,
            );
            let up = u.origin_transfer_gb;
            bill.origin_transfer += bill.line(
                code,
                "origin_transfer",
                String::new(),
                up,
                "GB",
                p.origin_transfer_per_gb,
            );
        }
        if free_tier {
            let gb = bill.monthly_gb.min(pricing.free_tier.transfer_gb);
            let req = bill.monthly_requests.min(pricing.free_tier.requests);
            bill.line(
                "all",
                "free_tier",
                "GB out at no charge".into(),
                gb,
                "GB",
                0.0,
            );
            bill.line(
                "all",
                "free_tier",
                "requests at no charge".into(),
                req,
                "requests",
                0.0,
            );
        }
        for (region, &n) in &usage.shields {
            let rate = pricing.shield_per_10k.get(region).copied().unwrap_or(0.0) / 1e4;
            bill.shield += bill.line(
                region,
                "shield_requests",
                String::new(),
                n,
                "requests",
                rate,
            );
        }
        for o in &usage.origins {
            let rate = o.per_million_requests / 1e6;
            bill.origin += bill.line(
                &o.name,
                "origin_requests",
                String::new(),
                o.requests,
                "requests",
                rate,
            );
            bill.origin += bill.line(&o.name, "origin_bytes", String::new(), o.gb, "GB", o.per_gb);
        }
        let paths = usage.invalidation_paths;
        let free = paths.min(pricing.invalidations.free_paths);
        bill.line(
            "all",
            "invalidations",
            "paths at no charge".into(),
            free,
            "paths",
            0.0,
        );
        let rate = pricing.invalidations.per_path;
        bill.invalidations += bill.line(
            "all",
            "invalidations",
            String::new(),
            paths - free,
            "paths",
            rate,
        );
        bill.choose_plan(usage, pricing);
        bill
    }

    /// Adds a line unless its quantity is 0, and returns its charge.
    fn line(
        &mut self,
        scope: &str,
        component: &'static str,
        note: String,
        quantity: f64,
        unit: &'static str,
        rate: f64,
    ) -> f64 {
        if quantity <= 0.0 {
            return 0.0;
        }
        let usd = quantity * rate;
        self.lines.push(Line {
            scope: scope.to_string(),
            component,
            note,
            quantity,
            unit,
            rate,
            usd,
        });
        usd
    }

    /// Writes one line per plan, cheapest first, saying whether it covers the month, and
    /// keeps the cheapest that does.
    fn choose_plan(&mut self, usage: &Usage, pricing: &Pricing) {
        let mut plans: Vec<&Plan> = pricing.plans.iter().collect();
        plans.sort_by(|a, b| a.usd_month.total_cmp(&b.usd_month));
        let excluded: Vec<&str> = usage
            .features
            .iter()
            .map(String::as_str)
            .filter(|f| super::pricing::PLAN_EXCLUDED.contains(f))
            .collect();
        let mut reasons = Vec::new();
        for plan in &plans {
            let why = if !excluded.is_empty() {
                format!("flat-rate plans exclude {}", excluded.join(" and "))
            } else if self.monthly_requests > plan.requests {
                format!(
                    "{} requests a month exceed {}'s {}",
                    count(self.monthly_requests),
                    plan.name,
                    count(plan.requests)
                )
            } else if self.monthly_gb > plan.transfer_gb {
                format!(
                    "{} out a month exceed {}'s {}",
                    volume(self.monthly_gb),
                    plan.name,
                    volume(plan.transfer_gb)
                )
            } else {
                String::new()
            };
            let fits = why.is_empty();
            if fits && self.plan.is_none() {
                self.plan = Some((plan.name.clone(), plan.usd_month));
            }
            let note = if fits {
                "fits".to_string()
            } else {
                why.clone()
            };
            self.lines.push(Line {
                scope: plan.name.clone(),
                component: "flat_rate_plan",
                note,
                quantity: 1.0,
                unit: "month",
                rate: plan.usd_month,
                usd: plan.usd_month,
            });
            reasons.push((plan.name.clone(), why));
        }
        if self.plan.is_none() {
            self.no_plan = match (excluded.is_empty(), reasons.last()) {
                (false, _) => format!("flat-rate plans exclude {}", excluded.join(" and ")),
                (true, Some((_, why))) => format!("{why}, the largest plan's allowance"),
                (true, None) => "the price list has no flat-rate plans".into(),
            };
        }
    }
}

/// The volume tiers of `gb`: `(tier name, GB in it, rate)` for each tier it reaches.
/// `widths_tb` are the tiers' widths in TB of 1,024 GB; `rates` has one more entry, for
/// everything above the last.
pub fn tiers(gb: f64, widths_tb: &[f64], rates: &[f64]) -> Vec<(String, f64, f64)> {
    let mut out = Vec::new();
    let mut left = gb;
    let mut from_tb = 0.0;
    for (i, &rate) in rates.iter().enumerate() {
        if left <= 0.0 {
            break;
        }
        let (name, width) = match widths_tb.get(i) {
            Some(&w) if i == 0 => (format!("first {}", tb(w)), w * 1024.0),
            Some(&w) => (format!("next {}", tb(w)), w * 1024.0),
            None => (format!("over {}", tb(from_tb)), f64::INFINITY),
        };
        let here = left.min(width);
        out.push((name, here, rate));
        left -= here;
        from_tb += widths_tb.get(i).copied().unwrap_or(0.0);
    }
    out
}

/// `w` TB as the pricing page writes it: `10 TB`, `4 PB`.
fn tb(w: f64) -> String {
    if w >= 1024.0 && (w / 1024.0).fract() == 0.0 {
        format!("{} PB", w / 1024.0)
    } else {
        format!("{w} TB")
    }
}

/// A count as a person reads it: `620 M`, `1.2 B`, `15,000`.
pub fn count(n: f64) -> String {
    if n >= 1e12 {
        format!("{} B", crate::units::thousands((n / 1e9).round() as u64))
    } else if n >= 1e9 {
        format!("{:.1} B", n / 1e9)
    } else if n >= 1e6 {
        format!("{} M", trim(n / 1e6))
    } else {
        crate::units::thousands(n.round() as u64)
    }
}

/// GB as a person reads them: `100 GB`, `50 TB`, `1.2 PB`.
pub fn volume(gb: f64) -> String {
    if gb >= 1024.0 * 1024.0 * 1000.0 {
        let pb = (gb / 1024.0 / 1024.0).round() as u64;
        format!("{} PB", crate::units::thousands(pb))
    } else if gb >= 1024.0 * 1024.0 {
        format!("{} PB", trim(gb / 1024.0 / 1024.0))
    } else if gb >= 1024.0 {
        format!("{} TB", trim(gb / 1024.0))
    } else {
        format!("{} GB", trim(gb))
    }
}

/// Dollars as a person reads them: `$118,224` from $100 up, `$12.34` below.
pub fn dollars(x: f64) -> String {
    if x >= 100.0 {
        format!("${}", crate::units::thousands(x.round() as u64))
    } else {
        format!("${x:.2}")
    }
}

/// One decimal, none when it is whole.
fn trim(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}
