//! What templates see: typed, serializable views built for them (never the internal structs),
//! so the template contract is explicit. Every page kind has its own view; all of them carry
//! the same [`Chrome`] (flattened into `page`). README.md lists every field.

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
    /// The path part of `base_url` (`/` or `/aws-notes/`).
    pub base_path: &'a str,
    /// Page language.
    pub language: &'a str,
    /// Author, when configured.
    pub author: Option<&'a str>,
    /// The config's `[extra]` table.
    pub extra: &'a toml::Table,
    /// The studysite version that built the site.
    pub generator: &'static str,
    /// The `src` of mermaid.js (a site path for a local copy, else the configured URL), for
    /// pages with diagrams drawn in the browser.
    pub mermaid_script: String,
    /// Whether `mermaid_script` is a copy inside the site (a site path) rather than a URL.
    pub mermaid_local: bool,
    /// `mermaid.theme` (`auto` follows the page's light/dark theme).
    pub mermaid_theme: &'a str,
    /// Whether the site has search (`search.enabled`): the header's search box and `search/`.
    pub search: bool,
    /// Whether the site has an Atom feed (`feed.xml`): pages link it.
    pub feed: bool,
    /// Keys the flashcard review history and quiz mode in the browser's storage, so sites
    /// opened from `file://` (which share one origin) keep theirs apart.
    pub cards_key: String,
}

/// The kind of a page, as templates see it (`page.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// A note.
    Note,
    /// A folder's page.
    Section,
    /// The home page.
    Index,
    /// Every tag.
    Tags,
    /// One tag.
    Tag,
    /// Every topic.
    Topics,
    /// One topic.
    Topic,
    /// The map of all notes.
    Graph,
    /// The page-not-found page.
    #[serde(rename = "404")]
    NotFound,
    /// The search results page.
    Search,
    /// The flashcard decks.
    Cards,
    /// A study page (a deck, a tag, everything).
    Deck,
    /// A folder's print page.
    Print,
}

/// A link to a page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct LinkView {
    /// The page's title.
    pub title: String,
    /// Its URL from this page.
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

/// What every page has: title, where it is, how to get around, what it needs loaded.
#[derive(Debug, Serialize)]
pub struct Chrome<'a> {
    /// What kind of page this is.
    pub kind: PageKind,
    /// Title.
    pub title: &'a str,
    /// Description (front matter).
    pub description: Option<&'a str>,
    /// The page's own URL (relative, like every other).
    pub url: String,
    /// Absolute URL (when `base_url` has a host).
    pub permalink: String,
    /// The canonical URL: the absolute URL when `base_url` has a host (not on the 404 page).
    pub canonical: Option<String>,
    /// What link previews show: the note's description, else its first paragraph.
    pub summary: Option<String>,
    /// The way from this page to the site root (`""`, `../`, …): prefix for the theme's files.
    pub root: String,
    /// What links to a folder end with: `index.html` (works from a folder on disk), or
    /// nothing with `pretty_urls`. `{{ page.root }}tags/{{ page.index }}` links the tags page.
    pub index: &'static str,
    /// From the home page down to the page's folder.
    pub breadcrumbs: Vec<LinkView>,
    /// Previous page in reading order.
    pub prev: Option<LinkView>,
    /// Next page in reading order.
    pub next: Option<LinkView>,
    /// Headings for the table of contents.
    pub toc: Vec<TocEntry<'a>>,
    /// The anchor of the note's opening `# heading` when the page shows it as the title (the
    /// heading is then left out of `content`), for the title's `id`.
    pub title_anchor: Option<&'a str>,
    /// Whether the page has highlighted code (templates load the code stylesheet then).
    pub has_code: bool,
    /// Whether the page has diagrams left to mermaid.js (templates load it only then).
    pub has_browser_diagrams: bool,
    /// Whether the page has formulas (templates load the math stylesheet only then).
    pub has_math: bool,
    /// Whether the site has flashcards (the top bar links to `cards/` then).
    pub has_cards: bool,
    /// The note's `cssclasses`, space-separated, for the page's `<body>`.
    pub css_classes: String,
}

/// A tag of a page.
#[derive(Debug, Clone, Serialize)]
pub struct TagView<'a> {
    /// The tag as written, without `#`.
    pub name: &'a str,
    /// The tag's page.
    pub url: String,
}

/// One entry of a section page's or tag page's listing.
#[derive(Debug, Clone, Serialize)]
pub struct ChildView {
    /// Title.
    pub title: String,
    /// URL.
    pub url: String,
    /// A folder (rather than a note).
    pub is_section: bool,
    /// The note's or section's description, if any.
    pub description: Option<String>,
    /// How many entries a folder holds (0 for notes).
    pub count: usize,
}

/// A note that links here, with the sentence around the link.
#[derive(Debug, Clone, Serialize)]
pub struct BacklinkView {
    /// The linking note's title.
    pub title: String,
    /// Its URL.
    pub url: String,
    /// The sentence around the link.
    pub context: String,
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

/// `page` on a note's page (`page.html`).
#[derive(Debug, Serialize)]
pub struct NoteView<'a> {
    /// What every page has.
    #[serde(flatten)]
    pub chrome: Chrome<'a>,
    /// The rendered note, as HTML.
    pub content: String,
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
    /// The note's path in the content folder (`ec2/pricing.md`).
    pub source: &'a str,
    /// Front matter keys studysite does not use itself.
    pub extra: &'a BTreeMap<String, serde_json::Value>,
    /// Notes that link here.
    pub backlinks: Vec<BacklinkView>,
    /// Notes most related to this one (shared topics, tags, links).
    pub related: Vec<LinkView>,
    /// Topics this note covers that other notes cover too.
    pub topics: Vec<LinkView>,
    /// The note's one-hop link map, as inline SVG (empty when it has no links).
    pub linkmap: String,
    /// How many flashcards the note makes (cards to study: a reversed card counts twice).
    pub card_count: usize,
}

/// `page` on a folder's page and the home page (`section.html`, `index.html`).
#[derive(Debug, Serialize)]
pub struct SectionPageView<'a> {
    /// What every page has.
    #[serde(flatten)]
    pub chrome: Chrome<'a>,
    /// The folder note's text, as HTML (empty without one).
    pub content: String,
    /// The folder's notes and sub-folders.
    pub children: Vec<ChildView>,
    /// The folder note's path in the content folder, if there is one.
    pub source: &'a str,
    /// The folder note's front matter keys studysite does not use itself.
    pub extra: Option<&'a BTreeMap<String, serde_json::Value>>,
    /// The folder's print page: all its notes on one page.
    pub print_url: Option<String>,
}

/// An entry of a tags or topics index, or a tag page's sub-tag.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct EntryView {
    /// Name.
    pub title: String,
    /// Its page.
    pub url: String,
    /// How many notes (or sections) it has.
    pub count: usize,
    /// Nesting depth (for nested tags).
    pub depth: usize,
}

/// `page` on the tags and topics indexes and on a tag's page.
#[derive(Debug, Serialize)]
pub struct ListingView<'a> {
    /// What every page has.
    #[serde(flatten)]
    pub chrome: Chrome<'a>,
    /// The entries listed (tags, topics; a tag's sub-tags).
    pub entries: Vec<EntryView>,
    /// A tag's notes.
    pub children: Vec<ChildView>,
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

/// `page` on a topic's page (`topic.html`).
#[derive(Debug, Serialize)]
pub struct TopicView<'a> {
    /// What every page has.
    #[serde(flatten)]
    pub chrome: Chrome<'a>,
    /// Every section that covers the topic, rendered.
    pub sections: Vec<SectionView>,
}

/// `page` on the map of notes (`graph.html`) and the 404 page.
#[derive(Debug, Serialize)]
pub struct MapView<'a> {
    /// What every page has.
    #[serde(flatten)]
    pub chrome: Chrome<'a>,
    /// The map, as inline SVG (empty on the 404 page).
    pub linkmap: String,
    /// How many notes the map shows (the best-linked ones, in a large vault).
    pub map_notes: usize,
    /// How many notes the vault has.
    pub all_notes: usize,
}
