//! Obsidian syntax beyond CommonMark: `%%comments%%` (removed before parsing), callouts
//! (`> [!tip] Title`, foldable with `-`/`+`, and GitHub's `> [!NOTE]`), `==highlights==`.

use super::{Spanned, escape_html};
use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};

/// Blanks out `%%comments%%` (which may span lines) outside code, keeping every newline and the
/// length of every line, so positions in the text still match the file.
pub fn strip_comments(text: &str) -> Option<String> {
    if !text.contains("%%") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut in_comment = false;
    let mut fence: Option<(char, usize)> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let fence_here = fence_of(trimmed);
        if !in_comment {
            match (fence, fence_here) {
                (None, Some(f)) => {
                    fence = Some(f);
                    out.push_str(line);
                    continue;
                }
                (Some((c, n)), Some((c2, n2)))
                    if c == c2 && n2 >= n && trimmed.trim_end().chars().all(|x| x == c) =>
                {
                    fence = None;
                    out.push_str(line);
                    continue;
                }
                (Some(_), _) => {
                    out.push_str(line);
                    continue;
                }
                _ => {}
            }
        }
        blank_comments_in_line(line, &mut in_comment, &mut out);
    }
    Some(out)
}

fn fence_of(trimmed: &str) -> Option<(char, usize)> {
    let c = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = trimmed.chars().take_while(|x| *x == c).count();
    (n >= 3).then_some((c, n))
}

fn blank_comments_in_line(line: &str, in_comment: &mut bool, out: &mut String) {
    let mut chars = line.char_indices().peekable();
    let mut code_ticks = 0usize;
    while let Some((i, c)) = chars.next() {
        if c == '`' && !*in_comment {
            let run = 1 + line[i + 1..].chars().take_while(|x| *x == '`').count();
            code_ticks = if code_ticks == 0 {
                run
            } else if code_ticks == run {
                0
            } else {
                code_ticks
            };
            for _ in 0..run {
                out.push('`');
            }
            for _ in 1..run {
                chars.next();
            }
            continue;
        }
        if code_ticks == 0 && c == '%' && line[i + 1..].starts_with('%') {
            chars.next();
            *in_comment = !*in_comment;
            out.push_str("  ");
            continue;
        }
        if *in_comment && c != '\n' && c != '\r' {
            for _ in 0..c.len_utf8() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

/// The default title of a callout type (`tip` → `Tip`).
fn default_title(kind: &str) -> String {
    let mut chars = kind.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn gfm_kind(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    }
}

/// A callout header: `[!type]`, then `-` (folded) or `+` (foldable, open), then a title.
struct Header {
    kind: String,
    fold: Option<bool>,
    title: String,
}

fn parse_header(text: &str) -> Option<(Header, usize)> {
    let rest = text.strip_prefix("[!")?;
    let close = rest.find(']')?;
    let kind = rest[..close].trim().to_lowercase();
    if kind.is_empty()
        || !kind
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let mut after = &rest[close + 1..];
    let fold = match after.chars().next() {
        Some('-') => Some(false),
        Some('+') => Some(true),
        _ => None,
    };
    if fold.is_some() {
        after = &after[1..];
    }
    let line_end = after.find('\n').unwrap_or(after.len());
    let title = after[..line_end].trim().to_string();
    let consumed = text.len() - after.len() + line_end;
    Some((
        Header {
            title: if title.is_empty() {
                default_title(&kind)
            } else {
                title
            },
            kind,
            fold,
        },
        consumed,
    ))
}

fn open_html(header: &Header) -> String {
    let kind = escape_html(&header.kind);
    let title = escape_html(&header.title);
    match header.fold {
        Some(open) => format!(
            "<details class=\"callout callout-{kind}\" data-callout=\"{kind}\"{}><summary class=\"callout-title\">{title}</summary><div class=\"callout-content\">\n",
            if open { " open" } else { "" }
        ),
        None => format!(
            "<div class=\"callout callout-{kind}\" data-callout=\"{kind}\" role=\"note\"><p class=\"callout-title\">{title}</p><div class=\"callout-content\">\n"
        ),
    }
}

/// Turns callout block quotes into styled callout boxes.
pub fn callouts(events: Vec<Spanned>) -> Vec<Spanned> {
    let mut events: Vec<Option<Spanned>> = events.into_iter().map(Some).collect();
    let peek = |events: &[Option<Spanned>], i: usize| {
        events
            .get(i)
            .and_then(Option::as_ref)
            .map(|(e, o)| (e.clone(), *o))
    };
    let mut out: Vec<Spanned> = Vec::with_capacity(events.len());
    // For each open block quote: the HTML that closes it, or `None` for a plain quote.
    let mut stack: Vec<Option<&'static str>> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let Some((event, offset)) = events[i].take() else {
            i += 1;
            continue;
        };
        i += 1;
        match event {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let kind = gfm_kind(kind);
                let header = Header {
                    kind: kind.into(),
                    fold: None,
                    title: default_title(kind),
                };
                out.push((Event::Html(open_html(&header).into()), offset));
                stack.push(Some("</div></div>\n"));
            }
            Event::Start(Tag::BlockQuote(None)) => {
                // An Obsidian callout opens with a paragraph whose text starts `[!type]`.
                let header = match (peek(&events, i), peek(&events, i + 1)) {
                    (
                        Some((Event::Start(Tag::Paragraph), p_offset)),
                        Some((Event::Text(t), t_offset)),
                    ) => parse_header(&t).map(|(h, used)| {
                        (
                            h,
                            t[used..].trim_start_matches(['\n', '\r']).to_string(),
                            p_offset,
                            t_offset,
                        )
                    }),
                    _ => None,
                };
                let Some((header, rest, p_offset, t_offset)) = header else {
                    out.push((Event::Start(Tag::BlockQuote(None)), offset));
                    stack.push(None);
                    continue;
                };
                out.push((Event::Html(open_html(&header).into()), offset));
                stack.push(Some(if header.fold.is_some() {
                    "</div></details>\n"
                } else {
                    "</div></div>\n"
                }));
                i += 2; // the paragraph start and the header text
                if !rest.is_empty() {
                    out.push((Event::Start(Tag::Paragraph), p_offset));
                    out.push((Event::Text(CowStr::from(rest)), t_offset));
                    continue;
                }
                // What follows the header line stays as the first paragraph of the content.
                if matches!(
                    peek(&events, i),
                    Some((Event::SoftBreak | Event::HardBreak, _))
                ) {
                    i += 1;
                }
                if matches!(peek(&events, i), Some((Event::End(TagEnd::Paragraph), _))) {
                    i += 1;
                } else {
                    out.push((Event::Start(Tag::Paragraph), p_offset));
                }
            }
            Event::End(TagEnd::BlockQuote(kind)) => match stack.pop().flatten() {
                Some(close) => out.push((Event::Html(close.into()), offset)),
                None => out.push((Event::End(TagEnd::BlockQuote(kind)), offset)),
            },
            other => out.push((other, offset)),
        }
    }
    out
}

/// Where a `==` run may open or close a highlight, in one leaf block's text events.
struct Delim {
    event: usize,
    at: usize,
    open: bool,
    close: bool,
}

/// Turns `==text==` into `<mark>text</mark>` within paragraphs, list items, headings and table
/// cells (never in code). Delimiters follow the emphasis rule: an opening `==` is followed by
/// a non-space, a closing one preceded by a non-space.
pub fn highlights(events: Vec<Spanned>) -> Vec<Spanned> {
    if !events
        .iter()
        .any(|(e, _)| matches!(e, Event::Text(t) if t.contains("==")))
    {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut block: Vec<Spanned> = Vec::new();
    let mut depth = 0usize;
    for (event, offset) in events {
        let leaf_start = matches!(
            event,
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell | Tag::Item)
        );
        let leaf_end = matches!(
            event,
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item)
        );
        if leaf_start || leaf_end {
            out.extend(mark_block(std::mem::take(&mut block)));
            out.push((event, offset));
            depth = if leaf_start {
                depth + 1
            } else {
                depth.saturating_sub(1)
            };
            continue;
        }
        if depth > 0 {
            block.push((event, offset));
        } else {
            out.push((event, offset));
        }
    }
    out.extend(mark_block(block));
    out
}

fn mark_block(block: Vec<Spanned>) -> Vec<Spanned> {
    let mut delims = Vec::new();
    for (i, (event, _)) in block.iter().enumerate() {
        let Event::Text(text) = event else { continue };
        let bytes = text.as_bytes();
        let mut j = 0;
        while let Some(k) = text[j..].find("==") {
            let at = j + k;
            let run_end = at + text[at..].bytes().take_while(|b| *b == b'=').count();
            if run_end - at == 2 {
                let before = text[..at].chars().next_back();
                let after = text[run_end..].chars().next();
                let open = after.is_some_and(|c| !c.is_whitespace())
                    || (after.is_none() && i + 1 < block.len());
                let close =
                    before.is_some_and(|c| !c.is_whitespace()) || (before.is_none() && i > 0);
                delims.push(Delim {
                    event: i,
                    at,
                    open,
                    close,
                });
            }
            j = run_end;
            let _ = bytes;
        }
    }
    // Pair each opener with the next closer.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut pending: Option<usize> = None;
    for (d, delim) in delims.iter().enumerate() {
        match pending {
            Some(o)
                if delim.close && (delim.event, delim.at) > (delims[o].event, delims[o].at + 1) =>
            {
                pairs.push((o, d));
                pending = None;
            }
            None if delim.open => pending = Some(d),
            _ => {}
        }
    }
    if pairs.is_empty() {
        return block;
    }
    let mut cuts: Vec<(usize, usize, &'static str)> = Vec::new();
    for (o, c) in pairs {
        cuts.push((delims[o].event, delims[o].at, "<mark>"));
        cuts.push((delims[c].event, delims[c].at, "</mark>"));
    }
    let mut out = Vec::with_capacity(block.len() + cuts.len() * 2);
    for (i, (event, offset)) in block.into_iter().enumerate() {
        let here: Vec<&(usize, usize, &str)> = cuts.iter().filter(|c| c.0 == i).collect();
        let Event::Text(text) = &event else {
            out.push((event, offset));
            continue;
        };
        if here.is_empty() {
            out.push((event, offset));
            continue;
        }
        let mut last = 0;
        for (_, at, tag) in here {
            if *at > last {
                out.push((Event::Text(text[last..*at].to_string().into()), offset));
            }
            out.push((Event::InlineHtml((*tag).into()), offset));
            last = at + 2;
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
    use super::*;

    #[test]
    fn comments_are_blanked_keeping_lines() {
        let text = "a %%hidden%% b\n%%\nmulti\n%%\n`%%code%%`\n```\n%%fenced%%\n```\n";
        let out = strip_comments(text).unwrap();
        assert_eq!(out.lines().count(), text.lines().count());
        assert_eq!(out.len(), text.len());
        assert!(!out.contains("hidden") && !out.contains("multi"), "{out}");
        assert!(
            out.contains("`%%code%%`") && out.contains("%%fenced%%"),
            "{out}"
        );
        assert!(out.starts_with("a "));
        assert!(strip_comments("no comments").is_none());
    }

    #[test]
    fn comments_do_not_render() {
        let html = html_of("Visible %%secret%% text.\n");
        assert!(!html.contains("secret"), "{html}");
        assert!(html.contains("Visible"), "{html}");
    }

    #[test]
    fn obsidian_callouts_become_boxes_with_titles() {
        let html = html_of("> [!tip] Exam tip\n> Spot can be interrupted.\n");
        assert!(html.contains("<div class=\"callout callout-tip\" data-callout=\"tip\" role=\"note\"><p class=\"callout-title\">Exam tip</p><div class=\"callout-content\">"), "{html}");
        assert!(html.contains("<p>Spot can be interrupted.</p>"), "{html}");
        assert!(!html.contains("[!tip]"), "{html}");
        assert!(!html.contains("<blockquote"), "{html}");
    }

    #[test]
    fn foldable_callouts_use_details() {
        let html = html_of("> [!warning]- Careful\n> Hidden until opened.\n");
        assert!(html.contains("<details class=\"callout callout-warning\" data-callout=\"warning\"><summary class=\"callout-title\">Careful</summary>"), "{html}");
        let open = html_of("> [!faq]+\n> Shown.\n");
        assert!(
            open.contains(" open><summary class=\"callout-title\">Faq</summary>"),
            "{open}"
        );
    }

    #[test]
    fn github_alerts_are_callouts() {
        let html = html_of("> [!NOTE]\n> Remember this.\n");
        assert!(html.contains("callout-note"), "{html}");
        assert!(
            html.contains("<p class=\"callout-title\">Note</p>"),
            "{html}"
        );
        assert!(html.contains("Remember this."), "{html}");
    }

    #[test]
    fn plain_quotes_stay_quotes() {
        let html = html_of("> Just a quote.\n");
        assert!(html.contains("<blockquote>"), "{html}");
    }

    #[test]
    fn highlights_become_marks() {
        let html = html_of("Use ==gp3 volumes== for most ==**boot** disks==.\n");
        assert!(
            html.contains(
                "Use <mark>gp3 volumes</mark> for most <mark><strong>boot</strong> disks</mark>."
            ),
            "{html}"
        );
    }

    #[test]
    fn comparisons_are_not_highlights() {
        let html = html_of("if a == b and c == d\n\n`x == y`\n");
        assert!(!html.contains("<mark>"), "{html}");
    }
}
