//! Applying file changes to a [`State`]: the changed notes go through the same stages as in a
//! full build, the whole-site steps that read them run again where what other pages show of
//! a note changed, and the outputs whose digests changed are rendered.

use super::plan::{self, Changes, Found, Known};
use super::{OutputKey, State, outputs};
use crate::graph;
use crate::markdown::ParsedNote;
use crate::output::Txn;
use crate::site;
use crate::taxonomy;
use crate::vault::{self, Asset, Note, NoteId, walk};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

/// What applying changes did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// How many outputs were rendered or copied again.
    pub rendered: usize,
    /// Whether notes' places, titles or links changed (the whole site was re-linked).
    pub structural: bool,
}

/// Everything other pages show of a note, or use to resolve links to it: when this is unchanged
/// by an edit, only the note's own page and the pages that show its body change.
pub fn summary(note: &Note, parsed: &ParsedNote) -> u64 {
    let mut h = crate::hash::Digester::new();
    let front = &note.front;
    (
        &front.title,
        &front.description,
        &front.tags,
        &front.date,
        &front.updated,
        front.weight,
        &front.aliases,
    )
        .hash(&mut h);
    for (key, value) in &front.extra {
        (key, value.to_string()).hash(&mut h);
    }
    (parsed.starts_with_h1, parsed.first_h1()).hash(&mut h);
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
            link.kind == crate::markdown::LinkKind::Image,
            link.wiki,
            link.has_label,
            &link.label,
            &link.context,
        )
            .hash(&mut h);
    }
    h.finish()
}

impl State {
    /// What the site holds, by content path.
    fn known(&self) -> Known {
        Known {
            notes: self
                .linked
                .site
                .pages
                .keys()
                .map(|id| id.as_str().to_string())
                .chain(self.load_errors.keys().cloned())
                .collect(),
            assets: self.linked.site.assets.keys().cloned().collect(),
        }
    }

    /// What is on disk now under each changed content path.
    fn scan(&self, paths: &BTreeSet<std::path::PathBuf>) -> (Vec<String>, BTreeMap<String, Found>) {
        let content_dir = &self.project.content_dir;
        let excluded = self.project.load_options().exclude;
        let mut changed = Vec::new();
        let mut found = BTreeMap::new();
        for path in paths {
            let Some(rel) = path.strip_prefix(content_dir).ok().and_then(walk::to_slash) else {
                continue;
            };
            if rel.split('/').any(|p| p.starts_with('.'))
                || excluded.iter().any(|x| path.starts_with(x))
            {
                continue;
            }
            if path.is_dir() {
                let (inside, _) = walk::walk(path, &excluded, &self.project.root);
                let prefix = if rel.is_empty() {
                    String::new()
                } else {
                    format!("{rel}/")
                };
                for (r, p) in inside.notes {
                    found.insert(format!("{prefix}{r}"), Found::Note(p));
                }
                for (r, a) in inside.assets {
                    found.insert(format!("{prefix}{r}"), Found::Asset(a.source));
                }
            } else if path.is_file() {
                let kind = if walk::is_note(path) {
                    Found::Note(path.clone())
                } else {
                    Found::Asset(path.clone())
                };
                found.insert(rel.clone(), kind);
            }
            changed.push(rel);
        }
        (changed, found)
    }

    /// Applies a batch of changes (not a config change: that opens the site afresh) and writes
    /// every output that changed into `txn`.
    pub fn apply(&mut self, changes: &Changes, txn: &Txn<'_>) -> Applied {
        if !changes.templates.is_empty() {
            self.load_templates();
        }
        let known = self.known();
        let (changed, found) = self.scan(&changes.content);
        let plan = plan::plan(&changed, &found, &known);
        let mut structural = plan.adds_or_removes(&known);
        let mut touched: Vec<NoteId> = Vec::new();
        let mut keys: BTreeSet<String> = BTreeSet::new();
        let paths_before: HashMap<NoteId, String> = self
            .linked
            .site
            .pages
            .iter()
            .map(|(id, p)| (id.clone(), p.path.clone()))
            .collect();
        // Notes gone.
        for rel in &plan.drop_notes {
            self.load_errors.remove(rel);
            let id = NoteId::new(rel);
            if let Some(page) = self.linked.site.pages.remove(&id) {
                keys.extend(graph::note_keys(&page));
                self.summaries.remove(&id);
                touched.push(id);
            }
        }
        // Attachments gone, come or changed.
        for rel in &plan.drop_assets {
            self.linked.site.assets.remove(rel);
            keys.insert(file_key(rel));
        }
        for (rel, source) in &plan.assets {
            if !self.linked.site.assets.contains_key(rel) {
                keys.insert(file_key(rel));
            }
            self.linked.site.assets.insert(
                rel.clone(),
                Asset {
                    path: rel.clone(),
                    source: source.clone(),
                },
            );
        }
        // Notes new or changed: read, then parsed and drawn like in a full build.
        let load_options = self.project.load_options();
        let mut notes = Vec::new();
        for (rel, abs) in &plan.read {
            match vault::read_note(rel, abs, &load_options) {
                Ok(Some(note)) => {
                    self.load_errors.remove(rel);
                    notes.push(note);
                }
                Ok(None) => {
                    // Now a draft: it leaves the site.
                    self.load_errors.remove(rel);
                    let id = NoteId::new(rel);
                    if let Some(page) = self.linked.site.pages.remove(&id) {
                        keys.extend(graph::note_keys(&page));
                        self.summaries.remove(&id);
                        touched.push(id);
                        structural = true;
                    }
                }
                Err(d) => {
                    self.load_errors.insert(rel.clone(), d);
                }
            }
        }
        let drawn = super::stages::parse_and_draw(notes, &self.project, &self.highlighter, None);
        for (note, parsed) in drawn.notes {
            let id = note.id.clone();
            let summary = summary(&note, &parsed);
            if self.summaries.insert(id.clone(), summary) != Some(summary) {
                structural = true;
            }
            match self.linked.site.pages.get_mut(&id) {
                Some(page) => {
                    keys.extend(graph::note_keys(page));
                    page.note = note;
                    page.parsed = parsed;
                }
                None => {
                    structural = true;
                    self.linked.site.pages.insert(
                        id.clone(),
                        site::Page {
                            note,
                            parsed,
                            title: String::new(),
                            path: String::new(),
                            section: None,
                        },
                    );
                }
            }
            touched.push(id);
        }
        if structural {
            self.relink(&touched, keys, &paths_before);
        } else {
            for id in &touched {
                if let Some(page) = self.linked.site.pages.get(id) {
                    self.linked.graph.follow_edit(id, &page.parsed);
                }
            }
        }
        let rendered = self.write_changed(txn);
        Applied {
            rendered,
            structural,
        }
    }

    /// After notes came, went or changed what other pages show of them: places, titles and
    /// navigation again, the links that may resolve differently now, and the taxonomy.
    fn relink(
        &mut self,
        touched: &[NoteId],
        mut keys: BTreeSet<String>,
        paths_before: &HashMap<NoteId, String>,
    ) {
        let folders_before: BTreeSet<String> =
            self.linked.site.nav.sections.keys().cloned().collect();
        self.site_diagnostics = site::arrange(&mut self.linked.site, self.rules);
        let site = &self.linked.site;
        for (id, page) in &site.pages {
            if paths_before.get(id) != Some(&page.path) {
                keys.extend(graph::note_keys(page));
            }
        }
        for folder in
            folders_before.symmetric_difference(&site.nav.sections.keys().cloned().collect())
        {
            keys.insert(folder.rsplit('/').next().unwrap_or("").to_lowercase());
        }
        for id in touched {
            if let Some(page) = site.pages.get(id) {
                keys.extend(graph::note_keys(page));
            }
        }
        let mut affected = self
            .linked
            .graph
            .mentioning(keys.iter().map(String::as_str));
        affected.extend(touched.iter().cloned());
        let affected: Vec<NoteId> = affected.into_iter().collect();
        self.linked.graph.relink(&self.linked.site, &affected);
        self.linked.taxonomy = taxonomy::collect(&self.linked.site, &self.linked.graph);
    }

    /// Renders the outputs whose digests changed into `txn`, and removes the files of outputs
    /// that are gone. Returns how many outputs were produced.
    fn write_changed(&mut self, txn: &Txn<'_>) -> usize {
        let (specs, diagnostics) = outputs::list(&self.linked, &self.project);
        self.list_diagnostics = diagnostics;
        let digests = self.digests(&specs);
        let now: Vec<(OutputKey, u64)> = specs
            .iter()
            .zip(&digests)
            .map(|((k, _), d)| (k.clone(), *d))
            .collect();
        let recorded: HashMap<OutputKey, u64> = self
            .record
            .iter()
            .map(|(k, r)| (k.clone(), r.digest))
            .collect();
        let (render, gone) = plan::stale(&now, &recorded);
        let by_key: HashMap<&OutputKey, (usize, u64)> = specs
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (k, (i, digests[i])))
            .collect();
        let todo: Vec<super::Spec> = render.iter().map(|k| specs[by_key[k].0].clone()).collect();
        let done = self.produce(&todo, txn);
        let mut old_files: Vec<(OutputKey, String)> = Vec::new();
        for (spec, result) in todo.iter().zip(done) {
            if let Some(r) = self.record.get(&spec.0) {
                old_files.extend(r.files.iter().map(|f| (spec.0.clone(), f.clone())));
            }
            self.remember(&spec.0, by_key[&spec.0].1, result);
        }
        for key in &gone {
            self.render_diagnostics.remove(key);
            if let Some(r) = self.record.remove(key) {
                old_files.extend(r.files.into_iter().map(|f| (key.clone(), f)));
            }
        }
        // A file no output writes any more goes (a renamed note's old page, say).
        for (key, file) in old_files {
            let still_written = self
                .record
                .get(&key)
                .is_some_and(|r| r.files.contains(&file));
            let owner = self.owners.get(&file).cloned();
            let owned_elsewhere = owner.as_ref().is_some_and(|o| {
                o != &key && self.record.get(o).is_some_and(|r| r.files.contains(&file))
            });
            if !still_written && !owned_elsewhere {
                self.owners.remove(&file);
                txn.remove(&file);
            }
        }
        todo.len()
    }
}

/// The name attachments are looked up by.
fn file_key(rel: &str) -> String {
    rel.rsplit('/').next().unwrap_or(rel).to_lowercase()
}
