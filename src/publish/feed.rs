//! `feed.xml`: an Atom feed (RFC 4287) of the most recently changed notes, newest first. A
//! note's date is its `updated`, else its `date`, else its file's modification time. Entries
//! link to absolute URLs, so the feed is only written when `base_url` has a host: Atom ids must
//! be absolute IRIs, and a feed is read from the web, not from a folder.

use super::{dates, excerpt};
use crate::config::{CONFIG_FILE, Config};
use crate::diagnostics::Diagnostic;
use crate::paths;
use crate::site::Site;
use std::fmt::Write;

/// The feed's site path.
pub const PATH: &str = "feed.xml";

/// Whether the site gets a feed: `[feed] enabled` (on unless set to `false`) and a `base_url`
/// with a host.
pub fn wanted(config: &Config) -> bool {
    config.feed.enabled != Some(false) && config.has_host()
}

/// The one warning about the feed: asked for with `[feed] enabled = true`, but `base_url`
/// has no host to make its URLs absolute.
pub fn warning(config: &Config) -> Option<Diagnostic> {
    (config.feed.enabled == Some(true) && !config.has_host()).then(|| {
        Diagnostic::warning(
            CONFIG_FILE,
            0,
            0,
            format!(
                "no feed.xml is written: `[feed] enabled = true` needs a `base_url` with a host (https://…), not `{}`",
                config.base_url
            ),
        )
    })
}

/// One entry of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entry<'a> {
    /// The note's title.
    pub title: &'a str,
    /// Its page's site path.
    pub path: &'a str,
    /// Seconds since 1970: `updated`, else `date`, else the file's modification time.
    pub updated: i64,
    /// `date`, when it is a date.
    pub published: Option<i64>,
    /// Its description, or its first paragraph.
    pub summary: Option<String>,
    /// Its tags, as written.
    pub tags: Vec<&'a str>,
}

/// The notes the feed lists, newest first (ties by site path), at most `[feed] limit`.
pub fn entries(site: &Site) -> Vec<Entry<'_>> {
    let mut dated: Vec<(i64, &str, &crate::site::Page)> = site
        .pages
        .values()
        .filter_map(|p| {
            let front = &p.note.front;
            let date = |d: &Option<String>| d.as_deref().and_then(dates::parse);
            let when = date(&front.updated)
                .or_else(|| date(&front.date))
                .or(p.note.modified)?;
            Some((when, p.path.as_str(), p))
        })
        .collect();
    dated.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    dated.truncate(site.config.feed.limit);
    dated
        .into_iter()
        .map(|(updated, path, page)| {
            let mut tags: Vec<&str> = Vec::new();
            let written = page.note.front.tags.iter().chain(&page.parsed.tags);
            for tag in written.map(|t| t.trim_start_matches('#')) {
                if !tag.is_empty() && !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
                    tags.push(tag);
                }
            }
            Entry {
                title: &page.title,
                path,
                updated,
                published: page.note.front.date.as_deref().and_then(dates::parse),
                summary: excerpt::description(page),
                tags,
            }
        })
        .collect()
}

/// The feed's XML.
pub fn feed(site: &Site) -> String {
    let config = &site.config;
    let entries = entries(site);
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or(0);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        xml,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        text(&config.language)
    );
    let _ = writeln!(xml, "  <title>{}</title>", text(&config.title));
    if !config.description.trim().is_empty() {
        let _ = writeln!(xml, "  <subtitle>{}</subtitle>", text(&config.description));
    }
    let home = text(&config.base_url);
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{home}{PATH}\"/>"
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{home}\"/>"
    );
    let _ = writeln!(xml, "  <id>{home}</id>");
    let _ = writeln!(xml, "  <updated>{}</updated>", dates::rfc3339(updated));
    let author = config.author.as_deref().unwrap_or(&config.title);
    let _ = writeln!(xml, "  <author><name>{}</name></author>", text(author));
    let _ = writeln!(
        xml,
        "  <generator version=\"{}\">studysite</generator>",
        env!("CARGO_PKG_VERSION")
    );
    for e in &entries {
        let url = text(&config.absolute_url(&paths::encode_path(e.path)));
        xml.push_str("  <entry>\n");
        let _ = writeln!(xml, "    <title>{}</title>", text(e.title));
        let _ = writeln!(
            xml,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>"
        );
        let _ = writeln!(xml, "    <id>{url}</id>");
        let _ = writeln!(xml, "    <updated>{}</updated>", dates::rfc3339(e.updated));
        if let Some(p) = e.published {
            let _ = writeln!(xml, "    <published>{}</published>", dates::rfc3339(p));
        }
        if let Some(s) = &e.summary {
            let _ = writeln!(xml, "    <summary>{}</summary>", text(s));
        }
        for tag in &e.tags {
            let _ = writeln!(xml, "    <category term=\"{}\"/>", text(tag));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// Text escaped for XML, without the characters XML 1.0 cannot hold.
fn text(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{fffe}' | '\u{ffff}'))
        })
        .collect();
    crate::markdown::escape_html(&kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_loses_what_xml_cannot_hold() {
        assert_eq!(
            text("a < b & \"c\"\u{1}\u{1b}"),
            "a &lt; b &amp; &quot;c&quot;"
        );
    }

    #[test]
    fn the_feed_needs_a_host() {
        let mut config = Config::default();
        assert!(!wanted(&config));
        assert!(warning(&config).is_none(), "no warning unless asked for");
        config.feed.enabled = Some(true);
        assert!(warning(&config).is_some());
        config.base_url = "https://user.github.io/notes/".into();
        assert!(wanted(&config) && warning(&config).is_none());
        config.feed.enabled = Some(false);
        assert!(!wanted(&config));
    }
}
