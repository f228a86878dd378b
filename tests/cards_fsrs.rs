//! The FSRS scheduler in our JavaScript (`static/fsrs.js`, run under Node) against the `fsrs`
//! crate: the same grade sequences give the same memory states and intervals.

use std::path::Path;

/// A small deterministic generator, so the sequences are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// Anki's whole-day intervals for Hard, Good, Easy: rounded, at least 1, increasing.
fn whole_days(intervals: [f32; 4]) -> [u32; 4] {
    let mut d = intervals.map(|i| (i.round() as u32).clamp(1, 36500));
    d[1] = d[1].min(d[2]);
    d[2] = d[2].max(d[1] + 1);
    d[3] = d[3].max(d[2] + 1);
    d
}

#[test]
fn fsrs_in_our_javascript_agrees_with_the_fsrs_crate() {
    let Some(node) = ["node", "nodejs"].into_iter().find(|n| {
        std::process::Command::new(n)
            .arg("--version")
            .output()
            .is_ok()
    }) else {
        assert!(
            std::env::var("STUDYSITE_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "node is required for the FSRS agreement test"
        );
        eprintln!("fsrs agreement: skipped, no node");
        return;
    };
    // Grade sequences with the days between reviews: on time, early, late and same-day.
    let mut rng = Lcg(12);
    let fsrs = fsrs::FSRS::default();
    let mut sequences: Vec<Vec<(u32, u32)>> = Vec::new();
    let mut expected: Vec<Vec<[[f32; 3]; 4]>> = Vec::new();
    let mut expected_days: Vec<Vec<[u32; 4]>> = Vec::new();
    for _ in 0..300 {
        let len = 1 + rng.next(14) as usize;
        let mut state: Option<fsrs::MemoryState> = None;
        let mut due = 0u32;
        let (mut seq, mut exp, mut days_exp) = (Vec::new(), Vec::new(), Vec::new());
        for step in 0..len {
            let days = if step == 0 {
                0
            } else {
                match rng.next(4) {
                    0 => 0,
                    1 => due,
                    2 => 1 + rng.next(due.max(1) as u64) as u32,
                    _ => due + rng.next(3 * due.max(1) as u64 + 1) as u32,
                }
            };
            let grade = 1 + rng.next(4) as u32;
            let next = fsrs
                .next_states(state, 0.9, days)
                .expect("fsrs next states");
            let all = [next.again, next.hard, next.good, next.easy];
            exp.push(
                all.each_ref()
                    .map(|s| [s.memory.stability, s.memory.difficulty, s.interval]),
            );
            let whole = whole_days(all.each_ref().map(|s| s.interval));
            days_exp.push(whole);
            due = whole[grade as usize - 1];
            let chosen = all[grade as usize - 1].clone();
            state = Some(chosen.memory);
            seq.push((grade, days));
        }
        sequences.push(seq);
        expected.push(exp);
        expected_days.push(days_exp);
    }
    let script = r#"
const f = require(process.argv[1]);
let input = "";
process.stdin.on("data", d => input += d).on("end", () => {
  const out = JSON.parse(input).map(seq => {
    let st = null;
    return seq.map(([g, days]) => {
      const states = [1, 2, 3, 4].map(r => f.next(st, days, r));
      st = states[g - 1];
      return { res: states.map(s => [s.s, s.d, f.interval(s.s)]), days: f.days(states) };
    });
  });
  process.stdout.write(JSON.stringify(out));
});"#;
    let fsrs_js = Path::new(env!("CARGO_MANIFEST_DIR")).join("static/fsrs.js");
    let mut child = std::process::Command::new(node)
        .args(["-e", script, fsrs_js.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&sequences).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let js: Vec<Vec<serde_json::Value>> = serde_json::from_slice(&out.stdout).unwrap();
    let (mut worst, mut steps, mut day_mismatch) = (0f64, 0usize, 0usize);
    for ((seq, exp), days) in js.iter().zip(&expected).zip(&expected_days) {
        for ((got, want), want_days) in seq.iter().zip(exp).zip(days) {
            steps += 1;
            for (g, w) in got["res"].as_array().unwrap().iter().zip(want) {
                for (k, name) in ["stability", "difficulty", "interval"].iter().enumerate() {
                    let a = g[k].as_f64().unwrap();
                    let b = w[k] as f64;
                    let rel = (a - b).abs() / b.abs().max(1e-9);
                    worst = worst.max(rel);
                    assert!(
                        rel < 0.01,
                        "{name}: js {a} vs crate {b} ({:.3}%)",
                        rel * 100.0
                    );
                }
            }
            let got_days: Vec<u64> = got["days"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_u64().unwrap())
                .collect();
            // Days may differ only where f32 and f64 round a half day differently.
            let near_half = want
                .iter()
                .any(|w| (w[2] - w[2].floor() - 0.5).abs() < 0.001);
            let want_days: Vec<u64> = want_days.iter().map(|d| *d as u64).collect();
            if got_days[1..] != want_days[1..] {
                day_mismatch += 1;
                assert!(near_half, "days {got_days:?} vs {want_days:?} for {want:?}");
            }
        }
    }
    eprintln!(
        "fsrs agreement: {} sequences, {steps} reviews x 4 grades; largest relative difference {:.2e}; {day_mismatch} whole-day differences",
        sequences.len(),
        worst
    );
    assert!(steps > 1000);
}
