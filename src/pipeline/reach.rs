//! How far a change of notes reaches: which notes, folders, tags and topics it may have moved
//! ([`Reach`], [`Scope`]), and so which facts of the dependency record are computed again
//! ([`State::reached`]).

use super::{Fact, State};
use crate::taxonomy;
use crate::vault::NoteId;
use std::collections::BTreeSet;

/// What a change of notes' places, titles or links reached: the facts about these are
/// computed again.
#[derive(Debug, Default)]
pub(super) struct Reach {
    /// The notes read again, moved, or whose links were resolved again.
    pub(super) notes: BTreeSet<NoteId>,
    /// Notes whose backlinks or link map may show one of them (before or after).
    pub(super) neighbours: BTreeSet<NoteId>,
    /// Notes whose related notes changed or show one of them.
    pub(super) related: BTreeSet<NoteId>,
    /// Tags (and their parents) of those notes, before or after.
    pub(super) tags: BTreeSet<String>,
    /// Topics of those notes, before or after.
    pub(super) topics: BTreeSet<String>,
    /// Folders of those notes, and folders that came or went.
    pub(super) folders: BTreeSet<String>,
    /// Pages whose previous or next page may have changed (`None`: any, the order moved).
    pub(super) neighbours_in_order: Option<BTreeSet<crate::nav::PageKey>>,
    /// Notes whose tags or topics, as their pages show them, may have changed.
    pub(super) labelled: BTreeSet<NoteId>,
    /// Notes gone that were folders' pages.
    pub(super) gone_folder_pages: BTreeSet<NoteId>,
    /// Whether the decks were collected again (else every note's cards are as they were).
    pub(super) decks: bool,
    /// When the decks were collected again, the notes whose cards may differ in them (`None`:
    /// any).
    pub(super) carded: Option<BTreeSet<NoteId>>,
}

/// The pages of `now` whose previous or next page is not as in `before` (two reading
/// orders): those around the stretch where the orders differ.
pub(super) fn order_changed<'a, T: PartialEq>(before: &[T], now: &'a [T]) -> &'a [T] {
    let first = before.iter().zip(now).take_while(|(a, b)| a == b).count();
    if first == before.len() && first == now.len() {
        return &[];
    }
    let same_end = before[first..]
        .iter()
        .rev()
        .zip(now[first..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let end = (now.len() - same_end + 1).min(now.len());
    &now[first.saturating_sub(1)..end]
}

impl Reach {
    /// Adds the neighbours and folders of `notes` in the site as it is now.
    pub(super) fn note_around(&mut self, l: &crate::linked::Linked, notes: &BTreeSet<NoteId>) {
        for id in notes {
            self.neighbours.insert(id.clone());
            self.neighbours
                .extend(l.graph.outgoing.get(id).into_iter().flatten().cloned());
            self.neighbours.extend(
                l.graph
                    .backlinks
                    .get(id)
                    .into_iter()
                    .flatten()
                    .map(|b| b.from.clone()),
            );
            // A note shows in its folder's listing; a folder's page, in its parent's.
            let folder = id.folder();
            self.folders.insert(folder.to_string());
            let folder_page = match l.site.pages.get(id) {
                Some(p) => p.section.is_some(),
                None => self.gone_folder_pages.contains(id),
            };
            if folder_page && !folder.is_empty() {
                self.folders
                    .insert(folder.rfind('/').map_or("", |i| &folder[..i]).to_string());
            }
            // A folder note beside its folder (`People.md` next to `People/`) gives that
            // folder its title.
            match l.site.pages.get(id).map(|p| &p.section) {
                Some(Some(section)) => {
                    self.folders.insert(section.clone());
                }
                Some(None) => {}
                None if folder_page => {
                    let beside = match folder {
                        "" => id.stem().to_string(),
                        _ => format!("{folder}/{}", id.stem()),
                    };
                    self.folders.insert(beside);
                }
                None => {}
            }
        }
    }

    /// Adds the tags and topics `notes` had in `taxonomy`.
    pub(super) fn taxonomy_of(&mut self, taxonomy: &taxonomy::Taxonomy, notes: &BTreeSet<NoteId>) {
        let (tags, topics) = taxonomy.clone_keys_of(notes);
        self.tags.extend(tags);
        self.topics.extend(topics);
    }

    /// Adds the tags and topics whose pages or names changed from `before` to `now`, and the
    /// notes whose pages show them: a note's page names its tags and topics (title and page),
    /// and a topic's notes are only those covering it while it has two.
    pub(super) fn labelled_by_change(
        &mut self,
        before: &taxonomy::Taxonomy,
        now: &taxonomy::Taxonomy,
    ) {
        let (old, new) = (&before.tags.by_key, &now.tags.by_key);
        for (key, t) in new {
            if old.get(key).map(|b| (&b.name, &b.path)) != Some((&t.name, &t.path)) {
                self.tags.insert(key.clone());
                self.labelled.extend(t.notes.iter().cloned());
            }
        }
        for (key, b) in old {
            if !new.contains_key(key) {
                self.tags.insert(key.clone());
                self.labelled.extend(b.notes.iter().cloned());
            }
        }
        let (old, new) = (&before.topics, &now.topics);
        for t in &new.list {
            match old.get(&t.key) {
                Some(b) if b.title == t.title && b.path == t.path && b.coverage == t.coverage => {}
                b => {
                    self.topics.insert(t.key.clone());
                    for c in t
                        .coverage
                        .iter()
                        .chain(b.into_iter().flat_map(|b| &b.coverage))
                    {
                        self.labelled.insert(c.note.clone());
                    }
                }
            }
        }
        for b in &old.list {
            if new.get(&b.key).is_none() {
                self.topics.insert(b.key.clone());
                self.labelled
                    .extend(b.coverage.iter().map(|c| c.note.clone()));
            }
        }
    }

    /// Whether the sidebar of a page shows a folder that the change reached.
    fn reaches_sidebar(&self, key: &crate::nav::PageKey) -> bool {
        let folder = match key {
            crate::nav::PageKey::Note(id) => id.folder(),
            crate::nav::PageKey::Section(f) => f.as_str(),
        };
        self.folders.iter().any(|f| super::plan::under(folder, f))
    }
}

/// How far a change may reach, to know which facts to compute again.
pub(super) struct Scope {
    /// Notes came, went, or changed what others show of them (`None`: only bodies changed).
    pub(super) reach: Option<Reach>,
    /// Templates changed.
    pub(super) templates: bool,
    /// Static files changed.
    pub(super) statics: bool,
    /// Notes whose body HTML may have changed (the notes that embed them are added).
    pub(super) bodies: BTreeSet<NoteId>,
    /// Notes read again.
    pub(super) touched: Vec<NoteId>,
    /// Attachments new or changed (their sources).
    pub(super) files: BTreeSet<std::path::PathBuf>,
}

impl State {
    /// The notes that show the body of one of `notes`, transitively (through embeds), and
    /// those notes.
    pub(super) fn with_embedders(&self, notes: BTreeSet<NoteId>) -> BTreeSet<NoteId> {
        let mut all = BTreeSet::new();
        let mut queue: Vec<NoteId> = notes.into_iter().collect();
        while let Some(id) = queue.pop() {
            if !all.insert(id.clone()) {
                continue;
            }
            for b in self.linked.graph.backlinks.get(&id).into_iter().flatten() {
                if b.embed {
                    queue.push(b.from.clone());
                }
            }
        }
        all
    }

    /// The facts a change may have reached (see [`Scope`]).
    pub(super) fn reached(&self, scope: &Scope) -> Vec<Fact> {
        let bodies = self.with_embedders(scope.bodies.clone());
        let topics = &self.linked.taxonomy.topics;
        let topic_keys: BTreeSet<&str> = bodies
            .iter()
            .filter_map(|id| topics.of_note.get(id))
            .flatten()
            .map(|&i| topics.list[i].key.as_str())
            .collect();
        let everything = self.stale_record;
        // A folder's listing and print sheet show its sub-folders' notes too: they are
        // reached through any reached folder inside them.
        let listing: BTreeSet<&str> = scope
            .reach
            .iter()
            .flat_map(|r| &r.folders)
            .flat_map(|f| ancestors(f))
            .collect();
        let reached = |fact: &Fact| match (fact, &scope.reach) {
            _ if everything => true,
            (Fact::Template(_), _) => scope.templates,
            (Fact::File(path), _) => scope.statics || scope.files.contains(path),
            (Fact::Assets, _) => scope.statics || scope.templates,
            (Fact::Body(id), _) => bodies.contains(id),
            // Any note's text: refreshed by every change of notes.
            (Fact::SearchIndex | Fact::Feed, _) => !scope.touched.is_empty(),
            (_, None) => false,
            (Fact::Source(id), Some(r)) => r.notes.contains(id),
            (Fact::Sidebar(key), Some(r)) => r.reaches_sidebar(key),
            (Fact::Backlinks(id) | Fact::LinkMap(id), Some(r)) => r.neighbours.contains(id),
            (Fact::Related(id), Some(r)) => r.related.contains(id),
            (Fact::Tag(k), Some(r)) => r.tags.contains(k),
            (Fact::Topic(k), Some(r)) => r.topics.contains(k) || topic_keys.contains(k.as_str()),
            (Fact::CardsOf(id), Some(r)) => {
                r.decks && r.carded.as_ref().is_none_or(|notes| notes.contains(id))
            }
            (Fact::PrevNext(key), Some(r)) => r
                .neighbours_in_order
                .as_ref()
                .is_none_or(|keys| keys.contains(key)),
            (Fact::TopicsOf(id) | Fact::TagsOf(id), Some(r)) => r.labelled.contains(id),
            (Fact::Children(folder) | Fact::PrintList(folder), Some(_)) => {
                listing.contains(folder.as_str())
            }
            // Cheap, and shared by many pages: always computed again.
            (
                Fact::Crumbs(_)
                | Fact::TagIndex
                | Fact::TopicIndex
                | Fact::VaultMap
                | Fact::Sitemap,
                Some(_),
            ) => true,
            (Fact::HasCards | Fact::Decks | Fact::Deck(_) | Fact::CardTag(_), Some(r)) => r.decks,
        };
        let mut facts: std::collections::HashSet<Fact> =
            if scope.reach.is_none() && !everything && !scope.templates && !scope.statics {
                // Only bodies, files and the whole-site outputs can be reached: looked up, not
                // searched for among every fact of the site.
                let whole_site =
                    (!scope.touched.is_empty()).then_some([Fact::SearchIndex, Fact::Feed]);
                bodies
                    .iter()
                    .map(|id| Fact::Body(id.clone()))
                    .chain(scope.files.iter().map(|p| Fact::File(p.clone())))
                    .chain(whole_site.into_iter().flatten())
                    .filter(|f| self.record.knows(f))
                    .collect()
            } else {
                self.record
                    .facts()
                    .filter(|f| reached(f))
                    .cloned()
                    .collect()
            };
        if scope.reach.is_none() {
            facts.extend(scope.touched.iter().map(|id| Fact::Source(id.clone())));
            facts.extend(topic_keys.into_iter().map(|k| Fact::Topic(k.to_string())));
        }
        facts.into_iter().collect()
    }
}

/// A folder and the folders it is in, up to the content folder (`""`).
fn ancestors(folder: &str) -> impl Iterator<Item = &str> {
    let parents = folder
        .char_indices()
        .filter(|&(_, c)| c == '/')
        .map(|(i, _)| &folder[..i]);
    std::iter::once(folder)
        .chain(parents)
        .chain((!folder.is_empty()).then_some(""))
}

#[cfg(test)]
mod tests {
    use super::{ancestors, order_changed};

    #[test]
    fn a_folder_is_listed_in_itself_and_every_folder_above_it() {
        let mut all: Vec<&str> = ancestors("a/b/c").collect();
        all.sort();
        assert_eq!(all, ["", "a", "a/b", "a/b/c"]);
        assert_eq!(ancestors("").collect::<Vec<_>>(), [""]);
        assert_eq!(ancestors("x").collect::<Vec<_>>(), ["x", ""]);
    }

    #[test]
    fn the_pages_whose_neighbours_moved_are_those_around_the_stretch_that_differs() {
        let before = [1, 2, 3, 4, 5, 6, 7];
        // 3 renamed to 8, later in its folder: 2..=8's neighbours changed, and 1's and 7's not.
        assert_eq!(
            order_changed(&before, &[1, 2, 4, 5, 8, 6, 7]),
            [2, 4, 5, 8, 6]
        );
        // One page more at the end: the last page gets a next one.
        assert_eq!(order_changed(&before, &[1, 2, 3, 4, 5, 6, 7, 9]), [7, 9]);
        // One page less at the start.
        assert_eq!(order_changed(&before, &[2, 3, 4, 5, 6, 7]), [2]);
        assert_eq!(order_changed(&before, &before), [] as [i32; 0]);
        assert_eq!(order_changed(&before, &[]), [] as [i32; 0]);
        assert_eq!(order_changed(&[], &[1]), [1]);
    }
}
