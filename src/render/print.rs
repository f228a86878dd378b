//! A folder's print page (`compute/ec2/print.html`, `print.html` for the whole site): every
//! note of the folder and its sub-folders in reading order on one page, with their diagrams
//! and formulas, to print as one study sheet (mdBook's print page is the model). One request:
//! the notes' bodies are in the page. Each note's ids are prefixed with its place in the sheet,
//! so headings and footnotes that several notes share stay distinct and in-page links keep
//! their targets. A sheet shows at most [`MAX_NOTES`] notes, so a huge vault's top sheet stays
//! a page a browser can print: it links the rest of its own folder's notes, and the sheets of
//! the sub-folders whose notes it leaves out (so a note renamed deep down changes its own
//! folder's sheet, not the top one).

use super::PageRef;
use super::content::Needs;
use super::pages::{Generated, PageContext, RenderedPage};
use super::views::{Chrome, LinkView, PageKind};
use crate::diagnostics::Diagnostic;
use crate::linked::Linked;
use crate::nav::{Child, PageKey};
use crate::vault::NoteId;
use serde::Serialize;
use std::hash::{Hash, Hasher};

/// How many notes one sheet shows; the others are listed as links.
pub const MAX_NOTES: usize = 200;

/// The file name of a folder's sheet, beside its `index.html`.
pub const FILE: &str = "print.html";

/// One part of a sheet: a folder (its title and its own text), or a note.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Part {
    /// A folder, by content folder.
    Section(String),
    /// A note.
    Note(NoteId),
}

/// What a folder's sheet shows: its parts in reading order, and what it leaves out past
/// [`MAX_NOTES`].
#[derive(Debug, Default)]
pub struct Sheet {
    /// Folders and notes in reading order (the folder itself first).
    pub parts: Vec<(Part, usize)>,
    /// The folder's own notes past the limit.
    pub left_out: Vec<NoteId>,
    /// Sub-folders (right under the folder) with notes past the limit, and how many.
    pub left_folders: Vec<(String, usize)>,
}

/// The sheet of `folder`: the folder, then its notes and sub-folders as the sidebar orders
/// them, each part with its depth below the folder.
pub fn sheet(l: &Linked, folder: &str) -> Sheet {
    let mut sheet = Sheet::default();
    let mut notes = 0;
    collect(l, folder, (0, None), &mut sheet, &mut notes);
    sheet
}

/// Adds `folder` to the sheet at `depth`; `top` is the sub-folder of the sheet's folder it is
/// in (none for the sheet's folder itself).
fn collect(
    l: &Linked,
    folder: &str,
    (depth, top): (usize, Option<&str>),
    sheet: &mut Sheet,
    notes: &mut usize,
) {
    let Some(section) = l.site.nav.section(folder) else {
        return;
    };
    sheet.parts.push((Part::Section(folder.to_string()), depth));
    for child in &section.children {
        match child {
            Child::Note(id) if *notes < MAX_NOTES => {
                *notes += 1;
                sheet.parts.push((Part::Note(id.clone()), depth + 1));
            }
            Child::Note(id) => match top {
                None => sheet.left_out.push(id.clone()),
                Some(top) => match sheet.left_folders.last_mut() {
                    Some((f, n)) if f == top => *n += 1,
                    _ => sheet.left_folders.push((top.to_string(), 1)),
                },
            },
            Child::Section(sub) => collect(l, sub, (depth + 1, top.or(Some(sub))), sheet, notes),
        }
    }
}

/// The site path of a folder's sheet.
pub fn path(l: &Linked, folder: &str) -> Option<String> {
    let section = l.site.nav.section(folder)?;
    Some(format!("{}{FILE}", section.path))
}

/// The notes whose bodies a sheet shows (the folders' own notes included).
pub fn bodies(l: &Linked, sheet: &Sheet) -> Vec<NoteId> {
    sheet
        .parts
        .iter()
        .filter_map(|(part, _)| match part {
            Part::Note(id) => Some(id.clone()),
            Part::Section(f) => l.site.nav.section(f).and_then(|s| s.index.clone()),
        })
        .collect()
}

/// A digest of what a sheet lists (its parts' titles and places, and the notes left out):
/// with the digests of its bodies, everything the sheet shows.
pub fn list_key(l: &Linked, folder: &str) -> u64 {
    let sheet = sheet(l, folder);
    let mut h = crate::hash::Digester::new();
    for (part, depth) in &sheet.parts {
        let (key, body) = match part {
            Part::Note(id) => (PageKey::Note(id.clone()), None),
            // A folder's part shows its folder note's body, which may come or go.
            Part::Section(f) => (
                PageKey::Section(f.clone()),
                l.site.nav.section(f).and_then(|s| s.index.as_ref()),
            ),
        };
        (part, depth, l.site.nav.title_path(&key), body).hash(&mut h);
    }
    for id in &sheet.left_out {
        (id, l.site.nav.title_path(&PageKey::Note(id.clone()))).hash(&mut h);
    }
    for (folder, count) in &sheet.left_folders {
        let section = PageKey::Section(folder.clone());
        (folder, count, l.site.nav.title_path(&section)).hash(&mut h);
    }
    h.finish()
}

/// One part as the template shows it.
#[derive(Debug, Serialize)]
pub struct PartView {
    /// `section` or `note`.
    pub kind: &'static str,
    /// The id of the part's element (`p3`); the part's own ids start with it.
    pub id: String,
    /// Title.
    pub title: String,
    /// Its page.
    pub url: String,
    /// Depth below the sheet's folder.
    pub depth: usize,
    /// Its body, as HTML.
    pub html: String,
}

/// `page` on a print page (`print.html`).
#[derive(Debug, Serialize)]
pub struct PrintView<'a> {
    /// What every page has.
    #[serde(flatten)]
    pub chrome: Chrome<'a>,
    /// The folder's page.
    pub section_url: String,
    /// The folders and notes, in reading order.
    pub parts: Vec<PartView>,
    /// The folder's own notes past the limit, as links.
    pub left_out: Vec<LinkView>,
    /// Sub-folders with notes past the limit: links to their sheets.
    pub left_folders: Vec<LeftFolder>,
}

/// A sub-folder whose notes a sheet leaves out.
#[derive(Debug, Serialize)]
pub struct LeftFolder {
    /// Its title.
    pub title: String,
    /// Its sheet.
    pub url: String,
    /// How many of its notes (and its sub-folders') are left out.
    pub count: usize,
}

/// Renders a folder's print page.
pub fn render(
    ctx: PageContext<'_>,
    page: &PageRef,
    folder: &str,
) -> Result<RenderedPage, Diagnostic> {
    let l = ctx.linked;
    let (Some(section), Some(path)) = (l.site.nav.section(folder), path(l, folder)) else {
        return Err(Diagnostic::error(
            folder,
            0,
            0,
            "folder vanished while rendering",
        ));
    };
    let key = PageKey::Section(folder.to_string());
    let g = Generated::new(ctx, &path);
    let title = format!("{} — all notes", section.title);
    let mut chrome = g.chrome(PageKind::Print, &title);
    chrome.breadcrumbs = super::fragments::breadcrumbs(l, &key)
        .into_iter()
        .chain([super::fragments::Item {
            title: section.title.clone(),
            path: section.path.clone(),
        }])
        .map(|i| g.link(i))
        .collect();
    let sheet = sheet(l, folder);
    let mut diagnostics = Vec::new();
    let mut parts = Vec::new();
    for (n, (part, depth)) in sheet.parts.iter().enumerate() {
        let (kind, title, page_path, body) = match part {
            Part::Section(f) => {
                let Some(s) = l.site.nav.section(f) else {
                    continue;
                };
                ("section", s.title.clone(), s.path.clone(), s.index.clone())
            }
            Part::Note(id) => {
                let Some(p) = l.site.pages.get(id) else {
                    continue;
                };
                ("note", p.title.clone(), p.path.clone(), Some(id.clone()))
            }
        };
        let id = format!("p{n}");
        let html = match body
            .as_ref()
            .and_then(|b| l.site.pages.get(b).map(|p| (b, p)))
        {
            Some((b, p)) => {
                let needs = Needs::of(&l.site, &l.graph, b);
                chrome.has_code |= needs.code;
                chrome.has_browser_diagrams |= needs.browser_diagrams;
                chrome.has_math |= needs.math;
                let title_index = p.parsed.title_heading(&p.title);
                // Raw HTML in a note writes URLs from the note's page, not from the sheet.
                let page_url = g.links.href(&page_path);
                let way = page_url.strip_suffix("index.html").unwrap_or(&page_url);
                let salt = crate::hash::digest(&(&g.links, &id, way));
                let (html, found) = g.ctx.excerpts.sheet_part(
                    (&l.site, &l.graph),
                    b,
                    title_index,
                    (folder, salt),
                    |body| open_callouts(&scope_ids(&g.links.resolve(&rebase_raw(body, way)), &id)),
                );
                diagnostics.extend(found);
                html
            }
            None => String::new(),
        };
        parts.push(PartView {
            kind,
            id,
            title,
            url: g.links.href(&page_path),
            depth: *depth,
            html,
        });
    }
    let left_out = sheet
        .left_out
        .iter()
        .filter_map(|id| l.site.pages.get(id))
        .map(|p| LinkView {
            title: p.title.clone(),
            url: g.links.href(&p.path),
        })
        .collect();
    let left_folders = sheet
        .left_folders
        .iter()
        .filter_map(|(folder, count)| {
            Some(LeftFolder {
                title: l.site.nav.section(folder)?.title.clone(),
                url: g.links.href(&self::path(l, folder)?),
                count: *count,
            })
        })
        .collect();
    let own = chrome.url.clone();
    let view = PrintView {
        chrome,
        section_url: g.links.href(&section.path),
        parts,
        left_out,
        left_folders,
    };
    let file = path.clone();
    g.ctx
        .finish(page, &key, &view, &own, &g.links, (file, diagnostics))
}

/// What [`scope_ids`] rewrites: attributes whose value is an id of the same page, or starts
/// with a reference to one, then (from [`FIRST_LIST`] on) attributes whose value is a
/// space-separated list of ids.
const SCOPED: [&str; 8] = [
    " id=\"",
    " href=\"#",
    " xlink:href=\"#",
    "url(#",
    " aria-labelledby=\"",
    " aria-describedby=\"",
    " aria-controls=\"",
    " for=\"",
];

/// The index in [`SCOPED`] of ` href="#`, whose target may be missing.
const IN_PAGE_LINK: usize = 1;

/// The index in [`SCOPED`] of the first id-list attribute.
const FIRST_LIST: usize = 4;

/// Finds every [`SCOPED`] pattern in one pass (a sheet runs this over up to 200 notes'
/// bodies).
fn scoped_finder() -> &'static aho_corasick::AhoCorasick {
    static FINDER: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    FINDER.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(SCOPED)
            .expect("fixed patterns build")
    })
}

/// Prefixes every id in a note's HTML with `prefix-`, and every reference to one (`#id`
/// links, `url(#id)` in diagrams, `aria-labelledby`, `for`), so notes on one page keep
/// their ids apart. An in-page link whose target is not in the note loses its `href` (kept
/// as `data-anchor`): the note's own check reports it at its line, and on a sheet it would
/// lead to nothing. Text is escaped in the HTML (`"` is `&quot;`), so only markup matches.
pub fn scope_ids(html: &str, prefix: &str) -> String {
    let ids: std::collections::HashSet<&str> = html
        .match_indices(SCOPED[0])
        .map(|(i, m)| value_at(html, i + m.len()))
        .collect();
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut done = 0;
    for found in scoped_finder().find_iter(html) {
        let (start, end) = (found.start(), found.end());
        if start < done {
            // Inside a list of ids already written.
            continue;
        }
        out.push_str(&html[done..start]);
        done = end;
        let which = found.pattern().as_usize();
        if which == IN_PAGE_LINK {
            let fragment = value_at(html, end);
            let target = crate::paths::decode_path(fragment);
            if !fragment.is_empty() && !ids.contains(fragment) && !ids.contains(target.as_str()) {
                out.push_str(" data-anchor=\"");
                continue;
            }
        }
        out.push_str(SCOPED[which]);
        if which >= FIRST_LIST {
            let list = value_at(html, end);
            for (k, id) in list.split_whitespace().enumerate() {
                if k > 0 {
                    out.push(' ');
                }
                out.push_str(prefix);
                out.push('-');
                out.push_str(id);
            }
            done = end + list.len();
        } else {
            out.push_str(prefix);
            out.push('-');
        }
    }
    out.push_str(&html[done..]);
    out
}

/// An attribute's value that starts at `start`: up to its closing quote.
fn value_at(html: &str, start: usize) -> &str {
    let value = &html[start..];
    &value[..value.find('"').unwrap_or(value.len())]
}

/// Prefixes `way` (the way from the sheet to the note's page folder, `../a/`) to every relative
/// URL that raw HTML in a note wrote (`href`, `src`): those are relative to the note's page.
/// URLs studysite wrote are marked site paths ([`crate::paths::MARK`]), resolved afterwards.
pub fn rebase_raw(html: &str, way: &str) -> String {
    if way.is_empty() || way == "./" {
        return html.to_string();
    }
    // Where each attribute's value starts, in one pass per attribute name.
    let mut starts: Vec<usize> = [" href=\"", " src=\""]
        .iter()
        .flat_map(|a| html.match_indices(a).map(|(i, m)| i + m.len()))
        .collect();
    starts.sort_unstable();
    let mut out = String::with_capacity(html.len());
    let mut done = 0;
    for start in starts {
        let value = &html[start..];
        let end = value.find('"').unwrap_or(value.len());
        if is_page_relative(&value[..end]) {
            out.push_str(&html[done..start]);
            out.push_str(way);
            done = start;
        }
    }
    out.push_str(&html[done..]);
    out
}

/// Whether a URL is relative to the page it is on (`../x/`, `pic.png`), not marked, not an
/// in-page anchor, not rooted and without a scheme (`https:`, `mailto:`, `data:`).
fn is_page_relative(url: &str) -> bool {
    let scheme = url
        .find(':')
        .is_some_and(|c| url.find(['/', '?', '#']).is_none_or(|s| c < s));
    !(url.is_empty()
        || url.starts_with(crate::paths::MARK)
        || url.starts_with(['#', '/', '?'])
        || scheme)
}

/// Folded callouts open, so a printed sheet shows what they hold.
fn open_callouts(html: &str) -> String {
    html.replace("<details class=\"callout", "<details open class=\"callout")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_what_refers_to_them_get_the_prefix() {
        assert_eq!(
            scope_ids(
                r##"<a href="#gone">g</a><p id="here"></p><a href="#here">h</a>"##,
                "p1"
            ),
            r##"<a data-anchor="gone">g</a><p id="p1-here"></p><a href="#p1-here">h</a>"##,
            "a link to an id the note does not have leads nowhere on the sheet"
        );
        let html = r##"<h2 id="spot">Spot</h2><a href="#spot">x</a><a href="../a/">y</a><svg><path marker-end="url(#dg1-arrow)"/></svg><label for="q">Q</label><div aria-labelledby="a b"></div><code>id=&quot;no&quot;</code>"##;
        assert_eq!(
            scope_ids(html, "p2"),
            r##"<h2 id="p2-spot">Spot</h2><a href="#p2-spot">x</a><a href="../a/">y</a><svg><path marker-end="url(#p2-dg1-arrow)"/></svg><label for="p2-q">Q</label><div aria-labelledby="p2-a p2-b"></div><code>id=&quot;no&quot;</code>"##
        );
    }

    #[test]
    fn raw_relative_urls_are_rebased_from_the_note_page_to_the_sheet() {
        let html = r##"<a href="../gone/index.html">x</a><img src="pic.png"><a href="%01a/b/">m</a><a href="#h">h</a><a href="/abs">r</a><a href="https://e.x/">e</a><a href="mailto:a@b">m</a><img src="data:image/png;base64,AA">"##;
        assert_eq!(
            rebase_raw(html, "../ec2/a/"),
            r##"<a href="../ec2/a/../gone/index.html">x</a><img src="../ec2/a/pic.png"><a href="%01a/b/">m</a><a href="#h">h</a><a href="/abs">r</a><a href="https://e.x/">e</a><a href="mailto:a@b">m</a><img src="data:image/png;base64,AA">"##
        );
        assert_eq!(rebase_raw(html, ""), html);
    }

    #[test]
    fn folded_callouts_print_open() {
        assert_eq!(
            open_callouts("<details class=\"callout callout-faq\"><details>"),
            "<details open class=\"callout callout-faq\"><details>"
        );
    }
}
