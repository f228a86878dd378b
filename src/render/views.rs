//! What templates see: typed, serializable views built for them (never the internal structs),
//! so the template contract is explicit. README.md lists every field.

use serde::Serialize;
use std::collections::BTreeMap;

/// `site`: the same on every page.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    /// Site title.
    pub title: &'a str,
    /// Site description.
    pub description: &'a str,
    /// `base_url` from the config, with a trailing `/`.
    pub base_url: &'a str,
    /// The path part of `base_url` (`/` or `/aws-notes/`); every `url` below starts with it.
    pub base_path: &'a str,
    /// Page language.
    pub language: &'a str,
    /// Author, when configured.
    pub author: Option<&'a str>,
    /// The config's `[extra]` table.
    pub extra: &'a toml::Table,
    /// The studysite version that built the site.
    pub generator: &'static str,
    /// The `src` of mermaid.js, for pages with diagrams drawn in the browser.
    pub mermaid_script: String,
    /// `mermaid.theme` (`auto` follows the page's light/dark theme).
    pub mermaid_theme: &'a str,
    /// Keys the flashcard review history and quiz mode in the browser's storage, so sites
    /// opened from `file://` (which share one origin) keep theirs apart.
    pub cards_key: String,
}

/// A link to a page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LinkView {
    /// The page's title.
    pub title: String,
    /// Root-relative URL (starts with `site.base_path`).
    pub url: String,
}

/// One entry of a page's table of contents.
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry<'a> {
    /// Heading level, 1–4.
    pub level: u8,
    /// Heading text.
    pub text: &'a str,
    /// The heading's id.
    pub anchor: &'a str,
}

/// A tag of a page.
#[derive(Debug, Clone, Serialize)]
pub struct TagView<'a> {
    /// The tag as written, without `#`.
    pub name: &'a str,
    /// The tag's page.
    pub url: String,
}

/// One entry of a section page's listing.
#[derive(Debug, Clone, Serialize)]
pub struct ChildView<'a> {
    /// Title.
    pub title: &'a str,
    /// URL.
    pub url: String,
    /// A folder (rather than a note).
    pub is_section: bool,
    /// The note's or section's description, if any.
    pub description: Option<&'a str>,
    /// How many notes a folder holds (0 for notes).
    pub count: usize,
}

/// A note that links here, with the sentence around the link.
#[derive(Debug, Clone, Serialize)]
pub struct BacklinkView<'a> {
    /// The linking note's title.
    pub title: &'a str,
    /// Its URL.
    pub url: String,
    /// The sentence around the link.
    pub context: &'a str,
    /// Whether it embeds this note rather than links to it.
    pub embed: bool,
}

/// One line of the sidebar. The sidebar is rendered once for all the pages that show the same
/// one (`sidebar.html`); the current page's link gets `aria-current="page"` afterwards.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct NavView {
    /// Text.
    pub title: String,
    /// URL.
    pub url: String,
    /// Nesting depth, 0 at the top.
    pub depth: usize,
    /// A folder.
    pub is_section: bool,
    /// A folder on the way to the current page.
    pub is_open: bool,
    /// For a "N more…" entry, N (0 otherwise).
    pub more: usize,
}

/// `page`: the page being rendered.
#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    /// `note`, `section`, `index` (the home page) or `404`.
    pub kind: &'static str,
    /// Title.
    pub title: &'a str,
    /// Description from front matter.
    pub description: Option<&'a str>,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL (when `base_url` has a host).
    pub permalink: String,
    /// The rendered note, as HTML.
    pub content: String,
    /// The anchor of the note's opening `# heading` when the page shows it as the title (the
    /// heading is then left out of `content`), for the title's `id`.
    pub title_anchor: Option<&'a str>,
    /// Tags.
    pub tags: Vec<TagView<'a>>,
    /// `date` from front matter.
    pub date: Option<&'a str>,
    /// `updated` from front matter.
    pub updated: Option<&'a str>,
    /// Words of prose.
    pub word_count: usize,
    /// Minutes to read at 200 words a minute (at least 1).
    pub reading_minutes: usize,
    /// The note's path in the content folder (`ec2/pricing.md`), empty for generated pages.
    pub source: &'a str,
    /// Front matter keys studysite does not use itself.
    pub extra: Option<&'a BTreeMap<String, serde_json::Value>>,
    /// Headings for the table of contents.
    pub toc: Vec<TocEntry<'a>>,
    /// From the home page down to the page's folder.
    pub breadcrumbs: Vec<LinkView>,
    /// Previous page in reading order.
    pub prev: Option<LinkView>,
    /// Next page in reading order.
    pub next: Option<LinkView>,
    /// For section pages: the folder's notes and sub-folders.
    pub children: Vec<ChildView<'a>>,
    /// Notes that link here.
    pub backlinks: Vec<BacklinkView<'a>>,
    /// Whether the page has highlighted code (templates load the code stylesheets then).
    pub has_code: bool,
    /// Whether the page has diagrams left to mermaid.js (templates load it only then).
    pub has_browser_diagrams: bool,
    /// Notes most related to this one (shared topics, tags, links).
    pub related: Vec<LinkView>,
    /// Topics this note covers that other notes cover too.
    pub topics: Vec<LinkView>,
    /// The note's one-hop link map, as inline SVG (empty when it has no links).
    pub linkmap: String,
    /// For index pages (tags, topics): the entries listed.
    pub entries: Vec<EntryView>,
    /// For a topic page: every section that covers the topic, rendered.
    pub sections: Vec<SectionView>,
    /// How many flashcards the note has (cards to study: a reversed card counts twice).
    pub card_count: usize,
    /// Whether the site has flashcards (the top bar links to `/cards/` then).
    pub site_has_cards: bool,
    /// For the flashcard pages: decks, data scripts, downloads.
    pub cards: Option<super::cards::CardsView>,
    /// A key for everything the page's notes contribute (see `content_key`); with the rest of
    /// the view it fingerprints the page.
    #[serde(skip)]
    pub content_key: u64,
}

/// An entry of a tags or topics index, or a tag page's sub-tag.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    /// Name.
    pub title: String,
    /// Its page.
    pub url: String,
    /// How many notes it has.
    pub count: usize,
    /// Nesting depth (for nested tags).
    pub depth: usize,
}

/// A section of some note shown on a topic page.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// The note's title.
    pub title: String,
    /// Link to the section in its note.
    pub url: String,
    /// The section's HTML (with a link back to its source).
    pub html: String,
}
