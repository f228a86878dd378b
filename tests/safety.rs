//! The promise of README's "Your files are safe": a build never modifies or deletes anything
//! in the content folder, never deletes a file it did not write, never publishes a file from
//! outside the site folder, and a failed or killed build leaves the previous site intact.

mod common;

use common::Fixture;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Instant;

/// Every file under a folder with its bytes, without the manifest.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.file_name() != ".studysite-manifest")
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_bare_vaults_own_public_folder_of_notes_is_never_touched() {
    let vault = Fixture::new();
    vault
        .file("public/shared.md", "# x\n")
        .file("home.md", "# h\n");
    let out = vault.cli(&["build"]);
    assert!(!out.status.success(), "the build must refuse");
    assert!(
        stderr(&out).contains("public/shared.md"),
        "the message names the user's file: {}",
        stderr(&out)
    );
    assert_eq!(
        fs::read_to_string(vault.root().join("public/shared.md")).unwrap(),
        "# x\n"
    );
    assert_eq!(tree(&vault.root().join("public")).len(), 1);
    // Elsewhere it builds, and the notes in public/ are notes like any other.
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("site");
    let out = vault.cli(&["build", "--output", target.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(target.join("public/shared/index.html").is_file());
    assert_eq!(
        fs::read_to_string(vault.root().join("public/shared.md")).unwrap(),
        "# x\n"
    );
}

#[test]
fn a_bare_vault_builds_into_a_new_public_folder_and_never_reads_it_back() {
    let vault = Fixture::new();
    vault.file("home.md", "# Home\n").file("a.md", "# A\n");
    for _ in 0..2 {
        let out = vault.cli(&["build"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let built = tree(&vault.root().join("public"));
    assert!(built.contains_key("a/index.html"));
    assert!(
        !built.keys().any(|k| k.starts_with("public/")),
        "the output is not read as notes: {:?}",
        built.keys().collect::<Vec<_>>()
    );
}

#[test]
fn an_output_inside_the_content_folder_is_refused() {
    for how in ["config", "flag"] {
        let site = Fixture::new();
        site.note("a.md", "# A\n").note("sub/c.md", "# C\n");
        let out = if how == "config" {
            site.file("studysite.toml", "output_dir = \"content/sub\"\n");
            site.cli(&["build"])
        } else {
            site.cli(&["build", "--output", "content/sub"])
        };
        assert!(!out.status.success(), "{how}: must refuse");
        assert!(
            stderr(&out).contains("inside the content folder"),
            "{how}: {}",
            stderr(&out)
        );
        assert_eq!(
            fs::read_to_string(site.root().join("content/sub/c.md")).unwrap(),
            "# C\n",
            "{how}"
        );
        assert_eq!(tree(&site.root().join("content/sub")).len(), 1, "{how}");
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_from_the_content_into_the_output_is_refused() {
    let site = Fixture::new();
    site.note("a.md", "# A\n");
    site.build_ok();
    std::os::unix::fs::symlink("../public", site.root().join("content/pub")).unwrap();
    let report = site.build();
    assert!(!report.succeeded());
    let messages: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("content/pub") && m.contains("output folder")),
        "{messages:?}"
    );
    assert!(
        !site.public().join("pub").exists(),
        "the output is not nested into itself"
    );
}

#[test]
fn an_output_folder_of_someone_elses_files_is_refused_unless_forced_and_then_kept() {
    let site = Fixture::new();
    site.note("a.md", "# A\n")
        .file("docs/thesis.txt", "my thesis");
    let out = site.cli(&["build", "--output", "docs"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("thesis.txt"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert!(!site.root().join("docs/a").exists(), "nothing was written");
    for _ in 0..2 {
        let out = site.cli(&["build", "--output", "docs", "--force"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(site.root().join("docs/a/index.html").is_file());
    assert_eq!(
        fs::read_to_string(site.root().join("docs/thesis.txt")).unwrap(),
        "my thesis"
    );
}

#[test]
fn a_build_deletes_only_files_an_earlier_build_wrote() {
    let site = Fixture::new();
    site.note("a.md", "# A\n").note("b.md", "# B\n");
    site.build_ok();
    fs::remove_file(site.root().join("content/b.md")).unwrap();
    // A file the user dropped into the output after the build is theirs.
    fs::write(site.public().join(".nojekyll"), "").unwrap();
    site.build_ok();
    assert!(
        !site.public().join("b/index.html").exists(),
        "ours, stale: gone"
    );
    assert!(site.public().join(".nojekyll").exists(), "theirs: kept");
    fs::write(site.public().join("notes.txt"), "mine").unwrap();
    let report = site.cli(&["build"]);
    assert!(!report.status.success(), "a foreign file stops the build");
    assert_eq!(
        fs::read_to_string(site.public().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_failed_commit_keeps_the_previous_site_and_leaves_no_staging() {
    let site = Fixture::new();
    site.note("a.md", "# A\n").note("b.md", "# B\n");
    site.build_ok();
    let before = tree(&site.public());
    site.note("a.md", "# A changed\n")
        .note("b.md", "# B changed\n");
    let out = assert_cmd::Command::cargo_bin("studysite")
        .unwrap()
        .current_dir(site.root())
        .env("STUDYSITE_FAIL_WRITE", "b/index.html")
        .arg("build")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("injected failure"),
        "{}",
        stderr(&out)
    );
    assert_eq!(tree(&site.public()), before, "the old site, untouched");
    let leftovers: Vec<String> = fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn staging_left_by_a_killed_build_is_cleaned_by_the_next() {
    let site = Fixture::new();
    site.note("a.md", "# A\n");
    site.build_ok();
    let stale = site.root().join(".public.staging-999999998-5");
    fs::create_dir_all(stale.join("x")).unwrap();
    fs::write(stale.join(".studysite-staging"), "").unwrap();
    fs::write(stale.join("x/index.html"), vec![b'x'; 10_000]).unwrap();
    site.build_ok();
    assert!(!stale.exists());
}

#[test]
fn a_script_outside_the_site_folder_is_never_published() {
    for script in ["/etc/passwd", "../../../../etc/passwd"] {
        let site = Fixture::new();
        site.file(
            "studysite.toml",
            &format!("[mermaid]\nrenderer = \"browser\"\nscript = \"{script}\"\n"),
        )
        .note("a.md", "# A\n\n```mermaid\ngraph TD\nA-->B\n```\n");
        let report = site.build();
        assert!(!report.succeeded(), "{script}");
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.message.contains("not a .js file")),
            "{script}: {:?}",
            report.diagnostics
        );
        assert!(!site.public().exists(), "{script}: nothing published");
    }
    // A script named explicitly outside the site folder is published, and the build says so.
    let outside = tempfile::tempdir().unwrap();
    let js = outside.path().join("mermaid.min.js");
    fs::write(&js, "window.mermaid = {};").unwrap();
    let site = Fixture::new();
    site.file(
        "studysite.toml",
        &format!(
            "[mermaid]\nrenderer = \"browser\"\nscript = {:?}\n",
            js.display().to_string()
        ),
    )
    .note("a.md", "# A\n\n```mermaid\ngraph TD\nA-->B\n```\n");
    let report = site.build_ok();
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("outside the site folder: publishing")),
        "{:?}",
        report.diagnostics
    );
    assert!(site.public().join("vendor/mermaid.min.js").is_file());
}

#[test]
fn notes_from_outside_the_site_folder_are_said_out_loud() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("x.md"), "# X\n").unwrap();
    let site = Fixture::new();
    let name = outside.path().file_name().unwrap().to_string_lossy();
    site.file("studysite.toml", &format!("content_dir = \"../{name}\"\n"));
    let report = site.build_ok();
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("outside the site folder")),
        "{:?}",
        report.diagnostics
    );
}

/// Writes `n` notes whose text depends on `version`, so two versions differ in every page.
fn write_version(site: &Fixture, n: usize, version: usize) {
    for i in 0..n {
        let folder = i % 12;
        site.note(
            &format!("f{folder:02}/note-{i:04}.md"),
            &format!(
                "---\ntitle: Note {i} v{version}\ntags: [t{}]\n---\n# Note {i}\n\nVersion {version} of note {i}, linking [[note-{:04}]].\n\n## Part\n\nMore text for version {version}.\n",
                i % 7,
                (i + 1) % n
            ),
        );
    }
}

#[test]
fn killing_a_build_leaves_the_old_site_or_the_new_one_never_a_mix() {
    let n = 600;
    let site = Fixture::new();
    site.file("studysite.toml", "title = \"Kill\"\n");
    // The two complete sites the output may hold.
    let mut references = Vec::new();
    for version in 0..2 {
        write_version(&site, n, version);
        site.build_ok();
        references.push(tree(&site.public()));
    }
    assert_ne!(references[0], references[1]);
    let bin = assert_cmd::cargo::cargo_bin("studysite");
    // How long a build that changes every page takes (back to version 0).
    write_version(&site, n, 0);
    let started = Instant::now();
    let out = std::process::Command::new(&bin)
        .current_dir(site.root())
        .args(["build", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let full = started.elapsed();
    assert_eq!(tree(&site.public()), references[0]);
    let mut current = 0;
    let (mut old, mut new) = (0, 0);
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    // At least 24 kills, and more until some landed on each side of the swap (a loaded
    // machine makes the build's length vary).
    // When one side has not been hit yet, the waits stretch (or shrink) towards it.
    let mut kill = 0;
    let mut scale = 1.2;
    while kill < 24 || ((old == 0 || new == 0) && kill < 120) {
        if kill >= 12 && new == 0 {
            scale *= 1.15;
        } else if kill >= 12 && old == 0 {
            scale *= 0.85;
        }
        kill += 1;
        let next = 1 - current;
        write_version(&site, n, next);
        let mut child = std::process::Command::new(&bin)
            .current_dir(site.root())
            .args(["build", "--quiet"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = full.mul_f64((seed % 1000) as f64 / 1000.0 * scale);
        std::thread::sleep(wait);
        let _ = child.kill();
        let _ = child.wait();
        let found = tree(&site.public());
        if found == references[current] {
            old += 1;
        } else if found == references[next] {
            new += 1;
            current = next;
        } else {
            let differing = found
                .iter()
                .filter(|(k, v)| references[current].get(*k) != Some(*v))
                .count();
            panic!(
                "kill {kill} after {wait:?}: a mix of old and new ({} files, {differing} not from the old site)",
                found.len()
            );
        }
    }
    eprintln!("kills: {old} left the old site, {new} the new one (a full build takes {full:?})");
    assert!(
        old > 0 && new > 0,
        "kills must land both before and after the swap"
    );
    // Whatever was killed, the next build completes and cleans up.
    write_version(&site, n, 0);
    site.build_ok();
    assert_eq!(tree(&site.public()), references[0]);
    let leftovers = fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .count();
    assert_eq!(leftovers, 0);
}
