//! A study's tables, built from its unit files and manifest only: `study.csv` (one row per
//! unit) and `study_summary.csv` (per point: mean, standard deviation and 95% interval of
//! every numeric column of `summary.csv`), then the verdicts on the targets.
//!
//! Statistics are computed from the values as the unit files write them (6 decimals for
//! ratios, 3 for times), which is what anyone re-computing them from `study.csv` sees.

use super::interval::Estimate;
use super::manifest::{Manifest, UnitRecord};
use super::run::file_name;
use super::target::{Scope, Target, Verdict};
use crate::report::{self, SUMMARY};
use crate::stats::columns::{self, has, is_metric};
use std::io;
use std::path::Path;

/// The header of a unit file.
pub fn unit_header() -> Vec<String> {
    let mut h = vec!["scope".to_string(), "name".to_string()];
    h.extend(summary_header());
    h
}

/// The columns of `summary.csv`.
pub fn summary_header() -> Vec<String> {
    let lead = SUMMARY.iter().map(|c| c.name.to_string());
    lead.chain(columns::metrics().map(|c| c.name.to_string()))
        .collect()
}

/// Lead columns of `summary.csv` that are not measurements.
const NOT_MEASURED: [&str; 3] = ["scenario", "seed", "flat_rate_plan"];

/// Whether `metric` is a numeric column a target at `scope` can read.
pub fn numeric(scope: &Scope, metric: &str) -> bool {
    match scope {
        Scope::Run => {
            !NOT_MEASURED.contains(&metric) && (has(SUMMARY, metric) || is_metric(metric))
        }
        _ => is_metric(metric),
    }
}

/// One unit's result, as its file holds it.
pub struct UnitResult {
    /// Its `summary.csv` row.
    pub summary: Vec<String>,
    /// Its region and POP rows, cells at the summary columns' positions.
    pub scoped: Vec<(Scope, Vec<String>)>,
}

fn invalid(path: &Path, why: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{}: {why}", path.display()),
    )
}

/// Reads a unit file.
pub fn read_unit(path: &Path) -> io::Result<UnitResult> {
    let mut r = csv::Reader::from_path(path).map_err(|e| invalid(path, e))?;
    let header: Vec<String> = r
        .headers()
        .map_err(|e| invalid(path, e))?
        .iter()
        .map(String::from)
        .collect();
    if header != unit_header() {
        return Err(invalid(
            path,
            "its columns are not this edgesim's; run the study again to replace it",
        ));
    }
    let mut out = UnitResult {
        summary: Vec::new(),
        scoped: Vec::new(),
    };
    for row in r.records() {
        let row = row.map_err(|e| invalid(path, e))?;
        let cells: Vec<String> = row.iter().skip(2).map(String::from).collect();
        match (&row[0], row[1].to_string()) {
            ("summary", _) => out.summary = cells,
            ("region", name) => out.scoped.push((Scope::Region(name), cells)),
            ("pop", name) => out.scoped.push((Scope::Pop(name), cells)),
            (other, _) => return Err(invalid(path, format!("unknown scope {other:?}"))),
        }
    }
    if out.summary.is_empty() {
        return Err(invalid(path, "no summary row"));
    }
    Ok(out)
}

/// Reads every unit of `m` from study folder `dir`.
pub fn read_units(dir: &Path, m: &Manifest) -> io::Result<Vec<UnitResult>> {
    m.units
        .iter()
        .map(|u| read_unit(&unit_path(dir, u)))
        .collect()
}

/// The path of unit `u`'s file.
pub fn unit_path(dir: &Path, u: &UnitRecord) -> std::path::PathBuf {
    dir.join(super::manifest::UNITS).join(file_name(u))
}

/// A number as the tables write statistics.
fn stat(x: f64) -> String {
    format!("{x:.6}")
}

/// The study's results in memory: what the tables, charts and report are drawn from.
pub struct Results<'a> {
    pub manifest: &'a Manifest,
    pub units: Vec<UnitResult>,
    /// The numeric columns of `summary.csv`, by position.
    pub measured: Vec<(usize, String)>,
}

impl<'a> Results<'a> {
    /// Reads the units of `m` in `dir`.
    pub fn read(dir: &Path, m: &'a Manifest) -> io::Result<Results<'a>> {
        let measured = summary_header()
            .into_iter()
            .enumerate()
            .filter(|(_, n)| numeric(&Scope::Run, n))
            .collect();
        Ok(Results {
            manifest: m,
            units: read_units(dir, m)?,
            measured,
        })
    }

    /// The values of column `col` of the rows at `scope` of the units of point `p`.
    pub fn values(&self, p: usize, scope: &Scope, col: usize) -> Vec<f64> {
        let units = self.manifest.units.iter().filter(|u| u.point == p);
        units
            .filter_map(|u| {
                let r = &self.units[u.id];
                let row = match scope {
                    Scope::Run => Some(&r.summary),
                    s => r.scoped.iter().find(|(x, _)| x == s).map(|(_, c)| c),
                };
                row.and_then(|c| c.get(col)).and_then(|v| v.parse().ok())
            })
            .collect()
    }

    /// The estimate of column `name` at `scope` for point `p`.
    pub fn estimate(&self, p: usize, scope: &Scope, name: &str) -> Option<Estimate> {
        let col = summary_header().iter().position(|n| n == name)?;
        let v = self.values(p, scope, col);
        (!v.is_empty()).then(|| Estimate::of(&v))
    }

    /// Point `p`'s value of each axis.
    pub fn point_values(&self, p: usize) -> Vec<String> {
        let m = self.manifest;
        m.axes
            .iter()
            .zip(&m.points[p])
            .map(|(a, &i)| a.values[i].clone())
            .collect()
    }

    /// Per point, per target: its estimate and verdict.
    pub fn verdicts(&self, targets: &[Target]) -> Vec<Vec<(Option<Estimate>, Verdict)>> {
        (0..self.manifest.points.len())
            .map(|p| {
                targets
                    .iter()
                    .map(|t| {
                        let e = self.estimate(p, &t.scope, &t.metric);
                        let v = e.map_or(Verdict::Undecided(None), |e| t.judge(&e));
                        (e, v)
                    })
                    .collect()
            })
            .collect()
    }

    /// Writes `study.csv` and `study_summary.csv` into `dir`.
    pub fn write_tables(&self, dir: &Path, targets: &[Target]) -> io::Result<()> {
        let m = self.manifest;
        let keys: Vec<String> = m.axes.iter().map(|a| a.key.clone()).collect();
        let header = [keys.clone(), vec!["replication".into()], summary_header()].concat();
        let rows = m.units.iter().map(|u| {
            [
                self.point_values(u.point),
                vec![u.replication.to_string()],
                self.units[u.id].summary.clone(),
            ]
            .concat()
        });
        report::write_rows(dir, "study.csv", header, rows)?;
        let mut header = [keys, vec!["replications".into()]].concat();
        if !targets.is_empty() {
            header.push("verdict".into());
        }
        for (_, name) in &self.measured {
            for (part, _) in report::STATISTICS {
                header.push(format!("{name}_{part}"));
            }
        }
        let verdicts = self.verdicts(targets);
        let rows = (0..m.points.len()).map(|p| {
            let mut row = self.point_values(p);
            row.push(m.replications.to_string());
            if !targets.is_empty() {
                row.push(overall(&verdicts[p]).to_string());
            }
            for (col, _) in &self.measured {
                let values = self.values(p, &Scope::Run, *col);
                if values.is_empty() {
                    // No unit has a value (a ratio of nothing, no plan fits): no estimate.
                    row.extend(["", "", "", ""].map(String::from));
                    continue;
                }
                let e = Estimate::of(&values);
                row.push(stat(e.mean));
                row.push(e.sd.map(stat).unwrap_or_default());
                let (lo, hi) =
                    e.ci.map_or((String::new(), String::new()), |(a, b)| (stat(a), stat(b)));
                row.push(lo);
                row.push(hi);
            }
            row
        });
        report::write_rows(dir, "study_summary.csv", header, rows)
    }
}

/// A point's verdict on all its targets: `meets` when it meets every one, `fails` when it
/// fails one, else `undecided`.
pub fn overall(v: &[(Option<Estimate>, Verdict)]) -> &'static str {
    if v.iter().any(|(_, v)| *v == Verdict::Fails) {
        "fails"
    } else if v.iter().all(|(_, v)| *v == Verdict::Meets) {
        "meets"
    } else {
        "undecided"
    }
}

/// The answer to the targets, in sentences: for each combination of the other varied
/// parameters, the first value of the first one (in its order) that meets every target.
pub fn answer(r: &Results, targets: &[Target]) -> Vec<String> {
    if targets.is_empty() {
        return Vec::new();
    }
    let m = r.manifest;
    let verdicts = r.verdicts(targets);
    let detail = |p: usize| {
        let parts: Vec<String> = targets
            .iter()
            .zip(&verdicts[p])
            .map(
                |(t, (e, _))| match e.and_then(|e| e.ci.map(|ci| (e.mean, ci))) {
                    Some((mean, (lo, hi))) => format!(
                        "{} {} (CI {}–{})",
                        t.metric_label(),
                        short(mean),
                        short(lo),
                        short(hi)
                    ),
                    None => format!(
                        "{} {}",
                        t.metric_label(),
                        e.map_or("?".into(), |e| short(e.mean))
                    ),
                },
            )
            .collect();
        parts.join(", ")
    };
    let Some(first) = m.axes.first() else {
        return vec![match overall(&verdicts[0]) {
            "meets" => format!("the scenario meets all targets: {}", detail(0)),
            "fails" => format!("the scenario fails a target: {}", detail(0)),
            _ => format!("undecided: {}{}", detail(0), needed_text(&verdicts[0])),
        }];
    };
    // Group points by their values on the other axes, in the order they first appear.
    let mut groups: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    for (p, idx) in m.points.iter().enumerate() {
        let rest = idx[1..].to_vec();
        match groups.iter_mut().find(|(k, _)| *k == rest) {
            Some((_, ps)) => ps.push(p),
            None => groups.push((rest, vec![p])),
        }
    }
    groups
        .iter()
        .map(|(rest, ps)| {
            let at = match rest.is_empty() {
                true => String::new(),
                false => {
                    let parts: Vec<String> = m.axes[1..]
                        .iter()
                        .zip(rest)
                        .map(|(a, &i)| format!("{}={}", a.key, a.values[i]))
                        .collect();
                    format!(" at {}", parts.join(", "))
                }
            };
            // The undecided values among `points`, with the replications that would decide them.
            let undecided = |points: &[usize]| -> Vec<String> {
                points
                    .iter()
                    .filter(|&&q| overall(&verdicts[q]) == "undecided")
                    .map(|&q| {
                        format!(
                            "{}{}",
                            first.values[m.points[q][0]],
                            needed_text(&verdicts[q])
                        )
                    })
                    .collect()
            };
            match ps.iter().position(|&p| overall(&verdicts[p]) == "meets") {
                Some(at_meet) => {
                    let p = ps[at_meet];
                    // Earlier values that could not be decided might meet the targets too.
                    let before = undecided(&ps[..at_meet]);
                    let open = match before.is_empty() {
                        true => String::new(),
                        false => format!("; undecided before it: {}", before.join("; ")),
                    };
                    format!(
                        "the first {} that meets all targets{at} is {} ({}){open}",
                        first.key,
                        first.values[m.points[p][0]],
                        detail(p)
                    )
                }
                None => {
                    let undecided = undecided(ps);
                    match undecided.is_empty() {
                        true => format!("no {} meets all targets{at}", first.key),
                        false => format!(
                            "no {} is shown to meet all targets{at}; undecided: {}",
                            first.key,
                            undecided.join("; ")
                        ),
                    }
                }
            }
        })
        .collect()
}

/// ` (about N replications would decide it)` for an undecided point, from its targets.
fn needed_text(v: &[(Option<Estimate>, Verdict)]) -> String {
    let most = v
        .iter()
        .filter_map(|(_, v)| match v {
            Verdict::Undecided(n) => Some(*n),
            _ => None,
        })
        .try_fold(0usize, |a, n| n.map(|n| a.max(n)));
    match most {
        Some(n) if n > 0 => format!(" (about {n} replications would decide it)"),
        _ => String::new(),
    }
}

/// A number for a sentence: 4 significant digits.
pub fn short(x: f64) -> String {
    let digits = match x.abs() {
        a if a >= 1000.0 => 0,
        a if a >= 100.0 => 1,
        a if a >= 10.0 => 2,
        a if a >= 1.0 => 3,
        0.0 => 0,
        a => (3 - a.log10().floor() as i64).clamp(4, 12) as usize,
    };
    format!("{x:.digits$}")
}
