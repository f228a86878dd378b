//! The study session's data: one classic script per note (`cards/data/<note>.js`) that adds
//! the note's cards to `window.studysiteCards`, so pages work from `file://` as well as over
//! HTTP. URLs inside are site paths from the root; the script prefixes them.

use serde::Serialize;

/// One card as the study session sees it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CardData {
    /// Its place among all the site's cards (pages sort by it: deck, then note order).
    pub order: usize,
    /// Stable id (the review history key).
    pub id: String,
    /// The flashcard's id (its Anki GUID; shared by a reversed pair and by cloze siblings).
    pub fid: String,
    /// The Anki note type of its flashcard: `Basic`, `Basic (and reversed card)` or `Cloze`.
    pub notetype: &'static str,
    /// `basic`, `spaced` or `cloze`.
    pub kind: &'static str,
    /// For clozes: which number is hidden.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub c: Option<u32>,
    /// Question HTML (for clozes, the text with every cloze marked).
    pub front: String,
    /// Answer HTML (empty for clozes and reminders).
    pub back: String,
    /// The card in its note: site path and anchor.
    pub note: String,
    /// The note's title.
    pub title: String,
    /// `A::B`.
    pub deck: String,
    /// Tags.
    pub tags: Vec<String>,
}

/// A note's data file.
#[derive(Debug, Clone, Serialize)]
pub struct DeckData<'a> {
    /// The note's path in the content folder.
    pub note: &'a str,
    /// Its cards.
    pub cards: &'a [CardData],
}

/// The script that registers a note's cards.
pub fn script(data: &DeckData<'_>) -> String {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".into());
    // `</script>` or `<!--` inside strings must not end or confuse the script element.
    let json = json.replace("</", "<\\/").replace("<!--", "<\\!--");
    format!("(window.studysiteCards = window.studysiteCards || []).push({json});\n")
}

/// Makes the site's own URLs in card HTML relative to the site root, marked `@/` (the
/// script replaces the mark with the page's root prefix), so cards show anywhere.
pub fn rebase(html: &str, base_path: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = ["href=\"", "src=\""]
            .iter()
            .filter_map(|n| rest.find(n).map(|i| (i, n.len())))
            .min();
        let Some((at, len)) = next else { break };
        let start = at + len;
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        if let Some(path) = rest.strip_prefix(base_path)
            && !path.starts_with('/')
            && base_path.starts_with('/')
        {
            out.push_str("@/");
            rest = path;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_urls_are_marked_relative_to_the_root() {
        let html = "<a href=\"/ec2/x/\">x</a><img src=\"/a.png\"><a href=\"https://e.org/\">e</a><a href=\"//cdn/x\">c</a>";
        assert_eq!(
            rebase(html, "/"),
            "<a href=\"@/ec2/x/\">x</a><img src=\"@/a.png\"><a href=\"https://e.org/\">e</a><a href=\"//cdn/x\">c</a>"
        );
        assert_eq!(rebase("<a href=\"/n/x/\">", "/n/"), "<a href=\"@/x/\">");
    }

    #[test]
    fn scripts_cannot_be_closed_by_card_text() {
        let cards = vec![CardData {
            order: 0,
            id: "1".into(),
            fid: "1".into(),
            notetype: "Basic",
            kind: "basic",
            c: None,
            front: "</script><script>alert(1)</script>".into(),
            back: String::new(),
            note: "n/".into(),
            title: "N".into(),
            deck: "D".into(),
            tags: vec![],
        }];
        let js = script(&DeckData {
            note: "n.md",
            cards: &cards,
        });
        assert!(!js.contains("</script>"), "{js}");
    }
}
