//! Excerpts of notes' sections, and (while `serve` keeps the site) notes' bodies, kept between
//! renders: a topic page gathers the same sections of many notes, a folder's print sheet the
//! bodies of up to 200 notes, and an edit of one of them must not render all the others
//! again.
//!
//! An excerpt is a pure function of its note's content key ([`super::content_key`]: the
//! note's text, title, page and where its links and embeds lead), the heading it starts at
//! and the site's settings (a settings change opens the site afresh, with a new cache).

use super::content::{content_key, note_html, section_html};
use crate::diagnostics::Diagnostic;
use crate::graph::Graph;
use crate::site::Site;
use crate::vault::NoteId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One excerpt: its HTML and what rendering it found wrong.
type Excerpt = Arc<(String, Vec<Diagnostic>)>;

/// Excerpts by note, kind and heading, each with the content key it was rendered at and a
/// digest of what it is (HTML and diagnostics).
type Kept = HashMap<(NoteId, Kind, Option<usize>), (u64, Excerpt, u64)>;

/// What of a note is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    /// The start of a section (or of the note), for pages gathering many notes.
    Excerpt,
    /// The whole body, without the heading shown as the title.
    Body,
    /// The body as a print sheet shows it, by a digest of the sheet's folder.
    Sheet(u64),
}

/// Rendered excerpts by note and heading, each with the content key it was rendered at.
#[derive(Debug, Default)]
pub struct Excerpts {
    kept: Mutex<Kept>,
    /// Whether bodies are kept too: only while the site is kept for rebuilds (the bodies of
    /// a whole site are as big as its pages' text).
    bodies: bool,
}

impl Excerpts {
    /// The excerpt of a note from `heading` (or from its start), rendered unless kept at
    /// the note's current content key.
    pub fn get(
        &self,
        site: &Site,
        graph: &Graph,
        id: &NoteId,
        heading: Option<usize>,
    ) -> (String, Vec<Diagnostic>) {
        self.kept_or(site, graph, (id, Kind::Excerpt, heading), 0, || {
            section_html(site, graph, id, heading)
        })
    }

    /// A digest of what [`Excerpts::get`] gives (the HTML and its diagnostics), rendered and
    /// kept unless kept: two excerpts with one digest show the same.
    pub fn digest(&self, site: &Site, graph: &Graph, id: &NoteId, heading: Option<usize>) -> u64 {
        self.kept(site, graph, (id, Kind::Excerpt, heading), 0, || {
            section_html(site, graph, id, heading)
        })
        .1
    }

    /// A note's body without the heading `without` (see [`note_html`]); kept when bodies are.
    pub fn body(
        &self,
        site: &Site,
        graph: &Graph,
        id: &NoteId,
        without: Option<usize>,
    ) -> (String, Vec<Diagnostic>) {
        if !self.bodies {
            return note_html(site, graph, id, without);
        }
        self.kept_or(site, graph, (id, Kind::Body, without), 0, || {
            note_html(site, graph, id, without)
        })
    }

    /// A note's body as the print sheet of `folder` shows it: `finish` turns the body into
    /// the sheet's HTML and reads nothing but it and `salt` (a digest of the part's place on
    /// the sheet). Kept per note and sheet when bodies are: an edit of one note of a folder
    /// leaves the other parts of its sheet as they were.
    pub fn sheet_part(
        &self,
        (site, graph): (&Site, &Graph),
        id: &NoteId,
        without: Option<usize>,
        (folder, salt): (&str, u64),
        finish: impl FnOnce(&str) -> String,
    ) -> (String, Vec<Diagnostic>) {
        let part = || {
            let (html, found) = self.body(site, graph, id, without);
            (finish(&html), found)
        };
        if !self.bodies {
            return part();
        }
        let slot = (id, Kind::Sheet(crate::hash::digest(folder)), without);
        self.kept_or(site, graph, slot, salt, part)
    }

    /// Whether bodies are kept from now on.
    pub fn keep_bodies(&mut self, keep: bool) {
        self.bodies = keep;
        if !keep {
            self.lock()
                .retain(|(_, kind, _), _| matches!(kind, Kind::Excerpt));
        }
    }

    /// What is kept in `slot` if it was made at the note's content key and `salt`, else
    /// what `render` makes (and is kept).
    fn kept_or(
        &self,
        site: &Site,
        graph: &Graph,
        slot: (&NoteId, Kind, Option<usize>),
        salt: u64,
        render: impl FnOnce() -> (String, Vec<Diagnostic>),
    ) -> (String, Vec<Diagnostic>) {
        let (kept, _) = self.kept(site, graph, slot, salt, render);
        (kept.0.clone(), kept.1.clone())
    }

    /// [`Excerpts::kept_or`], shared, with its digest.
    fn kept(
        &self,
        site: &Site,
        graph: &Graph,
        (id, kind, heading): (&NoteId, Kind, Option<usize>),
        salt: u64,
        render: impl FnOnce() -> (String, Vec<Diagnostic>),
    ) -> (Excerpt, u64) {
        let key = content_key(site, graph, id) ^ salt;
        let slot = (id.clone(), kind, heading);
        if let Some((k, kept, digest)) = self.lock().get(&slot)
            && *k == key
        {
            return (kept.clone(), *digest);
        }
        let made = Arc::new(render());
        let digest = crate::hash::digest(&*made);
        self.lock().insert(slot, (key, made.clone(), digest));
        (made, digest)
    }

    /// Forgets the excerpts of notes gone from the site.
    pub fn forget(&self, gone: &std::collections::HashSet<&NoteId>) {
        self.lock().retain(|(id, _, _), _| !gone.contains(id));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }
}
