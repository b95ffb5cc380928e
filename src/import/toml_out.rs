//! Writing the generated scenario: TOML text with comments, which the `toml` crate's
//! serialiser cannot write, from values it formats (so quoting and escaping are its).

use std::fmt::Write;

/// The scenario text being written.
#[derive(Default)]
pub struct Out {
    pub text: String,
}

/// A value as TOML writes it inline.
pub fn value(v: impl Into<toml::Value>) -> String {
    v.into().to_string()
}

/// A duration of whole seconds, as the scenario writes durations.
pub fn secs(s: u64) -> String {
    value(format!("{s}s"))
}

impl Out {
    /// `# text`, one comment line per line of `text`.
    pub fn comment(&mut self, text: &str) {
        for line in text.lines() {
            match line.is_empty() {
                true => self.text.push_str("#\n"),
                false => {
                    let _ = writeln!(self.text, "# {line}");
                }
            }
        }
    }

    /// A blank line, then `[name]` with a comment above it.
    pub fn table(&mut self, name: &str, from: &str) {
        self.text.push('\n');
        self.comment(from);
        let _ = writeln!(self.text, "[{name}]");
    }

    /// A blank line, then `[[name]]` with a comment above it.
    pub fn array(&mut self, name: &str, from: &str) {
        self.text.push('\n');
        self.comment(from);
        let _ = writeln!(self.text, "[[{name}]]");
    }

    /// `key = value`, the value already TOML text.
    pub fn raw(&mut self, key: &str, value: &str) {
        let _ = writeln!(self.text, "{key} = {value}");
    }

    /// `key = value  # note`.
    pub fn noted(&mut self, key: &str, value: &str, note: &str) {
        let _ = writeln!(self.text, "{key} = {value}  # {note}");
    }

    /// `key = value`.
    pub fn kv(&mut self, key: &str, v: impl Into<toml::Value>) {
        self.raw(key, &value(v));
    }
}

/// Shares rounded to 6 decimals that sum to exactly 1 as written: the largest takes up the
/// rounding. All zero gives equal shares.
pub fn shares(weights: &[f64]) -> Vec<f64> {
    let total: f64 = weights.iter().sum();
    let n = weights.len().max(1) as f64;
    let mut out: Vec<f64> = weights
        .iter()
        .map(|w| match total > 0.0 {
            true => (w / total * 1e6).round() / 1e6,
            false => (1e6 / n).round() / 1e6,
        })
        .collect();
    if let Some(big) = (0..out.len()).max_by(|&a, &b| out[a].total_cmp(&out[b])) {
        let rest: f64 = (0..out.len()).filter(|&i| i != big).map(|i| out[i]).sum();
        out[big] = ((1.0 - rest) * 1e6).round() / 1e6;
    }
    out
}

/// A share as written: 6 decimals at most.
pub fn share(x: f64) -> String {
    let text = format!("{x:.6}");
    let text = text.trim_end_matches('0');
    match text.ends_with('.') {
        true => format!("{text}0"),
        false => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_sum_to_one_as_written() {
        for weights in [
            vec![1.0, 1.0, 1.0],
            vec![7.0, 14.0, 53.0, 3.0, 12.0],
            vec![0.0, 0.0],
        ] {
            let s = shares(&weights);
            let sum: f64 = s.iter().map(|x| share(*x).parse::<f64>().unwrap()).sum();
            assert!((sum - 1.0).abs() < 1e-9, "{weights:?}: {s:?}");
        }
        assert_eq!(share(0.25), "0.25");
        assert_eq!(share(1.0), "1.0");
    }
}
