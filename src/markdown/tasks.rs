//! Task lists (`- [x] done`): each checkbox is wrapped with its item's text in a `<label>`, so
//! a screen reader names the checkbox by what the task says.

use super::Spanned;
use pulldown_cmark::{Event, Tag, TagEnd};

/// Replaces every task marker with a labelled, disabled checkbox.
pub fn label(events: Vec<Spanned>) -> Vec<Spanned> {
    if !events
        .iter()
        .any(|(e, _)| matches!(e, Event::TaskListMarker(_)))
    {
        return events;
    }
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut open = false;
    for (event, offset) in events {
        if open && !is_inline(&event) {
            out.push((Event::InlineHtml("</label>".into()), offset));
            open = false;
        }
        match event {
            Event::TaskListMarker(checked) => {
                let checked = if checked { " checked" } else { "" };
                let html =
                    format!("<label class=\"task\"><input type=\"checkbox\" disabled{checked}> ");
                out.push((Event::InlineHtml(html.into()), offset));
                open = true;
            }
            other => out.push((other, offset)),
        }
    }
    if open {
        let offset = out.last().map_or(0, |(_, o)| *o);
        out.push((Event::InlineHtml("</label>".into()), offset));
    }
    out
}

/// Whether an event belongs to a run of inline content (which a `<label>` may hold).
fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineMath(_)
        | Event::InlineHtml(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::FootnoteReference(_) => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(tag) => matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::html_of;

    #[test]
    fn task_checkboxes_are_labelled_by_their_item() {
        let html = html_of("- [x] Tag **hot** volumes\n- [ ] Move logs\n  - nested\n");
        assert!(
            html.contains("<li><label class=\"task\"><input type=\"checkbox\" disabled checked> Tag <strong>hot</strong> volumes</label></li>"),
            "{html}"
        );
        assert!(
            html.contains(
                "<label class=\"task\"><input type=\"checkbox\" disabled> Move logs</label>\n<ul>"
            ),
            "{html}"
        );
    }

    #[test]
    fn loose_task_items_label_their_first_paragraph() {
        let html = html_of("- [ ] First\n\n  More text\n\n- [x] Second\n");
        assert!(
            html.contains(
                "<p><label class=\"task\"><input type=\"checkbox\" disabled> First</label></p>"
            ),
            "{html}"
        );
        assert_eq!(html.matches("<label").count(), 2, "{html}");
        assert_eq!(html.matches("</label>").count(), 2, "{html}");
    }
}
