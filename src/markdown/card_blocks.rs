//! Walking a note's events by block, for the card passes: where a block ends, its sibling
//! blocks, the lines of a paragraph, and plain text. Earlier passes replaced callouts and
//! table wrappers by raw HTML, so those are recognised as blocks too.

use super::Spanned;
use pulldown_cmark::{Event, Tag, TagEnd};

use super::tables::CLOSE as TABLE_CLOSE;

fn callout_open(html: &str) -> bool {
    html.starts_with("<div class=\"callout") || html.starts_with("<details class=\"callout")
}

fn callout_close(html: &str) -> bool {
    html == "</div></div>\n" || html == "</div></details>\n"
}

/// Whether an event ends the container the walk is in.
fn ends_container(event: &Event<'_>) -> bool {
    match event {
        Event::End(_) => true,
        Event::Html(h) => callout_close(h),
        _ => false,
    }
}

/// Whether an event starts a block (rather than being inline content).
pub fn starts_block(event: &Event<'_>) -> bool {
    match event {
        Event::Start(tag) => !matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::Html(_) | Event::Rule => true,
        _ => false,
    }
}

/// The index just past the block that starts at `i`.
pub fn block_end(events: &[Spanned], i: usize) -> usize {
    match &events[i].0 {
        Event::Start(_) => {
            let mut depth = 0usize;
            for (k, (e, _)) in events.iter().enumerate().skip(i) {
                match e {
                    Event::Start(_) => depth += 1,
                    Event::End(_) => {
                        depth -= 1;
                        if depth == 0 {
                            return k + 1;
                        }
                    }
                    _ => {}
                }
            }
            events.len()
        }
        Event::Html(h) if super::tables::is_open(h) && i + 1 < events.len() => {
            let after = block_end(events, i + 1);
            match events.get(after) {
                Some((Event::Html(c), _)) if c.as_ref() == TABLE_CLOSE => after + 1,
                _ => after,
            }
        }
        Event::Html(h) if callout_open(h) => {
            let mut depth = 0usize;
            for (k, (e, _)) in events.iter().enumerate().skip(i) {
                if let Event::Html(h) = e {
                    if callout_open(h) {
                        depth += 1;
                    } else if callout_close(h) {
                        depth -= 1;
                        if depth == 0 {
                            return k + 1;
                        }
                    }
                }
            }
            events.len()
        }
        _ => i + 1,
    }
}

/// Walks sibling blocks from `from` and returns where the first one for which `stop` holds
/// starts, or where the enclosing container ends.
pub fn siblings_until(
    events: &[Spanned],
    from: usize,
    stop: impl Fn(&Event<'_>, usize) -> bool,
) -> usize {
    let mut i = from;
    while i < events.len() {
        let event = &events[i].0;
        if ends_container(event) || stop(event, i) {
            return i;
        }
        i = block_end(events, i);
    }
    events.len()
}

/// The sibling blocks before `before` back to the start of the container: their start
/// indices, nearest first.
pub fn blocks_before(events: &[Spanned], container_start: usize, before: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut i = container_start;
    while i < before {
        starts.push(i);
        i = block_end(events, i);
    }
    starts.reverse();
    starts
}

/// Where the container holding event `at` starts its content: the index after the
/// unmatched start before `at` (0 at the top level).
pub fn container_start(events: &[Spanned], at: usize) -> usize {
    let mut depth = 0usize;
    for k in (0..at).rev() {
        match &events[k].0 {
            Event::End(_) => depth += 1,
            Event::Html(h) if callout_close(h) => depth += 1,
            Event::Start(_) => {
                if depth == 0 {
                    return k + 1;
                }
                depth -= 1;
            }
            Event::Html(h) if callout_open(h) => {
                if depth == 0 {
                    return k + 1;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    0
}

/// The lines of inline content `from..to`: ranges split at line breaks outside any inline
/// markup.
pub fn lines_of(events: &[Spanned], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = from;
    let mut depth = 0usize;
    for (k, (e, _)) in events.iter().enumerate().take(to).skip(from) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::SoftBreak | Event::HardBreak if depth == 0 => {
                lines.push((start, k));
                start = k + 1;
            }
            _ => {}
        }
    }
    lines.push((start, to));
    lines
}

/// The text of events as a reader sees it (text and code; breaks as spaces).
pub fn plain(events: &[Spanned]) -> String {
    let mut text = String::new();
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether an event shows nothing.
pub fn is_blank_event(e: &Event<'_>) -> bool {
    match e {
        Event::Text(t) => t.trim().is_empty(),
        Event::Code(_) | Event::FootnoteReference(_) | Event::Rule => false,
        Event::InlineMath(_) | Event::DisplayMath(_) => false,
        Event::Start(Tag::Image { .. } | Tag::CodeBlock(_) | Tag::Table(_)) => false,
        Event::Html(h) | Event::InlineHtml(h) => {
            let h = h.trim();
            h.is_empty()
                || h.starts_with("<span class=\"block-id\"")
                || h.starts_with("<a class=\"anchor\"")
        }
        _ => true,
    }
}

/// Whether events show nothing.
pub fn is_blank(events: &[Spanned]) -> bool {
    events.iter().all(|(e, _)| is_blank_event(e))
}
