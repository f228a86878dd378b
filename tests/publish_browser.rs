//! The bundled site as a reader gets it, in headless Chromium: opened from a folder
//! (`file://`) and served over HTTP under a project sub-path (`https://user.github.io/notes/`
//! served from loopback under `/notes/`). From the home page, links are followed three levels
//! deep (home → section through the sidebar → note → another note through a link in its
//! text); at every step the stylesheet applies, images and diagrams show, and nothing fails
//! (no console error, no failed request). Search finds a note and opens it; the flashcard
//! pages load their data. A section's print page prints to a PDF that lists all its notes.

mod common;

use common::browser::{Cdp, FileServer, browser_or_skip};
use common::bundled::bundled;
use serde_json::json;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// What must hold on every page: styles, images, diagrams, and no problem reported.
fn check_page(browser: &mut Cdp, step: &str) {
    let report = browser.eval(
        r#"(() => {
          const bad = [];
          const layout = document.querySelector('.layout');
          if (!document.querySelector('main#content')) bad.push('no main content (a folder listing?)');
          if (!layout || getComputedStyle(layout).display !== 'grid') bad.push('the stylesheet does not apply (.layout is not a grid)');
          const bar = document.querySelector('.topbar');
          if (!bar || getComputedStyle(bar).position !== 'sticky') bad.push('the top bar is not styled');
          for (const link of document.querySelectorAll('link[rel=stylesheet]')) {
            if (!link.sheet) bad.push('stylesheet not loaded: ' + link.href);
          }
          for (const img of document.querySelectorAll('img')) {
            if (!img.complete || img.naturalWidth === 0) bad.push('image not shown: ' + img.src);
          }
          for (const fig of document.querySelectorAll('figure.diagram')) {
            const svg = fig.querySelector('svg');
            if (!svg || svg.getBoundingClientRect().width === 0) bad.push('diagram not drawn');
          }
          return { bad, images: document.images.length, diagrams: document.querySelectorAll('figure.diagram svg').length };
        })()"#,
    );
    let bad = report["bad"].as_array().cloned().unwrap_or_default();
    assert!(bad.is_empty(), "{step}: {bad:?}");
    let problems = browser.problems();
    assert!(problems.is_empty(), "{step}: {problems:#?}");
}

/// Clicks the first link under `scope` whose text contains `text`, waits for the page it
/// leads to, and returns that page's URL.
fn follow(browser: &mut Cdp, scope: &str, text: &str) -> String {
    let find = format!(
        "[...document.querySelectorAll({})].find(a => a.textContent.includes({}))",
        serde_json::to_string(&format!("{scope} a[href]")).unwrap(),
        serde_json::to_string(text).unwrap()
    );
    let href = browser.eval(&format!(
        "(() => {{ const a = {find}; return a ? a.href : null; }})()"
    ));
    let href = href
        .as_str()
        .unwrap_or_else(|| panic!("no link `{text}` in `{scope}` on {}", location(browser)))
        .to_string();
    browser.eval(&format!("{find}.click()"));
    browser.wait_loaded(&href);
    href
}

fn location(browser: &mut Cdp) -> String {
    browser
        .eval("location.href")
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn kind(browser: &mut Cdp) -> String {
    browser
        .eval("document.body.className")
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// Home → section (sidebar) → note (section listing) → note (link in the text), then search
/// and the flashcard pages, from `home`.
fn walk(browser: &mut Cdp, home: &str) {
    browser.navigate(home);
    check_page(browser, "home");
    assert_eq!(kind(browser), "kind-index");

    follow(browser, "#sidebar", "Networking");
    check_page(browser, "section (from the sidebar)");
    assert_eq!(kind(browser), "kind-section");

    follow(browser, ".card-list", "Elastic Network Interfaces");
    check_page(browser, "note (from the section)");
    assert_eq!(kind(browser), "kind-note");
    let shown = browser
        .eval("[document.images.length, document.querySelectorAll('figure.diagram svg').length]");
    assert!(
        shown[0].as_u64() > Some(0) && shown[1].as_u64() > Some(0),
        "the ENI note shows an image and a diagram: {shown}"
    );

    follow(browser, ".note-body", "Gateway Load Balancer");
    check_page(browser, "another note (from the text)");
    assert_eq!(kind(browser), "kind-note");
    assert!(location(browser).contains("gateway-load-balancer"));

    // Search: type, take the first result, open it.
    browser.eval("document.getElementById('search-input').focus()");
    for c in "placement".chars() {
        browser.call("Input.insertText", json!({ "text": c.to_string() }));
    }
    let first = browser.wait_for(
        "document.querySelector('#search-option-0 a') && document.querySelector('#search-option-0 a').href",
        WAIT,
    );
    let first = first.as_str().unwrap().to_string();
    assert!(first.contains("placement-groups"), "{first}");
    browser.eval("document.querySelector('#search-option-0 a').click()");
    browser.wait_loaded(&first);
    check_page(browser, "search result");
    assert_eq!(kind(browser), "kind-note", "a search result opens its note");
    // The results page, from the link under the results.
    browser.eval("document.getElementById('search-input').focus()");
    browser.call("Input.insertText", json!({ "text": "spot" }));
    let all = browser.wait_for(
        "document.querySelector('#search-option-all a') && document.querySelector('#search-option-0 a') && document.querySelector('#search-option-all a').href",
        WAIT,
    );
    browser.navigate(all.as_str().unwrap());
    browser.wait_for(
        "document.querySelectorAll('.search-page-results li').length > 0",
        WAIT,
    );
    check_page(browser, "search results page");

    // Flashcards: the deck tree counts the cards, a study page shows one.
    follow(browser, ".topnav", "Cards");
    browser.wait_for(
        "document.querySelector('.deck-new') && document.querySelector('.deck-new').textContent !== '–'",
        WAIT,
    );
    check_page(browser, "flashcard decks");
    follow(browser, ".cards-index .lead", "study everything");
    browser.wait_for(
        "document.querySelector('.study-front') && document.querySelector('.study-front').textContent.length > 0",
        WAIT,
    );
    check_page(browser, "flashcard study page");
}

#[test]
fn the_bundled_site_works_from_a_folder_three_links_deep() {
    let Some(chromium) = browser_or_skip("the_bundled_site_works_from_a_folder_three_links_deep")
    else {
        return;
    };
    let site = bundled(None);
    let mut browser = Cdp::launch_watched(&chromium);
    let home = format!("file://{}/index.html", site.public().display());
    walk(&mut browser, &home);
}

#[test]
fn the_bundled_site_works_under_a_project_sub_path() {
    let Some(chromium) = browser_or_skip("the_bundled_site_works_under_a_project_sub_path") else {
        return;
    };
    let site = bundled(Some("https://user.github.io/notes/"));
    let server = FileServer::start_under(&site.public(), "/notes/");
    let mut browser = Cdp::launch_watched(&chromium);
    walk(&mut browser, &format!("{}/notes/", server.base));
    // A URL that is not a page gets the 404 page, styled, with links that lead into the site.
    browser.call(
        "Page.navigate",
        json!({ "url": format!("{}/notes/no/such/page/", server.base) }),
    );
    browser.wait_for(
        "document.readyState === 'complete' && location.pathname === '/notes/no/such/page/' && document.body.className === 'kind-404'",
        WAIT,
    );
    let problems = browser.problems();
    assert!(
        problems.iter().all(|p| p.contains("/notes/no/such/page/")),
        "only the missing page itself is a 404: {problems:#?}"
    );
    let layout = browser.eval("getComputedStyle(document.querySelector('.layout')).display");
    assert_eq!(layout, "grid", "the 404 page is styled");
    follow(&mut browser, ".topbar", "AWS SAA Study Notes");
    check_page(&mut browser, "home, from the 404 page");
    assert_eq!(kind(&mut browser), "kind-index");
}

/// The storage sheet (EBS notes with formulas and a diagram) from a folder, as a printer gets
/// it: print media hide the site's chrome and the sheet's buttons, formulas, diagrams and
/// images show, no other page was fetched, and Chromium prints it to a PDF of several pages.
#[test]
fn a_section_sheet_prints_from_a_folder_with_diagrams_and_math() {
    let Some(chromium) =
        browser_or_skip("a_section_sheet_prints_from_a_folder_with_diagrams_and_math")
    else {
        return;
    };
    let site = bundled(None);
    let mut browser = Cdp::launch_watched(&chromium);
    let section = format!("file://{}/storage/index.html", site.public().display());
    browser.navigate(&section);
    follow(&mut browser, ".print-link", "to print");
    assert!(location(&mut browser).ends_with("/storage/print.html"));
    check_page(&mut browser, "print sheet");
    browser.call("Emulation.setEmulatedMedia", json!({ "media": "print" }));
    let report = browser.eval(
        r#"(() => {
          const shown = (sel) => [...document.querySelectorAll(sel)].filter(e => e.getBoundingClientRect().width > 0).length;
          const hidden = (sel) => { const e = document.querySelector(sel); return !e || getComputedStyle(e).display === 'none'; };
          const fetched = performance.getEntriesByType('resource').map(r => r.name).filter(n => /\.html($|[?#])/.test(n));
          return {
            parts: document.querySelectorAll('.print-part').length,
            math: shown('.print-part math'),
            diagrams: shown('.print-part figure.diagram svg'),
            images: [...document.querySelectorAll('.print-part img')].filter(i => i.complete && i.naturalWidth > 0).length,
            chrome_hidden: hidden('.sidebar') && hidden('.topbar') && hidden('.print-actions') && hidden('.site-footer'),
            fetched,
          };
        })()"#,
    );
    assert!(report["parts"].as_u64() >= Some(3), "{report}");
    assert!(
        report["math"].as_u64() >= Some(5),
        "formulas show: {report}"
    );
    assert!(
        report["diagrams"].as_u64() >= Some(1),
        "diagrams show: {report}"
    );
    assert!(
        report["images"].as_u64() >= Some(1),
        "images show: {report}"
    );
    assert_eq!(report["chrome_hidden"], true, "{report}");
    assert_eq!(report["fetched"], json!([]), "one request: {report}");
    let pdf = browser.call("Page.printToPDF", json!({}));
    let data = pdf["data"].as_str().expect("a PDF");
    // base64 of "%PDF"
    assert!(
        data.starts_with("JVBERi"),
        "{}",
        &data[..16.min(data.len())]
    );
    assert!(
        data.len() > 20_000,
        "a sheet of several pages: {} bytes",
        data.len()
    );
    let problems = browser.problems();
    assert!(problems.is_empty(), "{problems:#?}");
}
