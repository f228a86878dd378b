//! The pipeline, once for every command: load → parse-and-draw → assemble → link → render →
//! write, kept in a [`State`]. `build` and `check` open a state and write all of it; `serve`
//! and `build --watch` keep it and [apply](State::apply) file changes to it, which runs the
//! same stages on what changed and renders the outputs whose [dependencies](deps) changed.

pub mod deps;
pub mod outputs;
pub mod plan;
mod reach;
pub mod record;
pub mod stages;
mod summary;
mod update;

pub use deps::{Fact, OutputKey};
pub use plan::Changes;

use crate::build::{BuildOptions, Timings};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::diagrams::DiagramStats;
use crate::linked::Linked;
use crate::markdown::Highlighter;
use crate::output::Txn;
use crate::project::Project;
use crate::render::{PageContext, Renderer};
use crate::site::{self, TitleRules};
use crate::taxonomy;
use crate::vault::NoteId;
use outputs::{Produced, Spec};
use rayon::prelude::*;
use record::{Entry, Record};
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

/// A site: every stage's result, kept so that changes can be applied to it.
pub struct State {
    /// Folders and configuration.
    pub project: Project,
    options: BuildOptions,
    highlighter: Highlighter,
    renderer: Renderer,
    rules: TitleRules,
    /// The notes, linked.
    pub linked: Linked,
    /// Per note, a digest of what other pages show of it (see [`update::summary`]).
    summaries: crate::hash::FastMap<NoteId, u64>,
    /// Notes that cannot be read now, by content path (their last good version stays).
    load_errors: BTreeMap<String, Diagnostic>,
    /// Why the site's templates cannot be used (the previous ones, or the built-in ones, are).
    template_errors: Diagnostics,
    /// Config warnings and what walking the content found.
    open_diagnostics: Diagnostics,
    /// Titles, URLs, folder pages.
    site_diagnostics: Diagnostics,
    /// Many notes with one title.
    title_diagnostics: Diagnostics,
    /// Listing the outputs (a missing `mermaid.script`).
    list_diagnostics: Diagnostics,
    /// Per output, what producing it found.
    render_diagnostics: crate::hash::FastMap<OutputKey, Vec<Diagnostic>>,
    /// What each output read and wrote, with the digests of the facts read.
    record: Record,
    /// The record went back to an earlier site (what was rendered since could not be
    /// written): the next change computes every digest again.
    stale_record: bool,
    /// Outputs whose maker keeps their files and says which are as it gave them last time
    /// ([`Produced::Shared`]), whose last files are not known to be written: those are all
    /// written again.
    unwritten: crate::hash::FastSet<OutputKey>,
    /// Such outputs produced since the last [`State::written`].
    pending: Vec<OutputKey>,
    /// Search index entries of the notes, kept between rebuilds.
    search: std::sync::Mutex<crate::search::SearchCache>,
    /// Excerpts of sections for topic pages, kept between rebuilds.
    excerpts: crate::render::Excerpts,
    /// What the diagram stage did.
    pub diagram_stats: DiagramStats,
    /// How long each stage took.
    pub timings: Timings,
}

impl State {
    /// Whether a change to `path` changes how every note parses (the math preamble), so the
    /// site must be opened afresh, as after a config change.
    pub fn parses_with(&self, path: &std::path::Path) -> bool {
        self.project.math_preamble_file().is_some_and(|f| f == path)
            || (self.project.config.markdown.math_preamble.is_none()
                && path == self.project.content_dir.join("preamble.sty"))
    }

    /// Runs load, parse-and-draw, assemble and link on a whole site. Fails only when the
    /// project cannot be opened (bad config, missing folder); broken notes, links and
    /// templates are in [`State::diagnostics`].
    pub fn open(options: &BuildOptions) -> Result<State, Diagnostics> {
        let (project, open_diagnostics) = Project::open(options)?;
        let progress = options.progress.as_deref();
        let mut timings = Timings::default();
        let started = Instant::now();
        let (vault, load_diagnostics) = stages::load(&project);
        timings.load = started.elapsed();
        let mut state = State {
            highlighter: project.highlighter(),
            renderer: Renderer::new(None, &project.root, &project.config)?,
            rules: TitleRules::new(&project.config, project.obsidian),
            project,
            options: options.clone(),
            linked: Linked::default(),
            summaries: Default::default(),
            load_errors: BTreeMap::new(),
            template_errors: Diagnostics::new(),
            open_diagnostics,
            site_diagnostics: Diagnostics::new(),
            title_diagnostics: Diagnostics::new(),
            list_diagnostics: Diagnostics::new(),
            render_diagnostics: Default::default(),
            record: Record::default(),
            stale_record: false,
            unwritten: Default::default(),
            pending: Vec::new(),
            search: std::sync::Mutex::new(crate::search::SearchCache::default()),
            excerpts: crate::render::Excerpts::default(),
            diagram_stats: DiagramStats::default(),
            timings,
        };
        for d in load_diagnostics {
            match state.content_key(&d.file) {
                Some(key) if d.is_error() => {
                    state.load_errors.insert(key, d);
                }
                _ => state.open_diagnostics.push(d),
            }
        }
        state.load_templates();
        for d in state.project.math_preamble_problems() {
            state.open_diagnostics.push(d);
        }
        let notes = vault.notes.into_values().collect();
        let drawn = stages::parse_and_draw(notes, &state.project, &state.highlighter, progress);
        state.diagram_stats = drawn.stats;
        state.timings.parse = drawn.parse_time;
        state.timings.diagrams = drawn.draw_time;
        let parsed = drawn.notes;
        if let Some(d) = stages::save_highlight_cache(&state.project, &state.highlighter) {
            state.open_diagnostics.push(d);
        }
        let started = Instant::now();
        state.summaries = parsed
            .iter()
            .map(|(note, parsed)| (note.id.clone(), summary::summary(note, parsed)))
            .collect();
        let (site, site_diagnostics) = site::assemble(
            state.project.config.clone(),
            parsed,
            vault.assets,
            state.rules,
        );
        state.site_diagnostics = site_diagnostics;
        state.title_diagnostics = site::title_warnings(&site);
        state.linked.site = site;
        state.linked.graph = crate::graph::link(&state.linked.site);
        state.linked.taxonomy = taxonomy::collect(&state.linked.site, &state.linked.graph);
        state.timings.link = started.elapsed();
        Ok(state)
    }

    /// Loads the site's templates over the built-in ones; when they are broken, the built-in
    /// (or previous) ones stay in use and the errors are reported.
    fn load_templates(&mut self) {
        match Renderer::new(
            Some(&self.project.templates_dir),
            &self.project.root,
            &self.project.config,
        ) {
            Ok(renderer) => {
                self.renderer = renderer;
                self.template_errors = Diagnostics::new();
            }
            Err(d) => self.template_errors = d,
        }
    }

    /// The content path of a diagnostic's file (`content/a.md` → `a.md`), if it is a note.
    fn content_key(&self, file: &std::path::Path) -> Option<String> {
        let content = self
            .project
            .content_dir
            .strip_prefix(&self.project.root)
            .unwrap_or(std::path::Path::new(""));
        crate::vault::walk::to_slash(file.strip_prefix(content).ok()?)
    }

    /// How many code blocks were highlighted, repeated, or taken from the cache so far.
    pub fn code_stats(&self) -> crate::markdown::HighlightStats {
        self.highlighter.stats()
    }

    /// What the search index holds (empty before it was written).
    pub fn search_stats(&self) -> crate::search::Stats {
        self.search
            .lock()
            .map(|c| c.last_stats())
            .unwrap_or_default()
    }

    /// How many notes the site has.
    pub fn notes(&self) -> usize {
        self.linked.site.pages.len()
    }

    /// Everything wrong with the site now, sorted.
    pub fn diagnostics(&self) -> Diagnostics {
        let mut all = self.open_diagnostics.clone();
        all.extend(self.site_diagnostics.iter().cloned());
        all.extend(self.title_diagnostics.iter().cloned());
        all.extend(self.list_diagnostics.iter().cloned());
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
        all.extend(self.linked.taxonomy.decks.diagnostics.iter().cloned());
        all.extend(self.render_diagnostics.values().flatten().cloned());
        all.sort();
        all
    }

    fn context(&self) -> PageContext<'_> {
        PageContext {
            linked: &self.linked,
            renderer: &self.renderer,
            excerpts: &self.excerpts,
        }
    }

    /// Renders and writes every output (a whole build). With `remember`, what each output
    /// reads is recorded with the digests of those facts, so later changes render only what
    /// they reach. Returns the number of pages.
    pub fn write_all(&mut self, txn: &Txn<'_>, remember: bool) -> usize {
        let started = Instant::now();
        let (specs, diagnostics) = outputs::list(&self.linked, &self.project);
        self.list_diagnostics = diagnostics;
        self.record.clear();
        self.render_diagnostics.clear();
        // A site kept for rebuilds keeps its notes' bodies too (print sheets show them again).
        self.excerpts.keep_bodies(remember);
        if let Some(p) = self.options.progress.as_deref() {
            p.stage("rendering pages", specs.len());
        }
        let pages = specs
            .iter()
            .filter(|(k, _)| matches!(k, OutputKey::Page(_)))
            .count();
        self.pending.clear();
        let done = self.produce(&specs, txn, false);
        for (spec, result) in specs.iter().zip(done) {
            let reads = if remember {
                deps::reads(&spec.0, &self.linked, spec.1.as_ref())
            } else {
                Vec::new()
            };
            self.remember(spec.0.clone(), reads, result);
        }
        if remember {
            let facts: Vec<Fact> = self.record.facts().cloned().collect();
            self.refresh(facts);
        }
        self.timings.render = started.elapsed();
        pages
    }

    /// Computes the digests of `facts` again; returns the facts whose digest changed.
    fn refresh(&mut self, facts: Vec<Fact>) -> Vec<Fact> {
        let fresh = self.digests(facts);
        self.set_digests(fresh)
    }

    /// The digests of `facts` over the site as it is now.
    fn digests(&self, facts: Vec<Fact>) -> Vec<(Fact, u64)> {
        if facts.is_empty() {
            return Vec::new();
        }
        let digester = deps::Digester::new(&self.linked, &self.renderer, &self.excerpts, &facts);
        facts
            .into_par_iter()
            .map(|f| {
                let d = digester.digest(&f);
                (f, d)
            })
            .collect()
    }

    /// Records digests; returns the facts whose digest changed.
    fn set_digests(&mut self, fresh: Vec<(Fact, u64)>) -> Vec<Fact> {
        let mut changed = Vec::new();
        for (fact, digest) in fresh {
            if self.record.digest(&fact) != Some(digest) {
                self.record.set_digest(fact.clone(), digest);
                changed.push(fact);
            }
        }
        changed
    }

    /// Produces outputs in parallel and writes them into `txn`. A panic producing one output
    /// becomes an error naming it; the others go on. With `keep` (`txn` changes the site
    /// written last), files an output's maker says are as it gave them last time are not
    /// written again, when that output's last files were all written.
    fn produce(
        &self,
        specs: &[Spec],
        txn: &Txn<'_>,
        keep: bool,
    ) -> Vec<Result<Written, Diagnostic>> {
        let ctx = self.context();
        let progress = self.options.progress.as_deref();
        specs
            .par_iter()
            .map(|spec| {
                let run = catch_unwind(AssertUnwindSafe(|| {
                    outputs::produce(spec, ctx, &self.project, &self.search)
                }));
                if let Some(p) = progress {
                    p.advance();
                }
                let (produced, diagnostics) = match run {
                    Ok(result) => result?,
                    Err(panic) => {
                        let name = format!("{:?}", spec.0);
                        return Err(stages::internal_error(std::path::Path::new(&name), &*panic));
                    }
                };
                let kept_by_maker = matches!(produced, Produced::Shared(_));
                let files = match produced {
                    Produced::Bytes(path, bytes) => txn.write(&path, bytes).map(|()| vec![path]),
                    Produced::Copy(path, from) => txn.copy(&path, &from).map(|()| vec![path]),
                    Produced::Many(files) => files
                        .into_iter()
                        .map(|(path, bytes)| txn.write(&path, bytes).map(|()| path))
                        .collect(),
                    Produced::Shared(files) => {
                        let keep = keep
                            && !self.unwritten.contains(&spec.0)
                            && self.record.entry(&spec.0).is_some_and(|e| !e.failed);
                        files
                            .into_iter()
                            .map(|((path, shared), same)| {
                                if keep && same {
                                    return Ok(path);
                                }
                                txn.write_shared(&path, &shared).map(|()| path)
                            })
                            .collect()
                    }
                }
                .map_err(|e| Diagnostic::error(self.display(spec), 0, 0, format!("{e:#}")))?;
                Ok(Written {
                    files,
                    diagnostics,
                    kept_by_maker,
                })
            })
            .collect()
    }

    fn display(&self, spec: &Spec) -> std::path::PathBuf {
        match spec {
            (_, Some(source)) => crate::vault::display_path(source, &self.project.root),
            (key, None) => std::path::PathBuf::from(format!("{key:?}")),
        }
    }

    /// Records what producing an output gave: what it read, the files it wrote, what it found
    /// wrong. An output that failed keeps its last files and is produced again next time.
    fn remember(&mut self, key: OutputKey, reads: Vec<Fact>, result: Result<Written, Diagnostic>) {
        let entry = match result {
            Ok(written) => {
                if written.kept_by_maker {
                    self.unwritten.insert(key.clone());
                    self.pending.push(key.clone());
                }
                if written.diagnostics.is_empty() {
                    self.render_diagnostics.remove(&key);
                } else {
                    self.render_diagnostics
                        .insert(key.clone(), written.diagnostics);
                }
                Entry {
                    reads,
                    files: written.files,
                    failed: false,
                }
            }
            Err(d) => {
                self.render_diagnostics.insert(key.clone(), vec![d]);
                Entry {
                    reads,
                    files: self
                        .record
                        .entry(&key)
                        .map(|e| e.files.clone())
                        .unwrap_or_default(),
                    failed: true,
                }
            }
        };
        self.record.insert(key, entry);
    }
}

/// The record as it was at one point, to go back to when what was rendered since could not be
/// written.
pub struct RecordSnapshot(Record);

impl State {
    /// The record now.
    pub fn record_snapshot(&self) -> RecordSnapshot {
        RecordSnapshot(self.record.clone())
    }

    /// Goes back to an earlier record: everything that changed since is rendered again next
    /// time.
    pub fn restore_record(&mut self, snapshot: RecordSnapshot) {
        self.record = snapshot.0;
        self.stale_record = true;
    }

    /// Says that what the last build or change rendered was written.
    pub fn written(&mut self) {
        self.stale_record = false;
        for key in self.pending.drain(..) {
            self.unwritten.remove(&key);
        }
    }
}

/// What writing one output gave.
struct Written {
    files: Vec<String>,
    diagnostics: Vec<Diagnostic>,
    /// The output's maker keeps its files ([`Produced::Shared`]).
    kept_by_maker: bool,
}
