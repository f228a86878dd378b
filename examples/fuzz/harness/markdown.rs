//! The `markdown` target: one note's text through everything that reads a note alone — front
//! matter, the markdown passes (headings, cards, block ids, tags, callouts, tables, math,
//! code), every way of rendering it under random link resolutions, the mojibake scan and
//! repair, and its mermaid blocks through the diagram renderer with a small budget.

use super::Ctx;
use super::grammar;
use super::mutate::mutate;
use super::rng::{Rng, hash};
use pulldown_cmark::{Event, Tag};
use std::collections::HashSet;
use std::path::Path;
use studysite::markdown::{self, LinkRef, ParseOptions, ParsedNote, Resolution};
use studysite::paths::{self, Links};
use studysite::vault::{fix_mojibake, front_matter, mojibake};
use studysite::{diagrams, markdown::anchors};

/// Texts longer than this are cut (bigger inputs only slow the run down).
const MAX_TEXT: usize = 96 << 10;

/// A note: generated, a real note mutated, or a real note with generated blocks in it.
pub fn generate(rng: &mut Rng, ctx: &Ctx) -> String {
    let notes = &ctx.corpus.notes;
    let mut text = match rng.below(10) {
        0..=3 => grammar::note(rng, &ctx.link_names),
        _ if notes.is_empty() => grammar::note(rng, &ctx.link_names),
        4..=7 => rng.pick(notes).clone(),
        _ => {
            let mut lines: Vec<String> = rng.pick(notes).lines().map(String::from).collect();
            for _ in 0..rng.range(1, 4) {
                let at = rng.below(lines.len() + 1);
                let block = grammar::block(rng, &ctx.link_names, 0);
                lines.splice(at..at, block);
            }
            lines.join("\n")
        }
    };
    let mutations = match rng.below(5) {
        0 => 0,
        1 | 2 => rng.range(1, 3),
        _ => rng.range(1, 12),
    };
    mutate(rng, &mut text, mutations, notes);
    if text.len() > MAX_TEXT {
        text.truncate(text.floor_char_boundary(MAX_TEXT));
    }
    text
}

/// Runs the note through every pass; `Err` is a broken invariant.
pub fn check(text: &str, ctx: &Ctx) -> Result<(), String> {
    let mut rng = Rng::new(hash(text.as_bytes()));
    let (body, offset) = split(text)?;
    // One input in four also gets a preamble made of its own first lines.
    let math_macros = if rng.one_in(4) {
        let head: String = body.lines().take(6).collect::<Vec<_>>().join("\n");
        markdown::preamble_macros(&head).0
    } else {
        Vec::new()
    };
    let options = ParseOptions {
        smart_punctuation: rng.one_in(3),
        highlight_code: rng.one_in(3),
        math_macros: std::sync::Arc::new(math_macros),
    };
    let parsed = markdown::parse(body, offset, &options, &ctx.highlighter);
    check_positions(&parsed, body, offset)?;
    check_structure(&parsed)?;
    render_every_way(&parsed, &mut rng)?;
    for tag in &parsed.tags {
        let path = markdown::tag_path(tag);
        if path.split('/').any(|p| p == ".." || p == ".") {
            return Err(format!("tag path climbs: {tag:?} -> {path:?}"));
        }
    }
    for link in &parsed.links {
        markdown::wiki_display(&link.target);
    }
    for heading in &parsed.headings {
        anchors::github_slug(&heading.text);
    }
    check_mojibake(text)?;
    for diagram in parsed.diagrams.iter().take(2) {
        if let diagrams::Outcome::Svg { svg, .. } = diagrams::draw(&diagram.source, &ctx.diagrams)
            && !svg.contains("<svg")
        {
            return Err("a drawn diagram holds no <svg>".into());
        }
    }
    Ok(())
}

/// Front matter: an error names a line of the file; a body is the rest of the file, after as
/// many lines as the split says.
fn split(text: &str) -> Result<(&str, usize), String> {
    let lines = text.matches('\n').count() + 1;
    match front_matter::split(text) {
        Ok(split) => {
            let unbommed = text.strip_prefix('\u{feff}').unwrap_or(text);
            if !unbommed.ends_with(split.body) {
                return Err("front matter split: the body is not the end of the note".into());
            }
            let before = &unbommed[..unbommed.len() - split.body.len()];
            let newlines = before.matches('\n').count();
            let ok = newlines == split.body_line_offset
                || (split.body.is_empty() && newlines + 1 == split.body_line_offset);
            if !ok {
                return Err(format!(
                    "front matter split: body_line_offset {} but {newlines} lines before the body",
                    split.body_line_offset
                ));
            }
            Ok((split.body, split.body_line_offset))
        }
        Err(e) if e.line == 0 || e.line > lines => Err(format!(
            "front matter error on line {} of a {lines}-line note: {}",
            e.line, e.message
        )),
        Err(_) => Ok((text, 0)),
    }
}

/// Every position reported is a line of the note's file.
fn check_positions(parsed: &ParsedNote, body: &str, offset: usize) -> Result<(), String> {
    let last = offset + body.matches('\n').count() + 1;
    let bad = |what: &str, line: usize| {
        Err(format!(
            "{what} on line {line}, outside the body's lines {}..={last}",
            offset + 1
        ))
    };
    for link in &parsed.links {
        if link.line <= offset || link.line > last || link.col == 0 {
            return bad("a link", link.line);
        }
    }
    for heading in &parsed.headings {
        if heading.line <= offset || heading.line > last {
            return bad("a heading", heading.line);
        }
    }
    for diagram in &parsed.diagrams {
        if diagram.line <= offset || diagram.line > last {
            return bad("a diagram", diagram.line);
        }
    }
    for d in &parsed.diagnostics {
        if d.line != 0 && (d.line <= offset || d.line > last) {
            return bad(&format!("diagnostic {:?}", d.message), d.line);
        }
    }
    Ok(())
}

/// Indexes point at the events they name; anchors are unique on the page.
fn check_structure(parsed: &ParsedNote) -> Result<(), String> {
    let mut anchors = HashSet::new();
    for h in &parsed.headings {
        if !matches!(
            parsed.events.get().get(h.event_index),
            Some(Event::Start(Tag::Heading { .. }))
        ) {
            return Err(format!(
                "heading {:?}: event_index points elsewhere",
                h.text
            ));
        }
        if !anchors.insert(h.anchor.as_str()) {
            return Err(format!("two headings share the anchor {:?}", h.anchor));
        }
        if !(1..=6).contains(&h.level) {
            return Err(format!("heading level {}", h.level));
        }
    }
    for d in &parsed.diagrams {
        if !matches!(parsed.events.get().get(d.event), Some(Event::Html(_))) {
            return Err("a diagram's event index points elsewhere".into());
        }
    }
    Ok(())
}

/// A random resolution, of every kind the link stage produces.
fn resolution(rng: &mut Rng, link: &LinkRef) -> Resolution {
    let paths = [
        "ec2/pricing/",
        "ec2/pricing/#spot",
        "img/a b.png",
        "",
        "#top",
        "tags/x/#^id",
        "日本/ノート/",
    ];
    let url = rng.pick(&paths).to_string();
    match rng.below(7) {
        0 => Resolution::Keep,
        1 => Resolution::Href {
            url,
            text: rng.one_in(2).then(|| link.label.clone()),
        },
        2 => Resolution::Sized {
            src: url,
            alt: link.label.clone(),
            width: rng.next_u64() as u32,
            height: rng.one_in(2).then(|| rng.below(5000) as u32),
        },
        3 => Resolution::Missing {
            reason: format!("no note named {:?} <&\"'>", link.target),
        },
        4 => Resolution::Html(format!("<span class=\"embed\">{}</span>", link.label)),
        5 => Resolution::Block("<div class=\"transclusion\"><p>x</p></div>".into()),
        _ => Resolution::Href {
            url: paths::note_path("Folder", &link.target),
            text: None,
        },
    }
}

/// Every renderer, with links kept, resolved at random, and with fewer resolutions than
/// links; marked paths turn into relative URLs from a random page.
fn render_every_way(parsed: &ParsedNote, rng: &mut Rng) -> Result<(), String> {
    let keep = vec![Resolution::Keep; parsed.links.len()];
    markdown::render(parsed, &keep);
    let random: Vec<Resolution> = parsed.links.iter().map(|l| resolution(rng, l)).collect();
    let html = markdown::render(parsed, &random);
    let short = &random[..random.len() / 2];
    markdown::render(parsed, short);
    markdown::render_embedded(parsed, &random, "e1-", rng.below(7) as u8);
    markdown::render_excerpt(parsed, None, rng.below(400), &random, "x-", 2);
    if !parsed.headings.is_empty() {
        let h = rng.below(parsed.headings.len() + 1);
        markdown::render_section(parsed, h, &random, "s-", rng.below(7) as u8);
        markdown::render_without_heading(parsed, h, short);
        markdown::render_excerpt(parsed, Some(h), rng.below(400), &random, "x-", 2);
    }
    if !parsed.blocks.is_empty() {
        let b = rng.below(parsed.blocks.len() + 1);
        markdown::render_block(parsed, b, &random, "b-", rng.below(7) as u8);
    }
    for card in &parsed.card_scan.candidates {
        markdown::render_part(parsed, card.span, &random);
    }
    if let Some(title) = parsed.first_h1() {
        parsed.title_heading(title);
    }
    let page = rng.pick(&["", "a/", "a/b/c/", "404.html", "日本/x/"]);
    let resolved = Links::from_page(page, rng.one_in(2)).resolve(&html);
    if resolved.contains("=\"%01") {
        return Err("a marked site path is left after Links::resolve".into());
    }
    Ok(())
}

/// The mojibake scan names lines of the text; a repair changes only the lines it lists.
fn check_mojibake(text: &str) -> Result<(), String> {
    let lines = text.lines().count().max(1);
    for d in mojibake::warnings(text, Path::new("note.md")) {
        if d.line == 0 || d.line > lines {
            return Err(format!("mojibake warning on line {} of {lines}", d.line));
        }
    }
    let (repaired, fixes) = fix_mojibake::repair_text(text);
    if fixes.is_empty() && repaired != text {
        return Err("repair_text changed a text it reports no fix for".into());
    }
    Ok(())
}
