//! Signed URLs and signed cookies (cloudfront.md §5.3–§5.5): CloudFront's URL-safe base64,
//! the names on the wire, and verification in the edge's order.

use super::keys::{Hash, PrivateKey, PublicKey};
use super::policy::Policy;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::net::Ipv4Addr;

/// Base64 with CloudFront's substitutions: `+` → `-`, `=` → `_`, `/` → `~`.
pub fn encode(bytes: &[u8]) -> String {
    STANDARD
        .encode(bytes)
        .chars()
        .map(|c| match c {
            '+' => '-',
            '=' => '_',
            '/' => '~',
            c => c,
        })
        .collect()
}

/// The inverse of [`encode`]; `None` for text that is not such base64.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let standard: String = text
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '=',
            '~' => '/',
            c => c,
        })
        .collect();
    STANDARD.decode(standard).ok()
}

/// Canned (the policy is rebuilt from the URL and `Expires`) or custom (it travels along).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    /// Canned: valid for exactly this URL until the Unix time.
    Canned {
        /// `DateLessThan`.
        expires: i64,
    },
    /// Custom.
    Custom(Policy),
}

/// The query parameters a signature adds (the viewer's own may not use these names).
const SIGNED_PARAMS: [&str; 5] = [
    "Expires",
    "Policy",
    "Signature",
    "Key-Pair-Id",
    "Hash-Algorithm",
];

/// The signing parameters for `url` under `grant`: `(name, value)` without the
/// `CloudFront-` prefix cookies add.
fn signed_pairs(
    url: &str,
    grant: &Grant,
    key: &PrivateKey,
    key_pair_id: &str,
    hash: Hash,
) -> Vec<(&'static str, String)> {
    let (policy, first) = match grant {
        Grant::Canned { expires } => {
            let p = Policy::canned(url, *expires);
            (p, ("Expires", expires.to_string()))
        }
        Grant::Custom(p) => (p.clone(), ("Policy", encode(p.to_json().as_bytes()))),
    };
    let signature = encode(&key.sign(policy.to_json().as_bytes(), hash));
    let mut pairs = vec![
        first,
        ("Signature", signature),
        ("Key-Pair-Id", key_pair_id.to_string()),
    ];
    if hash == Hash::Sha256 {
        pairs.push(("Hash-Algorithm", hash.name().to_string()));
    }
    pairs
}

/// `url` signed: the signing parameters follow the viewer's own query parameters.
pub fn sign_url(
    url: &str,
    grant: &Grant,
    key: &PrivateKey,
    key_pair_id: &str,
    hash: Hash,
) -> String {
    let mut out = url.to_string();
    for (name, value) in signed_pairs(url, grant, key, key_pair_id, hash) {
        out.push(if out.contains('?') { '&' } else { '?' });
        out.push_str(name);
        out.push('=');
        out.push_str(&value);
    }
    out
}

/// The signed cookies for `url` under `grant`, as `(name, value)` pairs.
pub fn sign_cookies(
    url: &str,
    grant: &Grant,
    key: &PrivateKey,
    key_pair_id: &str,
    hash: Hash,
) -> Vec<(String, String)> {
    signed_pairs(url, grant, key, key_pair_id, hash)
        .into_iter()
        .map(|(n, v)| (format!("CloudFront-{n}"), v))
        .collect()
}

/// Why the edge refuses a request (403), in the order it checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Denied {
    /// No `Key-Pair-Id` in the URL or cookies.
    MissingKeyPairId,
    /// The key is in none of the behavior's trusted key groups.
    UnknownKey,
    /// The policy (or `Expires`, or the hash name) cannot be read.
    MalformedPolicy,
    /// The signature does not verify.
    BadSignature,
    /// The policy's `Resource` does not cover the URL.
    ResourceMismatch,
    /// At or after `DateLessThan`.
    Expired,
    /// At or before `DateGreaterThan`.
    NotYetValid,
    /// The viewer's address is outside `IpAddress`.
    IpNotAllowed,
}

impl Denied {
    /// Every reason, in check order.
    pub const ALL: [Denied; 8] = [
        Denied::MissingKeyPairId,
        Denied::UnknownKey,
        Denied::MalformedPolicy,
        Denied::BadSignature,
        Denied::ResourceMismatch,
        Denied::Expired,
        Denied::NotYetValid,
        Denied::IpNotAllowed,
    ];

    /// The error code of the 403 body (cloudfront.md §5.5).
    pub fn code(self) -> &'static str {
        match self {
            Denied::MissingKeyPairId => "MissingKey",
            Denied::UnknownKey => "InvalidKey",
            Denied::MalformedPolicy => "MalformedPolicy",
            _ => "AccessDenied",
        }
    }

    /// The message of the 403 body, and what `edgesim verify` prints.
    pub fn message(self) -> &'static str {
        match self {
            Denied::MissingKeyPairId => "Missing Key-Pair-Id query parameter or cookie value",
            Denied::UnknownKey => "Unknown Key",
            Denied::MalformedPolicy => "Malformed Policy",
            Denied::BadSignature => "Access denied: invalid signature",
            Denied::ResourceMismatch => "Access denied: the policy does not cover this URL",
            Denied::Expired => "Access denied: expired",
            Denied::NotYetValid => "Access denied: not yet valid",
            Denied::IpNotAllowed => "Access denied: client IP address not allowed",
        }
    }
}

/// What the edge sees of one request.
#[derive(Clone, Debug)]
pub struct Presented<'a> {
    /// The full URL, query string included.
    pub url: &'a str,
    /// Cookies as `(name, value)`.
    pub cookies: &'a [(String, String)],
    /// The edge's clock, Unix seconds.
    pub now: i64,
    /// The viewer's address, if known (an `IpAddress` condition then fails without it).
    pub ip: Option<Ipv4Addr>,
}

/// Checks a request in the edge's order: signed URL first (cookies ignored then), then
/// cookies; key id, key, policy, signature, resource, time, address. `key` finds a public key
/// among the behavior's trusted key groups.
pub fn verify<'k>(
    req: &Presented<'_>,
    key: impl Fn(&str) -> Option<&'k PublicKey>,
) -> Result<(), Denied> {
    let (base, query) = match req.url.split_once('?') {
        Some((b, q)) => (b, q),
        None => (req.url, ""),
    };
    let raw: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    let params: Vec<(&str, &str)> = raw
        .iter()
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    let signed_url = params.iter().any(|(n, _)| SIGNED_PARAMS.contains(n));
    // A signing parameter given twice is ambiguous: whichever copy the edge read, the
    // other could carry what an attacker wants, so such a request is refused outright.
    let repeated = match signed_url {
        true => repeats(params.iter().map(|(n, _)| *n)),
        false => repeats(
            req.cookies
                .iter()
                .filter_map(|(n, _)| n.strip_prefix("CloudFront-")),
        ),
    };
    if repeated {
        return Err(Denied::MalformedPolicy);
    }
    let get = |name: &str| -> Option<String> {
        if signed_url {
            params
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        } else {
            let cookie = format!("CloudFront-{name}");
            req.cookies
                .iter()
                .find(|(n, _)| *n == cookie)
                .map(|(_, v)| v.clone())
        }
    };
    let key_id = get("Key-Pair-Id").ok_or(Denied::MissingKeyPairId)?;
    let public = key(&key_id).ok_or(Denied::UnknownKey)?;
    let hash = match get("Hash-Algorithm") {
        Some(h) => Hash::parse(&h).ok_or(Denied::MalformedPolicy)?,
        None => Hash::Sha1,
    };
    // The URL the viewer asked for: its own parameters, in order, without the signature's.
    // Signing parameters must come last; a parameter after them is a changed URL.
    let first_signed = params.iter().position(|(n, _)| SIGNED_PARAMS.contains(n));
    let own = &params[..first_signed.unwrap_or(params.len())];
    if let Some(i) = first_signed {
        if params[i..].iter().any(|(n, _)| !SIGNED_PARAMS.contains(n)) {
            return Err(Denied::ResourceMismatch);
        }
    }
    let mut url = base.to_string();
    if !own.is_empty() {
        url.push('?');
        url.push_str(&raw[..own.len()].join("&"));
    }
    // A canned policy is rebuilt from the URL itself, so only its signature can fail to
    // cover the URL; a custom one names its resource.
    let (policy, policy_bytes, custom) = match (get("Policy"), get("Expires")) {
        (Some(p), _) => {
            let bytes = decode(&p).ok_or(Denied::MalformedPolicy)?;
            let policy = Policy::from_json(&bytes).map_err(|_| Denied::MalformedPolicy)?;
            (policy, bytes, true)
        }
        (None, Some(e)) => {
            let expires = e.parse().map_err(|_| Denied::MalformedPolicy)?;
            let policy = Policy::canned(&url, expires);
            let bytes = policy.to_json().into_bytes();
            (policy, bytes, false)
        }
        (None, None) => return Err(Denied::MalformedPolicy),
    };
    let signature = get("Signature")
        .and_then(|s| decode(&s))
        .ok_or(Denied::BadSignature)?;
    if !public.verify(&policy_bytes, &signature, hash) {
        return Err(Denied::BadSignature);
    }
    if custom && !policy.allows(&url) {
        return Err(Denied::ResourceMismatch);
    }
    check_conditions(&policy, req.now, req.ip)
}

/// Whether any signing parameter occurs more than once among `names`.
fn repeats<'a>(names: impl Iterator<Item = &'a str>) -> bool {
    let mut seen = [0u8; SIGNED_PARAMS.len()];
    for name in names {
        if let Some(i) = SIGNED_PARAMS.iter().position(|p| *p == name) {
            seen[i] += 1;
            if seen[i] > 1 {
                return true;
            }
        }
    }
    false
}

/// The time and address conditions of a policy whose signature is good.
pub fn check_conditions(policy: &Policy, now: i64, ip: Option<Ipv4Addr>) -> Result<(), Denied> {
    if now >= policy.expires {
        return Err(Denied::Expired);
    }
    if policy.not_before.is_some_and(|t| now <= t) {
        return Err(Denied::NotYetValid);
    }
    match (policy.ip, ip) {
        (Some(range), Some(ip)) if range.contains(ip) => Ok(()),
        (Some(_), _) => Err(Denied::IpNotAllowed),
        (None, _) => Ok(()),
    }
}
