//! Helpers for the Obsidian vault tests: a vault fixture, scoped queries, and edits applied
//! to a kept session checked against a fresh build.

use super::{Fixture, Page};
use scraper::Html;

/// A vault: an `.obsidian/` folder beside `content/`.
pub fn vault() -> Fixture {
    let site = Fixture::new();
    site.file(".obsidian/app.json", "{}");
    site
}

/// The part of a page inside one element, as a page of its own (for scoped queries).
pub fn inside(page: &Page, css: &str, i: usize) -> Page {
    let all = page.all(css);
    let el = all
        .get(i)
        .unwrap_or_else(|| panic!("no {css} number {i} (found {})", all.len()));
    Page(Html::parse_fragment(&el.html()), page.1.clone())
}

pub fn messages(report: &studysite::BuildReport) -> Vec<String> {
    report.diagnostics.iter().map(|d| d.to_string()).collect()
}

/// Applies edits of files to a session and asserts it then serves what a fresh build would.
pub mod rebuilds {
    use super::super::Fixture;
    use std::fs;
    use studysite::session::{Changes, Session};

    /// Writes `text` to `path` (or removes it, for `None`) and applies the change.
    pub fn change(site: &Fixture, session: &mut Session, path: &str, text: Option<&str>) {
        let full = site.root().join("content").join(path);
        match text {
            Some(text) => {
                fs::create_dir_all(full.parent().unwrap()).unwrap();
                fs::write(&full, text).unwrap();
            }
            None => fs::remove_file(&full).unwrap(),
        }
        let changes = Changes {
            content: [full].into_iter().collect(),
            ..Changes::default()
        };
        session.apply(&changes);
        let fresh = Session::open(&site.options()).expect("fresh build");
        let (ours, theirs) = (session.files(), fresh.files());
        let keys = |f: &studysite::session::Files| f.keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            keys(&ours),
            keys(&theirs),
            "after {path}: file lists differ"
        );
        for (file, bytes) in &theirs {
            assert!(
                ours[file] == *bytes,
                "after {path}: {file} differs from a fresh build"
            );
        }
        assert_eq!(session.diagnostics(), fresh.diagnostics(), "after {path}");
    }

    pub fn edit(site: &Fixture, session: &mut Session, path: &str, text: &str) {
        change(site, session, path, Some(text));
    }

    pub fn page(session: &Session, file: &str) -> String {
        String::from_utf8(session.files()[file].clone()).unwrap()
    }
}
