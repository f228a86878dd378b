//! Writing a site to a folder on disk, all at once or not at all.
//!
//! Each commit stages the complete new site in a folder beside the output folder: files that
//! changed are written there, unchanged ones are hard-linked from the current site (so a
//! rebuild stays cheap), and files the user put in the output folder are carried over the same
//! way. Then the two folders are swapped in one step (`renameat2(RENAME_EXCHANGE)` on Linux;
//! elsewhere, or where the file system refuses it, two renames in a row) and the old site is
//! removed. Readers of the output folder see the old site or the new one, never a mix. A build
//! killed on the way leaves the output folder as it was and a staging folder that the next
//! build removes.

use super::manifest::{MANIFEST_FILE, Manifest, Stamp};
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Marks a staging folder while it is being filled.
const STAGING_MARK: &str = ".studysite-staging";

/// Why an output folder is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The folder holds files no studysite build wrote.
    #[error(
        "output folder {folder} holds {count} file(s) studysite did not write (e.g. {examples}); choose an empty or new folder, or pass --force to build there anyway (your files are kept, never deleted)"
    )]
    Foreign {
        /// The folder, as given.
        folder: String,
        /// How many such files.
        count: usize,
        /// A few of them.
        examples: String,
    },
    /// The path exists and is a file.
    #[error("output path {0} exists and is not a folder")]
    NotAFolder(String),
}

/// An output folder: where the site is (`target`), what of it is ours (`current`).
#[derive(Debug)]
pub(super) struct Disk {
    /// The output folder as the user named it (for messages).
    shown: PathBuf,
    /// The real output folder: symlinks resolved, made absolute.
    target: PathBuf,
    /// Our files in it now.
    pub(super) current: Manifest,
    /// Whether files that are not ours may sit in it (they are kept).
    force: bool,
    /// Whether the site a commit replaced is removed on a thread of its own (a session kept
    /// open for rebuilds: removing 2,500 files took half of each rebuild of a 519-note vault).
    background: bool,
    /// That thread, for the last site replaced: waited for before the next staging folder and
    /// when the output closes.
    removing: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Drop for Disk {
    fn drop(&mut self) {
        self.removed();
    }
}

impl Disk {
    /// Opens an output folder: refuses one that holds files no studysite build wrote (unless
    /// `force`), and removes staging folders that killed builds left beside it.
    pub(super) fn open(folder: &Path, force: bool) -> Result<Disk> {
        let target = real_path(folder);
        let shown = folder.to_path_buf();
        let mut current = Manifest::default();
        if let Ok(meta) = fs::symlink_metadata(&target) {
            if !meta.is_dir() {
                return Err(Refusal::NotAFolder(shown.display().to_string()).into());
            }
            current = Manifest::read(&target)?.unwrap_or_default();
            let foreign: Vec<String> = foreign_files(&target, &current)?
                .into_iter()
                .filter(|f| !is_hidden_top(f))
                .collect();
            if !foreign.is_empty() && !force {
                let examples: Vec<&str> = foreign.iter().take(3).map(String::as_str).collect();
                return Err(Refusal::Foreign {
                    folder: shown.display().to_string(),
                    count: foreign.len(),
                    examples: examples.join(", "),
                }
                .into());
            }
        }
        remove_abandoned_staging(&target);
        Ok(Disk {
            shown,
            target,
            current,
            force,
            background: false,
            removing: std::sync::Mutex::new(None),
        })
    }

    /// From now on, the site each commit replaces is removed on a thread of its own.
    pub(super) fn remove_in_background(&mut self) {
        self.background = true;
    }

    /// Waits until the last replaced site is removed.
    fn removed(&self) {
        let thread = self
            .removing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }

    /// The real output folder.
    pub(super) fn target(&self) -> &Path {
        &self.target
    }

    /// A new, empty staging folder beside the output folder.
    pub(super) fn new_staging(&self) -> Result<PathBuf> {
        self.removed();
        let parent = self.target.parent().unwrap_or(Path::new("/"));
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let staging = parent.join(format!(
            ".{}.staging-{}-{stamp}",
            self.name(),
            std::process::id()
        ));
        fs::create_dir(&staging)
            .with_context(|| format!("cannot create staging folder {}", staging.display()))?;
        fs::write(staging.join(STAGING_MARK), b"")
            .with_context(|| format!("cannot write into {}", staging.display()))?;
        Ok(staging)
    }

    fn name(&self) -> String {
        self.target
            .file_name()
            .map_or("public".into(), |n| n.to_string_lossy().into_owned())
    }

    /// Whether the current site holds `path` with exactly these contents, so it can be
    /// hard-linked into the next one instead of written.
    pub(super) fn has(&self, path: &str, stamp: Stamp) -> bool {
        self.current.files.get(path) == Some(&stamp)
            && fs::symlink_metadata(self.target.join(path))
                .is_ok_and(|m| m.is_file() && m.len() == stamp.len)
    }

    /// Completes `staging` into the whole new site (`manifest`; the files in `staged` are
    /// already there, the rest are linked from the current site) and swaps it in.
    pub(super) fn commit(
        &mut self,
        staging: &Path,
        manifest: Manifest,
        staged: &BTreeSet<String>,
    ) -> Result<()> {
        for path in manifest.files.keys() {
            if !staged.contains(path) {
                link_or_copy(&self.target.join(path), &staging.join(path))?;
            }
        }
        // The user's files stay where they are: carried over into the new site.
        if self.target.is_dir() {
            for path in foreign_files(&self.target, &self.current)? {
                if !self.force && !is_hidden_top(&path) {
                    bail!(
                        "{} appeared in the output folder during the build; nothing was changed (build again, or pass --force to keep it there)",
                        self.target.join(&path).display()
                    );
                }
                if manifest.files.contains_key(&path) {
                    bail!(
                        "the site now writes {path}, which is your file in {}; nothing was changed (move it away, or rename the note)",
                        self.shown.display()
                    );
                }
                carry(&self.target.join(&path), &staging.join(&path))?;
            }
        }
        write_file(&staging.join(MANIFEST_FILE), manifest.to_text().as_bytes())?;
        fs::remove_file(staging.join(STAGING_MARK))
            .with_context(|| format!("cannot finish {}", staging.display()))?;
        let replaced = swap(staging, &self.target)?;
        self.current = manifest;
        // `staging` now holds the old site; losing it is harmless (the next build removes it).
        if replaced {
            if self.background {
                self.removed();
                let old = staging.to_path_buf();
                let thread = std::thread::spawn(move || {
                    let _ = remove_tree(&old);
                });
                *self.removing.lock().unwrap_or_else(|p| p.into_inner()) = Some(thread);
            } else {
                let _ = remove_tree(staging);
            }
        }
        Ok(())
    }
}

/// A folder's real location: absolute, with symlinks resolved as far as it exists.
fn real_path(folder: &Path) -> PathBuf {
    crate::project::absolute(folder)
}

/// Hidden entries at the top of the output folder (a deploy checkout's `.git`, `.nojekyll`)
/// belong to the user but never stop a build.
fn is_hidden_top(path: &str) -> bool {
    path.starts_with('.') && path != MANIFEST_FILE
}

/// The files, symlinks and empty folders under `target` that `ours` does not list.
fn foreign_files(target: &Path, ours: &Manifest) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(target)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter();
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
        if rel == MANIFEST_FILE || ours.files.contains_key(&rel) {
            continue;
        }
        let kind = entry.file_type();
        let empty_dir =
            kind.is_dir() && fs::read_dir(entry.path()).is_ok_and(|mut d| d.next().is_none());
        if !kind.is_dir() || empty_dir {
            found.push(rel);
        }
    }
    Ok(found)
}

/// Carries one of the user's entries into the new site: hard link for a file, the same link
/// for a symlink, an empty folder for an empty folder.
fn carry(from: &Path, to: &Path) -> Result<()> {
    let meta =
        fs::symlink_metadata(from).with_context(|| format!("cannot read {}", from.display()))?;
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
    }
    if meta.is_dir() {
        return fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()));
    }
    if meta.file_type().is_symlink() {
        let link =
            fs::read_link(from).with_context(|| format!("cannot read {}", from.display()))?;
        return symlink(&link, to).with_context(|| format!("cannot create {}", to.display()));
    }
    link_or_copy(from, to)
}

#[cfg(unix)]
fn symlink(link: &Path, to: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(link, to)
}

#[cfg(not(unix))]
fn symlink(link: &Path, to: &Path) -> io::Result<()> {
    fs::copy(link, to).map(|_| ())
}

/// Hard-links `from` as `to` (creating folders), or copies it where links are refused. A
/// commit links every unchanged file of the site: the link is tried first, and the folder
/// made or the file replaced only when it fails (one call per file instead of four).
fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    match fs::hard_link(from, to) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(to).with_context(|| format!("cannot replace {}", to.display()))?;
        }
        Err(_) => {
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create folder {}", parent.display()))?;
            }
        }
    }
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to)
        .map(|_| ())
        .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))
}

/// Writes a file, creating its folder.
pub(super) fn write_file(dest: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
    }
    fs::write(dest, bytes).with_context(|| format!("cannot write {}", dest.display()))
}

/// Copies a file, creating its folder.
pub(super) fn copy_file(from: &Path, dest: &Path) -> Result<()> {
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
    }
    fs::copy(from, dest)
        .map(|_| ())
        .with_context(|| format!("cannot copy {} to {}", from.display(), dest.display()))
}

/// Puts the finished `staging` folder at `target` in one step; says whether `staging` now
/// holds the old site (to remove).
fn swap(staging: &Path, target: &Path) -> Result<bool> {
    if !target.exists() {
        fs::rename(staging, target).with_context(|| {
            format!("cannot move {} to {}", staging.display(), target.display())
        })?;
        return Ok(false);
    }
    match exchange(staging, target) {
        Ok(()) => {}
        Err(e) if exchange_unsupported(&e) => two_renames(staging, target)?,
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "cannot swap {} into {}",
                    staging.display(),
                    target.display()
                )
            });
        }
    }
    Ok(true)
}

/// Removes a site folder of ours, its marks last, so that a removal cut short still leaves a
/// folder the next build recognises and removes.
pub(super) fn remove_tree(folder: &Path) -> io::Result<()> {
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == MANIFEST_FILE || name == STAGING_MARK {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    let _ = fs::remove_file(folder.join(MANIFEST_FILE));
    let _ = fs::remove_file(folder.join(STAGING_MARK));
    fs::remove_dir(folder)
}

/// The fallback where the two folders cannot be exchanged atomically: the old site steps
/// aside, the new one takes its place (a reader may find no folder for that instant), and the
/// old one ends at `staging` to be removed.
fn two_renames(staging: &Path, target: &Path) -> Result<()> {
    let aside = staging.with_extension("old");
    fs::rename(target, &aside)
        .with_context(|| format!("cannot move {} aside", target.display()))?;
    if let Err(e) = fs::rename(staging, target) {
        let _ = fs::rename(&aside, target);
        return Err(e).with_context(|| format!("cannot move the new site to {}", target.display()));
    }
    fs::rename(&aside, staging).ok();
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let b = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

fn exchange_unsupported(e: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if matches!(
        e.raw_os_error(),
        Some(libc::EINVAL | libc::ENOSYS | libc::ENOTSUP)
    ) {
        return true;
    }
    e.kind() == io::ErrorKind::Unsupported
}

/// Removes staging folders that builds killed on the way left beside `target`: only folders
/// with our name pattern that carry our marks, and not those of a build still running.
fn remove_abandoned_staging(target: &Path) {
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let prefix = format!(".{}.staging-", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let path = entry.path();
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let running = pid.is_some_and(|p| p != std::process::id() && process_alive(p));
        if !path.is_dir() || running {
            continue;
        }
        if path.join(STAGING_MARK).is_file() || path.join(MANIFEST_FILE).is_file() {
            let _ = remove_tree(&path);
        } else {
            // Killed between creating the folder and marking it: empty, so this only removes
            // an empty folder.
            let _ = fs::remove_dir(&path);
        }
    }
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_alive(_: u32) -> bool {
    false
}
