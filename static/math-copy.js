/* Copying text that holds formulas puts their TeX on the clipboard ($…$, $$…$$), taken from
   each formula's <annotation encoding="application/x-tex">, instead of the glyphs. Loaded only
   on pages with math. */
(function () {
  "use strict";
  function texOf(math) {
    var note = math.querySelector('annotation[encoding="application/x-tex"]');
    if (!note) return null;
    var delimiter = math.getAttribute("display") === "block" ? "$$" : "$";
    return delimiter + note.textContent + delimiter;
  }
  document.addEventListener("copy", function (event) {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || !event.clipboardData) return;
    var range = selection.getRangeAt(0);
    var start = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    var within = start && start.closest("math");
    var originals = within ? [within] : Array.prototype.filter.call(
      document.querySelectorAll("math"), function (m) { return range.intersectsNode(m); });
    if (originals.length === 0) return;
    var holder = document.createElement("div");
    holder.style.cssText = "position:fixed;left:-10000px;top:0;white-space:pre-wrap";
    holder.appendChild(within ? within.cloneNode(true) : range.cloneContents());
    var html = holder.innerHTML;
    // Each formula the selection touches has one (maybe partial) copy, in document order.
    Array.prototype.forEach.call(holder.querySelectorAll("math"), function (copy, i) {
      var tex = originals[i] && texOf(originals[i]);
      if (tex) copy.replaceWith(document.createTextNode(tex));
    });
    document.body.appendChild(holder);
    var text = holder.innerText;
    holder.remove();
    event.clipboardData.setData("text/plain", text);
    event.clipboardData.setData("text/html", html);
    event.preventDefault();
  });
})();
