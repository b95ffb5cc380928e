//! Reads a whole trace from bytes as a file named `name`: any input gives requests or an
//! error, never a panic, and no request is larger than the largest object.

use edgesim::trace::{from_reader, Format, Lookup, MAX_OBJECT_SIZE};
use std::path::Path;

pub fn drain(data: &[u8], name: &str, format: &Format) {
    for skip_bad in [false, true] {
        let raw = Box::new(std::io::Cursor::new(data.to_vec()));
        let Ok(mut source) =
            from_reader(raw, Path::new(name), format, skip_bad, &Lookup::default())
        else {
            continue;
        };
        let mut batch = Vec::new();
        while let Ok(n) = source.next_batch(&mut batch, 4096) {
            if n == 0 {
                break;
            }
            assert!(batch.iter().all(|r| r.size <= MAX_OBJECT_SIZE));
            batch.clear();
        }
    }
}
