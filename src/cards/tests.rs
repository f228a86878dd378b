//! Card syntax on small notes: which cards a note gets, their fronts, backs and decks.

use super::*;
use crate::markdown::cards::CardSyntax;
use crate::markdown::{self, Highlighter, ParseOptions, Resolution};
use crate::vault::{Note, NoteId, front_matter};

fn config() -> crate::config::Config {
    crate::config::Config {
        title: "Site".into(),
        ..Default::default()
    }
}

fn note(path: &str, text: &str) -> (Note, ParsedNote) {
    let split = front_matter::split(text).expect("front matter");
    let note = Note {
        id: NoteId::new(path),
        file: path.into(),
        front: split.front,
        body: split.body.to_string(),
        body_line_offset: split.body_line_offset,
        source_hash: 0,
        modified: None,
        warnings: Vec::new(),
    };
    let mut parsed = markdown::parse(
        &note.body,
        note.body_line_offset,
        &ParseOptions::default(),
        &Highlighter::default(),
    );
    prepare(&note, &mut parsed, &config());
    (note, parsed)
}

fn keep(parsed: &ParsedNote) -> Vec<Resolution> {
    parsed.links.iter().map(|_| Resolution::Keep).collect()
}

/// (syntax, kind, front text, front HTML, back HTML) of each card.
fn cards(text: &str) -> Vec<(CardSyntax, CardKind, String, String, String)> {
    let (_, parsed) = note("deck/n.md", text);
    let res = keep(&parsed);
    parsed
        .cards
        .iter()
        .map(|c| {
            (
                c.syntax,
                c.kind,
                c.front_text.clone(),
                markdown::render_part(&parsed, c.front, &res),
                markdown::render_part(&parsed, c.back, &res),
            )
        })
        .collect()
}

fn page(text: &str) -> String {
    let (_, parsed) = note("deck/n.md", text);
    markdown::render(&parsed, &keep(&parsed))
}

#[test]
fn heading_cards_take_their_section_up_to_the_next_card_or_same_level_heading() {
    let c = cards(
        "## Q1? #card\n\nA1 first.\n\nA1 second.\n\n### Detail\n\nStill A1.\n\n### Q2 #card-reverse\n\nA2.\n\n## Other\n\nNot an answer.\n",
    );
    assert_eq!(c.len(), 2);
    assert_eq!(
        (c[0].0, c[0].1, c[0].2.as_str()),
        (CardSyntax::Heading, CardKind::Basic, "Q1?")
    );
    assert_eq!(c[0].3, "Q1?");
    assert!(
        c[0].4.contains("A1 first.") && c[0].4.contains("Still A1."),
        "{}",
        c[0].4
    );
    assert!(!c[0].4.contains("A2"), "{}", c[0].4);
    assert_eq!(c[1].1, CardKind::Reverse);
    assert!(
        c[1].4.contains("A2.") && !c[1].4.contains("Not an answer"),
        "{}",
        c[1].4
    );
}

#[test]
fn heading_cards_read_as_headings_with_their_answer_in_a_back() {
    let html = page("## Why? #card\n\nBecause.\n\n## Next\n");
    assert!(
        html.contains("<h2 id=\"why\" class=\"fc-front\" data-card="),
        "{html}"
    );
    assert!(
        html.contains("<div class=\"fc-back fc-basic\" data-card="),
        "{html}"
    );
    assert!(
        html.contains("<p>Because.</p>\n</div>\n<h2 id=\"next\">"),
        "{html}"
    );
    assert!(!html.contains("#card"), "{html}");
}

#[test]
fn a_last_card_closes_its_back_before_the_footnotes() {
    let html = page("Text.[^a]\n\n## Why? #card\n\nBecause.\n\n[^a]: A note.\n");
    let back = html.find("<div class=\"fc-back").expect("a back");
    let notes = html
        .find("<section class=\"footnotes\"")
        .expect("footnotes");
    let closed = html[back..].find("</div>").map(|i| back + i);
    assert!(closed.is_some_and(|c| c < notes), "{html}");
    assert_eq!(
        html.matches("<div").count(),
        html.matches("</div>").count(),
        "{html}"
    );
}

#[test]
fn spaced_cards_have_no_back_and_no_warning() {
    let (_, parsed) = note(
        "d/n.md",
        "## Review the VPC chapter #card/spaced\n\n## Next\n",
    );
    assert_eq!(parsed.cards.len(), 1);
    assert_eq!(parsed.cards[0].kind, CardKind::Spaced);
    assert!(parsed.card_scan.problems.is_empty());
}

#[test]
fn a_heading_card_without_answer_is_a_problem_with_its_line() {
    let (_, parsed) = note("d/n.md", "intro\n\n## Empty? #card\n\n## Next\n");
    assert_eq!(parsed.card_scan.problems.len(), 1);
    assert_eq!(parsed.card_scan.problems[0].0, 3);
    assert!(parsed.card_scan.problems[0].1.contains("no answer"));
}

#[test]
fn marker_paragraphs_split_front_and_back() {
    let c = cards("What is S3? #card\nObject storage.\n\nMore detail.\n\n## H\n");
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].2, "What is S3?");
    assert_eq!(c[0].3.trim(), "<p>What is S3?</p>");
    assert!(
        c[0].4.contains("<p>Object storage.</p>") && c[0].4.contains("More detail."),
        "{}",
        c[0].4
    );
    let html = page("What is S3? #card\nObject storage.\n");
    assert!(!html.contains("#card"), "{html}");
}

#[test]
fn a_lone_marker_takes_the_blocks_before_it_as_front() {
    let c = cards("Q one?\n\n#card #sql\n\nA one.\n\nQ two?\n\n#card\n\nA two.\n");
    assert_eq!(c.len(), 2, "{c:?}");
    assert_eq!(c[0].2, "Q one?");
    assert!(
        c[0].4.contains("A one.") && !c[0].4.contains("Q two"),
        "{}",
        c[0].4
    );
    assert_eq!(c[1].2, "Q two?");
    assert!(c[1].4.contains("A two."));
}

#[test]
fn anki_ids_close_a_marker_card() {
    let c = cards("Q?\n\n#card\n\nA.\n\n```\ncode\n```\n\nend ^1695177559930\n\nUnrelated.\n");
    assert_eq!(c.len(), 1);
    assert!(
        c[0].4.contains("code") && c[0].4.contains("end"),
        "{}",
        c[0].4
    );
    assert!(
        !c[0].4.contains("Unrelated") && !c[0].4.contains("1695177559930"),
        "{}",
        c[0].4
    );
}

#[test]
fn the_flashcards_plugin_layout_heading_then_marker_line() {
    let c = cards("# My heading\n#card\nMy content\n");
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].2, "My heading");
    assert!(
        c[0].4.contains("My content") && !c[0].4.contains("#card"),
        "{}",
        c[0].4
    );
}

const DECK: &str = "---\ncards-deck: Test::Deck\n---\n";

#[test]
fn inline_cards_in_deck_notes_only() {
    let text = "Capital of France::Paris\n\n- Red:::Rouge\n- plain item\n";
    let c = cards(&format!("{DECK}{text}"));
    assert_eq!(c.len(), 2, "{c:?}");
    assert_eq!(
        (c[0].0, c[0].1, c[0].3.as_str(), c[0].4.as_str()),
        (
            CardSyntax::Inline,
            CardKind::Basic,
            "Capital of France",
            "Paris"
        )
    );
    assert_eq!(
        (c[1].1, c[1].3.as_str(), c[1].4.as_str()),
        (CardKind::Reverse, "Red", "Rouge")
    );
    assert!(
        cards(text).is_empty(),
        "not a deck note: `::` is text (a Dataview field, say)"
    );
    let html = page(&format!("{DECK}{text}"));
    assert!(html.contains("<span class=\"fc-front\">Capital of France</span><span class=\"fc-sep\" aria-hidden=\"true\"></span><span class=\"fc-back\">Paris</span>"), "{html}");
}

#[test]
fn inline_separators_in_code_and_links_do_not_count() {
    let c = cards(&format!(
        "{DECK}Use `std::vector` here.\n\n[a::b](x.md) text\n"
    ));
    assert!(c.is_empty(), "{c:?}");
}

#[test]
fn multiline_cards_split_at_a_question_mark_line() {
    let c = cards(&format!(
        "{DECK}What are the\nthree layers?\n?\nOne\nTwo\n\nName both:\n??\n- A\n- B\n\nAfter.\n"
    ));
    assert_eq!(c.len(), 2, "{c:?}");
    assert_eq!(c[0].2, "What are the three layers?");
    assert!(
        c[0].4.contains("One") && c[0].4.contains("Two"),
        "{}",
        c[0].4
    );
    assert_eq!(c[1].1, CardKind::Reverse);
    assert!(
        c[1].4.contains("<li>A</li>") && !c[1].4.contains("After"),
        "{}",
        c[1].4
    );
    let html = page(&format!("{DECK}Q\n?\nA\n"));
    assert!(!html.contains(">?<") && !html.contains("\n?\n"), "{html}");
}

#[test]
fn highlights_are_clozes_only_in_flashcards_notes() {
    let tagged = "---\ntags: [flashcards/geo]\n---\nThe capital is ==Paris== on the ==Seine==.\n";
    let (_, parsed) = note("d/n.md", tagged);
    assert_eq!(parsed.cards.len(), 1);
    assert_eq!(parsed.cards[0].syntax, CardSyntax::Highlight);
    assert_eq!(parsed.cards[0].clozes, vec![1, 2]);
    assert_eq!(parsed.cards[0].deck, vec!["geo".to_string()]);
    let html = page(tagged);
    assert!(
        html.contains("<mark class=\"cloze\" data-c=\"2\">Seine</mark>"),
        "{html}"
    );
    let plain = page(&format!("{DECK}The capital is ==Paris==.\n"));
    assert!(
        plain.contains("<mark>Paris</mark>") && !plain.contains("cloze"),
        "{plain}"
    );
}

#[test]
fn anki_clozes_work_anywhere_one_card_per_number() {
    let (_, parsed) = note("d/n.md", "A {{c1::one}} and {{c2::two}} and {{c1::uno}}.\n");
    assert_eq!(parsed.cards.len(), 1);
    assert_eq!(parsed.cards[0].clozes, vec![1, 2]);
    assert_eq!(study_count(&parsed.cards), 2);
}

#[test]
fn unclosed_highlight_in_a_flashcards_note_is_a_problem() {
    let (_, parsed) = note(
        "d/n.md",
        "---\ntags: flashcards\n---\nThe ==open cloze here.\n",
    );
    assert!(
        parsed
            .card_scan
            .problems
            .iter()
            .any(|(l, m)| *l == 4 && m.contains("never closed")),
        "{:?}",
        parsed.card_scan.problems
    );
}

#[test]
fn decks_come_from_cards_deck_then_tags_then_the_folder() {
    let (_, a) = note(
        "x/y/n.md",
        "---\ncards-deck: A::B::C\ntags: [flashcards/t]\n---\n## Q #card\nA\n",
    );
    assert_eq!(a.cards[0].deck, ["A", "B", "C"]);
    let (_, b) = note("x/y/n.md", "#flashcards/one/two\n\n## Q #card\nA\n");
    assert_eq!(b.cards[0].deck, ["one", "two"]);
    let (_, c) = note("x/y/n.md", "## Q #card\nA\n");
    assert_eq!(c.cards[0].deck, ["x", "y"]);
    let (_, d) = note("top.md", "## Q #card\nA\n");
    assert_eq!(d.cards[0].deck, ["Site"]);
}

#[test]
fn a_deck_tag_on_a_card_line_is_for_that_card_only() {
    let (_, p) = note(
        "n.md",
        "#flashcards/a\nQ1::A1\n\n#flashcards/b Q2::A2\n\nQ3::A3\n",
    );
    let decks: Vec<String> = p.cards.iter().map(|c| c.deck.join("::")).collect();
    assert_eq!(decks, ["a", "b", "a"]);
}

#[test]
fn another_deck_separator_is_a_problem() {
    let (_, p) = note("n.md", "---\ncards-deck: AWS/EC2\n---\n## Q #card\nA\n");
    assert!(
        p.card_scan.problems.iter().any(|(_, m)| m.contains("`/`")),
        "{:?}",
        p.card_scan.problems
    );
    assert_eq!(p.cards[0].deck, ["AWS/EC2"]);
}

#[test]
fn ids_are_stable_and_follow_deck_front_and_note() {
    let (_, a) = note("n.md", "## Q #card\nA\n");
    let (_, b) = note("n.md", "intro\n\n## Q #card\nA changed\n");
    let (_, c) = note("n.md", "## Q2 #card\nA\n");
    let (_, d) = note("m.md", "## Q #card\nA\n");
    assert_eq!(a.cards[0].id, b.cards[0].id);
    assert_ne!(a.cards[0].id, c.cards[0].id);
    assert_ne!(a.cards[0].id, d.cards[0].id);
}

#[test]
fn scheduling_metadata_never_shows() {
    let html = page(&format!(
        "{DECK}Q::A\n<!--SR:!2024-08-16,51,230-->\n\n## H #card\nAnswer ^1607361487244\n"
    ));
    assert!(
        !html.contains("SR:") && !html.contains("^1607361487244<") && !html.contains(">^1607"),
        "{html}"
    );
}

#[test]
fn preparing_twice_changes_nothing() {
    let (n, mut parsed) = note("d/n.md", "## Q #card\nA\n");
    let before = parsed.events.clone();
    prepare(&n, &mut parsed, &config());
    assert_eq!(parsed.events, before);
    assert_eq!(parsed.cards.len(), 1);
}

#[test]
fn configured_deck_tags_make_deck_notes() {
    let text = "---\ntags: [basics]\n---\nQ::A\n\n#limits/iam Q2::A2\n";
    let split = front_matter::split(text).unwrap();
    let n = Note {
        id: NoteId::new("top.md"),
        file: "top.md".into(),
        front: split.front,
        body: split.body.to_string(),
        body_line_offset: split.body_line_offset,
        source_hash: 0,
        modified: None,
        warnings: Vec::new(),
    };
    let mut parsed = markdown::parse(
        &n.body,
        n.body_line_offset,
        &Default::default(),
        &Default::default(),
    );
    let mut config = config();
    config.cards.deck_tags = vec!["basics".into(), "#Limits".into()];
    prepare(&n, &mut parsed, &config);
    let decks: Vec<String> = parsed.cards.iter().map(|c| c.deck.join("::")).collect();
    assert_eq!(decks, ["Site", "iam"]);
    assert!(
        cards("---\ntags: [basics]\n---\nQ::A\n").is_empty(),
        "not a deck tag by default"
    );
}
