//! libCacheSim's `oracleGeneral` binary trace: packed little-endian records of 24 bytes,
//! `u32` time (seconds), `u64` object id, `u32` size (bytes), and `i64` position of the
//! object's next request (negative or `i64::MAX` when there is none).

use super::{io_error, Request, Source, TraceError};
use std::io::BufRead;
use std::path::PathBuf;

const RECORD: usize = 24;

/// Decodes one record.
fn decode(r: &[u8]) -> Request {
    let u32_at = |i: usize| u32::from_le_bytes(r[i..i + 4].try_into().expect("4 bytes"));
    let u64_at = |i: usize| u64::from_le_bytes(r[i..i + 8].try_into().expect("8 bytes"));
    let next = u64_at(16) as i64;
    Request {
        time: u64::from(u32_at(0)),
        id: u64_at(4),
        size: u64::from(u32_at(12)),
        next: (0..i64::MAX).contains(&next).then_some(next as u64),
        ..Request::default()
    }
}

/// Streams records from a buffered reader.
pub struct OracleReader<R> {
    reader: R,
    path: PathBuf,
    skip_bad: bool,
    /// Records decoded so far.
    records: u64,
    skipped: u64,
}

impl<R: BufRead> OracleReader<R> {
    pub fn new(reader: R, path: PathBuf, skip_bad: bool) -> Self {
        OracleReader {
            reader,
            path,
            skip_bad,
            records: 0,
            skipped: 0,
        }
    }
}

impl<R: BufRead + Send> Source for OracleReader<R> {
    fn next_batch(&mut self, out: &mut Vec<Request>, max: usize) -> Result<usize, TraceError> {
        let start = out.len();
        let mut partial = [0u8; RECORD];
        let mut have = 0;
        while out.len() - start < max {
            let buf = self
                .reader
                .fill_buf()
                .map_err(|e| io_error(&self.path, e))?;
            if buf.is_empty() {
                if have > 0 {
                    // A record is only ever left unfinished here, at the end of the file.
                    if self.skip_bad {
                        self.skipped += 1;
                        break;
                    }
                    return Err(TraceError {
                        path: self.path.clone(),
                        at: Some(("record", self.records + 1)),
                        message: format!(
                            "truncated: the file ends {have} bytes into a {RECORD}-byte oracleGeneral record"
                        ),
                    });
                }
                break;
            }
            if have > 0 || buf.len() < RECORD {
                // A record split across buffer refills: gather it byte by byte.
                let take = (RECORD - have).min(buf.len());
                partial[have..have + take].copy_from_slice(&buf[..take]);
                self.reader.consume(take);
                have += take;
                if have == RECORD {
                    out.push(decode(&partial));
                    self.records += 1;
                    have = 0;
                }
                continue;
            }
            let n = (buf.len() / RECORD).min(max - (out.len() - start));
            out.extend(buf[..n * RECORD].chunks_exact(RECORD).map(decode));
            self.records += n as u64;
            self.reader.consume(n * RECORD);
        }
        Ok(out.len() - start)
    }

    fn skipped(&self) -> u64 {
        self.skipped
    }
}
