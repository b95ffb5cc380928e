//! `edgesim merge`: shard folders of one study combined into the folder one machine would
//! have written. Every folder must be of the same study (the same manifest hash), every
//! unit must be in exactly one of them, and every unit a shard holds must have its result.

use super::manifest::{Manifest, UNITS};
use super::output::unit_path;
use super::run::{self, RunError};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Why shards cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// The folders do not make one whole study (exit 2).
    #[error("{0}")]
    Refused(String),
    /// The output folder cannot be used or written.
    #[error(transparent)]
    Run(#[from] RunError),
}

fn refused(message: String) -> MergeError {
    MergeError::Refused(message)
}

/// A list of unit ids for a message: the first few, then how many more.
fn ids(list: &[usize]) -> String {
    let shown: Vec<String> = list.iter().take(8).map(|i| i.to_string()).collect();
    match list.len() > 8 {
        true => format!("{} and {} more", shown.join(", "), list.len() - 8),
        false => shown.join(", "),
    }
}

/// Reads and checks the folders; returns the whole study's manifest and, per unit, the
/// folder that holds it.
pub fn check(dirs: &[PathBuf]) -> Result<(Manifest, Vec<PathBuf>), MergeError> {
    let mut first: Option<(Manifest, &PathBuf)> = None;
    let mut owner: BTreeMap<usize, &PathBuf> = BTreeMap::new();
    for d in dirs {
        let m = Manifest::read(d)
            .map_err(|e| refused(e.to_string()))?
            .ok_or_else(|| {
                refused(format!(
                    "{}: not a study folder (it has no study.toml)",
                    d.display()
                ))
            })?;
        if let Some((f, fd)) = &first {
            if f.study != m.study {
                return Err(refused(format!(
                    "{}: belongs to another study (study {}, not {} as {} does): merge only the shards of one study",
                    d.display(),
                    m.study,
                    f.study,
                    fd.display()
                )));
            }
        }
        let held = m.held();
        let missing: Vec<usize> = held
            .iter()
            .filter(|u| !unit_path(d, u).is_file())
            .map(|u| u.id)
            .collect();
        let what = m
            .shard
            .as_deref()
            .map_or("the study".to_string(), |s| format!("shard {s}"));
        if !missing.is_empty() {
            return Err(refused(format!(
                "{}: {what} is incomplete: {} of its {} units have no result (units {}); run it again with the same --out to finish it",
                d.display(),
                missing.len(),
                held.len(),
                ids(&missing)
            )));
        }
        for u in held {
            if let Some(other) = owner.insert(u.id, d) {
                return Err(refused(format!(
                    "unit {} is in both {} and {}: {what} is given twice, or shards of two different splits are mixed",
                    u.id,
                    other.display(),
                    d.display()
                )));
            }
        }
        if first.is_none() {
            first = Some((m, d));
        }
    }
    let (m, _) = first.ok_or_else(|| refused("no folders to merge".into()))?;
    let absent: Vec<usize> = (0..m.units.len())
        .filter(|i| !owner.contains_key(i))
        .collect();
    if !absent.is_empty() {
        let hint = match &m.shard {
            Some(s) => {
                let n: usize = s
                    .split('/')
                    .nth(1)
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(1);
                let mut shards: Vec<usize> = absent.iter().map(|i| i % n + 1).collect();
                shards.dedup();
                shards.sort_unstable();
                shards.dedup();
                let list: Vec<String> = shards.iter().map(|k| format!("{k}/{n}")).collect();
                format!(": shard {} is missing", list.join(", "))
            }
            None => String::new(),
        };
        return Err(refused(format!(
            "{} of the study's {} units are in no folder given (units {}){hint}",
            absent.len(),
            m.units.len(),
            ids(&absent)
        )));
    }
    let whole = Manifest {
        shard: None,
        holds: Vec::new(),
        ..m
    };
    let from = (0..whole.units.len()).map(|i| owner[&i].clone()).collect();
    Ok((whole, from))
}

/// Merges `dirs` into `out`: copies every unit's result and writes the study's tables.
/// Returns the whole manifest and the answer to its targets.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<(Manifest, Vec<String>), MergeError> {
    let (m, from) = check(dirs)?;
    let io_err = |cause: io::Error| {
        MergeError::Run(RunError::Io {
            dir: out.to_path_buf(),
            cause,
        })
    };
    let prepared = run::prepare(out, &m)?;
    for u in &m.units {
        if prepared.done.contains(&u.id) {
            continue;
        }
        let target = unit_path(out, u);
        let tmp = out.join(UNITS).join(format!(".{}.tmp", run::file_name(u)));
        std::fs::copy(unit_path(&from[u.id], u), &tmp).map_err(io_err)?;
        std::fs::rename(&tmp, &target).map_err(io_err)?;
    }
    let answer = super::finish(out, &m).map_err(io_err)?;
    Ok((m, answer))
}
