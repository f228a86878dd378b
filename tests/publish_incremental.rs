//! `serve`'s incremental rebuilds keep the publishing outputs equal to a fresh build: the feed
//! (dates, file times, the limit), the print sheets (notes added, edited, removed, retitled),
//! fingerprinted names (a site's own `style.css` replacing the theme's and going away again)
//! and `robots.txt` (a site's own, then the generated one again).

mod common;

use common::Fixture;
use common::fresh::assert_same_as_fresh;
use std::fs;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};
use studysite::session::{Changes, Session};

fn set_mtime(path: &std::path::Path, seconds: u64) {
    let file = fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
        .unwrap();
}

fn vault() -> Fixture {
    let site = Fixture::new();
    site.file(
        "studysite.toml",
        "title = \"Pub\"\nbase_url = \"https://user.github.io/notes/\"\n[feed]\nlimit = 3\n",
    )
    .note("_index.md", "---\ntitle: Home\n---\nWelcome.\n")
    .note("ec2/_index.md", "---\ntitle: EC2\n---\nAll about EC2.\n")
    .note(
        "ec2/alpha.md",
        "---\ndate: 2026-02-01\n---\n# Alpha\n\nFirst words of alpha.\n\n$$\\frac{a}{b}$$\n",
    )
    .note(
        "ec2/spot/beta.md",
        "---\nupdated: 2026-03-01\n---\n# Beta\n\n```mermaid\ngraph TD\n  A --> B\n```\n",
    )
    .note("ebs/gamma.md", "# Gamma\n\nNo date: its file's time.\n");
    for (i, note) in ["_index.md", "ec2/_index.md", "ebs/gamma.md"]
        .iter()
        .enumerate()
    {
        set_mtime(
            &site.root().join("content").join(note),
            1_700_000_000 + i as u64,
        );
    }
    site
}

fn changes(paths: &[PathBuf]) -> Changes {
    Changes {
        content: paths.iter().cloned().collect(),
        ..Changes::default()
    }
}

fn text(session: &Session, path: &str) -> String {
    String::from_utf8_lossy(&session.files()[path]).into_owned()
}

#[test]
fn feed_and_print_sheets_follow_every_edit() {
    let site = vault();
    let mut session = Session::open(&site.options()).unwrap();
    let content = site.root().join("content");
    assert!(text(&session, "feed.xml").contains("<title>Beta</title>"));

    // A date moves a note to the top of the feed.
    let gamma = content.join("ebs/gamma.md");
    fs::write(
        &gamma,
        "---\ndate: 2026-06-01\n---\n# Gamma\n\nNow dated.\n",
    )
    .unwrap();
    let update = session.apply(&changes(std::slice::from_ref(&gamma)));
    assert!(
        update.changed.contains(&"feed.xml".to_string()),
        "{update:?}"
    );
    assert!(
        update.changed.contains(&"ebs/print.html".to_string()),
        "{update:?}"
    );
    assert_same_as_fresh(&site, &session, "date added");

    // A file touched without a change of text: an undated note's time moves the feed.
    let home = content.join("_index.md");
    assert!(!text(&session, "feed.xml").contains("<title>Home</title>"));
    set_mtime(&home, 1_900_000_000);
    session.apply(&changes(std::slice::from_ref(&home)));
    assert!(text(&session, "feed.xml").contains("<title>Home</title>"));
    assert_same_as_fresh(&site, &session, "touched");

    // A note added deep down: its folder's sheet and every sheet above list it.
    let delta = content.join("ec2/spot/delta.md");
    fs::write(&delta, "# Delta\n\nNew words with $x^2$.\n").unwrap();
    let update = session.apply(&changes(std::slice::from_ref(&delta)));
    for sheet in ["ec2/spot/print.html", "ec2/print.html", "print.html"] {
        assert!(
            update.changed.contains(&sheet.to_string()),
            "{sheet}: {update:?}"
        );
    }
    assert!(text(&session, "ec2/print.html").contains("New words with"));
    assert_same_as_fresh(&site, &session, "note added");

    // A body edit re-renders the sheets that show it.
    fs::write(&delta, "# Delta\n\nOther words.\n").unwrap();
    session.apply(&changes(std::slice::from_ref(&delta)));
    assert!(text(&session, "ec2/print.html").contains("Other words."));
    assert_same_as_fresh(&site, &session, "body edited");

    // A section retitled: the sheets name it anew.
    let ec2 = content.join("ec2/_index.md");
    fs::write(&ec2, "---\ntitle: Elastic Compute\n---\nAll about EC2.\n").unwrap();
    session.apply(&changes(std::slice::from_ref(&ec2)));
    assert!(text(&session, "print.html").contains("Elastic Compute"));
    assert_same_as_fresh(&site, &session, "section retitled");

    // A note removed leaves the sheets and the feed.
    fs::remove_file(&delta).unwrap();
    session.apply(&changes(std::slice::from_ref(&delta)));
    assert!(!text(&session, "ec2/print.html").contains("Other words."));
    assert_same_as_fresh(&site, &session, "note removed");
}

#[test]
fn fingerprinted_names_and_robots_follow_the_static_folder() {
    let site = vault();
    let mut session = Session::open(&site.options()).unwrap();
    let alpha = "ec2/alpha/index.html";
    assert!(!text(&session, alpha).contains("href=\"../../style.css\""));

    let css = site.root().join("static/style.css");
    let statics = Changes {
        statics: [css.clone()].into(),
        ..Changes::default()
    };
    site.file("static/style.css", "body { color: red }");
    session.apply(&statics);
    assert!(text(&session, alpha).contains("href=\"../../style.css\""));
    assert_same_as_fresh(&site, &session, "style.css replaced");

    site.file("static/style.css", "body { color: blue }");
    let update = session.apply(&statics);
    assert_eq!(update.changed, ["style.css"]);
    assert_same_as_fresh(&site, &session, "style.css edited");

    fs::remove_file(&css).unwrap();
    session.apply(&statics);
    assert!(!text(&session, alpha).contains("href=\"../../style.css\""));
    assert_same_as_fresh(&site, &session, "style.css removed");

    let robots = site.root().join("static/robots.txt");
    let statics = Changes {
        statics: [robots.clone()].into(),
        ..Changes::default()
    };
    site.file("static/robots.txt", "User-agent: *\nDisallow: /\n");
    session.apply(&statics);
    assert_eq!(text(&session, "robots.txt"), "User-agent: *\nDisallow: /\n");
    assert_same_as_fresh(&site, &session, "robots.txt of the site");
    fs::remove_file(&robots).unwrap();
    session.apply(&statics);
    assert!(text(&session, "robots.txt").contains("Sitemap: "));
    assert_same_as_fresh(&site, &session, "robots.txt generated again");
}
