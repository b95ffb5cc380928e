//! Edge POPs, their request-rate limits and outages, and latency-based routing.
//!
//! Each client region ranks every POP by round-trip time once, at start. A request goes
//! to the first POP in its region's ranking that is up and has capacity, as latency-based
//! DNS would send it; passing over a closer POP is counted as load shed. A POP's rate
//! limit is a token bucket refilled at `capacity_rps` that holds at most a tenth of a
//! second of requests, so short bursts pass and sustained overload is shed.

pub mod geo;

use crate::cache::PolicyKind;
use crate::check::{self, ensure, Checked};
use crate::units::{Bytes, Duration, Nanos, SEC};
use geo::{LatLon, NetworkSpec};
use serde::{Deserialize, Serialize};

/// An edge location.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopSpec {
    /// Unique code, conventionally the metro's airport code (`IAD`).
    pub code: String,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// Bytes of cache.
    pub cache_capacity: Bytes,
    /// Eviction policy of the cache.
    #[serde(default = "default_policy")]
    pub cache_policy: PolicyKind,
    /// Requests per second the POP can take before shedding; absent means no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_rps: Option<f64>,
    /// Gigabits per second of responses the POP can send before shedding (response bodies,
    /// 10^9 bits); absent means no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_gbps: Option<f64>,
    /// The regional edge cache this POP's misses go to, by name; absent: straight to
    /// the origin (or its shield).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regional_cache: Option<String>,
    /// The smallest price class that includes this POP; absent: its metro's, from
    /// `data/edge-metros.csv` by the code's first three letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_class: Option<crate::data::PriceClass>,
    /// Where AWS bills what it serves: a region code of the pricing file (`US`, `EU`...);
    /// absent: its metro's, from `data/edge-metros.csv`, else the nearest metro's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing_region: Option<String>,
}

/// A regional edge cache: a larger mid-tier cache shared by POPs, in an AWS Region. An
/// origin's shield is one of these.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionalCacheSpec {
    /// Unique name, conventionally the AWS Region (`us-east-1`).
    pub name: String,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// Bytes of cache.
    pub cache_capacity: Bytes,
    /// Eviction policy of the cache.
    #[serde(default = "default_policy")]
    pub cache_policy: PolicyKind,
}

/// A cache site resolved: a POP or a regional cache, as the engine builds it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CacheSite {
    pub policy: PolicyKind,
    /// Bytes of cache.
    pub capacity: u64,
    pub location: LatLon,
    /// Whether concurrent misses for one object wait for the first (request collapsing).
    pub collapses: bool,
}

impl RegionalCacheSpec {
    /// The cache as a site, collapsing requests or not.
    pub fn site(&self, collapses: bool) -> CacheSite {
        CacheSite {
            policy: self.cache_policy,
            capacity: self.cache_capacity.0,
            location: self.location(),
            collapses,
        }
    }

    /// The cache's position.
    pub fn location(&self) -> LatLon {
        LatLon {
            lat: self.lat,
            lon: self.lon,
        }
    }

    /// Checks one regional cache at `path`.
    pub fn check(&self, path: &str) -> Checked {
        check_cache_site(
            path,
            self.lat,
            self.lon,
            self.cache_capacity,
            self.cache_policy,
        )
    }
}

/// The checks every cache site shares: a place on Earth, a non-empty cache, and a
/// policy that can run without knowing the future.
fn check_cache_site(
    path: &str,
    lat: f64,
    lon: f64,
    capacity: Bytes,
    policy: PolicyKind,
) -> Checked {
    check::lat_lon(path, lat, lon)?;
    ensure(
        capacity.0 > 0,
        || format!("{path}.cache_capacity"),
        || "must be larger than 0B".into(),
    )?;
    match policy.refuse_in_simulation() {
        Some(why) => check::fail(format!("{path}.cache_policy"), why),
        None => Ok(()),
    }
}

fn default_policy() -> PolicyKind {
    PolicyKind::default_for_sites()
}

/// A window in which a POP answers nothing, so routing passes it over.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopOutageSpec {
    /// The POP's code.
    pub pop: String,
    /// When it goes down, from the beginning of the run.
    pub start: Duration,
    /// How long it stays down.
    pub duration: Duration,
    /// Whether the POP's cache survives the outage.
    #[serde(default)]
    pub cache: CacheFate,
}

/// What an outage does to a cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CacheFate {
    /// The cache comes back as it was.
    #[default]
    Kept,
    /// The cache comes back empty (a restart), and must warm up again.
    Lost,
}

impl PopSpec {
    /// A POP at `lat`, `lon` whose cache holds `cache_capacity`, with every other setting
    /// at its default.
    pub fn new(code: &str, lat: f64, lon: f64, cache_capacity: Bytes) -> Self {
        use toml::Value::{Float, String};
        check::with_defaults(&[
            ("code", String(code.into())),
            ("lat", Float(lat)),
            ("lon", Float(lon)),
            ("cache_capacity", String(cache_capacity.to_string())),
        ])
    }
}

impl PopSpec {
    /// The POP's cache as a site: a POP always collapses concurrent misses.
    pub fn site(&self) -> CacheSite {
        CacheSite {
            policy: self.cache_policy,
            capacity: self.cache_capacity.0,
            location: self.location(),
            collapses: true,
        }
    }

    /// The POP's position.
    pub fn location(&self) -> LatLon {
        LatLon {
            lat: self.lat,
            lon: self.lon,
        }
    }

    /// Checks one POP at `path`.
    pub fn check(&self, path: &str) -> Checked {
        check_cache_site(
            path,
            self.lat,
            self.lon,
            self.cache_capacity,
            self.cache_policy,
        )?;
        if let Some(rps) = self.capacity_rps {
            check::positive(&format!("{path}.capacity_rps"), rps)?;
        }
        if let Some(gbps) = self.capacity_gbps {
            check::positive(&format!("{path}.capacity_gbps"), gbps)?;
        }
        Ok(())
    }
}

/// Where routing sent a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    /// The POP that takes it, or `None` when every POP is down or full.
    pub pop: Option<u16>,
    /// The POP the request is accounted to: the serving POP, or the nearest one.
    pub accounted_pop: u16,
    /// Round trip between the region and the accounted POP.
    pub rtt: Nanos,
    /// Whether a closer POP was passed over.
    pub shed: bool,
}

/// A token bucket: refilled at a rate, holding at most `burst`.
struct Bucket {
    /// Units per nanosecond, or infinite for no limit.
    refill_per_ns: f64,
    burst: f64,
    tokens: f64,
    last_refill: Nanos,
}

impl Bucket {
    /// A bucket refilled at `per_sec` that holds a tenth of a second of it (at least
    /// `least`), full at the start.
    fn new(per_sec: f64, least: f64) -> Self {
        let burst = (per_sec / 10.0).max(least);
        Bucket {
            refill_per_ns: per_sec / SEC as f64,
            burst,
            tokens: burst,
            last_refill: 0,
        }
    }

    /// Refills to `now`; whether `amount` may be taken. An amount above the burst may be
    /// taken from a full bucket, which then owes the rest: the long-run rate still holds.
    fn ready(&mut self, now: Nanos, amount: f64) -> bool {
        if self.refill_per_ns.is_infinite() {
            return true;
        }
        let elapsed = now.saturating_sub(self.last_refill) as f64;
        self.tokens = (self.tokens + elapsed * self.refill_per_ns).min(self.burst);
        self.last_refill = now;
        self.tokens >= amount.min(self.burst)
    }

    fn take(&mut self, amount: f64) {
        if self.refill_per_ns.is_finite() {
            self.tokens -= amount;
        }
    }
}

struct PopState {
    /// Neither capacity is limited: the common case, decided without the buckets.
    unlimited: bool,
    /// Requests.
    requests: Bucket,
    /// Response bytes.
    bytes: Bucket,
    outages: Vec<(Nanos, Nanos)>,
}

impl PopState {
    fn up(&self, now: Nanos) -> bool {
        !self.outages.iter().any(|&(s, e)| s <= now && now < e)
    }

    /// Takes one request of `bytes` response bytes if both its rate and its bandwidth
    /// allow it.
    #[inline]
    fn take(&mut self, now: Nanos, bytes: u64) -> bool {
        if self.unlimited {
            return true;
        }
        let bytes = bytes as f64;
        let ok = self.requests.ready(now, 1.0) && self.bytes.ready(now, bytes);
        if ok {
            self.requests.take(1.0);
            self.bytes.take(bytes);
        }
        ok
    }
}

/// The POPs of one run and how each region reaches them.
pub struct Topology {
    pops: Vec<PopState>,
    /// Per region: POP indices with their RTTs, nearest first.
    rankings: Vec<Vec<(u16, Nanos)>>,
    /// Per region, with latency routing: the cumulative shares of the POPs within the
    /// margin, by their place in the ranking; empty when the nearest takes everyone.
    spread: Vec<Vec<(f64, usize)>>,
}

impl Topology {
    /// Builds the rankings for regions at `regions`, over the POPs `serving` marks (those in
    /// the distribution's price class).
    pub fn new(
        net: &NetworkSpec,
        pops: &[PopSpec],
        serving: &[bool],
        regions: &[LatLon],
        outages: &[(u16, Nanos, Nanos)],
    ) -> Self {
        let states = pops
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let rps = p.capacity_rps.unwrap_or(f64::INFINITY);
                let bytes_per_sec = p.capacity_gbps.map_or(f64::INFINITY, |g| g * 1e9 / 8.0);
                PopState {
                    unlimited: rps.is_infinite() && bytes_per_sec.is_infinite(),
                    requests: Bucket::new(rps, 1.0),
                    bytes: Bucket::new(bytes_per_sec, 1.0),
                    outages: outages
                        .iter()
                        .filter(|o| usize::from(o.0) == i)
                        .map(|&(_, start, end)| (start, end))
                        .collect(),
                }
            })
            .collect();
        let rankings: Vec<Vec<(u16, Nanos)>> = regions
            .iter()
            .map(|&r| {
                let mut ranked: Vec<(u16, Nanos)> = pops
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| serving[i])
                    .map(|(i, p)| (i as u16, net.rtt(r, p.location())))
                    .collect();
                // Stable sort: equal RTTs keep file order, so ties are deterministic.
                ranked.sort_by_key(|&(_, rtt)| rtt);
                ranked
            })
            .collect();
        let spread = rankings
            .iter()
            .map(|ranked| match (net.routing, ranked.first()) {
                (geo::Routing::Latency, Some(&(_, best))) => {
                    let within: Vec<(usize, f64)> = (ranked.iter().enumerate())
                        .take_while(|(_, &(_, rtt))| rtt <= best + net.routing_margin.0)
                        .map(|(i, &(_, rtt))| (i, 1.0 / rtt.max(1) as f64))
                        .collect();
                    let total: f64 = within.iter().map(|w| w.1).sum();
                    let mut sum = 0.0;
                    let shares = within.iter().map(|&(i, w)| {
                        sum += w / total;
                        (sum, i)
                    });
                    let shares: Vec<(f64, usize)> = shares.collect();
                    if shares.len() > 1 {
                        shares
                    } else {
                        Vec::new()
                    }
                }
                _ => Vec::new(),
            })
            .collect();
        Topology {
            pops: states,
            rankings,
            spread,
        }
    }

    /// Whether `pop` is in the distribution's price class `class`: by its own
    /// `price_class`, else its metro's; `None` when neither is known.
    pub fn in_class(pop: &PopSpec, class: crate::data::PriceClass) -> Option<bool> {
        let own = pop
            .price_class
            .or_else(|| crate::data::metro_of_pop(&pop.code).map(|m| m.price_class));
        own.map(|c| c <= class)
    }

    /// The POPs of `region`, nearest first, with their RTTs.
    pub fn ranking(&self, region: u16) -> &[(u16, Nanos)] {
        &self.rankings[region as usize]
    }

    /// Whether some POP has a bandwidth capacity, so routing needs each response's size.
    pub fn limits_bandwidth(&self) -> bool {
        self.pops.iter().any(|p| p.bytes.refill_per_ns.is_finite())
    }

    /// Routes one request from `region` at time `now` whose response carries `bytes`,
    /// taking a request and its bytes from the POP's capacities. With latency routing,
    /// `pick` (a uniform 64-bit hash of the request) chooses the POP within the margin;
    /// when that POP is down or full, the request goes down the ranking as with `nearest`.
    #[inline]
    pub fn route(&mut self, region: u16, now: Nanos, bytes: u64, pick: u64) -> Route {
        let ranking = &self.rankings[region as usize];
        let spread = &self.spread[region as usize];
        if !spread.is_empty() {
            let u = (pick >> 11) as f64 / (1u64 << 53) as f64;
            let k = spread
                .iter()
                .position(|s| u < s.0)
                .unwrap_or(spread.len() - 1);
            let (pop, rtt) = ranking[spread[k].1];
            if let Some(r) = serve(&mut self.pops, pop, rtt, now, bytes, false) {
                return r;
            }
        }
        for (n, &(pop, rtt)) in ranking.iter().enumerate() {
            if let Some(r) = serve(&mut self.pops, pop, rtt, now, bytes, n > 0) {
                return r;
            }
        }
        let (nearest, rtt) = ranking[0];
        Route {
            pop: None,
            accounted_pop: nearest,
            rtt,
            shed: false,
        }
    }
}

/// The route to `pop` if it is up and its capacities take a request of `bytes` at `now`.
#[inline]
fn serve(
    pops: &mut [PopState],
    pop: u16,
    rtt: Nanos,
    now: Nanos,
    bytes: u64,
    shed: bool,
) -> Option<Route> {
    let state = &mut pops[pop as usize];
    (state.up(now) && state.take(now, bytes)).then_some(Route {
        pop: Some(pop),
        accounted_pop: pop,
        rtt,
        shed,
    })
}

#[cfg(test)]
mod tests;
