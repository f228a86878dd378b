//! The site: every note with what parsing found, its title and its place, plus the navigation
//! tree. Assembled from the parsed notes; later stages only read it.
//!
//! Which note is a folder's own page: `_index.md`, `index.md`, `README.md` or a note named
//! like its folder (`People/People.md`), inside the folder, else a note beside the folder with
//! its name (`People.md` next to `People/`, Obsidian's folder notes). At the top, `_index.md`,
//! `index.md`, `Home.md` or `README.md` is the home page.

use crate::config::{Config, TitleFrom};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::ParsedNote;
use crate::nav::{Nav, NoteInfo, PageKey};
use crate::paths;
use crate::vault::{Asset, Note, NoteId};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A note ready for linking and rendering.
#[derive(Debug, Clone)]
pub struct Page {
    /// The note as loaded.
    pub note: Note,
    /// What parsing found.
    pub parsed: ParsedNote,
    /// Its title (see [`title_of`]).
    pub title: String,
    /// Its site path (`ec2/pricing/`; a folder's page has its folder's path).
    pub path: String,
    /// The folder whose page this note is, if it is one.
    pub section: Option<String>,
}

impl Page {
    /// The navigation key of the page this note is shown on.
    pub fn key(&self) -> PageKey {
        match &self.section {
            Some(folder) => PageKey::Section(folder.clone()),
            None => PageKey::Note(self.note.id.clone()),
        }
    }
}

/// How titles are chosen: see [`title_of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TitleRules {
    /// Whether a note's first `# heading` names it (else its file name does).
    pub from_heading: bool,
}

impl TitleRules {
    /// The rules for a site: `title_from`, else file names in an Obsidian vault (as Obsidian
    /// shows notes) and headings elsewhere.
    pub fn new(config: &Config, obsidian: bool) -> TitleRules {
        let from_heading = match config.title_from {
            TitleFrom::Heading => true,
            TitleFrom::Filename => false,
            TitleFrom::Auto => !obsidian,
        };
        TitleRules { from_heading }
    }
}

/// The whole site, before links are resolved.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// The configuration.
    pub config: Config,
    /// Every note, folder pages included.
    pub pages: BTreeMap<NoteId, Page>,
    /// Attachments, by content path.
    pub assets: BTreeMap<String, Asset>,
    /// Attachments' site paths (an attachment on a reserved name is published beside it).
    pub asset_paths: BTreeMap<String, String>,
    /// Sections, order and sidebar.
    pub nav: Nav,
}

impl Site {
    /// The site path of an attachment.
    pub fn asset_path<'a>(&'a self, content_path: &'a str) -> &'a str {
        self.asset_paths
            .get(content_path)
            .map_or(content_path, String::as_str)
    }
}

/// The title of a note: front matter; then its first `# heading` when the rules say so; then
/// its file name (a folder's page: the folder's name; the home page:
/// the site title).
pub fn title_of(
    note: &Note,
    parsed: &ParsedNote,
    section: Option<&str>,
    rules: TitleRules,
    site_title: &str,
) -> String {
    if let Some(t) = note
        .front
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        return t.to_string();
    }
    if rules.from_heading
        && let Some(h1) = parsed.first_h1().filter(|t| !t.is_empty())
    {
        return h1.to_string();
    }
    match section {
        Some("") => site_title.to_string(),
        Some(folder) => folder.rsplit('/').next().unwrap_or(folder).to_string(),
        None => note.id.stem().to_string(),
    }
}

/// Which note is each folder's page (see the module documentation), given every note and
/// every folder.
pub fn section_pages<'a>(
    ids: impl IntoIterator<Item = &'a NoteId>,
    folders: &BTreeSet<String>,
) -> BTreeMap<String, NoteId> {
    // Candidates per folder with their rank: lower wins.
    let mut best: BTreeMap<String, (u8, NoteId)> = BTreeMap::new();
    for id in ids {
        let stem = id.stem().to_lowercase();
        let folder = id.folder();
        let folder_name = folder.rsplit('/').next().unwrap_or("").to_lowercase();
        let inside = match stem.as_str() {
            "_index" => Some(0),
            "index" => Some(1),
            "readme" => Some(2),
            "home" if folder.is_empty() => Some(3),
            s if !folder.is_empty() && s == folder_name => Some(3),
            _ => None,
        };
        let mut offer = |f: String, rank: u8| {
            let better = best
                .get(&f)
                .is_none_or(|(r, other)| (rank, id.as_str()) < (*r, other.as_str()));
            if better {
                best.insert(f, (rank, id.clone()));
            }
        };
        if let Some(rank) = inside {
            offer(folder.to_string(), rank);
        }
        // `People.md` beside `People/`.
        let beside = if folder.is_empty() {
            id.stem().to_string()
        } else {
            format!("{folder}/{}", id.stem())
        };
        if folders.contains(&beside) {
            offer(beside, 4);
        }
    }
    best.into_iter().map(|(f, (_, id))| (f, id)).collect()
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

/// Puts notes and parsed notes together: titles, folder pages, site paths, navigation. Pages
/// that would land on the same URL get distinct ones (with a warning); notes and folders on a
/// name the site uses itself are published beside it.
pub fn assemble(
    config: Config,
    notes: Vec<(Note, ParsedNote)>,
    assets: BTreeMap<String, Asset>,
    rules: TitleRules,
) -> (Site, Diagnostics) {
    let mut site = Site {
        config,
        assets,
        ..Site::default()
    };
    for (note, parsed) in notes {
        site.pages.insert(
            note.id.clone(),
            Page {
                note,
                parsed,
                title: String::new(),
                path: String::new(),
                section: None,
            },
        );
    }
    let (diagnostics, _) = arrange(&mut site, rules);
    (site, diagnostics)
}

/// Works out every page's section, title and path and the navigation again (after notes were
/// added, removed or changed). Cheap: no markdown is touched. Returns the diagnostics, and the
/// pages whose path is new (a page new to the site included).
pub fn arrange(site: &mut Site, rules: TitleRules) -> (Diagnostics, Vec<NoteId>) {
    let mut diagnostics = Diagnostics::new();
    let folders = folders_of(site.pages.keys());
    let sections = section_pages(site.pages.keys(), &folders);
    // Looked up for every note: hashed fast (ids are not chosen by an attacker).
    let section_of: HashMap<&NoteId, &str, crate::hash::FastHash> =
        sections.iter().map(|(f, id)| (id, f.as_str())).collect();
    let site_title = site.config.title.clone();
    let folder_paths = folder_site_paths(&folders, &mut diagnostics);
    let mut owners: BTreeMap<String, String> = folder_paths
        .iter()
        .map(|(folder, path)| (path.clone(), folder.clone()))
        .collect();
    let mut moved = Vec::new();
    for (id, page) in site.pages.iter_mut() {
        let section = section_of.get(id).map(|f| f.to_string());
        let title = title_of(
            &page.note,
            &page.parsed,
            section.as_deref(),
            rules,
            &site_title,
        );
        let path = match &section {
            Some(folder) => folder_paths[folder.as_str()].clone(),
            None => {
                let wanted = note_site_path(page, &folder_paths, &mut diagnostics);
                distinct_path(wanted, page, &mut owners, &mut diagnostics)
            }
        };
        // Most pages keep their title and path: the strings they have stay (freeing 10,000
        // old strings, made on other threads, took a fifth of this at 10,000 notes).
        if page.title != title {
            page.title = title;
        }
        if page.path != path {
            page.path = path;
            moved.push(id.clone());
        }
        page.section = section;
    }
    site.asset_paths = site
        .assets
        .keys()
        .filter_map(|path| {
            let (moved, reserved) = paths::publish_path(path);
            reserved.map(|_| (path.clone(), moved))
        })
        .collect();
    let nav = build_nav(site, folders, &folder_paths);
    crate::drop_later(std::mem::replace(&mut site.nav, nav));
    (diagnostics, moved)
}

/// After notes changed without coming, going or moving in their folders' order: their titles
/// again, in the pages and in the navigation.
pub fn retitle<'a>(site: &mut Site, ids: impl IntoIterator<Item = &'a NoteId>, rules: TitleRules) {
    let site_title = site.config.title.clone();
    for id in ids {
        let Some(page) = site.pages.get_mut(id) else {
            continue;
        };
        let title = title_of(
            &page.note,
            &page.parsed,
            page.section.as_deref(),
            rules,
            &site_title,
        );
        if title != page.title {
            page.title = title.clone();
            site.nav.set_title(&page.key(), title);
        }
    }
}

/// Warnings about the site as a whole: many notes with one title.
pub fn title_warnings(site: &Site) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    report_shared_titles(site, &mut diagnostics);
    diagnostics
}

/// A folder's site path, moved off a reserved name (warned once, at the folder).
fn folder_site_path(folder: &str, diagnostics: &mut Diagnostics) -> String {
    let (path, reserved) = paths::publish_path(&paths::folder_path(folder));
    if let Some(what) = reserved
        && !folder.contains('/')
    {
        diagnostics.push(Diagnostic::warning(
            folder,
            0,
            0,
            format!(
                "the folder's URL `/{}` is {what}; its pages are published under `/{path}`",
                paths::folder_path(folder)
            ),
        ));
    }
    path
}

/// Every folder's site path: its parent's, then its own name. A folder whose path another
/// has already (`EC2/` and `ec2/`, which differ only in case) gets `-2`, `-3`… with a warning,
/// so that each folder has a page of its own. Parents come before their children in a sorted
/// set, so each parent's path is known first.
fn folder_site_paths(
    folders: &BTreeSet<String>,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut taken: BTreeMap<String, &str> = BTreeMap::new();
    for folder in folders {
        let wanted = match folder.rsplit_once('/') {
            Some((parent, name)) => match out.get(parent) {
                Some(base) => format!("{base}{}/", paths::slugify(name)),
                None => paths::publish_path(&paths::folder_path(folder)).0,
            },
            None => folder_site_path(folder, diagnostics),
        };
        let path = match taken.get(wanted.as_str()) {
            None => wanted,
            Some(other) => {
                let stem = wanted.trim_end_matches('/');
                let path = (2..)
                    .map(|n| format!("{stem}-{n}/"))
                    .find(|p| !taken.contains_key(p.as_str()))
                    .expect("some suffix is free");
                diagnostics.push(Diagnostic::warning(
                    folder,
                    0,
                    0,
                    format!(
                        "folder `{other}/` has the same URL `/{wanted}`; this folder's pages are published under `/{path}`"
                    ),
                ));
                path
            }
        };
        taken.insert(path.clone(), folder);
        out.insert(folder.clone(), path);
    }
    out
}

/// A note's site path (in its folder's), moved off a reserved name and capped in length.
fn note_site_path(
    page: &Page,
    folder_paths: &BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) -> String {
    let id = &page.note.id;
    // `permalink: guides/start` sets the page's URL (each part made a slug, as folders are).
    let permalink = page
        .note
        .front
        .permalink
        .as_deref()
        .map(paths::folder_path)
        .filter(|p| !p.is_empty());
    let natural = match (&permalink, folder_paths.get(id.folder())) {
        (Some(p), _) => p.clone(),
        (None, Some(folder)) => format!("{folder}{}/", paths::slugify(id.stem())),
        (None, None) => paths::note_path(id.folder(), id.stem()),
    };
    let (path, reserved) = paths::publish_path(&natural);
    if let Some(what) = reserved
        && (id.folder().is_empty() || permalink.is_some())
    {
        diagnostics.push(Diagnostic::warning(
            &page.note.file,
            0,
            0,
            format!("this note's URL `/{natural}` is {what}; the note is published at `/{path}`"),
        ));
    }
    if id.stem().len() > paths::MAX_SLUG {
        diagnostics.push(Diagnostic::warning(
            &page.note.file,
            0,
            0,
            format!("the file name is long; its URL is shortened to `/{path}`"),
        ));
    }
    path
}

/// `wanted`, or with `-2`, `-3`… when an earlier page (or a folder) has it.
fn distinct_path(
    wanted: String,
    page: &Page,
    owners: &mut BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) -> String {
    let Some(other) = owners.get(&wanted).cloned() else {
        owners.insert(wanted.clone(), page.note.id.to_string());
        return wanted;
    };
    let stem = wanted.trim_end_matches('/');
    let path = (2..)
        .map(|n| format!("{stem}-{n}/"))
        .find(|p| !owners.contains_key(p))
        .expect("some suffix is free");
    owners.insert(path.clone(), page.note.id.to_string());
    let other = if page.note.id.as_str() == other {
        "another page".to_string()
    } else if other.ends_with(".md") || other.ends_with(".markdown") {
        format!("note `{other}`")
    } else if other.is_empty() {
        "the home page".to_string()
    } else {
        format!("folder `{other}/`")
    };
    diagnostics.push(Diagnostic::warning(
        &page.note.file,
        0,
        0,
        format!(
            "this note and {other} both map to the URL `/{wanted}`; this note is published at `/{path}` (rename one of them to choose)"
        ),
    ));
    path
}

/// When many notes share one title (a vault whose notes all open with `# Overview`), says so
/// once, with the way out.
fn report_shared_titles(site: &Site, diagnostics: &mut Diagnostics) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for page in site.pages.values().filter(|p| p.note.front.title.is_none()) {
        *counts.entry(page.title.as_str()).or_default() += 1;
    }
    let mut shared: Vec<(&str, usize)> = counts.into_iter().filter(|(_, n)| *n >= 5).collect();
    shared.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if let Some((title, n)) = shared.first() {
        let fix = if site.config.title_from == TitleFrom::Heading {
            "set title_from = \"filename\" in studysite.toml, or give them a `title`"
        } else {
            "give them a `title` in front matter"
        };
        diagnostics.push(Diagnostic::warning(
            crate::config::CONFIG_FILE,
            0,
            0,
            format!("{n} notes are titled \"{title}\"; {fix}"),
        ));
    }
}

/// The navigation tree of a site.
fn build_nav(site: &Site, folders: BTreeSet<String>, paths: &BTreeMap<String, String>) -> Nav {
    let mut infos = Vec::new();
    let mut index = BTreeMap::new();
    for page in site.pages.values() {
        match &page.section {
            Some(folder) => {
                index.insert(
                    folder.clone(),
                    (
                        page.note.id.clone(),
                        page.title.clone(),
                        page.note.front.weight,
                    ),
                );
            }
            None => infos.push(NoteInfo {
                id: page.note.id.clone(),
                title: page.title.clone(),
                weight: page.note.front.weight,
                path: page.path.clone(),
            }),
        }
    }
    Nav::build(infos, folders, &index, paths, &site.config.title)
}

/// A site assembled from notes made in memory, each an id, its front matter and its body
/// (its source hash made from both, so that an edit shows), for unit tests.
#[cfg(test)]
pub(crate) fn test_site(notes: Vec<(String, crate::vault::FrontMatter, String)>) -> Site {
    use crate::markdown::{Highlighter, ParseOptions, parse};
    let notes = notes
        .into_iter()
        .map(|(id, front, body)| {
            let parsed = parse(&body, 0, &ParseOptions::default(), &Highlighter::default());
            let note = Note {
                id: NoteId::new(&id),
                file: id.into(),
                source_hash: crate::hash::digest(&(&body, format!("{front:?}"))),
                front,
                body,
                body_line_offset: 0,
                modified: None,
                warnings: Vec::new(),
            };
            (note, parsed)
        })
        .collect();
    assemble(
        Config::default(),
        notes,
        BTreeMap::new(),
        TitleRules { from_heading: true },
    )
    .0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<NoteId> {
        list.iter().map(|s| NoteId::new(s)).collect()
    }

    #[test]
    fn folder_pages_follow_obsidian_and_readme_habits() {
        let notes = ids(&[
            "README.md",
            "People.md",
            "People/ada.md",
            "Tools/Tools.md",
            "Tools/hammer.md",
            "Docs/index.md",
            "Docs/README.md",
            "Docs/guide.md",
            "ec2/_index.md",
            "ec2/index.md",
        ]);
        let folders = folders_of(&notes);
        let sections = section_pages(&notes, &folders);
        let shown: Vec<(&str, &str)> = sections
            .iter()
            .map(|(f, id)| (f.as_str(), id.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("", "README.md"),
                ("Docs", "Docs/index.md"),
                ("People", "People.md"),
                ("Tools", "Tools/Tools.md"),
                ("ec2", "ec2/_index.md"),
            ]
        );
    }
}
