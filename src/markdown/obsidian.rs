//! Obsidian syntax beyond CommonMark: `%%comments%%` (removed before parsing), callouts
//! (`> [!tip] Title`, foldable with `-`/`+`, and GitHub's `> [!NOTE]`), `==highlights==`.

use super::{Spanned, escape_html};
use pulldown_cmark::{BlockQuoteKind, Event, Tag, TagEnd};

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

/// A callout header: `[!type]`, then `-` (folded) or `+` (foldable, open).
struct Header {
    kind: String,
    fold: Option<bool>,
}

/// Reads `[!type]`, `[!type]-` or `[!type]+` at the start of `text`; returns the header and
/// the text after it. The type is any text without `]` (Obsidian shows unknown types as
/// notes), such as `[!tip]` or `[!My old notes]`.
fn parse_header(text: &str) -> Option<(Header, &str)> {
    let rest = text.strip_prefix("[!")?;
    let close = rest.find(']')?;
    let kind = rest[..close].trim().to_lowercase();
    if kind.is_empty() || kind.contains(['[', '\n']) {
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
    Some((Header { kind, fold }, after))
}

/// The class name of a callout type: `tip`, `my-old-notes`.
fn kind_class(kind: &str) -> String {
    let mut class = String::with_capacity(kind.len());
    for c in kind.chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            class.push(c);
        } else if !class.ends_with('-') {
            class.push('-');
        }
    }
    class.trim_matches('-').to_string()
}

const CLOSE_BOX: &str = "</div></div>\n";
const CLOSE_FOLD: &str = "</div></details>\n";
const TITLE_END_BOX: &str = "</p><div class=\"callout-content\">\n";
const TITLE_END_FOLD: &str = "</summary><div class=\"callout-content\">\n";

/// Whether raw HTML is the start of a callout, as [`callouts`] writes it.
pub fn is_callout_open(html: &str) -> bool {
    html.starts_with("<div class=\"callout ") || html.starts_with("<details class=\"callout ")
}

/// Whether raw HTML is the end of a callout, as [`callouts`] writes it.
pub fn is_callout_close(html: &str) -> bool {
    html == CLOSE_BOX || html == CLOSE_FOLD
}

/// Whether raw HTML ends a callout's title, as [`callouts`] writes it.
pub fn is_callout_title_end(html: &str) -> bool {
    html == TITLE_END_BOX || html == TITLE_END_FOLD
}

/// The HTML that opens a callout, up to its title.
fn open_html(header: &Header) -> String {
    let kind = escape_html(&header.kind);
    let class = escape_html(&kind_class(&header.kind));
    match header.fold {
        Some(open) => format!(
            "<details class=\"callout callout-{class}\" data-callout=\"{kind}\"{}><summary class=\"callout-title\">",
            if open { " open" } else { "" }
        ),
        None => format!(
            "<div class=\"callout callout-{class}\" data-callout=\"{kind}\" role=\"note\"><p class=\"callout-title\">"
        ),
    }
}

fn title_end(header: &Header) -> &'static str {
    if header.fold.is_some() {
        TITLE_END_FOLD
    } else {
        TITLE_END_BOX
    }
}

fn close_html(header: &Header) -> &'static str {
    if header.fold.is_some() {
        CLOSE_FOLD
    } else {
        CLOSE_BOX
    }
}

/// Turns callout block quotes into styled callout boxes. The title is the rest of the header
/// line, with its markup (emphasis, code, links, math); the lines after it are the body.
pub fn callouts(events: Vec<Spanned>) -> Vec<Spanned> {
    if !events
        .iter()
        .any(|(e, _)| matches!(e, Event::Start(Tag::BlockQuote(_))))
    {
        return events;
    }
    let mut events: Vec<Option<Spanned>> = events.into_iter().map(Some).collect();
    let mut out: Vec<Spanned> = Vec::with_capacity(events.len() + 8);
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
                let header = Header {
                    kind: gfm_kind(kind).into(),
                    fold: None,
                };
                let html = format!(
                    "{}{}{}",
                    open_html(&header),
                    escape_html(&default_title(&header.kind)),
                    title_end(&header)
                );
                out.push((Event::Html(html.into()), offset));
                stack.push(Some(close_html(&header)));
            }
            Event::Start(Tag::BlockQuote(None)) => match callout_at(&mut events, i) {
                Some(callout) => {
                    out.push((Event::Html(open_html(&callout.header).into()), offset));
                    if callout.title.is_empty() {
                        let title = default_title(&callout.header.kind);
                        out.push((Event::Text(title.into()), offset));
                    } else {
                        out.extend(callout.title);
                    }
                    out.push((Event::Html(title_end(&callout.header).into()), offset));
                    if !callout.body.is_empty() {
                        out.push((Event::Start(Tag::Paragraph), callout.paragraph));
                        out.extend(callout.body);
                        out.push((Event::End(TagEnd::Paragraph), callout.paragraph));
                    }
                    stack.push(Some(close_html(&callout.header)));
                    i = callout.next;
                }
                None => {
                    out.push((Event::Start(Tag::BlockQuote(None)), offset));
                    stack.push(None);
                }
            },
            Event::End(TagEnd::BlockQuote(kind)) => match stack.pop().flatten() {
                Some(close) => out.push((Event::Html(close.into()), offset)),
                None => out.push((Event::End(TagEnd::BlockQuote(kind)), offset)),
            },
            other => out.push((other, offset)),
        }
    }
    out
}

/// A callout's header, title and the rest of its first paragraph.
struct Callout {
    header: Header,
    title: Vec<Spanned>,
    body: Vec<Spanned>,
    /// The offset of the first paragraph.
    paragraph: usize,
    /// The index after the first paragraph.
    next: usize,
}

/// Reads the callout whose quote's content starts at `i` (a paragraph starting `[!type]`),
/// taking its first paragraph's events.
fn callout_at(events: &mut [Option<Spanned>], i: usize) -> Option<Callout> {
    let is = |events: &[Option<Spanned>], j: usize, f: &dyn Fn(&Event) -> bool| {
        events
            .get(j)
            .and_then(Option::as_ref)
            .is_some_and(|(e, _)| f(e))
    };
    if !is(events, i, &|e| matches!(e, Event::Start(Tag::Paragraph))) {
        return None;
    }
    let (header, rest) = match events.get(i + 1).and_then(Option::as_ref) {
        Some((Event::Text(t), _)) => {
            let (header, rest) = parse_header(t)?;
            (header, rest.to_string())
        }
        _ => return None,
    };
    let end = (i + 2..events.len())
        .find(|&j| is(events, j, &|e| matches!(e, Event::End(TagEnd::Paragraph))))?;
    let paragraph = events[i].take().map_or(0, |(_, o)| o);
    let text_offset = events[i + 1].take().map_or(paragraph, |(_, o)| o);
    let mut inner: Vec<Spanned> = Vec::with_capacity(end - i);
    // The header's own text may hold the end of the line (a title written without markup).
    let (first_line, after) = match rest.split_once('\n') {
        Some((a, b)) => (a.to_string(), Some(b.to_string())),
        None => (rest, None),
    };
    inner.push((Event::Text(first_line.into()), text_offset));
    if let Some(after) = after {
        inner.push((Event::SoftBreak, text_offset));
        inner.push((Event::Text(after.into()), text_offset));
    }
    inner.extend(events[i + 2..end].iter_mut().filter_map(Option::take));
    events[end] = None;
    let mut depth = 0usize;
    let cut = inner.iter().position(|(e, _)| {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::SoftBreak | Event::HardBreak if depth == 0 => return true,
            _ => {}
        }
        false
    });
    let (mut title, body) = match cut {
        Some(c) => {
            let body = inner.split_off(c + 1);
            inner.pop();
            (inner, body)
        }
        None => (inner, Vec::new()),
    };
    trim_title(&mut title);
    Some(Callout {
        header,
        title,
        body,
        paragraph,
        next: end + 1,
    })
}

/// Trims white space around a title and drops it when nothing is left.
fn trim_title(title: &mut Vec<Spanned>) {
    if let Some((Event::Text(t), _)) = title.first_mut() {
        *t = t.trim_start().to_string().into();
    }
    if let Some((Event::Text(t), _)) = title.last_mut() {
        *t = t.trim_end().to_string().into();
    }
    title.retain(|(e, _)| !matches!(e, Event::Text(t) if t.is_empty()));
    if title
        .iter()
        .all(|(e, _)| matches!(e, Event::Text(t) if t.trim().is_empty()))
    {
        title.clear();
    }
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
    fn callout_titles_keep_inline_markup_and_the_body_follows() {
        let html = html_of("> [!tip] the `NULL` values are *skipped* here\n> body line\n");
        assert!(
            html.contains("<p class=\"callout-title\">the <code>NULL</code> values are <em>skipped</em> here</p><div class=\"callout-content\">"),
            "{html}"
        );
        assert!(html.contains("<p>body line</p>"), "{html}");
        let html = html_of("> [!note]\n> only a body\n");
        assert!(html.contains("callout-title\">Note</p>"), "{html}");
        let html = html_of("> [!Resources:] Links\n> x\n");
        assert!(
            html.contains("class=\"callout callout-resources\" data-callout=\"resources:\""),
            "{html}"
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
