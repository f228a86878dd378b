//! Lookup tables over the whole vault: notes by path and by name, attachments, anchors.

use crate::markdown::anchors::github_slug;
use crate::paths;
use crate::site::Site;
use crate::vault::NoteId;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// Lookup tables over the whole vault: notes by path and name, attachments, folders. Kept
/// between rebuilds and made again only when notes, attachments or folders come, go or move.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    /// A digest of what the tables were made from.
    key: u64,
    pub(super) by_path: HashMap<String, NoteId>,
    pub(super) by_name: HashMap<String, Vec<NoteId>>,
    pub(super) assets_by_path: HashMap<String, String>,
    pub(super) assets_by_name: HashMap<String, Vec<String>>,
    pub(super) sections: HashMap<String, String>,
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
            (id, &page.path).hash(&mut h);
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
        let mut by_path = HashMap::new();
        let mut by_name: HashMap<String, Vec<NoteId>> = HashMap::new();
        for id in site.pages.keys() {
            by_path.insert(strip_md(id.as_str()).to_lowercase(), id.clone());
            if id.stem() != "_index" {
                by_name
                    .entry(id.stem().to_lowercase())
                    .or_default()
                    .push(id.clone());
            }
        }
        for list in by_name.values_mut() {
            list.sort_by(|a, b| shortest_first(a.as_str(), b.as_str()));
        }
        let mut assets_by_path = HashMap::new();
        let mut assets_by_name: HashMap<String, Vec<String>> = HashMap::new();
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

    /// The site path of a folder's page.
    pub(super) fn section_url(&self, folder_lower: &str) -> Option<String> {
        self.sections.get(folder_lower).cloned()
    }

    /// A wikilink's note name or path → the note, plus the other candidates when ambiguous.
    pub(super) fn find_note(&self, name: &str, from: &NoteId) -> Option<(NoteId, Vec<NoteId>)> {
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
            let name = file_name(&lower);
            let mut found: Vec<&NoteId> = self
                .by_name
                .get(name)
                .into_iter()
                .flatten()
                .filter(|id| strip_md(id.as_str()).to_lowercase().ends_with(&suffix))
                .collect();
            found.sort_by(|a, b| shortest_first(a.as_str(), b.as_str()));
            let first = (*found.first()?).clone();
            return Some((first, found[1..].iter().map(|id| (*id).clone()).collect()));
        }
        let list = self.by_name.get(&lower)?;
        Some((list[0].clone(), list[1..].to_vec()))
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
        let matching: Vec<&str> = list
            .iter()
            .map(String::as_str)
            .filter(|p| !lower.contains('/') || p.to_lowercase().ends_with(&lower))
            .collect();
        let first = *matching.first()?;
        Some((first, matching[1..].to_vec()))
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

    pub(super) fn heading_index(&self, id: &NoteId, anchor: &str) -> Option<usize> {
        self.site
            .pages
            .get(id)?
            .parsed
            .headings
            .iter()
            .position(|h| h.anchor == anchor)
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

pub(super) fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
