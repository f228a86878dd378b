//! A site kept open between edits, for `serve` (in memory) and `build --watch` (on disk): the
//! [pipeline state](crate::pipeline::State) plus the [`Output`] it writes through. Each batch
//! of changes is applied to the state, which writes what changed into one transaction; a
//! config change opens the site afresh. A panic anywhere in a rebuild is caught and reported,
//! and the next change rebuilds again.

use crate::build::BuildOptions;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Content, Mode, Output};
pub use crate::pipeline::Changes;
use crate::pipeline::State;
use crate::project::Project;
use anyhow::Result;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The built files, by site path, as bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// What one rebuild did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    /// Output files that are new or changed.
    pub changed: Vec<String>,
    /// Output files that are gone.
    pub removed: Vec<String>,
    /// How many outputs were rendered or copied.
    pub rendered: usize,
    /// Whether the site was opened afresh or re-linked.
    pub full: bool,
    /// Whether the site was opened afresh (the first build, or new settings): every output
    /// was written again.
    pub fresh: bool,
    /// How long each step took.
    pub steps: Vec<(&'static str, std::time::Duration)>,
}

impl Update {
    /// Whether only stylesheets changed (browsers can swap them without reloading).
    pub fn css_only(&self) -> bool {
        !self.changed.is_empty()
            && self.removed.is_empty()
            && self.changed.iter().all(|f| f.ends_with(".css"))
    }
}

/// A site built once and kept up to date.
pub struct Session {
    options: BuildOptions,
    state: State,
    output: Output,
    /// Why the last rebuild failed, if it did (a panic, a disk error).
    failure: Option<Diagnostic>,
    /// What the first build did.
    opened: Update,
}

impl Session {
    /// Builds the site in memory. Fails only when the project cannot be opened (bad config,
    /// missing folder); broken notes and links are reported in [`Session::diagnostics`].
    pub fn open(options: &BuildOptions) -> Result<Session, Diagnostics> {
        Session::open_with(options, Output::in_memory())
    }

    /// Builds the site into an output folder, which later changes update.
    pub fn open_on_disk(options: &BuildOptions) -> Result<Session, Diagnostics> {
        let (project, _) = Project::open(options)?;
        let fail = |message: String| {
            Diagnostics::from_iter([Diagnostic::error(&project.root, 0, 0, message)])
        };
        if let Some(message) = project.output_refusal() {
            return Err(fail(message));
        }
        let mut output = Output::to_disk(&project.output_dir, options.force)
            .map_err(|e| fail(format!("{e:#}")))?;
        output.remove_in_background();
        Session::open_with(options, output)
    }

    fn open_with(options: &BuildOptions, mut output: Output) -> Result<Session, Diagnostics> {
        let mut state = State::open(options)?;
        let mut failure = None;
        let mut opened = Update {
            full: true,
            fresh: true,
            ..Update::default()
        };
        let on_disk = output.folder().is_some();
        if !state.diagnostics().has_errors() || !on_disk {
            let txn = output.begin(Mode::Fresh);
            opened.rendered = state.write_all(&txn, true);
            let written = if state.diagnostics().has_errors() && on_disk {
                Ok(Default::default())
            } else {
                txn.commit().inspect(|_| state.written())
            };
            match written {
                Ok(committed) => {
                    opened.changed = committed.changed;
                    opened.removed = committed.removed;
                }
                Err(e) => {
                    failure = Some(Diagnostic::error(
                        &state.project.root,
                        0,
                        0,
                        format!("{e:#}"),
                    ));
                }
            }
        }
        Ok(Session {
            options: options.clone(),
            state,
            output,
            failure,
            opened,
        })
    }

    /// What opening the site did: the pages of the first build and the files it wrote.
    pub fn opened(&self) -> &Update {
        &self.opened
    }

    /// The project (folders and configuration).
    pub fn project(&self) -> &Project {
        &self.state.project
    }

    /// The built files kept in memory, by site path.
    pub fn contents(&self) -> &crate::output::Files {
        self.output.files()
    }

    /// The built files kept in memory, as bytes (copied files read from their sources).
    pub fn files(&self) -> Files {
        self.output
            .files()
            .iter()
            .map(|(path, (_, content))| (path.clone(), content.read().unwrap_or_default()))
            .collect()
    }

    /// One built file kept in memory.
    pub fn file(&self, path: &str) -> Option<&Content> {
        self.output.files().get(path).map(|(_, c)| c)
    }

    /// How many notes the site has.
    pub fn notes(&self) -> usize {
        self.state.notes()
    }

    /// Everything wrong with the site now, sorted.
    pub fn diagnostics(&self) -> Diagnostics {
        let mut all = self.state.diagnostics();
        if let Some(d) = &self.failure {
            all.push(d.clone());
            all.sort();
        }
        all
    }

    /// Rebuilds what `changes` affect. A panic or a failed write is reported in the
    /// diagnostics (the last good site stays); it never ends the session.
    pub fn apply(&mut self, changes: &Changes) -> Update {
        let result = catch_unwind(AssertUnwindSafe(|| self.apply_inner(changes)));
        match result {
            Ok(Ok(update)) => {
                self.failure = None;
                update
            }
            Ok(Err(e)) => {
                self.failure = Some(Diagnostic::error(
                    &self.state.project.root,
                    0,
                    0,
                    format!("rebuild failed: {e:#}"),
                ));
                Update::default()
            }
            Err(panic) => {
                let file = changes
                    .content
                    .iter()
                    .chain(&changes.templates)
                    .chain(&changes.statics)
                    .next()
                    .map(|p| crate::vault::display_path(p, &self.state.project.root))
                    .unwrap_or_default();
                self.failure = Some(crate::pipeline::stages::internal_error(&file, &*panic));
                // The state may be half-updated: the next change starts from a fresh one.
                if let Ok(state) = State::open(&self.options) {
                    self.state = state;
                    let txn = self.output.begin(Mode::Fresh);
                    self.state.write_all(&txn, true);
                    if txn.commit().is_ok() {
                        self.state.written();
                    }
                }
                Update::default()
            }
        }
    }

    fn apply_inner(&mut self, changes: &Changes) -> Result<Update> {
        if changes.config || changes.content.iter().any(|p| self.state.parses_with(p)) {
            let state = match State::open(&self.options) {
                Ok(state) => state,
                Err(diagnostics) => {
                    // Keep serving the old site and say why the new config is refused.
                    let first = diagnostics.iter().next().cloned();
                    self.failure = first;
                    return Ok(Update::default());
                }
            };
            self.state = state;
            let on_disk = self.output.folder().is_some();
            let txn = self.output.begin(Mode::Fresh);
            let rendered = self.state.write_all(&txn, true);
            if self.state.diagnostics().has_errors() && on_disk {
                return Ok(Update::default());
            }
            let committed = txn.commit()?;
            self.state.written();
            return Ok(Update {
                changed: committed.changed,
                removed: committed.removed,
                rendered,
                full: true,
                fresh: true,
                steps: Vec::new(),
            });
        }
        let on_disk = self.output.folder().is_some();
        // On disk, a site with errors is not written (the last good one stays), so the record
        // must go back to what is on disk.
        let written = on_disk.then(|| self.state.record_snapshot());
        let txn = self.output.begin(Mode::Update);
        let applied = self.state.apply(changes, &txn);
        let started = std::time::Instant::now();
        let committed = if on_disk && self.state.diagnostics().has_errors() {
            Err(anyhow::anyhow!("the site has errors"))
        } else {
            txn.commit()
        };
        let mut steps = applied.steps;
        let committed = match committed {
            Ok(c) => c,
            Err(e) => {
                if let Some(snapshot) = written {
                    self.state.restore_record(snapshot);
                }
                if self.state.diagnostics().has_errors() {
                    return Ok(Update::default());
                }
                return Err(e);
            }
        };
        self.state.written();
        steps.push(("commit", started.elapsed()));
        Ok(Update {
            changed: committed.changed,
            removed: committed.removed,
            rendered: applied.rendered,
            full: applied.structural,
            fresh: false,
            steps,
        })
    }
}
