//! A note's description for feeds and link previews: its `description`, else the text of its
//! first paragraph of prose, cut at a word near [`MAX_CHARS`].

use crate::site::Page;
use pulldown_cmark::{Event, Tag, TagEnd};

/// About how long a description from the first paragraph may be, in characters.
pub const MAX_CHARS: usize = 200;

/// The note's `description`, else its first paragraph's text (`None` when it has neither).
pub fn description(page: &Page) -> Option<String> {
    if let Some(d) = page.note.front.description.as_deref().map(str::trim)
        && !d.is_empty()
    {
        return Some(d.to_string());
    }
    first_paragraph(&page.parsed.events.get())
}

/// The text of the first paragraph at the top level of a note (not in a list, quote, callout
/// or table) that has any, in one line, cut to about [`MAX_CHARS`].
pub fn first_paragraph(events: &[Event<'_>]) -> Option<String> {
    let mut depth = 0usize;
    let mut text: Option<String> = None;
    for event in events {
        match event {
            Event::Start(Tag::Paragraph) if depth == 0 => text = Some(String::new()),
            Event::End(TagEnd::Paragraph) if depth == 0 => {
                let found = text.take().map(|t| tidy(&t)).unwrap_or_default();
                if !found.is_empty() {
                    return Some(cut(&found));
                }
            }
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Table(_))
            | Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Table)
            | Event::End(TagEnd::FootnoteDefinition) => depth = depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => {
                if let Some(text) = text.as_mut() {
                    text.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(text) = text.as_mut() {
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
    None
}

/// Runs of whitespace folded to one space.
fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` cut at the last space before [`MAX_CHARS`] characters, with `…`.
fn cut(text: &str) -> String {
    let Some((end, _)) = text.char_indices().nth(MAX_CHARS) else {
        return text.to_string();
    };
    let head = &text[..end];
    let head = head.rfind(' ').map_or(head, |i| &head[..i]);
    format!("{}…", head.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn first(md: &str) -> Option<String> {
        let events: Vec<Event> = Parser::new(md).collect();
        first_paragraph(&events)
    }

    #[test]
    fn the_first_paragraph_of_prose_is_the_description() {
        assert_eq!(
            first("# Title\n\n> quoted\n\n- a list\n\nThe *first* `real`\nparagraph.\n\nNot this.")
                .as_deref(),
            Some("The first real paragraph.")
        );
        assert_eq!(first("# Only a heading\n"), None);
    }

    #[test]
    fn a_long_paragraph_is_cut_at_a_word() {
        let long = "word\u{a0}word ".repeat(60);
        let cut = first(&long).unwrap();
        assert!(cut.ends_with('…'), "{cut}");
        assert!(cut.chars().count() <= MAX_CHARS + 1);
        assert!(!cut.contains("  "));
    }
}
