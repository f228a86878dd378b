//! `build` and `check`: open the [pipeline](crate::pipeline) on a project, write every output
//! through one [`Output`] (a folder, or memory for `check`), and report.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::diagrams::DiagramStats;
use crate::markdown;
use crate::output::{Mode, Output};
use crate::pipeline::State;
pub use crate::project::Project;
use anyhow::Result;
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
    /// Builds into an output folder that holds files studysite did not write (they are kept).
    pub force: bool,
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
    /// Building the search index (part of `write`; see [`BuildReport::search`]).
    pub search: Duration,
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
    /// Attachments not published because no note links or embeds them.
    pub unreferenced: usize,
    /// What the diagram stage did.
    pub diagrams: DiagramStats,
    /// How many code blocks were highlighted, and how many came from the cache.
    pub code: markdown::HighlightStats,
    /// Where the site was written (none for `check` or a failed build).
    pub output: Option<PathBuf>,
    /// The search index: size, shards, build time.
    pub search: crate::search::Stats,
}

impl BuildReport {
    /// Whether the run found no errors.
    pub fn succeeded(&self) -> bool {
        !self.diagnostics.has_errors()
    }
}

/// Loads, parses and links a site without rendering or writing anything (for commands that
/// read the linked site, such as `cards list|export`).
pub fn link_site(
    options: &BuildOptions,
) -> Result<(Project, crate::linked::Linked, Diagnostics), Diagnostics> {
    let state = State::open(options)?;
    let diagnostics = state.diagnostics();
    Ok((state.project.clone(), state.linked, diagnostics))
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
    let mut state = match State::open(options) {
        Ok(state) => state,
        Err(diagnostics) => {
            report.diagnostics = diagnostics;
            report.elapsed = started.elapsed();
            return Ok(report);
        }
    };
    report.notes = state.notes();
    // Issue 10 hook: files left out of the site, for the summary line.
    report.unreferenced =
        crate::graph::assets::unreferenced(&state.linked.site, &state.linked.graph).len();
    report.diagrams = state.diagram_stats;
    report.code = state.code_stats();
    let mut diagnostics = state.diagnostics();
    if write && let Some(message) = state.project.output_refusal() {
        diagnostics.push(Diagnostic::error(&state.project.root, 0, 0, message));
    }
    if !diagnostics.has_errors() {
        let mut output = if write {
            Output::to_disk(&state.project.output_dir, options.force)?
        } else {
            Output::in_memory()
        };
        let txn = output.begin(Mode::Fresh);
        report.pages = state.write_all(&txn, false);
        diagnostics = state.diagnostics();
        if !diagnostics.has_errors() {
            let started = Instant::now();
            let committed = txn.commit()?;
            report.files = committed.files as u64;
            report.changed = committed.changed.len() as u64;
            report.removed = committed.removed.len() as u64;
            state.timings.write = started.elapsed();
            if write {
                report.output = Some(state.project.output_dir.clone());
            } else {
                // a11y hook: `check` also follows the built pages' links and anchors (in memory).
                let p = &state.project;
                let out = p.output_dir.strip_prefix(&p.root).unwrap_or(&p.output_dir);
                let covered = crate::linkcheck::covered(&state.linked.site);
                diagnostics.extend(crate::linkcheck::check(output.files(), out, &covered));
            }
        }
    }
    report.search = state.search_stats();
    report.timings = state.timings.clone();
    report.timings.search = report.search.elapsed;
    report.diagnostics = diagnostics;
    report.elapsed = started.elapsed();
    Ok(report)
}
