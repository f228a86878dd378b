//! The on-disk cache of highlighted code: one file holding every highlighted block of the last
//! build, keyed by a hash of (language, code, syntect version, studysite version). A rebuild
//! highlights only blocks it has not seen — highlighting is most of the work of parsing.
//!
//! One file rather than one per block: creating and deleting many small files is slow, and a
//! vault has tens of thousands of blocks. Written to a temporary name and renamed into place.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

const MAGIC: &[u8; 8] = b"SSHLCODE";
/// What the cached HTML depends on besides the block itself.
const VERSION: &str = concat!(
    "studysite ",
    env!("CARGO_PKG_VERSION"),
    " syntect 5.3 hl- classes"
);

/// A cache of highlighted blocks, loaded once per build.
#[derive(Debug, Default)]
pub struct CodeCache {
    path: PathBuf,
    old: HashMap<u128, String>,
    used: Mutex<HashSet<u128>>,
    fresh: Mutex<HashMap<u128, String>>,
}

/// The key of a block.
pub fn key(lang: &str, code: &str) -> u128 {
    crate::hash::fnv128(&[VERSION, lang, code])
}

impl CodeCache {
    /// Loads the cache file at `path` (an unreadable or outdated file counts as empty).
    pub fn load(path: PathBuf) -> CodeCache {
        let old = fs::read(&path)
            .ok()
            .and_then(|bytes| decode(&bytes))
            .unwrap_or_default();
        CodeCache {
            path,
            old,
            ..CodeCache::default()
        }
    }

    /// The cached HTML of a block.
    pub fn get(&self, key: u128) -> Option<String> {
        if let Some(html) = self.old.get(&key) {
            self.used.lock().expect("poisoned").insert(key);
            return Some(html.clone());
        }
        self.fresh.lock().expect("poisoned").get(&key).cloned()
    }

    /// Remembers a newly highlighted block.
    pub fn put(&self, key: u128, html: &str) {
        self.fresh
            .lock()
            .expect("poisoned")
            .insert(key, html.to_string());
    }

    /// Writes the blocks this build used (so blocks that left the notes are dropped), unless
    /// nothing changed.
    pub fn save(&self) -> std::io::Result<()> {
        let used = self.used.lock().expect("poisoned");
        let fresh = self.fresh.lock().expect("poisoned");
        if fresh.is_empty() && used.len() == self.old.len() {
            return Ok(());
        }
        let mut entries: Vec<(u128, &str)> = used
            .iter()
            .filter_map(|k| self.old.get(k).map(|v| (*k, v.as_str())))
            .chain(fresh.iter().map(|(k, v)| (*k, v.as_str())))
            .collect();
        entries.sort_unstable_by_key(|(k, _)| *k);
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)?;
        }
        let temp = self
            .path
            .with_extension(format!("tmp-{}", std::process::id()));
        let mut file = std::io::BufWriter::new(fs::File::create(&temp)?);
        file.write_all(MAGIC)?;
        write_str(&mut file, VERSION)?;
        file.write_all(&(entries.len() as u64).to_le_bytes())?;
        for (key, html) in entries {
            file.write_all(&key.to_le_bytes())?;
            write_str(&mut file, html)?;
        }
        file.into_inner()
            .map_err(|e| e.into_error())?
            .sync_all()
            .ok();
        fs::rename(&temp, &self.path)
    }
}

fn write_str(out: &mut impl Write, s: &str) -> std::io::Result<()> {
    out.write_all(&(s.len() as u64).to_le_bytes())?;
    out.write_all(s.as_bytes())
}

/// Reads a file written by [`CodeCache::save`], front to back.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn str(&mut self) -> Option<&'a str> {
        let len = usize::try_from(self.u64()?).ok()?;
        std::str::from_utf8(self.take(len)?).ok()
    }
}

/// Reads a cache file; `None` if it is not one, or was written by another version.
fn decode(bytes: &[u8]) -> Option<HashMap<u128, String>> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(MAGIC.len())? != MAGIC || r.str()? != VERSION {
        return None;
    }
    let count = usize::try_from(r.u64()?).ok()?;
    let mut map = HashMap::with_capacity(count.min(1 << 20));
    for _ in 0..count {
        let key = u128::from_le_bytes(r.take(16)?.try_into().ok()?);
        map.insert(key, r.str()?.to_string());
    }
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_survive_a_save_and_load_and_unused_ones_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("code.bin");
        let first = CodeCache::load(path.clone());
        first.put(key("rust", "a"), "<b>a</b>");
        first.put(key("rust", "b"), "<b>b</b>");
        first.save().unwrap();
        let second = CodeCache::load(path.clone());
        assert_eq!(second.get(key("rust", "a")).as_deref(), Some("<b>a</b>"));
        second.save().unwrap();
        let third = CodeCache::load(path.clone());
        assert!(
            third.get(key("rust", "b")).is_none(),
            "unused entries are dropped"
        );
        assert!(third.get(key("rust", "a")).is_some());
    }

    #[test]
    fn a_damaged_file_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("code.bin");
        fs::write(&path, b"SSHLCODE\xff\xff garbage").unwrap();
        assert!(CodeCache::load(path).get(key("x", "y")).is_none());
    }
}
