//! Math in notes: formulas become MathML at build time with their TeX kept, a price stays text,
//! a broken formula is a warning at its line and shows its source, and only pages with math
//! load the math stylesheet (which ships its own font).

mod common;

use common::{Fixture, text};

const NOTE: &str = "---
title: Storage arithmetic
---
# Storage arithmetic

A gp2 volume gets $3 \\times \\text{GB}$ IOPS, so $\\frac{3000}{3} = 1000$ GB reach the floor.

$$
A = 1 - \\prod_{i=1}^{n} (1 - a_i)
$$

$$
\\begin{bmatrix} 1 & 0 \\\\ 0 & 1 \\end{bmatrix}
\\begin{pmatrix} x \\\\ y \\end{pmatrix}
$$

$$
\\begin{aligned}
c &= 0.10 \\times 730 \\\\
  &= 73
\\end{aligned}
$$

Storage costs $5 and $10 a month, or $5–$10 with snapshots.

Broken: $\\begin{cases} a$ on purpose.
";

fn site() -> Fixture {
    let site = Fixture::new();
    site.note("storage/arithmetic.md", NOTE)
        .note(
            "storage/plain.md",
            "# Plain\n\nNo formulas, only a $ sign.\n",
        )
        .note("storage/embeds.md", "# Embeds\n\n![[arithmetic]]\n");
    site
}

#[test]
fn formulas_become_mathml_with_the_expected_elements() {
    let site = site();
    site.build();
    let page = site.page("storage/arithmetic/");
    let maths = page.all(".note-body math");
    assert_eq!(maths.len(), 5, "two inline, three display");
    assert!(!page.all("math mfrac").is_empty(), "\\frac → <mfrac>");
    assert!(
        !page.all("math munderover").is_empty(),
        "\\prod with limits"
    );
    assert_eq!(page.all(".math-display math[display=block]").len(), 3);
    let tables = page.all("math mtable");
    assert!(tables.len() >= 3, "bmatrix, pmatrix and aligned are tables");
    assert_eq!(
        page.all(".math-display")[2]
            .select(&scraper::Selector::parse("mtr").unwrap())
            .count(),
        2,
        "the `\\\\` inside aligned keeps its two lines"
    );
    let annotations = page.texts("math annotation[encoding='application/x-tex']");
    assert!(
        annotations.iter().any(|a| a == "3 \\times \\text{GB}"),
        "{annotations:?}"
    );
    assert!(
        annotations
            .iter()
            .any(|a| a.contains("0 & 1 \\end{bmatrix}")),
        "the TeX is kept as written: {annotations:?}"
    );
}

#[test]
fn a_currency_line_stays_text() {
    let site = site();
    site.build();
    let page = site.page("storage/arithmetic/");
    let para = page
        .all(".note-body p")
        .into_iter()
        .find(|p| text(p).starts_with("Storage costs"))
        .expect("the prices paragraph");
    assert_eq!(
        text(&para),
        "Storage costs $5 and $10 a month, or $5–$10 with snapshots."
    );
    assert_eq!(
        para.select(&scraper::Selector::parse("math").unwrap())
            .count(),
        0
    );
}

#[test]
fn a_bad_formula_is_a_warning_at_its_line_and_shows_its_source() {
    let site = site();
    let report = site.build();
    assert!(report.succeeded(), "a bad formula does not stop the build");
    let warnings: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("math:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = warnings[0];
    assert_eq!(
        w.file,
        std::path::Path::new("content/storage/arithmetic.md")
    );
    // Line 26 of the file (front matter included); the formula starts at column 9 and the
    // converter points at the end of its input, where `\end{cases}` is missing.
    assert_eq!((w.line, w.col), (26, 25), "{w:?}");
    let page = site.page("storage/arithmetic/");
    assert_eq!(
        page.texts("code.math-error"),
        ["$\\begin{cases} a$"],
        "the source is shown"
    );
    let out = site.cli(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("content/storage/arithmetic.md:26:25:"),
        "check prints file:line:col: {stdout}"
    );
}

#[test]
fn only_pages_with_math_load_the_math_stylesheet_and_it_ships_its_font() {
    let site = site();
    site.build();
    let css_links = |path: &str| site.page(path).attrs("link[rel=stylesheet]", "href");
    assert!(
        css_links("storage/arithmetic/")
            .iter()
            .any(|h| common::plain_name(h).ends_with("math.css"))
    );
    assert!(
        css_links("storage/embeds/")
            .iter()
            .any(|h| common::plain_name(h).ends_with("math.css")),
        "an embedded note brings its formulas"
    );
    assert!(
        !css_links("storage/plain/")
            .iter()
            .any(|h| common::plain_name(h).ends_with("math.css"))
    );
    let css = site.read("math.css");
    assert!(
        css.contains("url(\"fonts/STIXTwoMath-Regular.woff2\")"),
        "{css}"
    );
    assert!(!css.contains("http"), "no font from the network");
    let font = std::fs::read(site.public().join("fonts/STIXTwoMath-Regular.woff2")).unwrap();
    assert_eq!(&font[..4], b"wOF2");
    assert!(
        site.read("fonts/STIXTwoMath-OFL.txt")
            .contains("SIL Open Font License")
    );
}

#[test]
fn double_backslash_in_display_math_is_not_eaten() {
    let site = Fixture::new();
    site.note("m.md", "# M\n\n$$\nx = 1 \\\\\ny = 2\n$$\n");
    site.build_ok();
    let page = site.page("m/");
    assert_eq!(page.all("math mtr").len(), 2, "two lines");
    let annotations: Vec<String> = page
        .all("math annotation")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        annotations,
        ["\nx = 1 \\\\\ny = 2\n"],
        "`\\\\` survives in the TeX"
    );
}

#[test]
fn the_bundled_site_has_a_note_with_math_and_no_math_warnings() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let report = studysite::build(&studysite::BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.path().join("site")),
        ..Default::default()
    })
    .unwrap();
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.message.starts_with("math:"))
    );
    let html = std::fs::read_to_string(
        out.path()
            .join("site/storage/ebs/ebs-arithmetic/index.html"),
    )
    .unwrap();
    let page = common::Page(scraper::Html::parse_document(&html), String::new());
    assert!(page.all(".note-body math").len() >= 8);
    assert!(
        !page.all("math munderover").is_empty(),
        "the products with limits"
    );
    let tip = text(&page.one(".callout"));
    assert!(
        tip.contains("$0.08 per GB-month"),
        "prices stay text: {tip}"
    );
}

/// A vault's `preamble.sty` (what Obsidian's Extended MathJax plugin reads) defines macros for
/// every note; `markdown.math_preamble` names another file; a note's own definition wins; a
/// preamble that does not build is a warning naming it; and serve re-parses every note when
/// the preamble changes, ending as a fresh build.
#[test]
fn a_math_preamble_defines_macros_for_every_note() {
    let site = Fixture::new();
    site.file(
        "content/preamble.sty",
        "% The vault's macros\n\\newcommand{\\R}{\\mathbb{R}}\n\\DeclareMathOperator{\\rk}{rk}\n",
    )
    .note("a.md", "# A\n\nLet $f: \\R \\to \\R$ and $\\rk A$.\n")
    .note(
        "b.md",
        "# B\n\n$\\newcommand{\\R}{\\mathbb{Q}}$ Here $\\R$ is the rationals.\n",
    );
    let report = site.build_ok();
    let math: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("math"))
        .collect();
    assert!(math.is_empty(), "{math:?}");
    let a = site.read("a/index.html");
    assert!(a.contains("ℝ") && a.contains(">rk<"), "{a}");
    assert!(!a.contains("math-error"), "{a}");
    let b = site.read("b/index.html");
    assert!(
        b.contains("ℚ") && !b.contains("ℝ"),
        "the note's own definition wins: {b}"
    );
    // The preamble itself is not published.
    assert!(!site.root().join("public/preamble.sty").exists());

    // Without it, the same note warns.
    std::fs::remove_file(site.root().join("content/preamble.sty")).unwrap();
    let report = site.build();
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("Unknown command")),
        "{:?}",
        report.diagnostics
    );

    // Another file, named in the config; a broken one is a warning naming it.
    site.file(
        "studysite.toml",
        "title = \"T\"\n[markdown]\nmath_preamble = \"tex/m.sty\"\n",
    )
    .file(
        "tex/m.sty",
        "\\newcommand{\\R}{\\mathbb{R}}\n\\DeclareMathOperator{\\rk}{rk}\n",
    );
    let report = site.build_ok();
    assert!(site.read("a/index.html").contains("ℝ"));
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("math"))
    );
    site.file(
        "tex/m.sty",
        "\\newcommand{\\R}{\\mathbb{R}}\n\\newcommand{\\x}[1][0]{#1}\n",
    );
    let report = site.build();
    let w = report
        .diagnostics
        .iter()
        .find(|d| d.message.starts_with("math preamble: definition left out"))
        .expect("a warning about the preamble");
    assert_eq!(w.file, std::path::Path::new("tex/m.sty"));
    assert_eq!(w.line, 2, "{w:?}");
    // The definitions that do build are kept.
    assert!(site.read("a/index.html").contains("ℝ"));
}

#[test]
fn editing_the_math_preamble_while_serving_reparses_every_note() {
    use studysite::session::{Changes, Session};
    let site = Fixture::new();
    site.file("content/preamble.sty", "\\newcommand{\\R}{\\mathbb{R}}\n")
        .note("a.md", "# A\n\nLet $\\R$ be.\n");
    let mut session = Session::open(&site.options()).unwrap();
    let page = |s: &Session| String::from_utf8_lossy(&s.files()["a/index.html"]).to_string();
    assert!(page(&session).contains("ℝ"));
    let preamble = site.root().join("content/preamble.sty");
    std::fs::write(&preamble, "\\newcommand{\\R}{\\mathbb{Q}}\n").unwrap();
    session.apply(&Changes {
        content: [preamble].into_iter().collect(),
        ..Changes::default()
    });
    assert!(page(&session).contains("ℚ"), "{}", page(&session));
    let fresh = Session::open(&site.options()).unwrap();
    assert_eq!(session.files(), fresh.files());
}
