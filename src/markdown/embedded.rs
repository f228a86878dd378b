//! A note, or one section of it, shown inside another page (an embed, a topic page's
//! excerpt, a flashcard): without ids (the host page's ids stay unique), and with its headings
//! moved to nest under where it is shown. An embed under an `h2` starts at `h3`; nothing shown
//! inside a page is ever an `h1`, since the page has its own.

use super::links;
use super::{ParsedNote, Resolution};
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

/// Where a part of a note is shown: its events, and how much its headings move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// First event shown.
    pub start: usize,
    /// One past the last event shown.
    pub end: usize,
    /// Added to each heading's level (then kept within 2‥=6).
    pub shift: i32,
}

impl Placement {
    /// The level a heading of the source at `level` is shown at.
    pub fn level(&self, level: u8) -> u8 {
        (i32::from(level) + self.shift).clamp(2, 6) as u8
    }
}

/// What of a note is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The whole note.
    Note,
    /// The note without its leading title heading (a page's own heading stands for it).
    NoteUntitled,
    /// The section under a heading, with the heading.
    Section(usize),
    /// The section under a heading, without the heading (a page's own heading stands for it).
    SectionBody(usize),
}

/// Places `part` of a note under a heading of level `under` (1 for content right under a
/// page's title): its highest heading is shown at `under + 1`.
pub fn place(parsed: &ParsedNote, part: Part, under: u8) -> Placement {
    let events = parsed.events.len();
    let section_end = |h: usize| {
        let level = parsed.headings[h].level;
        parsed.headings[h + 1..]
            .iter()
            .find(|next| next.level <= level)
            .map_or(events, |next| next.event_index)
    };
    let after_heading = |start: usize| {
        parsed.events[start..]
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
            .map_or(events, |i| start + i + 1)
    };
    let (start, end) = match part {
        Part::Note => (0, events),
        Part::NoteUntitled if parsed.starts_with_h1 => (after_heading(0), events),
        Part::NoteUntitled => (0, events),
        Part::Section(h) | Part::SectionBody(h) if h >= parsed.headings.len() => (0, 0),
        Part::Section(h) => (parsed.headings[h].event_index, section_end(h)),
        Part::SectionBody(h) => (
            after_heading(parsed.headings[h].event_index),
            section_end(h),
        ),
    };
    let top = parsed.events[start..end]
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as i32),
            _ => None,
        })
        .min();
    let shift = top.map_or(0, |top| i32::from(under) + 1 - top);
    Placement { start, end, shift }
}

/// Writes a placed part of a note: links resolved, no ids, headings moved.
pub fn render(parsed: &ParsedNote, at: &Placement, resolutions: &[Resolution]) -> String {
    render_events(parsed, at.start, at.end, at.shift, resolutions)
}

/// Writes the start of a placed part, for pages that gather many: whole blocks up to about
/// `chars` characters of text (at least one block). Says whether it was cut short.
pub fn render_excerpt(
    parsed: &ParsedNote,
    at: &Placement,
    chars: usize,
    resolutions: &[Resolution],
) -> (String, bool) {
    let (start, end) = (at.start, at.end);
    let mut depth = 0usize;
    let mut text = 0usize;
    let mut blocks = 0usize;
    let mut cut = end;
    for (i, event) in parsed.events[start..end].iter().enumerate() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => text += t.chars().count(),
            // Callouts, table boxes and flashcards are raw HTML around markdown blocks: a cut
            // must not fall inside one.
            Event::Html(h) => depth = (depth as isize + html_nesting(h)).max(0) as usize,
            _ => {}
        }
        let closes_block = depth == 0 && !matches!(event, Event::Start(_));
        if closes_block {
            let is_heading = matches!(event, Event::End(TagEnd::Heading(_)));
            if !is_heading {
                blocks += 1;
            }
            if blocks >= 1 && text >= chars {
                cut = start + i + 1;
                break;
            }
        }
    }
    let html = render_events(parsed, start, cut, at.shift, resolutions);
    (html, cut < end)
}

/// How many block containers a piece of raw HTML opens, less those it closes.
fn html_nesting(html: &str) -> isize {
    let count = |pattern: &str| html.matches(pattern).count() as isize;
    ["div", "details", "section", "figure", "aside", "blockquote"]
        .iter()
        .map(|tag| count(&format!("<{tag}")) - count(&format!("</{tag}")))
        .sum()
}

/// For each link of the note (in order), the level of the last heading before it, if any.
pub fn link_levels(parsed: &ParsedNote) -> Vec<Option<u8>> {
    let mut levels = Vec::with_capacity(parsed.links.len());
    let mut current = None;
    for event in &parsed.events {
        match event {
            Event::Start(Tag::Heading { level, .. }) => current = Some(*level as u8),
            Event::Start(Tag::Link { .. }) | Event::Start(Tag::Image { .. }) => {
                levels.push(current);
            }
            _ => {}
        }
    }
    levels
}

pub(super) fn render_events(
    parsed: &ParsedNote,
    start: usize,
    end: usize,
    shift: i32,
    resolutions: &[Resolution],
) -> String {
    let end = end.min(parsed.events.len());
    let start = start.min(end);
    let events = &parsed.events[start..end];
    let skipped = links::count_links(&parsed.events[..start]);
    let resolutions = resolutions.get(skipped..).unwrap_or(&[]);
    let events = super::headings::without_ids(links::rewrite(events, resolutions));
    let events = shift_headings(events, shift);
    let mut html = String::with_capacity(events.len() * 16);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

fn shift_headings(events: Vec<Event<'_>>, shift: i32) -> Vec<Event<'_>> {
    let moved = |level: HeadingLevel| {
        let at = Placement {
            start: 0,
            end: 0,
            shift,
        };
        HeadingLevel::try_from(usize::from(at.level(level as u8))).unwrap_or(HeadingLevel::H6)
    };
    events
        .into_iter()
        .map(|e| match e {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level: moved(level),
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(moved(level))),
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{Highlighter, ParseOptions, parse};
    use super::*;

    fn note(md: &str) -> ParsedNote {
        parse(md, 0, &ParseOptions::default(), &Highlighter::default())
    }

    fn keep(p: &ParsedNote) -> Vec<Resolution> {
        p.links.iter().map(|_| Resolution::Keep).collect()
    }

    const NOTE: &str = "# Archive\n\nIntro.\n\n## Restores\n\nHours.\n\n### Expedited\n\nMinutes.\n\n## Costs\n\nCheap.\n";

    #[test]
    fn an_embedded_note_nests_under_the_heading_it_sits_in() {
        let p = note(NOTE);
        let html = render(&p, &place(&p, Part::Note, 2), &keep(&p));
        assert!(html.contains("<h3>Archive</h3>"), "{html}");
        assert!(html.contains("<h4>Restores</h4>"), "{html}");
        assert!(html.contains("<h5>Expedited</h5>"), "{html}");
        assert!(!html.contains(" id="), "{html}");
    }

    #[test]
    fn an_embedded_section_starts_one_level_below_its_place() {
        let p = note(NOTE);
        let restores = 1;
        let html = render(&p, &place(&p, Part::Section(restores), 1), &keep(&p));
        assert!(html.starts_with("<h2>Restores</h2>"), "{html}");
        assert!(html.contains("<h3>Expedited</h3>"), "{html}");
        assert!(!html.contains("Costs"), "{html}");
        let deep = render(&p, &place(&p, Part::Section(restores), 5), &keep(&p));
        assert!(deep.contains("<h6>Restores</h6>") && deep.contains("<h6>Expedited</h6>"));
    }

    #[test]
    fn nothing_placed_inside_a_page_is_an_h1() {
        let p = note("# One\n\n# Two\n\ntext\n");
        let at = place(&p, Part::Note, 0);
        let html = render(&p, &at, &keep(&p));
        assert!(!html.contains("<h1"), "{html}");
    }

    #[test]
    fn a_section_body_leaves_its_heading_to_the_page() {
        let p = note(NOTE);
        let at = place(&p, Part::SectionBody(1), 2);
        let html = render(&p, &at, &keep(&p));
        assert!(!html.contains("Restores"), "{html}");
        assert!(html.starts_with("<p>Hours.</p>"), "{html}");
        assert!(html.contains("<h3>Expedited</h3>"), "{html}");
        let whole = place(&p, Part::NoteUntitled, 2);
        let html = render(&p, &whole, &keep(&p));
        assert!(html.starts_with("<p>Intro.</p>"), "{html}");
        assert!(html.contains("<h3>Restores</h3>"), "{html}");
    }

    #[test]
    fn an_excerpt_is_never_cut_inside_a_callout_or_table_box() {
        let p = note(&format!(
            "## Tips\n\n> [!tip] Title\n> {}\n>\n> {}\n\nAfter.\n",
            "word ".repeat(40),
            "more ".repeat(40)
        ));
        let at = place(&p, Part::Section(0), 1);
        let (html, _) = render_excerpt(&p, &at, 30, &keep(&p));
        assert_eq!(
            html.matches("<div").count(),
            html.matches("</div>").count(),
            "{html}"
        );
    }

    #[test]
    fn links_know_the_heading_above_them() {
        let p = note("[a](x.md)\n\n## B\n\n[b](y.md) ![[c.png]]\n\n### C\n\n[d](z.md)\n");
        assert_eq!(link_levels(&p), [None, Some(2), Some(2), Some(3)]);
    }
}
