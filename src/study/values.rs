//! The values a varied parameter takes: a list (`16GiB,32GiB,64GiB`), a linear range
//! (`0.5..2.0 step 0.25`) or a geometric one (`1GiB..64GiB x2`). Range ends and steps are
//! numbers, sizes or durations, all of one kind, and the values are written back in that
//! kind (`2GiB`, `90s`), so each is a valid `--set` value.

use crate::units::{Bytes, Duration, DURATION_HELP, SIZE_HELP};

/// The most values one range may produce: more is surely a typo in the step.
pub const MAX_VALUES: usize = 10_000;

/// A range end or step.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Quantity {
    Number(f64),
    Size(u64),
    Time(u64),
}

impl Quantity {
    fn parse(text: &str) -> Result<Quantity, String> {
        let t = text.trim();
        if let Ok(x) = t.parse::<f64>() {
            return match x.is_finite() {
                true => Ok(Quantity::Number(x)),
                false => Err(format!("{t:?} is not a finite number")),
            };
        }
        if let Some(b) = Bytes::parse(t) {
            return Ok(Quantity::Size(b.0));
        }
        if let Some(d) = Duration::parse(t) {
            return Ok(Quantity::Time(d.0));
        }
        Err(format!(
            "{t:?} is not a number, {SIZE_HELP}, or {DURATION_HELP}"
        ))
    }

    fn value(self) -> f64 {
        match self {
            Quantity::Number(x) => x,
            Quantity::Size(n) | Quantity::Time(n) => n as f64,
        }
    }

    /// `x` written in the kind of `self`.
    fn write(self, x: f64) -> String {
        match self {
            Quantity::Number(_) => number(x),
            Quantity::Size(_) => Bytes(x.round() as u64).to_string(),
            Quantity::Time(_) => Duration(x.round() as u64).to_string(),
        }
    }

    fn same_kind(self, other: Quantity) -> bool {
        std::mem::discriminant(&self) == std::mem::discriminant(&other)
    }
}

/// `x` rounded to 12 significant digits and written in its shortest form, so that
/// `0.1 + 0.2` is written `0.3`.
fn number(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let digits = 11 - x.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits.clamp(-300, 300));
    let rounded = (x * scale).round() / scale;
    format!("{rounded}")
}

/// Parses VALUES; the error says what is wrong and what is allowed.
pub fn parse(text: &str) -> Result<Vec<String>, String> {
    let text = text.trim();
    let Some((from, rest)) = text.split_once("..") else {
        let values: Vec<String> = text.split(',').map(|v| v.trim().to_string()).collect();
        if values.iter().any(String::is_empty) {
            return Err(format!(
                "{text:?}: an empty value; expected a list such as 16GiB,32GiB, a range such as 0.5..2.0 step 0.25, or 1GiB..64GiB x2"
            ));
        }
        return Ok(values);
    };
    let (to, geometric, by) = if let Some((to, step)) = rest.split_once(" step ") {
        (to, false, step)
    } else if let Some((to, factor)) = rest.rsplit_once(" x") {
        (to, true, factor)
    } else {
        return Err(format!(
            "{text:?}: a range needs `step S` (linear, e.g. 0.5..2.0 step 0.25) or `xF` (geometric, e.g. 1GiB..64GiB x2)"
        ));
    };
    let (a, b) = (Quantity::parse(from)?, Quantity::parse(to)?);
    if !a.same_kind(b) {
        return Err(format!(
            "{text:?}: both ends must be of one kind (numbers, sizes or durations)"
        ));
    }
    let (lo, hi) = (a.value(), b.value());
    if lo > hi {
        return Err(format!(
            "{text:?}: the range runs down; write it from the smaller end"
        ));
    }
    let mut out = Vec::new();
    if geometric {
        let f: f64 = by
            .trim()
            .parse()
            .map_err(|_| format!("{text:?}: factor {by:?} is not a number"))?;
        if !(f > 1.0 && f.is_finite()) || lo <= 0.0 {
            return Err(format!(
                "{text:?}: a geometric range needs a factor above 1 and a start above 0"
            ));
        }
        let mut i = 0;
        loop {
            let x = lo * f.powi(i);
            if x > hi * (1.0 + 1e-9) {
                break;
            }
            out.push(a.write(x));
            i += 1;
            if out.len() > MAX_VALUES {
                break;
            }
        }
    } else {
        let s = Quantity::parse(by)?;
        let step = s.value();
        let kind_ok = s.same_kind(a) || (matches!(s, Quantity::Number(_)) && step.fract() == 0.0);
        if !kind_ok || step <= 0.0 {
            return Err(format!(
                "{text:?}: the step must be above 0 and of the ends' kind"
            ));
        }
        let n = ((hi - lo) / step * (1.0 + 1e-12)).floor() as usize;
        if n < MAX_VALUES {
            out = (0..=n).map(|i| a.write(lo + i as f64 * step)).collect();
        } else {
            out.resize(MAX_VALUES + 1, String::new());
        }
    }
    if out.len() > MAX_VALUES {
        return Err(format!("{text:?}: more than {MAX_VALUES} values"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn p(text: &str) -> Vec<String> {
        parse(text).unwrap()
    }

    #[test]
    fn lists_and_ranges() {
        assert_eq!(p("16GiB, 32GiB,64GiB"), ["16GiB", "32GiB", "64GiB"]);
        assert_eq!(p("outage"), ["outage"]);
        assert_eq!(
            p("0.5..2.0 step 0.25"),
            ["0.5", "0.75", "1", "1.25", "1.5", "1.75", "2"]
        );
        assert_eq!(p("0.1..0.3 step 0.1"), ["0.1", "0.2", "0.3"]);
        assert_eq!(p("1..4 x2"), ["1", "2", "4"]);
        assert_eq!(p("1GiB..64GiB x2").len(), 7);
        assert_eq!(p("1GiB..64GiB x2")[6], "64GiB");
        assert_eq!(p("1GiB..3GiB step 512MiB")[1], "1536MiB");
        assert_eq!(p("1m..10m step 3m"), ["1m", "4m", "7m", "10m"]);
    }

    #[test]
    fn bad_values_say_what_is_allowed() {
        let e = |t: &str| parse(t).unwrap_err();
        assert!(e("1,,2").contains("an empty value"), "{}", e("1,,2"));
        assert!(e("1..2").contains("needs `step S`"));
        assert!(e("2..1 step 1").contains("runs down"));
        assert!(e("1GiB..10 x2").contains("one kind"));
        assert!(e("1..8 x1").contains("factor above 1"));
        assert!(e("1..2 step 0").contains("above 0"));
        assert!(e("0..1e9 step 1").contains("more than 10000"));
        assert!(e("1..zz step 1").contains("is not a number"));
    }
}
