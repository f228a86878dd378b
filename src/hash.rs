//! Hashes: a stable 128-bit hash for cache keys (FNV-1a, the same on every machine and Rust
//! version, unlike `DefaultHasher`, so caches stay valid across builds), and fast 64-bit
//! digests of in-memory values (xxh3) for telling what changed between two builds.

use std::hash::{Hash, Hasher};

/// A hasher for digests: xxh3, fast and the same across runs.
pub type Digester = xxhash_rust::xxh3::Xxh3;

/// The digest of a value.
pub fn digest<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = Digester::new();
    value.hash(&mut h);
    h.finish()
}

/// Hashes the parts, length-prefixed so `("ab", "c")` and `("a", "bc")` differ.
pub fn fnv128(parts: &[&str]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    for part in parts {
        for byte in (part.len() as u64)
            .to_le_bytes()
            .iter()
            .chain(part.as_bytes())
        {
            h ^= u128::from(*byte);
            h = h.wrapping_mul(PRIME);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_length_prefixed_and_stable() {
        assert_ne!(fnv128(&["ab", "c"]), fnv128(&["a", "bc"]));
        assert_eq!(fnv128(&["x"]), fnv128(&["x"]));
        assert_eq!(
            format!("{:032x}", fnv128(&[])),
            "6c62272e07bb014262b821756295c58d"
        );
    }
}
