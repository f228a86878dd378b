//! Heading anchors the way GitHub makes them, so hand-written tables of contents that link to
//! `#elastic-compute-cloud-ec2` land on "Elastic Compute Cloud (EC2)".

use std::collections::HashMap;

/// GitHub's slug of one heading text: lower case, punctuation and symbols dropped (letters,
/// digits, marks, `-` and `_` stay), each space turned into `-`.
pub fn github_slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c == ' ' {
            slug.push('-');
        } else if c.is_alphanumeric() || c == '-' || c == '_' || is_mark(c) {
            slug.push(c);
        }
    }
    slug
}

/// Combining marks (accents written as separate code points) belong to the letter before them.
fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF
        | 0xFE20..=0xFE2F)
}

/// Hands out unique anchors within one page: the second "Summary" gets `summary-1`, the third
/// `summary-2`, exactly as GitHub numbers repeated headings.
#[derive(Debug, Default, Clone)]
pub struct Slugger {
    seen: HashMap<String, usize>,
}

impl Slugger {
    /// A slugger for a new page.
    pub fn new() -> Self {
        Self::default()
    }

    /// The unique anchor for a heading with this text.
    pub fn slug(&mut self, text: &str) -> String {
        self.unique(github_slug(text))
    }

    /// Makes `base` unique on this page, remembering it.
    pub fn unique(&mut self, base: String) -> String {
        let mut result = base.clone();
        if let Some(count) = self.seen.get(&base).copied() {
            let mut n = count;
            loop {
                n += 1;
                result = format!("{base}-{n}");
                if !self.seen.contains_key(&result) {
                    break;
                }
            }
            self.seen.insert(base, n);
        }
        self.seen.insert(result.clone(), 0);
        result
    }

    /// Marks an id as taken (an explicit `{#id}` or a raw HTML anchor) without changing it.
    pub fn reserve(&mut self, id: &str) {
        self.seen.entry(id.to_string()).or_insert(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_match_github() {
        let cases = [
            ("Elastic Compute Cloud (EC2)", "elastic-compute-cloud-ec2"),
            ("Amazon Cognito", "amazon-cognito"),
            (
                "1. User Pools vs Identity Pools",
                "1-user-pools-vs-identity-pools",
            ),
            ("📋 Table of Contents", "-table-of-contents"),
            ("What is Amazon Cognito?", "what-is-amazon-cognito"),
            ("Instace Lifecycle", "instace-lifecycle"),
            ("snake_case and kebab-case", "snake_case-and-kebab-case"),
            ("Ünïcödé Straße", "ünïcödé-straße"),
            ("C++ & Rust: a/b", "c--rust-ab"),
            ("  padded  ", "padded"),
            ("`code` in heading", "code-in-heading"),
        ];
        for (text, slug) in cases {
            assert_eq!(github_slug(text), slug, "for {text:?}");
        }
    }

    #[test]
    fn repeated_headings_get_numbered() {
        let mut s = Slugger::new();
        assert_eq!(s.slug("Summary"), "summary");
        assert_eq!(s.slug("Summary"), "summary-1");
        assert_eq!(s.slug("Summary"), "summary-2");
        // A heading literally called "Summary 1" after two "Summary" headings still gets a
        // unique anchor, as on GitHub.
        assert_eq!(s.slug("Summary-1"), "summary-1-1");
    }

    #[test]
    fn reserved_ids_are_not_reused() {
        let mut s = Slugger::new();
        s.reserve("intro");
        assert_eq!(s.slug("Intro"), "intro-1");
    }
}
