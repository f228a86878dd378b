//! Mermaid diagrams: drawn at build time into inline, accessible, themed SVG; left to
//! mermaid.js per diagram (with a warning at the fence's line) when the built-in renderer
//! cannot draw them well; errors for what is not a mermaid diagram; cached between builds.

mod common;

use common::{FALLBACK_DIAGRAM, Fixture, Page, copy_dir, seed, text};
use std::fs;
use std::path::Path;

const FLOW: &str = "```mermaid
flowchart LR
    A[(\"EBS volume<br/>(unencrypted)\")] -->|\"step 1: snapshot\"| B[\"Unencrypted<br/>snapshot\"]
    B --> C[Encrypted snapshot]
    classDef hot fill:#fde68a,stroke:#b45309
    class C hot
```
";

fn figures(page: &Page) -> usize {
    page.all("figure.diagram").len()
}

fn scripts(page: &Page) -> Vec<String> {
    page.attrs("script[src]", "src")
}

#[test]
fn a_flowchart_becomes_an_inline_svg_image_named_by_its_first_label() {
    let site = Fixture::new();
    site.note("ebs.md", &format!("# EBS\n\n{FLOW}"));
    let report = site.build_ok();
    assert_eq!(report.diagrams.rendered, 1);
    let page = site.page("ebs/");
    let svg = page.one("figure.diagram > svg");
    assert_eq!(svg.value().attr("role"), Some("img"));
    assert_eq!(
        svg.value().attr("aria-label"),
        Some("Flowchart: EBS volume (unencrypted)")
    );
    assert!(svg.value().attr("viewBox").is_some());
    assert_eq!(
        page.texts("figure.diagram > svg > title"),
        ["Flowchart: EBS volume (unencrypted)"]
    );
    assert!(
        page.all("pre.mermaid").is_empty(),
        "nothing left for mermaid.js"
    );
    assert!(
        !scripts(&page).iter().any(|s| s.contains("mermaid")),
        "no diagram script on a page drawn at build time: {:?}",
        scripts(&page)
    );
}

#[test]
fn labels_stay_text_with_br_lines_and_unquoted_edge_labels() {
    let site = Fixture::new();
    site.note("ebs.md", FLOW);
    site.build_ok();
    let page = site.page("ebs/");
    let tspans = page.texts("figure.diagram svg text tspan");
    for line in [
        "EBS volume",
        "(unencrypted)",
        "Unencrypted",
        "snapshot",
        "step 1: snapshot",
    ] {
        assert!(tspans.iter().any(|t| t == line), "{line} in {tspans:?}");
    }
    assert!(!tspans.iter().any(|t| t.contains('"')), "{tspans:?}");
    assert!(!tspans.iter().any(|t| t.contains("<br")), "{tspans:?}");
}

#[test]
fn the_source_is_kept_in_a_details_block() {
    let site = Fixture::new();
    site.note("ebs.md", FLOW);
    site.build_ok();
    let page = site.page("ebs/");
    assert_eq!(
        page.texts("figure.diagram details.diagram-source > summary"),
        ["Diagram source"]
    );
    let code = page.one("figure.diagram details.diagram-source code.language-mermaid");
    let source: String = code.text().collect();
    let expected = FLOW
        .trim_start_matches("```mermaid\n")
        .trim_end_matches("```\n");
    assert_eq!(source, expected);
}

#[test]
fn classdef_colours_are_kept_and_theme_colours_follow_the_site_in_both_modes() {
    let site = Fixture::new();
    site.note("ebs.md", FLOW);
    site.build_ok();
    let page = site.page("ebs/");
    let hot = page.all("figure.diagram svg [fill=\"#fde68a\"]");
    assert_eq!(hot.len(), 1, "the classDef fill is kept");
    assert_eq!(hot[0].value().attr("stroke"), Some("#b45309"));
    assert!(
        hot[0].value().attr("style").is_none(),
        "explicit colours are not themed"
    );
    let themed = page.attrs("figure.diagram svg [style]", "style");
    let vars: std::collections::BTreeSet<String> = themed
        .iter()
        .flat_map(|s| s.split("var(").skip(1))
        .map(|v| v.split(',').next().unwrap().to_string())
        .collect();
    assert!(
        vars.contains("--dg-node-bg") && vars.contains("--dg-text"),
        "{vars:?}"
    );
    let css = site.read("style.css");
    for scope in [
        ":root",
        ":root[data-theme=\"dark\"]",
        ":root:not([data-theme])",
    ] {
        let block = css_block(&css, scope).unwrap_or_else(|| panic!("no {scope} block"));
        for var in &vars {
            assert!(
                block.contains(&format!("{var}:")),
                "{var} not set in {scope}"
            );
        }
    }
}

/// The declarations of the first rule whose selector is exactly `selector`.
fn css_block<'a>(css: &'a str, selector: &str) -> Option<&'a str> {
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let head = rest[..open]
            .rsplit(['}', '{', '/'])
            .next()
            .unwrap_or("")
            .trim();
        let close = open + rest[open..].find('}')?;
        if head == selector {
            return Some(&rest[open + 1..close]);
        }
        rest = &rest[open + 1..];
    }
    None
}

#[test]
fn a_diagram_the_renderer_misreads_is_shown_as_source_with_a_warning_at_its_line_and_no_script() {
    let site = Fixture::new();
    site.note(
        "targets.md",
        &format!("---\ntitle: Targets\n---\n# Targets\n\nText.\n\n{FALLBACK_DIAGRAM}"),
    )
    .note("ebs.md", FLOW);
    let report = site.build_ok();
    let warnings: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        warnings,
        [
            "content/targets.md:8: warning: mermaid diagram shown as source: the built-in renderer misreads it: it finds nodes the source does not have (`fn@`) and no node for `fn`"
        ]
    );
    assert_eq!(report.diagrams.browser, 1);

    let page = site.page("targets/");
    let code = page.one("figure.diagram.diagram-undrawn > pre.code > code.language-mermaid");
    assert!(text(&code).starts_with("flowchart LR"), "{}", text(&code));
    assert!(
        text(&page.one("figure.diagram-undrawn > figcaption")).contains("misreads"),
        "the reader is told why"
    );
    assert!(page.all("pre.mermaid").is_empty(), "nothing for mermaid.js");
    for p in [&page, &site.page("ebs/")] {
        assert!(
            !scripts(p).iter().any(|s| s.contains("mermaid")),
            "no network and no mermaid.js by default: {:?}",
            scripts(p)
        );
    }
    assert!(!site.public().join("vendor").exists());
}

#[test]
fn a_misread_edge_label_is_read_as_mermaid_js_reads_it() {
    let site = Fixture::new();
    site.note(
        "plan.md",
        "```mermaid\nflowchart LR\n    A[Savings] --> |Short-term| B[Spending]\n```\n",
    );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(report.diagrams.normalized, 1);
    let tspans = site.page("plan/").texts("figure.diagram > svg text tspan");
    for want in ["Savings", "Spending", "Short-term"] {
        assert!(tspans.iter().any(|t| t == want), "{want} in {tspans:?}");
    }
    assert!(
        !tspans.iter().any(|t| t.contains('|')),
        "no stray nodes: {tspans:?}"
    );
}

#[test]
fn every_edge_label_form_mermaid_js_accepts_draws_the_same_nodes() {
    let forms = [
        "A1 -->|one| B1",
        "A2 --> |two| B2",
        "A3 -- three --> B3",
        "A4 -. four .-> B4",
        "A5 == five ==> B5",
        "A6 ---|six| B6",
        "A7 -- \"seven -- quoted\" --> B7",
        "A8 -->|eight| B8 -->|nine| C8",
        "A9 --- B9 --> C9",
    ];
    let site = Fixture::new();
    site.note(
        "forms.md",
        &format!(
            "```mermaid\nflowchart TD\n    {}\n```\n",
            forms.join("\n    ")
        ),
    );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let tspans = site.page("forms/").texts("figure.diagram > svg text tspan");
    let mut nodes: Vec<&str> = tspans
        .iter()
        .map(String::as_str)
        .filter(|t| t.len() == 2 && t.chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
        .collect();
    nodes.sort();
    assert_eq!(
        nodes,
        [
            "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "B1", "B2", "B3", "B4", "B5",
            "B6", "B7", "B8", "B9", "C8", "C9"
        ]
    );
    for label in [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven -- quoted",
        "eight",
        "nine",
    ] {
        assert!(tspans.iter().any(|t| t == label), "{label} in {tspans:?}");
    }
}

/// Nested groups with loose members: the crate's own layout drew `fn` inside the `AZ a` box.
const NESTED_GROUPS: &str = "```mermaid
flowchart LR
    tg --> i1
    tg --> i2
    tg --> fn
    subgraph targets [\"Registered targets\"]
        subgraph aza [\"AZ a\"]
            i1[\"EC2 a\"]
            ip1[\"10.0.1.15\"]
        end
        subgraph azb [\"AZ b\"]
            i2[\"EC2 b\"]
            ip2[\"10.0.2.27\"]
        end
        fn[\"Lambda\"]
    end
    tg --> ip1
    tg --> ip2
```
";

/// The box (x, y, width, height) drawn just before the group title `title`.
fn group_box(page: &Page, title: &str) -> [f32; 4] {
    let svg = page.one("figure.diagram > svg");
    let mut last_rect = None;
    for el in svg.children().filter_map(scraper::ElementRef::wrap) {
        match el.value().name() {
            "rect" => last_rect = Some(el),
            "text" if text(&el) == title => {
                let r = last_rect.expect("a box before the title");
                let n = |k| r.value().attr(k).unwrap().parse::<f32>().unwrap();
                return [n("x"), n("y"), n("width"), n("height")];
            }
            _ => {}
        }
    }
    panic!("no group titled {title}")
}

/// Where the label `label` is drawn.
fn label_at(page: &Page, label: &str) -> (f32, f32) {
    let t = page
        .all("figure.diagram > svg text")
        .into_iter()
        .find(|t| text(t) == label)
        .unwrap_or_else(|| panic!("no {label}"));
    let n = |k| t.value().attr(k).unwrap().parse::<f32>().unwrap();
    (n("x"), n("y"))
}

fn inside(p: (f32, f32), b: [f32; 4]) -> bool {
    p.0 > b[0] && p.0 < b[0] + b[2] && p.1 > b[1] && p.1 < b[1] + b[3]
}

#[test]
fn nested_groups_with_loose_members_draw_each_node_in_its_own_box() {
    let site = Fixture::new();
    site.note("targets.md", NESTED_GROUPS);
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let page = site.page("targets/");
    let (aza, azb, all) = (
        group_box(&page, "AZ a"),
        group_box(&page, "AZ b"),
        group_box(&page, "Registered targets"),
    );
    for (label, own) in [
        ("EC2 a", aza),
        ("10.0.1.15", aza),
        ("EC2 b", azb),
        ("10.0.2.27", azb),
    ] {
        assert!(inside(label_at(&page, label), own), "{label} in its group");
        assert!(
            inside(label_at(&page, label), all),
            "{label} in the outer group"
        );
    }
    let lambda = label_at(&page, "Lambda");
    assert!(inside(lambda, all));
    assert!(
        !inside(lambda, aza) && !inside(lambda, azb),
        "Lambda is in no AZ"
    );
    assert!(
        !inside(label_at(&page, "tg"), all),
        "tg is outside every group"
    );
}

#[test]
fn a_local_mermaid_js_is_copied_and_loaded_from_the_site() {
    let site = Fixture::new();
    site.file(
        "studysite.toml",
        "base_url = \"https://x.example/notes/\"\n[mermaid]\nscript = \"tools/mermaid.min.js\"\n",
    )
    .file("tools/mermaid.min.js", "window.mermaid = {};\n")
    .note("targets.md", FALLBACK_DIAGRAM)
    .note("ebs.md", FLOW);
    let report = site.build_ok();
    let warnings: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("content/targets.md:1: warning: mermaid diagram left to mermaid.js in the browser: the built-in renderer misreads it"),
        "{warnings:?}"
    );
    assert_eq!(site.read("vendor/mermaid.min.js"), "window.mermaid = {};\n");
    let page = site.page("targets/");
    let pre = page.one("figure.diagram.diagram-browser > pre.mermaid");
    assert!(text(&pre).starts_with("flowchart LR"));
    assert_eq!(
        page.all("figure.diagram-browser details.diagram-source")
            .len(),
        1
    );
    assert!(
        !scripts(&site.page("ebs/"))
            .iter()
            .any(|s| s.contains("mermaid")),
        "only pages with such a diagram load mermaid.js"
    );
    let src = scripts(&page);
    assert!(
        src.contains(&"../vendor/mermaid.min.js".to_string()),
        "{src:?}"
    );
    assert!(
        !src.iter().any(|s| s.starts_with("http")),
        "offline: {src:?}"
    );
    let plain: Vec<String> = src.iter().map(|s| common::plain_name(s)).collect();
    assert!(plain.contains(&"../mermaid-init.js".to_string()), "{src:?}");
}

#[test]
fn a_missing_local_mermaid_js_is_an_error() {
    let site = Fixture::new();
    site.file(
        "studysite.toml",
        "[mermaid]\nscript = \"nope/mermaid.js\"\n",
    )
    .note("a.md", "# A\n");
    let report = site.build();
    assert!(!report.succeeded());
    let shown: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        shown.iter().any(|d| d.contains("`mermaid.script` file")),
        "{shown:?}"
    );
}

#[test]
fn browser_renderer_leaves_every_diagram_to_mermaid_js_without_warnings() {
    let site = Fixture::new();
    site.file(
        "studysite.toml",
        "[mermaid]\nrenderer = \"browser\"\nscript = \"tools/mermaid.min.js\"\n",
    )
    .file("tools/mermaid.min.js", "window.mermaid = {};\n")
    .note("ebs.md", FLOW);
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let page = site.page("ebs/");
    assert_eq!(page.all("figure.diagram-browser > pre.mermaid").len(), 1);
    assert!(page.all("figure.diagram > svg").is_empty());
}

#[test]
fn an_unknown_diagram_type_is_an_error_with_file_and_line() {
    let site = Fixture::new();
    site.note(
        "bad.md",
        "# Bad\n\n```mermaid\nflowchat TD\n  A --> B\n```\n",
    );
    let report = site.build();
    assert!(!report.succeeded());
    let shown: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].starts_with("content/bad.md:3: error: invalid mermaid diagram: unknown mermaid diagram type `flowchat`"),
        "{shown:?}"
    );
    assert_eq!(report.diagrams.invalid, 1);
}

#[test]
fn a_rebuild_takes_unchanged_diagrams_from_the_cache() {
    let site = Fixture::new();
    let two = format!("{FLOW}\n```mermaid\nsequenceDiagram\n  A->>B: hi\n```\n");
    site.note("a.md", &two).note("b.md", FALLBACK_DIAGRAM);
    let first = site.build_ok();
    assert_eq!((first.diagrams.rendered, first.diagrams.cached), (3, 0));
    let cache = site.root().join(".studysite-cache/mermaid");
    assert_eq!(json_files(&cache), 3, "one entry per distinct diagram");
    let html = site.read("a/index.html");

    let second = site.build_ok();
    assert_eq!((second.diagrams.rendered, second.diagrams.cached), (0, 3));
    assert_eq!(site.read("a/index.html"), html, "cached output is the same");
    assert_eq!(second.diagnostics.len(), 1, "the fallback still warns");

    site.note(
        "b.md",
        &FALLBACK_DIAGRAM.replace("Lambda", "Lambda function"),
    );
    let third = site.build_ok();
    assert_eq!((third.diagrams.rendered, third.diagrams.cached), (1, 2));
}

fn json_files(dir: &Path) -> usize {
    fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn the_cache_folder_can_be_configured_or_turned_off() {
    let site = Fixture::new();
    site.file("studysite.toml", "[mermaid]\ncache_dir = \"build-cache\"\n")
        .note("a.md", FLOW);
    site.build_ok();
    assert_eq!(json_files(&site.root().join("build-cache")), 1);

    let off = Fixture::new();
    off.file("studysite.toml", "[mermaid]\ncache = false\n")
        .note("a.md", FLOW);
    off.build_ok();
    let second = off.build_ok();
    assert_eq!((second.diagrams.rendered, second.diagrams.cached), (1, 0));
    assert!(!off.root().join(".studysite-cache").exists());
}

#[test]
fn a_cache_folder_inside_the_notes_is_refused() {
    let site = Fixture::new();
    site.file(
        "studysite.toml",
        "[mermaid]\ncache_dir = \"content/cache\"\n",
    )
    .note("a.md", FLOW);
    let report = site.build();
    assert!(!report.succeeded());
    let shown: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        shown[0].starts_with("studysite.toml: error: `mermaid.cache_dir`"),
        "{shown:?}"
    );
    assert!(!site.root().join("content/cache").exists());
}

#[test]
fn a_bare_folder_of_notes_never_gets_a_cache_inside_it() {
    let site = Fixture::new();
    site.file("a.md", "# A\n");
    let (project, _) = studysite::build::Project::open(&site.options()).unwrap();
    if let Some(dir) = project.diagram_cache_dir() {
        let root = site.root().canonicalize().unwrap();
        assert!(
            !dir.starts_with(&root),
            "{} is inside {}",
            dir.display(),
            root.display()
        );
    }
    let with_content = Fixture::new();
    with_content.note("a.md", "# A\n");
    let (project, _) = studysite::build::Project::open(&with_content.options()).unwrap();
    assert_eq!(
        project.diagram_cache_dir(),
        Some(with_content.root().join(".studysite-cache/mermaid"))
    );
}

#[test]
fn a_state_diagram_with_a_self_loop_renders_at_build_time_in_order() {
    let site = Fixture::new();
    site.note(
        "lifecycle.md",
        "```mermaid
stateDiagram-v2
    [*] --> pending
    pending --> running
    running --> running : reboot
    running --> stopped : stop
    stopped --> [*]
```
",
    );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let page = site.page("lifecycle/");
    let y_of = |label: &str| -> f32 {
        let t = page
            .all("figure.diagram svg text")
            .into_iter()
            .find(|t| text(t) == label)
            .unwrap_or_else(|| panic!("no {label}"));
        t.value().attr("y").unwrap().parse().unwrap()
    };
    assert!(y_of("pending") < y_of("running"), "ranked top to bottom");
    assert!(y_of("running") < y_of("stopped"), "ranked top to bottom");
    assert!(
        page.texts("figure.diagram svg text")
            .contains(&"reboot".to_string())
    );
}

#[test]
fn sequence_diagrams_with_loop_alt_and_notes_render_at_build_time() {
    let site = Fixture::new();
    site.note(
        "eni.md",
        "```mermaid
sequenceDiagram
    participant C as Clients
    participant M as Health checker
    loop every 10 seconds
        M->>C: GET /health
    end
    alt healthy
        M->>M: nothing to do
    else failed
        M->>C: move the ENI
        Note over C,M: the IP moves with it
    end
```
",
    );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let page = site.page("eni/");
    let texts: Vec<String> = page
        .all("figure.diagram svg text")
        .iter()
        .map(|t| {
            let lines: Vec<String> = t
                .children()
                .filter_map(scraper::ElementRef::wrap)
                .map(|s| text(&s))
                .collect();
            if lines.is_empty() {
                text(t)
            } else {
                lines.join(" ")
            }
        })
        .collect();
    for label in [
        "Clients",
        "Health checker",
        "loop",
        "alt",
        "the IP moves with it",
    ] {
        assert!(
            texts.iter().any(|t| t.contains(label)),
            "{label} in {texts:?}"
        );
    }
}

#[test]
fn all_four_diagrams_of_the_seed_note_render_at_build_time() {
    let Some(note) = seed("000_") else {
        eprintln!("seed notes not found beside the checkout; skipped");
        return;
    };
    let site = Fixture::new();
    site.note("seed.md", &note);
    let report = site.build();
    let diagram_diagnostics: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("mermaid"))
        .map(|d| d.to_string())
        .collect();
    assert!(diagram_diagnostics.is_empty(), "{diagram_diagnostics:?}");
    assert_eq!(report.diagrams.blocks, 4);
    assert_eq!(report.diagrams.browser, 0);
    assert_eq!(
        report.diagrams.normalized, 1,
        "the ENI failover sequence diagram"
    );
    let page = site.page("seed/");
    assert_eq!(page.all("figure.diagram > svg[role=img]").len(), 4);
    let hc = page.all("figure.diagram svg [fill=\"#0c0\"]");
    assert_eq!(hc.len(), 3, "classDef healthcheck on three nodes");
}

#[test]
fn the_bundled_site_draws_every_diagram_with_no_errors() {
    let site = Fixture::new();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &site.root().join("content"));
    fs::copy(
        repo.join("studysite.toml"),
        site.root().join("studysite.toml"),
    )
    .unwrap();
    let report = site.build_ok();
    let d = report.diagrams;
    assert_eq!(d.blocks, 7);
    assert_eq!(d.invalid, 0);
    let fallbacks: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|w| w.message.contains("mermaid.js"))
        .map(|w| w.location())
        .collect();
    assert_eq!(fallbacks.len(), d.browser, "each fallback warns");
    assert!(d.browser <= 2, "{fallbacks:?}");
    let mut drawn = 0;
    for page in walkdir::WalkDir::new(site.public())
        .into_iter()
        .flatten()
        .filter(|e| e.file_name() == "index.html")
    {
        // Topic pages show the same sections again; count each note's own figures.
        let in_topics = e_is_under(page.path(), &site.public().join("topics"));
        let html = Page(
            scraper::Html::parse_document(&fs::read_to_string(page.path()).unwrap()),
            page.path()
                .strip_prefix(site.public())
                .unwrap()
                .to_string_lossy()
                .into_owned(),
        );
        if !in_topics {
            drawn += html.all("figure.diagram > svg[role=img]").len();
        }
        let browser = html.all("figure.diagram-browser > pre.mermaid").len();
        assert_eq!(
            figures(&html),
            html.all("figure.diagram > svg").len() + browser
        );
    }
    assert_eq!(drawn, 7 - d.browser);
}

fn e_is_under(path: &std::path::Path, dir: &std::path::Path) -> bool {
    path.starts_with(dir)
}

/// A flowchart tree of `n` nodes (each node's parent is node (i - 1) / 3).
fn tree(n: usize) -> String {
    let mut src = String::from("```mermaid\nflowchart TD\n");
    for i in 1..n {
        src.push_str(&format!("    n{} --> n{i}\n", (i - 1) / 3));
    }
    src.push_str("```\n");
    src
}

#[test]
fn a_thousand_node_flowchart_is_drawn_at_build_time() {
    let site = Fixture::new();
    site.note("big.md", &tree(1_000));
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let page = site.page("big/");
    assert_eq!(page.all("figure.diagram > svg[role=img]").len(), 1);
    let labels = page.texts("figure.diagram > svg text tspan");
    assert!(labels.iter().any(|t| t == "n999"), "every node is drawn");
    assert_eq!(labels.iter().filter(|t| t.starts_with('n')).count(), 1_000);
}

#[test]
fn diagrams_past_their_size_budget_are_shown_as_source_and_the_build_goes_on() {
    let mut huge_sequence =
        String::from("```mermaid\nsequenceDiagram\n    participant A\n    participant B\n");
    for i in 0..3_000 {
        huge_sequence.push_str(&format!("    A->>B: message {i}\n"));
    }
    huge_sequence.push_str("```\n");
    let site = Fixture::new();
    site.note(
        "big.md",
        &format!("# Big\n\n{}\n{huge_sequence}", tree(2_500)),
    )
    .note("ebs.md", FLOW);
    let report = site.build_ok();
    let warnings: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        warnings,
        [
            "content/big.md:3: warning: mermaid diagram shown as source: it has 2500 nodes, more than the 2000 a diagram may have",
            "content/big.md:2506: warning: mermaid diagram shown as source: it has 3000 edges, more than the 300 a diagram may have",
        ]
    );
    let page = site.page("big/");
    assert_eq!(
        page.all("figure.diagram-undrawn code.language-mermaid")
            .len(),
        2
    );
    assert_eq!(
        site.page("ebs/").all("figure.diagram > svg").len(),
        1,
        "the rest is drawn"
    );
}

#[test]
fn a_diagram_past_its_time_budget_falls_back_with_a_warning() {
    let site = Fixture::new();
    site.file("studysite.toml", "[mermaid]\ntime_limit = 0.000001\n")
        .note("big.md", &tree(300));
    let report = site.build_ok();
    let warnings: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("content/big.md:1: warning: mermaid diagram shown as source: laying it out took longer than"),
        "{warnings:?}"
    );
}

#[test]
fn the_size_budget_can_be_configured() {
    let site = Fixture::new();
    site.file("studysite.toml", "[mermaid]\nmax_nodes = 2\n")
        .note("ebs.md", FLOW);
    let report = site.build_ok();
    let warnings: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        warnings,
        [
            "content/ebs.md:1: warning: mermaid diagram shown as source: it has 3 nodes, more than the 2 a diagram may have"
        ]
    );
}

#[test]
fn a_group_with_its_own_direction_runs_that_way_unless_an_edge_crosses_its_border() {
    let site = Fixture::new();
    site.note(
        "pipeline.md",
        "```mermaid
flowchart TD
    client[Client] --> pipeline
    subgraph pipeline [Pipeline]
        direction LR
        src[Source] --> build[Build] --> ship[Ship]
    end
    pipeline --> prod[Production]
    subgraph crossed [Crossed]
        direction LR
        one[One] --> two[Two]
    end
    prod --> one
```
",
    );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let page = site.page("pipeline/");
    let (src, build, ship) = (
        label_at(&page, "Source"),
        label_at(&page, "Build"),
        label_at(&page, "Ship"),
    );
    assert!(
        src.0 < build.0 && build.0 < ship.0,
        "left to right: {src:?} {build:?} {ship:?}"
    );
    assert!(
        (src.1 - ship.1).abs() < 1.0,
        "on one line: {src:?} {ship:?}"
    );
    let group = group_box(&page, "Pipeline");
    assert!(
        label_at(&page, "Client").1 < group[1],
        "Client above the group"
    );
    assert!(
        label_at(&page, "Production").1 > group[1] + group[3],
        "Production below it"
    );
    let (one, two) = (label_at(&page, "One"), label_at(&page, "Two"));
    assert!(
        one.1 < two.1,
        "an edge enters Crossed, so it runs top-down, as in mermaid.js"
    );
}
