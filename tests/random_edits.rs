//! Random sequences of edits, renames, deletes and moves of every kind of input — notes with
//! diagrams, code, embeds and transclusions, tags, headings and front matter; attachments;
//! templates (included, and components); static files; the config — applied to a site kept
//! open, which after every step must equal a fresh build of the same files, byte for byte and
//! diagnostic for diagnostic. In memory (as `serve` keeps it) and on disk (as `build --watch`
//! writes it).
//!
//! `STUDYSITE_RANDOM_SEEDS=N` runs N seeds (default 6) of `STUDYSITE_RANDOM_STEPS` steps (24);
//! `STUDYSITE_RANDOM_FIRST_SEED=K` starts the in-memory run at seed K (to replay a failure).

mod common;

use common::Fixture;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use studysite::session::{Changes, Session};

const DIAGRAM: &str = "```mermaid\nflowchart TD\n  U[User] --> P[Pool]\n  P --> T[Token]\n```\n";

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small site that uses every kind of input.
fn vault() -> Fixture {
    let site = Fixture::new();
    site.file("studysite.toml", "title = \"Random\"\n")
        .file(
            "templates/components.html",
            "{% component Badge(text) %}<span class=\"badge\">{{ text }}</span>{% endcomponent Badge %}",
        )
        .file("templates/extra.html", "<p class=\"extra\">one</p>")
        .file(
            "templates/page.html",
            "{% extends \"base.html\" %}{% block main %}{{ <Badge text=\"n\" /> }}{% include \"extra.html\" %}<article>{{ page.content | safe }}</article>{% endblock main %}",
        )
        .file("static/extra.css", "p { margin: 0 }")
        .bytes("content/img/pic.png", b"\x89PNG\r\n\x1a\nfirst")
        .file("content/img/flow.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        .note("_index.md", "---\ntitle: Home\n---\nWelcome. [[alpha]]\n")
        .note("ec2/_index.md", "---\ntitle: EC2\nweight: 1\n---\nAll about EC2.\n")
        .note(
            "ec2/alpha.md",
            "---\ntags: [aws, compute/ec2]\naliases: [First]\n---\n# Alpha\n\n## Spot Instances\n\nSee [[beta#Limits]] and ![[pic.png|100]].\n\n```rust\nfn main() { println!(\"spot\"); }\n```\n",
        )
        .note(
            "ec2/beta.md",
            &format!("---\nweight: 2\n---\n# Beta\n\n## Limits\n\nSeven per AZ. ^lim\n\n{DIAGRAM}\nBack to [[alpha]]. #exam\n"),
        )
        .note(
            "ebs/gamma.md",
            "# Gamma\n\n![[beta#Limits]]\n\n![[beta#^lim]]\n\n## Spot Instances\n\nAlso here. ![[flow.svg]]\n",
        )
        .note(
            "ebs/delta.md",
            "---\ntitle: Delta\ndescription: The fourth one\ndate: 2026-01-02\n---\n# Delta\n\nLinks: [[gamma]] [[missing]] ![[gamma]]\n",
        )
        .note("People.md", "# People\n\nThe folder's own page.\n")
        .note("People/ada.md", "# Ada\n\n#exam #compute/ec2\n");
    site
}

/// A deterministic generator (xorshift), so a failing seed can be run again.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.next() % items.len()])
    }
}

fn files_under(dir: &Path, ext: &[&str]) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| ext.iter().any(|w| x == *w))
        })
        .map(|e| e.path().to_path_buf())
        .collect();
    found.sort();
    found
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// One random change to the site; returns what the watcher would report.
fn change(site: &Fixture, rng: &mut Rng, step: usize) -> (String, Changes) {
    let root = site.root();
    let content = root.join("content");
    let notes = files_under(&content, &["md"]);
    let names: Vec<String> = notes
        .iter()
        .map(|p| stem(p))
        .filter(|s| s != "_index")
        .collect();
    let mut changes = Changes::default();
    let touch = |p: PathBuf, changes: &mut Changes| {
        changes.content.insert(p);
    };
    let edit = |note: &Path, f: &dyn Fn(String) -> String| {
        let text = fs::read_to_string(note).unwrap_or_default();
        fs::write(note, f(text)).unwrap();
    };
    let op = rng.next() % 24;
    let note = rng.pick(&notes).cloned();
    let target = rng.pick(&names).cloned().unwrap_or_else(|| "alpha".into());
    let label = match (op, &note) {
        (0, Some(n)) => {
            edit(n, &|t| {
                format!("{t}\nMore words {step} about [[{target}]].\n")
            });
            touch(n.clone(), &mut changes);
            "append a sentence with a link"
        }
        (1, Some(n)) => {
            edit(n, &|t| match t.find("\n# ") {
                Some(i) => format!(
                    "{}\n\nA paragraph {step} above everything.\n{}",
                    &t[..i],
                    &t[i..]
                ),
                None => format!("A paragraph {step}.\n\n{t}"),
            });
            touch(n.clone(), &mut changes);
            "insert a paragraph above the links"
        }
        (2, Some(n)) => {
            edit(n, &|t| {
                if t.contains("## Limits") {
                    t.replace("## Limits", "## Quotas")
                } else {
                    format!("{t}\n## Limits\n\nNew section {step}.\n")
                }
            });
            touch(n.clone(), &mut changes);
            "rename or add a heading"
        }
        (3, Some(n)) => {
            edit(n, &|t| {
                t.replacen("## Spot Instances", "## Reserved Instances", 1)
            });
            touch(n.clone(), &mut changes);
            "move a section between topics"
        }
        (4, Some(n)) => {
            edit(n, &|t| {
                let body = t.rsplit("\n---\n").next().unwrap_or(&t).to_string();
                // Vault conventions too (issue 10): alias redirects, permalinks, classes,
                // publish: false.
                let conventions = match step % 5 {
                    0 => "aliases: [Second, alpha]\n".to_string(),
                    1 => format!(
                        "permalink: moved/p{}\ncssclasses: [w{}]\n",
                        step % 2,
                        step % 3
                    ),
                    2 => "publish: false\n".to_string(),
                    _ => String::new(),
                };
                format!(
                    "---\ntitle: Renamed {step}\ntags: [aws, t{}]\nweight: {}\n{conventions}---\n{body}",
                    step % 3,
                    step % 4
                )
            });
            touch(n.clone(), &mut changes);
            "new front matter: title, tags, weight, aliases, permalink, publish"
        }
        (5, Some(n)) => {
            edit(n, &|t| format!("{t}\n{DIAGRAM}"));
            touch(n.clone(), &mut changes);
            "add a diagram"
        }
        (6, Some(n)) => {
            edit(n, &|t| t.replace("[Pool]", &format!("[Pool {step}]")));
            touch(n.clone(), &mut changes);
            "edit a diagram"
        }
        (7, Some(n)) => {
            edit(n, &|t| format!("{t}\n```python\nprint({step})\n```\n"));
            touch(n.clone(), &mut changes);
            "add code"
        }
        (8, Some(n)) => {
            edit(n, &|t| {
                format!("{t}\n![[{target}]] and ![[{target}#Spot Instances]]\n")
            });
            touch(n.clone(), &mut changes);
            "embed a note and a section"
        }
        (9, _) => {
            let folders = ["ec2", "ebs", "new/deep", "", "People"];
            let folder = folders[rng.next() % folders.len()];
            let path = content.join(folder).join(format!("n{step}.md"));
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(
                &path,
                format!("---\ntags: [t{}]\n---\n# N{step}\n\nSee [[{target}]] and ![[{target}]].\n\n## Spot Instances\n\nx #exam\n", step % 3),
            )
            .unwrap();
            touch(path, &mut changes);
            "new note"
        }
        (10, Some(n)) => {
            fs::remove_file(n).unwrap();
            touch(n.clone(), &mut changes);
            "delete a note"
        }
        (11, Some(n)) if stem(n) != "_index" => {
            let folders = ["ec2", "ebs", "new", ""];
            let dir = content.join(folders[rng.next() % folders.len()]);
            fs::create_dir_all(&dir).unwrap();
            let dest = dir.join(format!("{}-{step}.md", stem(n)));
            fs::rename(n, &dest).unwrap();
            touch(n.clone(), &mut changes);
            touch(dest, &mut changes);
            "rename or move a note"
        }
        (12, Some(n)) => {
            edit(n, &|t| format!("---\ndraft: true\n---\n{t}"));
            touch(n.clone(), &mut changes);
            "make a note a draft"
        }
        (13, Some(n)) => {
            // Undone by the next step (see `Broken`): until then a kept site shows the note's
            // last good version, which a fresh build cannot.
            edit(n, &|t| format!("---\ntitle: [broken\n---\n{t}"));
            touch(n.clone(), &mut changes);
            "break front matter"
        }
        (14, _) => {
            let pic = content.join("img/pic.png");
            if pic.exists() && rng.next().is_multiple_of(2) {
                fs::remove_file(&pic).unwrap();
            } else {
                fs::write(&pic, format!("png {step} {}", "x".repeat(step))).unwrap();
            }
            touch(pic, &mut changes);
            "attachment created, overwritten or deleted"
        }
        (15, _) => {
            let from = content.join("img/flow.svg");
            let to = content.join("img/flow-renamed.svg");
            let (a, b) = if from.exists() {
                (from, to)
            } else {
                (to, from)
            };
            if a.exists() {
                fs::rename(&a, &b).unwrap();
            }
            touch(a, &mut changes);
            touch(b, &mut changes);
            "attachment renamed"
        }
        (16, _) => {
            let dir = content.join("ebs/burst");
            if dir.exists() {
                fs::remove_dir_all(&dir).unwrap();
            } else {
                fs::create_dir_all(&dir).unwrap();
                fs::write(
                    dir.join(format!("b{step}.md")),
                    "# Burst\n\n[[alpha]] ![[gamma]]\n",
                )
                .unwrap();
                fs::write(dir.join("shot.png"), "png").unwrap();
            }
            touch(dir, &mut changes);
            "folder created or removed at once"
        }
        (17, _) => {
            let path = root.join("templates/extra.html");
            fs::write(&path, format!("<p class=\"extra\">v{step}</p>")).unwrap();
            changes.templates.insert(path);
            "included template edited"
        }
        (18, _) => {
            let path = root.join("templates/components.html");
            fs::write(
                &path,
                format!("{{% component Badge(text) %}}<b class=\"badge\">{{{{ text }}}} {step}</b>{{% endcomponent Badge %}}"),
            )
            .unwrap();
            changes.templates.insert(path);
            "component edited"
        }
        (19, _) => {
            let path = root.join("static/extra.css");
            if path.exists() && rng.next().is_multiple_of(3) {
                fs::remove_file(&path).unwrap();
            } else {
                fs::write(&path, format!("p {{ margin: {step}px }}")).unwrap();
            }
            changes.statics.insert(path);
            "static file edited or removed"
        }
        (20, _) => {
            fs::write(
                root.join("studysite.toml"),
                format!("title = \"Random {step}\"\n"),
            )
            .unwrap();
            changes.config = true;
            "config edited"
        }
        (21, Some(n)) => {
            // Only the sentence around the links changes: what backlinks quote.
            edit(n, &|t| {
                t.replace("See [[", &format!("Look {step} at [["))
                    .replace("Back to [[", &format!("Return {step} to [["))
            });
            touch(n.clone(), &mut changes);
            "reword the sentence around a link"
        }
        (22, Some(n)) => {
            // Only how a tag is written changes: every page showing that tag follows.
            edit(n, &|t| {
                if t.contains("[aws") {
                    t.replace("[aws", "[AWS")
                } else {
                    t.replace("[AWS", "[aws")
                }
            });
            touch(n.clone(), &mut changes);
            "change the case of a tag"
        }
        (_, Some(n)) => {
            edit(n, &|t| {
                t.replace("#exam", "#exam/tips").replace("[aws", "[cloud")
            });
            touch(n.clone(), &mut changes);
            "inline and front matter tags changed"
        }
        _ => "nothing",
    };
    (format!("{label} (op {op})"), changes)
}

fn assert_same(label: &str, ours: &BTreeMap<String, Vec<u8>>, theirs: &BTreeMap<String, Vec<u8>>) {
    let keys = |f: &BTreeMap<String, Vec<u8>>| f.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(ours), keys(theirs), "{label}: different file lists");
    for (path, bytes) in theirs {
        if ours[path] != *bytes {
            panic!(
                "{label}: {path} differs from a fresh build\n--- rebuilt ---\n{}\n--- fresh ---\n{}",
                String::from_utf8_lossy(&ours[path]),
                String::from_utf8_lossy(bytes)
            );
        }
    }
}

#[test]
fn random_changes_in_memory_end_as_a_fresh_build_after_every_step() {
    let seeds = setting("STUDYSITE_RANDOM_SEEDS", 6);
    let steps = setting("STUDYSITE_RANDOM_STEPS", 24) as usize;
    let first = setting("STUDYSITE_RANDOM_FIRST_SEED", 0);
    for seed in first..first + seeds {
        let site = vault();
        let mut session = Session::open(&site.options()).unwrap();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (seed + 1).wrapping_mul(0x2545_f491_4f6c_dd1d));
        for step in 0..steps {
            let before = snapshot(&site);
            let (what, changes) = change(&site, &mut rng, step);
            session.apply(&changes);
            let label = format!("seed {seed} step {step}: {what}");
            if what.starts_with("break") {
                // A kept site shows the broken note's last good version; fix it again.
                let fix = restore(&site, &before);
                session.apply(&fix);
            }
            let fresh = Session::open(&site.options()).expect("fresh build");
            assert_same(&label, &session.files(), &fresh.files());
            assert_eq!(
                session.diagnostics(),
                fresh.diagnostics(),
                "{label}: diagnostics differ"
            );
        }
    }
}

/// The text of every note, to undo a step.
fn snapshot(site: &Fixture) -> BTreeMap<PathBuf, String> {
    files_under(&site.root().join("content"), &["md"])
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

/// Writes back the notes whose text differs from `before`.
fn restore(site: &Fixture, before: &BTreeMap<PathBuf, String>) -> Changes {
    let mut changes = Changes::default();
    for (path, text) in snapshot(site) {
        if before.get(&path) != Some(&text)
            && let Some(old) = before.get(&path)
        {
            fs::write(&path, old).unwrap();
            changes.content.insert(path);
        }
    }
    changes
}

/// Every file of a built folder, without the manifest.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.file_name() != ".studysite-manifest")
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn random_changes_on_disk_end_as_a_fresh_build_after_every_step() {
    let seeds = setting("STUDYSITE_RANDOM_SEEDS", 6).div_ceil(3);
    let steps = setting("STUDYSITE_RANDOM_STEPS", 24) as usize;
    for seed in 0..seeds {
        let site = vault();
        let mut session = Session::open_on_disk(&site.options()).unwrap();
        let mut rng = Rng(0x51_7cc1_b727_220a ^ (seed + 7).wrapping_mul(0x9e37_79b9));
        let elsewhere = tempfile::tempdir().unwrap();
        for step in 0..steps {
            let before = snapshot(&site);
            let (what, changes) = change(&site, &mut rng, step);
            session.apply(&changes);
            let label = format!("disk seed {seed} step {step}: {what}");
            if what.starts_with("break") {
                let fix = restore(&site, &before);
                session.apply(&fix);
            }
            let fresh_out = elsewhere.path().join(format!("s{step}"));
            let report = studysite::build(&studysite::BuildOptions {
                output: Some(fresh_out.clone()),
                ..site.options()
            })
            .unwrap();
            if report.succeeded() {
                assert_same(&label, &tree(&site.public()), &tree(&fresh_out));
            }
        }
    }
}
