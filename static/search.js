// studysite search: the header's search box and the results page (search/?q=…).
//
// This file only draws; search-engine.js (loaded the first time the box is used) loads the
// index and answers queries. Nothing of the index is loaded with the page.
(function () {
  "use strict";

  var script = document.currentScript;
  var base = script ? script.src : location.href;
  var root = document.documentElement.dataset.root || new URL(".", base).href;
  // Links to folders end in index.html (so they open from a folder on disk) unless the site
  // has pretty URLs (`data-index=""`).
  var indexFile = document.documentElement.dataset.index;
  if (indexFile == null) { indexFile = "index.html"; }
  function pageOf(path) { return path === "" || /\/$/.test(path) ? path + indexFile : path; }
  var api = window.studysiteSearch = window.studysiteSearch || { loaded: [], timings: [] };
  var engine = null;
  var engineLoading = null;

  // Loads search-engine.js once; resolves when it has set itself up.
  function loadEngine() {
    if (engine) { return Promise.resolve(engine); }
    if (!engineLoading) {
      engineLoading = new Promise(function (resolve) {
        var s = document.createElement("script");
        s.src = new URL("search-engine.js", base).href;
        s.onload = function () { engine = api; resolve(engine); };
        s.onerror = function () { resolve(null); };
        api.loaded.push("../search-engine.js");
        document.head.appendChild(s);
      });
    }
    return engineLoading;
  }
  api.ready = loadEngine;

  // ---------- showing results ----------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  function headingPath(doc, section) {
    var parts = [doc.t];
    var path = [];
    var level = 99;
    for (var k = section; k >= 1; k--) {
      var s = doc.s[k];
      if (s[1] < level) { path.unshift(s[2]); level = s[1]; }
    }
    return parts.concat(path.filter(function (h) { return h !== doc.t; }));
  }

  function urlOf(doc, section) {
    var anchor = doc.s[section][0];
    return root + encodeURI(pageOf(doc.u)) + (anchor ? "#" + encodeURIComponent(anchor) : "");
  }

  // Appends `text` to `into`, with the words that match the query in <mark>, cut to a window
  // around the first match.
  function snippet(into, text, marks, size) {
    var ps = engine.pieces(text);
    var hits = [];
    ps.forEach(function (p) {
      if (p.cjk) {
        // Only the matched pairs of characters, joined where they touch.
        var cs = Array.from(p.text), at = p.start, offs = [];
        cs.forEach(function (c) { offs.push(at); at += c.length; });
        offs.push(at);
        var marked = cs.map(function () { return false; });
        for (var i = 0; i + 1 < cs.length; i++) {
          if (marks.exact.has(cs[i] + cs[i + 1])) { marked[i] = marked[i + 1] = true; }
        }
        if (cs.length === 1 && marks.exact.has(p.text)) { marked[0] = true; }
        for (var k = 0; k < cs.length; k++) {
          if (!marked[k]) { continue; }
          var e = k;
          while (e + 1 < cs.length && marked[e + 1]) { e++; }
          hits.push({ start: offs[k], end: offs[e + 1] });
          k = e;
        }
        return;
      }
      var t = engine.wordTerm(p.text);
      if (t && (marks.exact.has(t.term) || marks.prefixes.some(function (x) { return t.raw.startsWith(x); }))) {
        hits.push({ start: p.start, end: p.end });
      }
    });
    var from = 0;
    if (hits.length && hits[0].start > size / 3) {
      from = text.lastIndexOf(" ", hits[0].start - size / 4) + 1;
    }
    var to = Math.min(text.length, from + size);
    if (to < text.length) { var sp = text.lastIndexOf(" ", to); if (sp > from) { to = sp; } }
    if (from > 0) { into.appendChild(document.createTextNode("… ")); }
    var at = from;
    hits.forEach(function (h) {
      if (h.start < at || h.end > to) { return; }
      into.appendChild(document.createTextNode(text.slice(at, h.start)));
      into.appendChild(el("mark", null, text.slice(h.start, h.end)));
      at = h.end;
    });
    into.appendChild(document.createTextNode(text.slice(at, to)));
    if (to < text.length) { into.appendChild(document.createTextNode(" …")); }
    return hits.length;
  }

  function resultBody(item, marks, size) {
    var frag = document.createDocumentFragment();
    var path = headingPath(item.doc, item.section);
    var title = el("span", "search-title");
    snippet(title, path[0], marks, 1000);
    frag.appendChild(title);
    if (path.length > 1) {
      var where = el("span", "search-path");
      snippet(where, path.join(" \u203a "), marks, 1000);
      frag.appendChild(where);
    }
    var s = item.doc.s[item.section];
    var snip = el("span", "search-snippet");
    var found = snippet(snip, s[3], marks, size);
    if (!found && s[4]) {
      var code = el("code", "search-code");
      if (snippet(code, s[4], marks, size)) { snip = el("span", "search-snippet"); snip.appendChild(code); }
    }
    frag.appendChild(snip);
    return frag;
  }

  function timed(query, started) {
    api.timings.push({ query: query, ms: performance.now() - started });
    if (api.timings.length > 200) { api.timings.shift(); }
  }

  // ---------- the header's search box (combobox + listbox) ----------
  function setupBox(form) {
    var input = form.querySelector("input[name=q]");
    var panel = form.querySelector(".search-panel");
    var list = form.querySelector("[role=listbox]");
    var status = form.querySelector(".search-status");
    if (!input || !panel || !list) { return; }
    var seq = 0, active = -1, options = [];
    var LIMIT = 8;

    function open(yes) {
      panel.hidden = !yes;
      input.setAttribute("aria-expanded", yes ? "true" : "false");
      form.classList.toggle("is-open", yes);
    }
    function activate(k) {
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === k ? "true" : "false"); });
      active = k;
      if (k >= 0 && options[k]) {
        input.setAttribute("aria-activedescendant", options[k].id);
        options[k].scrollIntoView({ block: "nearest" });
      } else { input.removeAttribute("aria-activedescendant"); }
    }
    function allResults(query) { return root + "search/" + indexFile + "?q=" + encodeURIComponent(query); }
    function option(href, id) {
      var li = el("li", "search-option");
      li.id = id;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var link = el("a");
      link.href = href;
      link.tabIndex = -1;
      li.appendChild(link);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); });
      return [li, link];
    }
    function show(query, items, marks, started, total, suggest) {
      list.textContent = "";
      options = [];
      items.forEach(function (item, k) {
        var o = option(urlOf(item.doc, item.section), "search-option-" + k);
        o[1].appendChild(resultBody(item, marks, 120));
        list.appendChild(o[0]);
        options.push(o[0]);
      });
      if (query.trim()) {
        var more = option(allResults(query), "search-option-all");
        more[0].classList.add("search-all");
        more[1].textContent = items.length ? "All results for \u201c" + query.trim() + "\u201d" : "Open the results page";
        list.appendChild(more[0]);
        options.push(more[0]);
      }
      status.textContent = "";
      if (!items.length && query.trim()) {
        status.appendChild(document.createTextNode("No results for \u201c" + query.trim() + "\u201d."));
        if (suggest && suggest.length) {
          status.appendChild(document.createTextNode(" Try: "));
          suggest.forEach(function (s, k) {
            var b = el("button", "search-suggestion", s);
            b.type = "button";
            b.addEventListener("mousedown", function (e) { e.preventDefault(); });
            b.addEventListener("click", function () { input.value = s; input.focus(); update(); });
            if (k) { status.appendChild(document.createTextNode(", ")); }
            status.appendChild(b);
          });
        }
      } else if (items.length) {
        status.textContent = total + (total === 1 ? " result" : " results");
      }
      activate(items.length ? 0 : -1);
      open(!!query.trim());
      if (started) { timed(query, started); }
    }
    // While keys come faster than DEBOUNCE apart, only the first and the last query run, so a
    // fast typist does not load the notes of every prefix on the way.
    var DEBOUNCE = 150, timer = 0, typedAt = -1e9;
    function update() {
      var now = performance.now();
      var paused = now - typedAt >= DEBOUNCE;
      typedAt = now;
      clearTimeout(timer);
      if (paused) { runNow(now); }
      else { timer = setTimeout(function () { runNow(now); }, DEBOUNCE); }
    }
    function runNow(started) {
      var query = input.value;
      var mine = ++seq;
      // One Latin letter matches too much to be worth loading anything; one CJK character does not.
      var bare = query.trim();
      if (!bare) { show("", [], null, 0, 0); open(false); return; }
      loadEngine().then(function () {
        if (mine !== seq) { return null; }
        if (Array.from(bare).length === 1 && !engine.isCjk(bare)) { show("", [], null, 0, 0); open(false); return null; }
        return engine.run(query);
      }).then(function (res) {
        if (!res || mine !== seq) { return null; }
        return engine.materialize(res, LIMIT, 2).then(function (items) {
          if (mine !== seq) { return null; }
          if (items.length) { show(query, items, res.marks, started, res.ranked.length); return null; }
          return engine.suggestions(res.q).then(function (s) { if (mine === seq) { show(query, [], res.marks, started, 0, s); } });
        });
      });
    }
    input.addEventListener("focus", function () {
      loadEngine().then(function () { return engine.meta(); });
      if (input.value.trim()) { update(); }
    });
    input.addEventListener("input", update);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!options.length) { return; }
        e.preventDefault();
        var step = e.key === "ArrowDown" ? 1 : -1;
        activate((active + step + options.length) % options.length);
      } else if (e.key === "Enter") {
        e.preventDefault();
        var target = options[active >= 0 ? active : 0];
        var link = target && target.querySelector("a");
        location.href = link ? link.href : allResults(input.value);
      } else if (e.key === "Escape") {
        if (!panel.hidden) { open(false); } else { input.value = ""; input.blur(); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(function () { open(false); }, 150); });
    list.addEventListener("click", function (e) {
      var link = e.target.closest && e.target.closest("a");
      if (link) { location.href = link.href; }
    });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if ((e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) ||
          (e.key.toLowerCase() === "k" && (e.ctrlKey || e.metaKey))) {
        e.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  // ---------- the results page ----------
  function setupPage(container) {
    var form = container.querySelector("form");
    var input = container.querySelector("input[name=q]");
    var list = container.querySelector(".search-page-results");
    var status = container.querySelector(".search-page-status");
    var query = new URLSearchParams(location.search).get("q") || "";
    input.value = query;
    if (!query.trim()) { status.textContent = "Type words to look for; tag:name and in:folder/ narrow the search, \"quotes\" find a phrase."; return; }
    var shown = 0, res = null, started = performance.now();
    var more = el("button", "search-more", "Show more results");
    more.type = "button";
    more.hidden = true;
    list.parentNode.appendChild(more);
    function page() {
      var want = shown + 30;
      return engine.materialize(res, want, 1000).then(function (items) {
        items.slice(shown).forEach(function (item) {
          var li = el("li", "search-page-result");
          var a = el("a");
          a.href = urlOf(item.doc, item.section);
          a.appendChild(resultBody(item, res.marks, 260));
          li.appendChild(a);
          list.appendChild(li);
        });
        shown = items.length;
        more.hidden = shown >= res.ranked.length || items.length < want;
      });
    }
    loadEngine().then(function () { return engine.run(query); }).then(function (r) {
      res = r;
      if (!res.ranked.length) {
        return engine.suggestions(res.q).then(function (s) {
          status.textContent = "No results for \u201c" + query + "\u201d." + (s.length ? " Try: " + s.join(", ") + "." : "");
          timed(query, started);
        });
      }
      status.textContent = res.ranked.length + (res.ranked.length === 1 ? " result" : " results") + " for \u201c" + query + "\u201d";
      return page().then(function () { timed(query, started); });
    });
    more.addEventListener("click", page);
    if (form) { form.addEventListener("submit", function () { /* a plain GET to this page */ }); }
  }

  document.querySelectorAll("form[data-search]").forEach(setupBox);
  var results = document.querySelector(".search-page");
  if (results) { setupPage(results); }
})();
