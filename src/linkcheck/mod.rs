//! The built site's own links, checked as a link checker would: every `href` and `src` of
//! every generated page (notes, folders, topics, tags, cards, search, maps) must lead to a file
//! of the site, and every `#fragment` to an id on the page it names. `check` runs this on the
//! site it built in memory, so it writes nothing; a diagnostic names the generated page.

mod scan;

pub use scan::{StartTag, start_tags};

use crate::diagnostics::{Diagnostic, line_col};
use crate::output::{Content, Files};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The attributes that hold a URL the browser loads or follows.
const URL_ATTRS: &[&str] = &["href", "src", "xlink:href", "action", "poster"];

/// What one page has: its ids, and its links with the byte offset of each (turned into a
/// line and column only for a link that is reported: counting lines for every link of every
/// page made `check` quadratic in a page's size).
#[derive(Debug, Default)]
struct Scanned {
    ids: HashSet<String>,
    links: Vec<(String, usize)>,
    /// Ids given a second time on the page (an anchor to one lands on the first).
    duplicates: Vec<(String, usize)>,
}

/// The links the note check already verified, by the file of the page they are on: each
/// note's raw-HTML `#fragment` links on its own page (reported at the note's line if dead),
/// so a dead one is not reported twice.
pub fn covered(site: &crate::site::Site) -> HashSet<(String, String)> {
    site.pages
        .values()
        .flat_map(|page| {
            let file = crate::paths::page_file(&page.path);
            page.parsed
                .html_anchor_links
                .iter()
                .map(move |(fragment, _, _)| (file.clone(), format!("#{fragment}")))
        })
        .collect()
}

/// Checks every page in `files` (site path → content) but the links in `covered`;
/// diagnostics name each page as `output/<site path>`, with the line and column of the link.
pub fn check(files: &Files, output: &Path, covered: &HashSet<(String, String)>) -> Vec<Diagnostic> {
    let pages: Vec<(&String, Cow<'_, str>)> = files
        .par_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .filter_map(|(path, (_, content))| Some((path, page_text(content)?)))
        .collect();
    let text: BTreeMap<&str, &str> = pages
        .iter()
        .map(|(path, html)| (path.as_str(), html.as_ref()))
        .collect();
    let scanned: BTreeMap<&str, Scanned> = pages
        .par_iter()
        .map(|(path, html)| (path.as_str(), scan(html)))
        .collect();
    // Pages of one folder share their relative links (the sidebar's, above all): each
    // folder's pages are checked together, a link to another page judged once per folder.
    let mut folders: BTreeMap<&str, Vec<(&str, &Scanned)>> = BTreeMap::new();
    for (page, s) in &scanned {
        let folder = page.rsplit_once('/').map_or("", |(f, _)| f);
        folders.entry(folder).or_default().push((page, s));
    }
    let mut found: Vec<Diagnostic> = folders
        .par_iter()
        .flat_map_iter(|(_, pages)| {
            let mut judged: HashMap<&str, Option<String>> = HashMap::new();
            let mut out = Vec::new();
            for &(page, s) in pages {
                let html = text.get(page).copied().unwrap_or("");
                for (id, at) in &s.duplicates {
                    let (line, col) = line_col(html, *at);
                    let message = format!(
                        "duplicate id `{id}` on `{page}`: a link to `#{id}` lands on its first element"
                    );
                    out.push(Diagnostic::warning(output.join(page), line, col, message));
                }
                let mut seen = HashSet::new();
                for (url, at) in &s.links {
                    if !seen.insert(url.as_str()) {
                        continue;
                    }
                    let problem = if url.starts_with('#') {
                        if covered.contains(&(page.to_string(), url.clone())) {
                            continue;
                        }
                        problem(files, &scanned, page, url)
                    } else {
                        judged
                            .entry(url.as_str())
                            .or_insert_with(|| problem(files, &scanned, page, url))
                            .clone()
                    };
                    if let Some(problem) = problem {
                        let (line, col) = line_col(text.get(page).copied().unwrap_or(""), *at);
                        out.push(Diagnostic::warning(output.join(page), line, col, problem));
                    }
                }
            }
            out
        })
        .collect();
    found.sort();
    found
}

/// A page's text, borrowed when it is in memory (as in `check`).
fn page_text(content: &Content) -> Option<Cow<'_, str>> {
    match content {
        Content::Bytes(bytes) => Some(String::from_utf8_lossy(bytes)),
        Content::File(_) => {
            let bytes = content.read().ok()?;
            Some(Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()))
        }
    }
}

fn scan(html: &str) -> Scanned {
    let mut s = Scanned::default();
    for tag in start_tags(html) {
        for ((name, value), &at) in tag.attrs.iter().zip(&tag.offsets) {
            let names_it = name.eq_ignore_ascii_case("id")
                || (name.eq_ignore_ascii_case("name") && tag.is("a"));
            if names_it && !s.ids.insert(value.to_string()) {
                s.duplicates.push((value.to_string(), at));
            }
        }
        for attr in URL_ATTRS {
            if let Some((url, at)) = tag.attr(attr) {
                s.links.push((url.to_string(), at));
            }
        }
    }
    s
}

/// What is wrong with one link of `page`, if anything.
fn problem(
    files: &Files,
    scanned: &BTreeMap<&str, Scanned>,
    page: &str,
    url: &str,
) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || crate::paths::is_external(url) {
        return None;
    }
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or("");
    let target = if path.is_empty() {
        page.to_string()
    } else {
        let folder = page.rsplit_once('/').map_or("", |(f, _)| f);
        let decoded = crate::paths::decode_path(path);
        let Some(mut joined) = crate::paths::join(folder, &decoded) else {
            return Some(format!(
                "dead link `{url}`: it leads outside the built site"
            ));
        };
        if joined.is_empty() || decoded.ends_with('/') {
            if !joined.is_empty() {
                joined.push('/');
            }
            joined.push_str("index.html");
        }
        if !files.contains_key(&joined) {
            let folder_page = format!("{joined}/index.html");
            if !files.contains_key(&folder_page) {
                return Some(format!(
                    "dead link `{url}`: the built site has no `{joined}`"
                ));
            }
            joined = folder_page;
        }
        joined
    };
    let fragment = crate::paths::decode_path(fragment?);
    if fragment.is_empty() || fragment == "top" {
        return None;
    }
    let ids = &scanned.get(target.as_str())?.ids;
    (!ids.contains(&fragment))
        .then(|| format!("dead anchor `{url}`: `{target}` has no element with id `{fragment}`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Stamp;
    use std::sync::Arc;

    fn site(pages: &[(&str, &str)]) -> Files {
        pages
            .iter()
            .map(|(path, html)| {
                let bytes: Arc<[u8]> = Arc::from(html.as_bytes());
                (
                    path.to_string(),
                    (Stamp::of_bytes(html.as_bytes()), Content::Bytes(bytes)),
                )
            })
            .collect()
    }

    fn messages(files: &Files) -> Vec<String> {
        check(files, Path::new("public"), &HashSet::new())
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn an_id_given_twice_on_a_page_is_reported_where_it_repeats() {
        let files = site(&[(
            "a/index.html",
            "<main id=\"content\">\n<div id=\"x\"></div><h2 id=\"content\">C</h2></main>",
        )]);
        assert_eq!(
            messages(&files),
            [
                "public/a/index.html:2:27: warning: duplicate id `content` on `a/index.html`: a link to `#content` lands on its first element"
            ]
        );
    }

    #[test]
    fn links_between_pages_files_and_ids_resolve() {
        let files = site(&[
            (
                "index.html",
                "<a href=\"a/index.html#x\">a</a><a href=\"a/\">a</a><a href=\"a\">a</a><link href=\"style.css\"><a href=\"#top\">t</a><a href=\"https://example.com/n#o\">e</a><a href=\"mailto:x@y\">m</a>",
            ),
            (
                "a/index.html",
                "<h2 id=\"x\">X</h2><a href=\"../index.html\">home</a><a href=\"#x\">x</a><a href=\"../?q=1\">q</a>",
            ),
            ("style.css", "body {}"),
        ]);
        assert!(messages(&files).is_empty(), "{:?}", messages(&files));
    }

    #[test]
    fn dead_links_and_anchors_name_the_generated_page_and_position() {
        let files = site(&[
            (
                "index.html",
                "<p>\n  <a href=\"b/index.html\">b</a> <img src=\"../up.png\" alt=\"\"></p>",
            ),
            (
                "topics/t/index.html",
                "<a href=\"../../a/index.html#gone\">a</a>\n<a href=\"#gone\">here</a>",
            ),
            ("a/index.html", "<h2 id=\"here\">H</h2>"),
        ]);
        assert_eq!(
            messages(&files),
            [
                "public/index.html:2:12: warning: dead link `b/index.html`: the built site has no `b/index.html`",
                "public/index.html:2:42: warning: dead link `../up.png`: it leads outside the built site",
                "public/topics/t/index.html:1:10: warning: dead anchor `../../a/index.html#gone`: `a/index.html` has no element with id `gone`",
                "public/topics/t/index.html:2:10: warning: dead anchor `#gone`: `topics/t/index.html` has no element with id `gone`",
            ]
        );
    }

    #[test]
    fn a_repeated_link_is_reported_once_per_page() {
        let files = site(&[("index.html", "<a href=\"#no\">1</a><a href=\"#no\">2</a>")]);
        assert_eq!(messages(&files).len(), 1);
    }
}
