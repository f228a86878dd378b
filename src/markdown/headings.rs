//! Headings: GitHub-compatible anchors, a self-link on each heading, and flashcard (`#card`)
//! and block-id (`^id`) markers removed from the heading text.

use super::anchors::Slugger;
use super::{LineIndex, Spanned, escape_html};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// One heading of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The text as a reader sees it, without markers.
    pub text: String,
    /// The `id` of the heading element, unique on the page (and never a template's id).
    pub anchor: String,
    /// The anchor GitHub gives this heading, when it differs from `anchor` because a template
    /// id was in the way (`content` for the heading "Content", whose id is `content-1`):
    /// hand-written links to it still land here.
    pub github_anchor: Option<String>,
    /// The file line of the heading.
    pub line: usize,
    /// The flashcard tag that ended the heading (`card`, `card/reverse`, …), if any.
    pub card: Option<String>,
    /// Tags written after the flashcard marker (`## Q #card #aws`), without `#`.
    pub card_tags: Vec<String>,
    /// A block id (`^abc`) that ended the heading, if any.
    pub block_id: Option<String>,
    /// Index of the heading's start event in the parsed note's final events.
    pub event_index: usize,
}

/// Gives every heading its anchor and self-link, and collects the headings.
pub fn anchor(events: Vec<Spanned>, body: &str, lines: &LineIndex) -> (Vec<Spanned>, Vec<Heading>) {
    let mut slugger = Slugger::for_page();
    // What GitHub would number, for hand-written links written against GitHub's anchors.
    let mut github = Slugger::new();
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut headings = Vec::new();
    let mut iter = events.into_iter();
    while let Some((event, offset)) = iter.next() {
        let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) = event
        else {
            out.push((event, offset));
            continue;
        };
        let mut inner: Vec<Spanned> = Vec::new();
        for (e, o) in iter.by_ref() {
            if matches!(e, Event::End(TagEnd::Heading(_))) {
                break;
            }
            inner.push((e, o));
        }
        let markers = strip_markers(&mut inner);
        let text = plain_text(&inner);
        let (anchor, github_anchor) = match id {
            Some(id) if super::anchors::is_template_id(&id) => {
                (slugger.unique(id.to_string()), Some(id.to_string()))
            }
            Some(id) => (id.to_string(), None),
            None => {
                let anchor = slugger.slug(&text);
                let plain = github.slug(&text);
                let differs = plain != anchor;
                (anchor, differs.then_some(plain))
            }
        };
        headings.push(Heading {
            level: level as u8,
            text,
            anchor: anchor.clone(),
            github_anchor,
            line: lines.line_col(body, offset).0,
            card: markers.card,
            card_tags: markers.card_tags,
            block_id: markers.block_id,
            event_index: out.len(),
        });
        out.push((
            Event::Start(Tag::Heading {
                level,
                id: Some(CowStr::from(anchor.clone())),
                classes,
                attrs,
            }),
            offset,
        ));
        out.extend(inner);
        let escaped = escape_html(&anchor);
        out.push((
            Event::Html(
                format!(
                    "<a class=\"anchor\" href=\"#{escaped}\" aria-label=\"Link to this section\"></a>"
                )
                .into(),
            ),
            offset,
        ));
        out.push((Event::End(TagEnd::Heading(level)), offset));
    }
    (out, headings)
}

/// Points each heading's `event_index` at its start event in the final events (later passes
/// insert and remove events, so the index found while anchoring is stale).
pub fn locate(headings: &mut [Heading], events: &[Spanned]) {
    let starts = events
        .iter()
        .enumerate()
        .filter(|(_, (e, _))| matches!(e, Event::Start(Tag::Heading { .. })))
        .map(|(i, _)| i);
    for (heading, index) in headings.iter_mut().zip(starts) {
        heading.event_index = index;
    }
}

/// Drops heading ids, heading self-links and block-id anchors, for content shown inside
/// another page (whose own ids must stay unique).
pub fn without_ids(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    events
        .into_iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => Some(Event::Start(Tag::Heading {
                level,
                id: None,
                classes,
                attrs,
            })),
            Event::Html(ref h) | Event::InlineHtml(ref h)
                if h.starts_with("<a class=\"anchor\"")
                    || h.starts_with("<span class=\"block-id\"") =>
            {
                None
            }
            other => Some(other),
        })
        .collect()
}

/// The text of a heading as a reader sees it: text and inline code, without markup.
fn plain_text(inner: &[Spanned]) -> String {
    let mut text = String::new();
    for (event, _) in inner {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

#[derive(Default)]
struct Markers {
    card: Option<String>,
    card_tags: Vec<String>,
    block_id: Option<String>,
}

/// Removes trailing ` #card…` and ` ^block-id` markers (in any order) from the last text.
fn strip_markers(inner: &mut Vec<Spanned>) -> Markers {
    let mut markers = Markers::default();
    let Some((Event::Text(last), _)) = inner.last_mut() else {
        return markers;
    };
    let mut text: &str = last.as_ref();
    // Tags written after a card marker (`## Q #card #aws`) belong to the card; they are
    // taken only if a marker comes before them.
    let mut tags_from: Option<(&str, Vec<String>)> = None;
    loop {
        let trimmed = text.trim_end();
        let (rest, word) = trimmed
            .rsplit_once(char::is_whitespace)
            .unwrap_or(("", trimmed));
        if let Some(card) = card_tag(word).filter(|_| markers.card.is_none()) {
            markers.card = Some(card.to_string());
            if let Some((_, tags)) = tags_from.take() {
                markers.card_tags = tags.into_iter().rev().collect();
            }
        } else if let Some(id) = block_id(word).filter(|_| markers.block_id.is_none()) {
            markers.block_id = Some(id.to_string());
        } else if markers.card.is_none() && word.len() > 1 && word.starts_with('#') {
            let (_, tags) = tags_from.get_or_insert((text, Vec::new()));
            tags.push(word[1..].to_string());
        } else {
            break;
        }
        text = rest;
    }
    if markers.card.is_none()
        && let Some((before_tags, _)) = tags_from
    {
        text = before_tags;
    }
    if markers.card.is_some() || markers.block_id.is_some() {
        let kept = text.trim_end().to_string();
        if kept.is_empty() {
            inner.pop();
        } else {
            *last = kept.into();
        }
    }
    markers
}

/// `#card`, `#card/reverse`, `#card-reverse`, `#cards`…: the flashcard markers of the
/// Obsidian flashcards plugins. Returns the tag without `#`.
pub fn card_tag(word: &str) -> Option<&str> {
    let tag = word.strip_prefix('#')?;
    let rest = tag
        .strip_prefix("cards")
        .or_else(|| tag.strip_prefix("card"))?;
    let ok = rest.is_empty()
        || (rest.starts_with(['/', '-'])
            && rest[1..]
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '/' | '-' | '_')));
    ok.then_some(tag)
}

/// `^abc-123`: an Obsidian block id. Returns it without `^`.
pub fn block_id(word: &str) -> Option<&str> {
    let id = word.strip_prefix('^')?;
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::super::tests::html_of;
    use super::super::{Highlighter, ParseOptions, parse};

    fn headings(md: &str) -> Vec<super::Heading> {
        parse(md, 0, &ParseOptions::default(), &Highlighter::default()).headings
    }

    #[test]
    fn setext_and_atx_headings_get_github_anchors() {
        let h = headings(
            "Elastic Compute Cloud (EC2)\n==\ntext\n\n## Amazon Cognito\n\nUser Pools\n---\n",
        );
        let anchors: Vec<_> = h.iter().map(|h| h.anchor.as_str()).collect();
        assert_eq!(
            anchors,
            ["elastic-compute-cloud-ec2", "amazon-cognito", "user-pools"]
        );
        let levels: Vec<_> = h.iter().map(|h| h.level).collect();
        assert_eq!(levels, [1, 2, 2]);
        assert_eq!(h[1].line, 5);
    }

    #[test]
    fn headings_ending_in_multibyte_white_space_keep_their_text() {
        for space in ['\u{00A0}', '\u{2028}', '\u{3000}'] {
            let h = headings(&format!(
                "## Quotas 10{space}GB\n\n## Spot{space}#card\n\nA\n"
            ));
            assert_eq!(h[0].text, format!("Quotas 10{space}GB"));
            assert_eq!(h[1].text, "Spot");
            assert_eq!(h[1].card.as_deref(), Some("card"));
        }
    }

    #[test]
    fn duplicate_headings_are_numbered() {
        let h = headings("## Tips\n## Tips\n## Tips\n");
        let anchors: Vec<_> = h.iter().map(|h| h.anchor.as_str()).collect();
        assert_eq!(anchors, ["tips", "tips-1", "tips-2"]);
    }

    #[test]
    fn card_marker_is_not_part_of_text_or_anchor() {
        let h = headings(
            "## What is Amazon Cognito? #card \n\nAnswer\n### Reverse one #card/reverse\n",
        );
        assert_eq!(h[0].text, "What is Amazon Cognito?");
        assert_eq!(h[0].anchor, "what-is-amazon-cognito");
        assert_eq!(h[0].card.as_deref(), Some("card"));
        assert_eq!(h[1].card.as_deref(), Some("card/reverse"));
        let html = html_of("## What is Amazon Cognito? #card \n");
        assert!(!html.contains("#card"), "{html}");
    }

    #[test]
    fn tags_after_a_card_marker_belong_to_the_card() {
        let h = headings("## Q? #card #aws #exam/tip\n## C# is #not-a-card\n");
        assert_eq!(
            (h[0].text.as_str(), h[0].card.as_deref()),
            ("Q?", Some("card"))
        );
        assert_eq!(h[0].card_tags, ["aws", "exam/tip"]);
        assert_eq!(
            (h[1].text.as_str(), h[1].card.as_deref()),
            ("C# is #not-a-card", None)
        );
    }

    #[test]
    fn block_id_is_stripped_from_heading() {
        let h = headings("## Limits ^pg-limits\n## Both #card ^b1\n");
        assert_eq!(h[0].text, "Limits");
        assert_eq!(h[0].block_id.as_deref(), Some("pg-limits"));
        assert_eq!(h[1].text, "Both");
        assert_eq!(
            (h[1].card.as_deref(), h[1].block_id.as_deref()),
            (Some("card"), Some("b1"))
        );
    }

    #[test]
    fn hashtag_words_that_are_not_cards_stay() {
        let h = headings("## C# is #cardinal\n");
        assert_eq!(h[0].text, "C# is #cardinal");
        assert_eq!(h[0].card, None);
    }

    #[test]
    fn headings_carry_a_self_link() {
        let html = html_of("## Spot Instances\n");
        assert!(
            html.contains("<h2 id=\"spot-instances\">Spot Instances<a class=\"anchor\" href=\"#spot-instances\""),
            "{html}"
        );
    }

    #[test]
    fn heading_text_uses_code_and_link_text() {
        let h = headings("## The `pending` state of [EC2](x.md)\n");
        assert_eq!(h[0].text, "The pending state of EC2");
        assert_eq!(h[0].anchor, "the-pending-state-of-ec2");
    }
}
