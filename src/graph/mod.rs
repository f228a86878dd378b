//! The link stage: every link, wikilink, image and embed of every note resolved against the
//! whole vault, with a diagnostic for each one that does not resolve, and the backlinks that
//! the resolved links make.
//!
//! Links resolve as Obsidian resolves them (see `resolve`): by note name anywhere in the vault
//! (case-insensitive, `.md` optional, then aliases), or by a path when the link has a `/`;
//! when several notes share the name, the nearest to the linking note wins, and only a tie is
//! reported as ambiguous. Attachments (`![[image.png]]`) are found the same way by file name.

pub mod assets;
mod index;
mod media;
mod resolve;

pub use index::{Index, Tables};

use crate::diagnostics::Diagnostic;
use crate::hash::FastMap;
use crate::markdown::Resolution;
use crate::site::{Page, Site};
use crate::vault::NoteId;
use rayon::prelude::*;
use resolve::resolve;
use std::collections::{BTreeMap, BTreeSet};

/// What a link becomes, decided once for the whole site.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// Rendered as the markdown stage is told: kept, pointed elsewhere, sized or missing.
    Resolved(Resolution),
    /// `![[Note]]`, `![[Note#Heading]]` or `![[Note#^block]]`: the note, one of its sections
    /// or one of its blocks, shown inline.
    Transclude {
        /// The embedded note.
        note: NoteId,
        /// What of it is shown.
        part: Part,
    },
}

/// What of a note an embed shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The whole note.
    Whole,
    /// The section under the heading with this index in the note's headings.
    Section(usize),
    /// The block with this index in the note's blocks (`^id`).
    Block(usize),
}

/// A note that links to another one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Backlink {
    /// The linking note.
    pub from: NoteId,
    /// The index of the (first) link in that note.
    pub index: usize,
    /// Whether it embeds rather than links.
    pub embed: bool,
    /// The sentence around the link.
    pub context: String,
}

/// One note's resolved links.
#[derive(Debug, Clone, Default)]
pub struct NoteLinks {
    /// One target per collected link, in the same order.
    pub targets: Vec<Target>,
    /// A digest of `targets` (what pages that show the note hash, instead of every target).
    pub digest: u64,
    /// Broken or ambiguous links, each with where it came from.
    pub diagnostics: Vec<(Origin, Diagnostic)>,
    /// The notes it links to or embeds, with the backlink each one gets.
    pub edges: Vec<(NoteId, Backlink)>,
    /// The names its links use (see [`link_key`]), to find the notes to re-resolve when a
    /// note or attachment of that name comes, goes or changes its headings.
    pub keys: BTreeSet<String>,
}

/// Every link of the site, resolved.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Per note, its resolved links.
    pub notes: FastMap<NoteId, NoteLinks>,
    /// Per note, the notes that link to it.
    pub backlinks: BTreeMap<NoteId, Vec<Backlink>>,
    /// Per note, the notes it links to.
    pub outgoing: BTreeMap<NoteId, BTreeSet<NoteId>>,
    /// Per name, the notes whose links use it.
    pub mentions: FastMap<String, BTreeSet<NoteId>>,
    /// Lookup tables over the site.
    tables: index::Tables,
}

/// What in a note a link diagnostic is about, so its position can follow edits of the note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The note's link or image with this index.
    Link(usize),
    /// The note's raw-HTML in-page link with this index.
    HtmlAnchor(usize),
}

/// Resolves every link of the site.
pub fn link(site: &Site) -> Graph {
    let mut graph = Graph::default();
    let all: Vec<NoteId> = site.pages.keys().cloned().collect();
    graph.relink(site, &all);
    graph
}

/// The name a link looks its target up by: the lower-case file name without `.md` (`pricing`
/// for `../ec2/pricing.md#spot` and `[[EC2/Pricing]]`, `a.png` for `![[img/a.png]]`), or the
/// last folder for a link to a folder. `None` for external links and links within the note.
pub fn link_key(link: &crate::markdown::LinkRef) -> Option<String> {
    let target = link.target.trim();
    if crate::paths::is_external(target) {
        return None;
    }
    let (path, _) = crate::paths::split_fragment(target);
    let path = path.split('?').next().unwrap_or("");
    let path = if link.wiki {
        path.trim().trim_end_matches('\\').to_string()
    } else {
        crate::paths::decode_path(path)
    };
    let name = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim();
    if name.is_empty() || name == "." || name == ".." {
        return None;
    }
    Some(index::strip_md(name).to_lowercase())
}

/// The names a note is looked up by: its file name, its aliases, and its folder's name when
/// it is the folder's page.
pub fn note_keys(page: &Page) -> Vec<String> {
    let mut keys = vec![page.note.id.stem().to_lowercase()];
    keys.extend(
        page.note
            .front
            .aliases
            .iter()
            .map(|a| a.trim().to_lowercase()),
    );
    if let Some(folder) = &page.section {
        keys.push(folder.rsplit('/').next().unwrap_or("").to_lowercase());
    }
    keys
}

impl Graph {
    /// Resolves the links of `ids` again (notes that changed, or whose links may resolve
    /// differently now) against the whole site, and rebuilds the backlinks. Notes that are no
    /// longer in the site are dropped.
    pub fn relink(&mut self, site: &Site, ids: &[NoteId]) {
        self.tables.refresh(site);
        let index = Index::new(site, &self.tables);
        let fresh: Vec<(NoteId, Option<NoteLinks>)> = ids
            .par_iter()
            .map(|id| {
                (
                    id.clone(),
                    site.pages.get(id).map(|p| link_note(&index, id, p)),
                )
            })
            .collect();
        let mut targets: BTreeSet<NoteId> = BTreeSet::new();
        for (id, links) in fresh {
            if let Some(old) = self.notes.remove(&id) {
                for key in &old.keys {
                    if let Some(set) = self.mentions.get_mut(key) {
                        set.remove(&id);
                    }
                }
                for (to, _) in &old.edges {
                    targets.insert(to.clone());
                    if let Some(list) = self.backlinks.get_mut(to) {
                        list.retain(|b| b.from != id);
                    }
                }
                self.outgoing.remove(&id);
            }
            if let Some(links) = links {
                for key in &links.keys {
                    self.mentions
                        .entry(key.clone())
                        .or_default()
                        .insert(id.clone());
                }
                for (to, backlink) in &links.edges {
                    targets.insert(to.clone());
                    self.outgoing
                        .entry(id.clone())
                        .or_default()
                        .insert(to.clone());
                    self.backlinks
                        .entry(to.clone())
                        .or_default()
                        .push(backlink.clone());
                }
                self.notes.insert(id, links);
            }
        }
        // One entry per linking note: its first link gives the context; it counts as an embed
        // when any of its links embeds.
        for to in targets {
            let Some(list) = self.backlinks.get_mut(&to) else {
                continue;
            };
            list.sort();
            list.dedup_by(|later, first| {
                let same = later.from == first.from;
                if same {
                    first.embed |= later.embed;
                }
                same
            });
            if list.is_empty() {
                self.backlinks.remove(&to);
            }
        }
    }

    /// The notes whose links use one of these names.
    pub fn mentioning<'a>(&self, keys: impl IntoIterator<Item = &'a str>) -> BTreeSet<NoteId> {
        keys.into_iter()
            .filter_map(|k| self.mentions.get(k))
            .flatten()
            .cloned()
            .collect()
    }

    /// The targets of a note's links, in order.
    pub fn targets(&self, id: &NoteId) -> &[Target] {
        self.notes.get(id).map_or(&[], |n| n.targets.as_slice())
    }

    /// The targets of a note's links, with their digest (0 for a note without links).
    pub fn targets_digested(&self, id: &NoteId) -> (&[Target], u64) {
        self.notes
            .get(id)
            .map_or((&[], 0), |n| (n.targets.as_slice(), n.digest))
    }
}

/// Resolves one note's links and checks its raw-HTML anchors.
fn link_note(index: &Index<'_>, id: &NoteId, page: &Page) -> NoteLinks {
    let mut links = NoteLinks {
        targets: Vec::with_capacity(page.parsed.links.len()),
        ..NoteLinks::default()
    };
    for (i, link) in page.parsed.links.iter().enumerate() {
        let r = resolve(index, page, link);
        if let Some(key) = link_key(link) {
            // A broken link may name a drawing that comes later (an attachment `name.md`).
            if matches!(r.target, Target::Resolved(Resolution::Missing { .. })) {
                links.keys.insert(format!("{key}.md"));
            }
            links.keys.insert(key);
        }
        links.keys.extend(r.keys.iter().cloned());
        if let Some((error, message)) = r.diagnostic {
            let d = if error {
                Diagnostic::error(&page.note.file, link.line, link.col, message)
            } else {
                Diagnostic::warning(&page.note.file, link.line, link.col, message)
            };
            links.diagnostics.push((Origin::Link(i), d));
        }
        if let Some((to, embed)) = r.edge
            && &to != id
        {
            links.edges.push((
                to,
                Backlink {
                    from: id.clone(),
                    index: i,
                    embed,
                    context: link.context.clone(),
                },
            ));
        }
        links.targets.push(r.target);
    }
    links.digest = crate::hash::digest(&links.targets);
    for (i, (fragment, line, col)) in page.parsed.html_anchor_links.iter().enumerate() {
        if !index.has_exact_anchor(id, fragment) {
            let message = match index.resolve_anchor(id, fragment) {
                Some(real) => format!(
                    "anchor `#{fragment}` is the page template's own element; this heading's id is `#{real}`"
                ),
                None => format!("missing anchor: no heading or id `#{fragment}` on this page"),
            };
            let d = Diagnostic::warning(&page.note.file, *line, *col, message);
            links.diagnostics.push((Origin::HtmlAnchor(i), d));
        }
    }
    links
}

impl Graph {
    /// After an edit that left a note's links as they were (same targets, same order), moves
    /// its diagnostics to where the links are now; nothing else about them can have changed.
    pub fn follow_edit(&mut self, id: &NoteId, parsed: &crate::markdown::ParsedNote) {
        let Some(links) = self.notes.get_mut(id) else {
            return;
        };
        for (origin, d) in &mut links.diagnostics {
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

    /// Every link diagnostic.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.notes
            .values()
            .flat_map(|n| n.diagnostics.iter().map(|(_, d)| d))
    }
}
