//! The policy registry is the one list: `edgesim policies`, the conformance suite, the
//! README's policy table and `scenarios/reference.toml` all follow it. A probe policy that
//! is not registered shows what registering one does.

use crate::common;
use edgesim::cache::{conformance, listing, Cache, Entry, ObjectId, Policy, PolicyKind};
use edgesim::cache::{Sizing, SteadyState};

const README: &str = include_str!("../../README.md");
const REFERENCE: &str = include_str!("../../scenarios/reference.toml");

/// What the README's policy table gets wrong against `kinds`: its rows, in order, must
/// be exactly the policies' names.
fn readme_problems(kinds: &[PolicyKind]) -> Vec<String> {
    let table = README
        .split("| policy | what it evicts |\n|---|---|\n")
        .nth(1)
        .expect("the README has a policy table");
    let rows: Vec<&str> = table
        .lines()
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.split('`').nth(1))
        .collect();
    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    let mut problems = Vec::new();
    for n in &names {
        if !rows.contains(n) {
            problems.push(format!("the README's policy table lacks {n}"));
        }
    }
    for r in &rows {
        if !names.contains(r) {
            problems.push(format!(
                "the README's policy table lists {r}, which is not registered"
            ));
        }
    }
    if problems.is_empty() && rows != names {
        problems.push(format!(
            "the README's policy table is not in registry order: {rows:?}"
        ));
    }
    problems
}

/// What `reference.toml` gets wrong: each `cache_policy` comment lists every policy a
/// simulation can run, in registry order.
fn reference_problems(kinds: &[PolicyKind]) -> Vec<String> {
    let usable: Vec<&str> = kinds
        .iter()
        .filter(|k| k.refuse_in_simulation().is_none())
        .map(|k| k.name())
        .collect();
    let (last, rest) = usable
        .split_last()
        .expect("some policy runs in a simulation");
    let want = format!("# Eviction policy: {} or {last}.", rest.join(", "));
    let lines: Vec<&str> = REFERENCE
        .lines()
        .filter(|l| l.starts_with("cache_policy ="))
        .collect();
    assert!(
        lines.len() >= 2,
        "reference.toml documents POP and regional policies"
    );
    lines
        .iter()
        .filter(|l| !l.ends_with(&want))
        .map(|l| format!("reference.toml: {l:?} should end {want:?}"))
        .collect()
}

#[test]
fn the_readme_and_reference_list_exactly_the_registered_policies() {
    assert_eq!(readme_problems(PolicyKind::ALL), Vec::<String>::new());
    assert_eq!(reference_problems(PolicyKind::ALL), Vec::<String>::new());
}

#[test]
fn edgesim_policies_prints_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let o = common::edgesim(dir.path(), &["policies"]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        listing(PolicyKind::ALL)
    );
}

/// LRU under another name, as a new policy would be registered.
static PROBE: Policy = Policy {
    name: "probe",
    describe: "LRU under another name, for the registry's tests",
    build: |sizing, capacity| PolicyKind::named("lru").build(sizing, capacity),
    needs_future: false,
    steady_state: SteadyState::Lru,
};

/// A policy that breaks the contract: replacing an entry in place does nothing.
struct Forgetful(Box<dyn Cache>);

impl Cache for Forgetful {
    fn access(&mut self, id: ObjectId) -> Option<Entry> {
        self.0.access(id)
    }
    fn peek(&self, id: ObjectId) -> Option<Entry> {
        self.0.peek(id)
    }
    fn insert(&mut self, id: ObjectId, entry: Entry) {
        self.0.insert(id, entry);
    }
    fn set(&mut self, id: ObjectId, _entry: Entry) -> bool {
        self.0.peek(id).is_some()
    }
    fn victim(&mut self) -> Option<ObjectId> {
        self.0.victim()
    }
    fn remove(&mut self, id: ObjectId) -> Option<u64> {
        self.0.remove(id)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

static BROKEN: Policy = Policy {
    name: "forgetful",
    describe: "ignores in-place replacement",
    build: |sizing: Sizing, capacity| {
        Box::new(Forgetful(PolicyKind::named("lru").build(sizing, capacity)))
    },
    needs_future: false,
    steady_state: SteadyState::Lru,
};

#[test]
fn a_policy_added_to_the_registry_alone_appears_in_every_listing_and_check() {
    let probe = PolicyKind::new(&PROBE);
    let mut kinds = PolicyKind::ALL.to_vec();
    kinds.push(probe);
    // `edgesim policies` prints the listing of the registry.
    assert!(listing(&kinds).contains("  probe           LRU under another name"));
    // The conformance suite runs it, and passes a correct policy.
    assert_eq!(conformance::check(probe), Ok(()));
    // The documentation checks ask for it by name.
    assert_eq!(
        readme_problems(&kinds),
        ["the README's policy table lacks probe"]
    );
    let missing = reference_problems(&kinds);
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(
        missing[0].contains("sieve, wtinylfu, gdsf or probe."),
        "{missing:?}"
    );
}

#[test]
fn the_conformance_suite_catches_a_policy_that_breaks_the_contract() {
    let e = conformance::check(PolicyKind::new(&BROKEN)).unwrap_err().0;
    assert!(
        e.starts_with("forgetful (hashed index), store: the replaced entry"),
        "{e}"
    );
}
