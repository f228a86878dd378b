//! Inline tags: `#tag` and `#nested/tag` in text become links to the tag's page. Not in code,
//! links, URLs or headings; a tag is `#` after a space (or at the start), then letters, digits,
//! `_`, `-` and `/`, with at least one character that is not a digit. Flashcard markers
//! (`#card`, `#card/reverse`, …) are not tags.

use super::headings::card_tag;
use super::{LineIndex, Spanned, escape_html};
use crate::diagnostics::Diagnostic;
use crate::paths;
use pulldown_cmark::{Event, Tag, TagEnd};

/// The longest tag kept, in characters: each tag is a page, and its name a folder.
pub const MAX_TAG_CHARS: usize = 100;
/// The deepest nesting kept (`a/b/c` is 3): each level is a page of its own.
pub const MAX_TAG_LEVELS: usize = 8;

/// Why a tag (without `#`) is too big to be a page, if it is: ``tag `#aaa…` is 300
/// characters long (at most 100)``.
pub fn too_big(tag: &str) -> Option<String> {
    let chars = tag.chars().count();
    let levels = tag.split('/').filter(|p| !p.is_empty()).count();
    let shown: String = tag.chars().take(40).collect();
    let ellipsis = if chars > 40 { "…" } else { "" };
    let why = if chars > MAX_TAG_CHARS {
        format!("is {chars} characters long (at most {MAX_TAG_CHARS})")
    } else if levels > MAX_TAG_LEVELS {
        format!("is nested {levels} levels deep (at most {MAX_TAG_LEVELS})")
    } else {
        return None;
    };
    Some(format!("tag `#{shown}{ellipsis}` {why}"))
}

/// The site path of a tag's page: `networking/vpc` → `tags/networking/vpc/`.
pub fn tag_path(tag: &str) -> String {
    let mut path = String::from("tags/");
    for part in tag.split('/').filter(|p| !p.is_empty()) {
        path.push_str(&paths::slugify(part));
        path.push('/');
    }
    path
}

/// The length in bytes of the tag that starts at `text[at]` (which is `#`), or 0.
fn tag_len(text: &str, at: usize) -> usize {
    let body: usize = text[at + 1..]
        .char_indices()
        .take_while(|(_, c)| c.is_alphanumeric() || matches!(c, '_' | '-' | '/'))
        .map(|(_, c)| c.len_utf8())
        .sum();
    let tag = text[at + 1..at + 1 + body].trim_end_matches('/');
    if tag.is_empty() || tag.chars().all(|c| c.is_ascii_digit()) {
        return 0;
    }
    1 + tag.len()
}

/// Inline tags found: the tags, and warnings for those too big to be pages (left as text).
#[derive(Debug, Default)]
pub struct Found {
    pub tags: Vec<String>,
    pub warnings: Vec<Diagnostic>,
}

/// Finds inline tags, replacing them with links to their pages.
pub fn link(events: Vec<Spanned>, body: &str, lines: &LineIndex) -> (Vec<Spanned>, Found) {
    if !events
        .iter()
        .any(|(e, _)| matches!(e, Event::Text(t) if t.contains('#')))
    {
        return (events, Found::default());
    }
    let mut out = Vec::with_capacity(events.len());
    let mut found = Found::default();
    let mut skip = 0usize; // inside code, links, images or headings
    for (event, offset) in events {
        match &event {
            Event::Start(
                Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_) | Tag::Heading { .. },
            ) => skip += 1,
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock | TagEnd::Heading(_)) => {
                skip = skip.saturating_sub(1)
            }
            Event::Text(text) if skip == 0 && text.contains('#') => {
                let at = Source {
                    body,
                    lines,
                    offset,
                };
                split_tags(text, &at, &mut out, &mut found);
                continue;
            }
            _ => {}
        }
        out.push((event, offset));
    }
    (out, found)
}

/// Where a text event is in the note, to place warnings.
struct Source<'a> {
    body: &'a str,
    lines: &'a LineIndex,
    offset: usize,
}

impl Source<'_> {
    /// The file line and column of `needle`, searched from the event's offset.
    fn line_col(&self, needle: &str) -> (usize, usize) {
        let from = self.offset.min(self.body.len());
        let at = self
            .body
            .get(from..)
            .and_then(|rest| rest.find(needle))
            .map_or(from, |i| from + i);
        self.lines.line_col(self.body, at)
    }
}

fn split_tags(text: &str, source: &Source<'_>, out: &mut Vec<Spanned>, found: &mut Found) {
    let offset = source.offset;
    let mut last = 0;
    for (at, _) in text.match_indices('#') {
        if at < last {
            continue;
        }
        let starts_word = at == 0
            || text[..at].ends_with(char::is_whitespace)
            || text[..at].ends_with(['(', '[']);
        let len = if starts_word { tag_len(text, at) } else { 0 };
        if len == 0 || card_tag(&text[at..at + len]).is_some() {
            continue;
        }
        let tag = &text[at + 1..at + len];
        if let Some(why) = too_big(tag) {
            let (line, col) = source.line_col(&text[at..at + len]);
            found.warnings.push(Diagnostic::warning(
                "",
                line,
                col,
                format!("{why}: left as text, not made a tag page"),
            ));
            continue;
        }
        if at > last {
            out.push((Event::Text(text[last..at].to_string().into()), offset));
        }
        out.push((
            Event::InlineHtml(
                format!(
                    "<a class=\"tag\" href=\"{}\">#{}</a>",
                    paths::marked(&tag_path(tag)),
                    escape_html(tag)
                )
                .into(),
            ),
            offset,
        ));
        found.tags.push(tag.to_string());
        last = at + len;
    }
    if last < text.len() {
        out.push((Event::Text(text[last..].to_string().into()), offset));
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Highlighter, ParseOptions, parse};
    use super::*;

    fn tags_of(md: &str) -> (Vec<String>, String) {
        let options = ParseOptions::default();
        let parsed = parse(md, 0, &options, &Highlighter::default());
        let keep: Vec<_> = parsed
            .links
            .iter()
            .map(|_| super::super::Resolution::Keep)
            .collect();
        let html = super::super::render(&parsed, &keep);
        let html = crate::paths::Links::from_root("/", false).resolve(&html);
        (parsed.tags.clone(), html)
    }

    #[test]
    fn inline_tags_are_found_and_linked() {
        let (tags, html) = tags_of("Remember #exam-tip and #networking/vpc.\n");
        assert_eq!(tags, ["exam-tip", "networking/vpc"]);
        assert!(
            html.contains("<a class=\"tag\" href=\"/tags/exam-tip/\">#exam-tip</a>"),
            "{html}"
        );
        assert!(
            html.contains("href=\"/tags/networking/vpc/\">#networking/vpc</a>."),
            "{html}"
        );
    }

    #[test]
    fn code_urls_headings_numbers_and_cards_are_not_tags() {
        let (tags, _) = tags_of(
            "`#notatag` C#sharp issue #123 [x](#anchor) https://x.io/#frag\n\n## Heading #intag\n\n### Q #card\n\n```\n#comment\n```\n",
        );
        assert!(tags.is_empty(), "{tags:?}");
    }

    #[test]
    fn tag_paths_are_slugs() {
        assert_eq!(tag_path("Networking/VPC"), "tags/networking/vpc/");
        assert_eq!(tag_path("exam tip"), "tags/exam-tip/");
    }
}
