//! A section prints as one study sheet: `print.html` beside the section page holds every note
//! of the section and its sub-sections in the sidebar's order, with their diagrams and
//! formulas, in one page (no frame, no script that loads the notes), with ids kept apart.

mod common;

use common::{Fixture, text};
use std::collections::BTreeSet;

fn vault() -> Fixture {
    let site = Fixture::new();
    site.file("studysite.toml", "title = \"Sheets\"\n")
        .note("_index.md", "---\ntitle: Home\n---\nWelcome.\n")
        .note("ebs/other.md", "# Other\n\nNot on the EC2 sheet.\n")
        .note("ec2/_index.md", "---\ntitle: EC2\n---\nThe folder's own words.\n")
        .note(
            "ec2/alpha.md",
            "# Alpha\n\nAlpha words.[^1]\n\n## Limits\n\nTwenty per region.\n\n[^1]: Alpha's footnote.\n\n> [!faq]- Folded question\n> Hidden answer.\n",
        )
        .note(
            "ec2/beta.md",
            "# Beta\n\n$$\\frac{a}{b^2}$$\n\n```mermaid\ngraph TD\n  A[Start] --> B[Stop]\n```\n\nSee [[alpha#Limits]] and [[other]].\n",
        )
        .note(
            "ec2/spot/gamma.md",
            "# Gamma\n\n## Limits\n\nGamma's own limits.[^1]\n\n[^1]: Gamma's footnote.\n",
        );
    site
}

#[test]
fn a_section_prints_all_its_notes_in_order_on_one_page() {
    let site = vault();
    site.build_ok();
    let section = site.page("ec2/");
    let print_links = section.urls(".print-link a", "href");
    assert_eq!(print_links, ["/ec2/print.html"]);
    let sheet = site.page("ec2/print.html");

    // The parts in the sidebar's order: the folder, its notes, its sub-folder and its notes.
    let titles = sheet.texts(".print-part > .print-title");
    assert_eq!(titles, ["EC2", "Alpha", "Beta", "spot", "Gamma"]);
    let sidebar = site.page("ec2/spot/gamma/").texts("#sidebar a");
    let in_sidebar: Vec<&String> = sidebar.iter().filter(|t| titles.contains(t)).collect();
    assert_eq!(in_sidebar, ["EC2", "Alpha", "Beta", "spot", "Gamma"]);
    let contents = sheet.texts(".print-contents a");
    assert_eq!(contents, titles, "the sheet's contents list its parts");

    // Every body is on the page: one request prints the section.
    let body = sheet.texts(".print-part .note-body").join("\n");
    for words in [
        "The folder's own words.",
        "Alpha words.",
        "Twenty per region.",
        "Gamma's own limits.",
        "Hidden answer.",
    ] {
        assert!(body.contains(words), "{words}: {body}");
    }
    assert!(!body.contains("Not on the EC2 sheet."));
    assert!(sheet.all("iframe").is_empty());
    assert!(
        sheet
            .attrs("script[src]", "src")
            .iter()
            .all(|s| !s.contains("print")),
        "no script fetches the notes"
    );

    // Diagrams and math, and their stylesheets.
    assert_eq!(sheet.all(".print-part figure.diagram svg").len(), 1);
    assert_eq!(sheet.all(".print-part math mfrac").len(), 1);
    let styles = sheet.urls("link[rel=stylesheet]", "href");
    for theme in ["/style.", "/math.", "/print."] {
        assert!(
            styles.iter().any(|s| s.starts_with(theme)),
            "{theme}: {styles:?}"
        );
    }
    let print_css = styles.iter().find(|s| s.starts_with("/print.")).unwrap();
    let print_css = site.read(&print_css[1..]);
    assert!(print_css.contains("@media print"));

    // Search engines list the notes' own pages, not the sheet that repeats them.
    assert_eq!(
        sheet.attrs("meta[name=robots]", "content"),
        ["noindex, follow"]
    );
    assert!(section.all("meta[name=robots]").is_empty());

    // Folded callouts print open.
    let callout = sheet.one(".print-part details.callout");
    assert!(callout.value().attr("open").is_some());

    // Two notes with a `Limits` heading and a footnote each: ids stay apart, in-page links
    // reach their own note's targets, links to other pages lead where they did.
    let ids = sheet.ids();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids: {ids:?}");
    for href in sheet.attrs("a[href^='#']", "href") {
        assert!(ids.contains(&href[1..].to_string()), "{href} has no target");
    }
    let beta_links = sheet.urls(".print-part a", "href");
    assert!(
        beta_links.contains(&"/ec2/alpha/#limits".to_string()),
        "{beta_links:?}"
    );
    assert!(
        beta_links.contains(&"/ebs/other/".to_string()),
        "{beta_links:?}"
    );
    let footnotes: Vec<String> = sheet
        .all(".print-part [id]")
        .iter()
        .filter(|e| text(e).contains("footnote."))
        .map(|e| e.value().attr("id").unwrap().to_string())
        .collect();
    assert!(footnotes.len() >= 2, "{footnotes:?}");

    // The sub-folder has its own sheet; the site has one for everything.
    let spot = site.page("ec2/spot/print.html");
    assert_eq!(spot.texts(".print-part > .print-title"), ["spot", "Gamma"]);
    assert_eq!(site.page("").urls(".print-link a", "href"), ["/print.html"]);
    let all = site.page("print.html");
    let titles = all.texts(".print-part > .print-title");
    assert!(titles.contains(&"Other".to_string()) && titles.contains(&"Gamma".to_string()));
    // Links from the sheet go back to the section, relative to the sheet's place.
    assert!(
        sheet
            .urls(".print-actions a", "href")
            .contains(&"/ec2/".to_string())
    );
}

/// A folder with more notes than a sheet shows: the first 200 are on it, the rest are links.
#[test]
fn a_huge_section_sheet_stops_at_its_limit_and_links_the_rest() {
    let site = Fixture::new();
    site.file("studysite.toml", "title = \"Big\"\n");
    for i in 0..205 {
        site.note(
            &format!("big/n{i:03}.md"),
            &format!("# Note {i:03}\n\nBody {i:03}.\n"),
        );
    }
    site.build_ok();
    let sheet = site.page("big/print.html");
    assert_eq!(sheet.all(".print-part.print-note").len(), 200);
    let left_out = sheet.urls(".print-left-out a", "href");
    assert_eq!(
        left_out,
        [
            "/big/n200/",
            "/big/n201/",
            "/big/n202/",
            "/big/n203/",
            "/big/n204/"
        ]
    );
    assert!(
        sheet
            .texts(".print-part .note-body")
            .join(" ")
            .contains("Body 199.")
    );
    assert!(
        !sheet
            .texts(".print-part .note-body")
            .join(" ")
            .contains("Body 200.")
    );
}

/// The top sheet of a vault past the limit links the sub-folders' sheets for what it leaves
/// out, with how many notes each leaves out, not every note: a note renamed in a sub-folder
/// changes that folder's sheet only.
#[test]
fn a_top_sheet_past_its_limit_links_the_sub_folders_sheets() {
    let site = Fixture::new();
    site.file("studysite.toml", "title = \"Big\"\n");
    for i in 0..150 {
        site.note(&format!("a/n{i:03}.md"), &format!("# A {i:03}\n\nBody.\n"));
        site.note(&format!("b/n{i:03}.md"), &format!("# B {i:03}\n\nBody.\n"));
    }
    site.note("c/deep/n.md", "# Deep\n\nBody.\n");
    site.build_ok();
    let top = site.page("print.html");
    assert_eq!(top.all(".print-part.print-note").len(), 200);
    assert_eq!(
        top.urls(".print-left-out a", "href"),
        ["/b/print.html", "/c/print.html"]
    );
    let text = top.texts(".print-left-out li");
    assert!(text[0].contains("100 notes not on this sheet"), "{text:?}");
    assert!(text[1].contains("1 note not on this sheet"), "{text:?}");
    // The sub-folder's own sheet has them all.
    assert_eq!(
        site.page("b/print.html")
            .all(".print-part.print-note")
            .len(),
        150
    );
}

/// `[print] enabled = false`: no sheets, and no section page links one.
#[test]
fn print_sheets_can_be_turned_off() {
    let site = vault();
    site.file(
        "studysite.toml",
        "title = \"Sheets\"\n[print]\nenabled = false\n",
    );
    let report = site.build_ok();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    let sheets: Vec<String> = common::bundled::files(&site.public())
        .into_iter()
        .filter(|f| f.ends_with("print.html"))
        .collect();
    assert!(sheets.is_empty(), "{sheets:?}");
    assert!(site.page("ec2/").all(".print-link").is_empty());
    assert!(site.page("").all(".print-link").is_empty());
}

/// A folder note that comes into the site (a draft no more) or leaves it again: the folder's
/// sheet shows its words, then none, as a fresh build would. The folder's title and place do
/// not change, so only the folder's page body tells.
#[test]
fn a_folder_note_that_comes_or_goes_is_on_the_rebuilt_sheet() {
    use common::fresh::assert_same_as_fresh;
    use studysite::session::{Changes, Session};
    let site = vault();
    let index = site.root().join("content/ec2/_index.md");
    std::fs::write(&index, "---\ndraft: true\n---\nThe folder's own words.\n").unwrap();
    let mut session = Session::open(&site.options()).unwrap();
    let changes = Changes {
        content: [index.clone()].into(),
        ..Changes::default()
    };
    std::fs::write(&index, "The folder's own words.\n").unwrap();
    session.apply(&changes);
    let sheet = String::from_utf8(session.files()["ec2/print.html"].clone()).unwrap();
    assert!(sheet.contains("own words."), "{sheet}");
    assert_same_as_fresh(&site, &session, "folder note out of draft");
    std::fs::write(&index, "---\ndraft: true\n---\nThe folder's own words.\n").unwrap();
    session.apply(&changes);
    assert_same_as_fresh(&site, &session, "folder note a draft again");
}

#[test]
fn a_note_that_comes_before_others_on_a_sheet_moves_their_ids_on_the_rebuilt_sheet() {
    use common::fresh::assert_same_as_fresh;
    use studysite::session::{Changes, Session};
    let site = vault();
    let mut session = Session::open(&site.options()).unwrap();
    let sheet_ids = |session: &Session| {
        let sheet = String::from_utf8(session.files()["ec2/print.html"].clone()).unwrap();
        let doc = scraper::Html::parse_document(&sheet);
        let ids: Vec<String> = doc
            .select(&scraper::Selector::parse("[id$='-limits']").unwrap())
            .filter_map(|e| e.value().attr("id").map(str::to_string))
            .collect();
        ids
    };
    let before = sheet_ids(&session);
    let first = site.root().join("content/ec2/aardvark.md");
    std::fs::write(&first, "# Aardvark\n\nFirst in the folder.\n").unwrap();
    session.apply(&Changes {
        content: [first.clone()].into(),
        ..Changes::default()
    });
    let after = sheet_ids(&session);
    assert_eq!(before.len(), 2, "{before:?}");
    assert_ne!(
        before, after,
        "the parts after the new note have new places"
    );
    assert_same_as_fresh(&site, &session, "a note first in its folder");
    std::fs::remove_file(&first).unwrap();
    session.apply(&Changes {
        content: [first].into(),
        ..Changes::default()
    });
    assert_eq!(sheet_ids(&session), before);
    assert_same_as_fresh(&site, &session, "that note gone again");
}
