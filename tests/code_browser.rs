//! Highlighted code in a real browser: every token readable (WCAG AA, 4.5:1) against the code
//! background in light and in dark mode, and the dark theme's colours really applied.

mod common;

use common::Fixture;
use common::browser::{Cdp, FileServer, browser_or_skip};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

const NOTE: &str = "# Code\n\n\
```rust\n/// Retries a request.\npub fn retry(n: u32) -> bool {\n    let limit = n * 2; // twice\n    n <= limit && !self.done\n}\n```\n\n\
```python\n@dataclass\nclass Queue:\n    depth: int = 10  # default\n    def push(self, item) -> bool:\n        return len(item) > self.depth or None\n```\n\n\
```json\n{\n  \"Effect\": \"Allow\",\n  \"Action\": [\"s3:GetObject\"],\n  \"Count\": 3,\n  \"Public\": false,\n  \"Owner\": null\n}\n```\n\n\
```bash\n#!/usr/bin/env bash\nset -euo pipefail\nfor b in $(aws s3 ls); do echo \"bucket $b\" >> /tmp/out; done\n```\n\n\
```yaml\n# stack\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Retention: 30\n```\n\n\
```js\n// debounce\nexport function debounce(fn, ms = 200) { return this.x ?? null; }\n```\n\n\
```sql\n-- top\nSELECT name, COUNT(id) FROM t WHERE total >= 100 AND day > '2024-01-01';\n```\n\n\
```diff\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n```\n";

/// The lowest contrast of any highlighted token against its code block's background, and the
/// tokens under 4.5:1, as JSON.
const MIN_CONTRAST: &str = r#"(() => {
  const rgb = (s) => s.match(/[\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const c = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  let min = 21; const bad = [];
  for (const span of document.querySelectorAll('pre.highlighted span')) {
    let bg = getComputedStyle(span).backgroundColor;
    if (rgb(bg).length === 4 && rgb(bg)[3] === 0) bg = getComputedStyle(span.closest('pre')).backgroundColor;
    const r = ratio(rgb(getComputedStyle(span).color), rgb(bg));
    min = Math.min(min, r);
    if (r < 4.5) bad.push(span.className + ' ' + span.textContent + ' ' + r.toFixed(2));
  }
  return JSON.stringify({ min, bad, spans: document.querySelectorAll('pre.highlighted span').length });
})()"#;

fn style_of(browser: &mut Cdp, selector: &str, property: &str) -> String {
    browser
        .eval(&format!(
            "getComputedStyle(document.querySelector('{selector}')).{property}"
        ))
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn check_contrast(browser: &mut Cdp, mode: &str) {
    let found: serde_json::Value =
        serde_json::from_str(browser.eval(MIN_CONTRAST).as_str().unwrap()).unwrap();
    assert!(found["spans"].as_u64().unwrap() > 50, "{found}");
    assert!(
        found["bad"].as_array().unwrap().is_empty(),
        "{mode}: tokens under 4.5:1: {}",
        found["bad"]
    );
    assert!(found["min"].as_f64().unwrap() >= 4.5);
}

#[test]
fn every_token_is_readable_and_dark_colours_apply() {
    let Some(chromium) = browser_or_skip("every_token_is_readable_and_dark_colours_apply") else {
        return;
    };
    let site = Fixture::new();
    site.note("code.md", NOTE);
    site.build_ok();
    let server = FileServer::start(&site.public());
    let mut browser = Cdp::launch(&chromium, &format!("{}/code/", server.base));
    browser.wait_for(
        "document.readyState === 'complete' && !!document.querySelector('pre.highlighted')",
        WAIT,
    );
    assert_eq!(
        browser.eval("document.documentElement.dataset.theme"),
        "light"
    );
    check_contrast(&mut browser, "light");
    let key = "pre[data-lang=json] .ky";
    let light_key = style_of(&mut browser, key, "color");
    let light_keyword_weight = style_of(&mut browser, "pre[data-lang=rust] .k", "fontWeight");
    assert_eq!(
        light_keyword_weight, "700",
        "InspiredGitHub keywords are bold"
    );

    browser.eval("document.querySelector('.theme-toggle').click()");
    assert_eq!(
        browser.eval("document.documentElement.dataset.theme"),
        "dark"
    );
    check_contrast(&mut browser, "dark");
    let dark_key = style_of(&mut browser, key, "color");
    assert_ne!(light_key, dark_key, "JSON keys take the dark colour");
    assert_eq!(
        dark_key,
        style_of(&mut browser, "pre[data-lang=json] .s", "color"),
        "base16-ocean.dark shows JSON keys as strings"
    );
    assert_eq!(
        style_of(&mut browser, "pre[data-lang=rust] .k", "fontWeight"),
        "400",
        "the light theme's bold does not leak into dark mode"
    );
}
