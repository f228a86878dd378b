//! The pipeline, end to end: load → parse → link → render → write. `build` writes the site;
//! `check` runs the same stages and writes nothing.

use crate::config::{CONFIG_FILE, Config, normalize_base_url};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::diagrams::{self, Cache, DiagramOptions, DiagramStats, DiagramTheme};
use crate::graph::{self, Graph};
use crate::markdown::{self, Highlighter, ParseOptions, ParsedNote};
use crate::output::{Files, Output};
use crate::render::{self, PageContext, Renderer};
use crate::site::{self, Site};
use crate::vault::{self, LoadOptions, Note};
use crate::{paths, theme};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
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
}

/// A site's folders and configuration.
#[derive(Debug, Clone)]
pub struct Project {
    /// The site root.
    pub root: PathBuf,
    /// The configuration (defaults when there is no config file).
    pub config: Config,
    /// The notes.
    pub content_dir: PathBuf,
    /// Where the site is written.
    pub output_dir: PathBuf,
    /// Template overrides.
    pub templates_dir: PathBuf,
    /// Static files copied as they are.
    pub static_dir: PathBuf,
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
    /// Files written.
    pub files: u64,
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

impl Project {
    /// Reads the config and works out the folders. Config errors come back as diagnostics.
    pub fn open(options: &BuildOptions) -> Result<(Project, Diagnostics), Diagnostics> {
        let root = options.root.clone();
        let fail = |message: String| {
            let mut d = Diagnostics::new();
            d.push(Diagnostic::error(root.clone(), 0, 0, message));
            d
        };
        if !root.is_dir() {
            return Err(fail("site folder not found".into()));
        }
        let config_path = root.join(CONFIG_FILE);
        let mut diagnostics = Diagnostics::new();
        let has_config = config_path.is_file();
        let mut config = if has_config {
            let text = std::fs::read_to_string(&config_path)
                .map_err(|e| fail(format!("cannot read {CONFIG_FILE}: {e}")))?;
            match Config::parse(&text, Path::new(CONFIG_FILE)) {
                Ok((config, warnings)) => {
                    diagnostics.extend(warnings);
                    config
                }
                Err(e) => {
                    let mut d = Diagnostics::new();
                    d.push(e);
                    return Err(d);
                }
            }
        } else {
            Config::default()
        };
        if let Some(url) = &options.base_url {
            config.base_url =
                normalize_base_url(url).map_err(|m| fail(format!("--base-url: {m}")))?;
        }
        config.drafts |= options.drafts;
        let mut content_dir = root.join(&config.content_dir);
        if !content_dir.is_dir() {
            if has_config {
                return Err(fail(format!(
                    "content folder `{}` not found (set `content_dir` in {CONFIG_FILE})",
                    config.content_dir.display()
                )));
            }
            // A bare folder of notes: the folder itself is the content.
            content_dir = root.clone();
        }
        let output_dir = match &options.output {
            Some(o) => o.clone(),
            None => root.join(&config.output_dir),
        };
        let project = Project {
            templates_dir: root.join("templates"),
            static_dir: root.join("static"),
            root: root.clone(),
            config,
            content_dir,
            output_dir,
        };
        project.check_output_dir().map_err(fail)?;
        if let Some(cache) = project.diagram_cache_dir()
            && absolute(&cache).starts_with(absolute(&project.content_dir))
        {
            let message = format!(
                "`mermaid.cache_dir` {} is inside the content folder; choose a folder outside it",
                cache.display()
            );
            return Err(Diagnostics::from_iter([Diagnostic::error(
                CONFIG_FILE,
                0,
                0,
                message,
            )]));
        }
        Ok((project, diagnostics))
    }

    /// Refuses output folders whose replacement would delete the user's own files: the site
    /// or content folder or anything that holds them, and the static or templates folders in
    /// either direction.
    fn check_output_dir(&self) -> Result<(), String> {
        let output = absolute(&self.output_dir);
        let refuse = |name: &str| {
            Err(format!(
                "output folder {} would replace {name}; choose another output folder",
                self.output_dir.display()
            ))
        };
        if absolute(&self.root).starts_with(&output) {
            return refuse("the site folder");
        }
        if absolute(&self.content_dir).starts_with(&output) {
            return refuse("the content folder");
        }
        for (dir, name) in [
            (&self.static_dir, "the static folder"),
            (&self.templates_dir, "the templates folder"),
        ] {
            let dir = absolute(dir);
            if dir.starts_with(&output) || output.starts_with(&dir) {
                return refuse(name);
            }
        }
        Ok(())
    }

    fn load_options(&self) -> LoadOptions<'_> {
        let output = absolute(&self.output_dir);
        let content = absolute(&self.content_dir);
        let exclude = if output.starts_with(&content) {
            vec![
                self.content_dir
                    .join(output.strip_prefix(&content).unwrap_or(Path::new(""))),
            ]
        } else {
            Vec::new()
        };
        LoadOptions {
            content_dir: &self.content_dir,
            display_root: &self.root,
            exclude,
            drafts: self.config.drafts,
        }
    }

    /// Where rendered diagrams are cached: the configured folder, else `.studysite-cache/` in
    /// the site root, or, when the notes folder is the site root (a bare folder of notes,
    /// which must not be written into), the user's cache folder. `None` when caching is off.
    pub fn diagram_cache_dir(&self) -> Option<PathBuf> {
        let mermaid = &self.config.mermaid;
        if !mermaid.cache {
            return None;
        }
        if let Some(dir) = &mermaid.cache_dir {
            return Some(self.root.join(dir));
        }
        let root = absolute(&self.root);
        if absolute(&self.content_dir) == root {
            let site = diagrams::hash_hex(&[&root.to_string_lossy()]);
            return diagrams::user_cache_dir()
                .map(|dir| dir.join("studysite").join(&site[..16]).join("mermaid"));
        }
        Some(self.root.join(".studysite-cache").join("mermaid"))
    }

    fn diagram_options(&self) -> DiagramOptions {
        DiagramOptions {
            renderer: self.config.mermaid.renderer,
            theme: DiagramTheme::from_config(&self.config.mermaid.theme),
            cache: self.diagram_cache_dir().map(Cache::new),
        }
    }

    fn parse_options(&self) -> ParseOptions {
        ParseOptions {
            smart_punctuation: self.config.markdown.smart_punctuation,
            highlight_code: self.config.markdown.highlight_code,
        }
    }
}

/// A path made absolute against the current folder, with `.` and `..` folded, without touching
/// the file system beyond the existing prefix.
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    if let Ok(canonical) = joined.canonicalize() {
        return canonical;
    }
    match (joined.parent(), joined.file_name()) {
        (Some(parent), Some(name)) => absolute(parent).join(name),
        _ => joined,
    }
}

/// Parses every note, in parallel.
pub fn parse_notes(
    notes: Vec<Note>,
    options: ParseOptions,
    highlighter: &Highlighter,
) -> Vec<(Note, ParsedNote)> {
    notes
        .into_par_iter()
        .map(|note| {
            let parsed = markdown::parse(&note.body, note.body_line_offset, options, highlighter);
            (note, parsed)
        })
        .collect()
}

/// The stages before rendering: everything `check` and `build` share.
struct Linked {
    site: Site,
    graph: Graph,
    notes: usize,
    diagrams: DiagramStats,
}

fn load_and_link(
    project: &Project,
    timings: &mut Timings,
    diagnostics: &mut Diagnostics,
) -> Linked {
    let started = Instant::now();
    let (vault, load_diagnostics) = vault::load(&project.load_options());
    diagnostics.extend(load_diagnostics);
    timings.load = started.elapsed();

    let started = Instant::now();
    let highlighter = Highlighter::default();
    let notes: Vec<Note> = vault.notes.into_values().collect();
    let count = notes.len();
    let mut parsed = parse_notes(notes, project.parse_options(), &highlighter);
    timings.parse = started.elapsed();

    let started = Instant::now();
    let (diagram_stats, diagram_diagnostics) =
        diagrams::render_all(&mut parsed, &project.diagram_options());
    diagnostics.extend(diagram_diagnostics);
    timings.diagrams = started.elapsed();

    let started = Instant::now();
    let (site, site_diagnostics) =
        site::assemble(project.config.clone(), parsed, vault.assets, vault.folders);
    diagnostics.extend(site_diagnostics);
    timings.parse += started.elapsed();

    let started = Instant::now();
    let (graph, link_diagnostics) = graph::link(&site);
    diagnostics.extend(link_diagnostics);
    timings.link = started.elapsed();
    Linked {
        site,
        graph,
        notes: count,
        diagrams: diagram_stats,
    }
}

/// Renders every page and writes the whole site through `output`.
fn write_site(
    project: &Project,
    linked: &Linked,
    renderer: &Renderer,
    output: &Output,
    diagnostics: &mut Diagnostics,
    timings: &mut Timings,
) -> Result<usize> {
    let started = Instant::now();
    let ctx = PageContext {
        site: &linked.site,
        graph: &linked.graph,
        renderer,
    };
    let keys = render::page_keys(&linked.site);
    let results: Vec<Result<Vec<Diagnostic>, Diagnostic>> = keys
        .par_iter()
        .map(|key| {
            let page = render::render_page(ctx, key)?;
            output
                .write(&page.file, page.html.as_bytes())
                .map_err(|e| Diagnostic::error(&project.root, 0, 0, format!("{e:#}")))?;
            Ok(page.diagnostics)
        })
        .collect();
    for result in results {
        match result {
            Ok(d) => diagnostics.extend(d),
            Err(d) => diagnostics.push(d),
        }
    }
    match render::render_404(ctx) {
        Ok(page) => output.write(&page.file, page.html.as_bytes())?,
        Err(d) => diagnostics.push(d),
    }
    output.write("sitemap.xml", sitemap(&linked.site).as_bytes())?;
    timings.render = started.elapsed();

    let started = Instant::now();
    for (path, bytes) in theme::STATIC_FILES {
        output.write(path, bytes)?;
    }
    let md = &project.config.markdown;
    match theme::syntax_css(&md.highlight_theme_light, &md.highlight_theme_dark) {
        Ok(css) => output.write(theme::SYNTAX_CSS, css.as_bytes())?,
        Err(message) => {
            diagnostics.push(Diagnostic::error(crate::config::CONFIG_FILE, 0, 0, message))
        }
    }
    if let Some((path, source)) = diagrams::script_file(&project.config, &project.root) {
        if source.is_file() {
            output.copy(&path, &source)?;
        } else {
            diagnostics.push(Diagnostic::error(
                crate::config::CONFIG_FILE,
                0,
                0,
                format!(
                    "`mermaid.script` file {} not found (give a path relative to the site root, or an https:// URL)",
                    source.display()
                ),
            ));
        }
    }
    copy_static(project, output)?;
    linked
        .site
        .assets
        .par_iter()
        .try_for_each(|(path, asset)| output.copy(path, &asset.source))?;
    timings.write = started.elapsed();
    Ok(keys.len() + 1)
}

fn copy_static(project: &Project, output: &Output) -> Result<()> {
    if !project.static_dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(&project.static_dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry =
            entry.with_context(|| format!("cannot read {}", project.static_dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&project.static_dir)
            .unwrap_or(entry.path());
        if let Some(rel) = vault::walk::to_slash(rel) {
            output.copy(&rel, entry.path())?;
        }
    }
    Ok(())
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
    let linked = load_and_link(&project, &mut report.timings, &mut diagnostics);
    report.notes = linked.notes;
    report.diagrams = linked.diagrams;
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
            &linked,
            &renderer,
            &output,
            &mut diagnostics,
            &mut report.timings,
        )?;
        report.files = output.count();
        if !diagnostics.has_errors() {
            let started = Instant::now();
            let _: Files = output.commit()?;
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
