//! The site: every note with what parsing found, its title and its place, plus the navigation
//! tree. Built once from the vault and the parsed notes; later stages only read it.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::ParsedNote;
use crate::nav::{Nav, NoteInfo, PageKey};
use crate::paths;
use crate::vault::{Asset, Note, NoteId};
use std::collections::{BTreeMap, BTreeSet};

/// A note ready for linking and rendering.
#[derive(Debug, Clone)]
pub struct Page {
    /// The note as loaded.
    pub note: Note,
    /// What parsing found.
    pub parsed: ParsedNote,
    /// Front matter title, else the first `# heading`, else the file name.
    pub title: String,
    /// Its site path (`ec2/pricing/`; a section index has its folder's path).
    pub path: String,
}

impl Page {
    /// A page for a parsed note: its flashcards chosen, its title and site path worked out.
    pub fn new(note: Note, parsed: ParsedNote, config: &Config) -> Page {
        let mut parsed = parsed;
        // The note's flashcards, chosen by its front matter (runs once per parse).
        crate::cards::prepare(&note, &mut parsed, config);
        let title = title_of(&note, &parsed, &config.title);
        let path = path_of(&note.id);
        Page {
            note,
            parsed,
            title,
            path,
        }
    }

    /// The navigation key of the page this note is shown on.
    pub fn key(&self) -> PageKey {
        if self.note.id.is_section_index() {
            PageKey::Section(self.note.id.folder().to_string())
        } else {
            PageKey::Note(self.note.id.clone())
        }
    }
}

/// The whole site, before links are resolved.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// The configuration.
    pub config: Config,
    /// Every note, including `_index.md` files.
    pub pages: BTreeMap<NoteId, Page>,
    /// Attachments.
    pub assets: BTreeMap<String, Asset>,
    /// Sections, order and sidebar.
    pub nav: Nav,
}

/// The title of a note: front matter, first level-1 heading, file name (a section's folder
/// name; the site title for the top `_index.md`).
pub fn title_of(note: &Note, parsed: &ParsedNote, site_title: &str) -> String {
    if let Some(t) = note
        .front
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        return t.to_string();
    }
    if let Some(h1) = parsed.first_h1().filter(|t| !t.is_empty()) {
        return h1.to_string();
    }
    if note.id.is_section_index() {
        let folder = note.id.folder();
        if folder.is_empty() {
            return site_title.to_string();
        }
        return folder.rsplit('/').next().unwrap_or(folder).to_string();
    }
    note.id.stem().to_string()
}

/// The site path of a note's page.
pub fn path_of(id: &NoteId) -> String {
    if id.is_section_index() {
        paths::folder_path(id.folder())
    } else {
        paths::note_path(id.folder(), id.stem())
    }
}

/// Puts notes and parsed notes together and builds the navigation. Two pages that would be
/// written to the same URL are errors.
pub fn assemble(
    config: Config,
    notes: Vec<(Note, ParsedNote)>,
    assets: BTreeMap<String, Asset>,
    folders: BTreeSet<String>,
) -> (Site, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let mut pages = BTreeMap::new();
    for (note, parsed) in notes {
        pages.insert(note.id.clone(), Page::new(note, parsed, &config));
    }
    check_collisions(&pages, &folders, &mut diagnostics);
    let nav = build_nav(&pages, folders, &config.title);
    (
        Site {
            config,
            pages,
            assets,
            nav,
        },
        diagnostics,
    )
}

/// Every folder that holds a note (directly or below it), and the top folder.
pub fn folders_of<'a>(ids: impl IntoIterator<Item = &'a NoteId>) -> BTreeSet<String> {
    let mut folders = BTreeSet::new();
    folders.insert(String::new());
    for id in ids {
        crate::vault::add_folders(&mut folders, id.folder());
    }
    folders
}

/// The navigation tree of a set of pages.
pub fn build_nav(
    pages: &BTreeMap<NoteId, Page>,
    folders: BTreeSet<String>,
    site_title: &str,
) -> Nav {
    let mut infos = Vec::new();
    let mut index = BTreeMap::new();
    for page in pages.values() {
        if page.note.id.is_section_index() {
            index.insert(
                page.note.id.folder().to_string(),
                (
                    page.note.id.clone(),
                    page.title.clone(),
                    page.note.front.weight,
                ),
            );
        } else {
            infos.push(NoteInfo {
                id: page.note.id.clone(),
                title: page.title.clone(),
                weight: page.note.front.weight,
                path: page.path.clone(),
            });
        }
    }
    Nav::build(infos, folders, &index, site_title)
}

/// Reports pages that would be written to the same URL.
pub fn check_collisions(
    pages: &BTreeMap<NoteId, Page>,
    folders: &BTreeSet<String>,
    diagnostics: &mut Diagnostics,
) {
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    for folder in folders {
        let path = paths::folder_path(folder);
        let shown = if folder.is_empty() {
            "the home page".to_string()
        } else {
            format!("folder `{folder}/`")
        };
        owners.insert(path, shown);
    }
    for page in pages.values() {
        if page.note.id.is_section_index() {
            continue;
        }
        let owner = format!("note `{}`", page.note.id);
        match owners.get(page.path.as_str()) {
            Some(other) => diagnostics.push(Diagnostic::error(
                &page.note.file,
                0,
                0,
                format!(
                    "two pages map to the URL `/{}`: this note and {other}; rename one of them",
                    page.path
                ),
            )),
            None => {
                owners.insert(page.path.clone(), owner);
            }
        }
    }
}
