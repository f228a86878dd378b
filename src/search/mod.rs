//! Full-text search, built with the site: an index of every note's title, aliases, headings,
//! text, tags and folder, one record per heading section, split into small files that
//! `static/search.js` loads as classic scripts (so it works from `file://` too) only when a
//! search needs them.
//!
//! The index is a pure function of the site: [`note_entry`] works out what one note
//! contributes (cheap, per note), and [`merge`] turns the entries into files. An edit of one
//! note only needs its entry redone ([`SearchCache`] keeps the others) and the merge run again.
//! `docs/search.md` describes the file formats and the ranking.

mod encode;
pub mod extract;
pub mod glob;
mod shards;
pub mod tokenize;

pub use extract::{NoteEntry, note_entry};
pub use shards::{DIR, REGISTER};

use crate::config::SearchConfig;
use crate::output::Shared;
use crate::site::{Page, Site};
use crate::vault::NoteId;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use crate::hash::{FastHash, FastHasher};

/// The site path of the search results page.
pub const PAGE: &str = "search/";

/// What an index is made of, for `--verbose` and benchmarks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Notes indexed.
    pub notes: usize,
    /// Records (heading sections).
    pub records: usize,
    /// Distinct terms.
    pub terms: usize,
    /// Term shards.
    pub term_shards: usize,
    /// Dictionary shards.
    pub dict_shards: usize,
    /// Files in all (shards, note files and `meta.js`).
    pub files: usize,
    /// Bytes of every index file.
    pub bytes: u64,
    /// Bytes of the note files (the text results show) among them.
    pub doc_bytes: u64,
    /// How long building took (entries, merge and encoding; in a build's report, writing the
    /// files too).
    pub elapsed: Duration,
}

/// The built index: its files, ready to write.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    files: Vec<(String, Shared)>,
    /// Whether each file is one the last index of the same cache had, as it was.
    same: Vec<bool>,
    stats: Stats,
}

impl SearchIndex {
    /// Every file of the index: site path (under `search/`) and bytes.
    pub fn files(&self) -> &[(String, Shared)] {
        &self.files
    }

    /// The files, given away.
    pub fn into_files(self) -> Vec<(String, Shared)> {
        self.files
    }

    /// The files, each with whether the last index of the same [`SearchCache`] had it as it
    /// is (so that a writer that wrote that index may leave it be).
    pub fn into_files_and_same(self) -> Vec<((String, Shared), bool)> {
        let mut same = self.same;
        same.resize(self.files.len(), false);
        self.files.into_iter().zip(same).collect()
    }

    /// Sizes and counts.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
}

/// Whether a note is in the index: not excluded by `search.exclude` or `search: false`.
pub fn is_indexed(page: &Page, config: &SearchConfig) -> bool {
    !extract::opted_out(page)
        && !config
            .exclude
            .iter()
            .any(|g| glob::matches(g, page.note.id.as_str()))
}

/// Builds the index of a site (empty when search is disabled).
pub fn build_index(site: &Site) -> SearchIndex {
    let started = Instant::now();
    let config = &site.config.search;
    if !config.enabled {
        return SearchIndex::default();
    }
    let pages: Vec<&Page> = site
        .pages
        .values()
        .filter(|p| is_indexed(p, config))
        .collect();
    let entries: Vec<NoteEntry> = pages
        .par_iter()
        .map_init(extract::Scratch::default, |scratch, p| {
            extract::note_entry_with(p, scratch)
        })
        .collect();
    let refs: Vec<&NoteEntry> = entries.iter().collect();
    let mut index = merge(&refs);
    index.stats.elapsed = started.elapsed();
    index
}

/// Merges entries (in site order) into an index.
pub fn merge(entries: &[&NoteEntry]) -> SearchIndex {
    index_of(shards::merge(entries))
}

fn index_of(merged: shards::Files) -> SearchIndex {
    let started = Instant::now();
    let mut stats = Stats {
        notes: merged.docs,
        records: merged.records,
        terms: merged.terms,
        term_shards: merged.leaves,
        dict_shards: merged.dicts,
        files: merged.files.len(),
        ..Stats::default()
    };
    let docs = format!("{DIR}/d/");
    for (path, bytes) in &merged.files {
        stats.bytes += bytes.len() as u64;
        if path.starts_with(&docs) {
            stats.doc_bytes += bytes.len() as u64;
        }
    }
    stats.elapsed = started.elapsed();
    SearchIndex {
        files: merged.files,
        same: merged.same,
        stats,
    }
}

/// Note entries kept between rebuilds, so that re-indexing after an edit only extracts the
/// notes whose inputs changed (checked with a hash of what the entry is made from).
#[derive(Debug, Default)]
pub struct SearchCache {
    entries: HashMap<NoteId, Cached, FastHash>,
    last: Stats,
    merged: Option<Merged>,
    /// The notes that may have changed since the last index (`None`: any of them, so every
    /// note's inputs are hashed again).
    since: Option<crate::hash::FastSet<NoteId>>,
}

/// A cached entry: the hash of its inputs, and the entry.
type Cached = (u64, Arc<NoteEntry>);

/// One indexed note and its entry now.
struct Keyed<'a> {
    id: &'a NoteId,
    key: u64,
    now: Now<'a>,
}

/// A note's entry: kept from before, or worked out again (beside the one kept, if any).
enum Now<'a> {
    Kept(&'a Arc<NoteEntry>),
    Fresh {
        entry: Arc<NoteEntry>,
        old: Option<&'a Arc<NoteEntry>>,
    },
}

impl Keyed<'_> {
    /// The entry as it is now.
    fn entry(&self) -> &NoteEntry {
        match &self.now {
            Now::Kept(e) => e,
            Now::Fresh { entry, .. } => entry,
        }
    }

    /// The entry kept from before, if any.
    fn old(&self) -> Option<&Arc<NoteEntry>> {
        match &self.now {
            Now::Kept(e) => Some(e),
            Now::Fresh { old, .. } => *old,
        }
    }
}

/// What the last merge was made of, for patching it after an edit.
#[derive(Debug)]
struct Merged {
    /// The indexed notes, in order.
    order: Vec<NoteId>,
    lists: shards::TermLists,
    /// The note files, in order.
    docs: Vec<(String, Shared)>,
    /// Which note files are those of the last index, as they were.
    same: Vec<bool>,
    /// Each indexed note's number of sections, in order.
    counts: Vec<u32>,
    /// How many notes the site had (indexed or not).
    pages: usize,
}

impl Merged {
    /// Puts each changed note's new entry in place of its old one: `(n, base, old, new)`,
    /// the note's place in the order, its first record, and the entries (with as many
    /// sections, so no other note's records move).
    fn replace_in_place<'a>(
        &mut self,
        changed: impl IntoIterator<Item = (usize, u32, &'a NoteEntry, &'a NoteEntry)>,
    ) {
        let mut touched = std::collections::HashSet::new();
        self.same.clear();
        self.same.resize(self.docs.len(), true);
        for (n, base, old, new) in changed {
            self.lists.replace(old, new, base, &mut touched);
            self.docs[n] = shards::doc_file(n, new);
            self.same[n] = false;
        }
        self.lists.reencode(&touched);
    }

    /// The index files as the merge is now.
    fn index(&mut self) -> SearchIndex {
        let docs = self.docs.clone();
        index_of(shards::files(
            &mut self.lists,
            &self.counts,
            docs,
            &self.same,
        ))
    }
}

/// A hash of everything [`note_entry`] reads.
fn input_key(page: &Page) -> u64 {
    let mut h = FastHasher::default();
    let front = &page.note.front;
    (&front.tags, &front.aliases, &page.parsed.tags).hash(&mut h);
    if page.note.source_hash != 0 {
        // The source's hash stands for the body (notes made in memory have none).
        (&page.title, &page.path, page.note.source_hash).hash(&mut h);
    } else {
        (&page.title, &page.path, &page.note.body).hash(&mut h);
    }
    h.finish()
}

impl SearchCache {
    /// Patches the last merge for what changed: entries changed in place with as many sections
    /// as before touch only their own terms; notes that came, went or moved in the order
    /// renumber the records of the others. Returns the notes gone, or `None` (leaving `m` as
    /// it may be) when the merge must be done again.
    fn patch(
        m: &mut Merged,
        entries: &[Keyed<'_>],
        cache: &HashMap<NoteId, Cached, FastHash>,
    ) -> Option<Vec<NoteId>> {
        if m.order.len() == entries.len() && m.order.iter().zip(entries).all(|(a, e)| a == e.id) {
            let mut changed = Vec::new();
            let mut base = 0u32;
            let mut same_sections = true;
            for (n, e) in entries.iter().enumerate() {
                let old = e.old()?;
                if let Now::Fresh { entry: new, .. } = &e.now {
                    same_sections &= old.sections.len() == new.sections.len();
                    changed.push((n, base, old, new));
                }
                base += e.entry().sections.len() as u32;
            }
            if same_sections {
                m.replace_in_place(
                    changed
                        .iter()
                        .map(|&(n, base, old, new)| (n, base, &**old, &**new)),
                );
                return Some(Vec::new());
            }
        }
        Self::renumber(m, entries, cache)
    }

    /// [`SearchCache::patch`] when records move: one walk over the last order and the new
    /// one (both in site order) finds the runs of records that move or go, and the entries to
    /// add.
    fn renumber(
        m: &mut Merged,
        entries: &[Keyed<'_>],
        cache: &HashMap<NoteId, Cached, FastHash>,
    ) -> Option<Vec<NoteId>> {
        let mut moves: Vec<(u32, u32, Option<i64>)> = Vec::new();
        let mut push = |from: u32, count: usize, what: Option<i64>| {
            let to = from + count as u32;
            match moves.last_mut() {
                Some(last) if last.1 == from && last.2 == what => last.1 = to,
                _ if from < to => moves.push((from, to, what)),
                _ => {}
            }
        };
        let mut added: Vec<(&NoteEntry, u32)> = Vec::new();
        // Each note file: a kept one by its number in the last merge, or a fresh one.
        let mut docs: Vec<Result<(String, Shared), usize>> = Vec::with_capacity(entries.len());
        let mut gone = Vec::new();
        let (mut i, mut old_base, mut base) = (0usize, 0u32, 0u32);
        for (n, e) in entries.iter().enumerate() {
            // Notes of the last merge before this one are gone.
            while i < m.order.len() && m.order[i] < *e.id {
                let sections = cache.get(&m.order[i])?.1.sections.len();
                push(old_base, sections, None);
                old_base += sections as u32;
                gone.push(m.order[i].clone());
                i += 1;
            }
            let was = i < m.order.len() && m.order[i] == *e.id;
            match (&e.now, was) {
                (Now::Kept(kept), true) => {
                    let sections = kept.sections.len();
                    if base != old_base {
                        push(
                            old_base,
                            sections,
                            Some(i64::from(base) - i64::from(old_base)),
                        );
                    }
                    docs.push(Err(i));
                    old_base += sections as u32;
                    i += 1;
                }
                (Now::Fresh { entry, old }, was) => {
                    if was {
                        let sections = old.as_ref()?.sections.len();
                        push(old_base, sections, None);
                        old_base += sections as u32;
                        i += 1;
                    }
                    added.push((entry, base));
                    docs.push(Ok(shards::doc_file(n, entry)));
                }
                // Kept, but not in the last merge: the cache and the merge disagree.
                (Now::Kept(_), false) => return None,
            }
            base += e.entry().sections.len() as u32;
        }
        for id in &m.order[i..] {
            let sections = cache.get(id)?.1.sections.len();
            push(old_base, sections, None);
            old_base += sections as u32;
            gone.push(id.clone());
        }
        let mut touched = std::collections::HashSet::new();
        m.lists.renumber(&moves, &added, &mut touched);
        m.lists.reencode(&touched);
        m.order = entries.iter().map(|e| e.id.clone()).collect();
        m.counts = entries
            .iter()
            .map(|e| e.entry().sections.len() as u32)
            .collect();
        // Files of notes that moved in the order are numbered again: on every core.
        m.same = docs
            .iter()
            .enumerate()
            .map(|(n, doc)| matches!(doc, Err(i) if *i == n))
            .collect();
        let old = &m.docs;
        m.docs = docs
            .into_par_iter()
            .enumerate()
            .map(|(n, doc)| match doc {
                Ok(file) => file,
                Err(i) if i == n => old[i].clone(),
                Err(i) => shards::renumber_doc(&old[i], n),
            })
            .collect();
        Some(gone)
    }

    /// The index after an edit of the notes `since` only (told so by
    /// [`SearchCache::note_changes`]), when that left every note in the index where it was
    /// with as many sections: looks at those notes alone. `None` (leaving everything as it
    /// was) otherwise.
    fn patch_told(
        &mut self,
        site: &Site,
        since: &crate::hash::FastSet<NoteId>,
    ) -> Option<SearchIndex> {
        let config = &site.config.search;
        let m = self.merged.as_mut()?;
        if m.pages != site.pages.len() || m.counts.len() != m.order.len() {
            return None;
        }
        let mut scratch = extract::Scratch::default();
        let mut changes = Vec::new();
        for id in since {
            let page = site.pages.get(id).filter(|p| is_indexed(p, config));
            match (page, m.order.binary_search(id)) {
                (None, Err(_)) => {}
                (Some(page), Ok(n)) => {
                    let (key, old) = self.entries.get(id)?;
                    let now = input_key(page);
                    if now == *key {
                        continue;
                    }
                    let entry = extract::note_entry_with(page, &mut scratch);
                    if entry.sections.len() != old.sections.len() {
                        return None;
                    }
                    changes.push((n, now, Arc::new(entry)));
                }
                // A note came into the index or left it.
                _ => return None,
            }
        }
        changes.sort_unstable_by_key(|(n, ..)| *n);
        let (mut base, mut counted) = (0u32, 0);
        let mut patched = Vec::with_capacity(changes.len());
        for (n, key, new) in changes {
            base += m.counts[counted..n].iter().sum::<u32>();
            counted = n;
            let old = self.entries.get(&m.order[n])?.1.clone();
            patched.push((n, base, old, key, new));
        }
        m.replace_in_place(
            patched
                .iter()
                .map(|(n, base, old, _, new)| (*n, *base, &**old, &**new)),
        );
        for (n, _, _, key, new) in patched {
            self.entries.insert(m.order[n].clone(), (key, new));
        }
        Some(m.index())
    }

    /// What the last index held.
    pub fn last_stats(&self) -> Stats {
        self.last.clone()
    }

    /// Tells the cache which notes changed since the last index: `Some(notes)` when only
    /// those notes may differ (every other note's text, tags, title and path are as they
    /// were), `None` when any may have.
    pub fn note_changes(&mut self, notes: Option<&[NoteId]>) {
        match (notes, &mut self.since) {
            (Some(notes), Some(since)) => since.extend(notes.iter().cloned()),
            (Some(_), None) => {}
            (None, since) => *since = None,
        }
    }

    /// The index of `site`, re-extracting only notes that changed since the last call (and
    /// hashing the inputs only of those [`SearchCache::note_changes`] names, when it was told).
    pub fn index(&mut self, site: &Site) -> SearchIndex {
        let started = Instant::now();
        let config = &site.config.search;
        if !config.enabled {
            self.entries.clear();
            self.merged = None;
            self.since = None;
            return SearchIndex::default();
        }
        let pages: Vec<&Page> = site
            .pages
            .values()
            .filter(|p| is_indexed(p, config))
            .collect();
        // Which notes changed (a hash per note, and a look in the cache); then the changed
        // ones extracted (all of them on a first build).
        // Taken now: if indexing fails half-way, every note is checked next time.
        let since = self.since.take();
        if let Some(since) = &since
            && let Some(mut index) = self.patch_told(site, since)
        {
            index.stats.elapsed = started.elapsed();
            self.last = index.stats.clone();
            self.since = Some(Default::default());
            return index;
        }
        let key_of = |page: &&Page| {
            let cached = self.entries.get(&page.note.id);
            match (cached, &since) {
                // Told it is as it was: its key stands.
                (Some(c), Some(since)) if !since.contains(&page.note.id) => (c.0, cached),
                _ => (input_key(page), cached),
            }
        };
        // Told which notes changed, this is a look-up per note: on this thread (a parallel
        // loop would let it take up other pages while it waits, and a rebuild waits for the
        // index).
        let keyed: Vec<(u64, Option<&Cached>)> = if since.is_some() {
            pages.iter().map(key_of).collect()
        } else {
            pages.par_iter().map(key_of).collect()
        };
        let stale = |(key, old): &(u64, Option<&Cached>)| !matches!(old, Some((k, _)) if k == key);
        let extract = |scratch: &mut extract::Scratch, (page, keyed): (&&Page, _)| {
            stale(keyed).then(|| Arc::new(extract::note_entry_with(page, scratch)))
        };
        // Arcs are not cloned for the notes kept: 10,000 atomic counts bouncing between
        // cores cost more than the rest of this pass.
        let changed = keyed.iter().filter(|k| stale(k)).count();
        let fresh: Vec<Option<Arc<NoteEntry>>> = if changed * shards::FEW_TOUCHED < pages.len() {
            let mut scratch = extract::Scratch::default();
            pages
                .iter()
                .zip(&keyed)
                .map(|k| extract(&mut scratch, k))
                .collect()
        } else {
            pages
                .par_iter()
                .zip(&keyed)
                .map_init(extract::Scratch::default, extract)
                .collect()
        };
        let entries: Vec<Keyed<'_>> = pages
            .iter()
            .zip(keyed)
            .zip(fresh)
            .filter_map(|((page, (key, old)), fresh)| {
                let old = old.map(|(_, e)| e);
                let now = match (fresh, old) {
                    (Some(entry), old) => Now::Fresh { entry, old },
                    (None, Some(kept)) => Now::Kept(kept),
                    (None, None) => return None,
                };
                Some(Keyed {
                    id: &page.note.id,
                    key,
                    now,
                })
            })
            .collect();
        let refs: Vec<&NoteEntry> = entries.iter().map(Keyed::entry).collect();
        let patched = self.merged.take().and_then(|mut m| {
            let gone = Self::patch(&mut m, &entries, &self.entries)?;
            Some((m, gone))
        });
        let (mut merged, gone) = match patched {
            Some((m, gone)) => (m, Some(gone)),
            None => (
                Merged {
                    order: entries.iter().map(|e| e.id.clone()).collect(),
                    lists: shards::term_lists(&refs),
                    docs: refs
                        .par_iter()
                        .enumerate()
                        .map(|(n, e)| shards::doc_file(n, e))
                        .collect(),
                    same: Vec::new(),
                    counts: shards::section_counts(&refs),
                    pages: 0,
                },
                None,
            ),
        };
        let patched = gone.is_some();
        merged.pages = site.pages.len();
        let mut index = merged.index();
        self.merged = Some(merged);
        index.stats.elapsed = started.elapsed();
        self.last = index.stats.clone();
        let kept: Vec<(NoteId, (u64, Arc<NoteEntry>))> = entries
            .into_iter()
            .filter(|e| !patched || matches!(e.now, Now::Fresh { .. }))
            .map(|e| {
                let entry = match e.now {
                    Now::Fresh { entry, .. } => entry,
                    Now::Kept(kept) => kept.clone(),
                };
                (e.id.clone(), (e.key, entry))
            })
            .collect();
        if let Some(gone) = gone {
            // The last merge patched: only the entries that changed are put back.
            for id in &gone {
                self.entries.remove(id);
            }
            self.entries.extend(kept);
        } else {
            self.entries = kept.into_iter().collect();
        }
        self.since = Some(Default::default());
        index
    }
}
