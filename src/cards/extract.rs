//! Choosing one note's cards: which candidates count (by the note's front matter and tags),
//! each card's deck and stable id, and the problems worth a warning. Runs per note, right
//! after parsing, in [`crate::site::Page::new`]; cheap and idempotent.

use crate::hash::fnv128;
use crate::markdown::ParsedNote;
use crate::markdown::card_apply::{self, Activation};
use crate::markdown::cards::{CardKind, CardSyntax, deck_tag};
use crate::vault::Note;
use std::collections::HashSet;

/// The deck separator of `cards-deck` (`AWS::EC2`).
pub const DECK_SEPARATOR: &str = "::";

/// What a note's front matter and tags say about its cards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// `cards-deck:` as written.
    pub cards_deck: Option<String>,
    /// Deck tags (`flashcards…`) in the front matter, without `#`.
    pub deck_tags: Vec<String>,
    /// Deck tags in the text: (line, tag).
    pub text_deck_tags: Vec<(usize, String)>,
    /// Whether the note has a `#flashcards` tag anywhere: highlights are clozes then.
    pub flashcards_tag: bool,
}

impl Scope {
    /// Reads a note's scope; `deck_tags` are the tags that mark flashcards (`[cards]
    /// deck_tags`, `flashcards` by default).
    pub fn of(note: &Note, parsed: &ParsedNote, deck_tags: &[String]) -> Scope {
        let cards_deck = note.front.extra.get("cards-deck").and_then(|v| match v {
            serde_json::Value::String(s) => Some(s.trim().to_string()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        });
        let front: Vec<String> = note
            .front
            .tags
            .iter()
            .map(|t| t.trim_start_matches('#').to_string())
            .filter(|t| deck_tag(t, deck_tags).is_some())
            .collect();
        let text_deck_tags: Vec<(usize, String)> = parsed
            .card_scan
            .tags
            .iter()
            .filter(|(_, t)| deck_tag(t, deck_tags).is_some())
            .cloned()
            .collect();
        let flashcards_tag = !front.is_empty() || !text_deck_tags.is_empty();
        Scope {
            cards_deck: cards_deck.filter(|d| !d.is_empty()),
            deck_tags: front,
            text_deck_tags,
            flashcards_tag,
        }
    }

    /// Whether the note declares itself a deck: then `::`, `?` lines count as cards.
    pub fn is_deck_note(&self) -> bool {
        self.cards_deck.is_some() || self.flashcards_tag
    }

    /// Whether a syntax makes cards in this note.
    pub fn allows(&self, syntax: CardSyntax) -> bool {
        match syntax {
            CardSyntax::Highlight => self.flashcards_tag,
            s if s.implicit() => self.is_deck_note(),
            _ => true,
        }
    }
}

/// A deck path from a `#flashcards/A/B` tag (`None` for a bare `#flashcards`).
fn deck_of_tag(tag: &str, deck_tags: &[String]) -> Option<Vec<String>> {
    let rest = deck_tag(tag, deck_tags)?;
    let parts: Vec<String> = rest
        .split('/')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    (!parts.is_empty()).then_some(parts)
}

/// A deck path from `cards-deck:` (`A::B::C`).
pub fn deck_of_cards_deck(text: &str) -> Vec<String> {
    text.split(DECK_SEPARATOR)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// A separator other than `::` in `cards-deck:`, if the text seems to use one.
pub fn foreign_separator(text: &str) -> Option<&'static str> {
    let without = text.replace(DECK_SEPARATOR, "");
    ["/", "\\", " > ", "›", "→", ":", "|"]
        .into_iter()
        .find(|s| without.contains(s))
}

/// The stable id of a card: deck, front and note path, so editing elsewhere in the note keeps
/// its review history and editing the front starts afresh.
pub fn card_id(deck: &[String], front: &str, note: &str) -> String {
    let deck = deck.join(DECK_SEPARATOR);
    format!("{:016x}", fnv128(&["card", &deck, front, note]) as u64)
}

/// Chooses the note's cards and marks them up. `fallback_deck` is the deck of a note that
/// names none (its folder path; the site title at the top).
pub fn prepare(
    note: &Note,
    parsed: &mut ParsedNote,
    fallback_deck: &[String],
    deck_tags: &[String],
) {
    if parsed.card_scan.applied {
        return;
    }
    let scope = Scope::of(note, parsed, deck_tags);
    let candidates = &parsed.card_scan.candidates;
    let mut chosen: Vec<usize> = Vec::new();
    let mut covered = 0usize;
    for (i, c) in candidates.iter().enumerate() {
        if !scope.allows(c.syntax) || c.span.0 < covered {
            continue;
        }
        covered = c.span.1.max(covered);
        chosen.push(i);
    }
    let mut problems: Vec<(usize, String)> = Vec::new();
    let named_deck = scope.cards_deck.as_deref().map(|d| {
        if let Some(sep) = foreign_separator(d) {
            problems.push((
                1,
                format!(
                    "`cards-deck: {d}` uses `{}` where decks nest with `::` (for example `AWS::EC2`); it is kept as part of the deck name",
                    sep.trim()
                ),
            ));
        }
        let mut deck = deck_of_cards_deck(d);
        // Each level of a deck is a page: keep the path to a size a study site can hold.
        let (levels, chars) = (
            crate::markdown::tags::MAX_TAG_LEVELS,
            crate::markdown::tags::MAX_TAG_CHARS,
        );
        if deck.len() > levels || deck.iter().any(|p| p.chars().count() > chars) {
            problems.push((
                1,
                format!(
                    "`cards-deck` is {} levels deep, or has a level over {chars} characters: kept to {levels} levels of at most {chars} characters",
                    deck.len()
                ),
            ));
            deck.truncate(levels);
            for part in &mut deck {
                *part = part.chars().take(chars).collect();
            }
        }
        deck
    });
    // Deck tags on a card's own first line apply to that card only.
    let card_lines: HashSet<usize> = chosen.iter().map(|&i| candidates[i].line).collect();
    let front_matter_deck = scope
        .deck_tags
        .iter()
        .find_map(|t| deck_of_tag(t, deck_tags));
    let mut activations = Vec::new();
    let mut ids: HashSet<String> = HashSet::new();
    let mut anchors: HashSet<String> = HashSet::new();
    for &i in &chosen {
        let c = &candidates[i];
        let tagged = scope
            .text_deck_tags
            .iter()
            .filter(|(line, _)| *line == c.line)
            .find_map(|(_, t)| deck_of_tag(t, deck_tags))
            .or_else(|| {
                scope
                    .text_deck_tags
                    .iter()
                    .rfind(|(line, t)| {
                        *line < c.line
                            && !card_lines.contains(line)
                            && deck_of_tag(t, deck_tags).is_some()
                    })
                    .and_then(|(_, t)| deck_of_tag(t, deck_tags))
            });
        let deck = named_deck
            .clone()
            .filter(|d| !d.is_empty())
            .or(tagged)
            .or_else(|| front_matter_deck.clone())
            .unwrap_or_else(|| fallback_deck.to_vec());
        let mut id = card_id(&deck, &c.front_text, note.id.as_str());
        let mut n = 2;
        while !ids.insert(id.clone()) {
            id = card_id(&deck, &format!("{}#{n}", c.front_text), note.id.as_str());
            n += 1;
        }
        let mut anchor = c
            .anchor
            .clone()
            .unwrap_or_else(|| format!("card-{}", &id[..10]));
        while !anchors.insert(anchor.clone()) {
            anchor.push_str("-x");
        }
        if c.empty_back && !matches!(c.kind, CardKind::Spaced | CardKind::Cloze) {
            problems.push((
                c.line,
                format!(
                    "flashcard `{}` has no answer: write it under the {}",
                    short(&c.front_text),
                    if c.syntax == CardSyntax::Heading {
                        "heading, before the next heading"
                    } else {
                        "`#card` line"
                    }
                ),
            ));
        }
        activations.push(Activation {
            candidate: i,
            id,
            anchor,
            deck,
        });
    }
    if scope.flashcards_tag {
        for &line in &parsed.card_scan.open_highlights {
            problems.push((
                line,
                "cloze `==` is never closed with `==`, so nothing is hidden".to_string(),
            ));
        }
    }
    parsed.card_scan.problems.extend(problems);
    card_apply::apply(parsed, activations);
}

/// A front shortened for messages.
pub fn short(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}
