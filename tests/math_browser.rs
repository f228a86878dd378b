//! Math in a real browser: the MathML lays out (a fraction stacks, formulas have a size), the
//! shipped math font loads, and formulas follow the dark theme and print in black.

mod common;

use common::Fixture;
use common::browser::{Cdp, FileServer, browser_or_skip};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn math_renders_with_its_font_in_light_dark_and_print() {
    let Some(chromium) = browser_or_skip("math_renders_with_its_font_in_light_dark_and_print")
    else {
        return;
    };
    let site = Fixture::new();
    site.note(
        "ebs.md",
        "# EBS\n\nA volume of $V$ GB gets $\\frac{3 V}{1}$ IOPS.\n\n$$\n\\sum_{i=1}^{n} \\frac{a_i}{b_i}\n$$\n",
    );
    site.build_ok();
    let server = FileServer::start(&site.public());
    let mut browser = Cdp::launch(&chromium, &format!("{}/ebs/", server.base));
    browser.wait_for(
        "document.readyState === 'complete' && !!document.querySelector('math')",
        WAIT,
    );
    let loaded = browser.eval(
        "document.fonts.ready.then(() => Array.from(document.fonts)\
           .filter(f => f.family.replace(/\"/g, '') === 'STIX Two Math')\
           .map(f => f.status).join(','))",
    );
    assert_eq!(loaded, "loaded", "the shipped math font is used and loads");
    let sizes = browser.eval(
        "Array.from(document.querySelectorAll('math')).map(m => { \
           const r = m.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).every(Boolean)",
    );
    assert_eq!(sizes, true, "every formula has a size");
    let stacked = browser.eval(
        "(() => { const f = document.querySelector('mfrac'); \
           const [num, den] = f.children; \
           return num.getBoundingClientRect().bottom <= den.getBoundingClientRect().top + 1; })()",
    );
    assert_eq!(stacked, true, "the numerator sits above the denominator");
    let block = browser.eval(
        "(() => { const m = document.querySelector('.math-display math'); \
           const p = m.closest('.note-body').getBoundingClientRect(); \
           const r = m.getBoundingClientRect(); \
           return Math.abs((r.left + r.right) / 2 - (p.left + p.right) / 2) < 40; })()",
    );
    assert_eq!(block, true, "a display formula is centred");

    browser.eval("document.querySelector('.theme-toggle').click()");
    assert_eq!(
        browser.eval("document.documentElement.dataset.theme"),
        "dark"
    );
    let same = browser.eval(
        "getComputedStyle(document.querySelector('math')).color === \
         getComputedStyle(document.querySelector('.note-body')).color",
    );
    assert_eq!(same, true, "formulas take the dark theme's text colour");

    browser.call(
        "Emulation.setEmulatedMedia",
        serde_json::json!({"media": "print"}),
    );
    let print = browser.eval("getComputedStyle(document.querySelector('math')).color");
    assert_eq!(print, "rgb(0, 0, 0)", "formulas print black");
}

#[test]
fn copying_text_with_formulas_copies_their_tex() {
    let Some(chromium) = browser_or_skip("copying_text_with_formulas_copies_their_tex") else {
        return;
    };
    let site = Fixture::new();
    site.note(
        "iops.md",
        "# IOPS\n\nA gp2 volume gets $3 \\times \\text{GB}$ IOPS.\n\nSecond paragraph:\n\n$$\n\\frac{16\\,000}{3}\n$$\n\nEnd.\n",
    );
    site.build_ok();
    let server = FileServer::start(&site.public());
    let mut browser = Cdp::launch(&chromium, &format!("{}/iops/", server.base));
    browser.wait_for(
        "document.readyState === 'complete' && !!document.querySelector('math')",
        WAIT,
    );
    let copy = |browser: &mut Cdp, select: &str| {
        browser.eval(&format!(
            "(() => {{ const r = document.createRange(); {select}; \
               const s = getSelection(); s.removeAllRanges(); s.addRange(r); \
               const dt = new DataTransfer(); \
               document.dispatchEvent(new ClipboardEvent('copy', {{clipboardData: dt, bubbles: true, cancelable: true}})); \
               return dt.getData('text/plain'); }})()"
        ))
    };
    let paragraph = copy(
        &mut browser,
        "r.selectNodeContents(document.querySelectorAll('.note-body p')[0])",
    );
    assert_eq!(paragraph, "A gp2 volume gets $3 \\times \\text{GB}$ IOPS.");
    let across = copy(
        &mut browser,
        "const ps = document.querySelectorAll('.note-body p'); \
         r.setStart(ps[1], 0); r.setEnd(ps[3], 1)",
    );
    let across = across.as_str().unwrap_or_default().to_string();
    assert!(across.contains("Second paragraph:"), "{across}");
    assert!(across.contains("$$\n\\frac{16\\,000}{3}\n$$"), "{across}");
    assert!(across.contains("End."), "{across}");
    let inside = copy(
        &mut browser,
        "r.selectNodeContents(document.querySelector('mfrac').firstElementChild)",
    );
    assert_eq!(
        inside, "$$\n\\frac{16\\,000}{3}\n$$",
        "part of a formula copies all of it"
    );
}
