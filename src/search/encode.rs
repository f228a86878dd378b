//! The compact text encodings of the index files, decoded by `static/search.js`.
//!
//! Numbers are written in a 64-letter alphabet (`A–Z a–z 0–9 - _`): a varint is little-endian
//! groups of 5 bits, each letter's 6th bit saying that another letter follows. A posting list
//! (the records of one term) is its records grouped by impact, highest first:
//! `groups`, then per group `impact + 8·mode`, `count`, and either `count` varint gaps (mode
//! 0; the first gap is the record itself) or a bitmap (mode 1: `first`, `span`, then 6 records
//! a letter), whichever is shorter.

/// The alphabet; `search.js` has the same string.
pub const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends one letter for a value below 64.
pub fn digit(out: &mut String, value: u32) {
    out.push(ALPHABET[(value & 63) as usize] as char);
}

/// Appends a varint.
pub fn varint(out: &mut String, mut value: u32) {
    while value >= 32 {
        digit(out, 32 | (value & 31));
        value >>= 5;
    }
    digit(out, value);
}

/// How many letters a varint takes.
pub fn varint_len(mut value: u32) -> usize {
    let mut n = 1;
    while value >= 32 {
        value >>= 5;
        n += 1;
    }
    n
}

/// Appends a posting list: `postings` are (record, impact), sorted by record.
pub fn postings(out: &mut String, postings: &[(u32, u8)]) {
    let mut groups: [Vec<u32>; 8] = Default::default();
    for &(record, impact) in postings {
        groups[usize::from(impact.min(7))].push(record);
    }
    let present = groups.iter().filter(|g| !g.is_empty()).count();
    digit(out, present as u32);
    for impact in (0..8).rev() {
        let records = &groups[impact];
        if records.is_empty() {
            continue;
        }
        let gaps: usize = records
            .iter()
            .scan(0u32, |prev, &r| {
                let gap = r - *prev;
                *prev = r;
                Some(varint_len(gap))
            })
            .sum();
        let first = records[0];
        let span = records[records.len() - 1] - first + 1;
        let bitmap = varint_len(first) + varint_len(span) + span.div_ceil(6) as usize;
        if bitmap < gaps {
            digit(out, impact as u32 + 8);
            varint(out, records.len() as u32);
            varint(out, first);
            varint(out, span);
            let mut bits = vec![0u32; span.div_ceil(6) as usize];
            for &r in records {
                let i = r - first;
                bits[(i / 6) as usize] |= 1 << (i % 6);
            }
            for b in bits {
                digit(out, b);
            }
        } else {
            digit(out, impact as u32);
            varint(out, records.len() as u32);
            let mut prev = 0;
            for &r in records {
                varint(out, r - prev);
                prev = r;
            }
        }
    }
}

/// A JavaScript string literal (JSON's escaping is valid JavaScript).
pub fn js_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serializes")
}

/// Length of the prefix two strings share, in characters, at most 63.
pub fn shared_prefix(a: &str, b: &str) -> usize {
    a.chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .count()
        .min(63)
}

/// Appends a front-coded term: the number of characters it shares with the previous term,
/// then the rest.
pub fn front_coded(out: &mut String, previous: &str, term: &str) {
    let shared = shared_prefix(previous, term);
    digit(out, shared as u32);
    let rest = term
        .char_indices()
        .nth(shared)
        .map_or("", |(i, _)| &term[i..]);
    out.push_str(rest);
}

/// Orders strings as JavaScript compares them (by UTF-16 code units), so binary searches in
/// the browser agree with the order of the files.
pub fn js_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Decodes what [`postings`] wrote (the same algorithm as `search.js`).
    pub fn decode_postings(text: &str) -> Vec<(u32, u8)> {
        let values: Vec<u32> = text
            .bytes()
            .map(|b| ALPHABET.iter().position(|a| *a == b).unwrap() as u32)
            .collect();
        let mut i = 0;
        let next = |i: &mut usize| {
            let mut v = 0;
            let mut shift = 0;
            loop {
                let d = values[*i];
                *i += 1;
                v |= (d & 31) << shift;
                if d < 32 {
                    return v;
                }
                shift += 5;
            }
        };
        let groups = values[i];
        i += 1;
        let mut out = Vec::new();
        for _ in 0..groups {
            let head = values[i];
            i += 1;
            let impact = (head & 7) as u8;
            let count = next(&mut i);
            if head & 8 != 0 {
                let first = next(&mut i);
                let span = next(&mut i);
                for k in 0..span.div_ceil(6) {
                    let bits = values[i];
                    i += 1;
                    for b in 0..6 {
                        if bits & (1 << b) != 0 {
                            out.push((first + k * 6 + b, impact));
                        }
                    }
                }
            } else {
                let mut r = 0;
                for _ in 0..count {
                    r += next(&mut i);
                    out.push((r, impact));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn varints_take_five_bits_a_letter() {
        let mut s = String::new();
        varint(&mut s, 0);
        varint(&mut s, 31);
        varint(&mut s, 32);
        // 0 → A, 31 → f, 32 → g (32 | 0, more follows) then B (1).
        assert_eq!(s, "AfgB");
        assert_eq!(varint_len(31), 1);
        assert_eq!(varint_len(32), 2);
        assert_eq!(varint_len(1 << 20), 5);
    }

    #[test]
    fn postings_round_trip_sparse_and_dense() {
        let sparse = vec![(3, 2), (70, 7), (1000, 2), (100_000, 1)];
        let mut s = String::new();
        postings(&mut s, &sparse);
        let mut expected = sparse.clone();
        expected.sort();
        assert_eq!(decode_postings(&s), expected);
        let dense: Vec<(u32, u8)> = (0..600).filter(|r| r % 3 != 0).map(|r| (r, 2)).collect();
        let mut s = String::new();
        postings(&mut s, &dense);
        assert!(s.len() < 200, "dense lists become bitmaps: {}", s.len());
        assert_eq!(decode_postings(&s), dense);
    }

    #[test]
    fn terms_are_front_coded_by_character() {
        let mut s = String::new();
        front_coded(&mut s, "", "café");
        front_coded(&mut s, "café", "cafés");
        assert_eq!(s, "AcaféEs");
        assert_eq!(js_cmp("\u{FF61}", "\u{20000}"), std::cmp::Ordering::Greater);
    }
}
