//! Marks up the chosen card candidates of a parsed note: a heading card's back goes into a
//! `<div class="fc-back">`, other cards into `<div class="flashcard">` (or `<span>` on one line)
//! with a front and a back, so the page reads as before and quiz mode can hide the backs.
//! Afterwards each card knows the event ranges of its front and back, to render them alone.

use super::ParsedNote;
use super::cards::{CardKind, CardSyntax, Shape};
use super::escape_html;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// A candidate chosen to be a card, with what its markup needs.
#[derive(Debug, Clone)]
pub struct Activation {
    /// Index into the note's candidates.
    pub candidate: usize,
    /// The card's stable id.
    pub id: String,
    /// The element id its markup gets (heading cards keep the heading's anchor).
    pub anchor: String,
    /// The deck, from the top.
    pub deck: Vec<String>,
}

/// A card of a note, marked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteCard {
    /// How it was written.
    pub syntax: CardSyntax,
    /// What it asks.
    pub kind: CardKind,
    /// File line.
    pub line: usize,
    /// The front as plain text.
    pub front_text: String,
    /// Cloze numbers (cloze cards).
    pub clozes: Vec<u32>,
    /// Tags written on the card line.
    pub tags: Vec<String>,
    /// Stable id (hash of deck, front and note path).
    pub id: String,
    /// Deck path, from the top (empty: the site's top deck).
    pub deck: Vec<String>,
    /// The id of its element on the note page, for "open in note".
    pub anchor: String,
    /// Events of the front (`front.0..front.1`).
    pub front: (usize, usize),
    /// Events of the back (equal to the front for clozes).
    pub back: (usize, usize),
    /// Whether the back is empty.
    pub empty_back: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    FrontStart,
    FrontEnd,
    BackStart,
    BackEnd,
}

type Marked = (Event<'static>, Vec<(usize, Role)>);

#[derive(Default)]
struct Edits {
    /// Events inserted before an index, in the order given.
    inserts: Vec<(usize, Marked)>,
    removed: Vec<usize>,
    /// Roles of kept events.
    roles: Vec<(usize, usize, Role)>,
}

impl Edits {
    fn insert(&mut self, before: usize, event: Event<'_>, roles: &[(usize, Role)]) {
        self.inserts
            .push((before, (event.into_static(), roles.to_vec())));
    }
}

fn html(s: String) -> Event<'static> {
    Event::Html(CowStr::from(s))
}

fn inline(s: String) -> Event<'static> {
    Event::InlineHtml(CowStr::from(s))
}

fn kind_class(kind: CardKind) -> &'static str {
    match kind {
        CardKind::Basic => "fc-basic",
        CardKind::Reverse => "fc-reverse",
        CardKind::Spaced => "fc-spaced",
        CardKind::Cloze => "fc-cloze",
    }
}

/// Wraps the chosen candidates (in document order) and records the note's cards. Runs once:
/// the candidates are used up.
pub fn apply(parsed: &mut ParsedNote, chosen: Vec<Activation>) {
    let candidates = std::mem::take(&mut parsed.card_scan.candidates);
    parsed.card_scan.applied = true;
    if chosen.is_empty() {
        return;
    }
    let events = parsed.events.get();
    let mut edits = Edits::default();
    for (k, a) in chosen.iter().enumerate() {
        let c = &candidates[a.candidate];
        let id = escape_html(&a.id);
        let anchor = escape_html(&a.anchor);
        let class = kind_class(c.kind);
        match &c.shape {
            Shape::Heading {
                start,
                end,
                back_start,
                back_end,
                strip,
            } => {
                if let Event::Start(Tag::Heading {
                    level,
                    id: hid,
                    classes,
                    attrs,
                }) = &events[*start]
                {
                    let mut classes = classes.clone();
                    classes.push("fc-front".into());
                    let mut attrs = attrs.clone();
                    attrs.push(("data-card".into(), Some(a.id.clone().into())));
                    edits.removed.push(*start);
                    edits.insert(
                        *start,
                        Event::Start(Tag::Heading {
                            level: *level,
                            id: hid.clone(),
                            classes,
                            attrs,
                        }),
                        &[(k, Role::FrontStart)],
                    );
                }
                let front_end = if matches!(&events[end - 1], Event::Html(h) if h.starts_with("<a class=\"anchor\""))
                {
                    end - 1
                } else {
                    *end
                };
                edits.roles.push((front_end, k, Role::FrontEnd));
                edits.removed.extend(strip.iter().copied());
                edits.insert(
                    *back_start,
                    html(format!(
                        "<div class=\"fc-back {class}\" data-card=\"{id}\">\n"
                    )),
                    &[(k, Role::BackStart)],
                );
                edits.insert(*back_end, html("</div>\n".into()), &[(k, Role::BackEnd)]);
            }
            Shape::Pivot {
                front_start,
                para: (ps, pe),
                cut: (c0, c1),
                back_end,
                rewrite,
            } => {
                edits.insert(
                    *front_start,
                    html(format!(
                        "<div class=\"flashcard {class}\" id=\"{anchor}\" data-card=\"{id}\"><div class=\"fc-front\">\n"
                    )),
                    &[(k, Role::FrontStart)],
                );
                if let Some((t, kept)) = rewrite {
                    edits.removed.push(*t);
                    edits.insert(*t, Event::Text(kept.clone().into()), &[]);
                }
                edits.removed.extend(*c0..*c1);
                let mid = || html("</div><div class=\"fc-back\">\n".into());
                let mid_roles = [(k, Role::FrontEnd), (k, Role::BackStart)];
                let before = *c0 > ps + 1;
                let after = *c1 < *pe;
                match (before, after) {
                    (true, true) => {
                        edits.insert(*c0, Event::End(TagEnd::Paragraph), &[]);
                        edits.insert(*c0, mid(), &mid_roles);
                        edits.insert(*c0, Event::Start(Tag::Paragraph), &[]);
                    }
                    (true, false) => {
                        edits.insert(*c0, Event::End(TagEnd::Paragraph), &[]);
                        edits.insert(*c0, mid(), &mid_roles);
                        edits.removed.push(*pe);
                    }
                    (false, true) => {
                        edits.removed.push(*ps);
                        edits.insert(*c1, mid(), &mid_roles);
                        edits.insert(*c1, Event::Start(Tag::Paragraph), &[]);
                    }
                    (false, false) => {
                        edits.removed.push(*ps);
                        edits.removed.push(*pe);
                        edits.insert(pe + 1, mid(), &mid_roles);
                    }
                }
                edits.insert(
                    *back_end,
                    html("</div></div>\n".into()),
                    &[(k, Role::BackEnd)],
                );
            }
            Shape::Inline { line, sep, at } => {
                edits.insert(
                    line.0,
                    inline(format!(
                        "<span class=\"flashcard fc-inline {class}\" id=\"{anchor}\" data-card=\"{id}\"><span class=\"fc-front\">"
                    )),
                    &[(k, Role::FrontStart)],
                );
                if let Event::Text(text) = &events[*sep] {
                    let before = text[..at.0].trim_end();
                    let after = text[at.1..].trim_start();
                    edits.removed.push(*sep);
                    if !before.is_empty() {
                        edits.insert(*sep, Event::Text(before.to_string().into()), &[]);
                    }
                    edits.insert(
                        *sep,
                        inline("</span><span class=\"fc-sep\" aria-hidden=\"true\"></span><span class=\"fc-back\">".into()),
                        &[(k, Role::FrontEnd), (k, Role::BackStart)],
                    );
                    if !after.is_empty() {
                        edits.insert(*sep, Event::Text(after.to_string().into()), &[]);
                    }
                }
                edits.insert(
                    line.1,
                    inline("</span></span>".into()),
                    &[(k, Role::BackEnd)],
                );
            }
            Shape::Cloze {
                start,
                end,
                inline: is_inline,
                marks,
            } => {
                let open = format!(
                    "<{tag} class=\"flashcard {class}\" id=\"{anchor}\" data-card=\"{id}\">",
                    tag = if *is_inline { "span" } else { "div" }
                );
                let (open, close) = if *is_inline {
                    (inline(open), inline("</span>".into()))
                } else {
                    (html(format!("{open}\n")), html("</div>\n".into()))
                };
                edits.insert(*start, open, &[(k, Role::FrontStart), (k, Role::BackStart)]);
                for (n, m) in marks.iter().enumerate() {
                    edits.removed.push(*m);
                    edits.insert(
                        *m,
                        inline(format!("<mark class=\"cloze\" data-c=\"{}\">", n + 1)),
                        &[],
                    );
                }
                edits.insert(*end, close, &[(k, Role::FrontEnd), (k, Role::BackEnd)]);
            }
        }
    }
    let (events, positions, old_to_new) = rebuild(parsed.events.take(), edits, chosen.len());
    parsed.events = events.into();
    relocate(parsed, &old_to_new);
    for (k, a) in chosen.into_iter().enumerate() {
        let c = &candidates[a.candidate];
        let p = positions[k];
        parsed.cards.push(NoteCard {
            syntax: c.syntax,
            kind: c.kind,
            line: c.line,
            front_text: c.front_text.clone(),
            clozes: c.clozes.clone(),
            tags: c.tags.clone(),
            id: a.id,
            deck: a.deck,
            anchor: a.anchor,
            front: (p[0] + 1, p[1]),
            back: (p[2] + 1, p[3]),
            empty_back: c.empty_back,
        });
    }
}

/// Applies the edits; returns the events, each card's role positions (front start, front
/// end, back start, back end) and where each old event went.
fn rebuild(
    events: Vec<Event<'static>>,
    mut edits: Edits,
    cards: usize,
) -> (Vec<Event<'static>>, Vec<[usize; 4]>, Vec<usize>) {
    edits.inserts.sort_by_key(|(at, _)| *at);
    let mut removed = vec![false; events.len()];
    for r in &edits.removed {
        if let Some(x) = removed.get_mut(*r) {
            *x = true;
        }
    }
    let slot = |role: Role| match role {
        Role::FrontStart => 0,
        Role::FrontEnd => 1,
        Role::BackStart => 2,
        Role::BackEnd => 3,
    };
    let mut positions = vec![[0usize; 4]; cards];
    let mut out = Vec::with_capacity(events.len() + edits.inserts.len());
    let mut old_to_new = Vec::with_capacity(events.len());
    let mut inserts = edits.inserts.into_iter().peekable();
    let n = events.len();
    let mut events = events.into_iter().zip(removed).enumerate();
    for at in 0..=n {
        while let Some((_, (event, roles))) = inserts.next_if(|(before, _)| *before <= at) {
            for (k, role) in roles {
                positions[k][slot(role)] = out.len();
            }
            out.push(event);
        }
        let Some((i, (event, removed))) = events.next() else {
            break;
        };
        old_to_new.push(out.len());
        for (at, k, role) in &edits.roles {
            if *at == i {
                positions[*k][slot(*role)] = out.len();
            }
        }
        if !removed {
            out.push(event);
        }
    }
    (out, positions, old_to_new)
}

/// Points headings and diagrams at their events again.
fn relocate(parsed: &mut ParsedNote, old_to_new: &[usize]) {
    let all = parsed.events.get();
    let starts = all
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, Event::Start(Tag::Heading { .. })))
        .map(|(i, _)| i);
    for (heading, index) in parsed.headings.iter_mut().zip(starts) {
        heading.event_index = index;
    }
    for diagram in &mut parsed.diagrams {
        if let Some(&new) = old_to_new.get(diagram.event) {
            diagram.event = new;
        }
    }
    // A removed event maps to where the next one went, so ranges keep what is left of them.
    let len = parsed.events.len();
    let at = |i: usize| old_to_new.get(i).copied().unwrap_or(len);
    super::blocks::follow(&mut parsed.blocks, old_to_new);
    let notes = &mut parsed.footnotes;
    notes.start = at(notes.start);
    for range in &mut notes.notes {
        *range = at(range.start)..at(range.end);
    }
    for r in &mut notes.refs {
        r.0 = at(r.0);
    }
}
