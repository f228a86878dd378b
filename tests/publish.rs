//! Publishing: the Atom feed (parsed as XML, newest first, `[feed] limit`), canonical links and
//! link-preview metadata when `base_url` has a host (and none without one), `robots.txt`, and
//! fingerprinted theme files that every page loads by their fingerprinted names.

mod common;

use common::{Fixture, Page};
use std::fs;
use std::time::{Duration, SystemTime};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const HOST: &str = "https://user.github.io/notes/";

/// Sets a file's modification time to `seconds` since 1970.
fn set_mtime(site: &Fixture, path: &str, seconds: u64) {
    let file = fs::File::options()
        .write(true)
        .open(site.root().join(path))
        .unwrap();
    file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
        .unwrap();
}

/// 2026-04-01T00:00:00Z.
const APRIL_1: u64 = 1_775_001_600;
/// 2019-01-01T00:00:00Z.
const OLD: u64 = 1_546_300_800;

fn dated_site(config: &str) -> Fixture {
    let site = Fixture::new();
    site.file("studysite.toml", config)
        .note("_index.md", "---\ntitle: Home\n---\nWelcome.\n")
        .note(
            "ec2/spot.md",
            "---\ntitle: Spot <Instances>\ndate: 2026-01-01\nupdated: 2026-05-01\ntags: [aws, ec2]\n---\n# Spot\n\nSpare capacity at a discount & two minutes' notice.\n",
        )
        .note(
            "ec2/pricing.md",
            "---\ntitle: Pricing\ndate: 2026-03-14T09:30:00+02:00\n---\n> a quote first\n\nOn-demand, *reserved* and\nsavings plans.\n\nNot this paragraph.\n",
        )
        .note("ec2/mtime.md", "# Dated by its file\n\nNo date in the front matter.\n")
        .note("ec2/old.md", "---\ndate: 2025-01-01\n---\n# Old\n\nOld news.\n");
    set_mtime(&site, "content/ec2/mtime.md", APRIL_1);
    set_mtime(&site, "content/_index.md", OLD);
    site
}

fn child<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.children()
        .find(|c| c.tag_name().name() == name && c.tag_name().namespace() == Some(ATOM))
}

fn child_text(node: roxmltree::Node<'_, '_>, name: &str) -> String {
    child(node, name)
        .and_then(|c| c.text())
        .unwrap_or_else(|| panic!("<{}> has no <{name}>", node.tag_name().name()))
        .to_string()
}

fn is_rfc3339_utc(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 20
        && b[19] == b'Z'
        && b[10] == b'T'
        && b.iter()
            .enumerate()
            .all(|(i, c)| matches!(i, 4 | 7 | 10 | 13 | 16 | 19) || c.is_ascii_digit())
}

#[test]
fn the_feed_is_atom_with_the_most_recently_changed_notes_first() {
    let site = dated_site(&format!(
        "title = \"Cloud & Co\"\nbase_url = \"{HOST}\"\nauthor = \"Ana\"\n\n[feed]\nlimit = 3\n"
    ));
    site.build_ok();
    let xml = site.read("feed.xml");
    let doc = roxmltree::Document::parse(&xml).expect("feed.xml is well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM));
    // RFC 4287 4.1.1: a feed has id, title and updated, and an author unless every entry has one.
    assert_eq!(child_text(feed, "title"), "Cloud & Co");
    assert_eq!(child_text(feed, "id"), HOST);
    assert!(is_rfc3339_utc(&child_text(feed, "updated")));
    assert_eq!(child_text(child(feed, "author").unwrap(), "name"), "Ana");
    let self_link = feed
        .children()
        .find(|c| c.tag_name().name() == "link" && c.attribute("rel") == Some("self"))
        .expect("a rel=self link");
    assert_eq!(
        self_link.attribute("href"),
        Some(&*format!("{HOST}feed.xml"))
    );

    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    let titles: Vec<String> = entries.iter().map(|e| child_text(*e, "title")).collect();
    // updated 2026-05-01, mtime 2026-04-01, date 2026-03-14; `old` (2025) and the home page
    // (mtime 2019) are past the limit.
    assert_eq!(titles, ["Spot <Instances>", "Dated by its file", "Pricing"]);
    for entry in &entries {
        let id = child_text(*entry, "id");
        assert!(id.starts_with(HOST), "{id}");
        assert!(is_rfc3339_utc(&child_text(*entry, "updated")));
        let alternate = child(*entry, "link").unwrap();
        assert_eq!(alternate.attribute("href"), Some(id.as_str()));
    }
    assert_eq!(child_text(entries[0], "updated"), "2026-05-01T00:00:00Z");
    assert_eq!(child_text(entries[0], "published"), "2026-01-01T00:00:00Z");
    assert_eq!(child_text(entries[0], "id"), format!("{HOST}ec2/spot/"));
    assert_eq!(
        child_text(entries[0], "summary"),
        "Spare capacity at a discount & two minutes' notice."
    );
    let terms: Vec<_> = entries[0]
        .children()
        .filter(|c| c.tag_name().name() == "category")
        .filter_map(|c| c.attribute("term"))
        .collect();
    assert_eq!(terms, ["aws", "ec2"]);
    assert_eq!(child_text(entries[1], "updated"), "2026-04-01T00:00:00Z");
    assert_eq!(child_text(entries[2], "updated"), "2026-03-14T07:30:00Z");
    assert_eq!(
        child_text(entries[2], "summary"),
        "On-demand, reserved and savings plans.",
        "the first paragraph of prose, not the quote"
    );
    assert_eq!(child_text(feed, "updated"), "2026-05-01T00:00:00Z");

    // Every page names the feed, relatively.
    let page = site.page("ec2/spot/");
    assert_eq!(
        page.attrs("link[rel=alternate][type='application/atom+xml']", "href"),
        ["../../feed.xml"]
    );
}

#[test]
fn pages_carry_canonical_links_and_preview_metadata_when_base_url_has_a_host() {
    let site = dated_site(&format!("title = \"Cloud\"\nbase_url = \"{HOST}\"\n"));
    site.note(
        "ec2/described.md",
        "---\ntitle: Described\ndescription: \"Chosen words, \\\"quoted\\\"\"\n---\nThe body's first paragraph.\n",
    );
    site.build_ok();
    let spot = site.page("ec2/spot/");
    let meta = |page: &Page, key: &str| {
        let mut found = page.attrs(&format!("meta[property='{key}']"), "content");
        found.extend(page.attrs(&format!("meta[name='{key}']"), "content"));
        found
    };
    assert_eq!(
        spot.attrs("link[rel=canonical]", "href"),
        [format!("{HOST}ec2/spot/")]
    );
    assert_eq!(meta(&spot, "og:url"), [format!("{HOST}ec2/spot/")]);
    assert_eq!(meta(&spot, "og:title"), ["Spot <Instances>"]);
    assert_eq!(meta(&spot, "og:site_name"), ["Cloud"]);
    assert_eq!(meta(&spot, "og:type"), ["article"]);
    assert_eq!(
        meta(&spot, "og:description"),
        ["Spare capacity at a discount & two minutes' notice."]
    );
    assert_eq!(meta(&spot, "twitter:card"), ["summary"]);
    assert_eq!(meta(&spot, "twitter:title"), ["Spot <Instances>"]);
    assert_eq!(
        meta(&spot, "twitter:description"),
        ["Spare capacity at a discount & two minutes' notice."]
    );
    let described = site.page("ec2/described/");
    assert_eq!(
        meta(&described, "og:description"),
        ["Chosen words, \"quoted\""]
    );
    let home = site.page("");
    assert_eq!(home.attrs("link[rel=canonical]", "href"), [HOST]);
    assert_eq!(meta(&home, "og:title"), ["Cloud"]);
    let not_found = site.page("404.html");
    assert!(
        not_found.attrs("link[rel=canonical]", "href").is_empty(),
        "the 404 page is no page's canonical"
    );
    assert_eq!(
        site.read("robots.txt"),
        format!("User-agent: *\nAllow: /\n\nSitemap: {HOST}sitemap.xml\n")
    );
}

#[test]
fn without_a_host_there_is_no_feed_and_no_absolute_url() {
    let site = dated_site("title = \"Local\"\n");
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    assert!(!site.public().join("feed.xml").exists());
    let page = site.page("ec2/spot/");
    assert!(page.attrs("link[rel=canonical]", "href").is_empty());
    assert!(page.attrs("meta[property='og:url']", "content").is_empty());
    assert!(
        page.attrs("link[type='application/atom+xml']", "href")
            .is_empty()
    );
    assert_eq!(
        page.attrs("meta[property='og:title']", "content"),
        ["Spot <Instances>"],
        "previews still get a title"
    );
    assert_eq!(site.read("robots.txt"), "User-agent: *\nAllow: /\n");

    // Asking for a feed without a host is a warning that says why there is none.
    site.file(
        "studysite.toml",
        "title = \"Local\"\n[feed]\nenabled = true\n",
    );
    let report = site.build_ok();
    let messages: Vec<&str> = report
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        messages.len() == 1 && messages[0].contains("base_url"),
        "{messages:?}"
    );
    assert!(!site.public().join("feed.xml").exists());

    // A site's own robots.txt wins.
    site.file("static/robots.txt", "User-agent: *\nDisallow: /drafts/\n");
    site.build_ok();
    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nDisallow: /drafts/\n"
    );
}

/// `style.css` → whether `name` is `style.<8 hex>.css`.
fn fingerprint_of<'a>(plain: &str, name: &'a str) -> Option<&'a str> {
    let (stem, ext) = plain.rsplit_once('.')?;
    let hash = name
        .strip_prefix(stem)?
        .strip_prefix('.')?
        .strip_suffix(ext)?
        .strip_suffix('.')?;
    (hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hash)
}

#[test]
fn every_page_loads_theme_files_by_fingerprinted_names_that_match_their_bytes() {
    let site = common::bundled::bundled(Some(HOST));
    let public = site.public();
    let files = common::bundled::files(&public);
    let mut pages = 0;
    for file in files.iter().filter(|f| f.ends_with(".html")) {
        let html = fs::read_to_string(public.join(file)).unwrap();
        if html.contains("http-equiv=\"refresh\"") {
            continue; // an alias's redirect page loads nothing
        }
        let page = Page(scraper::Html::parse_document(&html), file.clone());
        let mut loads = page.urls("link[rel=stylesheet]", "href");
        loads.extend(page.urls("link[rel=icon]", "href"));
        loads.extend(page.urls("script[src]", "src"));
        assert!(
            !loads.iter().any(|u| u == "/style.css"),
            "{file} loads the plain style.css: {loads:?}"
        );
        let mut theme = 0;
        for url in &loads {
            // The 404 page is served at any depth, so it names files under the site's path.
            let path = match file.as_str() {
                "404.html" => url.strip_prefix("/notes/").unwrap_or(url),
                _ => url.trim_start_matches('/'),
            };
            assert!(
                files.iter().any(|f| f == path),
                "{file} loads {url}, not in the output"
            );
            // Card data and the search index keep their names; every theme file is fingerprinted.
            if path.starts_with("cards/") || path.starts_with("search/") {
                continue;
            }
            let plain = studysite::theme::STATIC_FILES
                .iter()
                .map(|(p, _)| *p)
                .chain([studysite::theme::SYNTAX_CSS])
                .find(|p| fingerprint_of(p, path).is_some())
                .unwrap_or_else(|| panic!("{file} loads {url}, which is not fingerprinted"));
            let bytes = fs::read(public.join(path)).unwrap();
            assert_eq!(
                studysite::publish::assets::fingerprinted(plain, &bytes),
                path,
                "{path}: the name is the hash of the bytes"
            );
            theme += 1;
        }
        assert!(
            theme >= 3,
            "{file}: style, icon and app script at least: {loads:?}"
        );
        pages += 1;
    }
    assert!(pages > 100, "{pages} pages");
    // The fingerprinted copies name each other's fingerprints: math.css its font, search.js
    // the engine, so a cached copy never loads a file of another version.
    let named = |plain: &str| {
        files
            .iter()
            .find(|f| fingerprint_of(plain, f).is_some())
            .unwrap_or_else(|| panic!("no fingerprinted {plain}"))
            .clone()
    };
    let math = fs::read_to_string(public.join(named("math.css"))).unwrap();
    let font = named("fonts/STIXTwoMath-Regular.woff2");
    assert!(
        math.contains(&format!("\"{font}\"")),
        "math.css loads {font}"
    );
    let search = fs::read_to_string(public.join(named("search.js"))).unwrap();
    assert!(search.contains(&format!("\"{}\"", named("search-engine.js"))));
}
