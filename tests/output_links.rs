//! The built site's links as a link checker sees them: no dead link or anchor in the bundled
//! site or in a vault that uses every element, and `studysite check` (which checks the output
//! it builds in memory) reports the ones a site does have, naming the generated page.

mod common;

use common::Fixture;
use common::checkers::dead_links;

#[test]
fn the_bundled_site_and_the_every_element_vault_have_no_dead_links_or_anchors() {
    for site in [common::bundled::copy(None), common::vault::every_element()] {
        let report = site.build_ok();
        assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
        let dead = dead_links(&site.public());
        assert!(dead.is_empty(), "{} dead:\n{}", dead.len(), dead.join("\n"));
    }
}

#[test]
fn check_reports_dead_links_of_generated_pages_naming_the_page_and_writes_nothing() {
    let site = Fixture::new();
    site.note(
        "a.md",
        "# A\n\nSee <a href=\"../gone/index.html\">the old page</a>.\n",
    )
    .note("b.md", "# B\n\n![[a]]\n");
    let out = site.cli(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let dead: Vec<&str> = stdout.lines().filter(|l| l.contains("dead link")).collect();
    let pages: Vec<&str> = dead.iter().map(|l| l.split(':').next().unwrap()).collect();
    // The note's own page, the page that embeds it (which the note check never reads), and
    // the site's print sheet (a's body and b's embed of it), where the raw URL is rebased from
    // each note's page to the sheet.
    assert_eq!(
        pages,
        [
            "public/a/index.html",
            "public/b/index.html",
            "public/print.html",
            "public/print.html"
        ],
        "{stdout}"
    );
    assert!(
        dead[..2].iter().all(|l| l
            .ends_with("dead link `../gone/index.html`: the built site has no `gone/index.html`")),
        "{stdout}"
    );
    for (line, page) in dead[2..].iter().zip(["a", "b"]) {
        let wanted = format!(
            "dead link `{page}/../gone/index.html`: the built site has no `gone/index.html`"
        );
        assert!(line.ends_with(&wanted), "{stdout}");
    }
    assert!(!site.public().exists(), "check writes nothing");
}

#[test]
fn check_reports_a_raw_html_id_that_repeats_a_template_id() {
    let site = Fixture::new();
    site.note("a.md", "# A\n\n<div id=\"sidebar\">mine</div>\n");
    let out = site.cli(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.lines().any(|l| l.starts_with("public/a/index.html:")
            && l.ends_with("warning: duplicate id `sidebar` on `a/index.html`: a link to `#sidebar` lands on its first element")),
        "{stdout}"
    );
}
