//! The link stage: every link, wikilink, image and embed of every note resolved against the
//! whole vault, with a diagnostic for each one that does not resolve, and the backlinks that
//! the resolved links make.
//!
//! Wikilinks resolve as Obsidian resolves them: by note name anywhere in the vault
//! (case-insensitive, `.md` optional), or by a path when the link has a `/`; when several
//! notes share the name, the one with the shortest path wins and the link is reported as
//! ambiguous. Attachments (`![[image.png]]`) are found the same way by file name.

mod index;
mod resolve;

pub use index::Index;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::Resolution;
use crate::site::{Page, Site};
use crate::vault::NoteId;
use rayon::prelude::*;
use resolve::resolve;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a link becomes, decided once for the whole site.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// Rendered as the markdown stage is told: kept, pointed elsewhere, sized or missing.
    Resolved(Resolution),
    /// `![[Note]]` or `![[Note#Heading]]`: the note or one of its sections, shown inline.
    Transclude {
        /// The embedded note.
        note: NoteId,
        /// The index of the embedded heading in that note's headings, or the whole note.
        heading: Option<usize>,
    },
}

/// A note that links to another one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Backlink {
    /// The linking note.
    pub from: NoteId,
    /// The line of the link in that note.
    pub line: usize,
    /// Whether it embeds rather than links.
    pub embed: bool,
    /// The sentence around the link.
    pub context: String,
}

/// Every link of the site, resolved.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Per note, one target per collected link, in the same order.
    pub targets: HashMap<NoteId, Vec<Target>>,
    /// Per note, the notes that link to it.
    pub backlinks: BTreeMap<NoteId, Vec<Backlink>>,
    /// Per note, the notes it links to.
    pub outgoing: BTreeMap<NoteId, BTreeSet<NoteId>>,
    /// Per note, its broken or ambiguous links, each with where it came from.
    pub diagnostics: BTreeMap<NoteId, Vec<(Origin, Diagnostic)>>,
}

/// What in a note a link diagnostic is about, so its position can follow edits of the note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The note's link or image with this index.
    Link(usize),
    /// The note's raw-HTML in-page link with this index.
    HtmlAnchor(usize),
}

/// One note's resolved links: targets, diagnostics, and (target, backlink) edges.
type NoteLinks = (
    NoteId,
    Vec<Target>,
    Vec<(Origin, Diagnostic)>,
    Vec<(NoteId, Backlink)>,
);

/// Resolves every link of the site.
pub fn link(site: &Site) -> (Graph, Diagnostics) {
    let index = Index::new(site);
    let per_note: Vec<NoteLinks> = site
        .pages
        .par_iter()
        .map(|(id, page)| link_note(&index, id, page))
        .collect();
    let mut graph = Graph::default();
    let mut diagnostics = Diagnostics::new();
    for (id, targets, diags, edges) in per_note {
        graph.targets.insert(id.clone(), targets);
        diagnostics.extend(diags.iter().map(|(_, d)| d.clone()));
        graph.diagnostics.insert(id.clone(), diags);
        for (to, backlink) in edges {
            graph
                .outgoing
                .entry(id.clone())
                .or_default()
                .insert(to.clone());
            graph.backlinks.entry(to).or_default().push(backlink);
        }
    }
    // One entry per linking note: its first link gives the context; it counts as an embed
    // when any of its links embeds.
    for list in graph.backlinks.values_mut() {
        list.sort();
        list.dedup_by(|later, first| {
            let same = later.from == first.from;
            if same {
                first.embed |= later.embed;
            }
            same
        });
    }
    (graph, diagnostics)
}

/// Resolves one note's links and checks its raw-HTML anchors.
fn link_note(index: &Index<'_>, id: &NoteId, page: &Page) -> NoteLinks {
    let mut targets = Vec::with_capacity(page.parsed.links.len());
    let mut diagnostics = Vec::new();
    let mut edges = Vec::new();
    for (i, link) in page.parsed.links.iter().enumerate() {
        let r = resolve(index, page, link);
        if let Some((error, message)) = r.diagnostic {
            let d = if error {
                Diagnostic::error(&page.note.file, link.line, link.col, message)
            } else {
                Diagnostic::warning(&page.note.file, link.line, link.col, message)
            };
            diagnostics.push((Origin::Link(i), d));
        }
        if let Some((to, embed)) = r.edge
            && &to != id
        {
            edges.push((
                to,
                Backlink {
                    from: id.clone(),
                    line: link.line,
                    embed,
                    context: link.context.clone(),
                },
            ));
        }
        targets.push(r.target);
    }
    for (i, (fragment, line, col)) in page.parsed.html_anchor_links.iter().enumerate() {
        if !index.has_anchor(id, fragment) {
            let message = format!("missing anchor: no heading or id `#{fragment}` on this page");
            let d = Diagnostic::warning(&page.note.file, *line, *col, message);
            diagnostics.push((Origin::HtmlAnchor(i), d));
        }
    }
    (id.clone(), targets, diagnostics, edges)
}

impl Graph {
    /// After an edit that left a note's links as they were (same targets, same order), moves
    /// its diagnostics to where the links are now; nothing else about them can have changed.
    pub fn follow_edit(&mut self, id: &NoteId, parsed: &crate::markdown::ParsedNote) {
        let Some(list) = self.diagnostics.get_mut(id) else {
            return;
        };
        for (origin, d) in list {
            let at = match *origin {
                Origin::Link(i) => parsed.links.get(i).map(|l| (l.line, l.col)),
                Origin::HtmlAnchor(i) => parsed.html_anchor_links.get(i).map(|(_, l, c)| (*l, *c)),
            };
            if let Some((line, col)) = at {
                d.line = line;
                d.col = col;
            }
        }
    }

    /// Every link diagnostic, in note order.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.values().flatten().map(|(_, d)| d)
    }
}
