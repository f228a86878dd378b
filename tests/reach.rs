//! How far an edit reaches beyond the edited note: the pages of notes nobody touched that show
//! something the edit changed (a topic born or gone, a tag's name, the decks). Each case edits
//! one note and compares every file with a fresh build.

mod common;

use common::Fixture;
use common::fresh::assert_same_as_fresh as assert_fresh;
use std::fs;
use studysite::session::{Changes, Session, Update};

fn apply(session: &mut Session, site: &Fixture, note: &str, text: Option<&str>) {
    let path = site.root().join("content").join(note);
    match text {
        Some(text) => fs::write(&path, text).unwrap(),
        None => fs::remove_file(&path).unwrap(),
    }
    session.apply(&Changes {
        content: [path].into_iter().collect(),
        ..Changes::default()
    });
}

/// Renames a note (content paths) and applies both paths to the session.
fn rename(session: &mut Session, site: &Fixture, from: &str, to: &str) -> Update {
    let content = site.root().join("content");
    let (from, to) = (content.join(from), content.join(to));
    fs::rename(&from, &to).unwrap();
    session.apply(&Changes {
        content: [from, to].into_iter().collect(),
        ..Changes::default()
    })
}

#[test]
fn a_heading_that_makes_a_topic_shows_it_on_the_untouched_note_too() {
    let site = Fixture::new();
    site.note("one.md", "# One\n\n## Gamma Delta\n\nFirst take.\n")
        .note("two.md", "# Two\n\n## Other\n\nSecond take.\n")
        .note("three.md", "# Three\n\nNothing shared.\n");
    let mut session = Session::open(&site.options()).unwrap();
    assert!(
        !session
            .files()
            .contains_key("topics/gamma-delta/index.html")
    );
    apply(
        &mut session,
        &site,
        "two.md",
        Some("# Two\n\n## Gamma Delta\n\nSecond take.\n"),
    );
    assert!(
        session
            .files()
            .contains_key("topics/gamma-delta/index.html")
    );
    let one = String::from_utf8(session.files()["one/index.html"].clone()).unwrap();
    assert!(
        one.contains("topics/gamma-delta/"),
        "one's page names the new topic"
    );
    assert_fresh(&site, &session, "topic born");
    apply(
        &mut session,
        &site,
        "two.md",
        Some("# Two\n\n## Other\n\nSecond take.\n"),
    );
    let one = String::from_utf8(session.files()["one/index.html"].clone()).unwrap();
    assert!(
        !one.contains("topics/gamma-delta/"),
        "the topic is gone from one's page"
    );
    assert_fresh(&site, &session, "topic gone");
}

#[test]
fn a_topic_renamed_by_how_most_notes_write_it_is_renamed_on_every_page() {
    let site = Fixture::new();
    site.note("a.md", "# A\n\n## Load Balancing\n\nx\n")
        .note("b.md", "# B\n\n## load balancing\n\ny\n")
        .note("c.md", "# C\n\n## load balancing\n\nz\n")
        .note("d.md", "# D\n\nUnrelated.\n");
    let mut session = Session::open(&site.options()).unwrap();
    // Two of three write it in lower case; make the capitalised spelling win.
    apply(
        &mut session,
        &site,
        "c.md",
        Some("# C\n\n## Load Balancing\n\nz\n"),
    );
    assert_fresh(&site, &session, "topic retitled");
    apply(&mut session, &site, "a.md", None);
    assert_fresh(&site, &session, "note of the topic deleted");
}

#[test]
fn a_tag_renamed_by_deleting_the_note_that_wrote_it_first_is_renamed_on_every_page() {
    let site = Fixture::new();
    site.note("a.md", "# A\n\nFirst. #Exam-Tip\n")
        .note("b.md", "# B\n\nSecond. #exam-tip\n")
        .note("c.md", "---\ntags: [exam-tip]\n---\n# C\n\nThird.\n");
    let mut session = Session::open(&site.options()).unwrap();
    apply(&mut session, &site, "a.md", None);
    assert_fresh(&site, &session, "tag's first spelling deleted");
    apply(
        &mut session,
        &site,
        "b.md",
        Some("# B\n\nSecond, reworded. #EXAM-TIP\n"),
    );
    assert_fresh(&site, &session, "tag respelled");
}

#[test]
fn a_title_edit_that_keeps_the_cards_keeps_the_decks_and_one_that_moves_them_does_not() {
    let site = Fixture::new();
    site.note(
        "aws/ec2.md",
        "# EC2\n\n### What is a spot instance? #card\nSpare capacity, cheaper.\n\nCPU::Central processing unit\n",
    )
    .note("aws/s3.md", "# S3\n\nObject storage::S3\n")
    .note("other.md", "# Other\n\nSee [[ec2]].\n");
    let mut session = Session::open(&site.options()).unwrap();
    apply(
        &mut session,
        &site,
        "aws/ec2.md",
        Some(
            "# Elastic Compute\n\n### What is a spot instance? #card\nSpare capacity, cheaper.\n\nCPU::Central processing unit\n",
        ),
    );
    assert_fresh(&site, &session, "title edit, same cards");
    apply(
        &mut session,
        &site,
        "aws/ec2.md",
        Some(
            "---\ncards-deck: Compute\n---\n# Elastic Compute\n\n### What is a spot instance? #card\nSpare capacity.\n\nCPU::Central processing unit\n",
        ),
    );
    assert_fresh(&site, &session, "cards moved to another deck");
    apply(&mut session, &site, "aws/s3.md", None);
    assert_fresh(&site, &session, "a note with cards deleted");
}

#[test]
fn a_renamed_note_with_cards_renders_again_the_study_pages_of_its_decks_and_tags_only() {
    let site = Fixture::new();
    site.note(
        "aws/ec2.md",
        "---\ntags: [exam]\n---\n# EC2\n\n## What is a CPU? #card\n\nA processor.\n",
    )
    .note(
        "aws/compute/spot.md",
        "---\ntags: [exam]\n---\n# Spot\n\n## What is spot? #card\n\nSpare capacity.\n",
    )
    .note(
        "aws/compute/lambda.md",
        "# Lambda\n\n## What is FaaS? #card\n\nFunctions.\n",
    )
    .note(
        "s3/s3.md",
        "---\ntags: [storage]\n---\n# S3\n\n## What is S3? #card\n\nObject storage.\n",
    );
    let mut session = Session::open(&site.options()).unwrap();
    let update = rename(
        &mut session,
        &site,
        "aws/compute/spot.md",
        "aws/compute/a-spot.md",
    );
    assert_fresh(&site, &session, "a note with cards renamed");
    let changed = |path: &str| update.changed.iter().any(|c| c == path);
    for page in [
        "cards/deck/aws/compute/index.html",
        "cards/deck/aws/index.html",
        "cards/tag/exam/index.html",
        "cards/all/index.html",
    ] {
        assert!(changed(page), "{page} loads the note's new data script");
    }
    for page in ["cards/deck/s3/index.html", "cards/tag/storage/index.html"] {
        assert!(!changed(page), "{page} shows nothing of the renamed note");
    }
}

#[test]
fn a_folder_page_deleted_or_a_note_renamed_reaches_exactly_the_listings_that_show_them() {
    let site = Fixture::new();
    site.note("_index.md", "---\ntitle: Home\n---\nStart here.\n")
        .note(
            "ec2/_index.md",
            "---\ntitle: Compute\n---\nAll about instances.\n",
        )
        .note("ec2/a.md", "# Alpha\n\nOne.\n")
        .note("ec2/deep/b.md", "# Beta\n\nTwo, see [[a]].\n")
        .note("s3/c.md", "# Gamma\n\nThree.\n");
    let mut session = Session::open(&site.options()).unwrap();
    rename(&mut session, &site, "ec2/deep/b.md", "ec2/deep/b2.md");
    assert_fresh(&site, &session, "note renamed in a subfolder");
    apply(&mut session, &site, "ec2/_index.md", None);
    let home = String::from_utf8(session.files()["index.html"].clone()).unwrap();
    assert!(
        !home.contains("Compute"),
        "the folder is listed by its name again"
    );
    assert_fresh(&site, &session, "folder page deleted");
}

/// A vault where notes share topics, tags (one tag on more notes than a group counts), links
/// (one to itself) and folder pages.
fn related_vault(site: &Fixture) {
    for i in 0..60 {
        let folder = ["ec2", "s3", "vpc"][i % 3];
        let mut text = format!("# Note {i}\n\n#crowd #t{}\n\n", i % 7);
        if i % 4 == 0 {
            text.push_str("## Spot Capacity\n\nShared heading.\n\n");
        }
        if i % 5 == 0 {
            text.push_str(&format!(
                "See [[note-{}]] and [[note-{i}]].\n",
                (i * 7) % 60
            ));
        }
        site.note(&format!("{folder}/note-{i}.md"), &text);
    }
    site.note(
        "ec2/_index.md",
        "---\ntitle: EC2\n---\n#t1 #crowd [[note-3]]\n",
    );
}

#[test]
fn related_notes_ranked_one_by_one_are_ranked_as_for_the_whole_site() {
    let site = Fixture::new();
    related_vault(&site);
    let state = studysite::pipeline::State::open(&site.options()).expect("opens");
    let l = &state.linked;
    let all: std::collections::BTreeSet<_> = l.site.pages.keys().cloned().collect();
    let whole = &l.taxonomy.related;
    let one_by_one = studysite::taxonomy::related::of_notes(
        &l.site,
        &l.graph,
        &l.taxonomy.tags,
        &l.taxonomy.topics,
        &all,
    );
    assert!(
        whole.len() > 50,
        "the vault relates most notes: {}",
        whole.len()
    );
    for id in &all {
        assert_eq!(
            one_by_one[id].as_ref(),
            whole.get(id),
            "related notes of {id:?}"
        );
    }
}

#[test]
fn related_notes_follow_edits_of_tags_topics_and_links_like_a_fresh_build() {
    let site = Fixture::new();
    related_vault(&site);
    let mut session = Session::open(&site.options()).unwrap();
    let steps: [(&str, Option<&str>); 6] = [
        (
            "s3/note-1.md",
            Some("# Renamed One\n\n#t3\n\n## Spot Capacity\n\nNow shared.\n"),
        ),
        ("ec2/note-0.md", None),
        (
            "vpc/note-2.md",
            Some("# Note 2\n\nSee [[note-7]], [[note-8]] and [[note-9]].\n"),
        ),
        ("ec2/note-3.md", Some("# Aardvark\n\n#t0 #crowd\n")),
        (
            "s3/new.md",
            Some("# New\n\n#t0 #t3\n\n## Spot Capacity\n\n[[note-4]]\n"),
        ),
        ("ec2/_index.md", None),
    ];
    for (n, (note, text)) in steps.into_iter().enumerate() {
        apply(&mut session, &site, note, text);
        assert_fresh(&site, &session, &format!("step {n}: {note}"));
    }
}

#[test]
fn an_inline_card_made_two_way_gets_its_reversed_card_like_a_fresh_build() {
    let site = Fixture::new();
    site.note(
        "deck.md",
        "---\ncards-deck: Storage\n---\n# Storage\n\nObject storage on AWS::S3\n",
    )
    .note("other.md", "# Other\n\nNo cards here.\n");
    let mut session = Session::open(&site.options()).unwrap();
    assert_fresh(&site, &session, "one way");
    // Only the kind changes: same front, id, deck and tags.
    apply(
        &mut session,
        &site,
        "deck.md",
        Some("---\ncards-deck: Storage\n---\n# Storage\n\nObject storage on AWS:::S3\n"),
    );
    assert_fresh(&site, &session, "two ways");
}

#[test]
fn a_duplicate_front_names_the_first_card_at_its_line_after_lines_moved_it() {
    let site = Fixture::new();
    let first = "---\ncards-deck: Storage\n---\n# First\n\nObject storage::S3\n";
    site.note("a.md", first).note(
        "b.md",
        "---\ncards-deck: Storage\n---\n# Second\n\nNo card yet.\n",
    );
    let mut session = Session::open(&site.options()).unwrap();
    // Lines above the card move it: what the decks take from the note stays the same.
    apply(
        &mut session,
        &site,
        "a.md",
        Some(
            "---\ncards-deck: Storage\n---\n# First\n\nMore.\n\nAnd more.\n\nObject storage::S3\n",
        ),
    );
    assert_fresh(&site, &session, "lines moved");
    // Now another note repeats the front: the warning names the first card where it is now.
    apply(
        &mut session,
        &site,
        "b.md",
        Some("---\ncards-deck: Storage\n---\n# Second\n\nObject storage::S3 again\n"),
    );
    let warnings = format!("{:?}", session.diagnostics());
    assert!(warnings.contains("duplicate flashcard"), "{warnings}");
    assert_fresh(&site, &session, "duplicate");
}

/// A topic page shows one section of each note on it. An edit elsewhere in a note leaves the
/// page as it is, unless what the page loads for that note changes: a first code block makes
/// the topic page load the code stylesheet, as a fresh build's does.
#[test]
fn a_topic_page_is_rendered_again_for_an_edit_of_what_it_shows_of_a_note() {
    let site = Fixture::new();
    let one = |intro: &str, take: &str| {
        format!("# One\n\n{intro}\n\n## Gamma Delta\n\n{take}\n\n## Other\n\nMore.\n")
    };
    site.note("one.md", &one("Intro.", "First take."))
        .note("two.md", "# Two\n\n## Gamma Delta\n\nSecond take.\n");
    let mut session = Session::open(&site.options()).unwrap();
    let topic = "topics/gamma-delta/index.html";
    assert!(session.files().contains_key(topic));
    let path = site.root().join("content/one.md");
    let mut edit = |text: String| {
        fs::write(&path, text).unwrap();
        session.apply(&Changes {
            content: [path.clone()].into_iter().collect(),
            ..Changes::default()
        })
    };
    let inside = edit(one("Intro.", "First take, edited."));
    let outside = edit(one("Intro, edited.", "First take, edited."));
    assert_eq!(
        outside.rendered + 1,
        inside.rendered,
        "the topic page is rendered for an edit of its section only: {inside:?} {outside:?}"
    );
    let code = edit(one(
        "Intro.\n\n```rust\nfn main() {}\n```",
        "First take, edited.",
    ));
    assert_eq!(code.rendered, inside.rendered, "{code:?}");
    assert!(code.changed.iter().any(|f| f == topic), "{code:?}");
    assert_fresh(&site, &session, "a code block outside the topic's section");
}
