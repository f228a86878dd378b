//! The outputs of a site ([`list`]) and how each is produced ([`produce`]): pages through the
//! templates, the sitemap, the theme's and the site's static files, the code stylesheet, a
//! local mermaid.js and the notes' attachments. Every output has one owner: where two would
//! write the same file, the later in the list (the site's own static file over a built-in
//! one) is the one kept.

use super::deps::OutputKey;
use crate::config::CONFIG_FILE;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::linked::Linked;
use crate::markdown;
use crate::nav::PageKey;
use crate::paths;
use crate::project::Project;
use crate::publish;
use crate::render::{self, PageContext};
use crate::site::Site;
use crate::{diagrams, theme, vault};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One output: its key, and the file it is copied from (if it is a copy).
pub type Spec = (OutputKey, Option<PathBuf>);

/// Orders outputs to render so that the slowest start first: rendered in parallel, a slow
/// one started last would finish alone (the search index and a tag page of thousands of notes
/// take tens of milliseconds at 10,000 notes, a note's page well under one).
pub fn slowest_first(specs: &mut [Spec]) {
    specs.sort_by_key(|(key, _)| match key {
        OutputKey::SearchIndex => 0,
        OutputKey::Page(render::PageRef::Graph) => 1,
        OutputKey::Page(
            render::PageRef::Tag(_)
            | render::PageRef::Tags
            | render::PageRef::Topic(_)
            | render::PageRef::Topics
            | render::PageRef::Print(_)
            | render::PageRef::Cards(_),
        ) => 2,
        _ => 3,
    });
}

/// Every output of the site, with what listing them found wrong (a missing `mermaid.script`,
/// unreadable static files).
pub fn list(l: &Linked, project: &Project) -> (Vec<Spec>, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let mut specs: Vec<Spec> = render::all_pages(l)
        .into_iter()
        .map(|p| (OutputKey::Page(p), None))
        .collect();
    // A sitemap lists absolute URLs: without a host there is none to write.
    if l.site.config.has_host() {
        specs.push((OutputKey::Sitemap, None));
    }
    specs.extend(
        l.taxonomy
            .decks
            .by_note
            .keys()
            .map(|id| (OutputKey::CardData(id.clone()), None)),
    );
    if l.site.config.search.enabled {
        specs.push((OutputKey::SearchIndex, None));
    }
    let (redirects, problems) = render::redirects::redirects(&l.site);
    diagnostics.extend(problems);
    specs.extend(
        redirects
            .into_iter()
            .map(|(path, id)| (OutputKey::Redirect(path, id), None)),
    );
    specs.push((OutputKey::SyntaxCss, None));
    let statics = static_files(project, &mut diagnostics);
    // publish hook: the feed and robots.txt (a file of the site's own static folder wins).
    let config = &l.site.config;
    if publish::feed::wanted(config) && !statics.contains_key(publish::feed::PATH) {
        specs.push((OutputKey::Feed, None));
    }
    if !statics.contains_key(publish::robots::PATH) {
        specs.push((OutputKey::Robots, None));
    }
    diagnostics.extend(publish::feed::warning(config));
    let math = l.site.pages.values().any(|p| p.parsed.has_math);
    let cards = !l.taxonomy.decks.cards.is_empty();
    for (path, _) in theme::STATIC_FILES {
        let needed = (math || !theme::is_for_math(path)) && (cards || !theme::is_for_cards(path));
        if !statics.contains_key(*path) && needed {
            specs.push((OutputKey::Theme(path), None));
        }
    }
    if let Some((_, source)) = diagrams::script_file(&project.config, &project.root) {
        if source.is_file() {
            specs.push((OutputKey::MermaidScript, Some(source)));
        } else {
            diagnostics.push(Diagnostic::error(
                CONFIG_FILE,
                0,
                0,
                format!(
                    "`mermaid.script` file {} not found (give a path relative to the site root, or an https:// URL)",
                    source.display()
                ),
            ));
        }
    }
    // Files no note links or embeds are left out (unless `publish_unreferenced`).
    let left_out = crate::graph::assets::unreferenced(&l.site, &l.graph);
    for (path, asset) in &l.site.assets {
        if !left_out.contains(path) {
            specs.push((OutputKey::Asset(path.clone()), Some(asset.source.clone())));
        }
    }
    specs.extend(
        statics
            .into_iter()
            .map(|(path, source)| (OutputKey::Static(path), Some(source))),
    );
    (specs, diagnostics)
}

/// The site's `static/` folder: site path → file (hidden files and symlinks that lead outside
/// the site are left out, as in the content folder).
fn static_files(project: &Project, diagnostics: &mut Diagnostics) -> BTreeMap<String, PathBuf> {
    if !project.static_dir.is_dir() {
        return BTreeMap::new();
    }
    let (found, problems) = vault::walk::walk(&project.static_dir, &[], &project.root);
    diagnostics.extend(problems);
    let mut files: BTreeMap<String, PathBuf> = found.notes.into_iter().collect();
    files.extend(found.assets.into_iter().map(|(p, a)| (p, a.source)));
    files
}

/// What producing one output gave.
pub enum Produced {
    /// Bytes to write at a site path.
    Bytes(String, Vec<u8>),
    /// A file to copy to a site path.
    Copy(String, PathBuf),
    /// Several files.
    Many(Vec<(String, Vec<u8>)>),
    /// Several files their maker keeps (the search index), each with whether it is as the
    /// maker gave it last time.
    Shared(Vec<((String, crate::output::Shared), bool)>),
}

/// Produces one output, with what rendering it found wrong.
pub fn produce(
    spec: &Spec,
    ctx: PageContext<'_>,
    project: &Project,
    search: &std::sync::Mutex<crate::search::SearchCache>,
) -> Result<(Produced, Vec<Diagnostic>), Diagnostic> {
    let (key, source) = spec;
    let copy = |path: String| {
        let source = source.clone().unwrap_or_default();
        Ok((Produced::Copy(path, source), Vec::new()))
    };
    match key {
        OutputKey::Page(page) => {
            let rendered = render::render(ctx, page)?;
            Ok((
                Produced::Bytes(rendered.file, rendered.html.into_bytes()),
                rendered.diagnostics,
            ))
        }
        OutputKey::Sitemap => Ok((
            Produced::Bytes("sitemap.xml".into(), sitemap(&ctx.linked.site).into_bytes()),
            Vec::new(),
        )),
        OutputKey::SyntaxCss => {
            let md = &project.config.markdown;
            theme::syntax_css(&md.highlight_theme_light, &md.highlight_theme_dark)
                .map(|css| {
                    // publish hook: also under its fingerprinted name.
                    let files = ctx.renderer.assets().files(theme::SYNTAX_CSS, css.into());
                    (Produced::Many(files), Vec::new())
                })
                .map_err(|message| Diagnostic::error(CONFIG_FILE, 0, 0, message))
        }
        OutputKey::Theme(path) => {
            let bytes = theme::STATIC_FILES
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, b)| b.to_vec())
                .unwrap_or_default();
            // publish hook: also under its fingerprinted name.
            let files = ctx.renderer.assets().files(path, bytes);
            Ok((Produced::Many(files), Vec::new()))
        }
        OutputKey::MermaidScript => {
            let path = diagrams::script_file(&project.config, &project.root)
                .map(|(p, _)| p)
                .unwrap_or_default();
            copy(path)
        }
        OutputKey::CardData(id) => crate::render::cards::data_script(ctx, id)
            .map(|(path, bytes)| (Produced::Bytes(path, bytes), Vec::new()))
            .ok_or_else(|| Diagnostic::error(id.as_str(), 0, 0, "no flashcards")),
        OutputKey::SearchIndex => {
            let mut cache = search.lock().unwrap_or_else(|p| p.into_inner());
            let index = cache.index(&ctx.linked.site);
            Ok((Produced::Shared(index.into_files_and_same()), Vec::new()))
        }
        // publish hook: the feed and robots.txt.
        OutputKey::Feed => {
            let xml = publish::feed::feed(&ctx.linked.site);
            Ok((
                Produced::Bytes(publish::feed::PATH.into(), xml.into_bytes()),
                Vec::new(),
            ))
        }
        OutputKey::Robots => {
            let text = publish::robots::robots(&project.config);
            Ok((
                Produced::Bytes(publish::robots::PATH.into(), text.into_bytes()),
                Vec::new(),
            ))
        }
        OutputKey::Redirect(from, id) => {
            let site = &ctx.linked.site;
            let page = site
                .pages
                .get(id)
                .ok_or_else(|| Diagnostic::error(id.as_str(), 0, 0, "no such note"))?;
            let html = render::redirects::page(from, &page.path, &page.title, site);
            Ok((
                Produced::Bytes(paths::page_file(from), html.into_bytes()),
                Vec::new(),
            ))
        }
        OutputKey::Asset(path) => copy(ctx.linked.site.asset_path(path).to_string()),
        OutputKey::Static(path) => copy(path.clone()),
    }
}

/// `sitemap.xml`: every page, with `lastmod` from `updated` or `date` when they are dates.
pub fn sitemap(site: &Site) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for key in site.nav.reading_order() {
        let Some(link) = site.nav.link(key) else {
            continue;
        };
        let note = match key {
            PageKey::Note(id) => site.pages.get(id),
            PageKey::Section(f) => site
                .nav
                .section(f)
                .and_then(|s| s.index.as_ref())
                .and_then(|id| site.pages.get(id)),
        };
        let url = site.config.absolute_url(&paths::encode_path(&link.path));
        xml.push_str("  <url><loc>");
        xml.push_str(&markdown::escape_html(&url));
        xml.push_str("</loc>");
        let date = note.and_then(|p| {
            p.note
                .front
                .updated
                .as_deref()
                .or(p.note.front.date.as_deref())
        });
        if let Some(date) = date.and_then(iso_date) {
            xml.push_str("<lastmod>");
            xml.push_str(date);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The `YYYY-MM-DD` at the start of a date, if it has one.
fn iso_date(text: &str) -> Option<&str> {
    let date = text.get(..10)?;
    let b = date.as_bytes();
    let ok = b.iter().enumerate().all(|(i, c)| {
        if i == 4 || i == 7 {
            *c == b'-'
        } else {
            c.is_ascii_digit()
        }
    });
    ok.then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_recognised() {
        assert_eq!(iso_date("2026-03-14"), Some("2026-03-14"));
        assert_eq!(iso_date("2026-03-14T10:00:00Z"), Some("2026-03-14"));
        assert_eq!(iso_date("March 2026"), None);
        assert_eq!(iso_date("2026"), None);
    }
}
