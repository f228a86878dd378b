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

#[test]
fn build_watch_rewrites_changed_pages_and_keeps_good_ones_on_errors() {
    let site = Fixture::new();
    site.note("a.md", "# A\n\nFirst version.\n")
        .note("b.md", "# B\n\n[[a]]\n");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("studysite"))
        .current_dir(site.root())
        .args(["build", "--watch"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
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
