//! What goes wrong after ordinary edits while `serve` or `build --watch` runs, each scenario as
//! a new user met it: the rebuilt site must equal a fresh build of the same files, on disk and
//! in memory, through the file watcher and without it.

mod common;

use common::Fixture;
use common::fresh::assert_same_as_fresh as assert_fresh;
use common::http::{Events, get};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use studysite::serve::{ServeOptions, start};
use studysite::session::{Changes, Session};

const DIAGRAM: &str =
    "```mermaid\nflowchart LR\n  A[Client] --> B[Load balancer]\n  B --> C[Targets]\n```\n";

fn changes(paths: &[PathBuf]) -> Changes {
    Changes {
        content: paths.iter().cloned().collect(),
        ..Changes::default()
    }
}

fn diagram_site() -> Fixture {
    let site = Fixture::new();
    site.note("elb.md", &format!("# ELB\n\nSpreads traffic.\n\n{DIAGRAM}"))
        .note("other.md", "# Other\n\nSee [[elb]].\n");
    site
}

#[test]
fn a_note_with_a_diagram_keeps_it_drawn_after_an_edit_of_its_text() {
    let site = diagram_site();
    let mut session = Session::open(&site.options()).unwrap();
    let path = site.root().join("content/elb.md");
    fs::write(
        &path,
        format!("# ELB\n\nSpreads traffic evenly.\n\n{DIAGRAM}"),
    )
    .unwrap();
    session.apply(&changes(&[path]));
    let html = String::from_utf8(session.files()["elb/index.html"].clone()).unwrap();
    assert!(html.contains("<svg"), "the diagram is still an inline SVG");
    assert!(!html.contains("<pre class=\"mermaid\""), "{html}");
    assert!(!html.contains("cdn."), "no CDN script");
    assert_fresh(&site, &session, "diagram note edited");
}

#[test]
fn a_diagrams_warnings_survive_an_edit_of_the_notes_text() {
    let site = Fixture::new();
    let bad = "```mermaid\nflowhcart LR\n  A --> B\n```\n";
    site.note("bad.md", &format!("# Bad\n\n{bad}"));
    let mut session = Session::open(&site.options()).unwrap();
    let before = session.diagnostics().len();
    assert!(before > 0, "the invalid diagram is reported");
    let path = site.root().join("content/bad.md");
    fs::write(&path, format!("# Bad\n\nNow with words.\n\n{bad}")).unwrap();
    session.apply(&changes(&[path]));
    assert_eq!(session.diagnostics().len(), before);
    assert_fresh(&site, &session, "note with an invalid diagram edited");
}

#[test]
fn an_attachment_overwritten_in_place_is_served_with_its_new_bytes() {
    let site = Fixture::new();
    site.note("a.md", "# A\n\n![[pic.svg]]\n").file(
        "content/img/pic.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"one\"/>",
    );
    let mut session = Session::open(&site.options()).unwrap();
    let pic = site.root().join("content/img/pic.svg");
    // A new modification time even on coarse clocks.
    std::thread::sleep(Duration::from_millis(20));
    fs::write(
        &pic,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"two, longer\"/>",
    )
    .unwrap();
    let update = session.apply(&changes(std::slice::from_ref(&pic)));
    assert_eq!(update.changed, ["img/pic.svg"], "{update:?}");
    assert!(String::from_utf8_lossy(&session.files()["img/pic.svg"]).contains("two"));
    assert_fresh(&site, &session, "attachment overwritten");
}

#[test]
fn removing_one_of_two_headings_on_a_topic_removes_the_topic_page() {
    let site = Fixture::new();
    site.note("one.md", "# One\n\n## Alpha Beta\n\nFirst take.\n")
        .note("two.md", "# Two\n\n## Alpha Beta\n\nSecond take.\n");
    let mut session = Session::open(&site.options()).unwrap();
    assert!(session.files().contains_key("topics/alpha-beta/index.html"));
    let two = site.root().join("content/two.md");
    fs::write(&two, "# Two\n\n## Gamma\n\nSecond take.\n").unwrap();
    let update = session.apply(&changes(&[two]));
    assert!(
        !session.files().contains_key("topics/alpha-beta/index.html"),
        "{update:?}"
    );
    assert!(
        update
            .removed
            .contains(&"topics/alpha-beta/index.html".to_string())
    );
    assert_fresh(&site, &session, "heading removed");
}

#[test]
fn a_burst_deleting_notes_a_folder_and_an_attachment_leaves_none_of_their_pages() {
    let site = Fixture::new();
    site.note("keep.md", "# Keep\n\n![[gone.png]] [[a]]\n")
        .note("old/a.md", "# A\n")
        .note("old/deep/b.md", "# B\n")
        .note("c.md", "# C\n")
        .bytes("content/gone.png", b"\x89PNG\r\n\x1a\n");
    let mut session = Session::open(&site.options()).unwrap();
    fs::remove_dir_all(site.root().join("content/old")).unwrap();
    fs::remove_file(site.root().join("content/c.md")).unwrap();
    fs::remove_file(site.root().join("content/gone.png")).unwrap();
    session.apply(&changes(&[
        site.root().join("content/old"),
        site.root().join("content/c.md"),
        site.root().join("content/gone.png"),
    ]));
    let files = session.files();
    for gone in [
        "old/a/index.html",
        "old/deep/b/index.html",
        "c/index.html",
        "gone.png",
        "old/index.html",
    ] {
        assert!(!files.contains_key(gone), "{gone} is still served");
    }
    assert_fresh(&site, &session, "burst of deletes");
}

#[test]
fn an_attachment_deleted_before_the_rebuild_reads_it_does_not_fail_the_rebuild() {
    let site = Fixture::new();
    site.note("a.md", "# A\n\n![[pic.png]]\n")
        .bytes("content/pic.png", b"\x89PNG\r\n\x1a\nfirst");
    let mut session = Session::open(&site.options()).unwrap();
    let pic = site.root().join("content/pic.png");
    let note = site.root().join("content/a.md");
    // The watcher saw both changes; by the time the rebuild runs the picture is gone.
    fs::write(&note, "# A\n\n![[pic.png]] again\n").unwrap();
    fs::remove_file(&pic).unwrap();
    session.apply(&changes(&[pic, note]));
    assert!(
        session
            .diagnostics()
            .iter()
            .all(|d| !d.message.contains("rebuild failed")),
        "{:?}",
        session.diagnostics()
    );
    assert_fresh(&site, &session, "attachment deleted during the rebuild");
}

#[test]
fn a_template_used_only_as_a_component_or_an_include_rebuilds_the_pages_that_use_it() {
    let site = Fixture::new();
    site.note("a.md", "# A\n\nText.\n")
        .file(
            "templates/components.html",
            "{% component Stamp() %}<p class=\"stamp\">v1</p>{% endcomponent Stamp %}",
        )
        .file("templates/footnote.html", "<p class=\"foot\">f1</p>")
        .file(
            "templates/page.html",
            "{% extends \"base.html\" %}{% block main %}{{ <Stamp /> }}{% include \"footnote.html\" %}{{ page.content | safe }}{% endblock main %}",
        );
    let mut session = Session::open(&site.options()).unwrap();
    assert!(
        String::from_utf8_lossy(&session.files()["a/index.html"]).contains(">v1<"),
        "{:?}",
        session.diagnostics()
    );
    let components = site.root().join("templates/components.html");
    fs::write(
        &components,
        "{% component Stamp() %}<p class=\"stamp\">v2</p>{% endcomponent Stamp %}",
    )
    .unwrap();
    session.apply(&Changes {
        templates: [components].into(),
        ..Changes::default()
    });
    assert!(String::from_utf8_lossy(&session.files()["a/index.html"]).contains(">v2<"));
    assert_fresh(&site, &session, "component edited");
    let footnote = site.root().join("templates/footnote.html");
    fs::write(&footnote, "<p class=\"foot\">f2</p>").unwrap();
    session.apply(&Changes {
        templates: [footnote].into(),
        ..Changes::default()
    });
    assert!(String::from_utf8_lossy(&session.files()["a/index.html"]).contains(">f2<"));
    assert_fresh(&site, &session, "included template edited");
}

#[test]
fn a_panic_inside_a_rebuild_is_reported_and_the_next_edit_rebuilds() {
    // The panic is injected by a variable this test binary alone sets, for one note.
    let site = Fixture::new();
    site.note("a.md", "# A\n\nFirst.\n")
        .note("boom.md", "# Boom\n");
    let mut session = Session::open(&site.options()).unwrap();
    // SAFETY: set before any other thread of this test reads it; no other test reads it.
    unsafe { std::env::set_var("STUDYSITE_FAIL_PARSE", "boom.md") };
    let boom = site.root().join("content/boom.md");
    fs::write(&boom, "# Boom\n\nEdited.\n").unwrap();
    session.apply(&changes(std::slice::from_ref(&boom)));
    unsafe { std::env::remove_var("STUDYSITE_FAIL_PARSE") };
    let errors: Vec<String> = session
        .diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("boom.md") && e.contains("internal error")),
        "{errors:?}"
    );
    let a = site.root().join("content/a.md");
    fs::write(&a, "# A\n\nSecond.\n").unwrap();
    session.apply(&changes(&[a, boom]));
    assert!(String::from_utf8_lossy(&session.files()["a/index.html"]).contains("Second."));
    assert_fresh(&site, &session, "after the panic");
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(40));
    }
}

#[test]
fn build_watch_writes_an_edit_made_while_another_note_was_broken() {
    let site = Fixture::new();
    site.note("x.md", "# X\n\nGood.\n")
        .note("y.md", "# Y\n\nOld text.\n");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("studysite"))
        .current_dir(site.root())
        .args(["build", "--watch"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let read = |p: &str| fs::read_to_string(site.public().join(p)).unwrap_or_default();
    wait_until("the first build", || {
        read("y/index.html").contains("Old text.")
    });
    std::thread::sleep(Duration::from_millis(300));
    site.note("x.md", "---\ntitle: [broken\n---\n# X\n");
    std::thread::sleep(Duration::from_millis(500));
    site.note("y.md", "# Y\n\nNew text.\n");
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        read("y/index.html").contains("Old text."),
        "nothing is written while x is broken"
    );
    site.note("x.md", "# X\n\nFixed.\n");
    wait_until("y's edit once x is fixed", || {
        read("y/index.html").contains("New text.")
    });
    assert!(read("x/index.html").contains("Fixed."));
    child.kill().unwrap();
    child.wait().unwrap();
}

fn serve(site: &Fixture) -> studysite::serve::Running {
    let options = ServeOptions {
        build: site.options(),
        port: Some(0),
        ..ServeOptions::default()
    };
    start(&options, Box::new(|_| {})).expect("server starts")
}

fn served(running: &studysite::serve::Running, path: &str) -> String {
    get(&running.addr.to_string(), path).text()
}

#[test]
fn serve_follows_the_content_folder_moved_away_and_back_and_a_new_templates_folder() {
    let site = Fixture::new();
    site.file("studysite.toml", "title = \"Moves\"\n")
        .note("a.md", "# A\n\nOne.\n");
    let running = serve(&site);
    let addr = running.addr.to_string();
    let mut events = Events::connect(&addr, "/__studysite/events");
    events.next(Duration::from_secs(10)).expect("hello");
    let content = site.root().join("content");
    let aside = site.root().join("content-aside");
    fs::rename(&content, &aside).unwrap();
    std::thread::sleep(Duration::from_millis(400));
    fs::rename(&aside, &content).unwrap();
    std::thread::sleep(Duration::from_millis(400));
    site.note("a.md", "# A\n\nTwo.\n");
    wait_until("the edit after the move", || {
        served(&running, "/a/").contains("Two.")
    });
    site.file(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p id=\"custom\">custom</p>{{ page.content | safe }}{% endblock main %}",
    );
    wait_until("the new templates folder", || {
        served(&running, "/a/").contains("id=\"custom\"")
    });
    site.file(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p id=\"custom\">edited</p>{{ page.content | safe }}{% endblock main %}",
    );
    wait_until("an edit in it", || {
        served(&running, "/a/").contains(">edited<")
    });
    running.stop();
}

/// A vault of `n` notes in a few folders, with links, embeds, tags, shared headings, diagrams
/// and attachments.
fn busy_vault(site: &Fixture, n: usize) {
    for i in 0..n {
        let folder = format!("f{}", i % 7);
        let link = (i * 7 + 3) % n;
        let embed = (i * 11 + 5) % n;
        let diagram = if i % 9 == 0 { DIAGRAM } else { "" };
        site.note(
            &format!("{folder}/n{i}.md"),
            &format!(
                "---\ntags: [t{}]\n---\n# Note {i}\n\nSee [[n{link}]] and ![[n{embed}#Shared]].\n\n## Shared\n\nPart {i}. #topic{}\n\n{diagram}\n![[p{}.png]]\n",
                i % 5,
                i % 3,
                i % 4
            ),
        );
    }
    for p in 0..4 {
        site.bytes(
            &format!("content/img/p{p}.png"),
            format!("png {p}").as_bytes(),
        );
    }
}

fn path_of(root: &Path, i: usize) -> PathBuf {
    root.join(format!("content/f{}/n{i}.md", i % 7))
}

#[test]
fn five_hundred_changes_in_ten_seconds_end_as_a_fresh_build() {
    let n = 200;
    let site = Fixture::new();
    site.file("studysite.toml", "title = \"Stress\"\n");
    busy_vault(&site, n);
    let running = serve(&site);
    let root = site.root().to_path_buf();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let started = Instant::now();
    for k in 0..500 {
        let i = (next() % n as u64) as usize;
        let path = path_of(&root, i);
        match next() % 6 {
            0 | 1 => {
                if let Ok(text) = fs::read_to_string(&path) {
                    let _ = fs::write(&path, format!("{text}\nEdit {k}.\n"));
                }
            }
            2 => {
                if let Ok(text) = fs::read_to_string(&path) {
                    let _ = fs::write(&path, text.replace("# Note", &format!("# Retitled {k}")));
                }
            }
            3 => {
                let _ = fs::remove_file(&path);
            }
            4 => {
                let dest = root.join(format!("content/f{}/n{i}.md", (i + 1) % 7));
                let _ = fs::rename(&path, &dest);
            }
            _ => {
                let pic = root.join(format!("content/img/p{}.png", k % 4));
                let _ = fs::write(&pic, format!("png {k}"));
            }
        }
        // 500 changes over about ten seconds.
        let due = Duration::from_millis(20 * (k as u64 + 1));
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
    }
    // Let the last rebuild finish, then compare what is served with a fresh build.
    let fresh = || Session::open(&site.options()).unwrap().files();
    let mut matched = false;
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        let served = running.files();
        let expected = fresh();
        if served == expected {
            matched = true;
            break;
        }
    }
    let served = running.files();
    let expected = fresh();
    let differing: Vec<&String> = expected
        .iter()
        .filter(|(k, v)| served.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .chain(served.keys().filter(|k| !expected.contains_key(*k)))
        .collect();
    assert!(
        matched,
        "{} files differ from a fresh build: {differing:?}",
        differing.len()
    );
    running.stop();
}

#[test]
fn rewording_the_sentence_around_a_link_updates_the_backlink_on_the_linked_page() {
    let site = Fixture::new();
    site.note("a.md", "# A\n\nSee [[b]] for limits.\n")
        .note("b.md", "# B\n\nLimits.\n");
    let mut session = Session::open(&site.options()).unwrap();
    let a = site.root().join("content/a.md");
    fs::write(&a, "# A\n\nThe quotas are in [[b]].\n").unwrap();
    session.apply(&changes(&[a]));
    let b = String::from_utf8(session.files()["b/index.html"].clone()).unwrap();
    assert!(
        b.contains("The quotas are in"),
        "the backlink quotes the new sentence"
    );
    assert_fresh(&site, &session, "sentence around a link reworded");
}

#[test]
fn a_tag_written_differently_changes_on_every_page_that_shows_it() {
    let site = Fixture::new();
    site.note("a.md", "---\ntags: [Networking]\n---\n# A\n")
        .note("b.md", "---\ntags: [networking]\n---\n# B\n");
    let mut session = Session::open(&site.options()).unwrap();
    let a = site.root().join("content/a.md");
    fs::write(&a, "---\ntags: [NETWORKING]\n---\n# A\n").unwrap();
    session.apply(&changes(&[a]));
    let b = String::from_utf8(session.files()["b/index.html"].clone()).unwrap();
    assert!(
        b.contains("#NETWORKING"),
        "b shows the tag as the vault now writes it first"
    );
    assert_fresh(&site, &session, "tag case changed");
}
