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

/// The ids the default templates give elements around a note's body (`<main id="content">`,
/// the search box, the sidebar, the panel headings). A heading never gets one of them, so its
/// anchor cannot jump to the template's element instead (a heading "Content" is `content-1`).
pub const TEMPLATE_IDS: &[&str] = &[
    "content",
    "sidebar",
    "search-input",
    "search-hint",
    "search-results",
    "search-page-input",
    "topics-title",
    "backlinks-title",
    "related-title",
    "toc-title",
    "card-ids",
];

/// Whether the default templates use this id.
pub fn is_template_id(id: &str) -> bool {
    TEMPLATE_IDS.contains(&id)
}

/// Hands out unique anchors within one page: the second "Summary" gets `summary-1`, the third
/// `summary-2`, exactly as GitHub numbers repeated headings.
#[derive(Debug, Default, Clone)]
pub struct Slugger {
    seen: HashMap<String, usize>,
}

impl Slugger {
    /// A slugger for a new page, with no id taken.
    pub fn new() -> Self {
        Self::default()
    }

    /// A slugger for a note's page: the [template ids](TEMPLATE_IDS) are taken.
    pub fn for_page() -> Self {
        let mut slugger = Self::new();
        for id in TEMPLATE_IDS {
            slugger.reserve(id);
        }
        slugger
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
    fn template_ids_are_never_heading_anchors() {
        let mut s = Slugger::for_page();
        assert_eq!(s.slug("Content"), "content-1");
        assert_eq!(s.slug("Content"), "content-2");
        assert_eq!(s.slug("Sidebar"), "sidebar-1");
        assert_eq!(s.slug("Contents"), "contents");
    }

    #[test]
    fn every_id_in_the_default_templates_is_reserved() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let html = std::fs::read_to_string(&path).unwrap();
            for (i, _) in html.match_indices(" id=\"") {
                let id = &html[i + 5..];
                let id = &id[..id.find('"').unwrap()];
                if !id.contains("{{") {
                    assert!(
                        is_template_id(id),
                        "{} uses id `{id}`: add it to TEMPLATE_IDS",
                        path.display()
                    );
                }
            }
        }
    }

    #[test]
    fn reserved_ids_are_not_reused() {
        let mut s = Slugger::new();
        s.reserve("intro");
        assert_eq!(s.slug("Intro"), "intro-1");
    }
}
