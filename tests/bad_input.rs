//! Hostile or accidental input that must end in a site and warnings naming file:line, never a
//! failed build or an output that grows without bound.

mod common;

use common::Fixture;
use std::path::Path;

/// Bytes under `dir`, and the longest file name in it.
fn size_and_longest_name(dir: &Path) -> (u64, usize) {
    let mut size = 0;
    let mut longest = 0;
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        longest = longest.max(entry.file_name().len());
        if entry.file_type().is_file() {
            size += entry.metadata().unwrap().len();
        }
    }
    (size, longest)
}

#[test]
fn huge_and_deeply_nested_tags_and_decks_are_capped_with_a_warning_naming_the_note() {
    let site = Fixture::new();
    let long = "a".repeat(300);
    let deep = vec!["x"; 2_000].join("/");
    site.note(
        "n.md",
        &format!("# N\n\nA normal #aws tag.\nText #{long} and #{deep} here.\n"),
    )
    .note(
        "m.md",
        &format!(
            "---\ntitle: M\ntags: [ok, \"{}\", \"{}\"]\n---\n# M\n",
            "b".repeat(400),
            vec!["y"; 500].join("/")
        ),
    )
    .note(
        "deck.md",
        &format!(
            "---\ncards-deck: {}\n---\n# Deck\n\nWhat is deep?::Decks\n",
            (0..300)
                .map(|i| format!("D{i}"))
                .collect::<Vec<_>>()
                .join("::")
        ),
    );
    let report = site.build_ok();
    let warnings: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    let has = |prefix: &str, text: &str| {
        warnings
            .iter()
            .any(|w| w.starts_with(prefix) && w.contains(text))
    };
    assert!(
        has("content/n.md:4:6", "300 characters long"),
        "{warnings:#?}"
    );
    assert!(
        has("content/n.md:4:", "3999 characters long"),
        "{warnings:#?}"
    );
    assert!(
        has("content/m.md:3:", "400 characters long"),
        "{warnings:#?}"
    );
    assert!(
        has("content/m.md:3:", "999 characters long"),
        "{warnings:#?}"
    );
    assert!(has("content/deck.md:", "300 levels deep"), "{warnings:#?}");
    let (size, longest) = size_and_longest_name(&site.public());
    assert!(size < 4_000_000, "the output is {size} bytes");
    assert!(longest <= 100, "a file name of {longest} bytes");
    // The normal tags are pages; the huge ones stay in the text.
    assert!(site.public().join("tags/aws/index.html").is_file());
    assert!(site.public().join("tags/ok/index.html").is_file());
    let page = site.page("n/");
    assert_eq!(page.texts(".note-body a.tag"), ["#aws"]);
    assert!(page.texts(".note-body p")[0].contains(&long));
    // The deck is kept, to eight levels.
    let index = site.page("cards/");
    assert_eq!(index.texts(".deck-tree .deck-name").len(), 8);
}
