//! Running a study's units: which are already done, running the rest in parallel, and
//! writing each finished unit's result as one file at once (`units/HASH.csv`), so an
//! interrupt loses only the units in progress.
//!
//! A unit's file holds its `summary.csv` row and its rows of `regions.csv` and `pops.csv`
//! (what targets read), under one header: `scope` (`summary`, `region` or `pop`), `name`,
//! then the columns of `summary.csv`, the lead ones empty on region and POP rows.

use super::manifest::{Manifest, UnitRecord, FILE, UNITS};
use super::output;
use super::Study;
use crate::report::{self, FolderError, Staged, SummaryLead, TimeseriesCsv};
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::{self, Observer, RunResult};
use crate::stats::Metrics;
use crate::units::Nanos;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

/// Why units could not run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A unit's scenario is wrong (exit 2).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The folder is not a study's, or cannot be used (exit 2).
    #[error(transparent)]
    Folder(#[from] FolderError),
    /// Writing failed (exit 1).
    #[error("{}: {cause}", .dir.display())]
    Io { dir: PathBuf, cause: io::Error },
}

/// What a study folder already held when a run began.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Prepared {
    /// Units of this run whose results are there, by id.
    pub done: BTreeSet<usize>,
    /// Unit files that belong to no unit of this study (another scenario, another
    /// edgesim, or units no longer in the grid), removed.
    pub removed: usize,
}

/// Names a study folder may hold besides `study.toml` and `units/` (`compare.csv` is
/// `edgesim compare`'s, written beside the study's tables).
const OUTPUTS: &[&str] = &[
    "study.csv",
    "study_summary.csv",
    "compare.csv",
    "study.html",
    "charts",
    "runs",
];

/// Makes `dir` ready for `m`: refuses a folder that is not a study's, writes the manifest,
/// removes the tables of an earlier study (they are rebuilt at the end, so an interrupted
/// study leaves none that disagree with its units), and finds the units already done.
pub fn prepare(dir: &Path, m: &Manifest) -> Result<Prepared, RunError> {
    let io_err = |cause| RunError::Io {
        dir: dir.to_path_buf(),
        cause,
    };
    if let Ok(entries) = std::fs::read_dir(dir) {
        let names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        let ours = |n: &String| {
            n == FILE || n == UNITS || OUTPUTS.contains(&n.as_str()) || n.starts_with('.')
        };
        let foreign: Vec<String> = names.iter().filter(|n| !ours(n)).take(5).cloned().collect();
        if !foreign.is_empty() || (!names.is_empty() && !names.iter().any(|n| n == FILE)) {
            let names = match foreign.is_empty() {
                true => names.into_iter().take(5).collect(),
                false => foreign,
            };
            return Err(FolderError::Foreign {
                dir: dir.to_path_buf(),
                names,
            }
            .into());
        }
    }
    let units = dir.join(UNITS);
    let create = |path: &Path| {
        std::fs::create_dir_all(path).map_err(|cause| FolderError::Create {
            dir: dir.to_path_buf(),
            cause,
        })
    };
    // The manifest first: a folder holding units/ without it would be refused next time.
    create(dir)?;
    report::write_text(dir, FILE, &m.text()).map_err(io_err)?;
    create(&units)?;
    for name in OUTPUTS.iter().filter(|n| **n != "runs") {
        let path = dir.join(name);
        let gone = match path.is_dir() {
            true => std::fs::remove_dir_all(&path),
            false => std::fs::remove_file(&path),
        };
        match gone {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io_err(e)),
            _ => {}
        }
    }
    let mut wanted: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for u in m.held() {
        wanted.entry(file_name(u)).or_default().push(u.id);
    }
    let mut prepared = Prepared::default();
    for e in std::fs::read_dir(&units).map_err(io_err)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(ids) = wanted.get(&name) {
            prepared.done.extend(ids);
        } else if !name.starts_with('.') || name.ends_with(".tmp") {
            std::fs::remove_file(e.path()).map_err(io_err)?;
            prepared.removed += usize::from(!name.starts_with('.'));
        }
    }
    Ok(prepared)
}

/// A unit file's name: its hash alone, so a unit whose scenario is unchanged is found
/// again when the grid changes around it (more replications, another value added), and
/// runs only once.
pub fn file_name(u: &UnitRecord) -> String {
    format!("{}.csv", u.hash)
}

/// Asks whether to stop, and streams the time series when the run's folder is kept.
struct UnitObserver<'a> {
    stop: &'a (dyn Fn() -> bool + Sync),
    series: Option<TimeseriesCsv>,
}

impl Observer for UnitObserver<'_> {
    fn interval(&mut self, start: Nanos, pop: usize, m: &Metrics) {
        if let Some(s) = &mut self.series {
            s.row(start, pop, m);
        }
    }

    fn stop(&self) -> bool {
        (self.stop)()
    }
}

/// The rows of a unit's file.
fn unit_rows(s: &Scenario, r: &RunResult) -> Vec<Vec<String>> {
    let lead = SummaryLead::of(s, r).row(&r.summary);
    let blank = report::SUMMARY.len();
    let mut rows = vec![[vec!["summary".to_string(), String::new()], lead].concat()];
    let named = |scope: &str, name: &str, m: &Metrics| {
        let mut row = vec![scope.to_string(), name.to_string()];
        row.extend(vec![String::new(); blank]);
        row.extend(crate::stats::columns::metrics().map(|c| (c.get)(m).to_string()));
        row
    };
    let spec = s.spec();
    rows.extend(
        spec.regions
            .iter()
            .zip(&r.regions)
            .map(|(g, m)| named("region", &g.name, m)),
    );
    rows.extend(
        spec.pops
            .iter()
            .zip(&r.pops)
            .map(|(p, m)| named("pop", &p.code, m)),
    );
    rows
}

/// Runs `pending` units of `study` into folder `dir` (prepared), in parallel on the
/// current rayon pool. `event(unit, finished)` is called as a unit starts (`false`) and
/// as its file lands (`true`); `stop()` ends
/// runs early, and their results are not written. With `keep`, each unit's whole results
/// folder is also written under `runs/NNNNNN/`.
pub fn run_units(
    study: &Study,
    m: &Manifest,
    dir: &Path,
    pending: &[usize],
    keep: bool,
    event: &(dyn Fn(&UnitRecord, bool) + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<(), RunError> {
    let io_err = |cause| RunError::Io {
        dir: dir.to_path_buf(),
        cause,
    };
    pending.par_iter().try_for_each(|&id| {
        if stop() {
            return Ok(());
        }
        let record = &m.units[id];
        event(record, false);
        let s = study.unit_scenario(&study.units[id])?;
        let staged = match keep {
            true => Some(Staged::new(&dir.join("runs").join(format!("{id:06}")))?),
            false => None,
        };
        let series = match &staged {
            Some(st) => Some(
                TimeseriesCsv::create(
                    st.path(),
                    s.spec().pops.iter().map(|p| p.code.clone()).collect(),
                )
                .map_err(io_err)?,
            ),
            None => None,
        };
        let mut observer = UnitObserver { stop, series };
        let r = sim::run(&s, &mut observer);
        if let Some(why) = r.input_error {
            return Err(ScenarioError::Changed(why).into());
        }
        if stop() {
            if let Some(series) = observer.series {
                series.discard();
            }
            return Ok(());
        }
        if let (Some(st), Some(series)) = (staged, observer.series) {
            series.commit().map_err(io_err)?;
            report::write_results(st.path(), &s, &r).map_err(io_err)?;
            st.commit()?;
        }
        let header = output::unit_header();
        report::write_rows(
            &dir.join(UNITS),
            &file_name(record),
            header,
            unit_rows(&s, &r).into_iter(),
        )
        .map_err(io_err)?;
        event(record, true);
        Ok(())
    })
}
