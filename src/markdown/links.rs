//! Links and images: collected with their positions when a note is parsed, rewritten with
//! their resolutions when it is rendered, and bare `https://` URLs in text made clickable.

use super::{LineIndex, Spanned, escape_html};
use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// Whether a reference is a link or an image/embed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `[text](target)` or `[[target]]`.
    Link,
    /// `![alt](target)` or `![[target]]`.
    Image,
}

/// One link or image as written in a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// Link or image.
    pub kind: LinkKind,
    /// Written as a wikilink (`[[…]]`).
    pub wiki: bool,
    /// The destination as written (`../ec2/pricing.md#spot`, `Note#Heading`).
    pub target: String,
    /// The text shown (a wikilink's label after `|`, an image's alt text).
    pub label: String,
    /// Whether a wikilink had an explicit `|label`.
    pub has_label: bool,
    /// File line of the link.
    pub line: usize,
    /// Column (in characters) of the link.
    pub col: usize,
    /// The sentence around the link, for backlinks.
    pub context: String,
}

/// What to do with one link when rendering, decided by the link stage.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// Leave it as written (external URLs, in-page `#anchors`).
    Keep,
    /// Point it at a page or file of the site; for links, optionally show `text` instead of
    /// what was written.
    Href {
        /// The site path (`ec2/pricing/#spot`, `img/a.png`).
        url: String,
        /// Replacement link text (for wikilinks without a label).
        text: Option<String>,
    },
    /// An image with an explicit size (`![[x.png|300x200]]`).
    Sized {
        /// The image's site path (or URL, for an image on another site).
        src: String,
        /// Its alternative text.
        alt: String,
        /// Width in pixels.
        width: u32,
        /// Height in pixels, if given.
        height: Option<u32>,
    },
    /// The target does not exist: shown as a marked placeholder with `reason` as its title.
    Missing {
        /// Why, for the tooltip.
        reason: String,
    },
    /// Point a link at this anchor of the page it is on (`#name-servers`, for a link written
    /// `#Name%20Servers`).
    Fragment(String),
    /// Replace the whole link or image with this HTML.
    Html(String),
    /// Replace it with this block of HTML (a transclusion); a paragraph holding nothing else
    /// is dropped around it, since a block cannot sit inside `<p>`.
    Block(String),
}

/// Collects every link and image, in event order, with its file position and the sentence
/// around it.
pub fn collect(events: &[Spanned], body: &str, lines: &LineIndex) -> Vec<LinkRef> {
    let mut refs: Vec<LinkRef> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    // Leaf blocks being read: their text so far, and (link, position in that text).
    let mut blocks: Vec<(String, Vec<(usize, usize)>)> = Vec::new();
    for (event, offset) in events {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell | Tag::Item) => {
                blocks.push((String::new(), Vec::new()));
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item,
            ) => {
                if let Some((text, placed)) = blocks.pop() {
                    for (i, at) in placed {
                        refs[i].context = sentence_around(&text, at);
                    }
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            })
            | Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => {
                let kind = if matches!(event, Event::Start(Tag::Image { .. })) {
                    LinkKind::Image
                } else {
                    LinkKind::Link
                };
                let (line, col) = lines.line_col(body, *offset);
                let (wiki, has_label) = match link_type {
                    LinkType::WikiLink { has_pothole } => (true, *has_pothole),
                    _ => (false, false),
                };
                // `<someone@example.com>`: pulldown-cmark writes it as a `mailto:` link.
                let target = match link_type {
                    LinkType::Email => format!("mailto:{dest_url}"),
                    _ => dest_url.to_string(),
                };
                if let Some((text, placed)) = blocks.last_mut() {
                    placed.push((refs.len(), text.len()));
                }
                open.push(refs.len());
                refs.push(LinkRef {
                    kind,
                    wiki,
                    target,
                    label: String::new(),
                    has_label,
                    line,
                    col,
                    context: String::new(),
                });
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                open.pop();
            }
            Event::Text(t) | Event::Code(t) => {
                let mut shown: &str = t;
                let display;
                if let Some(&i) = open.last() {
                    refs[i].label.push_str(t);
                    if refs[i].wiki && !refs[i].has_label {
                        display = wiki_display(t);
                        shown = &display;
                    }
                }
                if let Some((text, _)) = blocks.last_mut() {
                    text.push_str(shown);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((text, _)) = blocks.last_mut() {
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
    refs
}

/// How a wikilink without a label reads: `Note`, `Note › Heading`, or `Heading` for a link
/// within the same note.
pub fn wiki_display(target: &str) -> String {
    let target = target.trim().trim_end_matches('\\');
    match target.split_once('#') {
        Some(("", heading)) => heading.trim().trim_start_matches('^').to_string(),
        Some((name, heading)) => format!(
            "{} › {}",
            name.trim(),
            heading.trim().trim_start_matches('^')
        ),
        None => target.to_string(),
    }
}

/// The longest a backlink's context may be, in characters.
const CONTEXT_CHARS: usize = 220;

/// The sentence of `text` that contains byte position `at`, shortened around it if long.
fn sentence_around(text: &str, at: usize) -> String {
    let at = at.min(text.len());
    let is_end = |w: &[u8]| matches!(w[0], b'.' | b'!' | b'?') && w[1].is_ascii_whitespace();
    let bytes = text.as_bytes();
    let start = (1..at.max(1))
        .rev()
        .find(|&i| i + 1 < bytes.len() && is_end(&bytes[i..i + 2]))
        .map_or(0, |i| i + 2);
    let end = (at..bytes.len().saturating_sub(1))
        .find(|&i| is_end(&bytes[i..i + 2]))
        .map_or(text.len(), |i| i + 1);
    let (start, end) = (floor(text, start.min(end)), floor(text, end));
    let sentence = text[start..end].trim();
    if sentence.chars().count() <= CONTEXT_CHARS {
        return sentence.to_string();
    }
    // Keep a window around the link.
    let rel = at.saturating_sub(start);
    let chars: Vec<char> = sentence.chars().collect();
    let pos = sentence
        .get(..rel.min(sentence.len()))
        .map_or(0, |s| s.chars().count());
    let from = pos.saturating_sub(CONTEXT_CHARS / 3);
    let to = (from + CONTEXT_CHARS).min(chars.len());
    let mut out: String = chars[from..to].iter().collect();
    if from > 0 {
        out.insert(0, '…');
    }
    if to < chars.len() {
        out.push('…');
    }
    out
}

fn floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Applies the resolutions (one per collected link, in order) to the events.
pub fn rewrite<'a>(events: &'a [Event<'a>], resolutions: &[Resolution]) -> Vec<Event<'a>> {
    let mut out: Vec<Event<'a>> = Vec::with_capacity(events.len());
    let mut next = 0;
    let mut i = 0;
    // Open paragraphs (a block shown inside one splits it).
    let mut paragraphs = 0usize;
    while i < events.len() {
        let event = &events[i];
        let is_image = matches!(event, Event::Start(Tag::Image { .. }));
        if !matches!(event, Event::Start(Tag::Link { .. })) && !is_image {
            match event {
                Event::Start(Tag::Paragraph) => paragraphs += 1,
                Event::End(TagEnd::Paragraph) => paragraphs = paragraphs.saturating_sub(1),
                _ => {}
            }
            out.push(borrow(event));
            i += 1;
            continue;
        }
        let end = matching_end(events, i);
        let resolution = resolutions.get(next).unwrap_or(&Resolution::Keep);
        next += 1 + count_links(&events[i + 1..end]);
        let inner = &events[i + 1..end];
        match resolution {
            Resolution::Keep => out.extend(events[i..=end].iter().map(borrow)),
            Resolution::Href { url, text } => {
                out.push(Event::Start(with_dest(
                    event,
                    &crate::paths::marked_dest(url),
                )));
                // An image's text is its alternative text.
                match text {
                    Some(t) => out.push(Event::Text(CowStr::from(t.clone()))),
                    None => out.extend(inner.iter().map(borrow)),
                }
                out.push(borrow(&events[end]));
            }
            Resolution::Fragment(anchor) => {
                out.push(Event::Start(with_dest(event, &format!("#{anchor}"))));
                out.extend(inner.iter().map(borrow));
                out.push(borrow(&events[end]));
            }
            Resolution::Sized {
                src,
                alt,
                width,
                height,
            } => {
                let alt = escape_html(alt);
                let height = height.map_or(String::new(), |h| format!(" height=\"{h}\""));
                let src = if crate::paths::is_external(src) {
                    escape_html(src)
                } else {
                    crate::paths::marked(src)
                };
                out.push(Event::Html(
                    format!("<img src=\"{src}\" alt=\"{alt}\" width=\"{width}\"{height}>").into(),
                ));
            }
            Resolution::Missing { reason } => {
                let class = if is_image {
                    "missing missing-image"
                } else {
                    "missing missing-link"
                };
                let mut shown = plain(inner);
                if shown.is_empty() {
                    shown = dest(event).to_string();
                }
                out.push(Event::Html(
                    format!(
                        "<span class=\"{class}\" title=\"{}\">{}</span>",
                        escape_html(reason),
                        escape_html(&shown)
                    )
                    .into(),
                ));
            }
            Resolution::Html(html) => out.push(Event::Html(CowStr::from(html.clone()))),
            Resolution::Block(html) => {
                // A block cannot sit inside `<p>`: the paragraph is closed before it and opened
                // again after it (or dropped, where it would be empty).
                let first = matches!(out.last(), Some(Event::Start(Tag::Paragraph)));
                let last = matches!(events.get(end + 1), Some(Event::End(TagEnd::Paragraph)));
                if paragraphs == 0 {
                    out.push(Event::Html(CowStr::from(html.clone())));
                } else {
                    if first {
                        out.pop();
                    } else {
                        out.push(Event::Html("</p>\n".into()));
                    }
                    out.push(Event::Html(CowStr::from(html.clone())));
                    if last {
                        paragraphs -= 1;
                        i = end + 2;
                        continue;
                    }
                    out.push(Event::Html("<p>".into()));
                }
            }
        }
        i = end + 1;
    }
    out
}

/// A view of a stored event that borrows its text instead of copying it (rendering walks
/// every event of every page, so copies add up).
fn borrow<'a>(event: &'a Event<'_>) -> Event<'a> {
    let text = |s: &'a CowStr<'_>| CowStr::Borrowed(s.as_ref());
    match event {
        Event::Text(s) => Event::Text(text(s)),
        Event::Code(s) => Event::Code(text(s)),
        Event::Html(s) => Event::Html(text(s)),
        Event::InlineHtml(s) => Event::InlineHtml(text(s)),
        Event::FootnoteReference(s) => Event::FootnoteReference(text(s)),
        other => other.clone(),
    }
}

/// The index of the end event that closes the link or image starting at `start`.
fn matching_end(events: &[Event<'_>], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(Tag::Link { .. }) | Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// How many links and images start in `events`.
pub fn count_links(events: &[Event<'_>]) -> usize {
    events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::Start(Tag::Link { .. }) | Event::Start(Tag::Image { .. })
            )
        })
        .count()
}

fn dest<'a>(event: &'a Event<'_>) -> &'a str {
    match event {
        Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
            dest_url
        }
        _ => "",
    }
}

fn with_dest<'a>(event: &Event<'a>, url: &str) -> Tag<'a> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            title,
            id,
            ..
        }) => Tag::Link {
            link_type: *link_type,
            dest_url: CowStr::from(url.to_string()),
            title: title.clone(),
            id: id.clone(),
        },
        Event::Start(Tag::Image {
            link_type,
            title,
            id,
            ..
        }) => Tag::Image {
            link_type: *link_type,
            dest_url: CowStr::from(url.to_string()),
            title: title.clone(),
            id: id.clone(),
        },
        _ => unreachable!("with_dest is only called on link and image starts"),
    }
}

fn plain(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::{Highlighter, ParseOptions, parse, render};
    use super::*;

    fn links(md: &str) -> Vec<LinkRef> {
        parse(md, 0, &ParseOptions::default(), &Highlighter::default()).links
    }

    #[test]
    fn links_and_wikilinks_are_collected_with_positions() {
        let l = links(
            "Intro\n\nSee [pricing](pricing.md#spot) and [[Cognito#User Pools|pools]].\n\n![[diagram.png|300]]\n",
        );
        assert_eq!(l.len(), 3);
        assert_eq!(
            (l[0].target.as_str(), l[0].line, l[0].col),
            ("pricing.md#spot", 3, 5)
        );
        assert!(!l[0].wiki);
        assert_eq!(l[1].target, "Cognito#User Pools");
        assert!(l[1].wiki && l[1].has_label);
        assert_eq!(l[1].label, "pools");
        assert_eq!((l[1].line, l[1].col), (3, 36));
        assert_eq!(l[2].kind, LinkKind::Image);
        assert_eq!(l[2].label, "300");
    }

    #[test]
    fn links_carry_the_sentence_around_them() {
        let l = links(
            "EC2 is compute. Spot capacity is cheap, see [[pricing]] for more. Another sentence.\n\n- item with [x](y.md)\n",
        );
        assert_eq!(
            l[0].context,
            "Spot capacity is cheap, see pricing for more."
        );
        assert_eq!(l[1].context, "item with x");
    }

    #[test]
    fn long_contexts_are_shortened_around_the_link() {
        let long = "word ".repeat(100);
        let text = format!("{long}[[target]] {long}");
        let l = links(&text);
        assert!(l[0].context.chars().count() <= CONTEXT_CHARS + 2);
        assert!(l[0].context.contains("target"), "{}", l[0].context);
        assert!(l[0].context.starts_with('…') && l[0].context.ends_with('…'));
    }

    #[test]
    fn resolutions_rewrite_in_order() {
        let md = "[a](a.md) [b](b.md) ![c](c.png) [[d]]";
        let parsed = parse(md, 0, &ParseOptions::default(), &Highlighter::default());
        let res = [
            Resolution::Href {
                url: "a/".into(),
                text: None,
            },
            Resolution::Missing {
                reason: "no note b.md".into(),
            },
            Resolution::Sized {
                src: "c.png".into(),
                alt: "c".into(),
                width: 300,
                height: None,
            },
            Resolution::Href {
                url: "d/".into(),
                text: Some("D".into()),
            },
        ];
        let html = crate::paths::Links::from_root("/", false).resolve(&render(&parsed, &res));
        assert!(html.contains("<a href=\"/a/\">a</a>"), "{html}");
        assert!(
            html.contains("<span class=\"missing missing-link\" title=\"no note b.md\">b</span>"),
            "{html}"
        );
        assert!(
            html.contains("<img src=\"/c.png\" alt=\"c\" width=\"300\">"),
            "{html}"
        );
        assert!(html.contains("<a href=\"/d/\">D</a>"), "{html}");
    }
}
