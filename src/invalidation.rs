//! Invalidations (CloudFront's CreateInvalidation): at a moment of the run, every cached
//! copy whose path matches one of the listed paths is removed from every tier, so the next
//! request for it goes to the origin.
//!
//! Invalidations purge regional edge caches as well as POPs (cloudfront.md §2.1), and
//! shields with them. A path is matched as the Developer Guide's "Invalidate files" says:
//! it begins with `/`, and either names one object exactly or ends in one `*` that matches
//! any ending (`/images/*`, `/*`). One invalidation lists at most 3,000 paths, 15 of them
//! with a wildcard (cloudfront.md §6). Each path counts once toward the month's free 1,000
//! invalidation paths (§11), whatever it matches. A fetch already on its way when the
//! invalidation lands still stores what it brings back: edgesim does not model the
//! minutes an invalidation takes to reach every edge location.

use crate::cache::ObjectId;
use crate::check::{self, Checked};
use crate::units::Duration;
use crate::workload::{Catalog, PATH_BUF};
use serde::{Deserialize, Serialize};

/// Paths one invalidation may list: CloudFront's quota of files in flight.
pub const MAX_PATHS: usize = 3000;
/// Of those, paths with a wildcard: CloudFront's quota of wildcard paths in flight.
pub const MAX_WILDCARDS: usize = 15;

/// One `[[invalidations]]` entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvalidationSpec {
    /// When it takes effect, from the start of the run.
    pub at: Duration,
    /// The paths it invalidates.
    pub paths: Vec<String>,
}

impl InvalidationSpec {
    /// Checks the paths at `path` (`invalidations[0]`).
    pub fn check(&self, path: &str) -> Checked {
        check::ensure(
            (1..=MAX_PATHS).contains(&self.paths.len()),
            || format!("{path}.paths"),
            || {
                format!("an invalidation lists 1 to {MAX_PATHS} paths (CloudFront's quota per request), got {}", self.paths.len())
            },
        )?;
        let wildcards = self.paths.iter().filter(|p| p.ends_with('*')).count();
        check::ensure(
            wildcards <= MAX_WILDCARDS,
            || format!("{path}.paths"),
            || {
                format!("{wildcards} paths end in *, over CloudFront's quota of {MAX_WILDCARDS} wildcard paths in flight")
            },
        )?;
        for (i, p) in self.paths.iter().enumerate() {
            let star = p.find('*');
            check::ensure(
                p.starts_with('/') && star.map_or(true, |at| at == p.len() - 1),
                || format!("{path}.paths[{i}]"),
                || {
                    format!("{p:?} is not an invalidation path: it begins with / and may end in one * (\"/images/logo.png\", \"/images/*\", \"/*\")")
                },
            )?;
        }
        Ok(())
    }
}

/// Whether `path` matches invalidation path `pattern`.
pub fn matches(pattern: &str, path: &[u8]) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix.as_bytes()),
        None => path == pattern.as_bytes(),
    }
}

/// What one invalidation removes.
#[derive(Clone, Debug, PartialEq)]
pub enum Targets {
    /// Everything (a `/*` path, or paths that match every object).
    All,
    /// These objects, in increasing order.
    Objects(Vec<ObjectId>),
}

/// The objects of `catalog` that `paths` match.
pub fn targets(catalog: &Catalog, paths: &[String]) -> Targets {
    if paths.iter().any(|p| p == "/*") {
        return Targets::All;
    }
    let mut buf = [0u8; PATH_BUF];
    let mut hit = Vec::new();
    for k in 0..catalog.classes() as u16 {
        for object in catalog.objects_of(k) {
            let path = catalog.write_path(k, object, &mut buf);
            if paths.iter().any(|p| matches(p, path)) {
                hit.push(object);
            }
        }
    }
    match hit.len() as u64 == catalog.objects() {
        true => Targets::All,
        false => Targets::Objects(hit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_exactly_or_by_their_trailing_star() {
        assert!(matches("/images/*", b"/images/42.jpg"));
        assert!(matches("/images/4*", b"/images/42.jpg"));
        assert!(!matches("/images/*", b"/static/42.js"));
        assert!(matches("/images/42.jpg", b"/images/42.jpg"));
        assert!(!matches("/images/42.jpg", b"/images/420.jpg"));
        assert!(matches("/*", b"/anything"));
    }

    #[test]
    fn bad_paths_are_refused_by_key() {
        let bad = |paths: &[&str]| {
            let spec = InvalidationSpec {
                at: Duration(0),
                paths: paths.iter().map(|p| p.to_string()).collect(),
            };
            spec.check("invalidations[0]").unwrap_err()
        };
        assert_eq!(bad(&["images/*"]).path, "invalidations[0].paths[0]");
        assert_eq!(bad(&["/a", "/i*ages/"]).path, "invalidations[0].paths[1]");
        assert_eq!(bad(&[]).path, "invalidations[0].paths");
    }
}
