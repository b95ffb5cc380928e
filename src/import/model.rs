//! What the import takes from a distribution config: origins, origin groups, behaviors
//! and distribution-wide settings, each with the field it came from.

use super::policies::{self, Ttls};
use super::read::{is_intrinsic, Node};
use crate::data::PriceClass;
use serde_json::Value;

/// An origin.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    pub id: String,
    pub domain: String,
    /// The AWS Region it is in, and how that was found.
    pub region: String,
    pub region_from: String,
    pub s3: bool,
    pub attempts: Option<u64>,
    pub connection_timeout: Option<u64>,
    pub read_timeout: Option<u64>,
    pub keepalive_timeout: Option<u64>,
    pub protocol_policy: String,
    pub ssl_protocols: Vec<String>,
    /// `OriginShield.OriginShieldRegion`, when enabled.
    pub shield: Option<String>,
}

/// An origin group.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub id: String,
    pub members: Vec<String>,
    pub codes: Vec<u16>,
}

/// A cache behavior; the default behavior has no pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct Behavior {
    /// Where in the config it is (`CacheBehaviors[2]`).
    pub at: String,
    pub pattern: Option<String>,
    pub target: String,
    pub viewer_protocol_policy: String,
    pub allowed: Vec<String>,
    pub cached: Vec<String>,
    pub ttls: Ttls,
    /// Where the TTLs came from, for the comment.
    pub ttls_from: String,
    pub key_groups: Vec<String>,
    pub compress: bool,
}

/// What the import maps from a distribution.
#[derive(Clone, Debug, PartialEq)]
pub struct Distribution {
    pub origins: Vec<Origin>,
    pub groups: Vec<Group>,
    /// In evaluation order, the default last.
    pub behaviors: Vec<Behavior>,
    pub security_policy: Option<String>,
    pub http_version: Option<String>,
    pub error_ttls: Vec<(u16, u64)>,
    pub price_class: PriceClass,
    pub enabled: bool,
    pub comment: Option<String>,
}

/// What the caller supplies beyond the file.
pub struct Hints<'a> {
    /// `--origin-region ID=REGION`.
    pub origin_regions: &'a [(String, String)],
    /// Custom cache policies by id (`--cache-policy` files, a template's own).
    pub policies: &'a [(String, Value)],
}

/// The AWS Region named in an AWS endpoint's domain name: `bucket.s3.eu-west-1.amazonaws.com`,
/// `b.s3-website-us-west-2.amazonaws.com`, `x.eu-central-1.elb.amazonaws.com`,
/// `u.lambda-url.ap-south-1.on.aws`, `a.execute-api.sa-east-1.amazonaws.com`, and so on.
pub fn region_of(domain: &str) -> Option<String> {
    let aws = domain.ends_with(".amazonaws.com") || domain.ends_with(".on.aws");
    if !aws {
        return None;
    }
    for label in domain.split('.') {
        let label = label
            .strip_prefix("s3-website-")
            .or_else(|| label.strip_prefix("s3-"))
            .unwrap_or(label);
        if looks_like_region(label) {
            return Some(label.to_string());
        }
        if label == "compute-1" {
            return Some("us-east-1".into());
        }
    }
    None
}

/// `us-east-1`, `ap-southeast-2`, `us-gov-west-1`: a two-letter area, compass words, and
/// a one-digit number.
fn looks_like_region(label: &str) -> bool {
    const WORDS: [&str; 10] = [
        "east",
        "west",
        "north",
        "south",
        "central",
        "northeast",
        "southeast",
        "northwest",
        "southwest",
        "gov",
    ];
    let parts: Vec<&str> = label.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts[1..parts.len() - 1].iter().all(|p| WORDS.contains(p))
        && matches!(parts[parts.len() - 1].as_bytes(), [b'1'..=b'9'])
}

fn origin(o: Node<'_>, hints: &Hints<'_>, warnings: &mut Vec<String>) -> Result<Origin, String> {
    let id = o
        .text("Id")
        .ok_or_else(|| format!("{}: an origin needs an Id", o.path()))?;
    let domain = o.text("DomainName").unwrap_or_default();
    let given = hints.origin_regions.iter().find(|(i, _)| *i == id);
    let (region, region_from) = match (given, region_of(&domain)) {
        (Some((_, r)), _) => (r.clone(), "--origin-region".to_string()),
        (None, Some(r)) => (r, format!("its DomainName {domain}")),
        (None, None) => {
            warnings.push(format!(
                "origin {id:?}: cannot tell its AWS Region from DomainName {domain:?}; placed in us-east-1 (say where it is with --origin-region {id}=REGION)"
            ));
            ("us-east-1".into(), "assumed: us-east-1 (unknown)".into())
        }
    };
    let custom = o.get("CustomOriginConfig");
    let custom = custom.as_ref().map(|c| c.node());
    let s3 = o.get("S3OriginConfig").is_some() || custom.is_none();
    let (protocol_policy, ssl_protocols, read_timeout, keepalive_timeout) = match custom {
        Some(c) => (
            c.text("OriginProtocolPolicy")
                .unwrap_or_else(|| "https-only".into()),
            c.texts("OriginSSLProtocols"),
            c.number("OriginReadTimeout")?,
            c.number("OriginKeepaliveTimeout")?,
        ),
        // CloudFront reaches an S3 REST endpoint over the viewer's protocol.
        None => ("match-viewer".into(), vec!["TLSv1.2".into()], None, None),
    };
    let shield = match o.get("OriginShield") {
        Some(s) if s.node().flag("Enabled")? == Some(true) => {
            Some(s.node().text("OriginShieldRegion").ok_or_else(|| {
                format!(
                    "{}: OriginShield is enabled without OriginShieldRegion",
                    o.path()
                )
            })?)
        }
        _ => None,
    };
    Ok(Origin {
        id,
        domain,
        region,
        region_from,
        s3,
        attempts: o.number("ConnectionAttempts")?,
        connection_timeout: o.number("ConnectionTimeout")?,
        read_timeout: read_timeout.or(o
            .get("S3OriginConfig")
            .map(|c| c.node().number("OriginReadTimeout"))
            .transpose()?
            .flatten()),
        keepalive_timeout,
        protocol_policy,
        ssl_protocols,
        shield,
    })
}

fn group(g: Node<'_>) -> Result<Group, String> {
    let id = g
        .text("Id")
        .ok_or_else(|| format!("{}: an origin group needs an Id", g.path()))?;
    let members = g
        .items("Members")
        .iter()
        .map(|m| m.node().text("OriginId").unwrap_or_default())
        .collect();
    let criteria = g.get("FailoverCriteria");
    let codes = match &criteria {
        Some(c) => c
            .node()
            .items("StatusCodes")
            .iter()
            .map(|s| match s.node().value {
                Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
                Value::String(t) => t.parse().ok(),
                _ => None,
            })
            .collect::<Option<Vec<u16>>>()
            .ok_or_else(|| {
                format!(
                    "{}.FailoverCriteria.StatusCodes: expected HTTP statuses",
                    g.path()
                )
            })?,
        None => Vec::new(),
    };
    let _ = g.get("SelectionCriteria");
    Ok(Group { id, members, codes })
}

/// The three method sets CloudFront accepts, in a fixed order.
fn methods(given: &[String], at: &str) -> Result<Vec<String>, String> {
    let mut upper: Vec<String> = given.iter().map(|m| m.to_ascii_uppercase()).collect();
    upper.sort();
    upper.dedup();
    let order = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
    let mut out: Vec<String> = order
        .iter()
        .filter(|m| upper.iter().any(|u| u == *m))
        .map(|m| m.to_string())
        .collect();
    if out.len() != upper.len() {
        return Err(format!("{at}: unknown methods in {given:?}"));
    }
    if out.is_empty() {
        out = vec!["GET".into(), "HEAD".into()];
    }
    Ok(out)
}

fn behavior(b: Node<'_>, default: bool, hints: &Hints<'_>) -> Result<Behavior, String> {
    let at = b.path().to_string();
    let pattern = match default {
        true => None,
        false => Some(
            b.text("PathPattern")
                .ok_or_else(|| format!("{at}: a cache behavior needs a PathPattern"))?,
        ),
    };
    let target = b
        .text("TargetOriginId")
        .ok_or_else(|| format!("{at}: TargetOriginId is missing"))?;
    let (ttls, ttls_from) = match b.text("CachePolicyId") {
        Some(id) if !id.is_empty() => policies::resolve(&id, hints.policies)
            .map_err(|e| format!("{at}.CachePolicyId: {e}"))?,
        _ => {
            let legacy = Ttls {
                min: b.number("MinTTL")?.unwrap_or(0),
                default: b.number("DefaultTTL")?.unwrap_or(86_400),
                max: b.number("MaxTTL")?.unwrap_or(31_536_000),
            };
            (
                legacy,
                format!("{at}.MinTTL/DefaultTTL/MaxTTL (legacy settings)"),
            )
        }
    };
    let key_groups = b
        .texts("TrustedKeyGroups")
        .into_iter()
        .map(|k| sanitise(&k))
        .collect();
    Ok(Behavior {
        pattern,
        target,
        viewer_protocol_policy: b
            .text("ViewerProtocolPolicy")
            .unwrap_or_else(|| "allow-all".into()),
        allowed: methods(&b.texts("AllowedMethods"), &format!("{at}.AllowedMethods"))?,
        cached: methods(&b.texts("CachedMethods"), &format!("{at}.CachedMethods"))?,
        ttls,
        ttls_from,
        key_groups,
        compress: b.flag("Compress")?.unwrap_or(false),
        at,
    })
}

/// A name from the config made safe for the scenario: an intrinsic (`!Ref KeyGroup`)
/// becomes its argument.
pub fn sanitise(text: &str) -> String {
    match is_intrinsic(text) {
        true => text
            .split_once(' ')
            .map_or(text, |(_, arg)| arg)
            .replace(['.', ' '], "-"),
        false => text.to_string(),
    }
}

impl Distribution {
    /// Reads a normalised config.
    pub fn read(
        c: Node<'_>,
        hints: &Hints<'_>,
        warnings: &mut Vec<String>,
    ) -> Result<Self, String> {
        let origins = c
            .items("Origins")
            .iter()
            .map(|o| origin(o.node(), hints, warnings))
            .collect::<Result<Vec<_>, _>>()?;
        if origins.is_empty() {
            return Err("Origins: the distribution has no origin".into());
        }
        let groups = c
            .items("OriginGroups")
            .iter()
            .map(|g| group(g.node()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut behaviors = c
            .items("CacheBehaviors")
            .iter()
            .map(|b| behavior(b.node(), false, hints))
            .collect::<Result<Vec<_>, _>>()?;
        let default = c
            .get("DefaultCacheBehavior")
            .ok_or("DefaultCacheBehavior is missing")?;
        behaviors.push(behavior(default.node(), true, hints)?);
        let cert = c.get("ViewerCertificate");
        let security_policy = match &cert {
            Some(v) => match (
                v.node().text("MinimumProtocolVersion"),
                v.node().flag("CloudFrontDefaultCertificate")?,
            ) {
                (Some(p), _) => Some(p),
                // The default *.cloudfront.net certificate accepts TLSv1 and later.
                (None, Some(true)) => Some("TLSv1".into()),
                _ => None,
            },
            None => None,
        };
        let error_ttls = c
            .items("CustomErrorResponses")
            .iter()
            .filter_map(|e| {
                let n = e.node();
                let code = n.number("ErrorCode").transpose()?;
                let ttl = n.number("ErrorCachingMinTTL").transpose()?;
                Some(code.and_then(|code| {
                    let code = u16::try_from(code)
                        .map_err(|_| format!("{}: not an HTTP status", n.path()))?;
                    Ok((code, ttl?))
                }))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let price_class = match c.text("PriceClass") {
            None => PriceClass::All,
            Some(p) => PriceClass::from_api(&p).ok_or_else(|| {
                format!("PriceClass: {p:?} is not PriceClass_100, PriceClass_200 or PriceClass_All")
            })?,
        };
        // A geographic restriction of type `none` restricts nothing: it is read (so not
        // listed); any other is left unread, so it is listed as not modelled.
        let geo = c
            .value
            .pointer("/Restrictions/GeoRestriction/RestrictionType");
        if geo.and_then(serde_json::Value::as_str) == Some("none") {
            if let Some(r) = c.get("Restrictions") {
                let _ = r.node().get("GeoRestriction");
            }
        }
        let enabled = c.flag("Enabled")?.unwrap_or(true);
        if !enabled {
            warnings.push("Enabled is false: CloudFront serves nothing for this distribution; the scenario simulates it as if enabled".into());
        }
        Ok(Distribution {
            origins,
            groups,
            behaviors,
            security_policy,
            http_version: c.text("HttpVersion"),
            error_ttls,
            price_class,
            enabled,
            comment: c.text("Comment").filter(|s| !s.is_empty()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_come_from_aws_endpoint_names() {
        for (domain, region) in [
            ("assets.s3.eu-west-1.amazonaws.com", Some("eu-west-1")),
            (
                "assets.s3.dualstack.ap-south-1.amazonaws.com",
                Some("ap-south-1"),
            ),
            ("site.s3-website-us-west-2.amazonaws.com", Some("us-west-2")),
            (
                "site.s3-website.eu-central-1.amazonaws.com",
                Some("eu-central-1"),
            ),
            (
                "my-alb-123.eu-central-1.elb.amazonaws.com",
                Some("eu-central-1"),
            ),
            (
                "abc.lambda-url.ap-northeast-1.on.aws",
                Some("ap-northeast-1"),
            ),
            (
                "x1y2.execute-api.sa-east-1.amazonaws.com",
                Some("sa-east-1"),
            ),
            ("ec2-1-2-3-4.compute-1.amazonaws.com", Some("us-east-1")),
            ("assets.s3.amazonaws.com", None),
            ("api.example.com", None),
        ] {
            assert_eq!(region_of(domain).as_deref(), region, "{domain}");
        }
    }
}
