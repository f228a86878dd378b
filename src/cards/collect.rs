//! Gathering every note's cards into decks.
//!
//! What a note brings to the decks (its cards with their tags and sides, the fronts that could
//! repeat another card's, its card problems) is its *part*, worked out from its page alone and
//! kept with the decks. Gathering again after an edit works out the edited notes' parts and
//! merges every part: it reads no other note's page.

use super::{Card, Deck, Decks, extract, note_key, sides};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::hash::{FastHash, FastMap};
use crate::markdown::cards::CardSyntax;
use crate::site::{Page, Site};
use crate::vault::NoteId;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// What one note brings to the decks.
#[derive(Debug)]
pub(super) struct Part {
    /// The deck paths of its cards, each once.
    paths: Vec<Vec<String>>,
    /// Its cards in order, each with `deck` the index of its path in `paths`.
    cards: Vec<Card>,
    /// Per flashcard whose front may repeat another card's (not clozes, not highlights): its
    /// path's index, its front lower-cased, and its index among the note's flashcards.
    fronts: Vec<(usize, String, usize)>,
    /// Its card problems: line and message.
    problems: Vec<(usize, String)>,
    /// Its file, as warnings name it.
    file: std::path::PathBuf,
}

/// The part of every note with cards or card problems, by note.
pub(super) type Parts = BTreeMap<NoteId, Arc<Part>>;

/// Whether a page brings anything to the decks.
fn carded(page: &Page) -> bool {
    !page.parsed.cards.is_empty() || !page.parsed.card_scan.problems.is_empty()
}

/// What a note brings to the decks (see [`Part`]).
fn part_of(page: &Page, deck_tags: &[String]) -> Part {
    let note = &page.note;
    let front_tags: Vec<String> = note
        .front
        .tags
        .iter()
        .map(|t| t.trim_start_matches('#').to_string())
        .filter(|t| crate::markdown::cards::deck_tag(t, deck_tags).is_none())
        .collect();
    let mut part = Part {
        paths: Vec::new(),
        cards: Vec::new(),
        fronts: Vec::new(),
        problems: page.parsed.card_scan.problems.clone(),
        file: note.file.clone(),
    };
    for (i, f) in page.parsed.cards.iter().enumerate() {
        let path = match part.paths.iter().position(|p| *p == f.deck) {
            Some(p) => p,
            None => {
                part.paths.push(f.deck.clone());
                part.paths.len() - 1
            }
        };
        if f.syntax != CardSyntax::Cloze && f.syntax != CardSyntax::Highlight {
            part.fronts.push((path, f.front_text.to_lowercase(), i));
        }
        let mut tags = front_tags.clone();
        tags.extend(f.tags.iter().cloned());
        tags.dedup();
        let sides = sides(f);
        let last = sides.len().saturating_sub(1);
        for (k, (side, id)) in sides.into_iter().enumerate() {
            // The last side takes the tags; the others (a reversed card's) copy them.
            let tags = if k == last {
                std::mem::take(&mut tags)
            } else {
                tags.clone()
            };
            part.cards.push(Card {
                id,
                note: note.id.clone(),
                flashcard: i,
                side,
                deck: path,
                tags,
            });
        }
    }
    part
}

/// The parts of every carded note of the site, worked out on every core.
pub(super) fn all_parts(site: &Site) -> Parts {
    let deck_tags = &site.config.cards.deck_tags;
    site.pages
        .par_iter()
        .filter(|(_, p)| carded(p))
        .map(|(id, p)| (id.clone(), Arc::new(part_of(p, deck_tags))))
        .collect()
}

/// `parts` brought up to date after the notes `touched` changed (came, went or were edited).
pub(super) fn update_parts(site: &Site, parts: &mut Parts, touched: &HashSet<&NoteId>) {
    let deck_tags = &site.config.cards.deck_tags;
    for id in touched {
        parts.remove(*id);
        if let Some(page) = site.pages.get(*id)
            && carded(page)
        {
            parts.insert((*id).clone(), Arc::new(part_of(page, deck_tags)));
        }
    }
}

/// A duplicate front found: the later flashcard (note, index) and the first one.
type Duplicate<'a> = ((&'a NoteId, usize), (&'a NoteId, usize));

/// Gathers the parts into decks. `reuse`: the decks before and the notes touched since, whose
/// note keys are worked out again (the others' are kept where their duplicate flag is as it
/// was).
pub(super) fn merge(
    site: &Site,
    parts: Parts,
    reuse: Option<(&Decks, &HashSet<&NoteId>)>,
) -> Decks {
    let mut diagnostics = Diagnostics::new();
    // Cards by deck path, in note order.
    let mut by_deck: BTreeMap<&[String], Vec<&Card>> = BTreeMap::new();
    // Hashed fast and sized once: every card's front goes in (nothing here is chosen by an
    // attacker).
    let mut fronts: FastMap<(&[String], &str), (&NoteId, usize)> =
        FastMap::with_capacity_and_hasher(parts.len(), FastHash::default());
    let mut duplicates: Vec<Duplicate<'_>> = Vec::new();
    for (id, part) in &parts {
        for (line, message) in &part.problems {
            diagnostics.push(Diagnostic::warning(&part.file, *line, 0, message.clone()));
        }
        for (path, front, i) in &part.fronts {
            let key = (part.paths[*path].as_slice(), front.as_str());
            match fronts.get(&key) {
                Some(&first) => duplicates.push(((id, *i), first)),
                None => {
                    fronts.insert(key, (id, *i));
                }
            }
        }
        for card in &part.cards {
            let path = part.paths[card.deck].as_slice();
            match by_deck.get_mut(path) {
                Some(list) => list.push(card),
                None => {
                    by_deck.insert(path, vec![card]);
                }
            }
        }
    }
    let mut duplicated: HashSet<NoteId> = HashSet::new();
    for ((id, i), (other, j)) in duplicates {
        duplicated.insert(other.clone());
        duplicated.insert(id.clone());
        // Lines are read from the pages as they are now: a part's cards keep their lines only
        // as long as the decks' view of the note holds.
        let flashcard = |id: &NoteId, i: usize| site.pages.get(id)?.parsed.cards.get(i);
        let (Some(f), Some(first)) = (flashcard(id, i), flashcard(other, j)) else {
            continue;
        };
        diagnostics.push(Diagnostic::warning(
            &parts[id].file,
            f.line,
            0,
            format!(
                "duplicate flashcard `{}` in deck `{}` (also at {}:{})",
                extract::short(&f.front_text),
                f.deck.join(extract::DECK_SEPARATOR),
                parts[other].file.display(),
                first.line
            ),
        ));
    }
    // Parents of every deck exist too.
    let paths: Vec<&[String]> = by_deck.keys().copied().collect();
    for path in paths {
        for n in 1..path.len() {
            by_deck.entry(&path[..n]).or_default();
        }
    }
    let mut decks = Vec::new();
    let mut cards = Vec::with_capacity(by_deck.values().map(Vec::len).sum());
    let mut slugs: HashMap<String, usize> = HashMap::new();
    for (path, list) in by_deck {
        let mut slug = path
            .iter()
            .map(|p| crate::paths::slugify(p))
            .collect::<Vec<_>>()
            .join("/");
        let seen = slugs.entry(slug.clone()).or_insert(0);
        *seen += 1;
        if *seen > 1 {
            slug = format!("{slug}-{seen}");
        }
        let index = decks.len();
        let mut direct = Vec::with_capacity(list.len());
        for card in list {
            direct.push(cards.len());
            cards.push(Card {
                deck: index,
                ..card.clone()
            });
        }
        decks.push(Deck {
            name: path.join(extract::DECK_SEPARATOR),
            title: path.join(" › "),
            path: path.to_vec(),
            slug,
            cards: direct,
            total: 0,
        });
    }
    let totals: Vec<usize> = decks
        .iter()
        .map(|d| {
            decks
                .iter()
                .filter(|o| d.contains(o))
                .map(|o| o.cards.len())
                .sum()
        })
        .collect();
    for (d, total) in decks.iter_mut().zip(totals) {
        d.total = total;
    }
    let mut tags: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, card) in cards.iter().enumerate() {
        for t in &card.tags {
            // Most tags are written in lower case already: looked up without a new string.
            let list = match tags.get_mut(t.as_str()) {
                Some(list) => list,
                None => tags.entry(t.to_lowercase()).or_default(),
            };
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    diagnostics.sort();
    let mut of_note: FastMap<&NoteId, Vec<usize>> =
        FastMap::with_capacity_and_hasher(parts.len(), FastHash::default());
    for (i, card) in cards.iter().enumerate() {
        of_note.entry(&card.note).or_default().push(i);
    }
    let by_note: BTreeMap<NoteId, Vec<usize>> = of_note
        .into_iter()
        .map(|(id, list)| (id.clone(), list))
        .collect();
    let ids: Vec<&NoteId> = parts.keys().collect();
    let note_keys = ids
        .into_par_iter()
        .filter_map(|id| {
            let duplicate = duplicated.contains(id);
            let kept = reuse.and_then(|(before, touched)| {
                let same = !touched.contains(id) && before.duplicated.contains(id) == duplicate;
                before.note_keys.get(id).filter(|_| same).copied()
            });
            let key = match kept {
                Some(key) => key,
                None => note_key(site.pages.get(id)?, duplicate),
            };
            Some((id.clone(), key))
        })
        .collect();
    Decks {
        decks,
        cards,
        tags,
        diagnostics,
        by_note,
        note_keys,
        duplicated,
        parts,
    }
}
