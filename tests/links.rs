//! Cross-linked notes: wikilinks, embeds, missing targets, backlinks, tags, topics, link maps,
//! Obsidian extras and `studysite check`.

mod common;

use common::{Fixture, seed, text};

/// The vault of the "done when": wikilinks across folders, attachments, a section
/// transclusion, a cycle, a missing note, a missing image, a raw-HTML TOC with a bad anchor.
fn obsidian_vault() -> Fixture {
    let site = Fixture::new();
    site.bytes("content/attachments/diagram.png", b"\x89PNG\r\n\x1a\n")
        .file("content/attachments/flow.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        .note(
            "compute/ec2.md",
            "# EC2\n\nSee [[Cognito]] and [[cognito#User Pools|pools]] and [[security/cognito.md]].\n\n![[diagram.png|300]]\n\n![[flow.svg|200x100]]\n\nBroken: [[Nowhere]] and ![[missing.png]].\n\n![[cognito#Identity Pools]]\n",
        )
        .note(
            "security/cognito.md",
            "# Cognito\n\n## User Pools\n\nDirectories of users. ^pools-def\n\n## Identity Pools\n\nCredentials for AWS. Back to [[ec2]] and [[#User Pools]] and [[cognito#^pools-def]].\n",
        )
        .note("loops/a.md", "# A\n\n![[b]]\n")
        .note("loops/b.md", "# B\n\n![[a]]\n")
        .note(
            "toc.md",
            "# TOC\n\n<a href=\"#first\">First</a>\n<a href=\"#nope\">Bad</a>\n\n## First\n\n[md link](compute/ec2.md#ec2) [bad anchor](compute/ec2.md#nothing) ![img](attachments/none.png)\n",
        );
    site
}

#[test]
fn check_reports_exactly_the_broken_links_with_positions() {
    let site = obsidian_vault();
    let out = site.cli(&["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings alone do not fail a check"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "content/compute/ec2.md:9:9: warning: broken wikilink: no note named `Nowhere`",
            "content/compute/ec2.md:9:25: warning: missing image or attachment `missing.png`",
            "content/loops/a.md:3:1: warning: embed cycle: B → A → B (the repeated embed is not expanded)",
            "content/loops/b.md:3:1: warning: embed cycle: A → B → A (the repeated embed is not expanded)",
            "content/toc.md:4:10: warning: missing anchor: no heading or id `#nope` on this page",
            "content/toc.md:8:31: warning: missing anchor: `compute/ec2.md` has no heading or id `#nothing`",
            "content/toc.md:8:68: warning: missing image `attachments/none.png`",
            lines.last().unwrap(),
        ]
    );
    assert!(
        lines.last().unwrap().starts_with("Checked 5 notes in "),
        "{stdout}"
    );
    assert!(
        lines.last().unwrap().ends_with("7 warnings (ok)"),
        "{stdout}"
    );
    assert!(!site.public().exists(), "check writes nothing");
}

#[test]
fn check_can_deny_warnings_and_speak_json() {
    let site = obsidian_vault();
    let out = site.cli(&["check", "--deny", "warnings"]);
    assert_eq!(out.status.code(), Some(1));
    let out = site.cli(&["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["warnings"], 7);
    assert_eq!(json["errors"], 0);
    assert_eq!(json["ok"], true);
    let first = &json["diagnostics"][0];
    assert_eq!(first["file"], "content/compute/ec2.md");
    assert_eq!(
        (first["line"].as_u64(), first["col"].as_u64()),
        (Some(9), Some(9))
    );
    assert_eq!(first["severity"], "warning");
}

#[test]
fn check_fails_on_errors() {
    let site = Fixture::new();
    site.note("a.md", "---\ntitle: [unclosed\n---\n")
        .note("b.md", "# B\n");
    let out = site.cli(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("content/a.md:2:"));
}

#[test]
fn every_resolvable_link_resolves() {
    let site = obsidian_vault();
    let report = site.build();
    assert!(report.succeeded());
    let ec2 = site.page("compute/ec2/");
    assert_eq!(
        ec2.urls(".note-body > p > a", "href"),
        [
            "/security/cognito/",
            "/security/cognito/#user-pools",
            "/security/cognito/"
        ]
    );
    assert_eq!(
        ec2.texts(".note-body > p > a"),
        ["Cognito", "pools", "security/cognito.md"]
    );
    let images = ec2.all(".note-body img");
    let attrs: Vec<(Option<&str>, Option<&str>, Option<&str>)> = images
        .iter()
        .map(|i| {
            (
                i.value().attr("src"),
                i.value().attr("width"),
                i.value().attr("height"),
            )
        })
        .collect();
    assert_eq!(
        attrs,
        [
            (Some("../../attachments/diagram.png"), Some("300"), None),
            (Some("../../attachments/flow.svg"), Some("200"), Some("100"))
        ]
    );
    let cognito = site.page("security/cognito/");
    assert_eq!(
        cognito.urls(".note-body a:not(.anchor)", "href"),
        [
            "/compute/ec2/",
            "/security/cognito/#user-pools",
            "/security/cognito/#^pools-def"
        ]
    );
    assert!(
        cognito.ids().contains(&"^pools-def".to_string()),
        "block ids are anchors"
    );
    assert!(
        !cognito
            .texts(".note-body p")
            .join(" ")
            .contains("^pools-def")
    );
}

#[test]
fn missing_targets_are_visible_placeholders() {
    let site = obsidian_vault();
    site.build();
    let ec2 = site.page("compute/ec2/");
    assert_eq!(ec2.texts(".missing-link"), ["Nowhere"]);
    assert_eq!(ec2.texts(".missing-image"), ["missing.png"]);
    assert_eq!(
        ec2.attrs(".missing-link", "title"),
        ["broken wikilink: no note named `Nowhere`"]
    );
    let toc = site.page("toc/");
    assert_eq!(toc.texts(".note-body .missing"), ["bad anchor", "img"]);
}

#[test]
fn a_section_is_transcluded_with_a_link_to_its_source_and_without_duplicate_ids() {
    let site = obsidian_vault();
    site.build();
    let ec2 = site.page("compute/ec2/");
    let embed = ec2.one(".note-body .embed");
    let page = common::Page(scraper::Html::parse_fragment(&embed.html()), ec2.1.clone());
    assert_eq!(
        page.urls(".embed-source a", "href"),
        ["/security/cognito/#identity-pools"]
    );
    assert_eq!(page.texts(".embed-body h2"), ["Identity Pools"]);
    assert_eq!(
        page.texts(".embed-body p"),
        ["Credentials for AWS. Back to ec2 and User Pools and cognito › pools-def."]
    );
    assert!(
        page.all(".embed-body [id]").is_empty(),
        "embedded headings carry no ids"
    );
    assert!(
        ec2.all("p > .embed").is_empty(),
        "the embed is not inside a paragraph"
    );
}

#[test]
fn embed_cycles_are_shown_as_notices_not_recursion() {
    let site = obsidian_vault();
    site.build();
    let a = site.page("loops/a/");
    let notices = a.texts(".embed-error");
    assert_eq!(notices.len(), 1);
    assert!(notices[0].contains("Embed cycle: A → B → A"), "{notices:?}");
    assert_eq!(
        a.all(".embed").len(),
        2,
        "B is embedded once, its embed of A is a notice"
    );
}

#[test]
fn deep_embedding_is_bounded() {
    let site = Fixture::new();
    for i in 0..12 {
        site.note(&format!("n{i}.md"), &format!("# N{i}\n\n![[n{}]]\n", i + 1));
    }
    site.note("n12.md", "# End\n");
    let report = site.build();
    assert!(report.succeeded());
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("nested more than"))
    );
    let top = site.page("n0/");
    assert!(top.all(".embed").len() <= 8, "{}", top.all(".embed").len());
}

#[test]
fn wikilinks_resolve_by_name_case_and_path_and_ambiguity_warns() {
    let site = Fixture::new();
    // From the top, a/ and c/ are as near as each other: that is ambiguous; b/deeper/ is
    // farther.
    site.note("a/Topic.md", "# Topic A\n## Details\n")
        .note("b/deeper/Topic.md", "# Topic B\n")
        .note("c/Topic.md", "# Topic C\n")
        .note(
            "links.md",
            "[[topic]] [[TOPIC.md]] [[b/deeper/Topic]] [[deeper/topic]] [[Topic#details]] [[Topic#No Such]]\n",
        );
    let report = site.build();
    let page = site.page("links/");
    assert_eq!(
        page.urls(".note-body a", "href"),
        [
            "/a/topic/",
            "/a/topic/",
            "/b/deeper/topic/",
            "/b/deeper/topic/",
            "/a/topic/#details"
        ]
    );
    assert_eq!(page.texts(".missing-link"), ["Topic#No Such"]);
    let messages: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    let ambiguous: Vec<&String> = messages
        .iter()
        .filter(|m| m.contains("ambiguous"))
        .collect();
    assert_eq!(ambiguous.len(), 3, "{messages:#?}");
    assert!(
        ambiguous[0].contains("matches a/Topic.md, c/Topic.md;"),
        "{}",
        ambiguous[0]
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("links.md:1:") && m.contains("has no heading `No Such`"))
    );
}

#[test]
fn markdown_links_and_images_are_checked() {
    let site = Fixture::new();
    site.note("ec2/pricing.md", "# Pricing\n## Spot\n")
        .note("ec2/intro.md", "[ok](pricing.md#spot)\n[bad](pricng.md)\n![pic](img/x.png)\n[outside](../../etc/passwd)\n[self](#nowhere)\n");
    let report = site.build();
    let shown: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        shown,
        [
            "content/ec2/intro.md:2:1: warning: broken link: no note or file `pricng.md`",
            "content/ec2/intro.md:3:1: warning: missing image `img/x.png`",
            "content/ec2/intro.md:4:1: warning: broken link: `../../etc/passwd` points outside the content folder",
            "content/ec2/intro.md:5:1: warning: missing anchor: no heading or id `#nowhere` on this page",
        ]
    );
}

#[test]
fn two_notes_at_one_url_get_distinct_urls_and_a_warning() {
    let site = Fixture::new();
    site.note("EC2 Notes.md", "first")
        .note("ec2-notes.md", "second");
    let report = site.build_ok();
    let d = report.diagnostics.iter().next().expect("a warning");
    assert_eq!(d.file, std::path::Path::new("content/ec2-notes.md"));
    assert!(
        d.message
            .contains("note `EC2 Notes.md` both map to the URL `/ec2-notes/`")
            && d.message.contains("published at `/ec2-notes-2/`"),
        "{d}"
    );
    assert_eq!(site.page("ec2-notes/").texts(".note-body"), ["first"]);
    assert_eq!(site.page("ec2-notes-2/").texts(".note-body"), ["second"]);
}

#[test]
fn backlinks_list_linking_notes_with_context() {
    let site = obsidian_vault();
    site.build();
    let cognito = site.page("security/cognito/");
    assert_eq!(cognito.texts(".backlinks li > a"), ["EC2"]);
    assert_eq!(
        cognito.texts(".backlinks .backlink-context"),
        ["See Cognito and pools and security/cognito.md."]
    );
    assert_eq!(cognito.texts(".backlinks .badge"), ["embeds this"]);
}

#[test]
fn tags_from_front_matter_and_text_get_pages() {
    let site = Fixture::new();
    site.note(
        "a.md",
        "---\ntags: [AWS, networking/vpc]\n---\n# A\nText with #exam-tip and `#code` and #123.\n",
    )
    .note("b.md", "# B\n#networking and #aws\n\n## Q #card\n");
    site.build_ok();
    let a = site.page("a/");
    assert_eq!(
        a.texts(".note-meta .tag"),
        ["#AWS", "#networking/vpc", "#exam-tip"]
    );
    assert_eq!(a.urls(".note-body a.tag", "href"), ["/tags/exam-tip/"]);
    let index = site.page("tags/");
    assert_eq!(
        index.texts(".entry-list a"),
        ["#AWS", "#exam-tip", "#networking", "#networking/vpc"]
    );
    assert_eq!(index.texts(".entry-list .count"), ["2", "1", "2", "1"]);
    let aws = site.page("tags/aws/");
    assert_eq!(aws.texts(".card-list .card > a"), ["A", "B"]);
    let parent = site.page("tags/networking/");
    assert_eq!(
        parent.texts(".card-list .card > a"),
        ["A", "B"],
        "nested tags roll up"
    );
    assert_eq!(parent.texts(".subtags a"), ["#networking/vpc"]);
    assert!(!site.public().join("tags/card").exists());
    assert!(!site.public().join("tags/123").exists());
}

#[test]
fn topics_gather_sections_about_one_subject_from_the_seed_notes() {
    let names = ["000_", "001_", "002_", "003_", "004_"];
    let seeds: Vec<String> = names.iter().filter_map(|n| seed(n)).collect();
    if seeds.len() < 5 {
        eprintln!("seeds not found beside the checkout; skipped");
        return;
    }
    let site = Fixture::new();
    for (i, text) in seeds.iter().enumerate() {
        site.note(&format!("seed{i}.md"), text);
    }
    site.build_ok();
    let pools = site.page("topics/user-pools/");
    let sources: Vec<String> = pools.urls(".embed-source a", "href");
    let notes: std::collections::BTreeSet<&str> = sources
        .iter()
        .map(|s| s.split('#').next().unwrap())
        .collect();
    assert!(notes.len() >= 4, "user pools gathered from {notes:?}");
    let identity = site.page("topics/identity-pools/");
    assert!(identity.all(".topic-section").len() >= 4);
    let index = site.page("topics/");
    let titles = index.texts(".card-list .card > a");
    assert!(titles.contains(&"User Pools".to_string()), "{titles:?}");
    let note = site.page("seed3/");
    let topics = note.texts(".note-topics a");
    assert!(topics.contains(&"User Pools".to_string()), "{topics:?}");
    assert!(
        !note.texts(".related li a").is_empty(),
        "related notes are listed"
    );
}

#[test]
fn front_matter_topics_and_aliases_join_topics() {
    let site = Fixture::new();
    site.note(
        "a.md",
        "---\naliases: [Spot Instances]\n---\n# Cheap capacity\n",
    )
    .note(
        "b.md",
        "# Pricing\n\n## Spot Instances\n\nSpare capacity.\n",
    )
    .note(
        "c.md",
        "---\ntopics: [spot instance]\n---\n# Interruptions\n",
    );
    site.build_ok();
    let topic = site.page("topics/spot-instances/");
    assert_eq!(topic.all(".topic-section").len(), 3);
    assert_eq!(topic.texts("h1.note-title"), ["Spot Instances"]);
}

#[test]
fn notes_show_a_local_link_map_and_the_vault_map_links_every_note() {
    let site = obsidian_vault();
    site.build();
    let ec2 = site.page("compute/ec2/");
    let map = ec2.one(".related svg.linkmap-local");
    // A group of links, each named: a picture (`role="img"`) may not hold links.
    assert_eq!(map.value().attr("role"), Some("group"));
    let svg = common::Page(scraper::Html::parse_fragment(&map.html()), ec2.1.clone());
    let mut hrefs = svg.urls("a", "href");
    hrefs.sort();
    assert_eq!(hrefs, ["/security/cognito/", "/toc/"]);
    let vault = site.page("graph/");
    let mut all = vault.urls("svg.linkmap-vault a", "href");
    all.sort();
    assert_eq!(
        all,
        [
            "/compute/ec2/",
            "/loops/a/",
            "/loops/b/",
            "/security/cognito/",
            "/toc/"
        ]
    );
    assert!(!vault.all("svg.linkmap-vault line").is_empty());
}

#[test]
fn obsidian_extras_render() {
    let site = Fixture::new();
    site.note(
        "x.md",
        "# X\n\n> [!tip] Exam tip\n> Spot can stop.\n\n> [!warning]- Folded\n> Hidden.\n\n> [!NOTE]\n> GitHub style.\n\nUse ==gp3== now. %%a private note%%\n\n%%\nhidden block\n%%\n",
    );
    site.build_ok();
    let page = site.page("x/");
    assert_eq!(page.texts(".callout-tip .callout-title"), ["Exam tip"]);
    assert_eq!(
        page.texts(".callout-tip .callout-content"),
        ["Spot can stop."]
    );
    let folded = page.one("details.callout-warning");
    assert!(folded.value().attr("open").is_none());
    assert_eq!(page.texts("details.callout-warning summary"), ["Folded"]);
    assert_eq!(
        page.texts(".callout-note .callout-content"),
        ["GitHub style."]
    );
    assert_eq!(page.texts(".note-body mark"), ["gp3"]);
    let body = page.texts(".note-body").join(" ");
    assert!(
        !body.contains("private") && !body.contains("hidden block") && !body.contains("%%"),
        "{body}"
    );
}

#[test]
fn the_bundled_content_uses_these_features_and_checks_clean() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = studysite::check(&studysite::BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    let content = std::fs::read_dir(root.join("content")).unwrap().count();
    assert!(content > 3);
    let all: String = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    for feature in ["[[", "![[", "#card", "> [!", "==", "%%", "^"] {
        assert!(all.contains(feature), "bundled content uses {feature}");
    }
}

#[test]
fn heading_text_is_used_for_section_links() {
    let site = Fixture::new();
    site.note("a.md", "# A\n\n## Spot Instances\n")
        .note("b.md", "[[a#spot instances]] [[a#Spot Instances|x]]\n");
    site.build_ok();
    let b = site.page("b/");
    assert_eq!(
        b.urls(".note-body a", "href"),
        ["/a/#spot-instances", "/a/#spot-instances"]
    );
    assert_eq!(text(&b.all(".note-body a")[0]), "a › spot instances");
}
