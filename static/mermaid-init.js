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

  // As for diagrams drawn at build time: shrink to fit the column, but not below 65% (a
  // wider diagram scrolls sideways instead, so its text stays legible).
  function legible(block) {
    if (block.parentNode && block.parentNode.classList) { block.parentNode.classList.add("is-drawn"); }
    var svg = block.querySelector("svg");
    var box = svg && svg.viewBox && svg.viewBox.baseVal;
    if (box && box.width) { svg.style.minWidth = Math.round(box.width * 0.65) + "px"; }
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
      blocks.forEach(legible);
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
