//! The default theme in a real browser: the light/dark toggle (remembered across pages), the
//! table of contents following the reading position, the phone layout, and the print sheet.

mod common;

use common::Fixture;
use common::browser::{Cdp, FileServer, browser_or_skip};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// Builds the long note's site, serves it and opens the note in Chromium.
fn open_long_note(chromium: &std::path::Path) -> (Fixture, FileServer, Cdp) {
    let site = long_site();
    let server = FileServer::start(&site.public());
    let mut browser = Cdp::launch(chromium, &format!("{}/ec2/long/", server.base));
    browser.wait_for(
        "document.readyState === 'complete' && !!document.querySelector('.note-body')",
        WAIT,
    );
    (site, server, browser)
}

fn long_site() -> Fixture {
    let site = Fixture::new();
    let sections: String = (1..=12)
        .map(|i| {
            format!(
                "## Section {i}\n\n{}\n\n",
                "Words about spot capacity and placement. ".repeat(40)
            )
        })
        .collect();
    site.note("ec2/long.md", &format!("# Long note\n\n{sections}| a | b | c | d | e | f | g | h |\n|---|---|---|---|---|---|---|---|\n| {} |\n", "wide cell content ".repeat(20)))
        .note("ec2/other.md", "# Other\n\n[[long]]\n");
    site.build_ok();
    site
}

#[test]
fn the_theme_toggle_switches_and_is_remembered() {
    let Some(chromium) = browser_or_skip("the_theme_toggle_switches_and_is_remembered") else {
        return;
    };
    let (_site, server, mut browser) = open_long_note(&chromium);
    assert_eq!(
        browser.eval("document.documentElement.dataset.theme"),
        "light"
    );
    let light_bg = browser.eval("getComputedStyle(document.body).backgroundColor");
    browser.eval("document.querySelector('.theme-toggle').click()");
    assert_eq!(
        browser.eval("document.documentElement.dataset.theme"),
        "dark"
    );
    let dark_bg = browser.eval("getComputedStyle(document.body).backgroundColor");
    assert_ne!(light_bg, dark_bg, "the colours change");
    // Another page opens dark, without a flash: the choice is applied before the first paint.
    browser.call(
        "Page.navigate",
        serde_json::json!({"url": format!("{}/ec2/other/", server.base)}),
    );
    browser.wait_for(
        "location.pathname === '/ec2/other/' && document.readyState === 'complete'",
        WAIT,
    );
    assert_eq!(
        browser.eval("document.documentElement.dataset.theme"),
        "dark"
    );
    assert_eq!(
        browser.eval("getComputedStyle(document.body).backgroundColor"),
        dark_bg
    );
}

#[test]
fn the_table_of_contents_follows_scrolling() {
    let Some(chromium) = browser_or_skip("the_table_of_contents_follows_scrolling") else {
        return;
    };
    let (_site, _server, mut browser) = open_long_note(&chromium);
    browser.wait_for("document.querySelector('.toc a.is-active') && document.querySelector('.toc a.is-active').textContent === 'Section 1'", WAIT);
    browser.eval("document.getElementById('section-8').scrollIntoView(); window.dispatchEvent(new Event('scroll'))");
    browser.wait_for(
        "document.querySelector('.toc a.is-active').textContent === 'Section 8'",
        WAIT,
    );
    assert_eq!(
        browser.eval("document.querySelectorAll('.toc a.is-active').length"),
        1
    );
    assert_eq!(
        browser.eval("document.querySelector('.sidebar [aria-current=page]').textContent"),
        "Long note",
        "the current note is marked in the sidebar"
    );
}

#[test]
fn on_a_phone_nothing_overflows_and_the_sidebar_is_a_drawer() {
    let Some(chromium) = browser_or_skip("on_a_phone_nothing_overflows") else {
        return;
    };
    let site = long_site();
    let server = FileServer::start(&site.public());
    let mut browser = Cdp::launch(&chromium, "about:blank");
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({"width": 390, "height": 800, "deviceScaleFactor": 2, "mobile": true}),
    );
    browser.call(
        "Page.navigate",
        serde_json::json!({"url": format!("{}/ec2/long/", server.base)}),
    );
    browser.wait_for(
        "location.pathname === '/ec2/long/' && document.readyState === 'complete'",
        WAIT,
    );
    assert_eq!(
        browser.eval("document.documentElement.scrollWidth <= window.innerWidth"),
        true,
        "the page does not scroll sideways (wide tables scroll inside their box)"
    );
    assert_eq!(
        browser.eval("getComputedStyle(document.querySelector('.toc-rail')).display"),
        "none"
    );
    assert_eq!(
        browser.eval("document.querySelector('.sidebar').getBoundingClientRect().right <= 0"),
        true
    );
    browser.eval("document.querySelector('.menu-toggle').click()");
    browser.wait_for(
        "document.querySelector('.sidebar').getBoundingClientRect().left >= 0",
        WAIT,
    );
    assert_eq!(
        browser.eval("document.querySelector('.menu-toggle').getAttribute('aria-expanded')"),
        "true"
    );
}

#[test]
fn a_note_prints_as_a_clean_study_sheet() {
    let Some(chromium) = browser_or_skip("a_note_prints_as_a_clean_study_sheet") else {
        return;
    };
    let (_site, _server, mut browser) = open_long_note(&chromium);
    browser.eval("document.querySelector('.theme-toggle').click()");
    browser.call(
        "Emulation.setEmulatedMedia",
        serde_json::json!({"media": "print"}),
    );
    for hidden in [".topbar", ".sidebar", ".toc-rail", ".site-footer"] {
        assert_eq!(
            browser.eval(&format!(
                "getComputedStyle(document.querySelector('{hidden}')).display"
            )),
            "none",
            "{hidden} is not printed"
        );
    }
    assert_eq!(
        browser.eval("getComputedStyle(document.body).backgroundColor"),
        "rgb(255, 255, 255)",
        "printed on white even in dark mode"
    );
    assert_eq!(
        browser.eval("getComputedStyle(document.querySelector('.note-body p')).color"),
        "rgb(0, 0, 0)"
    );
}
