//! `requests.log`: the sampled access log in CloudFront's own standard-log format, for the
//! tools that read real CloudFront logs (GoAccess, Athena's DDL, edgesim's own
//! `format = "cloudfront"`).
//!
//! `#Version: 1.0`, a `#Fields:` line with the 33 legacy fields in AWS's order
//! (cloudfront.md §7.1), then one tab-separated line per sampled request, `-` for an empty
//! value. What edgesim does not model is `-`: referer, query, cookie, `cs-bytes`,
//! `x-forwarded-for`, field-level encryption, the viewer's port, the content type and
//! ranges. Modelled fields are written as CloudFront writes them:
//! - `x-edge-location`: the POP's code, a number and a suffix (`FRA56-P1`), fixed per POP;
//! - `x-edge-result-type`: the edge's own: a response a regional cache or the shield served
//!   is a `Miss` (the POP forwarded it), with `x-edge-detailed-result-type`
//!   `OriginShieldHit` for the shield's;
//! - `sc-bytes` and `sc-content-len`: the body bytes (the simulator has no header bytes);
//! - `c-ip`: an address from the documentation range 198.51.100.0/24 (RFC 5737), one per
//!   client region; `cs(Host)` and `x-host-header`: a `d….cloudfront.net` name fixed by the
//!   scenario's name; `cs(User-Agent)`: `edgesim/VERSION`;
//! - `x-edge-request-id`: 56 characters of URL-safe base64, fixed by the seed and the
//!   request's arrival number, so a run's log is the same byte for byte every time;
//! - `cs-uri-stem` is URL-encoded where AWS encodes (anything outside RFC 3986's unreserved
//!   characters and `/`).

use super::Pending;
use crate::engine::{fnv1a, mix64};
use crate::protocol::TlsVersion;
use crate::sim::LogLine;
use crate::stats::Outcome;
use base64::Engine;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// The cipher CloudFront logs for a TLS version: a common one of each.
fn cipher(tls: Option<TlsVersion>) -> &'static str {
    match tls {
        Some(TlsVersion::Tls1_3) => "TLS_AES_128_GCM_SHA256",
        Some(_) => "ECDHE-RSA-AES128-GCM-SHA256",
        None => "-",
    }
}

/// `x-edge-location` for POP `code`: the code, a number from 1 to 99 and a `-P` or `-C`
/// suffix, as CloudFront names edge locations, fixed by the code.
pub fn edge_location(code: &str) -> String {
    let h = fnv1a(code.as_bytes());
    let kind = if h & 1 == 0 { 'P' } else { 'C' };
    format!("{code}{}-{kind}{}", h % 99 + 1, (h >> 8) % 9 + 1)
}

/// What CloudFront leaves unencoded in `cs-uri-stem`: RFC 3986's unreserved characters
/// and the path's slashes.
const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// `text` URL-encoded as CloudFront encodes `cs-uri-stem`.
pub fn url_encode(text: &str, out: &mut String) {
    use std::fmt::Write as _;
    let _ = write!(out, "{}", percent_encoding::utf8_percent_encode(text, PATH));
}

/// The names a log line refers to, resolved by the caller.
pub struct Names<'a> {
    pub path: &'a str,
    pub date: &'a str,
    pub time: &'a str,
}

/// Where the lines go.
enum Out {
    Plain(BufWriter<File>),
    Gzip(flate2::write::GzEncoder<BufWriter<File>>),
}

impl Out {
    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Out::Plain(w) => w,
            Out::Gzip(w) => w,
        }
    }

    /// Ends the stream (the gzip trailer) and writes it all to the disk.
    fn finish(self) -> io::Result<()> {
        let file = match self {
            Out::Plain(w) => w,
            Out::Gzip(w) => w.finish()?,
        };
        file.into_inner().map_err(|e| e.into_error())?.sync_all()
    }
}

/// A `requests.log` being written, plain or gzip-compressed.
pub struct W3cLog {
    out: Out,
    pending: Pending,
    error: Option<io::Error>,
    line: String,
    host: String,
    agent: String,
    seed: u64,
    /// `x-edge-location` of each POP.
    locations: Vec<String>,
}

impl W3cLog {
    /// Starts `dir/requests.log` (`.gz` with `gzip`) for a run of `scenario` with `pops`.
    pub fn create(
        dir: &Path,
        scenario: &str,
        seed: u64,
        pops: &[String],
        gzip: bool,
    ) -> io::Result<W3cLog> {
        let name = if gzip {
            "requests.log.gz"
        } else {
            "requests.log"
        };
        let pending = Pending::new(dir, name);
        let file = BufWriter::new(File::create(&pending.tmp)?);
        let mut out = match gzip {
            // The fastest level: a third of the time of the default for a fifth more bytes
            // (BENCHMARKS.md, "CloudFront logs").
            true => Out::Gzip(flate2::write::GzEncoder::new(
                file,
                flate2::Compression::fast(),
            )),
            false => Out::Plain(file),
        };
        let fields = crate::trace::cloudfront::FIELDS.join(" ");
        write!(out.writer(), "#Version: 1.0\n#Fields: {fields}\n")?;
        Ok(W3cLog {
            out,
            pending,
            error: None,
            line: String::new(),
            host: format!("d{:013x}.cloudfront.net", fnv1a(scenario.as_bytes()) >> 12),
            agent: format!("edgesim/{}", env!("CARGO_PKG_VERSION")),
            seed,
            locations: pops.iter().map(|p| edge_location(p)).collect(),
        })
    }

    /// The request id of arrival `index`: 40 bytes, base64.
    fn request_id(&self, index: u64, out: &mut String) {
        let mut bytes = [0u8; 40];
        for (k, chunk) in bytes.chunks_mut(8).enumerate() {
            let v = mix64(index ^ self.seed.rotate_left(17) ^ (k as u64).wrapping_mul(0x9E37));
            chunk.copy_from_slice(&v.to_le_bytes());
        }
        base64::engine::general_purpose::URL_SAFE.encode_string(bytes, out);
    }

    /// Writes one sampled request.
    pub fn line(&mut self, l: &LogLine, names: &Names<'_>) {
        if self.error.is_some() {
            return;
        }
        let mut s = std::mem::take(&mut self.line);
        s.clear();
        let secs = |t: u64| t as f64 / 1e9;
        let taken = secs(l.done - l.arrived + l.transfer);
        let ttfb = secs(l.done - l.arrived);
        let https = l.conn.https;
        let tls = l.conn.tls.filter(|_| https);
        // The result type is the edge's: a regional or shield hit was a miss at the POP.
        let result = match crate::calibration::edge_result(l.outcome, l.tier) {
            Some(false) if l.outcome != Outcome::Miss => Outcome::Miss.log_name(),
            _ => l.outcome.log_name(),
        };
        // The detailed type differs from the result type for errors and shield hits only.
        let detailed = match l.detail.log_name(l.outcome) {
            same if same == l.outcome.log_name() => result,
            other => other,
        };
        let _ = write!(
            s,
            "{}\t{}\t{}\t{}\t198.51.100.{}\t{}\t{}\t",
            names.date,
            names.time,
            self.locations[l.pop as usize],
            l.bytes,
            l.region % 254 + 1,
            l.method.name(),
            self.host
        );
        url_encode(names.path, &mut s);
        let _ = write!(s, "\t{:03}\t-\t{}\t-\t-\t{result}\t", l.status, self.agent);
        self.request_id(l.index, &mut s);
        let _ = writeln!(
            s,
            "\t{}\t{}\t-\t{taken:.3}\t-\t{}\t{}\t{result}\t{}\t-\t-\t-\t{ttfb:.3}\t{}\t-\t{}\t-\t-",
            self.host,
            if https { "https" } else { "http" },
            tls.map_or("-", |t| t.name()),
            cipher(tls),
            l.conn.version.name(),
            detailed,
            l.bytes,
        );
        if let Err(e) = self.out.writer().write_all(s.as_bytes()) {
            self.error = Some(e);
        }
        self.line = s;
    }

    /// Finishes the file and moves it to its final name, or removes it on error.
    pub fn commit(mut self) -> io::Result<()> {
        let result = match self.error.take() {
            Some(e) => Err(e),
            None => self.out.finish(),
        };
        match result {
            Ok(()) => self.pending.commit(),
            Err(e) => {
                self.pending.abandon();
                Err(e)
            }
        }
    }

    /// Abandons the file, removing its temporary.
    pub fn discard(self) {
        drop(self.out);
        self.pending.abandon();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_look_like_cloudfronts_and_paths_are_encoded() {
        let fra = edge_location("FRA");
        assert!(fra.starts_with("FRA"), "{fra}");
        let (digits, suffix) = fra[3..].split_once('-').unwrap();
        assert!(
            digits.parse::<u32>().is_ok_and(|n| (1..=99).contains(&n)),
            "{fra}"
        );
        assert!(suffix.starts_with(['P', 'C']) && suffix.len() == 2, "{fra}");
        assert_eq!(edge_location("FRA"), fra);
        let mut out = String::new();
        url_encode("/a b/ü.jpg", &mut out);
        assert_eq!(out, "/a%20b/%C3%BC.jpg");
    }
}
