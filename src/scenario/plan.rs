//! The plan: what the engine reads of a scenario, resolved once when the scenario loads.
//!
//! Names are already indices, durations nanoseconds, defaults applied and cross-references
//! checked, so `sim` meets no serde type, no name lookup and no "validated" expectation.
//! Each domain module owns its resolved type (a cache site in `topology`, a region's
//! viewers in `workload`, an origin's timing in `origin`, a signer in `signing`); the plan
//! composes them, and [`Scenario`] builds the models (workload, topology, origins) from
//! their own settings, so the engine never passes a spec type along either.

use super::{FailoverOrder, Prefill, Revalidated200, Scenario, ScenarioSpec, Warmup};
use crate::origin::{Origin, Reach};
use crate::protocol::Distribution;
use crate::topology::geo::LatLon;
use crate::topology::{CacheSite, Topology};
use crate::units::Nanos;
use crate::workload::{RateModel, Viewers, Workload};

/// The resolved settings the engine runs on.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Seed of every random stream.
    pub seed: u64,
    /// Width of one time-series interval.
    pub interval: Nanos,
    /// From which request on results count.
    pub counting: Counting,
    /// A request is logged when its 64-bit hash is below this (`log_sample_rate` scaled).
    pub log_threshold: u64,
    /// The workload is a CloudFront log: every counted request goes to the observer,
    /// sampled or not, to be compared with the log (`calibration.csv`); and a redirect to
    /// HTTPS has no follow-up request, since the log holds the viewer's next request.
    pub cloudfront_log: bool,
    /// Time the edge spends on every request.
    pub edge_processing: Nanos,
    pub revalidated_200: Revalidated200,
    pub prefill: Prefill,
    /// Whether a stale copy is served before failing over (`failover_order = stale_first`).
    pub stale_first: bool,
    /// The number of POPs: sites `0..pops` are POPs, the rest regional caches.
    pub pops: usize,
    /// Every cache site: the POPs, then the regional caches.
    pub sites: Vec<CacheSite>,
    /// Per client region: its viewers.
    pub regions: Vec<Viewers>,
    /// Per origin: how the edge reaches it.
    pub origins: Vec<Reach>,
    /// Per site: half the round trip to every site, then to every origin.
    pub half_rtt: Vec<Vec<Nanos>>,
}

/// From when a run's requests count (the end of the warm-up).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counting {
    /// Requests arriving at or after this simulated time.
    From(Nanos),
    /// Requests after this many have arrived.
    After(u64),
}

impl Plan {
    pub(super) fn new(s: &ScenarioSpec, distribution: &Distribution) -> Plan {
        let collapse = s.caching.collapse_at_regional;
        Plan {
            seed: s.seed,
            interval: s.interval.0,
            counting: match s.warmup {
                Warmup::Time(w) => Counting::From(w.0),
                Warmup::Requests(n) => Counting::After(n),
            },
            log_threshold: (s.log_sample_rate * u64::MAX as f64) as u64,
            cloudfront_log: s.workload.trace.as_ref().is_some_and(|t| t.is_cloudfront()),
            edge_processing: s.network.edge_processing.0,
            revalidated_200: s.caching.revalidated_200,
            prefill: s.caching.prefill,
            stale_first: s.caching.failover_order == FailoverOrder::StaleFirst,
            pops: s.pops.len(),
            sites: (s.pops.iter().map(|p| p.site()))
                .chain(s.regional_caches.iter().map(|r| r.site(collapse)))
                .collect(),
            regions: s.regions.iter().map(|r| r.viewers(distribution)).collect(),
            origins: s.origins.iter().map(|o| o.reach()).collect(),
            half_rtt: half_rtts(s),
        }
    }
}

/// Per cache site: half the round trip to every site, then to every origin.
fn half_rtts(s: &ScenarioSpec) -> Vec<Vec<Nanos>> {
    let places: Vec<LatLon> = (s.pops.iter().map(|p| p.location()))
        .chain(s.regional_caches.iter().map(|r| r.location()))
        .collect();
    let origins = s.origins.iter().map(|o| o.location());
    let every: Vec<LatLon> = places.iter().copied().chain(origins).collect();
    (places.iter())
        .map(|&a| every.iter().map(|&b| s.network.rtt(a, b) / 2).collect())
        .collect()
}

impl Scenario {
    /// The resolved settings the engine runs on.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// A fresh workload generator: the arrivals of one run.
    pub fn workload(&self) -> Workload {
        let s = &self.spec;
        let catalog = self.catalog().clone();
        Workload::new(&s.workload, &s.regions, s.seed, catalog, self.trace())
    }

    /// The arrival-rate curves of the client regions.
    pub fn rate_model(&self) -> RateModel {
        RateModel::new(&self.spec.workload, &self.spec.regions)
    }

    /// The POPs and their routing, with the POP outages of the fault plan.
    pub fn topology(&self) -> Topology {
        let s = &self.spec;
        let regions: Vec<LatLon> = self.plan.regions.iter().map(|r| r.location).collect();
        let outages: Vec<_> = (self.faults.pop_outages.iter())
            .map(|o| (o.site, o.start, o.end))
            .collect();
        let class = s.distribution.price_class;
        let serving: Vec<bool> = (s.pops.iter())
            .map(|p| Topology::in_class(p, class).unwrap_or(true))
            .collect();
        Topology::new(&s.network, &s.pops, &serving, &regions, &outages)
    }

    /// Fresh origin servers, each with its service times and its faults.
    pub fn origins(&self) -> Vec<Origin> {
        let s = &self.spec;
        (s.origins
            .iter()
            .zip(&self.services)
            .zip(&self.faults.origins))
        .map(|((o, &service), faults)| {
            Origin::new(o, service, s.seed, s.interval.0).with_faults(faults.clone())
        })
        .collect()
    }
}
