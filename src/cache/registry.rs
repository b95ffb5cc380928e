//! The eviction policies, listed once. Scenario files, `edgesim policies`, replay,
//! compare, the prefill and every check of the documentation read this list.
//!
//! Adding a policy:
//! 1. Write its file in `src/cache/`: the algorithm behind [`Cache`](super::Cache), and a
//!    `POLICY` constant that names it, describes it in one line and builds it.
//! 2. Add the file's module name to the `registry!` line in `src/cache/mod.rs`.
//!
//! Everything else follows from the list: the policy is accepted in scenarios and on
//! the command line, listed by `edgesim policies`, run through the conformance suite, and
//! the tests ask for it in the README's policy table and in `scenarios/reference.toml`.

use super::{Cache, Sizing};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

crate::message_error!(
    /// A policy name that is not registered; the message lists those that are.
    UnknownPolicy
);

/// Which law a cache of this policy is prefilled from (`[caching] prefill`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SteadyState {
    /// Che's approximation: an object stays while it is requested within the
    /// characteristic time. Used for every policy without a law of its own.
    Lru,
    /// An object stays for the characteristic time after each miss, whatever its hits.
    Fifo,
}

/// One eviction policy: its name, its constructor, and what the rest of edgesim must
/// know about it.
#[derive(Debug)]
pub struct Policy {
    /// The name in scenario files and on the command line.
    pub name: &'static str,
    /// One line on what it evicts and its fixed parameters.
    pub describe: &'static str,
    /// A new, empty policy for a cache of this many bytes, laid out for the sizing.
    pub build: fn(Sizing, u64) -> Box<dyn Cache>,
    /// Whether it needs each request's next use (trace replay only).
    pub needs_future: bool,
    /// The law a prefilled cache of this policy starts from.
    pub steady_state: SteadyState,
}

impl Policy {
    /// A policy called `name`, described by `describe`, built by `build`; it runs
    /// without knowing the future and is prefilled as LRU unless the builders below say
    /// otherwise.
    pub const fn new(
        name: &'static str,
        describe: &'static str,
        build: fn(Sizing, u64) -> Box<dyn Cache>,
    ) -> Self {
        Policy {
            name,
            describe,
            build,
            needs_future: false,
            steady_state: SteadyState::Lru,
        }
    }

    /// The same policy, which needs each request's next use.
    pub const fn needing_future(self) -> Self {
        Policy {
            needs_future: true,
            ..self
        }
    }

    /// The same policy, prefilled from `law`.
    pub const fn steady_state(self, law: SteadyState) -> Self {
        Policy {
            steady_state: law,
            ..self
        }
    }
}

/// The text of `edgesim policies`: the eviction policies `kinds`, then the admission
/// policies.
pub fn listing(kinds: &[PolicyKind]) -> String {
    let mut out =
        String::from("eviction policies (scenario `cache_policy`, replay `--policies`):\n");
    for p in kinds {
        out.push_str(&format!("  {:<16}{}\n", p.name(), p.describe()));
    }
    out.push_str("admission policies (replay `--admission`), combined with any eviction policy:\n");
    for (name, what) in super::AdmissionKind::LIST {
        out.push_str(&format!("  {name:<16}{what}\n"));
    }
    out
}

/// A policy from the registry (or, in tests, one made for the purpose).
#[derive(Clone, Copy)]
pub struct PolicyKind(&'static Policy);

impl PolicyKind {
    /// A policy that is not in the registry: for tests that show what registering does.
    pub const fn new(policy: &'static Policy) -> Self {
        PolicyKind(policy)
    }

    /// The name used in scenario files and on the command line.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// One line on what it does and its fixed parameters.
    pub fn describe(self) -> &'static str {
        self.0.describe
    }

    /// Whether it needs each request's future, which only trace replay knows.
    pub fn needs_future(self) -> bool {
        self.0.needs_future
    }

    /// The law a prefilled cache of this policy starts from.
    pub fn steady_state(self) -> SteadyState {
        self.0.steady_state
    }

    /// A new, empty policy for a cache of `capacity` bytes laid out for `sizing`.
    pub fn build(self, sizing: Sizing, capacity: u64) -> Box<dyn Cache> {
        (self.0.build)(sizing, capacity)
    }

    /// The policy called `name`, or an error listing the valid names.
    pub fn from_name(name: &str) -> Result<PolicyKind, UnknownPolicy> {
        Self::ALL
            .iter()
            .copied()
            .find(|p| p.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|p| p.name()).collect();
                UnknownPolicy(format!(
                    "unknown cache policy {name:?}; valid policies: {}",
                    names.join(", ")
                ))
            })
    }

    /// The policy called `name`, which must be registered (for code and tests that
    /// name a policy literally).
    pub fn named(name: &str) -> PolicyKind {
        Self::from_name(name).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Why this policy cannot run in a simulation, if it cannot: the one place that
    /// says so, for scenario files and `edgesim compare` alike.
    pub fn refuse_in_simulation(self) -> Option<String> {
        self.needs_future().then(|| {
            format!(
                "{} needs to know each request's future, so it is only available in `edgesim replay`",
                self.name()
            )
        })
    }

    /// The policy every cache site uses unless its scenario says otherwise.
    pub fn default_for_sites() -> PolicyKind {
        Self::named("lru")
    }
}

impl PartialEq for PolicyKind {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for PolicyKind {}

impl std::fmt::Debug for PolicyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for PolicyKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for PolicyKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        PolicyKind::from_name(&name).map_err(serde::de::Error::custom)
    }
}
