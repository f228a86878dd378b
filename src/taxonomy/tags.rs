//! Tags from front matter (`tags:`) and from the text (`#tag`, `#nested/tag`), grouped
//! case-insensitively. A parent tag's page also lists the notes of its nested tags.

use crate::markdown::tag_path;
use crate::site::Site;
use crate::vault::NoteId;
use std::collections::{BTreeMap, BTreeSet};

/// One tag.
#[derive(Debug, Clone, Default)]
pub struct TagInfo {
    /// The tag as first written (without `#`).
    pub name: String,
    /// The site path of its page.
    pub path: String,
    /// Notes tagged with exactly this tag.
    pub notes: BTreeSet<NoteId>,
}

/// Every tag of the site, by lower-case name.
#[derive(Debug, Clone, Default)]
pub struct Tags {
    /// Tags by key (lower case, `/`-separated).
    pub by_key: BTreeMap<String, TagInfo>,
    /// Each note's tags, as keys, in the order written.
    pub of_note: BTreeMap<NoteId, Vec<String>>,
}

/// The key of a tag: lower case, without a leading `#` or stray slashes.
pub fn key(tag: &str) -> String {
    tag.trim()
        .trim_start_matches('#')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/")
        .to_lowercase()
}

impl Tags {
    /// The notes of a tag and of every tag nested under it.
    pub fn notes_under(&self, key: &str) -> BTreeSet<NoteId> {
        let prefix = format!("{key}/");
        self.by_key
            .range(key.to_string()..)
            .take_while(|(k, _)| k.as_str() == key || k.starts_with(&prefix))
            .flat_map(|(_, t)| t.notes.iter().cloned())
            .collect()
    }

    /// The tags nested directly under `key`.
    pub fn children(&self, key: &str) -> Vec<&TagInfo> {
        let prefix = format!("{key}/");
        self.by_key
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| !k[prefix.len()..].contains('/'))
            .map(|(_, t)| t)
            .collect()
    }
}

/// Collects the tags of every note.
pub fn collect(site: &Site) -> Tags {
    let mut tags = Tags::default();
    for (id, page) in &site.pages {
        let written = page.note.front.tags.iter().chain(page.parsed.tags.iter());
        let mut keys: Vec<String> = Vec::new();
        for name in written {
            let k = key(name);
            if k.is_empty() || keys.contains(&k) {
                continue;
            }
            // Parents of nested tags exist as pages too.
            let mut parent = k.as_str();
            while let Some(i) = parent.rfind('/') {
                parent = &parent[..i];
                let shown = name
                    .trim_start_matches('#')
                    .split('/')
                    .take(parent.split('/').count())
                    .collect::<Vec<_>>()
                    .join("/");
                tags.by_key
                    .entry(parent.to_string())
                    .or_insert_with(|| TagInfo {
                        path: tag_path(parent),
                        name: shown,
                        notes: BTreeSet::new(),
                    });
            }
            let info = tags.by_key.entry(k.clone()).or_insert_with(|| TagInfo {
                name: name.trim_start_matches('#').trim_matches('/').to_string(),
                path: tag_path(&k),
                notes: BTreeSet::new(),
            });
            info.notes.insert(id.clone());
            keys.push(k);
        }
        if !keys.is_empty() {
            tags.of_note.insert(id.clone(), keys);
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_case_insensitive_and_clean() {
        assert_eq!(key("#Networking/VPC"), "networking/vpc");
        assert_eq!(key("exam-tip"), "exam-tip");
        assert_eq!(key("a//b/"), "a/b");
    }
}
