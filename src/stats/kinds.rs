//! The kinds a finished request is classified by: result type, tier, detailed result type
//! and what failover did.

/// How a request ended: CloudFront's `x-edge-result-type` (cloudfront.md §7.1). Every
/// request ends in exactly one. (`Redirect` and `LimitExceeded` arrive with the
/// viewer-protocol and quota features.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Outcome {
    /// Served from a cache tier (POP, regional cache or shield), collapsed requests
    /// included.
    Hit,
    /// An expired copy that the origin confirmed (304), then served.
    RefreshHit,
    /// The body came from the origin: a miss, or a method or behavior never cached.
    Miss,
    /// An error status: from the origin, a cached error, or refused at the edge.
    Error,
    /// Every POP was down or over its request-rate capacity: 503 (cloudfront.md §6).
    CapacityExceeded,
    /// An HTTP request redirected to HTTPS (301 or 307) by the viewer protocol policy.
    Redirect,
}

impl Outcome {
    /// Number of outcomes.
    pub const COUNT: usize = 6;

    /// Every outcome, in column order.
    pub const ALL: [Outcome; Outcome::COUNT] = [
        Outcome::Hit,
        Outcome::RefreshHit,
        Outcome::Miss,
        Outcome::Error,
        Outcome::CapacityExceeded,
        Outcome::Redirect,
    ];

    /// The name CloudFront logs.
    pub fn log_name(self) -> &'static str {
        match self {
            Outcome::Hit => "Hit",
            Outcome::RefreshHit => "RefreshHit",
            Outcome::Miss => "Miss",
            Outcome::Error => "Error",
            Outcome::CapacityExceeded => "CapacityExceeded",
            Outcome::Redirect => "Redirect",
        }
    }

    /// Whether the body came from a cache rather than the origin.
    pub fn from_cache(self) -> bool {
        matches!(self, Outcome::Hit | Outcome::RefreshHit)
    }
}

/// Which tier produced a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Tier {
    /// The POP itself: its cache, or a refusal.
    #[default]
    Pop,
    /// The POP's regional edge cache.
    Regional,
    /// The origin's shield (a regional cache that is not the POP's own).
    Shield,
    /// The origin.
    Origin,
}

impl Tier {
    /// Number of tiers.
    pub const COUNT: usize = 4;

    /// The name in `requests.csv`'s `sim-served-tier`.
    pub fn log_name(self) -> &'static str {
        match self {
            Tier::Pop => "pop",
            Tier::Regional => "rec",
            Tier::Shield => "shield",
            Tier::Origin => "origin",
        }
    }
}

/// CloudFront's `x-edge-detailed-result-type` where it differs from the result type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Detail {
    /// Same as the result type.
    #[default]
    Same,
    /// A hit from the origin's shield cache (not the POP's own regional cache).
    OriginShieldHit,
    /// The behavior does not allow the method: 403.
    InvalidRequestMethod,
    /// The origin answered with an error status.
    OriginError,
    /// Every connection attempt to the origin was refused: 502.
    OriginConnectError,
    /// Every connection attempt to the origin timed out: 504.
    OriginCommError,
    /// The origin sent no first byte within the read timeout: 504.
    OriginReadError,
    /// HTTP on an `https-only` behavior: 403 (logged as `Error`).
    HttpsOnly,
    /// A method `redirect-to-https` cannot redirect over HTTP/1.0: 403 (logged as `Error`).
    OldProtocol,
    /// The viewer's TLS is older than the security policy allows: the handshake fails
    /// and no HTTP request is made (simulator-only name; CloudFront logs nothing).
    ClientTlsError,
    /// Private content: no Key-Pair-Id in the URL or cookies (403).
    MissingKey,
    /// Private content: a key in none of the behavior's trusted key groups (403).
    InvalidKey,
    /// Private content: the policy cannot be read (403).
    MalformedPolicy,
    /// Private content: the signature does not verify (403, AccessDenied).
    BadSignature,
    /// Private content: the policy does not cover the URL (403, AccessDenied).
    ResourceMismatch,
    /// Private content: the signature has expired (403, AccessDenied).
    Expired,
    /// Private content: the signature is not valid yet (403, AccessDenied).
    NotYetValid,
    /// Private content: the viewer's address is outside the policy's range (403).
    IpNotAllowed,
}

impl Detail {
    /// Whether it is a refusal of private content for its signature.
    pub fn is_signature_denial(self) -> bool {
        self as u8 >= Detail::MissingKey as u8
    }

    /// Number of detailed types.
    pub const COUNT: usize = 18;

    /// The detailed result type CloudFront logs for `outcome`.
    pub fn log_name(self, outcome: Outcome) -> &'static str {
        match self {
            Detail::Same | Detail::HttpsOnly | Detail::OldProtocol => outcome.log_name(),
            Detail::ClientTlsError => "ClientTlsError",
            Detail::MissingKey => "MissingKey",
            Detail::InvalidKey => "InvalidKey",
            Detail::MalformedPolicy => "MalformedPolicy",
            Detail::BadSignature
            | Detail::ResourceMismatch
            | Detail::Expired
            | Detail::NotYetValid
            | Detail::IpNotAllowed => "AccessDenied",
            Detail::OriginShieldHit => "OriginShieldHit",
            Detail::InvalidRequestMethod => "InvalidRequestMethod",
            Detail::OriginError => "OriginError",
            Detail::OriginConnectError => "OriginConnectError",
            Detail::OriginCommError => "OriginCommError",
            Detail::OriginReadError => "OriginReadError",
        }
    }
}

/// What an origin group's failover did for a request (cloudfront.md §3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Failover {
    /// No failover was called for.
    #[default]
    None,
    /// The primary failed and the secondary answered.
    Recovered,
    /// The primary failed and so did the secondary.
    BothFailed,
    /// The primary failed but the method may not fail over (only GET, HEAD and OPTIONS do).
    NotEligible,
}
