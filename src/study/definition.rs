//! A study's definition: the `[study]` table of a scenario file, changed by the command
//! line (`--vary`, `--zip`, `--variant`, `--replications`, `--target`), and its points.

use super::values;
use crate::scenario::{line_of, ScenarioError};
use serde::Deserialize;

/// The `[study]` table of a scenario file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudySpec {
    /// `KEY=VALUES` entries, as `--vary` takes them.
    #[serde(default)]
    pub vary: Vec<String>,
    /// Pair the varied parameters element by element instead of forming a grid.
    #[serde(default)]
    pub zip: bool,
    /// Runs per point.
    #[serde(default)]
    pub replications: Option<usize>,
    /// Targets, as `--target` takes them.
    #[serde(default)]
    pub targets: Vec<String>,
    /// Named sets of overrides, varied as the parameter `variant`.
    #[serde(default)]
    pub variants: Vec<VariantSpec>,
}

/// A named scenario variant: a label and the `--set`s it applies.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct VariantSpec {
    pub name: String,
    /// `KEY.PATH=VALUE` settings; none for the unchanged scenario.
    #[serde(default)]
    pub set: Vec<String>,
}

/// The name of the varied parameter that picks a variant.
pub const VARIANT: &str = "variant";

/// The most units one study may have.
pub const MAX_UNITS: usize = 1_000_000;

/// One varied parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Axis {
    /// Its key path (`pops[*].cache_capacity`), or a name such as [`VARIANT`].
    pub key: String,
    /// Its values, in order.
    pub values: Vec<String>,
    /// Per value, the `--set`s it applies, for a parameter that is not one key path
    /// (variants, `compare`'s policy at a tier); `None` sets `key=value`.
    pub sets: Option<Vec<Vec<String>>>,
}

/// A study's definition, from the file's `[study]` and the command line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Definition {
    pub axes: Vec<Axis>,
    pub zip: bool,
    pub replications: usize,
    pub targets: Vec<String>,
    pub variants: Vec<VariantSpec>,
}

/// Reads the `[study]` table of scenario `text`, if it has one; errors name `file`, the key
/// path and the line.
pub fn spec_of(text: &str, file: &str) -> Result<StudySpec, ScenarioError> {
    let parse = |line, path: String, message: String| ScenarioError::Parse {
        file: file.to_string(),
        line,
        path,
        message,
    };
    let Ok(mut table) = text.parse::<toml::Table>() else {
        // The scenario's own loading reports the syntax error with its line.
        return Ok(StudySpec::default());
    };
    let Some(study) = table.remove("study") else {
        return Ok(StudySpec::default());
    };
    serde_path_to_error::deserialize::<_, StudySpec>(study).map_err(|e| {
        let path = format!("study.{}", e.path()).replace("study..", "study");
        let path = path.trim_end_matches('.').to_string();
        parse(line_of(text, &path), path, e.inner().message().to_string())
    })
}

/// What the command line adds to a study.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    /// `--vary KEY=VALUES`: replaces the file's entry for KEY, or adds an axis.
    pub vary: Vec<String>,
    /// `--zip`.
    pub zip: bool,
    pub replications: Option<usize>,
    /// `--target`: added to the file's.
    pub targets: Vec<String>,
    /// `--variant NAME:KEY=VALUE`: adds a set to variant NAME (creating it); `NAME:` alone
    /// makes an unchanged variant.
    pub variants: Vec<String>,
}

pub(super) fn bad(arg: String, message: String) -> ScenarioError {
    ScenarioError::Override { arg, message }
}

/// The sets of variant `name`.
fn variant_sets(variants: &[VariantSpec], name: &str) -> Vec<String> {
    let v = variants.iter().find(|v| v.name == name);
    v.map_or_else(Vec::new, |v| v.set.clone())
}

/// One `KEY=VALUES` as an axis; `origin` names it in errors.
fn axis(entry: &str, origin: &str) -> Result<Axis, ScenarioError> {
    let arg = || format!("{origin} {entry}");
    let (key, values) = entry.split_once('=').ok_or_else(|| {
        bad(
            arg(),
            "expected KEY=VALUES, e.g. pops[*].cache_capacity=16GiB,32GiB".into(),
        )
    })?;
    let key = key.trim().to_string();
    let values = values::parse(values).map_err(|m| bad(arg(), m))?;
    if key != VARIANT && crate::scenario::parse_path(&key).is_none() {
        return Err(bad(
            arg(),
            format!("{key:?} is not a key path such as pops[*].cache_capacity or regions[asia].traffic, nor `{VARIANT}`"),
        ));
    }
    Ok(Axis {
        key,
        values,
        sets: None,
    })
}

impl Definition {
    /// The file's `[study]` changed by the command line, checked.
    pub fn new(
        spec: StudySpec,
        file: &str,
        changes: &Changes,
    ) -> Result<Definition, ScenarioError> {
        let mut axes: Vec<Axis> = Vec::new();
        let mut put = |a: Axis, replace: bool| match axes.iter_mut().find(|x| x.key == a.key) {
            Some(x) if replace => {
                *x = a;
                Ok(())
            }
            Some(x) => Err(bad(
                format!("{file}: study.vary"),
                format!("{} is varied twice", x.key),
            )),
            None => {
                axes.push(a);
                Ok(())
            }
        };
        for (i, v) in spec.vary.iter().enumerate() {
            put(axis(v, &format!("{file}: study.vary[{i}]:"))?, false)?;
        }
        for v in &changes.vary {
            put(axis(v, "--vary")?, true)?;
        }
        let mut variants = spec.variants;
        for v in &changes.variants {
            let (name, set) = v.split_once(':').ok_or_else(|| {
                bad(
                    format!("--variant {v}"),
                    "expected NAME:KEY.PATH=VALUE, or NAME: for the scenario unchanged".into(),
                )
            })?;
            let name = name.trim().to_string();
            let at = match variants.iter().position(|x| x.name == name) {
                Some(at) => at,
                None => {
                    variants.push(VariantSpec { name, set: vec![] });
                    variants.len() - 1
                }
            };
            if !set.trim().is_empty() {
                variants[at].set.push(set.trim().to_string());
            }
        }
        for (i, v) in variants.iter().enumerate() {
            if v.name.is_empty() || variants[..i].iter().any(|x| x.name == v.name) {
                return Err(bad(
                    format!("{file}: study.variants[{i}].name"),
                    format!("{:?}: variant names must be unique and not empty", v.name),
                ));
            }
        }
        match axes.iter_mut().find(|a| a.key == VARIANT) {
            Some(a) => {
                if let Some(v) = a
                    .values
                    .iter()
                    .find(|v| !variants.iter().any(|x| &x.name == *v))
                {
                    let names: Vec<&str> = variants.iter().map(|x| x.name.as_str()).collect();
                    return Err(bad(
                        format!("{VARIANT}={}", a.values.join(",")),
                        format!(
                            "no variant {v:?}; the variants are {}",
                            if names.is_empty() {
                                "none".into()
                            } else {
                                names.join(", ")
                            }
                        ),
                    ));
                }
                a.sets = Some(
                    a.values
                        .iter()
                        .map(|v| variant_sets(&variants, v))
                        .collect(),
                );
            }
            None if !variants.is_empty() => axes.push(Axis {
                key: VARIANT.into(),
                values: variants.iter().map(|v| v.name.clone()).collect(),
                sets: Some(variants.iter().map(|v| v.set.clone()).collect()),
            }),
            None => {}
        }
        let zip = spec.zip || changes.zip;
        if zip {
            if let Some(a) = axes.iter().find(|a| a.values.len() != axes[0].values.len()) {
                return Err(bad(
                    "--zip".into(),
                    format!(
                        "zipped parameters need as many values each: {} has {}, {} has {}",
                        axes[0].key,
                        axes[0].values.len(),
                        a.key,
                        a.values.len()
                    ),
                ));
            }
        }
        let replications = changes.replications.or(spec.replications).unwrap_or(1);
        if replications == 0 {
            return Err(bad(
                "--replications 0".into(),
                "a study needs at least 1 replication".into(),
            ));
        }
        let mut targets = spec.targets;
        targets.extend(changes.targets.iter().cloned());
        Ok(Definition {
            axes,
            zip,
            replications,
            targets,
            variants,
        })
    }

    /// Per point, the index of its value on each axis: the grid in order, first axis
    /// outermost, or the zipped values. One point without axes.
    pub fn points(&self) -> Vec<Vec<usize>> {
        if self.zip {
            let n = self.axes.first().map_or(1, |a| a.values.len());
            return (0..n).map(|i| vec![i; self.axes.len()]).collect();
        }
        let mut points = vec![Vec::new()];
        for a in &self.axes {
            points = points
                .into_iter()
                .flat_map(|p| (0..a.values.len()).map(move |i| [p.clone(), vec![i]].concat()))
                .collect();
        }
        points
    }

    /// The `--set`s of a point.
    pub(super) fn sets(&self, point: &[usize]) -> Vec<String> {
        let mut out = Vec::new();
        for (a, &i) in self.axes.iter().zip(point) {
            match &a.sets {
                Some(sets) => out.extend(sets[i].iter().cloned()),
                None => out.push(format!("{}={}", a.key, a.values[i])),
            }
        }
        out
    }

    /// A point as `key=value, key=value`.
    pub fn label(&self, point: &[usize]) -> String {
        let parts: Vec<String> = self
            .axes
            .iter()
            .zip(point)
            .map(|(a, &i)| format!("{}={}", a.key, a.values[i]))
            .collect();
        match parts.is_empty() {
            true => "the scenario".into(),
            false => parts.join(", "),
        }
    }
}
