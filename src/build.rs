//! The pipeline, end to end: load → parse → link → render → write. `build` writes the site;
//! `check` runs the same stages and writes nothing.

use crate::config::CONFIG_FILE;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::diagrams::{self, DiagramStats};
use crate::graph::{self, Graph};
use crate::markdown::{self, Highlighter, ParseOptions, ParsedNote};
use crate::output::Output;
pub use crate::project::Project;
use crate::render::{self, PageContext, PageRef, RenderedPage, Renderer};
use crate::site::{self, Site};
use crate::taxonomy::{self, Taxonomy};
use crate::vault::{self, Note, NoteId};
use crate::{paths, theme};
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What to build and how; the CLI turns flags into this.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site root (holds `studysite.toml`, `content/`, `templates/`, `static/`).
    pub root: PathBuf,
    /// Overrides the configured output folder.
    pub output: Option<PathBuf>,
    /// Overrides the configured `base_url`.
    pub base_url: Option<String>,
    /// Builds drafts too.
    pub drafts: bool,
    /// Told how far the build is (the CLI draws a progress bar from it).
    pub progress: Option<std::sync::Arc<dyn Progress>>,
}

/// Receives the progress of a build: each long stage, then one `advance` per item done.
pub trait Progress: Send + Sync {
    /// A stage starts, with how many items it has.
    fn stage(&self, name: &'static str, items: usize);
    /// One more item of the current stage is done.
    fn advance(&self);
}

impl std::fmt::Debug for dyn Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// How long each stage took.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Walking and reading notes.
    pub load: Duration,
    /// Markdown, anchors, highlighting.
    pub parse: Duration,
    /// Mermaid diagrams.
    pub diagrams: Duration,
    /// Link resolution.
    pub link: Duration,
    /// Templates.
    pub render: Duration,
    /// Static files, attachments and the final swap.
    pub write: Duration,
}

/// What a build or check did.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// Notes read.
    pub notes: usize,
    /// HTML pages rendered.
    pub pages: usize,
    /// Files produced (written, or found unchanged).
    pub files: u64,
    /// Files that are new or changed since the previous build.
    pub changed: u64,
    /// Files of the previous build that the new site no longer has.
    pub removed: u64,
    /// Everything found wrong, sorted.
    pub diagnostics: Diagnostics,
    /// Wall time of the whole run.
    pub elapsed: Duration,
    /// Per stage.
    pub timings: Timings,
    /// What the diagram stage did.
    pub diagrams: DiagramStats,
    /// Where the site was written (none for `check` or a failed build).
    pub output: Option<PathBuf>,
}

impl BuildReport {
    /// Whether the run found no errors.
    pub fn succeeded(&self) -> bool {
        !self.diagnostics.has_errors()
    }
}

/// Parses every note, in parallel.
pub fn parse_notes(
    notes: Vec<Note>,
    options: &ParseOptions,
    highlighter: &Highlighter,
    progress: Option<&dyn Progress>,
) -> Vec<(Note, ParsedNote)> {
    if let Some(p) = progress {
        p.stage("parsing notes", notes.len());
    }
    notes
        .into_par_iter()
        .map(|note| {
            let parsed = markdown::parse(&note.body, note.body_line_offset, options, highlighter);
            if let Some(p) = progress {
                p.advance();
            }
            (note, parsed)
        })
        .collect()
}

/// A site with its links resolved and its taxonomy collected: what rendering reads.
#[derive(Debug, Clone, Default)]
pub struct Linked {
    /// Notes, titles, navigation.
    pub site: Site,
    /// Resolved links and backlinks.
    pub graph: Graph,
    /// Tags, topics, related notes.
    pub taxonomy: Taxonomy,
    /// Per note, a key for everything its rendered body depends on (see
    /// [`render::content_key`]).
    pub content_keys: HashMap<NoteId, u64>,
}

impl Linked {
    /// Resolves the links of a site and collects its taxonomy.
    pub fn new(site: Site) -> (Linked, Diagnostics) {
        let (graph, diagnostics) = graph::link(&site);
        let taxonomy = taxonomy::collect(&site, &graph);
        let mut linked = Linked {
            site,
            graph,
            taxonomy,
            content_keys: HashMap::new(),
        };
        let ids: Vec<NoteId> = linked.site.pages.keys().cloned().collect();
        linked.refresh_content_keys(&ids);
        (linked, diagnostics)
    }

    /// Works out the content keys of these notes again (after they or notes they embed
    /// changed).
    pub fn refresh_content_keys(&mut self, ids: &[NoteId]) {
        let keys: Vec<(NoteId, u64)> = ids
            .par_iter()
            .map(|id| {
                (
                    id.clone(),
                    render::content_key(&self.site, &self.graph, id, None),
                )
            })
            .collect();
        self.content_keys.extend(keys);
    }

    /// The context pages render in.
    pub fn context<'a>(&'a self, renderer: &'a Renderer) -> PageContext<'a> {
        PageContext {
            site: &self.site,
            graph: &self.graph,
            taxonomy: &self.taxonomy,
            content_keys: &self.content_keys,
            renderer,
            fingerprint_only: false,
        }
    }
}

fn load_and_link(
    project: &Project,
    options: &BuildOptions,
    timings: &mut Timings,
    diagnostics: &mut Diagnostics,
) -> (Linked, usize, DiagramStats) {
    let started = Instant::now();
    let (vault, load_diagnostics) = vault::load(&project.load_options());
    diagnostics.extend(load_diagnostics);
    timings.load = started.elapsed();

    let started = Instant::now();
    let highlighter = project.highlighter();
    let notes: Vec<Note> = vault.notes.into_values().collect();
    let count = notes.len();
    let progress = options.progress.as_deref();
    let mut parsed = parse_notes(notes, &project.parse_options(), &highlighter, progress);
    if let Err(e) = highlighter.save_cache() {
        diagnostics.push(Diagnostic::warning(
            &project.root,
            0,
            0,
            format!("cannot write the code highlighting cache: {e}"),
        ));
    }
    timings.parse = started.elapsed();

    let started = Instant::now();
    let stats = diagrams::render_all(&mut parsed, &project.diagram_options());
    diagnostics.extend(
        parsed
            .iter()
            .flat_map(|(_, p)| p.diagnostics.iter().cloned()),
    );
    timings.diagrams = started.elapsed();

    let started = Instant::now();
    let (site, site_diagnostics) =
        site::assemble(project.config.clone(), parsed, vault.assets, vault.folders);
    diagnostics.extend(site_diagnostics);
    timings.parse += started.elapsed();

    let started = Instant::now();
    let (linked, link_diagnostics) = Linked::new(site);
    diagnostics.extend(link_diagnostics);
    timings.link = started.elapsed();
    (linked, count, stats)
}

// cards hook: commands that read the linked site without rendering it (`cards list|export`).
/// Loads, parses and links a site without rendering or writing anything.
pub fn link_site(options: &BuildOptions) -> Result<(Project, Linked, Diagnostics), Diagnostics> {
    let (project, mut diagnostics) = Project::open(options)?;
    let (linked, _, _) =
        load_and_link(&project, options, &mut Timings::default(), &mut diagnostics);
    Ok((project, linked, diagnostics))
}

/// What rendering one page gave: its output file and fingerprint, or why it failed.
pub type PageResult = Result<(RenderedPage, Vec<Diagnostic>), Diagnostic>;

/// Renders `pages` in parallel and writes them through `output` (unless the context only
/// fingerprints). Returns each page's result, in order; the HTML is dropped once written.
pub fn render_pages(ctx: PageContext<'_>, pages: &[PageRef], output: &Output) -> Vec<PageResult> {
    render_pages_with(ctx, pages, output, None)
}

fn render_pages_with(
    ctx: PageContext<'_>,
    pages: &[PageRef],
    output: &Output,
    progress: Option<&dyn Progress>,
) -> Vec<PageResult> {
    if let Some(p) = progress {
        p.stage("rendering pages", pages.len());
    }
    pages
        .par_iter()
        .map(|page| {
            if let Some(p) = progress {
                p.advance();
            }
            let mut page = render::render(ctx, page)?;
            if !ctx.fingerprint_only {
                output
                    .write(&page.file, page.html.as_bytes())
                    .map_err(|e| Diagnostic::error(page.file.as_str(), 0, 0, format!("{e:#}")))?;
            }
            page.html = String::new();
            let diagnostics = std::mem::take(&mut page.diagnostics);
            Ok((page, diagnostics))
        })
        .collect()
}

/// Writes what is not a page: the sitemap, the theme's and the site's static files, the code
/// stylesheet, and the notes' attachments.
pub fn write_support_files(project: &Project, site: &Site, output: &Output) -> Result<Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    output.write("sitemap.xml", sitemap(site).as_bytes())?;
    for (path, bytes) in theme::STATIC_FILES {
        output.write(path, bytes)?;
    }
    let md = &project.config.markdown;
    match theme::syntax_css(&md.highlight_theme_light, &md.highlight_theme_dark) {
        Ok(css) => output.write(theme::SYNTAX_CSS, css.as_bytes())?,
        Err(message) => diagnostics.push(Diagnostic::error(CONFIG_FILE, 0, 0, message)),
    }
    if let Some((path, source)) = diagrams::script_file(&project.config, &project.root) {
        if source.is_file() {
            output.copy(&path, &source)?;
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
    diagnostics.extend(copy_static(project, output)?);
    site.assets
        .par_iter()
        .try_for_each(|(path, asset)| output.copy(path, &asset.source))?;
    Ok(diagnostics)
}

/// Renders every page and writes the whole site through `output`; returns the number of pages.
fn write_site(
    project: &Project,
    progress: Option<&dyn Progress>,
    linked: &Linked,
    renderer: &Renderer,
    output: &Output,
    diagnostics: &mut Diagnostics,
    timings: &mut Timings,
) -> Result<usize> {
    let started = Instant::now();
    let ctx = linked.context(renderer);
    let pages = render::all_pages(ctx);
    for result in render_pages_with(ctx, &pages, output, progress) {
        match result {
            Ok((_, found)) => diagnostics.extend(found),
            Err(d) => diagnostics.push(d),
        }
    }
    timings.render = started.elapsed();
    let started = Instant::now();
    diagnostics.extend(write_support_files(project, &linked.site, output)?);
    timings.write = started.elapsed();
    Ok(pages.len())
}

/// Copies the site's `static/` folder as it is (hidden files and symlinks that lead outside
/// the site are left out, like in the content folder).
fn copy_static(project: &Project, output: &Output) -> Result<Diagnostics> {
    if !project.static_dir.is_dir() {
        return Ok(Diagnostics::new());
    }
    let (found, diagnostics) = vault::walk::walk(&project.static_dir, &[], &project.root);
    for (path, source) in found.notes {
        output.copy(&path, &source)?;
    }
    for (path, asset) in found.assets {
        output.copy(&path, &asset.source)?;
    }
    Ok(diagnostics)
}

/// `sitemap.xml`: every page, with `lastmod` from `updated` or `date` when they are dates.
fn sitemap(site: &Site) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for key in site.nav.reading_order() {
        let Some(link) = site.nav.link(key) else {
            continue;
        };
        let note = match key {
            crate::nav::PageKey::Note(id) => site.pages.get(id),
            crate::nav::PageKey::Section(f) => site
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

/// Builds the site into its output folder. Content errors come back in the report (and leave
/// the previous site untouched); `Err` is for failures of the machine (disk full, …).
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    run(options, true)
}

/// Runs every stage of a build without writing anything.
pub fn check(options: &BuildOptions) -> Result<BuildReport> {
    run(options, false)
}

fn run(options: &BuildOptions, write: bool) -> Result<BuildReport> {
    let started = Instant::now();
    let mut report = BuildReport::default();
    let (project, mut diagnostics) = match Project::open(options) {
        Ok(opened) => opened,
        Err(diagnostics) => {
            report.diagnostics = diagnostics;
            report.elapsed = started.elapsed();
            return Ok(report);
        }
    };
    let (linked, notes, diagram_stats) =
        load_and_link(&project, options, &mut report.timings, &mut diagnostics);
    report.notes = notes;
    report.diagrams = diagram_stats;
    let renderer = match Renderer::new(Some(&project.templates_dir), &project.root, &project.config)
    {
        Ok(r) => Some(r),
        Err(d) => {
            diagnostics.extend(d);
            None
        }
    };
    if let Some(renderer) = renderer.filter(|_| !diagnostics.has_errors()) {
        let output = if write {
            Output::to_disk(&project.output_dir)?
        } else {
            Output::in_memory()
        };
        report.pages = write_site(
            &project,
            options.progress.as_deref(),
            &linked,
            &renderer,
            &output,
            &mut diagnostics,
            &mut report.timings,
        )?;
        report.files = output.count();
        if !diagnostics.has_errors() {
            let started = Instant::now();
            let committed = output.commit()?;
            report.changed = committed.changed;
            report.removed = committed.removed;
            report.timings.write += started.elapsed();
            if write {
                report.output = Some(project.output_dir.clone());
            }
        }
    }
    diagnostics.sort();
    report.diagnostics = diagnostics;
    report.elapsed = started.elapsed();
    Ok(report)
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
