//! Diagrams in a real browser: every diagram of the bundled site, the seed note and a fallback
//! fixture is an `<svg>` with a non-zero size and no error text once headless Chromium has
//! loaded the page, including diagrams drawn by mermaid.js from a local copy (the fallback).
//!
//! Needs Chromium and mermaid.js: `STUDYSITE_MERMAID_JS`, else
//! `target/npm/node_modules/mermaid/dist/mermaid.min.js` (see ci-notes-mermaid.txt). Skipped
//! when either is missing, unless `STUDYSITE_REQUIRE_BROWSER=1`.

mod common;

use common::browser::{FileServer, browser_or_skip, dump_dom};
use common::{FALLBACK_DIAGRAM, Fixture, Page, copy_dir, seed};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// mermaid.js for the fallback, or `None` to skip.
fn mermaid_js(test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("STUDYSITE_MERMAID_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/npm/node_modules/mermaid/dist/mermaid.min.js")
        });
    if path.is_file() {
        return Some(path);
    }
    if std::env::var("STUDYSITE_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!(
            "{test}: STUDYSITE_REQUIRE_BROWSER=1 but mermaid.js is not at {}",
            path.display()
        );
    }
    eprintln!("{test}: skipped, no mermaid.js at {}", path.display());
    None
}

/// Loads each page in a same-origin iframe, waits until its diagrams are drawn, measures every
/// diagram's SVG, checks that theme colours change with dark mode, and writes the findings as
/// JSON into `<pre id="result">`.
const HARNESS: &str = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>diagram harness</title></head>
<body><pre id="result">pending</pre>
<iframe id="frame" style="width:1100px;height:900px"></iframe>
<script>
var pages = PAGES;
var results = [];
var frame = document.getElementById("frame");
function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
function ready(doc) {
  var browser = doc.querySelectorAll("figure.diagram-browser").length;
  if (!browser) { return true; }
  var state = doc.documentElement.dataset.mermaid;
  return state === "done" || state === "failed";
}
function measure(page, doc) {
  var figures = Array.prototype.slice.call(doc.querySelectorAll("figure.diagram"));
  figures.forEach(function (figure, i) {
    var svg = figure.querySelector(":scope > svg, :scope > pre.mermaid > svg");
    var rect = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    var labels = svg ? svg.querySelectorAll("text, foreignObject") : [];
    var text = Array.prototype.map.call(labels, function (e) { return e.textContent.trim(); }).join(" ");
    results.push({
      page: page, index: i,
      drawn_by: figure.classList.contains("diagram-browser") ? "mermaid.js" : "build",
      svg: !!svg, width: rect.width, height: rect.height,
      error: !!(svg && (svg.getAttribute("aria-roledescription") === "error" || /Syntax error|Parse error/.test(text))),
      text: text.slice(0, 200)
    });
  });
}
function themed(doc) {
  var node = doc.querySelector("figure.diagram > svg [style*='--dg-node-bg']");
  if (!node) { return null; }
  var root = doc.documentElement;
  root.dataset.theme = "light";
  var light = doc.defaultView.getComputedStyle(node).fill;
  root.dataset.theme = "dark";
  var dark = doc.defaultView.getComputedStyle(node).fill;
  return { light: light, dark: dark };
}
var theme = null;
(async function () {
  for (var p = 0; p < pages.length; p++) {
    await new Promise(function (resolve) { frame.onload = resolve; frame.src = pages[p]; });
    var doc = frame.contentDocument;
    for (var t = 0; t < 200 && !ready(doc); t++) { await wait(50); }
    measure(pages[p], doc);
    if (!theme) { theme = themed(doc); }
  }
  document.getElementById("result").textContent = JSON.stringify({ diagrams: results, theme: theme });
})().catch(function (e) { document.getElementById("result").textContent = "harness failed: " + e; });
</script></body></html>"#;

#[test]
fn every_diagram_is_a_visible_svg_in_chromium_including_mermaid_js_fallbacks() {
    let test = "every_diagram_is_a_visible_svg_in_chromium_including_mermaid_js_fallbacks";
    let Some(chromium) = browser_or_skip(test) else {
        return;
    };
    let Some(js) = mermaid_js(test) else {
        return;
    };
    let site = Fixture::new();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &site.root().join("content"));
    site.file(
        "studysite.toml",
        &format!(
            "title = \"Diagrams\"\n[mermaid]\nscript = {:?}\n",
            js.display().to_string()
        ),
    )
    .note(
        "fallback/targets.md",
        &format!("# Targets\n\n{FALLBACK_DIAGRAM}"),
    );
    if let Some(note) = seed("000_") {
        site.note("seed/seed.md", &note);
    }
    site.build_ok();

    let mut pages = Vec::new();
    let mut expected = 0;
    for entry in walkdir::WalkDir::new(site.public()).into_iter().flatten() {
        if entry.file_name() != "index.html" {
            continue;
        }
        let html = Page(
            scraper::Html::parse_document(&fs::read_to_string(entry.path()).unwrap()),
            String::new(),
        );
        let figures = html.all("figure.diagram").len();
        if figures > 0 {
            let rel = entry
                .path()
                .parent()
                .unwrap()
                .strip_prefix(site.public())
                .unwrap();
            pages.push(format!("/{}/", rel.to_string_lossy()));
            expected += figures;
        }
    }
    pages.sort();
    fs::write(
        site.public().join("diagram-harness.html"),
        HARNESS.replace("PAGES", &serde_json::to_string(&pages).unwrap()),
    )
    .unwrap();

    let server = FileServer::start(&site.public());
    let dom = dump_dom(
        &chromium,
        &format!("{}/diagram-harness.html", server.base),
        60_000,
    );
    let result = Page(scraper::Html::parse_document(&dom), String::new());
    let json = common::text(&result.one("pre#result"));
    let found: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let diagrams = found["diagrams"].as_array().unwrap();
    assert_eq!(
        diagrams.len(),
        expected,
        "every figure was measured: {pages:?}"
    );
    for d in diagrams {
        assert_eq!(d["svg"], true, "no svg: {d}");
        assert!(d["width"].as_f64().unwrap() > 20.0, "no width: {d}");
        assert!(d["height"].as_f64().unwrap() > 20.0, "no height: {d}");
        assert_eq!(d["error"], false, "error drawn: {d}");
    }
    let by_mermaid: Vec<&Value> = diagrams
        .iter()
        .filter(|d| d["drawn_by"] == "mermaid.js")
        .collect();
    assert!(
        by_mermaid
            .iter()
            .any(|d| d["page"] == "/fallback/targets/"
                && d["text"].as_str().unwrap().contains("Lambda")),
        "the fallback was drawn by mermaid.js: {by_mermaid:?}"
    );
    assert!(diagrams.iter().filter(|d| d["drawn_by"] == "build").count() >= 7);
    let theme = &found["theme"];
    assert_ne!(
        theme["light"], theme["dark"],
        "diagram colours follow dark mode: {theme}"
    );
}
