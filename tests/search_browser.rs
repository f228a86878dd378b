//! Search in a real browser: headless Chromium types into the header's search box of a site
//! served over HTTP by `serve` and of a built folder opened from `file://`, and checks which
//! result comes first, that Enter opens it at its heading, the keyboard, the results page, a
//! phone-width layout, that an edit is found after the reload, and that the browser's
//! tokenizer equals the index's.

mod common;

use common::Fixture;
use common::browser::{Cdp, FileServer, browser_or_skip};
use serde_json::json;
use std::path::Path;
use std::time::Duration;
use studysite::serve::{ServeOptions, start};

const WAIT: Duration = Duration::from_secs(20);

/// A small vault in our own words: EC2 with a heading about hibernation, EBS that mentions it
/// once, a Japanese note, a tagged VPC note.
fn vault() -> Fixture {
    let site = Fixture::new();
    site.file("studysite.toml", "title = \"Search test\"\n")
        .note(
            "compute/ec2.md",
            "---\ntags: [compute]\n---\n# EC2\n\nVirtual machines by the hour.\n\n## Pricing\n\nOn-demand, reserved and spot capacity.\n\n### Spot\n\nCheap capacity that can be taken back with a two-minute warning.\n\n## Hibernation\n\nThe instance writes its memory to the root volume and stops; starting it again restores the memory.\n",
        )
        .note(
            "storage/ebs.md",
            "---\ntags: [storage]\n---\n# EBS\n\nBlock volumes for instances. Encrypted volumes are needed for hibernation.\n\n## Snapshots\n\nIncremental copies kept in S3.\n",
        )
        .note(
            "regions/tokyo.md",
            "# 東京リージョン\n\n東京には三つのアベイラビリティーゾーンがあります。\n\n## 料金\n\n料金は米国のリージョンより少し高めです。\n",
        )
        .note(
            "networking/vpc.md",
            "---\ntags: [networking]\n---\n# VPC\n\nA private network with subnets and route tables.\n",
        );
    site
}

fn type_text(browser: &mut Cdp, text: &str) {
    for c in text.chars() {
        browser.call("Input.insertText", json!({ "text": c.to_string() }));
    }
}

fn press(browser: &mut Cdp, key: &str, code: u32) {
    for kind in ["keyDown", "keyUp"] {
        browser.call(
            "Input.dispatchKeyEvent",
            json!({ "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code }),
        );
    }
}

/// Clears the box, types `query`, waits until results for it are shown; returns the first
/// result's link and text.
fn search(browser: &mut Cdp, query: &str) -> (String, String) {
    browser.eval(
        "(() => { const i = document.getElementById('search-input'); i.value = ''; i.focus(); })()",
    );
    type_text(browser, query);
    let wanted = serde_json::to_string(query).unwrap();
    browser.wait_for(
        &format!(
            "studysiteSearch.timings.length && studysiteSearch.timings[studysiteSearch.timings.length - 1].query === {wanted} && document.querySelector('#search-option-0 a')"
        ),
        WAIT,
    );
    let first = browser.eval("document.querySelector('#search-option-0 a').href");
    let text = browser.eval("document.querySelector('#search-option-0').innerText");
    (
        first.as_str().unwrap().to_string(),
        text.as_str().unwrap().to_string(),
    )
}

/// The four queries of the issue, from any page of the vault.
fn check_queries(browser: &mut Cdp, base: &str) {
    let (first, text) = search(browser, "hibernation");
    assert_eq!(
        first,
        format!("{base}compute/ec2/index.html#hibernation"),
        "{text}"
    );
    assert!(
        text.contains("EC2 › Hibernation"),
        "heading path shown: {text}"
    );
    let marked =
        browser.eval("document.querySelector('#search-option-0 .search-path mark').textContent");
    assert_eq!(marked, "Hibernation", "the matched word is marked");
    search(browser, "restores");
    let marked =
        browser.eval("document.querySelector('#search-option-0 .search-snippet mark').textContent");
    assert_eq!(marked, "restores", "and in the snippet");

    let (first, _) = search(browser, "hibernaton");
    assert_eq!(
        first,
        format!("{base}compute/ec2/index.html#hibernation"),
        "one typo"
    );

    let (first, text) = search(browser, "三つ");
    assert_eq!(first, format!("{base}regions/tokyo/index.html"), "{text}");
    let (first, text) = search(browser, "料金");
    assert_eq!(
        first,
        format!("{base}regions/tokyo/index.html#%E6%96%99%E9%87%91"),
        "{text}"
    );

    // A phrase: the words in this order, next to each other (stop words aside).
    let (first, text) = search(browser, "\"restores the memory\"");
    assert_eq!(
        first,
        format!("{base}compute/ec2/index.html#hibernation"),
        "{text}"
    );
    search(browser, "memory restores");
    browser.eval(
        "(() => { const i = document.getElementById('search-input'); i.value = ''; i.focus(); })()",
    );
    type_text(browser, "\"memory restores\"");
    let status = browser.wait_for(
        "document.querySelector('.search-status').textContent.includes('No results') && document.querySelector('.search-status').textContent",
        WAIT,
    );
    assert!(
        status.as_str().unwrap().contains("memory restores"),
        "{status}"
    );
    let (first, text) = search(browser, "in:storage/ instances");
    assert_eq!(first, format!("{base}storage/ebs/index.html"), "{text}");

    let (first, text) = search(browser, "tag:networking");
    assert_eq!(first, format!("{base}networking/vpc/index.html"), "{text}");
    assert_eq!(
        browser.eval("document.querySelectorAll('.search-option:not(.search-all)').length"),
        1,
        "only the tagged note"
    );
}

fn open_first_with_enter(browser: &mut Cdp, query: &str) -> String {
    let (first, _) = search(browser, query);
    press(browser, "Enter", 13);
    let expected = serde_json::to_string(&first).unwrap();
    browser.wait_for(&format!("location.href === {expected}"), WAIT);
    first
}

#[test]
fn served_site_finds_body_words_typos_cjk_and_tags_and_enter_opens_the_heading() {
    let Some(chromium) = browser_or_skip("served_site_finds_body_words") else {
        return;
    };
    let site = vault();
    let running = start(
        &ServeOptions {
            build: site.options(),
            port: Some(0),
            ..ServeOptions::default()
        },
        Box::new(|_| {}),
    )
    .unwrap();
    let base = running.url("");
    let mut browser = Cdp::launch(&chromium, &running.url("storage/ebs/"));
    browser.wait_for(
        "document.readyState === 'complete' && window.studysiteSearch",
        WAIT,
    );
    assert_eq!(
        browser.eval("studysiteSearch.loaded.length"),
        0,
        "nothing of the index loads with the page"
    );
    browser.eval("document.getElementById('search-input').focus()");
    browser.wait_for("studysiteSearch.loaded.includes('meta.js')", WAIT);
    check_queries(&mut browser, &base);

    let opened = open_first_with_enter(&mut browser, "hibernation");
    assert!(
        opened.ends_with("compute/ec2/index.html#hibernation"),
        "{opened}"
    );
    browser.wait_for("document.readyState === 'complete'", WAIT);
    assert_eq!(
        browser.eval("document.querySelector(':target') && document.querySelector(':target').id"),
        "hibernation",
        "the heading is the page's target"
    );

    // An edit is found after the page reloads.
    browser.wait_for("document.getElementById('search-input')", WAIT);
    std::fs::write(
        site.root().join("content/storage/ebs.md"),
        "---\ntags: [storage]\n---\n# EBS\n\nBlock volumes. Gp3 volumes have a baseline of throughput quoxels.\n",
    )
    .unwrap();
    browser.eval("window.beforeReload = 1");
    browser.wait_for("window.beforeReload === undefined && document.readyState === 'complete' && window.studysiteSearch", WAIT);
    let (first, _) = search(&mut browser, "quoxels");
    assert_eq!(first, format!("{base}storage/ebs/index.html"));
}

#[test]
fn keyboard_and_results_page_work_and_the_box_fits_a_phone() {
    let Some(chromium) = browser_or_skip("keyboard_and_results_page") else {
        return;
    };
    let site = vault();
    site.build_ok();
    let server = FileServer::start(&site.public());
    let base = format!("{}/", server.base);
    let mut browser = Cdp::launch(&chromium, &format!("{base}networking/vpc/"));
    browser.wait_for(
        "document.readyState === 'complete' && window.studysiteSearch",
        WAIT,
    );
    press(&mut browser, "/", 191);
    browser.wait_for(
        "document.activeElement && document.activeElement.id === 'search-input'",
        WAIT,
    );
    browser.eval("document.activeElement.blur()");
    browser.call(
        "Input.dispatchKeyEvent",
        json!({"type": "keyDown", "key": "k", "code": "KeyK", "modifiers": 2, "windowsVirtualKeyCode": 75}),
    );
    browser.wait_for("document.activeElement.id === 'search-input'", WAIT);

    search(&mut browser, "volume");
    let input = "document.getElementById('search-input')";
    assert_eq!(
        browser.eval(&format!("{input}.getAttribute('aria-expanded')")),
        "true"
    );
    assert_eq!(
        browser.eval(&format!("{input}.getAttribute('aria-activedescendant')")),
        "search-option-0"
    );
    press(&mut browser, "ArrowDown", 40);
    assert_eq!(
        browser.eval(&format!("{input}.getAttribute('aria-activedescendant')")),
        "search-option-1"
    );
    assert_eq!(
        browser.eval("document.getElementById('search-option-1').getAttribute('aria-selected')"),
        "true"
    );
    press(&mut browser, "ArrowUp", 38);
    press(&mut browser, "ArrowUp", 38);
    assert_eq!(
        browser.eval(&format!("{input}.getAttribute('aria-activedescendant')")),
        "search-option-all",
        "up from the first wraps to the last option, the results page"
    );
    press(&mut browser, "Escape", 27);
    assert_eq!(
        browser.eval(&format!("{input}.getAttribute('aria-expanded')")),
        "false"
    );
    assert_eq!(
        browser.eval("document.querySelector('.search-panel').hidden"),
        true
    );

    // No results: the nearest terms are offered.
    browser.eval(&format!("{input}.value = ''; {input}.focus()"));
    type_text(&mut browser, "snepshat");
    let status = browser.wait_for(
        "document.querySelector('.search-suggestion') && document.querySelector('.search-status').textContent",
        WAIT,
    );
    assert!(status.as_str().unwrap().contains("No results"), "{status}");
    assert!(status.as_str().unwrap().contains("snapshot"), "{status}");

    // The results page, shareable by its URL.
    browser.call(
        "Page.navigate",
        json!({"url": format!("{base}search/?q=encrypted%20volumes")}),
    );
    browser.wait_for("document.querySelector('.search-page-result a')", WAIT);
    let first = browser.eval("document.querySelector('.search-page-result a').href");
    assert_eq!(first, format!("{base}storage/ebs/index.html"));
    assert_eq!(
        browser.eval("document.getElementById('search-page-input').value"),
        "encrypted volumes"
    );

    // A phone: the box is on screen and the results panel fits the width.
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 375, "height": 740, "deviceScaleFactor": 2, "mobile": true}),
    );
    browser.call(
        "Page.navigate",
        json!({"url": format!("{base}networking/vpc/")}),
    );
    browser.wait_for("document.readyState === 'complete' && window.studysiteSearch && document.getElementById('search-input')", WAIT);
    let box_ = browser.eval("(() => { const r = document.getElementById('search-input').getBoundingClientRect(); return [r.left, r.right, r.width]; })()");
    let b = box_.as_array().unwrap();
    assert!(
        b[0].as_f64().unwrap() >= 0.0 && b[1].as_f64().unwrap() <= 375.0,
        "{box_}"
    );
    assert!(b[2].as_f64().unwrap() >= 80.0, "the box is usable: {box_}");
    search(&mut browser, "spot");
    let panel = browser.eval("(() => { const r = document.querySelector('.search-panel').getBoundingClientRect(); return [r.left, r.right]; })()");
    let p = panel.as_array().unwrap();
    assert!(
        p[0].as_f64().unwrap() >= 0.0 && p[1].as_f64().unwrap() <= 375.0,
        "{panel}"
    );
}

#[test]
fn a_built_folder_searches_from_file_urls() {
    let Some(chromium) = browser_or_skip("a_built_folder_searches_from_file_urls") else {
        return;
    };
    let site = vault();
    let public = site.public();
    // Page links are root-relative today, so the site is built for its own folder as the root.
    let report = studysite::build(&studysite::BuildOptions {
        base_url: Some(format!("{}/", public.display())),
        ..site.options()
    })
    .unwrap();
    assert!(report.succeeded(), "{:?}", report.diagnostics);
    let base = format!("file://{}/", public.display());
    let mut browser = Cdp::launch(&chromium, &format!("{base}index.html"));
    browser.wait_for(
        "document.readyState === 'complete' && window.studysiteSearch",
        WAIT,
    );
    assert_eq!(browser.eval("location.protocol"), "file:");
    browser.eval("document.getElementById('search-input').focus()");
    check_queries(&mut browser, &base);
    for query in ["hibernation", "三つ", "tag:networking"] {
        let (first, _) = search(&mut browser, query);
        let path = first
            .strip_prefix("file://")
            .unwrap()
            .split('#')
            .next()
            .unwrap()
            .to_string();
        let decoded = percent_decode(&path);
        assert!(
            // Links end in index.html: a folder URL would not open from file://.
            decoded.ends_with("/index.html") && Path::new(&decoded).is_file(),
            "{query}: the first result's page exists: {decoded}"
        );
    }
    let opened = open_first_with_enter(&mut browser, "hibernation");
    assert!(
        opened.starts_with("file://") && opened.ends_with("compute/ec2/index.html#hibernation"),
        "{opened}"
    );
}

#[test]
fn the_browser_tokenizes_like_the_index() {
    let Some(chromium) = browser_or_skip("the_browser_tokenizes_like_the_index") else {
        return;
    };
    let site = vault();
    site.build_ok();
    let server = FileServer::start(&site.public());
    let mut browser = Cdp::launch(&chromium, &format!("{}/", server.base));
    browser.wait_for(
        "document.readyState === 'complete' && window.studysiteSearch",
        WAIT,
    );
    browser.eval("studysiteSearch.ready().then(() => true)");
    browser.wait_for("typeof studysiteSearch.terms === 'function'", WAIT);
    let samples = [
        "Café NAÏVE Ångström résumé",
        "Straße Œuvre Søren Łódź ÞORN Ðan",
        "policies classes caches boxes VPCs status analysis sizes buzzes",
        "don't student's ’quoted’ rock'n'roll",
        "東京都 EC2インスタンス 猫 한국어 검색 ｶﾀｶﾅ・テスト",
        "が ぱ Ελληνικά Привет ёлка",
        "max_retries p99-latency 1.5 v2.0 #tag [[link]]",
        "the and of to in a an is it for",
        "İstanbul ΣΊΣΥΦΟΣ ﬁle",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx short",
    ];
    for sample in samples {
        let expected = studysite::search::tokenize::terms(sample);
        let js = serde_json::to_string(sample).unwrap();
        let got = browser.eval(&format!("JSON.stringify(studysiteSearch.terms({js}))"));
        let got: Vec<String> =
            serde_json::from_str(got.as_str().unwrap_or_else(|| panic!("{sample}: {got}")))
                .unwrap();
        assert_eq!(got, expected, "{sample}");
    }
}

fn percent_decode(s: &str) -> String {
    studysite::paths::decode_path(s)
}

/// With `pretty_urls = true` (for servers that map folders to their index.html), results link
/// to folder URLs, as the site's own links do.
#[test]
fn with_pretty_urls_results_link_to_folders() {
    let Some(chromium) = browser_or_skip("with_pretty_urls_results_link_to_folders") else {
        return;
    };
    let site = vault();
    site.file(
        "studysite.toml",
        "title = \"Search test\"\npretty_urls = true\n",
    );
    site.build_ok();
    let server = FileServer::start(&site.public());
    let base = format!("{}/", server.base);
    let mut browser = Cdp::launch(&chromium, &format!("{base}storage/ebs/"));
    browser.wait_for(
        "document.readyState === 'complete' && window.studysiteSearch",
        WAIT,
    );
    let (first, text) = search(&mut browser, "hibernation");
    assert_eq!(first, format!("{base}compute/ec2/#hibernation"), "{text}");
    let all = browser.eval("document.querySelector('#search-option-all a').href");
    assert_eq!(all, format!("{base}search/?q=hibernation"));
}
