//! Walking the content folder: which files are notes, which are attachments, what is skipped.

use super::{Asset, display_path};
use crate::diagnostics::{Diagnostic, Diagnostics};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The files found under the content folder.
#[derive(Debug, Default)]
pub struct Found {
    /// Notes as (content-relative path with `/`, absolute path), in path order.
    pub notes: Vec<(String, PathBuf)>,
    /// Attachments by content-relative path.
    pub assets: BTreeMap<String, Asset>,
}

/// Whether a file is a markdown note, by extension. An Excalidraw drawing
/// (`*.excalidraw.md`, the plugin's data) is not: it is shown by its exported image.
pub fn is_note(path: &Path) -> bool {
    let markdown = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    markdown
        && !path
            .file_stem()
            .and_then(|s| s.to_str())
            .is_some_and(|s| s.to_ascii_lowercase().ends_with(".excalidraw"))
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// Walks `content_dir` in a stable order. Hidden files and folders (`.obsidian`, `.git`,
/// `.trash`) and the `exclude` folders are skipped. Symlinks are followed within the site
/// folder `site_root` (paths are shown relative to it); a symlink that leads outside it is
/// skipped, so nothing outside the site is ever published, and one that points back into a
/// folder being walked is reported instead of looping.
pub fn walk(content_dir: &Path, exclude: &[PathBuf], site_root: &Path) -> (Found, Diagnostics) {
    let display_root = site_root;
    let mut found = Found::default();
    let mut diagnostics = Diagnostics::new();
    let allowed = site_root
        .canonicalize()
        .unwrap_or_else(|_| site_root.to_path_buf());
    let mut walker = WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || (!is_hidden(e.file_name()) && !exclude.iter().any(|x| x == e.path()))
        });
    let excluded_real: Vec<PathBuf> = exclude
        .iter()
        .filter_map(|x| x.canonicalize().ok())
        .collect();
    while let Some(entry) = walker.next() {
        if let Ok(entry) = &entry
            && entry.path_is_symlink()
            && let Ok(real) = entry.path().canonicalize()
            && let Some(x) = excluded_real.iter().find(|x| real.starts_with(x))
        {
            diagnostics.push(Diagnostic::error(
                display_path(entry.path(), display_root),
                0,
                0,
                format!(
                    "this symlink leads into the output folder {}; remove the symlink or choose another output folder",
                    display_path(x, display_root).display()
                ),
            ));
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if let Ok(entry) = &entry
            && entry.path_is_symlink()
            && !leads_inside(entry.path(), &allowed)
        {
            diagnostics.push(Diagnostic::warning(
                display_path(entry.path(), display_root),
                0,
                0,
                "symlink leads outside the site folder (skipped)",
            ));
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| display_path(p, display_root))
                    .unwrap_or_default();
                let message = if e.loop_ancestor().is_some() {
                    "symlink loop: this link points back to a folder that contains it (skipped)"
                        .to_string()
                } else {
                    format!("cannot read: {e} (skipped)")
                };
                diagnostics.push(Diagnostic::warning(path, 0, 0, message));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(content_dir) else {
            continue;
        };
        let Some(rel) = to_slash(rel) else {
            let shown = display_path(entry.path(), display_root);
            diagnostics.push(Diagnostic::warning(
                shown,
                0,
                0,
                "file name is not valid UTF-8 (skipped)",
            ));
            continue;
        };
        if is_note(entry.path()) {
            found.notes.push((rel, entry.path().to_path_buf()));
        } else {
            found.assets.insert(
                rel.clone(),
                Asset {
                    path: rel,
                    source: entry.path().to_path_buf(),
                },
            );
        }
    }
    (found, diagnostics)
}

/// Whether a path, with its symlinks resolved, is inside `root` (already canonical).
pub fn leads_inside(path: &Path, root: &Path) -> bool {
    path.canonicalize().is_ok_and(|real| real.starts_with(root))
}

/// A relative path as a `/`-separated string, or `None` when it is not UTF-8.
pub fn to_slash(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    parts.map(|p| p.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn walk_finds_notes_and_assets_and_skips_hidden_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("ec2/img")).unwrap();
        fs::create_dir_all(root.join(".obsidian")).unwrap();
        fs::create_dir_all(root.join("public")).unwrap();
        fs::write(root.join("ec2/pricing.md"), "x").unwrap();
        fs::write(root.join("ec2/img/a.svg"), "<svg/>").unwrap();
        fs::write(root.join(".obsidian/workspace.md"), "x").unwrap();
        fs::write(root.join("public/old.md"), "x").unwrap();
        fs::write(root.join("Index.MD"), "x").unwrap();
        let (found, diags) = walk(root, &[root.join("public")], root);
        assert!(diags.is_empty(), "{diags:?}");
        let notes: Vec<_> = found.notes.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(notes, ["Index.MD", "ec2/pricing.md"]);
        let assets: Vec<_> = found.assets.keys().map(String::as_str).collect();
        assert_eq!(assets, ["ec2/img/a.svg"]);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_leading_outside_the_site_are_skipped() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.md"), "x").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("content/inner")).unwrap();
        fs::write(root.join("content/inner/ok.md"), "x").unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("content/out")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.md"), root.join("content/s.md"))
            .unwrap();
        std::os::unix::fs::symlink(root.join("content/inner"), root.join("content/alias")).unwrap();
        let (found, diags) = walk(&root.join("content"), &[], root);
        let notes: Vec<_> = found.notes.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(notes, ["alias/ok.md", "inner/ok.md"]);
        assert_eq!(diags.len(), 2, "{diags:?}");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_reported_not_followed_forever() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("a")).unwrap();
        fs::write(root.join("a/n.md"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("a/loop")).unwrap();
        let (found, diags) = walk(root, &[], root);
        assert_eq!(found.notes.len(), 1);
        assert_eq!(diags.len(), 1);
        assert!(
            diags
                .iter()
                .next()
                .unwrap()
                .message
                .contains("symlink loop")
        );
    }
}
