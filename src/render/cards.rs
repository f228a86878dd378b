//! The flashcard outputs: `/cards/` (the deck tree), a study page per deck, per card tag and
//! for everything (`cards/all/`), and each deck's data script (from which deck pages also
//! make their Anki download; `studysite cards export` writes the same format). All
//! are made from the site's [`Decks`] (collected with the taxonomy).

use super::content::note_resolutions;
use super::pages::{Generated, PageContext, RenderedPage};
use super::views::{Chrome, EntryView, PageKind};
use crate::cards::anki::{self, AnkiNote};
use crate::cards::data::{self, CardData, DeckData};
use crate::cards::{Card, Deck, Decks, Side};
use crate::diagnostics::Diagnostic;
use crate::graph::Graph;
use crate::markdown::cards::CardKind;
use crate::markdown::{self};
use crate::paths;
use crate::site::Site;
use crate::vault::NoteId;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// A flashcard output.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CardPage {
    /// `cards/`: the deck tree.
    Index,
    /// `cards/all/`: study everything that is due.
    All,
    /// `cards/deck/<slug>/`: study a deck with its sub-decks.
    Deck(String),
    /// `cards/tag/<tag>/`: study the cards of a tag.
    Tag(String),
}

/// A deck in a listing.
#[derive(Debug, Clone, Serialize)]
pub struct DeckView {
    /// Its own name (`EC2`).
    pub title: String,
    /// Full name (`AWS SAA::EC2`).
    pub name: String,
    /// Its study page.
    pub url: String,
    /// Nesting depth.
    pub depth: usize,
    /// Cards with sub-decks.
    pub count: usize,
    /// Its slug (the key of its cards in `ids`).
    pub slug: String,
}

/// What the cards templates see as `page.cards`.
#[derive(Debug, Clone, Serialize)]
pub struct CardsView {
    /// `index`, `deck`, `all` or `tag`.
    pub mode: &'static str,
    /// Decks listed (the index: all; a deck page: it and its sub-decks).
    pub decks: Vec<DeckView>,
    /// Card tags (the index).
    pub tags: Vec<EntryView>,
    /// How many cards the page covers.
    pub total: usize,
    /// Data scripts to load.
    pub scripts: Vec<String>,
    /// File name for the page's Anki download (made in the browser from the deck data).
    pub anki_name: String,
    /// Where links in the Anki download lead: the site's `base_url` (Anki has no page to be
    /// relative to), as the CLI export writes them.
    pub anki_root: String,
    /// For the index: each deck's own card ids (`{slug: [ids]}`), as JSON.
    pub ids: String,
    /// For a tag page: the tag.
    pub tag: String,
    /// For a deck page: the deck (`A::B`); its cards and its sub-decks' are studied.
    pub deck: String,
}

/// The site path of a tag's study page.
pub fn tag_path(tag: &str) -> String {
    let mut path = String::from("cards/tag/");
    for part in tag.split('/').filter(|p| !p.is_empty()) {
        path.push_str(&paths::slugify(part));
        path.push('/');
    }
    path
}

fn deck_path(deck: &Deck) -> String {
    format!("cards/deck/{}/", deck.slug)
}

/// The data script of a note's cards: `cards/data/compute/ec2/pricing.js`.
pub fn data_path(site: &Site, note: &NoteId) -> String {
    let path = site.pages.get(note).map_or("", |p| p.path.as_str());
    match path.trim_end_matches('/') {
        "" => "cards/data/_home.js".to_string(),
        p => format!("cards/data/{p}.js"),
    }
}

/// The data scripts of the notes holding these cards, in the cards' order, as URLs from `g`.
fn scripts(g: &Generated<'_>, decks: &Decks, list: &[usize]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    list.iter()
        .map(|&i| &decks.cards[i].note)
        .filter(|n| seen.insert(*n))
        .map(|n| g.links.href(&data_path(&g.ctx.linked.site, n)))
        .collect()
}

/// Every flashcard page (none when the site has no cards).
pub fn card_pages(decks: &Decks) -> Vec<CardPage> {
    if decks.cards.is_empty() {
        return Vec::new();
    }
    let mut pages = vec![CardPage::Index, CardPage::All];
    pages.extend(decks.decks.iter().map(|d| CardPage::Deck(d.slug.clone())));
    pages.extend(decks.tags.keys().cloned().map(CardPage::Tag));
    pages
}

/// Each flashcard's front and back HTML, per note, as on the note's page.
pub fn flashcard_html(site: &Site, graph: &Graph, id: &NoteId) -> Vec<(String, String)> {
    let Some(page) = site.pages.get(id) else {
        return Vec::new();
    };
    let res = note_resolutions(site, graph, id);
    page.parsed
        .cards
        .iter()
        .map(|f| {
            let front = markdown::render_part(&page.parsed, f.front, &res);
            let back = if f.kind == CardKind::Cloze {
                String::new()
            } else {
                markdown::render_part(&page.parsed, f.back, &res)
            };
            (front, back)
        })
        .collect()
}

/// Front and back HTML of each flashcard of a note.
type NoteHtml = Arc<Vec<(String, String)>>;

/// Flashcard HTML per (note, content key), shared by the renders of one session.
#[derive(Default)]
pub struct HtmlCache(Mutex<HashMap<(NoteId, u64), NoteHtml>>);

/// How many notes' card HTML is kept before the cache starts over.
const HTML_CACHE: usize = 50_000;

/// Where card HTML comes from: rendered afresh (the CLI) or through a render's cache.
#[derive(Clone, Copy)]
enum Source<'a> {
    Fresh(&'a Site, &'a Graph),
    Cached(&'a PageContext<'a>),
}

/// Renders flashcard HTML once per note for a set of cards.
fn html_of(source: Source<'_>, cards: &[&Card]) -> HashMap<NoteId, NoteHtml> {
    let notes: BTreeSet<&NoteId> = cards.iter().map(|c| &c.note).collect();
    notes
        .into_iter()
        .map(|id| {
            let html = match source {
                Source::Fresh(site, graph) => Arc::new(flashcard_html(site, graph, id)),
                Source::Cached(ctx) => {
                    // The body's content key, and which cards were chosen from it (front matter
                    // decides that, and is not part of the content key).
                    let (site, graph) = (&ctx.linked.site, &ctx.linked.graph);
                    let mut h = crate::hash::Digester::new();
                    super::content_key(site, graph, id).hash(&mut h);
                    if let Some(page) = site.pages.get(id) {
                        for f in &page.parsed.cards {
                            (&f.id, f.front, f.back).hash(&mut h);
                        }
                    }
                    let key = (id.clone(), h.finish());
                    let cache = &ctx.renderer.card_html.0;
                    let hit = cache
                        .lock()
                        .expect("a renderer panicked")
                        .get(&key)
                        .cloned();
                    hit.unwrap_or_else(|| {
                        let html = Arc::new(flashcard_html(site, graph, id));
                        let mut cache = cache.lock().expect("a renderer panicked");
                        if cache.len() >= HTML_CACHE {
                            cache.clear();
                        }
                        cache.insert(key, html.clone());
                        html
                    })
                }
            };
            (id.clone(), html)
        })
        .collect()
}

/// The study data of cards.
fn card_data(ctx: &PageContext<'_>, decks: &Decks, list: &[usize]) -> Vec<CardData> {
    let site = &ctx.linked.site;
    let cards: Vec<&Card> = list.iter().map(|&i| &decks.cards[i]).collect();
    let html = html_of(Source::Cached(ctx), &cards);
    // Site URLs in the data are `@/path`: the study page puts its way to the site root there.
    let index_files = !site.config.pretty_urls;
    let data_links = paths::Links::from_root("@/", index_files);
    let note_links = paths::Links::from_root("", index_files);
    list.iter()
        .zip(&cards)
        .filter_map(|(&index, card)| {
            let page = site.pages.get(&card.note)?;
            let f = page.parsed.cards.get(card.flashcard)?;
            let (front, back) = html.get(&card.note)?.get(card.flashcard)?;
            let (front, back, kind, c) = match card.side {
                Side::Forward if f.kind == CardKind::Spaced => {
                    (front, &String::new(), "spaced", None)
                }
                Side::Forward => (front, back, "basic", None),
                Side::Backward => (back, front, "basic", None),
                Side::Cloze(n) => (front, &String::new(), "cloze", Some(n)),
            };
            Some(CardData {
                order: index,
                id: card.id.clone(),
                fid: f.id.clone(),
                notetype: notetype(f.kind),
                kind,
                c,
                front: data_links.resolve(front),
                back: data_links.resolve(back),
                note: note_links.href(&format!("{}#{}", page.path, f.anchor)),
                title: page.title.clone(),
                deck: decks.decks[card.deck].name.clone(),
                tags: card.tags.clone(),
            })
        })
        .collect()
}

/// The Anki note type of a flashcard.
fn notetype(kind: CardKind) -> &'static str {
    match kind {
        CardKind::Cloze => "Cloze",
        CardKind::Reverse => "Basic (and reversed card)",
        CardKind::Basic | CardKind::Spaced => "Basic",
    }
}

/// The Anki notes of cards (one per flashcard), with the media they use.
pub fn anki_export(site: &Site, graph: &Graph, decks: &Decks, list: &[usize]) -> anki::Export {
    let mut seen = BTreeSet::new();
    let cards: Vec<&Card> = list
        .iter()
        .map(|&i| &decks.cards[i])
        .filter(|c| seen.insert((c.note.clone(), c.flashcard)))
        .collect();
    let html = html_of(Source::Fresh(site, graph), &cards);
    // Links lead to the published site (`base_url`); media are found by their site path.
    let base = site.config.base_url.as_str();
    let absolute = paths::Links::from_root(base, !site.config.pretty_urls);
    let assets = |path: &str| site.assets.contains_key(path).then(|| path.to_string());
    let mut media = BTreeMap::new();
    let mut notes = Vec::new();
    for card in cards {
        let Some(f) = decks.flashcard(site, card) else {
            continue;
        };
        let Some((front, back)) = html.get(&card.note).and_then(|h| h.get(card.flashcard)) else {
            continue;
        };
        let front = anki::with_media(&absolute.resolve(front), base, &assets, &mut media);
        let back = anki::with_media(&absolute.resolve(back), base, &assets, &mut media);
        let (front, back) = match f.kind {
            CardKind::Cloze => (anki::cloze_text(&front), String::new()),
            _ => (front, back),
        };
        let notetype = notetype(f.kind);
        notes.push(AnkiNote {
            guid: f.id.clone(),
            notetype,
            deck: decks.decks[card.deck].name.clone(),
            front,
            back,
            tags: card.tags.clone(),
        });
    }
    anki::Export {
        text: anki::text(&notes),
        media,
    }
}

/// What the flashcard pages show, as templates see `page.cards`.
#[derive(Debug, Serialize)]
pub struct CardsPageView<'a> {
    /// What every page has.
    #[serde(flatten)]
    pub chrome: Chrome<'a>,
    /// Decks, data scripts, downloads.
    pub cards: CardsView,
}

fn deck_view(g: &Generated<'_>, d: &Deck, depth_from: usize) -> DeckView {
    DeckView {
        title: d.path.last().cloned().unwrap_or_default(),
        name: d.name.clone(),
        url: g.links.href(&deck_path(d)),
        depth: d.path.len().saturating_sub(1 + depth_from),
        count: d.total,
        slug: d.slug.clone(),
    }
}

/// The data script of one note's cards (so an edit rewrites one small file).
pub fn data_script(ctx: PageContext<'_>, note: &NoteId) -> Option<(String, Vec<u8>)> {
    let decks = &ctx.linked.taxonomy.decks;
    let list = decks.by_note.get(note)?;
    let cards = card_data(&ctx, decks, list);
    let text = data::script(&DeckData {
        note: note.as_str(),
        cards: &cards,
    });
    Some((data_path(&ctx.linked.site, note), text.into_bytes()))
}

/// The site path of a flashcard page.
pub fn page_path(decks: &Decks, page: &CardPage) -> Option<String> {
    Some(match page {
        CardPage::Index => "cards/".into(),
        CardPage::All => "cards/all/".into(),
        CardPage::Deck(slug) => deck_path(decks.by_slug(slug)?),
        CardPage::Tag(tag) => tag_path(tag),
    })
}

/// Renders one flashcard page.
pub fn render(
    ctx: PageContext<'_>,
    page: &super::PageRef,
    card_page: &CardPage,
) -> Result<RenderedPage, Diagnostic> {
    let decks = &ctx.linked.taxonomy.decks;
    let unknown = || {
        Diagnostic::error(
            "cards",
            0,
            0,
            format!("unknown flashcard page {card_page:?}"),
        )
    };
    let path = page_path(decks, card_page).ok_or_else(unknown)?;
    let g = Generated::new(ctx, &path);
    let all: Vec<usize> = (0..decks.cards.len()).collect();
    match card_page {
        CardPage::Index => {
            let ids: BTreeMap<&str, Vec<&str>> = decks
                .decks
                .iter()
                .map(|d| {
                    let ids = d
                        .cards
                        .iter()
                        .map(|&i| decks.cards[i].id.as_str())
                        .collect();
                    (d.slug.as_str(), ids)
                })
                .collect();
            let chrome = g.chrome(PageKind::Cards, "Flashcards");
            let own = chrome.url.clone();
            let view = CardsPageView {
                chrome,
                cards: CardsView {
                    mode: "index",
                    decks: decks.decks.iter().map(|d| deck_view(&g, d, 0)).collect(),
                    tags: decks
                        .tags
                        .iter()
                        .map(|(t, list)| EntryView {
                            title: t.clone(),
                            url: g.links.href(&tag_path(t)),
                            count: list.len(),
                            depth: 0,
                        })
                        .collect(),
                    total: decks.cards.len(),
                    scripts: Vec::new(),
                    anki_name: "all.txt".into(),
                    anki_root: g.ctx.linked.site.config.base_url.clone(),
                    ids: serde_json::to_string(&ids).unwrap_or_default(),
                    tag: String::new(),
                    deck: String::new(),
                },
            };
            g.finish(page, &view, &own, "cards/index.html".into(), Vec::new())
        }
        CardPage::All | CardPage::Deck(_) | CardPage::Tag(_) => {
            let (title, mode, listed, list, anki, tag, deck_name): (
                &str,
                _,
                Vec<&Deck>,
                _,
                _,
                _,
                _,
            ) = match card_page {
                CardPage::Deck(slug) => {
                    let deck = decks.by_slug(slug).ok_or_else(unknown)?;
                    let listed = decks.decks.iter().filter(|d| deck.contains(d)).collect();
                    let file = format!("{}.txt", deck.slug.replace('/', "-"));
                    (
                        deck.title.as_str(),
                        "deck",
                        listed,
                        decks.cards_under(deck),
                        file,
                        String::new(),
                        deck.name.clone(),
                    )
                }
                CardPage::Tag(tag) => {
                    let (key, list) = decks.tags.get_key_value(tag).ok_or_else(unknown)?;
                    let used: BTreeSet<usize> = list.iter().map(|&i| decks.cards[i].deck).collect();
                    let listed = used.iter().map(|&d| &decks.decks[d]).collect();
                    (
                        key.as_str(),
                        "tag",
                        listed,
                        list.clone(),
                        format!("tag-{}.txt", paths::slugify(tag)),
                        tag.clone(),
                        String::new(),
                    )
                }
                _ => (
                    "All cards",
                    "all",
                    decks.decks.iter().collect(),
                    all,
                    "all.txt".to_string(),
                    String::new(),
                    String::new(),
                ),
            };
            let mut chrome = g.chrome(PageKind::Deck, title);
            chrome.breadcrumbs = vec![g.link(super::fragments::Item {
                title: "Flashcards".into(),
                path: "cards/".into(),
            })];
            let own = chrome.url.clone();
            let depth_from = listed.iter().map(|d| d.path.len()).min().unwrap_or(1) - 1;
            let view = CardsPageView {
                chrome,
                cards: CardsView {
                    mode,
                    decks: listed
                        .iter()
                        .map(|d| deck_view(&g, d, depth_from))
                        .collect(),
                    tags: Vec::new(),
                    total: list.len(),
                    scripts: scripts(&g, decks, &list),
                    anki_name: anki,
                    anki_root: g.ctx.linked.site.config.base_url.clone(),
                    ids: String::new(),
                    tag,
                    deck: deck_name,
                },
            };
            g.finish(page, &view, &own, paths::page_file(&path), Vec::new())
        }
    }
}
