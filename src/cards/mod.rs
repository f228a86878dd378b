//! Flashcards: the cards of every note gathered into decks, for the `/cards/` pages, the study
//! session's data files and the Anki export.
//!
//! Per note, [`prepare`] (run when a page is made from a parsed note) chooses the note's cards
//! among what parsing found and marks them up; it reads nothing but the note, so an edited
//! note is re-done alone. [`collect`] then gathers every note's cards into [`Decks`]: a pure
//! function of the assembled site.

pub mod anki;
pub mod cli;
mod collect;
pub mod data;
pub mod extract;

pub use extract::{Scope, card_id};

use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::markdown::ParsedNote;
use crate::markdown::card_apply::NoteCard;
use crate::markdown::cards::CardKind;
use crate::site::Site;
use crate::vault::{Note, NoteId};
use std::collections::BTreeMap;

/// Chooses a note's cards; a note that names no deck goes to its folder's deck (the site
/// title for notes at the top).
pub fn prepare(note: &Note, parsed: &mut ParsedNote, config: &Config) {
    let folder = note.id.folder();
    let fallback: Vec<String> = if folder.is_empty() {
        vec![config.title.clone()]
    } else {
        folder.split('/').map(str::to_string).collect()
    };
    extract::prepare(note, parsed, &fallback, &config.cards.deck_tags);
}

/// A short key for the site (from its title), for browser storage.
pub fn site_key(config: &crate::config::Config) -> String {
    format!(
        "{:08x}",
        crate::hash::fnv128(&["site", &config.title]) as u32
    )
}

/// How many cards to study a note's flashcards make.
pub fn study_count(flashcards: &[NoteCard]) -> usize {
    flashcards.iter().map(|f| sides(f).len()).sum()
}

/// Which way a study card asks its flashcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Front, then back.
    Forward,
    /// Back, then front (the second card of a reversed flashcard).
    Backward,
    /// Cloze number n hidden.
    Cloze(u32),
}

/// One card to study: a flashcard asked one way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// Stable id: the flashcard's id, with `-r` or `-cN` for its other cards.
    pub id: String,
    /// The note it is in.
    pub note: NoteId,
    /// Its flashcard: index into the note's `parsed.cards`.
    pub flashcard: usize,
    /// Which way it asks.
    pub side: Side,
    /// Its deck, as an index into [`Decks::decks`].
    pub deck: usize,
    /// Front matter tags and tags on the card line.
    pub tags: Vec<String>,
}

/// A deck: the cards filed directly in it, and how many there are with its sub-decks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deck {
    /// From the top: `["AWS SAA", "EC2"]`.
    pub path: Vec<String>,
    /// `AWS SAA::EC2`, as Anki names decks.
    pub name: String,
    /// `AWS SAA › EC2`, as pages show it.
    pub title: String,
    /// Its part of the site path: `aws-saa/ec2`.
    pub slug: String,
    /// Indices into [`Decks::cards`] of the cards filed directly here.
    pub cards: Vec<usize>,
    /// Cards here and in every sub-deck.
    pub total: usize,
}

impl Deck {
    /// Whether `other` is this deck or one of its sub-decks.
    pub fn contains(&self, other: &Deck) -> bool {
        other.path.starts_with(&self.path)
    }
}

/// Every card of the site, by deck and by tag.
#[derive(Debug, Clone, Default)]
pub struct Decks {
    /// Every deck, parents before children, sorted by path; parents of decks exist even
    /// without cards of their own.
    pub decks: Vec<Deck>,
    /// Every card, in deck order, then by note and line.
    pub cards: Vec<Card>,
    /// Card tags (lower case) with the cards that carry them.
    pub tags: BTreeMap<String, Vec<usize>>,
    /// Problems found: cards without an answer, duplicate fronts, unclosed clozes.
    pub diagnostics: Diagnostics,
    /// Each note's cards (indices into `cards`), for the per-note data scripts.
    pub by_note: BTreeMap<NoteId, Vec<usize>>,
    /// Per note, a key for everything the decks take from it (see [`note_key`]): an edit that
    /// keeps it needs no new collection.
    pub note_keys: crate::hash::FastMap<NoteId, u64>,
    /// Notes with a front that another card of their deck has too.
    pub duplicated: std::collections::HashSet<NoteId>,
    /// What each carded note brings, kept for the next collection.
    parts: collect::Parts,
}

/// A key for what the decks take from a note: its cards' ids, decks, kinds, clozes and tags,
/// and its card problems; with the cards' lines too when the note has a duplicate front (the
/// warning names them).
pub fn note_key(page: &crate::site::Page, duplicate: bool) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::hash::Digester::new();
    for f in &page.parsed.cards {
        (
            &f.id,
            &f.deck,
            &f.tags,
            &f.clozes,
            f.syntax,
            f.kind,
            &f.front_text,
        )
            .hash(&mut h);
        if duplicate {
            f.line.hash(&mut h);
        }
    }
    page.parsed.card_scan.problems.hash(&mut h);
    (
        &page.note.front.tags,
        page.note
            .front
            .extra
            .get("cards-deck")
            .map(|v| v.to_string()),
    )
        .hash(&mut h);
    duplicate.hash(&mut h);
    h.finish()
}

impl Decks {
    /// Whether the decks still hold what they took from note `id` (edits elsewhere in it,
    /// or to its answers, keep this).
    pub fn unchanged(&self, site: &Site, id: &NoteId) -> bool {
        let Some(page) = site.pages.get(id) else {
            return !self.note_keys.contains_key(id);
        };
        let Some(&key) = self.note_keys.get(id) else {
            return page.parsed.cards.is_empty() && page.parsed.card_scan.problems.is_empty();
        };
        key == note_key(page, self.duplicated.contains(id))
    }

    /// Whether two collections have the same decks, cards (ids, notes, tags) and card tags:
    /// then only answers can differ, and only the files showing them need writing again.
    pub fn same_shape(&self, other: &Decks) -> bool {
        self.decks == other.decks && self.cards == other.cards && self.tags == other.tags
    }

    /// The notes whose cards may read differently in these decks than in `before` (as
    /// [`Decks::by_note`] and the deck names show them): those with a card where the two card
    /// lists differ. `None` when the decks themselves differ (any card's deck name may have).
    pub fn notes_changed_since(
        &self,
        before: &Decks,
    ) -> Option<std::collections::BTreeSet<NoteId>> {
        if !self
            .decks
            .iter()
            .map(|d| &d.name)
            .eq(before.decks.iter().map(|d| &d.name))
        {
            return None;
        }
        let (old, now) = (&before.cards, &self.cards);
        let first = old.iter().zip(now).take_while(|(a, b)| a == b).count();
        // A card is known by its place too: past a card that came or went, all moved.
        let same_end = if old.len() == now.len() {
            old[first..]
                .iter()
                .rev()
                .zip(now[first..].iter().rev())
                .take_while(|(a, b)| a == b)
                .count()
        } else {
            0
        };
        Some(
            old[first..old.len() - same_end]
                .iter()
                .chain(&now[first..now.len() - same_end])
                .map(|c| c.note.clone())
                .collect(),
        )
    }

    /// The deck with this slug.
    pub fn by_slug(&self, slug: &str) -> Option<&Deck> {
        self.decks.iter().find(|d| d.slug == slug)
    }

    /// The flashcard behind a card.
    pub fn flashcard<'a>(&self, site: &'a Site, card: &Card) -> Option<&'a NoteCard> {
        site.pages.get(&card.note)?.parsed.cards.get(card.flashcard)
    }

    /// The cards of a deck and its sub-decks, in order.
    pub fn cards_under(&self, deck: &Deck) -> Vec<usize> {
        self.decks
            .iter()
            .filter(|d| deck.contains(d))
            .flat_map(|d| d.cards.iter().copied())
            .collect()
    }

    /// How many flashcards (as written, before reversing and clozes) each syntax made.
    pub fn flashcards_by_syntax(&self, site: &Site) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        let mut seen = std::collections::HashSet::new();
        for card in &self.cards {
            if seen.insert((&card.note, card.flashcard))
                && let Some(f) = self.flashcard(site, card)
            {
                *counts.entry(f.syntax.name()).or_insert(0) += 1;
            }
        }
        counts
    }

    /// How many cards to study each syntax made.
    pub fn by_syntax(&self, site: &Site) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for card in &self.cards {
            if let Some(f) = self.flashcard(site, card) {
                *counts.entry(f.syntax.name()).or_insert(0) += 1;
            }
        }
        counts
    }
}

fn sides(flashcard: &NoteCard) -> Vec<(Side, String)> {
    match flashcard.kind {
        CardKind::Basic | CardKind::Spaced => vec![(Side::Forward, flashcard.id.clone())],
        CardKind::Reverse => vec![
            (Side::Forward, flashcard.id.clone()),
            (Side::Backward, format!("{}-r", flashcard.id)),
        ],
        CardKind::Cloze => flashcard
            .clozes
            .iter()
            .map(|n| (Side::Cloze(*n), format!("{}-c{n}", flashcard.id)))
            .collect(),
    }
}

/// Gathers every note's cards into decks, with the problems worth a warning.
pub fn collect(site: &Site) -> Decks {
    collect::merge(site, collect::all_parts(site), None)
}

/// [`collect`] after the notes `touched` changed, from what `before` kept of the others
/// (their parts, which it gives up, and their keys, see [`note_key`], where their duplicate
/// flag is as it was).
pub fn collect_after(site: &Site, before: &mut Decks, touched: &[NoteId]) -> Decks {
    let touched: std::collections::HashSet<&NoteId> = touched.iter().collect();
    let mut parts = std::mem::take(&mut before.parts);
    collect::update_parts(site, &mut parts, &touched);
    collect::merge(site, parts, Some((before, &touched)))
}

#[cfg(test)]
mod tests;
