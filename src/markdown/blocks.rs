//! Obsidian block ids: a paragraph or list item that ends with `^abc-1` gets the id `^abc-1`
//! (the marker itself is not shown), so `[[Note#^abc-1]]` can link to it.

use super::Spanned;
use super::escape_html;
use super::headings::block_id;
use pulldown_cmark::{Event, Tag, TagEnd};

/// Strips block-id markers and puts an anchor at the start of their block. Returns the ids
/// (with their `^`).
pub fn mark(events: Vec<Spanned>) -> (Vec<Spanned>, Vec<String>) {
    let mut out: Vec<Spanned> = Vec::with_capacity(events.len());
    let mut ids = Vec::new();
    let mut block_starts: Vec<usize> = Vec::new();
    for (event, offset) in events {
        match &event {
            Event::Start(Tag::Paragraph | Tag::Item) => {
                block_starts.push(out.len() + 1);
                out.push((event, offset));
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                let start = block_starts.pop().unwrap_or(out.len());
                if let Some(id) = strip_trailing_id(&mut out) {
                    let anchor = format!("^{id}");
                    let html = format!(
                        "<span class=\"block-id\" id=\"{}\"></span>",
                        escape_html(&anchor)
                    );
                    out.insert(
                        start.min(out.len()),
                        (Event::InlineHtml(html.into()), offset),
                    );
                    ids.push(anchor);
                }
                out.push((event, offset));
            }
            _ => out.push((event, offset)),
        }
    }
    (out, ids)
}

/// Removes a ` ^id` at the end of the last text event, returning the id.
fn strip_trailing_id(out: &mut [Spanned]) -> Option<String> {
    let (Event::Text(text), _) = out.last_mut()? else {
        return None;
    };
    let trimmed = text.trim_end();
    let (rest, word) = trimmed
        .rsplit_once(char::is_whitespace)
        .unwrap_or(("", trimmed));
    let id = block_id(word)?.to_string();
    *text = rest.trim_end().to_string().into();
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::super::tests::html_of;

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
}
