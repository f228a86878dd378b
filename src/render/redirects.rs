//! Redirect pages for aliases: a note with `aliases: [Other name]` also answers at the
//! alias's URL beside it (`folder/other-name/`), with a small page that sends the reader on
//! (`<meta http-equiv="refresh">`, relative, so it works from `file://` too).

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::escape_html;
use crate::paths::{self, Links};
use crate::site::Site;
use crate::vault::NoteId;
use std::collections::{BTreeMap, BTreeSet};

/// What has a page's path: a note, or a folder.
enum Owner<'a> {
    Note(&'a NoteId),
    Folder(&'a str),
}

impl std::fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Owner::Note(id) => write!(f, "note `{id}`"),
            Owner::Folder(folder) => write!(f, "folder `{folder}/`"),
        }
    }
}

/// Every alias redirect: its site path → the note it leads to, with warnings for aliases
/// whose URL a real page (or an earlier note's alias) already has. Notes are taken in path
/// order, so the same site always gives the same redirects.
pub fn redirects(site: &Site) -> (BTreeMap<String, NoteId>, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let mut found: BTreeMap<String, NoteId> = BTreeMap::new();
    if site.pages.values().all(|p| p.note.front.aliases.is_empty()) {
        return (found, diagnostics);
    }
    // Who has each page's path (named only in a warning).
    let mut taken: BTreeMap<&str, Owner<'_>> = BTreeMap::new();
    for (id, page) in &site.pages {
        taken.insert(page.path.as_str(), Owner::Note(id));
    }
    for (folder, section) in &site.nav.sections {
        taken
            .entry(section.path.as_str())
            .or_insert(Owner::Folder(folder));
    }
    for (id, page) in &site.pages {
        let parent = page
            .path
            .trim_end_matches('/')
            .rfind('/')
            .map_or("", |i| &page.path[..=i]);
        let mut own = BTreeSet::new();
        for alias in &page.note.front.aliases {
            let slug = paths::slugify(alias);
            if slug.is_empty() {
                continue;
            }
            let path = format!("{parent}{slug}/");
            if path == page.path || !own.insert(path.clone()) {
                continue;
            }
            let first = path.split('/').next().unwrap_or("");
            let other = if let Some(what) = paths::reserved(first) {
                Some(what.to_string())
            } else if let Some(owner) = taken.get(path.as_str()) {
                Some(owner.to_string())
            } else {
                found.get(&path).map(|o| format!("an alias of note `{o}`"))
            };
            match other {
                Some(other) => diagnostics.push(Diagnostic::warning(
                    &page.note.file,
                    0,
                    0,
                    format!(
                        "alias `{alias}` would redirect from `/{path}`, which is {other}; no redirect is written"
                    ),
                )),
                None => {
                    found.insert(path, id.clone());
                }
            }
        }
    }
    (found, diagnostics)
}

/// The redirect page at site path `from` to the page at `to` titled `title`.
pub fn page(from: &str, to: &str, title: &str, site: &Site) -> String {
    let index_files = !site.config.pretty_urls;
    let url = escape_html(&Links::from_page(from, index_files).href(to));
    let title = escape_html(title);
    let lang = escape_html(&site.config.language);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<link rel=\"canonical\" href=\"{url}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n<p>This page has moved: <a href=\"{url}\">{title}</a>.</p>\n</body>\n</html>\n"
    )
}
