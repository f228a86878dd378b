//! Globs for `search.exclude`: `*` and `?` within one folder level, `**` across levels, a
//! trailing `/` for everything in a folder. Matched against content paths (`a/b/note.md`).

/// Whether `path` matches `pattern`.
pub fn matches(pattern: &str, path: &str) -> bool {
    let pattern = pattern.trim().trim_start_matches("./");
    let owned;
    let pattern = if pattern.ends_with('/') {
        owned = format!("{pattern}**");
        owned.as_str()
    } else {
        pattern
    };
    let pat: Vec<&str> = pattern.split('/').collect();
    let parts: Vec<&str> = path.split('/').collect();
    match_parts(&pat, &parts)
}

fn match_parts(pat: &[&str], parts: &[&str]) -> bool {
    match pat.split_first() {
        None => parts.is_empty(),
        Some((&"**", rest)) => (0..=parts.len()).any(|i| match_parts(rest, &parts[i..])),
        Some((first, rest)) => match parts.split_first() {
            Some((part, others)) => {
                match_one(first.as_bytes(), part.as_bytes()) && match_parts(rest, others)
            }
            None => false,
        },
    }
}

fn match_one(pat: &[u8], text: &[u8]) -> bool {
    // Byte-wise is enough: `*` and `?` are ASCII, and a multi-byte character matched by `?`
    // is matched by `*` as well.
    match pat.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|i| match_one(rest, &text[i..])),
        Some((b'?', rest)) => {
            let Some(&first) = text.first() else {
                return false;
            };
            let width = match first {
                0..=0x7F => 1,
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            text.len() >= width && match_one(rest, &text[width..])
        }
        Some((c, rest)) => text.first() == Some(c) && match_one(rest, &text[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs_match_content_paths() {
        assert!(matches("private/**", "private/a.md"));
        assert!(matches("private/**", "private/x/y/a.md"));
        assert!(!matches("private/**", "public/a.md"));
        assert!(matches("private/", "private/x/a.md"));
        assert!(matches("**/draft-*.md", "a/b/draft-one.md"));
        assert!(matches("**/draft-*.md", "draft-two.md"));
        assert!(!matches("*.md", "a/b.md"));
        assert!(matches("*.md", "b.md"));
        assert!(matches("n?te.md", "note.md"));
        assert!(matches("caf?.md", "café.md"));
    }
}
