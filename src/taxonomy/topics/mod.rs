//! Topics: one subject covered in several notes, gathered on one page.
//!
//! The matching rule (also in README.md):
//! 1. Every heading of level 1–3, every note title, and every front matter `aliases` and
//!    `topics` entry is a candidate. Headings bring their section; titles, aliases and topics
//!    bring the whole note.
//! 2. Its text is normalised: a subtitle after ` - `, ` – `, ` — ` or `: ` is cut off; the text
//!    is lower-cased; punctuation and emoji become spaces; a leading number (`1.`) is dropped;
//!    question and filler words (what, is, are, the, a, an, how, do, does, why, when, which,
//!    vs) are dropped; plurals are folded conservatively (`pools` → `pool`, `properties` →
//!    `property`, but `-ss`, `-us`, `-is` words are kept).
//! 3. A normalised text that is another candidate's text with one more word in front
//!    (`cognito user pool` next to `user pool`) joins that shorter topic.
//! 4. Generic headings (summary, overview, introduction, exam tips, table of contents, notes,
//!    references, examples, flashcards, how it works) are not topics, nor are numbered ones
//!    (`Chapter 23`, `Part 3`, `Week 2`, a heading that is only numbers), and neither is a
//!    one-word heading (`Comparison`, `Rules`) unless some note has it as title or alias.
//! 5. A topic is kept when at least two different notes cover it. Its page is named after the
//!    way the notes most often write it (`/topics/user-pools/`).
//!
//! What each note offers is worked out once per version of the note and kept, so finding the
//! topics again after an edit costs little more than grouping.

#[cfg(test)]
mod follow;
mod group;

use crate::hash::FastMap;
use crate::site::Site;
use crate::vault::NoteId;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where a topic is covered: a note's section, or the whole note.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Coverage {
    /// The note.
    pub note: NoteId,
    /// The heading (index into the note's headings), or `None` for the whole note.
    pub heading: Option<usize>,
}

/// A subject covered by several notes.
#[derive(Debug, Clone)]
pub struct Topic {
    /// The normalised text that identifies it.
    pub key: String,
    /// How it is shown: the most common way the notes write it.
    pub title: String,
    /// The site path of its page.
    pub path: String,
    /// Every place that covers it, in note order.
    pub coverage: Vec<Coverage>,
}

/// What one note offers: (key, heading, as written) per candidate, and the keys that name it
/// (title, aliases, topics).
#[derive(Debug, Clone, Default)]
struct Offer {
    stamp: u64,
    entries: Vec<(String, Option<usize>, String)>,
    named: Vec<String>,
}

/// All topics of a site.
#[derive(Debug, Clone, Default)]
pub struct Topics {
    /// Topics sorted by title.
    pub list: Vec<Arc<Topic>>,
    /// Per note, the indexes of the topics it covers.
    pub of_note: FastMap<NoteId, Vec<usize>>,
    /// Each topic's index in `list`, by key.
    pub by_key: FastMap<String, usize>,
    offers: FastMap<NoteId, Arc<Offer>>,
    groups: group::Groups,
}

impl Topics {
    /// A topic by key.
    pub fn get(&self, key: &str) -> Option<&Topic> {
        self.by_key.get(key).map(|&i| &*self.list[i])
    }
}

const FILLER: &[&str] = &[
    "what", "is", "are", "the", "a", "an", "how", "do", "does", "why", "when", "which", "vs",
    "versus",
];

const GENERIC: &[&str] = &[
    "summary",
    "overview",
    "introduction",
    "intro",
    "exam tip",
    "exam cheat sheet",
    "table of content",
    "content",
    "note",
    "reference",
    "resource",
    "example",
    "flashcard",
    "how it work",
    "further reading",
    "see also",
    "question",
    "faq",
];

/// The normalised form of a heading or title (rule 2).
pub fn normalize(text: &str) -> String {
    let mut text = text;
    for sep in [" - ", " – ", " — ", ": "] {
        if let Some(i) = text.find(sep) {
            text = &text[..i];
        }
    }
    let lower = text.to_lowercase();
    let spaced: String = lower
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = spaced.split_whitespace().collect();
    if words
        .first()
        .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
    {
        words.remove(0);
    }
    words
        .into_iter()
        .filter(|w| !FILLER.contains(w))
        .map(singular)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A plural folded to its singular, conservatively: `properties` → `property`, `pools` →
/// `pool`; short words and `-ss`, `-us`, `-is` words are kept.
fn singular(word: &str) -> String {
    let keep = word.chars().count() <= 3
        || word.ends_with("ss")
        || word.ends_with("us")
        || word.ends_with("is");
    if keep {
        return word.to_string();
    }
    if let Some(stem) = word.strip_suffix("ies")
        && !stem.ends_with(['a', 'e'])
        && stem.chars().count() >= 2
    {
        return format!("{stem}y");
    }
    match word.strip_suffix('s') {
        Some(stem) => stem.to_string(),
        None => word.to_string(),
    }
}

/// Words that number parts of a course rather than name a subject (`Chapter 23`).
const ORDINAL: &[&str] = &[
    "chapter", "part", "section", "lecture", "lesson", "week", "day", "module", "unit", "step",
    "stage", "phase", "question", "exercise", "problem", "appendix", "page", "slide", "session",
    "level", "round", "task", "item", "figure", "table", "no", "number", "lab", "quiz", "test",
];

/// Whether a normalised key only numbers something: every word a number, a roman numeral or
/// an ordinal word.
fn is_numbering(key: &str) -> bool {
    let numeral = |w: &str| {
        w.chars().all(|c| c.is_numeric())
            || (w.len() <= 4 && w.chars().all(|c| matches!(c, 'i' | 'v' | 'x')))
    };
    key.split(' ')
        .all(|w| numeral(w) || ORDINAL.contains(&w) || ORDINAL.contains(&singular(w).as_str()))
}

/// A heading's text as a topic title: without subtitle or leading number.
fn display(text: &str) -> String {
    let mut text = text.trim();
    for sep in [" - ", " – ", " — ", ": "] {
        if let Some(i) = text.find(sep) {
            text = &text[..i];
        }
    }
    let trimmed = text
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')')
        .trim();
    let trimmed = trimmed.trim_end_matches(['?', '!', '.']).trim();
    if trimmed.is_empty() {
        text.to_string()
    } else {
        trimmed.to_string()
    }
}

/// What one note offers as topics (rules 1, 2 and 4).
fn offer(page: &crate::site::Page, stamp: u64) -> Offer {
    let mut offer = Offer {
        stamp,
        ..Offer::default()
    };
    let add = |text: &str, heading: Option<usize>, offer: &mut Offer| {
        let key = normalize(text);
        if key.is_empty() || GENERIC.contains(&key.as_str()) || is_numbering(&key) {
            return;
        }
        offer.entries.push((key, heading, display(text)));
    };
    add(&page.title, None, &mut offer);
    offer.named.push(normalize(&page.title));
    for alias in page
        .note
        .front
        .aliases
        .iter()
        .chain(topics_of(&page.note.front.extra).iter())
    {
        add(alias, None, &mut offer);
        offer.named.push(normalize(alias));
    }
    let title_h1 = page.parsed.headings.iter().position(|h| h.level == 1);
    for (i, h) in page.parsed.headings.iter().enumerate() {
        if h.level > 3 || (Some(i) == title_h1 && h.text == page.title) {
            continue;
        }
        add(&h.text, Some(i), &mut offer);
    }
    offer
}

/// What a note's offer is worked out from: when this is unchanged, the offer is too. Its
/// headings, aliases and `topics` come from its text (the site's settings are those the
/// offers were made with: new settings open the site afresh); its title also from its place.
fn stamp(page: &crate::site::Page) -> u64 {
    crate::hash::digest(&(page.note.source_hash, &page.title))
}

/// Finds the topics of a site, reusing (and taking from `previous`) what was worked out for
/// notes that did not change: only the topics the changed notes offered keys to are grouped
/// again.
pub fn collect(site: &Site, previous: &mut Topics) -> Topics {
    let mut offers = std::mem::take(&mut previous.offers);
    let mut groups = std::mem::take(&mut previous.groups);
    let mut dirty = std::collections::HashSet::default();
    offers.retain(|id, offer| {
        let stays = site.pages.contains_key(id);
        if !stays {
            groups.replace(id, Some(offer), None, &mut dirty);
        }
        stays
    });
    // Only the notes whose offer is stale are worked out: the others stay where they are.
    let stale: Vec<(&NoteId, &crate::site::Page, u64)> = site
        .pages
        .par_iter()
        .filter_map(|(id, page)| {
            let stamp = stamp(page);
            match offers.get(id) {
                Some(o) if o.stamp == stamp => None,
                _ => Some((id, page, stamp)),
            }
        })
        .collect();
    let fresh: Vec<(NoteId, Arc<Offer>)> = stale
        .into_par_iter()
        .map(|(id, page, stamp)| (id.clone(), Arc::new(offer(page, stamp))))
        .collect();
    for (id, new) in fresh {
        let old = offers.insert(id.clone(), Arc::clone(&new));
        groups.replace(&id, old.as_deref(), Some(&new), &mut dirty);
    }
    groups.regroup(dirty, &offers);
    let list = groups.list();
    let mut of_note: FastMap<NoteId, Vec<usize>> = FastMap::default();
    for (i, topic) in list.iter().enumerate() {
        for c in &topic.coverage {
            let entry = of_note.entry(c.note.clone()).or_default();
            if entry.last() != Some(&i) {
                entry.push(i);
            }
        }
    }
    let by_key = list
        .iter()
        .enumerate()
        .map(|(i, t)| (t.key.clone(), i))
        .collect();
    Topics {
        list,
        of_note,
        by_key,
        offers,
        groups,
    }
}

/// The `topics:` front matter key, as a list of strings.
fn topics_of(extra: &BTreeMap<String, serde_json::Value>) -> Vec<String> {
    match extra.get("topics") {
        Some(serde_json::Value::String(s)) => s.split(',').map(|t| t.trim().to_string()).collect(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// The most frequent text; ties go to one that starts with a capital, then the shortest, then
/// alphabetical.
fn most_common<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for t in texts {
        *counts.entry(t).or_default() += 1;
    }
    let capital = |t: &str| t.chars().next().is_some_and(char::is_uppercase);
    counts
        .into_iter()
        .max_by(|a, b| {
            a.1.cmp(&b.1)
                .then(capital(a.0).cmp(&capital(b.0)))
                .then(b.0.len().cmp(&a.0.len()))
                .then(b.0.cmp(a.0))
        })
        .map(|(t, _)| t.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_follows_the_documented_rule() {
        assert_eq!(normalize("User Pools"), "user pool");
        assert_eq!(normalize("USER POOLS"), "user pool");
        assert_eq!(
            normalize("What are Cognito User Pools?"),
            "cognito user pool"
        );
        assert_eq!(
            normalize("User Pools - Sign in and get a JSON Web Token (JWT)"),
            "user pool"
        );
        assert_eq!(
            normalize("1. User Pools vs Identity Pools"),
            "user pool identity pool"
        );
        assert_eq!(normalize("📋 Table of Contents"), "table of content");
        assert_eq!(normalize("Access"), "access");
        assert_eq!(normalize("Status"), "status");
    }

    #[test]
    fn numbered_headings_are_not_topics() {
        for text in [
            "Chapter 23",
            "Part 3",
            "-34 (60-68%)",
            "Week 2 Day 3",
            "IV",
            "Lecture 10",
        ] {
            assert!(is_numbering(&normalize(text)), "{text}");
        }
        for text in [
            "EC2 Pricing",
            "S3 Glacier",
            "Step Functions",
            "Part Numbers in IAM",
        ] {
            assert!(!is_numbering(&normalize(text)), "{text}");
        }
    }

    #[test]
    fn plurals_fold_conservatively() {
        assert_eq!(singular("properties"), "property");
        assert_eq!(singular("pools"), "pool");
        assert_eq!(singular("class"), "class");
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("analysis"), "analysis");
        assert_eq!(singular("aws"), "aws");
    }

    #[test]
    fn display_drops_numbers_and_subtitles() {
        assert_eq!(
            display("1. User Pools vs Identity Pools"),
            "User Pools vs Identity Pools"
        );
        assert_eq!(
            display("Identity Pools - Allow you to offer access"),
            "Identity Pools"
        );
        assert_eq!(
            display("What are Cognito User Pools?"),
            "What are Cognito User Pools"
        );
    }

    #[test]
    fn most_common_prefers_frequent_then_short() {
        assert_eq!(
            most_common(["User Pools", "USER POOLS", "User Pools"].into_iter()),
            "User Pools"
        );
        assert_eq!(most_common(["Bb", "A"].into_iter()), "A");
    }
}
