//! The card syntaxes inside paragraphs and list items: `#card` markers, multi-line cards
//! around a `?` line, inline `question::answer`, and cloze paragraphs. Each returns a
//! [`Candidate`] describing what the card covers; nothing is changed here.

use super::Spanned;
use super::card_blocks::{block_end, blocks_before, container_start, is_blank, lines_of, plain};
use super::cards::{Candidate, CardKind, CardSyntax, Shape, kind_of, marker_at_end};
use pulldown_cmark::{Event, Tag};

type Lines = [(usize, usize)];

/// Whether a block is one the Flashcards plugin stamped with its Anki id (`^1695177559930`):
/// it closes the card before it.
fn has_anki_id(events: &[Spanned], block: usize) -> bool {
    let Some((Event::InlineHtml(h), _)) = events.get(block + 1) else {
        return false;
    };
    h.strip_prefix("<span class=\"block-id\" id=\"^")
        .and_then(|rest| rest.split('"').next())
        .is_some_and(|id| id.len() >= 10 && id.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a block ends a card's front or back on its own: a heading or a rule.
fn is_boundary(event: &Event<'_>) -> bool {
    matches!(event, Event::Start(Tag::Heading { .. }) | Event::Rule)
}

/// Whether a paragraph holds a `#card` marker line.
fn is_marker_paragraph(events: &[Spanned], p: usize) -> bool {
    if !matches!(events[p].0, Event::Start(Tag::Paragraph)) {
        return false;
    }
    let end = block_end(events, p) - 1;
    lines_of(events, p + 1, end)
        .into_iter()
        .any(|line| marker_at_end(events, line).is_some())
}

/// A paragraph with a `#card` marker: the text before the marker (or the blocks before the
/// paragraph) is the front, what follows is the back.
pub fn marker_card(
    events: &[Spanned],
    (ps, pe): (usize, usize),
    lines: &Lines,
    floor: usize,
    line_of: &dyn Fn(usize) -> usize,
) -> Option<Candidate> {
    let (k, (marker, before_on_line, tags)) = lines
        .iter()
        .enumerate()
        .find_map(|(k, &line)| marker_at_end(events, line).map(|m| (k, m)))?;
    let line = lines[k];
    let after_start = lines.get(k + 1).map_or(pe, |l| l.0);
    // The text event holding the marker: the last text of the line that is not blank.
    let t = (line.0..line.1)
        .rev()
        .find(|&i| matches!(&events[i].0, Event::Text(x) if !x.trim().is_empty()))?;
    let Event::Text(text) = &events[t].0 else {
        return None;
    };
    let marker_at = marker_offset(text)?;
    let kept = text[..marker_at].trim_end().to_string();
    let has_before_on_line = !before_on_line.trim().is_empty() || !is_blank(&events[line.0..t]);
    let (cut, rewrite) = if has_before_on_line {
        ((t + 1, after_start), Some((t, kept)))
    } else if k > 0 {
        ((line.0 - 1, after_start), None)
    } else {
        ((ps + 1, after_start), None)
    };
    let before_empty = cut.0 == ps + 1 && rewrite.is_none();
    let front_start = if before_empty {
        // The blocks before the paragraph, back to a heading, a rule, a block with an Anki id
        // or the end of the card before.
        let container = container_start(events, ps).max(floor);
        let mut start = ps;
        for b in blocks_before(events, container, ps) {
            if is_boundary(&events[b].0) || has_anki_id(events, b) {
                break;
            }
            start = b;
        }
        if start == ps {
            return None;
        }
        start
    } else {
        ps
    };
    let back_end = marker_back_end(events, pe + 1, after_start < pe);
    let front_text = if before_empty {
        plain(&events[front_start..ps])
    } else {
        let mut text = plain(&events[ps + 1..cut.0.min(t)]);
        if let Some((_, kept)) = &rewrite {
            text = format!("{text} {kept}").trim().to_string();
        }
        text
    };
    let empty_back =
        is_blank(&events[cut.1..pe]) && is_blank(&events[(pe + 1).min(back_end)..back_end]);
    Some(Candidate {
        syntax: CardSyntax::Marker,
        kind: kind_of(&marker),
        line: line_of(front_start),
        span: (front_start, back_end),
        shape: Shape::Pivot {
            front_start,
            para: (ps, pe),
            cut,
            back_end,
            rewrite,
        },
        front_text,
        clozes: Vec::new(),
        tags,
        anchor: None,
        empty_back,
    })
}

/// The byte offset of the `#card…` marker word in a text (the first word from the end that
/// is a card marker).
fn marker_offset(text: &str) -> Option<usize> {
    let mut starts: Vec<(usize, &str)> = Vec::new();
    let mut word_start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = word_start.take() {
                starts.push((s, &text[s..i]));
            }
        } else if word_start.is_none() {
            word_start = Some(i);
        }
    }
    if let Some(s) = word_start {
        starts.push((s, &text[s..]));
    }
    starts
        .into_iter()
        .rev()
        .find(|(_, w)| super::headings::card_tag(w).is_some())
        .map(|(s, _)| s)
}

/// Where a marker card's back ends: the blocks after its paragraph up to a heading, a rule,
/// the end of the container, or just past a block with an Anki id; only one block when
/// another `#card` paragraph follows before that (it starts the next card).
fn marker_back_end(events: &[Spanned], from: usize, has_after_lines: bool) -> usize {
    let mut end = from;
    let mut next_marker = false;
    let mut i = from;
    while i < events.len() {
        let e = &events[i].0;
        if matches!(e, Event::End(_)) || is_boundary(e) || is_container_close(e) {
            break;
        }
        let next = block_end(events, i);
        if is_marker_paragraph(events, i) {
            next_marker = true;
            break;
        }
        end = next;
        if has_anki_id(events, i) {
            return end;
        }
        i = next;
    }
    if next_marker {
        return if has_after_lines || from >= events.len() || end == from {
            from
        } else {
            block_end(events, from)
        };
    }
    end
}

fn is_container_close(e: &Event<'_>) -> bool {
    matches!(e, Event::Html(h) if h.as_ref() == "</div></div>\n" || h.as_ref() == "</div></details>\n")
}

/// Whether the line before byte `offset` of `body` (which starts a line) has text on it.
fn touches_previous_line(body: &str, offset: usize) -> bool {
    let before = body.get(..offset).unwrap_or("");
    let before = before.strip_suffix('\n').unwrap_or(before);
    let line = before.rsplit('\n').next().unwrap_or("");
    !before.is_empty() && !line.trim().is_empty()
}

/// The start of the line holding byte `offset`.
fn line_start(body: &str, offset: usize) -> usize {
    body.get(..offset)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// A multi-line card: lines before a `?` (or `??`) line are the front, lines after it and
/// the blocks that touch them (no blank line between) the back.
pub fn multiline_card(
    events: &[Spanned],
    (ps, pe): (usize, usize),
    lines: &Lines,
    body: &str,
    line_of: &dyn Fn(usize) -> usize,
) -> Option<Candidate> {
    // A `?` line is one text event (runs of text are merged when parsing).
    let (k, reverse) = lines.iter().enumerate().find_map(|(k, &(a, b))| {
        let (Event::Text(t), _) = events.get(a).filter(|_| b == a + 1)? else {
            return None;
        };
        match t.trim() {
            "?" => Some((k, false)),
            "??" => Some((k, true)),
            _ => None,
        }
    })?;
    let cut = (
        if k == 0 { ps + 1 } else { lines[k].0 - 1 },
        lines.get(k + 1).map_or(pe, |l| l.0),
    );
    let front_start = if k > 0 {
        ps
    } else {
        // The `?` opens the paragraph: the front is the block just above, if it touches.
        let at = line_start(body, events[lines[0].0].1);
        let container = container_start(events, ps);
        let previous = blocks_before(events, container, ps).into_iter().next()?;
        if !touches_previous_line(body, at) || is_boundary(&events[previous].0) {
            return None;
        }
        previous
    };
    let mut back_end = pe + 1;
    while back_end < events.len() {
        let e = &events[back_end].0;
        if matches!(e, Event::End(_)) || is_container_close(e) || is_boundary(e) {
            break;
        }
        let at = line_start(body, events[back_end].1);
        if !touches_previous_line(body, at) {
            break;
        }
        back_end = block_end(events, back_end);
    }
    let empty_back = is_blank(&events[cut.1..pe]) && is_blank(&events[pe + 1..back_end]);
    if empty_back {
        return None;
    }
    let front_text = if k > 0 {
        plain(&events[ps + 1..cut.0])
    } else {
        plain(&events[front_start..ps])
    };
    Some(Candidate {
        syntax: CardSyntax::MultiLine,
        kind: if reverse {
            CardKind::Reverse
        } else {
            CardKind::Basic
        },
        line: line_of(front_start),
        span: (front_start, back_end),
        shape: Shape::Pivot {
            front_start,
            para: (ps, pe),
            cut,
            back_end,
            rewrite: None,
        },
        front_text,
        clozes: Vec::new(),
        tags: Vec::new(),
        anchor: None,
        empty_back,
    })
}

/// `question::answer` (or `a:::b`, both ways) on one line of a paragraph or list item. The
/// separator must be in plain text (not in code, a link or emphasis).
pub fn inline_card(
    events: &[Spanned],
    (a, b): (usize, usize),
    line_of: &dyn Fn(usize) -> usize,
) -> Option<Candidate> {
    let mut depth = 0usize;
    let mut found = None;
    for (i, (e, _)) in events.iter().enumerate().take(b).skip(a) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) if depth == 0 => {
                if let Some(at) = t.find("::") {
                    let len = if t[at..].starts_with(":::") { 3 } else { 2 };
                    found = Some((i, at, len));
                    break;
                }
            }
            _ => {}
        }
    }
    let (sep, at, len) = found?;
    let Event::Text(text) = &events[sep].0 else {
        return None;
    };
    let front_text = format!("{} {}", plain(&events[a..sep]), &text[..at])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let back_blank = text[at + len..].trim().is_empty() && is_blank(&events[sep + 1..b]);
    if front_text.is_empty() && is_blank(&events[a..sep]) || back_blank {
        return None;
    }
    Some(Candidate {
        syntax: CardSyntax::Inline,
        kind: if len == 3 {
            CardKind::Reverse
        } else {
            CardKind::Basic
        },
        line: line_of(sep),
        span: (a, b),
        shape: Shape::Inline {
            line: (a, b),
            sep,
            at: (at, at + len),
        },
        front_text,
        clozes: Vec::new(),
        tags: Vec::new(),
        anchor: None,
        empty_back: false,
    })
}

/// The cloze number of a `<mark class="cloze" data-c="N">` event.
fn cloze_number(html: &str) -> Option<u32> {
    let rest = html.strip_prefix("<mark class=\"cloze\" data-c=\"")?;
    rest.split('"').next()?.parse().ok()
}

/// A paragraph (`start..end` is the whole block) or a list item's text (`inline`) holding
/// clozes: `{{c1::…}}` marks, else `==highlights==`.
pub fn cloze_card(
    events: &[Spanned],
    (start, end): (usize, usize),
    inline: bool,
    line_of: &dyn Fn(usize) -> usize,
) -> Option<Candidate> {
    let range = &events[start..end];
    let mut numbers: Vec<u32> = range
        .iter()
        .filter_map(|(e, _)| match e {
            Event::InlineHtml(h) => cloze_number(h),
            _ => None,
        })
        .collect();
    let (syntax, marks) = if numbers.is_empty() {
        let marks: Vec<usize> = (start..end)
            .filter(|&i| matches!(&events[i].0, Event::InlineHtml(h) if h.as_ref() == "<mark>"))
            .collect();
        if marks.is_empty() {
            return None;
        }
        numbers = (1..=marks.len() as u32).collect();
        (CardSyntax::Highlight, marks)
    } else {
        numbers.sort_unstable();
        numbers.dedup();
        (CardSyntax::Cloze, Vec::new())
    };
    Some(Candidate {
        syntax,
        kind: CardKind::Cloze,
        line: line_of(start),
        span: (start, end),
        shape: Shape::Cloze {
            start,
            end,
            inline,
            marks,
        },
        front_text: plain(range),
        clozes: numbers,
        tags: Vec::new(),
        anchor: None,
        empty_back: false,
    })
}

/// Whether text in these events opens a highlight (`==x`) that is never closed.
pub fn has_open_highlight(events: &[Spanned]) -> bool {
    events.iter().any(|(e, _)| {
        let Event::Text(t) = e else { return false };
        let mut from = 0;
        while let Some(k) = t[from..].find("==") {
            let at = from + k;
            let run = t[at..].bytes().take_while(|b| *b == b'=').count();
            let next = t[at + run..].chars().next();
            if run == 2 && next.is_some_and(|c| !c.is_whitespace()) {
                return true;
            }
            from = at + run;
        }
        false
    })
}
