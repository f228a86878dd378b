//! The single writer: every file of the built site goes through [`Output`], to a folder on
//! disk or to memory (for `serve` and `check`).
//!
//! A build or rebuild is one [`Txn`]: files are written into it (from many threads), and
//! [`Txn::commit`] makes the new site visible as a whole. On disk ([`disk`]):
//! - nothing in the output folder changes before the commit, and the commit swaps the complete
//!   new site in at once, so a failed or killed build leaves the previous site intact;
//! - the output folder's manifest lists the files studysite wrote; a build replaces or drops
//!   only those, refuses a folder holding files it did not write unless forced, and even then
//!   never deletes them;
//! - unchanged files are hard-linked from the previous site instead of written.

mod disk;
mod manifest;

pub use disk::Refusal;
pub use manifest::{MANIFEST_FILE, Manifest, Stamp};

use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What a file of the site holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Bytes made by the build (pages, stylesheets, data).
    Bytes(Arc<[u8]>),
    /// A file copied as it is (an attachment, a static file), read from its source when
    /// needed instead of being held in memory.
    File(PathBuf),
}

impl Content {
    /// The bytes (reading a copied file from its source).
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Content::Bytes(b) => Ok(b.to_vec()),
            Content::File(path) => std::fs::read(path),
        }
    }
}

/// Bytes made once and kept by their maker (the search index's files), with their stamp:
/// written again and again without being copied or hashed again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    bytes: Arc<[u8]>,
    stamp: Stamp,
}

impl Shared {
    /// Bytes, stamped.
    pub fn new(bytes: Vec<u8>) -> Shared {
        Shared {
            stamp: Stamp::of_bytes(&bytes),
            bytes: Arc::from(bytes),
        }
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// How many bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// The built files kept in memory, by site path, with their stamps.
pub type Files = BTreeMap<String, (Stamp, Content)>;

/// Where a site is written.
pub struct Output {
    sink: Sink,
}

enum Sink {
    Disk(disk::Disk),
    Memory(Files),
}

/// Whether a transaction writes a whole site or changes the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The new site is exactly what is written.
    Fresh,
    /// The new site is the current one with what is written and without what is removed.
    Update,
}

/// What a commit changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Committed {
    /// Files that are new or have new contents.
    pub changed: Vec<String>,
    /// Files the site no longer has.
    pub removed: Vec<String>,
    /// Files the site has now.
    pub files: usize,
}

impl Output {
    /// A folder on disk. Refuses (with a [`Refusal`]) a folder holding files studysite did not
    /// write, unless `force`; then those files are kept.
    pub fn to_disk(folder: &Path, force: bool) -> Result<Output> {
        Ok(Output {
            sink: Sink::Disk(disk::Disk::open(folder, force)?),
        })
    }

    /// From now on, the site each commit replaces on disk is removed on a thread of its own,
    /// waited for before the next commit and when the output closes (a session kept open for
    /// rebuilds; a build that ends at once removes it before it returns).
    pub fn remove_in_background(&mut self) {
        if let Sink::Disk(disk) = &mut self.sink {
            disk.remove_in_background();
        }
    }

    /// Memory.
    pub fn in_memory() -> Output {
        Output {
            sink: Sink::Memory(Files::new()),
        }
    }

    /// The files in memory (empty for a disk output).
    pub fn files(&self) -> &Files {
        static EMPTY: Files = Files::new();
        match &self.sink {
            Sink::Memory(files) => files,
            Sink::Disk(_) => &EMPTY,
        }
    }

    /// The real output folder, for a disk output.
    pub fn folder(&self) -> Option<&Path> {
        match &self.sink {
            Sink::Disk(d) => Some(d.target()),
            Sink::Memory(_) => None,
        }
    }

    /// The site paths the current site has.
    pub fn paths(&self) -> Vec<String> {
        match &self.sink {
            Sink::Disk(d) => d.current.files.keys().cloned().collect(),
            Sink::Memory(files) => files.keys().cloned().collect(),
        }
    }

    /// Starts writing a new version of the site.
    pub fn begin(&mut self, mode: Mode) -> Txn<'_> {
        Txn {
            output: self,
            mode,
            state: Mutex::new(TxnState::default()),
            fail_write: std::env::var_os("STUDYSITE_FAIL_WRITE"),
        }
    }
}

#[derive(Default)]
struct TxnState {
    /// Everything written, by site path: its stamp, and (in memory) its content.
    written: BTreeMap<String, (Stamp, Option<Content>)>,
    /// Paths written into the staging folder (disk).
    staged: BTreeSet<String>,
    removed: BTreeSet<String>,
    staging: Option<PathBuf>,
    failed: bool,
}

/// One version of the site being written; see the module documentation.
pub struct Txn<'a> {
    output: &'a mut Output,
    mode: Mode,
    state: Mutex<TxnState>,
    /// The path a test makes fail (`STUDYSITE_FAIL_WRITE`), read once per version of the
    /// site instead of once per file written.
    fail_write: Option<std::ffi::OsString>,
}

impl Txn<'_> {
    /// Writes one file at a site path such as `ec2/pricing/index.html`. A path written twice
    /// ends as its last write.
    pub fn write(&self, path: &str, bytes: Vec<u8>) -> Result<()> {
        check_relative(path)?;
        self.injected_failure(path)?;
        let stamp = Stamp::of_bytes(&bytes);
        self.put(
            path,
            stamp,
            |to| disk::write_file(to, &bytes),
            || Content::Bytes(Arc::from(bytes.as_slice())),
        )
    }

    /// Writes bytes that their maker keeps ([`Shared`]): neither copied nor hashed again.
    pub fn write_shared(&self, path: &str, shared: &Shared) -> Result<()> {
        check_relative(path)?;
        self.injected_failure(path)?;
        self.put(
            path,
            shared.stamp,
            |to| disk::write_file(to, &shared.bytes),
            || Content::Bytes(shared.bytes.clone()),
        )
    }

    /// Copies a file (an attachment or static file) to a site path.
    pub fn copy(&self, path: &str, from: &Path) -> Result<()> {
        check_relative(path)?;
        self.injected_failure(path)?;
        let meta =
            std::fs::metadata(from).with_context(|| format!("cannot read {}", from.display()))?;
        if !meta.is_file() {
            bail!("{} is not a file", from.display());
        }
        let stamp = Stamp::of_source(&meta);
        self.put(
            path,
            stamp,
            |to| disk::copy_file(from, to),
            || Content::File(from.to_path_buf()),
        )
    }

    /// Records a file of the new site: in memory its content; on disk nothing when the
    /// current site already has these bytes, else the file staged by `stage`.
    fn put(
        &self,
        path: &str,
        stamp: Stamp,
        stage: impl FnOnce(&Path) -> Result<()>,
        content: impl FnOnce() -> Content,
    ) -> Result<()> {
        // An update leaves a file the current site already holds as it is.
        if self.mode == Mode::Update {
            let current = match &self.output.sink {
                Sink::Memory(files) => files.get(path).map(|(s, _)| *s),
                Sink::Disk(disk) => disk.has(path, stamp).then_some(stamp),
            };
            if current == Some(stamp) {
                let mut state = self.lock();
                if !state.removed.contains(path) {
                    state.written.remove(path);
                    state.staged.remove(path);
                    return Ok(());
                }
            }
        }
        match &self.output.sink {
            Sink::Memory(_) => {
                let content = content();
                self.lock()
                    .written
                    .insert(path.into(), (stamp, Some(content)));
                Ok(())
            }
            Sink::Disk(disk) => {
                let fresh = !disk.has(path, stamp);
                if fresh {
                    let staging = self.staging(disk)?;
                    stage(&staging.join(path)).inspect_err(|_| self.fail())?;
                }
                let mut state = self.lock();
                state.written.insert(path.into(), (stamp, None));
                if fresh {
                    state.staged.insert(path.into());
                } else {
                    state.staged.remove(path);
                }
                Ok(())
            }
        }
    }

    /// Drops a file of the current site (in [`Mode::Update`]).
    pub fn remove(&self, path: &str) {
        let mut state = self.lock();
        state.written.remove(path);
        state.staged.remove(path);
        state.removed.insert(path.to_string());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, TxnState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn fail(&self) {
        self.lock().failed = true;
    }

    /// A write failure on purpose, for the tests of what a failed build leaves behind: the
    /// site path named by `STUDYSITE_FAIL_WRITE` cannot be written.
    fn injected_failure(&self, path: &str) -> Result<()> {
        match &self.fail_write {
            Some(p) if p == path => bail!("cannot write {path}: injected failure"),
            _ => Ok(()),
        }
    }

    fn staging(&self, disk: &disk::Disk) -> Result<PathBuf> {
        let mut state = self.lock();
        if let Some(s) = &state.staging {
            return Ok(s.clone());
        }
        let staging = disk.new_staging()?;
        state.staging = Some(staging.clone());
        Ok(staging)
    }

    /// Makes the new site visible, all of it at once; see the module documentation.
    pub fn commit(self) -> Result<Committed> {
        let mut state = std::mem::take(&mut *self.lock());
        if state.failed {
            bail!("a file could not be written; the site was left as it was");
        }
        let mode = self.mode;
        match &mut self.output.sink {
            Sink::Memory(files) => {
                if mode == Mode::Fresh {
                    let before: BTreeMap<String, Stamp> =
                        files.iter().map(|(p, (s, _))| (p.clone(), *s)).collect();
                    files.clear();
                    for (path, (stamp, content)) in std::mem::take(&mut state.written) {
                        if let Some(content) = content {
                            files.insert(path, (stamp, content));
                        }
                    }
                    let after = files.iter().map(|(p, (s, _))| (p.clone(), *s)).collect();
                    return Ok(difference(&before, &after));
                }
                // An update: what changed is what was written or removed, without going
                // over the files that stay as they were.
                let committed = delta(
                    |path| files.get(path).map(|(s, _)| *s),
                    &state.written,
                    &state.removed,
                );
                for path in &state.removed {
                    files.remove(path);
                }
                for (path, (stamp, content)) in std::mem::take(&mut state.written) {
                    if let Some(content) = content {
                        files.insert(path, (stamp, content));
                    }
                }
                Ok(Committed {
                    files: files.len(),
                    ..committed
                })
            }
            Sink::Disk(disk) => {
                let before = disk.current.files.clone();
                let mut after = if mode == Mode::Fresh {
                    BTreeMap::new()
                } else {
                    before.clone()
                };
                for path in &state.removed {
                    after.remove(path);
                }
                for (path, (stamp, _)) in &state.written {
                    after.insert(path.clone(), *stamp);
                }
                let committed = if mode == Mode::Fresh {
                    difference(&before, &after)
                } else {
                    Committed {
                        files: after.len(),
                        ..delta(|p| before.get(p).copied(), &state.written, &state.removed)
                    }
                };
                let first = !disk.target().exists();
                if committed.changed.is_empty() && committed.removed.is_empty() && !first {
                    if let Some(staging) = state.staging.take() {
                        let _ = disk::remove_tree(&staging);
                    }
                    return Ok(committed);
                }
                let staging = match state.staging.take() {
                    Some(s) => s,
                    None => disk.new_staging()?,
                };
                let manifest = Manifest { files: after };
                let result = disk.commit(&staging, manifest, &state.staged);
                if result.is_err() {
                    let _ = disk::remove_tree(&staging);
                }
                result.map(|()| committed)
            }
        }
    }
}

impl Drop for Txn<'_> {
    /// A transaction dropped without commit (a failed build) removes its staging folder and
    /// leaves the output as it was.
    fn drop(&mut self) {
        if let Some(staging) = self.lock().staging.take() {
            let _ = disk::remove_tree(&staging);
        }
    }
}

/// What an update commits, from what it wrote and removed and the stamps the site had before
/// (`files` is left for the caller to fill in).
fn delta(
    before: impl Fn(&str) -> Option<Stamp>,
    written: &BTreeMap<String, (Stamp, Option<Content>)>,
    removed: &BTreeSet<String>,
) -> Committed {
    Committed {
        changed: written
            .iter()
            .filter(|(path, (stamp, _))| before(path) != Some(*stamp))
            .map(|(path, _)| path.clone())
            .collect(),
        removed: removed
            .iter()
            .filter(|path| !written.contains_key(*path) && before(path).is_some())
            .cloned()
            .collect(),
        files: 0,
    }
}

fn difference(before: &BTreeMap<String, Stamp>, after: &BTreeMap<String, Stamp>) -> Committed {
    Committed {
        changed: after
            .iter()
            .filter(|(path, stamp)| before.get(*path) != Some(*stamp))
            .map(|(path, _)| path.clone())
            .collect(),
        removed: before
            .keys()
            .filter(|path| !after.contains_key(*path))
            .cloned()
            .collect(),
        files: after.len(),
    }
}

/// Refuses site paths that would leave the output folder.
fn check_relative(path: &str) -> Result<()> {
    if path.is_empty()
        || path.starts_with('/')
        || path
            .split('/')
            .any(|p| p == ".." || p == "." || p.is_empty())
        || path.contains(['\\', '\0'])
        || path == MANIFEST_FILE
    {
        bail!("refusing to write outside the output folder: `{path}`");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
