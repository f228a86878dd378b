//! The single writer: every file of the built site goes through [`Output`].
//!
//! On disk, files go to a staging folder beside the output folder, which replaces the old
//! output only when the whole build succeeded, so a failed build leaves the previous site
//! intact. In memory (for `serve` and `check`), files are kept in a map.

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The built files, by site path (`ec2/pricing/index.html`).
pub type Files = BTreeMap<String, Vec<u8>>;

enum Kind {
    Disk { staging: PathBuf, target: PathBuf },
    Memory(Mutex<Files>),
}

/// Where a build writes.
pub struct Output {
    kind: Kind,
    count: AtomicU64,
    committed: bool,
}

impl Output {
    /// Writes into a fresh staging folder next to `target`; [`Output::commit`] swaps it in.
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
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let staging = parent.join(format!(".{name}.staging-{}-{n}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).ok();
        }
        fs::create_dir(&staging)
            .with_context(|| format!("cannot create staging folder {}", staging.display()))?;
        Ok(Output {
            kind: Kind::Disk {
                staging,
                target: target.to_path_buf(),
            },
            count: AtomicU64::new(0),
            committed: false,
        })
    }

    /// Keeps every file in memory.
    pub fn in_memory() -> Output {
        Output {
            kind: Kind::Memory(Mutex::new(Files::new())),
            count: AtomicU64::new(0),
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
            Kind::Disk { staging, .. } => {
                let dest = staging.join(path);
                if let Some(parent) = dest.parent() {
                    fs::create_dir_all(parent)
                        .with_context(|| format!("cannot create folder {}", parent.display()))?;
                }
                fs::write(&dest, bytes).with_context(|| format!("cannot write {}", dest.display()))
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
        match &self.kind {
            Kind::Disk { staging, .. } => {
                check_relative(path)?;
                self.count.fetch_add(1, Ordering::Relaxed);
                let dest = staging.join(path);
                if let Some(parent) = dest.parent() {
                    fs::create_dir_all(parent)
                        .with_context(|| format!("cannot create folder {}", parent.display()))?;
                }
                fs::copy(from, &dest).map(|_| ()).with_context(|| {
                    format!("cannot copy {} to {}", from.display(), dest.display())
                })
            }
            Kind::Memory(_) => {
                let bytes =
                    fs::read(from).with_context(|| format!("cannot read {}", from.display()))?;
                self.write(path, &bytes)
            }
        }
    }

    /// Finishes the build: on disk the staging folder replaces the output folder; in memory
    /// the files are returned.
    pub fn commit(mut self) -> Result<Files> {
        self.committed = true;
        match &self.kind {
            Kind::Disk { staging, target } => {
                swap_in(staging, target)?;
                Ok(Files::new())
            }
            Kind::Memory(files) => Ok(std::mem::take(
                &mut *files.lock().expect("a writer panicked"),
            )),
        }
    }
}

impl Drop for Output {
    /// An output dropped without commit (a failed build) removes its staging folder.
    fn drop(&mut self) {
        if let Kind::Disk { staging, .. } = &self.kind
            && !self.committed
        {
            fs::remove_dir_all(staging).ok();
        }
    }
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

/// Replaces `target` with `staging`: the old folder is moved aside, the new one renamed into
/// place, then the old one removed. If the rename fails the old folder is put back.
fn swap_in(staging: &Path, target: &Path) -> Result<()> {
    if !target.exists() {
        return fs::rename(staging, target)
            .with_context(|| format!("cannot move {} to {}", staging.display(), target.display()));
    }
    if !target.is_dir() {
        bail!(
            "output path {} exists and is not a folder",
            target.display()
        );
    }
    let old = staging.with_extension("old");
    fs::rename(target, &old)
        .with_context(|| format!("cannot move the previous site {} aside", target.display()))?;
    if let Err(e) = fs::rename(staging, target) {
        fs::rename(&old, target).ok();
        return Err(e).with_context(|| format!("cannot move the new site to {}", target.display()));
    }
    fs::remove_dir_all(&old)
        .with_context(|| format!("cannot remove the previous site at {}", old.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_output_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("old.html"), "old").unwrap();
        let out = Output::to_disk(&target).unwrap();
        out.write("a/index.html", b"new").unwrap();
        assert!(target.join("old.html").exists());
        assert!(!target.join("a/index.html").exists());
        out.commit().unwrap();
        assert!(!target.join("old.html").exists());
        assert_eq!(
            fs::read_to_string(target.join("a/index.html")).unwrap(),
            "new"
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging and old folders are gone");
    }

    #[test]
    fn dropped_output_leaves_previous_site_and_no_staging() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("index.html"), "old").unwrap();
        {
            let out = Output::to_disk(&target).unwrap();
            out.write("index.html", b"half").unwrap();
        }
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "old"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn paths_outside_the_output_are_refused() {
        let out = Output::in_memory();
        for bad in ["../x", "/etc/passwd", "a/../../b", "a\\b", ""] {
            assert!(out.write(bad, b"x").is_err(), "{bad}");
        }
        out.write("ok/index.html", b"x").unwrap();
        assert_eq!(out.commit().unwrap().len(), 1);
    }
}
