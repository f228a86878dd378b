//! `studysite build --watch`: the output folder follows edits, and a broken note leaves the
//! last good files in place.

mod common;

use common::Fixture;
use std::fs;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `studysite build --watch` on `site`, its output piped (to read) or dropped.
fn watch(site: &Fixture, piped: bool) -> std::process::Child {
    let out = || if piped { Stdio::piped() } else { Stdio::null() };
    Command::new(assert_cmd::cargo::cargo_bin("studysite"))
        .current_dir(site.root())
        .args(["build", "--watch"])
        .env("NO_COLOR", "1")
        .stdout(out())
        .stderr(out())
        .spawn()
        .unwrap()
}

#[test]
fn build_watch_rewrites_changed_pages_and_keeps_good_ones_on_errors() {
    let site = Fixture::new();
    site.note("a.md", "# A\n\nFirst version.\n")
        .note("b.md", "# B\n\n[[a]]\n");
    let mut child = watch(&site, false);
    let page = site.public().join("a/index.html");
    let contains = |text: &str| fs::read_to_string(&page).is_ok_and(|html| html.contains(text));
    wait_until("the first build", || contains("First version."));
    // The watcher starts after the first build; give it a moment to be in place.
    std::thread::sleep(Duration::from_millis(300));

    site.note("a.md", "# A\n\nSecond version.\n");
    wait_until("the edit to be written", || contains("Second version."));

    site.note("a.md", "---\ntitle: [broken\n---\n# A\n\nThird version.\n");
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        contains("Second version."),
        "a broken note keeps the last good page"
    );

    site.note("a.md", "# A\n\nFourth version.\n");
    wait_until("the fix to be written", || contains("Fourth version."));

    fs::remove_file(site.root().join("content/b.md")).unwrap();
    wait_until("the deleted note's page to go", || {
        !site.public().join("b/index.html").exists()
    });
    child.kill().unwrap();
    child.wait().unwrap();
}

/// What `build --watch` prints: the first build as `Built in …` with its pages and files and
/// its warnings, then each rebuild's line and only the warnings it adds; a re-link (a new
/// title) is not called a whole-site rebuild, and no empty `Rebuilt in 0 ms` line comes first.
#[test]
fn build_watch_reports_the_first_build_and_each_rebuilds_new_warnings() {
    use std::io::BufRead;
    use std::sync::{Arc, Mutex};
    let site = Fixture::new();
    site.note("a.md", "# A\n\nSee [[nowhere]].\n")
        .note("b.md", "# B\n\n[[a]]\n");
    let mut child = watch(&site, true);
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let read = |pipe: Box<dyn std::io::Read + Send>, tag: &'static str| {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(format!("{tag} {line}"));
            }
        })
    };
    read(Box::new(child.stdout.take().unwrap()), "out");
    read(Box::new(child.stderr.take().unwrap()), "err");
    let seen = |text: &str| {
        lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(text))
            .count()
    };
    wait_until("the first build's line", || seen("out Built in") == 1);
    std::thread::sleep(Duration::from_millis(300));
    site.note("b.md", "# B retitled\n\n[[a]] and [[elsewhere]].\n");
    wait_until("the rebuild's line", || seen("out Rebuilt in") == 1);
    child.kill().unwrap();
    child.wait().unwrap();
    let all = lines.lock().unwrap().clone();
    let first = all.iter().find(|l| l.starts_with("out ")).unwrap();
    assert!(
        first.starts_with("out Built in") && first.contains("pages rendered"),
        "{all:#?}"
    );
    assert!(!first.contains("0 pages"), "{all:#?}");
    // Each warning once: the first build's, then the one the edit added.
    assert_eq!(seen("nowhere"), 1, "{all:#?}");
    assert_eq!(seen("elsewhere"), 1, "{all:#?}");
    let rebuilt = all.iter().find(|l| l.contains("Rebuilt in")).unwrap();
    assert!(!rebuilt.contains("whole site"), "{all:#?}");
}
