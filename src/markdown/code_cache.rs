//! The on-disk cache of highlighted code: one file of blocks keyed only by what the HTML
//! depends on — a hash of (language, code, coloured classes, syntect and studysite versions),
//! never a path — so a vault that moves, or another vault with the same code, finds its blocks.
//!
//! One file rather than one per block: creating many small files is slow, and a vault has tens
//! of thousands of blocks. Several builds may share the file (every bare folder of notes uses
//! the user's cache folder), so saving takes a lock, merges with what is on disk now, stamps
//! the blocks this build used, and drops the least recently used ones beyond a size limit.
//! Written to a temporary name and renamed into place, so a reader never sees half a file.

use super::code_classes::ClassSet;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

const MAGIC: &[u8; 8] = b"SSHLCOD2";
/// What the cached HTML depends on besides the block itself.
const VERSION: &str = concat!(
    "studysite ",
    env!("CARGO_PKG_VERSION"),
    " syntect 5.3 token classes 1"
);
/// The default size limit of the cache file.
pub const DEFAULT_LIMIT: u64 = 64 << 20;
/// A block used again is re-stamped (and the file rewritten for it) at most this often.
const RESTAMP_AFTER_SECS: u64 = 24 * 3600;

/// The key of a block.
pub fn key(lang: &str, code: &str, colored: ClassSet) -> u128 {
    crate::hash::fnv128(&[VERSION, lang, &colored.bits().to_string(), code])
}

/// Blocks as read from the file: all their HTML in one string, and where each block's is.
#[derive(Debug, Default)]
struct Loaded {
    text: String,
    /// key → (last used, start, end of the HTML in `text`).
    index: HashMap<u128, (u64, usize, usize)>,
}

impl Loaded {
    fn html(&self, key: u128) -> Option<(u64, &str)> {
        let (stamp, start, end) = *self.index.get(&key)?;
        Some((stamp, self.text.get(start..end)?))
    }
}

/// A cache of highlighted blocks, loaded once per build.
#[derive(Debug)]
pub struct CodeCache {
    path: PathBuf,
    limit: u64,
    old: Loaded,
    used: Mutex<HashSet<u128>>,
    fresh: Mutex<HashMap<u128, String>>,
}

impl CodeCache {
    /// Loads the cache file at `path` (an unreadable or outdated file counts as empty).
    pub fn open(path: PathBuf) -> CodeCache {
        CodeCache::with_limit(path, DEFAULT_LIMIT)
    }

    /// Like [`CodeCache::open`], keeping the file under `limit` bytes of HTML.
    pub fn with_limit(path: PathBuf, limit: u64) -> CodeCache {
        CodeCache {
            old: read(&path),
            path,
            limit,
            used: Mutex::default(),
            fresh: Mutex::default(),
        }
    }

    /// The cached HTML of a block, and whether an earlier build highlighted it (rather than
    /// this one, for a block that appears twice).
    pub fn get(&self, key: u128) -> Option<(String, bool)> {
        if let Some((_, html)) = self.old.html(key) {
            self.used.lock().expect("poisoned").insert(key);
            return Some((html.to_string(), true));
        }
        let fresh = self.fresh.lock().expect("poisoned");
        fresh.get(&key).map(|html| (html.clone(), false))
    }

    /// Remembers a newly highlighted block.
    pub fn put(&self, key: u128, html: &str) {
        self.fresh
            .lock()
            .expect("poisoned")
            .insert(key, html.to_string());
    }

    /// Writes new blocks, and the time this build used old ones, merged with what other builds
    /// wrote meanwhile; unless nothing changed.
    pub fn save(&self) -> std::io::Result<()> {
        let used = self.used.lock().expect("poisoned");
        let fresh = self.fresh.lock().expect("poisoned");
        let now = now_secs();
        let stale = used.iter().any(|k| {
            self.old
                .index
                .get(k)
                .is_some_and(|(stamp, _, _)| now.saturating_sub(*stamp) > RESTAMP_AFTER_SECS)
        });
        if fresh.is_empty() && !stale {
            return Ok(());
        }
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)?;
        }
        let lock = fs::File::create(self.path.with_extension("lock"))?;
        lock.lock()?;
        // Another build may have saved since this one loaded: keep its blocks too.
        let current = read(&self.path);
        let mut entries: HashMap<u128, (u64, &str)> = HashMap::new();
        for key in current.index.keys() {
            if let Some(entry) = current.html(*key) {
                entries.insert(*key, entry);
            }
        }
        for key in used.iter() {
            if let Some((_, html)) = self.old.html(*key) {
                entries.insert(*key, (now, html));
            }
        }
        for (key, html) in fresh.iter() {
            entries.insert(*key, (now, html.as_str()));
        }
        let kept = newest_within(entries, self.limit);
        let written = write(&self.path, &kept);
        lock.unlock().ok();
        written
    }
}

/// The most recently used entries whose HTML fits in `limit` bytes, in key order.
fn newest_within(entries: HashMap<u128, (u64, &str)>, limit: u64) -> Vec<(u128, u64, &str)> {
    let mut all: Vec<(u128, u64, &str)> = entries
        .into_iter()
        .map(|(key, (stamp, html))| (key, stamp, html))
        .collect();
    all.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut total = 0u64;
    let mut kept: Vec<(u128, u64, &str)> = all
        .into_iter()
        .take_while(|(_, _, html)| {
            total += html.len() as u64;
            total <= limit
        })
        .collect();
    kept.sort_unstable_by_key(|(key, _, _)| *key);
    kept
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn write(path: &Path, entries: &[(u128, u64, &str)]) -> std::io::Result<()> {
    let temp = path.with_extension(format!("tmp-{}", std::process::id()));
    let mut file = std::io::BufWriter::new(fs::File::create(&temp)?);
    file.write_all(MAGIC)?;
    write_str(&mut file, VERSION)?;
    file.write_all(&(entries.len() as u64).to_le_bytes())?;
    for (key, stamp, html) in entries {
        file.write_all(&key.to_le_bytes())?;
        file.write_all(&stamp.to_le_bytes())?;
        write_str(&mut file, html)?;
    }
    file.into_inner().map_err(|e| e.into_error())?;
    fs::rename(&temp, path)
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

/// Reads a cache file; empty if there is none, or it is damaged or from another version.
fn read(path: &Path) -> Loaded {
    fs::read(path)
        .ok()
        .and_then(|bytes| decode(&bytes))
        .unwrap_or_default()
}

fn decode(bytes: &[u8]) -> Option<Loaded> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(MAGIC.len())? != MAGIC || r.str()? != VERSION {
        return None;
    }
    let count = usize::try_from(r.u64()?).ok()?;
    let mut loaded = Loaded {
        text: String::with_capacity(bytes.len()),
        index: HashMap::with_capacity(count.min(1 << 20)),
    };
    for _ in 0..count {
        let key = u128::from_le_bytes(r.take(16)?.try_into().ok()?);
        let stamp = r.u64()?;
        let html = r.str()?;
        let start = loaded.text.len();
        loaded.text.push_str(html);
        loaded.index.insert(key, (stamp, start, loaded.text.len()));
    }
    Some(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: &str) -> u128 {
        key("rust", code, ClassSet::ALL)
    }

    #[test]
    fn blocks_survive_a_save_and_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("code.bin");
        let first = CodeCache::open(path.clone());
        first.put(k("a"), "<b>a</b>");
        first.put(k("b"), "<b>b</b>");
        first.save().unwrap();
        let second = CodeCache::open(path.clone());
        assert_eq!(second.get(k("a")), Some(("<b>a</b>".into(), true)));
        assert_eq!(second.get(k("b")), Some(("<b>b</b>".into(), true)));
        assert!(second.get(k("c")).is_none());
        second.put(k("c"), "c");
        assert_eq!(
            second.get(k("c")),
            Some(("c".into(), false)),
            "from this build"
        );
    }

    #[test]
    fn two_builds_saving_one_file_keep_both_their_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("code.bin");
        let one = CodeCache::open(path.clone());
        let two = CodeCache::open(path.clone());
        one.put(k("one"), "1");
        two.put(k("two"), "2");
        one.save().unwrap();
        two.save().unwrap();
        let after = CodeCache::open(path);
        assert_eq!(after.get(k("one")), Some(("1".into(), true)));
        assert_eq!(after.get(k("two")), Some(("2".into(), true)));
    }

    #[test]
    fn the_least_recently_used_blocks_go_beyond_the_limit() {
        let mut entries = HashMap::new();
        entries.insert(1, (100, "old-old-"));
        entries.insert(2, (300, "newest--"));
        entries.insert(3, (200, "middle--"));
        let kept: Vec<u128> = newest_within(entries, 16)
            .into_iter()
            .map(|(key, _, _)| key)
            .collect();
        assert_eq!(kept, vec![2, 3]);
    }

    #[test]
    fn a_small_limit_bounds_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("code.bin");
        let cache = CodeCache::with_limit(path.clone(), 1000);
        for i in 0..100 {
            cache.put(k(&i.to_string()), &"x".repeat(100));
        }
        cache.save().unwrap();
        let size = fs::metadata(&path).unwrap().len();
        assert!(size < 1000 + 10 * 40 + 100, "{size} bytes");
        let kept = (0..100)
            .filter(|i| {
                CodeCache::open(path.clone())
                    .get(k(&i.to_string()))
                    .is_some()
            })
            .count();
        assert_eq!(kept, 10);
    }

    #[test]
    fn a_damaged_or_old_file_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("code.bin");
        fs::write(&path, b"SSHLCOD2\xff\xff garbage").unwrap();
        assert!(CodeCache::open(path.clone()).get(k("y")).is_none());
        fs::write(&path, b"SSHLCODE\x05\0\0\0\0\0\0\0older").unwrap();
        assert!(CodeCache::open(path).get(k("y")).is_none());
    }

    #[test]
    fn keys_depend_on_content_classes_and_language_only() {
        assert_eq!(k("x"), key("rust", "x", ClassSet::ALL));
        assert_ne!(k("x"), key("python", "x", ClassSet::ALL));
        assert_ne!(k("x"), key("rust", "x", ClassSet::NONE));
    }
}
