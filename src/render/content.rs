//! A note's HTML: its markdown with every link resolved, and embeds (`![[Note#Heading]]`)
//! expanded in place. Embeds are expanded with a stack of what is being embedded, so a cycle
//! becomes a visible notice and a diagnostic instead of endless recursion.

use crate::diagnostics::Diagnostic;
use crate::graph::{Graph, Target};
use crate::markdown::{self, Resolution, escape_html};
use crate::paths;
use crate::site::Site;
use crate::vault::NoteId;
use std::hash::{Hash, Hasher};

/// How deep embeds may nest (an embed inside an embed inside …).
pub const MAX_EMBED_DEPTH: usize = 5;

/// The HTML of a note's body, and the diagnostics found while expanding its embeds. With
/// `without_title`, the level-1 heading the note opens with is left out (the page shows it).
pub fn note_html(
    site: &Site,
    graph: &Graph,
    id: &NoteId,
    without_title: bool,
) -> (String, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut stack = vec![(id.clone(), None)];
    let html = match site.pages.get(id) {
        Some(page) => {
            let resolutions = resolutions(site, graph, id, &mut stack, &mut diagnostics);
            if without_title {
                markdown::render_without_title(&page.parsed, &resolutions)
            } else {
                markdown::render(&page.parsed, &resolutions)
            }
        }
        None => String::new(),
    };
    (html, diagnostics)
}

/// A note's section (or the whole note) as an embed block with a link to its source, for pages
/// that gather sections from many notes.
pub fn section_html(
    site: &Site,
    graph: &Graph,
    id: &NoteId,
    heading: Option<usize>,
) -> (String, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let Some(page) = site.pages.get(id) else {
        return (String::new(), diagnostics);
    };
    let at = (&page.note.file, 0, 0);
    let html = embed(
        site,
        graph,
        id,
        heading,
        at,
        &mut Vec::new(),
        &mut diagnostics,
    );
    (html, diagnostics)
}

/// A key for everything a note's rendered body depends on: its text, where its links point,
/// and (through embeds, transitively) the notes it shows. Two bodies with the same key render
/// the same HTML, so pages can be compared without rendering them.
pub fn content_key(site: &Site, graph: &Graph, id: &NoteId, heading: Option<usize>) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    content_key_into(site, graph, id, heading, &mut hasher, &mut Vec::new());
    hasher.finish()
}

fn content_key_into(
    site: &Site,
    graph: &Graph,
    id: &NoteId,
    heading: Option<usize>,
    h: &mut impl Hasher,
    stack: &mut Stack,
) {
    (id, heading).hash(h);
    let Some(page) = site.pages.get(id) else {
        return;
    };
    if stack.len() > MAX_EMBED_DEPTH || stack.iter().any(|(n, _)| n == id) {
        // A cycle or the depth limit: what is shown then depends on the chain of titles.
        for (n, _) in stack.iter() {
            site.pages.get(n).map(|p| &p.title).hash(h);
        }
        "cut".hash(h);
        return;
    }
    // The body's HTML (diagrams included) follows from its text and the site's settings.
    (&page.note.body, &page.title, &page.path).hash(h);
    let Some(targets) = graph.targets.get(id) else {
        return;
    };
    targets.hash(h);
    stack.push((id.clone(), heading));
    for target in targets {
        if let Target::Transclude { note, heading } = target {
            content_key_into(site, graph, note, *heading, h, stack);
        }
    }
    stack.pop();
}

pub(super) type Stack = Vec<(NoteId, Option<usize>)>;

/// The markdown resolutions of a note's links, with embeds rendered.
pub(super) fn resolutions(
    site: &Site,
    graph: &Graph,
    id: &NoteId,
    stack: &mut Stack,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Resolution> {
    let Some(targets) = graph.targets.get(id) else {
        return Vec::new();
    };
    let page = &site.pages[id];
    targets
        .iter()
        .enumerate()
        .map(|(i, target)| match target {
            Target::Resolved(resolution) => resolution.clone(),
            Target::Transclude { note, heading } => {
                let link = &page.parsed.links[i];
                let at = (&page.note.file, link.line, link.col);
                Resolution::Block(embed(site, graph, note, *heading, at, stack, diagnostics))
            }
        })
        .collect()
}

fn embed(
    site: &Site,
    graph: &Graph,
    note: &NoteId,
    heading: Option<usize>,
    at: (&std::path::PathBuf, usize, usize),
    stack: &mut Stack,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    let Some(page) = site.pages.get(note) else {
        return String::new();
    };
    let anchor = heading.and_then(|h| page.parsed.headings.get(h));
    let mut title = page.title.clone();
    if let Some(h) = anchor {
        title.push_str(" › ");
        title.push_str(&h.text);
    }
    let mut url = format!(
        "{}{}",
        site.config.base_path(),
        paths::encode_path(&page.path)
    );
    if let Some(h) = anchor {
        url.push('#');
        url.push_str(&h.anchor);
    }
    let source = format!(
        "<div class=\"embed-source\"><a href=\"{}\">{}</a></div>",
        escape_html(&url),
        escape_html(&title)
    );
    let cycles = stack
        .iter()
        .any(|(n, h)| n == note && (h.is_none() || *h == heading || heading.is_none()));
    if cycles {
        let mut chain: Vec<String> = stack
            .iter()
            .map(|(n, _)| site.pages[n].title.clone())
            .collect();
        chain.push(page.title.clone());
        let chain = chain.join(" → ");
        diagnostics.push(Diagnostic::warning(
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
    if stack.len() > MAX_EMBED_DEPTH {
        diagnostics.push(Diagnostic::warning(
            at.0,
            at.1,
            at.2,
            format!("embeds nested more than {MAX_EMBED_DEPTH} deep; `{title}` is shown as a link"),
        ));
        return format!(
            "<div class=\"embed embed-error\" role=\"note\">{source}<p>Embeds nested too deeply — open the link to read it.</p></div>\n"
        );
    }
    stack.push((note.clone(), heading));
    let resolutions = resolutions(site, graph, note, stack, diagnostics);
    stack.pop();
    let body = match heading {
        Some(h) => markdown::render_section(&page.parsed, h, &resolutions),
        None => markdown::render_embedded(&page.parsed, &resolutions),
    };
    format!("<div class=\"embed\">{source}<div class=\"embed-body\">{body}</div></div>\n")
}
