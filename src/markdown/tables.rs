//! Tables: each one is wrapped in a scrolling box so a wide table scrolls sideways instead of
//! breaking the page layout. The box takes keyboard focus (so it can be scrolled without a
//! mouse) and is a labelled region, named after the table's header cells.

use super::{Spanned, escape_html};
use pulldown_cmark::{Event, Tag, TagEnd};

/// How many characters of header text a table's region label keeps.
const LABEL_CHARS: usize = 80;

/// How the HTML that opens a table's scrolling box starts (its label follows).
pub const OPEN_START: &str = "<div class=\"table-wrap\"";

/// The HTML that closes it.
pub const CLOSE: &str = "</div>\n";

/// Whether raw HTML is the opening of a table's scrolling box.
pub fn is_open(html: &str) -> bool {
    html.starts_with(OPEN_START)
}

/// Wraps every `<table>` in a focusable `<div class="table-wrap" role="region">`.
pub fn wrap(events: Vec<Spanned>) -> Vec<Spanned> {
    let mut out = Vec::with_capacity(events.len() + 4);
    let mut iter = events.into_iter().peekable();
    let mut pending: Vec<Spanned> = Vec::new();
    while let Some((event, offset)) = pending.pop().or_else(|| iter.next()) {
        match event {
            Event::Start(Tag::Table(_)) => {
                // Read the header row ahead to name the region, then put it back.
                let mut head = Vec::new();
                for (e, o) in iter.by_ref() {
                    let end = matches!(e, Event::End(TagEnd::TableHead));
                    head.push((e, o));
                    if end {
                        break;
                    }
                }
                let label = escape_html(&region_label(&head));
                out.push((
                    Event::Html(
                        format!(
                            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{label}\">"
                        )
                        .into(),
                    ),
                    offset,
                ));
                out.push((event, offset));
                pending.extend(head.into_iter().rev());
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

/// An empty header cell (the corner of a table whose first column names its rows) written as
/// a data cell: a header with nothing to say leaves a screen reader announcing nothing.
pub fn empty_headers_as_cells(html: String) -> String {
    if !html.contains("></th>") {
        return html;
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<th") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let open_end = rest.find('>').map_or(rest.len(), |i| i + 1);
        let open = &rest[..open_end];
        let plain = open == "<th>" || open.starts_with("<th style=\"text-align: ");
        if plain && rest[open_end..].starts_with("</th>") {
            out.push_str("<td");
            out.push_str(&open[3..]);
            out.push_str("</td>");
            rest = &rest[open_end + "</th>".len()..];
        } else {
            out.push_str(&rest[..3]);
            rest = &rest[3..];
        }
    }
    out.push_str(rest);
    out
}

/// `Table: Tier, Latency, Cost` from the header cells' text (`Table` when they have none).
fn region_label(head: &[Spanned]) -> String {
    let mut cells: Vec<String> = vec![String::new()];
    for (event, _) in head {
        match event {
            Event::Text(t) | Event::Code(t) => cells.last_mut().unwrap().push_str(t),
            Event::End(TagEnd::TableCell) => cells.push(String::new()),
            _ => {}
        }
    }
    let names: Vec<&str> = cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if names.is_empty() {
        return "Table".to_string();
    }
    let joined = names.join(", ");
    let mut label = String::from("Table: ");
    if joined.chars().count() > LABEL_CHARS {
        label.extend(joined.chars().take(LABEL_CHARS - 1));
        label.push('…');
    } else {
        label.push_str(&joined);
    }
    label
}

#[cfg(test)]
mod tests {
    use super::super::tests::html_of;

    #[test]
    fn tables_are_wrapped_for_scrolling() {
        let html = html_of("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(
            html.starts_with("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table: a, b\"><table>"),
            "{html}"
        );
        assert!(
            html.trim_end().ends_with("</table>\n</div>")
                || html.contains("</table></div>")
                || html.contains("</table>\n</div>"),
            "{html}"
        );
    }

    #[test]
    fn an_empty_header_cell_is_a_data_cell() {
        let html = html_of(
            "| | Hot | Cold |\n|:--|---|---|\n| Cost | high | low |\n\n| | x |\n|---|---|\n| 1 | 2 |\n",
        );
        assert!(
            html.contains("<tr><td style=\"text-align: left\"></td><th>Hot</th><th>Cold</th></tr>"),
            "{html}"
        );
        assert!(html.contains("<tr><td></td><th>x</th></tr>"), "{html}");
        assert!(!html.contains("></th>"), "{html}");
    }

    #[test]
    fn a_table_region_is_named_after_its_header_cells() {
        let html =
            html_of("| Tier | `gp3` & co |\n|---|---|\n| 1 | 2 |\n\n| | |\n|---|---|\n| 3 | 4 |\n");
        assert!(
            html.contains("aria-label=\"Table: Tier, gp3 &amp; co\""),
            "{html}"
        );
        assert!(html.contains("aria-label=\"Table\""), "{html}");
        // The header row read ahead is all put back (the second table's empty headers are
        // data cells).
        assert_eq!(html.matches("<th>").count(), 2, "{html}");
        assert_eq!(html.matches("<td></td>").count(), 2, "{html}");
    }
}
