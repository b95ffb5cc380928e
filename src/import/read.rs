//! Reading fields of a distribution config while remembering which were read, so that
//! every field the import did not map can be listed as not modelled, never dropped.

use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeSet;

/// The paths read so far (`CacheBehaviors[1].PathPattern`).
#[derive(Default)]
pub struct Seen(RefCell<BTreeSet<String>>);

/// A value at a path of the config.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    pub value: &'a Value,
    path: &'a str,
    seen: &'a Seen,
}

/// An owned path for a child node, kept alive by the caller.
pub struct Child<'a> {
    value: &'a Value,
    path: String,
    seen: &'a Seen,
}

impl<'a> Child<'a> {
    /// The child as a node.
    pub fn node(&self) -> Node<'_> {
        Node {
            value: self.value,
            path: &self.path,
            seen: self.seen,
        }
    }
}

impl<'a> Node<'a> {
    /// The root of `value`.
    pub fn root(value: &'a Value, seen: &'a Seen) -> Node<'a> {
        Node {
            value,
            path: "",
            seen,
        }
    }

    /// Its path, for messages.
    pub fn path(&self) -> &str {
        self.path
    }

    fn join(&self, key: &str) -> String {
        match self.path.is_empty() {
            true => key.to_string(),
            false => format!("{}.{key}", self.path),
        }
    }

    /// Field `key`, marked as read; `None` when absent or null.
    pub fn get(&self, key: &str) -> Option<Child<'a>> {
        let path = self.join(key);
        self.seen.0.borrow_mut().insert(path.clone());
        match self.value.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => Some(Child {
                value,
                path,
                seen: self.seen,
            }),
        }
    }

    /// The items of list field `key` (absent: none).
    pub fn items(&self, key: &str) -> Vec<Child<'a>> {
        let Some(child) = self.get(key) else {
            return Vec::new();
        };
        match child.value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, value)| Child {
                    value,
                    path: format!("{}[{i}]", child.path),
                    seen: self.seen,
                })
                .collect(),
            other => vec![Child {
                value: other,
                path: child.path,
                seen: self.seen,
            }],
        }
    }

    /// Field `key` as text; a CloudFormation intrinsic function reads as its short form
    /// (`!Ref Bucket`), which the import treats as opaque.
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key).map(|c| text_of(c.value))
    }

    /// Field `key` as a whole number, from a number or numeric text.
    pub fn number(&self, key: &str) -> Result<Option<u64>, String> {
        let Some(c) = self.get(key) else {
            return Ok(None);
        };
        let n = match c.value {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        n.map(Some).ok_or_else(|| {
            format!(
                "{}: expected a whole number, got {}",
                c.path,
                text_of(c.value)
            )
        })
    }

    /// Field `key` as a boolean, from a boolean or `"true"`/`"false"`.
    pub fn flag(&self, key: &str) -> Result<Option<bool>, String> {
        let Some(c) = self.get(key) else {
            return Ok(None);
        };
        match c.value {
            Value::Bool(b) => Ok(Some(*b)),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            other => Err(format!(
                "{}: expected true or false, got {}",
                c.path,
                text_of(other)
            )),
        }
    }

    /// List field `key` as texts.
    pub fn texts(&self, key: &str) -> Vec<String> {
        self.items(key).iter().map(|c| text_of(c.value)).collect()
    }
}

/// A value as text: strings as they are, intrinsic functions in their short form.
pub fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) if is_function(v) => {
            let (k, x) = m.iter().next().expect("one entry");
            let name = k.strip_prefix("Fn::").unwrap_or(k);
            let arg = match x {
                Value::Array(parts) => parts.iter().map(text_of).collect::<Vec<_>>().join("."),
                other => text_of(other),
            };
            format!("!{name} {arg}")
        }
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Whether `v` is a CloudFormation intrinsic function: `{"Ref": …}`, `{"Fn::…": …}`.
fn is_function(v: &Value) -> bool {
    match v {
        Value::Object(m) if m.len() == 1 => m
            .keys()
            .all(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::")),
        _ => false,
    }
}

/// Whether `text` is an unresolved CloudFormation intrinsic function.
pub fn is_intrinsic(text: &str) -> bool {
    text.starts_with('!')
}

/// Whether `v` says something: not null, false, zero, empty text or an empty list or
/// object.
fn meaningful(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(m) => m.values().any(meaningful),
    }
}

impl Seen {
    /// The paths under `v` that were never read and say something, outermost first.
    pub fn unread(&self, v: &Value) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(v, "", &mut out);
        out
    }

    fn walk(&self, v: &Value, path: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) if !is_function(v) => {
                for (k, x) in m {
                    let p = match path.is_empty() {
                        true => k.clone(),
                        false => format!("{path}.{k}"),
                    };
                    if self.0.borrow().contains(&p) {
                        self.walk(x, &p, out);
                    } else if meaningful(x) {
                        out.push(p);
                    }
                }
            }
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    self.walk(x, &format!("{path}[{i}]"), out);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unread_fields_are_listed_and_read_ones_are_not() {
        let v = json!({"A": {"B": 1, "C": "x", "D": ""}, "E": [{"F": true}], "G": false,
                       "H": {"Ref": "Bucket"}});
        let seen = Seen::default();
        let root = Node::root(&v, &seen);
        let a = root.get("A").unwrap();
        assert_eq!(a.node().number("B"), Ok(Some(1)));
        assert_eq!(root.text("H").as_deref(), Some("!Ref Bucket"));
        let _ = root.items("E");
        assert_eq!(seen.unread(&v), ["A.C", "E[0].F"]);
    }
}
