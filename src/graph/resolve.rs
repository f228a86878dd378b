//! Resolving one link the way Obsidian resolves it, to a [`Target`] with a diagnostic when it
//! does not resolve. Wikilinks and markdown links alike: a path from the linking note's folder
//! or from the vault's root, else a name (or the end of a path) anywhere in the vault, the
//! nearest one winning; a note name may hold dots (`[[Node.js]]`) and is also looked up among
//! aliases. Embeds show what the file is: a note, an image, audio, video, a PDF or a download.

use super::index::{Index, Named, file_name, strip_md};
use super::media::{self, Embed, Media};
use super::{Part, Target};
use crate::markdown::{LinkKind, LinkRef, Resolution, escape_html};
use crate::paths;
use crate::site::Page;
use crate::vault::NoteId;

/// The outcome of resolving one link.
pub(super) struct Resolved {
    /// What the link becomes.
    pub(super) target: Target,
    /// (is an error, message), when it does not resolve cleanly.
    pub(super) diagnostic: Option<(bool, String)>,
    /// The note it links to or embeds (embeds: `true`), for backlinks.
    pub(super) edge: Option<(NoteId, bool)>,
    /// More names whose coming or going may change what it resolves to (see
    /// [`super::link_key`]).
    pub(super) keys: Vec<String>,
}

impl Resolved {
    fn ok(target: Target) -> Self {
        Self {
            target,
            diagnostic: None,
            edge: None,
            keys: Vec::new(),
        }
    }

    fn resolution(resolution: Resolution) -> Self {
        Self::ok(Target::Resolved(resolution))
    }

    fn missing(reason: String) -> Self {
        Self {
            target: Target::Resolved(Resolution::Missing {
                reason: reason.clone(),
            }),
            diagnostic: Some((false, reason)),
            edge: None,
            keys: Vec::new(),
        }
    }

    fn to_note(target: Target, note: NoteId, embed: bool) -> Self {
        Self {
            target,
            diagnostic: None,
            edge: Some((note, embed)),
            keys: Vec::new(),
        }
    }

    fn warn(mut self, message: String) -> Self {
        self.diagnostic = Some((false, message));
        self
    }

    /// Warns when other candidates were as near as the one chosen.
    fn ambiguous(self, what: &str, name: &str, chosen: &str, others: &[&str]) -> Self {
        if others.is_empty() {
            return self;
        }
        let list: Vec<&str> = std::iter::once(chosen)
            .chain(others.iter().copied())
            .collect();
        let hint = if what == "wikilink" {
            format!(
                " (write the folder, e.g. `[[{}]]`, to choose)",
                strip_md(chosen)
            )
        } else {
            String::new()
        };
        self.warn(format!(
            "ambiguous {what} `{name}`: matches {}; using `{chosen}`{hint}",
            list.join(", ")
        ))
    }
}

pub(super) fn resolve(index: &Index<'_>, page: &Page, link: &LinkRef) -> Resolved {
    let target = link.target.trim();
    if paths::is_external(target) {
        return external(link, target);
    }
    if link.wiki {
        resolve_wiki(index, page, link)
    } else {
        resolve_markdown(index, page, link)
    }
}

/// A link to another site: kept, except an image written with a size (`![250](https://…)`).
fn external(link: &LinkRef, url: &str) -> Resolved {
    if link.kind == LinkKind::Image
        && let (alt, Some((width, height))) = media::alt_and_size(&link.label)
    {
        return Resolved::resolution(Resolution::Sized {
            src: url.to_string(),
            alt: alt.to_string(),
            width,
            height,
        });
    }
    Resolved::resolution(Resolution::Keep)
}

/// Whether a wikilink's name looks like a note's rather than an attachment's (`Note`,
/// `Note.md`, `v1.2 notes`, `board.canvas`), so a note is looked for first.
fn has_note_extension(name: &str) -> bool {
    let file = file_name(name);
    match file.rsplit_once('.') {
        None => true,
        Some((_, ext)) => {
            let ext = ext.to_ascii_lowercase();
            ext == "md" || ext == "markdown" || ext.contains(' ') || ext.len() > 5
        }
    }
}

fn resolve_wiki(index: &Index<'_>, page: &Page, link: &LinkRef) -> Resolved {
    // Inside a table, Obsidian writes `[[note\|label]]`; the escape is not part of the name.
    let target = link.target.trim().trim_end_matches('\\');
    let (name, heading) = match target.split_once('#') {
        Some((n, h)) => (n.trim(), Some(h.trim())),
        None => (target, None),
    };
    let embed = link.kind == LinkKind::Image;
    let from = &page.note.id;
    if let Some(r) = excalidraw(index, link, name, from) {
        return r;
    }
    let note_like = has_note_extension(name);
    if !name.is_empty() && !note_like {
        // An attachment first, then a note whose name has a dot (`[[Node.js]]`, `[[M.2]]`).
        if let Some(found) = index.find_asset(name, from) {
            return attachment(index, link, name, heading, found);
        }
    }
    let (id, others) = if name.is_empty() {
        (from.clone(), Vec::new())
    } else {
        match index.find_note(name, from) {
            Some(found) => found,
            None => return not_a_note(index, link, (name, heading), from, note_like),
        }
    };
    let anchor = match heading {
        Some(h) if !h.is_empty() => match index.find_heading(&id, h) {
            Some(a) => Some(a),
            None => {
                let shown = if name.is_empty() {
                    "this note".to_string()
                } else {
                    format!("`{name}`")
                };
                return Resolved::missing(format!("broken wikilink: {shown} has no heading `{h}`"));
            }
        },
        _ => None,
    };
    let text = (!link.has_label).then(|| crate::markdown::wiki_display(target));
    let others: Vec<&str> = others.iter().map(NoteId::as_str).collect();
    to_note(index, &id, anchor, embed, text).ambiguous("wikilink", name, id.as_str(), &others)
}

/// A wikilink whose name is no note's: a file by that name (`[[board.canvas]]`), prose that
/// only looks like a link (`[[1, 2], [3]]`), or a broken link.
fn not_a_note(
    index: &Index<'_>,
    link: &LinkRef,
    (name, heading): (&str, Option<&str>),
    from: &NoteId,
    note_like: bool,
) -> Resolved {
    if note_like && let Some(found) = index.find_asset(name, from) {
        return attachment(index, link, name, heading, found);
    }
    if link.target.contains([',', ']']) {
        let bang = if link.kind == LinkKind::Image {
            "!"
        } else {
            ""
        };
        let label = if link.has_label {
            format!("|{}", link.label)
        } else {
            String::new()
        };
        let text = format!("{bang}[[{}{label}]]", link.target);
        return Resolved::resolution(Resolution::Html(escape_html(&text)));
    }
    if note_like {
        Resolved::missing(format!("broken wikilink: no note named `{name}`"))
    } else if link.kind == LinkKind::Image {
        Resolved::missing(format!("missing image or attachment `{name}`"))
    } else {
        Resolved::missing(format!("broken link: no attachment `{name}`"))
    }
}

/// A link or embed of a note (or its heading or block).
fn to_note(
    index: &Index<'_>,
    id: &NoteId,
    anchor: Option<String>,
    embed: bool,
    text: Option<String>,
) -> Resolved {
    if embed {
        let part = anchor.as_deref().map_or(Part::Whole, |a| index.part(id, a));
        return Resolved::to_note(
            Target::Transclude {
                note: id.clone(),
                part,
            },
            id.clone(),
            true,
        );
    }
    Resolved::to_note(
        Target::Resolved(Resolution::Href {
            url: index.page_url(id, anchor.as_deref()),
            text,
        }),
        id.clone(),
        false,
    )
}

/// A link to an attachment, or its embed by file type.
fn attachment(
    index: &Index<'_>,
    link: &LinkRef,
    name: &str,
    fragment: Option<&str>,
    (path, others): (&str, Vec<&str>),
) -> Resolved {
    let url = index.asset_url(path);
    let shown = file_name(name).to_string();
    let resolved = if link.kind == LinkKind::Image {
        let label = if link.wiki && !link.has_label {
            ""
        } else {
            link.label.as_str()
        };
        let embed = Embed {
            url: &url,
            name: &shown,
            label,
            fragment,
            wiki: link.wiki,
        };
        Resolved::resolution(media::embed(Media::of(path), &embed))
    } else {
        let mut url = url;
        if let Some(f) = fragment.filter(|f| !f.is_empty()) {
            url.push('#');
            url.push_str(f);
        }
        let text = (link.wiki && !link.has_label).then_some(shown);
        Resolved::resolution(Resolution::Href { url, text })
    };
    resolved.ambiguous("attachment", name, path, &others)
}

/// `[[drawing.excalidraw]]` or `[[drawing]]` of an Excalidraw drawing (its data file is an
/// attachment): shown by the SVG or PNG the plugin exports beside it, else linked as its file.
fn excalidraw(index: &Index<'_>, link: &LinkRef, name: &str, from: &NoteId) -> Option<Resolved> {
    let stem = strip_md(name);
    let base = file_name(stem);
    let named = stem.to_lowercase().ends_with(".excalidraw");
    let data_name = format!("{}.md", base.to_lowercase());
    if !named && !index.assets_by_name.contains_key(&data_name) {
        return None;
    }
    let exports: Vec<String> = media::EXCALIDRAW_EXPORTS
        .iter()
        .map(|ext| format!("{base}{ext}"))
        .collect();
    let mut keys: Vec<String> = exports.iter().map(|e| e.to_lowercase()).collect();
    keys.push(data_name);
    let export = exports.iter().find_map(|e| index.find_asset(e, from));
    let resolution = if let Some((path, _)) = export {
        let url = index.asset_url(path);
        if link.kind == LinkKind::Image {
            let embed = Embed {
                url: &url,
                name: base,
                label: if link.has_label { &link.label } else { "" },
                fragment: None,
                wiki: true,
            };
            media::embed(Media::Image, &embed)
        } else {
            Resolution::Href {
                url,
                text: (!link.has_label).then(|| base.to_string()),
            }
        }
    } else {
        // No export: a link to the drawing's file.
        let (path, _) = index.find_asset(&format!("{stem}.md"), from)?;
        let url = index.asset_url(path);
        if link.kind == LinkKind::Image {
            Resolution::Html(format!(
                "<a class=\"embed-file\" href=\"{}\">{}</a>",
                paths::marked(&url),
                escape_html(base)
            ))
        } else {
            Resolution::Href {
                url,
                text: (!link.has_label).then(|| base.to_string()),
            }
        }
    };
    let mut resolved = Resolved::resolution(resolution);
    resolved.keys = keys;
    Some(resolved)
}

fn resolve_markdown(index: &Index<'_>, page: &Page, link: &LinkRef) -> Resolved {
    let raw = link.target.trim();
    let (path_part, fragment) = paths::split_fragment(raw);
    let path_part = path_part.split('?').next().unwrap_or("");
    let fragment = fragment.map(paths::decode_path);
    let fragment = fragment.as_deref().filter(|f| !f.is_empty());
    let id = &page.note.id;
    let is_image = link.kind == LinkKind::Image;
    if path_part.is_empty() {
        return match fragment {
            Some(f) => match index.find_anchor(id, f) {
                Some(a) if a == f => Resolved::resolution(Resolution::Keep),
                Some(a) => Resolved::resolution(Resolution::Fragment(a)),
                None => Resolved::missing(format!(
                    "missing anchor: no heading or id `#{f}` on this page"
                )),
            },
            None => Resolved::resolution(Resolution::Keep),
        };
    }
    let decoded = paths::decode_path(path_part);
    let (named, outside) = index.find_path(&decoded, id);
    let Some(named) = named.or_else(|| by_name(index, &decoded, id)) else {
        let message = if outside {
            format!("broken link: `{path_part}` points outside the content folder")
        } else if is_image {
            format!("missing image `{path_part}`")
        } else {
            format!("broken link: no note or file `{path_part}`")
        };
        return Resolved::missing(message);
    };
    match named {
        Named::Note(target, others) => {
            let anchor = match fragment {
                Some(f) => match index.find_anchor(&target, f) {
                    Some(a) => Some(a),
                    None => {
                        return Resolved::missing(format!(
                            "missing anchor: `{path_part}` has no heading or id `#{f}`"
                        ));
                    }
                },
                None => None,
            };
            let others: Vec<&str> = others.iter().map(NoteId::as_str).collect();
            to_note(index, &target, anchor, is_image, None).ambiguous(
                "link",
                path_part,
                target.as_str(),
                &others,
            )
        }
        Named::Asset(path, others) => attachment(index, link, &decoded, fragment, (path, others)),
        Named::Folder(url) if !is_image => {
            Resolved::resolution(Resolution::Href { url, text: None })
        }
        Named::Folder(_) => Resolved::missing(format!("missing image `{path_part}`")),
    }
}

/// A markdown link's path that names nothing at that path: a note or file of that name (or
/// ending in that path) anywhere in the vault, as Obsidian's "shortest path" links are.
fn by_name<'a>(index: &Index<'a>, path: &str, from: &NoteId) -> Option<Named<'a>> {
    let mut rooted = path.trim_start_matches('/');
    while let Some(rest) = rooted
        .strip_prefix("./")
        .or_else(|| rooted.strip_prefix("../"))
    {
        rooted = rest;
    }
    let file = file_name(rooted).to_lowercase();
    let note_like = file.ends_with(".md") || file.ends_with(".markdown") || !file.contains('.');
    if note_like && let Some((id, others)) = index.find_note(rooted, from) {
        return Some(Named::Note(id, others));
    }
    index
        .find_asset(rooted, from)
        .map(|(p, others)| Named::Asset(p, others))
}

#[cfg(test)]
mod tests {
    use super::super::index::{distance, normalize, shortest_first};
    use super::*;

    #[test]
    fn note_like_names() {
        assert!(has_note_extension("Note"));
        assert!(has_note_extension("Note.md"));
        assert!(has_note_extension("v1.2 notes"));
        assert!(has_note_extension("board.canvas"));
        assert!(!has_note_extension("image.png"));
        assert!(!has_note_extension("doc.pdf"));
        assert!(!has_note_extension("Node.js"));
    }

    #[test]
    fn shortest_path_sorts_first() {
        let mut v = vec!["a/b/n.md", "n.md", "z/n.md", "a/n.md"];
        v.sort_by(|a, b| shortest_first(a, b));
        assert_eq!(v, ["n.md", "a/n.md", "z/n.md", "a/b/n.md"]);
    }

    #[test]
    fn distance_counts_folders_up_and_down() {
        assert_eq!(distance("a/b", "a/b/n.md"), 0);
        assert_eq!(distance("a/b", "a/n.md"), 1);
        assert_eq!(distance("a/b", "a/c/n.md"), 2);
        assert_eq!(distance("", "x/y/n.md"), 2);
        assert_eq!(distance("a", "n.md"), 1);
    }

    #[test]
    fn headings_compare_as_obsidian_writes_links_to_them() {
        assert_eq!(normalize("compute $X^+$"), normalize("Compute $X +$"));
        assert_eq!(
            normalize("[DHCP](../../dhcp.md) Snooping"),
            normalize("DHCP  snooping")
        );
        assert_eq!(normalize("Step 1: install"), normalize("step 1 install"));
    }
}
