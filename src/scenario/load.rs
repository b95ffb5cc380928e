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
    /// The file could not be read.
    #[error("{file}: cannot read the scenario: {source}")]
    Read {
        /// The file as given.
        file: String,
        /// The operating system's reason.
        source: std::io::Error,
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

    fn apply(&self, doc: &mut Value) -> Result<(), ScenarioError> {
        let failed = |arg: String| {
            move |message| ScenarioError::Override {
                arg: arg.clone(),
                message,
            }
        };
        for arg in &self.sets {
            apply_override(doc, arg).map_err(failed(format!("--set {arg}")))?;
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
        Ok(())
    }
}

/// Reads, overrides and validates the scenario file at `path`.
pub fn load_file(path: &Path, overrides: &Overrides) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
        file: file.clone(),
        source,
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
        parse_error(line, "", one_line(e.message()))
    })?;
    let mut doc = Value::Table(table);
    overrides.apply(&mut doc)?;
    let spec: ScenarioSpec = serde_path_to_error::deserialize(doc).map_err(|e| {
        let path = e.path().to_string();
        parse_error(line_of(text, &path), &path, one_line(e.inner().message()))
    })?;
    Scenario::new(spec)
        .map_err(|Invalid { path, message }| parse_error(line_of(text, &path), &path, message))
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
fn line_of(text: &str, path: &str) -> Option<usize> {
    let doc = toml_edit::ImDocument::parse(text).ok()?;
    let clean = path.split("[*]").next().unwrap_or(path);
    let mut item = doc.as_item();
    let mut span = None;
    for seg in parse_path(clean)? {
        let next = match &seg {
            Segment::Key(k) => item.get(k.as_str()),
            Segment::Index(i) => item.get(*i),
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
