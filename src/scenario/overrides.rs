//! `--set key.path=value`: changes one setting in a parsed scenario before it is read.
//!
//! Paths use the same form as error messages: `network.path_inflation`,
//! `pops[2].cache_capacity`. The value is read as TOML (`42`, `0.5`, `true`, `"10m"`);
//! anything that is not valid TOML is taken as a string, so `--set duration=10m` works.

use toml::{Table, Value};

/// One step of a key path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// Splits `pops[2].cache_capacity` into segments; `None` if it is malformed.
pub fn parse_path(path: &str) -> Option<Vec<Segment>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return None;
        }
        out.push(Segment::Key(key.to_string()));
        while let Some(after_open) = rest.strip_prefix('[') {
            let (index, after) = after_open.split_once(']')?;
            out.push(Segment::Index(index.parse().ok()?));
            rest = after;
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

fn parse_value(text: &str) -> Value {
    // Parse as the right-hand side of a one-line document, so all TOML scalars work.
    format!("v = {text}")
        .parse::<Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(text.to_string()))
}

/// Applies one `KEY.PATH=VALUE` to `doc`. Missing tables on the way are created, so
/// a defaulted key can be set; array elements must exist. Returns what is wrong otherwise.
pub fn apply_override(doc: &mut Value, arg: &str) -> Result<(), OverrideError> {
    apply(doc, arg).map_err(OverrideError)
}

crate::message_error!(
    /// A `--set` that cannot be applied: not `KEY.PATH=VALUE`, or a path that is not there.
    OverrideError
);

fn apply(doc: &mut Value, arg: &str) -> Result<(), String> {
    let (path, value) = arg.split_once('=').ok_or_else(|| {
        "expected KEY.PATH=VALUE, e.g. --set pops[0].cache_capacity=8GiB".to_string()
    })?;
    let segments = parse_path(path.trim()).ok_or_else(|| {
        format!("{path:?} is not a key path such as network.path_inflation or pops[0].code")
    })?;
    let value = parse_value(value.trim());
    if matches!(value, Value::Table(_) | Value::Array(_)) {
        return Err("only scalars (numbers, strings, booleans) can be set".into());
    }
    set(doc, &segments, value, &mut String::new())
}

fn set(
    node: &mut Value,
    segments: &[Segment],
    value: Value,
    walked: &mut String,
) -> Result<(), String> {
    let Some((first, rest)) = segments.split_first() else {
        if matches!(node, Value::Table(_) | Value::Array(_)) {
            return Err(format!(
                "{walked} is a table or an array; --set changes only scalars"
            ));
        }
        *node = value;
        return Ok(());
    };
    match first {
        Segment::Key(key) => {
            let here = walked.clone();
            let table = node
                .as_table_mut()
                .ok_or_else(|| format!("{here} is not a table, so it has no key {key:?}"))?;
            if !walked.is_empty() {
                walked.push('.');
            }
            walked.push_str(key);
            let child = table
                .entry(key.clone())
                .or_insert_with(|| match rest.first() {
                    Some(Segment::Index(_)) => Value::Array(Vec::new()),
                    Some(Segment::Key(_)) => Value::Table(Table::new()),
                    None => Value::Boolean(false),
                });
            set(child, rest, value, walked)
        }
        Segment::Index(i) => {
            let here = walked.clone();
            let array = node
                .as_array_mut()
                .ok_or_else(|| format!("{here} is not an array, so it has no [{i}]"))?;
            let len = array.len();
            let child = array
                .get_mut(*i)
                .ok_or_else(|| format!("{here} has {len} entries, so there is no [{i}]"))?;
            walked.push_str(&format!("[{i}]"));
            set(child, rest, value, walked)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        Value::Table(
            "seed = 1\n[network]\npath_inflation = 1.3\n[[pops]]\ncode = \"IAD\"\n"
                .parse()
                .unwrap(),
        )
    }

    #[test]
    fn paths_parse() {
        use Segment::*;
        assert_eq!(
            parse_path("pops[2].cache_capacity"),
            Some(vec![
                Key("pops".into()),
                Index(2),
                Key("cache_capacity".into())
            ])
        );
        assert_eq!(
            parse_path("a[1][2]"),
            Some(vec![Key("a".into()), Index(1), Index(2)])
        );
        for bad in ["", "a..b", "a[", "a[x]", "a]b", "[1]", "a[1]b"] {
            assert_eq!(parse_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn sets_scalars_and_creates_missing_tables() {
        let mut d = doc();
        apply_override(&mut d, "seed=7").unwrap();
        apply_override(&mut d, "network.path_inflation=2.5").unwrap();
        apply_override(&mut d, "pops[0].code=FRA").unwrap();
        apply_override(&mut d, "duration=10m").unwrap();
        apply_override(&mut d, "workload.rate=50").unwrap();
        assert_eq!(d["seed"].as_integer(), Some(7));
        assert_eq!(d["network"]["path_inflation"].as_float(), Some(2.5));
        assert_eq!(d["pops"][0]["code"].as_str(), Some("FRA"));
        assert_eq!(d["duration"].as_str(), Some("10m"));
        assert_eq!(d["workload"]["rate"].as_integer(), Some(50));
    }

    #[test]
    fn refuses_what_it_cannot_set() {
        let mut d = doc();
        let err = |d: &mut Value, a: &str| apply_override(d, a).unwrap_err().0;
        assert!(err(&mut d, "seed").contains("KEY.PATH=VALUE"));
        assert!(err(&mut d, "pops[3].code=X").contains("pops has 1 entries"));
        assert!(
            err(&mut d, "network=1").contains("only scalars")
                || err(&mut d, "network=1").contains("table")
        );
        assert!(err(&mut d, "seed.x=1").contains("seed is not a table"));
        assert!(err(&mut d, "a..b=1").contains("not a key path"));
    }
}
