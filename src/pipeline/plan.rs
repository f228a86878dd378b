//! What a batch of file changes means for the site, decided by pure functions that tests call
//! without a disk: [`plan`] turns changed content paths and what is on disk under them now
//! into the notes to read and the notes and attachments to drop; [`stale`] turns the outputs'
//! digests into the outputs to render and to drop.

use super::deps::OutputKey;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// What changed on disk, by kind. Paths are absolute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// `studysite.toml` changed.
    pub config: bool,
    /// Template files that changed.
    pub templates: BTreeSet<PathBuf>,
    /// Files or folders under the content folder that were created, changed or removed.
    pub content: BTreeSet<PathBuf>,
    /// Files or folders under the static folder.
    pub statics: BTreeSet<PathBuf>,
}

impl Changes {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        !self.config
            && self.templates.is_empty()
            && self.content.is_empty()
            && self.statics.is_empty()
    }
}

/// A file found on disk under a changed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A note (markdown file), to read.
    Note(PathBuf),
    /// An attachment.
    Asset(PathBuf),
}

/// What the site holds now, by content path.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Notes (also those whose last read failed).
    pub notes: BTreeSet<String>,
    /// Attachments.
    pub assets: BTreeSet<String>,
}

/// The work a batch of content changes needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RebuildPlan {
    /// Notes to read (new or changed), by content path.
    pub read: BTreeMap<String, PathBuf>,
    /// Notes gone.
    pub drop_notes: BTreeSet<String>,
    /// Attachments new or changed.
    pub assets: BTreeMap<String, PathBuf>,
    /// Attachments gone.
    pub drop_assets: BTreeSet<String>,
}

impl RebuildPlan {
    /// Whether notes or attachments come or go (rather than only change).
    pub fn adds_or_removes(&self, known: &Known) -> bool {
        !self.drop_notes.is_empty()
            || !self.drop_assets.is_empty()
            || self.read.keys().any(|k| !known.notes.contains(k))
            || self.assets.keys().any(|k| !known.assets.contains(k))
    }
}

/// Whether content path `key` is `rel` or inside it (`""` holds everything).
pub fn under(key: &str, rel: &str) -> bool {
    rel.is_empty() || key == rel || key.strip_prefix(rel).is_some_and(|r| r.starts_with('/'))
}

/// The keys of `map` that are content path `rel` or inside it (see [`under`]): they all
/// start with `rel`, so they are in one range of the map.
pub fn keys_under<'a, K, V>(map: &'a BTreeMap<K, V>, rel: &'a str) -> impl Iterator<Item = &'a K>
where
    K: std::borrow::Borrow<str> + Ord,
{
    use std::ops::Bound;
    map.range::<str, _>((Bound::Included(rel), Bound::Unbounded))
        .map(|(k, _)| k)
        .take_while(move |k| k.borrow().starts_with(rel))
        .filter(move |k| under(k.borrow(), rel))
}

/// `changed`: content paths (relative, `/`-separated; `""` for the whole folder) that changed;
/// `found`: what is on disk under each of them now, by content path. Whatever the site knew
/// under a changed path and is not found there any more is dropped.
pub fn plan(changed: &[String], found: &BTreeMap<String, Found>, known: &Known) -> RebuildPlan {
    let mut plan = RebuildPlan::default();
    for rel in changed {
        for note in known.notes.iter().filter(|k| under(k, rel)) {
            if !matches!(found.get(note), Some(Found::Note(_))) {
                plan.drop_notes.insert(note.clone());
            }
        }
        for asset in known.assets.iter().filter(|k| under(k, rel)) {
            if !matches!(found.get(asset), Some(Found::Asset(_))) {
                plan.drop_assets.insert(asset.clone());
            }
        }
    }
    for (rel, file) in found {
        match file {
            Found::Note(abs) => {
                plan.read.insert(rel.clone(), abs.clone());
            }
            Found::Asset(abs) => {
                plan.assets.insert(rel.clone(), abs.clone());
            }
        }
    }
    plan
}

/// The outputs to render: those that read a fact whose digest changed (`reached`), new ones,
/// and those whose last production failed; never those that are gone.
pub fn stale(
    reached: &BTreeSet<OutputKey>,
    new: &BTreeSet<OutputKey>,
    failed: &[OutputKey],
    gone: &[OutputKey],
) -> Vec<OutputKey> {
    let mut render: BTreeSet<OutputKey> = reached.union(new).cloned().collect();
    render.extend(failed.iter().cloned());
    for key in gone {
        render.remove(key);
    }
    render.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nav::PageKey;
    use crate::render::PageRef;
    use crate::vault::NoteId;

    fn known() -> Known {
        Known {
            notes: ["a.md", "ec2/b.md", "ec2/deep/c.md", "ec2x/d.md"]
                .map(String::from)
                .into(),
            assets: ["ec2/pic.png", "top.png"].map(String::from).into(),
        }
    }

    #[test]
    fn the_keys_under_a_path_are_the_path_and_what_is_inside_it() {
        let map: BTreeMap<String, ()> = [
            "a", "a b.md", "a.md", "a/x.md", "a/y/z.md", "ab/y.md", "b.md",
        ]
        .map(|k| (k.to_string(), ()))
        .into();
        let under = |rel| keys_under(&map, rel).cloned().collect::<Vec<_>>();
        assert_eq!(under("a"), ["a", "a/x.md", "a/y/z.md"]);
        assert_eq!(under("a/y"), ["a/y/z.md"]);
        assert_eq!(under("a.md"), ["a.md"]);
        assert_eq!(under("c"), Vec::<String>::new());
        assert_eq!(under("").len(), map.len());
    }

    #[test]
    fn an_edited_note_is_read_again() {
        let found = BTreeMap::from([("a.md".into(), Found::Note("/c/a.md".into()))]);
        let p = plan(&["a.md".into()], &found, &known());
        assert_eq!(p.read.keys().collect::<Vec<_>>(), ["a.md"]);
        assert!(p.drop_notes.is_empty() && p.drop_assets.is_empty());
        assert!(!p.adds_or_removes(&known()));
    }

    #[test]
    fn a_deleted_folder_drops_everything_under_it_and_nothing_beside_it() {
        let p = plan(&["ec2".into()], &BTreeMap::new(), &known());
        assert_eq!(
            p.drop_notes.iter().collect::<Vec<_>>(),
            ["ec2/b.md", "ec2/deep/c.md"]
        );
        assert_eq!(p.drop_assets.iter().collect::<Vec<_>>(), ["ec2/pic.png"]);
        assert!(p.adds_or_removes(&known()));
    }

    #[test]
    fn a_rename_drops_the_old_name_and_reads_the_new() {
        let found = BTreeMap::from([("ec2/e.md".into(), Found::Note("/c/ec2/e.md".into()))]);
        let p = plan(&["ec2/b.md".into(), "ec2/e.md".into()], &found, &known());
        assert_eq!(p.drop_notes.iter().collect::<Vec<_>>(), ["ec2/b.md"]);
        assert_eq!(p.read.keys().collect::<Vec<_>>(), ["ec2/e.md"]);
    }

    #[test]
    fn an_attachment_overwritten_in_place_is_copied_again() {
        let found = BTreeMap::from([("top.png".into(), Found::Asset("/c/top.png".into()))]);
        let p = plan(&["top.png".into()], &found, &known());
        assert_eq!(p.assets.keys().collect::<Vec<_>>(), ["top.png"]);
        assert!(!p.adds_or_removes(&known()));
    }

    #[test]
    fn outputs_reached_new_or_failed_are_rendered_and_gone_ones_never() {
        let page = |s: &str| OutputKey::Page(PageRef::Nav(PageKey::Note(NoteId::new(s))));
        let reached = BTreeSet::from([page("a.md"), page("gone.md")]);
        let new = BTreeSet::from([page("new.md")]);
        let render = stale(&reached, &new, &[page("failed.md")], &[page("gone.md")]);
        assert_eq!(render, [page("a.md"), page("failed.md"), page("new.md")]);
    }
}
