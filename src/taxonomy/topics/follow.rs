//! The topics found again after edits, note by note, are those a fresh collection finds.

use super::{Topics, collect};
use crate::site::Site;
use crate::vault::FrontMatter;

/// Headings from few words, so that keys share words and merge in chains (`aws cognito user
/// pool` → `cognito user pool` → `user pool` → `pool`), and come and go as notes change.
const HEADINGS: &[&str] = &[
    "Pool",
    "Pools",
    "User Pool",
    "User Pools - the basics",
    "Cognito User Pool",
    "AWS Cognito User Pools",
    "Identity Pool",
    "Cognito Identity Pool",
    "What is a Pool?",
    "Overview",
    "Chapter 3",
    "Access",
    "Access Keys",
    "IAM Access Keys",
    "Root Access Keys",
    "Keys",
    "Spot",
    "Spot Capacity",
    "EC2 Spot Capacity",
];

/// A small deterministic generator (xorshift), so a failing step can be run again.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A note's text: a title (often one of the headings) and a few headings.
fn text(dice: &mut Dice) -> (String, Vec<String>) {
    let mut body = format!("# {}\n\n", HEADINGS[dice.roll(HEADINGS.len())]);
    for _ in 0..dice.roll(4) {
        let level = 2 + dice.roll(3);
        let heading = HEADINGS[dice.roll(HEADINGS.len())];
        body.push_str(&format!("{} {heading}\n\nText.\n\n", "#".repeat(level)));
    }
    let aliases = match dice.roll(6) {
        0 => vec![HEADINGS[dice.roll(HEADINGS.len())].to_string()],
        _ => Vec::new(),
    };
    (body, aliases)
}

fn site_of(notes: &[(String, String, Vec<String>)]) -> Site {
    crate::site::test_site(
        notes
            .iter()
            .map(|(id, body, aliases)| {
                let front = FrontMatter {
                    aliases: aliases.clone(),
                    ..FrontMatter::default()
                };
                (id.clone(), front, body.clone())
            })
            .collect(),
    )
}

/// Everything a collection shows, in a comparable form.
fn shown(topics: &Topics) -> String {
    let mut of_note: Vec<_> = topics.of_note.iter().collect();
    of_note.sort();
    let mut by_key: Vec<_> = topics.by_key.iter().collect();
    by_key.sort();
    format!("{:#?}\n{of_note:?}\n{by_key:?}", topics.list)
}

#[test]
fn topics_followed_through_random_edits_are_those_found_afresh() {
    // Topics found over all steps: the vocabulary must make some, or nothing was compared.
    let mut seen = 0;
    for seed in 1..=12u64 {
        let mut dice = Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut notes: Vec<(String, String, Vec<String>)> = (0..14)
            .map(|i| {
                let (body, aliases) = text(&mut dice);
                (format!("n{i}.md"), body, aliases)
            })
            .collect();
        let mut followed = collect(&site_of(&notes), &mut Topics::default());
        let mut next = notes.len();
        for step in 0..40 {
            match dice.roll(5) {
                // A note goes.
                0 if notes.len() > 2 => {
                    notes.remove(dice.roll(notes.len()));
                }
                // A note comes.
                1 => {
                    let (body, aliases) = text(&mut dice);
                    notes.push((format!("n{next}.md"), body, aliases));
                    next += 1;
                }
                // A note is rewritten.
                _ => {
                    let i = dice.roll(notes.len());
                    let (body, aliases) = text(&mut dice);
                    notes[i].1 = body;
                    notes[i].2 = aliases;
                }
            }
            let site = site_of(&notes);
            let fresh = collect(&site, &mut Topics::default());
            followed = collect(&site, &mut followed);
            seen += fresh.list.len();
            assert_eq!(shown(&followed), shown(&fresh), "seed {seed}, step {step}");
        }
    }
    assert!(seen > 200, "only {seen} topics over all steps");
}
