//! Excerpts of notes' sections kept between renders: a topic page gathers the same sections
//! of many notes, and an edit of one of them must not render all the others again.
//!
//! An excerpt is a pure function of its note's content key ([`super::content_key`]: the
//! note's text, title, page and where its links and embeds lead), the heading it starts at
//! and the site's settings (a settings change opens the site afresh, with a new cache).

use super::content::{content_key, section_html};
use crate::diagnostics::Diagnostic;
use crate::graph::Graph;
use crate::site::Site;
use crate::vault::NoteId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One excerpt: its HTML and what rendering it found wrong.
type Excerpt = Arc<(String, Vec<Diagnostic>)>;

/// Excerpts by note and heading, each with the content key it was rendered at.
type Kept = HashMap<(NoteId, Option<usize>), (u64, Excerpt)>;

/// Rendered excerpts by note and heading, each with the content key it was rendered at.
#[derive(Debug, Default)]
pub struct Excerpts {
    kept: Mutex<Kept>,
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
        let key = content_key(site, graph, id);
        let slot = (id.clone(), heading);
        if let Some((k, excerpt)) = self.lock().get(&slot)
            && *k == key
        {
            return (excerpt.0.clone(), excerpt.1.clone());
        }
        let excerpt = section_html(site, graph, id, heading);
        self.lock().insert(slot, (key, Arc::new(excerpt.clone())));
        excerpt
    }

    /// Forgets the excerpts of notes the site no longer has.
    pub fn retain_notes_of(&self, site: &Site) {
        self.lock().retain(|(id, _), _| site.pages.contains_key(id));
    }

    /// How many excerpts are kept.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }
}
