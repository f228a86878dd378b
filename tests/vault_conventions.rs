//! Vault conventions (issue 10, items 2, 12 and 15): template notes with placeholders in
//! their front matter, files left out by `exclude` and by the vault's own settings, and
//! front matter keys Obsidian publishing uses. Fixtures are small vaults written here.

mod common;

use common::obsidian::{messages, rebuilds, vault};
use common::{Fixture, site_path};
use std::path::Path;
use studysite::session::Session;

fn warnings_about<'a>(
    report: &'a studysite::BuildReport,
    file: &str,
) -> Vec<&'a studysite::diagnostics::Diagnostic> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.file == Path::new(file))
        .collect()
}

#[test]
fn template_placeholders_in_front_matter_warn_and_fall_back() {
    let site = Fixture::new();
    site.note(
        "meeting.md",
        "---\ntags: [work]\ntitle: {{TOPIC NAME}}\ncreated: {{date}}\n---\n# Weekly sync\n\nWho said what.\n",
    );
    let report = site.build_ok();
    let ours = warnings_about(&report, "content/meeting.md");
    assert_eq!(ours.len(), 2, "{:#?}", messages(&report));
    let by_line: Vec<(usize, &str)> = ours.iter().map(|d| (d.line, d.message.as_str())).collect();
    assert!(
        by_line
            .iter()
            .any(|(l, m)| *l == 3 && m.contains("`title`")),
        "{by_line:?}"
    );
    assert!(
        by_line
            .iter()
            .any(|(l, m)| *l == 4 && m.contains("`created`")),
        "{by_line:?}"
    );
    assert!(ours.iter().all(|d| !d.message.contains("invalid YAML")));
    assert!(
        ours.iter()
            .all(|d| d.severity == studysite::diagnostics::Severity::Warning)
    );
    // The title falls back to the first heading (not an Obsidian vault).
    let page = site.page("meeting/");
    assert_eq!(page.texts("h1"), ["Weekly sync"]);
    assert!(page.texts("title")[0].starts_with("Weekly sync"));
}

#[test]
fn the_vaults_templates_folder_and_excluded_files_are_left_out() {
    let site = Fixture::new();
    site.file(
        "content/.obsidian/templates.json",
        r#"{"folder": "Templates"}"#,
    );
    site.file(
        "content/.obsidian/app.json",
        r#"{"userIgnoreFilters": ["Archive/", "scratch.md"]}"#,
    );
    site.note(
        "Templates/Daily.md",
        "---\ncreated: {{date}}\n---\n# {{title}}\n",
    )
    .note("Archive/old.md", "# Old plan\n")
    .note("scratch.md", "# Scratch\n")
    .note(
        "start.md",
        "# Home\n\n[[Daily]] and [[old]] and [[scratch]] and [[kept]].\n",
    )
    .note("kept.md", "# Kept\n");
    let report = site.build_ok();
    let public = site.public();
    assert!(!public.join("Templates").exists());
    assert!(!public.join("Archive").exists());
    assert!(!public.join("scratch").exists());
    assert!(public.join("kept/index.html").is_file());
    // The template's placeholders are never read.
    assert!(warnings_about(&report, "content/Templates/Daily.md").is_empty());
    let broken: Vec<String> = messages(&report)
        .into_iter()
        .filter(|m| m.contains("content/start.md") && m.contains("broken"))
        .collect();
    assert_eq!(broken.len(), 3, "{broken:#?}");
    let page = site.page("start/");
    let links: Vec<String> = page
        .urls(".note-body a[href]", "href")
        .iter()
        .filter(|u| !u.starts_with('#'))
        .map(|u| site_path("start/index.html", u))
        .collect();
    assert_eq!(links, ["/kept/"]);
}

#[test]
fn exclude_globs_leave_out_notes_and_attachments() {
    let site = Fixture::new();
    site.file(
        "studysite.toml",
        "title = \"T\"\nexclude = [\"drafts/**\", \"*.bak\", \"private/\"]\n",
    );
    site.note("drafts/idea.md", "# Idea\n")
        .note("deep/private/diary.md", "# Diary\n")
        .note("notes.md", "# Notes\n\n![[pic.png]]\n\n[[idea]]\n")
        .file("content/notes.md.bak", "old")
        .file("content/sub/old.bak", "old")
        .bytes("content/pic.png", b"\x89PNG\r\n\x1a\n");
    let report = site.build_ok();
    let public = site.public();
    assert!(!public.join("drafts").exists());
    assert!(!public.join("deep/private").exists());
    assert!(!public.join("notes.md.bak").exists());
    assert!(!public.join("sub/old.bak").exists());
    assert!(public.join("pic.png").is_file());
    assert_eq!(report.notes, 1, "{:#?}", messages(&report));
    assert!(
        messages(&report)
            .iter()
            .any(|m| m.contains("content/notes.md") && m.contains("no note named `idea`")),
        "{:#?}",
        messages(&report)
    );
}

#[test]
fn excluded_files_stay_out_after_edits_as_in_a_fresh_build() {
    let site = vault();
    site.file(
        "studysite.toml",
        "title = \"T\"\nexclude = [\"drafts/**\"]\n",
    );
    site.note("a.md", "# A\n\n[[b]]\n").note("b.md", "# B\n");
    let mut session = Session::open(&site.options()).expect("session");
    rebuilds::change(&site, &mut session, "drafts/b.md", Some("# B draft\n"));
    rebuilds::change(&site, &mut session, "b.md", None);
    rebuilds::change(&site, &mut session, "drafts/c.md", Some("# C\n\n[[a]]\n"));
    rebuilds::change(&site, &mut session, "b.md", Some("# B again\n\n[[c]]\n"));
    let files = session.files();
    assert!(
        files.keys().all(|f| !f.starts_with("drafts")),
        "{:?}",
        files.keys()
    );
    assert!(files.contains_key("b/index.html"));
}

#[test]
fn publish_false_leaves_a_note_out_like_a_draft() {
    let site = vault();
    site.note("open.md", "# Open\n\n[[hidden]]\n")
        .note("hidden.md", "---\npublish: false\n---\n# Hidden\n");
    let report = site.build_ok();
    assert!(!site.public().join("hidden").exists());
    assert!(site.public().join("open/index.html").is_file());
    assert_eq!(report.notes, 1);
    let drafts = site.cli(&["build", "--drafts"]);
    assert!(drafts.status.success(), "{drafts:?}");
    assert!(site.public().join("hidden/index.html").is_file());
}

#[test]
fn permalink_sets_the_url_and_links_follow_it() {
    let site = vault();
    site.note(
        "deep/inside/start here.md",
        "---\npermalink: guides/Begin\n---\n# Start here\n",
    )
    .note("index.md", "# Home\n\n[[start here]]\n")
    .note(
        "zz/clash.md",
        "---\npermalink: guides/begin\n---\n# Clash\n",
    )
    .note("taken.md", "---\npermalink: tags\n---\n# Taken\n");
    let report = site.build_ok();
    let page = site.page("guides/begin/");
    assert!(page.texts("h1").contains(&"Start here".to_string()));
    assert!(!site.public().join("deep/inside/start-here").exists());
    let home = site.page("");
    let links: Vec<String> = home
        .urls(".note-body a[href]", "href")
        .iter()
        .filter(|u| !u.starts_with('#'))
        .map(|u| site_path("index.html", u))
        .collect();
    assert_eq!(links, ["/guides/begin/"]);
    let all = messages(&report);
    // Two notes want one URL: the first in path order keeps it, the other is named.
    assert!(
        all.iter().any(|m| m.starts_with("content/zz/clash.md")
            && m.contains("`deep/inside/start here.md`")
            && m.contains("/guides/begin/")),
        "{all:#?}"
    );
    assert!(
        site.page("guides/begin-2/")
            .texts("h1")
            .contains(&"Clash".to_string())
    );
    // A reserved URL is not taken from the site.
    assert!(
        all.iter()
            .any(|m| m.contains("content/taken.md") && m.contains("tags pages")),
        "{all:#?}"
    );
    assert!(
        site.page("tags-notes/")
            .texts("h1")
            .contains(&"Taken".to_string())
    );
}

#[test]
fn cssclasses_are_on_the_pages_body_sanitised() {
    let site = vault();
    site.note(
        "wide.md",
        "---\ncssclasses: [wide-page, \"no<script>\"]\n---\n# Wide\n",
    )
    .note("one.md", "---\ncssclasses: cards_view\n---\n# One\n")
    .note("plain.md", "# Plain\n");
    site.build_ok();
    let classes = |path: &str| -> Vec<String> {
        let page = site.page(path);
        let body = page.one("body");
        body.value().classes().map(str::to_string).collect()
    };
    let wide = classes("wide/");
    assert!(wide.contains(&"wide-page".to_string()), "{wide:?}");
    assert!(wide.contains(&"noscript".to_string()), "{wide:?}");
    assert!(classes("one/").contains(&"cards_view".to_string()));
    assert_eq!(classes("plain/"), ["kind-note"]);
}

#[test]
fn aliases_get_redirect_pages_unless_a_page_is_there() {
    let site = vault();
    site.note(
        "lang/Rust ownership.md",
        "---\naliases: [Borrowing, Lifetimes]\n---\n# Rust ownership\n",
    )
    .note("lang/Lifetimes.md", "# Lifetimes\n");
    let report = site.build_ok();
    let redirect = site.page("lang/borrowing/");
    let canonical = redirect.attrs("link[rel=canonical]", "href");
    assert_eq!(canonical.len(), 1);
    assert!(!canonical[0].starts_with('/') && !canonical[0].contains("://"));
    let refresh = redirect.attrs("meta[http-equiv=refresh]", "content");
    assert_eq!(refresh, [format!("0; url={}", canonical[0])]);
    assert_eq!(
        site_path("lang/borrowing/index.html", &canonical[0]),
        "/lang/rust-ownership/"
    );
    // A real page keeps its URL; the alias is named.
    assert!(
        site.page("lang/lifetimes/")
            .all("meta[http-equiv=refresh]")
            .is_empty()
    );
    let all = messages(&report);
    assert!(
        all.iter().any(|m| m.contains("Rust ownership.md")
            && m.contains("`Lifetimes`")
            && m.contains("which is note `lang/Lifetimes.md`")),
        "{all:#?}"
    );
}

#[test]
fn front_matter_conventions_after_edits_match_a_fresh_build() {
    let site = vault();
    site.note("a.md", "---\naliases: [First]\n---\n# A\n\n[[b]]\n")
        .note("b.md", "# B\n");
    let mut session = Session::open(&site.options()).expect("session");
    let edits: &[(&str, Option<&str>)] = &[
        (
            "b.md",
            Some("---\npermalink: elsewhere/b\ncssclasses: x\n---\n# B\n"),
        ),
        (
            "a.md",
            Some("---\naliases: [Second, b]\n---\n# A\n\n[[b]]\n"),
        ),
        ("b.md", Some("---\npublish: false\n---\n# B\n")),
        ("c.md", Some("---\npermalink: second\n---\n# C\n")),
        ("b.md", Some("# B\n")),
        ("c.md", None),
        ("a.md", Some("# A\n")),
    ];
    for (path, text) in edits {
        rebuilds::change(&site, &mut session, path, *text);
    }
}

#[test]
fn files_no_note_uses_are_not_published_and_the_summary_says_so() {
    let site = vault();
    site.note(
        "notes.md",
        "---\ncover: \"[[poster.jpg]]\"\n---\n# Notes\n\n![[chart.png]]\n\n[the data](data.csv) and ![[talk.mp3]]\n",
    )
    .bytes("content/img/poster.jpg", b"\xff\xd8\xff")
    .bytes("content/chart.png", b"\x89PNG\r\n\x1a\n")
    .bytes("content/unused.png", b"\x89PNG\r\n\x1a\n")
    .file("content/data.csv", "a,b\n")
    .bytes("content/talk.mp3", b"ID3")
    .file("content/notes.md.bak", "old")
    .file("content/tool.py", "print(1)\n")
    .bytes("content/all.zip", b"PK")
    .file("static/robots-extra.txt", "kept\n");
    let out = site.cli(&["build"]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(", 4 unreferenced files not published)"),
        "{stdout}"
    );
    let public = site.public();
    for kept in [
        "chart.png",
        "data.csv",
        "talk.mp3",
        "img/poster.jpg",
        "robots-extra.txt",
    ] {
        assert!(public.join(kept).is_file(), "{kept} missing");
    }
    for gone in ["unused.png", "notes.md.bak", "tool.py", "all.zip"] {
        assert!(!public.join(gone).exists(), "{gone} published");
    }
    let page = site.page("notes/");
    assert_eq!(page.all(".note-body audio").len(), 1);

    site.file("studysite.toml", "publish_unreferenced = true\n");
    let report = site.build_ok();
    assert_eq!(report.unreferenced, 0);
    for file in ["unused.png", "notes.md.bak", "tool.py", "all.zip"] {
        assert!(public.join(file).is_file(), "{file} not published");
    }
}

#[test]
fn unreferenced_files_after_edits_match_a_fresh_build() {
    let site = vault();
    site.note("a.md", "# A\n")
        .bytes("content/pic.png", b"\x89PNG\r\n\x1a\n")
        .file("content/old.bak", "x");
    let mut session = Session::open(&site.options()).expect("session");
    assert!(!session.files().contains_key("pic.png"));
    rebuilds::change(&site, &mut session, "a.md", Some("# A\n\n![[pic.png]]\n"));
    assert!(session.files().contains_key("pic.png"));
    rebuilds::change(&site, &mut session, "b.md", Some("# B\n\n[old](old.bak)\n"));
    rebuilds::change(&site, &mut session, "a.md", Some("# A\n"));
    rebuilds::change(&site, &mut session, "b.md", None);
    assert!(!session.files().contains_key("old.bak"));
}
