//! Writing parsed notes as HTML: a whole note, or a part of it (a section, a block, the start
//! of a section) to be shown inside another page, each with its footnotes listed at the end.
//! Links are replaced by their resolutions, in [`ParsedNote::links`] order. A part shown
//! inside another page has no ids and its headings nest under `under`, the level of the
//! heading it is shown beneath (see [`super::embedded`]).

use super::footnotes::{MARK, ref_suffix};
use super::{BlockKind, ParsedNote, Resolution, embedded, headings, links};
use pulldown_cmark::{Event, TagEnd};
use std::borrow::Cow;
use std::ops::Range;

/// A note with its events unpacked once, for everything one call writes of it.
struct Note<'a> {
    parsed: &'a ParsedNote,
    events: Cow<'a, [Event<'a>]>,
}

impl<'a> Note<'a> {
    fn of(parsed: &'a ParsedNote) -> Note<'a> {
        Note {
            parsed,
            events: parsed.events.get(),
        }
    }
}

/// Writes a parsed note as HTML, replacing each link with its resolution (in `links` order).
pub fn render(parsed: &ParsedNote, resolutions: &[Resolution]) -> String {
    let n = Note::of(parsed);
    let mut html = render_range(&n, 0, parsed.body_end(), resolutions, None);
    html.push_str(&all_footnotes(&n, resolutions, None));
    with_prefix(html, "")
}

/// Writes a note without one of its headings (the level-1 heading the page shows as its title
/// instead).
pub fn render_without_heading(
    parsed: &ParsedNote,
    heading: usize,
    resolutions: &[Resolution],
) -> String {
    let body_end = parsed.body_end();
    let Some(h) = parsed
        .headings
        .get(heading)
        .filter(|h| h.event_index < body_end)
    else {
        return render(parsed, resolutions);
    };
    let n = Note::of(parsed);
    let end = n.events[h.event_index..body_end]
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
        .map_or(body_end, |i| h.event_index + i + 1);
    let mut html = render_range(&n, 0, h.event_index, resolutions, None);
    html.push_str(&render_range(&n, end, body_end, resolutions, None));
    html.push_str(&all_footnotes(&n, resolutions, None));
    with_prefix(html, "")
}

/// Writes a note for embedding in another page: no heading ids or self-links, so the
/// embedding page keeps unique ids; its footnotes' ids start with `prefix`; its headings nest
/// under a heading of level `under`.
pub fn render_embedded(
    parsed: &ParsedNote,
    resolutions: &[Resolution],
    prefix: &str,
    under: u8,
) -> String {
    let n = Note::of(parsed);
    let shift = Some(embedded::shift_in(&n.events, 0..parsed.body_end(), under));
    let mut html = render_range(&n, 0, parsed.body_end(), resolutions, shift);
    html.push_str(&all_footnotes(&n, resolutions, shift));
    with_prefix(html, prefix)
}

/// Writes the section under heading `heading` (up to the next heading of the same or a higher
/// level) for embedding in another page, under a heading of level `under`.
pub fn render_section(
    parsed: &ParsedNote,
    heading: usize,
    resolutions: &[Resolution],
    prefix: &str,
    under: u8,
) -> String {
    match section_events(parsed, heading) {
        Some(range) => {
            let n = Note::of(parsed);
            let shift = embedded::shift_in(&n.events, range.clone(), under);
            part_with_notes(&n, range, resolutions, prefix, shift)
        }
        None => String::new(),
    }
}

/// Writes one block (`^id`) for embedding in another page; a list item is shown in a list.
pub fn render_block(
    parsed: &ParsedNote,
    block: usize,
    resolutions: &[Resolution],
    prefix: &str,
    under: u8,
) -> String {
    let Some(b) = parsed.blocks.get(block) else {
        return String::new();
    };
    let n = Note::of(parsed);
    let shift = Some(embedded::shift_in(&n.events, b.start..b.end, under));
    let html = render_range(&n, b.start, b.end, resolutions, shift);
    let html = match b.kind {
        BlockKind::Item { ordered: Some(n) } => format!("<ol start=\"{n}\">\n{html}</ol>\n"),
        BlockKind::Item { ordered: None } => format!("<ul>\n{html}</ul>\n"),
        _ => html,
    };
    let notes = footnotes_in(&n, b.start..b.end, resolutions, shift);
    with_prefix(html + &notes, prefix)
}

/// The events of the section under heading `heading`: from the heading up to the next heading
/// of the same or a higher level.
pub fn section_events(parsed: &ParsedNote, heading: usize) -> Option<Range<usize>> {
    let h = parsed.headings.get(heading)?;
    // A heading inside a footnote's definition sits after the body, with the footnotes.
    let limit = if h.event_index < parsed.body_end() {
        parsed.body_end()
    } else {
        parsed.events.len()
    };
    let end = parsed.headings[heading + 1..]
        .iter()
        .find(|next| next.level <= h.level)
        .map_or(limit, |next| next.event_index)
        .clamp(h.event_index, limit.max(h.event_index));
    Some(h.event_index..end)
}

/// The events an excerpt of a section (or of the whole note) is taken from: after its
/// heading (or the note's leading title heading), which the gathering page shows itself.
pub fn excerpt_events(parsed: &ParsedNote, heading: Option<usize>) -> Range<usize> {
    excerpt_range(&Note::of(parsed), heading)
}

fn excerpt_range(n: &Note<'_>, heading: Option<usize>) -> Range<usize> {
    let parsed = n.parsed;
    let after_heading = |from: usize, end: usize| {
        n.events[from..end]
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
            .map_or(end, |i| from + i + 1)
    };
    let body_end = parsed.body_end();
    match heading {
        Some(h) => section_events(parsed, h).map_or(0..0, |r| after_heading(r.start, r.end)..r.end),
        None if parsed.starts_with_h1 => after_heading(0, body_end)..body_end,
        None => 0..body_end,
    }
}

/// The events of a block (`^id`).
pub fn block_events(parsed: &ParsedNote, block: usize) -> Option<Range<usize>> {
    parsed.blocks.get(block).map(|b| b.start..b.end)
}

/// The indices (in [`ParsedNote::links`]) of the links and images within a range of events.
pub fn links_in(parsed: &ParsedNote, events: Range<usize>) -> Range<usize> {
    let first = parsed.events.count_links(0..events.start);
    first..first + parsed.events.count_links(events)
}

/// The indices of the links and images in the note's footnotes.
pub fn footnote_links(parsed: &ParsedNote) -> Range<usize> {
    links_in(parsed, parsed.body_end()..parsed.events.len())
}

/// Writes the start of a section (or of the whole note), for pages that gather many, which
/// show its heading (or the note's title) themselves: whole blocks after that heading up to
/// about `chars` characters of text (at least one block), its headings nested under `under`.
/// Returns the HTML and whether it was cut.
pub fn render_excerpt(
    parsed: &ParsedNote,
    heading: Option<usize>,
    chars: usize,
    resolutions: &[Resolution],
    prefix: &str,
    under: u8,
) -> (String, bool) {
    let n = Note::of(parsed);
    let range = excerpt_range(&n, heading);
    let (start, end) = (range.start, range.end);
    let shift = embedded::shift_in(&n.events, range, under);
    let mut depth = 0usize;
    let mut text = 0usize;
    let mut blocks = 0usize;
    let mut cut = end;
    for (i, event) in n.events[start..end].iter().enumerate() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => text += t.chars().count(),
            Event::Html(h) => {
                depth = (depth as isize + embedded::html_nesting(h)).max(0) as usize;
            }
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
    let html = part_with_notes(&n, start..cut, resolutions, prefix, shift);
    (html, cut < end)
}

/// Writes events `range.0..range.1` of a note (a card's front or back) for showing elsewhere:
/// links resolved as on the page, no heading ids, headings from `h2` down (under the deck
/// page's title), the footnotes it refers to after it.
pub fn render_part(
    parsed: &ParsedNote,
    range: (usize, usize),
    resolutions: &[Resolution],
) -> String {
    let end = range.1.min(parsed.events.len());
    let range = range.0.min(end)..end;
    let n = Note::of(parsed);
    let shift = embedded::shift_in(&n.events, range.clone(), 1);
    part_with_notes(&n, range, resolutions, "card-", shift)
}

/// A part of a note shown in another page, with the footnotes it refers to.
fn part_with_notes(
    n: &Note<'_>,
    range: Range<usize>,
    resolutions: &[Resolution],
    prefix: &str,
    shift: i32,
) -> String {
    let shift = Some(shift);
    let mut html = render_range(n, range.start, range.end, resolutions, shift);
    html.push_str(&footnotes_in(n, range, resolutions, shift));
    with_prefix(html, prefix)
}

/// Writes events `start..end`; `inside` another page (by how much its headings move), with
/// no heading ids.
fn render_range(
    n: &Note<'_>,
    start: usize,
    end: usize,
    resolutions: &[Resolution],
    inside: Option<i32>,
) -> String {
    let all = &n.events;
    let events = &all[start..end];
    let skipped = n.parsed.events.count_links(0..start);
    let resolutions = resolutions.get(skipped..).unwrap_or(&[]);
    let mut events = links::rewrite(events, resolutions);
    if let Some(shift) = inside {
        events = embedded::shift_headings(headings::without_ids(events), shift);
    }
    let mut html = String::with_capacity(events.len() * 16);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    super::tables::empty_headers_as_cells(html)
}

/// Puts the footnote id prefix in place.
fn with_prefix(html: String, prefix: &str) -> String {
    if html.contains(MARK) {
        html.replace(MARK, prefix)
    } else {
        html
    }
}

/// Every footnote, with a back-link to each reference.
fn all_footnotes(n: &Note<'_>, resolutions: &[Resolution], inside: Option<i32>) -> String {
    let notes = &n.parsed.footnotes;
    let listed: Vec<(usize, Vec<usize>)> = (1..=notes.notes.len())
        .map(|n| {
            let ks = notes
                .refs
                .iter()
                .filter(|r| r.1 == n)
                .map(|r| r.2)
                .collect();
            (n, ks)
        })
        .collect();
    footnote_list(n, &listed, resolutions, inside)
}

/// The footnotes referred to from a range of events, with back-links to those references.
fn footnotes_in(
    n: &Note<'_>,
    range: Range<usize>,
    resolutions: &[Resolution],
    inside: Option<i32>,
) -> String {
    let mut listed: Vec<(usize, Vec<usize>)> = Vec::new();
    for &(at, number, k) in &n.parsed.footnotes.refs {
        if !range.contains(&at) {
            continue;
        }
        match listed.iter_mut().find(|(m, _)| *m == number) {
            Some((_, ks)) => ks.push(k),
            None => listed.push((number, vec![k])),
        }
    }
    footnote_list(n, &listed, resolutions, inside)
}

/// The list of footnotes `listed` (number, and the references to link back to).
fn footnote_list(
    note: &Note<'_>,
    listed: &[(usize, Vec<usize>)],
    resolutions: &[Resolution],
    inside: Option<i32>,
) -> String {
    if listed.is_empty() {
        return String::new();
    }
    let mut html = String::from("<section class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n");
    for (n, ks) in listed {
        let Some(range) = note.parsed.footnotes.notes.get(n - 1) else {
            continue;
        };
        let mut body = render_range(note, range.start, range.end, resolutions, inside);
        let back: String = ks
            .iter()
            .map(|&k| {
                let mark = if ks.len() > 1 { format!("<sup>{k}</sup>") } else { String::new() };
                format!(
                    " <a class=\"footnote-backref\" href=\"#fnref-{MARK}{n}{}\" aria-label=\"Back to reference {n}\">↩{mark}</a>",
                    ref_suffix(k)
                )
            })
            .collect();
        let trimmed = body.trim_end().len();
        if body[..trimmed].ends_with("</p>") {
            body.insert_str(trimmed - "</p>".len(), &back);
        } else {
            body.push_str(&back);
        }
        html.push_str(&format!(
            "<li id=\"fn-{MARK}{n}\" value=\"{n}\">{body}</li>\n"
        ));
    }
    html.push_str("</ol>\n</section>\n");
    html
}
