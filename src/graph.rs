//! The link stage: every link, wikilink, image and embed of every note resolved against the
//! whole vault, with a diagnostic for each one that does not resolve, and the backlinks that
//! the resolved links make.
//!
//! Wikilinks resolve as Obsidian resolves them: by note name anywhere in the vault
//! (case-insensitive, `.md` optional), or by a path when the link has a `/`; when several
//! notes share the name, the one with the shortest path wins and the link is reported as
//! ambiguous. Attachments (`![[image.png]]`) are found the same way by file name.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::anchors::github_slug;
use crate::markdown::{LinkKind, LinkRef, Resolution};
use crate::paths;
use crate::site::{Page, Site};
use crate::vault::NoteId;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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

/// Lookup tables over the whole vault.
pub struct Index<'a> {
    site: &'a Site,
    by_path: HashMap<String, NoteId>,
    by_name: HashMap<String, Vec<NoteId>>,
    assets_by_path: HashMap<String, &'a str>,
    assets_by_name: HashMap<String, Vec<&'a str>>,
    sections: HashSet<String>,
    anchors: HashMap<NoteId, HashSet<&'a str>>,
}

fn strip_md(path: &str) -> &str {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".md") {
        &path[..path.len() - 3]
    } else if lower.ends_with(".markdown") {
        &path[..path.len() - 9]
    } else {
        path
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Shorter paths first (fewer folders, then fewer characters), then alphabetical.
fn shortest_first(a: &str, b: &str) -> std::cmp::Ordering {
    (a.matches('/').count(), a.len(), a).cmp(&(b.matches('/').count(), b.len(), b))
}

impl<'a> Index<'a> {
    /// Indexes the site's notes, attachments and anchors.
    pub fn new(site: &'a Site) -> Self {
        let mut by_path = HashMap::new();
        let mut by_name: HashMap<String, Vec<NoteId>> = HashMap::new();
        let mut anchors = HashMap::new();
        for (id, page) in &site.pages {
            by_path.insert(strip_md(id.as_str()).to_lowercase(), id.clone());
            if !id.is_section_index() {
                by_name
                    .entry(id.stem().to_lowercase())
                    .or_default()
                    .push(id.clone());
            }
            let set: HashSet<&str> = page
                .parsed
                .headings
                .iter()
                .map(|h| h.anchor.as_str())
                .chain(page.parsed.html_ids.iter().map(String::as_str))
                .chain(page.parsed.block_ids.iter().map(String::as_str))
                .collect();
            anchors.insert(id.clone(), set);
        }
        for list in by_name.values_mut() {
            list.sort_by(|a, b| shortest_first(a.as_str(), b.as_str()));
        }
        let mut assets_by_path = HashMap::new();
        let mut assets_by_name: HashMap<String, Vec<&str>> = HashMap::new();
        for path in site.assets.keys() {
            assets_by_path.insert(path.to_lowercase(), path.as_str());
            assets_by_name
                .entry(file_name(path).to_lowercase())
                .or_default()
                .push(path.as_str());
        }
        for list in assets_by_name.values_mut() {
            list.sort_by(|a, b| shortest_first(a, b));
        }
        let sections = site.nav.sections.keys().map(|f| f.to_lowercase()).collect();
        Index {
            site,
            by_path,
            by_name,
            assets_by_path,
            assets_by_name,
            sections,
            anchors,
        }
    }

    fn base(&self) -> &str {
        self.site.config.base_path()
    }

    fn page_url(&self, id: &NoteId, anchor: Option<&str>) -> String {
        let path = self.site.pages.get(id).map_or("", |p| p.path.as_str());
        let mut url = format!("{}{}", self.base(), paths::encode_path(path));
        if let Some(a) = anchor {
            url.push('#');
            url.push_str(a);
        }
        url
    }

    fn asset_url(&self, path: &str) -> String {
        format!("{}{}", self.base(), paths::encode_path(path))
    }

    /// A wikilink's note name or path → the note, plus the other candidates when ambiguous.
    fn find_note(&self, name: &str, from: &NoteId) -> Option<(NoteId, Vec<NoteId>)> {
        let name = strip_md(name.trim().trim_start_matches('/'));
        let lower = name.to_lowercase();
        if lower.contains('/') {
            // A path: from the vault root, then relative to the linking note, then as the end
            // of a longer path.
            if let Some(id) = self.by_path.get(&lower) {
                return Some((id.clone(), Vec::new()));
            }
            if let Some(joined) = paths::join(from.folder(), &lower)
                && let Some(id) = self.by_path.get(&joined)
            {
                return Some((id.clone(), Vec::new()));
            }
            let suffix = format!("/{lower}");
            let mut found: Vec<&NoteId> = self
                .by_path
                .iter()
                .filter(|(p, _)| p.ends_with(&suffix))
                .map(|(_, id)| id)
                .collect();
            found.sort_by(|a, b| shortest_first(a.as_str(), b.as_str()));
            let first = (*found.first()?).clone();
            return Some((first, found[1..].iter().map(|id| (*id).clone()).collect()));
        }
        let list = self.by_name.get(&lower)?;
        Some((list[0].clone(), list[1..].to_vec()))
    }

    fn find_asset(&self, name: &str, from: &NoteId) -> Option<(&'a str, Vec<&'a str>)> {
        let name = paths::decode_path(name.trim());
        let lower = name.to_lowercase();
        if let Some(joined) = paths::join(from.folder(), &lower)
            && let Some(p) = self.assets_by_path.get(&joined)
        {
            return Some((p, Vec::new()));
        }
        if let Some(p) = self.assets_by_path.get(lower.trim_start_matches('/')) {
            return Some((p, Vec::new()));
        }
        let list = self.assets_by_name.get(file_name(&lower))?;
        let matching: Vec<&str> = list
            .iter()
            .copied()
            .filter(|p| !lower.contains('/') || p.to_lowercase().ends_with(&lower))
            .collect();
        let first = *matching.first()?;
        Some((first, matching[1..].to_vec()))
    }

    /// The anchor of `heading` (heading text, or `^block-id`) in a note.
    fn find_heading(&self, id: &NoteId, heading: &str) -> Option<String> {
        let page = self.site.pages.get(id)?;
        let heading = heading.trim();
        if let Some(block) = heading.strip_prefix('^') {
            if let Some(h) = page
                .parsed
                .headings
                .iter()
                .find(|h| h.block_id.as_deref() == Some(block))
            {
                return Some(h.anchor.clone());
            }
            return page
                .parsed
                .block_ids
                .iter()
                .find(|b| b.as_str() == heading)
                .cloned();
        }
        // Obsidian writes nested headings as `Note#Parent#Child`; the last one names it.
        let heading = heading.rsplit('#').next().unwrap_or(heading);
        let wanted = normalize(heading);
        if let Some(h) = page
            .parsed
            .headings
            .iter()
            .find(|h| normalize(&h.text) == wanted)
        {
            return Some(h.anchor.clone());
        }
        let slug = github_slug(heading);
        page.parsed
            .headings
            .iter()
            .find(|h| h.anchor == slug)
            .map(|h| h.anchor.clone())
    }

    fn heading_index(&self, id: &NoteId, anchor: &str) -> Option<usize> {
        self.site
            .pages
            .get(id)?
            .parsed
            .headings
            .iter()
            .position(|h| h.anchor == anchor)
    }

    fn has_anchor(&self, id: &NoteId, anchor: &str) -> bool {
        self.anchors.get(id).is_some_and(|set| set.contains(anchor))
    }
}

fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The outcome of resolving one link.
struct Resolved {
    target: Target,
    diagnostic: Option<(bool, String)>,
    edge: Option<(NoteId, bool)>,
}

impl Resolved {
    fn ok(target: Target) -> Self {
        Self {
            target,
            diagnostic: None,
            edge: None,
        }
    }

    fn missing(reason: String) -> Self {
        Self {
            target: Target::Resolved(Resolution::Missing {
                reason: reason.clone(),
            }),
            diagnostic: Some((false, reason)),
            edge: None,
        }
    }

    fn to_note(target: Target, note: NoteId, embed: bool) -> Self {
        Self {
            target,
            diagnostic: None,
            edge: Some((note, embed)),
        }
    }

    fn warn(mut self, message: String) -> Self {
        self.diagnostic = Some((false, message));
        self
    }
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

fn resolve(index: &Index<'_>, page: &Page, link: &LinkRef) -> Resolved {
    let target = link.target.trim();
    if paths::is_external(target) {
        return Resolved::ok(Target::Resolved(Resolution::Keep));
    }
    if link.wiki {
        resolve_wiki(index, page, link)
    } else {
        resolve_markdown(index, page, link)
    }
}

/// `![[x.png|300]]` and `![[x.png|300x200]]`: a size instead of alt text.
fn parse_size(label: &str) -> Option<(u32, Option<u32>)> {
    let (w, h) = match label.split_once('x') {
        Some((w, h)) => (w, Some(h)),
        None => (label, None),
    };
    let width = w.trim().parse().ok()?;
    let height = match h {
        Some(h) => Some(h.trim().parse().ok()?),
        None => None,
    };
    Some((width, height))
}

fn has_note_extension(name: &str) -> bool {
    let file = file_name(name);
    match file.rsplit_once('.') {
        None => true,
        Some((_, ext)) => {
            let ext = ext.to_ascii_lowercase();
            ext == "md" || ext == "markdown" || ext.contains(' ') || ext.len() > 5
        }
    }
}

fn resolve_wiki(index: &Index<'_>, page: &Page, link: &LinkRef) -> Resolved {
    // Inside a table, Obsidian writes `[[note\\|label]]`; the escape is not part of the name.
    let target = link.target.trim().trim_end_matches('\\');
    let (name, heading) = match target.split_once('#') {
        Some((n, h)) => (n.trim(), Some(h.trim())),
        None => (target, None),
    };
    let embed = link.kind == LinkKind::Image;
    if !name.is_empty() && !has_note_extension(name) {
        return resolve_attachment(index, page, link, name, embed);
    }
    let (id, others) = if name.is_empty() {
        (page.note.id.clone(), Vec::new())
    } else {
        match index.find_note(name, &page.note.id) {
            Some(found) => found,
            None => return Resolved::missing(format!("broken wikilink: no note named `{name}`")),
        }
    };
    let anchor = match heading {
        Some(h) if !h.is_empty() => match index.find_heading(&id, h) {
            Some(a) => Some(a),
            None => {
                let shown = if name.is_empty() {
                    "this note".to_string()
                } else {
                    format!("`{name}`")
                };
                return Resolved::missing(format!("broken wikilink: {shown} has no heading `{h}`"));
            }
        },
        _ => None,
    };
    let mut resolved = if embed {
        let heading = anchor.as_deref().and_then(|a| index.heading_index(&id, a));
        Resolved::to_note(
            Target::Transclude {
                note: id.clone(),
                heading,
            },
            id.clone(),
            true,
        )
    } else {
        let text = (!link.has_label).then(|| crate::markdown::wiki_display(target));
        Resolved::to_note(
            Target::Resolved(Resolution::Href {
                url: index.page_url(&id, anchor.as_deref()),
                text,
            }),
            id.clone(),
            false,
        )
    };
    if !others.is_empty() {
        let list: Vec<&str> = std::iter::once(id.as_str())
            .chain(others.iter().map(NoteId::as_str))
            .collect();
        resolved = resolved.warn(format!(
            "ambiguous wikilink `{name}`: matches {}; using `{}` (write the folder, e.g. `[[{}]]`, to choose)",
            list.join(", "),
            id,
            strip_md(id.as_str())
        ));
    }
    resolved
}

fn resolve_attachment(
    index: &Index<'_>,
    page: &Page,
    link: &LinkRef,
    name: &str,
    embed: bool,
) -> Resolved {
    let Some((path, others)) = index.find_asset(name, &page.note.id) else {
        let what = if embed {
            "missing image or attachment"
        } else {
            "broken link: no attachment"
        };
        return Resolved::missing(format!("{what} `{name}`"));
    };
    let url = index.asset_url(path);
    let target = match (
        embed,
        link.has_label.then(|| parse_size(&link.label)).flatten(),
    ) {
        (true, Some((width, height))) => Target::Resolved(Resolution::Sized {
            src: url,
            alt: file_name(name).to_string(),
            width,
            height,
        }),
        _ => Target::Resolved(Resolution::Href {
            url,
            text: (!link.has_label).then(|| file_name(name).to_string()),
        }),
    };
    let resolved = Resolved::ok(target);
    if others.is_empty() {
        return resolved;
    }
    let list: Vec<&str> = std::iter::once(path).chain(others).collect();
    resolved.warn(format!(
        "ambiguous attachment `{name}`: matches {}; using `{path}`",
        list.join(", ")
    ))
}

fn resolve_markdown(index: &Index<'_>, page: &Page, link: &LinkRef) -> Resolved {
    let raw = link.target.trim();
    let (path_part, fragment) = paths::split_fragment(raw);
    let path_part = path_part.split('?').next().unwrap_or("");
    let fragment = fragment.map(paths::decode_path);
    let id = &page.note.id;
    if path_part.is_empty() {
        return match fragment {
            Some(f) if !f.is_empty() && !index.has_anchor(id, &f) => Resolved::missing(format!(
                "missing anchor: no heading or id `#{f}` on this page"
            )),
            _ => Resolved::ok(Target::Resolved(Resolution::Keep)),
        };
    }
    let decoded = paths::decode_path(path_part);
    let Some(joined) = paths::join(id.folder(), &decoded) else {
        return Resolved::missing(format!(
            "broken link: `{path_part}` points outside the content folder"
        ));
    };
    let lower = joined.to_lowercase();
    let is_image = link.kind == LinkKind::Image;
    let note = if decoded.ends_with('/') {
        None
    } else if lower.ends_with(".md") || lower.ends_with(".markdown") {
        index.by_path.get(strip_md(&lower))
    } else if !file_name(&lower).contains('.') {
        // VS Code and Obsidian users sometimes leave `.md` out of relative links.
        index.by_path.get(&lower)
    } else {
        None
    };
    if let Some(target) = note.filter(|_| !is_image) {
        if let Some(f) = fragment.as_deref().filter(|f| !f.is_empty())
            && !index.has_anchor(target, f)
        {
            return Resolved::missing(format!(
                "missing anchor: `{path_part}` has no heading or id `#{f}`"
            ));
        }
        let url = index.page_url(target, fragment.as_deref().filter(|f| !f.is_empty()));
        return Resolved::to_note(
            Target::Resolved(Resolution::Href { url, text: None }),
            target.clone(),
            false,
        );
    }
    if let Some(asset) = index.assets_by_path.get(&lower) {
        let mut url = index.asset_url(asset);
        if let Some(f) = &fragment {
            url.push('#');
            url.push_str(f);
        }
        return Resolved::ok(Target::Resolved(Resolution::Href { url, text: None }));
    }
    let folder = lower.trim_end_matches('/');
    if !is_image && index.sections.contains(folder) {
        let section = index
            .site
            .nav
            .sections
            .iter()
            .find(|(f, _)| f.to_lowercase() == folder)
            .map(|(_, s)| s.path.clone())
            .unwrap_or_default();
        return Resolved::ok(Target::Resolved(Resolution::Href {
            url: format!("{}{}", index.base(), paths::encode_path(&section)),
            text: None,
        }));
    }
    let what = if is_image {
        "missing image"
    } else {
        "broken link: no note or file"
    };
    Resolved::missing(format!("{what} `{path_part}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("300"), Some((300, None)));
        assert_eq!(parse_size("300x200"), Some((300, Some(200))));
        assert_eq!(parse_size("a diagram"), None);
    }

    #[test]
    fn note_like_names() {
        assert!(has_note_extension("Note"));
        assert!(has_note_extension("Note.md"));
        assert!(has_note_extension("v1.2 notes"));
        assert!(!has_note_extension("image.png"));
        assert!(!has_note_extension("doc.pdf"));
    }

    #[test]
    fn shortest_path_sorts_first() {
        let mut v = vec!["a/b/n.md", "n.md", "z/n.md", "a/n.md"];
        v.sort_by(|a, b| shortest_first(a, b));
        assert_eq!(v, ["n.md", "a/n.md", "z/n.md", "a/b/n.md"]);
    }
}
