//! Slots reused through a free list: handles for records that wait on events.

/// Slots reused through a free list, so steady state allocates nothing.
pub(super) struct Slab<T> {
    items: Vec<T>,
    free: Vec<u32>,
}

impl<T: Copy> Slab<T> {
    pub fn new() -> Self {
        Slab {
            items: Vec::new(),
            free: Vec::new(),
        }
    }

    pub fn insert(&mut self, item: T) -> u32 {
        match self.free.pop() {
            Some(i) => {
                self.items[i as usize] = item;
                i
            }
            None => {
                self.items.push(item);
                (self.items.len() - 1) as u32
            }
        }
    }

    /// The item in slot `i`, which stays taken.
    pub fn get(&self, i: u32) -> T {
        self.items[i as usize]
    }

    pub fn take(&mut self, i: u32) -> T {
        self.free.push(i);
        self.items[i as usize]
    }
}
