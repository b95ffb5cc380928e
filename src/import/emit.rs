//! The generated scenario, section by section, each saying which field it came from.

use super::model::{Distribution, Origin};
use super::toml_out::{secs, share, shares, value, Out};
use super::workload::{self, Class, LogFacts, Mix, Region};
use crate::data::{self, Metro};
use crate::topology::geo::{great_circle_km, LatLon};
use crate::trace::EdgeRegions;

/// Assumed cache sizes: AWS publishes none.
const POP_CACHE: &str = "4GiB";
const REGIONAL_CACHE: &str = "64GiB";

/// The viewer security policies and HTTP versions the scenario accepts.
const SECURITY_POLICIES: [&str; 9] = [
    "SSLv3",
    "TLSv1",
    "TLSv1_2016",
    "TLSv1.1_2016",
    "TLSv1.2_2018",
    "TLSv1.2_2019",
    "TLSv1.2_2021",
    "TLSv1.2_2025",
    "TLSv1.3_2025",
];
const HTTP_VERSIONS: [&str; 4] = ["http1.1", "http2", "http3", "http2and3"];
const ERROR_CODES: [u16; 11] = [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504];

/// The regional edge caches: CloudFront's Origin Shield Regions (cloudfront.md §2.3, §9.1).
fn regional_caches() -> Vec<&'static data::AwsRegion> {
    data::aws_regions()
        .iter()
        .filter(|r| r.origin_shield == "yes")
        .collect()
}

fn nearest<'a>(lat: f64, lon: f64, recs: &[&'a data::AwsRegion]) -> &'a data::AwsRegion {
    recs.iter()
        .min_by(|a, b| {
            let here = LatLon { lat, lon };
            let da = great_circle_km(
                here,
                LatLon {
                    lat: a.lat,
                    lon: a.lon,
                },
            );
            let db = great_circle_km(
                here,
                LatLon {
                    lat: b.lat,
                    lon: b.lon,
                },
            );
            da.total_cmp(&db)
        })
        .expect("twelve regional caches")
}

/// The run's timing, workload and classes.
pub fn workload(
    out: &mut Out,
    facts: Option<&LogFacts>,
    trace: &[String],
    regions: EdgeRegions,
    classes: &[Class],
    d: &Distribution,
) {
    match facts {
        None => {
            out.noted("duration", &value("10m"), "assumption");
            out.noted(
                "warmup",
                &value("2m"),
                "assumption: the caches fill for two minutes before counting",
            );
            out.kv("interval", "10s");
            out.table(
                "workload",
                "The requests: assumed, since no logs were given (--logs replays them instead).",
            );
            out.noted(
                "rate",
                "2000.0",
                "assumption: requests per second, all regions together",
            );
            out.noted("start_hour_utc", "14.0", "assumption");
        }
        Some(f) => {
            let span = ((f.last_us - f.first_us) as f64 / 1e6).ceil() as u64;
            out.noted(
                "duration",
                &secs(span + 60),
                "the logs' span, and a minute for the last responses",
            );
            out.noted(
                "warmup",
                &secs(span / 5),
                "assumption: the first fifth of the logs fills the caches, uncounted",
            );
            out.kv("interval", "1m");
            out.table(
                "workload",
                &format!(
                    "The requests: the {} lines of the logs, in arrival order.",
                    f.lines
                ),
            );
            out.noted(
                "rate",
                &format!("{:.3}", f.lines as f64 / (span.max(1) as f64)),
                "the logs' mean rate (their own times are used)",
            );
            let hour = f.first_us.rem_euclid(86_400_000_000) as f64 / 3.6e9;
            out.noted(
                "start_hour_utc",
                &format!("{hour:.4}"),
                "the UTC hour of the logs' first request",
            );
        }
    }
    if let (Some(_), Some((file, more))) = (facts, trace.split_first()) {
        out.table(
            "workload.trace",
            "CloudFront standard logs (--logs); paths are relative to where edgesim runs.",
        );
        out.kv("file", file.as_str());
        if !more.is_empty() {
            out.kv(
                "more_files",
                more.iter()
                    .map(|m| toml::Value::from(m.as_str()))
                    .collect::<Vec<_>>(),
            );
        }
        out.kv("format", "cloudfront");
        if regions == EdgeRegions::Continent {
            out.noted("regions", &value("continent"), "--regions continent");
        }
    }
    let weights: Vec<f64> = classes
        .iter()
        .map(|c| match facts {
            Some(f) => f.behaviors[c.behavior].0 as f64,
            None => c.weight,
        })
        .collect();
    for (c, s) in classes.iter().zip(shares(&weights)) {
        let b = &d.behaviors[c.behavior];
        let from = match facts {
            Some(_) => format!(
                "{} ({}): the logs' requests that it serves.",
                b.at,
                b.pattern.as_deref().unwrap_or("*")
            ),
            None => format!(
                "{} ({}): assumed {} traffic (share, objects, sizes, Cache-Control).",
                b.at,
                b.pattern.as_deref().unwrap_or("*"),
                c.kind
            ),
        };
        out.array("workload.classes", &from);
        out.kv("name", c.name.as_str());
        out.kv("prefix", c.prefix.as_str());
        if !c.suffix.is_empty() {
            out.kv("suffix", c.suffix.as_str());
        }
        out.raw("share", &share(s));
        let objects = facts.map_or(c.objects, |f| f.behaviors[c.behavior].1.max(1));
        out.kv("objects", objects as i64);
        if facts.is_none() {
            out.raw(
                "size",
                &format!(
                    "{{ dist = \"lognormal\", median = \"{}\", sigma = {:?} }}",
                    c.median, c.sigma
                ),
            );
        }
        if c.writes && facts.is_none() {
            out.noted(
                "methods",
                "{ get = 0.9, post = 0.1 }",
                "assumption: the behavior allows every method",
            );
        }
        if !c.cache_control.is_empty() {
            out.noted(
                "response",
                &format!("{{ cache_control = {} }}", value(c.cache_control)),
                "assumption: the origin's header",
            );
        }
        if let Some(key) = &c.signed_key {
            out.noted(
                "signed",
                &format!("{{ key = {}, lifetime = \"5m\" }}", value(key.as_str())),
                "assumption: viewers hold signed URLs",
            );
        }
    }
}

fn protocols(out: &mut Out, mix: &Mix) {
    if mix.requests == 0 {
        return;
    }
    out.raw(
        "protocols.https",
        &share(mix.https as f64 / mix.requests as f64),
    );
    // Shares of clients by highest version, where the log names versions at all.
    let versions = [
        (["http1_0", "http1_1", "http2", "http3"], &mix.http),
        (["tls1_0", "tls1_1", "tls1_2", "tls1_3"], &mix.tls),
    ];
    for (keys, counts) in versions {
        if counts.iter().sum::<u64>() > 0 {
            let weights: Vec<f64> = counts.iter().map(|&n| n as f64).collect();
            for (k, s) in keys.iter().zip(shares(&weights)) {
                out.raw(&format!("protocols.{k}"), &share(s));
            }
        }
    }
}

/// Client regions, POPs and regional caches.
pub fn topology(out: &mut Out, regions: &[Region], pops: &[&Metro], d: &Distribution) {
    let weights: Vec<f64> = regions.iter().map(|r| r.weight).collect();
    for (r, s) in regions.iter().zip(shares(&weights)) {
        out.array("regions", &r.from);
        out.kv("name", r.name.as_str());
        out.kv("lat", r.lat);
        out.kv("lon", r.lon);
        out.raw("share", &share(s));
        out.kv("utc_offset_hours", r.utc_offset);
        if let Some(mix) = &r.protocols {
            protocols(out, mix);
        }
    }
    let recs = regional_caches();
    for m in pops {
        let rec = nearest(m.lat, m.lon, &recs);
        out.array(
            "pops",
            &format!(
                "{} ({}): an edge metro of {} (data/edge-metros.csv).",
                m.code,
                m.city,
                d.price_class.api_name()
            ),
        );
        out.kv("code", m.code.as_str());
        out.kv("lat", m.lat);
        out.kv("lon", m.lon);
        out.noted(
            "cache_capacity",
            &value(POP_CACHE),
            "assumption: AWS publishes no cache sizes; tune it against calibration.csv",
        );
        out.noted(
            "regional_cache",
            &value(rec.region.as_str()),
            "the nearest regional edge cache",
        );
        // A metro outside the class that the logs show serving the distribution (the
        // import added it) is put in the class, or distribution.price_class would idle it.
        if m.price_class > d.price_class {
            out.noted(
                "price_class",
                &value(d.price_class.api_name()),
                "the logs show it serving this distribution",
            );
        }
    }
    for r in recs {
        out.array(
            "regional_caches",
            &format!(
                "A regional edge cache in {} ({}): CloudFront's Origin Shield Regions host them.",
                r.region, r.city
            ),
        );
        out.kv("name", r.region.as_str());
        out.kv("lat", r.lat);
        out.kv("lon", r.lon);
        out.noted("cache_capacity", &value(REGIONAL_CACHE), "assumption");
    }
}

fn origin(out: &mut Out, i: usize, o: &Origin, warnings: &mut Vec<String>) {
    out.array(
        "origins",
        &format!(
            "Origins[{i}] ({}), in {} from {}.",
            o.domain, o.region, o.region_from
        ),
    );
    let place = data::aws_region(&o.region).unwrap_or_else(|| {
        warnings.push(format!(
            "origin {:?}: Region {} is not in data/aws-regions.csv; placed at us-east-1",
            o.id, o.region
        ));
        data::aws_region("us-east-1").expect("us-east-1 is in the data file")
    });
    out.kv("name", o.id.as_str());
    out.kv("lat", place.lat);
    out.kv("lon", place.lon);
    for (key, v, field) in [
        ("connection_attempts", o.attempts, "ConnectionAttempts"),
        (
            "connection_timeout",
            o.connection_timeout,
            "ConnectionTimeout",
        ),
        ("read_timeout", o.read_timeout, "OriginReadTimeout"),
        (
            "keepalive_timeout",
            o.keepalive_timeout,
            "OriginKeepaliveTimeout",
        ),
    ] {
        if let Some(v) = v {
            let v = if key == "connection_attempts" {
                v.to_string()
            } else {
                secs(v)
            };
            out.noted(key, &v, field);
        }
    }
    let from = if o.s3 {
        "an S3 origin is reached over the viewer's protocol"
    } else {
        "OriginProtocolPolicy"
    };
    out.noted("protocol_policy", &value(o.protocol_policy.as_str()), from);
    if !o.ssl_protocols.is_empty() {
        let list: Vec<toml::Value> = o.ssl_protocols.iter().map(|p| p.as_str().into()).collect();
        out.noted("ssl_protocols", &value(list), "OriginSSLProtocols");
    }
    if let Some(region) = &o.shield {
        match regional_caches().iter().any(|r| r.region == *region) {
            true => out.noted("shield", &value(region.as_str()), "OriginShield.OriginShieldRegion"),
            false => warnings.push(format!(
                "origin {:?}: OriginShieldRegion {region} is not an Origin Shield Region edgesim knows; no shield",
                o.id
            )),
        }
    }
}

/// Origins, groups, behaviors, error caching, keys and viewer settings.
pub fn distribution(out: &mut Out, d: &Distribution, warnings: &mut Vec<String>) {
    for (i, o) in d.origins.iter().enumerate() {
        origin(out, i, o, warnings);
    }
    for (i, g) in d.groups.iter().enumerate() {
        out.array(
            "origin_groups",
            &format!("OriginGroups[{i}]: Members in order, FailoverCriteria.StatusCodes."),
        );
        out.kv("name", g.id.as_str());
        let members: Vec<toml::Value> = g.members.iter().map(|m| m.as_str().into()).collect();
        out.kv("members", members);
        let codes: Vec<toml::Value> = g.codes.iter().map(|&c| i64::from(c).into()).collect();
        out.kv("failover_status_codes", codes);
    }
    for b in d.behaviors.iter() {
        let name = if b.pattern.is_some() {
            "behaviors"
        } else {
            "default_behavior"
        };
        let heading = format!("{}: TTLs from {}.", b.at, b.ttls_from);
        match b.pattern.is_some() {
            true => out.array(name, &heading),
            false => out.table(name, &heading),
        }
        if let Some(p) = &b.pattern {
            out.kv("path_pattern", p.as_str());
        }
        out.kv("origin", b.target.as_str());
        let list = |m: &[String]| {
            value(
                m.iter()
                    .map(|x| toml::Value::from(x.as_str()))
                    .collect::<Vec<_>>(),
            )
        };
        out.noted("allowed_methods", &list(&b.allowed), "AllowedMethods");
        out.noted("cached_methods", &list(&b.cached), "CachedMethods");
        out.raw(
            "ttl",
            &format!(
                "{{ min = {}, default = {}, max = {} }}",
                secs(b.ttls.min),
                secs(b.ttls.default),
                secs(b.ttls.max)
            ),
        );
        out.noted(
            "viewer_protocol_policy",
            &value(b.viewer_protocol_policy.as_str()),
            "ViewerProtocolPolicy",
        );
        if !b.key_groups.is_empty() {
            let groups: Vec<toml::Value> = b.key_groups.iter().map(|g| g.as_str().into()).collect();
            out.noted("trusted_key_groups", &value(groups), "TrustedKeyGroups");
        }
        if b.compress {
            out.noted(
                "compress",
                "true",
                "Compress: recorded; compression is not modelled yet",
            );
        }
    }
    let mut groups: Vec<&String> = d.behaviors.iter().flat_map(|b| &b.key_groups).collect();
    groups.sort();
    groups.dedup();
    for g in &groups {
        out.array(
            "public_keys",
            &format!("Assumption: one public key in key group {g}, which TrustedKeyGroups names."),
        );
        out.kv("id", workload::key_of(g));
    }
    for g in &groups {
        out.array(
            "key_groups",
            &format!("The key group {g} of TrustedKeyGroups."),
        );
        out.kv("id", g.as_str());
        out.kv("keys", vec![toml::Value::from(workload::key_of(g))]);
    }
    for &(code, ttl) in &d.error_ttls {
        if !ERROR_CODES.contains(&code) {
            warnings.push(format!("CustomErrorResponses: ErrorCode {code} is not one CloudFront caches errors for; left out"));
            continue;
        }
        out.array(
            "custom_error_responses",
            "CustomErrorResponses: ErrorCode and ErrorCachingMinTTL.",
        );
        out.kv("error_code", i64::from(code));
        out.kv("error_caching_min_ttl", format!("{ttl}s"));
    }
    out.table(
        "distribution",
        "ViewerCertificate.MinimumProtocolVersion, HttpVersion and PriceClass.",
    );
    out.kv("price_class", d.price_class.api_name());
    match &d.security_policy {
        Some(p) if SECURITY_POLICIES.contains(&p.as_str()) => out.kv("security_policy", p.as_str()),
        Some(p) => warnings.push(format!("ViewerCertificate.MinimumProtocolVersion {p:?} is not a security policy edgesim knows; the default is used")),
        None => {}
    }
    match &d.http_version {
        Some(v) if HTTP_VERSIONS.contains(&v.as_str()) => out.kv("http_versions", v.as_str()),
        Some(v) => warnings.push(format!(
            "HttpVersion {v:?} is not one of http1.1, http2, http3, http2and3; the default is used"
        )),
        None => {}
    }
}
