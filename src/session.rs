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

use crate::build::{BuildOptions, Linked, Project, render_pages, write_support_files};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, Highlighter, ParsedNote};
use crate::nav::PageKey;
use crate::output::{Files, Output};
use crate::render::{ExtraPage, PageContext, PageRef, Renderer};
use crate::site::{self, Page, Site};
use crate::vault::{self, Asset, Note, NoteId, walk};
use anyhow::Result;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

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

    /// Reloads changed notes and attachments. Returns the notes edited in place and whether
    /// the change is structural (see the module documentation).
    fn apply_content(&mut self, paths: &BTreeSet<PathBuf>) -> (Vec<NoteId>, bool) {
        let mut edited = Vec::new();
        let mut structural = false;
        let project = self.project.clone();
        let content_dir = &project.content_dir;
        let load_options = project.load_options();
        let excluded = load_options.exclude.clone();
        for path in paths {
            let Ok(rel_path) = path.strip_prefix(content_dir) else {
                continue;
            };
            let Some(rel) = walk::to_slash(rel_path) else {
                continue;
            };
            if rel.split('/').any(|p| p.starts_with('.'))
                || excluded.iter().any(|x| path.starts_with(x))
            {
                continue;
            }
            // What is on disk now under this path (a file, a folder, or nothing).
            let mut found: Vec<(String, PathBuf)> = Vec::new();
            if path.is_dir() {
                let (inside, _) = walk::walk(path, &excluded, &project.root);
                let prefix = if rel.is_empty() {
                    String::new()
                } else {
                    format!("{rel}/")
                };
                found.extend(
                    inside
                        .notes
                        .into_iter()
                        .map(|(r, p)| (format!("{prefix}{r}"), p)),
                );
                found.extend(
                    inside
                        .assets
                        .into_iter()
                        .map(|(r, a)| (format!("{prefix}{r}"), a.source)),
                );
            } else if path.is_file() {
                found.push((rel.clone(), path.clone()));
            }
            // Whatever was known under this path and is gone now is removed.
            let under =
                |key: &str| key == rel || rel.is_empty() || key.starts_with(&format!("{rel}/"));
            let present: BTreeSet<&str> = found.iter().map(|(r, _)| r.as_str()).collect();
            let gone_notes: Vec<NoteId> = self
                .linked
                .site
                .pages
                .keys()
                .filter(|id| under(id.as_str()) && !present.contains(id.as_str()))
                .cloned()
                .collect();
            for id in gone_notes {
                self.linked.site.pages.remove(&id);
                self.signatures.remove(&id);
                structural = true;
            }
            self.load_errors
                .retain(|key, _| !under(key) || present.contains(key.as_str()));
            let gone_assets: Vec<String> = self
                .linked
                .site
                .assets
                .keys()
                .filter(|key| under(key) && !present.contains(key.as_str()))
                .cloned()
                .collect();
            for key in gone_assets {
                self.linked.site.assets.remove(&key);
                structural = true;
            }
            for (rel, abs) in found {
                if !walk::is_note(&abs) {
                    let known = self.linked.site.assets.contains_key(&rel);
                    self.linked.site.assets.insert(
                        rel.clone(),
                        Asset {
                            path: rel,
                            source: abs,
                        },
                    );
                    // A new attachment can make a broken link work; a changed one only
                    // needs copying, which every rebuild does.
                    structural |= !known;
                    continue;
                }
                match vault::read_note(&rel, &abs, &load_options) {
                    Ok(Some(note)) => {
                        self.load_errors.remove(&rel);
                        let parsed = markdown::parse(
                            &note.body,
                            note.body_line_offset,
                            &project.parse_options(),
                            &self.highlighter,
                        );
                        let id = note.id.clone();
                        let existed = self.linked.site.pages.contains_key(&id);
                        let signature = signature(&note, &parsed, &project.config.title);
                        let same = self.signatures.get(&id) == Some(&signature);
                        self.signatures.insert(id.clone(), signature);
                        self.insert_page(note, parsed);
                        if existed && same {
                            edited.push(id);
                        } else {
                            structural = true;
                        }
                    }
                    Ok(None) => {
                        // Now a draft: it leaves the site.
                        let id = NoteId::new(&rel);
                        structural |= self.linked.site.pages.remove(&id).is_some();
                        self.signatures.remove(&id);
                        self.load_errors.remove(&rel);
                    }
                    Err(d) => {
                        self.load_errors.insert(rel, d);
                    }
                }
            }
        }
        (edited, structural)
    }

    fn insert_page(&mut self, note: Note, parsed: ParsedNote) {
        let page = Page::new(note, parsed, &self.project.config.title);
        self.linked.site.pages.insert(page.note.id.clone(), page);
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

    /// Renders every page and support file into memory.
    fn render_all(&mut self) -> Result<()> {
        self.fingerprints.clear();
        self.render_diagnostics.clear();
        self.files.clear();
        let pages = crate::render::all_pages(self.linked.context(&self.renderer));
        self.render_refs(&pages)?;
        self.refresh_support()?;
        Ok(())
    }

    /// Renders `pages` into memory and puts them in place, remembering their fingerprints.
    /// Returns the output files whose bytes changed.
    fn render_refs(&mut self, pages: &[PageRef]) -> Result<Vec<String>> {
        let output = Output::in_memory();
        let results = render_pages(self.linked.context(&self.renderer), pages, &output);
        for (page, result) in pages.iter().zip(results) {
            self.render_diagnostics.remove(page);
            match result {
                Ok((rendered, found)) => {
                    self.fingerprints
                        .insert(page.clone(), (rendered.file, rendered.fingerprint));
                    if !found.is_empty() {
                        self.render_diagnostics.insert(page.clone(), found);
                    }
                }
                Err(d) => {
                    self.fingerprints.remove(page);
                    self.render_diagnostics.insert(page.clone(), vec![d]);
                }
            }
        }
        let mut changed = Vec::new();
        for (path, bytes) in output.commit()?.files {
            if self.files.get(&path) != Some(&bytes) {
                changed.push(path.clone());
                self.files.insert(path, bytes);
            }
        }
        Ok(changed)
    }

    /// After a structural change: works out every page's fingerprint (cheap: nothing is
    /// rendered) and renders only the pages whose fingerprint changed. Fingerprints include the
    /// templates a page uses, so a template change re-renders just the pages that use it.
    fn render_changed(&mut self) -> Result<Update> {
        let ctx = PageContext {
            fingerprint_only: true,
            ..self.linked.context(&self.renderer)
        };
        let pages = crate::render::all_pages(ctx);
        let fingerprints = render_pages(ctx, &pages, &Output::in_memory());
        let stale: Vec<PageRef> = pages
            .iter()
            .zip(fingerprints)
            .filter(|(page, result)| match result {
                Ok((r, _)) => {
                    self.fingerprints.get(*page) != Some(&(r.file.clone(), r.fingerprint))
                }
                Err(_) => true,
            })
            .map(|(page, _)| page.clone())
            .collect();
        let current: std::collections::HashSet<&PageRef> = pages.iter().collect();
        let gone: Vec<PageRef> = self
            .fingerprints
            .keys()
            .filter(|p| !current.contains(p))
            .cloned()
            .collect();
        let mut removed = Vec::new();
        for page in gone {
            self.render_diagnostics.remove(&page);
            if let Some((file, _)) = self.fingerprints.remove(&page) {
                removed.push(file);
            }
        }
        let mut changed = self.render_refs(&stale)?;
        // A page that went may share its file with one that came (a renamed note).
        let written: BTreeSet<&String> = self.fingerprints.values().map(|(file, _)| file).collect();
        removed.retain(|file| !written.contains(file));
        for file in &removed {
            self.files.remove(file);
        }
        let (support_changed, support_removed) = self.refresh_support()?;
        changed.extend(support_changed);
        removed.extend(support_removed);
        changed.sort();
        removed.sort();
        Ok(Update {
            changed,
            removed,
            rendered: stale.len(),
            full: true,
        })
    }

    /// Writes the sitemap, static files and attachments again; returns what changed and what
    /// went.
    fn refresh_support(&mut self) -> Result<(Vec<String>, Vec<String>)> {
        let output = Output::in_memory();
        self.support_diagnostics = write_support_files(&self.project, &self.linked.site, &output)?;
        let fresh = output.commit()?.files;
        let removed: Vec<String> = self
            .support_files
            .iter()
            .filter(|path| !fresh.contains_key(*path))
            .cloned()
            .collect();
        for path in &removed {
            self.files.remove(path);
        }
        self.support_files = fresh.keys().cloned().collect();
        let mut changed = Vec::new();
        for (path, bytes) in fresh {
            if self.files.get(&path) != Some(&bytes) {
                changed.push(path.clone());
                self.files.insert(path, bytes);
            }
        }
        Ok((changed, removed))
    }

    /// Re-renders the pages that show the edited notes: their own, the pages that embed them
    /// (and those that embed those), and the topic pages with their sections.
    fn render_some(&mut self, edited: &[NoteId]) -> Result<Update> {
        if edited.is_empty() {
            return Ok(Update::default());
        }
        for id in edited {
            if let Some(page) = self.linked.site.pages.get(id) {
                self.linked.graph.follow_edit(id, &page.parsed);
            }
        }
        let mut pages: BTreeSet<NoteId> = BTreeSet::new();
        let mut queue: Vec<NoteId> = edited.to_vec();
        while let Some(id) = queue.pop() {
            if !pages.insert(id.clone()) {
                continue;
            }
            for b in self.linked.graph.backlinks.get(&id).into_iter().flatten() {
                if b.embed {
                    queue.push(b.from.clone());
                }
            }
        }
        let touched: Vec<NoteId> = pages.iter().cloned().collect();
        self.linked.refresh_content_keys(&touched);
        let mut refs: Vec<PageRef> = pages
            .iter()
            .filter_map(|id| self.linked.site.pages.get(id))
            .map(|p| PageRef::Nav(p.key()))
            .collect();
        let topics = &self.linked.taxonomy.topics;
        let mut topic_pages: BTreeSet<usize> = BTreeSet::new();
        for id in &pages {
            topic_pages.extend(topics.of_note.get(id).into_iter().flatten().copied());
        }
        refs.extend(
            topic_pages
                .into_iter()
                .map(|i| PageRef::Extra(ExtraPage::Topic(i))),
        );
        let changed = self.render_refs(&refs)?;
        Ok(Update {
            changed,
            rendered: refs.len(),
            ..Update::default()
        })
    }

    /// Copies one static file (or restores the built-in one it shadowed, when removed).
    fn refresh_static(&mut self, path: &Path, update: &mut Update) -> Result<()> {
        let Ok(rel) = path.strip_prefix(&self.project.static_dir) else {
            return Ok(());
        };
        let Some(rel) = walk::to_slash(rel) else {
            return Ok(());
        };
        if path.is_dir() {
            for entry in walkdir::WalkDir::new(path).into_iter().flatten() {
                if entry.file_type().is_file() {
                    self.refresh_static(entry.path(), update)?;
                }
            }
            return Ok(());
        }
        let root = self
            .project
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.project.root.clone());
        let bytes = if path.is_file() && walk::leads_inside(path, &root) {
            Some(std::fs::read(path)?)
        } else {
            crate::theme::STATIC_FILES
                .iter()
                .find(|(p, _)| *p == rel)
                .map(|(_, b)| b.to_vec())
        };
        match bytes {
            Some(bytes) if self.files.get(&rel) != Some(&bytes) => {
                self.files.insert(rel.clone(), bytes);
                update.changed.push(rel);
            }
            Some(_) => {}
            None => {
                if self.files.remove(&rel).is_some() {
                    update.removed.push(rel);
                }
            }
        }
        Ok(())
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

/// The content path of a diagnostic's file (`content/a.md` → `a.md`), if it is a note.
fn content_key(project: &Project, file: &Path) -> Option<String> {
    let content = project
        .content_dir
        .strip_prefix(&project.root)
        .unwrap_or(Path::new(""));
    walk::to_slash(file.strip_prefix(content).ok()?)
}

/// Everything other pages show of a note: if this is unchanged, an edit only affects the
/// note's own page and the pages that embed it.
fn signature(note: &Note, parsed: &ParsedNote, site_title: &str) -> u64 {
    let mut h = DefaultHasher::new();
    site::title_of(note, parsed, site_title).hash(&mut h);
    let front = &note.front;
    (
        &front.description,
        &front.tags,
        &front.date,
        &front.updated,
        front.weight,
        &front.aliases,
    )
        .hash(&mut h);
    front
        .extra
        .get("topics")
        .map(|v| v.to_string())
        .hash(&mut h);
    front
        .extra
        .get("cards-deck")
        .map(|v| v.to_string())
        .hash(&mut h);
    for heading in &parsed.headings {
        (
            heading.level,
            &heading.text,
            &heading.anchor,
            &heading.block_id,
            &heading.card,
        )
            .hash(&mut h);
    }
    (&parsed.block_ids, &parsed.html_ids, &parsed.tags).hash(&mut h);
    for (fragment, _, _) in &parsed.html_anchor_links {
        fragment.hash(&mut h);
    }
    for link in &parsed.links {
        (
            &link.target,
            link.kind == markdown::LinkKind::Image,
            link.wiki,
            link.has_label,
            &link.label,
            &link.context,
        )
            .hash(&mut h);
    }
    h.finish()
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

/// The key a page has in navigation, for callers that map files back to pages.
pub fn page_key(site: &Site, id: &NoteId) -> Option<PageKey> {
    site.pages.get(id).map(Page::key)
}
