//! Hashes: a stable 128-bit hash for cache keys (FNV-1a, the same on every machine and Rust
//! version, unlike `DefaultHasher`, so caches stay valid across builds), and fast 64-bit
//! digests of in-memory values (xxh3) for telling what changed between two builds.

use std::hash::{Hash, Hasher};

/// A hasher for digests: xxh3, fast and the same across runs.
pub type Digester = xxhash_rust::xxh3::Xxh3;

/// A fast hasher for short strings (FxHash's multiply-rotate): the search index hashes millions
/// of terms, and the pipeline's maps hold every page and output: SipHash's protection against
/// chosen keys buys nothing here (nothing in a vault is chosen to collide).
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0xf135_7aea_2e62_a9c5;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.write(&[b]);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// [`FastHasher`] for hash maps.
pub type FastHash = std::hash::BuildHasherDefault<FastHasher>;

/// A hash map hashed with [`FastHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, FastHash>;

/// A hash set hashed with [`FastHasher`].
pub type FastSet<T> = std::collections::HashSet<T, FastHash>;

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
