//! The viewer leg (cloudfront.md §4): scheme, HTTP and TLS versions, the viewer protocol
//! policy, the security policy, and what a new connection costs in round trips.
//!
//! Each request draws its client's capabilities from its region's mix: HTTP or HTTPS, the
//! highest HTTP version and the highest TLS version the client speaks, whether it opens a
//! new connection (one request in `requests_per_connection` does) and, for a new TLS
//! connection, whether it resumes a session. The draws are independent per request: a
//! region is a population of clients, not one client. The distribution then decides what
//! is negotiated: TLS below the security policy's minimum fails the handshake; HTTP/2 needs
//! TLS 1.2 or later and HTTP/3 TLS 1.3, each only if the distribution enables it, and a
//! client falls back to the best version both sides allow.

use super::Method;
use crate::check::{self, ensure, Checked, Invalid};
use serde::{Deserialize, Serialize};

/// A viewer HTTP version (`cs-protocol-version`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum HttpVersion {
    /// HTTP/1.0.
    Http1_0,
    /// HTTP/1.1.
    Http1_1,
    /// HTTP/2.
    Http2,
    /// HTTP/3 (over QUIC).
    Http3,
}

impl HttpVersion {
    /// Every version, oldest first.
    pub const ALL: [HttpVersion; 4] = [
        HttpVersion::Http1_0,
        HttpVersion::Http1_1,
        HttpVersion::Http2,
        HttpVersion::Http3,
    ];

    /// The name CloudFront logs.
    pub fn name(self) -> &'static str {
        match self {
            HttpVersion::Http1_0 => "HTTP/1.0",
            HttpVersion::Http1_1 => "HTTP/1.1",
            HttpVersion::Http2 => "HTTP/2.0",
            HttpVersion::Http3 => "HTTP/3.0",
        }
    }
}

/// A TLS version a viewer can speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum TlsVersion {
    /// TLS 1.0.
    Tls1_0,
    /// TLS 1.1.
    Tls1_1,
    /// TLS 1.2.
    Tls1_2,
    /// TLS 1.3.
    Tls1_3,
}

impl TlsVersion {
    /// Every version, oldest first.
    pub const ALL: [TlsVersion; 4] = [
        TlsVersion::Tls1_0,
        TlsVersion::Tls1_1,
        TlsVersion::Tls1_2,
        TlsVersion::Tls1_3,
    ];

    /// The name CloudFront logs (`ssl-protocol`).
    pub fn name(self) -> &'static str {
        match self {
            TlsVersion::Tls1_0 => "TLSv1",
            TlsVersion::Tls1_1 => "TLSv1.1",
            TlsVersion::Tls1_2 => "TLSv1.2",
            TlsVersion::Tls1_3 => "TLSv1.3",
        }
    }
}

/// A behavior's `ViewerProtocolPolicy` (§4.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViewerProtocolPolicy {
    /// HTTP and HTTPS are both served.
    #[default]
    AllowAll,
    /// HTTP gets a redirect to the HTTPS URL.
    RedirectToHttps,
    /// HTTP gets 403.
    HttpsOnly,
}

/// The distribution's `HttpVersion` setting (§4.4): the highest versions it offers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum HttpVersions {
    /// HTTP/1.1 and older.
    #[serde(rename = "http1.1")]
    Http1_1,
    /// HTTP/2 and older (CloudFront's default).
    #[default]
    #[serde(rename = "http2")]
    Http2,
    /// HTTP/3 and HTTP/1.1 and older.
    #[serde(rename = "http3")]
    Http3,
    /// HTTP/3, HTTP/2 and older.
    #[serde(rename = "http2and3")]
    Http2And3,
}

impl HttpVersions {
    fn offers(self, v: HttpVersion) -> bool {
        match v {
            HttpVersion::Http1_0 | HttpVersion::Http1_1 => true,
            HttpVersion::Http2 => matches!(self, HttpVersions::Http2 | HttpVersions::Http2And3),
            HttpVersion::Http3 => matches!(self, HttpVersions::Http3 | HttpVersions::Http2And3),
        }
    }
}

/// CloudFront's viewer security policies and the oldest TLS each accepts (§4.3). `SSLv3`
/// accepts every TLS version a simulated viewer speaks.
pub const SECURITY_POLICIES: [(&str, TlsVersion); 9] = [
    ("SSLv3", TlsVersion::Tls1_0),
    ("TLSv1", TlsVersion::Tls1_0),
    ("TLSv1_2016", TlsVersion::Tls1_0),
    ("TLSv1.1_2016", TlsVersion::Tls1_1),
    ("TLSv1.2_2018", TlsVersion::Tls1_2),
    ("TLSv1.2_2019", TlsVersion::Tls1_2),
    ("TLSv1.2_2021", TlsVersion::Tls1_2),
    ("TLSv1.2_2025", TlsVersion::Tls1_2),
    ("TLSv1.3_2025", TlsVersion::Tls1_3),
];

/// Distribution-wide viewer settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DistributionSpec {
    /// The viewer security policy, by CloudFront's name.
    pub security_policy: String,
    /// HTTP versions offered to viewers.
    pub http_versions: HttpVersions,
    /// Whether resumed TLS 1.3 and QUIC connections send the request with the handshake
    /// (0-RTT). CloudFront does not (§4.3), hence the default.
    pub zero_rtt: bool,
    /// `PriceClass_100`, `PriceClass_200` or `PriceClass_All`: POPs outside the class
    /// serve nothing, and viewers go to the nearest POP inside it.
    pub price_class: crate::data::PriceClass,
}

impl Default for DistributionSpec {
    fn default() -> Self {
        DistributionSpec {
            security_policy: "TLSv1.2_2021".into(),
            http_versions: HttpVersions::Http2,
            zero_rtt: false,
            price_class: crate::data::PriceClass::All,
        }
    }
}

impl DistributionSpec {
    /// The oldest TLS version the security policy accepts, if the name is known.
    pub fn min_tls(&self) -> Option<TlsVersion> {
        SECURITY_POLICIES
            .iter()
            .find(|(n, _)| *n == self.security_policy)
            .map(|&(_, v)| v)
    }

    /// Checks the settings.
    pub fn check(&self) -> Checked {
        self.resolve().map(drop)
    }

    /// The settings resolved: the security policy's oldest TLS version.
    pub fn resolve(&self) -> Result<Distribution, Invalid> {
        let Some(min_tls) = self.min_tls() else {
            let names: Vec<&str> = SECURITY_POLICIES.iter().map(|(n, _)| *n).collect();
            return Err(Invalid {
                path: "distribution.security_policy".into(),
                message: format!(
                    "{:?} is not a CloudFront security policy; use one of {names:?}",
                    self.security_policy
                ),
            });
        };
        Ok(Distribution {
            min_tls,
            offered: self.http_versions,
            zero_rtt: self.zero_rtt,
        })
    }
}

/// Distribution-wide viewer settings, resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Distribution {
    /// The oldest TLS version the security policy accepts.
    pub min_tls: TlsVersion,
    /// The HTTP versions offered to viewers.
    pub offered: HttpVersions,
    /// Whether TLS 1.3 resumptions may send early data.
    pub zero_rtt: bool,
}

/// A region's clients: schemes, versions and connection reuse.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProtocolMix {
    /// Share of requests over HTTPS.
    pub https: f64,
    /// Shares of clients whose highest HTTP version is 1.0, 1.1, 2 and 3 (sum to 1).
    pub http1_0: f64,
    /// See `http1_0`.
    pub http1_1: f64,
    /// See `http1_0`.
    pub http2: f64,
    /// See `http1_0`.
    pub http3: f64,
    /// Shares of clients whose highest TLS version is 1.0, 1.1, 1.2 and 1.3 (sum to 1).
    pub tls1_0: f64,
    /// See `tls1_0`.
    pub tls1_1: f64,
    /// See `tls1_0`.
    pub tls1_2: f64,
    /// See `tls1_0`.
    pub tls1_3: f64,
    /// Share of new TLS connections that resume an earlier session.
    pub resumption: f64,
    /// Mean requests a connection carries: each request opens a new connection with
    /// probability 1 / this.
    pub requests_per_connection: f64,
}

impl Default for ProtocolMix {
    /// Roughly today's web: nearly all HTTPS, mostly HTTP/2, most clients with TLS 1.3.
    fn default() -> Self {
        ProtocolMix {
            https: 0.95,
            http1_0: 0.0,
            http1_1: 0.15,
            http2: 0.65,
            http3: 0.2,
            tls1_0: 0.0,
            tls1_1: 0.0,
            tls1_2: 0.1,
            tls1_3: 0.9,
            resumption: 0.4,
            requests_per_connection: 8.0,
        }
    }
}

impl ProtocolMix {
    /// Checks the mix at `path`.
    pub fn check(&self, path: &str) -> Checked {
        check::within(&format!("{path}.https"), self.https, 0.0, 1.0)?;
        check::within(&format!("{path}.resumption"), self.resumption, 0.0, 1.0)?;
        let versions = [self.http1_0, self.http1_1, self.http2, self.http3];
        check::shares_sum_to_one(&format!("{path}.http1_0..http3"), versions)?;
        let tls = [self.tls1_0, self.tls1_1, self.tls1_2, self.tls1_3];
        check::shares_sum_to_one(&format!("{path}.tls1_0..tls1_3"), tls)?;
        ensure(
            self.requests_per_connection >= 1.0 && self.requests_per_connection.is_finite(),
            || format!("{path}.requests_per_connection"),
            || format!("must be at least 1, got {}", self.requests_per_connection),
        )
    }
}

/// What one request's viewer connection is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ViewerConn {
    /// HTTPS rather than HTTP.
    pub https: bool,
    /// The HTTP version in use.
    pub version: HttpVersion,
    /// The TLS version in use (HTTPS only).
    pub tls: Option<TlsVersion>,
    /// The client's highest TLS version, also for a client on plain HTTP (used when it
    /// follows a redirect to HTTPS).
    pub client_tls: TlsVersion,
    /// The client's highest TLS version, below the policy's minimum: the handshake fails.
    pub tls_refused: bool,
    /// The request opens a new connection.
    pub new: bool,
    /// The new TLS connection resumes a session.
    pub resumed: bool,
    /// The client's highest HTTP version.
    pub client_version: HttpVersion,
}

impl ViewerConn {
    /// Number of protocol rows: 4 HTTP versions × (plain, TLS 1.0–1.3).
    pub const ROWS: usize = 20;

    /// This connection's protocol row.
    pub fn row(&self) -> usize {
        self.version as usize * 5 + self.tls.map_or(0, |t| t as usize + 1)
    }

    /// The name of protocol row `row`, such as `HTTP/2.0 TLSv1.3`.
    pub fn row_name(row: usize) -> String {
        let v = HttpVersion::ALL[row / 5].name();
        match row % 5 {
            0 => v.to_string(),
            t => format!("{v} {}", TlsVersion::ALL[t - 1].name()),
        }
    }

    /// The same client coming back over HTTPS on a new connection (after a redirect).
    pub fn upgraded(self, mix: &ProtocolSampler) -> ViewerConn {
        mix.negotiate(true, self.client_version, self.client_tls, true, false)
    }
}

/// Draws [`ViewerConn`]s for one region: thresholds in 1/65536 units, so that one 64-bit
/// random number decides the scheme, the versions and whether the connection is new.
#[derive(Clone, Debug)]
pub struct ProtocolSampler {
    https: u64,
    versions: [u64; 3],
    tls: [u64; 3],
    new_connection: u64,
    resumption: f64,
    min_tls: TlsVersion,
    offered: HttpVersions,
}

fn scaled(p: f64) -> u64 {
    (p.clamp(0.0, 1.0) * 65536.0).round() as u64
}

impl ProtocolSampler {
    /// The sampler of `mix` under `dist`.
    pub fn new(mix: &ProtocolMix, dist: &Distribution) -> Self {
        let cum = |xs: [f64; 3]| {
            let mut acc = 0.0;
            xs.map(|x| {
                acc += x;
                scaled(acc)
            })
        };
        ProtocolSampler {
            https: scaled(mix.https),
            versions: cum([mix.http1_0, mix.http1_1, mix.http2]),
            tls: cum([mix.tls1_0, mix.tls1_1, mix.tls1_2]),
            new_connection: scaled(1.0 / mix.requests_per_connection),
            resumption: mix.resumption,
            min_tls: dist.min_tls,
            offered: dist.offered,
        }
    }

    /// One request's connection, from the random bits `r` and, for a new TLS connection,
    /// the uniform `resume` (0–1).
    #[inline]
    pub fn draw(&self, r: u64, resume: impl FnOnce() -> f64) -> ViewerConn {
        self.draw_as(r, None, resume)
    }

    /// As [`ProtocolSampler::draw`], with the scheme given where a trace says it.
    pub fn draw_as(&self, r: u64, https: Option<bool>, resume: impl FnOnce() -> f64) -> ViewerConn {
        let (u1, u2, u3, u4) = (r & 0xffff, (r >> 16) & 0xffff, (r >> 32) & 0xffff, r >> 48);
        let https = https.unwrap_or(u1 < self.https);
        let version = HttpVersion::ALL[self.versions.iter().filter(|&&c| u2 >= c).count()];
        let tls = TlsVersion::ALL[self.tls.iter().filter(|&&c| u3 >= c).count()];
        let new = u4 < self.new_connection;
        let resumed = new && https && resume() < self.resumption;
        self.negotiate(https, version, tls, new, resumed)
    }

    /// What a client with these capabilities gets from the distribution.
    fn negotiate(
        &self,
        https: bool,
        client_version: HttpVersion,
        client_tls: TlsVersion,
        new: bool,
        resumed: bool,
    ) -> ViewerConn {
        let tls_refused = https && client_tls < self.min_tls;
        let tls = (https && !tls_refused).then_some(client_tls);
        let allowed = |v: HttpVersion| {
            v <= client_version
                && self.offered.offers(v)
                && match v {
                    HttpVersion::Http3 => tls == Some(TlsVersion::Tls1_3),
                    HttpVersion::Http2 => tls >= Some(TlsVersion::Tls1_2),
                    _ => true,
                }
        };
        let version = HttpVersion::ALL
            .into_iter()
            .rev()
            .find(|&v| allowed(v))
            .unwrap_or(HttpVersion::Http1_0);
        ViewerConn {
            https,
            version,
            tls,
            client_tls,
            tls_refused,
            new,
            resumed,
            client_version,
        }
    }
}

/// Round trips before the request can be sent (§4.5): TCP 1, then TLS 1.2 2 (1 resumed),
/// TLS 1.3 1; QUIC 1 in all. With `zero_rtt`, resumed TLS 1.3 and QUIC cost nothing more
/// than the request itself. A reused connection costs 0.
pub fn handshake_rtts(c: &ViewerConn, zero_rtt: bool) -> u32 {
    if !c.new {
        return 0;
    }
    let early = zero_rtt && c.resumed;
    match (c.version, c.tls) {
        (HttpVersion::Http3, _) => u32::from(!early),
        (_, None) => 1,
        (_, Some(TlsVersion::Tls1_3)) => 1 + u32::from(!early),
        (_, Some(_)) if c.resumed => 2,
        (_, Some(_)) => 3,
    }
}

/// Round trips after the first byte that TCP slow start needs to deliver `bytes` on a new
/// connection: the first window (10 segments of 1460 bytes, RFC 6928) goes with the first
/// byte, and each later round trip doubles the window.
pub fn slow_start_rounds(bytes: u64) -> u64 {
    const INITIAL_WINDOW: u64 = 10 * 1460;
    let (mut window, mut sent, mut rounds) = (INITIAL_WINDOW, INITIAL_WINDOW, 0);
    while sent < bytes {
        window *= 2;
        sent += window;
        rounds += 1;
    }
    rounds
}

/// Why a request gets 403 before anything else happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forbidden {
    /// HTTP on an `https-only` behavior.
    HttpsOnly,
    /// HTTP/1.0 with a method that `redirect-to-https` cannot redirect (307 needs 1.1).
    OldProtocol,
}

/// What the viewer protocol policy does with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Serve it.
    Serve,
    /// Redirect to HTTPS with this status: 301 or 307.
    Redirect(u16),
    /// Refuse it with 403.
    Forbidden(Forbidden),
}

/// The §4.1 table: what `policy` does with a request over `https` or not, by `method` and
/// HTTP `version`.
pub fn verdict(
    policy: ViewerProtocolPolicy,
    https: bool,
    method: Method,
    version: HttpVersion,
) -> Verdict {
    match policy {
        _ if https => Verdict::Serve,
        ViewerProtocolPolicy::AllowAll => Verdict::Serve,
        ViewerProtocolPolicy::HttpsOnly => Verdict::Forbidden(Forbidden::HttpsOnly),
        ViewerProtocolPolicy::RedirectToHttps => match method {
            Method::Get | Method::Head => Verdict::Redirect(301),
            _ if version >= HttpVersion::Http1_1 => Verdict::Redirect(307),
            _ => Verdict::Forbidden(Forbidden::OldProtocol),
        },
    }
}

#[cfg(test)]
mod tests;
