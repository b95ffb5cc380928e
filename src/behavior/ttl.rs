//! How long a response may be reused: the origin's `Cache-Control` and `Expires` against
//! the behavior's Min/Default/Max TTL, exactly as cloudfront.md §1.7 states the table.

use crate::units::{Duration, Nanos, SEC};
use serde::{Deserialize, Serialize};

/// The directives of a `Cache-Control` response header that CloudFront acts on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheControl {
    /// `max-age`, seconds.
    pub max_age: Option<u64>,
    /// `s-maxage`, seconds; wins over `max-age` for shared caches.
    pub s_maxage: Option<u64>,
    /// `no-cache`.
    pub no_cache: bool,
    /// `no-store`.
    pub no_store: bool,
    /// `private`.
    pub private: bool,
    /// `stale-while-revalidate`, seconds.
    pub stale_while_revalidate: Option<u64>,
    /// `stale-if-error`, seconds.
    pub stale_if_error: Option<u64>,
}

crate::message_error!(
    /// A Cache-Control value that cannot be read.
    CacheControlError
);

/// The longest `max-age` an origin may send: 100 years (§1.6).
const MAX_AGE_LIMIT: u64 = 100 * 365 * 86_400;

impl CacheControl {
    /// Parses a header value such as `"public, max-age=3600, stale-if-error=60"`.
    /// Directives CloudFront does not act on (`public`, `immutable`, ...) are accepted
    /// and ignored; a known directive with a malformed value is an error.
    pub fn parse(header: &str) -> Result<CacheControl, CacheControlError> {
        Self::parse_text(header).map_err(CacheControlError)
    }

    fn parse_text(header: &str) -> Result<CacheControl, String> {
        let mut cc = CacheControl::default();
        for part in header.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = match part.split_once('=') {
                Some((n, v)) => (
                    n.trim().to_ascii_lowercase(),
                    Some(v.trim().trim_matches('"')),
                ),
                None => (part.to_ascii_lowercase(), None),
            };
            let seconds = |v: Option<&str>| -> Result<u64, String> {
                let v =
                    v.ok_or_else(|| format!("`{name}` needs a value in seconds, e.g. {name}=60"))?;
                let n: u64 = v
                    .parse()
                    .map_err(|_| format!("`{name}={v}`: the value must be whole seconds"))?;
                if n > MAX_AGE_LIMIT {
                    return Err(format!(
                        "`{name}={v}`: at most {MAX_AGE_LIMIT} seconds (100 years)"
                    ));
                }
                Ok(n)
            };
            match name.as_str() {
                "max-age" => cc.max_age = Some(seconds(value)?),
                "s-maxage" => cc.s_maxage = Some(seconds(value)?),
                "stale-while-revalidate" => cc.stale_while_revalidate = Some(seconds(value)?),
                "stale-if-error" => cc.stale_if_error = Some(seconds(value)?),
                "no-cache" => cc.no_cache = true,
                "no-store" => cc.no_store = true,
                "private" => cc.private = true,
                other if other.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {}
                other => return Err(format!("`{other}` is not a Cache-Control directive")),
            }
        }
        Ok(cc)
    }

    /// Whether the response forbids reuse without revalidation.
    pub fn forbids_caching(&self) -> bool {
        self.no_cache || self.no_store || self.private
    }

    /// Whether the response marks itself stale at once: `no-cache`, `no-store`,
    /// `private`, `max-age=0` or `s-maxage=0`. With MinTTL 0 this disables request
    /// collapsing for the object (§2.5).
    pub fn uncacheable_for_collapsing(&self) -> bool {
        self.forbids_caching() || self.max_age == Some(0) || self.s_maxage == Some(0)
    }
}

/// A behavior's TTL settings (§1.6); each one not given takes CloudFront's default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ttls {
    /// MinTTL.
    pub min: Duration,
    /// DefaultTTL: used only when the origin sends no max-age, s-maxage or Expires.
    pub default: Duration,
    /// MaxTTL: caps origin-supplied lifetimes, never DefaultTTL.
    pub max: Duration,
}

impl Default for Ttls {
    fn default() -> Self {
        Ttls {
            min: Duration(0),
            default: Duration(86_400 * SEC),
            max: Duration(31_536_000 * SEC),
        }
    }
}

/// What the edge may do with a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Not reused: every request goes to the origin (`no-cache`/`no-store`/`private`
    /// with MinTTL 0).
    DoNotReuse,
    /// Reusable for this long without asking the origin; 0 means stored but always
    /// revalidated.
    Ttl(Nanos),
}

/// The TTL of a response with headers `cc` and `expires` (seconds from the response),
/// under `ttls` (§1.7).
pub fn effective_ttl(cc: &CacheControl, expires: Option<u64>, ttls: &Ttls) -> Freshness {
    let (min, default, max) = (ttls.min.0, ttls.default.0, ttls.max.0);
    if cc.forbids_caching() {
        return if min == 0 {
            Freshness::DoNotReuse
        } else {
            Freshness::Ttl(min)
        };
    }
    // s-maxage beats max-age; max-age beats Expires.
    let origin = cc
        .s_maxage
        .or(cc.max_age)
        .or(expires)
        .map(|s| s.saturating_mul(SEC));
    match origin {
        Some(t) => Freshness::Ttl(t.clamp(min, max.max(min))),
        // MaxTTL is not applied to DefaultTTL.
        None => Freshness::Ttl(default.max(min)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ttls(min: u64, default: u64, max: u64) -> Ttls {
        Ttls {
            min: Duration(min * SEC),
            default: Duration(default * SEC),
            max: Duration(max * SEC),
        }
    }

    fn cc(header: &str) -> CacheControl {
        CacheControl::parse(header).unwrap()
    }

    const S: u64 = SEC;

    /// (Cache-Control, Expires offset, Min/Default/Max TTL, expected result, why).
    type Row = (
        &'static str,
        Option<u64>,
        (u64, u64, u64),
        Freshness,
        &'static str,
    );

    /// Every row of the §1.7 table: (headers, Expires offset, Min/Default/Max, result).
    #[test]
    fn ttl_table_of_section_1_7() {
        use Freshness::*;
        let rows: &[Row] = &[
            // MinTTL = 0: "the lesser of" origin TTL and MaxTTL.
            (
                "max-age=100",
                None,
                (0, 86400, 300),
                Ttl(100 * S),
                "min<t<max -> t",
            ),
            (
                "max-age=3600",
                None,
                (0, 86400, 300),
                Ttl(300 * S),
                "AWS example: MaxTTL 300 + max-age=3600 -> 300",
            ),
            // MinTTL > 0: the clamp's three cases.
            (
                "max-age=100",
                None,
                (50, 86400, 300),
                Ttl(100 * S),
                "min<t<max -> t",
            ),
            (
                "max-age=10",
                None,
                (50, 86400, 300),
                Ttl(50 * S),
                "t<min -> min",
            ),
            (
                "max-age=1000",
                None,
                (50, 86400, 300),
                Ttl(300 * S),
                "t>max -> max",
            ),
            // Precedence: s-maxage > max-age > Expires.
            (
                "max-age=100, s-maxage=200",
                None,
                (0, 86400, 31536000),
                Ttl(200 * S),
                "s-maxage beats max-age",
            ),
            (
                "max-age=100",
                Some(500),
                (0, 86400, 31536000),
                Ttl(100 * S),
                "max-age beats Expires",
            ),
            (
                "",
                Some(500),
                (0, 86400, 31536000),
                Ttl(500 * S),
                "Expires used without max-age",
            ),
            (
                "",
                Some(500),
                (0, 86400, 300),
                Ttl(300 * S),
                "Expires is capped by MaxTTL",
            ),
            // No origin TTL: DefaultTTL, never capped by MaxTTL, floored by MinTTL.
            (
                "",
                None,
                (0, 86400, 300),
                Ttl(86400 * S),
                "MaxTTL not applied to DefaultTTL",
            ),
            (
                "public",
                None,
                (0, 86400, 31536000),
                Ttl(86400 * S),
                "no TTL directive -> DefaultTTL",
            ),
            ("", None, (100, 50, 300), Ttl(100 * S), "max(min, default)"),
            // no-cache / no-store / private.
            (
                "no-cache",
                None,
                (0, 86400, 31536000),
                DoNotReuse,
                "MinTTL 0: directive respected",
            ),
            (
                "no-store",
                None,
                (0, 86400, 31536000),
                DoNotReuse,
                "MinTTL 0: directive respected",
            ),
            (
                "private, max-age=600",
                None,
                (0, 86400, 31536000),
                DoNotReuse,
                "private wins over max-age",
            ),
            (
                "no-cache",
                None,
                (30, 86400, 31536000),
                Ttl(30 * S),
                "MinTTL > 0 overrides the directive",
            ),
            (
                "private",
                None,
                (30, 86400, 31536000),
                Ttl(30 * S),
                "MinTTL > 0 overrides the directive",
            ),
            // max-age=0: cached but always revalidated.
            (
                "max-age=0",
                None,
                (0, 86400, 31536000),
                Ttl(0),
                "max-age=0 with MinTTL 0",
            ),
        ];
        for (header, expires, (min, default, max), want, why) in rows {
            let got = effective_ttl(&cc(header), *expires, &ttls(*min, *default, *max));
            assert_eq!(
                got, *want,
                "{header:?} expires {expires:?} min/default/max {min}/{default}/{max}: {why}"
            );
        }
    }

    #[test]
    fn cache_control_parses_directives() {
        let c = cc("public, max-age=3600, s-maxage=\"7200\", stale-while-revalidate=60, stale-if-error=300, immutable");
        assert_eq!(c.max_age, Some(3600));
        assert_eq!(c.s_maxage, Some(7200));
        assert_eq!(c.stale_while_revalidate, Some(60));
        assert_eq!(c.stale_if_error, Some(300));
        assert!(!c.forbids_caching());
        assert!(cc("No-Store").no_store);
        assert!(cc("max-age=0").uncacheable_for_collapsing());
        assert!(cc("s-maxage=0, max-age=60").uncacheable_for_collapsing());
        assert!(!cc("max-age=1").uncacheable_for_collapsing());
        assert_eq!(cc(""), CacheControl::default());
    }

    #[test]
    fn malformed_directives_are_refused() {
        for bad in [
            "max-age",
            "max-age=abc",
            "max-age=-1",
            "s-maxage=1.5",
            "max-age=99999999999",
            "no cache",
        ] {
            assert!(CacheControl::parse(bad).is_err(), "{bad}");
        }
    }
}
