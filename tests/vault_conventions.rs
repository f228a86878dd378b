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
