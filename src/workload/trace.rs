//! A workload read from a trace file instead of generated: each request's time, object
//! and size come from the trace, and, in a CSV trace with those columns, its path (which
//! picks the path class by prefix), client region and method. A CloudFront log
//! (`trace::cloudfront`) gives all of these: its path picks the class by the behavior it
//! matches, its edge location the region, and `cs-protocol` the scheme.
//!
//! What the trace lacks, the scenario supplies: a request without a region gets one drawn
//! by the regions' shares, one without a method gets its class's method mix, and an
//! object without a path gets a class drawn by the classes' shares from its id (the same
//! class every time). The class still decides the URL path behaviors match, and the
//! origin's response model (TTLs, errors, changes). An object keeps the size and class
//! of its first request.
//!
//! A first pass over the trace numbers the distinct objects per class and records their
//! sizes: memory grows with the distinct objects, not with the trace. It runs once, when
//! the scenario is loaded, so a malformed line is an input error naming its line; the
//! scenario keeps what it learned, and the run then streams the trace. A trace whose size
//! or modification time changed since that pass, or that stops reading as it did, ends the
//! run with an input error ([`TraceFeed::failure`]) instead of a panic. Requests sharing a
//! trace second are spread evenly over it, unless the trace times them more finely (a
//! CloudFront log's arrivals, to the microsecond); `time_scale`
//! compresses trace time (2 plays it twice as fast). A trace that goes back in time is
//! played in file order, each request no earlier than the one before.

use super::{ClassSpec, RegionSpec};
use crate::behavior::Behaviors;
use crate::check::{fail, Checked, Invalid};
use crate::engine::{stream, Stream};
use crate::protocol::Method;
use crate::trace::{self, Columns, EdgeRegions, Format, Lookup, Request, Source};
use crate::units::{Nanos, SEC};
use rand::Rng;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;

/// `[workload.trace]`: where the requests come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceSpec {
    /// The trace file, relative to the working directory; for a CloudFront log also a
    /// folder or a glob.
    pub file: String,
    /// More CloudFront log files, folders or globs, merged with `file` in time order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_files: Vec<String>,
    /// `csv`, `oracle`, `wikimedia` or `cloudfront`; absent: from the file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// CloudFront logs: the client region of a line is the region named after its edge
    /// location's metro (`metro`, the default) or that metro's continent (`continent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<String>,
    /// CSV columns, as `time=ts,id=key,size=bytes,path=url,region=client,method=verb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<String>,
    /// Trace seconds per simulated second.
    #[serde(default = "one")]
    pub time_scale: f64,
}

fn one() -> f64 {
    1.0
}

impl TraceSpec {
    /// The trace's layout.
    fn format(&self) -> Result<Format, String> {
        let format = match self.format.as_deref() {
            None => Format::guess(self.file.as_ref()).ok_or_else(|| {
                format!(
                    "cannot tell the trace format from the file name; set format = one of {}",
                    Format::NAMES
                )
            })?,
            Some(f) => {
                Format::from_name(f).ok_or_else(|| format!("{f:?}: expected {}", Format::NAMES))?
            }
        };
        match (format, &self.columns) {
            (Format::Csv(_), Some(c)) => Columns::parse(c).map(Format::Csv).map_err(|e| e.0),
            (_, Some(_)) => Err("columns apply to CSV traces only".into()),
            (f, None) => Ok(f),
        }
    }

    /// Whether the trace is a CloudFront log.
    pub fn is_cloudfront(&self) -> bool {
        self.format().is_ok_and(|f| f == Format::CloudFront)
    }

    /// Every file, folder or glob the trace is read from.
    pub fn sources(&self) -> Vec<PathBuf> {
        std::iter::once(&self.file)
            .chain(&self.more_files)
            .map(PathBuf::from)
            .collect()
    }

    /// How a CloudFront log's lines find their regions.
    fn edge_regions(&self) -> Result<EdgeRegions, String> {
        self.regions
            .as_deref()
            .map_or(Ok(EdgeRegions::Metro), EdgeRegions::parse)
    }

    /// Checks the settings (the file is read by [`TraceSpec::index`]).
    pub fn check(&self) -> Checked {
        if !(self.time_scale > 0.0 && self.time_scale.is_finite()) {
            return fail(
                "workload.trace.time_scale",
                format!("must be a number above zero, got {}", self.time_scale),
            );
        }
        let format = match self.format() {
            Ok(f) => f,
            Err(e) => {
                let key = if self.columns.is_some() && !e.contains("format") {
                    "workload.trace.columns"
                } else {
                    "workload.trace.format"
                };
                return fail(key, e);
            }
        };
        let cloudfront = format == Format::CloudFront;
        if !cloudfront && !self.more_files.is_empty() {
            return fail(
                "workload.trace.more_files",
                "only a CloudFront log (format = \"cloudfront\") is read from several files",
            );
        }
        match (&self.regions, self.edge_regions()) {
            (Some(_), _) if !cloudfront => fail(
                "workload.trace.regions",
                "applies to CloudFront logs only (format = \"cloudfront\")",
            ),
            (_, Err(e)) => fail("workload.trace.regions", e),
            _ => Ok(()),
        }
    }

    /// Reads the whole trace once, for a scenario that passed [`TraceSpec::check`].
    pub fn index(
        &self,
        classes: &[ClassSpec],
        regions: &[RegionSpec],
        behaviors: &Behaviors,
    ) -> Result<TraceIndex, Invalid> {
        match TraceIndex::build(self, classes, regions, behaviors) {
            Ok(index) if index.requests == 0 => Err(Invalid {
                path: "workload.trace.file".into(),
                message: "the trace has no requests".into(),
            }),
            Ok(index) => Ok(index),
            Err(e) => Err(Invalid {
                path: "workload.trace.file".into(),
                message: e,
            }),
        }
    }
}

/// What the first pass learned: each object's class and number, and its size.
pub struct TraceIndex {
    spec: TraceSpec,
    format: Format,
    lookup: Lookup,
    /// Trace id to (class, number within the class).
    ids: FxHashMap<u64, (u16, u64)>,
    /// Sizes per class, by number.
    pub sizes: Vec<Vec<u64>>,
    /// Requests in the trace.
    pub requests: u64,
    /// Trace time of the first request.
    start: u64,
    /// The files' sizes and modification times when they were read.
    fingerprint: Fingerprint,
}

impl std::fmt::Debug for TraceIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TraceIndex")
            .field("file", &self.spec.file)
            .field("requests", &self.requests)
            .field("objects", &self.ids.len())
            .finish()
    }
}

/// The trace files' sizes and modification times, which a change to them would alter.
type Fingerprint = Vec<Option<(u64, std::time::SystemTime)>>;

fn fingerprint(spec: &TraceSpec, format: &Format) -> Fingerprint {
    let files = match format {
        Format::CloudFront => trace::cloudfront::expand(&spec.sources()).unwrap_or_default(),
        _ => spec.sources(),
    };
    files
        .iter()
        .map(|f| {
            let m = std::fs::metadata(f).ok()?;
            Some((m.len(), m.modified().ok()?))
        })
        .collect()
}

/// For each behavior, the first class whose paths it serves: a CloudFront log's path then
/// picks its class by the behavior it matches, as CloudFront picks the behavior.
fn behavior_classes(classes: &[ClassSpec], behaviors: &Behaviors) -> Vec<Option<u16>> {
    let mut out = vec![None; behaviors.all().len()];
    for (k, c) in classes.iter().enumerate() {
        let path = format!("{}1{}", c.prefix, c.suffix);
        let b = behaviors.select(path.as_bytes());
        out[b].get_or_insert(k as u16);
    }
    out
}

/// A stable number in [0, 1) from an object id, for drawing its class.
fn unit(id: u64) -> f64 {
    let h = (id ^ (id >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    let h = (h ^ (h >> 33)).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    (h >> 11) as f64 / (1u64 << 53) as f64
}

impl TraceIndex {
    /// Trace time of the first request, seconds: simulated time zero.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// The CloudFront log the trace is, read again whole, with the scenario's lookup.
    pub fn cloudfront_log(&self) -> Result<trace::cloudfront::Log, trace::TraceError> {
        trace::cloudfront::read(&self.spec.sources(), &self.lookup, false)
    }

    /// Reads the trace once; the error names the file and line.
    fn build(
        spec: &TraceSpec,
        classes: &[ClassSpec],
        regions: &[RegionSpec],
        behaviors: &Behaviors,
    ) -> Result<TraceIndex, String> {
        let format = spec.format()?;
        let cloudfront = format == Format::CloudFront;
        let lookup = Lookup {
            prefixes: classes.iter().map(|c| c.prefix.clone()).collect(),
            regions: regions.iter().map(|r| r.name.clone()).collect(),
            behaviors: cloudfront.then(|| Arc::new(behaviors.clone())),
            behavior_class: behavior_classes(classes, behaviors),
            edge_regions: spec.edge_regions()?,
        };
        let fingerprint = fingerprint(spec, &format);
        let mut source = open(spec, &format, &lookup)?;
        let total: f64 = classes.iter().map(|c| c.share).sum();
        let mut cumulative = Vec::with_capacity(classes.len());
        let mut acc = 0.0;
        for c in classes {
            acc += c.share / total;
            cumulative.push(acc);
        }
        let mut index = TraceIndex {
            spec: spec.clone(),
            format,
            lookup,
            ids: FxHashMap::default(),
            sizes: vec![Vec::new(); classes.len()],
            requests: 0,
            start: 0,
            fingerprint,
        };
        let mut batch = Vec::with_capacity(1 << 16);
        loop {
            batch.clear();
            if source
                .next_batch(&mut batch, 1 << 16)
                .map_err(|e| e.to_string())?
                == 0
            {
                break;
            }
            if index.requests == 0 {
                index.start = batch[0].time;
            }
            index.requests += batch.len() as u64;
            for r in &batch {
                let sizes = &mut index.sizes;
                index.ids.entry(r.id).or_insert_with(|| {
                    let k = r.class.map_or_else(
                        || {
                            let u = unit(r.id);
                            cumulative
                                .iter()
                                .position(|&c| u < c)
                                .unwrap_or(classes.len() - 1)
                        },
                        usize::from,
                    );
                    sizes[k].push(r.size.max(1));
                    (k as u16, sizes[k].len() as u64 - 1)
                });
            }
        }
        Ok(index)
    }
}

fn open(spec: &TraceSpec, format: &Format, lookup: &Lookup) -> Result<Box<dyn Source>, String> {
    trace::open_sources(&spec.sources(), format, false, lookup).map_err(|e| e.to_string())
}

fn changed(file: &str) -> String {
    format!("{file}: the trace changed after the scenario was loaded; run again to read it anew")
}

/// The trace being played: requests in file order, as arrivals.
pub struct TraceFeed {
    index: Arc<TraceIndex>,
    /// `None` once the trace could not be played as it was read.
    source: Option<Box<dyn Source>>,
    /// Why the trace stopped before its end, if it did.
    failure: Option<String>,
    batch: Vec<Request>,
    /// For each request of the batch: its place among the batch's requests of the same
    /// second, and how many those are.
    spread: Vec<(u32, u32)>,
    pos: usize,
    /// First object id of each class.
    offsets: Vec<u64>,
    regions: Vec<f64>,
    rng: Stream,
    last: Nanos,
}

/// One trace request, resolved for the simulation.
pub struct Played {
    /// When it reaches the edge.
    pub at: Nanos,
    /// Its class.
    pub class: u16,
    /// Its object, as a catalog id.
    pub object: u64,
    /// Its region, when the trace gives it.
    pub region: u16,
    /// Its method, when the trace gives it.
    pub method: Option<Method>,
    /// Whether it came over HTTPS, when the trace says.
    pub https: Option<bool>,
}

impl TraceFeed {
    /// Starts playing the trace `index` describes; `offsets` number each class's objects.
    pub fn new(
        index: Arc<TraceIndex>,
        offsets: Vec<u64>,
        regions: &[RegionSpec],
        seed: u64,
    ) -> Self {
        let file = &index.spec.file;
        let (source, failure) = if fingerprint(&index.spec, &index.format) != index.fingerprint {
            (None, Some(changed(file)))
        } else {
            match open(&index.spec, &index.format, &index.lookup) {
                Ok(s) => (Some(s), None),
                Err(e) => (None, Some(e)),
            }
        };
        let mut acc = 0.0;
        let total: f64 = regions.iter().map(|r| r.share).sum();
        TraceFeed {
            index,
            source,
            failure,
            batch: Vec::new(),
            spread: Vec::new(),
            pos: 0,
            offsets,
            regions: regions
                .iter()
                .map(|r| {
                    acc += r.share / total;
                    acc
                })
                .collect(),
            rng: stream(seed, "workload/trace-regions"),
            last: 0,
        }
    }

    /// Why the trace stopped before its end: it changed after it was read, or no longer
    /// reads as it did. `None` when it played to its end.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    /// Stops the feed because of `why`.
    fn fail(&mut self, why: String) -> bool {
        self.failure = Some(why);
        self.source = None;
        false
    }

    fn refill(&mut self) -> bool {
        self.batch.clear();
        self.pos = 0;
        let Some(source) = self.source.as_mut() else {
            return false;
        };
        match source.next_batch(&mut self.batch, 1 << 16) {
            Ok(0) => return false,
            Ok(_) => {}
            Err(e) => {
                let why = format!("{e} (the trace changed after the scenario was loaded?)");
                return self.fail(why);
            }
        }
        self.spread.clear();
        let mut i = 0;
        while i < self.batch.len() {
            let t = self.batch[i].time;
            let n = self.batch[i..].iter().take_while(|r| r.time == t).count();
            self.spread.extend((0..n).map(|k| (k as u32, n as u32)));
            i += n;
        }
        true
    }

    /// The next request, or `None` at the end of the trace.
    pub fn next(&mut self) -> Option<Played> {
        if self.pos == self.batch.len() && !self.refill() {
            return None;
        }
        let r = self.batch[self.pos];
        let (k, n) = self.spread[self.pos];
        self.pos += 1;
        let Some(&(class, number)) = self.index.ids.get(&r.id) else {
            let file = self.index.spec.file.clone();
            self.fail(changed(&file));
            return None;
        };
        let within = match r.micros {
            Some(us) => f64::from(us) / 1e6,
            None => f64::from(k) / f64::from(n),
        };
        let seconds = r.time.saturating_sub(self.index.start) as f64 + within;
        let at = ((seconds / self.index.spec.time_scale * SEC as f64) as Nanos).max(self.last);
        self.last = at;
        let region = match r.region {
            Some(g) => g,
            None => {
                let u: f64 = self.rng.random();
                self.regions
                    .iter()
                    .position(|&c| u < c)
                    .unwrap_or(self.regions.len() - 1) as u16
            }
        };
        Some(Played {
            at,
            class,
            object: self.offsets[class as usize] + number,
            region,
            method: r.method,
            https: r.https,
        })
    }
}
