//! The core build: a folder of notes becomes a browsable site. Each test builds a small
//! fixture site in a temporary folder and asserts on the parsed HTML.

mod common;

use common::{Fixture, seed, text};
use std::fs;

#[test]
fn a_bare_folder_of_notes_builds_with_defaults() {
    let site = Fixture::new();
    site.file("intro.md", "# Introduction\n\nHello.\n")
        .file("ec2/pricing.md", "# Pricing\n\nSpot is cheap.\n");
    let report = site.build_ok();
    assert_eq!(report.notes, 2);
    let page = site.page("ec2/pricing/");
    assert_eq!(page.texts("main h1"), ["Pricing"]);
    assert_eq!(page.texts("title"), ["Pricing · Study notes"]);
    assert!(site.public().join("intro/index.html").is_file());
    assert!(
        site.public().join("ec2/index.html").is_file(),
        "folders become section pages"
    );
}

#[test]
fn pages_get_pretty_urls_sitemap_and_404() {
    let site = Fixture::new();
    site.file(
        "studysite.toml",
        "title = \"T\"\nbase_url = \"https://notes.example.io/\"\n",
    )
    .note("_index.md", "---\ntitle: Home\n---\nWelcome.\n")
    .note(
        "EC2 Basics/Spot Instances.md",
        "---\ndate: 2026-03-14\n---\n# Spot\n",
    );
    site.build_ok();
    assert!(
        site.public()
            .join("ec2-basics/spot-instances/index.html")
            .is_file()
    );
    let sitemap = site.read("sitemap.xml");
    let doc = roxml(&sitemap);
    assert!(
        doc.contains(&"https://notes.example.io/ec2-basics/spot-instances/".to_string()),
        "{sitemap}"
    );
    assert!(
        doc.contains(&"https://notes.example.io/".to_string()),
        "{sitemap}"
    );
    assert!(sitemap.contains("<lastmod>2026-03-14</lastmod>"));
    let not_found = site.page("404.html");
    assert_eq!(not_found.texts("main h1"), ["Page not found"]);
}

#[test]
fn without_a_host_there_is_no_sitemap_and_an_explicit_base_url_warns() {
    let site = Fixture::new();
    site.note("a.md", "# A\n");
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    assert!(!site.public().join("sitemap.xml").exists());
    site.file("studysite.toml", "title = \"T\"\nbase_url = \"/notes/\"\n");
    let report = site.build_ok();
    let warnings: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("studysite.toml:2:1: warning: `base_url = \"/notes/\"` has no host, so sitemap.xml is left out"),
        "{warnings:?}"
    );
    assert!(!site.public().join("sitemap.xml").exists());
}

/// The `<loc>` values of a sitemap.
fn roxml(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .map(str::to_string)
        .collect()
}

#[test]
fn yaml_and_toml_front_matter_fill_page_metadata_and_are_not_shown() {
    let site = Fixture::new();
    site.note(
        "a.md",
        "---\ntitle: From YAML\ndescription: About A\ntags: [aws, ec2]\ncards-deck: AWS::EC2\n---\nBody A\n",
    )
    .note("b.md", "+++\ntitle = \"From TOML\"\ndate = 2026-01-02\n+++\nBody B\n");
    site.build_ok();
    let a = site.page("a/");
    assert_eq!(a.texts("h1.note-title"), ["From YAML"]);
    assert_eq!(a.attrs("meta[name=description]", "content"), ["About A"]);
    assert_eq!(a.texts(".note-meta .tag"), ["#aws", "#ec2"]);
    let body = a.texts(".note-body").join(" ");
    assert_eq!(body, "Body A");
    let b = site.page("b/");
    assert_eq!(b.texts("h1.note-title"), ["From TOML"]);
    assert_eq!(b.texts(".note-body"), ["Body B"]);
    assert!(b.texts(".note-meta").join(" ").contains("2026-01-02"));
}

#[test]
fn title_falls_back_to_first_h1_then_file_name() {
    let site = Fixture::new();
    site.note("with-h1.md", "Intro text\n\n# The Heading\n")
        .note("plain-name.md", "No heading at all.\n");
    site.build_ok();
    assert_eq!(
        site.page("with-h1/").texts("title"),
        ["The Heading · Study notes"]
    );
    let plain = site.page("plain-name/");
    assert_eq!(plain.texts("h1.note-title"), ["plain-name"]);
}

#[test]
fn a_note_that_opens_with_its_h1_does_not_repeat_the_title() {
    let site = Fixture::new();
    site.note("n.md", "# Cognito\n\nText\n");
    site.build_ok();
    let page = site.page("n/");
    let title = page.one("h1");
    assert_eq!(text(&title), "Cognito");
    assert_eq!(
        title.value().attr("id"),
        Some("cognito"),
        "links to #cognito still land"
    );
    assert!(page.all(".note-body h1").is_empty());
}

#[test]
fn broken_front_matter_stops_the_build_with_file_line_and_keeps_the_previous_site() {
    let site = Fixture::new();
    site.note("good.md", "# Good\n")
        .note("later.md", "---\ntitle: Later\n---\nx\n");
    site.build_ok();
    let before = site.read("good/index.html");
    site.note("later.md", "---\ntitle: Later\ntags: [a, b\n---\nx\n");
    site.note("good.md", "# Good, edited\n");
    let out = site.cli(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/later.md:3") && stderr.contains("error"),
        "{stderr}"
    );
    assert_eq!(
        site.read("good/index.html"),
        before,
        "previous site untouched"
    );
    let leftovers: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn unclosed_front_matter_is_an_error() {
    let site = Fixture::new();
    site.note("n.md", "---\ntitle: x\n\n# Body\n");
    let report = site.build();
    assert!(!report.succeeded());
    let d = report.diagnostics.iter().next().unwrap();
    assert_eq!(
        d.to_string(),
        "content/n.md:1:1: error: front matter opened with `---` on line 1 is never closed"
    );
}

#[test]
fn invalid_utf8_is_reported_for_that_file() {
    let site = Fixture::new();
    site.note("ok.md", "fine\n")
        .bytes("content/bad.md", b"line one\nab\xff\xfe\n");
    let report = site.build();
    assert!(!report.succeeded());
    let shown: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].starts_with("content/bad.md:2:3: error: note is not valid UTF-8"),
        "{shown:?}"
    );
}

#[test]
fn invalid_config_reports_line_and_column_and_unknown_keys_warn() {
    let site = Fixture::new();
    site.file("studysite.toml", "title = \"x\"\nbase_url = \n")
        .note("a.md", "x");
    let out = site.cli(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("studysite.toml:2:"), "{stderr}");

    site.file("studysite.toml", "title = \"x\"\nthemee = \"dark\"\n");
    let out = site.cli(&["build"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("studysite.toml:2:1: warning: unknown configuration key `themee`"),
        "{stderr}"
    );
}

#[test]
fn hand_written_toc_of_the_seed_note_resolves_to_its_headings() {
    let Some(text) = seed("000_") else {
        eprintln!("seeds not found beside the checkout; skipped");
        return;
    };
    let site = Fixture::new();
    site.note("study-guide.md", &text);
    site.build_ok();
    let page = site.page("study-guide/");
    let ids = page.ids();
    let fragments: Vec<String> = page
        .attrs(".note-body a[href^='#']", "href")
        .into_iter()
        .filter(|h| !h.starts_with("#fn") && h.len() > 1)
        .collect();
    assert!(fragments.len() >= 9, "{fragments:?}");
    for f in &fragments {
        assert!(
            ids.contains(&f[1..].to_string()),
            "{f} has no target; ids: {ids:?}"
        );
    }
    for wanted in [
        "elastic-compute-cloud-ec2",
        "amazon-cognito",
        "application-load-balancing",
        "gateway-load-balancing",
    ] {
        assert!(ids.iter().any(|i| i == wanted), "{wanted}");
    }
    // The table nested in a list item is a real table.
    let tables = page.all(".note-body li table");
    assert_eq!(tables.len(), 1);
}

#[test]
fn every_seed_builds_without_front_matter_or_card_markers_in_the_text() {
    let seeds: Vec<(String, String)> = ["000_", "001_", "002_", "003_", "004_"]
        .iter()
        .filter_map(|s| seed(s).map(|t| (s.to_string(), t)))
        .collect();
    if seeds.is_empty() {
        eprintln!("seeds not found beside the checkout; skipped");
        return;
    }
    let site = Fixture::new();
    for (name, text) in &seeds {
        site.note(&format!("seed-{}.md", &name[..3]), text);
    }
    site.build_ok();
    for (name, _) in &seeds {
        let page = site.page(&format!("seed-{}/", &name[..3]));
        let body = page.texts(".note-body").join("\n");
        assert!(!body.contains("#card"), "{name}: {body}");
        assert!(!body.contains("cards-deck"), "{name}");
        assert!(!body.starts_with("---"), "{name}");
    }
    let cards = site.page("seed-003/");
    assert!(
        cards
            .texts(".note-body h2")
            .iter()
            .any(|h| h == "What is Amazon Cognito?")
    );
    assert!(cards.ids().contains(&"what-is-amazon-cognito".to_string()));
}

#[test]
fn repeated_headings_get_numbered_anchors_with_self_links() {
    let site = Fixture::new();
    site.note("n.md", "## Tips\n\n## Tips\n\nSetext\n---\n");
    site.build_ok();
    let page = site.page("n/");
    assert_eq!(
        page.attrs(".note-body h2", "id"),
        ["tips", "tips-1", "setext"]
    );
    assert_eq!(
        page.attrs(".note-body h2 a.anchor", "href"),
        ["#tips", "#tips-1", "#setext"]
    );
}

#[test]
fn relative_links_to_notes_become_relative_page_links_that_work_under_any_base_path() {
    let site = Fixture::new();
    site.file(
        "studysite.toml",
        "base_url = \"https://user.example.io/aws-notes\"\n",
    )
    .note("ec2/pricing.md", "# Pricing\n\n## Spot Instances\n")
    .note(
        "ec2/intro.md",
        "[p](pricing.md#spot-instances) [up](../ebs/volumes.md) [ext](https://aws.amazon.com)\n",
    )
    .note("ebs/volumes.md", "# Volumes\n![chart](img/chart.svg)\n")
    .file(
        "content/ebs/img/chart.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.build_ok();
    let intro = site.page("ec2/intro/");
    assert_eq!(
        intro.attrs(".note-body a", "href"),
        [
            "../../ec2/pricing/index.html#spot-instances",
            "../../ebs/volumes/index.html",
            "https://aws.amazon.com"
        ]
    );
    // The theme's stylesheet, by its fingerprinted name (tests/publish.rs has the details).
    let style = &intro.attrs("link[rel=stylesheet]", "href")[0];
    assert!(
        style.starts_with("../../style.") && style.ends_with(".css"),
        "{style}"
    );
    let volumes = site.page("ebs/volumes/");
    assert_eq!(
        volumes.urls(".note-body img", "src"),
        ["/ebs/img/chart.svg"]
    );
    assert!(
        volumes.all("link[rel=canonical]").is_empty()
            || volumes.attrs("link[rel=canonical]", "href")[0]
                == "https://user.example.io/aws-notes/ebs/volumes/"
    );
    assert!(
        site.public().join("ebs/img/chart.svg").is_file(),
        "attachments are copied"
    );
}

#[test]
fn code_is_highlighted_at_build_time_and_unknown_languages_are_escaped() {
    let site = Fixture::new();
    site.note("code.md", "```bash\naws ec2 describe-instances\n```\n\n```klingon\n<tag>\n```\n\n```mermaid\ngraph TD\nA-->B\n```\n")
        .note("prose.md", "Only words.\n");
    site.build_ok();
    let page = site.page("code/");
    let bash = page.one("pre[data-lang=bash] code");
    assert!(
        !bash
            .select(&scraper::Selector::parse("span[class]").unwrap())
            .collect::<Vec<_>>()
            .is_empty()
    );
    assert_eq!(page.texts("pre[data-lang=klingon] code"), ["<tag>"]);
    assert_eq!(
        page.all("figure.diagram > svg[role=img]").len(),
        1,
        "mermaid is drawn at build time (tests/diagrams.rs has the details)"
    );
    assert!(
        page.urls("link[rel=stylesheet]", "href")
            .iter()
            .any(|u| u.starts_with("/syntax.") && u.ends_with(".css"))
    );
    let prose = site.page("prose/");
    assert!(
        !prose
            .attrs("link[rel=stylesheet]", "href")
            .contains(&"/syntax.css".to_string())
    );
    let css = site.read("syntax.css");
    assert!(css.contains(":root[data-theme=\"dark\"]{--hl-"));
}

#[test]
fn wide_tables_are_wrapped_to_scroll_and_gfm_extras_render() {
    let site = Fixture::new();
    site.note(
        "t.md",
        "| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n\n~~gone~~ [^n]\n\n- [x] done\n- [ ] todo\n\n[^n]: A footnote.\n",
    );
    site.build_ok();
    let page = site.page("t/");
    assert_eq!(page.all(".note-body div.table-wrap > table").len(), 1);
    assert_eq!(page.texts(".note-body del"), ["gone"]);
    assert_eq!(
        page.all(".note-body input[type=checkbox][checked]").len(),
        1
    );
    assert_eq!(page.texts(".note-body .footnotes li"), ["A footnote. ↩"]);
}

#[test]
fn raw_html_passes_through() {
    let site = Fixture::new();
    site.note("h.md", "Press <kbd>Ctrl</kbd>.\n\n<details><summary>More</summary>\n\nHidden text.\n\n</details>\n");
    site.build_ok();
    let page = site.page("h/");
    assert_eq!(page.texts(".note-body kbd"), ["Ctrl"]);
    assert_eq!(page.texts(".note-body details summary"), ["More"]);
}

#[test]
fn pages_have_sidebar_toc_breadcrumbs_and_prev_next() {
    let site = Fixture::new();
    site.note("ec2/_index.md", "---\ntitle: EC2\n---\n")
        .note(
            "ec2/a.md",
            "---\nweight: 1\n---\n# A\n\n## One\n\n### Two\n\n## Three\n",
        )
        .note("ec2/b.md", "---\nweight: 2\n---\n# B\n")
        .note("ebs/c.md", "# C\n");
    site.build_ok();
    let a = site.page("ec2/a/");
    assert_eq!(a.texts(".sidebar a[aria-current=page]"), ["A"]);
    assert_eq!(
        a.texts(".sidebar .nav-item a"),
        ["Home", "ebs", "EC2", "A", "B"]
    );
    assert_eq!(a.texts(".toc a"), ["One", "Two", "Three"]);
    assert_eq!(a.attrs(".toc a", "href"), ["#one", "#two", "#three"]);
    assert_eq!(a.texts(".breadcrumbs li"), ["Study notes", "EC2", "A"]);
    assert_eq!(a.urls(".pager-prev", "href"), ["/ec2/"]);
    assert_eq!(a.urls(".pager-next", "href"), ["/ec2/b/"]);
    let section = site.page("ec2/");
    assert_eq!(section.texts(".card-list .card > a"), ["A", "B"]);
}

#[test]
fn site_templates_override_built_in_ones_by_name() {
    let site = Fixture::new();
    site.note("n.md", "# N\n")
        .file("templates/page.html", "{% extends \"base.html\" %}{% block main %}<p id=\"custom\">{{ page.title }}</p>{% endblock main %}");
    site.build_ok();
    let page = site.page("n/");
    assert_eq!(page.texts("#custom"), ["N"]);
    assert_eq!(
        page.all(".sidebar").len(),
        1,
        "base.html is still the built-in one"
    );
}

#[test]
fn template_errors_name_the_template_and_line() {
    let site = Fixture::new();
    site.note("n.md", "# N\n").file(
        "templates/page.html",
        "<p>\n{{ page.title | no_such_filter }}\n</p>\n",
    );
    let report = site.build();
    assert!(!report.succeeded());
    let d = report.diagnostics.iter().next().unwrap();
    assert_eq!(d.file, std::path::PathBuf::from("templates/page.html"));
    assert_eq!(d.line, 2, "{d}");
    assert!(d.message.starts_with("template error"), "{d}");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Fixture::new();
    site.note("wip.md", "---\ndraft: true\n---\n# WIP\n")
        .note("done.md", "# Done\n");
    site.build_ok();
    assert!(!site.public().join("wip/index.html").exists());
    let out = site.cli(&["build", "--drafts"]);
    assert!(out.status.success());
    assert!(site.public().join("wip/index.html").exists());
}

#[test]
fn hidden_folders_are_skipped() {
    let site = Fixture::new();
    site.note(".obsidian/workspace.md", "x")
        .note(".trash/old.md", "x")
        .note("real.md", "# Real\n");
    let report = site.build_ok();
    assert_eq!(report.notes, 1);
    assert!(!site.public().join(".obsidian").exists());
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let site = Fixture::new();
    for i in 0..30 {
        site.note(
            &format!("s{}/n{i}.md", i % 4),
            &format!(
                "# Note {i}\n\n[[n{}]] and `code`\n\n```rust\nfn f() {{}}\n```\n",
                (i + 1) % 30
            ),
        );
    }
    site.build_ok();
    let first = snapshot(&site.public());
    site.build_ok();
    assert_eq!(first, snapshot(&site.public()));
}

fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn init_scaffolds_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site_dir = dir.path().join("notes");
    let out = assert_cmd::Command::cargo_bin("studysite")
        .unwrap()
        .args(["init", site_dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(site_dir.join("studysite.toml").is_file());
    let report = studysite::build(&studysite::BuildOptions {
        root: site_dir.clone(),
        ..Default::default()
    })
    .unwrap();
    assert!(report.succeeded(), "{:?}", report.diagnostics);
    let again = assert_cmd::Command::cargo_bin("studysite")
        .unwrap()
        .args(["init", site_dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1), "init never overwrites a site");
}

#[test]
fn usage_errors_exit_with_2_and_help_has_examples() {
    let site = Fixture::new();
    let out = site.cli(&["build", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    let help = site.cli(&["--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("Examples:"));
}

#[test]
fn output_folder_that_would_replace_the_content_is_refused() {
    let site = Fixture::new();
    site.note("a.md", "x");
    let out = site.cli(&["build", "--output", "content"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        site.root().join("content/a.md").is_file(),
        "content untouched"
    );
    let out = site.cli(&["build", "--output", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("would replace"));
}

#[test]
fn the_build_prints_a_one_line_summary_without_colour_when_piped() {
    let site = Fixture::new();
    site.note("a.md", "# A\n[[missing]]\n");
    let out = site.cli(&["build"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Six pages, the search page and the site's print sheet.
    assert!(stdout.starts_with("Built 1 note into 8 pages"), "{stdout}");
    assert!(stdout.contains("1 warning"), "{stdout}");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains('\u{1b}'),
        "no colour codes"
    );
    let quiet = site.cli(&["build", "--quiet"]);
    assert!(quiet.stdout.is_empty() && quiet.stderr.is_empty());
}

#[test]
fn heading_self_links_and_text_are_separate() {
    let site = Fixture::new();
    site.note("n.md", "## What is Cognito? #card\n\nAnswer.\n");
    site.build_ok();
    let page = site.page("n/");
    let h2 = page.one(".note-body h2");
    assert_eq!(h2.value().attr("id"), Some("what-is-cognito"));
    assert_eq!(text(&h2), "What is Cognito?");
}

#[test]
fn the_bundled_sample_site_builds_cleanly() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let report = studysite::build(&studysite::BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.path().join("site")),
        ..Default::default()
    })
    .unwrap();
    assert!(report.succeeded(), "{:#?}", report.diagnostics);
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    assert!(report.notes >= 20);
}

#[test]
fn a_static_file_that_replaces_a_built_in_one_rebuilds_cleanly() {
    let site = Fixture::new();
    site.note("a.md", "# A\n")
        .file("static/app.js", "// mine\n");
    site.build_ok();
    let again = site.build_ok();
    assert_eq!(again.changed, 0, "nothing changed the second time");
    assert_eq!(site.read("app.js"), "// mine\n");
    site.file("static/app.js", "// mine, edited\n");
    let third = site.build_ok();
    assert_eq!(third.changed, 1);
    assert_eq!(site.read("app.js"), "// mine, edited\n");
}

#[test]
fn folders_whose_names_differ_only_in_case_get_pages_of_their_own() {
    let site = Fixture::new();
    site.note("EC2/spot.md", "# Spot\n")
        .note("ec2/reserved.md", "# Reserved\n")
        .note("ec2/deep/x.md", "# X\n");
    let report = site.build_ok();
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("has the same URL `/ec2/`")),
        "{:#?}",
        report.diagnostics
    );
    assert_eq!(site.page("ec2/").texts("h1.note-title"), ["EC2"]);
    assert_eq!(site.page("ec2-2/").texts("h1.note-title"), ["ec2"]);
    assert_eq!(site.page("ec2/spot/").texts("h1.note-title"), ["Spot"]);
    assert_eq!(
        site.page("ec2-2/reserved/").texts("h1.note-title"),
        ["Reserved"]
    );
    assert_eq!(site.page("ec2-2/deep/x/").texts("h1.note-title"), ["X"]);
}
