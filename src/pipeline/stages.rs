//! The stages, once, for every command: load → parse-and-draw → assemble → link. A full build
//! runs them on every note; a rebuild runs the same functions on the notes that changed.
//! Rendering and writing are in [`super::outputs`].

use crate::build::Progress;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::diagrams::{self, DiagramStats};
use crate::markdown::Highlighter;
use crate::markdown::{self, ParsedNote};
use crate::project::Project;
use crate::vault::{self, Note};
use rayon::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

/// Parsed and drawn notes, with what it took.
pub struct Drawn {
    /// The notes.
    pub notes: Vec<(Note, ParsedNote)>,
    /// What the diagram stage did.
    pub stats: DiagramStats,
    /// Time spent parsing.
    pub parse_time: Duration,
    /// Time spent drawing diagrams.
    pub draw_time: Duration,
}

/// Parses and draws notes: markdown (anchors, links, highlighting, …) in parallel, then their
/// mermaid diagrams.
pub fn parse_and_draw(
    notes: Vec<Note>,
    project: &Project,
    highlighter: &Highlighter,
    progress: Option<&dyn Progress>,
) -> Drawn {
    let started = Instant::now();
    let mut parsed = parse(notes, project, highlighter, progress);
    let parse_time = started.elapsed();
    let started = Instant::now();
    let stats = diagrams::render_all(&mut parsed, &project.diagram_options());
    Drawn {
        notes: parsed,
        stats,
        parse_time,
        draw_time: started.elapsed(),
    }
}

/// Parses notes in parallel. A note whose parsing panics becomes an empty note with an error
/// naming it, and the others go on.
pub fn parse(
    notes: Vec<Note>,
    project: &Project,
    highlighter: &Highlighter,
    progress: Option<&dyn Progress>,
) -> Vec<(Note, ParsedNote)> {
    if let Some(p) = progress {
        p.stage("parsing notes", notes.len());
    }
    let options = project.parse_options();
    // A panic on purpose, for the tests of what a crash inside a build or rebuild leaves: the
    // note named by `STUDYSITE_FAIL_PARSE` (its content path) cannot be parsed.
    let fail = std::env::var("STUDYSITE_FAIL_PARSE").ok();
    notes
        .into_par_iter()
        .map(|note| {
            let run = catch_unwind(AssertUnwindSafe(|| {
                if fail.as_deref() == Some(note.id.as_str()) {
                    panic!("injected panic");
                }
                let mut parsed = markdown::parse_note(&note, &options, highlighter);
                // The note's flashcards, chosen by its front matter.
                crate::cards::prepare(&note, &mut parsed, &project.config);
                // Final but for diagrams, which unpack and pack again the few notes they touch.
                parsed.events.pack();
                parsed
            }));
            let parsed = run.unwrap_or_else(|panic| {
                let mut failed = ParsedNote::default();
                failed.diagnostics.push(internal_error(&note.file, &*panic));
                failed
            });
            if let Some(p) = progress {
                p.advance();
            }
            (note, parsed)
        })
        .collect()
}

/// An error for a panic while working on `file`: what failed is named, never an unexplained
/// crash.
pub fn internal_error(file: &std::path::Path, panic: &(dyn std::any::Any + Send)) -> Diagnostic {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    Diagnostic::error(
        file,
        0,
        0,
        format!(
            "internal error while processing this file: {what} (please report it; the rest of the site was built)"
        ),
    )
}

/// Loads every note and attachment of the content folder.
pub fn load(project: &Project) -> (vault::Vault, Diagnostics) {
    vault::load(&project.load_options())
}

/// Writes the highlighting cache once a build has used it.
pub fn save_highlight_cache(project: &Project, highlighter: &Highlighter) -> Option<Diagnostic> {
    highlighter.save_cache().err().map(|e| {
        Diagnostic::warning(
            &project.root,
            0,
            0,
            format!("cannot write the code highlighting cache: {e}"),
        )
    })
}
