//! Merging the notes' entries into the files the browser loads: term shards (posting lists of
//! a range of terms), dictionary shards (a range of words with how many records have them, for
//! typo tolerance and suggestions, plus the best records of prefixes too wide to load), one
//! file per note with the text shown in results, and `meta.js`, which says which file holds
//! what.
//!
//! Term shards are cut where a term's hash says so once a shard has [`LEAF_MIN`] bytes (and
//! always at [`LEAF_MAX`]), so an edit that changes one shard's size does not move the
//! boundaries of every shard after it.

use super::encode::{self, js_cmp, js_string};
use super::extract::{Identity, NoteEntry, term_hash};
use crate::hash::fnv128;
use crate::output::Shared;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};

mod write;
pub use write::{Files, files};

/// A term shard gets no boundary before it has this many bytes...
pub const LEAF_MIN: usize = 8 * 1024;
/// ...and always one before it would pass this many.
pub const LEAF_MAX: usize = 24 * 1024;
/// After [`LEAF_MIN`], one term in this many starts a new shard.
const LEAF_SPREAD: u128 = 16;
/// Dictionary shards are cut like term shards, between these sizes.
pub const DICT_MIN: usize = 6 * 1024;
/// See [`DICT_MIN`].
pub const DICT_MAX: usize = 16 * 1024;
/// A prefix whose terms span more term shards than this is answered from its summary (its
/// best records) while it is typed, instead of loading the shards.
pub const PREFIX_SHARDS: usize = 2;
/// Records kept in a prefix summary.
pub const SUMMARY_RECORDS: usize = 24;
/// Work on fewer than one item in this many is done on the calling thread.
pub const FEW_TOUCHED: usize = 16;

/// The global function every index file calls.
pub const REGISTER: &str = "studysiteSearch.add";

/// The folder of the index files, under the site root.
pub const DIR: &str = "search";

/// What a note file holds: title, page, sections.
#[derive(serde::Serialize)]
struct Doc<'a> {
    t: &'a str,
    u: &'a str,
    s: &'a [super::extract::Section],
}

/// Every record of every term, sorted by impact (highest first), then record.
type Postings = Vec<(u32, u8)>;

/// A term's postings and their encoding.
type Listed = (Postings, String);

/// Each term's postings and their encoding.
type Lists = HashMap<String, Listed, super::FastHash>;

/// Every term's postings (records in ascending order) and their encoding: what the term shards
/// are written from, kept between merges so an edit re-encodes only the terms it touched.
#[derive(Debug, Clone, Default)]
pub struct TermLists {
    lists: Lists,
    /// Every term of `lists`, in the order of the shards (see [`js_cmp`]): kept in order as
    /// terms come and go, with what cutting the shards needs, so writing the shards sorts
    /// nothing and looks up only the lists of the shards written again.
    order: Vec<Ordered>,
    /// The encoded summary of each wide prefix written last, until a term it covers changes.
    summaries: HashMap<String, String, std::hash::BuildHasherDefault<super::FastHasher>>,
    /// The shard files the last [`files`] wrote, and the terms changed since.
    written: Written,
}

/// A term in the order of the shards.
#[derive(Debug, Clone)]
struct Ordered {
    term: String,
    /// Whether a shard may start at it ([`cut_point`]).
    cut: bool,
    /// The length of its encoded list.
    code: usize,
    /// How many records it has.
    records: usize,
}

impl Ordered {
    fn new(term: &str, (postings, code): &Listed) -> Ordered {
        Ordered {
            term: term.to_string(),
            cut: cut_point(term),
            code: code.len(),
            records: postings.len(),
        }
    }
}

/// Shard files written by the last call of [`files`]: one whose terms are the same and
/// none of them changed since is written again as it is, not encoded and hashed again.
#[derive(Debug, Clone, Default)]
struct Written {
    /// Term shards by first term: their last term and file.
    leaves: HashMap<String, (String, (String, Shared)), super::FastHash>,
    /// Dictionary shards by first word: their last word, summaries and file.
    dicts: HashMap<String, (String, String, (String, Shared)), super::FastHash>,
    /// Terms whose lists changed, came or went since.
    dirty: HashSet<String>,
}

/// Whether a shard may start at `term` once it has its minimum size: one term in
/// [`LEAF_SPREAD`], by its hash, so that boundaries stay where they are as terms come and go.
fn cut_point(term: &str) -> bool {
    fnv128(&[term]).is_multiple_of(LEAF_SPREAD)
}

/// Merges note entries (in site order) into the index files.
pub fn merge(entries: &[&NoteEntry]) -> Files {
    let mut lists = term_lists(entries);
    let docs = entries
        .par_iter()
        .enumerate()
        .map(|(n, e)| doc_file(n, e))
        .collect();
    files(&mut lists, &section_counts(entries), docs, &[])
}

/// Each entry's number of sections.
pub fn section_counts(entries: &[&NoteEntry]) -> Vec<u32> {
    entries.iter().map(|e| e.sections.len() as u32).collect()
}

/// The term lists of note entries (in site order).
pub fn term_lists<'a>(entries: &[&'a NoteEntry]) -> TermLists {
    let mut records = 0u32;
    let mut bases = Vec::with_capacity(entries.len());
    for e in entries {
        bases.push(records);
        records += e.sections.len() as u32;
    }
    // Terms by their hash (worked out with the entries), probing past the rare collision.
    let mut ids: HashMap<u64, u32, std::hash::BuildHasherDefault<Identity>> =
        HashMap::with_capacity_and_hasher(1 << 16, Default::default());
    let mut lists: Vec<(&str, Postings)> = Vec::new();
    let mut global: Vec<u32> = Vec::new();
    let mut intern = |term: &'a str, hash: u64, lists: &mut Vec<(&'a str, Postings)>| -> u32 {
        let mut h = hash;
        loop {
            match ids.get(&h) {
                Some(&id) if lists[id as usize].0 == term => return id,
                Some(_) => h = h.wrapping_add(1),
                None => break,
            }
        }
        let id = lists.len() as u32;
        lists.push((term, Vec::new()));
        ids.insert(h, id);
        id
    };
    for (e, &base) in entries.iter().zip(&bases) {
        global.clear();
        for i in 0..e.term_count() {
            global.push(intern(e.term(i), e.term_hashes[i], &mut lists));
        }
        for f in &e.filters {
            global.push(intern(f, term_hash(f), &mut lists));
        }
        for (r, terms) in e.records.iter().enumerate() {
            for &(t, w) in terms {
                lists[global[t as usize] as usize]
                    .1
                    .push((base + r as u32, w));
            }
        }
        for f in 0..e.filters.len() {
            lists[global[e.term_count() + f] as usize].1.push((base, 1));
        }
    }
    let lists: Lists = lists
        .into_par_iter()
        .map(|(term, postings)| {
            let mut code = String::new();
            encode::postings(&mut code, &postings);
            (term.to_string(), (postings, code))
        })
        .collect();
    let mut order: Vec<Ordered> = lists
        .par_iter()
        .map(|(t, listed)| Ordered::new(t, listed))
        .collect();
    order.par_sort_unstable_by(|a, b| js_cmp(&a.term, &b.term));
    TermLists {
        lists,
        order,
        summaries: HashMap::default(),
        written: Written::default(),
    }
}

/// One note's postings, per term of the note: `(term, [(record, impact)])`, records from
/// `base`, in ascending order.
fn note_postings(e: &NoteEntry, base: u32) -> Vec<(&str, Postings)> {
    let mut per_term: Vec<Postings> = vec![Vec::new(); e.term_count()];
    for (r, terms) in e.records.iter().enumerate() {
        for &(t, w) in terms {
            per_term[t as usize].push((base + r as u32, w));
        }
    }
    let mut out: Vec<(&str, Postings)> = per_term
        .into_iter()
        .enumerate()
        .map(|(i, p)| (e.term(i), p))
        .collect();
    out.extend(e.filters.iter().map(|f| (f.as_str(), vec![(base, 1)])));
    out
}

impl TermLists {
    /// Replaces what `old` put in the lists with what `new` puts: the same note at the same
    /// place, with as many sections (so no other note's records move), its records from
    /// `base`. The terms whose lists changed are added to `touched`.
    pub fn replace(
        &mut self,
        old: &NoteEntry,
        new: &NoteEntry,
        base: u32,
        touched: &mut HashSet<String>,
    ) {
        debug_assert_eq!(old.sections.len(), new.sections.len());
        let end = base + old.sections.len() as u32;
        // Records are in ascending order, so the note's postings are one run in each list:
        // found by binary search and replaced in one splice.
        let mut splice =
            |term: &str, added: Postings, lists: &mut HashMap<_, (Postings, String), _>| {
                let (postings, _) = lists.entry(term.to_string()).or_default();
                let lo = postings.partition_point(|&(r, _)| r < base);
                let hi = lo + postings[lo..].partition_point(|&(r, _)| r < end);
                if postings[lo..hi] != added[..] {
                    postings.splice(lo..hi, added);
                    touched.insert(term.to_string());
                }
            };
        let new_postings = note_postings(new, base);
        let new_terms: HashSet<&str> = new_postings.iter().map(|(t, _)| *t).collect();
        for (term, _) in note_postings(old, base) {
            if !new_terms.contains(term) && self.lists.contains_key(term) {
                splice(term, Vec::new(), &mut self.lists);
            }
        }
        for (term, added) in new_postings {
            splice(term, added, &mut self.lists);
        }
    }

    /// Moves the records of every list as `moves` says (dropping the gone ones), then adds the
    /// postings of the `added` entries, each with its first record: for notes that came, went,
    /// moved in the site's order or changed their number of sections. The terms whose lists
    /// changed are added to `touched`.
    pub fn renumber(
        &mut self,
        moves: &Moves,
        added: &[(&NoteEntry, u32)],
        touched: &mut HashSet<String>,
    ) {
        if let (Some(first), Some(last)) = (moves.first(), moves.last()) {
            let (lo, hi) = (first.0, last.1);
            // Every list is walked (a note near the top moves almost every record): on every
            // core.
            let moved: Vec<&String> = self
                .lists
                .par_iter_mut()
                .filter_map(|(term, (postings, _))| {
                    let a = postings.partition_point(|&(r, _)| r < lo);
                    let b = a + postings[a..].partition_point(|&(r, _)| r < hi);
                    if a == b {
                        return None;
                    }
                    // Both are in ascending order: one walk over the runs.
                    let mut k = 0;
                    let moved: Postings = postings[a..b]
                        .iter()
                        .filter_map(|&(r, w)| {
                            while moves[k].1 <= r {
                                k += 1;
                            }
                            if r < moves[k].0 {
                                return Some((r, w));
                            }
                            let delta = moves[k].2?;
                            Some(((i64::from(r) + delta) as u32, w))
                        })
                        .collect();
                    if postings[a..b] == moved[..] {
                        return None;
                    }
                    postings.splice(a..b, moved);
                    Some(term)
                })
                .collect();
            touched.extend(moved.into_iter().cloned());
        }
        for &(entry, base) in added {
            for (term, records) in note_postings(entry, base) {
                let (postings, _) = self.lists.entry(term.to_string()).or_default();
                let at = postings.partition_point(|&(r, _)| r < base);
                postings.splice(at..at, records);
                touched.insert(term.to_string());
            }
        }
    }

    /// Encodes the touched terms' lists again, and drops the lists left empty and the
    /// summaries of the prefixes they start with.
    pub fn reencode(&mut self, touched: &HashSet<String>) {
        self.written.dirty.extend(touched.iter().cloned());
        let encode = |(postings, code): &mut Listed| {
            if !postings.is_empty() {
                code.clear();
                encode::postings(code, postings);
            }
        };
        if touched.len() * FEW_TOUCHED < self.lists.len() {
            // A few lists (an edit in place): looked up one by one, on this thread. A parallel
            // loop here would let this thread take up other pages while it waits, and the
            // index is what a rebuild waits for.
            for term in touched {
                if let Some(listed) = self.lists.get_mut(term.as_str()) {
                    encode(listed);
                }
            }
        } else {
            // After a note near the top, nearly all of them: on every core.
            self.lists
                .par_iter_mut()
                .filter(|(term, _)| touched.contains(*term))
                .for_each(|(_, listed)| encode(listed));
        }
        // Then the order and summaries brought up to date.
        for term in touched {
            for (i, c) in term.char_indices() {
                self.summaries.remove(&term[..i + c.len_utf8()]);
            }
            let place = self.order.binary_search_by(|o| js_cmp(&o.term, term));
            let Some(listed) = self.lists.get(term.as_str()) else {
                continue;
            };
            match place {
                _ if listed.0.is_empty() => {
                    self.lists.remove(term.as_str());
                    if let Ok(i) = place {
                        self.order.remove(i);
                    }
                }
                Ok(i) => self.order[i] = Ordered::new(term, listed),
                Err(i) => self.order.insert(i, Ordered::new(term, listed)),
            }
        }
    }
}

/// How records move from one merge to the next: runs of old records `[from, to)` in ascending
/// order, each moved by a number of records, or gone (`None`). Records in no run keep their
/// numbers.
pub type Moves = [(u32, u32, Option<i64>)];

/// A note file of [`doc_file`] as the file of note `n` (the same note, moved in the order).
pub fn renumber_doc(file: &(String, Shared), n: usize) -> (String, Shared) {
    let bytes = file.1.bytes();
    // The old number ends the old head (`doc_head` of it).
    let start = REGISTER.len() + "(\"d\",".len();
    let digits = bytes[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let mut out = doc_head(n).into_bytes();
    out.extend_from_slice(&bytes[start + digits..]);
    (doc_path(n), Shared::new(out))
}

/// How the file of note `n` starts: the call that registers it, up to its number.
fn doc_head(n: usize) -> String {
    format!("{REGISTER}(\"d\",{n}")
}

/// The site path of note `n`'s file.
fn doc_path(n: usize) -> String {
    format!("{DIR}/d/{n}.js")
}

/// The file of note `n`: what its results show.
pub fn doc_file(n: usize, e: &NoteEntry) -> (String, Shared) {
    let mut bytes = format!("{},", doc_head(n)).into_bytes();
    let doc = Doc {
        t: &e.title,
        u: &e.path,
        s: &e.sections,
    };
    serde_json::to_writer(&mut bytes, &doc).expect("a note file always serializes");
    bytes.extend_from_slice(b");\n");
    (doc_path(n), Shared::new(bytes))
}
