//! The search index as built: what goes in (sections, fields) and what never does (front
//! matter, diagram sources, excluded notes), the files' shape, the search box and page in the
//! default theme, `[search]` config, `--verbose`, and updates in a session.

mod common;

use common::Fixture;
use common::fresh::assert_same_as_fresh;
use std::fs;
use std::path::Path;
use studysite::session::{Changes, Session};

fn site() -> Fixture {
    let site = Fixture::new();
    site.file("studysite.toml", "title = \"Index\"\n")
        .note(
            "compute/ec2.md",
            "---\ntitle: EC2\ndescription: frontdescword\nowner: frontextraword\ntags: [aws/compute]\n---\n# EC2\n\nIntro words.\n\n## Pricing\n\nSpot and reserved.\n\n### Spot\n\nInterruptions.\n\n```mermaid\nflowchart LR\n  diagramsourceword --> B\n```\n\n```bash\naws ec2 codeonlyword\n```\n",
        )
        .note("private/diary.md", "# Diary\n\nsecretglobword\n")
        .note("notes/hidden.md", "---\nsearch: false\n---\n# Hidden\n\nsecretoptoutword\n")
        .note("notes/draft-plan.md", "# Plan\n\nsecretdraftword\n");
    site
}

/// Every index file's text, by path under `search/`.
fn index_files(public: &Path) -> Vec<(String, String)> {
    let dir = public.join("search");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "js") {
            let rel = entry.path().strip_prefix(&dir).unwrap();
            out.push((
                rel.to_string_lossy().replace('\\', "/"),
                fs::read_to_string(entry.path()).unwrap(),
            ));
        }
    }
    out
}

/// The JSON argument of a note file (`studysiteSearch.add("d",n,{…});`).
fn doc(text: &str) -> serde_json::Value {
    let start = text.find('{').unwrap();
    let end = text.rfind(')').unwrap();
    serde_json::from_str(&text[start..end]).unwrap()
}

fn all_text(files: &[(String, String)]) -> String {
    files
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn each_heading_is_a_record_and_the_note_file_holds_its_text() {
    let site = site();
    site.build_ok();
    let files = index_files(&site.public());
    let ec2 = files
        .iter()
        .map(|(_, t)| t)
        .find(|t| t.contains("\"u\":\"compute/ec2/\""))
        .expect("a note file for ec2");
    let doc = doc(ec2);
    assert_eq!(doc["t"], "EC2");
    let sections: Vec<(String, u64, String)> = doc["s"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s[0].as_str().unwrap().to_string(),
                s[1].as_u64().unwrap(),
                s[2].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        sections,
        [
            (String::new(), 0, "EC2".to_string()),
            ("pricing".into(), 2, "Pricing".into()),
            ("spot".into(), 3, "Spot".into())
        ]
    );
    assert_eq!(doc["s"][0][3], "Intro words.");
    assert_eq!(doc["s"][2][4], "aws ec2 codeonlyword", "code is kept apart");
    let text = all_text(&files);
    assert!(text.contains("codeonlyword"), "code is indexed");
    for word in ["frontdescword", "frontextraword", "diagramsourceword"] {
        assert!(!text.contains(word), "{word} is never in the index");
    }
}

#[test]
fn excluded_notes_stay_out_of_the_index() {
    let site = site();
    site.file(
        "studysite.toml",
        "title = \"Index\"\n[search]\nexclude = [\"private/**\", \"**/draft-*.md\"]\n",
    );
    site.build_ok();
    let text = all_text(&index_files(&site.public()));
    for word in ["secretglobword", "secretoptoutword", "secretdraftword"] {
        assert!(!text.contains(word), "{word} was indexed");
    }
    assert!(text.contains("Intro words."));
    let meta = fs::read_to_string(site.public().join("search/meta.js")).unwrap();
    assert!(meta.contains("\"notes\":1"), "{meta}");
    // The notes themselves are still published.
    assert!(site.public().join("private/diary/index.html").is_file());
}

#[test]
fn index_files_are_classic_scripts_that_register_themselves() {
    let site = site();
    site.build_ok();
    let files = index_files(&site.public());
    assert!(files.iter().any(|(p, _)| p == "meta.js"));
    assert!(files.iter().any(|(p, _)| p.starts_with("i/")));
    assert!(files.iter().any(|(p, _)| p.starts_with("t/")));
    assert!(files.iter().any(|(p, _)| p.starts_with("d/")));
    for (path, text) in &files {
        assert!(
            text.starts_with("studysiteSearch.add(") && text.ends_with(");\n"),
            "{path}: {}",
            &text[..text.len().min(80)]
        );
    }
    let script = site.read("search.js") + &site.read("search-engine.js");
    for banned in ["fetch(", "import(", "XMLHttpRequest", "http://", "https://"] {
        assert!(!script.contains(banned), "search.js uses {banned}");
    }
}

#[test]
fn two_builds_write_the_same_index() {
    let site = site();
    site.build_ok();
    let first = index_files(&site.public());
    fs::remove_dir_all(site.public()).unwrap();
    site.build_ok();
    assert_eq!(first, index_files(&site.public()));
}

#[test]
fn the_header_has_an_accessible_search_box_and_there_is_a_results_page() {
    let site = site();
    site.build_ok();
    let page = site.page("compute/ec2/");
    let input = page.one("form[role=search] input[role=combobox]");
    let attr = |name: &str| input.value().attr(name).unwrap_or("").to_string();
    assert_eq!(attr("aria-expanded"), "false");
    assert_eq!(attr("aria-controls"), "search-results");
    assert_eq!(attr("aria-autocomplete"), "list");
    assert_eq!(attr("name"), "q");
    page.one("#search-results[role=listbox]");
    assert_eq!(
        page.urls("form[role=search]", "action"),
        ["/search/"],
        "without JavaScript the form opens the results page"
    );
    let scripts: Vec<String> = page
        .urls("script[src]", "src")
        .iter()
        .map(|s| common::plain_name(s))
        .filter(|s| s.ends_with("search.js"))
        .collect();
    assert_eq!(scripts, ["/search.js"]);
    assert_eq!(page.attrs("html", "data-root"), ["../../"]);
    let results = site.page("search/");
    results.one(".search-page input[name=q]");
    results.one(".search-page-results");
    assert_eq!(results.texts("h1"), ["Search"]);
}

#[test]
fn disabled_search_writes_no_index_box_or_page() {
    let site = site();
    site.file("studysite.toml", "[search]\nenabled = false\n");
    site.build_ok();
    assert!(!site.public().join("search").exists());
    let page = site.page("compute/ec2/");
    assert!(page.all("form[role=search]").is_empty());
    assert!(
        !page
            .attrs("script[src]", "src")
            .iter()
            .any(|s| common::plain_name(s).ends_with("search.js"))
    );
}

#[test]
fn verbose_build_prints_the_index_size_and_shards() {
    let site = site();
    let out = site.cli(&["build", "--verbose"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("search:"))
        .unwrap_or_else(|| panic!("no search line in {stderr}"));
    assert!(line.contains("3 notes"), "one of the four opts out: {line}");
    assert!(line.contains("term shards"), "{line}");
    assert!(line.contains("dictionary shards"), "{line}");
    assert!(line.contains("kB in"), "{line}");
}

#[test]
fn an_edit_in_a_session_updates_the_notes_file() {
    let site = site();
    let mut session = Session::open(&site.options()).unwrap();
    let before = session
        .files()
        .iter()
        .filter(|(p, _)| p.starts_with("search/"))
        .count();
    let note = site.root().join("content/compute/ec2.md");
    let text = fs::read_to_string(&note).unwrap().replace(
        "Interruptions.",
        "Interruptions come with a freshlyaddedword.",
    );
    fs::write(&note, text).unwrap();
    let update = session.apply(&Changes {
        content: [note].into_iter().collect(),
        ..Changes::default()
    });
    assert!(!update.full, "a body edit is not a full rebuild");
    let changed_doc = update
        .changed
        .iter()
        .find(|p| p.starts_with("search/d/"))
        .expect("the note file changed");
    let bytes = &session.files()[changed_doc];
    assert!(String::from_utf8_lossy(bytes).contains("freshlyaddedword"));
    let after = session
        .files()
        .iter()
        .filter(|(p, _)| p.starts_with("search/"))
        .count();
    assert!(
        after >= before - 1 && after <= before + 1,
        "{before} → {after}"
    );
}

/// Applies what happened to `paths` (under `content/`) to the session.
fn changed(session: &mut Session, site: &Fixture, paths: &[&str]) {
    let content = site.root().join("content");
    session.apply(&Changes {
        content: paths.iter().map(|p| content.join(p)).collect(),
        ..Changes::default()
    });
}

#[test]
fn notes_that_come_go_or_move_renumber_the_index_as_a_fresh_build_would() {
    let site = Fixture::new();
    // Words shared across notes, so that one term's records span many notes.
    let note = |i: usize, sections: usize| {
        let mut text = format!("# Note {i}\n\nshared common word{i} word{}\n", i % 3);
        for s in 0..sections {
            text.push_str(&format!(
                "\n## Part {s}\n\nshared part{s} word{}\n",
                (i + s) % 5
            ));
        }
        text
    };
    for i in 0..24 {
        site.note(&format!("f{}/n{i:02}.md", i % 3), &note(i, 1 + i % 3));
    }
    let mut session = Session::open(&site.options()).unwrap();
    let content = site.root().join("content");
    let mv = |from: &str, to: &str| {
        let to = content.join(to);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::rename(content.join(from), to).unwrap();
    };
    let write = |path: &str, text: &str| {
        let path = content.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };

    mv("f0/n03.md", "f0/z-last.md");
    changed(&mut session, &site, &["f0/n03.md", "f0/z-last.md"]);
    assert_same_as_fresh(&site, &session, "renamed to later in its folder");
    mv("f1/n22.md", "f1/a-first.md");
    changed(&mut session, &site, &["f1/n22.md", "f1/a-first.md"]);
    assert_same_as_fresh(&site, &session, "renamed to earlier in its folder");
    mv("f2/n05.md", "f0/n05.md");
    changed(&mut session, &site, &["f2/n05.md", "f0/n05.md"]);
    assert_same_as_fresh(&site, &session, "moved to another folder");
    write("a/first.md", &note(100, 2));
    changed(&mut session, &site, &["a/first.md"]);
    assert_same_as_fresh(&site, &session, "a note before all others");
    write("zz/end.md", &note(101, 4));
    changed(&mut session, &site, &["zz/end.md"]);
    assert_same_as_fresh(&site, &session, "a note after all others");
    fs::remove_file(content.join("f1/n10.md")).unwrap();
    changed(&mut session, &site, &["f1/n10.md"]);
    assert_same_as_fresh(&site, &session, "a note deleted");
    write("f2/n08.md", &note(8, 5));
    changed(&mut session, &site, &["f2/n08.md"]);
    assert_same_as_fresh(&site, &session, "a note with more sections");
    write("f2/n11.md", &note(11, 0));
    changed(&mut session, &site, &["f2/n11.md"]);
    assert_same_as_fresh(&site, &session, "a note with fewer sections");
    mv("f0/n06.md", "f0/m06.md");
    write(
        "f0/m06.md",
        &note(6, 2).replace("shared", "renamedandedited"),
    );
    write(
        "f0/n00.md",
        &format!("---\nsearch: false\n---\n{}", note(0, 1)),
    );
    fs::remove_file(content.join("f2/n14.md")).unwrap();
    changed(
        &mut session,
        &site,
        &["f0/n06.md", "f0/m06.md", "f0/n00.md", "f2/n14.md"],
    );
    assert_same_as_fresh(&site, &session, "renamed and edited, opted out, deleted");
    write("f0/n00.md", &note(0, 1));
    changed(&mut session, &site, &["f0/n00.md"]);
    assert_same_as_fresh(&site, &session, "opted in again");
    fs::remove_dir_all(content.join("f1")).unwrap();
    changed(&mut session, &site, &["f1"]);
    assert_same_as_fresh(&site, &session, "a folder deleted");
}
