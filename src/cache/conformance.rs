//! The contract every eviction policy must keep, as a check a policy can be put through:
//! the unit tests run it over the registry, and a new policy's author can run it alone.

use super::{Admission, BoundedCache, Entry, ObjectId, PolicyKind, Sizing};

/// One rule of the contract, on a hashed (`None`) or dense index.
type Check = fn(PolicyKind, Option<u64>) -> Result<(), String>;

crate::message_error!(
    /// The first rule of the contract a policy broke: the policy, the index layout, the
    /// rule and what happened.
    Violation
);

/// Puts `kind` through every check of the contract; the first broken rule is the error.
pub fn check(kind: PolicyKind) -> Result<(), Violation> {
    for dense in [None, Some(64)] {
        let layout = if dense.is_some() { "dense" } else { "hashed" };
        let checks: [(&str, Check); 5] = [
            ("an object larger than the cache", too_large),
            ("peek", peek_changes_nothing),
            ("store", store_replaces),
            ("admitting a present object", present),
            ("a long mixed workload", budget_holds),
        ];
        for (what, f) in checks {
            f(kind, dense)
                .map_err(|e| Violation(format!("{} ({layout} index), {what}: {e}", kind.name())))?;
        }
    }
    Ok(())
}

fn cache(kind: PolicyKind, capacity: u64, dense: Option<u64>) -> BoundedCache {
    BoundedCache::new(kind, capacity, Sizing::new(capacity, 10, dense))
}

fn expect<T: PartialEq + std::fmt::Debug>(got: T, want: T, what: &str) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, expected {want:?}"))
    }
}

fn too_large(kind: PolicyKind, dense: Option<u64>) -> Result<(), String> {
    let mut c = cache(kind, 100, dense);
    expect(
        c.admit(1, Entry::sized(101)),
        Admission::TooLarge,
        "101 B into 100 B",
    )?;
    expect(c.peek(1), None, "the refused object")?;
    let stored = Admission::Stored { evicted: 0 };
    expect(c.admit(2, Entry::sized(100)), stored, "100 B into 100 B")?;
    expect(c.used(), 100, "bytes used")
}

/// Two caches see the same requests and one is also peeked at, many times: if a peek
/// counted as a use, the two would evict differently.
fn peek_changes_nothing(kind: PolicyKind, dense: Option<u64>) -> Result<(), String> {
    let (mut plain, mut peeked) = (cache(kind, 30, dense), cache(kind, 30, dense));
    for id in 1..=3 {
        plain.admit(id, Entry::sized(10));
        peeked.admit(id, Entry::sized(10));
        for _ in 0..5 {
            for seen in 1..=id {
                expect(peeked.peek(seen).map(|e| e.size), Some(10), "a stored size")?;
            }
        }
    }
    plain.admit(4, Entry::sized(10));
    peeked.admit(4, Entry::sized(10));
    let present = |c: &BoundedCache| (1..=4).map(|id| c.peek(id).is_some()).collect::<Vec<_>>();
    expect(
        present(&peeked),
        present(&plain),
        "what is stored after peeks",
    )?;
    expect(peeked.len(), 3, "objects stored")
}

fn store_replaces(kind: PolicyKind, dense: Option<u64>) -> Result<(), String> {
    let mut c = cache(kind, 100, dense);
    c.admit(1, Entry::sized(10));
    let newer = Entry {
        fresh_until: 99,
        ..Entry::sized(10)
    };
    expect(c.store(1, newer), Admission::Present, "a same-size store")?;
    expect(c.peek(1), Some(newer), "the replaced entry")?;
    let stored = Admission::Stored { evicted: 0 };
    expect(c.store(1, Entry::sized(30)), stored, "a resized store")?;
    expect((c.used(), c.len()), (30, 1), "bytes and objects")?;
    expect(c.remove(1), true, "removing it")?;
    expect(c.remove(1), false, "removing it again")?;
    expect(
        (c.used(), c.len()),
        (0, 0),
        "bytes and objects after removal",
    )
}

fn present(kind: PolicyKind, dense: Option<u64>) -> Result<(), String> {
    let mut c = cache(kind, 30, dense);
    c.admit(1, Entry::sized(10));
    expect(
        c.admit(1, Entry::sized(10)),
        Admission::Present,
        "a second admit",
    )?;
    expect((c.used(), c.len()), (10, 1), "bytes and objects")
}

/// Requests, resizing stores and removals over 80 ids of up to 50 bytes in a 150-byte
/// cache: after every step the budget holds, and the bytes and objects the cache reports
/// are those it stores.
fn budget_holds(kind: PolicyKind, dense: Option<u64>) -> Result<(), String> {
    let capacity = 150;
    let mut c = cache(kind, capacity, dense);
    let size = |id: ObjectId| 1 + (id * 13 + 5) % 50;
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for step in 0..20_000 {
        // xorshift64: a fixed sequence, so a failure repeats.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let (id, op) = (state % 80, (state >> 32) % 10);
        match op {
            0 => {
                c.store(id, Entry::sized(size(id + 1)));
            }
            1 => {
                let was = c.peek(id).is_some();
                expect(c.remove(id), was, "remove's answer")?;
            }
            _ => {
                if c.access(id).is_none() {
                    c.admit(id, Entry::sized(size(id)));
                }
            }
        }
        let stored: Vec<u64> = (0..80).filter_map(|i| c.peek(i)).map(|e| e.size).collect();
        let at = format!("step {step}");
        expect(
            c.used() <= capacity,
            true,
            &format!("{at}: within the budget"),
        )?;
        expect(c.used(), stored.iter().sum(), &format!("{at}: bytes used"))?;
        expect(c.len(), stored.len(), &format!("{at}: objects stored"))?;
    }
    Ok(())
}
