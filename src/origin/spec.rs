//! How the scenario describes origins and origin groups, and the rules their settings obey.
//!
//! Timing settings and their ranges follow CloudFront's origin settings (cloudfront.md
//! §3.1): ConnectionAttempts 1–3 (3), ConnectionTimeout 1–10 s (10 s), the response (read)
//! timeout 1–120 s (30 s), an optional response-completion timeout no shorter than the
//! read timeout, and the keep-alive timeout 1–120 s (5 s). CloudFront takes whole seconds,
//! and so does edgesim. Origin groups have exactly two members and failover status codes
//! from CloudFront's list (§3.2).

use crate::check::{self, ensure, Checked};
use crate::topology::geo::LatLon;
use crate::units::{Duration, Nanos, SEC};
use crate::workload::dist::Dist;
use serde::{Deserialize, Serialize};

/// Settings of one origin's attempt loop, resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// Connection attempts per try (1–3).
    pub attempts: u8,
    /// Connection timeout, ns.
    pub connect: Nanos,
    /// Response (read) timeout, ns.
    pub read: Nanos,
    /// Response-completion timeout, ns.
    pub completion: Option<Nanos>,
    /// Whether the origin's certificate is valid for its domain.
    pub certificate_valid: bool,
}

/// How the edge reaches one origin, resolved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reach {
    pub location: LatLon,
    pub timing: Timing,
    /// How long an idle pooled connection stays open, ns.
    pub keepalive: Nanos,
    /// Connections the origin serves at once.
    pub concurrency: usize,
    pub protocol_policy: OriginProtocolPolicy,
}

/// An origin server (or fleet) as the scenario describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginSpec {
    /// Unique name, referred to by behaviors and origin groups.
    pub name: String,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// Requests served at the same time; the rest queue.
    #[serde(default = "default_concurrency")]
    pub concurrency: u32,
    /// Time to produce one response once a server takes the request.
    #[serde(default = "default_service")]
    pub service: Dist<Duration>,
    /// The regional cache that shields this origin, by name; absent: no Origin Shield.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shield: Option<String>,
    /// Error responses the origin gives, each a share of all its responses.
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
    /// Connection attempts per request (ConnectionAttempts), 1 to 3.
    #[serde(default = "default_attempts")]
    pub connection_attempts: u32,
    /// How long one connection attempt may take (ConnectionTimeout), 1 to 10 s.
    #[serde(default = "default_connection_timeout")]
    pub connection_timeout: Duration,
    /// How long to wait for the first byte of a response (OriginReadTimeout), 1 to 120 s.
    #[serde(default = "default_read_timeout")]
    pub read_timeout: Duration,
    /// Cap on the whole time a request to this origin may take, all attempts included
    /// (ResponseCompletionTimeout); absent: no cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_completion_timeout: Option<Duration>,
    /// How long an idle connection to the origin stays open (OriginKeepaliveTimeout),
    /// 1 to 120 s.
    #[serde(default = "default_keepalive_timeout")]
    pub keepalive_timeout: Duration,
    /// Requests that may wait for a server; more are refused with 503 Slow Down.
    /// Absent: the queue is unbounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_queue: Option<u32>,
    /// Requests per second the origin accepts (a token bucket holding 0.1 s of them);
    /// more are refused with 503 Slow Down. Absent: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rps: Option<f64>,
    /// How the edge talks to the origin: `http-only`, `https-only` or `match-viewer`.
    #[serde(default)]
    pub protocol_policy: OriginProtocolPolicy,
    /// TLS versions the origin accepts (OriginSslProtocols): any of SSLv3, TLSv1, TLSv1.1,
    /// TLSv1.2. The handshake is modelled as TLS 1.2's either way (cloudfront.md §4.2).
    #[serde(default = "default_ssl_protocols")]
    pub ssl_protocols: Vec<String>,
    /// Whether the origin's certificate is valid for its name. An invalid one fails every
    /// HTTPS connection with 502 (OriginConnectError).
    #[serde(default = "yes")]
    pub certificate_valid: bool,
    /// What the origin itself charges per request and per GB it sends (default 0, as
    /// for AWS origins' transfer to CloudFront).
    #[serde(default)]
    pub cost: crate::cost::OriginCost,
}

/// The edge-to-origin scheme (cloudfront.md §4.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OriginProtocolPolicy {
    /// Plain HTTP.
    HttpOnly,
    /// Always HTTPS.
    #[default]
    HttpsOnly,
    /// The viewer's scheme (the leader's, for a shared fetch).
    MatchViewer,
}

/// The TLS protocol names CloudFront accepts for origins.
pub const ORIGIN_SSL_PROTOCOLS: [&str; 4] = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"];

/// A share of an origin's responses that are errors with one status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// HTTP status, 400 to 599.
    pub status: u16,
    /// Share of responses (0 to 1).
    pub share: f64,
    /// `Cache-Control: max-age` on the error response, seconds; absent for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u64>,
}

/// Two origins, the primary tried first for every request and the secondary when it fails.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginGroupSpec {
    /// Unique among origins and groups; behaviors target it by this name.
    pub name: String,
    /// Exactly two origin names: the primary, then the secondary.
    pub members: Vec<String>,
    /// Primary statuses that send the request to the secondary.
    #[serde(default = "default_failover_codes")]
    pub failover_status_codes: Vec<u16>,
}

/// The statuses CloudFront lets an origin group fail over on (cloudfront.md §3.2).
pub const FAILOVER_STATUS_CODES: [u16; 8] = [400, 403, 404, 416, 500, 502, 503, 504];

fn default_concurrency() -> u32 {
    64
}

fn default_service() -> Dist<Duration> {
    Dist::Exponential {
        mean: Duration(20_000_000),
    }
}

fn default_ssl_protocols() -> Vec<String> {
    vec!["TLSv1.2".into()]
}

fn yes() -> bool {
    true
}

fn default_attempts() -> u32 {
    3
}

fn default_connection_timeout() -> Duration {
    Duration(10 * SEC)
}

fn default_read_timeout() -> Duration {
    Duration(30 * SEC)
}

fn default_keepalive_timeout() -> Duration {
    Duration(5 * SEC)
}

/// CloudFront requires a list; edgesim's default is the server errors, the usual choice.
fn default_failover_codes() -> Vec<u16> {
    vec![500, 502, 503, 504]
}

/// Requires whole seconds within `lo..=hi`.
fn seconds(path: String, d: Duration, lo: u64, hi: u64) -> Checked {
    ensure(
        d.0 % SEC == 0 && (lo * SEC..=hi * SEC).contains(&d.0),
        || path,
        || format!("must be a whole number of seconds from {lo}s to {hi}s, got {d}"),
    )
}

impl OriginSpec {
    /// An origin at `lat`, `lon` with every other setting at its default.
    pub fn new(name: &str, lat: f64, lon: f64) -> Self {
        OriginSpec {
            name: name.into(),
            lat,
            lon,
            concurrency: default_concurrency(),
            service: default_service(),
            shield: None,
            errors: Vec::new(),
            connection_attempts: default_attempts(),
            connection_timeout: default_connection_timeout(),
            read_timeout: default_read_timeout(),
            response_completion_timeout: None,
            keepalive_timeout: default_keepalive_timeout(),
            max_queue: None,
            max_rps: None,
            protocol_policy: OriginProtocolPolicy::default(),
            ssl_protocols: default_ssl_protocols(),
            certificate_valid: true,
            cost: Default::default(),
        }
    }

    /// How the edge reaches the origin.
    pub fn reach(&self) -> Reach {
        Reach {
            location: self.location(),
            timing: self.timing(),
            keepalive: self.keepalive_timeout.0,
            concurrency: self.concurrency as usize,
            protocol_policy: self.protocol_policy,
        }
    }

    /// The origin's attempt settings, in nanoseconds.
    pub fn timing(&self) -> Timing {
        Timing {
            attempts: self.connection_attempts as u8,
            connect: self.connection_timeout.0,
            read: self.read_timeout.0,
            completion: self.response_completion_timeout.map(|d| d.0),
            certificate_valid: self.certificate_valid,
        }
    }

    /// The origin's position.
    pub fn location(&self) -> LatLon {
        LatLon {
            lat: self.lat,
            lon: self.lon,
        }
    }

    /// Checks one origin at `path`.
    pub fn check(&self, path: &str) -> Checked {
        check::lat_lon(path, self.lat, self.lon)?;
        ensure(
            self.concurrency > 0,
            || format!("{path}.concurrency"),
            || "must be at least 1".into(),
        )?;
        self.service.sampler(&format!("{path}.service"))?;
        for (i, e) in self.errors.iter().enumerate() {
            let at = format!("{path}.errors[{i}]");
            check::error_status(&format!("{at}.status"), e.status)?;
            check::within(&format!("{at}.share"), e.share, 0.0, 1.0)?;
        }
        let total: f64 = self.errors.iter().map(|e| e.share).sum();
        ensure(
            total <= 1.0 + 1e-9,
            || format!("{path}.errors[*].share"),
            || format!("error shares sum to {total}; at most 1 is possible"),
        )?;
        ensure(
            (1..=3).contains(&self.connection_attempts),
            || format!("{path}.connection_attempts"),
            || format!("must be 1, 2 or 3, got {}", self.connection_attempts),
        )?;
        seconds(
            format!("{path}.connection_timeout"),
            self.connection_timeout,
            1,
            10,
        )?;
        seconds(format!("{path}.read_timeout"), self.read_timeout, 1, 120)?;
        seconds(
            format!("{path}.keepalive_timeout"),
            self.keepalive_timeout,
            1,
            120,
        )?;
        if let Some(c) = self.response_completion_timeout {
            ensure(
                c >= self.read_timeout && c.0 % SEC == 0,
                || format!("{path}.response_completion_timeout"),
                || {
                    format!(
                        "must be whole seconds, at least read_timeout ({}), got {c}",
                        self.read_timeout
                    )
                },
            )?;
        }
        if let Some(q) = self.max_queue {
            ensure(
                q > 0,
                || format!("{path}.max_queue"),
                || "must be at least 1 (leave it out for an unbounded queue)".into(),
            )?;
        }
        if let Some(rps) = self.max_rps {
            check::positive(&format!("{path}.max_rps"), rps)?;
        }
        for (i, p) in self.ssl_protocols.iter().enumerate() {
            ensure(
                ORIGIN_SSL_PROTOCOLS.contains(&p.as_str()),
                || format!("{path}.ssl_protocols[{i}]"),
                || format!("must be one of {ORIGIN_SSL_PROTOCOLS:?}, got {p:?}"),
            )?;
        }
        ensure(
            self.protocol_policy == OriginProtocolPolicy::HttpOnly
                || !self.ssl_protocols.is_empty(),
            || format!("{path}.ssl_protocols"),
            || {
                format!(
                    "must name at least one of {ORIGIN_SSL_PROTOCOLS:?} when protocol_policy is not \"http-only\""
                )
            },
        )
    }
}

impl OriginGroupSpec {
    /// Checks one group at `path`; `origins` are the names its members may have.
    pub fn check(&self, path: &str, origins: &[&str]) -> Checked {
        ensure(
            self.members.len() == 2,
            || format!("{path}.members"),
            || {
                format!(
                    "an origin group has exactly two members, primary then secondary; got {}",
                    self.members.len()
                )
            },
        )?;
        for (i, m) in self.members.iter().enumerate() {
            ensure(
                origins.contains(&m.as_str()),
                || format!("{path}.members[{i}]"),
                || format!("no origin is named {m:?}; origins are {origins:?}"),
            )?;
        }
        ensure(
            self.members[0] != self.members[1],
            || format!("{path}.members"),
            || "the primary and the secondary must be different origins".into(),
        )?;
        ensure(
            !self.failover_status_codes.is_empty(),
            || format!("{path}.failover_status_codes"),
            || format!("list at least one of {FAILOVER_STATUS_CODES:?}"),
        )?;
        for (i, &code) in self.failover_status_codes.iter().enumerate() {
            let at = || format!("{path}.failover_status_codes[{i}]");
            ensure(FAILOVER_STATUS_CODES.contains(&code), at, || {
                format!("must be one of {FAILOVER_STATUS_CODES:?}, got {code}")
            })?;
            ensure(!self.failover_status_codes[..i].contains(&code), at, || {
                format!("{code} is listed twice")
            })?;
        }
        Ok(())
    }
}
