//! Rules 3 and 5: grouping what the notes offer into topics, kept up to date note by note.
//!
//! The grouping keeps, per key, the notes offering it, and per topic its result. A changed
//! note puts its old offer out and its new one in; only the topics whose keys it offered (or
//! whose keys merge through them) are worked out again. So finding the topics after an edit
//! costs the edited notes' keys, not the whole site's.
//!
//! A key merges into the key one word shorter when that is offered too, and so on down a chain
//! (`a b c` → `b c` → `c`): each key has one *root*, the first key of its chain whose shorter
//! key is not offered. A topic is a root's group: every key whose chain ends there.

use super::{Coverage, Offer, Topic, most_common};
use crate::hash::{FastMap, FastSet};
use crate::paths;
use crate::vault::NoteId;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;

/// A topic as kept between collections, with what its place in the list is worked out from.
#[derive(Debug, Clone)]
struct Kept {
    /// Its title lower-cased: topics are listed by it, then by key.
    order: String,
    /// Its title as a slug, before a number tells clashing ones apart.
    slug: String,
    topic: Arc<Topic>,
}

/// What the grouping keeps.
#[derive(Debug, Clone, Default)]
pub(super) struct Groups {
    /// Per offered key, the notes offering it (sorted).
    places: FastMap<String, Vec<NoteId>>,
    /// Per key some note is named by (title, alias, `topics`), how many notes are.
    named: FastMap<String, usize>,
    /// Per key (offered or not), the offered keys one word longer that end with it.
    longer: FastMap<String, Vec<String>>,
    /// Per root, its topic (roots whose group makes no topic are absent).
    topics: FastMap<String, Kept>,
}

/// The key one word shorter (`cognito user pool` → `user pool`).
fn shorter(key: &str) -> Option<&str> {
    key.split_once(' ').map(|(_, rest)| rest)
}

/// Each key once, in a stable order.
fn distinct<'a>(keys: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut keys: Vec<&String> = keys.collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

impl Groups {
    /// Takes note `id`'s `old` offer out and puts its `new` one in, adding every key either
    /// holds to `dirty`.
    pub(super) fn replace(
        &mut self,
        id: &NoteId,
        old: Option<&Offer>,
        new: Option<&Offer>,
        dirty: &mut FastSet<String>,
    ) {
        if let Some(old) = old {
            for key in distinct(old.entries.iter().map(|e| &e.0)) {
                self.unplace(key, id);
                dirty.insert(key.clone());
            }
            for key in distinct(old.named.iter()) {
                if let Some(n) = self.named.get_mut(key.as_str()) {
                    *n -= 1;
                    if *n == 0 {
                        self.named.remove(key.as_str());
                    }
                }
                dirty.insert(key.clone());
            }
        }
        if let Some(new) = new {
            for key in distinct(new.entries.iter().map(|e| &e.0)) {
                self.place(key, id);
                if !dirty.contains(key.as_str()) {
                    dirty.insert(key.clone());
                }
            }
            for key in distinct(new.named.iter()) {
                *self.named.entry(key.clone()).or_default() += 1;
                if !dirty.contains(key.as_str()) {
                    dirty.insert(key.clone());
                }
            }
        }
    }

    fn place(&mut self, key: &str, id: &NoteId) {
        let notes = match self.places.get_mut(key) {
            Some(notes) => notes,
            None => {
                if let Some(rest) = shorter(key) {
                    self.longer
                        .entry(rest.to_string())
                        .or_default()
                        .push(key.to_string());
                }
                self.places.entry(key.to_string()).or_default()
            }
        };
        if let Err(i) = notes.binary_search(id) {
            notes.insert(i, id.clone());
        }
    }

    fn unplace(&mut self, key: &str, id: &NoteId) {
        let Some(notes) = self.places.get_mut(key) else {
            return;
        };
        if let Ok(i) = notes.binary_search(id) {
            notes.remove(i);
        }
        if !notes.is_empty() {
            return;
        }
        self.places.remove(key);
        if let Some(rest) = shorter(key)
            && let Some(list) = self.longer.get_mut(rest)
        {
            list.retain(|k| k != key);
            if list.is_empty() {
                self.longer.remove(rest);
            }
        }
    }

    /// Whether `key` is a root: offered, and its shorter key is not.
    fn is_root(&self, key: &str) -> bool {
        self.places.contains_key(key) && shorter(key).is_none_or(|s| !self.places.contains_key(s))
    }

    /// `key` and every offered key whose chain goes through it.
    fn chain_into<'a>(&'a self, key: &'a str, into: &mut Vec<&'a str>) {
        let start = into.len();
        into.push(key);
        let mut i = start;
        while i < into.len() {
            if let Some(longer) = self.longer.get(into[i]) {
                into.extend(longer.iter().map(String::as_str));
            }
            i += 1;
        }
    }

    /// Works out again every topic the `dirty` keys may have changed: their roots before and
    /// after (each a shorter form of the key, or the key), and the roots of the keys whose
    /// chains go through them (which a key come or gone merges or splits).
    pub(super) fn regroup(&mut self, dirty: FastSet<String>, offers: &FastMap<NoteId, Arc<Offer>>) {
        let mut roots: FastSet<&str> = FastSet::default();
        let mut reached = Vec::new();
        for key in &dirty {
            let mut k = key.as_str();
            while roots.insert(k)
                && let Some(s) = shorter(k)
            {
                k = s;
            }
            reached.clear();
            self.chain_into(key, &mut reached);
            roots.extend(reached.iter().skip(1).copied());
        }
        let worked: Vec<(&str, Option<Kept>)> = roots
            .into_par_iter()
            .map(|root| (root, self.topic(root, offers)))
            .collect();
        let worked: Vec<(String, Option<Kept>)> = worked
            .into_iter()
            .map(|(root, kept)| (root.to_string(), kept))
            .collect();
        for (root, kept) in worked {
            match kept {
                Some(kept) => {
                    self.topics.insert(root, kept);
                }
                None => {
                    self.topics.remove(&root);
                }
            }
        }
    }

    /// The topic of `root` as the offers are now, if it is a root and makes one.
    fn topic(&self, root: &str, offers: &FastMap<NoteId, Arc<Offer>>) -> Option<Kept> {
        if !self.is_root(root) || !(root.contains(' ') || self.named.contains_key(root)) {
            return None;
        }
        let mut keys = Vec::new();
        self.chain_into(root, &mut keys);
        // One place is one note: most keys (each note's own title) end here.
        if keys.len() == 1 && self.places[root].len() < 2 {
            return None;
        }
        let mut entries: Vec<(&NoteId, Option<usize>, &str)> = Vec::new();
        for key in keys {
            for id in &self.places[key] {
                let Some(offer) = offers.get(id) else {
                    continue;
                };
                for (k, heading, shown) in &offer.entries {
                    if k == key {
                        entries.push((id, *heading, shown.as_str()));
                    }
                }
            }
        }
        entries.sort();
        entries.dedup_by(|a, b| (a.0, a.1) == (b.0, b.1));
        // A whole-note entry makes section entries of the same note redundant.
        let wholes: BTreeSet<&NoteId> = entries
            .iter()
            .filter(|(_, heading, _)| heading.is_none())
            .map(|(note, _, _)| *note)
            .collect();
        entries.retain(|(note, heading, _)| heading.is_none() || !wholes.contains(note));
        let notes: BTreeSet<&NoteId> = entries.iter().map(|(note, _, _)| *note).collect();
        if notes.len() < 2 {
            return None;
        }
        let title = most_common(entries.iter().map(|(_, _, t)| *t));
        Some(Kept {
            order: title.to_lowercase(),
            slug: paths::slugify(&title),
            topic: Arc::new(Topic {
                path: String::new(),
                key: root.to_string(),
                title,
                coverage: entries
                    .into_iter()
                    .map(|(note, heading, _)| Coverage {
                        note: note.clone(),
                        heading,
                    })
                    .collect(),
            }),
        })
    }

    /// Every topic, sorted by title (then key), each with its page's path: named after its
    /// title, the rare clash with a number.
    pub(super) fn list(&mut self) -> Vec<Arc<Topic>> {
        let mut kept: Vec<&mut Kept> = self.topics.values_mut().collect();
        kept.sort_unstable_by(|a, b| {
            (a.order.as_str(), a.topic.key.as_str()).cmp(&(b.order.as_str(), b.topic.key.as_str()))
        });
        let mut taken: FastSet<String> = FastSet::default();
        let mut list = Vec::with_capacity(kept.len());
        for k in kept {
            let mut slug = k.slug.clone();
            let mut n = 2;
            while taken.contains(&slug) {
                slug = format!("{}-{n}", k.slug);
                n += 1;
            }
            let path = format!("topics/{slug}/");
            taken.insert(slug);
            if k.topic.path != path {
                Arc::make_mut(&mut k.topic).path = path;
            }
            list.push(Arc::clone(&k.topic));
        }
        list
    }
}
