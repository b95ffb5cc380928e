//! `study.toml`: everything needed to build a study's tables from its unit results without
//! the scenario, so that `edgesim merge` can finish a study whose shards ran elsewhere.
//! It is written before any unit runs, so a resumed or sharded study knows what it holds.

use super::Study;
use crate::engine::fnv1a;
use serde::{Deserialize, Serialize};
use std::io;
use std::path::Path;

/// The manifest's file name in a study folder.
pub const FILE: &str = "study.toml";
/// The folder of unit results in a study folder.
pub const UNITS: &str = "units";

/// One varied parameter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AxisRecord {
    pub key: String,
    pub values: Vec<String>,
}

/// One unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRecord {
    pub id: usize,
    pub point: usize,
    pub replication: usize,
    /// A TOML integer: seeds are below 2^63.
    pub seed: i64,
    /// 16 hex digits.
    pub hash: String,
}

/// The manifest of a study folder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// edgesim's version that wrote it.
    pub edgesim: String,
    /// FNV-1a of this manifest without `shard` and `holds`: the same for every shard.
    pub study: String,
    pub scenario: String,
    pub replications: usize,
    pub zip: bool,
    pub targets: Vec<String>,
    /// `K/N` for a shard folder; absent for a whole study.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// The units a shard runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holds: Vec<usize>,
    pub axes: Vec<AxisRecord>,
    /// Per point, its value index on each axis.
    pub points: Vec<Vec<usize>>,
    pub units: Vec<UnitRecord>,
}

impl Manifest {
    /// The manifest of `study`, as a whole or as shard `(k, n)` (1-based k).
    pub fn of(study: &Study, shard: Option<(usize, usize)>) -> Manifest {
        let units = study
            .units
            .iter()
            .map(|u| UnitRecord {
                id: u.id,
                point: u.point,
                replication: u.replication,
                seed: u.seed as i64,
                hash: format!("{:016x}", u.hash),
            })
            .collect();
        let axes = study.definition.axes.iter();
        let mut m = Manifest {
            edgesim: env!("CARGO_PKG_VERSION").into(),
            study: String::new(),
            scenario: study.name.clone(),
            replications: study.definition.replications,
            zip: study.definition.zip,
            targets: study.definition.targets.clone(),
            shard: None,
            holds: Vec::new(),
            axes: axes
                .map(|a| AxisRecord {
                    key: a.key.clone(),
                    values: a.values.clone(),
                })
                .collect(),
            points: study.points.clone(),
            units,
        };
        m.study = format!("{:016x}", m.hash());
        if let Some((k, n)) = shard {
            m.shard = Some(format!("{k}/{n}"));
            m.holds = in_shard(m.units.len(), k, n).collect();
        }
        m
    }

    /// The hash of everything but `study`, `shard` and `holds`.
    fn hash(&self) -> u64 {
        let whole = Manifest {
            study: String::new(),
            shard: None,
            holds: Vec::new(),
            ..self.clone()
        };
        fnv1a(whole.text().as_bytes())
    }

    /// The unit records this folder runs: all, or the shard's.
    pub fn held(&self) -> Vec<&UnitRecord> {
        match self.shard {
            None => self.units.iter().collect(),
            Some(_) => self
                .holds
                .iter()
                .filter_map(|&i| self.units.get(i))
                .collect(),
        }
    }

    /// The manifest as TOML.
    pub fn text(&self) -> String {
        toml::to_string(self).expect("a manifest serialises to TOML")
    }

    /// Reads `dir/study.toml`; `Ok(None)` when there is none. A manifest whose `study`
    /// hash is not its contents' is refused: the file was edited or cut short.
    pub fn read(dir: &Path) -> io::Result<Option<Manifest>> {
        let path = dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let invalid = |why: String| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: {why}", path.display()),
            )
        };
        let m: Manifest = toml::from_str(&text)
            .map_err(|e| invalid(format!("not a study manifest: {}", e.message())))?;
        if format!("{:016x}", m.hash()) != m.study {
            return Err(invalid(
                "its contents do not match its study hash: it was changed by hand".into(),
            ));
        }
        Ok(Some(m))
    }
}

/// The units of shard `k` of `n` (1-based) among `units`: those whose number is k − 1
/// modulo n, so every shard gets points from all over the grid.
pub fn in_shard(units: usize, k: usize, n: usize) -> impl Iterator<Item = usize> {
    (k - 1..units).step_by(n)
}
