//! Private content in a scenario: public keys, key groups and their quotas (cloudfront.md
//! §5.6), and the signed traffic of a path class.

use crate::check::{self, ensure, Checked};
use crate::units::{secs_to_signed_nanos, Duration, Nanos};
use serde::{Deserialize, Serialize};

/// A public key CloudFront holds, by its id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKeySpec {
    /// The key's id (what `Key-Pair-Id` names).
    pub id: String,
}

/// A trusted key group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyGroupSpec {
    /// The group's id, which behaviors list in `trusted_key_groups`.
    pub id: String,
    /// Its public keys, by id.
    pub keys: Vec<String>,
}

/// Quotas and clocks of signed content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SigningSpec {
    /// Key groups one behavior may trust (CloudFront's quota: 4).
    pub max_key_groups_per_behavior: usize,
    /// Distinct key groups all behaviors of the distribution may trust together
    /// (CloudFront's quota: 4, Service Quotas "Key groups associated with a single
    /// distribution").
    pub max_key_groups_per_distribution: usize,
    /// Public keys in one key group (quota: 5).
    pub max_keys_per_group: usize,
    /// Key groups in the account (quota: 10).
    pub max_key_groups: usize,
    /// How far the edge's clock is ahead of true time, seconds (negative: behind).
    pub edge_clock_skew_s: f64,
    /// Share of signed requests whose link is really built, signed and verified (ECDSA
    /// P-256 keys derived from the seed); the rest carry their validity as a flag. Both
    /// give the same outcomes; 0 (the default) is fastest.
    pub crypto_sample_rate: f64,
}

impl Default for SigningSpec {
    fn default() -> Self {
        SigningSpec {
            max_key_groups_per_behavior: 4,
            max_key_groups_per_distribution: 4,
            max_keys_per_group: 5,
            max_key_groups: 10,
            edge_clock_skew_s: 0.0,
            crypto_sample_rate: 0.0,
        }
    }
}

/// How a private path class's requests are signed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedSpec {
    /// The public key whose private key signs (until a key rotation switches it).
    pub key: String,
    /// `url` or `cookies`: where the signature travels when the request is verified
    /// cryptographically.
    #[serde(default)]
    pub via: Carrier,
    /// Whether the policy restricts viewers to an address range (a custom policy with
    /// `IpAddress`); otherwise the policy is canned.
    #[serde(default)]
    pub ip_restricted: bool,
    /// How long a signature is valid after it is made.
    pub lifetime: Duration,
    /// How far the signer's clock is ahead of true time, seconds (negative: behind).
    #[serde(default)]
    pub signer_clock_skew_s: f64,
    /// Share of requests whose URL or cookies were altered after signing.
    #[serde(default)]
    pub tampered: f64,
    /// Share of requests that reuse a link older than its lifetime.
    #[serde(default)]
    pub stale: f64,
    /// Share of requests from outside the policy's IP range (the policy then names one).
    #[serde(default)]
    pub outside_ip: f64,
}

/// Where the signature travels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    /// Signed URLs.
    #[default]
    Url,
    /// Signed cookies.
    Cookies,
}

impl SignedSpec {
    /// Checks the settings at `path`.
    pub fn check(&self, path: &str) -> Checked {
        ensure(
            self.lifetime.0 > 0,
            || format!("{path}.lifetime"),
            || "must be longer than zero".into(),
        )?;
        for (key, share) in [
            ("tampered", self.tampered),
            ("stale", self.stale),
            ("outside_ip", self.outside_ip),
        ] {
            check::within(&format!("{path}.{key}"), share, 0.0, 1.0)?;
        }
        ensure(
            self.outside_ip == 0.0 || self.ip_restricted,
            || format!("{path}.outside_ip"),
            || {
                "needs ip_restricted = true: only an IP-restricted policy can refuse an address"
                    .into()
            },
        )?;
        ensure(
            self.tampered + self.stale + self.outside_ip <= 1.0 + 1e-9,
            || format!("{path}.tampered+stale+outside_ip"),
            || "the shares of bad requests sum to more than 1".into(),
        )
    }
}

/// Checks keys, key groups and the quotas; `trusted` lists each behavior's key groups with
/// its key path (e.g. `behaviors[2].trusted_key_groups`).
pub fn check(
    keys: &[PublicKeySpec],
    groups: &[KeyGroupSpec],
    signing: &SigningSpec,
    trusted: &[(String, &[String])],
) -> Checked {
    check::within(
        "signing.crypto_sample_rate",
        signing.crypto_sample_rate,
        0.0,
        1.0,
    )?;
    let key_ids: Vec<&str> = keys.iter().map(|k| k.id.as_str()).collect();
    for (i, k) in keys.iter().enumerate() {
        check::unique_name(
            &format!("public_keys[{i}].id"),
            &k.id,
            key_ids[..i].to_vec(),
        )?;
    }
    ensure(
        groups.len() <= signing.max_key_groups,
        || "key_groups".into(),
        || {
            format!(
                "{} key groups exceed the quota of {} per account (signing.max_key_groups)",
                groups.len(),
                signing.max_key_groups
            )
        },
    )?;
    let group_ids: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
    for (i, g) in groups.iter().enumerate() {
        let path = format!("key_groups[{i}]");
        check::unique_name(&format!("{path}.id"), &g.id, group_ids[..i].to_vec())?;
        ensure(
            !g.keys.is_empty() && g.keys.len() <= signing.max_keys_per_group,
            || format!("{path}.keys"),
            || {
                format!(
                    "a key group holds 1 to {} public keys (signing.max_keys_per_group), got {}",
                    signing.max_keys_per_group,
                    g.keys.len()
                )
            },
        )?;
        for (j, k) in g.keys.iter().enumerate() {
            ensure(
                key_ids.contains(&k.as_str()),
                || format!("{path}.keys[{j}]"),
                || format!("no public key has id {k:?}; public keys are {key_ids:?}"),
            )?;
            ensure(
                !g.keys[..j].contains(k),
                || format!("{path}.keys[{j}]"),
                || format!("{k:?} is listed twice; a key group holds each key once"),
            )?;
        }
    }
    for (path, list) in trusted {
        ensure(
            list.len() <= signing.max_key_groups_per_behavior,
            || path.clone(),
            || {
                format!(
                    "{} key groups exceed the quota of {} per cache behavior (signing.max_key_groups_per_behavior)",
                    list.len(),
                    signing.max_key_groups_per_behavior
                )
            },
        )?;
        for (j, g) in list.iter().enumerate() {
            ensure(
                group_ids.contains(&g.as_str()),
                || format!("{path}[{j}]"),
                || format!("no key group has id {g:?}; key groups are {group_ids:?}"),
            )?;
        }
    }
    let mut distinct: Vec<&str> = Vec::new();
    for (path, list) in trusted {
        for (j, g) in list.iter().enumerate() {
            if distinct.contains(&g.as_str()) {
                continue;
            }
            distinct.push(g);
            ensure(
                distinct.len() <= signing.max_key_groups_per_distribution,
                || format!("{path}[{j}]"),
                || {
                    format!(
                        "{g:?} is key group number {} that the distribution's behaviors trust, over CloudFront's quota of {} key groups per distribution (Service Quotas \"Key groups associated with a single distribution\"; signing.max_key_groups_per_distribution)",
                        distinct.len(),
                        signing.max_key_groups_per_distribution
                    )
                },
            )?;
        }
    }
    Ok(())
}

/// A scenario's private content resolved: key ids turned into indices into its
/// `public_keys`, and the signing settings in nanoseconds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeyRefs {
    /// Per behavior, the default last: its trusted key groups, by index.
    pub trusted: Vec<Vec<usize>>,
    /// Per key group: its keys before any rotation.
    pub groups: Vec<Vec<usize>>,
    /// Per path class: how its links are signed, if it signs.
    pub signers: Vec<Option<Signer>>,
    /// Per public key: its id (what a crypto-mode key pair is derived from).
    pub key_ids: Vec<String>,
    /// Edge clock ahead of true time, ns.
    pub edge_skew: i64,
    /// Share of signed requests checked with real signatures.
    pub crypto_rate: f64,
}

/// How one path class's links are signed, resolved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Signer {
    /// The key the signer means to use, by index.
    pub key: usize,
    pub via: Carrier,
    /// Whether the policy restricts the address range.
    pub restricted: bool,
    pub lifetime: Nanos,
    /// Signer's clock ahead of true time, ns.
    pub skew: i64,
    /// Shares of requests whose link was tampered with, is stale, or comes from outside
    /// the allowed addresses.
    pub tampered: f64,
    pub stale: f64,
    pub outside_ip: f64,
}

impl SignedSpec {
    /// The signer of these settings, signing with key index `key`.
    pub fn signer(&self, key: usize) -> Signer {
        Signer {
            key,
            via: self.via,
            restricted: self.ip_restricted,
            lifetime: self.lifetime.0,
            skew: secs_to_signed_nanos(self.signer_clock_skew_s),
            tampered: self.tampered,
            stale: self.stale,
            outside_ip: self.outside_ip,
        }
    }
}
