//! Nothing in a built site loads from the network by default: every HTML, CSS and JS file of
//! the bundled site (built with a `base_url` that has a host, so canonical links and the feed
//! are there) is scanned for `http(s)://` and `//host` loads of scripts, styles, fonts, images
//! and frames. Links (`<a href>`, canonical, feed) are not loads and are allowed.

mod common;

use common::Fixture;
use scraper::{Html, Selector};
use std::fs;

/// Namespace names that look like URLs but are never fetched.
const NAMESPACES: &[&str] = &[
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/1998/Math/MathML",
    "http://www.w3.org/XML/1998/namespace",
    "http://www.w3.org/2005/Atom",
];

fn remote(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    (url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//"))
        && !NAMESPACES.iter().any(|n| url.starts_with(n))
}

/// Remote loads in a stylesheet: `@import "…"`, `@import url(…)`, `url(…)` (fonts, images).
fn css_loads(css: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (marker, _) in css
        .match_indices("url(")
        .chain(css.match_indices("@import"))
    {
        let at = marker
            + if css[marker..].starts_with("url(") {
                4
            } else {
                7
            };
        let rest = css[at..].trim_start();
        if at == marker + 7 && rest.starts_with("url(") {
            continue; // `@import url(…)`: its `url(` is looked at on its own
        }
        let target = rest.trim_start_matches(['"', '\'']);
        if remote(target) {
            found.push(target.chars().take(80).collect());
        }
    }
    found
}

/// Remote URLs in a script: any string literal that is an absolute URL (our scripts load
/// nothing from elsewhere, so any such literal is a load or a way to one).
fn js_loads(js: &str) -> Vec<String> {
    let mut found = Vec::new();
    for quote in ['"', '\'', '`'] {
        for (at, _) in js.match_indices(quote) {
            let rest = &js[at + 1..];
            if remote(rest) && !rest.starts_with("//") {
                found.push(rest.chars().take(80).collect());
            }
        }
    }
    found
}

/// Remote loads in a page: elements that fetch what their attribute names, inline styles and
/// scripts.
fn html_loads(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut found = Vec::new();
    let fetching = [
        ("script[src]", "src"),
        ("img[src]", "src"),
        ("img[srcset]", "srcset"),
        ("source[src]", "src"),
        ("source[srcset]", "srcset"),
        ("video[src]", "src"),
        ("video[poster]", "poster"),
        ("audio[src]", "src"),
        ("iframe[src]", "src"),
        ("embed[src]", "src"),
        ("object[data]", "data"),
        ("image[href]", "href"),
        ("use[href]", "href"),
    ];
    for (css, attr) in fetching {
        for e in doc.select(&Selector::parse(css).unwrap()) {
            let value = e.value().attr(attr).unwrap_or("");
            if value.split(',').any(remote) {
                found.push(format!("<{}> {value}", e.value().name()));
            }
        }
    }
    for e in doc.select(&Selector::parse("link[href]").unwrap()) {
        let rel = e.value().attr("rel").unwrap_or("").to_ascii_lowercase();
        let loads = rel.split_whitespace().any(|r| {
            matches!(
                r,
                "stylesheet" | "preload" | "modulepreload" | "prefetch" | "icon" | "manifest"
            )
        });
        let href = e.value().attr("href").unwrap_or("");
        if loads && remote(href) {
            found.push(format!("<link rel={rel}> {href}"));
        }
    }
    for e in doc.select(&Selector::parse("style").unwrap()) {
        found.extend(css_loads(&e.text().collect::<String>()));
    }
    for e in doc.select(&Selector::parse("[style]").unwrap()) {
        found.extend(css_loads(e.value().attr("style").unwrap_or("")));
    }
    for e in doc.select(&Selector::parse("script:not([src])").unwrap()) {
        let kind = e.value().attr("type").unwrap_or("text/javascript");
        if kind.contains("javascript") || kind == "module" {
            found.extend(js_loads(&e.text().collect::<String>()));
        }
    }
    found
}

/// The calls the generated data scripts (search index, flashcards) are made of.
const DATA_CALLS: &[&str] = &[
    "studysiteSearch.add(",
    "(window.studysiteCards = window.studysiteCards || []).push(",
];

/// Whether a script is one generated data call whose arguments are JSON: text the notes hold
/// (which may name URLs, as text) and nothing that runs.
fn is_data_script(js: &str) -> bool {
    let js = js.trim_end();
    DATA_CALLS.iter().any(|call| {
        js.strip_prefix(call)
            .and_then(|rest| rest.strip_suffix(");"))
            .is_some_and(|args| {
                serde_json::from_str::<serde_json::Value>(&format!("[{args}]")).is_ok()
            })
    })
}

/// Every remote load in a built folder, as `file: what`.
fn remote_loads(public: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for file in common::bundled::files(public) {
        let Some((_, ext)) = file.rsplit_once('.') else {
            continue;
        };
        let loads = match ext {
            "html" | "htm" => html_loads(&fs::read_to_string(public.join(&file)).unwrap()),
            "css" => css_loads(&fs::read_to_string(public.join(&file)).unwrap()),
            "js" | "mjs" => {
                let js = fs::read_to_string(public.join(&file)).unwrap();
                if is_data_script(&js) {
                    continue;
                }
                js_loads(&js)
            }
            _ => continue,
        };
        found.extend(loads.into_iter().map(|l| format!("{file}: {l}")));
    }
    found
}

#[test]
fn the_scanner_finds_remote_loads_of_every_kind() {
    let page = r#"<html><head><link rel="stylesheet" href="https://cdn.example/x.css">
        <link rel="canonical" href="https://site.example/a/"><style>@import "//cdn.example/y.css";</style>
        <script>var s = document.createElement("script"); s.src = 'https://cdn.example/z.js';
        var svg = "http://www.w3.org/2000/svg";</script></head>
        <body><a href="https://elsewhere.example/">a link is not a load</a>
        <img src="http://img.example/p.png"><span style="background: url( 'https://i.example/b.png')"></span></body></html>"#;
    let found = html_loads(page);
    assert_eq!(found.len(), 5, "{found:#?}");
    let css = "@font-face { src: url(https://fonts.example/a.woff2) } a { background: url(\"img/x.png\") } @import url('http://x.example/c.css');";
    assert_eq!(css_loads(css).len(), 2, "{:?}", css_loads(css));
    let js = "// see https://example.com in a comment\nfetch(\"https://api.example/q\"); el.setAttribute('xmlns', 'http://www.w3.org/1999/xhtml');";
    assert!(is_data_script(
        "studysiteSearch.add(\"d\",9,{\"t\":\"see http://x.example\"});\n"
    ));
    assert!(!is_data_script(
        "studysiteSearch.add(\"d\",9,{}); fetch(\"https://x.example\");"
    ));
    let found = js_loads(js);
    assert!(
        found.len() == 1 && found[0].starts_with("https://api.example/q"),
        "{found:?}"
    );
}

#[test]
fn the_bundled_site_loads_nothing_from_the_network() {
    let site = common::bundled::bundled(Some("https://user.github.io/notes/"));
    let found = remote_loads(&site.public());
    assert!(found.is_empty(), "requests that leave the site: {found:#?}");
    // The pages do carry absolute URLs, as links: the scan looked at them and let them be.
    let home = fs::read_to_string(site.public().join("index.html")).unwrap();
    assert!(home.contains("href=\"https://user.github.io/notes/\""));
}

#[test]
fn a_configured_cdn_script_is_found_by_the_scan() {
    let site = Fixture::new();
    site.file(
        "studysite.toml",
        "title = \"T\"\n[mermaid]\nrenderer = \"browser\"\nscript = \"https://cdn.example/mermaid.min.js\"\n",
    )
    .note("a.md", "# A\n\n```mermaid\ngraph TD\n  A --> B\n```\n");
    site.build_ok();
    let found = remote_loads(&site.public());
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("a/index.html: <script> https://cdn.example/mermaid.min.js")),
        "{found:#?}"
    );
}
