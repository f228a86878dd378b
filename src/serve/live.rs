//! Live reload: the message the server sends browsers after each rebuild, the script that
//! receives it (reload keeping the scroll position, swap stylesheets in place, show an error
//! overlay), and the tag that adds the script to served pages.

use crate::diagnostics::Diagnostic;
use serde::Serialize;

/// Where the live-reload script is served.
pub const SCRIPT_PATH: &str = "/__studysite/live.js";
/// Where browsers listen for rebuilds (server-sent events).
pub const EVENTS_PATH: &str = "/__studysite/events";

/// What browsers are told after a rebuild (and when they connect).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Message {
    /// Counts rebuilds; browsers ignore repeats.
    pub version: u64,
    /// Reload the page.
    pub reload: bool,
    /// Stylesheets to swap in place (site paths), when only they changed.
    pub css: Vec<String>,
    /// Errors to show in the overlay (none: hide it).
    pub errors: Vec<Diagnostic>,
    /// Site paths of the output files that changed.
    pub changed: Vec<String>,
    /// How many pages were rendered.
    pub rendered: usize,
    /// How long the rebuild took, in milliseconds.
    pub ms: f64,
}

/// Adds the live-reload script to an HTML page (before `</body>`).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\"></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// The browser side.
pub const SCRIPT: &str = r#"// studysite live reload (only added by `studysite serve`).
(function () {
  "use strict";
  var key = "studysite-scroll:" + location.pathname;
  try {
    var saved = sessionStorage.getItem(key);
    if (saved !== null) {
      sessionStorage.removeItem(key);
      var restore = function () { window.scrollTo(0, parseFloat(saved)); };
      restore();
      window.addEventListener("load", restore);
    }
  } catch (e) { /* storage disabled */ }

  function overlay(errors) {
    var box = document.getElementById("studysite-errors");
    if (!errors.length) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "studysite-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "background:#2b1111;color:#ffdede;border:2px solid #ff6b6b;border-radius:10px;padding:1rem 1.25rem;" +
        "font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;box-shadow:0 8px 30px rgba(0,0,0,.4)";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = "studysite: the last change did not build (" + errors.length + (errors.length === 1 ? " error" : " errors") +
      "). Showing the last good version.";
    box.appendChild(title);
    errors.forEach(function (d) {
      var line = document.createElement("div");
      line.className = "studysite-error";
      var where = d.file + (d.line ? ":" + d.line + (d.col ? ":" + d.col : "") : "");
      line.textContent = where + ": " + d.message;
      box.appendChild(line);
    });
  }

  function swapCss(paths) {
    var links = document.querySelectorAll("link[rel=stylesheet]");
    paths.forEach(function (path) {
      Array.prototype.forEach.call(links, function (link) {
        var href = link.getAttribute("href").split("?")[0];
        if (href === path || href.endsWith("/" + path.replace(/^\//, ""))) {
          link.setAttribute("href", href + "?v=" + Date.now());
        }
      });
    });
  }

  var seen = -1;
  var source = new EventSource("__EVENTS__");
  source.onmessage = function (event) {
    var message = JSON.parse(event.data);
    var first = seen < 0;
    if (message.version === seen) { return; }
    seen = message.version;
    overlay(message.errors || []);
    if (first) { return; }
    if (message.reload) {
      try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) { /* ignore */ }
      location.reload();
    } else if (message.css && message.css.length) {
      swapCss(message.css);
    }
  };
})();
"#;

/// The script with its endpoint filled in.
pub fn script() -> String {
    SCRIPT.replace("__EVENTS__", EVENTS_PATH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_end_of_body() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>")).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__studysite/live.js\"></script></body></html>"
        );
        let bare = String::from_utf8(inject(b"<p>x</p>")).unwrap();
        assert!(bare.ends_with("</script>"));
    }
}
