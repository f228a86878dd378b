//! The flashcard outputs: `/cards/` (the deck tree), a study page per deck, per card tag and
//! for everything (`cards/all/`), and each deck's data script (from which deck pages also
//! make their Anki download; `studysite cards export` writes the same format). All
//! are made from the site's [`Decks`] (collected with the taxonomy).

use super::content::{Stack, resolutions};
use super::pages::{PageContext, RenderedPage};
use super::views::{EntryView, LinkView};
use crate::cards::anki::{self, AnkiNote};
use crate::cards::data::{self, CardData, DeckData};
use crate::cards::{Card, Deck, Decks, Side};
use crate::diagnostics::Diagnostic;
use crate::graph::Graph;
use crate::markdown::cards::CardKind;
use crate::markdown::{self};
use crate::nav::PageKey;
use crate::paths;
use crate::site::Site;
use crate::vault::NoteId;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// A flashcard output.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CardPage {
    /// `cards/`: the deck tree.
    Index,
    /// `cards/all/`: study everything that is due.
    All,
    /// `cards/deck/<slug>/`: study a deck with its sub-decks.
    Deck(String),
    /// `cards/tag/<tag>/`: study the cards of a tag.
    Tag(String),
    /// `cards/data/<note>.js`: the cards of one note (so an edit rewrites one small file).
    Data(NoteId),
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
fn data_path(site: &Site, note: &NoteId) -> String {
    let path = site.pages.get(note).map_or("", |p| p.path.as_str());
    match path.trim_end_matches('/') {
        "" => "cards/data/_home.js".to_string(),
        p => format!("cards/data/{p}.js"),
    }
}

/// The data scripts of the notes holding these cards, in the cards' order.
fn scripts(ctx: &PageContext<'_>, decks: &Decks, list: &[usize]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    list.iter()
        .map(|&i| &decks.cards[i].note)
        .filter(|n| seen.insert(*n))
        .map(|n| ctx.url(&data_path(ctx.site, n)))
        .collect()
}

/// Every flashcard output (none when the site has no cards).
pub fn card_pages(decks: &Decks) -> Vec<CardPage> {
    if decks.cards.is_empty() {
        return Vec::new();
    }
    let mut pages = vec![CardPage::Index, CardPage::All];
    pages.extend(decks.decks.iter().map(|d| CardPage::Deck(d.slug.clone())));
    pages.extend(decks.by_note.keys().cloned().map(CardPage::Data));
    pages.extend(decks.tags.keys().cloned().map(CardPage::Tag));
    pages
}

/// The data scripts that show cards of these notes (theirs, and the embedders' in `notes`).
pub fn pages_showing(decks: &Decks, notes: &BTreeSet<NoteId>) -> Vec<CardPage> {
    notes
        .iter()
        .filter(|id| decks.by_note.contains_key(*id))
        .cloned()
        .map(CardPage::Data)
        .collect()
}

/// Each flashcard's front and back HTML, per note, as on the note's page.
pub fn flashcard_html(site: &Site, graph: &Graph, id: &NoteId) -> Vec<(String, String)> {
    let Some(page) = site.pages.get(id) else {
        return Vec::new();
    };
    let mut stack: Stack = vec![(id.clone(), None)];
    let res = resolutions(site, graph, id, &mut stack, &mut Vec::new());
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
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    ctx.content_key(id, None).hash(&mut h);
                    if let Some(page) = ctx.site.pages.get(id) {
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
                        let html = Arc::new(flashcard_html(ctx.site, ctx.graph, id));
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
    let site = ctx.site;
    let cards: Vec<&Card> = list.iter().map(|&i| &decks.cards[i]).collect();
    let html = html_of(Source::Cached(ctx), &cards);
    let base = site.config.base_path();
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
                front: data::rebase(front, base),
                back: data::rebase(back, base),
                note: format!("{}#{}", paths::encode_path(&page.path), f.anchor),
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
    let base = site.config.base_path();
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
        let front = anki::with_media(front, base, &assets, &mut media);
        let back = anki::with_media(back, base, &assets, &mut media);
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

/// A key for what a set of cards shows: their ids and their notes' content.
fn cards_key(ctx: &PageContext<'_>, decks: &Decks, list: &[usize]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut notes = BTreeSet::new();
    for &i in list {
        let c = &decks.cards[i];
        (&c.id, &c.tags, c.deck).hash(&mut h);
        notes.insert(&c.note);
    }
    for id in notes {
        ctx.content_key(id, None).hash(&mut h);
    }
    ctx.site.config.base_url.hash(&mut h);
    h.finish()
}

fn file_page(file: String, text: String, fingerprint: u64) -> RenderedPage {
    RenderedPage {
        file,
        html: text,
        diagnostics: Vec::new(),
        fingerprint,
    }
}

fn deck_view(ctx: &PageContext<'_>, d: &Deck, depth_from: usize) -> DeckView {
    DeckView {
        title: d.path.last().cloned().unwrap_or_default(),
        name: d.name.clone(),
        url: ctx.url(&deck_path(d)),
        depth: d.path.len().saturating_sub(1 + depth_from),
        count: d.total,
        slug: d.slug.clone(),
    }
}

/// Renders one flashcard output.
pub fn render(ctx: PageContext<'_>, page: &CardPage) -> Result<RenderedPage, Diagnostic> {
    let decks = &ctx.taxonomy.decks;
    let unknown = || Diagnostic::error("cards", 0, 0, format!("unknown flashcard page {page:?}"));
    let home = PageKey::Section(String::new());
    let all: Vec<usize> = (0..decks.cards.len()).collect();
    match page {
        CardPage::Data(note) => {
            let list = decks.by_note.get(note).ok_or_else(unknown)?;
            let key = cards_key(&ctx, decks, list);
            let mut text = String::new();
            if !ctx.fingerprint_only {
                let cards = card_data(&ctx, decks, list);
                text = data::script(&DeckData {
                    note: note.as_str(),
                    cards: &cards,
                });
            }
            Ok(file_page(data_path(ctx.site, note), text, key))
        }
        CardPage::Index => {
            let (mut view, _) = ctx.view(&home, "cards", "Flashcards", "cards/", None);
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
            let mut key = std::collections::hash_map::DefaultHasher::new();
            decks.diagnostics.as_slice().hash(&mut key);
            view.content_key = key.finish();
            view.cards = Some(CardsView {
                mode: "index",
                decks: decks.decks.iter().map(|d| deck_view(&ctx, d, 0)).collect(),
                tags: decks
                    .tags
                    .iter()
                    .map(|(t, list)| EntryView {
                        title: t.clone(),
                        url: ctx.url(&tag_path(t)),
                        count: list.len(),
                        depth: 0,
                    })
                    .collect(),
                total: decks.cards.len(),
                scripts: Vec::new(),
                anki_name: "all.txt".into(),
                ids: serde_json::to_string(&ids).unwrap_or_default(),
                tag: String::new(),
                deck: String::new(),
            });
            clear(&mut view);
            let diagnostics = decks.diagnostics.iter().cloned().collect();
            ctx.render(
                "cards.html",
                &home,
                view,
                "cards/index.html".into(),
                diagnostics,
            )
        }
        CardPage::All | CardPage::Deck(_) | CardPage::Tag(_) => {
            let deck_name = match page {
                CardPage::Deck(slug) => decks.by_slug(slug).map(|d| d.name.clone()),
                _ => None,
            };
            let (title, path, mode, listed, list, anki, tag): (
                &str,
                String,
                _,
                Vec<&Deck>,
                _,
                _,
                _,
            ) = match page {
                CardPage::Deck(slug) => {
                    let deck = decks.by_slug(slug).ok_or_else(unknown)?;
                    let listed = decks.decks.iter().filter(|d| deck.contains(d)).collect();
                    let file = format!("{}.txt", deck.slug.replace('/', "-"));
                    (
                        deck.title.as_str(),
                        deck_path(deck),
                        "deck",
                        listed,
                        decks.cards_under(deck),
                        file,
                        String::new(),
                    )
                }
                CardPage::Tag(tag) => {
                    let (key, list) = decks.tags.get_key_value(tag).ok_or_else(unknown)?;
                    let used: BTreeSet<usize> = list.iter().map(|&i| decks.cards[i].deck).collect();
                    let listed = used.iter().map(|&d| &decks.decks[d]).collect();
                    (
                        key.as_str(),
                        tag_path(tag),
                        "tag",
                        listed,
                        list.clone(),
                        format!("tag-{}.txt", paths::slugify(tag)),
                        tag.clone(),
                    )
                }
                _ => (
                    "All cards",
                    "cards/all/".to_string(),
                    "all",
                    decks.decks.iter().collect(),
                    all,
                    "all.txt".to_string(),
                    String::new(),
                ),
            };
            let (mut view, _) = ctx.view(&home, "deck", title, &path, None);
            let depth_from = listed.iter().map(|d| d.path.len()).min().unwrap_or(1) - 1;
            view.cards = Some(CardsView {
                mode,
                decks: listed
                    .iter()
                    .map(|d| deck_view(&ctx, d, depth_from))
                    .collect(),
                tags: Vec::new(),
                total: list.len(),
                scripts: scripts(&ctx, decks, &list),
                anki_name: anki,
                ids: String::new(),
                tag,
                deck: deck_name.unwrap_or_default(),
            });
            clear(&mut view);
            view.breadcrumbs = vec![LinkView {
                title: "Flashcards".into(),
                url: ctx.url("cards/"),
            }];
            ctx.render(
                "deck.html",
                &home,
                view,
                paths::page_file(&path),
                Vec::new(),
            )
        }
    }
}

fn clear(view: &mut super::views::PageView<'_>) {
    view.prev = None;
    view.next = None;
    view.breadcrumbs.clear();
}
