//! The on-disk cache of rendered diagrams: one JSON file per diagram, named by a hash of
//! everything the result depends on (source, theme, renderer version, studysite version), so a
//! rebuild renders only diagrams that changed. Files are written to a temporary name and
//! renamed into place, so concurrent builds never read a half-written entry.

use super::Outcome;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A stable 128-bit hash as 32 hex digits (see [`crate::hash::fnv128`]).
pub fn hash_hex(parts: &[&str]) -> String {
    format!("{:032x}", crate::hash::fnv128(parts))
}

/// A folder of cached diagrams.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    writes: AtomicU64,
}

impl Cache {
    /// The cache in `dir` (created on the first write).
    pub fn new(dir: PathBuf) -> Cache {
        Cache {
            dir,
            writes: AtomicU64::new(0),
        }
    }

    /// The cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// The cached outcome for `key`; a missing or unreadable entry is a miss.
    pub fn get(&self, key: &str) -> Option<Outcome> {
        let text = fs::read_to_string(self.path(key)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Stores an outcome. Failing to cache is not an error for the build: the next build
    /// renders the diagram again.
    pub fn put(&self, key: &str, outcome: &Outcome) {
        let Ok(json) = serde_json::to_string(outcome) else {
            return;
        };
        if fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let n = self.writes.fetch_add(1, Ordering::Relaxed);
        let temp = self
            .dir
            .join(format!(".{key}.{}-{n}.tmp", std::process::id()));
        if fs::write(&temp, json).is_ok() && fs::rename(&temp, self.path(key)).is_err() {
            fs::remove_file(&temp).ok();
        }
    }
}

/// The user's cache folder: `$XDG_CACHE_HOME`, else `~/.cache` (`%LOCALAPPDATA%` on Windows).
pub fn user_cache_dir() -> Option<PathBuf> {
    let non_empty = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = non_empty("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir));
    }
    if cfg!(windows) {
        return non_empty("LOCALAPPDATA").map(PathBuf::from);
    }
    non_empty("HOME").map(|home| PathBuf::from(home).join(".cache"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stable_and_separates_parts() {
        assert_eq!(hash_hex(&["a"]), hash_hex(&["a"]));
        assert_ne!(hash_hex(&["ab", "c"]), hash_hex(&["a", "bc"]));
        assert_eq!(hash_hex(&[]).len(), 32);
    }

    #[test]
    fn entries_round_trip_and_leave_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("mermaid"));
        assert_eq!(cache.get("k"), None);
        let outcome = Outcome::Browser {
            reason: Some("why".into()),
        };
        cache.put("k", &outcome);
        assert_eq!(cache.get("k"), Some(outcome));
        let names: Vec<_> = fs::read_dir(cache.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["k.json"]);
    }

    #[test]
    fn a_corrupt_entry_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_path_buf());
        fs::write(dir.path().join("k.json"), "{not json").unwrap();
        assert_eq!(cache.get("k"), None);
    }
}
