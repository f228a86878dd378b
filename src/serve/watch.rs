//! Watching the site's folders: file-system events are debounced into batches, and each batch
//! is classified into [`Changes`] by a pure function that tests can call without a watcher.

use crate::build::Project;
use crate::config::CONFIG_FILE;
use crate::session::Changes;
use anyhow::{Context, Result};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long the folders must be quiet before a batch of events is handled.
pub const QUIET: Duration = Duration::from_millis(15);
/// The longest a batch waits while events keep coming.
pub const MAX_WAIT: Duration = Duration::from_millis(250);

/// The folders of a project, as the watcher sees them.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The site root.
    pub root: PathBuf,
    /// Notes.
    pub content: PathBuf,
    /// Template overrides.
    pub templates: PathBuf,
    /// Static files.
    pub statics: PathBuf,
    /// The output folder (never watched).
    pub output: PathBuf,
}

impl Paths {
    /// The paths of a project, made absolute so they compare with event paths.
    pub fn of(project: &Project) -> Paths {
        let abs = |p: &Path| p.canonicalize().unwrap_or_else(|_| absolute(p));
        let root = abs(&project.root);
        Paths {
            content: abs(&project.content_dir),
            templates: abs(&project.templates_dir),
            statics: abs(&project.static_dir),
            output: abs(&project.output_dir),
            root,
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    }
}

/// Whether a path is an editor's scratch file rather than a real one: hidden files, backups
/// (`note.md~`), swap files (`.swp`, `.swx`), temporary saves (`.tmp`, `.part`, `.crdownload`)
/// and Vim's `4913` probe.
pub fn is_scratch(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swx", ".tmp", ".part", ".crdownload", ".bak"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// Sorts a batch of changed paths into what they mean for the site. Scratch files, hidden
/// folders and the output folder are left out.
pub fn classify(paths: &[PathBuf], dirs: &Paths) -> Changes {
    let mut changes = Changes::default();
    for path in paths {
        let path = absolute(path);
        if path.starts_with(&dirs.output) || is_scratch(&path) {
            continue;
        }
        let hidden = |base: &Path| {
            path.strip_prefix(base)
                .map(|rel| {
                    rel.components()
                        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
                })
                .unwrap_or(true)
        };
        if path == dirs.root.join(CONFIG_FILE) {
            changes.config = true;
        } else if path.starts_with(&dirs.templates) && dirs.templates != dirs.content {
            if !hidden(&dirs.templates) {
                changes.templates.insert(path);
            }
        } else if path.starts_with(&dirs.statics) && dirs.statics != dirs.content {
            if !hidden(&dirs.statics) {
                changes.statics.insert(path);
            }
        } else if path.starts_with(&dirs.content) && !hidden(&dirs.content) {
            changes.content.insert(path);
        }
    }
    changes
}

/// A running file-system watcher on a project's folders.
pub struct FolderWatcher {
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    dirs: Paths,
    /// The folders watched recursively now.
    watched: Vec<PathBuf>,
}

impl FolderWatcher {
    /// Starts watching the content, templates and static folders and the config file.
    pub fn start(dirs: Paths) -> Result<FolderWatcher> {
        let (tx, events) = channel();
        let mut watcher =
            notify::recommended_watcher(tx).context("cannot start the file watcher")?;
        if dirs.root != dirs.content {
            // The root itself, not recursively: the config file, and the content, templates
            // and static folders when they are created, moved or removed.
            watcher
                .watch(&dirs.root, RecursiveMode::NonRecursive)
                .with_context(|| format!("cannot watch {}", dirs.root.display()))?;
        }
        let mut this = FolderWatcher {
            watcher,
            events,
            dirs,
            watched: Vec::new(),
        };
        this.rewatch();
        if !this.watched.contains(&this.dirs.content) {
            anyhow::bail!("cannot watch {}", this.dirs.content.display());
        }
        Ok(this)
    }

    /// Watches the content, templates and static folders that exist now (after one was
    /// created, or moved away and back): a folder replaced by another of the same name is
    /// watched afresh.
    fn rewatch(&mut self) {
        for dir in std::mem::take(&mut self.watched) {
            let _ = self.watcher.unwatch(&dir);
        }
        let dirs = [&self.dirs.content, &self.dirs.templates, &self.dirs.statics];
        for (i, dir) in dirs.into_iter().enumerate() {
            let inside = i > 0 && dir.starts_with(&self.dirs.content);
            if dir.is_dir() && !inside && self.watcher.watch(dir, RecursiveMode::Recursive).is_ok()
            {
                self.watched.push(dir.clone());
            }
        }
    }

    /// Waits up to `timeout` for the next batch of changes; `None` if nothing happened. A
    /// batch ends when the folders have been quiet for [`QUIET`], or after [`MAX_WAIT`].
    pub fn next_batch(&mut self, timeout: Duration) -> Option<Changes> {
        let first = match self.events.recv_timeout(timeout) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => return None,
        };
        let started = Instant::now();
        let mut paths: Vec<PathBuf> = Vec::new();
        let mut add = |event: notify::Result<notify::Event>| {
            if let Ok(event) = event
                && !matches!(event.kind, notify::EventKind::Access(_))
            {
                paths.extend(event.paths);
            }
        };
        add(first);
        while started.elapsed() < MAX_WAIT {
            match self.events.recv_timeout(QUIET) {
                Ok(event) => add(event),
                Err(_) => break,
            }
        }
        paths.sort();
        paths.dedup();
        let dirs = [&self.dirs.content, &self.dirs.templates, &self.dirs.statics];
        if paths.iter().any(|p| dirs.contains(&p)) {
            self.rewatch();
        }
        Some(classify(&paths, &self.dirs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirs() -> Paths {
        let root = PathBuf::from("/site");
        Paths {
            content: root.join("content"),
            templates: root.join("templates"),
            statics: root.join("static"),
            output: root.join("public"),
            root,
        }
    }

    #[test]
    fn batches_are_sorted_by_what_they_touch() {
        let paths: Vec<PathBuf> = [
            "/site/studysite.toml",
            "/site/templates/page.html",
            "/site/static/style.css",
            "/site/content/ec2/pricing.md",
            "/site/content/new-folder",
            "/site/public/index.html",
            "/site/content/.obsidian/workspace.json",
            "/site/content/ec2/.pricing.md.swp",
            "/site/content/ec2/pricing.md~",
            "/site/content/ec2/4913",
            "/site/README.md",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let changes = classify(&paths, &dirs());
        assert!(changes.config);
        assert_eq!(changes.templates.len(), 1);
        assert_eq!(changes.statics.len(), 1);
        let content: Vec<_> = changes
            .content
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(
            content,
            ["/site/content/ec2/pricing.md", "/site/content/new-folder"]
        );
    }

    #[test]
    fn a_bare_vault_is_all_content_except_the_output() {
        let mut d = dirs();
        d.content = d.root.clone();
        let paths = [
            PathBuf::from("/site/notes/a.md"),
            PathBuf::from("/site/public/a/index.html"),
        ];
        let changes = classify(&paths, &d);
        assert_eq!(changes.content.len(), 1);
    }

    #[test]
    fn scratch_files_are_recognised() {
        for name in [
            "/a/.x.md.swp",
            "/a/x.md~",
            "/a/x.md.tmp",
            "/a/4913",
            "/a/.hidden",
        ] {
            assert!(is_scratch(Path::new(name)), "{name}");
        }
        assert!(!is_scratch(Path::new("/a/note.md")));
    }
}
