// FSRS-6, the spaced repetition scheduler Anki uses: its published formulas with the default
// parameters, in plain JavaScript (a classic script here, a CommonJS module under Node for the
// agreement test against the fsrs crate).
(function (root) {
  "use strict";
  var W = [0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666,
    0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542];
  var S_MIN = 0.001, S_MAX = 36500, D_MIN = 1, D_MAX = 10;
  var DAY = 86400000;
  var RELEARN_MS = 10 * 60000;
  var clamp = function (x, lo, hi) { return Math.min(hi, Math.max(lo, x)); };
  var decay = -W[20];
  var factor = Math.pow(0.9, 1 / decay) - 1;

  function retrievability(t, s) { return Math.pow(t / s * factor + 1, decay); }
  function initStability(g) { return W[clamp(g, 1, 4) - 1]; }
  function initDifficulty(g) { return W[4] - Math.exp(W[5] * (g - 1)) + 1; }
  function nextDifficulty(d, g) {
    var delta = -W[6] * (g - 3);
    var next = d + (10 - d) * delta / 9;
    return W[7] * (initDifficulty(4) - next) + next; // mean reversion
  }
  function afterSuccess(s, d, r, g) {
    var hard = g === 2 ? W[15] : 1, easy = g === 4 ? W[16] : 1;
    return s * (Math.exp(W[8]) * (11 - d) * Math.pow(s, -W[9]) *
      (Math.exp((1 - r) * W[10]) - 1) * hard * easy + 1);
  }
  function afterFailure(s, d, r) {
    var next = W[11] * Math.pow(d, -W[12]) * (Math.pow(s + 1, W[13]) - 1) * Math.exp((1 - r) * W[14]);
    return Math.min(next, s / Math.exp(W[17] * W[18]));
  }
  function shortTerm(s, g) {
    var inc = Math.exp(W[17] * (g - 3 + W[18])) * Math.pow(s, -W[19]);
    return s * (g >= 2 ? Math.max(inc, 1) : inc);
  }

  // The memory state after grade g (1 Again … 4 Easy), `days` whole days after the last
  // review; `state` is null for a new card.
  function next(state, days, g) {
    if (!state) {
      return { s: clamp(initStability(g), S_MIN, S_MAX), d: clamp(initDifficulty(g), D_MIN, D_MAX) };
    }
    var s = clamp(state.s, S_MIN, S_MAX), d = clamp(state.d, D_MIN, D_MAX);
    var r = retrievability(days, s);
    var ns = g === 1 ? afterFailure(s, d, r) : afterSuccess(s, d, r, g);
    if (days === 0) { ns = shortTerm(s, g); }
    return { s: clamp(ns, S_MIN, S_MAX), d: clamp(nextDifficulty(d, g), D_MIN, D_MAX) };
  }

  // Days until recall falls to `retention` (0.9 by default).
  function interval(s, retention) {
    return s / factor * (Math.pow(retention || 0.9, 1 / decay) - 1);
  }

  // Whole days for Hard, Good and Easy as Anki shows them: rounded, at least one day, and
  // each longer than the one before.
  function days(states) {
    var out = states.map(function (st) { return clamp(Math.round(interval(st.s)), 1, 36500); });
    out[1] = Math.min(out[1], out[2]);
    out[2] = Math.max(out[2], out[1] + 1);
    out[3] = Math.max(out[3], out[2] + 1);
    return out;
  }

  function elapsedDays(card, now) {
    return card ? Math.max(0, Math.floor((now - card.last) / DAY)) : 0;
  }

  // What each grade would do to a card now: [{state, due}] for grades 1..4.
  function preview(card, now) {
    var t = elapsedDays(card, now);
    var states = [1, 2, 3, 4].map(function (g) { return next(card, t, g); });
    var whole = days(states);
    return states.map(function (st, i) {
      return { s: st.s, d: st.d, due: i === 0 ? now + RELEARN_MS : now + whole[i] * DAY };
    });
  }

  // The card after grading it now.
  function grade(card, g, now) {
    var p = preview(card, now)[g - 1];
    return {
      s: p.s, d: p.d, due: p.due, last: now,
      reps: (card ? card.reps : 0) + 1,
      lapses: (card ? card.lapses : 0) + (g === 1 ? 1 : 0)
    };
  }

  var api = { W: W, DAY: DAY, next: next, interval: interval, days: days, preview: preview, grade: grade, retrievability: retrievability };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; } else { root.studysiteFsrs = api; }
})(typeof window !== "undefined" ? window : this);
