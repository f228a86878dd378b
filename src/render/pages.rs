//! One function per kind of page. Each builds its kind's view from the linked site and the
//! [fragments](super::fragments), turns site paths into URLs from the page, and renders its
//! template; none of them writes files.

use super::content::Needs;
use super::fragments::{self, Item};
use super::linkmap;
use super::views::*;
use super::{PageRef, Renderer};
use crate::diagnostics::Diagnostic;
use crate::linked::Linked;
use crate::nav::PageKey;
use crate::paths::{self, Links};
use crate::site::Page;
use serde::Serialize;
use tera::Context;

/// Everything a page needs to render.
#[derive(Clone, Copy)]
pub struct PageContext<'a> {
    /// The linked site.
    pub linked: &'a Linked,
    /// Templates.
    pub renderer: &'a Renderer,
    /// Excerpts of sections rendered before.
    pub excerpts: &'a super::Excerpts,
}

/// A rendered page: the file to write and its HTML, plus warnings found while rendering.
#[derive(Debug)]
pub struct RenderedPage {
    /// Output path (`ec2/pricing/index.html`).
    pub file: String,
    /// The page.
    pub html: String,
    /// Warnings (embed cycles, embeds over budget).
    pub diagnostics: Vec<Diagnostic>,
}

/// Words a minute, for reading time.
const WORDS_PER_MINUTE: usize = 200;

/// The template of each page.
pub fn template(page: &PageRef) -> &'static str {
    match page {
        PageRef::Nav(PageKey::Note(_)) => "page.html",
        PageRef::Nav(PageKey::Section(f)) if f.is_empty() => "index.html",
        PageRef::Nav(PageKey::Section(_)) => "section.html",
        PageRef::Tags => "tags.html",
        PageRef::Tag(_) => "tag.html",
        PageRef::Topics => "topics.html",
        PageRef::Topic(_) => "topic.html",
        PageRef::Graph => "graph.html",
        PageRef::NotFound => "404.html",
        PageRef::Search => "search.html",
        PageRef::Cards(super::cards::CardPage::Index) => "cards.html",
        PageRef::Cards(_) => "deck.html",
        PageRef::Print(_) => "print.html",
    }
}

impl<'a> PageContext<'a> {
    fn links(&self, page_path: &str) -> Links {
        Links::from_page(page_path, !self.linked.site.config.pretty_urls)
    }

    fn link(links: &Links, item: Item) -> LinkView {
        LinkView {
            url: links.href(&item.path),
            title: item.title,
        }
    }

    /// The chrome of a page at `path`, with navigation for `key` (`None`: no breadcrumbs or
    /// previous/next, as on generated pages).
    fn chrome(
        &self,
        kind: PageKind,
        title: &'a str,
        path: &str,
        key: Option<&PageKey>,
        links: &Links,
    ) -> Chrome<'a> {
        let (breadcrumbs, (prev, next)) = match key {
            Some(k) => (
                fragments::breadcrumbs(self.linked, k),
                fragments::prev_next(self.linked, k),
            ),
            None => (Vec::new(), (None, None)),
        };
        let config = &self.linked.site.config;
        let permalink = config.absolute_url(&paths::encode_path(path));
        Chrome {
            kind,
            title,
            description: None,
            url: links.href(path),
            canonical: (config.has_host() && kind != PageKind::NotFound).then(|| permalink.clone()),
            summary: None,
            permalink,
            root: links.root().to_string(),
            index: if self.linked.site.config.pretty_urls {
                ""
            } else {
                "index.html"
            },
            breadcrumbs: breadcrumbs
                .into_iter()
                .map(|i| Self::link(links, i))
                .collect(),
            prev: prev.map(|i| Self::link(links, i)),
            next: next.map(|i| Self::link(links, i)),
            toc: Vec::new(),
            title_anchor: None,
            has_code: false,
            has_browser_diagrams: false,
            has_math: false,
            has_cards: !self.linked.taxonomy.decks.cards.is_empty(),
            css_classes: String::new(),
        }
    }

    /// The note's own parts of the chrome, and its body.
    fn note_parts(
        &self,
        page: &'a Page,
        chrome: &mut Chrome<'a>,
        links: &Links,
    ) -> (String, Vec<Diagnostic>) {
        let parsed = &page.parsed;
        // A note whose first `# heading` is its title shows it once, as the page title.
        let title_index = parsed.title_heading(&page.title);
        let title_heading = title_index.map(|i| &parsed.headings[i]);
        let (content, diagnostics) = self.excerpts.body(
            &self.linked.site,
            &self.linked.graph,
            &page.note.id,
            title_index,
        );
        // Embedded notes bring their diagrams and code along.
        let needs = Needs::of(&self.linked.site, &self.linked.graph, &page.note.id);
        chrome.has_browser_diagrams = needs.browser_diagrams;
        chrome.has_code = needs.code;
        chrome.has_math = needs.math;
        chrome.title_anchor = title_heading.map(|h| h.anchor.as_str());
        chrome.description = page.note.front.description.as_deref();
        chrome.summary = crate::publish::excerpt::description(page);
        chrome.css_classes = page.note.front.cssclasses.join(" ");
        chrome.toc = parsed
            .headings
            .iter()
            .enumerate()
            .filter(|(i, h)| h.level <= 4 && Some(*i) != title_index)
            .map(|(_, h)| TocEntry {
                level: h.level,
                text: &h.text,
                anchor: &h.anchor,
            })
            .collect();
        (links.resolve(&content), diagnostics)
    }

    /// Renders a view with the page's template and sidebar.
    pub(super) fn finish(
        &self,
        page: &PageRef,
        key: &PageKey,
        view: &impl Serialize,
        own_url: &str,
        links: &Links,
        (file, diagnostics): (String, Vec<Diagnostic>),
    ) -> Result<RenderedPage, Diagnostic> {
        let entries = self.nav(key, links);
        let sidebar = self.renderer.sidebar(&entries, own_url, links.root())?;
        let mut context = Context::new();
        context.insert("sidebar", &sidebar);
        context.insert("page", view);
        context.insert(
            crate::publish::assets::CONTEXT_KEY,
            self.renderer.assets().pairs(),
        );
        let html = self.renderer.render(template(page), &context)?;
        Ok(RenderedPage {
            file,
            html,
            diagnostics,
        })
    }

    fn nav(&self, key: &PageKey, links: &Links) -> Vec<NavView> {
        self.linked
            .site
            .nav
            .sidebar(key)
            .into_iter()
            .map(|e| NavView {
                url: links.href(&e.path),
                title: e.title,
                depth: e.depth,
                is_section: e.is_section,
                is_open: e.is_open,
                more: e.more,
            })
            .collect()
    }
}

/// Renders one page of the site.
pub fn render(ctx: PageContext<'_>, page: &PageRef) -> Result<RenderedPage, Diagnostic> {
    match page {
        PageRef::Nav(PageKey::Note(id)) => {
            let note = ctx.linked.site.pages.get(id).ok_or_else(|| {
                Diagnostic::error(id.as_str(), 0, 0, "note vanished while rendering")
            })?;
            render_note(ctx, page, note)
        }
        PageRef::Nav(key @ PageKey::Section(folder)) => render_section(ctx, page, key, folder),
        PageRef::Print(folder) => super::print::render(ctx, page, folder),
        _ => super::listing::render(ctx, page),
    }
}

fn render_note(
    ctx: PageContext<'_>,
    page: &PageRef,
    note: &Page,
) -> Result<RenderedPage, Diagnostic> {
    let l = ctx.linked;
    let id = &note.note.id;
    let key = PageKey::Note(id.clone());
    let links = ctx.links(&note.path);
    let mut chrome = ctx.chrome(PageKind::Note, &note.title, &note.path, Some(&key), &links);
    let (content, diagnostics) = ctx.note_parts(note, &mut chrome, &links);
    let own_url = chrome.url.clone();
    let tags = fragments::tags_of(l, id);
    let mut view = NoteView {
        chrome,
        content,
        tags: Vec::new(),
        date: note.note.front.date.as_deref(),
        updated: note.note.front.updated.as_deref(),
        word_count: note.parsed.word_count,
        reading_minutes: note.parsed.word_count.div_ceil(WORDS_PER_MINUTE).max(1),
        source: id.as_str(),
        extra: &note.note.front.extra,
        backlinks: fragments::backlinks(l, id)
            .into_iter()
            .map(|b| BacklinkView {
                url: links.href(&b.item.path),
                title: b.item.title,
                context: b.context,
                embed: b.embed,
            })
            .collect(),
        related: fragments::related(l, id)
            .into_iter()
            .map(|i| PageContext::link(&links, i))
            .collect(),
        topics: fragments::topics_of(l, id)
            .into_iter()
            .map(|i| PageContext::link(&links, i))
            .collect(),
        linkmap: String::new(),
        card_count: crate::cards::study_count(&note.parsed.cards),
    };
    view.tags = tags
        .iter()
        .map(|(name, path)| TagView {
            name,
            url: links.href(path),
        })
        .collect();
    let neighbours = fragments::neighbours(l, id);
    if !neighbours.is_empty()
        && let Some(center) = fragments::map_node(l, id)
    {
        view.linkmap = links.resolve(&linkmap::local_map(&center, &neighbours));
    }
    let file = paths::page_file(&note.path);
    ctx.finish(page, &key, &view, &own_url, &links, (file, diagnostics))
}

fn render_section(
    ctx: PageContext<'_>,
    page: &PageRef,
    key: &PageKey,
    folder: &str,
) -> Result<RenderedPage, Diagnostic> {
    let l = ctx.linked;
    let section = l
        .site
        .nav
        .section(folder)
        .ok_or_else(|| Diagnostic::error(folder, 0, 0, "folder vanished while rendering"))?;
    let note = section.index.as_ref().and_then(|id| l.site.pages.get(id));
    let kind = if folder.is_empty() {
        PageKind::Index
    } else {
        PageKind::Section
    };
    let links = ctx.links(&section.path);
    let mut chrome = ctx.chrome(kind, &section.title, &section.path, Some(key), &links);
    let (content, diagnostics) = match note {
        Some(n) => ctx.note_parts(n, &mut chrome, &links),
        None => (String::new(), Vec::new()),
    };
    let own_url = chrome.url.clone();
    let view = SectionPageView {
        chrome,
        content,
        children: fragments::children(l, folder)
            .into_iter()
            .map(|c| ChildView {
                url: links.href(&c.item.path),
                title: c.item.title,
                is_section: c.is_section,
                description: c.description,
                count: c.count,
            })
            .collect(),
        source: note.map_or("", |n| n.note.id.as_str()),
        extra: note.map(|n| &n.note.front.extra),
        print_url: ctx
            .linked
            .site
            .config
            .print
            .enabled
            .then(|| links.href(&format!("{}{}", section.path, super::print::FILE))),
    };
    let file = paths::page_file(&section.path);
    ctx.finish(page, key, &view, &own_url, &links, (file, diagnostics))
}

/// Generated pages share their rendering steps with notes' pages.
pub(super) struct Generated<'a> {
    pub(super) ctx: PageContext<'a>,
    pub(super) links: Links,
    pub(super) path: String,
}

impl<'a> Generated<'a> {
    /// A generated page at site path `path` (`tags/`, `404.html`).
    pub(super) fn new(ctx: PageContext<'a>, path: &str) -> Generated<'a> {
        let links = if path == "404.html" {
            // Hosts serve the 404 page at any URL, so its links start from the site root.
            Links::from_root(
                ctx.linked.site.config.base_path(),
                !ctx.linked.site.config.pretty_urls,
            )
        } else {
            ctx.links(path)
        };
        Generated {
            ctx,
            links,
            path: path.to_string(),
        }
    }

    pub(super) fn chrome(&self, kind: PageKind, title: &'a str) -> Chrome<'a> {
        self.ctx.chrome(kind, title, &self.path, None, &self.links)
    }

    pub(super) fn link(&self, item: Item) -> LinkView {
        PageContext::link(&self.links, item)
    }

    pub(super) fn finish(
        &self,
        page: &PageRef,
        view: &impl Serialize,
        own_url: &str,
        file: String,
        diagnostics: Vec<Diagnostic>,
    ) -> Result<RenderedPage, Diagnostic> {
        let home = PageKey::Section(String::new());
        self.ctx
            .finish(page, &home, view, own_url, &self.links, (file, diagnostics))
    }

    pub(super) fn section_html(
        &self,
        note: &crate::vault::NoteId,
        heading: Option<usize>,
    ) -> (String, Vec<Diagnostic>) {
        let (html, found) =
            self.ctx
                .excerpts
                .get(&self.ctx.linked.site, &self.ctx.linked.graph, note, heading);
        (self.links.resolve(&html), found)
    }
}
