//! Files left out of the site: `exclude` globs from `studysite.toml`, and in an Obsidian vault
//! its templates folder (`.obsidian/templates.json`) and its excluded files
//! (`.obsidian/app.json` `userIgnoreFilters`). An ignored file is never read nor published.

use crate::search::glob;
use std::path::Path;

/// What to leave out, as content paths (`a/b/note.md`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ignore {
    /// Gitignore-style globs.
    globs: Vec<String>,
    /// Folders or files given as paths (Obsidian's settings), without a trailing `/`.
    prefixes: Vec<String>,
}

impl Ignore {
    /// The `exclude` globs of the config and the vault settings found at or above
    /// `content_dir` (absolute).
    pub fn new(globs: &[String], content_dir: &Path) -> Ignore {
        let mut ignore = Ignore {
            globs: globs.to_vec(),
            prefixes: Vec::new(),
        };
        let Some(vault) = content_dir
            .ancestors()
            .find(|dir| dir.join(".obsidian").is_dir())
        else {
            return ignore;
        };
        let settings = vault.join(".obsidian");
        let read = |name: &str| -> Option<serde_json::Value> {
            let text = std::fs::read_to_string(settings.join(name)).ok()?;
            serde_json::from_str(&text).ok()
        };
        let mut paths = Vec::new();
        if let Some(folder) = read("templates.json")
            .as_ref()
            .and_then(|v| v.get("folder"))
            .and_then(|f| f.as_str())
        {
            paths.push(folder.to_string());
        }
        if let Some(filters) = read("app.json")
            .as_ref()
            .and_then(|v| v.get("userIgnoreFilters"))
            .and_then(|f| f.as_array())
        {
            // A filter written `/regex/` is a regular expression; those are not followed.
            paths.extend(
                filters
                    .iter()
                    .filter_map(|f| f.as_str())
                    .filter(|f| !(f.len() > 1 && f.starts_with('/') && f.ends_with('/')))
                    .map(str::to_string),
            );
        }
        // Vault paths, made relative to the content folder when the vault is above it.
        let below = content_dir
            .strip_prefix(vault)
            .ok()
            .and_then(super::walk::to_slash)
            .unwrap_or_default();
        for path in paths {
            let path = path.trim().trim_matches('/');
            if path.is_empty() {
                continue;
            }
            let rel = if below.is_empty() {
                Some(path)
            } else {
                path.strip_prefix(below.as_str())
                    .and_then(|p| p.strip_prefix('/'))
            };
            if let Some(rel) = rel {
                ignore.prefixes.push(rel.to_string());
            }
        }
        ignore
    }

    /// Whether the file at content path `rel` is left out.
    pub fn ignores(&self, rel: &str) -> bool {
        self.prefixes.iter().any(|p| {
            rel == p
                || rel
                    .strip_prefix(p.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        }) || self.globs.iter().any(|g| gitignore_matches(g, rel))
    }

    /// Whether nothing is left out.
    pub fn is_empty(&self) -> bool {
        self.globs.is_empty() && self.prefixes.is_empty()
    }
}

/// Gitignore-style: a pattern without a `/` (other than a trailing one) matches a name at any
/// depth; a pattern matching a folder leaves out everything in it; a trailing `/` matches
/// folders only.
pub fn gitignore_matches(pattern: &str, rel: &str) -> bool {
    let pattern = pattern.trim().trim_start_matches("./");
    let folder_only = pattern.ends_with('/');
    let pattern = pattern.trim_end_matches('/');
    if pattern.is_empty() {
        return false;
    }
    let owned;
    let pattern = if pattern.contains('/') {
        pattern
    } else {
        owned = format!("**/{pattern}");
        owned.as_str()
    };
    // The path's folders, then (unless only folders match) the path itself.
    let mut ends: Vec<usize> = rel.match_indices('/').map(|(i, _)| i).collect();
    if !folder_only {
        ends.push(rel.len());
    }
    ends.into_iter()
        .any(|end| glob::matches(pattern, &rel[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_as_gitignore_does() {
        assert!(gitignore_matches("*.bak", "a/b/old.bak"));
        assert!(gitignore_matches("*.bak", "old.bak"));
        assert!(!gitignore_matches("*.bak", "old.bak.md"));
        assert!(gitignore_matches("drafts/**", "drafts/x/y.md"));
        assert!(!gitignore_matches("drafts/**", "notes/drafts.md"));
        assert!(gitignore_matches("private/", "private/a.md"));
        assert!(gitignore_matches("private/", "x/private/a.md"));
        assert!(!gitignore_matches("private/", "private"));
        assert!(gitignore_matches("archive", "archive/old/a.md"));
        assert!(gitignore_matches("notes/secret.md", "notes/secret.md"));
        assert!(!gitignore_matches("notes/secret.md", "x/notes/secret.md"));
    }

    #[test]
    fn obsidian_settings_name_folders_of_the_vault() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path();
        std::fs::create_dir_all(vault.join(".obsidian")).unwrap();
        std::fs::write(
            vault.join(".obsidian/templates.json"),
            r#"{"folder": "notes/Templates"}"#,
        )
        .unwrap();
        std::fs::write(
            vault.join(".obsidian/app.json"),
            r#"{"userIgnoreFilters": ["notes/Archive/", "/^x/", "Elsewhere"]}"#,
        )
        .unwrap();
        let ignore = Ignore::new(&[], &vault.join("notes"));
        assert!(ignore.ignores("Templates/Daily.md"));
        assert!(ignore.ignores("Archive/2020/old.md"));
        assert!(!ignore.ignores("Templates.md"));
        assert!(!ignore.ignores("x/a.md"));
        assert!(!ignore.ignores("Elsewhere/a.md"));
    }
}
