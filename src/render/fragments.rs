//! The parts of pages that come from other notes: breadcrumbs, previous/next, backlinks,
//! related notes, topics, listings, maps. Each is plain data with site paths (not yet URLs of
//! one page), built by one function here that both the page views and the dependency record
//! use: a page is rendered from exactly what its digests cover.

use super::linkmap::MapNode;
use crate::linked::Linked;
use crate::nav::{Child, PageKey};
use crate::vault::NoteId;
use std::collections::{BTreeSet, HashMap};

/// A page by title and site path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Item {
    /// Title.
    pub title: String,
    /// Site path, maybe with `#anchor`.
    pub path: String,
}

/// A note that links here.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BacklinkItem {
    /// The linking note.
    pub item: Item,
    /// The sentence around its link.
    pub context: String,
    /// Whether it embeds this note.
    pub embed: bool,
}

/// An entry of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChildItem {
    /// The page.
    pub item: Item,
    /// A folder (rather than a note).
    pub is_section: bool,
    /// Its description.
    pub description: Option<String>,
    /// How many entries a folder holds.
    pub count: usize,
}

/// An entry of a tags or topics index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EntryItem {
    /// The tag or topic.
    pub item: Item,
    /// How many notes or sections it has.
    pub count: usize,
    /// Nesting depth.
    pub depth: usize,
}

/// A section of a note on a topic page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Coverage {
    /// The note (title, path to the section).
    pub item: Item,
    /// The note.
    pub note: NoteId,
    /// The section's heading, or the whole note.
    pub heading: Option<usize>,
}

fn item(l: &Linked, id: &NoteId) -> Option<Item> {
    let page = l.site.pages.get(id)?;
    Some(Item {
        title: page.title.clone(),
        path: page.path.clone(),
    })
}

/// From the home page down to the page's folder.
pub fn breadcrumbs(l: &Linked, key: &PageKey) -> Vec<Item> {
    l.site
        .nav
        .breadcrumbs(key)
        .into_iter()
        .map(|p| Item {
            title: p.title,
            path: p.path,
        })
        .collect()
}

/// The pages before and after, in reading order.
pub fn prev_next(l: &Linked, key: &PageKey) -> (Option<Item>, Option<Item>) {
    let (prev, next) = l.site.nav.prev_next(key);
    let to = |p: crate::nav::PageLink| Item {
        title: p.title,
        path: p.path,
    };
    (prev.map(to), next.map(to))
}

/// The notes that link to a note.
pub fn backlinks(l: &Linked, id: &NoteId) -> Vec<BacklinkItem> {
    l.graph
        .backlinks
        .get(id)
        .into_iter()
        .flatten()
        .filter_map(|b| {
            Some(BacklinkItem {
                item: item(l, &b.from)?,
                context: b.context.clone(),
                embed: b.embed,
            })
        })
        .collect()
}

/// The notes most related to a note.
pub fn related(l: &Linked, id: &NoteId) -> Vec<Item> {
    l.taxonomy
        .related
        .get(id)
        .into_iter()
        .flatten()
        .filter_map(|other| item(l, other))
        .collect()
}

/// The topics a note shares with others.
pub fn topics_of(l: &Linked, id: &NoteId) -> Vec<Item> {
    let topics = &l.taxonomy.topics;
    topics
        .of_note
        .get(id)
        .into_iter()
        .flatten()
        .map(|&i| Item {
            title: topics.list[i].title.clone(),
            path: topics.list[i].path.clone(),
        })
        .collect()
}

/// A note's tags: name as written, site path of its page.
pub fn tags_of(l: &Linked, id: &NoteId) -> Vec<(String, String)> {
    let tags = &l.taxonomy.tags;
    tags.of_note
        .get(id)
        .into_iter()
        .flat_map(|k| k.iter())
        .filter_map(|k| tags.by_key.get(k))
        .map(|t| (t.name.clone(), t.path.clone()))
        .collect()
}

/// A map node for a note, coloured by its top-level folder.
pub fn map_node(l: &Linked, id: &NoteId) -> Option<MapNode> {
    let page = l.site.pages.get(id)?;
    let top = id.as_str().split('/').next().unwrap_or("");
    let group = if id.folder().is_empty() {
        0
    } else {
        top.bytes()
            .fold(7usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize))
            % 7
            + 1
    };
    Some(MapNode {
        title: page.title.clone(),
        url: crate::paths::marked(&page.path),
        group,
    })
}

/// The one-hop neighbours of a note, with whether the note links to them (or only they to
/// it), sorted by title.
pub fn neighbours(l: &Linked, id: &NoteId) -> Vec<(MapNode, bool)> {
    let mut found: Vec<(MapNode, bool)> = Vec::new();
    let mut seen = BTreeSet::new();
    for to in l.graph.outgoing.get(id).into_iter().flatten() {
        if seen.insert(to.clone())
            && let Some(node) = map_node(l, to)
        {
            found.push((node, true));
        }
    }
    for b in l.graph.backlinks.get(id).into_iter().flatten() {
        if seen.insert(b.from.clone())
            && let Some(node) = map_node(l, &b.from)
        {
            found.push((node, false));
        }
    }
    found.sort_by_cached_key(|n| n.0.title.to_lowercase());
    found
}

/// A folder's notes and sub-folders, as its page lists them.
pub fn children(l: &Linked, folder: &str) -> Vec<ChildItem> {
    let Some(section) = l.site.nav.section(folder) else {
        return Vec::new();
    };
    section
        .children
        .iter()
        .filter_map(|c| child_item(l, c))
        .collect()
}

fn child_item(l: &Linked, child: &Child) -> Option<ChildItem> {
    match child {
        Child::Note(id) => {
            let page = l.site.pages.get(id)?;
            Some(ChildItem {
                item: item(l, id)?,
                is_section: false,
                description: page.note.front.description.clone(),
                count: 0,
            })
        }
        Child::Section(folder) => {
            let section = l.site.nav.section(folder)?;
            let description = section
                .index
                .as_ref()
                .and_then(|id| l.site.pages.get(id))
                .and_then(|p| p.note.front.description.clone());
            Some(ChildItem {
                item: Item {
                    title: section.title.clone(),
                    path: section.path.clone(),
                },
                is_section: true,
                description,
                count: section.children.len(),
            })
        }
    }
}

/// Every tag, nested tags after their parents.
pub fn tag_index(l: &Linked) -> Vec<EntryItem> {
    let tags = &l.taxonomy.tags;
    tags.by_key
        .iter()
        .map(|(key, t)| EntryItem {
            item: Item {
                title: t.name.clone(),
                path: t.path.clone(),
            },
            count: tags.notes_under(key).len(),
            depth: key.matches('/').count(),
        })
        .collect()
}

/// A tag's notes (by title) and its nested tags.
pub fn tag_page(l: &Linked, key: &str) -> (Vec<ChildItem>, Vec<EntryItem>) {
    let tags = &l.taxonomy.tags;
    let mut notes: Vec<ChildItem> = tags
        .notes_under(key)
        .iter()
        .filter_map(|id| child_item(l, &Child::Note(id.clone())))
        .collect();
    notes.sort_by_cached_key(|c| c.item.title.to_lowercase());
    let nested = tags
        .children(key)
        .into_iter()
        .map(|t| EntryItem {
            item: Item {
                title: t.name.clone(),
                path: t.path.clone(),
            },
            count: tags.notes_under(&crate::taxonomy::tags::key(&t.name)).len(),
            depth: 0,
        })
        .collect();
    (notes, nested)
}

/// Every topic.
pub fn topic_index(l: &Linked) -> Vec<EntryItem> {
    l.taxonomy
        .topics
        .list
        .iter()
        .map(|t| EntryItem {
            item: Item {
                title: t.title.clone(),
                path: t.path.clone(),
            },
            count: t.coverage.len(),
            depth: 0,
        })
        .collect()
}

/// The sections a topic gathers.
pub fn topic_page(l: &Linked, key: &str) -> Vec<Coverage> {
    let Some(topic) = l.taxonomy.topics.get(key) else {
        return Vec::new();
    };
    topic
        .coverage
        .iter()
        .filter_map(|c| {
            let page = l.site.pages.get(&c.note)?;
            let anchor = c
                .heading
                .and_then(|h| page.parsed.headings.get(h))
                .map(|h| format!("#{}", h.anchor))
                .unwrap_or_default();
            Some(Coverage {
                item: Item {
                    title: page.title.clone(),
                    path: format!("{}{anchor}", page.path),
                },
                note: c.note.clone(),
                heading: c.heading,
            })
        })
        .collect()
}

/// How many notes the vault map shows at most: past that a map is a blur, so a large vault's
/// map shows its best-linked notes.
pub const MAP_LIMIT: usize = 500;

/// The notes (not folder pages) the vault map shows, and the links between them; and how many
/// notes the vault has.
pub fn vault_map(l: &Linked) -> (Vec<MapNode>, Vec<(usize, usize)>, usize) {
    let mut ids: Vec<&NoteId> = l
        .site
        .pages
        .iter()
        .filter(|(_, p)| p.section.is_none())
        .map(|(id, _)| id)
        .collect();
    let all = ids.len();
    if all > MAP_LIMIT {
        let degree = |id: &NoteId| {
            l.graph.outgoing.get(id).map_or(0, |s| s.len())
                + l.graph.backlinks.get(id).map_or(0, |b| b.len())
        };
        // The best connected, each degree worked out once: a partial selection, not a sort.
        let mut ranked: Vec<(usize, &NoteId)> = ids.iter().map(|id| (degree(id), *id)).collect();
        ranked.select_nth_unstable_by(MAP_LIMIT - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        ranked.truncate(MAP_LIMIT);
        ids = ranked.into_iter().map(|(_, id)| id).collect();
        ids.sort();
    }
    let index: HashMap<&NoteId, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let nodes: Vec<MapNode> = ids.iter().filter_map(|id| map_node(l, id)).collect();
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for (from, targets) in &l.graph.outgoing {
        for to in targets {
            if let (Some(&a), Some(&b)) = (index.get(from), index.get(to)) {
                edges.push((a.min(b), a.max(b)));
            }
        }
    }
    edges.sort_unstable();
    edges.dedup();
    (nodes, edges, all)
}
