//! Lookup tables over the whole vault: notes by path and by name, attachments, anchors.

use crate::hash::FastMap;
use crate::markdown::anchors::github_slug;
use crate::paths;
use crate::site::Site;
use crate::vault::NoteId;
use std::hash::{Hash, Hasher};

/// Lookup tables over the whole vault: notes by path and name, attachments, folders. Kept
/// between rebuilds and made again only when notes, attachments or folders come, go or move.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    /// A digest of what the tables were made from.
    key: u64,
    pub(super) by_path: FastMap<String, NoteId>,
    pub(super) by_name: FastMap<String, Vec<NoteId>>,
    /// Notes by front matter alias, lower case.
    pub(super) by_alias: FastMap<String, Vec<NoteId>>,
    pub(super) assets_by_path: FastMap<String, String>,
    pub(super) assets_by_name: FastMap<String, Vec<String>>,
    pub(super) sections: FastMap<String, String>,
}

/// What a link's path names.
pub(super) enum Named<'a> {
    /// A note, and other notes as near (ambiguous).
    Note(NoteId, Vec<NoteId>),
    /// An attachment's content path, and others as near.
    Asset(&'a str, Vec<&'a str>),
    /// A folder's page (its site path).
    Folder(String),
}

/// The tables with the site they index.
pub struct Index<'a> {
    pub(super) site: &'a Site,
    tables: &'a Tables,
}

impl std::ops::Deref for Index<'_> {
    type Target = Tables;
    fn deref(&self) -> &Tables {
        self.tables
    }
}

impl Tables {
    /// The digest of what tables for `site` are made from.
    fn key_of(site: &Site) -> u64 {
        let mut h = crate::hash::Digester::new();
        for (id, page) in &site.pages {
            (id, &page.path, &page.note.front.aliases).hash(&mut h);
        }
        for path in site.assets.keys() {
            path.hash(&mut h);
        }
        for (f, s) in &site.nav.sections {
            (f, &s.path).hash(&mut h);
        }
        h.finish()
    }

    /// Makes the tables again if the site's notes, attachments or folders changed.
    pub fn refresh(&mut self, site: &Site) {
        let key = Tables::key_of(site);
        if key != self.key || self.by_path.is_empty() {
            *self = Tables::new(site);
            self.key = key;
        }
    }

    /// Indexes the site's notes, attachments and folders.
    pub fn new(site: &Site) -> Self {
        let mut by_path = FastMap::default();
        let mut by_name: FastMap<String, Vec<NoteId>> = FastMap::default();
        let mut by_alias: FastMap<String, Vec<NoteId>> = FastMap::default();
        for (id, page) in &site.pages {
            by_path.insert(strip_md(id.as_str()).to_lowercase(), id.clone());
            if id.stem() != "_index" {
                by_name
                    .entry(id.stem().to_lowercase())
                    .or_default()
                    .push(id.clone());
            }
            for alias in &page.note.front.aliases {
                let list = by_alias.entry(alias.trim().to_lowercase()).or_default();
                if !list.contains(id) {
                    list.push(id.clone());
                }
            }
        }
        for list in by_name.values_mut().chain(by_alias.values_mut()) {
            list.sort_by(|a, b| shortest_first(a.as_str(), b.as_str()));
        }
        let mut assets_by_path = FastMap::default();
        let mut assets_by_name: FastMap<String, Vec<String>> = FastMap::default();
        for path in site.assets.keys() {
            assets_by_path.insert(path.to_lowercase(), path.clone());
            assets_by_name
                .entry(file_name(path).to_lowercase())
                .or_default()
                .push(path.clone());
        }
        for list in assets_by_name.values_mut() {
            list.sort_by(|a, b| shortest_first(a, b));
        }
        let sections = site
            .nav
            .sections
            .iter()
            .map(|(f, s)| (f.to_lowercase(), s.path.clone()))
            .collect();
        Tables {
            key: Tables::key_of(site),
            by_path,
            by_name,
            by_alias,
            assets_by_path,
            assets_by_name,
            sections,
        }
    }
}

pub(super) fn strip_md(path: &str) -> &str {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".md") {
        &path[..path.len() - 3]
    } else if lower.ends_with(".markdown") {
        &path[..path.len() - 9]
    } else {
        path
    }
}

pub(super) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Shorter paths first (fewer folders, then fewer characters), then alphabetical.
pub(super) fn shortest_first(a: &str, b: &str) -> std::cmp::Ordering {
    (a.matches('/').count(), a.len(), a).cmp(&(b.matches('/').count(), b.len(), b))
}

/// How many folders up and down lead from folder `from` to the folder of `path`.
pub(super) fn distance(from: &str, path: &str) -> usize {
    let folder = path.rfind('/').map_or("", |i| &path[..i]);
    let a: Vec<&str> = from.split('/').filter(|p| !p.is_empty()).collect();
    let b: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    (a.len() - common) + (b.len() - common)
}

/// The candidate nearest to folder `from` (Obsidian's rule: the same folder, then the fewest
/// folders away), and the others exactly as near, which make the choice ambiguous.
pub(super) fn nearest<T: Clone>(
    from: &str,
    candidates: &[T],
    path: impl Fn(&T) -> &str,
) -> Option<(T, Vec<T>)> {
    let best = candidates
        .iter()
        .min_by(|a, b| {
            distance(from, path(a))
                .cmp(&distance(from, path(b)))
                .then_with(|| shortest_first(path(a), path(b)))
        })?
        .clone();
    let d = distance(from, path(&best));
    let ties = candidates
        .iter()
        .filter(|c| path(c) != path(&best) && distance(from, path(c)) == d)
        .cloned()
        .collect();
    Some((best, ties))
}

impl<'a> Index<'a> {
    /// The index of a site, over tables made for it.
    pub fn new(site: &'a Site, tables: &'a Tables) -> Self {
        Index { site, tables }
    }

    /// The site path of a note's page, with an anchor (`ec2/pricing/#spot`).
    pub(super) fn page_url(&self, id: &NoteId, anchor: Option<&str>) -> String {
        let mut url = self
            .site
            .pages
            .get(id)
            .map_or(String::new(), |p| p.path.clone());
        if let Some(a) = anchor {
            url.push('#');
            url.push_str(a);
        }
        url
    }

    /// The site path of an attachment.
    pub(super) fn asset_url(&self, path: &str) -> String {
        self.site.asset_path(path).to_string()
    }

    /// A wikilink's note name or path → the note, plus the other candidates as near as it
    /// when ambiguous. A bare name is looked up among notes' file names, then their aliases.
    pub(super) fn find_note(&self, name: &str, from: &NoteId) -> Option<(NoteId, Vec<NoteId>)> {
        let name = strip_md(name.trim().trim_start_matches('/'));
        let lower = name.to_lowercase();
        let folder = from.folder();
        if lower.contains('/') {
            // A path: from the vault root, then relative to the linking note, then as the end
            // of a longer path.
            if let Some(id) = self.by_path.get(&lower) {
                return Some((id.clone(), Vec::new()));
            }
            if let Some(joined) = paths::join(folder, &lower)
                && let Some(id) = self.by_path.get(&joined)
            {
                return Some((id.clone(), Vec::new()));
            }
            let suffix = format!("/{lower}");
            let found: Vec<NoteId> = self
                .by_name
                .get(file_name(&lower))
                .into_iter()
                .flatten()
                .filter(|id| strip_md(id.as_str()).to_lowercase().ends_with(&suffix))
                .cloned()
                .collect();
            return nearest(folder, &found, NoteId::as_str);
        }
        let list = self
            .by_name
            .get(&lower)
            .or_else(|| self.by_alias.get(&lower))?;
        nearest(folder, list, NoteId::as_str)
    }

    pub(super) fn find_asset(&self, name: &str, from: &NoteId) -> Option<(&'a str, Vec<&'a str>)> {
        let tables: &'a Tables = self.tables;
        let name = paths::decode_path(name.trim());
        let lower = name.to_lowercase();
        if let Some(joined) = paths::join(from.folder(), &lower)
            && let Some(p) = tables.assets_by_path.get(&joined)
        {
            return Some((p, Vec::new()));
        }
        if let Some(p) = tables.assets_by_path.get(lower.trim_start_matches('/')) {
            return Some((p, Vec::new()));
        }
        let list = tables.assets_by_name.get(file_name(&lower))?;
        let suffix = format!("/{}", lower.trim_start_matches('/'));
        let matching: Vec<&str> = list
            .iter()
            .map(String::as_str)
            .filter(|p| !lower.contains('/') || format!("/{}", p.to_lowercase()).ends_with(&suffix))
            .collect();
        nearest(from.folder(), &matching, |p| p)
    }

    /// What a markdown link's path (decoded, relative to the linking note or, as Obsidian also
    /// reads it, to the vault's root) names: a note, an attachment or a folder. `None` when
    /// it names nothing, and as the second value whether the path climbs out of the vault.
    pub(super) fn find_path(&self, path: &str, from: &NoteId) -> (Option<Named<'a>>, bool) {
        let tables: &'a Tables = self.tables;
        let joined = paths::join(from.folder(), path);
        let outside = joined.is_none();
        // From the root: the path as written, without the `./` and `../` it starts with.
        let mut rooted = path.trim_start_matches('/');
        while let Some(rest) = rooted
            .strip_prefix("./")
            .or_else(|| rooted.strip_prefix("../"))
        {
            rooted = rest;
        }
        for candidate in joined.iter().map(String::as_str).chain([rooted]) {
            let lower = candidate.to_lowercase();
            let is_dir = path.ends_with('/');
            if !is_dir {
                let note = if lower.ends_with(".md") || lower.ends_with(".markdown") {
                    tables.by_path.get(strip_md(&lower))
                } else if !file_name(&lower).contains('.') {
                    // VS Code and Obsidian users sometimes leave `.md` out of relative links.
                    tables.by_path.get(&lower)
                } else {
                    None
                };
                if let Some(id) = note {
                    return (Some(Named::Note(id.clone(), Vec::new())), outside);
                }
                if let Some(asset) = tables.assets_by_path.get(&lower) {
                    return (Some(Named::Asset(asset, Vec::new())), outside);
                }
            }
            if let Some(url) = tables.sections.get(lower.trim_end_matches('/')) {
                return (Some(Named::Folder(url.clone())), outside);
            }
        }
        (None, outside)
    }

    /// The anchor of `heading` (heading text, or `^block-id`) in a note.
    pub(super) fn find_heading(&self, id: &NoteId, heading: &str) -> Option<String> {
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
        self.resolve_anchor(id, &slug)
            .filter(|a| page.parsed.headings.iter().any(|h| &h.anchor == a))
    }

    /// What an embed of `anchor` (a heading's or a block's) in a note shows.
    pub(super) fn part(&self, id: &NoteId, anchor: &str) -> super::Part {
        let Some(page) = self.site.pages.get(id) else {
            return super::Part::Whole;
        };
        let parsed = &page.parsed;
        if let Some(h) = parsed.headings.iter().position(|h| h.anchor == anchor) {
            return super::Part::Section(h);
        }
        match parsed.blocks.iter().position(|b| b.id == anchor) {
            Some(b) => super::Part::Block(b),
            None => super::Part::Whole,
        }
    }

    /// The anchor a markdown link's fragment names in a note: an anchor as written, else a
    /// heading by its text (`#Name%20Servers`, decoded, for `## Name Servers`).
    pub(super) fn find_anchor(&self, id: &NoteId, fragment: &str) -> Option<String> {
        self.resolve_anchor(id, fragment)
            .or_else(|| self.find_heading(id, fragment))
    }

    /// The id on a note's page that a hand-written `#fragment` means: a heading whose GitHub
    /// anchor it is (its id differs when a template id was in the way), else the heading,
    /// raw-HTML id or block id that has exactly that id.
    pub(super) fn resolve_anchor(&self, id: &NoteId, fragment: &str) -> Option<String> {
        let p = &self.site.pages.get(id)?.parsed;
        if let Some(h) = p
            .headings
            .iter()
            .find(|h| h.github_anchor.as_deref() == Some(fragment))
        {
            return Some(h.anchor.clone());
        }
        let exact = p.headings.iter().any(|h| h.anchor == fragment)
            || p.html_ids.iter().any(|i| i == fragment)
            || p.block_ids.iter().any(|b| b == fragment);
        exact.then(|| fragment.to_string())
    }

    /// Whether a note's page has exactly this id (no GitHub anchors: raw HTML links are kept
    /// as written).
    pub(super) fn has_exact_anchor(&self, id: &NoteId, anchor: &str) -> bool {
        self.resolve_anchor(id, anchor)
            .is_some_and(|found| found == anchor)
    }
}

/// `[DHCP](../dhcp.md) Snooping` → `[DHCP] Snooping`: a heading link written with the
/// heading's markdown names the heading's text.
fn without_link_targets(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("](") {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        out.push_str(&rest[..=at]);
        let after = &rest[at + 2..];
        match after.find(')') {
            Some(close) => rest = &after[close + 1..],
            None => {
                out.push_str("](");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// Heading text as Obsidian compares it: lower case, without the characters a link cannot
/// hold (`# ^ [ ] |`, and `:` which it turns into a space) and math's `$`, white space
/// collapsed.
pub(super) fn normalize(text: &str) -> String {
    without_link_targets(text)
        .chars()
        .map(|c| if "#^[]|:$".contains(c) { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
