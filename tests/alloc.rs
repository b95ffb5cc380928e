//! The hot path allocates nothing per request: a longer run makes no more allocations
//! than a shorter one, beyond the few that buffers need while they grow to steady size.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_for(requests: u64) -> u64 {
    let scenario = common::scenario("small.toml", &[&format!("requests={requests}")]);
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let result = edgesim::sim::run(&scenario, &mut edgesim::sim::Quiet);
    assert_eq!(result.summary.counts.requests, requests);
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

#[test]
fn four_times_the_requests_make_no_more_allocations() {
    let short = allocations_for(100_000);
    let long = allocations_for(400_000);
    // 300 000 more requests; growth of queues and indexes may add a handful.
    assert!(
        long <= short + 64,
        "{short} allocations for 100k requests, {long} for 400k"
    );
}
