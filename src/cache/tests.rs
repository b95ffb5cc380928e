//! The suite every policy must pass, plus property tests against tiny reference models.

use super::*;
use proptest::prelude::*;

/// Both index layouts, which must behave identically.
const LAYOUTS: [Option<u64>; 2] = [None, Some(64)];

fn cache(kind: PolicyKind, capacity: u64, dense: Option<u64>) -> BoundedCache {
    BoundedCache::new(kind, capacity, Sizing::new(capacity, 10, dense))
}

/// A fixed size per object, as the simulator derives sizes from ids.
fn size_of(id: ObjectId) -> u64 {
    1 + (id * 7 + 3) % 40
}

/// Replays `ids` as a simulator does: access, and on a miss admit.
/// Returns which requests hit.
fn replay(cache: &mut BoundedCache, ids: &[ObjectId]) -> Vec<bool> {
    ids.iter()
        .map(|&id| {
            let hit = cache.access(id).is_some();
            if !hit {
                cache.admit(id, Entry::sized(size_of(id)));
            }
            hit
        })
        .collect()
}

/// The obviously correct model: a vector ordered front (newest) to back (victim).
/// `promote` says whether a hit moves the object to the front (LRU) or not (FIFO).
fn reference(capacity: u64, ids: &[ObjectId], promote: bool) -> Vec<bool> {
    let mut order: Vec<ObjectId> = Vec::new();
    ids.iter()
        .map(|&id| {
            if let Some(pos) = order.iter().position(|&x| x == id) {
                if promote {
                    order.remove(pos);
                    order.insert(0, id);
                }
                return true;
            }
            let size = size_of(id);
            if size <= capacity {
                while order.iter().map(|&x| size_of(x)).sum::<u64>() + size > capacity {
                    order.pop();
                }
                order.insert(0, id);
            }
            false
        })
        .collect()
}

fn stored_bytes(cache: &BoundedCache, universe: u64) -> u64 {
    (0..universe)
        .filter_map(|id| cache.peek(id))
        .map(|e| e.size)
        .sum()
}

#[test]
fn every_registered_policy_keeps_the_contract() {
    for &kind in PolicyKind::ALL {
        if let Err(e) = conformance::check(kind) {
            panic!("{e}");
        }
    }
}

#[test]
fn a_dense_index_takes_ids_past_its_bound() {
    let mut c = cache(PolicyKind::named("lru"), 100, Some(4));
    assert_eq!(
        c.admit(1000, Entry::sized(10)),
        Admission::Stored { evicted: 0 }
    );
    assert_eq!(c.peek(1000).map(|e| e.size), Some(10));
    assert_eq!(c.peek(5000), None);
}

#[test]
fn lru_keeps_what_was_used_and_fifo_does_not() {
    let ids = [1, 2, 3, 1, 4, 1];
    let mut lru = cache(PolicyKind::named("lru"), 30, None);
    let mut fifo = cache(PolicyKind::named("fifo"), 30, None);
    let sized = |c: &mut BoundedCache| {
        ids.iter()
            .map(|&id| {
                let hit = c.access(id).is_some();
                if !hit {
                    c.admit(id, Entry::sized(10));
                }
                hit
            })
            .collect::<Vec<_>>()
    };
    // LRU: 4 evicts 2 (1 was touched), so the last 1 hits. FIFO: 4 evicts 1.
    assert_eq!(sized(&mut lru), [false, false, false, true, false, true]);
    assert_eq!(sized(&mut fifo), [false, false, false, true, false, false]);
}

proptest! {
    #[test]
    fn policies_match_their_reference_models(
        capacity in 1u64..120,
        ids in proptest::collection::vec(0u64..24, 1..300),
    ) {
        let modelled = [PolicyKind::named("lru"), PolicyKind::named("fifo")];
        for (&kind, dense) in modelled.iter().flat_map(|k| LAYOUTS.map(|l| (k, l))) {
            let mut cache = cache(kind, capacity, dense);
            let hits = replay(&mut cache, &ids);
            let expected = reference(capacity, &ids, kind == PolicyKind::named("lru"));
            prop_assert_eq!(&hits, &expected, "{} disagrees with its model", kind.name());
            prop_assert!(cache.used() <= capacity);
            prop_assert_eq!(cache.used(), stored_bytes(&cache, 24));
        }
    }

    #[test]
    fn capacity_holds_after_every_step(
        capacity in 1u64..200,
        ids in proptest::collection::vec(0u64..64, 1..200),
    ) {
        for (&kind, dense) in PolicyKind::ALL.iter().flat_map(|k| LAYOUTS.map(|l| (k, l))) {
            let mut cache = cache(kind, capacity, dense);
            for &id in &ids {
                if cache.access(id).is_none() {
                    cache.admit(id, Entry::sized(size_of(id)));
                }
                prop_assert!(cache.used() <= cache.capacity());
                prop_assert_eq!(cache.used(), stored_bytes(&cache, 64));
            }
        }
    }
}
