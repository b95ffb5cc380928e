//! Names resolved to indices, for the plan parts the domain modules define.

use super::{Group, ScenarioSpec};
use crate::check::Invalid;
use crate::fault::{Place, Resolver};
use crate::signing::KeyRefs;
use crate::units::secs_to_signed_nanos;

/// The scenario's names, looked up once while the plan is built.
pub(super) struct Names<'a>(pub &'a ScenarioSpec);

fn position<T>(items: &[T], name: impl Fn(&T) -> &str, wanted: &str) -> Option<usize> {
    items.iter().position(|t| name(t) == wanted)
}

impl Resolver for Names<'_> {
    fn pop(&self, code: &str) -> Option<u16> {
        position(&self.0.pops, |p| &p.code, code).map(|i| i as u16)
    }

    fn regional(&self, name: &str) -> Option<u16> {
        position(&self.0.regional_caches, |r| &r.name, name).map(|i| i as u16)
    }

    fn place(&self, name: &str) -> Option<Place> {
        let s = self.0;
        // The order in which a name is looked for, as validation lists the places.
        position(&s.regions, |r| &r.name, name)
            .map(|i| Place::Region(i as u16))
            .or_else(|| self.pop(name).map(Place::Pop))
            .or_else(|| self.regional(name).map(Place::Regional))
            .or_else(|| self.origin(name).map(|i| Place::Origin(i as u16)))
    }

    fn key_group(&self, id: &str) -> Option<usize> {
        position(&self.0.key_groups, |g| &g.id, id)
    }

    fn public_key(&self, id: &str) -> Option<usize> {
        position(&self.0.public_keys, |k| &k.id, id)
    }

    fn origin(&self, name: &str) -> Option<usize> {
        position(&self.0.origins, |o| &o.name, name)
    }

    fn origins(&self) -> usize {
        self.0.origins.len()
    }
}

/// The key ids of behaviors, key groups and signed classes, as indices.
pub(super) fn key_refs(s: &ScenarioSpec) -> Result<KeyRefs, Invalid> {
    let names = Names(s);
    let missing = |path: String, id: &str| Invalid {
        path,
        message: format!("no key or key group has id {id:?}"),
    };
    let behaviors = s
        .behaviors
        .iter()
        .enumerate()
        .map(|(i, b)| (format!("behaviors[{i}].trusted_key_groups"), b));
    let default = (
        "default_behavior.trusted_key_groups".to_string(),
        &s.default_behavior,
    );
    let trusted = behaviors
        .chain(std::iter::once(default))
        .map(|(path, b)| {
            let groups = b.trusted_key_groups.iter().enumerate();
            groups
                .map(|(j, g)| {
                    names
                        .key_group(g)
                        .ok_or_else(|| missing(format!("{path}[{j}]"), g))
                })
                .collect()
        })
        .collect::<Result<_, _>>()?;
    let groups = s
        .key_groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let keys = g.keys.iter().enumerate();
            keys.map(|(j, k)| {
                let path = || format!("key_groups[{i}].keys[{j}]");
                names.public_key(k).ok_or_else(|| missing(path(), k))
            })
            .collect()
        })
        .collect::<Result<_, _>>()?;
    let signers = s
        .workload
        .classes
        .iter()
        .enumerate()
        .map(|(i, c)| match &c.signed {
            None => Ok(None),
            Some(x) => names
                .public_key(&x.key)
                .map(|k| Some(x.signer(k)))
                .ok_or_else(|| missing(format!("workload.classes[{i}].signed.key"), &x.key)),
        })
        .collect::<Result<_, _>>()?;
    Ok(KeyRefs {
        trusted,
        groups,
        signers,
        key_ids: s.public_keys.iter().map(|k| k.id.clone()).collect(),
        edge_skew: secs_to_signed_nanos(s.signing.edge_clock_skew_s),
        crypto_rate: s.signing.crypto_sample_rate,
    })
}

/// An `Invalid` for `path` naming `name`, which is none of `kind`.
fn no_such(path: String, kind: &str, name: &str) -> Invalid {
    Invalid {
        path,
        message: format!("no {kind} is named {name:?}"),
    }
}

/// The origin groups, their members as origin indices.
pub(super) fn groups(s: &ScenarioSpec) -> Result<Vec<Group>, Invalid> {
    let names = Names(s);
    let member = |i: usize, j: usize| {
        let name = &s.origin_groups[i].members[j];
        let path = || format!("origin_groups[{i}].members[{j}]");
        (names.origin(name).map(|o| o as u16)).ok_or_else(|| no_such(path(), "origin", name))
    };
    (s.origin_groups.iter().enumerate())
        .map(|(i, g)| {
            Ok(Group {
                primary: member(i, 0)?,
                secondary: member(i, 1)?,
                failover_status_codes: g.failover_status_codes.clone(),
            })
        })
        .collect()
}

/// Per POP its regional cache, and per origin its shield, as regional-cache indices.
pub(super) fn regionals(s: &ScenarioSpec) -> Result<RegionalRefs, Invalid> {
    let names = Names(s);
    let find = |name: &Option<String>, path: String| match name {
        None => Ok(None),
        Some(n) => (names.regional(n).map(Some)).ok_or_else(|| no_such(path, "regional cache", n)),
    };
    let pops = (s.pops.iter().enumerate())
        .map(|(i, p)| find(&p.regional_cache, format!("pops[{i}].regional_cache")))
        .collect::<Result<_, _>>()?;
    let shields = (s.origins.iter().enumerate())
        .map(|(i, o)| find(&o.shield, format!("origins[{i}].shield")))
        .collect::<Result<_, _>>()?;
    Ok((pops, shields))
}

/// Per POP its regional cache, per origin its shield.
pub(super) type RegionalRefs = (Vec<Option<u16>>, Vec<Option<u16>>);
