//! Parses each distinct line of code once per build: syntect's result for a line depends only
//! on the syntax, the parser state before the line and the line itself, so a line seen again
//! in the same state (a `}` at the same depth, `"Effect": "Allow",` in every IAM policy, the
//! same imports in every note) reuses the scope operations found the first time.
//!
//! Only lines seen twice are kept, so a build of all-different lines pays one hash per line
//! and no memory; shards keep the two worker threads from waiting on each other.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};
use syntect::parsing::{ParseState, ParsingError, Scope, ScopeStackOp, SyntaxSet};

const SHARDS: usize = 16;
/// At most this many lines are remembered (about 30 MB at the very worst).
const MAX_ENTRIES: usize = 100_000;

/// The scope operations of one line, and the parser state after it.
type Parsed = (Arc<[(usize, ScopeStackOp)]>, ParseState);

struct Entry {
    syntax: Scope,
    line: Box<str>,
    before: ParseState,
    parsed: Parsed,
}

// SAFETY: a `ParseState` is not `Send` only because of the oniguruma `Region` it may hold for
// back-references: two malloc'd arrays and a capture tree, owned by it and tied to no thread.
// Entries are only read and cloned while their shard's lock is held.
unsafe impl Send for Entry {}

#[derive(Default)]
struct Shard {
    seen: HashSet<u64>,
    entries: HashMap<u64, Vec<Entry>>,
    count: usize,
}

/// Parsed lines of this build, shared by the threads that highlight.
pub struct LineMemo {
    shards: Vec<Mutex<Shard>>,
    hasher: std::hash::RandomState,
}

impl Default for LineMemo {
    fn default() -> Self {
        LineMemo::new(true)
    }
}

impl std::fmt::Debug for LineMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LineMemo")
    }
}

impl LineMemo {
    /// A memo, or (`on` false, for benchmarks) one that parses every line.
    pub fn new(on: bool) -> LineMemo {
        LineMemo {
            shards: (0..if on { SHARDS } else { 0 })
                .map(|_| Mutex::default())
                .collect(),
            hasher: std::hash::RandomState::new(),
        }
    }

    /// Parses `line` from `state` (which becomes the state after it), or reuses the operations
    /// of the same line parsed from the same state before.
    pub fn parse_line(
        &self,
        syntax: Scope,
        state: &mut ParseState,
        line: &str,
        set: &SyntaxSet,
    ) -> Result<Arc<[(usize, ScopeStackOp)]>, ParsingError> {
        if self.shards.is_empty() {
            return Ok(state.parse_line(line, set)?.into());
        }
        let hash = {
            let mut h = self.hasher.build_hasher();
            syntax.hash(&mut h);
            line.hash(&mut h);
            h.finish()
        };
        let shard = &self.shards[(hash as usize) % self.shards.len()];
        {
            let shard = shard.lock().expect("poisoned");
            if let Some(found) = shard.entries.get(&hash).and_then(|list| {
                list.iter()
                    .find(|e| e.syntax == syntax && *e.line == *line && e.before == *state)
            }) {
                *state = found.parsed.1.clone();
                return Ok(found.parsed.0.clone());
            }
        }
        let before = state.clone();
        let ops: Arc<[(usize, ScopeStackOp)]> = state.parse_line(line, set)?.into();
        let mut shard = shard.lock().expect("poisoned");
        if !shard.seen.insert(hash) && shard.count < MAX_ENTRIES / SHARDS {
            shard.count += 1;
            shard.entries.entry(hash).or_default().push(Entry {
                syntax,
                line: line.into(),
                before,
                parsed: (ops.clone(), state.clone()),
            });
        }
        Ok(ops)
    }
}
