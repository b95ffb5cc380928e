//! `--set key.path=value`: changes one setting in a parsed scenario before it is read.
//!
//! Paths use the same form as error messages: `network.path_inflation`,
//! `pops[2].cache_capacity`. Two more selections work on arrays:
//! - `[*]` sets every element: `pops[*].cache_capacity=16GiB`;
//! - `[NAME]` sets the element whose `name` or `code` is NAME: `regions[asia].traffic=2`,
//!   `pops[NRT].cache_capacity=8GiB`, `origins[primary].capacity_rps=500`.
//!
//! The value is read as TOML (`42`, `0.5`, `true`, `"10m"`); anything that is not valid TOML
//! is taken as a string, so `--set duration=10m` works.

use toml::{Table, Value};

/// One step of a key path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
    /// Every element of an array: `[*]`.
    All,
    /// The array element whose `name` or `code` is this: `[asia]`.
    Name(String),
}

/// The fields that name an array element, for `[NAME]`.
const NAME_FIELDS: [&str; 2] = ["name", "code"];

/// Splits `pops[2].cache_capacity` into segments; `None` if it is malformed.
pub fn parse_path(path: &str) -> Option<Vec<Segment>> {
    let mut out = Vec::new();
    let mut rest = path;
    loop {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let key = &rest[..end];
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return None;
        }
        out.push(Segment::Key(key.to_string()));
        rest = &rest[end..];
        while let Some(after_open) = rest.strip_prefix('[') {
            let (inside, after) = after_open.split_once(']')?;
            out.push(match inside {
                "*" => Segment::All,
                _ if inside.bytes().all(|b| b.is_ascii_digit()) => {
                    Segment::Index(inside.parse().ok()?)
                }
                _ if inside.is_empty() || inside.contains(['[', '*']) => return None,
                _ => Segment::Name(inside.to_string()),
            });
            rest = after;
        }
        match rest.strip_prefix('.') {
            Some(after) => rest = after,
            None if rest.is_empty() => return Some(out),
            None => return None,
        }
    }
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
/// a defaulted key can be set; array elements must exist. Returns the key paths it set,
/// with indices (several for `[*]`), or what is wrong.
pub fn apply_override(doc: &mut Value, arg: &str) -> Result<Vec<String>, OverrideError> {
    apply(doc, arg).map_err(OverrideError)
}

crate::message_error!(
    /// A `--set` that cannot be applied: not `KEY.PATH=VALUE`, or a path that is not there.
    OverrideError
);

fn apply(doc: &mut Value, arg: &str) -> Result<Vec<String>, String> {
    let (path, value) = arg.split_once('=').ok_or_else(|| {
        "expected KEY.PATH=VALUE, e.g. --set pops[0].cache_capacity=8GiB".to_string()
    })?;
    let segments = parse_path(path.trim()).ok_or_else(|| {
        format!("{path:?} is not a key path such as network.path_inflation, pops[0].code, pops[*].cache_capacity or regions[asia].traffic")
    })?;
    let value = parse_value(value.trim());
    if matches!(value, Value::Table(_) | Value::Array(_)) {
        return Err("only scalars (numbers, strings, booleans) can be set".into());
    }
    let mut touched = Vec::new();
    set(doc, &segments, &value, String::new(), &mut touched)?;
    Ok(touched)
}

/// The name of an array element, for `[NAME]`.
fn element_name(v: &Value) -> Option<&str> {
    NAME_FIELDS
        .iter()
        .find_map(|f| v.get(f).and_then(Value::as_str))
}

fn set(
    node: &mut Value,
    segments: &[Segment],
    value: &Value,
    walked: String,
    touched: &mut Vec<String>,
) -> Result<(), String> {
    let Some((first, rest)) = segments.split_first() else {
        if matches!(node, Value::Table(_) | Value::Array(_)) {
            return Err(format!(
                "{walked} is a table or an array; --set changes only scalars"
            ));
        }
        *node = value.clone();
        touched.push(walked);
        return Ok(());
    };
    let chosen: Vec<usize> = match first {
        Segment::Key(key) => {
            let table = node
                .as_table_mut()
                .ok_or_else(|| format!("{walked} is not a table, so it has no key {key:?}"))?;
            let here = match walked.is_empty() {
                true => key.clone(),
                false => format!("{walked}.{key}"),
            };
            let child = table
                .entry(key.clone())
                .or_insert_with(|| match rest.first() {
                    Some(Segment::Key(_)) => Value::Table(Table::new()),
                    Some(_) => Value::Array(Vec::new()),
                    None => Value::Boolean(false),
                });
            return set(child, rest, value, here, touched);
        }
        Segment::Index(i) => {
            let len = array(node, &walked)?.len();
            if *i >= len {
                return Err(format!("{walked} has {len} entries, so there is no [{i}]"));
            }
            vec![*i]
        }
        Segment::All => match array(node, &walked)?.len() {
            0 => return Err(format!("{walked} has no entries, so [*] sets nothing")),
            len => (0..len).collect(),
        },
        Segment::Name(name) => {
            let elements = array(node, &walked)?;
            let found: Vec<usize> = (0..elements.len())
                .filter(|&i| element_name(&elements[i]) == Some(name.as_str()))
                .collect();
            if found.is_empty() {
                let names: Vec<&str> = elements.iter().filter_map(element_name).collect();
                return Err(match names.is_empty() {
                    true => format!(
                        "{walked} has no named entries, so there is no [{name}]; use an index"
                    ),
                    false => format!(
                        "{walked} has no entry named {name:?}; its names are {}",
                        names.join(", ")
                    ),
                });
            }
            found
        }
    };
    let elements = array(node, &walked)?;
    for i in chosen {
        set(
            &mut elements[i],
            rest,
            value,
            format!("{walked}[{i}]"),
            touched,
        )?;
    }
    Ok(())
}

fn array<'a>(node: &'a mut Value, walked: &str) -> Result<&'a mut Vec<Value>, String> {
    node.as_array_mut()
        .ok_or_else(|| format!("{walked} is not an array, so it cannot be indexed"))
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
        assert_eq!(
            parse_path("pops[*].x"),
            Some(vec![Key("pops".into()), All, Key("x".into())])
        );
        assert_eq!(
            parse_path("regions[eu.west].traffic"),
            Some(vec![
                Key("regions".into()),
                Name("eu.west".into()),
                Key("traffic".into())
            ])
        );
        for bad in [
            "", "a..b", "a[", "a[]", "a[x*]", "a]b", "[1]", "a[1]b", "a.",
        ] {
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

    #[test]
    fn wildcards_set_every_element_and_names_select_one() {
        let mut d = Value::Table(
            "[[pops]]\ncode = \"IAD\"\n[[pops]]\ncode = \"NRT\"\n[[regions]]\nname = \"asia\"\n"
                .parse()
                .unwrap(),
        );
        let set = apply_override(&mut d, "pops[*].cache_capacity=16GiB").unwrap();
        assert_eq!(set, ["pops[0].cache_capacity", "pops[1].cache_capacity"]);
        assert_eq!(d["pops"][1]["cache_capacity"].as_str(), Some("16GiB"));
        let set = apply_override(&mut d, "pops[NRT].cache_capacity=8GiB").unwrap();
        assert_eq!(set, ["pops[1].cache_capacity"]);
        assert_eq!(d["pops"][0]["cache_capacity"].as_str(), Some("16GiB"));
        assert_eq!(d["pops"][1]["cache_capacity"].as_str(), Some("8GiB"));
        apply_override(&mut d, "regions[asia].traffic=2").unwrap();
        assert_eq!(d["regions"][0]["traffic"].as_integer(), Some(2));
        let e = apply_override(&mut d, "pops[SYD].cache_capacity=1GiB")
            .unwrap_err()
            .0;
        assert_eq!(e, "pops has no entry named \"SYD\"; its names are IAD, NRT");
        let e = apply_override(&mut d, "faults[*].start=1s").unwrap_err().0;
        assert_eq!(e, "faults has no entries, so [*] sets nothing");
    }
}
