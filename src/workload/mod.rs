//! Client workload: regions, arrival processes, the object catalog and path classes.
//!
//! Requests are produced lazily, one arrival at a time, so memory does not grow with
//! the number of requests. An arrival's time is the moment it reaches the edge; the
//! viewer's half round trip before it is added to its latency by the simulation.

mod arrivals;
mod catalog;
pub mod dist;
pub mod response;
mod trace;

pub use arrivals::{Focus, RateModel};
pub use catalog::{Catalog, Law};
pub use trace::{TraceIndex, TraceSpec};

use crate::cache::ObjectId;
use crate::check::{self, ensure, Checked};
use crate::engine::{stream, Stream};
use crate::protocol::{Method, MethodMix};
use crate::units::{Bytes, Duration, Nanos};
use dist::Dist;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A population of clients in one place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    /// Unique name, used in reports.
    pub name: String,
    /// Latitude of the population's centre, in degrees.
    pub lat: f64,
    /// Longitude of the population's centre, in degrees.
    pub lon: f64,
    /// Share of all requests; the shares of all regions sum to 1.
    pub share: f64,
    /// A multiplier on this region's rate (its share is unchanged): `2` doubles what the
    /// region sends, so "twice the traffic in Asia" is one setting.
    #[serde(default = "one")]
    pub traffic: f64,
    /// Local time offset from UTC in hours, for the diurnal curve.
    #[serde(default)]
    pub utc_offset_hours: f64,
    /// Access-network round trip added to every request (last-mile latency).
    #[serde(default = "default_last_mile")]
    pub last_mile: Duration,
    /// Mean of an exponential extra delay per request (last-mile jitter).
    #[serde(default = "default_jitter")]
    pub jitter: Duration,
    /// Daily rate curve.
    #[serde(default)]
    pub diurnal: Diurnal,
    /// The clients' schemes, HTTP and TLS versions and connection reuse.
    #[serde(default)]
    pub protocols: crate::protocol::ProtocolMix,
    /// The clients' download bandwidth, megabits per second: what a body's transfer takes
    /// after slow start.
    #[serde(default = "default_bandwidth")]
    pub bandwidth_mbps: f64,
}

fn one() -> f64 {
    1.0
}

fn default_bandwidth() -> f64 {
    50.0
}

fn default_last_mile() -> Duration {
    Duration(5_000_000)
}

fn default_jitter() -> Duration {
    Duration(2_000_000)
}

/// A cosine daily curve: rate × (1 + amplitude × cos(2π (local hour − peak hour) / 24)).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Diurnal {
    /// 0 gives a flat rate; 0.5 swings between half and one and a half times the mean.
    pub amplitude: f64,
    /// Local hour (0–24) of the peak.
    pub peak_hour: f64,
}

impl Default for Diurnal {
    fn default() -> Self {
        Diurnal {
            amplitude: 0.0,
            peak_hour: 20.0,
        }
    }
}

/// A class of URLs (`/images/*`) with its own popularity, sizes and methods.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassSpec {
    /// Unique name, used in reports.
    pub name: String,
    /// URL path prefix of the class's objects, such as `/images/`. An object's path is
    /// the prefix, its popularity rank, then the suffix: `/images/42.jpg`.
    pub prefix: String,
    /// Ending of the class's paths, such as `.jpg`.
    #[serde(default)]
    pub suffix: String,
    /// Share of requests that go to this class; the shares of all classes sum to 1.
    pub share: f64,
    /// Number of distinct objects in the class.
    pub objects: u64,
    /// Zipf exponent of the class's popularity (0 is uniform).
    #[serde(default = "default_zipf")]
    pub zipf_exponent: f64,
    /// Object size distribution; each object's size is a fixed function of its id.
    #[serde(default = "default_size")]
    pub size: Dist<Bytes>,
    /// Sizes drawn above this are cut to it.
    #[serde(default = "default_max_size")]
    pub max_size: Bytes,
    /// Request methods.
    #[serde(default)]
    pub methods: MethodMix,
    /// Body bytes of each PUT, POST or PATCH request, which the edge forwards to the
    /// origin: billed as data transfer out to origin. It adds no upload time.
    #[serde(default)]
    pub request_body: Bytes,
    /// What the origin sends back.
    #[serde(default)]
    pub response: response::ResponseSpec,
    /// Private content: how this class's requests are signed. Absent: not signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<crate::signing::SignedSpec>,
}

fn default_zipf() -> f64 {
    0.9
}

fn default_size() -> Dist<Bytes> {
    Dist::Lognormal {
        median: Bytes(32 << 10),
        sigma: 1.0,
    }
}

fn default_max_size() -> Bytes {
    // CloudFront's largest cacheable object (cloudfront.md §6).
    Bytes(50_000_000_000)
}

/// A window in which some regions send `multiplier` times their usual rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlashCrowdSpec {
    /// When it starts, from the beginning of the run.
    pub start: Duration,
    /// How long it lasts.
    pub duration: Duration,
    /// Rate multiplier inside the window.
    pub multiplier: f64,
    /// Regions affected, by name; empty means all.
    #[serde(default)]
    pub regions: Vec<String>,
    /// When above 0, the extra requests go uniformly to this many of each class's most
    /// popular objects, as when one page goes viral.
    #[serde(default)]
    pub top_objects: u64,
}

/// Everything about the requests clients make.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadSpec {
    /// Mean requests per second over all regions, before diurnal and flash-crowd changes.
    #[serde(default = "default_rate")]
    pub rate: f64,
    /// A multiplier on every region's rate, on top of each region's own `traffic`.
    #[serde(default = "one")]
    pub traffic: f64,
    /// UTC hour (0–24) at simulated time zero, which places the diurnal curves.
    #[serde(default)]
    pub start_hour_utc: f64,
    /// URL path classes.
    pub classes: Vec<ClassSpec>,
    /// Flash crowds.
    #[serde(default)]
    pub flash_crowds: Vec<FlashCrowdSpec>,
    /// Requests read from a trace instead of generated (then `rate`, the diurnal curves,
    /// the flash crowds and each class's `objects`, `zipf_exponent` and `size` are not
    /// used); absent: generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<TraceSpec>,
}

fn default_rate() -> f64 {
    1000.0
}

impl RegionSpec {
    /// Clients at `lat`, `lon` sending `share` of the requests, with every other setting
    /// at its default.
    pub fn new(name: &str, lat: f64, lon: f64, share: f64) -> Self {
        use toml::Value::{Float, String};
        check::with_defaults(&[
            ("name", String(name.into())),
            ("lat", Float(lat)),
            ("lon", Float(lon)),
            ("share", Float(share)),
        ])
    }
}

/// A region's viewers as the engine sees them: where they are, their access network, and
/// the protocols they speak.
#[derive(Clone, Debug)]
pub struct Viewers {
    pub location: crate::topology::geo::LatLon,
    /// Last-mile round trip, ns.
    pub last_mile: Nanos,
    /// Mean of the exponential last-mile jitter, ns.
    pub jitter_mean: f64,
    /// Transfer time of a byte at the region's bandwidth, ns.
    pub ns_per_byte: f64,
    pub protocols: crate::protocol::ProtocolSampler,
}

impl RegionSpec {
    /// The region's viewers, under the distribution's viewer settings.
    pub fn viewers(&self, dist: &crate::protocol::Distribution) -> Viewers {
        Viewers {
            location: self.location(),
            last_mile: self.last_mile.0,
            jitter_mean: self.jitter.0 as f64,
            ns_per_byte: 8_000.0 / self.bandwidth_mbps,
            protocols: crate::protocol::ProtocolSampler::new(&self.protocols, dist),
        }
    }

    /// The region's position.
    pub fn location(&self) -> crate::topology::geo::LatLon {
        crate::topology::geo::LatLon {
            lat: self.lat,
            lon: self.lon,
        }
    }

    /// Checks one region at `path`.
    pub fn check(&self, path: &str) -> Checked {
        check::lat_lon(path, self.lat, self.lon)?;
        check::within(&format!("{path}.share"), self.share, 0.0, 1.0)?;
        check::within(&format!("{path}.traffic"), self.traffic, 0.0, 1000.0)?;
        self.protocols.check(&format!("{path}.protocols"))?;
        check::positive(&format!("{path}.bandwidth_mbps"), self.bandwidth_mbps)?;
        check::within(
            &format!("{path}.utc_offset_hours"),
            self.utc_offset_hours,
            -12.0,
            14.0,
        )?;
        check::within(
            &format!("{path}.diurnal.amplitude"),
            self.diurnal.amplitude,
            0.0,
            0.99,
        )?;
        check::within(
            &format!("{path}.diurnal.peak_hour"),
            self.diurnal.peak_hour,
            0.0,
            24.0,
        )
    }
}

impl WorkloadSpec {
    /// Region `r`'s mean rate, requests per second, before diurnal and flash-crowd changes:
    /// `rate × traffic × r.share × r.traffic`.
    pub fn region_rate(&self, r: &RegionSpec) -> f64 {
        self.rate * self.traffic * r.share * r.traffic
    }

    /// The mean rate over all `regions`, requests per second: `rate` unless some `traffic`
    /// multiplier is not 1.
    pub fn mean_rate(&self, regions: &[RegionSpec]) -> f64 {
        regions.iter().map(|r| self.region_rate(r)).sum()
    }

    /// Checks the workload; `regions` are the names flash crowds may refer to.
    pub fn check(&self, regions: &[RegionSpec]) -> Checked {
        check::positive("workload.rate", self.rate)?;
        check::within("workload.traffic", self.traffic, 0.0, 1000.0)?;
        ensure(
            self.trace.is_some() || self.mean_rate(regions) > 0.0,
            || "workload.traffic".into(),
            || "with every traffic multiplier at 0 no request is sent: make one above 0".into(),
        )?;
        check::within("workload.start_hour_utc", self.start_hour_utc, 0.0, 24.0)?;
        ensure(
            !self.classes.is_empty(),
            || "workload.classes".into(),
            || "at least one path class is required".into(),
        )?;
        for (i, c) in self.classes.iter().enumerate() {
            let path = format!("workload.classes[{i}]");
            let earlier = self.classes[..i].iter().map(|c| c.name.as_str());
            check::unique_name(&format!("{path}.name"), &c.name, earlier)?;
            c.check(&path)?;
        }
        check::shares_sum_to_one(
            "workload.classes[*].share",
            self.classes.iter().map(|c| c.share),
        )?;
        let total: u64 = self
            .classes
            .iter()
            .map(|c| c.objects)
            .fold(0, u64::saturating_add);
        ensure(
            total < 1 << 53,
            || "workload.classes[*].objects".into(),
            || format!("the catalog may hold at most 2^53 objects, got {total}"),
        )?;
        for (i, f) in self.flash_crowds.iter().enumerate() {
            let path = format!("workload.flash_crowds[{i}]");
            check::positive(&format!("{path}.multiplier"), f.multiplier)?;
            ensure(
                f.duration.0 > 0,
                || format!("{path}.duration"),
                || "must be longer than zero".into(),
            )?;
            for (j, r) in f.regions.iter().enumerate() {
                ensure(
                    regions.iter().any(|x| &x.name == r),
                    || format!("{path}.regions[{j}]"),
                    || {
                        let known: Vec<_> = regions.iter().map(|x| x.name.as_str()).collect();
                        format!("no region is named {r:?}; regions are {known:?}")
                    },
                )?;
            }
        }
        match &self.trace {
            Some(t) => t.check(),
            None => Ok(()),
        }
    }
}

impl ClassSpec {
    /// `objects` objects under `prefix` drawing `share` of the requests, with every other
    /// setting at its default.
    pub fn new(name: &str, prefix: &str, share: f64, objects: u64) -> Self {
        use toml::Value::{Float, Integer, String};
        check::with_defaults(&[
            ("name", String(name.into())),
            ("prefix", String(prefix.into())),
            ("share", Float(share)),
            ("objects", Integer(objects.min(i64::MAX as u64) as i64)),
        ])
    }
}

impl ClassSpec {
    fn check(&self, path: &str) -> Checked {
        if let Some(signed) = &self.signed {
            signed.check(&format!("{path}.signed"))?;
        }
        ensure(
            self.prefix.starts_with('/'),
            || format!("{path}.prefix"),
            || format!("must start with '/', got {:?}", self.prefix),
        )?;
        for (key, text) in [("prefix", &self.prefix), ("suffix", &self.suffix)] {
            let bad = text
                .chars()
                .find(|c| !c.is_ascii_graphic() || "?#%".contains(*c));
            ensure(
                bad.is_none(),
                || format!("{path}.{key}"),
                || {
                    format!(
                        "{:?} cannot appear in a URL path here (no spaces, '?', '#' or '%')",
                        bad.unwrap_or(' ')
                    )
                },
            )?;
        }
        ensure(
            self.prefix.len() + self.suffix.len() <= MAX_AFFIXES,
            || format!("{path}.prefix"),
            || format!("prefix and suffix together may have at most {MAX_AFFIXES} characters"),
        )?;
        self.response.resolve(&format!("{path}.response"))?;
        check::within(&format!("{path}.share"), self.share, 0.0, 1.0)?;
        ensure(
            self.objects > 0,
            || format!("{path}.objects"),
            || "must be at least 1".into(),
        )?;
        check::within(
            &format!("{path}.zipf_exponent"),
            self.zipf_exponent,
            0.0,
            10.0,
        )?;
        self.size.sampler(&format!("{path}.size"))?;
        ensure(
            self.max_size.0 > 0,
            || format!("{path}.max_size"),
            || "must be larger than 0B".into(),
        )?;
        let weights = self.methods.weights();
        for (m, w) in Method::ALL.iter().zip(weights) {
            let key = format!("{path}.methods.{}", format!("{m:?}").to_lowercase());
            check::within(&key, w, 0.0, 1.0)?;
        }
        check::shares_sum_to_one(&format!("{path}.methods"), weights)
    }
}

/// Longest prefix plus suffix of a class, so that a path always fits [`PATH_BUF`] bytes.
pub const MAX_AFFIXES: usize = 200;
/// Room for any object path: affixes plus a 20-digit rank.
pub const PATH_BUF: usize = MAX_AFFIXES + 20;

/// One request as the workload produces it. Small and `Copy`: ids, not strings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arrival {
    /// When it reaches the edge.
    pub at: Nanos,
    /// 0-based position in the arrival sequence.
    pub index: u64,
    /// Client region index.
    pub region: u16,
    /// Path class index.
    pub class: u16,
    /// Requested object.
    pub object: ObjectId,
    /// Request method.
    pub method: Method,
    /// HTTPS or not, where a trace says (else the region's protocol mix decides).
    pub https: Option<bool>,
}

/// The lazy request generator of one run.
pub struct Workload {
    rates: RateModel,
    catalog: Catalog,
    arrivals: Stream,
    objects: Stream,
    methods: Stream,
    next_index: u64,
    /// The trace being played, when the workload is a trace.
    trace: Option<trace::TraceFeed>,
}

impl Workload {
    /// A generator for a validated workload that draws from `catalog`; `trace` is what
    /// loading read of its trace.
    pub fn new(
        spec: &WorkloadSpec,
        regions: &[RegionSpec],
        seed: u64,
        mut catalog: Catalog,
        trace: Option<Arc<TraceIndex>>,
    ) -> Self {
        let trace = trace.map(|index| {
            let offsets = catalog.take_trace_objects(&index.sizes);
            trace::TraceFeed::new(index, offsets, regions, seed)
        });
        Workload {
            rates: RateModel::new(spec, regions),
            catalog,
            arrivals: stream(seed, "workload/arrivals"),
            objects: stream(seed, "workload/objects"),
            methods: stream(seed, "workload/methods"),
            next_index: 0,
            trace,
        }
    }

    /// Why a trace workload stopped before its end, if it did (see
    /// [`trace::TraceFeed::failure`]).
    pub fn failure(&self) -> Option<&str> {
        self.trace.as_ref().and_then(|t| t.failure())
    }

    /// The catalog requests draw from.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The next request, at or after the previous one's time; `None` when a trace ends.
    pub fn next_arrival(&mut self) -> Option<Arrival> {
        let index = self.next_index;
        let (at, region, class, object, method, https) = match &mut self.trace {
            Some(feed) => {
                let p = feed.next()?;
                let method = p
                    .method
                    .unwrap_or_else(|| self.catalog.method(p.class, &mut self.methods));
                (p.at, p.region, p.class, p.object, method, p.https)
            }
            None => {
                let (at, region, focus) = self.rates.next(&mut self.arrivals);
                let (class, object) = self.catalog.draw(&mut self.objects, focus);
                let method = self.catalog.method(class, &mut self.methods);
                (at, region, class, object, method, None)
            }
        };
        self.next_index += 1;
        Some(Arrival {
            at,
            index,
            region,
            class,
            object,
            method,
            https,
        })
    }
}
