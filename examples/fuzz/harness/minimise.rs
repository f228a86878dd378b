//! Makes a failing input small while it keeps failing the same way: drops whole parts (a
//! name, a file, an edit), then removes ever smaller runs of characters from each text.

use super::Input;

/// The smallest input found that `still_fails`, within `max_tries` checks.
pub fn minimise(
    input: &Input,
    still_fails: &mut dyn FnMut(&Input) -> bool,
    max_tries: usize,
) -> Input {
    let mut best = input.clone();
    let mut tries = 0;
    loop {
        let before = best.size();
        'parts: loop {
            for candidate in best.without_parts() {
                if tries >= max_tries {
                    break 'parts;
                }
                tries += 1;
                if still_fails(&candidate) {
                    best = candidate;
                    continue 'parts;
                }
            }
            break;
        }
        let texts = best.clone().texts_mut().len();
        for t in 0..texts {
            shrink_text(&mut best, t, still_fails, &mut tries, max_tries);
        }
        if best.size() >= before || tries >= max_tries {
            return best;
        }
    }
}

/// Removes runs of characters from text `t` of `best`, halving the run length down to one.
fn shrink_text(
    best: &mut Input,
    t: usize,
    still_fails: &mut dyn FnMut(&Input) -> bool,
    tries: &mut usize,
    max_tries: usize,
) {
    let chars = |input: &Input| -> Vec<char> {
        let mut copy = input.clone();
        copy.texts_mut()
            .get(t)
            .map(|s| s.chars().collect())
            .unwrap_or_default()
    };
    let mut run = chars(best).len().div_ceil(2);
    while run >= 1 {
        let mut i = 0;
        loop {
            let text = chars(best);
            if i >= text.len() || *tries >= max_tries {
                break;
            }
            let shorter: String = text[..i]
                .iter()
                .chain(&text[(i + run).min(text.len())..])
                .collect();
            let mut candidate = best.clone();
            if let Some(slot) = candidate.texts_mut().into_iter().nth(t) {
                *slot = shorter;
            }
            *tries += 1;
            if still_fails(&candidate) {
                *best = candidate;
            } else {
                i += run;
            }
        }
        if run == 1 {
            break;
        }
        run = run.div_ceil(2).max(1).min(run - 1);
    }
}
