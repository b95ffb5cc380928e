//! Cache behaviors: which requests a rule applies to, what it allows, where it sends them
//! and how long responses live (cloudfront.md §1).
//!
//! Behaviors are tried in list order and the first whose path pattern matches wins, even
//! when a later one is more specific; the default behavior (pattern `*`) comes last
//! (§1.2). Each names a target origin, its allowed methods (one of the three sets
//! CloudFront accepts), its cached methods (one of two) and its TTLs.

mod pattern;
pub mod ttl;

pub use pattern::PathPattern;

use crate::check::{ensure, Invalid};
use crate::protocol::{Method, MethodSet, ViewerProtocolPolicy};
use serde::{Deserialize, Serialize};
use ttl::Ttls;

/// A cache behavior as the scenario writes it. The default behavior uses the same type
/// without `path_pattern`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BehaviorSpec {
    /// Path pattern (required in `behaviors`, absent from `default_behavior`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_pattern: Option<String>,
    /// Target origin by name (required in `behaviors`; the first origin by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Methods the behavior accepts: [GET, HEAD], [GET, HEAD, OPTIONS] or all seven.
    #[serde(default = "read_methods")]
    pub allowed_methods: Vec<Method>,
    /// Methods whose responses are cached: [GET, HEAD] or [GET, HEAD, OPTIONS].
    #[serde(default = "read_methods")]
    pub cached_methods: Vec<Method>,
    /// MinTTL, DefaultTTL and MaxTTL.
    #[serde(default)]
    pub ttl: Ttls,
    /// What HTTP (not HTTPS) requests get: `allow-all`, `redirect-to-https` or
    /// `https-only` (§4.1).
    #[serde(default)]
    pub viewer_protocol_policy: ViewerProtocolPolicy,
    /// Key groups whose keys may sign requests for this behavior; any listed makes its
    /// content private (cloudfront.md §5.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_key_groups: Vec<String>,
    /// CloudFront's `Compress`: recorded (an import keeps it), not modelled yet.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub compress: bool,
}

impl Default for BehaviorSpec {
    fn default() -> Self {
        BehaviorSpec {
            path_pattern: None,
            origin: None,
            allowed_methods: read_methods(),
            cached_methods: read_methods(),
            ttl: Ttls::default(),
            viewer_protocol_policy: ViewerProtocolPolicy::default(),
            trusted_key_groups: Vec::new(),
            compress: false,
        }
    }
}

fn read_methods() -> Vec<Method> {
    vec![Method::Get, Method::Head]
}

/// CloudFront's current default quota of cache behaviors per distribution (§0, §6).
pub const DEFAULT_MAX_BEHAVIORS: usize = 75;

/// A behavior ready for the edge.
#[derive(Clone, Debug, PartialEq)]
pub struct Behavior {
    /// The pattern; `None` for the default behavior.
    pub pattern: Option<PathPattern>,
    /// The target: an index into the origins followed by the origin groups (see
    /// `Scenario::target`).
    pub target: u16,
    /// Methods accepted.
    pub allowed: MethodSet,
    /// Methods cached.
    pub cached: MethodSet,
    /// TTL settings.
    pub ttl: Ttls,
    /// What HTTP requests get.
    pub viewer_protocol_policy: ViewerProtocolPolicy,
}

impl Behavior {
    /// Whether all three TTLs are 0, as in the managed CachingDisabled policy: nothing is
    /// cached, nothing collapses, and requests skip the regional caches (§2.2, §2.5).
    pub fn caching_disabled(&self) -> bool {
        self.ttl.max.0 == 0
    }

    /// The pattern as CloudFront logs it in `cache-behavior-path-pattern`.
    pub fn pattern_str(&self) -> &str {
        self.pattern.as_ref().map_or("*", PathPattern::as_str)
    }
}

fn method_set(
    path: &str,
    methods: &[Method],
    legal: &[(MethodSet, &str)],
) -> Result<MethodSet, Invalid> {
    let set = MethodSet::of(methods);
    let allowed: Vec<&str> = legal.iter().map(|(_, text)| *text).collect();
    let duplicate = methods.len() != Method::ALL.iter().filter(|m| set.contains(**m)).count();
    if duplicate || !legal.iter().any(|(s, _)| *s == set) {
        let names: Vec<&str> = methods.iter().map(|m| m.name()).collect();
        return Err(Invalid {
            path: path.into(),
            message: format!(
                "{names:?} is not a set CloudFront accepts; use one of {}",
                allowed.join(", ")
            ),
        });
    }
    Ok(set)
}

impl BehaviorSpec {
    /// Checks one behavior at `path` and resolves it; `targets` are the names it may
    /// target (origins, then origin groups). The default behavior targets the first origin
    /// when it names none.
    pub fn resolve(
        &self,
        path: &str,
        targets: &[&str],
        is_default: bool,
    ) -> Result<Behavior, Invalid> {
        let at = |key: &str, message: String| Invalid {
            path: format!("{path}.{key}"),
            message,
        };
        let pattern = match (&self.path_pattern, is_default) {
            (Some(_), true) => {
                let why = "the default behavior's pattern is always \"*\"; remove this key";
                return Err(at("path_pattern", why.into()));
            }
            (None, false) => return Err(at("path_pattern", "is required".into())),
            (Some(p), false) => {
                Some(PathPattern::new(p).map_err(|m| at("path_pattern", format!("{p:?} {m}")))?)
            }
            (None, true) => None,
        };
        let target = match &self.origin {
            Some(name) => targets.iter().position(|o| o == name).ok_or_else(|| {
                at(
                    "origin",
                    format!("no origin or origin group is named {name:?}; there are {targets:?}"),
                )
            })?,
            None if is_default => 0,
            None => return Err(at("origin", "is required".into())),
        };
        let allowed = method_set(
            &format!("{path}.allowed_methods"),
            &self.allowed_methods,
            &[
                (MethodSet::READ, "[\"GET\", \"HEAD\"]"),
                (MethodSet::READ_OPTIONS, "[\"GET\", \"HEAD\", \"OPTIONS\"]"),
                (MethodSet::ALL, "all seven methods"),
            ],
        )?;
        let cached = method_set(
            &format!("{path}.cached_methods"),
            &self.cached_methods,
            &[
                (MethodSet::READ, "[\"GET\", \"HEAD\"]"),
                (MethodSet::READ_OPTIONS, "[\"GET\", \"HEAD\", \"OPTIONS\"]"),
            ],
        )?;
        ensure(
            cached.is_subset(allowed),
            || format!("{path}.cached_methods"),
            || "must be a subset of allowed_methods".into(),
        )?;
        let t = &self.ttl;
        ensure(
            t.min <= t.max,
            || format!("{path}.ttl.min"),
            || format!("must not exceed ttl.max ({} > {})", t.min, t.max),
        )?;
        ensure(
            t.min <= t.default && t.default <= t.max,
            || format!("{path}.ttl.default"),
            || {
                format!(
                    "must lie between ttl.min and ttl.max ({} <= {} <= {} does not hold)",
                    t.min, t.default, t.max
                )
            },
        )?;
        Ok(Behavior {
            pattern,
            target: target as u16,
            allowed,
            cached,
            ttl: self.ttl,
            viewer_protocol_policy: self.viewer_protocol_policy,
        })
    }
}

/// The ordered behaviors of a distribution, the default last.
#[derive(Clone, Debug, PartialEq)]
pub struct Behaviors {
    list: Vec<Behavior>,
}

impl Behaviors {
    /// Checks and resolves `behaviors` and `default`; at most `max` non-default ones.
    pub fn resolve(
        behaviors: &[BehaviorSpec],
        default: &BehaviorSpec,
        targets: &[&str],
        max: usize,
    ) -> Result<Behaviors, Invalid> {
        ensure(
            behaviors.len() <= max,
            || "behaviors".into(),
            || {
                format!(
                "{} behaviors exceed the quota of {max} per distribution (raise max_behaviors if your account's quota is higher)",
                behaviors.len()
            )
            },
        )?;
        let mut list = Vec::with_capacity(behaviors.len() + 1);
        for (i, b) in behaviors.iter().enumerate() {
            list.push(b.resolve(&format!("behaviors[{i}]"), targets, false)?);
        }
        list.push(default.resolve("default_behavior", targets, true)?);
        Ok(Behaviors { list })
    }

    /// All behaviors in evaluation order; the last is the default.
    pub fn all(&self) -> &[Behavior] {
        &self.list
    }

    /// Index of the behavior that serves `path`: the first match, else the default.
    pub fn select(&self, path: &[u8]) -> usize {
        let last = self.list.len() - 1;
        self.list[..last]
            .iter()
            .position(|b| b.pattern.as_ref().is_some_and(|p| p.matches(path)))
            .unwrap_or(last)
    }

    /// Whether selection can depend on the digits of an object's name, not only on how
    /// many there are: only when some pattern contains a digit.
    pub fn depends_on_digits(&self) -> bool {
        self.list
            .iter()
            .any(|b| b.pattern.as_ref().is_some_and(PathPattern::has_digit))
    }
}

#[cfg(test)]
mod tests;
