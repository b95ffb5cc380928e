//! Policies: the JSON CloudFront signs, exactly as it expects the bytes, and how a policy's
//! conditions and `Resource` pattern are evaluated (cloudfront.md §5.2).

use serde_json::Value;
use std::net::Ipv4Addr;

crate::message_error!(
    /// A policy document CloudFront would refuse as malformed.
    PolicyError
);

/// An IPv4 range in CIDR notation (IPv6 is not supported by CloudFront policies).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    /// The network address.
    pub addr: Ipv4Addr,
    /// Prefix length, 0–32.
    pub bits: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n`, or a single address (`/32`).
    pub fn parse(s: &str) -> Option<Cidr> {
        let (addr, bits) = match s.split_once('/') {
            Some((a, b)) => (a, b.parse().ok().filter(|&b: &u8| b <= 32)?),
            None => (s, 32),
        };
        Some(Cidr {
            addr: addr.parse().ok()?,
            bits,
        })
    }

    /// Whether `ip` is in the range.
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        let mask = if self.bits == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.bits))
        };
        u32::from(ip) & mask == u32::from(self.addr) & mask
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.bits)
    }
}

/// One policy statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The URL or pattern it allows; `None` allows every URL.
    pub resource: Option<String>,
    /// `DateLessThan`: valid before this Unix time.
    pub expires: i64,
    /// `DateGreaterThan`: valid after this Unix time.
    pub not_before: Option<i64>,
    /// `IpAddress`: the viewer's address must be in this range.
    pub ip: Option<Cidr>,
}

impl Policy {
    /// The canned policy of `url` until `expires`.
    pub fn canned(url: &str, expires: i64) -> Policy {
        Policy {
            resource: Some(url.to_string()),
            expires,
            not_before: None,
            ip: None,
        }
    }

    /// The policy's bytes as CloudFront signs them: no whitespace, keys in the documented
    /// order, times as bare integers.
    pub fn to_json(&self) -> String {
        let mut condition = format!("\"DateLessThan\":{{\"AWS:EpochTime\":{}}}", self.expires);
        if let Some(t) = self.not_before {
            condition.push_str(&format!(",\"DateGreaterThan\":{{\"AWS:EpochTime\":{t}}}"));
        }
        if let Some(ip) = self.ip {
            condition.push_str(&format!(",\"IpAddress\":{{\"AWS:SourceIp\":\"{ip}\"}}"));
        }
        let resource = match &self.resource {
            // serde_json writes the string with JSON's escapes and nothing else.
            Some(r) => format!("\"Resource\":{},", Value::String(r.clone())),
            None => String::new(),
        };
        format!("{{\"Statement\":[{{{resource}\"Condition\":{{{condition}}}}}]}}")
    }

    /// Reads a policy document, or says why CloudFront would not accept it. Every field
    /// must be one this model understands: an unknown key or condition (`"Effect"`,
    /// `StringEquals`) is refused rather than dropped, since dropping it would sign or accept
    /// a weaker policy than the one written.
    pub fn from_json(bytes: &[u8]) -> Result<Policy, PolicyError> {
        Self::from_json_text(bytes).map_err(PolicyError)
    }

    fn from_json_text(bytes: &[u8]) -> Result<Policy, String> {
        let v: Value = serde_json::from_slice(bytes).map_err(|e| {
            format!(
                "not valid JSON at line {} column {}: {e}",
                e.line(),
                e.column()
            )
        })?;
        let top = object(&v, "the policy", &["Statement"])?;
        let statements = top
            .get("Statement")
            .ok_or("the policy has no Statement")?
            .as_array()
            .ok_or("Statement must be an array")?;
        let [s] = statements.as_slice() else {
            return Err(format!(
                "Statement must hold exactly one statement, it holds {}",
                statements.len()
            ));
        };
        let s = object(s, "Statement[0]", &["Resource", "Condition"])?;
        let resource = match s.get("Resource") {
            Some(r) => Some(
                r.as_str()
                    .ok_or("Statement[0].Resource must be a string")?
                    .to_string(),
            ),
            None => None,
        };
        let c = s
            .get("Condition")
            .ok_or("Statement[0] has no Condition (DateLessThan is required)")?;
        let c = object(
            c,
            "Statement[0].Condition",
            &["DateLessThan", "DateGreaterThan", "IpAddress"],
        )?;
        let epoch = |key: &str| -> Result<Option<i64>, String> {
            let Some(cond) = c.get(key) else {
                return Ok(None);
            };
            let at = format!("Statement[0].Condition.{key}");
            let cond = object(cond, &at, &["AWS:EpochTime"])?;
            match cond.get("AWS:EpochTime") {
                Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| {
                    format!("{at}.AWS:EpochTime must be whole Unix seconds, got {n}")
                }),
                Some(Value::String(t)) => Err(format!(
                    "{at}.AWS:EpochTime must be a number of Unix seconds without quotes, got the string {t:?}"
                )),
                Some(other) => Err(format!(
                    "{at}.AWS:EpochTime must be a number of Unix seconds, got {other}"
                )),
                None => Err(format!("{at} has no AWS:EpochTime")),
            }
        };
        let expires = epoch("DateLessThan")?
            .ok_or("Statement[0].Condition has no DateLessThan, which every policy needs")?;
        let not_before = epoch("DateGreaterThan")?;
        let ip = match c.get("IpAddress") {
            Some(ip) => {
                let at = "Statement[0].Condition.IpAddress";
                let ip = object(ip, at, &["AWS:SourceIp"])?;
                let text = ip
                    .get("AWS:SourceIp")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("{at}.AWS:SourceIp must be a string"))?;
                Some(Cidr::parse(text).ok_or_else(|| {
                    format!("{at}.AWS:SourceIp: {text:?} is not an IPv4 address or CIDR range such as 192.0.2.0/24")
                })?)
            }
            None => None,
        };
        Ok(Policy {
            resource,
            expires,
            not_before,
            ip,
        })
    }

    /// Whether the policy's resource allows `url`.
    pub fn allows(&self, url: &str) -> bool {
        match self.resource.as_deref() {
            Some(p) => resource_matches(p, url),
            None => true,
        }
    }
}

/// `v` as a JSON object with no keys but `allowed`; `at` names it in errors.
fn object<'a>(
    v: &'a Value,
    at: &str,
    allowed: &[&str],
) -> Result<&'a serde_json::Map<String, Value>, String> {
    let map = v
        .as_object()
        .ok_or_else(|| format!("{at} must be a JSON object"))?;
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "{at}: {k:?} is not understood; CloudFront policies allow only {}",
            allowed.join(", ")
        )),
        None => Ok(map),
    }
}

/// `*` matches any run of characters and `?` any one character.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    // Iterative matching with one backtrack point, linear in practice.
    let (mut p, mut t, mut star, mut mark) = (0, 0, None, 0);
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some(p);
            mark = t;
            p += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            t = mark;
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// The parts of a URL or pattern: (protocol, domain, path, query).
fn sections(url: &str, query_mark: &str) -> (String, String, String, Option<String>) {
    let (protocol, rest) = match url.split_once("://") {
        Some((p, r)) => (p.to_string(), r),
        None => ("*".to_string(), url),
    };
    let (domain, rest) = match rest.find('/') {
        Some(i) => (rest[..i].to_string(), &rest[i..]),
        None => (rest.to_string(), ""),
    };
    let (path, query) = match rest.split_once(query_mark) {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (rest.to_string(), None),
    };
    (protocol, domain, path, query)
}

/// §5.2's matching: wildcards within each section of `protocol://domain/path\?query`; a
/// trailing `*` in the domain matches any path and query, and one in the path any query.
pub fn resource_matches(pattern: &str, url: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let (pp, pd, ppath, pq) = sections(pattern, "\\?");
    let (up, ud, upath, uq) = sections(url, "?");
    if !glob(pp.as_bytes(), up.as_bytes()) {
        return false;
    }
    if ppath.is_empty() && pq.is_none() && pd.ends_with('*') {
        return glob(pd.as_bytes(), ud.as_bytes());
    }
    if !glob(pd.as_bytes(), ud.as_bytes()) || !glob(ppath.as_bytes(), upath.as_bytes()) {
        return false;
    }
    match (pq, uq) {
        (Some(p), Some(q)) => glob(p.as_bytes(), q.as_bytes()),
        (Some(p), None) => glob(p.as_bytes(), b""),
        (None, None) => true,
        (None, Some(_)) => ppath.ends_with('*'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canned_policy_bytes_match_the_documented_format() {
        let p = Policy::canned(
            "https://d111111abcdef8.cloudfront.net/image.jpg?size=1",
            1767290400,
        );
        assert_eq!(
            p.to_json(),
            r#"{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/image.jpg?size=1","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}"#
        );
    }

    #[test]
    fn custom_policy_bytes_keep_the_documented_order_and_read_back() {
        let p = Policy {
            resource: Some("https://d.example/videos/*".into()),
            expires: 2_000_000_000,
            not_before: Some(1_900_000_000),
            ip: Cidr::parse("192.0.2.0/24"),
        };
        let json = p.to_json();
        assert_eq!(
            json,
            r#"{"Statement":[{"Resource":"https://d.example/videos/*","Condition":{"DateLessThan":{"AWS:EpochTime":2000000000},"DateGreaterThan":{"AWS:EpochTime":1900000000},"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"}}}]}"#
        );
        assert_eq!(Policy::from_json(json.as_bytes()), Ok(p));
    }

    #[test]
    fn resource_patterns_match_section_by_section() {
        let m = resource_matches;
        assert!(m("*", "https://a.example/x?y=1"));
        assert!(m(
            "https://a.example/videos/*",
            "https://a.example/videos/a/b.mp4"
        ));
        // A trailing * in the path also matches any query string.
        assert!(m(
            "https://a.example/hello*",
            "https://a.example/hello.txt?x=1"
        ));
        // A * inside the path does not reach into the query.
        assert!(!m("https://a.example/a*b", "https://a.example/a?q=b"));
        // A trailing * in the domain matches any path and query.
        assert!(m("https://*.example*", "https://cdn.example/p?q"));
        // No protocol: any protocol.
        assert!(m("*.example/p", "http://a.example/p"));
        assert!(!m("https://a.example/p", "http://a.example/p"));
        // ? is one character; \? starts the query.
        assert!(m("https://a.example/p?.jpg", "https://a.example/p1.jpg"));
        assert!(m("https://a.example/p\\?id=*", "https://a.example/p?id=7"));
        assert!(!m("https://a.example/p", "https://a.example/p?id=7"));
    }

    #[test]
    fn cidr_ranges() {
        let c = Cidr::parse("192.0.2.0/24").unwrap();
        assert!(c.contains("192.0.2.200".parse().unwrap()));
        assert!(!c.contains("192.0.3.1".parse().unwrap()));
        assert_eq!(Cidr::parse("10.1.2.3").unwrap().bits, 32);
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(Cidr::parse("::1/128"), None);
    }
}
