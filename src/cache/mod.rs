//! Byte-bounded caches: one eviction policy per file behind the small [`Cache`] trait.
//!
//! A policy only answers primitive questions (is it here, remember this, who goes next,
//! forget that). [`BoundedCache`] owns the byte budget and the one shared algorithm that
//! every policy uses: refuse what can never fit, evict victims until the object fits,
//! then insert. Adding a policy means adding its file and one line to the registry
//! ([`PolicyKind::ALL`], in `registry.rs`).

mod admission;
pub mod conformance;
mod index;
mod list;
mod queues;
mod registry;
mod table;

pub use admission::AdmissionKind;
pub use registry::{listing, Policy, PolicyKind, SteadyState, UnknownPolicy};

/// Declares each policy's module and lists its `POLICY` in [`PolicyKind::ALL`].
macro_rules! registry {
    ($($module:ident),* $(,)?) => {
        $(mod $module;)*

        impl PolicyKind {
            /// Every policy, in the order listings show them.
            pub const ALL: &'static [PolicyKind] = &[$(PolicyKind::new(&$module::POLICY)),*];
        }
    };
}

// The registry: one module name per eviction policy (see `registry.rs`).
registry!(lru, fifo, clock, lfu, arc, s3fifo, sieve, wtinylfu, gdsf, belady);

use admission::Admitter;

use crate::units::Nanos;

/// What a cache stores about an object: its size and the HTTP facts that decide
/// whether it may be served.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// Body bytes; what the byte budget counts.
    pub size: u64,
    /// The version: when the origin's content last changed (its Last-Modified).
    pub last_modified: Nanos,
    /// Until when it may be served without asking upstream.
    pub fresh_until: Nanos,
    /// HTTP status of the stored response: 200, or a cached error status.
    pub status: u16,
    /// The copy is past its TTL and kept fresh only because the origin failed to
    /// revalidate it (served stale for ErrorCachingMinTTL).
    pub stale: bool,
}

impl Entry {
    /// A stored body of `size` bytes with no freshness facts (for pure cache replay).
    pub fn sized(size: u64) -> Entry {
        Entry {
            size,
            status: 200,
            ..Entry::default()
        }
    }
}

/// A cached object's identity: its rank in the catalog, or a hashed trace key.
pub type ObjectId = u64;

/// The primitives an eviction policy provides. Byte accounting is not its job.
pub trait Cache: Send {
    /// Records a request for `id`. Returns the stored entry on a hit, updating the
    /// policy's ordering as a hit does; `None` on a miss, with no change.
    fn access(&mut self, id: ObjectId) -> Option<Entry>;

    /// The stored entry of `id`, without touching any policy state.
    fn peek(&self, id: ObjectId) -> Option<Entry>;

    /// Stores `id`. The caller guarantees `id` is absent and that `entry.size` fits the
    /// free bytes; the policy must then report it from `peek`.
    fn insert(&mut self, id: ObjectId, entry: Entry);

    /// Replaces the entry of a stored `id` without changing its place in the eviction
    /// order. The caller guarantees the size is unchanged. Returns whether `id` was stored.
    fn set(&mut self, id: ObjectId, entry: Entry) -> bool;

    /// The object the policy would evict next, or `None` when empty. Asking must not
    /// remove it; the caller follows with [`Cache::remove`].
    fn victim(&mut self) -> Option<ObjectId>;

    /// Removes `id` and returns its size, or `None` if it was absent.
    fn remove(&mut self, id: ObjectId) -> Option<u64>;

    /// Evicts `id`, the policy's own victim, and returns its size. Policies that remember
    /// what they evicted (ghost lists, an aging floor) do so here; the default removes.
    fn evict(&mut self, id: ObjectId) -> Option<u64> {
        self.remove(id)
    }

    /// Called once before the victims are chosen for a missed `id` of `size` bytes that
    /// will be inserted. The default does nothing.
    fn admitting(&mut self, _id: ObjectId, _size: u64) {}

    /// Trace replay's look into the future, before each request for `id`: the position
    /// of its next request, or `None` when there is none. Only Belady's MIN uses it.
    fn next_use(&mut self, _id: ObjectId, _at: Option<u64>) {}

    /// How many objects are stored.
    fn len(&self) -> usize;

    /// A hint that `id` will be looked up soon: start loading its index entry into the
    /// CPU cache, or with `entry`, the stored entry the index points to. Must not change
    /// any state. The default does nothing.
    #[inline]
    fn prefetch(&self, _id: ObjectId, _entry: bool) {}

    /// Whether nothing is stored.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How a policy should lay out its index. It changes speed and memory, never results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizing {
    /// About how many objects the cache will hold.
    pub objects_hint: usize,
    /// `Some(n)` when every id is below `n` and an array of `n` entries is affordable.
    pub dense_ids: Option<u64>,
}

impl Sizing {
    /// A dense array index costs 4 bytes per possible id; above this many ids, hash.
    pub const DENSE_LIMIT: u64 = 1 << 24;

    /// The layout for a cache of `capacity` bytes holding objects of about
    /// `mean_object_size` bytes, whose ids are all below `id_bound` when it is known.
    pub fn new(capacity: u64, mean_object_size: u64, id_bound: Option<u64>) -> Self {
        Sizing {
            objects_hint: (capacity / mean_object_size.max(1)).min(1 << 24) as usize,
            dense_ids: id_bound.filter(|&n| n <= Self::DENSE_LIMIT),
        }
    }
}

/// What [`BoundedCache::admit`] did with an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Stored, after evicting this many objects.
    Stored { evicted: u32 },
    /// Already present; nothing changed.
    Present,
    /// Larger than the whole cache, so never stored.
    TooLarge,
    /// Refused by the admission policy.
    Declined,
}

/// A policy plus a byte budget that it never exceeds.
pub struct BoundedCache {
    policy: Box<dyn Cache>,
    admission: Admitter,
    capacity: u64,
    used: u64,
}

impl BoundedCache {
    /// An empty cache of `capacity` bytes whose index is laid out for `sizing`.
    pub fn new(kind: PolicyKind, capacity: u64, sizing: Sizing) -> Self {
        BoundedCache {
            policy: kind.build(sizing, capacity),
            admission: Admitter::new(AdmissionKind::All),
            capacity,
            used: 0,
        }
    }

    /// The same cache with admission policy `kind`.
    pub fn with_admission(mut self, kind: AdmissionKind) -> Self {
        self.admission = Admitter::new(kind);
        self
    }

    /// Tells the policy when `id` is requested next (see [`Cache::next_use`]).
    #[inline]
    pub fn next_use(&mut self, id: ObjectId, at: Option<u64>) {
        self.policy.next_use(id, at);
    }

    /// Looks `id` up as a request does; returns its entry on a hit.
    pub fn access(&mut self, id: ObjectId) -> Option<Entry> {
        self.policy.access(id)
    }

    /// Passes a prefetch hint to the policy (see [`Cache::prefetch`]).
    #[inline]
    pub fn prefetch(&self, id: ObjectId, entry: bool) {
        self.policy.prefetch(id, entry);
    }

    /// Looks `id` up without side effects.
    pub fn peek(&self, id: ObjectId) -> Option<Entry> {
        self.policy.peek(id)
    }

    /// Stores `id`, evicting as the policy chooses until it fits.
    pub fn admit(&mut self, id: ObjectId, entry: Entry) -> Admission {
        let size = entry.size;
        if size > self.capacity {
            return Admission::TooLarge;
        }
        if self.policy.peek(id).is_some() {
            return Admission::Present;
        }
        if !self.admission.admit(id, size) {
            return Admission::Declined;
        }
        self.policy.admitting(id, size);
        let mut evicted = 0;
        while self.capacity - self.used < size {
            let victim = self
                .policy
                .victim()
                .expect("a non-empty cache always has a victim while over budget");
            let freed = self
                .policy
                .evict(victim)
                .expect("the policy's victim is stored");
            self.used -= freed;
            evicted += 1;
        }
        self.policy.insert(id, entry);
        self.used += size;
        Admission::Stored { evicted }
    }

    /// Stores `entry` for `id`, replacing any stored entry: in place when the size is
    /// unchanged, else by removing the old one and admitting the new.
    pub fn store(&mut self, id: ObjectId, entry: Entry) -> Admission {
        match self.policy.peek(id) {
            Some(old) if old.size == entry.size => {
                self.policy.set(id, entry);
                Admission::Present
            }
            Some(_) => {
                self.remove(id);
                self.admit(id, entry)
            }
            None => self.admit(id, entry),
        }
    }

    /// Removes everything, in eviction order.
    pub fn clear(&mut self) {
        while let Some(victim) = self.policy.victim() {
            self.remove(victim);
        }
    }

    /// Removes `id`; returns whether it was stored.
    pub fn remove(&mut self, id: ObjectId) -> bool {
        match self.policy.remove(id) {
            Some(size) => {
                self.used -= size;
                true
            }
            None => false,
        }
    }

    /// Bytes stored now.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// The byte budget.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Objects stored now.
    pub fn len(&self) -> usize {
        self.policy.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.policy.is_empty()
    }
}

#[cfg(test)]
mod behaviour;
#[cfg(test)]
mod tests;
