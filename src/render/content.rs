//! A note's HTML: its markdown with every link resolved, and embeds (`![[Note#Heading]]`)
//! expanded in place. Links to the site are written as marked site paths (see
//! [`crate::paths::MARK`]), so a body is the same HTML whichever page shows it.
//!
//! Embeds are expanded with a stack of what is being embedded, so a cycle becomes a visible
//! notice and a diagnostic instead of endless recursion, and within a budget of bytes per page,
//! so notes that embed each other many times over cannot blow a page up: past the budget an
//! embed is a link, with one warning.

use crate::diagnostics::Diagnostic;
use crate::graph::{Graph, Part, Target};
use crate::markdown::{self, Resolution, embedded, escape_html};
use crate::paths;
use crate::site::Site;
use crate::vault::NoteId;
use std::hash::{Hash, Hasher};

/// How deep embeds may nest (an embed inside an embed inside …).
pub const MAX_EMBED_DEPTH: usize = 5;

/// How many bytes of embedded notes one page may show.
pub const EMBED_BUDGET: usize = 2 << 20;

/// Where a note's links sit on the page being rendered: how much its headings moved, and the
/// heading level its content before its first heading sits under.
#[derive(Debug, Clone, Copy)]
struct Host {
    shift: i32,
    under: u8,
}

impl Host {
    /// A page's own note: its headings as written, under the page's `h1`.
    const PAGE: Host = Host { shift: 0, under: 1 };

    /// Events `range` of a note shown under a heading of level `under`.
    fn inside(parsed: &markdown::ParsedNote, range: std::ops::Range<usize>, under: u8) -> Host {
        let shift = embedded::shift_for(parsed, range, under);
        Host { shift, under }
    }

    /// The level of the heading that link `i` of a note sits under, as shown.
    fn level_of(self, levels: &[Option<u8>], i: usize) -> u8 {
        match levels.get(i).copied().flatten() {
            Some(level) => ((i32::from(level) + self.shift).clamp(1, 6) as u8).max(self.under),
            None => self.under,
        }
    }
}

/// What is being expanded: the chain of notes shown and the embeds that show them, and what
/// is left of the page's budget.
struct Expansion {
    /// The notes being shown, from the page's own note down to the innermost embed.
    notes: Vec<NoteId>,
    /// The embeds being expanded: the note each is written in and its link's index there.
    links: Vec<(NoteId, usize)>,
    budget: usize,
    over_budget: bool,
    diagnostics: Vec<Diagnostic>,
    /// Embeds shown so far on the page (their footnotes' ids are numbered apart).
    embeds: usize,
}

impl Expansion {
    fn new(id: &NoteId) -> Expansion {
        Expansion {
            notes: vec![id.clone()],
            links: Vec::new(),
            budget: EMBED_BUDGET,
            over_budget: false,
            diagnostics: Vec::new(),
            embeds: 0,
        }
    }
}

/// The links of a note that a part of it shows: those in its events, and in its footnotes.
#[derive(Debug, Clone)]
struct Shown {
    body: std::ops::Range<usize>,
    notes: std::ops::Range<usize>,
}

impl Shown {
    fn of(parsed: &markdown::ParsedNote, part: Part) -> Shown {
        let events = part_events(parsed, part).unwrap_or(0..0);
        Shown {
            body: markdown::links_in(parsed, events),
            notes: markdown::footnote_links(parsed),
        }
    }

    fn contains(&self, link: usize) -> bool {
        self.body.contains(&link) || self.notes.contains(&link)
    }
}

/// The events of a part of a note.
fn part_events(parsed: &markdown::ParsedNote, part: Part) -> Option<std::ops::Range<usize>> {
    match part {
        Part::Whole => Some(0..parsed.body_end()),
        Part::Section(h) => markdown::section_events(parsed, h),
        Part::Block(b) => markdown::block_events(parsed, b),
    }
}

/// The HTML of a note's body, and the diagnostics found while expanding its embeds. With
/// `without`, that heading (the one the page shows as its title) is left out.
pub fn note_html(
    site: &Site,
    graph: &Graph,
    id: &NoteId,
    without: Option<usize>,
) -> (String, Vec<Diagnostic>) {
    let mut x = Expansion::new(id);
    let html = match site.pages.get(id) {
        Some(page) => {
            let shown = Shown::of(&page.parsed, Part::Whole);
            let resolutions = resolutions(site, graph, id, &shown, Host::PAGE, &mut x);
            match without {
                Some(h) => markdown::render_without_heading(&page.parsed, h, &resolutions),
                None => markdown::render(&page.parsed, &resolutions),
            }
        }
        None => String::new(),
    };
    (html, x.diagnostics)
}

/// How much of a section a page that gathers sections from many notes shows, in characters
/// of text: whole blocks up to about this many, then a link to the rest.
pub const EXCERPT_CHARS: usize = 600;

/// The start of a note's section (or of the whole note) as an embed block with a link to its
/// source, for pages that gather sections from many notes.
pub fn section_html(
    site: &Site,
    graph: &Graph,
    id: &NoteId,
    heading: Option<usize>,
) -> (String, Vec<Diagnostic>) {
    let Some(page) = site.pages.get(id) else {
        return (String::new(), Vec::new());
    };
    let mut x = Expansion::new(id);
    let part = heading.map_or(Part::Whole, Part::Section);
    let shown = Shown::of(&page.parsed, part);
    // The page shows the section's title as an `h2`: its content nests under it.
    let host = Host::inside(
        &page.parsed,
        markdown::excerpt_events(&page.parsed, heading),
        2,
    );
    let resolutions = resolutions(site, graph, id, &shown, host, &mut x);
    // Sections of many notes share the page: their footnotes' ids are told apart by note.
    let prefix = format!("s{:x}-", crate::hash::digest(&(id, heading)) & 0xff_ffff);
    let (body, cut) = markdown::render_excerpt(
        &page.parsed,
        heading,
        EXCERPT_CHARS,
        &resolutions,
        &prefix,
        host.under,
    );
    let path = section_path(page, heading);
    let title = section_title(page, heading);
    let more = if cut {
        format!(
            "<p class=\"embed-more\"><a href=\"{}\">Read the rest in {}</a></p>",
            paths::marked(&path),
            escape_html(&page.title)
        )
    } else {
        String::new()
    };
    let html = format!(
        "<div class=\"embed\"><h2 class=\"embed-source\"><a href=\"{}\">{}</a></h2><div class=\"embed-body\">{}</div>{more}</div>\n",
        paths::marked(&path),
        escape_html(&title),
        in_page_links_to(&body, &page.path)
    );
    (html, x.diagnostics)
}

/// The site path of a note's section.
fn section_path(page: &crate::site::Page, heading: Option<usize>) -> String {
    part_path(page, heading.map_or(Part::Whole, Part::Section))
}

/// The site path of a part of a note: its page, at the heading or block.
fn part_path(page: &crate::site::Page, part: Part) -> String {
    let mut path = page.path.clone();
    let anchor = match part {
        Part::Whole => None,
        Part::Section(h) => page.parsed.headings.get(h).map(|h| h.anchor.as_str()),
        Part::Block(b) => page.parsed.blocks.get(b).map(|b| b.id.as_str()),
    };
    if let Some(a) = anchor {
        path.push('#');
        path.push_str(a);
    }
    path
}

/// The title of a note's section: `Note › Heading`.
fn section_title(page: &crate::site::Page, heading: Option<usize>) -> String {
    let mut title = page.title.clone();
    if let Some(h) = heading.and_then(|h| page.parsed.headings.get(h)) {
        title.push_str(" › ");
        title.push_str(&h.text);
    }
    title
}

/// The title of a part of a note (a block is named by its note).
fn part_title(page: &crate::site::Page, part: Part) -> String {
    match part {
        Part::Section(h) => section_title(page, Some(h)),
        Part::Whole | Part::Block(_) => page.title.clone(),
    }
}

/// A note's body shown on another page: its links within the note (`#anchor`) lead to the
/// note's own page, where those anchors are.
/// Footnote links stay: the footnotes are shown with the section.
fn in_page_links_to(body: &str, page_path: &str) -> String {
    let to = format!("href=\"{}#", paths::marked(page_path));
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("href=\"#") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + "href=\"#".len()..];
        if tail.starts_with("fn-") || tail.starts_with("fnref-") {
            out.push_str("href=\"#");
        } else {
            out.push_str(&to);
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// A key for everything a note's rendered body depends on: its text, where its links point,
/// and (through embeds, transitively) the notes it shows. Two bodies with the same key render
/// the same HTML.
pub fn content_key(site: &Site, graph: &Graph, id: &NoteId) -> u64 {
    let mut hasher = crate::hash::Digester::new();
    content_key_into(site, graph, id, Part::Whole, &mut hasher, &mut Vec::new());
    hasher.finish()
}

fn content_key_into(
    site: &Site,
    graph: &Graph,
    id: &NoteId,
    part: Part,
    h: &mut impl Hasher,
    stack: &mut Vec<NoteId>,
) {
    (id, part).hash(h);
    let Some(page) = site.pages.get(id) else {
        return;
    };
    if stack.len() > MAX_EMBED_DEPTH || stack.contains(id) {
        // A note already in the chain adds nothing new (everything it shows, in any part, is
        // in the key already); a cut chain shows the titles along it.
        for n in stack.iter().chain([id]) {
            site.pages
                .get(n)
                .map(|p| (&p.title, p.note.source_hash))
                .hash(h);
        }
        "cut".hash(h);
        return;
    }
    // The body's HTML (diagrams included) follows from its text and the site's settings.
    (page.note.source_hash, &page.title, &page.path).hash(h);
    let (targets, digest) = graph.targets_digested(id);
    digest.hash(h);
    stack.push(id.clone());
    for target in targets {
        if let Target::Transclude { note, part } = target {
            content_key_into(site, graph, note, *part, h, stack);
        }
    }
    stack.pop();
}

/// What a note's body needs loaded on the page that shows it (its embeds included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Needs {
    /// The code stylesheet.
    pub code: bool,
    /// mermaid.js, for diagrams left to the browser.
    pub browser_diagrams: bool,
    /// The math stylesheet and font.
    pub math: bool,
}

impl Needs {
    /// What a note and the notes it embeds (transitively) need.
    pub fn of(site: &Site, graph: &Graph, id: &NoteId) -> Needs {
        let mut needs = Needs::default();
        let mut seen = std::collections::HashSet::new();
        let mut queue = vec![id.clone()];
        while let Some(n) = queue.pop() {
            if !seen.insert(n.clone()) {
                continue;
            }
            let Some(page) = site.pages.get(&n) else {
                continue;
            };
            needs.code |= page.parsed.has_code;
            needs.browser_diagrams |= page.parsed.browser_diagrams;
            needs.math |= page.parsed.has_math;
            for target in graph.targets(&n) {
                if let Target::Transclude { note, .. } = target {
                    queue.push(note.clone());
                }
            }
        }
        needs
    }

    /// Both needs together.
    pub fn with(self, other: Needs) -> Needs {
        Needs {
            code: self.code || other.code,
            browser_diagrams: self.browser_diagrams || other.browser_diagrams,
            math: self.math || other.math,
        }
    }
}

/// The markdown resolutions of a note's links, with embeds rendered, for showing parts of
/// the note elsewhere (its flashcards).
pub(super) fn note_resolutions(site: &Site, graph: &Graph, id: &NoteId) -> Vec<Resolution> {
    let mut x = Expansion::new(id);
    let page = &site.pages[id];
    let within = Shown::of(&page.parsed, Part::Whole);
    resolutions(site, graph, id, &within, Host::PAGE, &mut x)
}

/// The markdown resolutions of a note's links, with the embeds among the links `within`
/// rendered (the others are not shown, so they are left as they are).
fn resolutions(
    site: &Site,
    graph: &Graph,
    id: &NoteId,
    within: &Shown,
    host: Host,
    x: &mut Expansion,
) -> Vec<Resolution> {
    let page = &site.pages[id];
    let targets = graph.targets(id);
    let embeds = targets
        .iter()
        .any(|t| matches!(t, Target::Transclude { .. }));
    let levels = if embeds {
        embedded::link_levels(&page.parsed)
    } else {
        Vec::new()
    };
    targets
        .iter()
        .enumerate()
        .map(|(i, target)| match target {
            _ if !within.contains(i) => Resolution::Keep,
            Target::Resolved(resolution) => resolution.clone(),
            Target::Transclude { note, part } => {
                let link = &page.parsed.links[i];
                let at = (&page.note.file, link.line, link.col);
                let under = host.level_of(&levels, i);
                Resolution::Block(embed(site, graph, (id, i), note, *part, (at, under), x))
            }
        })
        .collect()
}

/// Expands the embed `link` (a note and the index of the link in it) of `part` of `note`.
fn embed(
    site: &Site,
    graph: &Graph,
    link: (&NoteId, usize),
    note: &NoteId,
    part: Part,
    (at, under): ((&std::path::PathBuf, usize, usize), u8),
    x: &mut Expansion,
) -> String {
    let Some(page) = site.pages.get(note) else {
        return String::new();
    };
    let title = part_title(page, part);
    let path = part_path(page, part);
    let source = format!(
        "<div class=\"embed-source\"><a href=\"{}\">{}</a></div>",
        paths::marked(&path),
        escape_html(&title)
    );
    let links = Shown::of(&page.parsed, part);
    // A cycle: what is embedded holds this embed, or one that is being expanded around it.
    let cycles = x
        .links
        .iter()
        .map(|(n, i)| (n, *i))
        .chain([link])
        .any(|(n, i)| n == note && links.contains(i));
    if cycles {
        let mut chain: Vec<String> = x
            .notes
            .iter()
            .map(|n| site.pages[n].title.clone())
            .collect();
        chain.push(page.title.clone());
        let chain = chain.join(" → ");
        x.diagnostics.push(Diagnostic::warning(
            at.0,
            at.1,
            at.2,
            format!("embed cycle: {chain} (the repeated embed is not expanded)"),
        ));
        return format!(
            "<div class=\"embed embed-error\" role=\"note\">{source}<p>Embed cycle: {} — not expanded.</p></div>\n",
            escape_html(&chain)
        );
    }
    if x.notes.len() > MAX_EMBED_DEPTH {
        x.diagnostics.push(Diagnostic::warning(
            at.0,
            at.1,
            at.2,
            format!("embeds nested more than {MAX_EMBED_DEPTH} deep; `{title}` is shown as a link"),
        ));
        return format!(
            "<div class=\"embed embed-error\" role=\"note\">{source}<p>Embeds nested too deeply — open the link to read it.</p></div>\n"
        );
    }
    if x.budget == 0 {
        if !x.over_budget {
            x.over_budget = true;
            x.diagnostics.push(Diagnostic::warning(
                at.0,
                at.1,
                at.2,
                format!(
                    "embeds on this page add up to more than {} MB; from `{title}` on, embeds are shown as links",
                    EMBED_BUDGET >> 20
                ),
            ));
        }
        return format!("<div class=\"embed embed-link\">{source}</div>\n");
    }
    x.notes.push(note.clone());
    x.links.push((link.0.clone(), link.1));
    let shown = part_events(&page.parsed, part).unwrap_or(0..0);
    let host = Host::inside(&page.parsed, shown, under);
    let resolutions = resolutions(site, graph, note, &links, host, x);
    x.links.pop();
    x.notes.pop();
    x.embeds += 1;
    let prefix = format!("e{}-", x.embeds);
    let body = match part {
        Part::Whole => markdown::render_embedded(&page.parsed, &resolutions, &prefix, under),
        Part::Section(h) => markdown::render_section(&page.parsed, h, &resolutions, &prefix, under),
        Part::Block(b) => markdown::render_block(&page.parsed, b, &resolutions, &prefix, under),
    };
    let html =
        format!("<div class=\"embed\">{source}<div class=\"embed-body\">{body}</div></div>\n");
    x.budget = x.budget.saturating_sub(html.len());
    html
}
