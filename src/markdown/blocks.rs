//! Obsidian block ids: a block that ends with `^abc-1` gets the id `^abc-1` (the marker itself
//! is not shown), so `[[Note#^abc-1]]` links to it and `![[Note#^abc-1]]` shows only it.
//!
//! As Obsidian writes them: a paragraph or list item ends with ` ^id` (an item's id names the
//! item with its children); a list, quote, callout or table gets its id on a line of its own
//! after it (`^id` as a paragraph of its own, or as the last line of a quote).

use super::Spanned;
use super::escape_html;
use super::headings::block_id;
use super::{obsidian, tables};
use pulldown_cmark::{Event, Tag, TagEnd};
use std::collections::{BTreeMap, BTreeSet};

/// What kind of block an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A paragraph.
    Paragraph,
    /// A list item with its children; `ordered` is its number in an ordered list.
    Item {
        /// The item's number, in an ordered list.
        ordered: Option<u64>,
    },
    /// A whole list.
    List,
    /// A block quote or a callout.
    Quote,
    /// A table.
    Table,
    /// Anything else (a heading, a code block, raw HTML).
    Other,
}

/// A block that carries an id, and where its events are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The id, with its `^`.
    pub id: String,
    /// What kind of block it is.
    pub kind: BlockKind,
    /// The block's first event in the parsed note's events.
    pub start: usize,
    /// One past the block's last event.
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Paragraph,
    Item(Option<u64>),
    List(Option<u64>),
    Quote,
    Callout,
    TableWrap,
    Inline,
    Leaf,
    Other,
}

impl Frame {
    fn kind(self) -> Option<BlockKind> {
        Some(match self {
            Frame::Paragraph => BlockKind::Paragraph,
            Frame::Item(ordered) => BlockKind::Item { ordered },
            Frame::List(_) => BlockKind::List,
            Frame::Quote | Frame::Callout => BlockKind::Quote,
            Frame::TableWrap => BlockKind::Table,
            Frame::Inline => return None,
            Frame::Leaf | Frame::Other => BlockKind::Other,
        })
    }

    /// Whether events inside it are inline content.
    fn is_inline(self) -> bool {
        matches!(self, Frame::Paragraph | Frame::Inline | Frame::Leaf)
    }
}

struct Open {
    frame: Frame,
    start: usize,
    /// Items so far (lists).
    items: u64,
    /// The id it gets (from its first paragraph, or its last line).
    id: Option<String>,
    /// Whether its leading text was checked for an id (items).
    checked: bool,
    /// The last block closed inside it: kind, start, end.
    prev: Option<(BlockKind, usize, usize)>,
}

/// What to change in the events.
#[derive(Default)]
struct Edits {
    drop: BTreeSet<usize>,
    text: BTreeMap<usize, String>,
    /// Anchors to insert before an event.
    anchors: BTreeMap<usize, Vec<String>>,
    /// Blocks found, with input indices.
    blocks: Vec<Block>,
}

impl Edits {
    /// Takes a trailing ` ^id` off the text event `at` (and the line break before it when
    /// nothing else is left).
    fn strip(&mut self, events: &[Spanned], at: usize, rest: &str) {
        let rest = rest.trim_end();
        if rest.is_empty() {
            self.drop.insert(at);
            if at > 0 && matches!(events[at - 1].0, Event::SoftBreak | Event::HardBreak) {
                self.drop.insert(at - 1);
            }
        } else {
            self.text.insert(at, rest.to_string());
        }
    }

    fn record(&mut self, id: String, kind: BlockKind, start: usize, end: usize) {
        let at = match kind {
            BlockKind::Paragraph | BlockKind::Item { .. } => start + 1,
            _ => start,
        };
        self.anchors.entry(at).or_default().push(id.clone());
        self.blocks.push(Block {
            id,
            kind,
            start,
            end,
        });
    }
}

/// A trailing block id of the text event at `at`: the id and the text before it.
fn trailing_id(events: &[Spanned], at: usize) -> Option<(String, String)> {
    let (Event::Text(text), _) = events.get(at)? else {
        return None;
    };
    let trimmed = text.trim_end();
    let (rest, word) = trimmed
        .rsplit_once(char::is_whitespace)
        .unwrap_or(("", trimmed));
    let id = block_id(word)?;
    Some((format!("^{id}"), rest.to_string()))
}

fn frame_of(tag: &Tag<'_>) -> Frame {
    match tag {
        Tag::Paragraph => Frame::Paragraph,
        Tag::Item => Frame::Item(None),
        Tag::List(start) => Frame::List(*start),
        Tag::BlockQuote(_) => Frame::Quote,
        Tag::Heading { .. } | Tag::TableCell | Tag::CodeBlock(_) => Frame::Leaf,
        Tag::Emphasis
        | Tag::Strong
        | Tag::Strikethrough
        | Tag::Superscript
        | Tag::Subscript
        | Tag::Link { .. }
        | Tag::Image { .. } => Frame::Inline,
        _ => Frame::Other,
    }
}

/// Finds the blocks with ids, takes the markers out of the text and puts an anchor at each
/// block. Returns the events, the blocks (with indices into the returned events) and their ids.
pub fn mark(events: Vec<Spanned>) -> (Vec<Spanned>, Vec<Block>, Vec<String>) {
    let edits = find(&events);
    if edits.blocks.is_empty() {
        return (events, Vec::new(), Vec::new());
    }
    apply(events, edits)
}

fn find(events: &[Spanned]) -> Edits {
    let mut edits = Edits::default();
    let mut stack: Vec<Open> = vec![Open {
        frame: Frame::Other,
        start: 0,
        items: 0,
        id: None,
        checked: true,
        prev: None,
    }];
    let open = |frame, start| Open {
        frame,
        start,
        items: 0,
        id: None,
        checked: false,
        prev: None,
    };
    for (i, (event, _)) in events.iter().enumerate() {
        let top = stack.last().map_or(Frame::Other, |o| o.frame);
        // A block starting inside a tight list item ends the item's own text.
        let starts_block = match event {
            Event::Start(tag) => frame_of(tag) != Frame::Inline,
            Event::Html(_) => !top.is_inline(),
            _ => false,
        };
        if starts_block || matches!(event, Event::End(TagEnd::Item)) {
            item_text_id(events, i, &mut stack, &mut edits);
        }
        match event {
            Event::Start(tag) => {
                let mut frame = frame_of(tag);
                if frame == Frame::Item(None)
                    && let Some(list) = stack.last_mut()
                {
                    if let Frame::List(Some(first)) = list.frame {
                        frame = Frame::Item(Some(first + list.items));
                    }
                    list.items += 1;
                }
                stack.push(open(frame, i));
            }
            Event::End(end) => {
                if matches!(end, TagEnd::Paragraph) {
                    paragraph_id(events, i, &mut stack, &mut edits);
                }
                close(&mut stack, i, &mut edits);
            }
            Event::Html(html) if !top.is_inline() => {
                if obsidian::is_callout_open(html) {
                    stack.push(open(Frame::Callout, i));
                } else if obsidian::is_callout_close(html) && top == Frame::Callout {
                    close(&mut stack, i, &mut edits);
                } else if obsidian::is_callout_title_end(html) {
                    // The title ends; the callout's content follows.
                } else if tables::is_open(html) {
                    stack.push(open(Frame::TableWrap, i));
                } else if html.as_ref() == tables::CLOSE && top == Frame::TableWrap {
                    close(&mut stack, i, &mut edits);
                } else if let Some(parent) = stack.last_mut() {
                    // Raw HTML, code, diagrams: a run of HTML is one block.
                    parent.prev = match parent.prev {
                        Some((BlockKind::Other, start, end)) if end == i => {
                            Some((BlockKind::Other, start, i + 1))
                        }
                        _ => Some((BlockKind::Other, i, i + 1)),
                    };
                }
            }
            _ => {}
        }
    }
    edits
}

/// Closes the innermost open block at event `end`, recording it if it has an id.
fn close(stack: &mut Vec<Open>, end: usize, edits: &mut Edits) {
    if stack.len() <= 1 {
        return;
    }
    let Some(block) = stack.pop() else { return };
    let Some(kind) = block.frame.kind() else {
        return;
    };
    if let Some(id) = block.id {
        edits.record(id, kind, block.start, end + 1);
    }
    if let Some(parent) = stack.last_mut() {
        parent.prev = Some((kind, block.start, end + 1));
    }
}

/// A tight list item's own text (before its first child block) may end with its id.
fn item_text_id(events: &[Spanned], at: usize, stack: &mut [Open], edits: &mut Edits) {
    let Some(item) = stack.last_mut() else { return };
    if !matches!(item.frame, Frame::Item(_)) || item.checked {
        return;
    }
    item.checked = true;
    if at <= item.start + 1 {
        return;
    }
    if let Some((id, rest)) = trailing_id(events, at - 1) {
        edits.strip(events, at - 1, &rest);
        item.id.get_or_insert(id);
    }
}

/// At the end of a paragraph (event `end`): which block its trailing id names.
fn paragraph_id(events: &[Spanned], end: usize, stack: &mut [Open], edits: &mut Edits) {
    let n = stack.len();
    if n < 2 || end == 0 {
        return;
    }
    let start = stack[n - 1].start;
    let Some((id, rest)) = trailing_id(events, end - 1) else {
        return;
    };
    let alone = rest.trim().is_empty();
    let lone_paragraph = alone && end - 1 == start + 1;
    let last_line = alone
        && end - 1 > start + 1
        && matches!(events[end - 2].0, Event::SoftBreak | Event::HardBreak);
    let parent = &mut stack[n - 2];
    if lone_paragraph && let Some((kind, s, e)) = parent.prev {
        // `^id` on a line of its own after a list, quote, callout or table.
        for i in start..=end {
            edits.drop.insert(i);
        }
        // The paragraph leaves no trace, so the block before it stays its parent's last.
        stack[n - 1].frame = Frame::Inline;
        edits.record(id, kind, s, e);
        return;
    }
    let closes_parent = match events.get(end + 1).map(|(e, _)| e) {
        Some(Event::End(TagEnd::BlockQuote(_))) => parent.frame == Frame::Quote,
        Some(Event::Html(h)) => obsidian::is_callout_close(h) && parent.frame == Frame::Callout,
        _ => false,
    };
    let first_in_item = matches!(parent.frame, Frame::Item(_)) && start == parent.start + 1;
    if last_line && closes_parent && parent.id.is_none() {
        // The last line of a quote or callout (often a lazy continuation line).
        edits.strip(events, end - 1, &rest);
        parent.id = Some(id);
    } else if first_in_item && parent.id.is_none() {
        edits.strip(events, end - 1, &rest);
        parent.id = Some(id);
    } else if stack[n - 1].id.is_none() {
        edits.strip(events, end - 1, &rest);
        stack[n - 1].id = Some(id);
    }
}

fn apply(events: Vec<Spanned>, edits: Edits) -> (Vec<Spanned>, Vec<Block>, Vec<String>) {
    let n = events.len();
    let mut out: Vec<Spanned> = Vec::with_capacity(n + edits.anchors.len());
    // For each input index: where the output stood before its anchors, and where it goes.
    let mut before = vec![0; n + 1];
    let mut at = vec![0; n + 1];
    for (i, (event, offset)) in events.into_iter().enumerate() {
        before[i] = out.len();
        for id in edits.anchors.get(&i).into_iter().flatten() {
            let html = format!(
                "<span class=\"block-id\" id=\"{}\"></span>",
                escape_html(id)
            );
            out.push((Event::InlineHtml(html.into()), offset));
        }
        at[i] = out.len();
        if edits.drop.contains(&i) {
            continue;
        }
        match edits.text.get(&i) {
            Some(text) => out.push((Event::Text(text.clone().into()), offset)),
            None => out.push((event, offset)),
        }
    }
    before[n] = out.len();
    at[n] = out.len();
    let mut blocks: Vec<Block> = edits
        .blocks
        .into_iter()
        .map(|b| Block {
            start: at[b.start],
            end: before[b.end].max(at[b.start]),
            ..b
        })
        .collect();
    blocks.sort_by_key(|b| b.start);
    let ids = blocks.iter().map(|b| b.id.clone()).collect();
    (out, blocks, ids)
}

/// Moves the blocks' ranges after the events moved (`map`: old index → new, `usize::MAX`
/// for a dropped event); a block whose events were dropped goes.
pub fn follow(blocks: &mut Vec<Block>, map: &[usize]) {
    blocks.retain_mut(|b| {
        let (Some(&start), Some(&last)) = (map.get(b.start), map.get(b.end.saturating_sub(1)))
        else {
            return false;
        };
        if start == usize::MAX || last == usize::MAX || b.end <= b.start {
            return false;
        }
        b.start = start;
        b.end = last + 1;
        true
    });
    blocks.sort_by_key(|b| b.start);
}

#[cfg(test)]
mod tests {
    use super::super::tests::html_of;
    use super::super::{Highlighter, ParseOptions, parse, render_block};
    use super::*;

    fn blocks(md: &str) -> (Vec<Block>, Vec<String>) {
        let parsed = parse(md, 0, &ParseOptions::default(), &Highlighter::default());
        let keep: Vec<_> = parsed
            .links
            .iter()
            .map(|_| super::super::Resolution::Keep)
            .collect();
        let html = (0..parsed.blocks.len())
            .map(|i| render_block(&parsed, i, &keep, "", 1))
            .collect();
        (parsed.blocks, html)
    }

    #[test]
    fn block_ids_become_anchors_and_disappear_from_text() {
        let html =
            html_of("Spread groups allow seven instances per AZ. ^pg-limits\n\n- item ^i1\n");
        assert!(html.contains("<p><span class=\"block-id\" id=\"^pg-limits\"></span>Spread groups allow seven instances per AZ.</p>"), "{html}");
        assert!(
            html.contains("<li><span class=\"block-id\" id=\"^i1\"></span>item</li>"),
            "{html}"
        );
        assert!(!html.contains("^pg-limits<"), "{html}");
    }

    #[test]
    fn a_block_ending_in_multibyte_white_space_is_kept_as_written() {
        for space in ['\u{00A0}', '\u{2028}', '\u{2029}', '\u{3000}', '\u{2003}'] {
            let html = html_of(&format!(
                "Limit is 10{space}GB\n\n- item{space}^i{space}x\n"
            ));
            assert!(html.contains(&format!("Limit is 10{space}GB")), "{html}");
            let html = html_of(&format!("Seven per AZ.{space}^pg\n"));
            assert!(html.contains("id=\"^pg\""), "{space:?}: {html}");
        }
    }

    #[test]
    fn a_caret_word_in_the_middle_stays() {
        let html = html_of("x ^a y\n");
        assert!(html.contains("x ^a y"), "{html}");
    }

    #[test]
    fn an_item_with_children_carries_its_id_and_keeps_them() {
        let (b, html) = blocks("- parent ^up\n  - child one\n  - child two\n- plain ^p\n");
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].id, "^up");
        assert_eq!(
            html[0],
            "<ul>\n<li>parent\n<ul>\n<li>child one</li>\n<li>child two</li>\n</ul>\n</li>\n</ul>\n"
        );
        assert_eq!(html[1], "<ul>\n<li>plain</li>\n</ul>\n");
        let (b, html) = blocks("3. three\n4. four ^four\n");
        assert_eq!(b[0].kind, BlockKind::Item { ordered: Some(4) });
        assert!(html[0].starts_with("<ol start=\"4\">"), "{}", html[0]);
    }

    #[test]
    fn an_id_on_its_own_line_names_the_list_quote_or_table_before_it() {
        let (b, html) = blocks(
            "- a\n- b\n\n^list\n\n> said\n^quote\n\n| x |\n| - |\n| 1 |\n\n^table\n\nAfter.\n",
        );
        let ids: Vec<_> = b.iter().map(|b| (b.id.as_str(), b.kind)).collect();
        assert_eq!(
            ids,
            [
                ("^list", BlockKind::List),
                ("^quote", BlockKind::Quote),
                ("^table", BlockKind::Table)
            ]
        );
        assert_eq!(html[0], "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
        assert_eq!(html[1], "<blockquote>\n<p>said</p>\n</blockquote>\n");
        assert!(html[2].contains("<td>1</td>") && !html[2].contains("After"));
        let page = html_of("- a\n- b\n\n^list\n\n> said\n^quote\n");
        assert_eq!(page.matches("^list").count(), 1, "only the id: {page}");
        assert_eq!(page.matches("^quote").count(), 1, "only the id: {page}");
        assert!(
            page.contains("id=\"^list\"></span>\n<ul>")
                || page.contains("id=\"^list\"></span><ul>"),
            "{page}"
        );
    }

    #[test]
    fn a_callouts_id_after_its_last_line_names_the_callout() {
        let (b, html) = blocks("> [!tip] Title\n> Body.\n^tip\n\nNext.\n");
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].kind, BlockKind::Quote);
        assert!(html[0].starts_with("<div class=\"callout"), "{}", html[0]);
        assert!(html[0].contains("<p>Body.</p>"), "{}", html[0]);
        assert!(html[0].trim_end().ends_with("</div></div>"), "{}", html[0]);
    }
}
