//! Tags from front matter (`tags:`) and from the text (`#tag`, `#nested/tag`), grouped
//! case-insensitively. A parent tag's page also lists the notes of its nested tags.

use crate::markdown::tag_path;
use crate::site::Site;
use crate::vault::NoteId;
use rayon::prelude::*;
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
    let tag = tag.trim().trim_start_matches('#');
    // Most tags have no stray slash: lower-cased as they are.
    if !tag.starts_with('/') && !tag.ends_with('/') && !tag.contains("//") {
        return tag.to_lowercase();
    }
    tag.split('/')
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
    // Each note's keys (with the tag as written), worked out on every core; then merged in
    // note order, which decides how a tag is named.
    let written: Vec<(&NoteId, Vec<(String, &str)>)> = site
        .pages
        .par_iter()
        .map(|(id, page)| {
            let mut keys: Vec<(String, &str)> = Vec::new();
            for name in page.note.front.tags.iter().chain(page.parsed.tags.iter()) {
                let k = key(name);
                if !k.is_empty() && !keys.iter().any(|(seen, _)| *seen == k) {
                    keys.push((k, name.as_str()));
                }
            }
            (id, keys)
        })
        .collect();
    for (id, keys) in written {
        for (k, name) in &keys {
            // Parents of nested tags exist as pages too.
            let mut parent = k.as_str();
            while let Some(i) = parent.rfind('/') {
                parent = &parent[..i];
                if tags.by_key.contains_key(parent) {
                    continue;
                }
                let shown = name
                    .trim_start_matches('#')
                    .split('/')
                    .take(parent.split('/').count())
                    .collect::<Vec<_>>()
                    .join("/");
                tags.by_key.insert(
                    parent.to_string(),
                    TagInfo {
                        path: tag_path(parent),
                        name: shown,
                        notes: BTreeSet::new(),
                    },
                );
            }
            let info = match tags.by_key.get_mut(k.as_str()) {
                Some(info) => info,
                None => tags.by_key.entry(k.clone()).or_insert_with(|| TagInfo {
                    name: name.trim_start_matches('#').trim_matches('/').to_string(),
                    path: tag_path(k),
                    notes: BTreeSet::new(),
                }),
            };
            info.notes.insert(id.clone());
        }
        if !keys.is_empty() {
            tags.of_note
                .insert(id.clone(), keys.into_iter().map(|(k, _)| k).collect());
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
