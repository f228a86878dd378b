//! The render stage: Tera templates (built in, overridable by name from the site's
//! `templates/` folder) turn views of the linked site into HTML pages, one view and one
//! function per kind of page.

pub mod cards;
mod content;
mod excerpts;
pub mod fragments;
pub mod linkmap;
mod listing;
mod pages;
pub mod print;
pub mod redirects;
pub mod views;

pub use content::{Needs, content_key, note_html};
pub use excerpts::Excerpts;
pub use pages::{PageContext, RenderedPage, render, template};

use crate::linked::Linked;
use crate::nav::PageKey;

/// Any page of the site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageRef {
    /// A note's or a folder's page.
    Nav(PageKey),
    /// `tags/`: every tag.
    Tags,
    /// `tags/<tag>/`: the notes of one tag (by key).
    Tag(String),
    /// `topics/`: every topic.
    Topics,
    /// `topics/<topic>/`: one topic (by key).
    Topic(String),
    /// `graph/`: the map of all notes.
    Graph,
    /// `404.html`.
    NotFound,
    /// `search/`: the search results page.
    Search,
    /// A flashcard page: the deck tree, a study page.
    Cards(cards::CardPage),
    /// A folder's print page (`print.html` beside its `index.html`), by content folder.
    Print(String),
}

/// Every page of the site: the vault map first (the slowest single page, so it starts while
/// the others render in parallel), then the tags and topics pages, then notes and sections in
/// reading order, then the 404 page.
pub fn all_pages(linked: &Linked) -> Vec<PageRef> {
    let taxonomy = &linked.taxonomy;
    let mut pages = vec![PageRef::Graph, PageRef::Tags, PageRef::Topics];
    if linked.site.config.search.enabled {
        pages.push(PageRef::Search);
    }
    pages.extend(taxonomy.tags.by_key.keys().cloned().map(PageRef::Tag));
    pages.extend(
        taxonomy
            .topics
            .list
            .iter()
            .map(|t| PageRef::Topic(t.key.clone())),
    );
    pages.extend(
        linked
            .site
            .nav
            .reading_order()
            .iter()
            .cloned()
            .map(PageRef::Nav),
    );
    if linked.site.config.print.enabled {
        pages.extend(linked.site.nav.sections.keys().cloned().map(PageRef::Print));
    }
    pages.extend(
        cards::card_pages(&taxonomy.decks)
            .into_iter()
            .map(PageRef::Cards),
    );
    pages.push(PageRef::NotFound);
    pages
}

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tera::{Context, Tera};
use views::SiteView;

/// Where a template came from, to name it in errors.
#[derive(Debug, Clone)]
enum Origin {
    Builtin,
    Site(PathBuf),
}

/// The loaded templates.
pub struct Renderer {
    tera: Tera,
    origins: BTreeMap<String, Origin>,
    /// Rendered sidebars by a hash of their entries: the pages of one folder share one.
    sidebars: Mutex<HashMap<u64, Arc<str>>>,
    /// The vault map's last layout.
    pub layouts: linkmap::LayoutCache,
    /// Links end in `/` rather than `index.html`.
    pretty_urls: bool,
    /// Each note's flashcard HTML by (note, content key): deck data and Anki files of big
    /// decks re-use it instead of rendering every card again after an edit.
    pub card_html: cards::HtmlCache,
    /// Per template, a hash of its text and of every template it extends or includes: a
    /// page's fingerprint includes it, so a template change re-renders the pages that use it.
    template_hashes: BTreeMap<String, u64>,
    /// The fingerprinted names of the theme's files, for the `asset()` function.
    assets: crate::publish::assets::AssetNames,
}

/// How many distinct sidebars are kept before the cache starts over.
const SIDEBAR_CACHE: usize = 4096;

impl Renderer {
    /// Loads the built-in templates and then the site's own (`templates_dir`, if it exists),
    /// which replace built-in ones of the same name. `root` is used to show paths.
    pub fn new(
        templates_dir: Option<&Path>,
        root: &Path,
        config: &Config,
    ) -> Result<Renderer, Diagnostics> {
        let mut sources: BTreeMap<String, (String, Origin)> = crate::theme::TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), (text.to_string(), Origin::Builtin)))
            .collect();
        let mut diagnostics = Diagnostics::new();
        if let Some(dir) = templates_dir.filter(|d| d.is_dir()) {
            for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
                let Ok(entry) = entry else { continue };
                if !entry.file_type().is_file() {
                    continue;
                }
                let Some(name) = entry
                    .path()
                    .strip_prefix(dir)
                    .ok()
                    .and_then(crate::vault::walk::to_slash)
                else {
                    continue;
                };
                if name.split('/').any(|p| p.starts_with('.')) {
                    continue;
                }
                let shown = crate::vault::display_path(entry.path(), root);
                match std::fs::read_to_string(entry.path()) {
                    Ok(text) => {
                        sources.insert(name, (text, Origin::Site(shown)));
                    }
                    Err(e) => diagnostics.push(Diagnostic::error(
                        shown,
                        0,
                        0,
                        format!("cannot read template: {e}"),
                    )),
                }
            }
        }
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let template_hashes = template_hashes(&sources);
        let origins: BTreeMap<String, Origin> = sources
            .iter()
            .map(|(name, (_, origin))| (name.clone(), origin.clone()))
            .collect();
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        tera.register_function("asset", asset_function);
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|(n, (t, _))| (n.as_str(), t.as_str())))
        {
            diagnostics.extend(tera_diagnostics(&origins, &e, None));
            return Err(diagnostics);
        }
        let site = SiteView {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            base_path: config.base_path(),
            language: &config.language,
            author: config.author.as_deref(),
            extra: &config.extra,
            generator: concat!("studysite ", env!("CARGO_PKG_VERSION")),
            mermaid_script: crate::diagrams::script_url(config),
            mermaid_local: crate::diagrams::script_file(config, root).is_some(),
            mermaid_theme: &config.mermaid.theme,
            search: config.search.enabled,
            feed: crate::publish::feed::wanted(config),
            cards_key: crate::cards::site_key(config),
        };
        tera.global_context().insert("site", &site);
        Ok(Renderer {
            tera,
            origins,
            sidebars: Mutex::new(HashMap::new()),
            layouts: linkmap::LayoutCache::default(),
            pretty_urls: config.pretty_urls,
            card_html: cards::HtmlCache::default(),
            template_hashes,
            assets: crate::publish::assets::AssetNames::of_site(root, config),
        })
    }

    /// The fingerprinted names of the theme's files.
    pub fn assets(&self) -> &crate::publish::assets::AssetNames {
        &self.assets
    }

    /// Uses other fingerprinted names (the site's `static/` folder changed).
    pub fn set_assets(&mut self, assets: crate::publish::assets::AssetNames) {
        self.assets = assets;
    }

    /// The sidebar with these entries, with the link to `current` marked
    /// `aria-current="page"`. Rendered once per distinct list of entries.
    pub fn sidebar(
        &self,
        entries: &[views::NavView],
        current: &str,
        root: &str,
    ) -> Result<String, Diagnostic> {
        let key = crate::hash::digest(&(entries, root));
        let cached = self
            .sidebars
            .lock()
            .expect("a renderer panicked")
            .get(&key)
            .cloned();
        let html = match cached {
            Some(html) => html,
            None => {
                let mut context = Context::new();
                context.insert("nav", entries);
                context.insert("root", root);
                context.insert("index", if self.pretty_urls { "" } else { "index.html" });
                let html: Arc<str> = Arc::from(self.render("sidebar.html", &context)?);
                let mut cache = self.sidebars.lock().expect("a renderer panicked");
                if cache.len() >= SIDEBAR_CACHE {
                    cache.clear();
                }
                cache.insert(key, html.clone());
                html
            }
        };
        Ok(mark_current(&html, current))
    }

    /// The hash of a template with everything it extends or includes.
    pub fn template_hash(&self, name: &str) -> u64 {
        self.template_hashes.get(name).copied().unwrap_or(0)
    }

    /// Renders one template with a context.
    pub fn render(&self, template: &str, context: &Context) -> Result<String, Diagnostic> {
        self.tera.render(template, context).map_err(|e| {
            let mut found = tera_diagnostics(&self.origins, &e, Some(template));
            found.swap_remove(0)
        })
    }
}

/// The names a template may pull in: every quoted string inside a `{% … %}` tag (`extends`,
/// `include`, `import`, and anything else that names a template file). Names that are not
/// templates are ignored by the caller.
fn references(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for tag in text.split("{%").skip(1) {
        let tag = tag.split("%}").next().unwrap_or("");
        let mut rest = tag;
        while let Some(start) = rest.find(['"', '\'']) {
            let quote = &rest[start..start + 1];
            let after = &rest[start + 1..];
            let Some(end) = after.find(quote) else {
                break;
            };
            found.push(&after[..end]);
            rest = &after[end + 1..];
        }
    }
    found
}

/// Each template's hash over its own text and, transitively, the templates it references.
fn template_hashes(sources: &BTreeMap<String, (String, Origin)>) -> BTreeMap<String, u64> {
    fn visit(
        name: &str,
        sources: &BTreeMap<String, (String, Origin)>,
        seen: &mut Vec<String>,
        h: &mut impl Hasher,
    ) {
        if seen.iter().any(|s| s == name) {
            return;
        }
        seen.push(name.to_string());
        let Some((text, _)) = sources.get(name) else {
            return;
        };
        (name, text).hash(h);
        for reference in references(text) {
            visit(reference, sources, seen, h);
        }
    }
    // Components are global: a template that defines one reaches every page without being
    // named, so every template's hash covers them.
    let mut components = crate::hash::Digester::new();
    for (name, (text, _)) in sources {
        if text.contains("{% component") || text.contains("{%- component") {
            (name, text).hash(&mut components);
        }
    }
    let components = components.finish();
    sources
        .keys()
        .map(|name| {
            let mut h = crate::hash::Digester::new();
            components.hash(&mut h);
            visit(name, sources, &mut Vec::new(), &mut h);
            (name.clone(), h.finish())
        })
        .collect()
}

/// `asset(path="style.css")`: the fingerprinted site path of a theme file (`style.3f2a9c1e.css`),
/// or `path` itself for a file without one. Names come from the page's context.
fn asset_function(kwargs: tera::Kwargs, state: &tera::State) -> tera::TeraResult<String> {
    let path: String = kwargs.must_get("path")?;
    let names: Option<tera::Value> = state.get(crate::publish::assets::CONTEXT_KEY)?;
    let key = tera::value::Key::String(std::sync::Arc::from(path.as_str()));
    let found = names
        .as_ref()
        .and_then(tera::Value::as_map)
        .and_then(|m| m.get(&key))
        .and_then(tera::Value::as_str)
        .map(str::to_string);
    Ok(found.unwrap_or(path))
}

/// Adds `aria-current="page"` to the first link to `url` in a piece of HTML.
fn mark_current(html: &str, url: &str) -> String {
    let needle = format!("href=\"{url}\"");
    match html.find(&needle) {
        Some(i) => {
            let end = i + needle.len();
            format!("{} aria-current=\"page\"{}", &html[..end], &html[end..])
        }
        None => html.to_string(),
    }
}

fn file_of(origins: &BTreeMap<String, Origin>, template: &str) -> PathBuf {
    match origins.get(template) {
        Some(Origin::Site(path)) => path.clone(),
        _ => PathBuf::from(format!("(built-in template) {template}")),
    }
}

/// A Tera error as diagnostics naming the template file and line. Syntax and rendering errors
/// carry their position; validation errors (unknown filters, …) come as rendered reports
/// (`error: message` then `--> name:line:col`), which are read back.
fn tera_diagnostics(
    origins: &BTreeMap<String, Origin>,
    error: &tera::Error,
    rendering: Option<&str>,
) -> Vec<Diagnostic> {
    if let tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) =
        error.kind()
    {
        let name = if report.filename().is_empty() {
            rendering.unwrap_or("")
        } else {
            report.filename()
        };
        let span = report.span();
        return vec![Diagnostic::error(
            file_of(origins, name),
            span.start_line,
            span.start_col + 1,
            format!("template error: {}", report.message()),
        )];
    }
    let text = error.to_string();
    let mut found = Vec::new();
    let mut message: Option<&str> = None;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m);
        } else if let (Some(m), Some(at)) = (message, line.trim_start().strip_prefix("--> ")) {
            let mut parts = at.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
            let line_no = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
            let name = parts.next().unwrap_or("");
            found.push(Diagnostic::error(
                file_of(origins, name),
                line_no,
                col,
                format!("template error: {m}"),
            ));
            message = None;
        }
    }
    if found.is_empty() {
        let named = origins
            .keys()
            .find(|n| text.contains(&format!("'{n}'")))
            .map_or(rendering.unwrap_or("templates"), String::as_str);
        found.push(Diagnostic::error(
            file_of(origins, named),
            0,
            0,
            format!("template error: {text}"),
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_references_are_found() {
        let text = r#"{% extends "base.html" %}{%- include 'pager.html' %}{% if x %}{% endif %}{% import "macros.html" as m %}{{ "not.html" }}"#;
        assert_eq!(references(text), ["base.html", "pager.html", "macros.html"]);
    }

    #[test]
    fn a_template_hash_covers_what_it_extends() {
        let mut sources = BTreeMap::new();
        sources.insert("base.html".to_string(), ("B1".to_string(), Origin::Builtin));
        sources.insert(
            "page.html".to_string(),
            ("{% extends \"base.html\" %}".to_string(), Origin::Builtin),
        );
        sources.insert(
            "tag.html".to_string(),
            ("alone".to_string(), Origin::Builtin),
        );
        let before = template_hashes(&sources);
        sources.insert("base.html".to_string(), ("B2".to_string(), Origin::Builtin));
        let after = template_hashes(&sources);
        assert_ne!(before["page.html"], after["page.html"]);
        assert_eq!(before["tag.html"], after["tag.html"]);
    }

    #[test]
    fn the_current_link_is_marked() {
        let html = r#"<a href="/">Home</a><a href="/a/">A</a><a href="/a/b/">B</a>"#;
        assert_eq!(
            mark_current(html, "/a/"),
            r#"<a href="/">Home</a><a href="/a/" aria-current="page">A</a><a href="/a/b/">B</a>"#
        );
        assert_eq!(mark_current(html, "/zzz/"), html);
    }
}
