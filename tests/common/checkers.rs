//! The checkers an outside reviewer runs on a built site: axe-core injected into headless
//! Chromium, and the Nu HTML Checker (vnu) over a whole output folder.
//!
//! Both come from npm into `target/npm` (`.ci/run` installs them). A missing tool skips the
//! test with a message, unless `STUDYSITE_REQUIRE_BROWSER=1`, in which case it fails.

use super::browser::Cdp;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn required() -> bool {
    std::env::var("STUDYSITE_REQUIRE_BROWSER").as_deref() == Ok("1")
}

fn npm_file(env: &str, relative: &str) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(env) {
        return Some(PathBuf::from(path)).filter(|p| p.exists());
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/npm/node_modules")
        .join(relative);
    path.exists().then_some(path)
}

fn or_skip(test: &str, what: &str, found: Option<PathBuf>) -> Option<PathBuf> {
    match found {
        Some(path) => Some(path),
        None if required() => {
            panic!("{test}: STUDYSITE_REQUIRE_BROWSER=1 but {what} was not found")
        }
        None => {
            eprintln!("{test}: skipped, {what} not found");
            None
        }
    }
}

/// axe-core's browser bundle: `STUDYSITE_AXE_JS`, else `target/npm/node_modules/axe-core`.
pub fn axe_or_skip(test: &str) -> Option<PathBuf> {
    let found = npm_file("STUDYSITE_AXE_JS", "axe-core/axe.min.js");
    or_skip(
        test,
        "axe-core (npm install --prefix target/npm axe-core)",
        found,
    )
}

/// The Nu HTML Checker's jar (`STUDYSITE_VNU_JAR`, else `target/npm/node_modules/vnu-jar`),
/// when Java is there too.
pub fn vnu_or_skip(test: &str) -> Option<PathBuf> {
    let jar = npm_file("STUDYSITE_VNU_JAR", "vnu-jar/build/dist/vnu.jar");
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    let found = jar.filter(|_| java);
    or_skip(test, "the Nu HTML Checker (npm vnu-jar, and Java)", found)
}

/// How a page is shown while it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A desktop window, light colours.
    Light,
    /// A desktop window, `prefers-color-scheme: dark`.
    Dark,
    /// A phone (390 px wide, touch), light colours.
    Phone,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 3] = [Mode::Light, Mode::Dark, Mode::Phone];

    fn apply(self, browser: &mut Cdp) {
        let scheme = if self == Mode::Dark { "dark" } else { "light" };
        browser.call(
            "Emulation.setEmulatedMedia",
            serde_json::json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
        let (width, height, mobile) = match self {
            Mode::Phone => (390, 844, true),
            _ => (1280, 900, false),
        };
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
        );
    }
}

/// One axe violation on one page.
#[derive(Debug, Clone)]
pub struct Violation {
    /// The page's URL and the mode it was shown in.
    pub page: String,
    /// axe's rule id (`color-contrast`).
    pub rule: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    /// A CSS selector and axe's summary, per failing element.
    pub nodes: Vec<String>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} [{}] {}: {} nodes",
            self.page,
            self.impact,
            self.rule,
            self.nodes.len()
        )?;
        for node in self.nodes.iter().take(6) {
            writeln!(f, "    {node}")?;
        }
        Ok(())
    }
}

const RUN_AXE: &str = r#"(async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map(v => ({
    rule: v.id,
    impact: v.impact || "",
    nodes: v.nodes.map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").replace(/\s+/g, " ").slice(0, 240)),
  }));
})()"#;

/// Opens every URL in every mode in one browser, runs axe on each, and returns every
/// violation found (of any impact).
pub fn axe_violations(
    chromium: &Path,
    axe_js: &Path,
    urls: &[String],
    modes: &[Mode],
) -> Vec<Violation> {
    let axe = std::fs::read_to_string(axe_js).expect("read axe.min.js");
    let mut browser = Cdp::launch(chromium, "about:blank");
    browser.call("Page.enable", serde_json::json!({}));
    browser.call(
        "Page.addScriptToEvaluateOnNewDocument",
        serde_json::json!({ "source": axe }),
    );
    let mut found = Vec::new();
    for &mode in modes {
        mode.apply(&mut browser);
        for url in urls {
            open(&mut browser, url);
            let result = browser.eval(RUN_AXE);
            let list = result
                .as_array()
                .unwrap_or_else(|| panic!("axe did not run on {url}: {result}"));
            for v in list {
                found.push(Violation {
                    page: format!("{url} ({mode:?})"),
                    rule: v["rule"].as_str().unwrap_or("").to_string(),
                    impact: v["impact"].as_str().unwrap_or("").to_string(),
                    nodes: v["nodes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|n| n.as_str().map(str::to_string))
                        .collect(),
                });
            }
        }
    }
    found
}

/// Navigates and waits until the new page has loaded and its deferred scripts have run.
fn open(browser: &mut Cdp, url: &str) {
    browser.eval("window.__studysiteOld = true");
    browser.call("Page.navigate", serde_json::json!({ "url": url }));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready = browser.eval(
            "!window.__studysiteOld && document.readyState === 'complete' && typeof axe === 'object'",
        );
        if ready == serde_json::json!(true) {
            break;
        }
        assert!(Instant::now() < deadline, "{url} did not load");
        std::thread::sleep(Duration::from_millis(40));
    }
    // Let scripts that fill the page after load (search results, study decks) finish.
    std::thread::sleep(Duration::from_millis(150));
}

/// A count per rule and mode (`color-contrast serious Light: 4 pages, 31 nodes`), one a line.
pub fn summary(found: &[Violation]) -> String {
    let mut counts: std::collections::BTreeMap<(String, String, String), (usize, usize)> =
        Default::default();
    for v in found {
        let mode = v
            .page
            .rsplit('(')
            .next()
            .unwrap_or("")
            .trim_end_matches(')');
        let entry = counts
            .entry((v.rule.clone(), v.impact.clone(), mode.to_string()))
            .or_default();
        entry.0 += 1;
        entry.1 += v.nodes.len();
    }
    counts
        .iter()
        .map(|((rule, impact, mode), (pages, nodes))| {
            format!("{rule} {impact} {mode}: {pages} pages, {nodes} nodes\n")
        })
        .collect()
}

/// Runs the Nu HTML Checker once over every HTML file under `folders`; returns its errors as
/// `file:line: message`.
pub fn vnu_errors(jar: &Path, folders: &[&Path]) -> Vec<String> {
    let out = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--skip-non-html", "--format", "json"])
        .args(folders)
        .output()
        .expect("java runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stderr)
        .or_else(|_| serde_json::from_slice(&out.stdout))
        .unwrap_or_else(|e| {
            panic!(
                "vnu gave no JSON report ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    report["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["type"] == "error" || m["type"] == "non-document-error")
        .map(|m| {
            format!(
                "{}:{}: {}",
                m["url"].as_str().unwrap_or("").trim_start_matches("file:"),
                m["lastLine"],
                m["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// Every dead link and anchor in a built folder, found as a link checker finds them (read from
/// disk, parsed with an HTML5 parser, independent of the build's own check): `page: url`.
pub fn dead_links(folder: &Path) -> Vec<String> {
    use scraper::{Html, Selector};
    let mut pages: std::collections::BTreeMap<String, Html> = Default::default();
    let mut files = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(folder).into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(folder)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with(".html") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            pages.insert(rel.clone(), Html::parse_document(&text));
        }
        files.insert(rel);
    }
    let any = Selector::parse("[href], [src]").unwrap();
    let with_id = Selector::parse("[id]").unwrap();
    let ids: std::collections::BTreeMap<&str, std::collections::HashSet<String>> = pages
        .iter()
        .map(|(path, doc)| {
            let set = doc
                .select(&with_id)
                .filter_map(|e| e.value().attr("id").map(str::to_string))
                .collect();
            (path.as_str(), set)
        })
        .collect();
    let mut dead = Vec::new();
    for (page, doc) in &pages {
        for element in doc.select(&any) {
            for attr in ["href", "src"] {
                let Some(url) = element.value().attr(attr) else {
                    continue;
                };
                if url.contains("://") || url.starts_with("mailto:") || url.starts_with("data:") {
                    continue;
                }
                let resolved = super::site_path(page, url);
                let (path, fragment) = match resolved.split_once('#') {
                    Some((p, f)) => (p.to_string(), Some(f.to_string())),
                    None => (resolved.clone(), None),
                };
                let path = path.split('?').next().unwrap_or("").to_string();
                let file = if url.starts_with('#') {
                    page.clone()
                } else if path.ends_with('/') {
                    format!("{}index.html", path.trim_start_matches('/'))
                } else {
                    path.trim_start_matches('/').to_string()
                };
                let file = super::browser::percent_decoded(&file);
                if !files.contains(&file) {
                    dead.push(format!("{page}: {url} (no file {file})"));
                    continue;
                }
                if let (Some(f), Some(ids)) = (fragment, ids.get(file.as_str())) {
                    let f = super::browser::percent_decoded(&f);
                    if !f.is_empty() && f != "top" && !ids.contains(&f) {
                        dead.push(format!("{page}: {url} (no id {f} on {file})"));
                    }
                }
            }
        }
    }
    dead
}
