//! Reading a scenario: file, TOML, `--set` overrides, serde, validation, in that order,
//! with every error naming the file, the line where it can, and the key path.

use super::overrides::{parse_path, Segment};
use super::{apply_override, Scenario, ScenarioSpec};
use crate::check::Invalid;
use crate::units::Duration;
use std::fmt;
use std::path::Path;
use toml::Value;

/// Why a scenario could not be loaded. Displayed on one line.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read, or is not UTF-8 text.
    #[error("{file}{line}: cannot read the scenario: {reason}", line = Line(*.line))]
    Read {
        /// The file as given.
        file: String,
        /// 1-based line of the first invalid byte, for text that is not UTF-8.
        line: Option<usize>,
        /// What is wrong, in words.
        reason: String,
    },
    /// The text is not valid TOML, a key is unknown, or a value has the wrong type.
    #[error("{file}{line}: {path}{message}", line = Line(*.line), path = PathPrefix(.path))]
    Parse {
        /// The file.
        file: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// Key path, when known.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A run found its input changed after loading: a trace file that no longer reads as
    /// it did.
    #[error("{0}")]
    Changed(String),
    /// A command-line override could not be applied.
    #[error("{arg}: {message}")]
    Override {
        /// The argument.
        arg: String,
        /// What is wrong.
        message: String,
    },
}

struct Line(Option<usize>);

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, ":{n}"),
            None => Ok(()),
        }
    }
}

struct PathPrefix<'a>(&'a str);

impl fmt::Display for PathPrefix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() || self.0 == "." {
            Ok(())
        } else {
            write!(f, "{}: ", self.0)
        }
    }
}

/// Changes to a scenario given on the command line, applied after the file is read:
/// first every `--set`, then `--seed`, `--duration` and `--requests`, which win.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `KEY.PATH=VALUE` settings.
    pub sets: Vec<String>,
    /// A new seed.
    pub seed: Option<u64>,
    /// A run length in simulated time; replaces `requests`.
    pub duration: Option<Duration>,
    /// A run length in counted requests; replaces `duration`.
    pub requests: Option<u64>,
}

impl Overrides {
    /// Only `--set` settings.
    pub fn sets<S: ToString>(sets: &[S]) -> Self {
        Overrides {
            sets: sets.iter().map(|s| s.to_string()).collect(),
            ..Overrides::default()
        }
    }

    /// Applies the overrides to `doc`; returns each `--set` with the key paths it set.
    fn apply(&self, doc: &mut Value) -> Result<Vec<(&str, Vec<String>)>, ScenarioError> {
        let failed = |arg: String| {
            move |message| ScenarioError::Override {
                arg: arg.clone(),
                message,
            }
        };
        let mut touched = Vec::with_capacity(self.sets.len());
        for arg in &self.sets {
            let paths = apply_override(doc, arg)
                .map_err(|e| e.0)
                .map_err(failed(format!("--set {arg}")))?;
            touched.push((arg.as_str(), paths));
        }
        let table = doc.as_table_mut().expect("a parsed document is a table");
        if let Some(seed) = self.seed {
            let seed = i64::try_from(seed).map_err(|_| ScenarioError::Override {
                arg: format!("--seed {seed}"),
                message: format!("must be between 0 and {}", i64::MAX),
            })?;
            table.insert("seed".into(), Value::Integer(seed));
        }
        if let Some(d) = &self.duration {
            table.remove("requests");
            table.insert("duration".into(), Value::String(d.to_string()));
        }
        if let Some(n) = self.requests {
            let n = i64::try_from(n).map_err(|_| ScenarioError::Override {
                arg: format!("--requests {n}"),
                message: format!("must be at most {}", i64::MAX),
            })?;
            table.remove("duration");
            table.insert("requests".into(), Value::Integer(n));
        }
        Ok(touched)
    }
}

/// Reads, overrides and validates the scenario file at `path`.
pub fn load_file(path: &Path, overrides: &Overrides) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let unreadable = |line, reason| ScenarioError::Read {
        file: file.clone(),
        line,
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| unreadable(None, io_reason(&e)))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = line_at(&String::from_utf8_lossy(&e.as_bytes()[..at]), at);
        unreadable(
            Some(line),
            "not UTF-8 text (scenario files are UTF-8 TOML)".into(),
        )
    })?;
    load_str(&text, &file, overrides)
}

/// Parses, overrides and validates scenario `text`; `file` names it in errors.
pub fn load_str(text: &str, file: &str, overrides: &Overrides) -> Result<Scenario, ScenarioError> {
    let parse_error = |line, path: &str, message: String| ScenarioError::Parse {
        file: file.to_string(),
        line,
        path: path.to_string(),
        message,
    };
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map(|s| line_at(text, s.start));
        let path = line.map(|l| key_on_line(text, l)).unwrap_or_default();
        parse_error(line, &path, syntax_message(e.message(), text, line))
    })?;
    let mut table = table;
    // `[study]` describes a study of this scenario; `edgesim sweep` reads it (crate::study).
    table.remove("study");
    let mut doc = Value::Table(table);
    let touched = overrides.apply(&mut doc)?;
    let located = |path: String, message: String| match set_for(&touched, &path) {
        Some(arg) => ScenarioError::Override {
            arg: format!("--set {arg}"),
            message: format!("{path}: {message}"),
        },
        None => parse_error(line_of(text, &path), &path, message),
    };
    let spec: ScenarioSpec = serde_path_to_error::deserialize(doc)
        .map_err(|e| located(e.path().to_string(), one_line(e.inner().message())))?;
    Scenario::new(spec).map_err(|Invalid { path, message }| located(path, message))
}

/// The operating system's reason in plain words, without its error code.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        _ => {
            let text = e.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_string()
        }
    }
}

/// The `--set` argument that set `path` or a part of it, if any: an error there belongs
/// to the command line, not to a line of the file. `touched` is what [`Overrides::apply`]
/// returned.
fn set_for<'a>(touched: &[(&'a str, Vec<String>)], path: &str) -> Option<&'a str> {
    let under = |key: &str| {
        path == key || path.starts_with(&format!("{key}.")) || path.starts_with(&format!("{key}["))
    };
    touched.iter().rev().find_map(|(arg, paths)| {
        // A rule over all elements (`regions[*].share`) is blamed on a --set of one of them.
        paths
            .iter()
            .any(|p| under(p) || under(&super::bounds::generic(p)))
            .then_some(*arg)
    })
}

/// TOML's complaint in words a scenario author can act on.
fn syntax_message(message: &str, text: &str, line: Option<usize>) -> String {
    let message = one_line(message);
    let written = line
        .and_then(|l| text.lines().nth(l - 1))
        .unwrap_or("")
        .trim();
    if written.ends_with('=') {
        return "a value is missing after `=` (a number, a quoted string such as \"10m\", true or false)".into();
    }
    if message.contains("too large to fit") {
        return format!(
            "{message}: integers are at most {} (TOML's 64-bit limit)",
            i64::MAX
        );
    }
    if message.is_empty() {
        return "not valid TOML here".into();
    }
    message
}

/// The key path of the key written on `line` (1-based): the last table header above it
/// and the key before its `=`, e.g. `workload.rate`; empty when the line holds no key.
fn key_on_line(text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.lines().take(line).collect();
    let Some(here) = lines.last() else {
        return String::new();
    };
    let Some((key, _)) = here.split_once('=') else {
        return String::new();
    };
    let key = key.trim().trim_matches('"');
    let table = lines[..lines.len() - 1]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(|l| {
            l.trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        });
    match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_string(),
    }
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// 1-based line of byte offset `at`.
fn line_at(text: &str, at: usize) -> usize {
    text[..at.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// The line where the deepest existing part of `path` is written, if the file has it.
/// `[*]` in a path (a rule over all entries) stops the walk at the array.
pub fn line_of(text: &str, path: &str) -> Option<usize> {
    let doc = toml_edit::ImDocument::parse(text).ok()?;
    let clean = path.split("[*]").next().unwrap_or(path);
    let mut item = doc.as_item();
    let mut span = None;
    for seg in parse_path(clean)? {
        let next = match &seg {
            Segment::Key(k) => item.get(k.as_str()),
            Segment::Index(i) => item.get(*i),
            Segment::All | Segment::Name(_) => None,
        };
        match next {
            Some(n) => {
                item = n;
                span = item.span().or(span);
            }
            None => break,
        }
    }
    span.map(|s| line_at(text, s.start))
}
