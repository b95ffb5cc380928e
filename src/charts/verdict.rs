//! The verdict: a few plain sentences, computed from a run's result files, that say what
//! happened before any table is read. `report.html` opens with them and `edgesim run`
//! prints them; both read the same files, so they always agree.
//!
//! Each sentence appears only when its fact holds: errors, when there were any (and when
//! most fell inside one fault's window, which); an origin over its capacity, for how long
//! and what it refused; failovers; requests served past their nearest POP. Nothing is
//! written per scenario.

use super::table::{key, metric};
use super::time::{fault_windows, Window};
use super::Table;
use crate::report::{INTERVAL_KEYS, ORIGIN_SERIES, SUMMARY};
use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// A count as a person reads it, `1,234,567`.
fn thousands(n: f64) -> String {
    crate::units::thousands(n.max(0.0).round() as u64)
}

/// A latency as a person reads it.
fn latency(ms: f64) -> String {
    match ms >= 1000.0 {
        true => format!("{:.1} s", ms / 1000.0),
        false => format!("{ms:.0} ms"),
    }
}

/// A span of seconds in words: `40 s`, `9 minutes`, `1.5 hours`.
pub(super) fn span(secs: f64) -> String {
    match secs {
        s if s < 120.0 => format!("{s:.0} s"),
        s if s < 7200.0 => format!("{:.0} minutes", s / 60.0),
        s => format!("{:.1} hours", s / 3600.0),
    }
}

/// `mm:ss` of simulated minutes.
fn clock(minutes: f64) -> String {
    let s = (minutes * 60.0).round() as u64;
    format!("{:02}:{:02}", s / 60, s % 60)
}

/// The verdict on the run whose files are in `dir`.
pub fn verdict(dir: &Path) -> io::Result<Vec<String>> {
    let summary = Table::read(&dir.join("summary.csv"))?;
    let series = Table::read(&dir.join("timeseries.csv"))?;
    let faults = Table::read(&dir.join("faults.csv"))?;
    let origins = Table::read(&dir.join("origin_timeseries.csv"))?;
    let row = summary.rows().first().cloned().unwrap_or_default();
    let num = |c| summary.num(&row, c);
    let requests = num(metric!("requests"));
    let mut out = vec![format!(
        "{} requests were counted over {} of simulated time: {:.1}% were cache hits ({:.1}% of the bytes), the median viewer waited {} for the first byte and the slowest 1% over {}.",
        thousands(requests),
        span(num(key!(SUMMARY, "measured_s"))),
        num(metric!("hit_ratio")) * 100.0,
        num(metric!("byte_hit_ratio")) * 100.0,
        latency(num(metric!("latency_p50_ms"))),
        latency(num(metric!("latency_p99_ms"))),
    )];
    let errors = num(metric!("errors"));
    if errors > 0.0 {
        out.push(errors_sentence(
            errors,
            requests,
            &series,
            &fault_windows(&faults),
        ));
    }
    out.extend(over_capacity(&origins));
    let failovers = num(metric!("failovers"));
    if failovers > 0.0 {
        let fetches = num(key!(SUMMARY, "failover_origin_requests"));
        out.push(format!(
            "{} requests were answered by failover, in {} origin requests to a secondary origin.",
            thousands(failovers),
            thousands(fetches)
        ));
    }
    let shed = num(metric!("shed"));
    if shed / requests.max(1.0) >= 0.01 {
        out.push(format!(
            "{:.1}% of requests were served by a POP other than their nearest, which was down or over its capacity.",
            shed / requests * 100.0
        ));
    }
    let plans = dir.join("cost.csv");
    let plans = match plans.exists() {
        true => Some(Table::read(&plans)?),
        false => None,
    };
    out.push(cost_sentence(&summary, &row, plans.as_ref()));
    Ok(out)
}

/// The month's bill, and the flat-rate plan that would cover it or why none does (the
/// note of the largest plan in `cost.csv`).
fn cost_sentence(summary: &Table, row: &[String], plans: Option<&Table>) -> String {
    use crate::cost::{count, dollars, volume};
    use crate::report::COST;
    let num = |c| summary.num(row, c);
    let payg = num(key!(SUMMARY, "cost_usd_month"));
    let plan = summary.text(row, key!(SUMMARY, "flat_rate_plan"));
    let head = format!(
        "Cost: {} a month pay-as-you-go, for {} requests and {} out a month.",
        dollars(payg),
        count(num(key!(SUMMARY, "monthly_requests"))),
        volume(num(key!(SUMMARY, "monthly_transfer_gb"))),
    );
    if plan != "none" {
        let price = num(key!(SUMMARY, "flat_rate_usd"));
        let cheaper = match price < payg {
            true => "",
            false => ", though pay-as-you-go costs less",
        };
        return format!(
            "{head} The {plan} flat-rate plan covers the month for {}{cheaper}.",
            dollars(price)
        );
    }
    let why = plans.and_then(|t| {
        let mut lines = t.rows().iter().rev();
        // Plans are written cheapest first: the last one is the largest.
        lines
            .find(|r| t.text(r, key!(COST, "component")) == "flat_rate_plan")
            .map(|r| match t.text(r, key!(COST, "note")) {
                n if n.starts_with("flat-rate plans exclude") => format!(": {n}"),
                n => format!(": {n}, the largest plan's allowance"),
            })
    });
    format!("{head} No flat-rate plan fits{}.", why.unwrap_or_default())
}

/// How many requests failed, and whether most did inside one fault's window.
fn errors_sentence(errors: f64, requests: f64, series: &Table, windows: &[Window]) -> String {
    let mut per: BTreeMap<u64, f64> = BTreeMap::new();
    for r in series.rows() {
        let start = series.num(r, key!(INTERVAL_KEYS, "interval_start_s"));
        *per.entry(start as u64).or_default() += series.num(r, metric!("errors"));
    }
    let share = errors / requests.max(1.0) * 100.0;
    let share = match share < 0.1 {
        true => format!("{share:.2}%"),
        false => format!("{share:.1}%"),
    };
    let mut sentence = format!("{share} of requests failed ({}).", thousands(errors));
    let inside = |w: &Window| -> f64 {
        per.iter()
            .filter(|(&s, _)| (s as f64 / 60.0) < w.to && (s as f64 / 60.0) >= w.from - 1e-9)
            .map(|(_, e)| e)
            .sum()
    };
    // The shortest window that holds at least half of the errors names them; windows that
    // overlap it share the blame, and the sentence says how many.
    let total: f64 = per.values().sum();
    let best = windows
        .iter()
        .map(|w| (w, inside(w)))
        .filter(|(_, n)| total > 0.0 && n / total >= 0.5)
        .min_by(|a, b| (a.0.to - a.0.from).total_cmp(&(b.0.to - b.0.from)));
    if let Some((w, n)) = best {
        let others = windows
            .iter()
            .filter(|o| !std::ptr::eq(*o, w) && o.from < w.to && o.to > w.from)
            .count();
        let also = match others {
            0 => String::new(),
            1 => " and 1 event overlapping it".to_string(),
            n => format!(" and {n} events overlapping it"),
        };
        sentence = format!(
            "{share} of requests failed ({}), {:.0}% of them during the {}{also} ({}–{}).",
            thousands(errors),
            n / total * 100.0,
            w.label,
            clock(w.from),
            clock(w.to)
        );
    }
    sentence
}

/// A sentence per origin that was sent more than its capacity: for how long, and its
/// refusals.
fn over_capacity(t: &Table) -> Vec<String> {
    let mut per: BTreeMap<&str, (u64, f64, f64, f64)> = BTreeMap::new();
    let mut width = f64::INFINITY;
    let mut last: BTreeMap<&str, f64> = BTreeMap::new();
    for r in t.rows() {
        let origin = t.text(r, key!(ORIGIN_SERIES, "origin"));
        let start = t.num(r, key!(ORIGIN_SERIES, "interval_start_s"));
        if let Some(prev) = last.insert(origin, start) {
            width = width.min(start - prev);
        }
        let rate = t.num(r, key!(ORIGIN_SERIES, "arrivals_per_s"));
        let capacity = t.num(r, key!(ORIGIN_SERIES, "capacity_rps"));
        let e = per.entry(origin).or_insert((0, capacity, 0.0, 0.0));
        if capacity > 0.0 && rate > capacity {
            e.0 += 1;
        }
        e.2 += t.num(r, key!(ORIGIN_SERIES, "refused"));
        e.3 = e.3.max(rate);
    }
    let width = if width.is_finite() { width } else { 0.0 };
    per.into_iter()
        .filter(|(_, (over, ..))| *over > 0)
        .map(|(origin, (over, capacity, refused, peak))| {
            let refused = match refused > 0.0 {
                true => format!(" and refused {} requests", thousands(refused)),
                false => String::new(),
            };
            format!(
                "Origin {origin} was sent more than its {} requests per second for {} (up to {}){refused}.",
                thousands(capacity),
                span(over as f64 * width),
                thousands(peak)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_a_person_reads_them() {
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(latency(22.3), "22 ms");
        assert_eq!(latency(30_867.0), "30.9 s");
        assert_eq!(clock(20.0), "20:00");
        assert_eq!(clock(29.5), "29:30");
        assert_eq!(span(40.0), "40 s");
        assert_eq!(span(540.0), "9 minutes");
        assert_eq!(crate::cost::dollars(118_223.74), "$118,224");
        assert_eq!(crate::cost::dollars(15.0), "$15.00");
        assert_eq!(crate::cost::volume(1_292_620.0), "1.2 PB");
        assert_eq!(crate::cost::count(25.92e9), "25.9 B");
        assert_eq!(crate::cost::count(1e15), "1,000,000 B");
        assert_eq!(crate::cost::volume(4.9e10), "46,730 PB");
    }
}
