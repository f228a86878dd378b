//! Rendering for the session: everything at first, then only the pages an edit reaches
//! (found by following embeds, or by comparing fingerprints after a structural change).

use super::{Session, Update};
use crate::build::{render_pages, write_support_files};
use crate::output::Output;
use crate::render::{ExtraPage, PageContext, PageRef};
use crate::vault::NoteId;
use anyhow::Result;
use std::collections::BTreeSet;

impl Session {
    /// Renders every page and support file into memory.
    pub(super) fn render_all(&mut self) -> Result<()> {
        self.fingerprints.clear();
        self.render_diagnostics.clear();
        self.files.clear();
        let pages = crate::render::all_pages(self.linked.context(&self.renderer));
        self.render_refs(&pages)?;
        self.refresh_support()?;
        Ok(())
    }

    /// Renders `pages` into memory and puts them in place, remembering their fingerprints.
    /// Returns the output files whose bytes changed.
    fn render_refs(&mut self, pages: &[PageRef]) -> Result<Vec<String>> {
        let output = Output::in_memory();
        let results = render_pages(self.linked.context(&self.renderer), pages, &output);
        for (page, result) in pages.iter().zip(results) {
            self.render_diagnostics.remove(page);
            match result {
                Ok((rendered, found)) => {
                    self.fingerprints
                        .insert(page.clone(), (rendered.file, rendered.fingerprint));
                    if !found.is_empty() {
                        self.render_diagnostics.insert(page.clone(), found);
                    }
                }
                Err(d) => {
                    self.fingerprints.remove(page);
                    self.render_diagnostics.insert(page.clone(), vec![d]);
                }
            }
        }
        let mut changed = Vec::new();
        for (path, bytes) in output.commit()?.files {
            if self.files.get(&path) != Some(&bytes) {
                changed.push(path.clone());
                self.files.insert(path, bytes);
            }
        }
        Ok(changed)
    }

    /// After a structural change: works out every page's fingerprint (cheap: nothing is
    /// rendered) and renders only the pages whose fingerprint changed. Fingerprints include the
    /// templates a page uses, so a template change re-renders just the pages that use it.
    pub(super) fn render_changed(&mut self) -> Result<Update> {
        let ctx = PageContext {
            fingerprint_only: true,
            ..self.linked.context(&self.renderer)
        };
        let pages = crate::render::all_pages(ctx);
        let fingerprints = render_pages(ctx, &pages, &Output::in_memory());
        let stale: Vec<PageRef> = pages
            .iter()
            .zip(fingerprints)
            .filter(|(page, result)| match result {
                Ok((r, _)) => {
                    self.fingerprints.get(*page) != Some(&(r.file.clone(), r.fingerprint))
                }
                Err(_) => true,
            })
            .map(|(page, _)| page.clone())
            .collect();
        let current: std::collections::HashSet<&PageRef> = pages.iter().collect();
        let gone: Vec<PageRef> = self
            .fingerprints
            .keys()
            .filter(|p| !current.contains(p))
            .cloned()
            .collect();
        let mut removed = Vec::new();
        for page in gone {
            self.render_diagnostics.remove(&page);
            if let Some((file, _)) = self.fingerprints.remove(&page) {
                removed.push(file);
            }
        }
        let mut changed = self.render_refs(&stale)?;
        // A page that went may share its file with one that came (a renamed note).
        let written: BTreeSet<&String> = self.fingerprints.values().map(|(file, _)| file).collect();
        removed.retain(|file| !written.contains(file));
        for file in &removed {
            self.files.remove(file);
        }
        let (support_changed, support_removed) = self.refresh_support()?;
        changed.extend(support_changed);
        removed.extend(support_removed);
        changed.sort();
        removed.sort();
        Ok(Update {
            changed,
            removed,
            rendered: stale.len(),
            full: true,
        })
    }

    /// Writes the sitemap, static files and attachments again; returns what changed and what
    /// went.
    fn refresh_support(&mut self) -> Result<(Vec<String>, Vec<String>)> {
        let output = Output::in_memory();
        self.support_diagnostics = write_support_files(&self.project, &self.linked.site, &output)?;
        let fresh = output.commit()?.files;
        let removed: Vec<String> = self
            .support_files
            .iter()
            .filter(|path| !fresh.contains_key(*path))
            .cloned()
            .collect();
        for path in &removed {
            self.files.remove(path);
        }
        self.support_files = fresh.keys().cloned().collect();
        let mut changed = Vec::new();
        for (path, bytes) in fresh {
            if self.files.get(&path) != Some(&bytes) {
                changed.push(path.clone());
                self.files.insert(path, bytes);
            }
        }
        Ok((changed, removed))
    }

    /// Re-renders the pages that show the edited notes: their own, the pages that embed them
    /// (and those that embed those), and the topic pages with their sections.
    pub(super) fn render_some(&mut self, edited: &[NoteId]) -> Result<Update> {
        if edited.is_empty() {
            return Ok(Update::default());
        }
        for id in edited {
            if let Some(page) = self.linked.site.pages.get(id) {
                self.linked.graph.follow_edit(id, &page.parsed);
            }
        }
        let mut pages: BTreeSet<NoteId> = BTreeSet::new();
        let mut queue: Vec<NoteId> = edited.to_vec();
        while let Some(id) = queue.pop() {
            if !pages.insert(id.clone()) {
                continue;
            }
            for b in self.linked.graph.backlinks.get(&id).into_iter().flatten() {
                if b.embed {
                    queue.push(b.from.clone());
                }
            }
        }
        let touched: Vec<NoteId> = pages.iter().cloned().collect();
        self.linked.refresh_content_keys(&touched);
        // cards hook: decks follow their notes. A note whose cards changed (a front, a card
        // added) re-collects the decks; if their shape changed, re-plan by fingerprint. Each
        // note's cards are in their own data script, re-rendered with the note.
        let mut card_pages: Vec<crate::render::cards::CardPage> = Vec::new();
        if !pages
            .iter()
            .all(|id| self.linked.taxonomy.decks.unchanged(&self.linked.site, id))
        {
            let decks = crate::cards::collect(&self.linked.site);
            let same = decks.same_shape(&self.linked.taxonomy.decks);
            self.linked.taxonomy.decks = decks;
            if !same {
                return self.render_changed();
            }
            card_pages.push(crate::render::cards::CardPage::Index);
        }
        card_pages.extend(crate::render::cards::pages_showing(
            &self.linked.taxonomy.decks,
            &pages,
        ));
        let mut refs: Vec<PageRef> = pages
            .iter()
            .filter_map(|id| self.linked.site.pages.get(id))
            .map(|p| PageRef::Nav(p.key()))
            .collect();
        let topics = &self.linked.taxonomy.topics;
        let mut topic_pages: BTreeSet<usize> = BTreeSet::new();
        for id in &pages {
            topic_pages.extend(topics.of_note.get(id).into_iter().flatten().copied());
        }
        refs.extend(
            topic_pages
                .into_iter()
                .map(|i| PageRef::Extra(ExtraPage::Topic(i))),
        );
        refs.extend(
            card_pages
                .into_iter()
                .map(|p| PageRef::Extra(ExtraPage::Cards(p))),
        );
        let changed = self.render_refs(&refs)?;
        Ok(Update {
            changed,
            rendered: refs.len(),
            ..Update::default()
        })
    }
}
