//! The record kept between rebuilds: for each output, the facts it read and the files it
//! wrote; for each fact, its digest then and the outputs that read it. A rebuild refreshes the
//! digests of the facts a change may reach, and renders exactly the outputs that read a fact
//! whose digest changed (see [`super::plan::stale`]).

use super::deps::{Fact, OutputKey};
use crate::hash::{FastMap, FastSet};
use std::collections::BTreeSet;

/// What the record holds of one output.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    /// The facts it read.
    pub reads: Vec<Fact>,
    /// The files it wrote.
    pub files: Vec<String>,
    /// Whether producing it failed (it is produced again on the next rebuild).
    pub failed: bool,
}

/// The dependency record of a built site.
#[derive(Debug, Clone, Default)]
pub struct Record {
    // Every output, fact and file of the site is in these: hashed fast.
    outputs: FastMap<OutputKey, Entry>,
    readers: FastMap<Fact, FastSet<OutputKey>>,
    digests: FastMap<Fact, u64>,
    owners: FastMap<String, OutputKey>,
}

impl Record {
    /// Forgets everything.
    pub fn clear(&mut self) {
        *self = Record::default();
    }

    /// Whether an output is recorded.
    pub fn contains(&self, key: &OutputKey) -> bool {
        self.outputs.contains_key(key)
    }

    /// An output's entry.
    pub fn entry(&self, key: &OutputKey) -> Option<&Entry> {
        self.outputs.get(key)
    }

    /// Every recorded output.
    pub fn outputs(&self) -> impl Iterator<Item = &OutputKey> {
        self.outputs.keys()
    }

    /// Records what an output read and wrote, in place of what it did before.
    pub fn insert(&mut self, key: OutputKey, entry: Entry) {
        // The same reads and files as before (most rebuilt outputs): nothing to re-index.
        if let Some(old) = self.outputs.get_mut(&key)
            && old.reads == entry.reads
            && old.files == entry.files
        {
            old.failed = entry.failed;
            return;
        }
        self.remove(&key);
        for fact in &entry.reads {
            self.readers
                .entry(fact.clone())
                .or_default()
                .insert(key.clone());
        }
        for file in &entry.files {
            self.owners.insert(file.clone(), key.clone());
        }
        self.outputs.insert(key, entry);
    }

    /// Forgets an output; returns what it was.
    pub fn remove(&mut self, key: &OutputKey) -> Option<Entry> {
        let entry = self.outputs.remove(key)?;
        for fact in &entry.reads {
            if let Some(set) = self.readers.get_mut(fact) {
                set.remove(key);
                if set.is_empty() {
                    self.readers.remove(fact);
                    self.digests.remove(fact);
                }
            }
        }
        for file in &entry.files {
            if self.owners.get(file) == Some(key) {
                self.owners.remove(file);
            }
        }
        Some(entry)
    }

    /// The output that writes a file now.
    pub fn owner(&self, file: &str) -> Option<&OutputKey> {
        self.owners.get(file)
    }

    /// Every fact some output reads.
    pub fn facts(&self) -> impl Iterator<Item = &Fact> {
        self.readers.keys()
    }

    /// Whether some output reads a fact.
    pub fn knows(&self, fact: &Fact) -> bool {
        self.readers.contains_key(fact)
    }

    /// A fact's digest when last computed.
    pub fn digest(&self, fact: &Fact) -> Option<u64> {
        self.digests.get(fact).copied()
    }

    /// Sets a fact's digest.
    pub fn set_digest(&mut self, fact: Fact, digest: u64) {
        self.digests.insert(fact, digest);
    }

    /// The outputs that read any of `facts`.
    pub fn readers<'a>(&self, facts: impl IntoIterator<Item = &'a Fact>) -> BTreeSet<OutputKey> {
        facts
            .into_iter()
            .filter_map(|f| self.readers.get(f))
            .flatten()
            .cloned()
            .collect()
    }

    /// The outputs whose last production failed.
    pub fn failed(&self) -> impl Iterator<Item = &OutputKey> {
        self.outputs
            .iter()
            .filter(|(_, e)| e.failed)
            .map(|(k, _)| k)
    }
}
