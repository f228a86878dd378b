//! Raw HTML in notes: the ids it defines (`<a id="x">`) and the in-page links it makes
//! (`<a href="#x">`), so hand-written tables of contents can be checked.

use super::{LineIndex, Spanned};
use pulldown_cmark::Event;

/// The values of `attr="…"` (or `'…'`) attributes in a piece of HTML, with their byte offsets.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<(usize, &'a str)> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find(attr) {
        let at = from + i;
        from = at + attr.len();
        let before_ok = at > 0 && lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = &html[from..];
        let trimmed = rest.trim_start();
        let Some(after_eq) = trimmed.strip_prefix('=') else {
            continue;
        };
        let value_part = after_eq.trim_start();
        let Some(quote) = value_part
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
        else {
            continue;
        };
        let start = html.len() - value_part.len() + 1;
        let Some(len) = html[start..].find(quote) else {
            continue;
        };
        if before_ok {
            found.push((start, &html[start..start + len]));
        }
    }
    found
}

/// Ids defined by raw HTML (`id` and `name` attributes).
pub fn ids(events: &[Spanned]) -> Vec<String> {
    let mut ids = Vec::new();
    for (event, _) in events {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            for attr in ["id", "name"] {
                // Footnotes' ids are ours (their prefix comes later), not the note's HTML.
                ids.extend(
                    attribute_values(html, attr)
                        .into_iter()
                        .filter(|(_, v)| !v.contains(super::footnotes::MARK))
                        .map(|(_, v)| v.to_string()),
                );
            }
        }
    }
    ids
}

/// In-page links written in raw HTML (`href="#x"`), as (fragment, line, column).
pub fn anchor_links(
    events: &[Spanned],
    body: &str,
    lines: &LineIndex,
) -> Vec<(String, usize, usize)> {
    let mut links = Vec::new();
    for (event, offset) in events {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            for (at, value) in attribute_values(html, "href") {
                if let Some(fragment) = value
                    .strip_prefix('#')
                    .filter(|f| !f.is_empty() && !f.contains(super::footnotes::MARK))
                {
                    // Raw HTML events are the note's own text, so the offset adds up.
                    let (line, col) = lines.line_col(body, offset + at);
                    links.push((crate::paths::decode_path(fragment), line, col));
                }
            }
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_are_found_with_either_quote() {
        let html = r##"<a href="#one">1</a> <A HREF='#two'>2</A> <a data-href="#no">x</a>"##;
        let values: Vec<&str> = attribute_values(html, "href")
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(values, ["#one", "#two"]);
    }

    #[test]
    fn ids_and_anchor_links_come_from_raw_html() {
        let body = "Intro\n\n1. <a href=\"#ec2\">EC2</a>\n\n<a id=\"custom\"></a>\n";
        let parsed = super::super::parse(body, 2, &Default::default(), &Default::default());
        assert_eq!(parsed.html_ids, ["custom"]);
        assert_eq!(parsed.html_anchor_links, [("ec2".to_string(), 5, 13)]);
    }
}
