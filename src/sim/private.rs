//! Private content at the edge (cloudfront.md §5.5): requests to behaviors with trusted key
//! groups must carry a valid signature; the rest get 403 and reach neither cache nor origin.
//!
//! The generator decides what each request carries, by its class's settings: a link signed
//! `age` ago (uniform over the lifetime; over the second lifetime for stale links), with the
//! key the signer used at that moment, or a tampered one, or one from outside the allowed
//! addresses. The edge then applies the policy logic in its documented order: is the key
//! trusted now (key rotations add and remove keys), is the signature good, has it expired
//! by the edge's clock, is the address allowed.

use crate::engine::{stream, Stream};
use crate::fault::{KeyRotation, Ledger};
use crate::scenario::Scenario;
use crate::signing::{
    sign_cookies, sign_url, verify, Carrier, Cidr, Denied, Grant, Hash, Policy, Presented,
    PrivateKey, PublicKey, Signer,
};
use crate::stats::Detail;
use crate::units::Nanos;
use rand::Rng;

/// The private-content rules of a run.
pub(super) struct PrivateContent {
    /// Per behavior: its trusted key groups.
    trusted: Vec<Vec<usize>>,
    /// Per key group: its keys before any rotation.
    groups: Vec<Vec<usize>>,
    rotations: Vec<KeyRotation>,
    /// Per class: how its requests are signed.
    signers: Vec<Option<Signer>>,
    /// Edge clock ahead of true time, ns.
    edge_skew: i64,
    rng: Stream,
    crypto_rng: Stream,
    /// Share of signed requests checked with real signatures.
    crypto_rate: f64,
    /// Per public key: the key pair that signs in crypto mode, and its id.
    pairs: Vec<(PrivateKey, PublicKey, String)>,
    /// Requests whose cryptographic check disagreed with the flag logic (a bug if not 0).
    pub mismatches: u64,
    /// Requests checked cryptographically.
    pub crypto_checked: u64,
    /// Counts the links refused because a rotation had removed their key.
    ledger: Ledger,
}

/// A link as the generator made it.
struct Link {
    key: usize,
    /// `DateLessThan`, Unix seconds.
    expires: i64,
    tampered: bool,
    outside: bool,
    /// What it links to, and how it is carried (for the real signature).
    object: u64,
    via: Carrier,
    restricted: bool,
}

/// Unix time of simulated time zero (2026-01-01T00:00:00Z), for policies' epoch times.
const EPOCH: i64 = 1_767_225_600;
const ALLOWED: &str = "192.0.2.0/24";

impl PrivateContent {
    pub fn new(scenario: &Scenario, ledger: &Ledger) -> Self {
        let seed = scenario.plan().seed;
        let keys = scenario.key_refs();
        PrivateContent {
            trusted: keys.trusted.clone(),
            groups: keys.groups.clone(),
            rotations: scenario.fault_plan().rotations.clone(),
            signers: keys.signers.clone(),
            edge_skew: keys.edge_skew,
            rng: stream(seed, "private/links"),
            crypto_rng: stream(seed, "private/crypto"),
            crypto_rate: keys.crypto_rate,
            pairs: if keys.crypto_rate > 0.0 {
                (keys.key_ids.iter())
                    .map(|id| derived_pair(seed, id))
                    .collect()
            } else {
                Vec::new()
            },
            mismatches: 0,
            crypto_checked: 0,
            ledger: ledger.clone(),
        }
    }

    /// Whether behavior `b` needs signatures.
    #[inline]
    pub fn is_private(&self, b: u16) -> bool {
        !self.trusted[b as usize].is_empty()
    }

    /// Whether requests of `class` carry signatures.
    pub fn signs(&self, class: u16) -> bool {
        self.signers[class as usize].is_some()
    }

    /// The key a signer who means to sign with `key` uses at time `t`.
    fn signing_key(&self, key: usize, t: i64) -> usize {
        self.rotations
            .iter()
            .find(|r| r.old == key && t >= r.switch as i64)
            .map_or(key, |r| r.new)
    }

    /// Whether behavior `b` trusts `key` at time `t`.
    fn trusts(&self, b: u16, key: usize, t: Nanos) -> bool {
        self.trusted[b as usize].iter().any(|&g| {
            let base = self.groups[g].contains(&key);
            let rotated = self.rotations.iter().filter(|r| r.group == g);
            let mut member = base;
            for r in rotated {
                if r.new == key && t >= r.add {
                    member = true;
                }
                if r.old == key && t >= r.remove {
                    member = false;
                }
            }
            member
        })
    }

    /// Checks a request of class `class` for `object` to private behavior `b` at true time
    /// `now`: `Ok` or the reason for the 403.
    pub fn check(&mut self, b: u16, class: u16, object: u64, now: Nanos) -> Result<(), Detail> {
        let Some(s) = &self.signers[class as usize] else {
            return Err(Detail::MissingKey);
        };
        let (u, v): (f64, f64) = (self.rng.random(), self.rng.random());
        let stale = (s.tampered..s.tampered + s.stale).contains(&u);
        // A fresh link is used within its lifetime less a second (expiry has whole-second
        // resolution); a stale one up to a lifetime after it expired.
        let span = s.lifetime.saturating_sub(1_000_000_000);
        let age = if stale {
            s.lifetime + (v * s.lifetime as f64) as Nanos
        } else {
            (v * span as f64) as Nanos
        };
        // Links may predate the run: signing time can be negative.
        let signed_at = now as i64 - age as i64;
        let expires_ns = signed_at + s.skew + s.lifetime as i64;
        let link = Link {
            key: self.signing_key(s.key, signed_at),
            expires: EPOCH + expires_ns.div_euclid(1_000_000_000),
            tampered: u < s.tampered,
            outside: u >= s.tampered + s.stale && u < s.tampered + s.stale + s.outside_ip,
            object,
            via: s.via,
            restricted: s.restricted,
        };
        let edge_now = EPOCH + (now as i64 + self.edge_skew).div_euclid(1_000_000_000);
        let flags = self.judge(b, &link, edge_now, now);
        if flags == Err(Detail::InvalidKey) {
            let removed = self
                .rotations
                .iter()
                .find(|r| r.old == link.key && now >= r.remove);
            if let Some(r) = removed {
                self.ledger.touched(r.fault);
            }
        }
        // A stream of its own picks the checked requests, so that sampling changes no link.
        if self.crypto_rate > 0.0 && self.crypto_rng.random::<f64>() < self.crypto_rate {
            let real = self.judge_signed(b, &link, edge_now, now);
            self.crypto_checked += 1;
            self.mismatches += u64::from(real != flags);
            return real;
        }
        flags
    }

    /// The edge's verdict on `link`, from what the generator knows of it.
    fn judge(&self, b: u16, link: &Link, edge_now: i64, now: Nanos) -> Result<(), Detail> {
        if !self.trusts(b, link.key, now) {
            return Err(Detail::InvalidKey);
        }
        if link.tampered {
            return Err(Detail::BadSignature);
        }
        if edge_now >= link.expires {
            return Err(Detail::Expired);
        }
        if link.outside {
            return Err(Detail::IpNotAllowed);
        }
        Ok(())
    }

    /// The edge's verdict on `link` built for real: signed with the key's private key,
    /// carried in a URL or cookies, and checked by [`verify`].
    fn judge_signed(&self, b: u16, link: &Link, edge_now: i64, now: Nanos) -> Result<(), Detail> {
        let url = format!("https://d111111abcdef8.cloudfront.net/o/{}", link.object);
        let grant = if link.restricted {
            Grant::Custom(Policy {
                resource: Some(url.clone()),
                expires: link.expires,
                not_before: None,
                ip: Cidr::parse(ALLOWED),
            })
        } else {
            Grant::Canned {
                expires: link.expires,
            }
        };
        let (private, _, id) = &self.pairs[link.key];
        let (mut url_sent, mut cookies) = (url.clone(), Vec::new());
        match link.via {
            Carrier::Url => url_sent = sign_url(&url, &grant, private, id, Hash::Sha1),
            Carrier::Cookies => cookies = sign_cookies(&url, &grant, private, id, Hash::Sha1),
        }
        if link.tampered {
            // One character of the signature changed in transit.
            let sig = match link.via {
                Carrier::Url => url_sent.find("Signature=").map(|i| (true, i + 10)),
                Carrier::Cookies => cookies
                    .iter()
                    .position(|(n, _)| n == "CloudFront-Signature")
                    .map(|i| (false, i)),
            };
            match sig {
                Some((true, at)) => flip(&mut url_sent, at),
                Some((false, i)) => flip(&mut cookies[i].1, 0),
                None => {}
            }
        }
        let ip = if link.outside {
            "198.51.100.7"
        } else {
            "192.0.2.7"
        };
        let req = Presented {
            url: &url_sent,
            cookies: &cookies,
            now: edge_now,
            ip: ip.parse().ok(),
        };
        let trusted = |kid: &str| {
            let k = self.pairs.iter().position(|(_, _, id)| id == kid)?;
            self.trusts(b, k, now).then(|| &self.pairs[k].1)
        };
        verify(&req, trusted).map_err(|d| match d {
            Denied::MissingKeyPairId => Detail::MissingKey,
            Denied::UnknownKey => Detail::InvalidKey,
            Denied::MalformedPolicy => Detail::MalformedPolicy,
            Denied::BadSignature => Detail::BadSignature,
            Denied::ResourceMismatch => Detail::ResourceMismatch,
            Denied::Expired => Detail::Expired,
            Denied::NotYetValid => Detail::NotYetValid,
            Denied::IpNotAllowed => Detail::IpNotAllowed,
        })
    }
}

/// Changes the character at byte `at` of `text` to another base64 character.
fn flip(text: &mut String, at: usize) {
    if let Some(c) = text[at..].chars().next() {
        let other = if c == 'A' { "B" } else { "A" };
        text.replace_range(at..at + c.len_utf8(), other);
    }
}

/// A P-256 key pair derived from the seed and the key's id, so runs repeat exactly.
fn derived_pair(seed: u64, id: &str) -> (PrivateKey, PublicKey, String) {
    let mut rng = stream(seed, &format!("signing/key/{id}"));
    loop {
        let bytes: [u8; 32] = rng.random();
        if let Ok(k) = p256::ecdsa::SigningKey::from_bytes(&bytes.into()) {
            let private = PrivateKey::Ecdsa(k);
            let public = private.public();
            return (private, public, id.to_string());
        }
    }
}
