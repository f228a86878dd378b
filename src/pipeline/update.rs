//! Applying file changes to a [`State`]: the changed notes go through the same stages as in a
//! full build, the whole-site steps that read them run again where what other pages show of
//! a note changed, and the outputs whose digests changed are rendered.

use super::plan::{self, Changes, Found, Known};
use super::reach::{Reach, Scope};
use super::summary::summary;
use super::{Fact, OutputKey, State, deps, outputs};
use crate::graph;
use crate::output::Txn;
use crate::site;
use crate::taxonomy;
use crate::vault::{self, Asset, NoteId, walk};
use std::collections::{BTreeMap, BTreeSet};

/// What applying changes did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// How many outputs were rendered or copied again.
    pub rendered: usize,
    /// Whether notes' places, titles or links changed (the whole site was re-linked).
    pub structural: bool,
    /// How long each step took.
    pub steps: Vec<(&'static str, std::time::Duration)>,
}

impl State {
    /// What the site holds under the changed content paths (all a plan looks at).
    fn known(&self, changed: &[String]) -> Known {
        let site = &self.linked.site;
        let mut known = Known::default();
        for rel in changed {
            let notes = plan::keys_under(&site.pages, rel).map(NoteId::as_str);
            let unread = plan::keys_under(&self.load_errors, rel).map(String::as_str);
            known.notes.extend(notes.chain(unread).map(str::to_string));
            known
                .assets
                .extend(plan::keys_under(&site.assets, rel).cloned());
        }
        known
    }

    /// What is on disk now under each changed content path.
    fn scan(&self, paths: &BTreeSet<std::path::PathBuf>) -> (Vec<String>, BTreeMap<String, Found>) {
        let content_dir = &self.project.content_dir;
        let options = self.project.load_options();
        let (excluded, ignore) = (options.exclude, options.ignore);
        let mut changed = Vec::new();
        let mut found = BTreeMap::new();
        for path in paths {
            let Some(rel) = path.strip_prefix(content_dir).ok().and_then(walk::to_slash) else {
                continue;
            };
            if rel.split('/').any(|p| p.starts_with('.'))
                || excluded.iter().any(|x| path.starts_with(x))
                || (!rel.is_empty() && ignore.ignores(&rel))
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
                    let r = format!("{prefix}{r}");
                    if !ignore.ignores(&r) {
                        found.insert(r, Found::Note(p));
                    }
                }
                for (r, a) in inside.assets {
                    let r = format!("{prefix}{r}");
                    if !ignore.ignores(&r) {
                        found.insert(r, Found::Asset(a.source));
                    }
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
        let mut steps = Vec::new();
        let mut clock = std::time::Instant::now();
        let mut step = |name: &'static str| {
            steps.push((name, clock.elapsed()));
            clock = std::time::Instant::now();
        };
        if !changes.templates.is_empty() {
            self.load_templates();
        }
        if !changes.statics.is_empty() {
            // publish hook: fingerprinted names follow the site's static files.
            let assets = crate::publish::assets::AssetNames::of_site(
                &self.project.root,
                &self.project.config,
            );
            self.renderer.set_assets(assets);
        }
        let (changed, found) = self.scan(&changes.content);
        let known = self.known(&changed);
        let plan = plan::plan(&changed, &found, &known);
        let mut structural = plan.adds_or_removes(&known);
        // Whether notes may have moved in their folders' order, or tags changed.
        let mut reordered = structural;
        let mut retagged = structural;
        let mut touched: Vec<NoteId> = Vec::new();
        // Whether an edited note has (or had) flashcards or card problems: their lines live
        // in the decks, gathered again below.
        let mut carded = false;
        let mut keys: BTreeSet<String> = BTreeSet::new();
        // Notes gone that were folders' pages (a folder's page is listed in its parent's).
        let mut gone_folder_pages: BTreeSet<NoteId> = BTreeSet::new();
        // Notes gone.
        for rel in &plan.drop_notes {
            self.load_errors.remove(rel);
            let id = NoteId::new(rel);
            if let Some(page) = self.linked.site.pages.remove(&id) {
                keys.extend(graph::note_keys(&page));
                self.summaries.remove(&id);
                if page.section.is_some() {
                    gone_folder_pages.insert(id.clone());
                }
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
        let mut drawings = Vec::new();
        for (rel, abs) in &plan.read {
            match vault::read_note(rel, abs, &load_options) {
                Ok(Some(note)) => {
                    self.load_errors.remove(rel);
                    notes.push(note);
                }
                Ok(None) => {
                    // Now a draft: it leaves the site. (obsidian hook: or a drawing, which is
                    // an attachment.)
                    if let Some(asset) = vault::drawing(rel, abs) {
                        keys.insert(file_key(rel));
                        structural = true;
                        drawings.push(asset.source.clone());
                        self.linked.site.assets.insert(rel.clone(), asset);
                    }
                    self.load_errors.remove(rel);
                    let id = NoteId::new(rel);
                    if let Some(page) = self.linked.site.pages.remove(&id) {
                        keys.extend(graph::note_keys(&page));
                        self.summaries.remove(&id);
                        if page.section.is_some() {
                            gone_folder_pages.insert(id.clone());
                        }
                        touched.push(id);
                        structural = true;
                        reordered = true;
                        retagged = true;
                    }
                }
                Err(d) => {
                    self.load_errors.insert(rel.clone(), d);
                }
            }
        }
        step("read");
        let drawn = super::stages::parse_and_draw(notes, &self.project, &self.highlighter, None);
        step("parse");
        for (note, parsed) in drawn.notes {
            let id = note.id.clone();
            let summary = summary(&note, &parsed);
            if self.summaries.insert(id.clone(), summary) != Some(summary) {
                structural = true;
            }
            match self.linked.site.pages.get_mut(&id) {
                Some(page) => {
                    keys.extend(graph::note_keys(page));
                    reordered |= page.note.front.weight != note.front.weight
                        || page.note.front.permalink != note.front.permalink;
                    retagged |=
                        page.note.front.tags != note.front.tags || page.parsed.tags != parsed.tags;
                    carded |= has_cards(&page.parsed) || has_cards(&parsed);
                    page.note = note;
                    page.parsed = parsed;
                }
                None => {
                    // fuzz hook: a note new to the pages (also one that failed to load
                    // before) needs its place in the navigation and its tags, like an added one.
                    structural = true;
                    reordered = true;
                    retagged = true;
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
        let gone: std::collections::HashSet<&NoteId> = touched
            .iter()
            .filter(|id| !self.linked.site.pages.contains_key(*id))
            .collect();
        if !gone.is_empty() {
            self.excerpts.forget(&gone);
        }
        let mut bodies: BTreeSet<NoteId> = touched.iter().cloned().collect();
        let mut reach = None;
        if structural {
            let found = self.relink(
                &touched,
                keys,
                &gone_folder_pages,
                Rearrange {
                    reordered,
                    retagged,
                },
                &mut step,
            );
            bodies.extend(found.notes.iter().cloned());
            reach = Some(found);
        } else {
            for id in &touched {
                if let Some(page) = self.linked.site.pages.get(id) {
                    self.linked.graph.follow_edit(id, &page.parsed);
                }
            }
            if carded && !self.decks_unchanged(&touched) {
                let before = &mut self.linked.taxonomy.decks;
                self.linked.taxonomy.decks =
                    crate::cards::collect_after(&self.linked.site, before, &touched);
            }
        }
        step("link");
        let scope = Scope {
            reach,
            templates: !changes.templates.is_empty(),
            statics: !changes.statics.is_empty(),
            bodies,
            touched,
            files: plan.assets.values().cloned().chain(drawings).collect(),
        };
        // A note's search entry reads only its own page: unless notes came, went or moved
        // (titles and paths may then differ anywhere), only the touched ones can differ.
        self.search
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .note_changes(scope.reach.is_none().then_some(&scope.touched[..]));
        let rendered = self.write_changed(txn, scope, &mut step);
        Applied {
            rendered,
            structural,
            steps,
        }
    }

    /// After notes came, went or changed what other pages show of them: places, titles and
    /// navigation again, the links that may resolve differently now, and the taxonomy. Returns
    /// what the change reached.
    fn relink(
        &mut self,
        touched: &[NoteId],
        mut keys: BTreeSet<String>,
        gone_folder_pages: &BTreeSet<NoteId>,
        how: Rearrange,
        step: &mut impl FnMut(&'static str),
    ) -> Reach {
        let folders_before: BTreeSet<String> =
            self.linked.site.nav.sections.keys().cloned().collect();
        // The reading order before, to find the pages whose neighbours it moves.
        let order_before = how
            .reordered
            .then(|| self.linked.site.nav.reading_order().to_vec());
        // The pages whose path is new (a page new to the site had none): only arranging the
        // site again moves pages; new titles leave every page where it was.
        let moved: Vec<NoteId> = if how.reordered {
            let (diagnostics, moved) = site::arrange(&mut self.linked.site, self.rules);
            self.site_diagnostics = diagnostics;
            moved
        } else {
            site::retitle(&mut self.linked.site, touched, self.rules);
            Vec::new()
        };
        self.title_diagnostics = site::title_warnings(&self.linked.site);
        step("arrange");
        let site = &self.linked.site;
        for id in &moved {
            if let Some(page) = site.pages.get(id) {
                keys.extend(graph::note_keys(page));
            }
        }
        let folders_now: BTreeSet<String> = site.nav.sections.keys().cloned().collect();
        for folder in folders_before.symmetric_difference(&folders_now) {
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
        affected.extend(moved);
        // What other pages showed of the reached notes before.
        let mut reach = Reach {
            gone_folder_pages: gone_folder_pages.clone(),
            ..Reach::default()
        };
        reach.note_around(&self.linked, &affected);
        let list: Vec<NoteId> = affected.iter().cloned().collect();
        let same_decks = self.decks_unchanged(touched);
        // The links, tags, topics and decks are worked out from the pages, each into its own
        // part of the linked site: at once, on both cores.
        let linked = &mut self.linked;
        let (site, graph, taxonomy) = (&linked.site, &mut linked.graph, &mut linked.taxonomy);
        let ((), ((tags, topics), decks)) = rayon::join(
            || graph.relink(site, &list),
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || {
                                // Unless tags changed, the touched notes' tags are as
                                // they were: the collection is carried over.
                                let tagged: &[NoteId] = if how.retagged { touched } else { &[] };
                                taxonomy::tags::collect_after(site, &mut taxonomy.tags, tagged)
                            },
                            || taxonomy::topics::collect(site, &mut taxonomy.topics),
                        )
                    },
                    || {
                        (!same_decks).then(|| {
                            crate::cards::collect_after(site, &mut taxonomy.decks, touched)
                        })
                    },
                )
            },
        );
        step("relink");
        // Only the notes sharing something with the reached ones are ranked again.
        let mut related = std::mem::take(&mut self.linked.taxonomy.related);
        let reranked = taxonomy::related::update(
            &mut related,
            (&self.linked.site, &self.linked.graph),
            (&tags, &topics),
            (&self.linked.taxonomy.tags, &self.linked.taxonomy.topics),
            &affected,
            &reach.neighbours,
        );
        step("related");
        let decks = decks.unwrap_or_else(|| std::mem::take(&mut self.linked.taxonomy.decks));
        let before = std::mem::replace(
            &mut self.linked.taxonomy,
            taxonomy::Taxonomy {
                tags,
                topics,
                related,
                decks,
            },
        );
        // And what they show now.
        reach.note_around(&self.linked, &affected);
        // Lists that changed, and lists showing a reached note (its title may be new).
        reach.related.extend(reranked);
        for (id, list) in &self.linked.taxonomy.related {
            if list.iter().any(|r| affected.contains(r)) {
                reach.related.insert(id.clone());
            }
        }
        reach.taxonomy_of(&before, &affected);
        let now = self.linked.taxonomy.clone_keys_of(&affected);
        reach.tags.extend(now.0);
        reach.topics.extend(now.1);
        reach.decks = !same_decks;
        reach.labelled = affected.clone();
        reach.labelled_by_change(&before, &self.linked.taxonomy);
        if !same_decks {
            reach.carded = self
                .linked
                .taxonomy
                .decks
                .notes_changed_since(&before.decks);
        }
        reach.neighbours_in_order = Some({
            let nav = &self.linked.site.nav;
            let mut keys = BTreeSet::new();
            if let Some(before) = &order_before {
                let moved = super::reach::order_changed(before, nav.reading_order());
                keys.extend(moved.iter().cloned());
            }
            for id in &affected {
                let Some(page) = self.linked.site.pages.get(id) else {
                    continue;
                };
                let key = page.key();
                let (prev, next) = nav.neighbours(&key);
                keys.extend(prev.cloned());
                keys.extend(next.cloned());
                keys.insert(key);
            }
            keys
        });
        // A folder that came or went is an entry of its parent's listing.
        for folder in folders_before.symmetric_difference(&folders_now) {
            reach.folders.insert(folder.clone());
            reach
                .folders
                .insert(folder.rfind('/').map_or("", |i| &folder[..i]).to_string());
        }
        reach.notes = affected;
        crate::drop_later(before);
        reach
    }

    /// Whether the decks stay as they are after these notes changed: each note's cards (ids,
    /// decks, tags, problems) are as when the decks were collected.
    fn decks_unchanged(&self, touched: &[NoteId]) -> bool {
        let decks = &self.linked.taxonomy.decks;
        touched
            .iter()
            .all(|id| decks.unchanged(&self.linked.site, id))
    }

    /// The output spec of a recorded output as the site is now (its source, for copies).
    fn spec_of(
        &self,
        key: &OutputKey,
        listed: &crate::hash::FastMap<OutputKey, Option<std::path::PathBuf>>,
    ) -> Option<super::Spec> {
        if let Some(source) = listed.get(key) {
            return Some((key.clone(), source.clone()));
        }
        let source = match key {
            OutputKey::Asset(path) => Some(self.linked.site.assets.get(path)?.source.clone()),
            OutputKey::Static(path) => Some(self.project.static_dir.join(path)),
            OutputKey::MermaidScript => {
                Some(crate::diagrams::script_file(&self.project.config, &self.project.root)?.1)
            }
            _ => None,
        };
        Some((key.clone(), source))
    }

    /// Renders the outputs a change reached into `txn`, and removes the files of outputs that
    /// are gone. Returns how many outputs were produced.
    fn write_changed(
        &mut self,
        txn: &Txn<'_>,
        scope: Scope,
        step: &mut impl FnMut(&'static str),
    ) -> usize {
        // Which outputs there are now (only a change of notes' places or of files can change
        // that), and the digests of the facts the change reached: at once.
        let relist =
            scope.reach.is_some() || scope.statics || !scope.files.is_empty() || self.stale_record;
        let reached = self.reached(&scope);
        let (listing, digests) = rayon::join(
            || relist.then(|| outputs::list(&self.linked, &self.project)),
            || self.digests(reached),
        );
        let mut listed: crate::hash::FastMap<OutputKey, Option<std::path::PathBuf>> =
            Default::default();
        let mut gone = Vec::new();
        let mut fresh = BTreeSet::new();
        if let Some((specs, diagnostics)) = listing {
            self.list_diagnostics = diagnostics;
            listed = specs.into_iter().collect();
            gone = self
                .record
                .outputs()
                .filter(|k| !listed.contains_key(k))
                .cloned()
                .collect();
            for (key, source) in &listed {
                let new = match self.record.entry(key) {
                    None => true,
                    // A folder's page reads its folder note, which may have come or gone.
                    Some(e) => {
                        matches!(
                            key,
                            OutputKey::Page(crate::render::PageRef::Nav(
                                crate::nav::PageKey::Section(_)
                            ))
                        ) && e.reads != deps::reads(key, &self.linked, source.as_ref())
                    }
                };
                if new {
                    fresh.insert(key.clone());
                }
            }
        }
        step("list and digests");
        let changed = self.set_digests(digests);
        let failed: Vec<OutputKey> = self.record.failed().cloned().collect();
        let render = plan::stale(&self.record.readers(&changed), &fresh, &failed, &gone);
        let mut todo: Vec<super::Spec> = render
            .iter()
            .filter_map(|k| self.spec_of(k, &listed))
            .collect();
        outputs::slowest_first(&mut todo);
        self.pending.clear();
        let done = self.produce(&todo, txn, true);
        step("render");
        let mut old_files: Vec<String> = Vec::new();
        for (spec, result) in todo.iter().zip(done) {
            if let Some(e) = self.record.entry(&spec.0) {
                // The files it wrote before and not now (a failed output keeps its files).
                match &result {
                    Ok(w) if w.files != e.files => {
                        let now: std::collections::HashSet<&String> = w.files.iter().collect();
                        old_files.extend(e.files.iter().filter(|f| !now.contains(f)).cloned());
                    }
                    _ => {}
                }
            }
            let reads = deps::reads(&spec.0, &self.linked, spec.1.as_ref());
            self.remember(spec.0.clone(), reads, result);
        }
        for key in &gone {
            self.render_diagnostics.remove(key);
            if let Some(e) = self.record.remove(key) {
                old_files.extend(e.files);
            }
        }
        // A file no output writes any more goes (a renamed note's old page, say).
        for file in old_files {
            if self.record.owner(&file).is_none() {
                txn.remove(&file);
            }
        }
        // Facts that outputs read for the first time.
        let unknown: std::collections::HashSet<Fact> = todo
            .iter()
            .filter_map(|(k, _)| self.record.entry(k))
            .flat_map(|e| e.reads.iter())
            .filter(|f| self.record.digest(f).is_none())
            .cloned()
            .collect();
        self.refresh(unknown.into_iter().collect());
        step("record");
        todo.len()
    }
}

/// Whether a parsed note holds flashcards or card problems.
fn has_cards(parsed: &crate::markdown::ParsedNote) -> bool {
    !parsed.cards.is_empty() || !parsed.card_scan.problems.is_empty()
}

/// What a structural change may have moved: the order of notes in their folders (weights,
/// notes come or gone), and tags.
#[derive(Debug, Clone, Copy)]
struct Rearrange {
    reordered: bool,
    retagged: bool,
}

/// The name attachments are looked up by.
fn file_key(rel: &str) -> String {
    rel.rsplit('/').next().unwrap_or(rel).to_lowercase()
}
