//! Fields of a W3C log line: tab-separated, URL-encoded, `-` for empty.

/// A line's tab-separated fields, as ranges of the line in a list reused from line to
/// line, so that splitting a line allocates nothing.
pub struct Fields<'a> {
    pub text: &'a [u8],
    pub at: &'a [(usize, usize)],
}

impl<'a> Fields<'a> {
    /// Field `i`, if the line has it.
    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        self.at.get(i).map(|&(a, b)| &self.text[a..b])
    }

    /// How many fields the line has.
    pub fn len(&self) -> usize {
        self.at.len()
    }
}

/// The ranges of `text`'s tab-separated fields, into `out`.
pub fn split_tabs(text: &[u8], out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut start = 0;
    for i in memchr_tabs(text) {
        out.push((start, i));
        start = i + 1;
    }
    out.push((start, text.len()));
}

fn memchr_tabs(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    text.iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\t')
        .map(|(i, _)| i)
}

/// `%XX` escapes decoded into `out`; a malformed escape is kept as written.
pub fn url_decode(text: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend(percent_encoding::percent_decode(text));
}

/// A field's seconds with up to microsecond precision, as `time-taken` writes them.
pub fn micros(text: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(text).ok()?;
    let v: f64 = s.parse().ok()?;
    (0.0..1e9).contains(&v).then(|| (v * 1e6).round() as u64)
}

pub fn number(text: &[u8], name: &str) -> Result<u64, String> {
    std::str::from_utf8(text)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| {
            format!(
                "{name}: expected a whole number, got {:?}",
                String::from_utf8_lossy(text)
            )
        })
}

pub fn present(text: &[u8]) -> Option<&[u8]> {
    (text != b"-" && !text.is_empty()).then_some(text)
}
