//! The oracle trace reader on arbitrary bytes, strict and skipping bad lines.
#![no_main]

#[path = "common.rs"]
mod common;

use edgesim::trace::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::drain(data, "fuzz.oracleGeneral", &Format::Oracle);
});
