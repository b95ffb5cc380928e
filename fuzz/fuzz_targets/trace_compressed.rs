//! Compressed traces: the first byte picks gzip or zstd and the record format, the rest is
//! the compressed stream, corrupt or not.
#![no_main]

#[path = "common.rs"]
mod common;

use edgesim::trace::{Columns, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let ext = if pick & 1 == 0 { "gz" } else { "zst" };
    let (name, format) = match (pick >> 1) % 3 {
        0 => ("fuzz.csv", Format::Csv(Columns::default())),
        1 => ("fuzz.oracleGeneral", Format::Oracle),
        _ => ("fuzz.tsv", Format::Wikimedia),
    };
    common::drain(rest, &format!("{name}.{ext}"), &format);
});
