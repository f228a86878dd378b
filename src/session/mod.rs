//! A built site kept in memory, with everything needed to rebuild parts of it: what `serve`
//! and `build --watch` run on.
//!
//! [`Session::apply`] takes the paths that changed and re-runs the same pipeline stages as a
//! full build, on as little as is safe:
//! - a note whose edit leaves everything other pages show of it unchanged (its title, place,
//!   tags, headings, anchors, links and the sentences around them — its *signature*) is
//!   re-parsed and re-rendered alone, with the pages that embed it and the topic pages that
//!   show its sections;
//! - anything else (a note added, removed or renamed, a changed signature or attachment list,
//!   a template) re-links the whole site and re-renders every page in memory, and only the
//!   pages whose bytes changed are reported;
//! - a static file is just copied; a config change starts over.
//!
//! Either way the files equal those of a fresh full build (the tests check this on random
//! edit sequences). A note that cannot be read keeps its last good version until it is fixed,
//! and the error is reported meanwhile.

mod reload;
mod rerender;

use crate::build::{BuildOptions, Linked, Project};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{Highlighter, ParsedNote};
use crate::output::Files;
use crate::render::{PageRef, Renderer};
use crate::site::{self, Site};
use crate::vault::{self, Asset, Note, NoteId};
use anyhow::Result;
use reload::{content_key, signature};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

/// What changed on disk, by kind. Paths are absolute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// `studysite.toml` changed.
    pub config: bool,
    /// Template files that changed.
    pub templates: BTreeSet<PathBuf>,
    /// Files or folders under the content folder that were created, changed or removed.
    pub content: BTreeSet<PathBuf>,
    /// Files or folders under the static folder.
    pub statics: BTreeSet<PathBuf>,
}

impl Changes {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        !self.config
            && self.templates.is_empty()
            && self.content.is_empty()
            && self.statics.is_empty()
    }
}

/// What one rebuild did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    /// Output files that are new or changed.
    pub changed: Vec<String>,
    /// Output files that are gone.
    pub removed: Vec<String>,
    /// How many pages were rendered.
    pub rendered: usize,
    /// Whether the whole site was re-rendered.
    pub full: bool,
}

impl Update {
    /// Whether only stylesheets changed (browsers can swap them without reloading).
    pub fn css_only(&self) -> bool {
        !self.changed.is_empty()
            && self.removed.is_empty()
            && self.changed.iter().all(|f| f.ends_with(".css"))
    }
}

/// A site built in memory.
pub struct Session {
    options: BuildOptions,
    project: Project,
    highlighter: Highlighter,
    renderer: Renderer,
    linked: Linked,
    files: Files,
    signatures: HashMap<NoteId, u64>,
    /// Notes that cannot be read now, by content path (their last good version stays).
    load_errors: BTreeMap<String, Diagnostic>,
    /// Why the templates could not be loaded (the previous ones stay in use).
    template_errors: Diagnostics,
    /// Config warnings and what walking the content found (symlink loops, …).
    open_diagnostics: Diagnostics,
    /// Pages that collide on one URL.
    site_diagnostics: Diagnostics,
    /// Problems writing support files (an unknown highlight theme).
    support_diagnostics: Diagnostics,
    render_diagnostics: HashMap<PageRef, Vec<Diagnostic>>,
    /// Each page's output file and fingerprint, to tell which pages a change affects.
    fingerprints: HashMap<PageRef, (String, u64)>,
    /// The output files that are not pages (sitemap, static files, attachments).
    support_files: BTreeSet<String>,
    /// search: note entries kept between edits (src/search/).
    search: crate::search::SearchCache,
}

impl Session {
    /// Builds the site in memory. Fails only when the project cannot be opened (bad config,
    /// missing folder) or the built-in templates fail; broken notes and links are reported in
    /// [`Session::diagnostics`] and the rest of the site is built.
    pub fn open(options: &BuildOptions) -> Result<Session, Diagnostics> {
        let (project, config_diagnostics) = Project::open(options)?;
        let highlighter = project.highlighter();
        let (vault, load_diagnostics) = vault::load(&project.load_options());
        let mut load_errors = BTreeMap::new();
        let mut diagnostics = config_diagnostics;
        for d in load_diagnostics {
            match content_key(&project, &d.file) {
                Some(key) if d.is_error() => {
                    load_errors.insert(key, d);
                }
                _ => diagnostics.push(d),
            }
        }
        let notes: Vec<Note> = vault.notes.into_values().collect();
        let mut parsed =
            crate::build::parse_notes(notes, &project.parse_options(), &highlighter, None);
        crate::diagrams::render_all(&mut parsed, &project.diagram_options());
        // The cache is written once, after the first build: rewriting it on every edit would
        // cost more than it saves.
        let _ = highlighter.save_cache();
        let (renderer, template_errors) = match load_renderer(&project) {
            Ok(r) => (r, Diagnostics::new()),
            Err(d) => {
                // The site's templates are broken: fall back to the built-in ones.
                let builtin = Renderer::new(None, &project.root, &project.config)?;
                (builtin, d)
            }
        };
        let mut session = Session {
            options: options.clone(),
            project,
            highlighter,
            renderer,
            linked: Linked::default(),
            files: Files::new(),
            signatures: HashMap::new(),
            load_errors,
            template_errors,
            open_diagnostics: diagnostics,
            site_diagnostics: Diagnostics::new(),
            support_diagnostics: Diagnostics::new(),
            render_diagnostics: HashMap::new(),
            fingerprints: HashMap::new(),
            support_files: BTreeSet::new(),
            search: Default::default(),
        };
        let site = Site {
            config: session.project.config.clone(),
            ..Site::default()
        };
        session.linked.site = site;
        session.relink_all(parsed, vault.assets);
        session.render_all().map_err(|e| {
            single(Diagnostic::error(
                &session.project.root,
                0,
                0,
                format!("{e:#}"),
            ))
        })?;
        Ok(session)
    }

    /// The project (folders and configuration).
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The built files, by site path.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// How many notes the site has.
    pub fn notes(&self) -> usize {
        self.linked.site.pages.len()
    }

    /// Everything wrong with the site now, sorted.
    pub fn diagnostics(&self) -> Diagnostics {
        let mut all = self.open_diagnostics.clone();
        all.extend(self.site_diagnostics.iter().cloned());
        all.extend(self.support_diagnostics.iter().cloned());
        all.extend(self.load_errors.values().cloned());
        all.extend(self.template_errors.iter().cloned());
        all.extend(
            self.linked
                .site
                .pages
                .values()
                .flat_map(|p| p.parsed.diagnostics.iter().cloned()),
        );
        all.extend(self.linked.graph.all_diagnostics().cloned());
        all.extend(self.render_diagnostics.values().flatten().cloned());
        all.sort();
        all
    }

    /// Rebuilds what `changes` affect.
    pub fn apply(&mut self, changes: &Changes) -> Result<Update> {
        if changes.config {
            let before = std::mem::take(&mut self.files);
            *self = match Session::open(&self.options) {
                Ok(session) => session,
                Err(diagnostics) => {
                    // Keep serving the old site and say why the new config is refused.
                    self.files = before;
                    self.open_diagnostics = diagnostics;
                    return Ok(Update::default());
                }
            };
            return Ok(diff(&before, &self.files, true, self.files.len()));
        }
        let mut templates_changed = false;
        if !changes.templates.is_empty() {
            match load_renderer(&self.project) {
                Ok(renderer) => {
                    self.renderer = renderer;
                    self.template_errors = Diagnostics::new();
                    templates_changed = true;
                }
                Err(d) => self.template_errors = d,
            }
        }
        let (edited, structural) = self.apply_content(&changes.content);
        let mut update = if structural || templates_changed {
            let pages: Vec<(Note, ParsedNote)> = std::mem::take(&mut self.linked.site.pages)
                .into_values()
                .map(|p| (p.note, p.parsed))
                .collect();
            let assets = std::mem::take(&mut self.linked.site.assets);
            self.relink_all(pages, assets);
            self.render_changed()?
        } else {
            self.render_some(&edited)?
        };
        for path in &changes.statics {
            self.refresh_static(path, &mut update)?;
        }
        Ok(update)
    }

    /// Assembles, links and collects the taxonomy of the whole site from parsed notes.
    fn relink_all(&mut self, pages: Vec<(Note, ParsedNote)>, assets: BTreeMap<String, Asset>) {
        self.signatures = pages
            .iter()
            .map(|(note, parsed)| {
                (
                    note.id.clone(),
                    signature(note, parsed, &self.project.config.title),
                )
            })
            .collect();
        let folders = site::folders_of(pages.iter().map(|(n, _)| &n.id));
        let (site, site_diagnostics) =
            site::assemble(self.project.config.clone(), pages, assets, folders);
        let (linked, _) = Linked::new(site);
        self.linked = linked;
        self.site_diagnostics = site_diagnostics;
    }
}

fn single(d: Diagnostic) -> Diagnostics {
    let mut all = Diagnostics::new();
    all.push(d);
    all
}

fn load_renderer(project: &Project) -> Result<Renderer, Diagnostics> {
    Renderer::new(Some(&project.templates_dir), &project.root, &project.config)
}

/// Which files differ between two builds.
fn diff(before: &Files, after: &Files, full: bool, rendered: usize) -> Update {
    let changed = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(*bytes))
        .map(|(path, _)| path.clone())
        .collect();
    let removed = before
        .keys()
        .filter(|path| !after.contains_key(*path))
        .cloned()
        .collect();
    Update {
        changed,
        removed,
        rendered,
        full,
    }
}
