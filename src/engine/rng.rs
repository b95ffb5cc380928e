//! Named random streams derived from the scenario seed.
//!
//! Each component draws from its own stream, keyed by a stable name such as
//! `"arrivals"` or `"origin/primary"`, so adding a draw in one component never shifts
//! the numbers another one sees. PCG is used because its output is fixed by its
//! specification, unlike `SmallRng`, whose algorithm may change between rand versions.

use rand_pcg::Pcg64Mcg;

/// The generator behind every stream.
pub type Stream = Pcg64Mcg;

/// FNV-1a: tiny, and fixed by its definition on every platform and Rust version (std's
/// hasher is not). It names streams and turns textual trace keys into object ids.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// SplitMix64's finaliser: spreads nearby inputs (seed 1, seed 2) far apart.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The stream for component `name` under scenario seed `seed`.
pub fn stream(seed: u64, name: &str) -> Stream {
    let lo = mix64(seed ^ fnv1a(name.as_bytes()));
    let hi = mix64(lo ^ 0x9e37_79b9_7f4a_7c15);
    Stream::new((u128::from(hi) << 64) | u128::from(lo))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn same_seed_and_name_give_the_same_numbers() {
        let a: Vec<u64> = stream(7, "x").random_iter().take(4).collect();
        let b: Vec<u64> = stream(7, "x").random_iter().take(4).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn names_and_seeds_separate_streams() {
        let base: u64 = stream(7, "x").random();
        assert_ne!(base, stream(7, "y").random::<u64>());
        assert_ne!(base, stream(8, "x").random::<u64>());
    }

    #[test]
    fn stream_values_are_pinned() {
        // Pinned so that a dependency update that changes the generator fails loudly
        // instead of silently changing every published result.
        // The FNV-1a value was checked against an independent implementation.
        assert_eq!(fnv1a(b"arrivals"), 0xb10b_c22c_a203_cc53);
        assert_eq!(
            stream(42, "arrivals").random::<u64>(),
            11_533_502_178_895_892_800
        );
    }
}
