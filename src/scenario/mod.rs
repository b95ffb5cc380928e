//! The scenario file: its serde types, defaults, validation and the resolved form.
//!
//! Loading is two-phase. Serde types with `deny_unknown_fields` and defaults read the
//! file; then [`Scenario::new`] checks every rule that spans fields or refers to names,
//! fills defaults that depend on other settings, and returns a [`Scenario`] that the
//! simulation can trust. Each domain module owns its own settings type; this module only
//! composes them. `scenarios/reference.toml` documents every key, and a test keeps it in
//! step with the defaults here.

pub mod bounds;
mod load;
mod overrides;
mod plan;
mod resolve;
mod validate;
mod warnings;

pub use load::{line_of, load_file, load_str, Overrides, ScenarioError};
pub use overrides::{apply_override, parse_path, OverrideError};
pub use plan::{Counting, Plan};

use crate::behavior::{BehaviorSpec, Behaviors};
use crate::check::Invalid;
use crate::fault::FaultPlan;
pub use crate::fault::FaultSpec;
use crate::origin::{OriginGroupSpec, OriginSpec};
use crate::protocol::Distribution;
use crate::signing::KeyRefs;
use crate::topology::geo::NetworkSpec;
use crate::topology::{PopSpec, RegionalCacheSpec};
use crate::units::{Duration, Nanos};
use crate::workload::dist::Sampler;
use crate::workload::{Catalog, ClassSpec, RegionSpec, TraceIndex, WorkloadSpec};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The request log's file format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogFormat {
    /// `requests.csv`, with the simulator's own fields.
    #[default]
    #[serde(rename = "csv")]
    Csv,
    /// `requests.log`, CloudFront's standard log.
    #[serde(rename = "w3c")]
    W3c,
    /// `requests.log.gz`, the same compressed, as CloudFront delivers it.
    #[serde(rename = "w3c.gz")]
    W3cGz,
}

/// The built-in default scenario, embedded so `edgesim run` works from any directory.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/default.toml");

/// A scenario file as written, with defaults filled in by serde.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Name; results go to `output/<name>/` by default.
    pub name: String,
    /// Seed of every random stream.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Simulated time during which requests arrive, warm-up included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
    /// Or: the number of requests to count, warm-up excluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<u64>,
    /// Leading part of the run that warms the caches but is not counted.
    #[serde(default)]
    pub warmup: Warmup,
    /// Width of a `timeseries.csv` row.
    #[serde(default = "default_interval")]
    pub interval: Duration,
    /// Share of counted requests written to `requests.csv` (0 writes no log).
    #[serde(default)]
    pub log_sample_rate: f64,
    /// The request log's format: `csv` (`requests.csv`), or CloudFront's standard-log
    /// format, `w3c` (`requests.log`) or `w3c.gz` (`requests.log.gz`).
    #[serde(default)]
    pub log_format: LogFormat,
    /// Latency model.
    #[serde(default)]
    pub network: NetworkSpec,
    /// Requests.
    pub workload: WorkloadSpec,
    /// Client regions.
    pub regions: Vec<RegionSpec>,
    /// Edge POPs.
    pub pops: Vec<PopSpec>,
    /// Origins.
    pub origins: Vec<OriginSpec>,
    /// Origin groups: a primary and a secondary origin with failover between them.
    #[serde(default)]
    pub origin_groups: Vec<OriginGroupSpec>,
    /// Regional edge caches (and origin shields).
    #[serde(default)]
    pub regional_caches: Vec<RegionalCacheSpec>,
    /// Quota of cache behaviors besides the default (CloudFront's default quota is 75).
    #[serde(default = "default_max_behaviors")]
    pub max_behaviors: usize,
    /// Cache behaviors, tried in order; the first whose pattern matches wins.
    #[serde(default)]
    pub behaviors: Vec<BehaviorSpec>,
    /// The behavior for requests no other behavior matches.
    #[serde(default)]
    pub default_behavior: BehaviorSpec,
    /// Caching choices the documentation leaves open, and error caching.
    #[serde(default)]
    pub caching: CachingSpec,
    /// Distribution-wide viewer settings: security policy, HTTP versions, 0-RTT.
    #[serde(default)]
    pub distribution: crate::protocol::DistributionSpec,
    /// Public keys for signed URLs and cookies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_keys: Vec<crate::signing::PublicKeySpec>,
    /// Trusted key groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_groups: Vec<crate::signing::KeyGroupSpec>,
    /// Signing quotas and the edge's clock.
    #[serde(default)]
    pub signing: crate::signing::SigningSpec,
    /// Per-status error caching times (CloudFront's CustomErrorResponses).
    #[serde(default)]
    pub custom_error_responses: Vec<ErrorResponseSpec>,
    /// Injected failures.
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
    /// Invalidations: paths whose cached copies are removed from every tier at a moment.
    #[serde(default)]
    pub invalidations: Vec<crate::invalidation::InvalidationSpec>,
    /// How the month's bill is computed: prices, free tier, the month's volume.
    #[serde(default)]
    pub cost: crate::cost::CostSpec,
}

fn default_seed() -> u64 {
    1
}

fn default_max_behaviors() -> usize {
    crate::behavior::DEFAULT_MAX_BEHAVIORS
}

/// Distribution-wide caching settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CachingSpec {
    /// How long an error response is cached when `custom_error_responses` does not say
    /// (CloudFront's ErrorCachingMinTTL default, cloudfront.md §1.10).
    pub error_caching_min_ttl: Duration,
    /// Result type of a revalidation answered with a new body (200): `"miss"` or
    /// `"refresh_hit"`. The documentation defines RefreshHit only for 304; real logs show
    /// both (cloudfront.md §1.8).
    pub revalidated_200: Revalidated200,
    /// Whether regional caches collapse concurrent misses as POPs do (cloudfront.md §2.5
    /// documents it for POPs and the shield; for regional caches it is assumed).
    pub collapse_at_regional: bool,
    /// When the primary of an origin group fails and the cache holds an expired copy that
    /// could be served stale: try the secondary first (`"failover_first"`, cloudfront.md
    /// §3.4's assumption) or serve the stale copy at once (`"stale_first"`).
    pub failover_order: FailoverOrder,
    /// How caches start: `"empty"`, or `"popularity"`: filled as a long-running cache
    /// would be under the workload's popularity law.
    pub prefill: Prefill,
}

/// See [`CachingSpec::prefill`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Prefill {
    /// Every cache starts empty.
    #[default]
    Empty,
    /// Every cache starts holding what the popularity law says it would hold.
    Popularity,
}

/// See [`CachingSpec::failover_order`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FailoverOrder {
    /// Fail over, and serve stale only if the secondary fails too.
    #[default]
    FailoverFirst,
    /// Serve the stale copy without trying the secondary.
    StaleFirst,
}

impl Default for CachingSpec {
    fn default() -> Self {
        CachingSpec {
            error_caching_min_ttl: Duration(10_000_000_000),
            revalidated_200: Revalidated200::Miss,
            collapse_at_regional: true,
            failover_order: FailoverOrder::FailoverFirst,
            prefill: Prefill::Empty,
        }
    }
}

/// How a 200 answer to a revalidation is logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Revalidated200 {
    /// As a miss: the body came from the origin.
    Miss,
    /// As a refresh hit: the cached copy was checked with the origin.
    RefreshHit,
}

/// Error caching time for one status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorResponseSpec {
    /// The HTTP status: one CloudFront allows custom error responses for (400, 403, 404,
    /// 405, 414, 416, 500, 501, 502, 503, 504).
    pub error_code: u16,
    /// How long responses with this status are cached.
    pub error_caching_min_ttl: Duration,
}

fn default_interval() -> Duration {
    Duration(10_000_000_000)
}

/// A warm-up: a span of simulated time (`"60s"`) or a number of requests (`50000`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Warmup {
    /// Requests arriving before this time are not counted.
    Time(Duration),
    /// The first this-many requests are not counted.
    Requests(u64),
}

impl Default for Warmup {
    fn default() -> Self {
        Warmup::Time(Duration(0))
    }
}

impl<'de> Deserialize<'de> for Warmup {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Count(u64),
            Text(String),
        }
        let expected = || {
            format!(
                "expected {} or a request count",
                crate::units::DURATION_HELP
            )
        };
        match Raw::deserialize(d).map_err(|_| serde::de::Error::custom(expected()))? {
            Raw::Count(n) => Ok(Warmup::Requests(n)),
            Raw::Text(t) => Duration::parse(&t).map(Warmup::Time).ok_or_else(|| {
                serde::de::Error::custom(format!("invalid value {t:?}: {}", expected()))
            }),
        }
    }
}

/// A scenario that passed validation, with every default resolved.
#[derive(Clone, Debug)]
pub struct Scenario {
    spec: ScenarioSpec,
    end: End,
    faults: FaultPlan,
    keys: KeyRefs,
    distribution: Distribution,
    /// What the one pass over a trace workload's file learned.
    trace: Option<Shared<TraceIndex>>,
    /// The object catalog of the path classes, before a trace numbers its objects.
    catalog: Shared<Catalog>,
    /// Per origin: its service-time distribution.
    services: Vec<Sampler>,
    behaviors: Behaviors,
    pop_regional: Vec<Option<u16>>,
    origin_shield: Vec<Option<u16>>,
    groups: Vec<Group>,
    plan: Plan,
    /// The price list of `[cost]`.
    pricing: Shared<crate::cost::Pricing>,
}

impl ScenarioSpec {
    /// A scenario of these classes, regions, POPs and origins, with every other setting at
    /// its default. It runs once `duration` or `requests` is set; [`Scenario::new`] checks it.
    pub fn new(
        name: &str,
        classes: Vec<ClassSpec>,
        regions: Vec<RegionSpec>,
        pops: Vec<PopSpec>,
        origins: Vec<OriginSpec>,
    ) -> Self {
        use toml::Value::{Array, String, Table};
        let workload = Table(toml::Table::from_iter([("classes".into(), Array(vec![]))]));
        let mut spec: ScenarioSpec = crate::check::with_defaults(&[
            ("name", String(name.into())),
            ("workload", workload),
            ("regions", Array(vec![])),
            ("pops", Array(vec![])),
            ("origins", Array(vec![])),
        ]);
        spec.workload.classes = classes;
        spec.regions = regions;
        spec.pops = pops;
        spec.origins = origins;
        spec
    }
}

/// What loading built once and the scenario's clones share.
#[derive(Debug)]
struct Shared<T>(Arc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

/// Two scenarios are equal when their settings are: everything else is resolved from them
/// (a trace workload's index from the file they name).
impl PartialEq for Scenario {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

/// When a run stops generating requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// No request arrives at or after this simulated time.
    At(Nanos),
    /// Once this many counted requests have been generated (or the trace ends).
    Counted(u64),
}

/// Where a behavior sends its misses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// One origin, by index.
    Origin(u16),
    /// An origin group, by index.
    Group(u16),
}

/// A resolved origin group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Origin index of the primary.
    pub primary: u16,
    /// Origin index of the secondary.
    pub secondary: u16,
    /// Primary statuses that send a request to the secondary.
    pub failover_status_codes: Vec<u16>,
}

impl Scenario {
    /// Validates `spec` and resolves the defaults that depend on other settings.
    pub fn new(mut spec: ScenarioSpec) -> Result<Scenario, Invalid> {
        validate::validate(&spec)?;
        let targets: Vec<&str> = spec
            .origins
            .iter()
            .map(|o| o.name.as_str())
            .chain(spec.origin_groups.iter().map(|g| g.name.as_str()))
            .collect();
        let behaviors = Behaviors::resolve(
            &spec.behaviors,
            &spec.default_behavior,
            &targets,
            spec.max_behaviors,
        )?;
        let groups = resolve::groups(&spec)?;
        let (pop_regional, origin_shield) = resolve::regionals(&spec)?;
        let first = spec.origins[0].name.clone();
        spec.default_behavior.origin.get_or_insert(first);
        let end = match (spec.duration, spec.requests) {
            (Some(d), _) => End::At(d.0),
            (None, Some(n)) => End::Counted(n),
            (None, None) => {
                return Err(Invalid {
                    path: "duration".into(),
                    message: "set `duration` or `requests`".into(),
                })
            }
        };
        let faults = FaultPlan::new(&spec.faults, &resolve::Names(&spec)).map_err(|u| Invalid {
            path: format!("faults[{}].{}", u.fault, u.key),
            message: format!("no such name: {:?}", u.name),
        })?;
        let keys = resolve::key_refs(&spec)?;
        let distribution = spec.distribution.resolve()?;
        let plan = Plan::new(&spec, &distribution);
        let pricing = Shared(Arc::new(spec.cost.pricing()?));
        for (i, p) in spec.pops.iter().enumerate() {
            let region = crate::cost::pricing_region(p);
            crate::check::ensure(
                pricing.0.regions.contains_key(&region),
                || format!("pops[{i}].pricing_region"),
                || {
                    let known: Vec<&String> = pricing.0.regions.keys().collect();
                    format!(
                        "{region:?} is not a pricing region of the price list; it has {known:?}"
                    )
                },
            )?;
        }
        let catalog = Shared(Arc::new(Catalog::new(&spec.workload.classes, spec.seed)?));
        let services = spec
            .origins
            .iter()
            .enumerate()
            .map(|(i, o)| o.service.sampler(&format!("origins[{i}].service")))
            .collect::<Result<_, _>>()?;
        let trace = match &spec.workload.trace {
            Some(t) => Some(Shared(Arc::new(t.index(
                &spec.workload.classes,
                &spec.regions,
                &behaviors,
            )?))),
            None => None,
        };
        Ok(Scenario {
            spec,
            end,
            faults,
            keys,
            distribution,
            catalog,
            services,
            trace,
            behaviors,
            pop_regional,
            origin_shield,
            groups,
            plan,
            pricing,
        })
    }

    /// The price list its bill uses.
    pub fn pricing(&self) -> &crate::cost::Pricing {
        &self.pricing.0
    }

    /// What behavior `b` targets.
    pub fn target(&self, b: &crate::behavior::Behavior) -> Target {
        let n = self.spec.origins.len() as u16;
        if b.target < n {
            Target::Origin(b.target)
        } else {
            Target::Group(b.target - n)
        }
    }

    /// The origin groups, in scenario order.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// What a planner should know before trusting the run, one line each: faults and
    /// flash crowds outside the simulated span, or wholly inside the warm-up.
    pub fn warnings(&self) -> Vec<String> {
        warnings::warnings(&self.spec)
    }

    /// The `[start, end)` windows of every fault and flash crowd, in seconds: the spans in
    /// which results move for reasons other than the caches warming.
    pub fn event_windows(&self) -> Vec<(f64, f64)> {
        let secs = |n: u64| n as f64 / 1e9;
        let faults = self.spec.faults.iter().map(|f| f.window());
        let crowds = self
            .spec
            .workload
            .flash_crowds
            .iter()
            .map(|f| (f.start.0, f.start.0.saturating_add(f.duration.0)));
        faults
            .chain(crowds)
            .map(|(s, e)| (secs(s), secs(e)))
            .collect()
    }

    /// When the run stops generating requests.
    pub fn end(&self) -> End {
        self.end
    }

    /// Per origin: its service-time distribution, ready to draw.
    pub fn origin_services(&self) -> &[Sampler] {
        &self.services
    }

    /// The object catalog of the path classes.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog.0
    }

    /// The distribution's viewer settings, resolved.
    pub fn distribution(&self) -> &Distribution {
        &self.distribution
    }

    /// The key ids of behaviors, key groups and signed classes, resolved.
    pub fn key_refs(&self) -> &KeyRefs {
        &self.keys
    }

    /// The fault schedule resolved per target (origin faults aside).
    pub fn fault_plan(&self) -> &FaultPlan {
        &self.faults
    }

    /// What loading read of the trace workload's file, if the workload is a trace.
    pub fn trace(&self) -> Option<Arc<TraceIndex>> {
        self.trace.as_ref().map(|t| Arc::clone(&t.0))
    }

    /// The validated settings.
    pub fn spec(&self) -> &ScenarioSpec {
        &self.spec
    }

    /// The cache behaviors, the default last.
    pub fn behaviors(&self) -> &Behaviors {
        &self.behaviors
    }

    /// The regional cache of each POP.
    pub fn pop_regional(&self) -> &[Option<u16>] {
        &self.pop_regional
    }

    /// The shield (a regional cache) of each origin.
    pub fn origin_shield(&self) -> &[Option<u16>] {
        &self.origin_shield
    }

    /// How long an error response with `status` is cached, before the origin's max-age.
    pub fn error_caching_min_ttl(&self, status: u16) -> Duration {
        self.spec
            .custom_error_responses
            .iter()
            .find(|e| e.error_code == status)
            .map_or(self.spec.caching.error_caching_min_ttl, |e| {
                e.error_caching_min_ttl
            })
    }

    /// The fully resolved scenario as TOML: running it reproduces this run.
    pub fn resolved_toml(&self) -> String {
        toml::to_string(&self.spec).expect("scenario types serialise to TOML")
    }
}

#[cfg(test)]
mod tests;
