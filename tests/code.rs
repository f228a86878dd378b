//! Highlighted code in built sites: short token classes that the code stylesheet colours,
//! markup a few times the size of the code, the stylesheet only where code is highlighted, and
//! a highlighting cache keyed by content, so a moved folder of notes finds its blocks again.

mod common;

use common::Fixture;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

const RUST: &str = "```rust\n/// Retries a request.\npub fn retry(n: u32) -> bool {\n    let limit = n * 2; // twice\n    println!(\"{} <= {}\", n, limit);\n    n <= limit\n}\n```\n";
const JSON: &str = "```json\n{\n  \"Effect\": \"Allow\",\n  \"Action\": [\"s3:GetObject\"],\n  \"Count\": 3,\n  \"Public\": false\n}\n```\n";
const YAML: &str =
    "```yaml\n# stack\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Retention: 30\n```\n";

fn code_site() -> Fixture {
    let site = Fixture::new();
    site.note("code.md", &format!("# Code\n\n{RUST}\n{JSON}\n{YAML}"))
        .note(
            "plain.md",
            "# Plain\n\n```\nnot highlighted\n```\n\n    indented\n",
        )
        .note("prose.md", "# Prose\n\nNo code at all.\n");
    site.build_ok();
    site
}

#[test]
fn tokens_get_short_classes_that_the_code_stylesheet_colours() {
    let site = code_site();
    let page = site.page("code/");
    let css = site.read("syntax.css");
    let spans = page.all("pre.highlighted span");
    assert!(spans.len() > 20, "{} spans", spans.len());
    let classes: BTreeSet<String> = spans
        .iter()
        .map(|s| s.value().attr("class").unwrap_or("").to_string())
        .collect();
    for class in &classes {
        assert!(
            class.len() <= 2 && !class.contains(' '),
            "one short class per span, not a scope path: `{class}`"
        );
        assert!(
            css.contains(&format!(".highlighted .{class}{{")),
            "`{class}` has a rule in syntax.css"
        );
    }
    for expected in ["c", "k", "s", "m", "ky", "nt", "kc"] {
        assert!(classes.contains(expected), "`{expected}` in {classes:?}");
    }
    let json_keys = page.texts("pre[data-lang=json] .ky");
    assert_eq!(
        json_keys,
        ["\"Effect\"", "\"Action\"", "\"Count\"", "\"Public\""]
    );
    // Nested spans and spans around bare whitespace change no colour: none are written.
    assert!(page.all("pre.highlighted span span").is_empty());
    assert_eq!(
        page.texts("pre[data-lang=rust] .k"),
        ["pub"],
        "adjacent keywords share one span"
    );
}

#[test]
fn code_markup_is_a_few_times_the_size_of_the_code() {
    // A long note with many blocks (a real one became a 20 MB page from 1.2 MB of notes: one
    // span per nested scope, its whole scope path as classes, 27 times the code).
    let blocks: String = (0..60)
        .map(|i| {
            format!(
                "## Part {i}\n\n{}\n{}\n",
                RUST.replace("retry", &format!("retry_{i}")),
                JSON.replace("Allow", &format!("Allow{i}"))
            )
        })
        .collect();
    let site = Fixture::new();
    site.note("long.md", &format!("# Long\n\n{blocks}"));
    site.build_ok();
    let page = site.page("long/");
    let pres = page.all("pre.highlighted");
    assert_eq!(pres.len(), 120);
    let markup: usize = pres.iter().map(|p| p.html().len()).sum();
    let code: usize = pres
        .iter()
        .map(|p| p.text().collect::<String>().len())
        .sum();
    let ratio = markup as f64 / code as f64;
    assert!(
        ratio < 6.0,
        "{markup} bytes of markup for {code} bytes of code ({ratio:.1}×)"
    );
}

#[test]
fn only_pages_with_highlighted_code_load_the_code_stylesheet() {
    let site = code_site();
    let sheets = |path: &str| site.page(path).attrs("link[rel=stylesheet]", "href");
    assert!(
        sheets("code/")
            .iter()
            .any(|h| common::plain_name(h).ends_with("syntax.css"))
    );
    for page in ["plain/", "prose/", ""] {
        assert!(
            !sheets(page)
                .iter()
                .any(|h| common::plain_name(h).ends_with("syntax.css")),
            "{page:?} has no highlighted code"
        );
    }
    let css = site.read("syntax.css");
    assert!(css.len() < 8_000, "syntax.css is {} bytes", css.len());
}

#[test]
fn a_page_that_embeds_highlighted_code_loads_the_code_stylesheet() {
    let site = Fixture::new();
    site.note("snippet.md", &format!("# Snippet\n\n{RUST}"))
        .note("guide.md", "# Guide\n\nSee below.\n\n![[snippet]]\n");
    site.build_ok();
    let page = site.page("guide/");
    assert_eq!(
        page.all("pre.highlighted").len(),
        1,
        "the embed brings its code"
    );
    assert!(
        page.attrs("link[rel=stylesheet]", "href")
            .iter()
            .any(|h| common::plain_name(h).ends_with("syntax.css"))
    );
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect();
    files.sort();
    files
}

/// Runs `studysite -v build` on a bare folder of notes with its own user cache folder, and
/// returns the "code:" line of the report.
fn build_bare(vault: &Path, cache: &Path, output: &Path) -> String {
    let out = assert_cmd::Command::cargo_bin("studysite")
        .unwrap()
        .env("XDG_CACHE_HOME", cache)
        .env("NO_COLOR", "1")
        .args(["-v", "build", "--root"])
        .arg(vault)
        .arg("--output")
        .arg(output)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
        .lines()
        .find(|l| l.starts_with("code:"))
        .unwrap_or_else(|| panic!("no code line in {stderr}"))
        .to_string()
}

#[test]
fn a_moved_folder_of_notes_takes_its_highlighting_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, first, second) = (
        dir.path().join("cache"),
        dir.path().join("vault"),
        dir.path().join("moved/vault"),
    );
    fs::create_dir_all(&first).unwrap();
    fs::write(first.join("a.md"), format!("# A\n\n{RUST}")).unwrap();
    fs::write(first.join("b.md"), format!("# B\n\n{JSON}\n{YAML}")).unwrap();
    let notes = files_under(&first);
    assert_eq!(
        build_bare(&first, &cache, &dir.path().join("out1")),
        "code: 3 blocks highlighted, 0 repeated, 0 from the cache"
    );
    assert_eq!(files_under(&first), notes, "nothing written into the notes");
    fs::create_dir_all(second.parent().unwrap()).unwrap();
    fs::rename(&first, &second).unwrap();
    assert_eq!(
        build_bare(&second, &cache, &dir.path().join("out2")),
        "code: 0 blocks highlighted, 0 repeated, 3 from the cache"
    );
    assert_eq!(files_under(&second), notes);
    let cached = files_under(&cache);
    assert!(
        cached.iter().any(|f| f == "studysite/highlight.bin"),
        "one shared cache file, not a folder per vault path: {cached:?}"
    );
}

#[test]
fn a_cache_folder_inside_the_notes_is_not_used() {
    // A bare folder of notes whose user cache folder lies inside it (notes kept in the home
    // folder): the build must not write its cache among the notes.
    let vault = tempfile::tempdir().unwrap();
    fs::write(vault.path().join("a.md"), format!("# A\n\n{RUST}")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let line = build_bare(vault.path(), &vault.path().join(".cache"), out.path());
    assert_eq!(
        line,
        "code: 1 blocks highlighted, 0 repeated, 0 from the cache"
    );
    assert_eq!(files_under(vault.path()), ["a.md"]);
}
