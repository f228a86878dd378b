//! Obsidian vaults read as they do in Obsidian (issue 10): block embeds and block links,
//! sections of the same note, callout titles with markup, link resolution, embeds by file type,
//! footnotes, front matter lists and Excalidraw drawings. Each fixture is a small vault with a
//! `.obsidian/` folder, written for these tests.

mod common;

use common::obsidian::{inside, messages, rebuilds, vault};
use common::{Page, text};

const GARDEN: &str = "# Garden

Tomatoes need full sun and steady water. ^sun

- Seeds go in after the last frost ^frost
  - cover them lightly
  - keep the soil damp
- Stakes come later ^stakes

Herbs by the door:

- Basil
- Thyme

^herbs

> Water early in the morning, not at noon.
^dawn

> [!warning] Slugs
> They come out after rain.

^slugs

| Plant | Days |
| --- | --- |
| Bean | 60 |

^days

## Harvest

Pick them when they are red.
";

#[test]
fn block_embeds_show_only_the_block_that_carries_the_id() {
    let site = vault();
    site.note("garden.md", GARDEN).note(
        "use.md",
        "# Use\n\n![[garden#^sun]]\n\n![[garden#^frost]]\n\n![[garden#^herbs]]\n\n![[garden#^dawn]]\n\n![[garden#^slugs]]\n\n![[garden#^days]]\n",
    );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", messages(&report));
    let page = site.page("use/");
    assert_eq!(page.all(".note-body .embed").len(), 6);
    for i in 0..6 {
        let embed = inside(&page, ".embed-body", i);
        let all = embed.texts("*").join(" ");
        assert!(
            !all.contains("Pick them"),
            "embed {i} shows the rest: {all}"
        );
        assert!(!all.contains('^'), "embed {i} shows an id: {all}");
    }
    let sun = inside(&page, ".embed-body", 0);
    assert_eq!(sun.texts("p"), ["Tomatoes need full sun and steady water."]);
    let frost = inside(&page, ".embed-body", 1);
    assert_eq!(
        frost.texts("li li"),
        ["cover them lightly", "keep the soil damp"]
    );
    assert!(frost.texts("li")[0].starts_with("Seeds go in after the last frost"));
    assert!(!frost.texts("*").join(" ").contains("Stakes"));
    let herbs = inside(&page, ".embed-body", 2);
    assert_eq!(herbs.texts("li"), ["Basil", "Thyme"]);
    assert!(herbs.all("p").is_empty(), "{:?}", herbs.texts("p"));
    let dawn = inside(&page, ".embed-body", 3);
    assert_eq!(
        dawn.texts("blockquote"),
        ["Water early in the morning, not at noon."]
    );
    let slugs = inside(&page, ".embed-body", 4);
    assert_eq!(slugs.texts(".callout-title"), ["Slugs"]);
    assert_eq!(
        slugs.texts(".callout-content"),
        ["They come out after rain."]
    );
    let days = inside(&page, ".embed-body", 5);
    assert_eq!(days.texts("td"), ["Bean", "60"]);
    assert_eq!(
        page.urls(".embed-source a", "href")[1],
        "/garden/#^frost",
        "the source link leads to the block"
    );
}

#[test]
fn block_links_land_on_lists_items_with_children_quotes_callouts_and_tables() {
    let site = vault();
    site.note("garden.md", GARDEN).note(
        "links.md",
        "See [[garden#^frost]], [[garden#^stakes]], [[garden#^herbs]], [[garden#^dawn]], [[garden#^slugs]] and [[garden#^days]].\n",
    );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", messages(&report));
    let links = site.page("links/");
    let hrefs = links.urls(".note-body a", "href");
    assert_eq!(
        hrefs,
        [
            "/garden/#^frost",
            "/garden/#^stakes",
            "/garden/#^herbs",
            "/garden/#^dawn",
            "/garden/#^slugs",
            "/garden/#^days"
        ]
    );
    let garden = site.page("garden/");
    let ids = garden.ids();
    for id in [
        "^sun", "^frost", "^stakes", "^herbs", "^dawn", "^slugs", "^days",
    ] {
        assert_eq!(
            ids.iter().filter(|i| *i == id).count(),
            1,
            "{id} in {ids:?}"
        );
    }
    let body = garden.texts(".note-body").join(" ");
    assert!(!body.contains('^'), "{body}");
    // The id of an item with children is on that item, and the item keeps its children.
    let frost = garden.one("li:has(> [id='^frost'])");
    assert!(
        text(&frost).contains("cover them lightly"),
        "{}",
        text(&frost)
    );
}

#[test]
fn a_section_of_the_same_note_is_embedded_and_only_a_real_self_embed_is_a_cycle() {
    let site = vault();
    site.note(
        "guide.md",
        "# Guide\n\n## Part A\n\nAlpha text.\n\n## Part B\n\n![[guide#Part A]]\n\n![[#Part A]]\n\n## Part C\n\n![[guide#Part C]]\n",
    );
    let report = site.build_ok();
    let cycles: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("cycle"))
        .collect();
    assert_eq!(cycles.len(), 1, "{:#?}", messages(&report));
    assert_eq!(cycles[0].line, 15, "the embed inside its own section");
    let page = site.page("guide/");
    let bodies = page.texts(".embed-body");
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    for body in &bodies {
        assert!(body.contains("Alpha text."), "{body}");
    }
    assert_eq!(page.all(".embed-error").len(), 1);
}

#[test]
fn embedding_notes_that_embed_each_other_is_still_a_cycle() {
    let site = vault();
    site.note("a.md", "# A\n\n![[b]]\n")
        .note("b.md", "# B\n\n![[a#Part]]\n\n## Part\n\n![[b]]\n");
    let report = site.build_ok();
    assert!(
        messages(&report).iter().any(|m| m.contains("embed cycle")),
        "{:#?}",
        messages(&report)
    );
    let a = site.page("a/");
    assert!(a.all(".embed").len() <= 4, "{}", a.all(".embed").len());
}

#[test]
fn callout_titles_keep_their_markup_whole() {
    let site = vault();
    site.note("other.md", "# Other\n").note(
        "c.md",
        "# C\n\n> [!tip] In _Live Preview_, `NULL` values go to [[other]] with $x^2$ here\n> The body line.\n\n> [!faq]- Why **bold** matters\n> Folded body.\n\n> [!My old notes (linked)]\n> Custom kind.\n",
    );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", messages(&report));
    let page = site.page("c/");
    let tip = inside(&page, ".callout", 0);
    assert_eq!(
        tip.texts(".callout-title")[0]
            .split(" with ")
            .next()
            .unwrap(),
        "In Live Preview, NULL values go to other"
    );
    assert_eq!(tip.texts(".callout-title em"), ["Live Preview"]);
    assert_eq!(tip.texts(".callout-title code"), ["NULL"]);
    assert_eq!(tip.urls(".callout-title a", "href"), ["/other/"]);
    assert_eq!(tip.all(".callout-title math").len(), 1);
    assert!(tip.texts(".callout-title")[0].ends_with("here"));
    assert_eq!(tip.texts(".callout-content"), ["The body line."]);
    let faq = inside(&page, ".callout", 1);
    assert_eq!(faq.texts("summary.callout-title"), ["Why bold matters"]);
    assert_eq!(faq.texts("summary strong"), ["bold"]);
    assert_eq!(faq.texts(".callout-content"), ["Folded body."]);
    let custom = inside(&page, ".callout", 2);
    assert_eq!(custom.texts(".callout-content"), ["Custom kind."]);
    assert!(
        page.texts("blockquote").is_empty(),
        "{:?}",
        page.texts("blockquote")
    );
}

#[test]
fn embeds_follow_the_file_type() {
    let site = vault();
    site.bytes("content/media/clip.ogg", b"OggS")
        .bytes("content/media/song.mp3", b"ID3")
        .bytes("content/media/film.mp4", b"\0\0\0 ftyp")
        .bytes("content/docs/doc.pdf", b"%PDF-1.4")
        .bytes("content/docs/archive.zip", b"PK")
        .bytes("content/img/pic.png", b"\x89PNG\r\n\x1a\n")
        .file("content/img/icon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        .note(
            "n.md",
            "Listen: ![[clip.ogg]]\n\n![a song](media/song.mp3)\n\n![[film.mp4]]\n\n![[doc.pdf#page=3]]\n\n![[archive.zip]]\n\n![[pic.png|250]] ![250](https://example.org/x.png) ![a pic|250x100](img/pic.png)\n\nIcon ![[icon.svg#icon]] here.\n",
        );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", messages(&report));
    let page = site.page("n/");
    assert_eq!(
        page.urls(".note-body audio[controls]", "src"),
        ["/media/clip.ogg", "/media/song.mp3"]
    );
    assert_eq!(
        page.urls(".note-body video[controls]", "src"),
        ["/media/film.mp4"]
    );
    let pdf: Vec<String> = page
        .urls(".note-body object", "data")
        .into_iter()
        .chain(page.urls(".note-body iframe", "src"))
        .collect();
    assert_eq!(pdf, ["/docs/doc.pdf#page=3"]);
    let downloads = page.urls(".note-body a[download]", "href");
    assert!(
        downloads.contains(&"/docs/doc.pdf".to_string()),
        "{downloads:?}"
    );
    assert!(
        downloads.contains(&"/docs/archive.zip".to_string()),
        "{downloads:?}"
    );
    let imgs = page.all(".note-body img");
    let attrs: Vec<String> = imgs
        .iter()
        .map(|i| {
            let v = i.value();
            let src = common::site_path(&page.1, v.attr("src").unwrap());
            let (alt, w, h) = (v.attr("alt"), v.attr("width"), v.attr("height"));
            format!("{src} alt={alt:?} width={w:?} height={h:?}")
        })
        .collect();
    assert_eq!(
        attrs,
        [
            // Without a caption, the file name as words: a screen reader would spell `pic.png`.
            "/img/pic.png alt=Some(\"Pic\") width=Some(\"250\") height=None",
            "https://example.org/x.png alt=Some(\"\") width=Some(\"250\") height=None",
            "/img/pic.png alt=Some(\"a pic\") width=Some(\"250\") height=Some(\"100\")",
            "/img/icon.svg alt=Some(\"Icon\") width=None height=None",
        ]
    );
    assert!(page.all("p > .embed, p > div, p > object").is_empty());
}

const FOOTNOTES: &str = "# N

A claim[^a] and an inline one^[said *inline*]. Again[^a], and a [^b].

[^a]: the source.

[^b]: Second, with [[other]].

## Later

More text.
";

/// Every in-page link on the page leads to an element that exists, and ids are unique.
fn assert_fragments_resolve(page: &Page) {
    let ids = page.ids();
    let mut seen = std::collections::BTreeSet::new();
    for id in &ids {
        assert!(seen.insert(id), "id `{id}` twice on {}", page.1);
    }
    for href in page.attrs("a[href^='#']", "href") {
        assert!(
            seen.contains(&href[1..].to_string()),
            "{href} leads nowhere on {}",
            page.1
        );
    }
}

#[test]
fn footnotes_are_gathered_at_the_end_with_back_links() {
    let site = vault();
    site.note("other.md", "# Other\n").note("n.md", FOOTNOTES);
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", messages(&report));
    let page = site.page("n/");
    let body = page.one(".note-body");
    let last = body
        .children()
        .filter_map(scraper::ElementRef::wrap)
        .last()
        .unwrap();
    assert!(
        last.value().classes().any(|c| c == "footnotes"),
        "{}",
        last.html()
    );
    assert_eq!(page.texts(".note-body sup a"), ["1", "2", "1", "3"]);
    let notes = page.texts(".footnotes li");
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(notes[0].starts_with("the source."), "{notes:?}");
    assert!(notes[1].starts_with("said inline"), "{notes:?}");
    assert!(notes[2].starts_with("Second, with other"), "{notes:?}");
    assert_eq!(
        page.all(".footnotes li a[href^='#']").len(),
        4,
        "one back-link per reference"
    );
    assert!(page.texts(".footnotes li")[0].contains('↩'));
    assert!(!page.texts(".note-body").join(" ").contains("^["));
    assert_fragments_resolve(&page);
}

#[test]
fn embedded_notes_footnotes_do_not_clash_with_the_pages() {
    let site = vault();
    site.note("other.md", "# Other\n")
        .note("n.md", FOOTNOTES)
        .note(
            "host.md",
            "# Host\n\nMine[^1].\n\n![[n]]\n\n![[n]]\n\n[^1]: the host's own.\n",
        );
    site.note(
        "two.md",
        "# Two\n\n## One\n\nFirst[^x].\n\n## Other\n\nSecond[^y].\n\n[^x]: ex.\n[^y]: why.\n",
    )
    .note("part.md", "# Part\n\n![[two#Other]]\n");
    site.build_ok();
    let part = site.page("part/");
    assert_eq!(part.texts(".embed .footnotes li"), ["why. ↩"]);
    assert_eq!(part.attrs(".embed .footnotes li", "value"), ["2"]);
    assert_fragments_resolve(&part);
    let page = site.page("host/");
    assert_eq!(page.all(".embed .footnotes li").len(), 6);
    assert_fragments_resolve(&page);
    let own = page.all(".note-body > .footnotes li");
    assert_eq!(own.len(), 1);
    assert!(text(&own[0]).starts_with("the host's own."));
}

#[test]
fn tags_and_aliases_take_a_list_a_comma_string_or_one_value() {
    let site = vault();
    site.note(
        "a.md",
        "---\ntags:\n  - garden\n  -\n  - soil/clay\naliases:\n  - Alpha\n  -\n---\nA.\n",
    )
    .note(
        "b.md",
        "---\ntags: garden, water\naliases: Beta, Second\n---\nB.\n",
    )
    .note("c.md", "---\ntag: garden\nalias: Gamma\n---\nC.\n")
    .note("d.md", "---\ntags: 2024\n---\nD.\n")
    .note("links.md", "[[Alpha]] [[Beta]] [[Second]] [[Gamma]]\n");
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", messages(&report));
    let garden = site.page("tags/garden/");
    let mut listed = garden.urls("li.card > a", "href");
    listed.sort();
    assert_eq!(listed, ["/a/", "/b/", "/c/"]);
    assert!(site.public().join("tags/soil/clay/index.html").is_file());
    assert!(site.public().join("tags/water/index.html").is_file());
    assert!(site.public().join("tags/2024/index.html").is_file());
    assert_eq!(
        site.page("links/").urls(".note-body a", "href"),
        ["/a/", "/b/", "/b/", "/c/"]
    );
}

#[test]
fn excalidraw_drawings_are_shown_by_their_export_not_published_as_text() {
    let site = vault();
    let drawing = "---\nexcalidraw-plugin: parsed\n---\n==⚠  Switch to EXCALIDRAW VIEW ⚠==\n\n# Excalidraw Data\n\n## Text Elements\nbox one ^abc123\n";
    site.note("art/drawing.excalidraw.md", drawing)
        .file(
            "content/art/drawing.excalidraw.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .note("art/sketch.excalidraw.md", drawing)
        // A drawing by its front matter alone, with its export beside it.
        .note("art/Flow chart.md", drawing)
        .file("content/art/Flow chart.png", "png")
        .note(
            "n.md",
            "# N\n\n![[drawing.excalidraw]]\n\n![[sketch.excalidraw]]\n\n![[Flow chart|300]]\n",
        );
    let report = site.build_ok();
    assert!(
        !site
            .public()
            .join("art/drawing.excalidraw/index.html")
            .exists(),
        "the drawing's data is not a page"
    );
    let page = site.page("n/");
    assert_eq!(
        page.urls(".note-body img", "src"),
        ["/art/drawing.excalidraw.svg", "/art/Flow%20chart.png"]
    );
    assert_eq!(page.attrs(".note-body img", "width"), ["300"]);
    assert!(report.diagnostics.is_empty(), "{:#?}", messages(&report));
    assert!(
        !page
            .texts(".note-body")
            .join(" ")
            .contains("Excalidraw Data")
    );
    assert!(!page.texts(".note-body").join(" ").contains("Switch to"));
    let links = page.urls(".note-body a:not(.anchor)", "href");
    assert_eq!(links.len(), 1, "{links:?}");
    assert!(links[0].starts_with("/art/sketch.excalidraw"), "{links:?}");
    assert!(report.notes == 1, "only n.md is a note: {}", report.notes);
}

#[test]
fn editing_an_embedded_block_rebuilds_the_page_that_embeds_it() {
    let site = vault();
    site.note("garden.md", GARDEN).note(
        "use.md",
        "# Use\n\n![[garden#^frost]]\n\n![[garden#^days]]\n",
    );
    let mut session = studysite::session::Session::open(&site.options()).unwrap();
    assert!(rebuilds::page(&session, "use/index.html").contains("cover them lightly"));
    let edited = GARDEN.replace("cover them lightly", "cover them with straw");
    rebuilds::edit(&site, &mut session, "garden.md", &edited);
    let html = rebuilds::page(&session, "use/index.html");
    assert!(html.contains("cover them with straw"), "{html}");
    let edited = edited.replace("| Bean | 60 |", "| Pea | 70 |");
    rebuilds::edit(&site, &mut session, "garden.md", &edited);
    assert!(rebuilds::page(&session, "use/index.html").contains("Pea"));
    // The id moves to another block: the embed follows it.
    let moved = edited
        .replace(" ^frost\n", "\n")
        .replace("Stakes come later ^stakes", "Stakes come later ^frost");
    rebuilds::edit(&site, &mut session, "garden.md", &moved);
    let html = rebuilds::page(&session, "use/index.html");
    assert!(
        html.contains("Stakes come later") && !html.contains("straw"),
        "{html}"
    );
}

#[test]
fn an_embed_inside_a_paragraph_splits_it_instead_of_nesting_a_block_in_it() {
    let site = vault();
    site.note("part.md", "Shown text.\n")
        .bytes("content/doc.pdf", b"%PDF-1.4")
        .note(
            "n.md",
            "Before ![[part]] after.\n\n![[part]] trailing words.\n\nSee ![[doc.pdf]]\n",
        );
    site.build_ok();
    let raw = site.read("n/index.html");
    assert!(!raw.contains("Before <div"), "a block inside <p>: {raw}");
    let page = site.page("n/");
    assert!(page.all("p div, p object").is_empty());
    assert_eq!(page.all(".note-body .embed-body").len(), 2);
    assert_eq!(
        page.texts(".note-body > p"),
        ["Before", "after.", "trailing words.", "See"]
    );
}

#[test]
fn a_note_that_becomes_a_drawing_leaves_the_notes_and_is_shown_by_its_export() {
    let site = vault();
    site.note("flow.md", "# Flow\n\nWords.\n")
        .note("n.md", "# N\n\n![[flow]]\n");
    let mut session = studysite::session::Session::open(&site.options()).unwrap();
    assert!(rebuilds::page(&session, "n/index.html").contains("Words."));
    let drawing = "---\nexcalidraw-plugin: parsed\n---\n# Excalidraw Data\n";
    rebuilds::edit(&site, &mut session, "flow.md", drawing);
    assert!(!session.files().contains_key("flow/index.html"));
    assert!(rebuilds::page(&session, "n/index.html").contains("flow.md"));
    rebuilds::edit(
        &site,
        &mut session,
        "flow.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    assert!(rebuilds::page(&session, "n/index.html").contains("<img src=\"../flow.svg\""));
    rebuilds::edit(
        &site,
        &mut session,
        "flow.md",
        "---\nexcalidraw-plugin: parsed\n---\n# Other data\n",
    );
    rebuilds::edit(&site, &mut session, "flow.md", "# Flow\n\nWords again.\n");
    assert!(rebuilds::page(&session, "n/index.html").contains("Words again."));
}
