//! Links written as text: bare `https://` URLs made clickable, and `[[1]](https://…)`
//! citations (pasted from Wikipedia) read as a link `[1]` rather than a wikilink.

use super::Spanned;
use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

/// Turns `https://…` URLs written as plain text into links, as GitHub and Obsidian do.
pub fn autolink_bare_urls(events: Vec<Spanned>) -> Vec<Spanned> {
    let mut out = Vec::with_capacity(events.len());
    let mut depth = 0usize; // inside a link, image or code block
    for (event, offset) in events {
        match &event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_)) => depth += 1,
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => {
                depth = depth.saturating_sub(1)
            }
            Event::Text(text) if depth == 0 && text.contains("://") => {
                split_urls(text, offset, &mut out);
                continue;
            }
            _ => {}
        }
        out.push((event, offset));
    }
    out
}

fn split_urls(text: &str, offset: usize, out: &mut Vec<Spanned>) {
    let mut rest = text;
    while let Some(start) = find_url_start(rest) {
        let len = url_len(&rest[start..]);
        if len == 0 {
            break;
        }
        if start > 0 {
            out.push((Event::Text(rest[..start].to_string().into()), offset));
        }
        let url = &rest[start..start + len];
        out.push((
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink,
                dest_url: url.to_string().into(),
                title: "".into(),
                id: "".into(),
            }),
            offset,
        ));
        out.push((Event::Text(url.to_string().into()), offset));
        out.push((Event::End(TagEnd::Link), offset));
        rest = &rest[start + len..];
    }
    if !rest.is_empty() {
        out.push((Event::Text(rest.to_string().into()), offset));
    }
}

fn find_url_start(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find("http") {
        let at = from + i;
        let tail = &text[at..];
        let word_start = at == 0 || !text[..at].ends_with(|c: char| c.is_alphanumeric());
        if word_start && (tail.starts_with("https://") || tail.starts_with("http://")) {
            return Some(at);
        }
        from = at + 4;
    }
    None
}

/// Length of the URL at the start of `text`: up to white space, without trailing punctuation
/// (a closing parenthesis stays when the URL opened one).
fn url_len(text: &str) -> usize {
    let end = text
        .find(|c: char| c.is_whitespace() || c == '<' || c == '"')
        .unwrap_or(text.len());
    let mut url = &text[..end];
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '*', '_']);
        let trimmed = if trimmed.ends_with(')')
            && trimmed.matches('(').count() < trimmed.matches(')').count()
        {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == url.len() {
            break;
        }
        url = trimmed;
    }
    if url.ends_with("://") { 0 } else { url.len() }
}

/// `[[1]](https://example.org)`: a wikilink followed at once by a parenthesised URL is a
/// citation as GitHub shows it, a link whose text is `[1]`.
pub fn citations(events: Vec<Spanned>) -> Vec<Spanned> {
    let mut out: Vec<Spanned> = Vec::with_capacity(events.len());
    let mut iter = events.into_iter().peekable();
    while let Some((event, offset)) = iter.next() {
        let wiki = matches!(
            &event,
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { has_pothole: false },
                ..
            })
        );
        out.push((event, offset));
        if !wiki {
            continue;
        }
        // The wikilink's text and end, then text that opens with `(url)`.
        let Some((Event::Text(label), _)) = iter.next_if(|(e, _)| matches!(e, Event::Text(_)))
        else {
            continue;
        };
        let end = iter.next_if(|(e, _)| matches!(e, Event::End(TagEnd::Link)));
        let url = match (&end, iter.peek()) {
            (Some(_), Some((Event::Text(after), _))) => cited_url(after),
            _ => None,
        };
        let Some((url, used)) = url else {
            out.push((Event::Text(label), offset));
            if let Some(end) = end {
                out.push(end);
            }
            continue;
        };
        let (after, after_offset) = iter.next().expect("peeked");
        let Event::Text(after) = after else {
            unreachable!("peeked a text event")
        };
        out.pop();
        out.push((
            Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url: url.into(),
                title: "".into(),
                id: "".into(),
            }),
            offset,
        ));
        out.push((Event::Text(format!("[{label}]").into()), offset));
        out.push((Event::End(TagEnd::Link), offset));
        if after.len() > used {
            out.push((Event::Text(after[used..].to_string().into()), after_offset));
        }
    }
    out
}

/// `(https://…)` at the start of `text`: the URL and the bytes used.
fn cited_url(text: &str) -> Option<(String, usize)> {
    let rest = text.strip_prefix('(')?;
    let close = rest.find(')')?;
    let url = &rest[..close];
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.contains(char::is_whitespace);
    ok.then(|| (url.to_string(), close + 2))
}

#[cfg(test)]
mod tests {
    use super::super::tests::html_of;

    #[test]
    fn bare_urls_become_links() {
        let html = html_of(
            "Docs: https://docs.aws.amazon.com/cognito/latest/ (see also http://x.io/a_(b)).\n",
        );
        assert!(html.contains("<a href=\"https://docs.aws.amazon.com/cognito/latest/\">https://docs.aws.amazon.com/cognito/latest/</a> (see"), "{html}");
        assert!(
            html.contains("<a href=\"http://x.io/a_(b)\">http://x.io/a_(b)</a>)."),
            "{html}"
        );
    }

    #[test]
    fn urls_in_code_and_links_are_left_alone() {
        let html =
            html_of("`https://a.io` and [https://b.io](https://b.io)\n\n```\nhttps://c.io\n```\n");
        assert_eq!(html.matches("<a ").count(), 1, "{html}");
    }

    #[test]
    fn citations_are_links_with_bracketed_text() {
        let html = html_of("A claim[[1]](https://example.org/ref). And [[Note]] (not one).\n");
        assert!(
            html.contains("A claim<a href=\"https://example.org/ref\">[1]</a>."),
            "{html}"
        );
        assert!(html.contains(" (not one)."), "{html}");
    }
}
