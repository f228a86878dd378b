//! What one note contributes to the index: its sections (one record per heading, with the text
//! shown in snippets) and, per record, each term with its weight. Worked out from the parsed
//! note alone, so an edit re-extracts just that note.

use super::tokenize::for_each_term_in;
use crate::site::Page;
use pulldown_cmark::{Event, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashMap;

/// Characters of prose kept per section for snippets (and quoted-phrase checks).
pub const TEXT_CHARS: usize = 1000;
/// Characters of code kept per section.
pub const CODE_CHARS: usize = 240;

/// How strongly a record is about a term, 1–7; the highest field wins.
pub mod impact {
    /// The note's title.
    pub const TITLE: u8 = 7;
    /// One of the note's aliases.
    pub const ALIAS: u8 = 6;
    /// The section's heading.
    pub const HEADING: u8 = 5;
    /// One of the note's tags.
    pub const TAG: u8 = 4;
    /// The section's text, three times or more.
    pub const BODY_OFTEN: u8 = 3;
    /// The section's text.
    pub const BODY: u8 = 2;
    /// Only in code, or in the note's folder name.
    pub const CODE: u8 = 1;
}

/// One section of a note as shown in results: `[anchor, level, heading, text, code]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section(
    /// The heading's id (`""` for the top of the page).
    pub String,
    /// Heading level (0 for the top of the page).
    pub u8,
    /// Heading text (the note's title for the top of the page).
    pub String,
    /// Prose, cut to [`TEXT_CHARS`].
    pub String,
    /// Code, cut to [`CODE_CHARS`].
    pub String,
);

/// The part of the index that comes from one note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteEntry {
    /// The note's page, as a site path (`compute/ec2/`).
    pub path: String,
    /// The note's title.
    pub title: String,
    /// Its sections; record `i` of the note is section `i`.
    pub sections: Vec<Section>,
    /// Every distinct term of the note, one after the other (see [`NoteEntry::term`]).
    pub term_text: String,
    /// Where each term ends in `term_text`.
    pub term_ends: Vec<u32>,
    /// Each term's [`term_hash`], so the merge need not hash them again.
    pub term_hashes: Vec<u64>,
    /// Per record: (index into `terms`, impact), each term once, sorted by term index.
    pub records: Vec<Vec<(u32, u8)>>,
    /// Filter terms of the whole note: `#tag` for each tag, `/folder/` for its folder.
    pub filters: Vec<String>,
}

impl NoteEntry {
    /// How many distinct terms the note has.
    pub fn term_count(&self) -> usize {
        self.term_ends.len()
    }

    /// Term `i` of the note.
    pub fn term(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.term_ends[i - 1] as usize
        };
        &self.term_text[start..self.term_ends[i] as usize]
    }
}

/// A tag as a filter term: its key (lower case, nested with `/`), spaces made `-`.
pub fn tag_filter(tag: &str) -> String {
    let key = crate::taxonomy::tags::key(tag);
    let key: String = key
        .chars()
        .map(|c| {
            if c.is_whitespace() || c == ',' {
                '-'
            } else {
                c
            }
        })
        .collect();
    format!("#{key}")
}

/// The hash of a term, as the index's maps key it.
pub fn term_hash(term: &str) -> u64 {
    use std::hash::Hasher;
    let mut hasher = super::FastHasher::default();
    hasher.write(term.as_bytes());
    hasher.finish()
}

/// Hashes of terms are already well mixed: use them as they are.
#[derive(Default)]
pub struct Identity(u64);

impl std::hash::Hasher for Identity {
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys")
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Working memory for [`note_entry_with`], reused from note to note so extracting does not
/// allocate (and free) its tables for every note.
#[derive(Default)]
pub struct Scratch(Builder);

#[derive(Default)]
struct Builder {
    /// Term ids by the hash of the term (probing on past collisions).
    ids: HashMap<u64, u32, std::hash::BuildHasherDefault<Identity>>,
    text: String,
    ends: Vec<u32>,
    hashes: Vec<u64>,
    /// Per record: (term, impact, occurrences).
    records: Vec<Vec<(u32, u8, u32)>>,
    /// Per term: the last record it was seen in, and where in that record's list.
    last: Vec<(usize, usize)>,
    /// The tokenizer's buffer.
    word: String,
}

impl Builder {
    fn term(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    fn id(&mut self, term: &str) -> u32 {
        let hash = term_hash(term);
        let mut h = hash;
        loop {
            match self.ids.get(&h) {
                Some(&id) if self.term(id) == term => return id,
                Some(_) => h = h.wrapping_add(1),
                None => break,
            }
        }
        let id = self.ends.len() as u32;
        self.text.push_str(term);
        self.ends.push(self.text.len() as u32);
        self.hashes.push(hash);
        self.ids.insert(h, id);
        self.last.push((usize::MAX, 0));
        id
    }

    /// Adds the terms of `text` to record `r` at `weight`; body weights count occurrences.
    fn add(&mut self, r: usize, text: &str, weight: u8) {
        let mut word = std::mem::take(&mut self.word);
        for_each_term_in(text, &mut word, |t| {
            let id = self.id(t) as usize;
            let (last_r, pos) = self.last[id];
            let slot = if last_r == r {
                &mut self.records[r][pos]
            } else {
                self.last[id] = (r, self.records[r].len());
                self.records[r].push((id as u32, 0, 0));
                self.records[r].last_mut().expect("just pushed")
            };
            if weight == impact::BODY {
                slot.2 += 1;
                let w = if slot.2 >= 3 {
                    impact::BODY_OFTEN
                } else {
                    impact::BODY
                };
                slot.1 = slot.1.max(w);
            } else {
                slot.1 = slot.1.max(weight);
            }
        });
        self.word = word;
    }
}

/// Whether a note leaves itself out with `search: false`.
pub fn opted_out(page: &Page) -> bool {
    page.note.front.extra.get("search") == Some(&serde_json::Value::Bool(false))
}

/// Stores a section's text and code, cut to size.
fn finish(section: &mut Section, text: &str, code: &str) {
    section.3 = cut(text, TEXT_CHARS);
    section.4 = cut_code(code, CODE_CHARS);
}

fn separate(text: &mut String) {
    if !text.is_empty() && !text.ends_with([' ', '\n']) {
        text.push('\n');
    }
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
    )
}

fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// Text cut to at most `max` characters, at a character boundary, with runs of whitespace
/// folded.
fn cut(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 2));
    let mut count = 0;
    for word in text.split_whitespace() {
        if count > 0 {
            if count + 1 > max {
                break;
            }
            out.push(' ');
            count += 1;
        }
        let chars = if word.is_ascii() {
            word.len()
        } else {
            word.chars().count()
        };
        if count + chars <= max {
            out.push_str(word);
            count += chars;
            continue;
        }
        let end = word
            .char_indices()
            .nth(max - count)
            .map_or(word.len(), |(i, _)| i);
        out.push_str(&word[..end]);
        break;
    }
    out
}

/// Appends to stored text until it is surely longer than it will be cut to.
fn push_capped(text: &mut String, more: &str, max_chars: usize) {
    if text.len() < max_chars * 4 {
        text.push_str(more);
    }
}

/// What a note contributes to the index, read from its parsed events in one pass: headings
/// start sections, prose and inline code are text, code blocks are code; diagrams and raw HTML
/// are skipped (front matter is not in the events at all).
pub fn note_entry(page: &Page) -> NoteEntry {
    note_entry_with(page, &mut Scratch::default())
}

/// [`note_entry`] with working memory kept by the caller (one per thread).
pub fn note_entry_with(page: &Page, scratch: &mut Scratch) -> NoteEntry {
    let parsed = &page.parsed;
    let merged_h1 = parsed.starts_with_h1 && !parsed.headings.is_empty();
    let skip = usize::from(merged_h1);
    let count = 1 + parsed.headings.len() - skip;
    let b = &mut scratch.0;
    b.ids.clear();
    b.text.clear();
    b.ends.clear();
    b.hashes.clear();
    b.last.clear();
    for r in &mut b.records {
        r.clear();
    }
    if b.records.len() < count {
        b.records.resize_with(count, Vec::new);
    }
    let front = &page.note.front;
    b.add(0, &page.title, impact::TITLE);
    for alias in &front.aliases {
        b.add(0, alias, impact::ALIAS);
    }
    let mut tags: Vec<&String> = front.tags.iter().chain(&parsed.tags).collect();
    tags.sort();
    tags.dedup();
    for tag in &tags {
        b.add(0, tag, impact::TAG);
    }
    b.add(0, page.note.id.folder(), impact::CODE);
    if merged_h1 {
        b.add(0, &parsed.headings[0].text, impact::HEADING);
    }
    let mut sections = Vec::with_capacity(count);
    sections.push(Section(
        String::new(),
        0,
        page.title.clone(),
        String::new(),
        String::new(),
    ));
    let (mut text, mut code) = (String::new(), String::new());
    let mut next = skip;
    let mut blocks = parsed.code.iter().peekable();
    let mut in_heading = 0usize;
    let mut r = 0;
    let events = parsed.events.get();
    for (i, event) in events.iter().enumerate() {
        if parsed
            .headings
            .get(next)
            .is_some_and(|h| h.event_index == i)
        {
            let h = &parsed.headings[next];
            finish(&mut sections[r], &text, &code);
            text.clear();
            code.clear();
            next += 1;
            r += 1;
            sections.push(Section(
                h.anchor.clone(),
                h.level,
                h.text.clone(),
                String::new(),
                String::new(),
            ));
            b.add(r, &h.text, impact::HEADING);
        }
        match event {
            Event::Start(Tag::Heading { .. }) => in_heading += 1,
            Event::End(TagEnd::Heading(_)) => in_heading = in_heading.saturating_sub(1),
            _ if in_heading > 0 => {}
            Event::Text(t) | Event::Code(t) => {
                b.add(r, t, impact::BODY);
                push_capped(&mut text, t, TEXT_CHARS);
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Html(_) => {
                while blocks.peek().is_some_and(|c| c.event < i) {
                    blocks.next();
                }
                if let Some(block) = blocks.next_if(|c| c.event == i) {
                    b.add(r, &block.text, impact::CODE);
                    push_capped(&mut code, &block.text, CODE_CHARS);
                    code.push('\n');
                }
            }
            Event::Start(tag) if !is_inline(tag) => separate(&mut text),
            Event::End(tag) if !is_inline_end(tag) => separate(&mut text),
            _ => {}
        }
    }
    finish(&mut sections[r], &text, &code);
    let records = b.records[..count]
        .iter()
        .map(|m| {
            let mut v: Vec<(u32, u8)> = m.iter().map(|&(id, w, _)| (id, w)).collect();
            v.sort_unstable();
            v
        })
        .collect();
    let mut filters: Vec<String> = tags.iter().map(|t| tag_filter(t)).collect();
    filters.push(format!(
        "/{}",
        crate::paths::folder_path(page.note.id.folder())
    ));
    filters.sort();
    filters.dedup();
    NoteEntry {
        path: page.path.clone(),
        title: page.title.clone(),
        sections,
        term_text: b.text.clone(),
        term_ends: b.ends.clone(),
        term_hashes: b.hashes.clone(),
        records,
        filters,
    }
}

/// Code cut to at most `max` characters at a line end when it can be, lines kept.
fn cut_code(code: &str, max: usize) -> String {
    let code = code.trim_end();
    if code.chars().count() <= max {
        return code.to_string();
    }
    let end = code.char_indices().nth(max).map_or(code.len(), |(i, _)| i);
    let head = &code[..end];
    head.rfind('\n').map_or(head, |i| &head[..i]).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{Highlighter, ParseOptions, parse};
    use crate::vault::{FrontMatter, Note, NoteId};

    fn page(id: &str, front: FrontMatter, body: &str) -> Page {
        let parsed = parse(body, 0, &ParseOptions::default(), &Highlighter::default());
        let note = Note {
            id: NoteId::new(id),
            file: id.into(),
            front,
            body: body.into(),
            body_line_offset: 0,
            source_hash: 0,
            modified: None,
            warnings: Vec::new(),
        };
        let mut site = crate::site::assemble(
            crate::config::Config::default(),
            vec![(note, parsed)],
            Default::default(),
            crate::site::TitleRules { from_heading: true },
        )
        .0;
        site.pages.pop_first().expect("one note").1
    }

    fn impact_of(entry: &NoteEntry, record: usize, term: &str) -> Option<u8> {
        let id = (0..entry.term_count()).position(|i| entry.term(i) == term)? as u32;
        entry.records[record]
            .iter()
            .find(|(t, _)| *t == id)
            .map(|(_, w)| *w)
    }

    #[test]
    fn each_heading_is_a_record_with_its_text() {
        let body = "# EC2\n\nIntro about instances.\n\n## Pricing\n\nSpot is cheap.\n\n### Spot\n\nInterruptions happen.\n\n```mermaid\ngraph TD\nHidden-->Node\n```\n\n```bash\naws ec2 describe-spot\n```\n";
        let e = note_entry(&page("compute/ec2.md", FrontMatter::default(), body));
        let heads: Vec<(&str, u8, &str)> = e
            .sections
            .iter()
            .map(|s| (s.0.as_str(), s.1, s.2.as_str()))
            .collect();
        assert_eq!(
            heads,
            [
                ("", 0, "EC2"),
                ("pricing", 2, "Pricing"),
                ("spot", 3, "Spot")
            ]
        );
        assert_eq!(e.sections[0].3, "Intro about instances.");
        assert_eq!(e.sections[2].3, "Interruptions happen.");
        assert_eq!(e.sections[2].4, "aws ec2 describe-spot");
        assert_eq!(impact_of(&e, 0, "ec2"), Some(impact::TITLE));
        assert_eq!(impact_of(&e, 1, "pricing"), Some(impact::HEADING));
        assert_eq!(impact_of(&e, 2, "interruption"), Some(impact::BODY));
        assert_eq!(impact_of(&e, 2, "describe"), Some(impact::CODE));
        assert_eq!(
            impact_of(&e, 2, "hidden"),
            None,
            "diagram sources are not indexed"
        );
        assert_eq!(e.filters, ["/compute/"]);
    }

    #[test]
    fn front_matter_feeds_fields_but_never_the_text() {
        let front = FrontMatter {
            title: Some("Storage Gateway".into()),
            tags: vec!["aws/storage".into()],
            aliases: vec!["SGW".into()],
            ..FrontMatter::default()
        };
        let e = note_entry(&page(
            "sgw.md",
            front,
            "Caches files. Caches, caches! #hybrid\n",
        ));
        assert_eq!(impact_of(&e, 0, "sgw"), Some(impact::ALIAS));
        assert_eq!(impact_of(&e, 0, "storage"), Some(impact::TITLE));
        assert_eq!(impact_of(&e, 0, "aws"), Some(impact::TAG));
        assert_eq!(impact_of(&e, 0, "cache"), Some(impact::BODY_OFTEN));
        assert!(!e.sections[0].3.contains("aws"), "{:?}", e.sections[0]);
        assert_eq!(e.filters, ["#aws/storage", "#hybrid", "/"]);
    }

    #[test]
    fn text_is_cut_at_character_boundaries() {
        assert_eq!(cut("é é é", 3), "é é");
        assert_eq!(cut("  a\n\n b ", 10), "a b");
        assert_eq!(cut_code("line one\nline two\n", 12), "line one");
    }
}
