//! Related notes: for each note, the notes that share its topics and tags or link with it,
//! scored and ranked, so a reader finds everything close to what they are reading.

use super::tags::Tags;
use super::topics::Topics;
use crate::graph::Graph;
use crate::hash::FastMap;
use crate::site::Site;
use crate::vault::NoteId;
use rayon::prelude::*;
use std::cmp::Ordering;

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
) -> FastMap<NoteId, Vec<NoteId>> {
    // Notes by number, so scoring works on small integers rather than paths.
    let ids: Vec<&NoteId> = site.pages.keys().collect();
    let number: FastMap<&NoteId, u32> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i as u32))
        .collect();
    // The groups that count (topics, then tags), each with its weight; each note's groups,
    // and the notes it links with (once per link, either way).
    let mut groups: Vec<(Vec<u32>, u32)> = Vec::new();
    let mut add_group = |mut group: Vec<u32>, weight: u32| {
        group.sort_unstable();
        group.dedup();
        if (2..=CROWD).contains(&group.len()) {
            groups.push((group, weight));
        }
    };
    for topic in &topics.list {
        let group = topic
            .coverage
            .iter()
            .filter_map(|c| number.get(&c.note).copied())
            .collect();
        add_group(group, TOPIC_WEIGHT);
    }
    for info in tags.by_key.values() {
        let group = info
            .notes
            .iter()
            .filter_map(|id| number.get(id).copied())
            .collect();
        add_group(group, TAG_WEIGHT);
    }
    let mut member_of: Vec<Vec<u32>> = vec![Vec::new(); ids.len()];
    for (g, (members, _)) in groups.iter().enumerate() {
        for &m in members {
            member_of[m as usize].push(g as u32);
        }
    }
    let mut links: Vec<Vec<u32>> = vec![Vec::new(); ids.len()];
    for (from, targets) in &graph.outgoing {
        let Some(&a) = number.get(from) else { continue };
        for to in targets {
            if let Some(&b) = number.get(to) {
                links[a as usize].push(b);
                links[b as usize].push(a);
            }
        }
    }
    // Each note's place in title order (then path): ties in score go by it.
    let mut by_title: Vec<(String, u32)> = ids
        .par_iter()
        .enumerate()
        .map(|(i, id)| (site.pages[*id].title.to_lowercase(), i as u32))
        .collect();
    by_title.par_sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| ids[a.1 as usize].cmp(ids[b.1 as usize]))
    });
    let mut rank = vec![0u32; ids.len()];
    for (place, (_, i)) in by_title.iter().enumerate() {
        rank[*i as usize] = place as u32;
    }
    let listed: Vec<bool> = ids
        .iter()
        .map(|id| site.pages.get(*id).is_some_and(|p| p.section.is_none()))
        .collect();
    // Best score first, then by title, then by path: stable whatever the input order.
    let better = |a: &(u32, u32), b: &(u32, u32)| -> Ordering {
        b.1.cmp(&a.1)
            .then_with(|| rank[a.0 as usize].cmp(&rank[b.0 as usize]))
    };
    // Each note is scored on its own, into a score per note that each thread keeps (and
    // clears after use): on every core, with no pair list to sort.
    (0..ids.len())
        .into_par_iter()
        .filter(|&i| !member_of[i].is_empty() || !links[i].is_empty())
        .map_init(
            || (vec![0u32; ids.len()], Vec::new()),
            |(score, touched), i| {
                let mut add = |other: u32, weight: u32| {
                    if score[other as usize] == 0 {
                        touched.push(other);
                    }
                    score[other as usize] += weight;
                };
                for &g in &member_of[i] {
                    let (members, weight) = &groups[g as usize];
                    for &m in members {
                        add(m, *weight);
                    }
                }
                for &m in &links[i] {
                    add(m, LINK_WEIGHT);
                }
                let mut summed: Vec<(u32, u32)> = touched
                    .drain(..)
                    .map(|other| (other, std::mem::take(&mut score[other as usize])))
                    .filter(|&(other, _)| listed[other as usize] && other as usize != i)
                    .collect();
                if summed.len() > RELATED_COUNT {
                    summed.select_nth_unstable_by(RELATED_COUNT - 1, better);
                    summed.truncate(RELATED_COUNT);
                }
                summed.sort_unstable_by(better);
                let list = summed
                    .into_iter()
                    .map(|(other, _)| ids[other as usize].clone())
                    .collect();
                (ids[i].clone(), list)
            },
        )
        .collect()
}

/// The related notes of `notes` alone, each as [`collect`] ranks them (`None`: a note that
/// shares nothing, which `collect` leaves out): after an edit, only the notes sharing a topic,
/// tag or link with the edited ones are ranked again.
pub fn of_notes(
    site: &Site,
    graph: &Graph,
    tags: &Tags,
    topics: &Topics,
    notes: &std::collections::BTreeSet<NoteId>,
) -> FastMap<NoteId, Option<Vec<NoteId>>> {
    notes
        .par_iter()
        .filter(|id| site.pages.contains_key(*id))
        .map(|id| (id.clone(), one(site, graph, tags, topics, id)))
        .collect()
}

/// The related notes of one note, as [`collect`] ranks them.
fn one<'a>(
    site: &'a Site,
    graph: &'a Graph,
    tags: &'a Tags,
    topics: &'a Topics,
    id: &'a NoteId,
) -> Option<Vec<NoteId>> {
    let mut scores: FastMap<&'a NoteId, u32> = FastMap::default();
    let mut shares = false;
    let mut add_group = |group: std::collections::BTreeSet<&'a NoteId>, weight: u32| {
        if group.len() > CROWD || group.len() < 2 {
            return;
        }
        shares = true;
        for other in group {
            if other != id {
                *scores.entry(other).or_default() += weight;
            }
        }
    };
    for &i in topics.of_note.get(id).into_iter().flatten() {
        let coverage = &topics.list[i].coverage;
        if distinct_notes(coverage) > CROWD {
            continue;
        }
        let group = coverage
            .iter()
            .map(|c| &c.note)
            .filter(|n| site.pages.contains_key(*n))
            .collect();
        add_group(group, TOPIC_WEIGHT);
    }
    let mut own: Vec<&String> = tags
        .of_note
        .get(id)
        .into_iter()
        .flat_map(|k| k.iter())
        .collect();
    own.sort();
    own.dedup();
    for key in own {
        // (A tag's notes are all on the site: the tags are collected from it.)
        if let Some(info) = tags.by_key.get(key)
            && info.notes.len() <= CROWD
        {
            let group = info
                .notes
                .iter()
                .filter(|n| site.pages.contains_key(*n))
                .collect();
            add_group(group, TAG_WEIGHT);
        }
    }
    let incoming: std::collections::BTreeSet<&NoteId> = graph
        .backlinks
        .get(id)
        .into_iter()
        .flatten()
        .map(|b| &b.from)
        .filter(|from| graph.outgoing.get(*from).is_some_and(|t| t.contains(id)))
        .collect();
    let outgoing = graph.outgoing.get(id).into_iter().flatten();
    for other in outgoing.chain(incoming) {
        if site.pages.contains_key(other) {
            shares = true;
            if other != id {
                *scores.entry(other).or_default() += LINK_WEIGHT;
            }
        }
    }
    if !shares {
        return None;
    }
    let mut listed: Vec<(&NoteId, u32)> = scores
        .into_iter()
        .filter(|(other, _)| site.pages.get(*other).is_some_and(|p| p.section.is_none()))
        .collect();
    // Titles break ties: only those scoring at least the last place's score need one.
    listed.sort_unstable_by_key(|&(_, score)| std::cmp::Reverse(score));
    let cut = listed
        .get(RELATED_COUNT.saturating_sub(1))
        .map_or(0, |&(_, score)| score);
    let mut best: Vec<(&NoteId, u32, String)> = listed
        .into_iter()
        .take_while(|&(_, score)| score >= cut)
        .map(|(other, score)| (other, score, site.pages[other].title.to_lowercase()))
        .collect();
    best.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.2.cmp(&b.2))
            .then_with(|| a.0.cmp(b.0))
    });
    best.truncate(RELATED_COUNT);
    Some(
        best.into_iter()
            .map(|(other, _, _)| other.clone())
            .collect(),
    )
}

/// Ranks again, in `related`, the notes whose related notes an edit of `edited` may have
/// changed: the edited notes, the notes they link with (`around`: before and after), and the
/// notes sharing a topic or tag with them in the taxonomy before (`tags_before`,
/// `topics_before`) or now. Returns the notes whose list changed.
#[allow(clippy::too_many_arguments)]
pub fn update(
    related: &mut FastMap<NoteId, Vec<NoteId>>,
    (site, graph): (&Site, &Graph),
    (tags, topics): (&Tags, &Topics),
    (tags_before, topics_before): (&Tags, &Topics),
    edited: &std::collections::BTreeSet<NoteId>,
    around: &std::collections::BTreeSet<NoteId>,
) -> std::collections::BTreeSet<NoteId> {
    // A group counts when it has at most CROWD notes of the site; notes gone from it (all
    // edited) may still be in the group as it was.
    let counts = |n: usize| n <= CROWD + edited.len();
    let mut dirty = edited.clone();
    dirty.extend(around.iter().cloned());
    for id in edited {
        dirty.extend(graph.outgoing.get(id).into_iter().flatten().cloned());
        dirty.extend(
            graph
                .backlinks
                .get(id)
                .into_iter()
                .flatten()
                .map(|b| b.from.clone()),
        );
        for t in [topics, topics_before] {
            for &i in t.of_note.get(id).into_iter().flatten() {
                let coverage = &t.list[i].coverage;
                if counts(distinct_notes(coverage)) {
                    dirty.extend(coverage.iter().map(|c| c.note.clone()));
                }
            }
        }
        for t in [tags, tags_before] {
            for key in t.of_note.get(id).into_iter().flat_map(|k| k.iter()) {
                if let Some(info) = t.by_key.get(key)
                    && counts(info.notes.len())
                {
                    dirty.extend(info.notes.iter().cloned());
                }
            }
        }
    }
    let mut changed = std::collections::BTreeSet::new();
    // Ranking notes one by one costs more per note than all at once: past an eighth of the
    // site, rank them all.
    if dirty.len() * 8 > site.pages.len() {
        let all = collect(site, graph, tags, topics);
        for (id, list) in &all {
            if related.get(id) != Some(list) {
                changed.insert(id.clone());
            }
        }
        changed.extend(related.keys().filter(|id| !all.contains_key(*id)).cloned());
        *related = all;
        return changed;
    }
    let fresh = of_notes(site, graph, tags, topics, &dirty);
    for id in dirty {
        let now = fresh.get(&id).cloned().flatten();
        let was = match now {
            Some(list) => related.insert(id.clone(), list),
            None => related.remove(&id),
        };
        if was.as_ref() != related.get(&id) {
            changed.insert(id);
        }
    }
    changed
}

/// How many notes a topic's coverage holds (it is sorted by note).
fn distinct_notes(coverage: &[super::topics::Coverage]) -> usize {
    let mut count = 0;
    let mut last = None;
    for c in coverage {
        if last != Some(&c.note) {
            count += 1;
            last = Some(&c.note);
        }
    }
    count
}
