//! Obsidian vaults' links resolve as in Obsidian (issue 10 item 8): markdown links by bare
//! name and vault path, anchors written as heading text, note embeds written as images, the
//! nearest of several notes of one name, dotted names, aliases, files by name, emails,
//! citations and bracketed prose; and rebuilds that follow notes, aliases, headings and
//! exports as they come and go.

mod common;

use common::obsidian::{messages, rebuilds, vault};

#[test]
fn markdown_links_resolve_by_bare_name_vault_path_and_heading_text() {
    let site = vault();
    site.bytes("content/img/pic.png", b"\x89PNG\r\n\x1a\n")
        .note("net/dns.md", "# DNS\n\n## Name Servers\n\nThey answer.\n\n## Terms\n\nWords.\n")
        .note(
            "tools/dig.md",
            "# Dig\n\n![a picture](pic.png) [by name](dns.md) [from the root](net/dns.md) [root slash](/net/dns.md)\n\n[servers](../net/dns.md#Name%20Servers) [terms](net/dns.md#Terms) [here](#Usage%20Notes)\n\n## Usage notes\n\nText.\n",
        );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", messages(&report));
    let page = site.page("tools/dig/");
    assert_eq!(page.urls(".note-body img", "src"), ["/img/pic.png"]);
    assert_eq!(
        page.urls(".note-body p a", "href"),
        [
            "/net/dns/",
            "/net/dns/",
            "/net/dns/",
            "/net/dns/#name-servers",
            "/net/dns/#terms",
            "#usage-notes"
        ]
    );
}

#[test]
fn a_markdown_image_of_a_note_embeds_the_note_or_its_section() {
    let site = vault();
    site.note(
        "net/dns.md",
        "# DNS\n\nNames to numbers.\n\n## Name Servers\n\nThey answer.\n",
    )
    .note(
        "tools/dig.md",
        "# Dig\n\n![see the DNS note](../net/dns.md)\n\n![servers](../net/dns.md#Name%20Servers)\n",
    );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", messages(&report));
    let page = site.page("tools/dig/");
    assert!(page.all(".missing").is_empty());
    let bodies = page.texts(".embed-body");
    assert_eq!(bodies.len(), 2);
    assert!(bodies[0].contains("Names to numbers."), "{bodies:?}");
    assert_eq!(bodies[1], "Name Servers They answer.");
}

#[test]
fn among_notes_of_one_name_the_nearest_wins_and_only_a_tie_warns() {
    let site = vault();
    site.note("00-home/hub.md", "home hub\n")
        .note("Stack/hub.md", "stack hub\n")
        .note("00-home/archive/log.md", "Back to [[hub]].\n")
        .note("Stack/deep/more/x.md", "Up to [[hub]] and [md](hub.md).\n")
        .note("Publish/Security.md", "publish security\n")
        .note("Sync/Security.md", "sync security\n")
        .note("Publish/Intro.md", "Read [[Security]].\n")
        .note("top.md", "Which [[hub]]?\n");
    let report = site.build_ok();
    let all = messages(&report);
    let ambiguous: Vec<&String> = all.iter().filter(|m| m.contains("ambiguous")).collect();
    assert_eq!(ambiguous.len(), 1, "{all:#?}");
    assert!(
        ambiguous[0].starts_with("content/top.md:1:"),
        "{}",
        ambiguous[0]
    );
    assert_eq!(
        site.page("00-home/archive/log/")
            .urls(".note-body a", "href"),
        ["/00-home/hub/"]
    );
    assert_eq!(
        site.page("stack/deep/more/x/").urls(".note-body a", "href"),
        ["/stack/hub/", "/stack/hub/"]
    );
    assert_eq!(
        site.page("publish/intro/").urls(".note-body a", "href"),
        ["/publish/security/"]
    );
}

#[test]
fn note_names_with_dots_resolve_to_notes() {
    let site = vault();
    site.note("Node.js.md", "A runtime.\n")
        .note("M.2.md", "A slot.\n")
        .note("Mulholland Dr..md", "A film.\n")
        .note(
            "uses.md",
            "Install [[Node.js]], buy an [[M.2]] drive, watch [[Mulholland Dr.]].\n",
        );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", messages(&report));
    let page = site.page("uses/");
    assert!(page.all(".missing").is_empty());
    assert_eq!(
        page.texts(".note-body a"),
        ["Node.js", "M.2", "Mulholland Dr."]
    );
    for url in page.urls(".note-body a", "href") {
        let file = format!("{}index.html", url.trim_start_matches('/'));
        assert!(site.public().join(&file).is_file(), "{url} is a page");
    }
}

#[test]
fn emails_citations_and_bracketed_prose_are_not_broken_links() {
    let site = vault();
    site.note(
        "n.md",
        "Write to <someone@example.com>. A claim[[1]](https://example.org/ref). The matrix [[1, 2], [3]] stays.\n",
    );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", messages(&report));
    let page = site.page("n/");
    assert!(page.all(".missing").is_empty());
    assert_eq!(
        page.attrs(".note-body a", "href"),
        ["mailto:someone@example.com", "https://example.org/ref"]
    );
    assert_eq!(page.texts(".note-body a")[1], "[1]");
    assert!(page.texts(".note-body p")[0].contains("The matrix [[1, 2], [3]] stays."));
}

#[test]
fn aliases_are_link_targets() {
    let site = vault();
    site.note(
        "counter.md",
        "---\naliases: [PC, Program Counter]\n---\nThe next instruction.\n",
    )
    .note("stack.md", "---\naliases: SP\n---\nThe top.\n")
    .note(
        "cpu.md",
        "The [[PC]], the [[program counter|counter]] and the [[SP]].\n",
    );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", messages(&report));
    assert_eq!(
        site.page("cpu/").urls(".note-body a", "href"),
        ["/counter/", "/counter/", "/stack/"]
    );
}

#[test]
fn links_to_canvas_and_other_files_by_name_lead_to_the_file() {
    let site = vault();
    site.file("content/boards/board.canvas", "{\"nodes\":[],\"edges\":[]}")
        .note("n.md", "Open the [[board.canvas|board]].\n");
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", messages(&report));
    assert_eq!(
        site.page("n/").urls(".note-body a", "href"),
        ["/boards/board.canvas"]
    );
}

#[test]
fn links_follow_notes_aliases_headings_and_exports_that_come_and_go() {
    let site = vault();
    site.note("Stack/hub.md", "stack hub\n")
        .note("home/archive/log.md", "Back to [[hub]], [[First]], [[Node.js]] and [dns](../../net/dns.md#Name%20Servers).\n\n![[drawing.excalidraw]]\n")
        .note("net/dns.md", "# DNS\n\n## Name Servers\n")
        .note("art/drawing.excalidraw.md", "---\nexcalidraw-plugin: parsed\n---\n# Excalidraw Data\n");
    let mut session = studysite::session::Session::open(&site.options()).unwrap();
    let log = |s: &studysite::session::Session| rebuilds::page(s, "home/archive/log/index.html");
    assert!(
        log(&session).contains("../../../stack/hub/"),
        "{}",
        log(&session)
    );
    // A note of that name nearer to the link takes it over.
    rebuilds::edit(&site, &mut session, "home/hub.md", "home hub\n");
    assert!(
        log(&session).contains("../../../home/hub/"),
        "{}",
        log(&session)
    );
    // An alias, and a note whose name has a dot, resolve once they exist.
    rebuilds::edit(
        &site,
        &mut session,
        "net/dns.md",
        "---\naliases: [First]\n---\n# DNS\n\n## Name Servers\n",
    );
    rebuilds::edit(&site, &mut session, "Node.js.md", "A runtime.\n");
    assert!(!log(&session).contains("missing"), "{}", log(&session));
    // The heading a markdown link names by its text is renamed, then back.
    rebuilds::edit(
        &site,
        &mut session,
        "net/dns.md",
        "---\naliases: [First]\n---\n# DNS\n\n## Resolvers\n",
    );
    assert!(log(&session).contains("missing"));
    rebuilds::edit(
        &site,
        &mut session,
        "net/dns.md",
        "# DNS\n\n## Name Servers\n",
    );
    // The drawing's export appears.
    rebuilds::edit(
        &site,
        &mut session,
        "art/drawing.excalidraw.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    assert!(
        log(&session).contains("drawing.excalidraw.svg"),
        "{}",
        log(&session)
    );
    rebuilds::change(&site, &mut session, "home/hub.md", None);
    assert!(
        log(&session).contains("../../../stack/hub/"),
        "{}",
        log(&session)
    );
}
