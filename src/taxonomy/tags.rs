//! Tags from front matter (`tags:`) and from the text (`#tag`, `#nested/tag`), grouped
//! case-insensitively. A parent tag's page also lists the notes of its nested tags.

use crate::hash::FastMap;
use crate::markdown::tag_path;
use crate::site::Site;
use crate::vault::NoteId;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

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
///
/// Tags and note lists are shared (`Arc`) with the collection they were worked out from, so
/// that one edit's collection copies only what it changes.
#[derive(Debug, Clone, Default)]
pub struct Tags {
    /// Tags by key (lower case, `/`-separated).
    pub by_key: BTreeMap<String, Arc<TagInfo>>,
    /// Each note's tags, as keys, in the order written.
    pub of_note: BTreeMap<NoteId, Arc<[String]>>,
    /// Kept for the next collection (and given up to it): per key, the notes with it or a tag
    /// nested under it; per note, its tags as written (beside `of_note`).
    touching: FastMap<String, BTreeSet<NoteId>>,
    written: FastMap<NoteId, Arc<[String]>>,
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
            .map(|(_, t)| &**t)
            .collect()
    }
}

impl Tags {
    /// Keeps a note's tags (keys and names as written, from [`keys_of`]).
    fn keep(&mut self, id: &NoteId, keys: Vec<(String, &str)>) {
        let (keys, names): (Vec<String>, Vec<String>) = keys
            .into_iter()
            .map(|(k, name)| (k, name.to_string()))
            .unzip();
        self.of_note.insert(id.clone(), keys.into());
        self.written.insert(id.clone(), names.into());
    }
}

/// A note's tag keys (each once, in the order written) with the tag as first written.
fn keys_of(page: &crate::site::Page) -> Vec<(String, &str)> {
    let mut keys: Vec<(String, &str)> = Vec::new();
    for name in page.note.front.tags.iter().chain(page.parsed.tags.iter()) {
        let k = key(name);
        if !k.is_empty() && !keys.iter().any(|(seen, _)| *seen == k) {
            keys.push((k, name.as_str()));
        }
    }
    keys
}

/// A key and every key it is nested under (`a/b/c`, `a/b`, `a`).
fn key_and_parents(key: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(key), |k| k.rfind('/').map(|i| &k[..i]))
}

/// How a tag is named after the tag written as `name` (with key `written_key`) that made it:
/// as written for the tag itself, its first segments for a parent.
fn shown(key: &str, written_key: &str, name: &str) -> String {
    if key == written_key {
        name.trim_start_matches('#').trim_matches('/').to_string()
    } else {
        name.trim_start_matches('#')
            .split('/')
            .take(key.split('/').count())
            .collect::<Vec<_>>()
            .join("/")
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
        .map(|(id, page)| (id, keys_of(page)))
        .collect();
    let mut infos: BTreeMap<String, TagInfo> = BTreeMap::new();
    for (id, keys) in written {
        for (k, name) in &keys {
            for parent in key_and_parents(k) {
                tags.touching
                    .entry(parent.to_string())
                    .or_default()
                    .insert(id.clone());
                // Parents of nested tags exist as pages too.
                if !infos.contains_key(parent) {
                    infos.insert(
                        parent.to_string(),
                        TagInfo {
                            path: tag_path(parent),
                            name: shown(parent, k, name),
                            notes: BTreeSet::new(),
                        },
                    );
                }
            }
            if let Some(info) = infos.get_mut(k.as_str()) {
                info.notes.insert(id.clone());
            }
        }
        if !keys.is_empty() {
            tags.keep(id, keys);
        }
    }
    tags.by_key = infos.into_iter().map(|(k, t)| (k, Arc::new(t))).collect();
    tags
}

/// [`collect`] after the notes `touched` changed (came, went or were edited): only their
/// tags are read again, and only the tags they had or have are named again. What `before`
/// kept for this is taken from it; its tags and note lists stay as they were.
pub fn collect_after(site: &Site, before: &mut Tags, touched: &[NoteId]) -> Tags {
    let mut tags = Tags {
        by_key: before.by_key.clone(),
        of_note: before.of_note.clone(),
        touching: std::mem::take(&mut before.touching),
        written: std::mem::take(&mut before.written),
    };
    let touched: BTreeSet<&NoteId> = touched.iter().collect();
    let mut dirty: BTreeSet<String> = BTreeSet::new();
    // The touched notes out, with their tags as they were…
    for &id in &touched {
        tags.written.remove(id);
        let Some(keys) = tags.of_note.remove(id) else {
            continue;
        };
        for k in keys.iter() {
            if let Some(info) = tags.by_key.get_mut(k) {
                Arc::make_mut(info).notes.remove(id);
            }
            for parent in key_and_parents(k) {
                if let Some(notes) = tags.touching.get_mut(parent) {
                    notes.remove(id);
                }
                dirty.insert(parent.to_string());
            }
        }
    }
    // …and in again with their tags as they are.
    let mut direct: Vec<(String, &NoteId)> = Vec::new();
    for &id in &touched {
        let Some(page) = site.pages.get(id) else {
            continue;
        };
        let keys = keys_of(page);
        if keys.is_empty() {
            continue;
        }
        for (k, _) in &keys {
            for parent in key_and_parents(k) {
                tags.touching
                    .entry(parent.to_string())
                    .or_default()
                    .insert(id.clone());
                dirty.insert(parent.to_string());
            }
            direct.push((k.clone(), id));
        }
        tags.keep(id, keys);
    }
    // Each tag touched is named by the first note (in site order) with it or a tag under it,
    // after the first of that note's tags that makes it; a tag no note has any more goes.
    for k in &dirty {
        let first = tags
            .touching
            .get(k.as_str())
            .and_then(|notes| notes.first());
        let Some(first) = first else {
            tags.touching.remove(k.as_str());
            tags.by_key.remove(k.as_str());
            continue;
        };
        let (Some(keys), Some(names)) = (tags.of_note.get(first), tags.written.get(first)) else {
            continue;
        };
        let Some(i) = keys
            .iter()
            .position(|w| w == k || (w.starts_with(k.as_str()) && w[k.len()..].starts_with('/')))
        else {
            continue;
        };
        let name = shown(k, &keys[i], &names[i]);
        match tags.by_key.get_mut(k.as_str()) {
            Some(info) if info.name == name => {}
            Some(info) => Arc::make_mut(info).name = name,
            None => {
                tags.by_key.insert(
                    k.clone(),
                    Arc::new(TagInfo {
                        path: tag_path(k),
                        name,
                        notes: BTreeSet::new(),
                    }),
                );
            }
        }
    }
    for (k, id) in direct {
        if let Some(info) = tags.by_key.get_mut(&k) {
            Arc::make_mut(info).notes.insert(id.clone());
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::FrontMatter;

    /// Tags that nest and differ only in case or stray slashes, so that names and parents
    /// come and go as notes change.
    const WRITTEN: &[&str] = &[
        "aws",
        "AWS",
        "aws/ec2",
        "AWS/EC2/Spot",
        "aws/s3",
        "/aws/s3/",
        "exam-tip",
        "Exam-Tip",
        "net/vpc",
        "net",
        "Net/VPC/Peering",
    ];

    fn site_of(notes: &[(String, Vec<String>, String)]) -> Site {
        crate::site::test_site(
            notes
                .iter()
                .map(|(id, tags, body)| {
                    let front = FrontMatter {
                        tags: tags.clone(),
                        ..FrontMatter::default()
                    };
                    (id.clone(), front, body.clone())
                })
                .collect(),
        )
    }

    /// Everything a collection shows, comparable.
    fn shown(tags: &Tags) -> String {
        let infos: Vec<_> = tags
            .by_key
            .iter()
            .map(|(k, t)| (k, &t.name, &t.path, &t.notes))
            .collect();
        format!("{infos:#?}\n{:?}", tags.of_note)
    }

    #[test]
    fn tags_followed_through_random_edits_are_those_found_afresh() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut roll = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let note = |roll: &mut dyn FnMut(usize) -> usize| {
            let front: Vec<String> = (0..roll(3))
                .map(|_| WRITTEN[roll(WRITTEN.len())].to_string())
                .collect();
            let mut body = String::from("# Note\n\nText");
            for _ in 0..roll(3) {
                body.push_str(&format!(" #{}", WRITTEN[roll(WRITTEN.len())]));
            }
            body.push('\n');
            (front, body)
        };
        let mut seen = 0;
        for round in 0..10 {
            let mut notes: Vec<(String, Vec<String>, String)> = (0..12)
                .map(|i| {
                    let (front, body) = note(&mut roll);
                    (format!("n{i:02}.md"), front, body)
                })
                .collect();
            let mut followed = collect(&site_of(&notes));
            for step in 0..30 {
                let i = roll(notes.len());
                let touched = NoteId::new(&notes[i].0);
                match roll(4) {
                    0 if notes.len() > 2 => {
                        notes.remove(i);
                    }
                    1 => {
                        let (front, body) = note(&mut roll);
                        notes.push((format!("m{round}-{step}.md"), front, body));
                    }
                    _ => {
                        let (front, body) = note(&mut roll);
                        notes[i].1 = front;
                        notes[i].2 = body;
                    }
                }
                let added = notes.last().map(|n| NoteId::new(&n.0));
                let site = site_of(&notes);
                let fresh = collect(&site);
                let touched: Vec<NoteId> = [touched].into_iter().chain(added).collect();
                followed = collect_after(&site, &mut followed, &touched);
                seen += fresh.by_key.len();
                assert_eq!(
                    shown(&followed),
                    shown(&fresh),
                    "round {round}, step {step}"
                );
            }
        }
        assert!(seen > 500, "only {seen} tags over all steps");
    }

    #[test]
    fn keys_are_case_insensitive_and_clean() {
        assert_eq!(key("#Networking/VPC"), "networking/vpc");
        assert_eq!(key("exam-tip"), "exam-tip");
        assert_eq!(key("a//b/"), "a/b");
    }
}
