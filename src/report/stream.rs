//! CSV files written row by row while a run runs, under a temporary name until committed.

use super::{csv_error, keyed_header, keyed_row, Pending, INTERVAL_KEYS};
use crate::stats::columns::Column;
use crate::stats::Metrics;
use crate::units::Nanos;
use std::fmt::Write;
use std::fs::File;
use std::io::{self, BufWriter};
use std::path::Path;

/// A CSV file that grows during a run. Its first write error is kept and reported by
/// [`StreamingCsv::commit`], which moves the file to its final name only when every row
/// was written.
pub(crate) struct StreamingCsv {
    out: csv::Writer<BufWriter<File>>,
    pending: Pending,
    error: Option<io::Error>,
    /// One cell as text, reused so that a row of cells costs no allocation of its own.
    scratch: String,
}

impl StreamingCsv {
    /// Starts `dir/name` with `header`.
    pub(crate) fn create(dir: &Path, name: &str, header: Vec<String>) -> io::Result<Self> {
        let pending = Pending::new(dir, name);
        let mut out = csv::Writer::from_writer(BufWriter::new(File::create(&pending.tmp)?));
        out.write_record(header).map_err(csv_error)?;
        Ok(StreamingCsv {
            out,
            pending,
            error: None,
            scratch: String::new(),
        })
    }

    /// Adds one row, unless an earlier row failed.
    pub(crate) fn write<I, T>(&mut self, record: I)
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        if self.error.is_none() {
            if let Err(e) = self.out.write_record(record) {
                self.error = Some(csv_error(e));
            }
        }
    }

    /// Adds `row` as `columns` give it, unless an earlier row failed.
    pub(crate) fn write_row<R>(&mut self, columns: &[Column<R>], row: &R) {
        if self.error.is_some() {
            return;
        }
        for c in columns {
            self.scratch.clear();
            let _ = write!(self.scratch, "{}", (c.get)(row));
            if let Err(e) = self.out.write_field(&self.scratch) {
                self.error = Some(csv_error(e));
                return;
            }
        }
        // An empty record after the fields ends the row.
        if let Err(e) = self.out.write_record(None::<&[u8]>) {
            self.error = Some(csv_error(e));
        }
    }

    /// Finishes the file and moves it to its final name, or removes it on error.
    pub(crate) fn commit(mut self) -> io::Result<()> {
        let flushed = match self.error.take() {
            Some(e) => Err(e),
            None => self.out.flush(),
        };
        let result = flushed.and_then(|()| {
            let file = self
                .out
                .into_inner()
                .map_err(|e| io::Error::other(e.to_string()))?;
            file.into_inner().map_err(|e| e.into_error())?.sync_all()
        });
        match result {
            Ok(()) => self.pending.commit(),
            Err(e) => {
                self.pending.abandon();
                Err(e)
            }
        }
    }

    /// Abandons the file, removing its temporary.
    pub(crate) fn discard(self) {
        self.pending.abandon();
    }
}

/// `timeseries.csv`: one row per interval and POP, written as intervals close.
pub struct TimeseriesCsv {
    file: StreamingCsv,
    pops: Vec<String>,
}

impl TimeseriesCsv {
    /// Starts the file in `dir` for POPs named `pops`.
    pub fn create(dir: &Path, pops: Vec<String>) -> io::Result<Self> {
        let head = keyed_header(INTERVAL_KEYS);
        Ok(TimeseriesCsv {
            file: StreamingCsv::create(dir, "timeseries.csv", head)?,
            pops,
        })
    }

    /// Adds the row of one POP in one interval.
    pub fn row(&mut self, start: Nanos, pop: usize, m: &Metrics) {
        let record = keyed_row(INTERVAL_KEYS, &(start, self.pops[pop].clone()), m);
        self.file.write(record);
    }

    /// Finishes the file and moves it to its final name, or removes it on error.
    pub fn commit(self) -> io::Result<()> {
        self.file.commit()
    }

    /// Abandons the file, removing its temporary.
    pub fn discard(self) {
        self.file.discard()
    }
}
