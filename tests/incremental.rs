//! Incremental rebuilds: after any sequence of edits, renames and deletes, the site kept in
//! memory equals a fresh full build, and a plain edit re-renders only what shows that note.

mod common;

use common::Fixture;
use common::fresh::assert_same_as_fresh;
use std::fs;
use std::path::PathBuf;
use studysite::session::{Changes, Session};

fn vault() -> Fixture {
    let site = Fixture::new();
    site.file("studysite.toml", "title = \"Inc\"\n")
        .bytes("content/img/pic.png", b"\x89PNG\r\n\x1a\nfirst")
        .note("_index.md", "---\ntitle: Home\n---\nWelcome. [[alpha]]\n")
        .note("ec2/_index.md", "---\ntitle: EC2\n---\nAll about EC2.\n")
        .note("ec2/alpha.md", "---\ntags: [aws]\n---\n# Alpha\n\n## Spot Instances\n\nSee [[beta#Limits]] and ![[pic.png|100]].\n")
        .note("ec2/beta.md", "# Beta\n\n## Limits\n\nSeven per AZ. ^lim\n\nBack to [[alpha]]. #exam\n")
        .note("ebs/gamma.md", "# Gamma\n\n![[beta#Limits]]\n\n## Spot Instances\n\nAlso here.\n")
        .note("ebs/delta.md", "---\ntitle: Delta\n---\n# Delta\n\nLinks: [[gamma]] [[missing]]\n");
    site
}

fn changes(paths: &[PathBuf]) -> Changes {
    Changes {
        content: paths.iter().cloned().collect(),
        ..Changes::default()
    }
}

#[test]
fn a_body_edit_rerenders_only_the_note_and_its_embedders() {
    let site = vault();
    let mut session = Session::open(&site.options()).unwrap();
    let beta = site.root().join("content/ec2/beta.md");
    fs::write(
        &beta,
        "# Beta\n\n## Limits\n\nSeven per AZ, per group. ^lim\n\nBack to [[alpha]]. #exam\n",
    )
    .unwrap();
    let update = session.apply(&changes(std::slice::from_ref(&beta)));
    assert!(!update.full);
    // beta itself, gamma (embeds beta#Limits), the search index, and the print sheets that
    // show beta's or gamma's body (their folders' and the site's). Not the topic page gamma is
    // on: it shows gamma's `Spot Instances` section, and the embed is above it.
    assert_eq!(update.rendered, 6, "{update:?}");
    let (search, pages): (Vec<&String>, Vec<&String>) = update
        .changed
        .iter()
        .partition(|f| f.starts_with("search/"));
    assert_eq!(
        pages,
        [
            "ebs/gamma/index.html",
            "ebs/print.html",
            "ec2/beta/index.html",
            "ec2/print.html",
            "print.html"
        ]
    );
    // The search index: beta's note file and the shards of the words it gained.
    assert!(
        search.iter().any(|f| f.starts_with("search/d/")),
        "{search:?}"
    );
    assert_same_as_fresh(&site, &session, "body edit");
}

#[test]
fn a_title_change_rerenders_everything_that_shows_it() {
    let site = vault();
    let mut session = Session::open(&site.options()).unwrap();
    let alpha = site.root().join("content/ec2/alpha.md");
    fs::write(&alpha, "---\ntags: [aws]\ntitle: Alpha Prime\n---\n# Alpha\n\n## Spot Instances\n\nSee [[beta#Limits]] and ![[pic.png|100]].\n").unwrap();
    let update = session.apply(&changes(&[alpha]));
    assert!(update.full);
    assert!(
        update.changed.contains(&"ec2/beta/index.html".to_string()),
        "backlinks show the title"
    );
    assert!(
        update.changed.contains(&"ec2/index.html".to_string()),
        "the section lists it"
    );
    assert!(
        !update.changed.contains(&"index.html".to_string()),
        "the home page does not show it"
    );
    assert_same_as_fresh(&site, &session, "title change");
}

#[test]
fn deleting_a_note_breaks_the_links_to_it() {
    let site = vault();
    let mut session = Session::open(&site.options()).unwrap();
    let beta = site.root().join("content/ec2/beta.md");
    fs::remove_file(&beta).unwrap();
    let update = session.apply(&changes(&[beta]));
    assert!(update.removed.contains(&"ec2/beta/index.html".to_string()));
    let broken: Vec<String> = session
        .diagnostics()
        .iter()
        .filter(|d| d.message.contains("`beta`"))
        .map(|d| d.to_string())
        .collect();
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert_same_as_fresh(&site, &session, "delete");
}

#[test]
fn broken_front_matter_keeps_the_last_good_note_until_fixed() {
    let site = vault();
    let mut session = Session::open(&site.options()).unwrap();
    let before = session.files()["ec2/beta/index.html"].clone();
    let beta = site.root().join("content/ec2/beta.md");
    fs::write(&beta, "---\ntitle: [oops\n---\n# Beta\n").unwrap();
    session.apply(&changes(std::slice::from_ref(&beta)));
    let errors: Vec<String> = session
        .diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("content/ec2/beta.md:2:"),
        "{errors:?}"
    );
    assert_eq!(
        session.files()["ec2/beta/index.html"],
        before,
        "the last good page stays"
    );
    fs::write(&beta, "# Beta fixed\n\n## Limits\n").unwrap();
    session.apply(&changes(&[beta]));
    assert!(!session.diagnostics().has_errors());
    assert_same_as_fresh(&site, &session, "fixed");
}

#[test]
fn a_note_broken_since_the_first_build_appears_once_fixed() {
    let site = vault();
    site.note("ec2/late.md", "---\ntitle: [never closed\n");
    let mut session = Session::open(&site.options()).unwrap();
    assert!(session.diagnostics().has_errors());
    let late = site.root().join("content/ec2/late.md");
    site.note("ec2/late.md", "---\ntitle: Late\n---\nFixed at last.\n");
    session.apply(&changes(&[late]));
    assert!(
        !session.diagnostics().has_errors(),
        "{:?}",
        session.diagnostics()
    );
    assert!(
        session.file("ec2/late/index.html").is_some(),
        "the fixed note has its page"
    );
    assert_same_as_fresh(&site, &session, "after the fix");
}

#[test]
fn the_math_files_come_and_go_with_the_last_formula() {
    let site = vault();
    let mut session = Session::open(&site.options()).unwrap();
    let font = "fonts/STIXTwoMath-Regular.woff2";
    assert!(session.file(font).is_none(), "no formula, no math font");
    let gamma = site.root().join("content/ebs/gamma.md");
    let before = fs::read_to_string(&gamma).unwrap();
    site.note("ebs/gamma.md", &format!("{before}\nArea: $\\pi r^2$\n"));
    session.apply(&changes(std::slice::from_ref(&gamma)));
    assert!(
        session.file(font).is_some(),
        "the first formula brings the math font"
    );
    assert_same_as_fresh(&site, &session, "a formula added");
    site.note("ebs/gamma.md", &before);
    session.apply(&changes(&[gamma]));
    assert!(
        session.file(font).is_none(),
        "the last formula takes it away"
    );
    assert_same_as_fresh(&site, &session, "the formula removed");
}

#[test]
fn template_and_static_changes() {
    let site = vault();
    let mut session = Session::open(&site.options()).unwrap();
    let template = site.root().join("templates/page.html");
    site.file("templates/page.html", "{% extends \"base.html\" %}{% block main %}<p class=\"mine\">{{ page.title }}</p>{% endblock main %}");
    let update = session.apply(&Changes {
        templates: [template.clone()].into(),
        ..Changes::default()
    });
    assert!(update.changed.contains(&"ec2/alpha/index.html".to_string()));
    assert_same_as_fresh(&site, &session, "template");
    site.file(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.title | nope }}{% endblock main %}",
    );
    session.apply(&Changes {
        templates: [template].into(),
        ..Changes::default()
    });
    let errors: Vec<String> = session
        .diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("templates/page.html:1:")),
        "{errors:?}"
    );
    // The site's own style.css replaces the theme's, under its plain name: the first time,
    // every page changes to name it so; after that an edit of it is a stylesheet-only change.
    let css = site.root().join("static/style.css");
    site.file("static/style.css", "body { color: red }");
    let statics = Changes {
        statics: [css].into(),
        ..Changes::default()
    };
    let update = session.apply(&statics);
    assert!(update.changed.contains(&"ec2/alpha/index.html".to_string()));
    site.file("static/style.css", "body { color: blue }");
    let update = session.apply(&statics);
    assert_eq!(update.changed, ["style.css"]);
    assert!(update.css_only());
}

#[test]
fn a_template_change_rerenders_only_the_pages_that_use_it() {
    let site = vault();
    let mut session = Session::open(&site.options()).unwrap();
    let template = site.root().join("templates/tag.html");
    site.file(
        "templates/tag.html",
        "{% extends \"base.html\" %}{% block main %}<h1 class=\"tagged\">{{ page.title }}</h1>{% endblock main %}",
    );
    let update = session.apply(&Changes {
        templates: [template].into(),
        ..Changes::default()
    });
    assert!(!update.changed.is_empty());
    assert!(
        update
            .changed
            .iter()
            .all(|f| f.starts_with("tags/") && f != "tags/index.html"),
        "only tag pages: {:?}",
        update.changed
    );
    assert_eq!(update.rendered, update.changed.len());
    assert_same_as_fresh(&site, &session, "tag template");
}

/// A tiny deterministic random number generator for the edit sequences.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            Some(&items[self.next() % items.len()])
        }
    }
}

fn notes_on_disk(site: &Fixture) -> Vec<PathBuf> {
    let mut notes: Vec<PathBuf> = walkdir::WalkDir::new(site.root().join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().to_path_buf())
        .collect();
    notes.sort();
    notes
}

/// Rewrites a note's text (when there is a note) and records it as touched.
fn rewrite(note: Option<PathBuf>, touched: &mut Vec<PathBuf>, edit: impl FnOnce(String) -> String) {
    if let Some(note) = note {
        let text = fs::read_to_string(&note).unwrap();
        fs::write(&note, edit(text)).unwrap();
        touched.push(note);
    }
}

fn stem(path: &std::path::Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

#[test]
fn random_edit_sequences_end_identical_to_a_fresh_build() {
    for seed in 1..=6u64 {
        let site = vault();
        let mut session = Session::open(&site.options()).unwrap();
        let mut rng = Lcg(seed);
        let folders = ["ec2", "ebs", "new/deep", "", "ebs/more"];
        for step in 0..14 {
            let notes = notes_on_disk(&site);
            let names: Vec<String> = notes
                .iter()
                .map(|p| stem(p))
                .filter(|s| s != "_index")
                .collect();
            let op = rng.next() % 9;
            let mut touched: Vec<PathBuf> = Vec::new();
            let label = format!("seed {seed} step {step} op {op}");
            match op {
                0 => {
                    // Body edit: append a sentence, sometimes with a link.
                    let note = rng.pick(&notes).cloned();
                    rewrite(note, &mut touched, |mut text| {
                        let target = rng.pick(&names).cloned().unwrap_or_default();
                        text.push_str(&format!("\nMore words {step} about [[{target}]].\n"));
                        text
                    });
                }
                1 => {
                    // Body edit above the links: every link (and its warning) moves down.
                    rewrite(rng.pick(&notes).cloned(), &mut touched, |text| {
                        match text.find("\n# ") {
                            Some(i) => {
                                let end =
                                    text[i + 1..].find('\n').map_or(text.len(), |j| i + 1 + j);
                                format!(
                                    "{}\n\nA new paragraph {step}.\n{}",
                                    &text[..end],
                                    &text[end..]
                                )
                            }
                            None => format!("{text}\nPlain words {step}.\n"),
                        }
                    });
                }
                2 => {
                    // Heading change.
                    rewrite(rng.pick(&notes).cloned(), &mut touched, |text| {
                        if text.contains("## Limits") {
                            text.replace("## Limits", "## Quotas")
                        } else {
                            format!("{text}\n## Limits\n\nNew section {step}.\n")
                        }
                    });
                }
                3 => {
                    // New note, maybe in a new folder, linking and embedding others.
                    let folder = folders[rng.next() % folders.len()];
                    let name = format!("note{seed}x{step}");
                    let target = rng.pick(&names).cloned().unwrap_or_default();
                    let rel = if folder.is_empty() {
                        format!("{name}.md")
                    } else {
                        format!("{folder}/{name}.md")
                    };
                    let path = site.root().join("content").join(&rel);
                    fs::create_dir_all(path.parent().unwrap()).unwrap();
                    fs::write(&path, format!("---\ntags: [t{}]\n---\n# {name}\n\nSee [[{target}]] and ![[{target}]].\n\n## Spot Instances\n\nx\n", step % 3)).unwrap();
                    touched.push(path);
                }
                4 => {
                    // Delete a note.
                    if let Some(note) = rng.pick(&notes).cloned() {
                        fs::remove_file(&note).unwrap();
                        touched.push(note);
                    }
                }
                5 => {
                    // Rename or move a note.
                    if let Some(note) = rng.pick(&notes).cloned().filter(|n| stem(n) != "_index") {
                        let folder = folders[rng.next() % folders.len()];
                        let dir = site.root().join("content").join(folder);
                        fs::create_dir_all(&dir).unwrap();
                        let dest = dir.join(format!("{}-moved{step}.md", stem(&note)));
                        fs::rename(&note, &dest).unwrap();
                        touched.push(note);
                        touched.push(dest);
                    }
                }
                6 => {
                    // Title and tags in front matter.
                    rewrite(rng.pick(&notes).cloned(), &mut touched, |text| {
                        let body = text.split("\n---\n").last().unwrap_or(&text).to_string();
                        format!("---\ntitle: Renamed {step}\ntags: [aws, t{step}]\n---\n{body}")
                    });
                }
                7 => {
                    // Attachments come and go.
                    let pic = site.root().join("content/img/pic.png");
                    if pic.exists() {
                        fs::remove_file(&pic).unwrap();
                    } else {
                        fs::write(&pic, format!("png {step}")).unwrap();
                    }
                    touched.push(pic);
                }
                _ => {
                    // A whole folder removed at once.
                    let dir = site.root().join("content/ebs/more");
                    if dir.exists() {
                        fs::remove_dir_all(&dir).unwrap();
                        touched.push(dir);
                    } else {
                        fs::create_dir_all(&dir).unwrap();
                        fs::write(
                            dir.join(format!("burst{step}.md")),
                            "# Burst\n\n[[alpha]]\n",
                        )
                        .unwrap();
                        touched.push(dir);
                    }
                }
            }
            session.apply(&changes(&touched));
            assert_same_as_fresh(&site, &session, &label);
        }
    }
}

#[test]
fn the_in_memory_build_equals_the_disk_build() {
    let site = vault();
    let session = Session::open(&site.options()).unwrap();
    site.build();
    let mut on_disk = studysite::session::Files::new();
    for entry in walkdir::WalkDir::new(site.public()).into_iter().flatten() {
        if entry.file_type().is_file() && entry.file_name() != studysite::output::MANIFEST_FILE {
            let rel = entry
                .path()
                .strip_prefix(site.public())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            on_disk.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    assert_eq!(
        session.files().keys().collect::<Vec<_>>(),
        on_disk.keys().collect::<Vec<_>>()
    );
    assert!(session.files() == on_disk);
}

#[test]
fn a_note_added_beside_a_folder_of_the_same_url_rebuilds_like_a_fresh_build() {
    // `EC2/` and `ec2/` once wrote one page: which folder's page it held depended on which was
    // rendered last.
    let site = vault();
    site.note("EC2/style.md", "").note("ec2/member.md", "");
    for step in 0..8 {
        let mut session = Session::open(&site.options()).unwrap();
        let note = site.root().join(format!("content/EC2/new{step}.md"));
        site.note(&format!("EC2/new{step}.md"), "New.\n");
        session.apply(&changes(&[note]));
        assert_same_as_fresh(&site, &session, &format!("step {step}"));
    }
}

/// The search index is patched in place after an edit that keeps a note's sections: words come
/// and go (one only this note had, one new to the whole site), and a tag filter changes; the
/// index files must be byte for byte a fresh build's, after each edit and after undoing them.
#[test]
fn search_index_patched_after_body_edits_is_a_fresh_index() {
    let site = vault();
    let mut session = Session::open(&site.options()).unwrap();
    let beta = site.root().join("content/ec2/beta.md");
    let original = std::fs::read_to_string(&beta).unwrap();
    let edits = [
        original.replacen('\n', " zyxwordonly\n", 2),
        format!("---\ntags: [patched]\n---\n{original}\nAnother quokkaterm line.\n"),
        original.replace("Spot", "Spotty"),
        original.clone(),
    ];
    for (k, text) in edits.iter().enumerate() {
        std::fs::write(&beta, text).unwrap();
        session.apply(&changes(std::slice::from_ref(&beta)));
        let files = session.files();
        let search: Vec<&String> = files.keys().filter(|p| p.starts_with("search/")).collect();
        assert!(search.len() > 3, "edit {k}: an index is written");
        assert_same_as_fresh(&site, &session, &format!("search edit {k}"));
    }
}

/// The same at a size where the index has many term shards and prefixes too wide to load
/// (whose summaries are kept between merges): an edit that keeps the note's sections changes
/// words under a wide prefix.
#[test]
fn search_summaries_patched_after_an_edit_are_a_fresh_index() {
    let site = Fixture::new();
    let word = |i: usize, k: usize| format!("s{:05}q{}", (i * 7919 + k * 104_729) % 99_991, k % 7);
    for i in 0..160 {
        let words: Vec<String> = (0..60).map(|k| word(i, k)).collect();
        site.note(
            &format!("n{i:03}.md"),
            &format!(
                "# Note {i}\n\n{}\n\n## More\n\nsea {}\n",
                words.join(" "),
                i % 5
            ),
        );
    }
    let mut session = Session::open(&site.options()).unwrap();
    let files = session.files();
    let shards = files.keys().filter(|p| p.starts_with("search/i/")).count();
    assert!(shards > 4, "many term shards: {shards}");
    let wide = files
        .iter()
        .filter(|(p, _)| p.starts_with("search/t/"))
        .any(|(_, b)| !b.ends_with(b",\"\");\n"));
    assert!(wide, "some dictionary shard has prefix summaries");
    // The first note's records are among the best of every prefix: its words leave the
    // prefix `s` and come back.
    let note = site.root().join("content/n000.md");
    for k in 0..3 {
        let words: Vec<String> = (0..60)
            .map(|j| word(1000 + k, j).replacen('s', if k == 1 { "s" } else { "t" }, 1))
            .collect();
        fs::write(
            &note,
            format!(
                "# Note 0\n\n{} sea\n\n## More\n\nsea sea {k}\n",
                words.join(" ")
            ),
        )
        .unwrap();
        session.apply(&changes(std::slice::from_ref(&note)));
        assert_same_as_fresh(&site, &session, &format!("wide edit {k}"));
    }
}

/// On disk, a change that comes with an error is not written. The search index made for it
/// holds the edited note's file; the next change leaves that file as the index made it, and
/// it must be written then: nothing ever wrote it.
#[test]
fn a_search_file_made_for_a_change_that_was_not_written_is_written_with_the_next() {
    let site = vault();
    let mut session = Session::open_on_disk(&site.options()).unwrap();
    let (alpha, beta, delta) = (
        site.root().join("content/ec2/alpha.md"),
        site.root().join("content/ec2/beta.md"),
        site.root().join("content/ebs/delta.md"),
    );
    let delta_text = fs::read_to_string(&delta).unwrap();
    fs::write(&delta, "---\ntitle: [broken\n").unwrap();
    let alpha_text = fs::read_to_string(&alpha).unwrap();
    fs::write(
        &alpha,
        alpha_text.replace("Spot Instances", "Spot Quokkaword"),
    )
    .unwrap();
    session.apply(&changes(&[delta.clone(), alpha]));
    assert!(
        session.diagnostics().has_errors(),
        "the broken note stops the write"
    );
    fs::write(&delta, delta_text).unwrap();
    fs::write(&beta, "# Beta\n\n## Limits\n\nEight per AZ now.\n").unwrap();
    session.apply(&changes(&[delta, beta]));
    assert!(!session.diagnostics().has_errors());
    let elsewhere = tempfile::tempdir().unwrap();
    let fresh = elsewhere.path().join("fresh");
    let report = studysite::build(&studysite::BuildOptions {
        output: Some(fresh.clone()),
        ..site.options()
    })
    .unwrap();
    assert!(report.succeeded());
    let (ours, theirs) = (disk_tree(&site.public()), disk_tree(&fresh));
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &theirs {
        assert!(
            ours[path] == *bytes,
            "{path} differs from a fresh build:\n{}",
            String::from_utf8_lossy(&ours[path])
        );
    }
}

/// Every file of a built folder but the manifest, by site path.
fn disk_tree(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.file_name() != studysite::output::MANIFEST_FILE)
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}
