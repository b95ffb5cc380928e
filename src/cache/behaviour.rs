//! Each policy's signature behaviour on tiny hand-made traces, and the invariants every
//! policy keeps on random ones.

use super::arc::Arc;
use super::s3fifo::S3Fifo;
use super::*;
use proptest::prelude::*;

fn cache(kind: PolicyKind, capacity: u64) -> BoundedCache {
    BoundedCache::new(kind, capacity, Sizing::new(capacity, 10, None))
}

/// Replays `ids` (each object `size` bytes) as trace replay does, telling the policy each
/// request's next use; returns the positions of the requests that hit.
fn hits(kind: PolicyKind, capacity: u64, size: u64, ids: &[ObjectId]) -> Vec<usize> {
    let mut c = cache(kind, capacity);
    let mut out = Vec::new();
    for (i, &id) in ids.iter().enumerate() {
        let next = ids[i + 1..]
            .iter()
            .position(|&x| x == id)
            .map(|d| (i + 1 + d) as u64);
        c.next_use(id, next);
        if c.access(id).is_some() {
            out.push(i);
        } else {
            c.admit(id, Entry::sized(size));
        }
    }
    out
}

/// How many of the last `n` requests of `trace` hit under `kind`.
fn last_hits(kind: PolicyKind, capacity: u64, trace: &[ObjectId], n: usize) -> usize {
    let from = trace.len() - n;
    hits(kind, capacity, 5, trace)
        .iter()
        .filter(|&&i| i >= from)
        .count()
}

/// The ids of `0..universe` stored in `c`.
fn stored(c: &BoundedCache, universe: ObjectId) -> Vec<ObjectId> {
    (0..universe).filter(|&id| c.peek(id).is_some()).collect()
}

#[test]
fn clock_gives_a_requested_object_a_second_chance() {
    let mut c = cache(PolicyKind::named("clock"), 30);
    for id in 1..=3 {
        c.admit(id, Entry::sized(10));
    }
    c.access(1);
    c.admit(4, Entry::sized(10));
    assert_eq!(stored(&c, 5), [1, 3, 4], "2 goes, not the requested 1");
}

#[test]
fn sieve_spares_visited_objects_in_place_and_its_hand_remembers() {
    // Four slots; 1 and 3 are requested, so the hand passes 1 and takes 2, then later
    // passes 3 (whose bit it clears) and takes 4, then takes 5. LRU would lose 3.
    let trace = [1, 2, 3, 4, 1, 3, 5, 1, 6, 7];
    let mut c = cache(PolicyKind::named("sieve"), 40);
    for &id in &trace {
        if c.access(id).is_none() {
            c.admit(id, Entry::sized(10));
        }
    }
    assert_eq!(stored(&c, 8), [1, 3, 6, 7]);
    let mut lru = cache(PolicyKind::named("lru"), 40);
    for &id in &trace {
        if lru.access(id).is_none() {
            lru.admit(id, Entry::sized(10));
        }
    }
    assert_eq!(stored(&lru, 8), [1, 5, 6, 7]);
}

#[test]
fn s3fifo_demotes_one_hit_wonders_quickly_and_keeps_the_reused() {
    // Five objects requested twice, then a scan of 200 one-time objects, then the five
    // again: S3-FIFO moved them to its main queue, so the scan passes through the small
    // queue alone; LRU loses them all.
    let mut trace: Vec<ObjectId> = (1..=5).flat_map(|id| [id, id]).collect();
    trace.extend(1000..1200);
    trace.extend(1..=5);
    assert_eq!(last_hits(PolicyKind::named("s3fifo"), 100, &trace, 5), 5);
    assert_eq!(last_hits(PolicyKind::named("lru"), 100, &trace, 5), 0);
}

#[test]
fn s3fifo_readmits_a_remembered_ghost_straight_to_main() {
    let mut c = S3Fifo::new(Sizing::new(100, 10, None), 100);
    let bounded = |c: &mut S3Fifo, id: ObjectId| {
        if c.access(id).is_none() {
            while c.len() >= 10 {
                let v = c.victim().unwrap();
                c.evict(v);
            }
            c.insert(id, Entry::sized(10));
        }
    };
    for id in 1..=11 {
        bounded(&mut c, id);
    }
    assert!(
        c.is_ghost(1),
        "the small queue's unrequested oldest became a ghost"
    );
    bounded(&mut c, 1);
    assert!(c.in_main(1) && !c.is_ghost(1));
}

#[test]
fn arc_moves_its_target_towards_the_list_that_would_have_hit() {
    let mut arc = Arc::new(Sizing::new(30, 10, None), 30);
    let request = |arc: &mut Arc, id: ObjectId| {
        if arc.access(id).is_none() {
            arc.admitting(id, 10);
            while arc.len() >= 3 {
                let v = arc.victim().unwrap();
                arc.evict(v);
            }
            arc.insert(id, Entry::sized(10));
        }
    };
    // 1 is requested twice (into T2), so when 4 arrives T1 is below the capacity and
    // its oldest, 2, moves to the ghost list B1.
    for id in [1, 2, 3, 1, 4] {
        request(&mut arc, id);
    }
    assert_eq!(arc.target(), 0);
    // Asking for 2 again says T1 was too small: its target grows by 2's size.
    request(&mut arc, 2);
    assert_eq!(arc.target(), 10);
    assert!(arc.peek(2).is_some());
}

#[test]
fn lfu_evicts_the_least_frequent_and_the_oldest_among_equals() {
    let mut c = cache(PolicyKind::named("lfu"), 30);
    for id in 1..=3 {
        c.admit(id, Entry::sized(10));
    }
    c.access(1);
    c.access(1);
    c.access(2);
    c.admit(4, Entry::sized(10));
    assert_eq!(stored(&c, 5), [1, 2, 4], "3 had the lowest count");
    c.access(4);
    c.admit(5, Entry::sized(10));
    assert_eq!(
        stored(&c, 6),
        [1, 4, 5],
        "2 and 4 tie at 2; 2 was used longer ago"
    );
}

#[test]
fn gdsf_evicts_large_objects_before_small_ones_of_equal_frequency() {
    let mut c = cache(PolicyKind::named("gdsf"), 100);
    c.admit(1, Entry::sized(60));
    c.admit(2, Entry::sized(10));
    c.admit(3, Entry::sized(10));
    c.admit(4, Entry::sized(30));
    assert_eq!(stored(&c, 5), [2, 3, 4]);
}

#[test]
fn wtinylfu_keeps_frequent_objects_through_a_scan() {
    let mut trace: Vec<ObjectId> = (0..20).flat_map(|_| 1..=5).collect();
    trace.extend(1000..1300);
    trace.extend(1..=5);
    assert_eq!(last_hits(PolicyKind::named("wtinylfu"), 100, &trace, 5), 5);
    assert_eq!(last_hits(PolicyKind::named("lru"), 100, &trace, 5), 0);
}

#[test]
fn belady_evicts_the_furthest_next_use() {
    // A loop one larger than the cache: LRU misses every time, MIN only five times.
    let trace = [1, 2, 3, 4, 1, 2, 3, 4];
    assert_eq!(hits(PolicyKind::named("lru"), 3, 1, &trace).len(), 0);
    assert_eq!(hits(PolicyKind::named("belady"), 3, 1, &trace), [4, 5, 7]);
}

#[test]
fn admission_policies_filter_before_any_eviction() {
    let mut c = cache(PolicyKind::named("lru"), 100).with_admission(AdmissionKind::MaxSize(20));
    assert_eq!(c.admit(1, Entry::sized(30)), Admission::Declined);
    assert_eq!(
        c.admit(2, Entry::sized(20)),
        Admission::Stored { evicted: 0 }
    );
    let mut c = cache(PolicyKind::named("lru"), 100).with_admission(AdmissionKind::SecondHit(100));
    assert_eq!(c.admit(1, Entry::sized(10)), Admission::Declined);
    assert_eq!(
        c.admit(1, Entry::sized(10)),
        Admission::Stored { evicted: 0 }
    );
    assert_eq!(c.used(), 10);
    assert_eq!(
        AdmissionKind::parse("second-hit:5"),
        Ok(AdmissionKind::SecondHit(5))
    );
    assert_eq!(
        AdmissionKind::parse("size:1KiB"),
        Ok(AdmissionKind::MaxSize(1024))
    );
    assert!(AdmissionKind::parse("sometimes")
        .unwrap_err()
        .0
        .contains("all, size:LIMIT"));
}

#[test]
fn unknown_policy_names_are_refused_with_the_valid_ones() {
    assert_eq!(
        PolicyKind::from_name("s3fifo"),
        Ok(PolicyKind::named("s3fifo"))
    );
    let e = PolicyKind::from_name("lru2").unwrap_err().0;
    assert!(
        e.contains("\"lru2\"") && e.contains("sieve, wtinylfu"),
        "{e}"
    );
}

proptest! {
    #[test]
    fn every_policy_keeps_its_budget_exact_and_hits_change_no_bytes(
        capacity in 1u64..300,
        ops in proptest::collection::vec((0u64..80, 0u8..10), 1..400),
    ) {
        // Mostly requests (access, and admit on a miss), as replay and the simulator make;
        // sometimes a stored response replaced with another size, or removed, as the
        // simulator's revalidations and invalidations do.
        let size = |id: ObjectId| 1 + (id * 13 + 5) % 50;
        for &kind in PolicyKind::ALL {
            let mut c = cache(kind, capacity);
            for &(id, op) in &ops {
                let (used, len) = (c.used(), c.len());
                match op {
                    0 => {
                        c.store(id, Entry::sized(size(id + 1)));
                    }
                    1 => {
                        let was = c.peek(id).is_some();
                        prop_assert_eq!(c.remove(id), was);
                    }
                    _ => {
                        if c.access(id).is_some() {
                            prop_assert_eq!((c.used(), c.len()), (used, len), "{} hit", kind.name());
                        } else {
                            let admitted = c.admit(id, Entry::sized(size(id)));
                            if size(id) > capacity {
                                prop_assert_eq!(admitted, Admission::TooLarge);
                            }
                        }
                    }
                }
                prop_assert!(c.used() <= capacity, "{} over budget", kind.name());
                let bytes: u64 = (0..80).filter_map(|x| c.peek(x)).map(|e| e.size).sum();
                prop_assert_eq!(c.used(), bytes, "{} byte accounting", kind.name());
                let objects = (0..80).filter(|&x| c.peek(x).is_some()).count();
                prop_assert_eq!(c.len(), objects, "{} object count", kind.name());
            }
        }
    }
}
