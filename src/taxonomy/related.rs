//! Related notes: for each note, the notes that share its topics and tags or link with it,
//! scored and ranked, so a reader finds everything close to what they are reading.

use super::tags::Tags;
use super::topics::Topics;
use crate::graph::Graph;
use crate::site::Site;
use crate::vault::NoteId;
use std::collections::HashMap;

/// How many related notes a page shows.
pub const RELATED_COUNT: usize = 5;

const TOPIC_WEIGHT: u32 = 3;
const TAG_WEIGHT: u32 = 2;
const LINK_WEIGHT: u32 = 2;
/// A tag or topic shared by more notes than this says little about any two of them (and
/// pairing them all would cost the square of their number).
const CROWD: usize = 50;

/// Scores every pair of notes that share something and keeps the best few per note.
pub fn collect(
    site: &Site,
    graph: &Graph,
    tags: &Tags,
    topics: &Topics,
) -> HashMap<NoteId, Vec<NoteId>> {
    let mut scores: HashMap<NoteId, HashMap<NoteId, u32>> = HashMap::new();
    let mut add = |a: &NoteId, b: &NoteId, w: u32| {
        if a != b {
            *scores
                .entry(a.clone())
                .or_default()
                .entry(b.clone())
                .or_default() += w;
            *scores
                .entry(b.clone())
                .or_default()
                .entry(a.clone())
                .or_default() += w;
        }
    };
    for topic in &topics.list {
        let mut notes: Vec<&NoteId> = topic.coverage.iter().map(|c| &c.note).collect();
        notes.dedup();
        if notes.len() > CROWD {
            continue;
        }
        for (i, a) in notes.iter().enumerate() {
            for b in &notes[i + 1..] {
                add(a, b, TOPIC_WEIGHT);
            }
        }
    }
    for info in tags.by_key.values() {
        if info.notes.len() > CROWD {
            continue;
        }
        let notes: Vec<&NoteId> = info.notes.iter().collect();
        for (i, a) in notes.iter().enumerate() {
            for b in &notes[i + 1..] {
                add(a, b, TAG_WEIGHT);
            }
        }
    }
    for (from, targets) in &graph.outgoing {
        for to in targets {
            add(from, to, LINK_WEIGHT);
        }
    }
    scores
        .into_iter()
        .map(|(id, others)| {
            let mut ranked: Vec<(NoteId, u32)> = others
                .into_iter()
                .filter(|(other, _)| {
                    site.pages
                        .get(other)
                        .is_some_and(|p| !p.note.id.is_section_index())
                })
                .collect();
            ranked.sort_by(|a, b| {
                let title = |id: &NoteId| {
                    site.pages
                        .get(id)
                        .map(|p| p.title.to_lowercase())
                        .unwrap_or_default()
                };
                b.1.cmp(&a.1)
                    .then_with(|| title(&a.0).cmp(&title(&b.0)))
                    .then_with(|| a.0.cmp(&b.0))
            });
            ranked.truncate(RELATED_COUNT);
            (id, ranked.into_iter().map(|(id, _)| id).collect())
        })
        .collect()
}
