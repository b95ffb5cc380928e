//! CloudFront path patterns: `*` and `?` wildcards over the URL path (cloudfront.md §1.1).
//!
//! `*` matches zero or more characters, `/` included, so `images/*.jpg` covers every
//! subfolder; `?` matches exactly one. Matching is case-sensitive, ignores a leading `/`
//! on either side, and sees only the path, never the query string.

use std::fmt;

/// The longest pattern CloudFront accepts.
pub const MAX_LEN: usize = 255;

/// Characters allowed in a pattern besides ASCII letters and digits (§1.1), plus the `?`
/// wildcard itself.
const EXTRA_CHARS: &str = "_-.*?$/~\"'@:+&";

crate::message_error!(
    /// A path pattern CloudFront would not accept.
    PatternError
);

/// A validated path pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathPattern {
    text: String,
}

impl PathPattern {
    /// Validates `text` as CloudFront does: at most 255 characters from the allowed set.
    pub fn new(text: &str) -> Result<PathPattern, PatternError> {
        Self::new_text(text).map_err(PatternError)
    }

    fn new_text(text: &str) -> Result<PathPattern, String> {
        if text.is_empty() {
            return Err("must not be empty".into());
        }
        if text.len() > MAX_LEN {
            return Err(format!(
                "is {} characters long; at most {MAX_LEN} are allowed",
                text.len()
            ));
        }
        if let Some(bad) = text
            .chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || EXTRA_CHARS.contains(c)))
        {
            return Err(format!(
                "contains {bad:?}; allowed are A-Z a-z 0-9 and {}",
                EXTRA_CHARS
                    .chars()
                    .map(String::from)
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        }
        Ok(PathPattern {
            text: text.to_string(),
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the pattern contains an ASCII digit: only then can two object names of
    /// the same length match differently.
    pub fn has_digit(&self) -> bool {
        self.text.bytes().any(|b| b.is_ascii_digit())
    }

    /// Whether `path` (a URL path, query excluded) matches.
    pub fn matches(&self, path: &[u8]) -> bool {
        glob(strip_slash(self.text.as_bytes()), strip_slash(path))
    }
}

impl fmt::Display for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn strip_slash(s: &[u8]) -> &[u8] {
    s.strip_prefix(b"/").unwrap_or(s)
}

/// Wildcard matching with one backtrack point: linear in practice, never exponential.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and the text position it is currently made to cover up to.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            // Let the last `*` swallow one more character and retry.
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, path: &str) -> bool {
        PathPattern::new(pattern).unwrap().matches(path.as_bytes())
    }

    #[test]
    fn documented_examples_of_section_1_1() {
        // "images/*.jpg matches images/a.jpg and images/x/y/a.jpg"
        assert!(m("images/*.jpg", "images/a.jpg"));
        assert!(m("images/*.jpg", "images/x/y/a.jpg"));
        // "*.doc* matches .doc, .docx, .docm; *.doc? does not match .doc"
        for p in [".doc", ".docx", ".docm"] {
            assert!(m("*.doc*", p), "{p}");
        }
        assert!(!m("*.doc?", ".doc"));
        assert!(m("*.doc?", ".docx"));
        // "A leading / is optional and ignored"
        assert!(m("/images/*.jpg", "images/a.jpg"));
        assert!(m("images/*.jpg", "/images/a.jpg"));
        // "Case-sensitive: *.jpg does not match LOGO.JPG"
        assert!(!m("*.jpg", "LOGO.JPG"));
        assert!(m("*.jpg", "logo.jpg"));
    }

    #[test]
    fn wildcards_behave_as_documented() {
        assert!(m("*", "/anything/at/all"));
        assert!(m("*", "/"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(!m("a?c", "abbc"));
        assert!(m("a*b*c", "a-b-b-c"));
        assert!(!m("a*b*c", "a-b-b-d"));
        assert!(m("api/*", "api/"));
        assert!(!m("api/*", "apix/1"));
    }

    #[test]
    fn length_and_characters_are_checked() {
        assert!(PathPattern::new(&"a".repeat(255)).is_ok());
        let e = PathPattern::new(&"a".repeat(256)).unwrap_err();
        assert_eq!(e.0, "is 256 characters long; at most 255 are allowed");
        for ok in ["/images/*.jpg", "a_b-c.d$e~f\"g'h@i:j+k&l", "*"] {
            assert!(PathPattern::new(ok).is_ok(), "{ok}");
        }
        for bad in ["/a b", "/a?b=c", "/a#b", "/é", "/a%20"] {
            assert!(PathPattern::new(bad).is_err(), "{bad}");
        }
        assert!(PathPattern::new("").is_err());
    }
}
