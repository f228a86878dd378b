//! The single writer: every file of the built site goes through [`Output`].
//!
//! On disk, nothing in the output folder changes until the whole build has succeeded, so a
//! failed build leaves the previous site intact:
//! - a first build writes into a staging folder beside the output folder and renames it into
//!   place at the end;
//! - a rebuild compares each file with the one already there and stages only files that
//!   changed; at the end they are renamed over the old ones and files the new site no longer
//!   has are removed. Unchanged files are never rewritten, which keeps rebuilds fast (creating
//!   and deleting files is the slowest thing a build does) and leaves their timestamps alone.
//!
//! In memory (for `serve` and `check`), files are kept in a map.

use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The built files, by site path (`ec2/pricing/index.html`).
pub type Files = BTreeMap<String, Vec<u8>>;

/// Files at least this large are compared by size and time instead of content when copied.
const QUICK_COMPARE_BYTES: u64 = 1 << 20;

enum Kind {
    /// A first build: everything goes to `staging`, renamed to `target` at commit.
    Fresh {
        staging: PathBuf,
        target: PathBuf,
    },
    /// A rebuild: changed files go to `staging`; every written path is remembered so stale
    /// files can be removed at commit.
    Update {
        staging: PathBuf,
        target: PathBuf,
        written: Mutex<BTreeSet<String>>,
        changed: Mutex<BTreeSet<String>>,
    },
    Memory(Mutex<Files>),
}

/// Where a build writes.
pub struct Output {
    kind: Kind,
    count: AtomicU64,
    changed: AtomicU64,
    committed: bool,
}

/// What a commit did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Committed {
    /// Files written or replaced.
    pub changed: u64,
    /// Stale files removed.
    pub removed: u64,
    /// The files, for an in-memory output.
    pub files: Files,
}

impl Output {
    /// Writes to disk: into a staging folder next to `target` for a first build, or only the
    /// changed files for a rebuild. [`Output::commit`] makes the result visible.
    pub fn to_disk(target: &Path) -> Result<Output> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("public");
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let staging = parent.join(format!(".{name}.staging-{}-{stamp}", std::process::id()));
        let kind = if target.is_dir() {
            Kind::Update {
                staging,
                target: target.to_path_buf(),
                written: Mutex::new(BTreeSet::new()),
                changed: Mutex::new(BTreeSet::new()),
            }
        } else {
            if target.exists() {
                bail!(
                    "output path {} exists and is not a folder",
                    target.display()
                );
            }
            fs::create_dir(&staging)
                .with_context(|| format!("cannot create staging folder {}", staging.display()))?;
            Kind::Fresh {
                staging,
                target: target.to_path_buf(),
            }
        };
        Ok(Output {
            kind,
            count: AtomicU64::new(0),
            changed: AtomicU64::new(0),
            committed: false,
        })
    }

    /// Keeps every file in memory.
    pub fn in_memory() -> Output {
        Output {
            kind: Kind::Memory(Mutex::new(Files::new())),
            count: AtomicU64::new(0),
            changed: AtomicU64::new(0),
            committed: false,
        }
    }

    /// How many files have been written.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// Writes one file at a site path such as `ec2/pricing/index.html`.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        check_relative(path)?;
        self.count.fetch_add(1, Ordering::Relaxed);
        match &self.kind {
            Kind::Fresh { staging, .. } => write_file(&staging.join(path), bytes),
            Kind::Update {
                staging,
                target,
                written,
                changed,
            } => {
                let same = fs::read(target.join(path)).is_ok_and(|old| old == bytes);
                self.stage_if_changed(written, changed, path, same, || {
                    write_file(&staging.join(path), bytes)
                })
            }
            Kind::Memory(files) => {
                files
                    .lock()
                    .expect("a writer panicked")
                    .insert(path.to_string(), bytes.to_vec());
                Ok(())
            }
        }
    }

    /// Copies a file from the content or static folder to a site path.
    pub fn copy(&self, path: &str, from: &Path) -> Result<()> {
        check_relative(path)?;
        let read = || fs::read(from).with_context(|| format!("cannot read {}", from.display()));
        match &self.kind {
            Kind::Fresh { staging, .. } => {
                self.count.fetch_add(1, Ordering::Relaxed);
                copy_file(from, &staging.join(path))
            }
            Kind::Update {
                staging,
                target,
                written,
                changed,
            } => {
                let source = fs::metadata(from)
                    .with_context(|| format!("cannot read {}", from.display()))?;
                if source.len() < QUICK_COMPARE_BYTES {
                    return self.write(path, &read()?);
                }
                self.count.fetch_add(1, Ordering::Relaxed);
                let same = fs::metadata(target.join(path)).is_ok_and(|old| {
                    old.len() == source.len()
                        && matches!((old.modified(), source.modified()), (Ok(o), Ok(s)) if o >= s)
                });
                self.stage_if_changed(written, changed, path, same, || {
                    copy_file(from, &staging.join(path))
                })
            }
            Kind::Memory(_) => self.write(path, &read()?),
        }
    }

    /// In a rebuild: remembers that `path` belongs to the new site, and stages it unless it is
    /// the `same` as the file already there. A path written twice (a site's static file
    /// replacing a built-in one) ends as its last write.
    fn stage_if_changed(
        &self,
        written: &Mutex<BTreeSet<String>>,
        changed: &Mutex<BTreeSet<String>>,
        path: &str,
        same: bool,
        stage: impl FnOnce() -> Result<()>,
    ) -> Result<()> {
        written
            .lock()
            .expect("a writer panicked")
            .insert(path.to_string());
        let mut changed = changed.lock().expect("a writer panicked");
        if same {
            changed.remove(path);
            return Ok(());
        }
        changed.insert(path.to_string());
        drop(changed);
        stage()
    }

    /// Finishes the build and makes it visible.
    pub fn commit(mut self) -> Result<Committed> {
        self.committed = true;
        match &self.kind {
            Kind::Fresh { staging, target } => {
                fs::rename(staging, target).with_context(|| {
                    format!("cannot move {} to {}", staging.display(), target.display())
                })?;
                Ok(Committed {
                    changed: self.count(),
                    ..Committed::default()
                })
            }
            Kind::Update {
                staging,
                target,
                written,
                changed,
            } => {
                let changed = std::mem::take(&mut *changed.lock().expect("a writer panicked"));
                self.changed.store(changed.len() as u64, Ordering::Relaxed);
                for path in &changed {
                    let dest = target.join(path);
                    if let Some(parent) = dest.parent() {
                        fs::create_dir_all(parent).with_context(|| {
                            format!("cannot create folder {}", parent.display())
                        })?;
                    }
                    fs::rename(staging.join(path), &dest)
                        .with_context(|| format!("cannot update {}", dest.display()))?;
                }
                if staging.exists() {
                    fs::remove_dir_all(staging).ok();
                }
                let written = written.lock().expect("a writer panicked");
                let removed = remove_stale(target, &written)?;
                Ok(Committed {
                    changed: changed.len() as u64,
                    removed,
                    files: Files::new(),
                })
            }
            Kind::Memory(files) => Ok(Committed {
                changed: self.count(),
                removed: 0,
                files: std::mem::take(&mut *files.lock().expect("a writer panicked")),
            }),
        }
    }
}

impl Drop for Output {
    /// An output dropped without commit (a failed build) removes its staging folder and leaves
    /// the output folder as it was.
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        if let Kind::Fresh { staging, .. } | Kind::Update { staging, .. } = &self.kind
            && staging.exists()
        {
            fs::remove_dir_all(staging).ok();
        }
    }
}

fn write_file(dest: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
    }
    fs::write(dest, bytes).with_context(|| format!("cannot write {}", dest.display()))
}

fn copy_file(from: &Path, dest: &Path) -> Result<()> {
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
    }
    fs::copy(from, dest)
        .map(|_| ())
        .with_context(|| format!("cannot copy {} to {}", from.display(), dest.display()))
}

/// Removes files under `target` that the new site did not write, and folders left empty.
/// Hidden files at the top (a `.git` of a deploy checkout, `.nojekyll`) are kept.
fn remove_stale(target: &Path, written: &BTreeSet<String>) -> Result<u64> {
    let mut removed = 0;
    let mut folders = Vec::new();
    let walker = walkdir::WalkDir::new(target)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && e.file_name().to_string_lossy().starts_with('.')));
    for entry in walker {
        let entry = entry.with_context(|| format!("cannot read {}", target.display()))?;
        let Some(rel) = entry
            .path()
            .strip_prefix(target)
            .ok()
            .and_then(crate::vault::walk::to_slash)
        else {
            continue;
        };
        if entry.file_type().is_dir() {
            folders.push(entry.path().to_path_buf());
        } else if !written.contains(&rel) {
            fs::remove_file(entry.path())
                .with_context(|| format!("cannot remove stale {}", entry.path().display()))?;
            removed += 1;
        }
    }
    // Deepest first, so a folder emptied by removing its sub-folders goes too.
    for folder in folders.iter().rev() {
        if fs::read_dir(folder).is_ok_and(|mut d| d.next().is_none()) {
            fs::remove_dir(folder).ok();
        }
    }
    Ok(removed)
}

fn check_relative(path: &str) -> Result<()> {
    if path.is_empty()
        || path.starts_with('/')
        || path
            .split('/')
            .any(|p| p == ".." || p == "." || p.is_empty())
        || path.contains('\\')
    {
        bail!("refusing to write outside the output folder: `{path}`");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn a_first_build_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let out = Output::to_disk(&target).unwrap();
        out.write("a/index.html", b"new").unwrap();
        assert!(!target.exists());
        let done = out.commit().unwrap();
        assert_eq!(done.changed, 1);
        assert_eq!(
            fs::read_to_string(target.join("a/index.html")).unwrap(),
            "new"
        );
        assert_eq!(leftovers(dir.path()), ["public"]);
    }

    #[test]
    fn a_rebuild_replaces_changed_files_keeps_unchanged_and_removes_stale() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::create_dir_all(target.join("old")).unwrap();
        fs::write(target.join("old/index.html"), "stale").unwrap();
        fs::write(target.join("same.html"), "same").unwrap();
        fs::write(target.join("edit.html"), "before").unwrap();
        fs::write(target.join(".nojekyll"), "").unwrap();
        let same_time = fs::metadata(target.join("same.html"))
            .unwrap()
            .modified()
            .unwrap();
        let out = Output::to_disk(&target).unwrap();
        out.write("same.html", b"same").unwrap();
        out.write("edit.html", b"after").unwrap();
        out.write("new/index.html", b"fresh").unwrap();
        assert_eq!(
            fs::read_to_string(target.join("edit.html")).unwrap(),
            "before",
            "nothing changes before commit"
        );
        let done = out.commit().unwrap();
        assert_eq!((done.changed, done.removed), (2, 1));
        assert_eq!(
            fs::read_to_string(target.join("edit.html")).unwrap(),
            "after"
        );
        assert_eq!(
            fs::read_to_string(target.join("new/index.html")).unwrap(),
            "fresh"
        );
        assert!(
            !target.join("old").exists(),
            "stale files and their empty folders go"
        );
        assert!(
            target.join(".nojekyll").exists(),
            "hidden top-level files stay"
        );
        assert_eq!(
            fs::metadata(target.join("same.html"))
                .unwrap()
                .modified()
                .unwrap(),
            same_time
        );
        assert_eq!(leftovers(dir.path()), ["public"]);
    }

    #[test]
    fn a_path_written_twice_ends_as_its_last_write() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("a.css"), "old").unwrap();
        fs::write(target.join("b.css"), "old").unwrap();
        let out = Output::to_disk(&target).unwrap();
        out.write("a.css", b"new").unwrap();
        out.write("a.css", b"newer").unwrap();
        out.write("b.css", b"changed").unwrap();
        out.write("b.css", b"old").unwrap();
        let done = out.commit().unwrap();
        assert_eq!(done.changed, 1);
        assert_eq!(fs::read_to_string(target.join("a.css")).unwrap(), "newer");
        assert_eq!(fs::read_to_string(target.join("b.css")).unwrap(), "old");
    }

    #[test]
    fn a_dropped_rebuild_leaves_the_previous_site_and_no_staging() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("index.html"), "old").unwrap();
        {
            let out = Output::to_disk(&target).unwrap();
            out.write("index.html", b"half").unwrap();
            out.write("more.html", b"x").unwrap();
        }
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "old"
        );
        assert!(!target.join("more.html").exists());
        assert_eq!(leftovers(dir.path()), ["public"]);
    }

    #[test]
    fn paths_outside_the_output_are_refused() {
        let out = Output::in_memory();
        for bad in ["../x", "/etc/passwd", "a/../../b", "a\\b", ""] {
            assert!(out.write(bad, b"x").is_err(), "{bad}");
        }
        out.write("ok/index.html", b"x").unwrap();
        assert_eq!(out.commit().unwrap().files.len(), 1);
    }
}
