//! Targets: `latency_p99_ms<=150`, `error_share<0.001`, or per region or POP,
//! `regions[asia].latency_p99_ms<=200`. A point meets a target only when its whole 95%
//! interval lies on the target's side; when the interval straddles it, the point is
//! undecided, and [`needed`](super::interval::needed) says how many replications would
//! probably decide it.

use super::interval::{needed, Estimate};
use std::fmt;

/// Where a target's metric is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `summary.csv`: the whole run.
    Run,
    /// A client region's row of `regions.csv`.
    Region(String),
    /// A POP's row of `pops.csv`.
    Pop(String),
}

/// One target.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// As written.
    pub text: String,
    pub scope: Scope,
    /// A column of `summary.csv` (run scope) or a metric column.
    pub metric: String,
    /// Whether the metric must stay below (`<`, `<=`) the bound, or above.
    pub below: bool,
    /// Whether equality meets it (`<=`, `>=`).
    pub inclusive: bool,
    pub bound: f64,
}

/// A point's verdict on one target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    /// The whole interval is on the target's side.
    Meets,
    /// The whole interval is on the wrong side.
    Fails,
    /// The interval straddles the bound (or there is one replication, so no interval):
    /// about this many replications would decide it, if any number would.
    Undecided(Option<usize>),
}

impl Target {
    /// Parses `[regions[NAME].|pops[NAME].]METRIC OP NUMBER`; `known(scope, metric)` says
    /// whether the metric exists there.
    pub fn parse(text: &str, known: impl Fn(&Scope, &str) -> bool) -> Result<Target, String> {
        let t = text.trim();
        let at = t
            .find(['<', '>'])
            .ok_or_else(|| format!("--target {t:?}: expected METRIC<=VALUE, METRIC>=VALUE, < or >, e.g. latency_p99_ms<=150"))?;
        let (lhs, rest) = t.split_at(at);
        let below = rest.starts_with('<');
        let inclusive = rest[1..].starts_with('=');
        let number = rest[1 + inclusive as usize..].trim();
        let bound: f64 = number
            .parse()
            .ok()
            .filter(|b: &f64| b.is_finite())
            .ok_or_else(|| format!("--target {t:?}: {number:?} is not a number"))?;
        let lhs = lhs.trim();
        let (scope, metric) = match lhs.split_once("].") {
            Some((head, metric)) => {
                let scope = if let Some(name) = head.strip_prefix("regions[") {
                    Scope::Region(name.to_string())
                } else if let Some(name) = head.strip_prefix("pops[") {
                    Scope::Pop(name.to_string())
                } else {
                    return Err(format!(
                        "--target {t:?}: a scoped target starts regions[NAME]. or pops[CODE]."
                    ));
                };
                (scope, metric.to_string())
            }
            None => (Scope::Run, lhs.to_string()),
        };
        if !known(&scope, &metric) {
            return Err(format!(
                "--target {t:?}: {metric:?} is not a numeric column {}; see the README's column reference",
                match scope {
                    Scope::Run => "of summary.csv",
                    _ => "of regions.csv and pops.csv",
                }
            ));
        }
        Ok(Target {
            text: t.to_string(),
            scope,
            metric,
            below,
            inclusive,
            bound,
        })
    }

    /// The metric with its scope: `regions[asia].latency_p99_ms`.
    pub fn metric_label(&self) -> String {
        match &self.scope {
            Scope::Run => self.metric.clone(),
            Scope::Region(n) => format!("regions[{n}].{}", self.metric),
            Scope::Pop(n) => format!("pops[{n}].{}", self.metric),
        }
    }

    /// Whether value `v` is on the target's side.
    fn holds(&self, v: f64) -> bool {
        match (self.below, self.inclusive) {
            (true, true) => v <= self.bound,
            (true, false) => v < self.bound,
            (false, true) => v >= self.bound,
            (false, false) => v > self.bound,
        }
    }

    /// The verdict on estimate `e`.
    pub fn judge(&self, e: &Estimate) -> Verdict {
        let Some((lo, hi)) = e.ci else {
            return Verdict::Undecided(needed(e, self.bound));
        };
        let (near, far) = match self.below {
            true => (hi, lo),
            false => (lo, hi),
        };
        if self.holds(near) {
            Verdict::Meets
        } else if !self.holds(far) {
            Verdict::Fails
        } else {
            Verdict::Undecided(needed(e, self.bound))
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Meets => f.write_str("meets"),
            Verdict::Fails => f.write_str("fails"),
            Verdict::Undecided(Some(n)) => {
                write!(f, "undecided (about {n} replications would decide)")
            }
            Verdict::Undecided(None) => f.write_str("undecided"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Target {
        Target::parse(text, |_, m| m.starts_with("latency") || m == "error_share").unwrap()
    }

    #[test]
    fn targets_parse() {
        let a = t("latency_p99_ms <= 150");
        assert_eq!(
            (a.scope.clone(), a.below, a.inclusive, a.bound),
            (Scope::Run, true, true, 150.0)
        );
        let b = t("regions[asia].latency_p99_ms<200");
        assert_eq!(b.scope, Scope::Region("asia".into()));
        assert!(!b.inclusive);
        assert_eq!(
            t("pops[NRT].error_share>=0").scope,
            Scope::Pop("NRT".into())
        );
        let e = Target::parse("hit_ratio<=1", |_, _| false).unwrap_err();
        assert!(e.contains("not a numeric column of summary.csv"), "{e}");
        assert!(Target::parse("latency_p99_ms=1", |_, _| true)
            .unwrap_err()
            .contains("expected METRIC<=VALUE"));
        assert!(Target::parse("latency_p99_ms<=fast", |_, _| true)
            .unwrap_err()
            .contains("not a number"));
    }

    #[test]
    fn a_point_meets_only_when_its_whole_interval_does() {
        let target = t("latency_p99_ms<=150");
        let e = |v: &[f64]| Estimate::of(v);
        assert_eq!(target.judge(&e(&[140.0, 141.0, 142.0])), Verdict::Meets);
        assert_eq!(target.judge(&e(&[160.0, 161.0, 162.0])), Verdict::Fails);
        assert!(
            matches!(target.judge(&e(&[140.0, 150.0, 158.0])), Verdict::Undecided(Some(n)) if n > 3)
        );
        assert!(matches!(
            target.judge(&e(&[140.0])),
            Verdict::Undecided(None)
        ));
    }
}
