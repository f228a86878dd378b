// studysite flashcards: quiz mode on note pages, due counts on /cards/, and the study session
// on deck pages. Review state lives in localStorage, keyed by each card's stable id; the
// scheduler is FSRS (fsrs.js). Card data comes from classic scripts (cards/data/*.js) that
// fill window.studysiteCards, so everything works from file:// too.
(function () {
  "use strict";
  var html = document.documentElement;
  var rootPrefix = html.dataset.root != null ? html.dataset.root : "/";
  var siteKey = html.dataset.cardsKey || "site";
  var STORE = "studysite-cards:" + siteKey;
  var QUIZ = "studysite-quiz:" + siteKey;
  var fsrs = window.studysiteFsrs;
  var DAY = 86400000;
  var NEW_PER_SESSION = 20;

  function load() {
    var db = null;
    try { db = JSON.parse(localStorage.getItem(STORE) || "null"); } catch (e) { db = null; }
    if (!db || typeof db !== "object" || !db.cards) { db = { v: 1, cards: {}, log: [] }; }
    if (!db.log) { db.log = []; }
    return db;
  }
  function save(db) {
    try { localStorage.setItem(STORE, JSON.stringify(db)); } catch (e) { /* private mode: the session still works */ }
  }
  function isDue(state, now) { return !!state && state.due <= now; }
  function fixUrls(text) { return (text || "").replace(/(href|src)="@\//g, "$1=\"" + rootPrefix); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text != null) { e.textContent = text; }
    return e;
  }
  function span(ms) {
    if (ms < 3600000) { return Math.max(1, Math.round(ms / 60000)) + "m"; }
    if (ms < DAY * 0.8) { return Math.round(ms / 3600000) + "h"; }
    var d = Math.round(ms / DAY);
    return d < 60 ? d + "d" : d < 730 ? Math.round(d / 30) + "mo" : Math.round(d / 365) + "y";
  }
  function whenLabel(state, now) {
    if (!state) { return "new"; }
    return state.due <= now ? "due" : "in " + span(state.due - now);
  }

  // ---------- quiz mode on note pages ----------
  function quizMode() {
    var toggle = document.querySelector(".quiz-toggle");
    if (!toggle) { return; }
    var backs = Array.prototype.slice.call(document.querySelectorAll(".note-body .fc-back"));
    backs.forEach(function (back) {
      var button = el("button", "fc-reveal", "Show answer");
      button.type = "button";
      button.setAttribute("aria-expanded", "false");
      button.addEventListener("click", function () {
        var open = back.classList.toggle("revealed");
        button.setAttribute("aria-expanded", open ? "true" : "false");
        button.textContent = open ? "Hide answer" : "Show answer";
      });
      back.parentNode.insertBefore(button, back);
    });
    document.querySelectorAll(".note-body .fc-cloze mark.cloze").forEach(function (mark) {
      mark.setAttribute("tabindex", "0");
      var reveal = function () { mark.classList.toggle("revealed"); };
      mark.addEventListener("click", reveal);
      mark.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); reveal(); } });
    });
    var set = function (on) {
      document.body.classList.toggle("quiz", on);
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      toggle.textContent = on ? "Quiz mode: on" : "Quiz mode: off";
    };
    var saved = null;
    try { saved = localStorage.getItem(QUIZ); } catch (e) { saved = null; }
    set(saved === "1");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var on = !document.body.classList.contains("quiz");
      set(on);
      try { localStorage.setItem(QUIZ, on ? "1" : "0"); } catch (e) { /* ignore */ }
    });
  }

  // ---------- /cards/: due counts, export and import ----------
  function deckIndex() {
    var data = document.getElementById("card-ids");
    if (!data) { return; }
    var ids = JSON.parse(data.textContent || "{}");
    var refresh = function () {
      var db = load(), now = Date.now();
      document.querySelectorAll("[data-deck-slug]").forEach(function (row) {
        var slug = row.getAttribute("data-deck-slug"), due = 0, fresh = 0;
        Object.keys(ids).forEach(function (s) {
          if (s !== slug && s.indexOf(slug + "/") !== 0) { return; }
          ids[s].forEach(function (id) {
            var st = db.cards[id];
            if (!st) { fresh++; } else if (isDue(st, now)) { due++; }
          });
        });
        row.querySelector(".deck-due").textContent = due;
        row.querySelector(".deck-new").textContent = fresh;
      });
    };
    refresh();
    var exporter = document.querySelector(".cards-export");
    if (exporter) {
      exporter.addEventListener("click", function () {
        var blob = new Blob([JSON.stringify(load(), null, 1)], { type: "application/json" });
        var a = el("a");
        a.href = URL.createObjectURL(blob);
        a.download = "studysite-reviews-" + siteKey + ".json";
        document.body.appendChild(a);
        a.click();
        a.remove();
      });
    }
    var importer = document.querySelector(".cards-import");
    if (importer) {
      importer.addEventListener("change", function () {
        var file = importer.files && importer.files[0];
        if (!file) { return; }
        var reader = new FileReader();
        reader.onload = function () {
          var status = document.querySelector(".cards-import-status");
          try {
            var n = merge(JSON.parse(String(reader.result)));
            if (status) { status.textContent = "Imported the history of " + n + " cards."; }
          } catch (e) {
            if (status) { status.textContent = "That file is not a review history export."; }
          }
          refresh();
        };
        reader.readAsText(file);
      });
    }
  }

  // Merges an exported history: per card the most recent review wins; logs are joined.
  function merge(other) {
    if (!other || !other.cards) { throw new Error("not an export"); }
    var db = load(), n = 0;
    Object.keys(other.cards).forEach(function (id) {
      var theirs = other.cards[id], ours = db.cards[id];
      if (!ours || (theirs.last || 0) > (ours.last || 0)) { db.cards[id] = theirs; n++; }
    });
    var seen = {};
    db.log.concat(other.log || []).forEach(function (entry) { seen[entry.join(",")] = entry; });
    db.log = Object.keys(seen).map(function (k) { return seen[k]; }).sort(function (a, b) { return a[1] - b[1]; });
    save(db);
    return n;
  }

  // ---------- deck pages: the Anki download ----------
  // Anki's text import format, as `studysite cards export` writes it (src/cards/anki.rs):
  // header lines, one note per flashcard, images as media names, clozes as {{cN::…}}.
  function ankiField(text) {
    var out = "", pre = 0;
    for (var i = 0; i < text.length; i++) {
      if (text.startsWith("<pre", i)) { pre++; } else if (text.startsWith("</pre", i)) { pre = Math.max(0, pre - 1); }
      var c = text[i];
      out += c === "\n" ? (pre ? "<br>" : " ") : c === "\r" ? " " : c === "\t" ? "&#9;" : c;
    }
    out = out.trim();
    return out.indexOf("\"") >= 0 ? "\"" + out.replace(/"/g, "\"\"") + "\"" : out;
  }
  function ankiCloze(text) {
    var open = "<mark class=\"cloze\" data-c=\"", out = "", at;
    while ((at = text.indexOf(open)) >= 0) {
      out += text.slice(0, at);
      var after = text.slice(at + open.length), end = after.indexOf(">");
      if (end < 0) { return out + text.slice(at); }
      var attrs = after.slice(0, end), number = attrs.split("\"")[0];
      var hint = attrs.indexOf("data-hint=\"") >= 0 ? attrs.split("data-hint=\"")[1].split("\"")[0] : null;
      var body = after.slice(end + 1), depth = 1, i = 0, close = body.length;
      while (i < body.length) {
        if (body.startsWith("<mark", i)) { depth++; } else if (body.startsWith("</mark>", i) && --depth === 0) { close = i; break; }
        i++;
      }
      out += "{{c" + number + "::" + ankiCloze(body.slice(0, close)) + (hint !== null ? "::" + hint : "") + "}}";
      text = body.slice(close + 7);
    }
    return out + text;
  }
  function ankiText(cards, linkRoot) {
    var media = {}, seen = {};
    var mediaName = function (path) {
      var name = path.split("/").pop();
      if (media[name] && media[name] !== path) { name = path.replace(/\//g, "_"); }
      media[name] = path;
      return name;
    };
    var local = function (html) {
      return (html || "").replace(/ src="@\/([^"]*)"/g, function (_, p) { return " src=\"" + mediaName(decodeURIComponent(p)) + "\""; })
        .replace(/(href|src)="@\//g, "$1=\"" + linkRoot);
    };
    var lines = ["#separator:tab", "#html:true", "#guid column:1", "#notetype column:2", "#deck column:3", "#tags column:6",
      "#columns:GUID\tNote type\tDeck\tFront\tBack\tTags"];
    cards.forEach(function (c) {
      if (seen[c.fid]) { return; }
      seen[c.fid] = true;
      var front = local(c.front), back = local(c.back);
      if (c.notetype === "Cloze") { front = ankiCloze(front); back = ""; }
      var tags = c.tags.map(function (t) { return t.trim().split(/\s+/).join("_").replace(/\//g, "::"); }).join(" ");
      lines.push([ankiField(c.fid), c.notetype, ankiField(c.deck), ankiField(front), ankiField(back), ankiField(tags)].join("\t"));
    });
    return lines.join("\n") + "\n";
  }

  // ---------- deck pages: the study session ----------
  function clozeHtml(card, hide) {
    var box = el("div");
    box.innerHTML = fixUrls(card.front);
    box.querySelectorAll("mark.cloze").forEach(function (mark) {
      if (String(mark.getAttribute("data-c")) !== String(card.c)) { mark.classList.add("cloze-other"); return; }
      mark.classList.add("cloze-active");
      if (hide) {
        var blank = el("span", "cloze-blank", "[" + (mark.getAttribute("data-hint") || "…") + "]");
        mark.parentNode.replaceChild(blank, mark);
      }
    });
    return box.innerHTML;
  }
  function sides(card) {
    if (card.kind === "cloze") { return [clozeHtml(card, true), clozeHtml(card, false)]; }
    if (card.kind === "spaced") { return [fixUrls(card.front), "<p class=\"fc-reminder\">A reminder: recall what you know, then grade how well it came back.</p>"]; }
    return [fixUrls(card.front), fixUrls(card.back)];
  }

  function study() {
    var app = document.querySelector(".study-app");
    if (!app) { return; }
    var tag = app.getAttribute("data-tag"), deckName = app.getAttribute("data-deck");
    var cards = [], loaded = {};
    (window.studysiteCards || []).forEach(function (note) {
      note.cards.forEach(function (c) {
        if (loaded[c.id]) { return; }
        loaded[c.id] = true;
        if (tag && !c.tags.some(function (t) { return t.toLowerCase() === tag; })) { return; }
        if (deckName && c.deck !== deckName && c.deck.indexOf(deckName + "::") !== 0) { return; }
        cards.push(c);
      });
    });
    cards.sort(function (a, b) { return a.order - b.order; });
    var byId = {};
    cards.forEach(function (c) { byId[c.id] = c; });
    var download = document.querySelector(".deck-anki");
    if (download) {
      download.hidden = false;
      download.addEventListener("click", function () {
        var a = el("a");
        a.href = URL.createObjectURL(new Blob([ankiText(cards, download.getAttribute("data-links") || "/")], { type: "text/plain" }));
        a.download = download.getAttribute("data-file") || "cards.txt";
        document.body.appendChild(a);
        a.click();
        a.remove();
      });
    }
    var db = load();
    var q = function (s) { return app.querySelector(s); };
    var front = q(".study-front"), back = q(".study-back"), flip = q(".study-flip"),
      grades = q(".study-grades"), source = q(".study-source"), bar = q(".study-bar"),
      count = q(".study-count"), summary = document.querySelector(".study-summary"), undo = q(".study-undo");
    var queue = [], done = 0, total = 0, current = null, flipped = false, history = [], tally = [0, 0, 0, 0], graded = [];

    var stats = function () {
      var now = Date.now(), n = 0, d = 0, later = 0;
      cards.forEach(function (c) { var st = db.cards[c.id]; if (!st) { n++; } else if (isDue(st, now)) { d++; } else { later++; } });
      var box = document.querySelector(".deck-stats");
      if (box) {
        box.querySelector(".stat-new").textContent = n;
        box.querySelector(".stat-due").textContent = d;
        box.querySelector(".stat-later").textContent = later;
      }
      document.querySelectorAll(".deck-list [data-card]").forEach(function (li) {
        var st = db.cards[li.getAttribute("data-card")];
        var label = li.querySelector(".card-due");
        label.textContent = whenLabel(st, now);
        label.setAttribute("data-state", !st ? "new" : isDue(st, now) ? "due" : "later");
      });
    };
    var list = document.querySelector(".deck-list");
    if (list) {
      cards.forEach(function (c) {
        var li = el("li");
        li.setAttribute("data-card", c.id);
        var s = sides(c);
        var f = el("div", "deck-front"), b = el("div", "deck-back");
        f.innerHTML = c.kind === "cloze" ? clozeHtml(c, false) : s[0];
        if (c.kind !== "cloze") { b.innerHTML = s[1]; }
        li.appendChild(el("span", "card-due"));
        li.appendChild(f);
        li.appendChild(b);
        list.appendChild(li);
      });
    }

    var show = function () {
      flipped = false;
      current = queue[0] || null;
      var progress = total ? Math.round(done / total * 100) : 100;
      bar.style.width = progress + "%";
      bar.parentNode.setAttribute("aria-valuenow", String(progress));
      count.textContent = done + " / " + total;
      undo.disabled = history.length === 0;
      if (!current) { return finish(); }
      app.hidden = false;
      summary.hidden = true;
      var s = sides(current);
      front.innerHTML = s[0];
      back.innerHTML = s[1];
      back.hidden = true;
      grades.hidden = true;
      flip.hidden = false;
      source.href = rootPrefix + current.note;
      source.textContent = "Open in note: " + current.title;
      var p = fsrs.preview(db.cards[current.id] || null, Date.now());
      grades.querySelectorAll("button[data-grade]").forEach(function (b) {
        var g = Number(b.getAttribute("data-grade"));
        b.querySelector("small").textContent = span(p[g - 1].due - Date.now());
      });
      flip.focus({ preventScroll: true });
    };
    var reveal = function () {
      if (!current || flipped) { return; }
      flipped = true;
      back.hidden = false;
      grades.hidden = false;
      flip.hidden = true;
      var good = grades.querySelector("button[data-grade='3']");
      if (good) { good.focus({ preventScroll: true }); }
    };
    var answer = function (g) {
      if (!current || !flipped) { return; }
      var now = Date.now(), id = current.id;
      history.push({ id: id, before: db.cards[id] || null, queue: queue.slice(), done: done, total: total, logLength: db.log.length, tally: tally.slice(), graded: graded.slice() });
      var next = fsrs.grade(db.cards[id] || null, g, now);
      db.cards[id] = next;
      db.log.push([id, now, g]);
      save(db);
      tally[g - 1]++;
      queue.shift();
      done++;
      if (g === 1) {
        // Again: the card comes back later in this session.
        queue.splice(Math.min(queue.length, 3), 0, current);
        total++;
      } else {
        graded.push(id);
      }
      stats();
      show();
    };
    var back1 = function () {
      var h = history.pop();
      if (!h) { return; }
      if (h.before) { db.cards[h.id] = h.before; } else { delete db.cards[h.id]; }
      db.log.length = h.logLength;
      save(db);
      queue = h.queue; done = h.done; total = h.total; tally = h.tally; graded = h.graded;
      stats();
      show();
    };
    var finish = function () {
      app.hidden = true;
      summary.hidden = false;
      var now = Date.now();
      summary.querySelector(".summary-counts").textContent = done
        ? "You answered " + done + " cards: " + tally[0] + " again, " + tally[1] + " hard, " + tally[2] + " good, " + tally[3] + " easy."
        : "Nothing is due here now. Come back later, or browse the cards below.";
      var next = summary.querySelector(".summary-next");
      next.innerHTML = "";
      graded.forEach(function (id) {
        var li = el("li");
        li.appendChild(el("span", "summary-title", byId[id].title + ": "));
        li.appendChild(el("span", "summary-when", "next review " + whenLabel(db.cards[id], now)));
        next.appendChild(li);
      });
    };
    var start = function () {
      db = load();
      var now = Date.now();
      var due = cards.filter(function (c) { return isDue(db.cards[c.id], now); })
        .sort(function (a, b) { return db.cards[a.id].due - db.cards[b.id].due; });
      var fresh = cards.filter(function (c) { return !db.cards[c.id]; }).slice(0, NEW_PER_SESSION);
      queue = due.concat(fresh);
      done = 0; total = queue.length; history = []; tally = [0, 0, 0, 0]; graded = [];
      stats();
      show();
    };

    flip.addEventListener("click", reveal);
    grades.querySelectorAll("button[data-grade]").forEach(function (b) {
      b.addEventListener("click", function () { answer(Number(b.getAttribute("data-grade"))); });
    });
    undo.addEventListener("click", back1);
    var again = document.querySelector(".study-again");
    if (again) { again.addEventListener("click", start); }
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) { return; }
      var t = e.target && e.target.tagName;
      if (t === "INPUT" || t === "TEXTAREA" || t === "SELECT") { return; }
      if (e.key === " " || e.key === "Enter") {
        if (!current) { return; }
        e.preventDefault();
        if (!flipped) { reveal(); } else if (e.key === " ") { answer(3); }
      } else if (e.key >= "1" && e.key <= "4") {
        if (flipped) { e.preventDefault(); answer(Number(e.key)); }
      } else if (e.key === "z" || e.key === "Z") {
        e.preventDefault();
        back1();
      }
    });
    start();
  }

  quizMode();
  deckIndex();
  study();
})();
