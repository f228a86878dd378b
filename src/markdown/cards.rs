//! Flashcards in a note, as the two Obsidian flashcard plugins write them (Spaced Repetition;
//! Flashcards for Anki): `#card` headings and paragraphs, inline `question::answer` and
//! `a:::b`, multi-line cards around a `?` / `??` line, and cloze paragraphs.
//!
//! Parsing only finds *candidates* (what each card covers, in event indices): whether a
//! candidate is a card depends on the note's front matter (decks, tags), which parsing does
//! not see. [`apply`](super::card_apply::apply) then wraps the chosen ones in card markup.

use super::headings::{Heading, card_tag};
use super::{LineIndex, Spanned};
use pulldown_cmark::{Event, Tag};

/// How a card was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CardSyntax {
    /// A heading ending in `#card`: the section under it is the answer.
    Heading,
    /// A paragraph ending in (or made of) `#card`: the blocks after it are the answer.
    Marker,
    /// `question::answer` (or `a:::b`) on one line.
    Inline,
    /// Front lines, a `?` (or `??`) line, back lines.
    MultiLine,
    /// `==hidden==` in a note tagged `#flashcards`.
    Highlight,
    /// `{{c1::hidden}}`.
    Cloze,
}

impl CardSyntax {
    /// Whether this syntax is only a card in a note that declares itself a deck (the plain
    /// text could mean something else: Dataview fields, `?` lines, highlights).
    pub fn implicit(self) -> bool {
        matches!(self, Self::Inline | Self::MultiLine | Self::Highlight)
    }

    /// A short name for listings (`heading`, `inline`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Heading => "heading",
            Self::Marker => "marker",
            Self::Inline => "inline",
            Self::MultiLine => "multiline",
            Self::Highlight => "highlight-cloze",
            Self::Cloze => "cloze",
        }
    }
}

/// What the card asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardKind {
    /// Front, then back.
    Basic,
    /// Front then back, and back then front.
    Reverse,
    /// A reminder with no back (`#card-spaced`).
    Spaced,
    /// One card per cloze number.
    Cloze,
}

/// Where a candidate's markup goes, in event indices of the parsed note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A heading is the front; `back_start..back_end` is the back. `strip` are events removed
    /// (a `#card` line right under the heading).
    Heading {
        /// The heading's start event.
        start: usize,
        /// The heading's end event.
        end: usize,
        /// First event of the back.
        back_start: usize,
        /// One past the last event of the back.
        back_end: usize,
        /// Events to drop.
        strip: Vec<usize>,
    },
    /// Blocks `front_start..` up to a pivot line in paragraph `para` (removed), then the rest
    /// of the paragraph and the blocks up to `back_end`.
    Pivot {
        /// First event of the front.
        front_start: usize,
        /// The paragraph's start and end events.
        para: (usize, usize),
        /// Events `cut.0..cut.1` inside the paragraph are removed (the pivot line).
        cut: (usize, usize),
        /// One past the last event of the back.
        back_end: usize,
        /// A text event rewritten without its `#card` marker.
        rewrite: Option<(usize, String)>,
    },
    /// One line of a paragraph or list item, `line.0..line.1`, split at text event `sep`.
    Inline {
        /// The line's events.
        line: (usize, usize),
        /// The text event holding the separator.
        sep: usize,
        /// Byte range of the separator in that text.
        at: (usize, usize),
    },
    /// A block (`inline == false`: events `start..end` are a paragraph) or a list item's
    /// text (`inline == true`) whose marks are clozes. `marks` are `<mark>` events to number.
    Cloze {
        /// First event.
        start: usize,
        /// One past the last.
        end: usize,
        /// Whether the range is inline content (a tight list item).
        inline: bool,
        /// Highlight `<mark>` events that become clozes 1, 2, … (empty for `{{c1::}}`).
        marks: Vec<usize>,
    },
}

/// A card as found by parsing, not yet marked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// How it was written.
    pub syntax: CardSyntax,
    /// What it asks.
    pub kind: CardKind,
    /// File line where it starts.
    pub line: usize,
    /// The events it covers, for nesting (a card inside another card's back is no card).
    pub span: (usize, usize),
    /// Where its markup goes.
    pub shape: Shape,
    /// The front as plain text (ids, duplicates, listings).
    pub front_text: String,
    /// Cloze numbers, in order (cloze cards only).
    pub clozes: Vec<u32>,
    /// Tags written after the `#card` marker.
    pub tags: Vec<String>,
    /// The heading's anchor, for heading cards.
    pub anchor: Option<String>,
    /// Whether the back has nothing in it.
    pub empty_back: bool,
}

/// What the card pass found in one note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardScan {
    /// Candidates in document order.
    pub candidates: Vec<Candidate>,
    /// Every inline tag: (line, tag without `#`); the cards stage picks its deck tags.
    pub tags: Vec<(usize, String)>,
    /// Problems found (an unclosed cloze): (line, message).
    pub problems: Vec<(usize, String)>,
    /// Lines with an unclosed `==` (a problem only where highlights are clozes).
    pub open_highlights: Vec<usize>,
    /// Whether the cards stage has chosen the cards (it runs once per parse).
    pub applied: bool,
}

/// Finds card candidates (after the context-free cloze transform). `headings` are the
/// note's headings in order.
pub fn find(
    events: &[Spanned],
    headings: &[Heading],
    body: &str,
    lines: &LineIndex,
    cloze_problems: Vec<(usize, String)>,
) -> CardScan {
    let mut scan = CardScan {
        problems: cloze_problems
            .into_iter()
            .map(|(offset, m)| (lines.line_col(body, offset).0, m))
            .collect(),
        ..CardScan::default()
    };
    let line_of = |i: usize| lines.line_col(body, events[i].1).0;
    let heading_starts: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, (e, _))| matches!(e, Event::Start(Tag::Heading { .. })))
        .map(|(i, _)| i)
        .collect();
    let card_headings: Vec<usize> = heading_starts
        .iter()
        .zip(headings)
        .filter(|(_, h)| h.card.is_some())
        .map(|(i, _)| *i)
        .collect();
    let mut heading_no = 0;
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::Heading { .. }) => {
                let heading = headings.get(heading_no);
                heading_no += 1;
                if let Some(h) = heading.filter(|h| h.card.is_some()) {
                    scan.candidates
                        .push(heading_card(events, i, h, &card_headings));
                } else if let Some(c) = heading_then_marker(events, i, heading, &line_of) {
                    scan.candidates.push(c);
                }
            }
            Event::Start(Tag::Paragraph) => {
                let end = super::card_blocks::block_end(events, i) - 1;
                paragraph(events, (i, end), body, &line_of, &mut scan);
            }
            Event::Start(Tag::Item) => tight_item(events, i, &line_of, &mut scan),
            Event::InlineHtml(h) => {
                if let Some(tag) = tag_of_link(h) {
                    scan.tags.push((line_of(i), tag));
                }
            }
            _ => {}
        }
        i += 1;
    }
    scan.candidates.sort_by_key(|c| c.span.0);
    scan
}

/// Whether `tag` is one of the deck tags (`flashcards`) or nested under one
/// (`flashcards/aws`), case-insensitively; returns the part after the deck tag.
pub fn deck_tag<'a>(tag: &'a str, deck_tags: &[String]) -> Option<&'a str> {
    deck_tags.iter().find_map(|d| {
        let d = d.trim_start_matches('#');
        let head = tag.get(..d.len())?;
        let rest = &tag[d.len()..];
        (head.eq_ignore_ascii_case(d) && (rest.is_empty() || rest.starts_with('/')))
            .then(|| rest.trim_start_matches('/'))
    })
}

/// The tag of a tag link written by the tags pass (`<a class="tag" …>#tag</a>`).
fn tag_of_link(html: &str) -> Option<String> {
    let rest = html.strip_prefix("<a class=\"tag\"")?;
    let start = rest.find(">#")? + 2;
    let end = rest[start..].find("</a>")? + start;
    Some(rest[start..end].replace("&amp;", "&"))
}

fn heading_card(
    events: &[Spanned],
    start: usize,
    h: &Heading,
    card_headings: &[usize],
) -> Candidate {
    use super::card_blocks::{block_end, siblings_until};
    let end = block_end(events, start) - 1;
    // The back ends at the next heading of the same or a higher level, or at the next card
    // heading of any level (a card nested under this one).
    let back_end = siblings_until(events, end + 1, |e, at| match e {
        Event::Start(Tag::Heading { level, .. }) => {
            (*level as u8) <= h.level || card_headings.binary_search(&at).is_ok()
        }
        _ => false,
    });
    Candidate {
        syntax: CardSyntax::Heading,
        kind: kind_of(h.card.as_deref().unwrap_or("card")),
        line: h.line,
        span: (start, back_end),
        shape: Shape::Heading {
            start,
            end,
            back_start: end + 1,
            back_end,
            strip: Vec::new(),
        },
        front_text: h.text.clone(),
        clozes: Vec::new(),
        tags: h.card_tags.clone(),
        anchor: Some(h.anchor.clone()),
        empty_back: super::card_blocks::is_blank(&events[end + 1..back_end]),
    }
}

/// `card`, `card-reverse`, `card/reverse`, `card-spaced`, … → the kind of card.
pub fn kind_of(tag: &str) -> CardKind {
    let rest = tag
        .strip_prefix("cards")
        .or_else(|| tag.strip_prefix("card"))
        .unwrap_or("");
    match rest.trim_start_matches(['/', '-']) {
        "reverse" | "reversed" => CardKind::Reverse,
        "spaced" => CardKind::Spaced,
        _ => CardKind::Basic,
    }
}

/// A heading followed by a paragraph whose first line is `#card` (the Flashcards plugin's
/// `## Heading` / `#card` / answer layout): the heading is the front.
fn heading_then_marker(
    events: &[Spanned],
    start: usize,
    heading: Option<&Heading>,
    line_of: &dyn Fn(usize) -> usize,
) -> Option<Candidate> {
    use super::card_blocks::{block_end, lines_of, siblings_until};
    let h = heading?;
    let end = block_end(events, start) - 1;
    let p = end + 1;
    if !matches!(events.get(p), Some((Event::Start(Tag::Paragraph), _))) {
        return None;
    }
    let p_end = block_end(events, p) - 1;
    let lines = lines_of(events, p + 1, p_end);
    let first = lines.first()?;
    let (marker, rest_text, tags) = marker_at_end(events, *first)?;
    if !rest_text.trim().is_empty() {
        return None;
    }
    // Drop the marker line (and the break after it), or the whole paragraph.
    let strip: Vec<usize> = if lines.len() == 1 {
        (p..=p_end).collect()
    } else {
        (first.0..lines[1].0).collect()
    };
    let back_end = siblings_until(
        events,
        p,
        |e, _| matches!(e, Event::Start(Tag::Heading { level, .. }) if (*level as u8) <= h.level),
    );
    let back: Vec<&Spanned> = events[p..back_end]
        .iter()
        .enumerate()
        .filter(|(k, _)| !strip.contains(&(p + k)))
        .map(|(_, e)| e)
        .collect();
    let empty_back = back
        .iter()
        .all(|(e, _)| super::card_blocks::is_blank_event(e));
    Some(Candidate {
        syntax: CardSyntax::Marker,
        kind: kind_of(marker.as_str()),
        line: line_of(start),
        span: (start, back_end),
        shape: Shape::Heading {
            start,
            end,
            back_start: p,
            back_end,
            strip,
        },
        front_text: h.text.clone(),
        clozes: Vec::new(),
        tags,
        anchor: Some(h.anchor.clone()),
        empty_back,
    })
}

/// If the line's last words are a `#card…` marker (followed by any `#tags`), returns the
/// marker, the line's text before it, and the tags.
pub(super) fn marker_at_end(
    events: &[Spanned],
    line: (usize, usize),
) -> Option<(String, String, Vec<String>)> {
    let (from, to) = line;
    let mut tags = Vec::new();
    let mut k = to;
    // Trailing tag links and blank text.
    while k > from {
        match &events[k - 1].0 {
            Event::Text(t) if t.trim().is_empty() => k -= 1,
            Event::InlineHtml(h) if tag_of_link(h).is_some() => {
                tags.push(tag_of_link(h).unwrap_or_default());
                k -= 1;
            }
            _ => break,
        }
    }
    let Some((Event::Text(text), _)) = events.get(k.checked_sub(1)?).filter(|_| k > from) else {
        return None;
    };
    if !text.contains("#card") {
        return None;
    }
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let mut extra = Vec::new();
    while let Some(word) = words.last() {
        if card_tag(word).is_some() {
            let marker = card_tag(word).unwrap_or("card").to_string();
            words.pop();
            tags.extend(extra.into_iter().rev());
            tags.reverse();
            let before: String = super::card_blocks::plain(&events[from..k - 1]) + &words.join(" ");
            return Some((marker, before, tags));
        }
        if word.starts_with('#') && word.len() > 1 {
            extra.push(word.trim_start_matches('#').to_string());
            words.pop();
            continue;
        }
        return None;
    }
    None
}

fn paragraph(
    events: &[Spanned],
    (start, end): (usize, usize),
    body: &str,
    line_of: &dyn Fn(usize) -> usize,
    scan: &mut CardScan,
) {
    use super::card_syntax as syntax;
    let lines = super::card_blocks::lines_of(events, start + 1, end);
    // A marker card's front stops where the card before it ends.
    let floor = scan
        .candidates
        .iter()
        .map(|c| c.span.1)
        .filter(|&e| e <= start)
        .max()
        .unwrap_or(0);
    if let Some(c) = syntax::marker_card(events, (start, end), &lines, floor, line_of) {
        scan.candidates.push(c);
        return;
    }
    if let Some(c) = syntax::multiline_card(events, (start, end), &lines, body, line_of) {
        scan.candidates.push(c);
        return;
    }
    let mut inline_found = false;
    for &line in &lines {
        if let Some(c) = syntax::inline_card(events, line, line_of) {
            scan.candidates.push(c);
            inline_found = true;
        }
    }
    if !inline_found {
        if let Some(c) = syntax::cloze_card(events, (start, end + 1), false, line_of) {
            scan.candidates.push(c);
        }
        if syntax::has_open_highlight(&events[start..end]) {
            scan.open_highlights.push(line_of(start));
        }
    }
}

/// A tight list item (its text is not wrapped in a paragraph): inline cards and clozes on
/// its own line.
fn tight_item(
    events: &[Spanned],
    start: usize,
    line_of: &dyn Fn(usize) -> usize,
    scan: &mut CardScan,
) {
    use super::card_syntax as syntax;
    if matches!(
        events.get(start + 1),
        Some((Event::Start(Tag::Paragraph), _))
    ) {
        return;
    }
    let end = super::card_blocks::block_end(events, start) - 1;
    // The item's own text stops at a nested block (a sub-list).
    let own_end = (start + 1..end)
        .find(|&k| super::card_blocks::starts_block(&events[k].0))
        .unwrap_or(end);
    let lines = super::card_blocks::lines_of(events, start + 1, own_end);
    let mut inline_found = false;
    for &line in &lines {
        if let Some(c) = syntax::inline_card(events, line, line_of) {
            scan.candidates.push(c);
            inline_found = true;
        }
    }
    if !inline_found {
        if let Some(c) = syntax::cloze_card(events, (start + 1, own_end), true, line_of) {
            scan.candidates.push(c);
        }
        if syntax::has_open_highlight(&events[start..own_end]) {
            scan.open_highlights.push(line_of(start));
        }
    }
}
