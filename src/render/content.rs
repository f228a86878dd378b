//! A note's HTML: its markdown with every link resolved, and embeds (`![[Note#Heading]]`)
//! expanded in place. Links to the site are written as marked site paths (see
//! [`crate::paths::MARK`]), so a body is the same HTML whichever page shows it.
//!
//! Embeds are expanded with a stack of what is being embedded, so a cycle becomes a visible
//! notice and a diagnostic instead of endless recursion, and within a budget of bytes per page,
//! so notes that embed each other many times over cannot blow a page up: past the budget an
//! embed is a link, with one warning.

use crate::diagnostics::Diagnostic;
use crate::graph::{Graph, Target};
use crate::markdown::embedded::{self, Part};
use crate::markdown::{self, Resolution, escape_html};
use crate::paths;
use crate::site::Site;
use crate::vault::NoteId;
use std::hash::{Hash, Hasher};

/// How deep embeds may nest (an embed inside an embed inside …).
pub const MAX_EMBED_DEPTH: usize = 5;

/// How many bytes of embedded notes one page may show.
pub const EMBED_BUDGET: usize = 2 << 20;

/// Where a note's links sit on the page being rendered: how much its headings moved, and the
/// heading level of its content before its first heading.
#[derive(Debug, Clone, Copy)]
struct Host {
    shift: i32,
    under: u8,
}

impl Host {
    /// A page's own note: its headings as written, under the page's `h1`.
    const PAGE: Host = Host { shift: 0, under: 1 };

    /// The level of the heading that link `i` of a note sits under, as shown.
    fn level_of(self, levels: &[Option<u8>], i: usize) -> u8 {
        match levels.get(i).copied().flatten() {
            Some(level) => (i32::from(level) + self.shift).clamp(1, 6) as u8,
            None => self.under,
        }
    }
}

/// What is being expanded: the stack of embeds, and what is left of the page's budget.
struct Expansion {
    stack: Vec<(NoteId, Option<usize>)>,
    budget: usize,
    over_budget: bool,
    diagnostics: Vec<Diagnostic>,
}

impl Expansion {
    fn new(id: &NoteId) -> Expansion {
        Expansion {
            stack: vec![(id.clone(), None)],
            budget: EMBED_BUDGET,
            over_budget: false,
            diagnostics: Vec::new(),
        }
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
            let resolutions = resolutions(site, graph, id, Host::PAGE, &mut x);
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

/// The start of a note's section (or of the whole note) as an embed block headed by a link to
/// its source (`<h2>Note › Heading</h2>`, its sub-headings from `h3`), for pages that gather
/// sections from many notes.
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
    let part = heading.map_or(Part::NoteUntitled, Part::SectionBody);
    let at = embedded::place(&page.parsed, part, 2);
    let host = Host {
        shift: at.shift,
        under: 2,
    };
    let resolutions = resolutions(site, graph, id, host, &mut x);
    let (body, cut) = embedded::render_excerpt(&page.parsed, &at, EXCERPT_CHARS, &resolutions);
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
    let mut path = page.path.clone();
    if let Some(h) = heading.and_then(|h| page.parsed.headings.get(h)) {
        path.push('#');
        path.push_str(&h.anchor);
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

/// A note's body shown on another page: its links within the note (`#anchor`) lead to the
/// note's own page, where those anchors are.
fn in_page_links_to(body: &str, page_path: &str) -> String {
    body.replace("href=\"#", &format!("href=\"{}#", paths::marked(page_path)))
}

/// A key for everything a note's rendered body depends on: its text, where its links point,
/// and (through embeds, transitively) the notes it shows. Two bodies with the same key render
/// the same HTML.
pub fn content_key(site: &Site, graph: &Graph, id: &NoteId) -> u64 {
    let mut hasher = crate::hash::Digester::new();
    content_key_into(site, graph, id, None, &mut hasher, &mut Vec::new());
    hasher.finish()
}

fn content_key_into(
    site: &Site,
    graph: &Graph,
    id: &NoteId,
    heading: Option<usize>,
    h: &mut impl Hasher,
    stack: &mut Vec<NoteId>,
) {
    (id, heading).hash(h);
    let Some(page) = site.pages.get(id) else {
        return;
    };
    if stack.len() > MAX_EMBED_DEPTH || stack.contains(id) {
        // A cycle or the depth limit: what is shown then depends on the chain of titles.
        for n in stack.iter() {
            site.pages.get(n).map(|p| &p.title).hash(h);
        }
        "cut".hash(h);
        return;
    }
    // The body's HTML (diagrams included) follows from its text and the site's settings.
    (page.note.source_hash, &page.title, &page.path).hash(h);
    let targets = graph.targets(id);
    targets.hash(h);
    stack.push(id.clone());
    for target in targets {
        if let Target::Transclude { note, heading } = target {
            content_key_into(site, graph, note, *heading, h, stack);
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
    resolutions(site, graph, id, Host::PAGE, &mut x)
}

/// The markdown resolutions of a note's links, with embeds rendered.
fn resolutions(
    site: &Site,
    graph: &Graph,
    id: &NoteId,
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
            Target::Resolved(resolution) => resolution.clone(),
            Target::Transclude { note, heading } => {
                let link = &page.parsed.links[i];
                let at = (&page.note.file, link.line, link.col);
                let under = host.level_of(&levels, i);
                Resolution::Block(embed(site, graph, note, *heading, (at, under), x))
            }
        })
        .collect()
}

fn embed(
    site: &Site,
    graph: &Graph,
    note: &NoteId,
    heading: Option<usize>,
    (at, under): ((&std::path::PathBuf, usize, usize), u8),
    x: &mut Expansion,
) -> String {
    let Some(page) = site.pages.get(note) else {
        return String::new();
    };
    let title = section_title(page, heading);
    let path = section_path(page, heading);
    let source = format!(
        "<div class=\"embed-source\"><a href=\"{}\">{}</a></div>",
        paths::marked(&path),
        escape_html(&title)
    );
    let cycles = x
        .stack
        .iter()
        .any(|(n, h)| n == note && (h.is_none() || *h == heading || heading.is_none()));
    if cycles {
        let mut chain: Vec<String> = x
            .stack
            .iter()
            .map(|(n, _)| site.pages[n].title.clone())
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
    if x.stack.len() > MAX_EMBED_DEPTH {
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
    let part = heading.map_or(Part::Note, Part::Section);
    let placed = embedded::place(&page.parsed, part, under);
    let host = Host {
        shift: placed.shift,
        under,
    };
    x.stack.push((note.clone(), heading));
    let resolutions = resolutions(site, graph, note, host, x);
    x.stack.pop();
    let body = embedded::render(&page.parsed, &placed, &resolutions);
    let body = in_page_links_to(&body, &page.path);
    let html =
        format!("<div class=\"embed\">{source}<div class=\"embed-body\">{body}</div></div>\n");
    x.budget = x.budget.saturating_sub(html.len());
    html
}
