//! A CSV file read back: a header and rows of strings, looked up by typed column.
//!
//! A table is checked when it is read: it must be one edgesim writes, with every column
//! the column lists document (`report::tables`). A folder from an older version, or a file
//! edited by hand, is then refused with the missing column named, instead of charting
//! zeros. The charts name the columns they read with [`key!`] and [`metric!`], which are
//! checked against those same lists when edgesim compiles, so a renamed column does not
//! build until its readers follow.

use crate::stats::columns::{self, Column};
use std::io;
use std::path::Path;

/// A CSV table.
pub struct Table {
    file: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// Reads `path`; an error names the file.
    pub fn read(path: &Path) -> io::Result<Table> {
        // A missing or malformed table says the folder is incomplete: NotFound or
        // InvalidData, which the CLI reports as bad input.
        let fail = |e: csv::Error| {
            let kind = match e.kind() {
                csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::NotFound => {
                    io::ErrorKind::NotFound
                }
                _ => io::ErrorKind::InvalidData,
            };
            io::Error::new(kind, format!("{}: {e}", path.display()))
        };
        let mut r = csv::Reader::from_path(path).map_err(fail)?;
        let header = r
            .headers()
            .map_err(fail)?
            .iter()
            .map(String::from)
            .collect();
        let rows = r
            .records()
            .map(|x| x.map(|x| x.iter().map(String::from).collect()))
            .collect::<Result<_, _>>()
            .map_err(fail)?;
        let file = path
            .file_name()
            .map_or(String::new(), |f| f.to_string_lossy().into_owned());
        let table = Table { file, header, rows };
        table.check().map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: {e}", path.display()),
            )
        })?;
        Ok(table)
    }

    /// Whether the header has every column the file's documentation lists.
    fn check(&self) -> Result<(), String> {
        let docs = crate::report::tables();
        let doc = docs
            .iter()
            .find(|t| t.file == self.file)
            .ok_or_else(|| "not a table edgesim writes".to_string())?;
        let own = doc.columns.iter().map(|(n, _)| *n);
        let metrics = crate::stats::columns::metrics().map(|c| c.name);
        let wanted: Vec<&str> = if doc.metrics {
            own.chain(metrics).collect()
        } else {
            own.collect()
        };
        match wanted
            .iter()
            .find(|w| **w != crate::report::RUN_COLUMN && !self.header.iter().any(|h| h == *w))
        {
            Some(w) => Err(format!(
                "has no column `{w}`, which this version of edgesim writes (a folder from another version, or an edited file?)"
            )),
            None => Ok(()),
        }
    }

    /// The rows.
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    /// Column `col` of `row` as text. [`Table::read`] has checked that the file has every
    /// column its list documents, and `col` is one of a list's, so only a column of
    /// another file's list can be missing: a bug the chart tests, which draw every chart,
    /// stop on.
    pub fn text<'a>(&self, row: &'a [String], col: Col) -> &'a str {
        let i = self.header.iter().position(|h| h == col.0);
        let i =
            i.unwrap_or_else(|| panic!("the charts read `{}`, which {} lacks", col.0, self.file));
        row.get(i).map_or("", String::as_str)
    }

    /// Column `col` of `row` as a number; 0 when empty (no value, such as an unlimited
    /// capacity) or not a number.
    pub fn num(&self, row: &[String], col: Col) -> f64 {
        self.text(row, col).parse().unwrap_or(0.0)
    }
}

/// A column the charts and the HTML report read. Made only by [`key!`] and [`metric!`],
/// which check the name against the column lists the files are written from when edgesim
/// compiles: renaming a column without its readers does not build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Col(&'static str);

impl Col {
    /// Column `name` of `list`; a compile-time error in a const unless `list` has it.
    pub const fn of<R>(list: &[Column<R>], name: &'static str) -> Col {
        assert!(columns::has(list, name), "no such column in the list");
        Col(name)
    }

    /// Metric column `name`; a compile-time error in a const unless it is one.
    pub const fn metric(name: &'static str) -> Col {
        assert!(columns::is_metric(name), "no such metric column");
        Col(name)
    }

    /// The column's header.
    pub fn name(self) -> &'static str {
        self.0
    }
}

/// `key!(LIST, "name")`: the column `name` of a table's own column list, checked when
/// edgesim compiles.
macro_rules! key {
    ($list:expr, $name:literal) => {
        const { $crate::charts::table::Col::of($list, $name) }
    };
}

/// `metric!("name")`: a metric column, checked when edgesim compiles.
macro_rules! metric {
    ($name:literal) => {
        const { $crate::charts::table::Col::metric($name) }
    };
}

pub(crate) use {key, metric};
