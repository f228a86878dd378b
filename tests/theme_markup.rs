//! The markup the default theme gives each element, as assistive technology reads it: the
//! fixes of issue 14, each on the vault that uses every element.

mod common;

use common::vault::every_element;

#[test]
fn a_heading_never_takes_a_template_id_and_links_to_it_still_land() {
    let site = every_element();
    site.build_ok();
    let page = site.page("storage/storage-tiers/");
    assert_eq!(page.all("#content").len(), 1, "only <main> is #content");
    assert_eq!(page.one("#content").value().name(), "main");
    assert_eq!(page.texts("h2#content-1"), ["Content"]);
    // `[Content](#content)`, written against GitHub's anchor, leads to the heading.
    let toc = page.attrs(".note-body ol a", "href");
    assert_eq!(toc[0], "#content-1", "{toc:?}");
}

#[test]
fn task_checkboxes_are_named_by_their_task() {
    let site = every_element();
    site.build_ok();
    let page = site.page("storage/storage-tiers/");
    let boxes = page.all("input[type=checkbox]");
    assert_eq!(boxes.len(), 3);
    assert_eq!(
        page.texts("label.task"),
        [
            "Tag hot volumes",
            "Move logs older than a month",
            "Check the restore time"
        ]
    );
    assert_eq!(
        page.all("label.task > input[type=checkbox][disabled]")
            .len(),
        3
    );
}

#[test]
fn a_scrolling_table_takes_focus_and_is_a_named_region() {
    let site = every_element();
    site.build_ok();
    let page = site.page("storage/storage-tiers/");
    let wrap = page.one(".table-wrap");
    assert_eq!(wrap.value().attr("tabindex"), Some("0"));
    assert_eq!(wrap.value().attr("role"), Some("region"));
    assert!(
        wrap.value()
            .attr("aria-label")
            .is_some_and(|l| l.starts_with("Table: Tier, Latency, Cost per GB")),
        "{:?}",
        wrap.value().attr("aria-label")
    );
}

#[test]
fn link_maps_are_groups_of_named_links() {
    let site = every_element();
    site.build_ok();
    for path in ["storage/storage-tiers/", "graph/"] {
        let page = site.page(path);
        let map = page.one("svg.linkmap");
        assert_eq!(map.value().attr("role"), Some("group"), "{path}");
        assert!(map.value().attr("aria-label").is_some(), "{path}");
        let links = page.all("svg.linkmap a");
        assert!(!links.is_empty(), "{path}");
        let titled = page.all("svg.linkmap a > title");
        assert_eq!(titled.len(), links.len(), "{path}: every link is named");
    }
}

#[test]
fn embedded_and_gathered_headings_nest_under_their_place() {
    let site = every_element();
    site.build_ok();
    // `![[Archive#Restores]]` under `## Embedded`: the section starts at h3.
    let page = site.page("storage/storage-tiers/");
    assert_eq!(page.all("h1").len(), 1);
    assert_eq!(page.texts(".embed-body h3"), ["Restores"]);
    assert_eq!(page.texts(".embed-body h4"), ["Expedited restores"]);
    // A whole note embedded after its host's `## Storage tiers`.
    let block = site.page("storage/block-storage/");
    assert_eq!(block.all("h1").len(), 1);
    assert_eq!(block.texts(".embed-body h3"), ["Archive"]);
    // A topic page: one h1, each gathered section titled by an h2, its headings below.
    let topic = site.page("topics/storage-tiers/");
    assert_eq!(topic.all("h1").len(), 1);
    assert!(!topic.all("h2.embed-source").is_empty());
    assert!(topic.all(".embed-body h1, .embed-body h2").is_empty());
}

#[test]
fn every_page_has_the_favicon_and_images_have_words_for_alt_text() {
    let site = every_element();
    site.build_ok();
    assert!(site.public().join("favicon.svg").is_file());
    for path in ["", "storage/storage-tiers/", "tags/", "search/"] {
        let page = site.page(path);
        let icons: Vec<String> = page
            .urls("link[rel=icon]", "href")
            .iter()
            .map(|u| common::plain_name(u))
            .collect();
        assert_eq!(icons, ["/favicon.svg"], "{path}");
    }
    let page = site.page("storage/storage-tiers/");
    assert_eq!(
        page.attrs(".note-body img", "alt"),
        [
            "The three tiers side by side",
            "A drawing of the tiers",
            "Tiers"
        ]
    );
}

#[test]
fn links_in_text_are_underlined() {
    let css =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/style.css")).unwrap();
    let rule = |selector: &str| {
        css.lines()
            .find(|l| l.starts_with(selector))
            .unwrap_or_else(|| panic!("no rule {selector}"))
            .to_string()
    };
    assert!(rule("a {").contains("text-decoration: underline"));
    assert!(rule(".footnote-backref {").contains("text-decoration: underline"));
}
