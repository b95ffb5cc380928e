//! What a planner should know before trusting a run, without refusing it: injected events
//! that fall outside the simulated span, or inside the warm-up where nothing is counted.

use super::{ScenarioSpec, Warmup};
use crate::units::{human, secs_to_nanos, Nanos};

/// The simulated span and warm-up, in nanoseconds: exact for a `duration`, estimated from
/// the mean rate for a `requests` count; `None` for a trace, whose span only the trace knows.
fn span(s: &ScenarioSpec) -> Option<(Nanos, Nanos, bool)> {
    if s.workload.trace.is_some() {
        return None;
    }
    let rate = s.workload.mean_rate(&s.regions);
    let (warm_requests, warm_time) = match s.warmup {
        Warmup::Requests(n) => (n, 0),
        Warmup::Time(t) => (0, t.0),
    };
    let warm = warm_time.max(secs_to_nanos(warm_requests as f64 / rate));
    match (s.duration, s.requests) {
        (Some(d), _) => Some((d.0, warm, true)),
        (None, Some(n)) => Some((warm + secs_to_nanos(n as f64 / rate), warm, false)),
        (None, None) => None,
    }
}

/// Warnings for `what` (a key path and its kind) active from `start` to `end`.
fn window(out: &mut Vec<String>, what: &str, start: Nanos, end: Nanos, s: (Nanos, Nanos, bool)) {
    let (span, warm, exact) = s;
    let about = if exact { "" } else { "about " };
    if start >= span {
        out.push(format!(
            "{what} starts at {}, after the run ends ({about}{}): it has no effect",
            human(start),
            human(span)
        ));
    } else if end > span {
        out.push(format!(
            "{what} ends at {}, after the run ends ({about}{}): only its first {} is simulated",
            human(end),
            human(span),
            human(span - start)
        ));
    }
    if warm > 0 && end <= warm {
        out.push(format!(
            "{what} lies wholly in the warm-up (the first {}): its effects are not counted",
            human(warm)
        ));
    }
}

/// Every warning for `s`, one line each.
pub(super) fn warnings(s: &ScenarioSpec) -> Vec<String> {
    let mut out = Vec::new();
    let Some(span) = span(s) else {
        return out;
    };
    for (i, f) in s.faults.iter().enumerate() {
        let (start, end) = f.window();
        window(
            &mut out,
            &format!("faults[{i}] ({})", f.kind()),
            start,
            end,
            span,
        );
    }
    for (i, f) in s.workload.flash_crowds.iter().enumerate() {
        let end = f.start.0.saturating_add(f.duration.0);
        let what = format!("workload.flash_crowds[{i}]");
        window(&mut out, &what, f.start.0, end, span);
    }
    prefilled(&mut out, s, span.1);
    out
}

/// A prefilled cache holds copies that expired before the start. The clock cannot go
/// below zero, so they count as just expired, and stale-while-revalidate serves them for
/// its whole window: a warm-up at least that long keeps this out of the results.
fn prefilled(out: &mut Vec<String>, s: &ScenarioSpec, warm: Nanos) {
    if s.caching.prefill != super::Prefill::Popularity {
        return;
    }
    let swr = s
        .workload
        .classes
        .iter()
        .filter_map(|c| {
            let r = c.response.resolve("").ok()?;
            r.cache_control.stale_while_revalidate
        })
        .max()
        .unwrap_or(0)
        .saturating_mul(crate::units::SEC);
    if warm < swr {
        out.push(format!(
            "caching.prefill: copies that expired before the start are served stale for the first {} (the longest stale-while-revalidate); a warm-up of at least {} keeps them out of the counted results",
            human(swr),
            human(swr)
        ));
    }
}
