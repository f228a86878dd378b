//! Mojibake (UTF-8 once read as Windows-1252): a warning at file:line:col naming the intended
//! text, `check --fix-mojibake` printing the repaired lines without touching the notes, and
//! `--write` repairing them only after a backup copy outside the content folder.

mod common;

use common::Fixture;
use std::fs;

/// What a Windows-1252 round trip does to UTF-8: each byte becomes its code-page character;
/// the five bytes the code page lacks are dropped.
fn mangle(text: &str) -> String {
    const HIGH: &str = "€\u{0}‚ƒ„…†‡ˆ‰Š‹Œ\u{0}Ž\u{0}\u{0}‘’“”•–—˜™š›œ\u{0}žŸ";
    let high: Vec<char> = HIGH.chars().collect();
    text.bytes()
        .filter_map(|b| match b {
            0x80..=0x9F => Some(high[usize::from(b - 0x80)]).filter(|c| *c != '\u{0}'),
            _ => Some(char::from(b)),
        })
        .collect()
}

fn site() -> (Fixture, String) {
    let good = "---\ntitle: IAM keys\n---\n# 🔐 Access keys\n\nRotate them — every 90 days, it’s the café rule.\n\nPlain line.\n";
    let bad = mangle(good);
    let site = Fixture::new();
    site.note("security/keys.md", &bad).note(
        "security/fine.md",
        "# Fine\n\nÉté à Paris, Größe, ações, Zażółć, Привет, 数据, こんにちは 📋.\n",
    );
    (site, bad)
}

#[test]
fn mojibake_is_a_warning_naming_the_intended_text() {
    let (site, _) = site();
    let report = site.build();
    let found: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("mojibake"))
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    let cut = found
        .iter()
        .find(|d| d.message.contains("cut short"))
        .unwrap();
    assert_eq!(
        (cut.line, cut.col),
        (4, 3),
        "the heading's emoji lost its last byte"
    );
    assert!(cut.message.contains("🔐"), "{}", cut.message);
    let repairable = found
        .iter()
        .find(|d| !d.message.contains("cut short"))
        .unwrap();
    assert_eq!(
        repairable.file,
        std::path::Path::new("content/security/keys.md")
    );
    assert_eq!((repairable.line, repairable.col), (6, 13));
    assert!(
        repairable.message.contains("\"â€”\" → \"—\""),
        "{}",
        repairable.message
    );
    assert!(
        repairable.message.contains("→ \"it’s\""),
        "{}",
        repairable.message
    );
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.file.ends_with("fine.md")),
        "text in other languages is not mojibake"
    );
}

#[test]
fn fix_mojibake_prints_repairs_and_writes_nothing() {
    let (site, bad) = site();
    let out = site.cli(&["check", "--fix-mojibake"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("content/security/keys.md:6:"), "{stdout}");
    assert!(
        stdout.contains("+ Rotate them — every 90 days, it’s the café rule."),
        "{stdout}"
    );
    assert!(stdout.contains("cut short"), "{stdout}");
    assert!(stdout.contains("nothing was written"), "{stdout}");
    let note = site.root().join("content/security/keys.md");
    assert_eq!(
        fs::read_to_string(&note).unwrap(),
        bad,
        "the note is untouched"
    );
    assert!(!site.root().join(".studysite-backup").exists());
}

#[test]
fn write_repairs_notes_after_a_backup_outside_the_content() {
    let (site, bad) = site();
    let out = site.cli(&["check", "--fix-mojibake", "--write"]);
    assert!(out.status.success(), "{out:?}");
    let note = site.root().join("content/security/keys.md");
    let fixed = fs::read_to_string(&note).unwrap();
    assert!(
        fixed.contains("Rotate them — every 90 days, it’s the café rule."),
        "{fixed}"
    );
    assert!(
        fixed.contains("# ðŸ” Access keys"),
        "a cut-short sequence is left for the author"
    );
    let backups: Vec<_> = walkdir::WalkDir::new(site.root().join(".studysite-backup"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert!(backups[0].path().ends_with("security/keys.md"));
    assert_eq!(fs::read_to_string(backups[0].path()).unwrap(), bad);
    assert!(
        !site
            .root()
            .join("content/security/keys.md.studysite-tmp")
            .exists()
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("the originals are in .studysite-backup/mojibake-"),
        "{stdout}"
    );
}

#[test]
fn write_needs_fix_mojibake() {
    let (site, _) = site();
    let out = site.cli(&["check", "--write"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
}

#[test]
fn seed_001_heading_is_reported_as_cut_short() {
    let Some(seed) = common::seed("001_") else {
        eprintln!("skipped: shared seeds not beside the checkout");
        return;
    };
    let site = Fixture::new();
    site.note("cognito.md", &seed);
    let report = site.build();
    let heading = report
        .diagnostics
        .iter()
        .find(|d| d.line == 1 && d.message.contains("mojibake"))
        .expect("a warning on the heading");
    assert!(heading.message.contains("cut short"), "{}", heading.message);
}
