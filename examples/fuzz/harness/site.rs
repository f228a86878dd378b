//! The `site` target: small whole sites — a few notes with odd names (unicode, dots, spaces,
//! reserved names such as `tags` or `graph.md`, folder notes), links and embeds between them,
//! attachments, now and then a config or a template — opened in memory with
//! `Session::open`, then changed a few times with `Session::apply`; after each change the kept
//! site must equal a fresh build, file for file and diagnostic for diagnostic.

use super::Ctx;
use super::grammar;
use super::mutate::mutate;
use super::rng::Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use studysite::BuildOptions;
use studysite::session::{Changes, Session};

/// One file of a site, relative to the site root; `None` deletes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct File {
    /// Path relative to the site root (`content/a/b.md`).
    pub path: String,
    /// Its text, or `None` for a deletion (in edits).
    pub text: Option<String>,
}

/// A site and the edits made to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteInput {
    /// The files of the first build.
    pub files: Vec<File>,
    /// Each step: files written or deleted at once.
    pub edits: Vec<Vec<File>>,
}

const FOLDERS: &[&str] = &[
    "",
    "",
    "",
    "ec2",
    "EC2",
    "a b",
    "日本",
    "tags",
    "graph",
    "x.y",
    "deep/er/est",
    "People",
    "cards",
    "search",
    "café",
    "e\u{301}",
    ".hidden",
    "_drafts",
    "404.html",
];
const STEMS: &[&str] = &[
    "alpha",
    "Beta",
    "a b",
    "tags",
    "graph",
    "_index",
    "index",
    "404",
    "日本語",
    "naïve",
    "x.y",
    "..dots",
    "CON",
    "search",
    "cards",
    "🦀",
    " spaced ",
    "UPPER",
    "People",
    "people",
    "style",
    "sitemap",
    "feed",
    "app",
    "vendor",
    "-",
    "a#b",
    "a%20b",
    "a[1]",
    "a^b",
    "é",
    "e\u{301}",
];
const ATTACHMENTS: &[&str] = &[
    "pic.png",
    "img/pic.png",
    "a b.png",
    "diagram.svg",
    "doc.pdf",
    "tags/x.png",
    "graph.md.png",
    "日本/画像.jpg",
    "style.css",
    "x.PNG",
    "attachments/big.gif",
];
const TEMPLATES: &[(&str, &str)] = &[
    (
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<article>{{ page.content | safe }}</article>{% endblock main %}",
    ),
    (
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.nope.x }}{% endblock main %}",
    ),
    ("templates/page.html", "{% if %}"),
    ("templates/extra.html", "<p>{{ site.title }}</p>"),
    ("static/extra.css", "p { margin: 0 }"),
    ("static/tags", "a static file on a reserved name"),
];

/// A small site, and now and then a few edits.
pub fn generate(rng: &mut Rng, ctx: &Ctx) -> SiteInput {
    let mut paths: Vec<String> = Vec::new();
    for _ in 0..rng.range(1, 7) {
        paths.push(note_path(rng));
    }
    if rng.one_in(4) {
        // A folder note beside its folder.
        let folder = rng.pick(&["People", "ec2", "tags"]);
        paths.push(format!("content/{folder}.md"));
        paths.push(format!("content/{folder}/member.md"));
    }
    paths.sort();
    paths.dedup();
    let stems: Vec<String> = paths.iter().map(|p| stem(p)).collect();
    let mut files: Vec<File> = paths
        .iter()
        .map(|p| File {
            path: p.clone(),
            text: Some(note_text(rng, ctx, &stems)),
        })
        .collect();
    for _ in 0..rng.small(3) {
        files.push(File {
            path: format!("content/{}", rng.pick(ATTACHMENTS)),
            text: Some(format!("bytes {}", rng.below(1000))),
        });
    }
    if rng.one_in(6) {
        files.push(File {
            path: "studysite.toml".into(),
            text: Some(site_config(rng)),
        });
    }
    if rng.one_in(10) {
        let (path, text) = rng.pick(TEMPLATES);
        files.push(File {
            path: path.to_string(),
            text: Some(text.to_string()),
        });
    }
    let steps = if rng.one_in(3) { rng.range(1, 3) } else { 0 };
    let edits = (0..steps).map(|_| edit(rng, ctx, &files, &stems)).collect();
    SiteInput { files, edits }
}

fn note_path(rng: &mut Rng) -> String {
    let folder = rng.pick(FOLDERS);
    let stem = if rng.one_in(20) {
        "long".repeat(rng.range(20, 80))
    } else {
        rng.pick(STEMS).to_string()
    };
    let ext = rng.pick(&[".md", ".md", ".md", ".md", ".MD", ".markdown", ".md.md"]);
    if folder.is_empty() {
        format!("content/{stem}{ext}")
    } else {
        format!("content/{folder}/{stem}{ext}")
    }
}

fn stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split_once('.').map_or(name, |(s, _)| s).to_string()
}

fn note_text(rng: &mut Rng, ctx: &Ctx, stems: &[String]) -> String {
    let mut text = if rng.one_in(4) && !ctx.corpus.notes.is_empty() {
        let note = rng.pick(&ctx.corpus.notes);
        note[..note.floor_char_boundary(4096)].to_string()
    } else {
        grammar::note(rng, stems)
    };
    for _ in 0..rng.small(3) {
        let stem = rng.pick(stems);
        let link = rng.pick(&[
            "[[{}]]",
            "![[{}]]",
            "![[{}#Heading]]",
            "[[{}#^abc]]",
            "[x]({}.md)",
        ]);
        text.push_str(&format!("\n\n{}\n", link.replace("{}", stem)));
    }
    if rng.one_in(4) {
        let n = rng.range(1, 4);
        mutate(rng, &mut text, n, &[]);
    }
    text
}

/// A config that keeps the build inside the site folder (no content, output or cache
/// folder of its own: those are the `config` target's business).
fn site_config(rng: &mut Rng) -> String {
    let lines = [
        "title = \"Fuzz\"",
        "base_url = \"/sub/\"",
        "base_url = \"https://example.com/x\"",
        "pretty_urls = true",
        "drafts = true",
        "title_from = \"filename\"",
        "[markdown]\nsmart_punctuation = true\nhighlight_code = false",
        "[mermaid]\nmax_nodes = 10\ntime_limit = 0.5",
        "[mermaid]\nrenderer = \"browser\"\nscript = \"https://cdn.example/mermaid.js\"",
        "[extra]\nx = 1",
        "unknown = 3",
    ];
    let mut text: String = (0..rng.range(1, 4))
        .map(|_| format!("{}\n", rng.pick(&lines)))
        .collect();
    if rng.one_in(5) {
        mutate(rng, &mut text, 1, &[]);
    }
    text.lines()
        .filter(|l| !(l.contains("_dir") || l.contains("script")) || l.contains("cdn.example"))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn edit(rng: &mut Rng, ctx: &Ctx, files: &[File], stems: &[String]) -> Vec<File> {
    let notes: Vec<&File> = files
        .iter()
        .filter(|f| f.path.starts_with("content/"))
        .collect();
    let existing = (*rng.pick(&notes)).clone();
    match rng.below(6) {
        0 => vec![File {
            path: existing.path,
            text: None,
        }],
        1 => vec![
            File {
                path: existing.path,
                text: None,
            },
            File {
                path: note_path(rng),
                text: existing.text,
            },
        ],
        2 => vec![File {
            path: note_path(rng),
            text: Some(note_text(rng, ctx, stems)),
        }],
        3 => vec![File {
            path: format!("content/{}", rng.pick(ATTACHMENTS)),
            text: rng.one_in(2).then(|| "changed".to_string()),
        }],
        _ => {
            let mut text = existing.text.unwrap_or_default();
            let n = rng.range(1, 4);
            mutate(rng, &mut text, n, &ctx.corpus.notes);
            vec![File {
                path: existing.path,
                text: Some(text),
            }]
        }
    }
}

/// Builds the site, applies the edits, and compares with fresh builds.
pub fn check(site: &SiteInput, ctx: &Ctx) -> Result<(), String> {
    let dir = tempfile::tempdir_in(&ctx.scratch).map_err(|e| format!("scratch: {e}"))?;
    let root = dir.path();
    // Always a content folder: a site without one is a bare vault, whose layout a new
    // `content/` would change (a fresh build would then read another folder).
    std::fs::create_dir_all(root.join("content")).map_err(|e| format!("scratch: {e}"))?;
    for file in &site.files {
        write(root, file);
    }
    let options = BuildOptions {
        root: root.to_path_buf(),
        ..BuildOptions::default()
    };
    let Ok(mut session) = Session::open(&options) else {
        return Ok(());
    };
    for (step, files) in site.edits.iter().enumerate() {
        let mut changes = Changes::default();
        for file in files {
            let path = root.join(&file.path);
            let new_folder = path.parent().filter(|p| !p.exists()).map(Path::to_path_buf);
            write(root, file);
            let kind = if file.path.starts_with("content/") {
                &mut changes.content
            } else if file.path.starts_with("templates/") {
                &mut changes.templates
            } else if file.path.starts_with("static/") {
                &mut changes.statics
            } else {
                changes.config = true;
                continue;
            };
            kind.extend(new_folder);
            kind.insert(path);
        }
        session.apply(&changes);
        let Ok(fresh) = Session::open(&options) else {
            continue;
        };
        if fresh.diagnostics().has_errors() {
            continue;
        }
        compare(step, &session, &fresh)?;
    }
    Ok(())
}

fn write(root: &Path, file: &File) {
    let path: PathBuf = root.join(&file.path);
    match &file.text {
        Some(text) => {
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::write(&path, text);
        }
        None => {
            let _ = std::fs::remove_file(&path);
        }
    }
}

fn compare(step: usize, kept: &Session, fresh: &Session) -> Result<(), String> {
    let (ours, theirs): (BTreeMap<_, _>, BTreeMap<_, _>) = (kept.files(), fresh.files());
    let only = |a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>| {
        a.keys().find(|k| !b.contains_key(*k)).cloned()
    };
    if let Some(path) = only(&ours, &theirs) {
        return Err(format!(
            "kept site has a file a fresh build has not: {path} after edit {step}"
        ));
    }
    if let Some(path) = only(&theirs, &ours) {
        return Err(format!(
            "kept site lacks a file of a fresh build: {path} after edit {step}"
        ));
    }
    if let Some((path, _)) = theirs.iter().find(|(p, bytes)| ours[*p] != **bytes) {
        return Err(format!(
            "kept file differs from a fresh build: {path} after edit {step}"
        ));
    }
    let (a, b) = (kept.diagnostics(), fresh.diagnostics());
    if a != b {
        let first = a.iter().zip(b.iter()).find(|(x, y)| x != y);
        return Err(format!(
            "kept diagnostics differ from a fresh build: after edit {step}, {} vs {}, {first:?}",
            a.len(),
            b.len()
        ));
    }
    Ok(())
}
