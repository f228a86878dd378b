//! Pages made from the whole vault rather than one note: the tags index and one page per tag,
//! the topics index and one page per topic, the map of all notes, and the 404 page.

use super::PageRef;
use super::content::Needs;
use super::fragments::{self, EntryItem};
use super::linkmap;
use super::pages::{Generated, PageContext, RenderedPage};
use super::views::*;
use crate::diagnostics::Diagnostic;
use crate::paths;

/// Renders one generated page.
pub fn render(ctx: PageContext<'_>, page: &PageRef) -> Result<RenderedPage, Diagnostic> {
    let l = ctx.linked;
    match page {
        PageRef::Tags => {
            let g = Generated::new(ctx, "tags/");
            let chrome = g.chrome(PageKind::Tags, "Tags");
            let own = chrome.url.clone();
            let view = ListingView {
                chrome,
                entries: entries(&g, fragments::tag_index(l)),
                children: Vec::new(),
            };
            g.finish(page, &view, &own, "tags/index.html".into(), Vec::new())
        }
        PageRef::Tag(key) => {
            let info =
                l.taxonomy.tags.by_key.get(key).ok_or_else(|| {
                    Diagnostic::error("tags", 0, 0, format!("unknown tag `{key}`"))
                })?;
            let title = format!("#{}", info.name);
            let g = Generated::new(ctx, &info.path);
            let mut chrome = g.chrome(PageKind::Tag, &title);
            chrome.breadcrumbs = vec![g.link(fragments::Item {
                title: "Tags".into(),
                path: "tags/".into(),
            })];
            let own = chrome.url.clone();
            let (notes, nested) = fragments::tag_page(l, key);
            let view = ListingView {
                chrome,
                entries: entries(&g, nested),
                children: notes
                    .into_iter()
                    .map(|c| ChildView {
                        url: g.links.href(&c.item.path),
                        title: c.item.title,
                        is_section: c.is_section,
                        description: c.description,
                        count: c.count,
                    })
                    .collect(),
            };
            g.finish(page, &view, &own, paths::page_file(&info.path), Vec::new())
        }
        PageRef::Topics => {
            let g = Generated::new(ctx, "topics/");
            let chrome = g.chrome(PageKind::Topics, "Topics");
            let own = chrome.url.clone();
            let view = ListingView {
                chrome,
                entries: entries(&g, fragments::topic_index(l)),
                children: Vec::new(),
            };
            g.finish(page, &view, &own, "topics/index.html".into(), Vec::new())
        }
        PageRef::Topic(key) => {
            let topic = l
                .taxonomy
                .topics
                .get(key)
                .ok_or_else(|| Diagnostic::error("topics", 0, 0, "unknown topic"))?;
            let g = Generated::new(ctx, &topic.path);
            let mut chrome = g.chrome(PageKind::Topic, &topic.title);
            chrome.breadcrumbs = vec![g.link(fragments::Item {
                title: "Topics".into(),
                path: "topics/".into(),
            })];
            let mut diagnostics = Vec::new();
            let mut sections = Vec::new();
            let mut needs = Needs::default();
            for c in fragments::topic_page(l, key) {
                let (html, found) = g.section_html(&c.note, c.heading);
                diagnostics.extend(found);
                needs = needs.with(Needs::of(&l.site, &l.graph, &c.note));
                sections.push(SectionView {
                    url: g.links.href(&c.item.path),
                    title: c.item.title,
                    html,
                });
            }
            chrome.has_code = needs.code;
            chrome.has_browser_diagrams = needs.browser_diagrams;
            chrome.has_math = needs.math;
            let own = chrome.url.clone();
            let view = TopicView { chrome, sections };
            g.finish(
                page,
                &view,
                &own,
                paths::page_file(&topic.path),
                diagnostics,
            )
        }
        PageRef::Graph => {
            let g = Generated::new(ctx, "graph/");
            let chrome = g.chrome(PageKind::Graph, "Map of notes");
            let own = chrome.url.clone();
            let (nodes, edges, all) = fragments::vault_map(l);
            let map = linkmap::vault_map(&nodes, &edges, &ctx.renderer.layouts);
            let view = MapView {
                chrome,
                linkmap: g.links.resolve(&map),
                map_notes: nodes.len(),
                all_notes: all,
            };
            g.finish(page, &view, &own, "graph/index.html".into(), Vec::new())
        }
        PageRef::NotFound => {
            let g = Generated::new(ctx, "404.html");
            let chrome = g.chrome(PageKind::NotFound, "Page not found");
            let own = chrome.url.clone();
            let view = MapView {
                chrome,
                linkmap: String::new(),
                map_notes: 0,
                all_notes: 0,
            };
            g.finish(page, &view, &own, "404.html".into(), Vec::new())
        }
        PageRef::Search => {
            let g = Generated::new(ctx, crate::search::PAGE);
            let chrome = g.chrome(PageKind::Search, "Search");
            let own = chrome.url.clone();
            let view = MapView {
                chrome,
                linkmap: String::new(),
                map_notes: 0,
                all_notes: 0,
            };
            let file = paths::page_file(crate::search::PAGE);
            g.finish(page, &view, &own, file, Vec::new())
        }
        PageRef::Cards(card_page) => super::cards::render(ctx, page, card_page),
        PageRef::Nav(_) | PageRef::Print(_) => super::pages::render(ctx, page),
    }
}

fn entries(g: &Generated<'_>, items: Vec<EntryItem>) -> Vec<EntryView> {
    items
        .into_iter()
        .map(|e| EntryView {
            url: g.links.href(&e.item.path),
            title: e.item.title,
            count: e.count,
            depth: e.depth,
        })
        .collect()
}
