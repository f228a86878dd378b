//! Loading: the notes, sections and attachments of a site's content folder.
//!
//! `load` walks the folder, reads every note (in parallel) and splits off its front matter.
//! Nothing here knows about markdown or HTML.

pub mod fix_mojibake;
pub mod front_matter;
pub mod ignore;
pub mod mojibake;
pub mod walk;

pub use front_matter::FrontMatter;
pub use walk::{Found, walk};

use crate::diagnostics::{Diagnostic, Diagnostics};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A note's path relative to the content folder, with `/` separators: `ec2/pricing.md`.
/// Notes are keyed by it everywhere; relations between notes hold ids, not references.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct NoteId(Arc<str>);

impl NoteId {
    /// Wraps a content-relative path with `/` separators.
    pub fn new(path: &str) -> Self {
        Self(Arc::from(path))
    }

    /// The content-relative path.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The folder the note is in (`""` at the top).
    pub fn folder(&self) -> &str {
        self.0.rfind('/').map_or("", |i| &self.0[..i])
    }

    /// The file name without `.md`: `pricing` for `ec2/pricing.md`.
    pub fn stem(&self) -> &str {
        let name = self.0.rsplit('/').next().unwrap_or(&self.0);
        name.rsplit_once('.').map_or(name, |(stem, _)| stem)
    }

    /// Whether this is a folder's `_index.md`, which holds the section's own text.
    pub fn is_section_index(&self) -> bool {
        self.stem() == "_index"
    }
}

/// A note id is looked up by its path: the two order, compare and hash alike.
impl std::borrow::Borrow<str> for NoteId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NoteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One markdown note as read from disk.
#[derive(Debug, Clone)]
pub struct Note {
    /// Its key.
    pub id: NoteId,
    /// The path to show in diagnostics (relative to the site root).
    pub file: PathBuf,
    /// Front matter (default when there is none).
    pub front: FrontMatter,
    /// The markdown after the front matter.
    pub body: String,
    /// Lines before the body in the file (front matter), to report file lines.
    pub body_line_offset: usize,
    /// A digest of the whole file: equal digests, equal notes.
    pub source_hash: u64,
    /// When the file was last modified, in seconds since 1970 (the feed's date for notes
    /// without `updated` or `date`).
    pub modified: Option<i64>,
    /// Problems with the file's text itself (mojibake), with file positions.
    pub warnings: Vec<Diagnostic>,
}

/// A file that is not a note (image, PDF, …), copied to the same relative path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Content-relative path with `/` separators.
    pub path: String,
    /// Where to read it from.
    pub source: PathBuf,
}

/// Everything in the content folder.
#[derive(Debug, Clone, Default)]
pub struct Vault {
    /// Notes by id, in path order.
    pub notes: BTreeMap<NoteId, Note>,
    /// Attachments by content-relative path.
    pub assets: BTreeMap<String, Asset>,
    /// Every folder that holds a note, directly or below it, including `""` for the top.
    pub folders: BTreeSet<String>,
}

/// What `load` needs to know.
#[derive(Debug, Clone)]
pub struct LoadOptions<'a> {
    /// The content folder.
    pub content_dir: &'a Path,
    /// How to show paths in diagnostics: they are made relative to this folder.
    pub display_root: &'a Path,
    /// Folders never to walk into (the output folder when it sits inside the content).
    pub exclude: Vec<PathBuf>,
    /// Whether drafts are kept.
    pub drafts: bool,
    /// Files left out (`exclude` globs, Obsidian's templates folder and excluded files).
    pub ignore: ignore::Ignore,
}

/// Walks and reads the content folder. Problems with single files become diagnostics;
/// the other files still load.
pub fn load(options: &LoadOptions<'_>) -> (Vault, Diagnostics) {
    let (mut found, mut diagnostics) =
        walk(options.content_dir, &options.exclude, options.display_root);
    found.notes.retain(|(rel, _)| !options.ignore.ignores(rel));
    found.assets.retain(|rel, _| !options.ignore.ignores(rel));
    type Read = (Result<Option<Note>, Diagnostic>, Option<Asset>);
    let read: Vec<Read> = found
        .notes
        .par_iter()
        .map(|(rel, abs)| {
            let note = read_note(rel, abs, options);
            // Left out: a draft, or a drawing, which is an attachment.
            let drawing = matches!(note, Ok(None))
                .then(|| drawing(rel, abs))
                .flatten();
            (note, drawing)
        })
        .collect();
    let mut vault = Vault {
        assets: found.assets,
        ..Vault::default()
    };
    vault.folders.insert(String::new());
    for (result, drawing) in read {
        if let Some(asset) = drawing {
            vault.assets.insert(asset.path.clone(), asset);
        }
        match result {
            Ok(Some(note)) => {
                add_folders(&mut vault.folders, note.id.folder());
                vault.notes.insert(note.id.clone(), note);
            }
            Ok(None) => {}
            Err(d) => diagnostics.push(d),
        }
    }
    (vault, diagnostics)
}

/// Adds a folder and all its ancestors to a set of folders.
pub fn add_folders(folders: &mut BTreeSet<String>, mut folder: &str) {
    while !folder.is_empty() && folders.insert(folder.to_string()) {
        folder = folder.rfind('/').map_or("", |i| &folder[..i]);
    }
}

/// Whether a note is an Excalidraw drawing (the plugin's data, with front matter
/// `excalidraw-plugin`): it is not a note but an attachment, shown by its exported image.
pub fn is_drawing(front: &FrontMatter) -> bool {
    front.extra.contains_key("excalidraw-plugin")
}

/// The markdown file at `abs` as an attachment, when it is an Excalidraw drawing.
pub fn drawing(rel: &str, abs: &Path) -> Option<Asset> {
    let text = std::fs::read_to_string(abs).ok()?;
    let split = front_matter::split(&text).ok()?;
    is_drawing(&split.front).then(|| Asset {
        path: rel.to_string(),
        source: abs.to_path_buf(),
    })
}

/// The path to show for a file: relative to `root` when it is below it.
pub fn display_path(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Reads one note (`rel` is its content-relative path); `Ok(None)` for a draft that is left
/// out.
pub fn read_note(
    rel: &str,
    abs: &Path,
    options: &LoadOptions<'_>,
) -> Result<Option<Note>, Diagnostic> {
    let file = display_path(abs, options.display_root);
    let (bytes, modified) = read_with_time(abs)
        .map_err(|e| Diagnostic::error(&file, 0, 0, format!("cannot read note: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // Everything before the bad byte is valid, so it can be counted as text.
        let text = std::str::from_utf8(valid).unwrap_or("");
        let (line, col) = crate::diagnostics::line_col(text, text.len());
        Diagnostic::error(
            &file,
            line,
            col,
            "note is not valid UTF-8 text; save it as UTF-8 (the first bad byte is here)",
        )
    })?;
    let mut split = front_matter::split(&text)
        .map_err(|e| Diagnostic::error(&file, e.line, e.col, e.message))?;
    if (split.front.draft && !options.drafts) || is_drawing(&split.front) {
        return Ok(None);
    }
    let mut warnings = mojibake::warnings(&text, &file);
    for w in std::mem::take(&mut split.warnings) {
        warnings.push(Diagnostic::warning(&file, w.line, w.col, w.message));
    }
    // Tags too big to be pages are left out, with a warning at the `tags` line.
    split.front.tags.retain(|tag| {
        let Some(why) = crate::markdown::tags::too_big(tag) else {
            return true;
        };
        let line = text
            .lines()
            .take(split.body_line_offset)
            .position(|l| l.trim_start().starts_with("tags"))
            .map_or(1, |i| i + 1);
        let message = format!("{why}: not made a tag page");
        warnings.push(Diagnostic::warning(&file, line, 1, message));
        false
    });
    Ok(Some(Note {
        id: NoteId::new(rel),
        file,
        front: split.front,
        body: split.body.to_string(),
        body_line_offset: split.body_line_offset,
        source_hash: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
        modified,
        warnings,
    }))
}

/// A file's bytes and modification time, from one open.
fn read_with_time(path: &Path) -> std::io::Result<(Vec<u8>, Option<i64>)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    let modified = meta
        .modified()
        .ok()
        .and_then(crate::publish::dates::of_system_time);
    Ok((bytes, modified))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_id_parts() {
        let id = NoteId::new("compute/ec2/pricing.md");
        assert_eq!(id.folder(), "compute/ec2");
        assert_eq!(id.stem(), "pricing");
        assert!(!id.is_section_index());
        let top = NoteId::new("readme.md");
        assert_eq!(top.folder(), "");
        assert!(NoteId::new("ec2/_index.md").is_section_index());
    }

    #[test]
    fn folders_include_every_ancestor() {
        let mut set = BTreeSet::new();
        add_folders(&mut set, "a/b/c");
        add_folders(&mut set, "a/d");
        let list: Vec<_> = set.into_iter().collect();
        assert_eq!(list, ["a", "a/b", "a/b/c", "a/d"]);
    }
}
