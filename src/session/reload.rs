//! Reading changes into the session: notes and attachments under changed paths (re-parsed
//! and compared by signature), and static files.

use super::{Session, Update};
use crate::markdown::{self, ParsedNote};
use crate::site::{self, Page};
use crate::vault::{self, Asset, Note, NoteId, walk};
use anyhow::Result;
use std::collections::BTreeSet;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

impl Session {
    /// Reloads changed notes and attachments. Returns the notes edited in place and whether
    /// the change is structural (see the module documentation).
    pub(super) fn apply_content(&mut self, paths: &BTreeSet<PathBuf>) -> (Vec<NoteId>, bool) {
        let mut edited = Vec::new();
        let mut structural = false;
        let project = self.project.clone();
        let content_dir = &project.content_dir;
        let load_options = project.load_options();
        let excluded = load_options.exclude.clone();
        for path in paths {
            let Ok(rel_path) = path.strip_prefix(content_dir) else {
                continue;
            };
            let Some(rel) = walk::to_slash(rel_path) else {
                continue;
            };
            if rel.split('/').any(|p| p.starts_with('.'))
                || excluded.iter().any(|x| path.starts_with(x))
            {
                continue;
            }
            // What is on disk now under this path (a file, a folder, or nothing).
            let mut found: Vec<(String, PathBuf)> = Vec::new();
            if path.is_dir() {
                let (inside, _) = walk::walk(path, &excluded, &project.root);
                let prefix = if rel.is_empty() {
                    String::new()
                } else {
                    format!("{rel}/")
                };
                found.extend(
                    inside
                        .notes
                        .into_iter()
                        .map(|(r, p)| (format!("{prefix}{r}"), p)),
                );
                found.extend(
                    inside
                        .assets
                        .into_iter()
                        .map(|(r, a)| (format!("{prefix}{r}"), a.source)),
                );
            } else if path.is_file() {
                found.push((rel.clone(), path.clone()));
            }
            // Whatever was known under this path and is gone now is removed.
            let under =
                |key: &str| key == rel || rel.is_empty() || key.starts_with(&format!("{rel}/"));
            let present: BTreeSet<&str> = found.iter().map(|(r, _)| r.as_str()).collect();
            let gone_notes: Vec<NoteId> = self
                .linked
                .site
                .pages
                .keys()
                .filter(|id| under(id.as_str()) && !present.contains(id.as_str()))
                .cloned()
                .collect();
            for id in gone_notes {
                self.linked.site.pages.remove(&id);
                self.signatures.remove(&id);
                structural = true;
            }
            self.load_errors
                .retain(|key, _| !under(key) || present.contains(key.as_str()));
            let gone_assets: Vec<String> = self
                .linked
                .site
                .assets
                .keys()
                .filter(|key| under(key) && !present.contains(key.as_str()))
                .cloned()
                .collect();
            for key in gone_assets {
                self.linked.site.assets.remove(&key);
                structural = true;
            }
            for (rel, abs) in found {
                if !walk::is_note(&abs) {
                    let known = self.linked.site.assets.contains_key(&rel);
                    self.linked.site.assets.insert(
                        rel.clone(),
                        Asset {
                            path: rel,
                            source: abs,
                        },
                    );
                    // A new attachment can make a broken link work; a changed one only
                    // needs copying, which every rebuild does.
                    structural |= !known;
                    continue;
                }
                match vault::read_note(&rel, &abs, &load_options) {
                    Ok(Some(note)) => {
                        self.load_errors.remove(&rel);
                        let parsed = markdown::parse(
                            &note.body,
                            note.body_line_offset,
                            &project.parse_options(),
                            &self.highlighter,
                        );
                        let id = note.id.clone();
                        let existed = self.linked.site.pages.contains_key(&id);
                        let signature = signature(&note, &parsed, &project.config.title);
                        let same = self.signatures.get(&id) == Some(&signature);
                        self.signatures.insert(id.clone(), signature);
                        self.insert_page(note, parsed);
                        if existed && same {
                            edited.push(id);
                        } else {
                            structural = true;
                        }
                    }
                    Ok(None) => {
                        // Now a draft: it leaves the site.
                        let id = NoteId::new(&rel);
                        structural |= self.linked.site.pages.remove(&id).is_some();
                        self.signatures.remove(&id);
                        self.load_errors.remove(&rel);
                    }
                    Err(d) => {
                        self.load_errors.insert(rel, d);
                    }
                }
            }
        }
        (edited, structural)
    }

    fn insert_page(&mut self, note: Note, parsed: ParsedNote) {
        let page = Page::new(note, parsed, &self.project.config);
        self.linked.site.pages.insert(page.note.id.clone(), page);
    }

    /// Copies one static file (or restores the built-in one it shadowed, when removed).
    pub(super) fn refresh_static(&mut self, path: &Path, update: &mut Update) -> Result<()> {
        let Ok(rel) = path.strip_prefix(&self.project.static_dir) else {
            return Ok(());
        };
        let Some(rel) = walk::to_slash(rel) else {
            return Ok(());
        };
        if path.is_dir() {
            for entry in walkdir::WalkDir::new(path).into_iter().flatten() {
                if entry.file_type().is_file() {
                    self.refresh_static(entry.path(), update)?;
                }
            }
            return Ok(());
        }
        let root = self
            .project
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.project.root.clone());
        let bytes = if path.is_file() && walk::leads_inside(path, &root) {
            Some(std::fs::read(path)?)
        } else {
            crate::theme::STATIC_FILES
                .iter()
                .find(|(p, _)| *p == rel)
                .map(|(_, b)| b.to_vec())
        };
        match bytes {
            Some(bytes) if self.files.get(&rel) != Some(&bytes) => {
                self.files.insert(rel.clone(), bytes);
                update.changed.push(rel);
            }
            Some(_) => {}
            None => {
                if self.files.remove(&rel).is_some() {
                    update.removed.push(rel);
                }
            }
        }
        Ok(())
    }
}

/// The content path of a diagnostic's file (`content/a.md` → `a.md`), if it is a note.
pub(super) fn content_key(project: &crate::build::Project, file: &Path) -> Option<String> {
    let content = project
        .content_dir
        .strip_prefix(&project.root)
        .unwrap_or(Path::new(""));
    walk::to_slash(file.strip_prefix(content).ok()?)
}

/// Everything other pages show of a note: if this is unchanged, an edit only affects the
/// note's own page and the pages that embed it.
pub(super) fn signature(note: &Note, parsed: &ParsedNote, site_title: &str) -> u64 {
    let mut h = DefaultHasher::new();
    site::title_of(note, parsed, site_title).hash(&mut h);
    let front = &note.front;
    (
        &front.description,
        &front.tags,
        &front.date,
        &front.updated,
        front.weight,
        &front.aliases,
    )
        .hash(&mut h);
    front
        .extra
        .get("topics")
        .map(|v| v.to_string())
        .hash(&mut h);
    front
        .extra
        .get("cards-deck")
        .map(|v| v.to_string())
        .hash(&mut h);
    for heading in &parsed.headings {
        (
            heading.level,
            &heading.text,
            &heading.anchor,
            &heading.block_id,
            &heading.card,
        )
            .hash(&mut h);
    }
    (&parsed.block_ids, &parsed.html_ids, &parsed.tags).hash(&mut h);
    for (fragment, _, _) in &parsed.html_anchor_links {
        fragment.hash(&mut h);
    }
    for link in &parsed.links {
        (
            &link.target,
            link.kind == markdown::LinkKind::Image,
            link.wiki,
            link.has_label,
            &link.label,
            &link.context,
        )
            .hash(&mut h);
    }
    h.finish()
}
