//! Related notes: for each note, the notes that share its topics and tags or link with it,
//! scored and ranked, so a reader finds everything close to what they are reading.

use super::tags::Tags;
use super::topics::Topics;
use crate::graph::Graph;
use crate::site::Site;
use crate::vault::NoteId;
use std::cmp::Ordering;
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
    // Notes by number, so scoring works on small integers rather than paths.
    let ids: Vec<&NoteId> = site.pages.keys().collect();
    let number: HashMap<&NoteId, u32> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i as u32))
        .collect();
    let mut scores: Vec<Vec<(u32, u32)>> = vec![Vec::new(); ids.len()];
    let mut add_group = |group: &mut Vec<u32>, weight: u32| {
        group.sort_unstable();
        group.dedup();
        if group.len() > CROWD {
            return;
        }
        for (i, &a) in group.iter().enumerate() {
            for &b in &group[i + 1..] {
                scores[a as usize].push((b, weight));
                scores[b as usize].push((a, weight));
            }
        }
    };
    for topic in &topics.list {
        let mut group: Vec<u32> = topic
            .coverage
            .iter()
            .filter_map(|c| number.get(&c.note).copied())
            .collect();
        add_group(&mut group, TOPIC_WEIGHT);
    }
    for info in tags.by_key.values() {
        let mut group: Vec<u32> = info
            .notes
            .iter()
            .filter_map(|id| number.get(id).copied())
            .collect();
        add_group(&mut group, TAG_WEIGHT);
    }
    for (from, targets) in &graph.outgoing {
        let Some(&a) = number.get(from) else { continue };
        for to in targets {
            if let Some(&b) = number.get(to) {
                scores[a as usize].push((b, LINK_WEIGHT));
                scores[b as usize].push((a, LINK_WEIGHT));
            }
        }
    }
    let titles: Vec<String> = ids
        .iter()
        .map(|id| site.pages[*id].title.to_lowercase())
        .collect();
    let listed: Vec<bool> = ids
        .iter()
        .map(|id| site.pages.get(*id).is_some_and(|p| p.section.is_none()))
        .collect();
    // Best score first, then by title, then by path: stable whatever the input order.
    let better = |a: &(u32, u32), b: &(u32, u32)| -> Ordering {
        b.1.cmp(&a.1)
            .then_with(|| titles[a.0 as usize].cmp(&titles[b.0 as usize]))
            .then_with(|| ids[a.0 as usize].cmp(ids[b.0 as usize]))
    };
    let mut related = HashMap::new();
    for (i, mut pairs) in scores.into_iter().enumerate() {
        if pairs.is_empty() {
            continue;
        }
        pairs.sort_unstable_by_key(|&(other, _)| other);
        let mut summed: Vec<(u32, u32)> = Vec::with_capacity(pairs.len());
        for (other, weight) in pairs {
            match summed.last_mut() {
                Some((last, total)) if *last == other => *total += weight,
                _ => summed.push((other, weight)),
            }
        }
        summed.retain(|(other, _)| listed[*other as usize] && *other as usize != i);
        if summed.len() > RELATED_COUNT {
            summed.select_nth_unstable_by(RELATED_COUNT - 1, better);
            summed.truncate(RELATED_COUNT);
        }
        summed.sort_by(better);
        related.insert(
            ids[i].clone(),
            summed
                .into_iter()
                .map(|(other, _)| ids[other as usize].clone())
                .collect(),
        );
    }
    related
}
