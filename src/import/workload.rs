//! The imported scenario's traffic: path classes per behavior and client regions, either
//! assumed (no logs) or taken from the distribution's standard logs.
//!
//! Without logs every figure here is an assumption, and the generated file says so:
//! - one class per behavior whose paths (prefix, rank, suffix) the behavior serves first;
//!   its sizes, object count, share and the origin's Cache-Control guessed from the
//!   pattern's words (images, static assets, video, API, pages);
//! - one client region per continent of the price class, at a large metro, weighted by
//!   the continents' shares of internet users (2023 estimates: Asia 53 %, Europe 14 %,
//!   Africa 12 %, Latin America 10 %, North America 7 %, Middle East 3 %, Oceania 1 %).
//!
//! With logs, the classes' shares and object counts, the regions (per edge metro or per
//! continent) with their shares and protocol mix, and the run's start and length come from
//! the log; the requests themselves are the log's.

use super::model::{Behavior, Distribution};
use crate::behavior::PathPattern;
use crate::data::{self, Metro, PriceClass};
use crate::trace::cloudfront::{self, Entry};
use crate::trace::{EdgeRegions, Lookup};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A path class to write.
pub struct Class {
    pub name: String,
    pub prefix: String,
    pub suffix: String,
    pub weight: f64,
    pub objects: u64,
    pub median: &'static str,
    pub sigma: f64,
    pub cache_control: &'static str,
    pub kind: &'static str,
    /// POST and PUT as well as GET, where the behavior allows them.
    pub writes: bool,
    /// The key that signs its requests, for a private behavior.
    pub signed_key: Option<String>,
    /// The behavior it was made for.
    pub behavior: usize,
}

/// What kind of content a pattern suggests: (kind, median size, sigma, objects, weight,
/// Cache-Control).
fn guess(pattern: &str) -> (&'static str, &'static str, f64, u64, f64, &'static str) {
    let p = pattern.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| p.contains(w));
    if has(&[
        "mp4", "m3u8", ".ts", "video", "media", "hls", "dash", "mpd", "stream",
    ]) {
        ("video", "1MiB", 1.0, 5_000, 1.0, "public, max-age=86400")
    } else if has(&[
        "jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "image", "img", "photo",
    ]) {
        ("images", "40KiB", 1.0, 50_000, 3.0, "public, max-age=86400")
    } else if has(&["js", "css", "static", "asset", "font", "woff"]) {
        (
            "static assets",
            "20KiB",
            0.8,
            10_000,
            2.0,
            "public, max-age=31536000, immutable",
        )
    } else if has(&["api", "graphql", "rpc", "/v1", "/v2"]) {
        ("API", "2KiB", 0.5, 20_000, 1.0, "")
    } else {
        ("pages", "30KiB", 0.8, 20_000, 2.0, "")
    }
}

/// The behavior (index) that serves `path`, as CloudFront picks it.
pub fn select(patterns: &[Option<PathPattern>], path: &[u8]) -> usize {
    let last = patterns.len() - 1;
    patterns[..last]
        .iter()
        .position(|p| p.as_ref().is_some_and(|p| p.matches(path)))
        .unwrap_or(last)
}

/// Each behavior's pattern, validated (an invalid one matches nothing; the scenario's
/// validation reports it).
pub fn patterns(d: &Distribution) -> Vec<Option<PathPattern>> {
    d.behaviors
        .iter()
        .map(|b| b.pattern.as_deref().and_then(|p| PathPattern::new(p).ok()))
        .collect()
}

/// A class name from a pattern: `/images/*` gives `images`.
fn class_name(b: &Behavior, taken: &[Class]) -> String {
    let base: String = match &b.pattern {
        None => "default".into(),
        Some(p) => p
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .trim_matches('-')
            .to_string(),
    };
    let base = if base.is_empty() {
        "all".to_string()
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|c| c.name == name) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

/// The prefix and suffix of the paths a class gets for `pattern`: what stands before its
/// first wildcard and after its last.
fn affixes(pattern: Option<&str>) -> (String, String) {
    let Some(p) = pattern else {
        return ("/".into(), String::new());
    };
    let p = if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    };
    let first = p.find(['*', '?']).unwrap_or(p.len());
    let last = p.rfind(['*', '?']).map_or(p.len(), |i| i + 1);
    (p[..first].to_string(), p[last.max(first)..].to_string())
}

/// One class per behavior that a generated path can reach; the others get a warning.
pub fn classes(d: &Distribution, warnings: &mut Vec<String>) -> Vec<Class> {
    let patterns = patterns(d);
    let mut out: Vec<Class> = Vec::new();
    for (i, b) in d.behaviors.iter().enumerate() {
        let (prefix, suffix) = affixes(b.pattern.as_deref());
        let sample = format!("{prefix}1{suffix}");
        if select(&patterns, sample.as_bytes()) != i {
            warnings.push(format!(
                "{} ({}): no generated path reaches it (a path such as {sample} goes to another behavior), so the synthetic workload sends it nothing",
                b.at,
                b.pattern.as_deref().unwrap_or("*")
            ));
            continue;
        }
        let (kind, median, sigma, objects, weight, cache_control) =
            guess(b.pattern.as_deref().unwrap_or(""));
        out.push(Class {
            name: class_name(b, &out),
            prefix,
            suffix,
            weight,
            objects,
            median,
            sigma,
            cache_control,
            kind,
            writes: b.allowed.len() == 7,
            signed_key: b.key_groups.first().map(|g| key_of(g)),
            behavior: i,
        });
    }
    out
}

/// The public key the import gives key group `group`.
pub fn key_of(group: &str) -> String {
    format!("K-{group}")
}

/// A client region to write.
pub struct Region {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub weight: f64,
    pub utc_offset: f64,
    /// Protocol shares from a log: https, HTTP versions 1.0–3, TLS versions 1.0–1.3.
    pub protocols: Option<Mix>,
    pub from: String,
}

/// A log's protocol counts.
#[derive(Clone, Debug, Default)]
pub struct Mix {
    pub requests: u64,
    pub https: u64,
    pub http: [u64; 4],
    pub tls: [u64; 4],
}

/// Continents by code: representative metro, UTC offset, share of internet users (%).
const CONTINENTS: [(&str, &str, f64, f64); 7] = [
    ("NA", "JFK", -5.0, 7.0),
    ("SA", "GRU", -3.0, 10.0),
    ("EU", "FRA", 1.0, 14.0),
    ("ME", "DXB", 4.0, 3.0),
    ("AF", "JNB", 2.0, 12.0),
    ("AS", "SIN", 8.0, 53.0),
    ("OC", "SYD", 10.0, 1.0),
];

/// The edge metros of a price class.
pub fn metros_of(class: PriceClass) -> Vec<&'static Metro> {
    data::metros()
        .iter()
        .filter(|m| m.price_class <= class)
        .collect()
}

/// One region per continent that has edge metros in the price class.
pub fn assumed_regions(class: PriceClass) -> Vec<Region> {
    let metros = metros_of(class);
    CONTINENTS
        .iter()
        .filter(|(c, ..)| metros.iter().any(|m| m.continent == *c))
        .map(|&(code, metro, utc, users)| {
            let m = data::metro(metro).expect("representative metros are in the data file");
            Region {
                name: data::continent_name(code)
                    .to_ascii_lowercase()
                    .replace(' ', "-"),
                lat: m.lat,
                lon: m.lon,
                weight: users,
                utc_offset: utc,
                protocols: None,
                from: format!(
                    "Assumption: {} viewers, at {}.",
                    data::continent_name(code),
                    m.city
                ),
            }
        })
        .collect()
}

/// What the import learns from a distribution's logs.
pub struct LogFacts {
    pub lines: u64,
    pub first_us: i64,
    pub last_us: i64,
    /// Requests per metro, with their protocols.
    pub metros: BTreeMap<String, Mix>,
    /// Requests and distinct objects per behavior.
    pub behaviors: Vec<(u64, u64)>,
}

/// The distribution's behaviors as the trace reader matches them.
fn matcher(d: &Distribution) -> Result<crate::behavior::Behaviors, String> {
    use crate::behavior::{BehaviorSpec, Behaviors};
    let spec = |b: &Behavior| BehaviorSpec {
        path_pattern: b.pattern.clone(),
        origin: Some("o".into()),
        ..BehaviorSpec::default()
    };
    let (default, rest) = d.behaviors.split_last().expect("a default behavior");
    let rest: Vec<BehaviorSpec> = rest.iter().map(spec).collect();
    Behaviors::resolve(&rest, &spec(default), &["o"], usize::MAX).map_err(|e| {
        format!(
            "{}: {}",
            e.path.replace("behaviors", "CacheBehaviors"),
            e.message
        )
    })
}

/// Reads the logs `paths` name, matching their paths against `d`'s behaviors.
pub fn read_logs(paths: &[PathBuf], d: &Distribution) -> Result<LogFacts, String> {
    let lookup = Lookup {
        behaviors: Some(std::sync::Arc::new(matcher(d)?)),
        ..Lookup::default()
    };
    let log = cloudfront::read(paths, &lookup, false).map_err(|e| e.to_string())?;
    let (first, last) = match (log.entries.first(), log.entries.last()) {
        (Some(f), Some(l)) => (f.at_us, l.at_us),
        _ => return Err("--logs: the logs hold no request".into()),
    };
    let n = d.behaviors.len();
    let mut objects: Vec<std::collections::HashSet<u64>> = vec![Default::default(); n];
    let mut facts = LogFacts {
        lines: log.entries.len() as u64,
        first_us: first,
        last_us: last,
        metros: BTreeMap::new(),
        behaviors: vec![(0, 0); n],
    };
    for e in &log.entries {
        count(&mut facts.metros, e);
        let b = e.behavior.map_or(n - 1, usize::from);
        facts.behaviors[b].0 += 1;
        objects[b].insert(e.id);
    }
    for (b, set) in objects.iter().enumerate() {
        facts.behaviors[b].1 = set.len() as u64;
    }
    Ok(facts)
}

fn count(metros: &mut BTreeMap<String, Mix>, e: &Entry) {
    let mix = metros.entry(e.metro_code().to_string()).or_default();
    mix.requests += 1;
    if e.https {
        mix.https += 1;
        if let Some(t) = e.tls {
            mix.tls[t as usize] += 1;
        }
    }
    if let Some(h) = e.http {
        mix.http[h as usize] += 1;
    }
}

/// Regions from the logs: one per metro, or per continent.
pub fn log_regions(facts: &LogFacts, by: EdgeRegions) -> Result<Vec<Region>, String> {
    let unknown: Vec<&str> = facts
        .metros
        .keys()
        .filter(|m| data::metro(m).is_none())
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "--logs: edge locations in metros edgesim has no coordinates for: {} (data/edge-metros.csv lists the metros it knows)",
            unknown.join(", ")
        ));
    }
    // Per region: its protocol counts, and its metros with their requests.
    type Group<'a> = (Mix, Vec<(&'a str, u64)>);
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for (code, mix) in &facts.metros {
        let key = by.name_of(code).expect("known metros have continents");
        let g = groups.entry(key).or_default();
        add(&mut g.0, mix);
        g.1.push((code, mix.requests));
    }
    Ok(groups
        .into_iter()
        .map(|(name, (mix, metros))| {
            let busiest = metros.iter().max_by_key(|(_, n)| *n).expect("a metro").0;
            let m = data::metro(busiest).expect("known");
            Region {
                from: format!(
                    "From the logs: {} requests served in {} (placed at {}).",
                    mix.requests,
                    metros
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", "),
                    m.city
                ),
                name,
                lat: m.lat,
                lon: m.lon,
                weight: mix.requests as f64,
                utc_offset: (m.lon / 15.0).round(),
                protocols: Some(mix),
            }
        })
        .collect())
}

fn add(to: &mut Mix, from: &Mix) {
    to.requests += from.requests;
    to.https += from.https;
    for i in 0..4 {
        to.http[i] += from.http[i];
        to.tls[i] += from.tls[i];
    }
}
