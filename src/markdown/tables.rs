//! Tables: each one is wrapped in a scrolling box so a wide table scrolls sideways instead of
//! breaking the page layout.

use super::Spanned;
use pulldown_cmark::{Event, Tag, TagEnd};

/// The HTML that opens a table's scrolling box.
pub const OPEN: &str = "<div class=\"table-wrap\">";

/// The HTML that closes it.
pub const CLOSE: &str = "</div>\n";

/// Wraps every `<table>` in `<div class="table-wrap">`.
pub fn wrap(events: Vec<Spanned>) -> Vec<Spanned> {
    let mut out = Vec::with_capacity(events.len() + 4);
    for (event, offset) in events {
        match event {
            Event::Start(Tag::Table(_)) => {
                out.push((Event::Html(OPEN.into()), offset));
                out.push((event, offset));
            }
            Event::End(TagEnd::Table) => {
                out.push((event, offset));
                out.push((Event::Html(CLOSE.into()), offset));
            }
            _ => out.push((event, offset)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::html_of;

    #[test]
    fn tables_are_wrapped_for_scrolling() {
        let html = html_of("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(
            html.starts_with("<div class=\"table-wrap\"><table>"),
            "{html}"
        );
        assert!(
            html.trim_end().ends_with("</table>\n</div>")
                || html.contains("</table></div>")
                || html.contains("</table>\n</div>"),
            "{html}"
        );
    }
}
