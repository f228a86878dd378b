//! Footnotes: `[^label]` references with their `[^label]: …` definitions, and Obsidian's
//! inline footnotes `^[text]`. They are numbered in the order they are first referenced, and
//! their definitions move to the end of the note's events, where the renderer lists them with
//! a back-link (↩) to each reference.
//!
//! The ids they carry (`fn-1`, `fnref-1`) hold [`MARK`] where the renderer puts a prefix, so
//! a note embedded in another page gets ids of its own (`fn-e1-1`).

use super::Spanned;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::collections::{HashMap, VecDeque};
use std::ops::Range;

/// Where the renderer writes the footnote id prefix of the page part being rendered.
pub const MARK: &str = "\u{2}";

/// A note's footnotes, by number (the first is number 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Footnotes {
    /// Where the definitions start: the events before are the note's body.
    pub start: usize,
    /// Per footnote: the events of its definition's content.
    pub notes: Vec<Range<usize>>,
    /// Every reference, in order: its event, its footnote's number, and which reference to
    /// that footnote it is (1 for the first).
    pub refs: Vec<(usize, usize, usize)>,
}

/// How many events a close may be away from an inline footnote's `^[`.
const INLINE_REACH: usize = 400;

/// Turns `^[text]` into a footnote reference and a definition (appended at the end).
pub fn inline(events: Vec<Spanned>) -> Vec<Spanned> {
    if !events
        .iter()
        .any(|(e, _)| matches!(e, Event::Text(t) if t.contains("^[")))
    {
        return events;
    }
    let mut src: VecDeque<Spanned> = events.into();
    let mut out: Vec<Spanned> = Vec::with_capacity(src.len() + 8);
    let mut defs: Vec<Spanned> = Vec::new();
    let mut count = 0;
    while let Some((event, offset)) = src.pop_front() {
        let Event::Text(text) = &event else {
            out.push((event, offset));
            continue;
        };
        let Some(p) = text.find("^[") else {
            out.push((event, offset));
            continue;
        };
        let rest = &text[p + 2..];
        let Some(close) = close_of(rest, &src) else {
            out.push((event, offset));
            continue;
        };
        count += 1;
        let label = format!("{MARK}inline-{count}");
        if p > 0 {
            out.push((Event::Text(text[..p].to_string().into()), offset));
        }
        out.push((Event::FootnoteReference(label.clone().into()), offset));
        let mut content: Vec<Spanned> = Vec::new();
        let remainder = match close {
            Close::InText(q) => {
                content.push((Event::Text(rest[..q].to_string().into()), offset));
                rest[q + 1..].to_string()
            }
            Close::InEvent(j, q) => {
                content.push((Event::Text(rest.to_string().into()), offset));
                content.extend(src.drain(..j));
                let (last, last_offset) = src.pop_front().expect("the closing text");
                let Event::Text(last) = last else {
                    unreachable!("the close is in a text event")
                };
                content.push((Event::Text(last[..q].to_string().into()), last_offset));
                last[q + 1..].to_string()
            }
        };
        if !remainder.is_empty() {
            src.push_front((Event::Text(remainder.into()), offset));
        }
        content.retain(|(e, _)| !matches!(e, Event::Text(t) if t.is_empty()));
        let label: CowStr<'static> = label.into();
        defs.push((Event::Start(Tag::FootnoteDefinition(label)), offset));
        defs.push((Event::Start(Tag::Paragraph), offset));
        defs.extend(content);
        defs.push((Event::End(TagEnd::Paragraph), offset));
        defs.push((Event::End(TagEnd::FootnoteDefinition), offset));
    }
    out.extend(defs);
    out
}

enum Close {
    /// In the text after `^[`, at this byte.
    InText(usize),
    /// In the text event this many events further, at this byte.
    InEvent(usize, usize),
}

/// Where the `]` that closes an inline footnote is: after balanced brackets, in the same
/// inline element, within the same block.
fn close_of(rest: &str, following: &VecDeque<Spanned>) -> Option<Close> {
    let mut depth = 1usize;
    let scan = |text: &str, depth: &mut usize| {
        for (i, c) in text.char_indices() {
            match c {
                '[' => *depth += 1,
                ']' => {
                    *depth -= 1;
                    if *depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    };
    if let Some(q) = scan(rest, &mut depth) {
        return Some(Close::InText(q));
    }
    let mut nest = 0usize;
    for (j, (event, _)) in following.iter().enumerate().take(INLINE_REACH) {
        match event {
            Event::Text(t) if nest == 0 => {
                if let Some(q) = scan(t, &mut depth) {
                    return Some(Close::InEvent(j, q));
                }
            }
            Event::Start(_) => nest += 1,
            Event::End(_) if nest == 0 => return None,
            Event::End(_) => nest -= 1,
            _ => {}
        }
    }
    None
}

/// Numbers the footnotes, writes each reference as a numbered link and moves the definitions
/// to the end, in number order. Returns the events, the footnotes, and for every event given
/// its index in the events returned (`usize::MAX` for a dropped one).
pub fn arrange(events: Vec<Spanned>) -> (Vec<Spanned>, Footnotes, Option<Vec<usize>>) {
    let has_any = events.iter().any(|(e, _)| {
        matches!(
            e,
            Event::FootnoteReference(_) | Event::Start(Tag::FootnoteDefinition(_))
        )
    });
    if !has_any {
        let start = events.len();
        return (
            events,
            Footnotes {
                start,
                ..Footnotes::default()
            },
            None,
        );
    }
    // Definitions: label → (start, end) of the first one of that label.
    let mut defs: HashMap<String, (usize, usize)> = HashMap::new();
    let mut in_def = vec![false; events.len()];
    let mut order: Vec<String> = Vec::new();
    let mut open: Option<(String, usize)> = None;
    for (i, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) if open.is_none() => {
                open = Some((label.to_lowercase(), i));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, start)) = open.take() {
                    in_def[start..=i].iter_mut().for_each(|d| *d = true);
                    if let std::collections::hash_map::Entry::Vacant(e) = defs.entry(label) {
                        order.push(e.key().clone());
                        e.insert((start, i));
                    }
                }
            }
            _ => {}
        }
    }
    // Numbers: by first reference in the body, then in definitions, then unreferenced.
    let mut number: HashMap<String, usize> = HashMap::new();
    let mut numbered: Vec<String> = Vec::new();
    let body_first = (0..events.len()).filter(|&i| !in_def[i]);
    let defs_after = (0..events.len()).filter(|&i| in_def[i]);
    for i in body_first.chain(defs_after) {
        if let (Event::FootnoteReference(label), _) = &events[i] {
            let label = label.to_lowercase();
            if defs.contains_key(&label) && !number.contains_key(&label) {
                numbered.push(label.clone());
                number.insert(label, numbered.len());
            }
        }
    }
    for label in order {
        if let std::collections::hash_map::Entry::Vacant(e) = number.entry(label) {
            numbered.push(e.key().clone());
            e.insert(numbered.len());
        }
    }
    let n = events.len();
    let mut map = vec![usize::MAX; n];
    let mut events: Vec<Option<Spanned>> = events.into_iter().map(Some).collect();
    let mut out: Vec<Spanned> = Vec::with_capacity(n);
    let mut seen: HashMap<usize, usize> = HashMap::new();
    let mut refs = Vec::new();
    let mut place = |i: usize, events: &mut [Option<Spanned>], out: &mut Vec<Spanned>| {
        let Some((event, offset)) = events[i].take() else {
            return;
        };
        map[i] = out.len();
        let event = match event {
            Event::FootnoteReference(label) => match number.get(&label.to_lowercase()) {
                Some(&num) => {
                    let k = seen.entry(num).or_default();
                    *k += 1;
                    refs.push((out.len(), num, *k));
                    Event::InlineHtml(reference_html(num, *k).into())
                }
                None => Event::Text(format!("[^{label}]").into()),
            },
            other => other,
        };
        out.push((event, offset));
    };
    let body: Vec<usize> = (0..n).filter(|&i| !in_def[i]).collect();
    for i in body {
        place(i, &mut events, &mut out);
    }
    let start = out.len();
    let mut notes = Vec::with_capacity(numbered.len());
    for label in &numbered {
        let (s, e) = defs[label];
        let from = out.len();
        for i in s..=e {
            place(i, &mut events, &mut out);
        }
        notes.push(from + 1..out.len() - 1);
    }
    (out, Footnotes { start, notes, refs }, Some(map))
}

/// The `k`-th reference to footnote `n`.
fn reference_html(n: usize, k: usize) -> String {
    format!(
        "<sup class=\"footnote-ref\"><a id=\"fnref-{MARK}{n}{}\" href=\"#fn-{MARK}{n}\">{n}</a></sup>",
        ref_suffix(k)
    )
}

/// What tells the references to one footnote apart: none for the first, `-2`, `-3`, …
pub fn ref_suffix(k: usize) -> String {
    if k <= 1 {
        String::new()
    } else {
        format!("-{k}")
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::html_of;

    /// Found by fuzzing after the footnotes met the card stage: a heading inside a footnote's
    /// definition sits after the body, and its section ran backwards.
    #[test]
    fn a_heading_inside_a_footnote_can_be_shown_as_a_section() {
        use super::super::{Highlighter, ParseOptions, Resolution, parse};
        use super::super::{render_excerpt, render_section, render_without_heading};
        let parsed = parse(
            "[^2]:..\n    # i\n",
            0,
            &ParseOptions::default(),
            &Highlighter::default(),
        );
        let keep = vec![Resolution::Keep; parsed.links.len()];
        assert_eq!(parsed.headings.len(), 1);
        // Shown inside a page, under its title: an h2.
        assert!(render_section(&parsed, 0, &keep, "", 1).contains(">i</h2>"));
        render_without_heading(&parsed, 0, &keep);
        render_excerpt(&parsed, Some(0), 10, &keep, "", 2);
    }

    /// Found by fuzzing: with a heading in a footnote defined before the body's headings,
    /// every heading's event index must still point at its own heading.
    #[test]
    fn headings_point_at_their_events_when_a_footnote_holds_one() {
        use super::super::{Highlighter, ParseOptions, parse};
        use pulldown_cmark::{Event, Tag};
        let parsed = parse(
            "[^n]: note\n    # Inside\n\n# Body one\n\nText[^n].\n\n## Body two\n",
            0,
            &ParseOptions::default(),
            &Highlighter::default(),
        );
        assert_eq!(parsed.headings.len(), 3);
        for h in &parsed.headings {
            assert!(
                matches!(
                    parsed.events.get()[h.event_index],
                    Event::Start(Tag::Heading { .. })
                ),
                "{}",
                h.text
            );
            let text: String = parsed.events.get()[h.event_index..]
                .iter()
                .skip(1)
                .take_while(|e| !matches!(e, Event::End(_)))
                .filter_map(|e| match e {
                    Event::Text(t) => Some(t.to_string()),
                    _ => None,
                })
                .collect();
            assert_eq!(text, h.text, "heading {} points at another", h.text);
        }
    }

    #[test]
    fn footnotes_are_numbered_by_reference_and_listed_at_the_end() {
        let html = html_of(
            "Second[^b], first[^a]? No: b[^b] then a[^a].\n\n[^a]: Alpha.\n[^b]: Beta.\n\n## After\n\nText.\n",
        );
        let list = html.find("<section class=\"footnotes\"").expect("a list");
        assert!(html.find("Text.").unwrap() < list, "{html}");
        assert!(
            html.contains("<a id=\"fnref-1\" href=\"#fn-1\">1</a>")
                && html.contains("<a id=\"fnref-1-2\" href=\"#fn-1\">1</a>"),
            "{html}"
        );
        let beta = html.find("Beta.").unwrap();
        let alpha = html.find("Alpha.").unwrap();
        assert!(beta < alpha, "numbered by first reference: {html}");
        assert!(html.contains("href=\"#fnref-1-2\""), "{html}");
        assert!(!html.contains('\u{2}'), "{html}");
    }

    #[test]
    fn inline_footnotes_keep_their_markup() {
        let html = html_of("A claim^[said *inline* [x](y.md)] and ^[two].\n");
        assert!(html.contains("A claim<sup"), "{html}");
        assert!(
            html.contains("said <em>inline</em> <a href=\"y.md\">x</a>"),
            "{html}"
        );
        assert!(html.contains(">two"), "{html}");
        assert!(!html.contains("^["), "{html}");
        let plain = html_of("Powers: 2^[3] is not closed ^[ here\n");
        assert!(plain.contains("<sup"), "{plain}");
        let open = html_of("Only ^[ open\n");
        assert!(open.contains("^[ open"), "{open}");
    }
}
