// Draws the diagrams the build left to mermaid.js (only pages that have such diagrams load
// this and mermaid.js). With the `auto` theme they follow the page's light/dark theme and are
// redrawn when the reader switches it.
(function () {
  "use strict";
  var script = document.currentScript;
  var fixed = script && script.dataset.theme !== "auto" ? script.dataset.theme : null;
  var root = document.documentElement;
  var blocks = Array.prototype.slice.call(document.querySelectorAll("pre.mermaid"));
  if (!window.mermaid || !blocks.length) { return; }
  var sources = blocks.map(function (block) { return block.textContent; });
  var drawn = null;

  function theme() {
    if (fixed) { return fixed; }
    return root.dataset.theme === "dark" ? "dark" : "default";
  }

  function draw() {
    var next = theme();
    if (next === drawn) { return; }
    drawn = next;
    blocks.forEach(function (block, i) {
      block.removeAttribute("data-processed");
      block.textContent = sources[i];
    });
    window.mermaid.initialize({ startOnLoad: false, theme: next, securityLevel: "strict" });
    window.mermaid.run({ nodes: blocks }).then(function () {
      root.dataset.mermaid = "done";
    }, function (error) {
      root.dataset.mermaid = "failed";
      if (window.console) { window.console.error(error); }
    });
  }

  draw();
  if (window.MutationObserver && !fixed) {
    new MutationObserver(draw).observe(root, { attributes: true, attributeFilter: ["data-theme"] });
  }
})();
