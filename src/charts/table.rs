//! A CSV file read back: a header and rows of strings, looked up by column name.
//!
//! A table is checked when it is read: it must be one edgesim writes, with every column
//! the column lists document (`report::tables`). A folder from an older version, or a file
//! edited by hand, is then refused with the missing column named, instead of charting
//! zeros. Looking up a column the file does not document is a bug in the charts, and the
//! chart tests, which draw every chart, would stop on it.

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

    /// Column `name` of `row` as text. The column must be one the file documents.
    pub fn text<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        let i = self.header.iter().position(|h| h == name);
        let i = i.unwrap_or_else(|| panic!("the charts read `{name}`, which {} lacks", self.file));
        row.get(i).map_or("", String::as_str)
    }

    /// Column `name` of `row` as a number; 0 when empty or not a number.
    pub fn num(&self, row: &[String], name: &str) -> f64 {
        self.text(row, name).parse().unwrap_or(0.0)
    }
}
