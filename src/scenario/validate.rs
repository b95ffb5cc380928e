//! Every scenario rule that serde cannot express, each error naming its key path.

use super::{ScenarioSpec, Warmup};
use crate::check::{self, ensure, Checked};

fn names<'a, T>(items: &'a [T], name: impl Fn(&'a T) -> &'a str) -> Vec<&'a str> {
    items.iter().map(name).collect()
}

/// Every rule that serde cannot express.
pub(super) fn validate(s: &ScenarioSpec) -> Checked {
    ensure(
        !s.name.is_empty(),
        || "name".into(),
        || "must not be empty".into(),
    )?;
    ensure(
        !s.name.contains(['/', '\\']) && s.name != "." && s.name != "..",
        || "name".into(),
        || {
            format!(
                "is used as a folder name, so it must not contain '/' or '\\', got {:?}",
                s.name
            )
        },
    )?;
    ensure(
        s.seed <= i64::MAX as u64,
        || "seed".into(),
        || {
            format!(
                "must be between 0 and {} (TOML integers are signed 64-bit)",
                i64::MAX
            )
        },
    )?;
    validate_length(s)?;
    ensure(
        s.interval.0 > 0,
        || "interval".into(),
        || "must be longer than zero".into(),
    )?;
    s.network.check()?;
    s.distribution.check()?;
    ensure(
        !s.regions.is_empty(),
        || "regions".into(),
        || "at least one region is required".into(),
    )?;
    for (i, r) in s.regions.iter().enumerate() {
        let path = format!("regions[{i}]");
        check::unique_name(
            &format!("{path}.name"),
            &r.name,
            names(&s.regions[..i], |r| &r.name),
        )?;
        r.check(&path)?;
    }
    check::shares_sum_to_one("regions[*].share", s.regions.iter().map(|r| r.share))?;
    ensure(
        s.regions.len() <= u16::MAX as usize,
        || "regions".into(),
        || "at most 65535 regions".into(),
    )?;
    ensure(
        !s.pops.is_empty(),
        || "pops".into(),
        || "at least one POP is required".into(),
    )?;
    ensure(
        s.pops.len() <= u16::MAX as usize,
        || "pops".into(),
        || "at most 65535 POPs".into(),
    )?;
    for (i, p) in s.pops.iter().enumerate() {
        let path = format!("pops[{i}]");
        check::unique_name(
            &format!("{path}.code"),
            &p.code,
            names(&s.pops[..i], |p| &p.code),
        )?;
        p.check(&path)?;
    }
    price_class(s)?;
    ensure(
        !s.origins.is_empty(),
        || "origins".into(),
        || "at least one origin is required".into(),
    )?;
    for (i, o) in s.origins.iter().enumerate() {
        let path = format!("origins[{i}]");
        check::unique_name(
            &format!("{path}.name"),
            &o.name,
            names(&s.origins[..i], |o| &o.name),
        )?;
        o.check(&path)?;
        o.cost.check(&path)?;
    }
    s.cost.check()?;
    for (i, v) in s.invalidations.iter().enumerate() {
        v.check(&format!("invalidations[{i}]"))?;
    }
    check::within("log_sample_rate", s.log_sample_rate, 0.0, 1.0)?;
    validate_tiers(s)?;
    validate_errors(s)?;
    s.workload.check(&s.regions)?;
    validate_groups(s)?;
    let trusted: Vec<(String, &[String])> = s
        .behaviors
        .iter()
        .enumerate()
        .map(|(i, b)| {
            (
                format!("behaviors[{i}].trusted_key_groups"),
                &b.trusted_key_groups[..],
            )
        })
        .chain(std::iter::once((
            "default_behavior.trusted_key_groups".to_string(),
            &s.default_behavior.trusted_key_groups[..],
        )))
        .collect();
    crate::signing::spec::check(&s.public_keys, &s.key_groups, &s.signing, &trusted)?;
    let known = crate::fault::Names {
        regions: names(&s.regions, |r| &r.name),
        pops: names(&s.pops, |p| &p.code),
        regional_caches: names(&s.regional_caches, |r| &r.name),
        origins: names(&s.origins, |o| &o.name),
        key_groups: names(&s.key_groups, |g| &g.id),
        public_keys: names(&s.public_keys, |k| &k.id),
    };
    for (i, f) in s.faults.iter().enumerate() {
        f.check(&format!("faults[{i}]"), &known)?;
    }
    validate_signed_classes(s)?;
    super::bounds::check(s)?;
    validate_span(s)
}

/// Every key a path class signs with must be one of the scenario's public keys, and every
/// rotation must retire a key its group holds.
fn validate_signed_classes(s: &ScenarioSpec) -> Checked {
    let keys = names(&s.public_keys, |k| &k.id);
    for (i, c) in s.workload.classes.iter().enumerate() {
        if let Some(signed) = &c.signed {
            ensure(
                keys.contains(&signed.key.as_str()),
                || format!("workload.classes[{i}].signed.key"),
                || {
                    format!(
                        "no public key has id {:?}; public keys are {keys:?}",
                        signed.key
                    )
                },
            )?;
        }
    }
    for (i, f) in s.faults.iter().enumerate() {
        let crate::fault::FaultSpec::KeyRotation(k) = f else {
            continue;
        };
        let path = format!("faults[{i}]");
        ensure(
            k.old_key != k.new_key,
            || format!("{path}.new_key"),
            || {
                format!(
                    "must differ from old_key ({:?}): a rotation replaces one key by another",
                    k.old_key
                )
            },
        )?;
        if let Some(g) = s.key_groups.iter().find(|g| g.id == k.key_group) {
            ensure(
                g.keys.contains(&k.old_key),
                || format!("{path}.old_key"),
                || {
                    format!(
                        "key group {:?} does not hold {:?}; it holds {:?}",
                        g.id, k.old_key, g.keys
                    )
                },
            )?;
        }
    }
    Ok(())
}

/// The run's simulated span, its intervals and its peak rate must be ones the model can
/// represent (the bounds in `bounds.rs`).
fn validate_span(s: &ScenarioSpec) -> Checked {
    use super::bounds::{MAX_INTERVALS, MAX_RATE, MAX_SPAN};
    use crate::units::{human, Duration};
    let rate = s.workload.mean_rate(&s.regions);
    let peak = s
        .workload
        .flash_crowds
        .iter()
        .map(|f| f.multiplier)
        .fold(1.0, f64::max);
    ensure(
        rate * peak <= MAX_RATE,
        || "workload.rate".into(),
        || {
            format!(
                "{rate}/s times the largest flash-crowd multiplier ({peak}) exceeds {MAX_RATE}/s, the most the nanosecond clock can space apart"
            )
        },
    )?;
    let warmup = |n: u64| match s.warmup {
        Warmup::Requests(w) => n.saturating_add(w) as f64 / rate,
        Warmup::Time(t) => t.secs_f64() + n as f64 / rate,
    };
    let span = match (s.duration, s.requests, &s.workload.trace) {
        (Some(d), _, _) => d.secs_f64(),
        // A trace sets its own span; its reader bounds it.
        (None, Some(_), Some(_)) => return Ok(()),
        (None, Some(n), None) => {
            let span = warmup(n);
            ensure(
                span <= MAX_SPAN as f64 / 1e9,
                || "requests".into(),
                || {
                    format!(
                        "{n} requests (warm-up included) at {rate}/s take about {} of simulated time; at most {} is allowed: raise workload.rate or count fewer requests",
                        human(crate::units::secs_to_nanos(span)),
                        Duration(MAX_SPAN)
                    )
                },
            )?;
            span
        }
        (None, None, _) => return Ok(()),
    };
    let intervals = span / s.interval.secs_f64();
    ensure(
        intervals <= MAX_INTERVALS as f64,
        || "interval".into(),
        || {
            format!(
                "{} over a run of {} makes {intervals:.0} time-series rows per POP; at most {MAX_INTERVALS}: use an interval of at least {}",
                s.interval,
                human(crate::units::secs_to_nanos(span)),
                human(crate::units::secs_to_nanos(span / MAX_INTERVALS as f64).max(1_000_000))
            )
        },
    )
}

fn validate_length(s: &ScenarioSpec) -> Checked {
    match (s.duration, s.requests) {
        (None, None) | (Some(_), Some(_)) => check::fail(
            "duration",
            "set exactly one of `duration` (simulated time, e.g. \"10m\") or `requests` (a count)",
        ),
        (Some(d), None) => {
            ensure(
                d.0 > 0,
                || "duration".into(),
                || "must be longer than zero".into(),
            )?;
            match s.warmup {
                Warmup::Time(w) => ensure(
                    w < d,
                    || "warmup".into(),
                    || format!("must be shorter than duration ({d}), got {w}"),
                ),
                Warmup::Requests(_) => Ok(()),
            }
        }
        (None, Some(n)) => ensure(n > 0, || "requests".into(), || "must be at least 1".into()),
    }
}

/// Regional caches, and the references POPs and origins make to them.
fn validate_tiers(s: &ScenarioSpec) -> Checked {
    ensure(
        s.regional_caches.len() < u16::MAX as usize,
        || "regional_caches".into(),
        || "at most 65534 regional caches".into(),
    )?;
    for (i, r) in s.regional_caches.iter().enumerate() {
        let path = format!("regional_caches[{i}]");
        check::unique_name(
            &format!("{path}.name"),
            &r.name,
            names(&s.regional_caches[..i], |r| &r.name),
        )?;
        r.check(&path)?;
    }
    let known = names(&s.regional_caches, |r| &r.name);
    let exists = |path: String, name: &Option<String>| match name {
        Some(n) => ensure(
            known.contains(&n.as_str()),
            || path,
            || format!("no regional cache is named {n:?}; regional caches are {known:?}"),
        ),
        None => Ok(()),
    };
    for (i, p) in s.pops.iter().enumerate() {
        exists(format!("pops[{i}].regional_cache"), &p.regional_cache)?;
    }
    for (i, o) in s.origins.iter().enumerate() {
        exists(format!("origins[{i}].shield"), &o.shield)?;
    }
    validate_prefill(s)
}

/// A prefill needs a popularity law, and a catalog it can hold in memory object by object.
fn validate_prefill(s: &ScenarioSpec) -> Checked {
    if s.caching.prefill != super::Prefill::Popularity {
        return Ok(());
    }
    ensure(
        s.workload.trace.is_none(),
        || "caching.prefill".into(),
        || {
            "\"popularity\" needs a generated workload; a trace has no popularity law (use \"empty\" and a warm-up)".into()
        },
    )?;
    let objects: u64 = s.workload.classes.iter().map(|c| c.objects).sum();
    let max = crate::sim::MAX_PREFILL_OBJECTS;
    ensure(
        objects <= max,
        || "caching.prefill".into(),
        || {
            format!("\"popularity\" handles catalogs of at most {max} objects; this one has {objects} (use \"empty\" and a warm-up)")
        },
    )
}

/// Origin groups: names unique among origins and groups, two known members each.
fn validate_groups(s: &ScenarioSpec) -> Checked {
    let origins = names(&s.origins, |o| &o.name);
    for (i, g) in s.origin_groups.iter().enumerate() {
        let path = format!("origin_groups[{i}]");
        let taken: Vec<&str> = origins
            .iter()
            .copied()
            .chain(names(&s.origin_groups[..i], |g| &g.name))
            .collect();
        check::unique_name(&format!("{path}.name"), &g.name, taken)?;
        g.check(&path, &origins)?;
    }
    Ok(())
}

/// Statuses CloudFront lets a distribution configure error responses for (§1.10).
const CUSTOM_ERROR_CODES: [u16; 11] = [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504];

fn validate_errors(s: &ScenarioSpec) -> Checked {
    for (i, e) in s.custom_error_responses.iter().enumerate() {
        ensure(
            CUSTOM_ERROR_CODES.contains(&e.error_code),
            || format!("custom_error_responses[{i}].error_code"),
            || {
                format!(
                    "must be one of {CUSTOM_ERROR_CODES:?}, got {}",
                    e.error_code
                )
            },
        )?;
        let twice = s.custom_error_responses[..i]
            .iter()
            .any(|x| x.error_code == e.error_code);
        ensure(
            !twice,
            || format!("custom_error_responses[{i}].error_code"),
            || format!("{} is listed twice", e.error_code),
        )?;
    }
    Ok(())
}

/// A price class short of `PriceClass_All` needs every POP's class, and some POP in it.
fn price_class(s: &ScenarioSpec) -> Checked {
    use crate::data::PriceClass;
    use crate::topology::Topology;
    let class = s.distribution.price_class;
    if class == PriceClass::All {
        return Ok(());
    }
    let mut serving = 0;
    for (i, p) in s.pops.iter().enumerate() {
        match Topology::in_class(p, class) {
            Some(inside) => serving += usize::from(inside),
            None => {
                return check::fail(
                    format!("pops[{i}].price_class"),
                    format!(
                        "POP {:?} is not a metro of data/edge-metros.csv, so distribution.price_class = {:?} cannot tell whether it serves: set its price_class (\"PriceClass_100\", \"PriceClass_200\" or \"PriceClass_All\")",
                        p.code,
                        class.api_name()
                    ),
                )
            }
        }
    }
    ensure(
        serving > 0,
        || "distribution.price_class".into(),
        || format!("no POP of the scenario is in {}", class.api_name()),
    )
}
