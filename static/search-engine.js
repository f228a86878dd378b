// studysite search engine: loads the index and answers queries; search.js (the search box
// and the results page) loads this file the first time the box is used.
//
// The index (built by src/search/) is a folder of small classic scripts that each call
// studysiteSearch.add(…): no fetch API, no modules, so it works over http(s) and from file://.
// Per query only the term shards, dictionary shards and note files it needs are loaded.
// The tokenizer below must match src/search/tokenize.rs (tests/search_browser.rs checks it).
(function () {
  "use strict";

  var script = document.currentScript;
  var dataBase = new URL("search/", script ? script.src : location.href).href;

  // ---------- tokenizer (same rules as tokenize.rs) ----------
  var CJK = /[\u1100-\u11FF\u2E80-\u2FDF\u3005\u3007\u3021-\u3029\u3038-\u303B\u3040-\u30FA\u30FC-\u30FF\u3130-\u318F\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF66-\uFF9F\u{20000}-\u{2FA1F}]/u;
  var WORD = /[\p{L}\p{N}\p{M}]/u;
  var MARK = /\p{M}/u;
  var ASCII = /^[\x00-\x7f]*$/;
  var SPECIAL = { "'": "", "\u2019": "", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i" };
  var STOP = {};
  "a an and are as at be by for from in is it of on or that the this to with".split(" ").forEach(function (w) { STOP[w] = true; });
  var MAX_WORD = 40;

  function isWord(ch) { return WORD.test(ch) && !CJK.test(ch); }

  // Words and CJK runs with their UTF-16 offsets: [{cjk, text, start, end}].
  function pieces(text) {
    var out = [];
    var chars = Array.from(text);
    var offsets = [];
    var pos = 0;
    for (var k = 0; k < chars.length; k++) { offsets.push(pos); pos += chars[k].length; }
    offsets.push(pos);
    var i = 0;
    while (i < chars.length) {
      var c = chars[i];
      if (CJK.test(c)) {
        var j = i + 1;
        while (j < chars.length && CJK.test(chars[j])) { j++; }
        out.push({ cjk: true, text: text.slice(offsets[i], offsets[j]), start: offsets[i], end: offsets[j] });
        i = j;
      } else if (isWord(c)) {
        var e = i + 1;
        for (;;) {
          if (e < chars.length && isWord(chars[e])) { e++; }
          else if (e + 1 < chars.length && (chars[e] === "'" || chars[e] === "\u2019") && isWord(chars[e + 1])) { e += 2; }
          else { break; }
        }
        out.push({ cjk: false, text: text.slice(offsets[i], offsets[e]), start: offsets[i], end: offsets[e] });
        i = e;
      } else {
        i++;
      }
    }
    return out;
  }

  function fold(word) {
    if (ASCII.test(word)) { return word.toLowerCase().replace(/'/g, ""); }
    var out = "";
    var strip = false;
    for (var ch of word.toLowerCase().normalize("NFD")) {
      if (MARK.test(ch)) { if (!strip) { out += ch; } continue; }
      var cp = ch.codePointAt(0);
      strip = cp <= 0x52f || (cp >= 0x1e00 && cp <= 0x1fff);
      out += SPECIAL[ch] !== undefined ? SPECIAL[ch] : ch;
    }
    return out.normalize("NFC");
  }

  function stem(w) {
    var n = w.length;
    if (n < 4 || w[n - 1] !== "s" || !/^[a-z]+$/.test(w)) { return w; }
    if (n >= 5 && w.endsWith("ies")) { return w.slice(0, n - 3) + "y"; }
    if (w.endsWith("sses") || w.endsWith("zzes")) { return w.slice(0, n - 2); }
    if (w.endsWith("aches")) { return w.slice(0, n - 1); }
    if (w.endsWith("ches") || w.endsWith("shes") || w.endsWith("xes")) { return w.slice(0, n - 2); }
    if (w.endsWith("ss") || w.endsWith("us") || w.endsWith("is")) { return w; }
    return w.slice(0, n - 1);
  }

  // The index term of a word: {term, raw (folded, unstemmed), stop} or null.
  function wordTerm(word) {
    var f = fold(word);
    if (!f || Array.from(f).length > MAX_WORD) { return null; }
    return { term: stem(f), raw: f, stop: !!STOP[f] };
  }

  // Every index term of a text, in order (what the index holds for it).
  function terms(text) {
    var out = [];
    pieces(text).forEach(function (p) {
      if (p.cjk) {
        var cs = Array.from(p.text);
        if (cs.length === 1) { out.push(p.text); }
        for (var i = 0; i + 1 < cs.length; i++) { out.push(cs[i] + cs[i + 1]); }
      } else {
        var t = wordTerm(p.text);
        if (t && !t.stop) { out.push(t.term); }
      }
    });
    return out;
  }

  // ---------- loading ----------
  var ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var VALUE = {};
  for (var a = 0; a < 64; a++) { VALUE[ALPHA[a]] = a; }

  var store = { m: null, i: {}, t: {}, d: {} };
  var waiting = {};
  var api = window.studysiteSearch = window.studysiteSearch || { loaded: [], timings: [] };
  api.terms = terms;
  api.pieces = pieces;
  api.wordTerm = wordTerm;
  api.isCjk = function (text) { return CJK.test(text); };
  api.add = function (kind, id, a, b) {
    if (kind === "m") { store.m = prepareMeta(a); }
    else if (kind === "i") { store.i[id] = parseEntries(a); }
    else if (kind === "t") { store.t[id] = { words: parseEntries(a), sums: parseEntries(b, true) }; }
    else if (kind === "d") { store.d[id] = a; }
    var key = kind + ":" + id;
    if (waiting[key]) { waiting[key].resolve(); }
  };

  function load(kind, id, path) {
    var key = kind + ":" + id;
    var have = kind === "m" ? store.m : store[kind][id];
    if (have) { return Promise.resolve(); }
    if (waiting[key]) { return waiting[key].promise; }
    var entry = {};
    entry.promise = new Promise(function (resolve) {
      entry.resolve = resolve;
      var s = document.createElement("script");
      s.src = dataBase + path;
      s.async = true;
      // A missing file (a rebuild in between) gives no result rather than a stuck search.
      s.onerror = function () { resolve(); };
      api.loaded.push(path);
      document.head.appendChild(s);
    });
    waiting[key] = entry;
    return entry.promise;
  }

  function varints(text, pos, count, out) {
    for (var k = 0; k < count; k++) {
      var v = 0, shift = 0, d;
      do { d = VALUE[text[pos++]]; v += (d & 31) * Math.pow(2, shift); shift += 5; } while (d >= 32);
      out.push(v);
    }
    return pos;
  }

  // A posting list → [records, impacts] (see encode.rs).
  function decode(text) {
    var records = [], impacts = [];
    var pos = 0;
    var groups = VALUE[text[pos++]];
    for (var g = 0; g < groups; g++) {
      var head = VALUE[text[pos++]];
      var impact = head & 7;
      var tmp = [];
      pos = varints(text, pos, 1, tmp);
      var count = tmp[0];
      if (head & 8) {
        tmp = [];
        pos = varints(text, pos, 2, tmp);
        var first = tmp[0], span = tmp[1];
        for (var k = 0; k < Math.ceil(span / 6); k++) {
          var bits = VALUE[text[pos++]];
          for (var b = 0; b < 6; b++) { if (bits & (1 << b)) { records.push(first + k * 6 + b); impacts.push(impact); } }
        }
      } else {
        var gaps = [];
        pos = varints(text, pos, count, gaps);
        var r = 0;
        for (var q = 0; q < gaps.length; q++) { r += gaps[q]; records.push(r); impacts.push(impact); }
      }
    }
    return [records, impacts];
  }

  // "<shared><rest> <data>," entries → Map(term → data). Summaries are not front-coded.
  function parseEntries(text, plain) {
    var map = new Map();
    var prev = "";
    var parts = text ? text.split(",") : [];
    for (var k = 0; k < parts.length; k++) {
      var e = parts[k];
      if (!e) { continue; }
      var space = e.indexOf(" ");
      var term;
      if (plain) { term = e.slice(0, space); }
      else { term = Array.from(prev).slice(0, VALUE[e[0]]).join("") + e.slice(1, space); }
      map.set(term, e.slice(space + 1));
      prev = term;
    }
    return map;
  }

  function prepareMeta(m) {
    var counts = [];
    varints(m.counts, 0, m.notes, counts);
    var starts = new Int32Array(m.notes + 1);
    for (var n = 0; n < m.notes; n++) { starts[n + 1] = starts[n] + counts[n]; }
    m.starts = starts;
    m.firsts = m.leaves.map(function (l) { return l[0]; });
    m.dictFirsts = m.dicts.map(function (d) { return d[0]; });
    return m;
  }

  function noteOf(record) {
    var s = store.m.starts, lo = 0, hi = s.length - 2;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (s[mid] <= record) { lo = mid; } else { hi = mid - 1; } }
    return lo;
  }

  // The shards a prefix's terms may be in, from their first terms (leaf_range in shards.rs).
  function rangeIn(f, p) {
    var lo = 0, hi = f.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (f[mid] <= p) { lo = mid + 1; } else { hi = mid; } }
    lo = Math.max(0, lo - 1);
    var last = lo;
    while (last + 1 < f.length && f[last + 1].startsWith(p)) { last++; }
    return [lo, last];
  }
  function leafRange(p) { return rangeIn(store.m.firsts, p); }

  function leafIds(p) {
    var r = leafRange(p), ids = [];
    for (var k = r[0]; k <= r[1]; k++) { ids.push(store.m.leaves[k][1]); }
    return ids;
  }

  function loadLeaves(ids) {
    return Promise.all(ids.map(function (id) { return load("i", id, "i/" + id + ".js"); }));
  }

  // The dictionary shards for a word: the one it sorts into (which also holds the summary of
  // a wide prefix), and those holding words that share its first three letters (at most two
  // more), for typo tolerance and suggestions. Their words and summaries, merged.
  function loadDict(p) {
    var f = store.m.dictFirsts;
    if (!f.length) { return Promise.resolve(null); }
    var own = rangeIn(f, p)[0];
    var near = rangeIn(f, Array.from(p).slice(0, 3).join(""));
    var picks = [own];
    for (var k = near[0]; k <= near[1] && picks.length < 3; k++) { if (picks.indexOf(k) < 0) { picks.push(k); } }
    var ids = picks.map(function (k) { return store.m.dicts[k][1]; });
    return Promise.all(ids.map(function (id) { return load("t", id, "t/" + id + ".js"); })).then(function () {
      var words = new Map(), sums = store.t[ids[0]] ? store.t[ids[0]].sums : new Map();
      ids.forEach(function (id) { if (store.t[id]) { store.t[id].words.forEach(function (v, t) { words.set(t, v); }); } });
      return { words: words, sums: sums };
    });
  }

  var decoded = new Map();
  function postingsOf(term) {
    if (decoded.has(term)) { return decoded.get(term); }
    var ids = leafIds(term);
    for (var k = 0; k < ids.length; k++) {
      var leaf = store.i[ids[k]];
      if (leaf && leaf.has(term)) { var d = decode(leaf.get(term)); decoded.set(term, d); return d; }
    }
    return null;
  }

  function loadDoc(n) { return load("d", n, "d/" + n + ".js").then(function () { return store.d[n]; }); }

  // ---------- queries ----------
  var WEIGHT = [0, 0.6, 1, 1.5, 3, 4, 5, 6];
  var EXACT = 1, PREFIX = 0.6, FUZZY = 0.35;
  var NOTE_LEVEL = { 4: true, 6: true, 7: true };

  function tagKey(t) {
    return t.trim().replace(/^#+/, "").split("/").filter(Boolean).join("/").toLowerCase().replace(/[\s,]/g, "-");
  }

  // Query text → {words: [{term, raw, prefix, cjk}], phrases: [[words]], tags, folders}.
  function parse(query) {
    var q = { words: [], phrases: [], tags: [], folders: [] };
    // A phrase counts once its closing quote is typed; until then its words are plain words.
    var rest = query.replace(/"([^"]*)"/g, function (_, inner) { q.phrases.push(inner); return " "; }).replace(/"/g, " ");
    rest = rest.replace(/(^|\s)(tag|in):(\S*)/gi, function (_, pre, kind, value) {
      if (value) { (kind.toLowerCase() === "tag" ? q.tags : q.folders).push(value); }
      return " ";
    });
    var open = /\S$/.test(query) && !/"$/.test(query);
    var groups = [rest].concat(q.phrases);
    groups.forEach(function (text, g) {
      var ps = pieces(text);
      ps.forEach(function (p, k) {
        var last = g === 0 && k === ps.length - 1 && open && p.end === text.replace(/\s+$/, "").length;
        if (p.cjk) {
          var cs = Array.from(p.text);
          if (cs.length === 1) { q.words.push({ term: p.text, raw: p.text, prefix: true, cjk: true }); }
          for (var i = 0; i + 1 < cs.length; i++) {
            q.words.push({ term: cs[i] + cs[i + 1], raw: cs[i] + cs[i + 1], prefix: last && i + 2 === cs.length, cjk: true });
          }
        } else {
          var t = wordTerm(p.text);
          if (t && (!t.stop || (last && g === 0))) { q.words.push({ term: t.term, raw: t.raw, prefix: last, cjk: false, stop: t.stop }); }
        }
      });
    });
    // A stop word being typed counts only as the start of a longer word.
    q.words = q.words.filter(function (w) { return !w.stop || w.prefix; });
    return q;
  }

  function within1(a, b) {
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > 1) { return false; }
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) { i++; }
    if (i === a.length && i === b.length) { return false; }
    var ra = a.slice(i + 1).join(""), rb = b.slice(i + 1).join("");
    if (a.length === b.length) {
      if (ra === rb) { return true; }
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2).join("") === b.slice(i + 2).join("");
    }
    return a.length > b.length ? a.slice(i + 1).join("") === b.slice(i).join("") : a.slice(i).join("") === b.slice(i + 1).join("");
  }

  function distance(a, b) {
    a = Array.from(a); b = Array.from(b);
    var prev = [], cur;
    for (var j = 0; j <= b.length; j++) { prev.push(j); }
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
      }
      prev = cur;
    }
    return prev[b.length];
  }

  // Works out which terms each query word matches, loading what that needs:
  // [{term → weight}] per word, plus summaries used for wide prefixes.
  function expand(word) {
    var out = { terms: new Map(), summary: null };
    var wide = false;
    var jobs = [];
    if (word.prefix) {
      var r = leafRange(word.raw);
      wide = r[1] - r[0] + 1 > store.m.prefixShards;
    }
    jobs.push(loadLeaves(leafIds(word.term)));
    if (word.prefix && !wide) { jobs.push(loadLeaves(leafIds(word.raw))); }
    var fuzzy = !word.cjk && Array.from(word.term).length >= 5;
    var dictJob = (fuzzy || wide) ? loadDict(word.prefix && wide ? word.raw : word.term) : Promise.resolve(null);
    jobs.push(dictJob);
    return Promise.all(jobs).then(function (done) {
      var dict = done[done.length - 1];
      out.terms.set(word.term, EXACT);
      if (word.prefix && wide && dict && dict.sums.has(word.raw)) {
        out.summary = decode(dict.sums.get(word.raw));
      } else if (word.prefix) {
        leafIds(word.raw).forEach(function (id) {
          var leaf = store.i[id];
          if (!leaf) { return; }
          leaf.forEach(function (_, t) { if (t !== word.term && t.startsWith(word.raw)) { out.terms.set(t, PREFIX); } });
        });
      }
      if (fuzzy && dict) {
        var near = [];
        dict.words.forEach(function (df, t) {
          if (!out.terms.has(t) && within1(word.term, t)) { near.push([t, df.length]); }
        });
        near.sort(function (x, y) { return y[1] - x[1]; });
        near = near.slice(0, 5).map(function (x) { return x[0]; });
        var ids = [];
        near.forEach(function (t) { leafIds(t).forEach(function (id) { if (ids.indexOf(id) < 0) { ids.push(id); } }); });
        return loadLeaves(ids).then(function () {
          near.forEach(function (t) { out.terms.set(t, FUZZY); });
          return out;
        });
      }
      return out;
    });
  }

  function filterNotes(kind, values) {
    if (!values.length) { return Promise.resolve(null); }
    var sets = values.map(function (v) {
      var terms = [];
      if (kind === "tag") { var k = "#" + tagKey(v); terms.push([k, false], [k + "/", true]); }
      else { terms.push(["/" + v.toLowerCase().replace(/^\/+/, ""), true]); }
      var ids = [];
      terms.forEach(function (t) { leafIds(t[0]).forEach(function (id) { if (ids.indexOf(id) < 0) { ids.push(id); } }); });
      return loadLeaves(ids).then(function () {
        var notes = new Set();
        ids.forEach(function (id) {
          var leaf = store.i[id];
          if (!leaf) { return; }
          leaf.forEach(function (data, term) {
            var hit = terms.some(function (t) { return t[1] ? term.startsWith(t[0]) : term === t[0]; });
            if (hit) { decode(data)[0].forEach(function (rec) { notes.add(noteOf(rec)); }); }
          });
        });
        return notes;
      });
    });
    return Promise.all(sets).then(function (all) {
      return all.reduce(function (acc, s) {
        if (!acc) { return s; }
        return new Set(Array.from(acc).filter(function (n) { return s.has(n); }));
      }, null);
    });
  }

  // Ranks records for a query: [{record, note, score, matched}], best first.
  function rank(q, expansions, tags, folders) {
    var perWord = [], perNote = [];
    var records = new Map();
    expansions.forEach(function (ex, w) {
      var best = new Map(), notes = new Map();
      var add = function (rec, impact, weight) {
        var s = WEIGHT[impact] * weight;
        if (!(best.get(rec) >= s)) { best.set(rec, s); }
        records.set(rec, true);
        if (NOTE_LEVEL[impact]) {
          var n = noteOf(rec);
          if (store.m.starts[n] === rec && !(notes.get(n) >= s)) { notes.set(n, s); }
        }
      };
      ex.terms.forEach(function (weight, term) {
        var p = postingsOf(term);
        if (!p) { return; }
        for (var k = 0; k < p[0].length; k++) { add(p[0][k], p[1][k], weight); }
      });
      if (ex.summary) {
        for (var k = 0; k < ex.summary[0].length; k++) { add(ex.summary[0][k], ex.summary[1][k], PREFIX); }
      }
      perWord.push(best);
      perNote.push(notes);
    });
    var out = [];
    var allow = function (n) { return (!tags || tags.has(n)) && (!folders || folders.has(n)); };
    if (!q.words.length) {
      var notes = new Set();
      (tags || folders || new Set()).forEach(function (n) { if (allow(n)) { notes.add(n); } });
      notes.forEach(function (n) { out.push({ record: store.m.starts[n], note: n, score: 1, matched: 1 }); });
      out.sort(function (x, y) { return x.record - y.record; });
      return out;
    }
    // A word still being typed whose prefix is too wide to load (answered from its summary)
    // only adds to the other words' results: it would otherwise replace them on every key.
    var optional = expansions.map(function (ex) { return !!ex.summary && expansions.length > 1; });
    var required = optional.filter(function (o) { return !o; }).length;
    if (!required) { optional = optional.map(function () { return false; }); required = optional.length; }
    records.forEach(function (_, rec) {
      var n = noteOf(rec);
      if (!allow(n)) { return; }
      var score = 0, matched = 0;
      for (var w = 0; w < perWord.length; w++) {
        var s = perWord[w].get(rec);
        if (s === undefined && perNote[w].has(n)) { s = perNote[w].get(n) * 0.5; }
        if (s) { score += s; if (!optional[w]) { matched++; } }
      }
      if (matched) { out.push({ record: rec, note: n, score: score, matched: matched }); }
    });
    out.sort(function (x, y) { return y.matched - x.matched || y.score - x.score || x.record - y.record; });
    if (out.length && out[0].matched === required) {
      out = out.filter(function (r) { return r.matched === required; });
    }
    return out;
  }

  // Runs a query: {ranked, q, marks} once every file it needs is loaded.
  function run(query) {
    return load("m", "", "meta.js").then(function () {
      if (!store.m) { return { ranked: [], q: parse(query), marks: null }; }
      var q = parse(query);
      return Promise.all([
        Promise.all(q.words.map(expand)),
        filterNotes("tag", q.tags),
        filterNotes("in", q.folders)
      ]).then(function (r) {
        var ranked = (q.words.length || q.tags.length || q.folders.length) ? rank(q, r[0], r[1], r[2]) : [];
        return { ranked: ranked, q: q, marks: marksOf(q, r[0]) };
      });
    });
  }

  function marksOf(q, expansions) {
    var exact = new Set(), prefixes = [];
    expansions.forEach(function (ex, w) {
      ex.terms.forEach(function (_, t) { exact.add(t); });
      if (q.words[w].prefix) { prefixes.push(q.words[w].raw); }
    });
    return { exact: exact, prefixes: prefixes };
  }

  // Drops results whose section does not contain every quoted phrase (checked on the text).
  function phraseOk(q, doc, section) {
    if (!q.phrases.length) { return true; }
    var s = doc.s[section];
    var hay = terms(s[2] + " " + s[3] + " " + s[4]).join(" ");
    return q.phrases.every(function (p) {
      var needle = terms(p).join(" ");
      return !needle || (" " + hay + " ").indexOf(" " + needle + " ") >= 0;
    });
  }

  // The first `limit` results with their notes loaded: [{doc, section, …}].
  function materialize(res, limit, perNote) {
    var out = [], counts = {}, pos = 0;
    function step() {
      if (out.length >= limit || pos >= res.ranked.length || pos > limit * 3) { return Promise.resolve(out); }
      var batch = [];
      while (batch.length < limit - out.length && pos < res.ranked.length) {
        var r = res.ranked[pos++];
        if ((counts[r.note] || 0) >= perNote) { continue; }
        counts[r.note] = (counts[r.note] || 0) + 1;
        batch.push(r);
      }
      return Promise.all(batch.map(function (r) { return loadDoc(r.note); })).then(function (docs) {
        batch.forEach(function (r, k) {
          var doc = docs[k];
          var section = r.record - store.m.starts[r.note];
          if (doc && doc.s[section] && phraseOk(res.q, doc, section) && out.length < limit) {
            out.push({ doc: doc, section: section, record: r.record });
          } else { counts[r.note]--; }
        });
        return step();
      });
    }
    return step();
  }

  function suggestions(q) {
    var words = q.words.filter(function (w) { return !w.cjk; });
    return Promise.all(words.map(function (w) { return loadDict(w.term); })).then(function (dicts) {
      var found = [];
      dicts.forEach(function (dict, k) {
        if (!dict) { return; }
        var best = [];
        dict.words.forEach(function (df, t) {
          var d = distance(words[k].term, t);
          if (d > 0 && d <= 2) { best.push([d, -df.length, t]); }
        });
        best.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1] || (x[2] < y[2] ? -1 : 1); });
        best.slice(0, 3).forEach(function (b) { if (found.indexOf(b[2]) < 0) { found.push(b[2]); } });
      });
      return found.slice(0, 5);
    });
  }


  api.meta = function () { return load("m", "", "meta.js"); };
  api.run = run;
  api.materialize = materialize;
  api.suggestions = suggestions;
  api.noteStart = function (n) { return store.m.starts[n]; };
})();
