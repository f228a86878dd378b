//! One function per kind of page: a note, a section (folder), the home page and the 404 page.
//! Each builds the page's view and renders its template; none of them writes files.

use super::Renderer;
use super::content::{content_key, note_html};
use super::linkmap::{self, MapNode};
use super::views::*;
use crate::diagnostics::Diagnostic;
use crate::graph::Graph;
use crate::nav::{Child, PageKey, PageLink};
use crate::paths;
use crate::site::{Page, Site};
use crate::taxonomy::Taxonomy;
use std::hash::{Hash, Hasher};
use tera::Context;

/// Everything a page needs to render.
#[derive(Clone, Copy)]
pub struct PageContext<'a> {
    /// The site.
    pub site: &'a Site,
    /// Resolved links.
    pub graph: &'a Graph,
    /// Tags, topics, related notes.
    pub taxonomy: &'a Taxonomy,
    /// Each note's content key, worked out once per build.
    pub content_keys: &'a std::collections::HashMap<crate::vault::NoteId, u64>,
    /// Templates.
    pub renderer: &'a Renderer,
    /// Only work out each page's fingerprint (what its HTML depends on), without rendering
    /// it: far cheaper, and enough to tell which pages an edit changed.
    pub fingerprint_only: bool,
}

/// A rendered page: the file to write and its HTML, plus warnings found while rendering.
#[derive(Debug)]
pub struct RenderedPage {
    /// Output path (`ec2/pricing/index.html`).
    pub file: String,
    /// The page.
    pub html: String,
    /// Warnings (embed cycles).
    pub diagnostics: Vec<Diagnostic>,
    /// A hash of everything the page's HTML depends on: equal fingerprints, equal pages.
    pub fingerprint: u64,
}

/// Every page of the site, in reading order.
pub fn page_keys(site: &Site) -> Vec<PageKey> {
    site.nav.reading_order().to_vec()
}

/// Words a minute, for reading time.
const WORDS_PER_MINUTE: usize = 200;

impl<'a> PageContext<'a> {
    /// The content key of a note (or one of its sections), from the build's table.
    pub fn content_key(&self, id: &crate::vault::NoteId, heading: Option<usize>) -> u64 {
        let whole = self
            .content_keys
            .get(id)
            .copied()
            .unwrap_or_else(|| content_key(self.site, self.graph, id, None));
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (whole, heading).hash(&mut h);
        h.finish()
    }

    /// A root-relative URL for a site path.
    pub fn url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.site.config.base_path(),
            paths::encode_path(path)
        )
    }

    fn link(&self, link: PageLink) -> LinkView {
        LinkView {
            url: self.url(&link.path),
            title: link.title,
        }
    }

    fn nav(&self, key: &PageKey) -> Vec<NavView> {
        self.site
            .nav
            .sidebar(key)
            .into_iter()
            .map(|e| NavView {
                url: self.url(&e.path),
                title: e.title,
                depth: e.depth,
                is_section: e.is_section,
                is_open: e.is_open,
                more: e.more,
            })
            .collect()
    }

    /// The view of a page, with the parts that come from its note (if it has one).
    pub fn view(
        &self,
        key: &PageKey,
        kind: &'static str,
        title: &'a str,
        path: &str,
        note: Option<&'a Page>,
    ) -> (PageView<'a>, Vec<Diagnostic>) {
        let (prev, next) = self.site.nav.prev_next(key);
        let mut view = PageView {
            kind,
            title,
            description: None,
            url: self.url(path),
            permalink: self.site.config.absolute_url(&paths::encode_path(path)),
            content: String::new(),
            title_anchor: None,
            tags: Vec::new(),
            date: None,
            updated: None,
            word_count: 0,
            reading_minutes: 0,
            source: "",
            extra: None,
            toc: Vec::new(),
            breadcrumbs: self
                .site
                .nav
                .breadcrumbs(key)
                .into_iter()
                .map(|l| self.link(l))
                .collect(),
            prev: prev.map(|l| self.link(l)),
            next: next.map(|l| self.link(l)),
            children: Vec::new(),
            backlinks: Vec::new(),
            has_code: false,
            related: Vec::new(),
            topics: Vec::new(),
            linkmap: String::new(),
            entries: Vec::new(),
            sections: Vec::new(),
            has_browser_diagrams: false,
            card_count: 0,
            site_has_cards: !self.taxonomy.decks.cards.is_empty(),
            cards: None,
            content_key: 0,
        };
        let Some(page) = note else {
            return (view, Vec::new());
        };
        let parsed = &page.parsed;
        let front = &page.note.front;
        // A note that opens with its title as `# heading` shows it once, as the page title.
        let title_heading = parsed
            .headings
            .first()
            .filter(|h| parsed.starts_with_h1 && h.text == page.title);
        view.content_key = self.content_key(&page.note.id, None);
        let mut diagnostics = Vec::new();
        if !self.fingerprint_only {
            let (content, found) = note_html(
                self.site,
                self.graph,
                &page.note.id,
                title_heading.is_some(),
            );
            diagnostics = found;
            // Embedded notes bring their diagrams along, so look at the whole content.
            view.has_browser_diagrams = content.contains("<pre class=\"mermaid\"");
            view.content = content;
        }
        view.title_anchor = title_heading.map(|h| h.anchor.as_str());
        view.description = front.description.as_deref();
        view.tags = self
            .taxonomy
            .tags
            .of_note
            .get(&page.note.id)
            .map(|keys| {
                keys.iter()
                    .filter_map(|k| self.taxonomy.tags.by_key.get(k))
                    .map(|t| TagView {
                        name: &t.name,
                        url: self.url(&t.path),
                    })
                    .collect()
            })
            .unwrap_or_default();
        view.date = front.date.as_deref();
        view.updated = front.updated.as_deref();
        view.word_count = parsed.word_count;
        view.reading_minutes = parsed.word_count.div_ceil(WORDS_PER_MINUTE).max(1);
        view.source = page.note.id.as_str();
        view.extra = Some(&front.extra);
        view.has_code = parsed.has_code;
        view.card_count = crate::cards::study_count(&parsed.cards);
        view.toc = parsed
            .headings
            .iter()
            .enumerate()
            .filter(|(i, h)| h.level <= 4 && !(*i == 0 && title_heading.is_some()))
            .map(|(_, h)| TocEntry {
                level: h.level,
                text: &h.text,
                anchor: &h.anchor,
            })
            .collect();
        view.backlinks = self
            .graph
            .backlinks
            .get(&page.note.id)
            .map(|list| {
                list.iter()
                    .filter_map(|b| {
                        let from = self.site.pages.get(&b.from)?;
                        Some(BacklinkView {
                            title: &from.title,
                            url: self.url(&from.path),
                            context: &b.context,
                            embed: b.embed,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        view.related = self
            .taxonomy
            .related
            .get(&page.note.id)
            .map(|ids| ids.iter().filter_map(|id| self.page_link(id)).collect())
            .unwrap_or_default();
        view.topics = self
            .taxonomy
            .topics
            .of_note
            .get(&page.note.id)
            .map(|list| {
                list.iter()
                    .map(|&i| {
                        let t = &self.taxonomy.topics.list[i];
                        LinkView {
                            title: t.title.clone(),
                            url: self.url(&t.path),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        view.linkmap = self.local_map(page);
        (view, diagnostics)
    }

    fn page_link(&self, id: &crate::vault::NoteId) -> Option<LinkView> {
        let page = self.site.pages.get(id)?;
        Some(LinkView {
            title: page.title.clone(),
            url: self.url(&page.path),
        })
    }

    /// A map node for a note, coloured by its top-level folder.
    pub fn map_node(&self, page: &Page) -> MapNode {
        let top = page.note.id.as_str().split('/').next().unwrap_or("");
        let group = if page.note.id.folder().is_empty() {
            0
        } else {
            top.bytes()
                .fold(7usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize))
                % 7
                + 1
        };
        MapNode {
            title: page.title.clone(),
            url: self.url(&page.path),
            group,
        }
    }

    fn local_map(&self, page: &Page) -> String {
        let id = &page.note.id;
        let outgoing = self.graph.outgoing.get(id);
        let mut neighbours: Vec<(MapNode, bool)> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for to in outgoing.into_iter().flatten() {
            if let Some(p) = self.site.pages.get(to)
                && seen.insert(to.clone())
            {
                neighbours.push((self.map_node(p), true));
            }
        }
        for b in self.graph.backlinks.get(id).into_iter().flatten() {
            if let Some(p) = self.site.pages.get(&b.from)
                && seen.insert(b.from.clone())
            {
                neighbours.push((self.map_node(p), false));
            }
        }
        if neighbours.is_empty() {
            return String::new();
        }
        neighbours.sort_by_cached_key(|n| n.0.title.to_lowercase());
        linkmap::local_map(&self.map_node(page), &neighbours)
    }

    /// Renders a view with a template.
    pub fn render(
        &self,
        template: &str,
        key: &PageKey,
        view: PageView<'a>,
        file: String,
        diagnostics: Vec<Diagnostic>,
    ) -> Result<RenderedPage, Diagnostic> {
        let mut view = view;
        let entries = self.nav(key);
        let templates = (
            self.renderer.template_hash(template),
            self.renderer.template_hash("sidebar.html"),
        );
        let fingerprint = fingerprint(templates, &entries, &mut view);
        if self.fingerprint_only {
            return Ok(RenderedPage {
                file,
                html: String::new(),
                diagnostics,
                fingerprint,
            });
        }
        let sidebar = self.renderer.sidebar(&entries, &view.url)?;
        let mut context = Context::new();
        context.insert("sidebar", &sidebar);
        context.insert("page", &view);
        let html = self.renderer.render(template, &context)?;
        Ok(RenderedPage {
            file,
            html,
            diagnostics,
            fingerprint,
        })
    }
}

/// Feeds what it writes to a hasher.
struct HashWriter<'h, H: Hasher>(&'h mut H);

impl<H: Hasher> std::io::Write for HashWriter<'_, H> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a page's HTML depends on: the template, the sidebar, the view, and (through
/// `content_key`) the notes it shows. The parts of the view derived from those notes' HTML are
/// left out, so the fingerprint is the same whether the page was rendered or not.
fn fingerprint(templates: (u64, u64), sidebar: &[NavView], view: &mut PageView<'_>) -> u64 {
    let content = std::mem::take(&mut view.content);
    let browser = std::mem::take(&mut view.has_browser_diagrams);
    let sections: Vec<String> = view
        .sections
        .iter_mut()
        .map(|s| std::mem::take(&mut s.html))
        .collect();
    let map = if view.kind == "graph" {
        std::mem::take(&mut view.linkmap)
    } else {
        String::new()
    };
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (templates, sidebar, view.content_key).hash(&mut h);
    let _ = serde_json::to_writer(HashWriter(&mut h), &*view);
    let fingerprint = h.finish();
    view.content = content;
    view.has_browser_diagrams = browser;
    for (section, html) in view.sections.iter_mut().zip(sections) {
        section.html = html;
    }
    if view.kind == "graph" {
        view.linkmap = map;
    }
    fingerprint
}

/// Renders one page of the site.
pub fn render_page(ctx: PageContext<'_>, key: &PageKey) -> Result<RenderedPage, Diagnostic> {
    match key {
        PageKey::Note(id) => {
            let page = ctx.site.pages.get(id).ok_or_else(|| {
                Diagnostic::error(id.as_str(), 0, 0, "note vanished while rendering")
            })?;
            let (view, diagnostics) = ctx.view(key, "note", &page.title, &page.path, Some(page));
            ctx.render(
                "page.html",
                key,
                view,
                paths::page_file(&page.path),
                diagnostics,
            )
        }
        PageKey::Section(folder) => {
            let section = ctx.site.nav.section(folder).ok_or_else(|| {
                Diagnostic::error(folder.as_str(), 0, 0, "folder vanished while rendering")
            })?;
            let note = section.index.as_ref().and_then(|id| ctx.site.pages.get(id));
            let kind = if folder.is_empty() {
                "index"
            } else {
                "section"
            };
            let (mut view, diagnostics) = ctx.view(key, kind, &section.title, &section.path, note);
            view.children = section
                .children
                .iter()
                .filter_map(|c| child_view(ctx, c))
                .collect();
            let template = if folder.is_empty() {
                "index.html"
            } else {
                "section.html"
            };
            ctx.render(
                template,
                key,
                view,
                paths::page_file(&section.path),
                diagnostics,
            )
        }
    }
}

/// A note or folder as an entry of a listing.
pub(super) fn child_view<'a>(ctx: PageContext<'a>, child: &Child) -> Option<ChildView<'a>> {
    match child {
        Child::Note(id) => {
            let page = ctx.site.pages.get(id)?;
            Some(ChildView {
                title: &page.title,
                url: ctx.url(&page.path),
                is_section: false,
                description: page.note.front.description.as_deref(),
                count: 0,
            })
        }
        Child::Section(folder) => {
            let section = ctx.site.nav.section(folder)?;
            let description = section
                .index
                .as_ref()
                .and_then(|id| ctx.site.pages.get(id))
                .and_then(|p| p.note.front.description.as_deref());
            Some(ChildView {
                title: &section.title,
                url: ctx.url(&section.path),
                is_section: true,
                description,
                count: section.children.len(),
            })
        }
    }
}

/// Renders the 404 page.
pub fn render_404(ctx: PageContext<'_>) -> Result<RenderedPage, Diagnostic> {
    let key = PageKey::Section(String::new());
    let (mut view, _) = ctx.view(&key, "404", "Page not found", "404.html", None);
    view.breadcrumbs.clear();
    view.prev = None;
    view.next = None;
    view.url = ctx.url("404.html");
    ctx.render("404.html", &key, view, "404.html".into(), Vec::new())
}
