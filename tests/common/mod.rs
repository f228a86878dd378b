//! Shared helpers for the integration tests: a fixture site in a temporary folder, parsed-HTML
//! queries, and (in `browser`) headless Chromium and a loopback file server.
#![allow(dead_code)]

pub mod browser;
pub mod bundled;
pub mod checkers;
pub mod fresh;
pub mod http;
pub mod obsidian;
pub mod vault;

use scraper::{ElementRef, Html, Selector};
use std::fs;
use std::path::{Path, PathBuf};
use studysite::{BuildOptions, BuildReport};

/// A site in a temporary folder, written file by file.
pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    /// An empty site folder.
    pub fn new() -> Self {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file relative to the site root.
    pub fn file(&self, path: &str, text: &str) -> &Self {
        let full = self.root().join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, text).unwrap();
        self
    }

    /// Writes raw bytes relative to the site root.
    pub fn bytes(&self, path: &str, bytes: &[u8]) -> &Self {
        let full = self.root().join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, bytes).unwrap();
        self
    }

    /// Writes a note under `content/`.
    pub fn note(&self, path: &str, text: &str) -> &Self {
        self.file(&format!("content/{path}"), text)
    }

    /// Options for building this site into `<root>/public`.
    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root().to_path_buf(),
            ..BuildOptions::default()
        }
    }

    /// Builds with the library and returns the report.
    pub fn build(&self) -> BuildReport {
        studysite::build(&self.options()).expect("build ran")
    }

    /// Builds and asserts there were no errors.
    pub fn build_ok(&self) -> BuildReport {
        let report = self.build();
        assert!(
            report.succeeded(),
            "build failed: {:#?}",
            report.diagnostics
        );
        report
    }

    /// The output folder.
    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Reads an output file.
    pub fn read(&self, path: &str) -> String {
        fs::read_to_string(self.public().join(path))
            .unwrap_or_else(|e| panic!("cannot read public/{path}: {e}"))
    }

    /// Parses an output page (`ec2/pricing/` → `public/ec2/pricing/index.html`).
    pub fn page(&self, path: &str) -> Page {
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_string()
        };
        Page(Html::parse_document(&self.read(&file)), file)
    }

    /// Runs the `studysite` binary in the site folder.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        assert_cmd::Command::cargo_bin("studysite")
            .unwrap()
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .unwrap()
    }
}

/// A theme file's URL without its fingerprint: `../style.2579ded3.css` → `../style.css`
/// (`tests/publish.rs` checks the fingerprints themselves). Other URLs are returned as they are.
pub fn plain_name(url: &str) -> String {
    let (dir, name) = url.rsplit_once('/').map_or(("", url), |(d, n)| (d, n));
    let parts: Vec<&str> = name.split('.').collect();
    let n = parts.len();
    let fingerprinted =
        n >= 3 && parts[n - 2].len() == 8 && parts[n - 2].bytes().all(|b| b.is_ascii_hexdigit());
    if !fingerprinted {
        return url.to_string();
    }
    let plain = [&parts[..n - 2], &parts[n - 1..]].concat().join(".");
    if url.contains('/') {
        format!("{dir}/{plain}")
    } else {
        plain
    }
}

/// A parsed HTML page, and its file in the site (`ec2/pricing/index.html`).
pub struct Page(pub Html, pub String);

/// Resolves a URL found on the page at `file` to the site path it leads to, `/`-rooted, with
/// `index.html` left off (`../b/index.html#x` on `a/c/index.html` → `/a/b/#x`). URLs with a
/// scheme and in-page `#anchors` are returned as they are.
pub fn site_path(file: &str, url: &str) -> String {
    if url.starts_with('#') || url.contains("://") || url.starts_with("mailto:") {
        return url.to_string();
    }
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        let mut dir: Vec<&str> = file.split('/').collect();
        dir.pop();
        dir
    };
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if out.ends_with("/index.html") || out == "/index.html" {
        out.truncate(out.len() - "index.html".len());
    } else if (path.ends_with('/') || path.is_empty() || path == ".") && !out.ends_with('/') {
        out.push('/');
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

impl Page {
    /// Every element matching a CSS selector.
    pub fn all(&self, css: &str) -> Vec<ElementRef<'_>> {
        let selector = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
        self.0.select(&selector).collect()
    }

    /// The one element matching a selector (panics when there is not exactly one).
    pub fn one(&self, css: &str) -> ElementRef<'_> {
        let found = self.all(css);
        assert_eq!(
            found.len(),
            1,
            "expected exactly one `{css}`, found {}",
            found.len()
        );
        found[0]
    }

    /// The texts of every element matching a selector, whitespace-normalised.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.all(css).iter().map(|e| text(e)).collect()
    }

    /// The values of an attribute on every element matching a selector.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.all(css)
            .iter()
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    /// The values of a URL attribute on every element matching a selector, as the site paths
    /// they lead to (see [`site_path`]).
    pub fn urls(&self, css: &str, attr: &str) -> Vec<String> {
        self.attrs(css, attr)
            .iter()
            .map(|u| site_path(&self.1, u))
            .collect()
    }

    /// The ids of every element on the page.
    pub fn ids(&self) -> Vec<String> {
        self.attrs("[id]", "id")
    }
}

/// The text of an element with runs of whitespace folded.
pub fn text(e: &ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A seed note from ../shared/seeds, when the checkout has it beside it.
pub fn seed(name: &str) -> Option<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let entry = fs::read_dir(dir)
        .ok()?
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(name))?;
    fs::read_to_string(entry.path()).ok()
}

/// A mermaid flowchart (valid for mermaid.js 11) that the built-in renderer misreads: it takes
/// mermaid 11's `fn@{ shape: …, label: … }` for a node named `fn@`. The build notices that the
/// nodes it would draw are not the source's and does not draw it.
pub const FALLBACK_DIAGRAM: &str = "```mermaid
flowchart LR
    tg[Target group] --> i1[EC2 a]
    tg --> fn@{ shape: rounded, label: \"Lambda\" }
```
";

/// Copies a folder tree (the bundled `content/`, say) into a fixture.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}
