//! `scenarios/reference.toml` documents every key, each at the code's default.

use edgesim::scenario::{load_str, Overrides, Scenario};
use std::collections::BTreeSet;
use toml::Value;

const REFERENCE: &str = include_str!("../../scenarios/reference.toml");

fn load(text: &str) -> Option<Scenario> {
    load_str(text, "reference.toml", &Overrides::default()).ok()
}

/// Every leaf key path of a TOML tree; arrays of tables are walked element by element.
fn leaves(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Table(t) => {
            for (k, child) in t {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(child, &p, out);
            }
        }
        Value::Array(a) if a.iter().all(Value::is_table) && !a.is_empty() => {
            for (i, child) in a.iter().enumerate() {
                leaves(child, &format!("{prefix}[{i}]"), out);
            }
        }
        _ => {
            out.insert(prefix.to_string());
        }
    }
}

/// Removes the leaf at `path` (as produced by `leaves`).
fn remove(v: &mut Value, path: &str) {
    let (parent, key) = path.rsplit_once('.').map_or(("", path), |(p, k)| (p, k));
    let mut node = v;
    for part in parent.split('.').filter(|p| !p.is_empty()) {
        let (name, index) = match part.split_once('[') {
            Some((n, i)) => (n, Some(i.trim_end_matches(']').parse::<usize>().unwrap())),
            None => (part, None),
        };
        node = &mut node[name];
        if let Some(i) = index {
            node = &mut node[i];
        }
    }
    node.as_table_mut().unwrap().remove(key);
}

#[test]
fn the_reference_is_a_valid_scenario() {
    assert!(load(REFERENCE).is_some());
}

#[test]
fn the_reference_names_every_key_the_code_knows() {
    let scenario = load(REFERENCE).unwrap();
    let written: Value = toml::from_str(REFERENCE).unwrap();
    let resolved: Value = toml::from_str(&scenario.resolved_toml()).unwrap();
    let (mut a, mut b) = (BTreeSet::new(), BTreeSet::new());
    leaves(&written, "", &mut a);
    leaves(&resolved, "", &mut b);
    assert_eq!(a, b, "keys in the reference vs keys the code writes");
    // Keys whose default is "absent" are documented as comments.
    for key in [
        "# requests =",
        "# capacity_rps =",
        "# response_completion_timeout =",
        "# max_queue =",
        "# max_rps =",
        "# trusted_key_groups =",
        "# compress =",
        "# price_class =",
    ] {
        assert!(REFERENCE.contains(key), "{key}");
    }
}

#[test]
fn every_optional_key_in_the_reference_shows_its_default() {
    let full = load(REFERENCE).unwrap();
    let written: Value = toml::from_str(REFERENCE).unwrap();
    let mut keys = BTreeSet::new();
    leaves(&written, "", &mut keys);
    let mut optional = 0;
    for key in &keys {
        let mut without = written.clone();
        remove(&mut without, key);
        // A key whose removal still loads is optional: the default must equal the reference.
        if let Some(s) = load(&toml::to_string(&without).unwrap()) {
            assert_eq!(s, full, "reference value of {key} is not the default");
            optional += 1;
        }
    }
    assert!(optional >= 25, "only {optional} optional keys were checked");
}

#[test]
fn the_default_scenario_is_valid_and_global() {
    let s = load(edgesim::scenario::DEFAULT_SCENARIO).unwrap();
    let spec = s.spec();
    assert_eq!(spec.name, "default");
    assert!(spec.regions.len() >= 5);
    assert!(spec.pops.len() >= 6);
    assert_eq!(spec.origins.len(), 1);
    let objects: u64 = spec.workload.classes.iter().map(|c| c.objects).sum();
    assert!((900_000..=1_100_000).contains(&objects), "{objects}");
    // POPs on at least three continents, judged by longitude bands and hemispheres.
    let continents: BTreeSet<&str> = spec
        .pops
        .iter()
        .map(|p| match (p.lat, p.lon) {
            (_, lon) if lon < -30.0 && p.lat > 10.0 => "north america",
            (_, lon) if lon < -30.0 => "south america",
            (_, lon) if lon < 60.0 => "europe",
            _ => "asia-pacific",
        })
        .collect();
    assert!(continents.len() >= 3, "{continents:?}");
}

#[test]
fn every_number_in_the_reference_has_a_documented_range() {
    let s = load(REFERENCE).expect("valid");
    assert_eq!(
        edgesim::scenario::bounds::uncovered(s.spec()),
        Vec::<String>::new(),
        "add these keys to src/scenario/bounds.rs"
    );
    let listing = edgesim::scenario::bounds::listing();
    assert!(
        REFERENCE.contains(&listing),
        "scenarios/reference.toml must end with the ranges of bounds.rs:\n{listing}"
    );
}
