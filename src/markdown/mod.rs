//! Markdown: one note's body becomes events (pulldown-cmark) that small passes rewrite.
//!
//! `parse` runs everything that depends on the note alone (heading anchors, flashcard markers,
//! code highlighting, link collection); its result is kept per note. `render` runs later, once
//! the whole vault is known, with every link of the note already resolved by the link stage.

pub mod anchors;
mod autolink;
mod blocks;
pub mod card_apply;
mod card_blocks;
mod card_syntax;
pub mod cards;
mod cloze;
mod code;
mod code_cache;
mod code_classes;
mod code_html;
mod code_memo;
pub mod embedded;
mod events;
mod footnotes;
mod headings;
mod html;
mod links;
mod math;
pub use math::preamble_macros;
mod obsidian;
mod render;
mod tables;
pub mod tags;
mod tasks;

pub use blocks::{Block, BlockKind};
pub use code::{CodeText, DiagramBlock, HIGHLIGHTED_CODE, HighlightStats, Highlighter};
pub use code_classes::{ClassSet, TokenClass};
pub use events::Events;
pub use footnotes::Footnotes;
pub use headings::Heading;
pub use links::{LinkKind, LinkRef, Resolution, wiki_display};
pub use render::{
    block_events, excerpt_events, footnote_links, links_in, render, render_block, render_embedded,
    render_excerpt, render_part, render_section, render_without_heading, section_events,
};
pub use tags::tag_path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// An event and the byte offset in the body where it came from.
type Spanned = (Event<'static>, usize);

/// What parsing one note produced.
#[derive(Debug, Clone, Default)]
pub struct ParsedNote {
    /// The note's events, ready for link rewriting and HTML output.
    pub events: Events,
    /// Headings in order, with their anchors.
    pub headings: Vec<Heading>,
    /// Links and images in the order their events appear.
    pub links: Vec<LinkRef>,
    /// Whether the body opens with a level-1 heading (the page then needs no separate title).
    pub starts_with_h1: bool,
    /// Whether any code block was highlighted (its page needs the code stylesheet).
    pub has_code: bool,
    /// Whether a diagram is left to mermaid.js in the browser (set by the diagram stage).
    pub browser_diagrams: bool,
    /// Whether any formula (`$…$`, `$$…$$`) was found: the page then loads the math stylesheet.
    pub has_math: bool,
    /// Words of prose, for reading time.
    pub word_count: usize,
    /// Ids defined by raw HTML (`<a id="x">`).
    pub html_ids: Vec<String>,
    /// In-page links in raw HTML (`<a href="#x">`): fragment, line, column.
    pub html_anchor_links: Vec<(String, usize, usize)>,
    /// Block ids (`^abc`), with their `^`, in order.
    pub block_ids: Vec<String>,
    /// The blocks that carry those ids, and where their events are.
    pub blocks: Vec<Block>,
    /// Footnotes: their definitions follow the body in `events`.
    pub footnotes: Footnotes,
    /// Inline `#tags`, as written (without `#`), in order.
    pub tags: Vec<String>,
    /// Mermaid blocks, in order, for the diagram stage.
    pub diagrams: Vec<DiagramBlock>,
    /// The code of every other code block, in order, for the search index.
    pub code: Vec<CodeText>,
    /// Problems found in the note itself (its formulas, text encoding and diagrams), with file
    /// positions. [`parse`] leaves their file empty; [`parse_note`] fills it in.
    pub diagnostics: Vec<crate::diagnostics::Diagnostic>,
    /// Flashcard candidates and deck tags, until the cards stage chooses the cards.
    pub card_scan: cards::CardScan,
    /// The note's flashcards, once chosen and marked up (`cards::prepare`).
    pub cards: Vec<card_apply::NoteCard>,
}

impl ParsedNote {
    /// Where the body's events end (the footnotes' definitions follow).
    pub fn body_end(&self) -> usize {
        self.footnotes.start.min(self.events.len())
    }

    /// The text of the first level-1 heading, the fallback title.
    pub fn first_h1(&self) -> Option<&str> {
        self.headings
            .iter()
            .find(|h| h.level == 1)
            .map(|h| h.text.as_str())
    }
}

/// Settings for parsing that come from the site configuration.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Typographic quotes and dashes.
    pub smart_punctuation: bool,
    /// Highlight fenced code with syntect.
    pub highlight_code: bool,
    /// TeX macros every formula knows (the site's math preamble); a note's own win.
    pub math_macros: std::sync::Arc<Vec<(String, String)>>,
}

/// Maps byte offsets in a note's body to 1-based lines and columns of its file.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    line_offset: usize,
}

impl LineIndex {
    /// Indexes `body`, whose first line is line `line_offset + 1` of the file.
    pub fn new(body: &str, line_offset: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(body.match_indices('\n').map(|(i, _)| i + 1));
        Self {
            starts,
            line_offset,
        }
    }

    /// The file line and column (in characters) of a byte offset in the body.
    pub fn line_col(&self, body: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let end = offset.min(body.len());
        let col = body
            .get(start..end)
            .map_or(end.saturating_sub(start), |s| s.chars().count());
        (line + self.line_offset, col + 1)
    }
}

fn options(parse: &ParseOptions) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_MATH;
    if parse.smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    options
}

/// Parses a note's body. `line_offset` is the number of front matter lines before it.
pub fn parse(
    body: &str,
    line_offset: usize,
    options_: &ParseOptions,
    highlighter: &Highlighter,
) -> ParsedNote {
    let uncommented = obsidian::strip_comments(body);
    // Comments are blanked in place, so offsets in the stripped text are offsets in the file.
    let body = uncommented.as_deref().unwrap_or(body);
    let lines = LineIndex::new(body, line_offset);
    let events = collect(body, options(options_));
    let starts_with_h1 = matches!(
        events.first(),
        Some((
            Event::Start(Tag::Heading {
                level: pulldown_cmark::HeadingLevel::H1,
                ..
            }),
            _
        ))
    );
    let (events, headings) = headings::anchor(events, body, &lines);
    let word_count = count_words(&events);
    let (events, blocks) = code::render_blocks(events, options_.highlight_code, highlighter);
    let (mut diagrams, mut code, has_code) = (blocks.diagrams, blocks.code, blocks.highlighted);
    let (events, math) = math::render(events, body, &lines, &options_.math_macros);
    let events = obsidian::highlights(events);
    let events = tables::wrap(events);
    let events = tasks::label(events);
    let events = autolink::citations(events);
    let events = autolink::autolink_bare_urls(events);
    let (events, found_tags) = tags::link(events, body, &lines);
    // After the inline passes, so a callout's title keeps their work.
    let events = obsidian::callouts(events);
    let events = footnotes::inline(events);
    let (events, cloze_problems) = cloze::transform(events);
    let (events, mut blocks, block_ids) = blocks::mark(events);
    let mut headings = headings;
    headings::locate(&mut headings, &events);
    let (events, footnotes, moved) = footnotes::arrange(events);
    if let Some(map) = moved {
        blocks::follow(&mut blocks, &map);
        // A heading inside a footnote's definition moves with it to the end: headings stay
        // in the order of their events (found by fuzzing).
        for h in &mut headings {
            if let Some(&at) = map.get(h.event_index).filter(|&&at| at != usize::MAX) {
                h.event_index = at;
            }
        }
        headings.sort_by_key(|h| h.event_index);
    }
    // Last of the passes that move events: card spans are event indices.
    // Only the body: a last card's back ends before the footnotes, which follow the body.
    let body_events = &events[..footnotes.start.min(events.len())];
    let card_scan = cards::find(body_events, &headings, body, &lines, cloze_problems);
    let links = links::collect(&events, body, &lines);
    let html_ids = html::ids(&events);
    let html_anchor_links = html::anchor_links(&events, body, &lines);
    locate_diagrams(&mut diagrams, &events, body, &lines);
    locate_code(&mut code, &events);
    ParsedNote {
        events: events
            .into_iter()
            .map(|(e, _)| e)
            .collect::<Vec<_>>()
            .into(),
        headings,
        links,
        starts_with_h1,
        has_code,
        browser_diagrams: false,
        has_math: math.has_math,
        word_count,
        html_ids,
        html_anchor_links,
        block_ids,
        blocks,
        footnotes,
        tags: found_tags.tags,
        diagrams,
        code,
        diagnostics: math
            .warnings
            .into_iter()
            .chain(found_tags.warnings)
            .collect(),
        card_scan,
        cards: Vec::new(),
    }
}

/// Parses a note read from the vault: [`parse`], with every diagnostic naming the note's file,
/// and the text-encoding warnings found when it was read.
pub fn parse_note(
    note: &crate::vault::Note,
    options: &ParseOptions,
    highlighter: &Highlighter,
) -> ParsedNote {
    let mut parsed = parse(&note.body, note.body_line_offset, options, highlighter);
    for d in &mut parsed.diagnostics {
        d.file.clone_from(&note.file);
    }
    parsed.diagnostics.extend(note.warnings.iter().cloned());
    parsed
}

/// Fills in each code block's final event index (like [`locate_diagrams`]).
fn locate_code(code: &mut [CodeText], events: &[Spanned]) {
    let mut from = 0;
    for block in code {
        if let Some(i) = events[from..]
            .iter()
            .position(|(e, o)| *o == block.offset && matches!(e, Event::Html(_)))
        {
            block.event = from + i;
            from += i + 1;
        }
    }
}

/// Fills in each diagram's file line and final event index (passes after the code pass may
/// have inserted events before it).
fn locate_diagrams(
    diagrams: &mut [DiagramBlock],
    events: &[Spanned],
    body: &str,
    lines: &LineIndex,
) {
    let mut from = 0;
    for diagram in diagrams {
        diagram.line = lines.line_col(body, diagram.offset).0;
        let is_it = |(e, o): &Spanned| *o == diagram.offset && matches!(e, Event::Html(_));
        // In order, except for a diagram in a footnote, which moved to the end.
        if let Some(i) = events[from..].iter().position(is_it) {
            diagram.event = from + i;
            from += i + 1;
        } else if let Some(i) = events.iter().position(is_it) {
            diagram.event = i;
        }
    }
}

/// Runs pulldown-cmark and merges runs of text, so later passes see one text event per run.
fn collect(body: &str, options: Options) -> Vec<Spanned> {
    let mut out: Vec<Spanned> = Vec::new();
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        if let (Event::Text(text), Some((Event::Text(prev), _))) = (&event, out.last_mut()) {
            let mut merged = prev.to_string();
            merged.push_str(text);
            *prev = merged.into();
            continue;
        }
        out.push((event.into_static(), range.start));
    }
    out
}

fn count_words(events: &[Spanned]) -> usize {
    let mut in_code = false;
    let mut words = 0;
    for (event, _) in events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if !in_code => words += t.split_whitespace().count(),
            _ => {}
        }
    }
    words
}

impl ParsedNote {
    /// The level-1 heading that a page titled `title` shows as its title: the first one, when
    /// its text is the title.
    pub fn title_heading(&self, title: &str) -> Option<usize> {
        let i = self.headings.iter().position(|h| h.level == 1)?;
        (self.headings[i].text == title).then_some(i)
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn html_of(markdown: &str) -> String {
        let parsed = parse(
            markdown,
            0,
            &ParseOptions::default(),
            &Highlighter::default(),
        );
        let keep: Vec<Resolution> = parsed.links.iter().map(|_| Resolution::Keep).collect();
        render(&parsed, &keep)
    }

    #[test]
    fn line_index_maps_offsets_to_file_lines() {
        let body = "ab\ncd\n";
        let idx = LineIndex::new(body, 3);
        assert_eq!(idx.line_col(body, 0), (4, 1));
        assert_eq!(idx.line_col(body, 4), (5, 2));
    }

    #[test]
    fn tables_nested_in_list_items_are_tables() {
        let md = "* Intro line:\n\n    | A | B |\n    | - | - |\n    | 1 | 2 |\n* next\n";
        let html = html_of(md);
        assert!(html.contains("<li>"), "{html}");
        assert!(html.contains("<td>1</td>"), "{html}");
    }

    #[test]
    fn gfm_extras_render() {
        let html = html_of("~~old~~ and a note[^1]\n\n- [x] done\n\n[^1]: the note\n");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("type=\"checkbox\""), "{html}");
        assert!(html.contains("<section class=\"footnotes\""), "{html}");
    }

    #[test]
    fn raw_html_passes_through() {
        let html = html_of("<a href=\"#x\">X</a>\n\n<kbd>Ctrl</kbd> key\n");
        assert!(html.contains("<a href=\"#x\">X</a>"), "{html}");
        assert!(html.contains("<kbd>Ctrl</kbd>"), "{html}");
    }

    #[test]
    fn words_are_counted_outside_code() {
        let p = parse(
            "One two three.\n\n```\nnot counted\n```\n",
            0,
            &ParseOptions::default(),
            &Highlighter::default(),
        );
        assert_eq!(p.word_count, 3);
        assert!(!p.has_code, "plain code needs no code stylesheet");
    }

    #[test]
    fn only_highlighted_code_needs_the_code_stylesheet() {
        let options = ParseOptions {
            highlight_code: true,
            ..ParseOptions::default()
        };
        let has_code = |md: &str| parse(md, 0, &options, &Highlighter::default()).has_code;
        assert!(has_code("```rust\nfn a() {}\n```\n"));
        assert!(!has_code("```\nplain\n```\n"));
        assert!(!has_code("```nosuchlang\nx\n```\n"));
        assert!(!has_code("```mermaid\ngraph TD\nA-->B\n```\n"));
        assert!(!has_code("    indented\n"));
    }
}
