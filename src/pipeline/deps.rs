//! The dependency record: what each output of the site reads ([`reads`]), and a digest of
//! each thing read ([`digest`]). An output whose digests are all unchanged is unchanged, so a
//! rebuild renders exactly the outputs with a changed digest. A new kind of output declares
//! what it reads here, or it is never rebuilt (the random-edit tests show it).
//!
//! Every digest of a part of a page is taken over the same data the page is rendered from
//! (the [fragments](crate::render::fragments)), so the record cannot miss what a page shows.

use crate::linked::Linked;
use crate::nav::PageKey;
use crate::render::{self, PageRef, Renderer, fragments};
use crate::vault::NoteId;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

/// One output of the site: a page, or a file copied or generated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutputKey {
    /// A page.
    Page(PageRef),
    /// `sitemap.xml`.
    Sitemap,
    /// An attachment, by content path.
    Asset(String),
    /// A built-in theme file (`style.css`, …), by site path.
    Theme(&'static str),
    /// A file of the site's `static/` folder, by site path.
    Static(String),
    /// The code stylesheet.
    SyntaxCss,
    /// A local copy of mermaid.js.
    MermaidScript,
    /// The search index (many files under `search/`).
    SearchIndex,
    /// The data script of one note's flashcards.
    CardData(NoteId),
    /// `feed.xml`.
    Feed,
    /// `robots.txt`.
    Robots,
    /// An alias's redirect page: its site path, and the note it leads to.
    Redirect(String, NoteId),
}

/// Something an output reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Fact {
    /// A template, with everything it extends, includes or imports.
    Template(&'static str),
    /// A note's own text, title and place.
    Source(NoteId),
    /// A note's rendered body: its text, where its links point, what it embeds.
    Body(NoteId),
    /// The sidebar of a page.
    Sidebar(PageKey),
    /// The breadcrumbs of the pages in a folder: the folders from the top down to it.
    Crumbs(String),
    /// The pages before and after a page.
    PrevNext(PageKey),
    /// The notes that link to a note.
    Backlinks(NoteId),
    /// A note's related notes.
    Related(NoteId),
    /// The topics a note shares.
    TopicsOf(NoteId),
    /// A note's tags as shown (names, pages).
    TagsOf(NoteId),
    /// A note's one-hop link map.
    LinkMap(NoteId),
    /// A folder's title, place and listing.
    Children(String),
    /// Every tag.
    TagIndex,
    /// One tag's notes and nested tags.
    Tag(String),
    /// Every topic.
    TopicIndex,
    /// One topic's sections.
    Topic(String),
    /// Every note and link, for the vault map.
    VaultMap,
    /// Every page's place and date.
    Sitemap,
    /// What the search index is made of: every indexed note's text, title and place.
    SearchIndex,
    /// Whether the site has flashcards (every page's top bar shows it).
    HasCards,
    /// The decks: every card's id, deck, tags and note, the deck tree, the card tags.
    Decks,
    /// What one deck's study page shows (by slug): it and its sub-decks, and its cards' notes.
    Deck(String),
    /// What one card tag's study page shows: its cards' notes and decks.
    CardTag(String),
    /// What the decks say of one note's cards (their decks and tags).
    CardsOf(NoteId),
    /// A file on disk (size and modification time).
    File(PathBuf),
    /// The fingerprinted names of the theme's files (they follow the site's `static/` folder).
    Assets,
    /// The feed's entries: the most recently changed notes, their titles, places and summaries.
    Feed,
    /// What a folder's print page lists: its folders and notes, their titles and places.
    PrintList(String),
}

/// What an output reads. `source` gives the file an attachment, static file or script is
/// copied from.
pub fn reads(key: &OutputKey, l: &Linked, source: Option<&PathBuf>) -> Vec<Fact> {
    let page_reads = |template: &'static str, key: &PageKey| {
        let mut facts = vec![
            Fact::Template(template),
            Fact::Template("sidebar.html"),
            Fact::Sidebar(key.clone()),
            Fact::PrevNext(key.clone()),
            Fact::HasCards,
            Fact::Assets,
        ];
        if let Some(folder) = crate::nav::Nav::crumbs_folder(key) {
            facts.push(Fact::Crumbs(folder.to_string()));
        }
        facts
    };
    let home = PageKey::Section(String::new());
    match key {
        OutputKey::Page(page @ PageRef::Nav(nav @ PageKey::Note(id))) => {
            let mut facts = page_reads(render::template(page), nav);
            facts.extend([
                Fact::Source(id.clone()),
                Fact::Body(id.clone()),
                Fact::Backlinks(id.clone()),
                Fact::Related(id.clone()),
                Fact::TopicsOf(id.clone()),
                Fact::TagsOf(id.clone()),
                Fact::LinkMap(id.clone()),
            ]);
            facts
        }
        OutputKey::Page(page @ PageRef::Nav(nav @ PageKey::Section(folder))) => {
            let mut facts = page_reads(render::template(page), nav);
            facts.push(Fact::Children(folder.clone()));
            if let Some(id) = l.site.nav.section(folder).and_then(|s| s.index.clone()) {
                facts.extend([Fact::Source(id.clone()), Fact::Body(id)]);
            }
            facts
        }
        // publish hook: a folder's print page reads its list of notes and each body on it.
        OutputKey::Page(page @ PageRef::Print(folder)) => {
            let mut facts = page_reads(render::template(page), &PageKey::Section(folder.clone()));
            facts.push(Fact::PrintList(folder.clone()));
            let sheet = render::print::sheet(l, folder);
            facts.extend(render::print::bodies(l, &sheet).into_iter().map(Fact::Body));
            facts
        }
        OutputKey::Page(page) => {
            let mut facts = page_reads(render::template(page), &home);
            facts.push(match page {
                PageRef::Tags => Fact::TagIndex,
                PageRef::Tag(k) => Fact::Tag(k.clone()),
                PageRef::Topics => Fact::TopicIndex,
                PageRef::Topic(k) => Fact::Topic(k.clone()),
                PageRef::Graph => Fact::VaultMap,
                PageRef::Cards(render::cards::CardPage::Deck(slug)) => Fact::Deck(slug.clone()),
                PageRef::Cards(render::cards::CardPage::Tag(tag)) => Fact::CardTag(tag.clone()),
                PageRef::Cards(_) => Fact::Decks,
                _ => return facts,
            });
            facts
        }
        // The note's title and place; which redirects there are is in the key.
        OutputKey::Redirect(_, id) => vec![Fact::Source(id.clone())],
        OutputKey::Sitemap => vec![Fact::Sitemap],
        OutputKey::Feed => vec![Fact::Feed],
        // Made from the config alone: a config change rebuilds everything.
        OutputKey::Robots => Vec::new(),
        OutputKey::SearchIndex => vec![Fact::SearchIndex],
        OutputKey::CardData(id) => vec![
            Fact::Source(id.clone()),
            Fact::Body(id.clone()),
            Fact::CardsOf(id.clone()),
        ],
        OutputKey::Asset(_) | OutputKey::Static(_) | OutputKey::MermaidScript => source
            .map(|s| vec![Fact::File(s.clone())])
            .unwrap_or_default(),
        // Built in, or made from the config (a config change rebuilds everything anyway); their
        // fingerprinted copies name each other.
        OutputKey::Theme(_) | OutputKey::SyntaxCss => vec![Fact::Assets],
    }
}

/// Computes the digests of facts over one state of the site. What many facts share of a note
/// (its title and place, as links to it show them) is computed once, as its card, and only
/// when some fact shows other notes (a body edit's facts do not).
pub struct Digester<'a> {
    l: &'a Linked,
    renderer: &'a Renderer,
    cards: std::sync::OnceLock<NoteCards<'a>>,
    /// What the topic pages among the facts show of each place: the digest of its excerpt,
    /// and what the note needs loaded (worked out once, on every core).
    places: HashMap<(&'a NoteId, Option<usize>), (u64, render::Needs)>,
}

/// Per note, what links to it and lists of it show: the digest of its title and site path,
/// and the path alone. Hashed fast (note ids are not chosen by an attacker).
type NoteCards<'a> = crate::hash::FastMap<&'a NoteId, (u64, &'a str)>;

/// The cards of every note of the site.
fn note_cards(site: &crate::site::Site, parallel: bool) -> NoteCards<'_> {
    fn card<'s>((id, p): (&'s NoteId, &'s crate::site::Page)) -> (&'s NoteId, (u64, &'s str)) {
        (
            id,
            (crate::hash::digest(&(&p.title, &p.path)), p.path.as_str()),
        )
    }
    let all: Vec<(&NoteId, (u64, &str))> = if parallel {
        site.pages.par_iter().map(card).collect()
    } else {
        site.pages.iter().map(card).collect()
    };
    let mut cards = HashMap::with_capacity_and_hasher(all.len(), Default::default());
    cards.extend(all);
    cards
}

/// Whether a fact's digest takes the cards of other notes (or the places of card notes).
fn shows_cards(fact: &Fact) -> bool {
    matches!(
        fact,
        Fact::Backlinks(_)
            | Fact::Related(_)
            | Fact::LinkMap(_)
            | Fact::Tag(_)
            | Fact::VaultMap
            | Fact::Decks
            | Fact::Deck(_)
            | Fact::CardTag(_)
    )
}

impl<'a> Digester<'a> {
    /// A digester over the site as it is now, for `facts` (excerpts of topic places come
    /// from `excerpts`, and are kept there).
    pub fn new(
        l: &'a Linked,
        renderer: &'a Renderer,
        excerpts: &render::Excerpts,
        facts: &[Fact],
    ) -> Digester<'a> {
        let cards = std::sync::OnceLock::new();
        if facts.iter().any(shows_cards) {
            let _ = cards.set(note_cards(&l.site, true));
        }
        let shown: std::collections::HashSet<(&NoteId, Option<usize>)> = facts
            .iter()
            .filter_map(|f| match f {
                Fact::Topic(key) => l.taxonomy.topics.get(key),
                _ => None,
            })
            .flat_map(|t| t.coverage.iter().map(|c| (&c.note, c.heading)))
            .collect();
        let places = shown
            .into_par_iter()
            .map(|place| (place, Self::place(l, excerpts, place)))
            .collect();
        Digester {
            l,
            renderer,
            cards,
            places,
        }
    }

    /// What a topic page shows of a place: its excerpt's digest (the excerpt is rendered and
    /// kept unless kept: the page takes it from there), and what its note needs loaded.
    fn place(
        l: &Linked,
        excerpts: &render::Excerpts,
        (id, heading): (&NoteId, Option<usize>),
    ) -> (u64, render::Needs) {
        (
            excerpts.digest(&l.site, &l.graph, id, heading),
            render::Needs::of(&l.site, &l.graph, id),
        )
    }

    /// The cards of every note: worked out above for the facts that show them; on one thread
    /// here otherwise (a parallel loop inside a parallel loop's lazy value could wait on
    /// itself).
    fn cards(&self) -> &NoteCards<'a> {
        self.cards.get_or_init(|| note_cards(&self.l.site, false))
    }

    /// What a link to a note shows of it: its title and site path (as [`fragments`] read them).
    fn card(&self, id: &NoteId) -> Option<u64> {
        self.cards().get(id).map(|c| c.0)
    }

    /// The digest of one fact.
    pub fn digest(&self, fact: &Fact) -> u64 {
        let l = self.l;
        let mut h = crate::hash::Digester::new();
        match fact {
            Fact::Template(name) => self.renderer.template_hash(name).hash(&mut h),
            Fact::Source(id) => l
                .site
                .pages
                .get(id)
                .map(|p| (p.note.source_hash, &p.title, &p.path, &p.section))
                .hash(&mut h),
            Fact::Body(id) => render::content_key(&l.site, &l.graph, id).hash(&mut h),
            Fact::Sidebar(key) => l.site.nav.sidebar_key(key).hash(&mut h),
            Fact::Crumbs(folder) => fragments::breadcrumbs(l, &note_in(folder)).hash(&mut h),
            Fact::PrevNext(key) => {
                let (prev, next) = l.site.nav.neighbours(key);
                let nav = &l.site.nav;
                (
                    prev.and_then(|k| nav.title_path(k)),
                    next.and_then(|k| nav.title_path(k)),
                )
                    .hash(&mut h)
            }
            Fact::Backlinks(id) => {
                for b in l.graph.backlinks.get(id).into_iter().flatten() {
                    (self.card(&b.from), &b.context, b.embed).hash(&mut h);
                }
            }
            Fact::Related(id) => {
                for other in l.taxonomy.related.get(id).into_iter().flatten() {
                    self.card(other).hash(&mut h);
                }
            }
            Fact::TopicsOf(id) => {
                let topics = &l.taxonomy.topics;
                for &i in topics.of_note.get(id).into_iter().flatten() {
                    (&topics.list[i].title, &topics.list[i].path).hash(&mut h);
                }
            }
            Fact::TagsOf(id) => {
                let tags = &l.taxonomy.tags;
                for k in tags.of_note.get(id).into_iter().flat_map(|k| k.iter()) {
                    tags.by_key.get(k).map(|t| (&t.name, &t.path)).hash(&mut h);
                }
            }
            Fact::LinkMap(id) => {
                // Neighbours are drawn sorted by title: a change of title is a change of card.
                let mut around: Vec<(&NoteId, bool)> = l
                    .graph
                    .outgoing
                    .get(id)
                    .into_iter()
                    .flatten()
                    .map(|to| (to, true))
                    .collect();
                for b in l.graph.backlinks.get(id).into_iter().flatten() {
                    if !around.iter().any(|(n, _)| *n == &b.from) {
                        around.push((&b.from, false));
                    }
                }
                around.sort();
                self.card(id).hash(&mut h);
                for (n, outgoing) in around {
                    (n, self.card(n), outgoing).hash(&mut h);
                }
            }
            Fact::Children(folder) => {
                let section = l.site.nav.section(folder).map(|s| (&s.title, &s.path));
                (section, fragments::children(l, folder)).hash(&mut h)
            }
            Fact::TagIndex => fragments::tag_index(l).hash(&mut h),
            Fact::Tag(key) => {
                let tags = &l.taxonomy.tags;
                tags.by_key
                    .get(key)
                    .map(|t| (&t.name, &t.path))
                    .hash(&mut h);
                for id in tags.notes_under(key) {
                    let description = l.site.pages.get(&id).map(|p| &p.note.front.description);
                    (self.card(&id), description).hash(&mut h);
                }
                for t in tags.children(key) {
                    (&t.name, &t.path).hash(&mut h);
                    tags.notes_under(&crate::taxonomy::tags::key(&t.name))
                        .len()
                        .hash(&mut h);
                }
            }
            Fact::TopicIndex => fragments::topic_index(l).hash(&mut h),
            Fact::Topic(key) => {
                let topic = l.taxonomy.topics.get(key).map(|t| (&t.title, &t.path));
                topic.hash(&mut h);
                // What fragments::topic_page shows of each place, and its body.
                for c in l
                    .taxonomy
                    .topics
                    .get(key)
                    .into_iter()
                    .flat_map(|t| &t.coverage)
                {
                    let Some(page) = l.site.pages.get(&c.note) else {
                        continue;
                    };
                    let anchor = c
                        .heading
                        .and_then(|i| page.parsed.headings.get(i))
                        .map(|h| &h.anchor);
                    let shown = self.places.get(&(&c.note, c.heading));
                    (&page.title, &page.path, anchor, c, shown).hash(&mut h);
                }
            }
            Fact::VaultMap => {
                for (id, page) in &l.site.pages {
                    if page.section.is_none() {
                        (id, self.card(id)).hash(&mut h);
                    }
                }
                for (from, targets) in &l.graph.outgoing {
                    (from, targets).hash(&mut h);
                }
            }
            Fact::Sitemap => {
                let site = &l.site;
                for key in site.nav.reading_order() {
                    let note = match key {
                        PageKey::Note(id) => site.pages.get(id),
                        PageKey::Section(f) => site
                            .nav
                            .section(f)
                            .and_then(|s| s.index.as_ref())
                            .and_then(|id| site.pages.get(id)),
                    };
                    let dates = note.map(|p| (&p.note.front.updated, &p.note.front.date));
                    (site.nav.title_path(key).map(|(_, path)| path), dates).hash(&mut h);
                }
            }
            Fact::HasCards => l.taxonomy.decks.cards.is_empty().hash(&mut h),
            Fact::Decks => {
                let decks = &l.taxonomy.decks;
                for d in &decks.decks {
                    (&d.name, &d.slug, d.total).hash(&mut h);
                }
                let places = self.cards();
                for c in &decks.cards {
                    (&c.id, &c.note, c.deck, &c.tags).hash(&mut h);
                    places.get(&c.note).map(|c| c.1).hash(&mut h);
                }
                for (tag, list) in &decks.tags {
                    (tag, list).hash(&mut h);
                }
            }
            Fact::Deck(slug) => {
                let decks = &l.taxonomy.decks;
                if let Some(deck) = decks.by_slug(slug) {
                    for d in decks.decks.iter().filter(|d| deck.contains(d)) {
                        deck_shown(d, &mut h);
                    }
                    self.card_notes(decks.cards_under(deck), &mut h);
                }
            }
            Fact::CardTag(tag) => {
                let decks = &l.taxonomy.decks;
                if let Some((key, list)) = decks.tags.get_key_value(tag) {
                    key.hash(&mut h);
                    let mut used: Vec<usize> = list.iter().map(|&i| decks.cards[i].deck).collect();
                    used.sort_unstable();
                    used.dedup();
                    for d in used.into_iter().map(|d| &decks.decks[d]) {
                        deck_shown(d, &mut h);
                    }
                    self.card_notes(list.iter().copied(), &mut h);
                }
            }
            Fact::CardsOf(id) => {
                let decks = &l.taxonomy.decks;
                for &i in decks.by_note.get(id).into_iter().flatten() {
                    let c = &decks.cards[i];
                    (&c.id, &decks.decks[c.deck].name, &c.tags, i).hash(&mut h);
                }
            }
            Fact::SearchIndex => {
                let config = &l.site.config.search;
                (config.enabled, &config.exclude).hash(&mut h);
                for (id, p) in &l.site.pages {
                    (id, p.note.source_hash, &p.title, &p.path).hash(&mut h);
                }
            }
            Fact::File(path) => std::fs::metadata(path)
                .ok()
                .map(|m| crate::output::Stamp::of_source(&m))
                .hash(&mut h),
            Fact::Assets => self.renderer.assets().hash(&mut h),
            Fact::Feed => crate::publish::feed::entries(&l.site).hash(&mut h),
            Fact::PrintList(folder) => render::print::list_key(l, folder).hash(&mut h),
        }
        h.finish()
    }
}

/// What a study page shows of a deck it lists.
fn deck_shown(d: &crate::cards::Deck, h: &mut impl Hasher) {
    (&d.path, &d.name, &d.title, &d.slug, d.total).hash(h);
}

impl Digester<'_> {
    /// The notes of these cards and their places (a study page loads their data scripts).
    fn card_notes(&self, cards: impl IntoIterator<Item = usize>, h: &mut impl Hasher) {
        let decks = &self.l.taxonomy.decks;
        let places = self.cards();
        for i in cards {
            let note = &decks.cards[i].note;
            (note, places.get(note).map(|c| c.1)).hash(h);
        }
    }
}

/// A note key standing for any note of a folder, to ask navigation about the folder's chain.
fn note_in(folder: &str) -> PageKey {
    let path = if folder.is_empty() {
        "_.md".to_string()
    } else {
        format!("{folder}/_.md")
    };
    PageKey::Note(NoteId::new(&path))
}
