//! What the whole vault says about its notes beyond links: tags, topics shared across notes,
//! each note's related notes, and the flashcard decks. Computed once after the link stage; pages only read it.

pub mod related;
pub mod tags;
pub mod topics;

use crate::graph::Graph;
use crate::hash::FastMap;
use crate::site::Site;
use crate::vault::NoteId;

/// Tags, topics and related notes of a site.
#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    /// Every tag with its notes.
    pub tags: tags::Tags,
    /// Subjects covered by more than one note.
    pub topics: topics::Topics,
    /// Per note, the most related other notes, best first.
    pub related: FastMap<NoteId, Vec<NoteId>>,
    /// Every flashcard, by deck and tag.
    pub decks: crate::cards::Decks,
}

impl Taxonomy {
    /// The tags (with their parents) and the topics of some notes.
    pub fn clone_keys_of<'a>(
        &self,
        notes: impl IntoIterator<Item = &'a NoteId>,
    ) -> (Vec<String>, Vec<String>) {
        let mut tags = Vec::new();
        let mut topics = Vec::new();
        for id in notes {
            for key in self.tags.of_note.get(id).into_iter().flat_map(|k| k.iter()) {
                let mut k = key.as_str();
                tags.push(k.to_string());
                while let Some(i) = k.rfind('/') {
                    k = &k[..i];
                    tags.push(k.to_string());
                }
            }
            for &i in self.topics.of_note.get(id).into_iter().flatten() {
                topics.push(self.topics.list[i].key.clone());
            }
        }
        (tags, topics)
    }
}

/// Collects tags, topics and related notes.
pub fn collect(site: &Site, graph: &Graph) -> Taxonomy {
    let tags = tags::collect(site);
    let topics = topics::collect(site, &mut topics::Topics::default());
    let related = related::collect(site, graph, &tags, &topics);
    Taxonomy {
        tags,
        topics,
        related,
        decks: crate::cards::collect(site),
    }
}
