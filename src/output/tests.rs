use super::*;
use std::fs;

fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path).unwrap().ino()
}

fn build(target: &Path, files: &[(&str, &str)]) -> Committed {
    let mut out = Output::to_disk(target, false).unwrap();
    let txn = out.begin(Mode::Fresh);
    for (path, text) in files {
        txn.write(path, text.as_bytes().to_vec()).unwrap();
    }
    txn.commit().unwrap()
}

#[test]
fn a_first_build_appears_only_on_commit() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    let mut out = Output::to_disk(&target, false).unwrap();
    let txn = out.begin(Mode::Fresh);
    txn.write("a/index.html", b"new".to_vec()).unwrap();
    assert!(!target.exists());
    let done = txn.commit().unwrap();
    assert_eq!(done.changed, ["a/index.html"]);
    assert_eq!(
        fs::read_to_string(target.join("a/index.html")).unwrap(),
        "new"
    );
    assert!(target.join(MANIFEST_FILE).is_file());
    assert_eq!(leftovers(dir.path()), ["public"]);
}

#[cfg(unix)]
#[test]
fn a_rebuild_swaps_in_the_new_site_linking_unchanged_files() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    build(
        &target,
        &[
            ("same.html", "same"),
            ("edit.html", "before"),
            ("old/index.html", "stale"),
        ],
    );
    let same_inode = inode(&target.join("same.html"));
    let done = build(
        &target,
        &[
            ("same.html", "same"),
            ("edit.html", "after"),
            ("new/index.html", "fresh"),
        ],
    );
    assert_eq!(done.changed, ["edit.html", "new/index.html"]);
    assert_eq!(done.removed, ["old/index.html"]);
    assert_eq!(
        fs::read_to_string(target.join("edit.html")).unwrap(),
        "after"
    );
    assert!(!target.join("old").exists(), "our stale files go");
    assert_eq!(
        inode(&target.join("same.html")),
        same_inode,
        "unchanged files are linked, not rewritten"
    );
    assert_eq!(leftovers(dir.path()), ["public"]);
}

/// A session kept open (`build --watch`) removes each replaced site on a thread of its own:
/// the next commit and closing the output wait for it, so no old site is left behind, and
/// every commit still swaps in a whole site.
#[test]
fn replaced_sites_removed_in_the_background_are_gone_by_the_next_commit_and_at_close() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    let mut out = Output::to_disk(&target, false).unwrap();
    out.remove_in_background();
    let files: Vec<String> = (0..300).map(|i| format!("d{}/n{i}.html", i % 7)).collect();
    for round in 0..3 {
        let txn = out.begin(Mode::Update);
        for (i, f) in files.iter().enumerate() {
            let text = if i == 0 {
                format!("round {round}")
            } else {
                "same".into()
            };
            txn.write(f, text.into_bytes()).unwrap();
        }
        txn.commit().unwrap();
        assert_eq!(
            fs::read_to_string(target.join(&files[0])).unwrap(),
            format!("round {round}")
        );
        assert_eq!(
            fs::read_to_string(target.join(&files[299])).unwrap(),
            "same"
        );
        // At most the site this commit replaced is still being removed.
        assert!(
            leftovers(dir.path()).len() <= 2,
            "{:?}",
            leftovers(dir.path())
        );
    }
    drop(out);
    assert_eq!(leftovers(dir.path()), ["public"]);
}

#[test]
fn a_build_that_changes_nothing_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    build(&target, &[("a.html", "a")]);
    let before = fs::metadata(target.join(MANIFEST_FILE))
        .unwrap()
        .modified()
        .unwrap();
    let done = build(&target, &[("a.html", "a")]);
    assert!(done.changed.is_empty() && done.removed.is_empty());
    let after = fs::metadata(target.join(MANIFEST_FILE))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(leftovers(dir.path()), ["public"]);
}

#[test]
fn a_folder_of_someone_elses_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("docs");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("thesis.txt"), "my thesis").unwrap();
    let refused = Output::to_disk(&target, false).err().expect("refused");
    let message = format!("{refused:#}");
    assert!(message.contains("thesis.txt"), "{message}");
    assert!(message.contains("--force"), "{message}");
    assert_eq!(
        fs::read_to_string(target.join("thesis.txt")).unwrap(),
        "my thesis"
    );
}

#[test]
fn with_force_the_users_files_are_kept_through_every_build() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("docs");
    fs::create_dir_all(target.join("notes/empty")).unwrap();
    fs::write(target.join("thesis.txt"), "my thesis").unwrap();
    fs::write(target.join("notes/draft.md"), "draft").unwrap();
    for round in ["one", "two"] {
        let mut out = Output::to_disk(&target, true).unwrap();
        let txn = out.begin(Mode::Fresh);
        txn.write("index.html", round.as_bytes().to_vec()).unwrap();
        txn.commit().unwrap();
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            round
        );
    }
    assert_eq!(
        fs::read_to_string(target.join("thesis.txt")).unwrap(),
        "my thesis"
    );
    assert_eq!(
        fs::read_to_string(target.join("notes/draft.md")).unwrap(),
        "draft"
    );
    assert!(target.join("notes/empty").is_dir());
    // The manifest lists only what the build wrote, so the files stay the user's.
    let manifest = Manifest::read(&target).unwrap().unwrap();
    assert_eq!(manifest.files.keys().collect::<Vec<_>>(), ["index.html"]);
}

#[test]
fn hidden_entries_at_the_top_are_kept_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    build(&target, &[("index.html", "one")]);
    fs::create_dir(target.join(".git")).unwrap();
    fs::write(target.join(".git/HEAD"), "ref").unwrap();
    fs::write(target.join(".nojekyll"), "").unwrap();
    build(&target, &[("index.html", "two")]);
    assert_eq!(fs::read_to_string(target.join(".git/HEAD")).unwrap(), "ref");
    assert!(target.join(".nojekyll").exists());
}

#[test]
fn a_dropped_build_leaves_the_previous_site_and_no_staging() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    build(&target, &[("index.html", "old")]);
    {
        let mut out = Output::to_disk(&target, false).unwrap();
        let txn = out.begin(Mode::Fresh);
        txn.write("index.html", b"half".to_vec()).unwrap();
        txn.write("more.html", b"x".to_vec()).unwrap();
    }
    assert_eq!(
        fs::read_to_string(target.join("index.html")).unwrap(),
        "old"
    );
    assert!(!target.join("more.html").exists());
    assert_eq!(leftovers(dir.path()), ["public"]);
}

#[test]
fn staging_left_by_a_killed_build_is_removed_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    build(&target, &[("index.html", "old")]);
    let abandoned = dir.path().join(".public.staging-999999999-1");
    fs::create_dir_all(abandoned.join("a")).unwrap();
    fs::write(abandoned.join(".studysite-staging"), "").unwrap();
    fs::write(abandoned.join("a/index.html"), "half").unwrap();
    let unrelated = dir.path().join(".public.staging-mine");
    fs::create_dir(&unrelated).unwrap();
    fs::write(unrelated.join("keep.txt"), "not ours").unwrap();
    build(&target, &[("index.html", "new")]);
    assert!(!abandoned.exists());
    assert!(unrelated.join("keep.txt").exists(), "only our own staging");
}

#[test]
fn an_update_changes_only_what_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    build(
        &target,
        &[("a.html", "a"), ("b.html", "b"), ("c.html", "c")],
    );
    let mut out = Output::to_disk(&target, false).unwrap();
    let txn = out.begin(Mode::Update);
    txn.write("b.html", b"B".to_vec()).unwrap();
    txn.remove("c.html");
    let done = txn.commit().unwrap();
    assert_eq!(
        (done.changed, done.removed),
        (vec!["b.html".into()], vec!["c.html".into()])
    );
    assert_eq!(fs::read_to_string(target.join("a.html")).unwrap(), "a");
    assert_eq!(fs::read_to_string(target.join("b.html")).unwrap(), "B");
    assert!(!target.join("c.html").exists());
}

#[test]
fn memory_keeps_files_and_reports_what_changed() {
    let mut out = Output::in_memory();
    let txn = out.begin(Mode::Fresh);
    txn.write("a.html", b"a".to_vec()).unwrap();
    txn.write("b.html", b"b".to_vec()).unwrap();
    txn.commit().unwrap();
    let txn = out.begin(Mode::Update);
    txn.write("a.html", b"a".to_vec()).unwrap();
    txn.write("b.html", b"bb".to_vec()).unwrap();
    txn.remove("gone.html");
    let done = txn.commit().unwrap();
    assert_eq!(done.changed, ["b.html"]);
    assert_eq!(out.files().len(), 2);
}

#[test]
fn a_path_written_twice_ends_as_its_last_write() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    build(&target, &[("a.css", "old"), ("b.css", "old")]);
    let mut out = Output::to_disk(&target, false).unwrap();
    let txn = out.begin(Mode::Fresh);
    txn.write("a.css", b"new".to_vec()).unwrap();
    txn.write("a.css", b"newer".to_vec()).unwrap();
    txn.write("b.css", b"changed".to_vec()).unwrap();
    txn.write("b.css", b"old".to_vec()).unwrap();
    let done = txn.commit().unwrap();
    assert_eq!(done.changed, ["a.css"]);
    assert_eq!(fs::read_to_string(target.join("a.css")).unwrap(), "newer");
    assert_eq!(fs::read_to_string(target.join("b.css")).unwrap(), "old");
}

/// An update that writes a file with the bytes it already has leaves it as it is; written
/// twice, removed and written again, or written and then removed, it ends as the last call.
fn an_update_ends_as_its_last_calls(out: &mut Output) {
    let shared = Shared::new(b"index".to_vec());
    let txn = out.begin(Mode::Fresh);
    for path in ["same.html", "twice.html", "back.html", "dropped.html"] {
        txn.write(path, b"old".to_vec()).unwrap();
    }
    txn.write_shared("search/meta.js", &shared).unwrap();
    txn.commit().unwrap();
    let txn = out.begin(Mode::Update);
    txn.write("same.html", b"old".to_vec()).unwrap();
    txn.write_shared("search/meta.js", &shared).unwrap();
    txn.write("twice.html", b"new".to_vec()).unwrap();
    txn.write("twice.html", b"old".to_vec()).unwrap();
    txn.remove("back.html");
    txn.write("back.html", b"old".to_vec()).unwrap();
    txn.write("dropped.html", b"old".to_vec()).unwrap();
    txn.remove("dropped.html");
    let done = txn.commit().unwrap();
    assert_eq!(done.changed, Vec::<String>::new());
    assert_eq!(done.removed, ["dropped.html"]);
    assert_eq!(done.files, 4);
}

#[test]
fn an_update_in_memory_ends_as_its_last_calls() {
    let mut out = Output::in_memory();
    an_update_ends_as_its_last_calls(&mut out);
    let files = out.files();
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        ["back.html", "same.html", "search/meta.js", "twice.html"]
    );
    assert_eq!(files["search/meta.js"].1.read().unwrap(), b"index");
}

#[test]
fn an_update_on_disk_ends_as_its_last_calls() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    let mut out = Output::to_disk(&target, false).unwrap();
    an_update_ends_as_its_last_calls(&mut out);
    for path in ["same.html", "twice.html", "back.html"] {
        assert_eq!(
            fs::read_to_string(target.join(path)).unwrap(),
            "old",
            "{path}"
        );
    }
    assert_eq!(
        fs::read_to_string(target.join("search/meta.js")).unwrap(),
        "index"
    );
    assert!(!target.join("dropped.html").exists());
}

#[test]
fn paths_outside_the_output_are_refused() {
    let mut out = Output::in_memory();
    let txn = out.begin(Mode::Fresh);
    for bad in [
        "../x",
        "/etc/passwd",
        "a/../../b",
        "a\\b",
        "",
        MANIFEST_FILE,
    ] {
        assert!(txn.write(bad, b"x".to_vec()).is_err(), "{bad}");
    }
}

#[test]
fn a_file_in_place_of_the_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    fs::write(&target, "a file").unwrap();
    assert!(Output::to_disk(&target, true).is_err());
    assert_eq!(fs::read_to_string(&target).unwrap(), "a file");
}
