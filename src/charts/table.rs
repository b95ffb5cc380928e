//! A CSV file read back: a header and rows of strings, looked up by column name.

use std::io;
use std::path::Path;

/// A CSV table.
pub struct Table {
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
        Ok(Table { header, rows })
    }

    /// The rows.
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    /// Column `name` of `row` as text; empty when the column is missing.
    pub fn text<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        self.header
            .iter()
            .position(|h| h == name)
            .and_then(|i| row.get(i))
            .map_or("", String::as_str)
    }

    /// Column `name` of `row` as a number; 0 when missing or not a number.
    pub fn num(&self, row: &[String], name: &str) -> f64 {
        self.text(row, name).parse().unwrap_or(0.0)
    }
}
