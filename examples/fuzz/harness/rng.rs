//! A small, fast, deterministic generator (SplitMix64). Input `i` of a run depends only on
//! the seed, the target and `i`, so any input can be made again from those three numbers.

/// A SplitMix64 stream.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A stream from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// The stream that makes input `index` of `target` in a run seeded with `seed`.
    pub fn for_input(seed: u64, target: &str, index: u64) -> Rng {
        let mut rng = Rng::new(seed ^ hash(target.as_bytes()));
        rng.0 ^= index.wrapping_mul(0xd1b5_4a32_d192_ed03);
        rng.next_u64();
        rng
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One of `items` (which must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One of `items`, a list of string slices (which must not be empty).
    pub fn pick_str<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// A small number, most often 0 or 1, now and then large: `n` halves at each step.
    pub fn small(&mut self, max: usize) -> usize {
        let mut n = 0;
        while n < max && self.one_in(2) {
            n += 1;
        }
        n
    }
}

/// A 64-bit hash of bytes, for seeding and for naming saved inputs.
pub fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}
