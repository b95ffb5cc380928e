//! Freshness rules per (path class, behavior): TTL, stale windows, collapsing, and which
//! error responses are cached for how long (cloudfront.md §1.7, §1.9, §1.10, §2.5).

use crate::behavior::ttl::{effective_ttl, Freshness};
use crate::behavior::Behaviors;
use crate::cache::Entry;
use crate::scenario::Scenario;
use crate::units::{Nanos, SEC};
use crate::workload::Catalog;

/// How the responses of one class under one behavior may be reused.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(in crate::sim) struct Rules {
    /// The TTL of a 200 response.
    pub ttl: Freshness,
    /// `stale-while-revalidate` window after expiry.
    pub swr: Nanos,
    /// `stale-if-error` window after expiry, when the origin sends one.
    pub sie: Option<Nanos>,
    /// MinTTL is 0 and the response marks itself uncacheable: followers of a collapsed
    /// fetch are forwarded on their own once the first response arrives (§2.5).
    pub no_collapse: bool,
    /// The origin sends validators, so expired copies are revalidated conditionally.
    pub validators: bool,
}

/// Where an entry stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::sim) enum State {
    /// Within its TTL.
    Fresh,
    /// Expired, within the stale-while-revalidate window.
    StaleWhileRevalidate,
    /// Expired: ask upstream.
    Expired,
}

/// Statuses cached whenever the origin returns them (§1.10).
const ALWAYS_CACHED: [u16; 7] = [404, 414, 500, 501, 502, 503, 504];
/// Statuses cached only when the error response carries max-age or s-maxage (§1.10).
const CACHED_WITH_MAX_AGE: [u16; 5] = [400, 403, 405, 412, 415];

/// Rules for every (class, behavior) pair, and the error-caching times.
pub(in crate::sim) struct FreshTable {
    rules: Vec<Rules>,
    behaviors: usize,
    /// ErrorCachingMinTTL per status 400..=599.
    error_min_ttl: Vec<Nanos>,
}

impl FreshTable {
    pub fn new(scenario: &Scenario, catalog: &Catalog) -> Self {
        let behaviors: &Behaviors = scenario.behaviors();
        let n = behaviors.all().len();
        let mut rules = Vec::with_capacity(catalog.classes() * n);
        for k in 0..catalog.classes() {
            let r = catalog.response(k as u16);
            let cc = r.cache_control;
            for b in behaviors.all() {
                rules.push(Rules {
                    ttl: effective_ttl(&cc, r.expires, &b.ttl),
                    swr: cc.stale_while_revalidate.unwrap_or(0) * SEC,
                    sie: cc.stale_if_error.map(|s| s * SEC),
                    no_collapse: b.ttl.min.0 == 0 && cc.uncacheable_for_collapsing(),
                    validators: r.validators,
                });
            }
        }
        let error_min_ttl = (400..=599)
            .map(|s| scenario.error_caching_min_ttl(s).0)
            .collect();
        FreshTable {
            rules,
            behaviors: n,
            error_min_ttl,
        }
    }

    /// The rules of class `class` under behavior `behavior`.
    #[inline]
    pub fn rules(&self, class: u16, behavior: u16) -> Rules {
        self.rules[class as usize * self.behaviors + behavior as usize]
    }

    /// ErrorCachingMinTTL of `status`.
    pub fn error_min_ttl(&self, status: u16) -> Nanos {
        self.error_min_ttl[(status.clamp(400, 599) - 400) as usize]
    }

    /// How long an error response is cached, or `None` when it is not (§1.10): the
    /// larger of ErrorCachingMinTTL and the response's max-age.
    pub fn error_ttl(&self, status: u16, max_age: Option<u64>) -> Option<Nanos> {
        let cached = ALWAYS_CACHED.contains(&status)
            || (CACHED_WITH_MAX_AGE.contains(&status) && max_age.is_some());
        let origin = max_age.unwrap_or(0).saturating_mul(SEC);
        cached.then(|| self.error_min_ttl(status).max(origin))
    }
}

/// Where `entry` stands at `now` under `rules`.
#[inline]
pub(in crate::sim) fn state(entry: &Entry, now: Nanos, rules: &Rules) -> State {
    if now < entry.fresh_until {
        State::Fresh
    } else if entry.status == 200 && now < entry.fresh_until.saturating_add(rules.swr) {
        State::StaleWhileRevalidate
    } else {
        State::Expired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> FreshTable {
        FreshTable {
            rules: vec![],
            behaviors: 1,
            error_min_ttl: (400..=599)
                .map(|s| if s == 503 { SEC } else { 10 * SEC })
                .collect(),
        }
    }

    #[test]
    fn error_caching_sets_of_section_1_10() {
        let t = table();
        // "always caches: 404, 414, 500, 501, 502, 503, 504"
        for s in ALWAYS_CACHED {
            assert!(t.error_ttl(s, None).is_some(), "{s}");
        }
        // ErrorCachingMinTTL per status; "max(ErrorCachingMinTTL, origin max-age)".
        assert_eq!(t.error_ttl(404, None), Some(10 * SEC));
        assert_eq!(t.error_ttl(503, None), Some(SEC));
        assert_eq!(t.error_ttl(404, Some(60)), Some(60 * SEC));
        // "Cached only if the origin sends max-age or s-maxage: 400, 403, 405, 412, 415"
        for s in CACHED_WITH_MAX_AGE {
            assert_eq!(t.error_ttl(s, None), None, "{s}");
            assert_eq!(t.error_ttl(s, Some(5)), Some(10 * SEC), "{s}");
        }
        // "416 is never cached"; other codes are not cached [ASSUMPTION].
        assert_eq!(t.error_ttl(416, Some(60)), None);
        assert_eq!(t.error_ttl(429, None), None);
    }

    #[test]
    fn entries_go_fresh_then_stale_while_revalidate_then_expired() {
        let rules = Rules {
            ttl: Freshness::Ttl(10 * SEC),
            swr: 5 * SEC,
            sie: None,
            no_collapse: false,
            validators: true,
        };
        let e = Entry {
            fresh_until: 10 * SEC,
            ..Entry::sized(1)
        };
        assert_eq!(state(&e, 9 * SEC, &rules), State::Fresh);
        assert_eq!(state(&e, 10 * SEC, &rules), State::StaleWhileRevalidate);
        assert_eq!(state(&e, 15 * SEC, &rules), State::Expired);
        // A cached error is never served stale.
        let err = Entry { status: 503, ..e };
        assert_eq!(state(&err, 11 * SEC, &rules), State::Expired);
    }
}
