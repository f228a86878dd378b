//! A note, or one part of it (an embed, a topic page's excerpt, a flashcard), shown inside
//! another page: its headings move to nest under where it is shown. An embed under an `h2`
//! starts at `h3`; nothing shown inside a page is ever an `h1`, since the page has its own.

use super::ParsedNote;
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use std::ops::Range;

/// How much the headings of `range` move so that its highest one is shown at `under + 1`.
pub fn shift_for(parsed: &ParsedNote, range: Range<usize>, under: u8) -> i32 {
    shift_in(&parsed.events.get(), range, under)
}

/// [`shift_for`] on events already unpacked.
pub fn shift_in(events: &[Event<'_>], range: Range<usize>, under: u8) -> i32 {
    let end = range.end.min(events.len());
    let start = range.start.min(end);
    events[start..end]
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as i32),
            _ => None,
        })
        .min()
        .map_or(0, |top| i32::from(under) + 1 - top)
}

/// The level a heading of the source at `level` is shown at, moved by `shift` (within 2‥=6).
pub fn moved(level: u8, shift: i32) -> u8 {
    (i32::from(level) + shift).clamp(2, 6) as u8
}

/// Moves every heading by `shift` levels.
pub(super) fn shift_headings(events: Vec<Event<'_>>, shift: i32) -> Vec<Event<'_>> {
    let at = |level: HeadingLevel| {
        HeadingLevel::try_from(usize::from(moved(level as u8, shift))).unwrap_or(HeadingLevel::H6)
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
                level: at(level),
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(at(level))),
            other => other,
        })
        .collect()
}

/// How many block containers a piece of raw HTML opens, less those it closes (callouts,
/// table boxes and flashcards are raw HTML around markdown blocks: an excerpt must not be cut
/// inside one).
pub(super) fn html_nesting(html: &str) -> isize {
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
    for event in parsed.events.get().iter() {
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

#[cfg(test)]
mod tests {
    use super::super::{Highlighter, ParseOptions, Resolution, parse};
    use super::super::{render_embedded, render_excerpt, render_section};
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
        let html = render_embedded(&p, &keep(&p), "", 2);
        assert!(html.contains("<h3>Archive</h3>"), "{html}");
        assert!(html.contains("<h4>Restores</h4>"), "{html}");
        assert!(html.contains("<h5>Expedited</h5>"), "{html}");
        assert!(!html.contains(" id="), "{html}");
    }

    #[test]
    fn an_embedded_section_starts_one_level_below_its_place() {
        let p = note(NOTE);
        let restores = 1;
        let html = render_section(&p, restores, &keep(&p), "", 1);
        assert!(html.starts_with("<h2>Restores</h2>"), "{html}");
        assert!(html.contains("<h3>Expedited</h3>"), "{html}");
        assert!(!html.contains("Costs"), "{html}");
        let deep = render_section(&p, restores, &keep(&p), "", 5);
        assert!(deep.contains("<h6>Restores</h6>") && deep.contains("<h6>Expedited</h6>"));
    }

    #[test]
    fn nothing_placed_inside_a_page_is_an_h1() {
        let p = note("# One\n\n# Two\n\ntext\n");
        let html = render_embedded(&p, &keep(&p), "", 0);
        assert!(!html.contains("<h1"), "{html}");
    }

    #[test]
    fn an_excerpt_leaves_its_heading_to_the_page() {
        let p = note(NOTE);
        let (html, _) = render_excerpt(&p, Some(1), 10_000, &keep(&p), "", 2);
        assert!(!html.contains("Restores"), "{html}");
        assert!(html.starts_with("<p>Hours.</p>"), "{html}");
        assert!(html.contains("<h3>Expedited</h3>"), "{html}");
        let (html, _) = render_excerpt(&p, None, 10_000, &keep(&p), "", 2);
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
        let (html, _) = render_excerpt(&p, Some(0), 30, &keep(&p), "", 2);
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
