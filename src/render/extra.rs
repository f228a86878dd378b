//! Pages made from the whole vault rather than one note: the tags index and one page per
//! tag, the topics index and one page per topic, the map of all notes, and (in `cards`) the
//! flashcard decks.

use super::content::section_html;
use super::linkmap::{self, MapNode};
use super::pages::{PageContext, RenderedPage, child_view};
use super::views::{ChildView, EntryView, SectionView};
use crate::diagnostics::Diagnostic;
use crate::nav::{Child, PageKey};
use crate::paths;
use crate::vault::NoteId;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// A generated page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExtraPage {
    /// `tags/`: every tag.
    Tags,
    /// `tags/<tag>/`: the notes of one tag (by key).
    Tag(String),
    /// `topics/`: every topic.
    Topics,
    /// `topics/<topic>/`: one topic (by index).
    Topic(usize),
    /// `graph/`: the map of all notes.
    Graph,
    /// The flashcard pages, data scripts and Anki files.
    Cards(super::cards::CardPage),
}

/// Every generated page of the site.
pub fn extra_pages(ctx: PageContext<'_>) -> Vec<ExtraPage> {
    let mut pages = vec![ExtraPage::Graph, ExtraPage::Tags, ExtraPage::Topics];
    pages.extend(ctx.taxonomy.tags.by_key.keys().cloned().map(ExtraPage::Tag));
    pages.extend((0..ctx.taxonomy.topics.list.len()).map(ExtraPage::Topic));
    pages.extend(
        super::cards::card_pages(&ctx.taxonomy.decks)
            .into_iter()
            .map(ExtraPage::Cards),
    );
    pages
}

/// Renders one generated page.
pub fn render_extra(ctx: PageContext<'_>, extra: &ExtraPage) -> Result<RenderedPage, Diagnostic> {
    let home = PageKey::Section(String::new());
    let tags = &ctx.taxonomy.tags;
    let topics = &ctx.taxonomy.topics;
    match extra {
        ExtraPage::Cards(page) => super::cards::render(ctx, page),
        ExtraPage::Tags => {
            let (mut view, _) = ctx.view(&home, "tags", "Tags", "tags/", None);
            view.entries = tags
                .by_key
                .iter()
                .map(|(key, t)| EntryView {
                    title: t.name.clone(),
                    url: ctx.url(&t.path),
                    count: tags.notes_under(key).len(),
                    depth: key.matches('/').count(),
                })
                .collect();
            clear_navigation(&mut view);
            ctx.render(
                "tags.html",
                &home,
                view,
                "tags/index.html".into(),
                Vec::new(),
            )
        }
        ExtraPage::Tag(key) => {
            let info = tags
                .by_key
                .get(key)
                .ok_or_else(|| Diagnostic::error("tags", 0, 0, format!("unknown tag `{key}`")))?;
            let title = format!("#{}", info.name);
            let (mut view, _) = ctx.view(&home, "tag", &title, &info.path, None);
            let mut notes: Vec<ChildView<'_>> = tags
                .notes_under(key)
                .iter()
                .filter_map(|id| child_view(ctx, &Child::Note(id.clone())))
                .collect();
            notes.sort_by_cached_key(|c| c.title.to_lowercase());
            view.children = notes;
            view.entries = tags
                .children(key)
                .into_iter()
                .map(|t| EntryView {
                    title: t.name.clone(),
                    url: ctx.url(&t.path),
                    count: tags.notes_under(&crate::taxonomy::tags::key(&t.name)).len(),
                    depth: 0,
                })
                .collect();
            clear_navigation(&mut view);
            view.breadcrumbs = vec![super::views::LinkView {
                title: "Tags".into(),
                url: ctx.url("tags/"),
            }];
            let file = paths::page_file(&info.path);
            ctx.render("tag.html", &home, view, file, Vec::new())
        }
        ExtraPage::Topics => {
            let (mut view, _) = ctx.view(&home, "topics", "Topics", "topics/", None);
            view.entries = topics
                .list
                .iter()
                .map(|t| EntryView {
                    title: t.title.clone(),
                    url: ctx.url(&t.path),
                    count: t.coverage.len(),
                    depth: 0,
                })
                .collect();
            clear_navigation(&mut view);
            ctx.render(
                "topics.html",
                &home,
                view,
                "topics/index.html".into(),
                Vec::new(),
            )
        }
        ExtraPage::Topic(i) => {
            let topic = topics
                .list
                .get(*i)
                .ok_or_else(|| Diagnostic::error("topics", 0, 0, "unknown topic"))?;
            let (mut view, _) = ctx.view(&home, "topic", &topic.title, &topic.path, None);
            let mut diagnostics = Vec::new();
            let mut key = std::collections::hash_map::DefaultHasher::new();
            for c in &topic.coverage {
                let Some(page) = ctx.site.pages.get(&c.note) else {
                    continue;
                };
                ctx.content_key(&c.note, c.heading).hash(&mut key);
                let mut html = String::new();
                if !ctx.fingerprint_only {
                    let (section, found) = section_html(ctx.site, ctx.graph, &c.note, c.heading);
                    diagnostics.extend(found);
                    html = section;
                }
                let anchor = c
                    .heading
                    .and_then(|h| page.parsed.headings.get(h))
                    .map(|h| format!("#{}", h.anchor))
                    .unwrap_or_default();
                view.sections.push(SectionView {
                    title: page.title.clone(),
                    url: format!("{}{anchor}", ctx.url(&page.path)),
                    html,
                });
            }
            view.content_key = key.finish();
            view.has_browser_diagrams = view
                .sections
                .iter()
                .any(|s| s.html.contains("<pre class=\"mermaid\""));
            view.has_code = topic.coverage.iter().any(|c| {
                ctx.site
                    .pages
                    .get(&c.note)
                    .is_some_and(|p| p.parsed.has_code)
            });
            clear_navigation(&mut view);
            view.breadcrumbs = vec![super::views::LinkView {
                title: "Topics".into(),
                url: ctx.url("topics/"),
            }];
            let file = paths::page_file(&topic.path);
            ctx.render("topic.html", &home, view, file, diagnostics)
        }
        ExtraPage::Graph => {
            let (mut view, _) = ctx.view(&home, "graph", "Map of notes", "graph/", None);
            let ids: Vec<&NoteId> = ctx
                .site
                .pages
                .keys()
                .filter(|id| !id.is_section_index())
                .collect();
            let index: HashMap<&NoteId, usize> =
                ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
            let nodes: Vec<MapNode> = ids
                .iter()
                .map(|id| ctx.map_node(&ctx.site.pages[*id]))
                .collect();
            let mut edges: Vec<(usize, usize)> = Vec::new();
            for (from, targets) in &ctx.graph.outgoing {
                for to in targets {
                    if let (Some(&a), Some(&b)) = (index.get(from), index.get(to)) {
                        edges.push((a.min(b), a.max(b)));
                    }
                }
            }
            edges.sort_unstable();
            edges.dedup();
            let mut key = std::collections::hash_map::DefaultHasher::new();
            for node in &nodes {
                (&node.title, &node.url, node.group).hash(&mut key);
            }
            edges.hash(&mut key);
            view.content_key = key.finish();
            if !ctx.fingerprint_only {
                view.linkmap = linkmap::vault_map(&nodes, &edges, &ctx.renderer.layouts);
            }
            clear_navigation(&mut view);
            ctx.render(
                "graph.html",
                &home,
                view,
                "graph/index.html".into(),
                Vec::new(),
            )
        }
    }
}

fn clear_navigation(view: &mut super::views::PageView<'_>) {
    view.prev = None;
    view.next = None;
    view.breadcrumbs.clear();
}
