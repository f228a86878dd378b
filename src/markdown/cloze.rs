//! Card syntax that needs no knowledge of the note: Anki-style clozes `{{c1::hidden}}` and
//! `{{c1::hidden::hint}}` become `<mark class="cloze" data-c="1">` in every note, and the
//! Spaced Repetition plugin's scheduling comments (`<!--SR:!2024-08-16,51,230-->`) are dropped.

use super::{Spanned, escape_html};
use pulldown_cmark::{Event, Tag, TagEnd};

/// Whether an HTML event is a Spaced Repetition scheduling comment.
fn is_sr_comment(html: &str) -> bool {
    html.trim_start().starts_with("<!--SR:")
}

/// Drops scheduling comments and turns `{{cN::…}}` clozes into marks. Returns the problems
/// found (an unclosed cloze), as (event offset, message).
pub fn transform(events: Vec<Spanned>) -> (Vec<Spanned>, Vec<(usize, String)>) {
    let needs_work = events.iter().any(|(e, _)| match e {
        Event::Text(t) => t.contains("{{c"),
        Event::Html(h) | Event::InlineHtml(h) => is_sr_comment(h),
        _ => false,
    });
    if !needs_work {
        return (events, Vec::new());
    }
    let mut problems = Vec::new();
    let mut out = Vec::with_capacity(events.len());
    let mut leaf: Vec<Spanned> = Vec::new();
    let mut depth = 0usize;
    let mut in_code = false;
    for (event, offset) in events {
        if let Event::Html(h) | Event::InlineHtml(h) = &event
            && is_sr_comment(h)
        {
            continue;
        }
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
        let start = matches!(
            event,
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell | Tag::Item)
        );
        let end = matches!(
            event,
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item)
        );
        if start || end {
            out.extend(clozes_in(std::mem::take(&mut leaf), &mut problems));
            out.push((event, offset));
            depth = if start {
                depth + 1
            } else {
                depth.saturating_sub(1)
            };
            continue;
        }
        if depth > 0 && !in_code {
            leaf.push((event, offset));
        } else {
            out.push((event, offset));
        }
    }
    out.extend(clozes_in(leaf, &mut problems));
    (out, problems)
}

/// An opener `{{cN::` found at `at` in text event `event`.
struct Open {
    event: usize,
    at: usize,
    len: usize,
    number: u32,
}

/// The opener at the start of `text` (which starts with `{{c`): its length and number.
fn opener(text: &str) -> Option<(usize, u32)> {
    let rest = text.strip_prefix("{{c")?;
    let digits: usize = rest.bytes().take_while(u8::is_ascii_digit).count();
    let number: u32 = rest[..digits].parse().ok()?;
    rest[digits..]
        .starts_with("::")
        .then_some((3 + digits + 2, number))
}

/// One cloze found in a leaf block: opener and closer positions, hint.
struct Found {
    open: Open,
    close_event: usize,
    /// Byte range in the closer's text event that is replaced by `</mark>` (`::hint}}`).
    close: (usize, usize),
    hint: Option<String>,
}

fn clozes_in(block: Vec<Spanned>, problems: &mut Vec<(usize, String)>) -> Vec<Spanned> {
    if !block
        .iter()
        .any(|(e, _)| matches!(e, Event::Text(t) if t.contains("{{c")))
    {
        return block;
    }
    let mut found: Vec<Found> = Vec::new();
    let mut open: Option<Open> = None;
    for (i, (event, _)) in block.iter().enumerate() {
        let Event::Text(text) = event else { continue };
        let mut from = 0;
        loop {
            match &open {
                None => {
                    let Some(k) = text[from..].find("{{c") else {
                        break;
                    };
                    let at = from + k;
                    match opener(&text[at..]) {
                        Some((len, number)) => {
                            open = Some(Open {
                                event: i,
                                at,
                                len,
                                number,
                            });
                            from = at + len;
                        }
                        None => from = at + 3,
                    }
                }
                Some(o) => {
                    let Some(k) = text[from..].find("}}") else {
                        break;
                    };
                    let close_at = from + k;
                    let content_start = if o.event == i { o.at + o.len } else { 0 };
                    let inner = &text[content_start..close_at];
                    let (cut, hint) = match inner.rfind("::") {
                        Some(h) => (
                            content_start + h,
                            Some(inner[h + 2..].trim().to_string()).filter(|s| !s.is_empty()),
                        ),
                        None => (close_at, None),
                    };
                    let Some(o) = open.take() else { break };
                    found.push(Found {
                        open: o,
                        close_event: i,
                        close: (cut, close_at + 2),
                        hint,
                    });
                    from = close_at + 2;
                }
            }
        }
    }
    if let Some(o) = open {
        problems.push((
            block[o.event].1,
            format!("cloze `{{{{c{}::` is never closed with `}}}}`", o.number),
        ));
    }
    if found.is_empty() {
        return block;
    }
    // Cuts per text event: (from, to, replacement HTML), in order.
    let mut cuts: Vec<(usize, usize, usize, String)> = Vec::new();
    for f in &found {
        let hint = f
            .hint
            .as_deref()
            .map(|h| format!(" data-hint=\"{}\"", escape_html(h)))
            .unwrap_or_default();
        cuts.push((
            f.open.event,
            f.open.at,
            f.open.at + f.open.len,
            format!("<mark class=\"cloze\" data-c=\"{}\"{hint}>", f.open.number),
        ));
        cuts.push((f.close_event, f.close.0, f.close.1, "</mark>".into()));
    }
    cuts.sort_by_key(|c| (c.0, c.1));
    let mut out = Vec::with_capacity(block.len() + cuts.len() * 2);
    for (i, (event, offset)) in block.into_iter().enumerate() {
        let here: Vec<&(usize, usize, usize, String)> = cuts.iter().filter(|c| c.0 == i).collect();
        let Event::Text(text) = &event else {
            out.push((event, offset));
            continue;
        };
        if here.is_empty() {
            out.push((event, offset));
            continue;
        }
        let mut last = 0;
        for (_, from, to, html) in here {
            if *from > last {
                out.push((Event::Text(text[last..*from].to_string().into()), offset));
            }
            out.push((Event::InlineHtml(html.clone().into()), offset));
            last = *to;
        }
        if last < text.len() {
            out.push((Event::Text(text[last..].to_string().into()), offset));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::html_of;

    #[test]
    fn anki_clozes_become_marks_with_numbers_and_hints() {
        let html = html_of("The {{c1::Sun}} is a {{c2::star::kind of body}}.\n");
        assert!(
            html.contains("The <mark class=\"cloze\" data-c=\"1\">Sun</mark> is a <mark class=\"cloze\" data-c=\"2\" data-hint=\"kind of body\">star</mark>."),
            "{html}"
        );
    }

    #[test]
    fn clozes_may_hold_markup() {
        let html = html_of("A {{c1::**bold** claim}} here.\n");
        assert!(
            html.contains("<mark class=\"cloze\" data-c=\"1\"><strong>bold</strong> claim</mark>"),
            "{html}"
        );
    }

    #[test]
    fn clozes_in_code_stay_as_written() {
        let html = html_of("`{{c1::x}}`\n\n```\n{{c1::y}}\n```\n");
        assert!(!html.contains("<mark"), "{html}");
    }

    #[test]
    fn scheduling_comments_are_dropped() {
        let html = html_of("Q::A\n<!--SR:!2024-08-16,51,230-->\n\n<!--SR:!2024-01-01,1,250-->\n");
        assert!(!html.contains("SR:"), "{html}");
    }

    #[test]
    fn an_unclosed_cloze_is_a_problem() {
        let parsed = super::super::parse(
            "x\n\nThe {{c1::Sun is hot.\n",
            0,
            &Default::default(),
            &Default::default(),
        );
        assert_eq!(parsed.card_scan.problems.len(), 1);
        assert_eq!(parsed.card_scan.problems[0].0, 3);
    }
}
