//! Resolving one link: wikilinks and embeds the way Obsidian resolves them, markdown links
//! and images by path, each to a [`Target`] with a diagnostic when it does not resolve.

use super::index::{Index, file_name, strip_md};
use super::{Part, Target};
use crate::markdown::{LinkKind, LinkRef, Resolution};
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
}

impl Resolved {
    fn ok(target: Target) -> Self {
        Self {
            target,
            diagnostic: None,
            edge: None,
        }
    }

    fn missing(reason: String) -> Self {
        Self {
            target: Target::Resolved(Resolution::Missing {
                reason: reason.clone(),
            }),
            diagnostic: Some((false, reason)),
            edge: None,
        }
    }

    fn to_note(target: Target, note: NoteId, embed: bool) -> Self {
        Self {
            target,
            diagnostic: None,
            edge: Some((note, embed)),
        }
    }

    fn warn(mut self, message: String) -> Self {
        self.diagnostic = Some((false, message));
        self
    }
}

pub(super) fn resolve(index: &Index<'_>, page: &Page, link: &LinkRef) -> Resolved {
    let target = link.target.trim();
    if paths::is_external(target) {
        return Resolved::ok(Target::Resolved(Resolution::Keep));
    }
    if link.wiki {
        resolve_wiki(index, page, link)
    } else {
        resolve_markdown(index, page, link)
    }
}

/// `![[x.png|300]]` and `![[x.png|300x200]]`: a size instead of alt text.
fn parse_size(label: &str) -> Option<(u32, Option<u32>)> {
    let (w, h) = match label.split_once('x') {
        Some((w, h)) => (w, Some(h)),
        None => (label, None),
    };
    let width = w.trim().parse().ok()?;
    let height = match h {
        Some(h) => Some(h.trim().parse().ok()?),
        None => None,
    };
    Some((width, height))
}

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
    // Inside a table, Obsidian writes `[[note\\|label]]`; the escape is not part of the name.
    let target = link.target.trim().trim_end_matches('\\');
    let (name, heading) = match target.split_once('#') {
        Some((n, h)) => (n.trim(), Some(h.trim())),
        None => (target, None),
    };
    let embed = link.kind == LinkKind::Image;
    if !name.is_empty() && !has_note_extension(name) {
        return resolve_attachment(index, page, link, name, embed);
    }
    let (id, others) = if name.is_empty() {
        (page.note.id.clone(), Vec::new())
    } else {
        match index.find_note(name, &page.note.id) {
            Some(found) => found,
            None => return Resolved::missing(format!("broken wikilink: no note named `{name}`")),
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
    let mut resolved = if embed {
        let part = anchor
            .as_deref()
            .map_or(Part::Whole, |a| index.part(&id, a));
        Resolved::to_note(
            Target::Transclude {
                note: id.clone(),
                part,
            },
            id.clone(),
            true,
        )
    } else {
        let text = (!link.has_label).then(|| crate::markdown::wiki_display(target));
        Resolved::to_note(
            Target::Resolved(Resolution::Href {
                url: index.page_url(&id, anchor.as_deref()),
                text,
            }),
            id.clone(),
            false,
        )
    };
    if !others.is_empty() {
        let list: Vec<&str> = std::iter::once(id.as_str())
            .chain(others.iter().map(NoteId::as_str))
            .collect();
        resolved = resolved.warn(format!(
            "ambiguous wikilink `{name}`: matches {}; using `{}` (write the folder, e.g. `[[{}]]`, to choose)",
            list.join(", "),
            id,
            strip_md(id.as_str())
        ));
    }
    resolved
}

fn resolve_attachment(
    index: &Index<'_>,
    page: &Page,
    link: &LinkRef,
    name: &str,
    embed: bool,
) -> Resolved {
    let Some((path, others)) = index.find_asset(name, &page.note.id) else {
        let what = if embed {
            "missing image or attachment"
        } else {
            "broken link: no attachment"
        };
        return Resolved::missing(format!("{what} `{name}`"));
    };
    let url = index.asset_url(path);
    let target = match (
        embed,
        link.has_label.then(|| parse_size(&link.label)).flatten(),
    ) {
        (true, Some((width, height))) => Target::Resolved(Resolution::Sized {
            src: url,
            alt: file_name(name).to_string(),
            width,
            height,
        }),
        _ => Target::Resolved(Resolution::Href {
            url,
            text: (!link.has_label).then(|| file_name(name).to_string()),
        }),
    };
    let resolved = Resolved::ok(target);
    if others.is_empty() {
        return resolved;
    }
    let list: Vec<&str> = std::iter::once(path).chain(others).collect();
    resolved.warn(format!(
        "ambiguous attachment `{name}`: matches {}; using `{path}`",
        list.join(", ")
    ))
}

fn resolve_markdown(index: &Index<'_>, page: &Page, link: &LinkRef) -> Resolved {
    let raw = link.target.trim();
    let (path_part, fragment) = paths::split_fragment(raw);
    let path_part = path_part.split('?').next().unwrap_or("");
    let fragment = fragment.map(paths::decode_path);
    let id = &page.note.id;
    if path_part.is_empty() {
        return match fragment {
            Some(f) if !f.is_empty() && !index.has_anchor(id, &f) => Resolved::missing(format!(
                "missing anchor: no heading or id `#{f}` on this page"
            )),
            _ => Resolved::ok(Target::Resolved(Resolution::Keep)),
        };
    }
    let decoded = paths::decode_path(path_part);
    let Some(joined) = paths::join(id.folder(), &decoded) else {
        return Resolved::missing(format!(
            "broken link: `{path_part}` points outside the content folder"
        ));
    };
    let lower = joined.to_lowercase();
    let is_image = link.kind == LinkKind::Image;
    let note = if decoded.ends_with('/') {
        None
    } else if lower.ends_with(".md") || lower.ends_with(".markdown") {
        index.by_path.get(strip_md(&lower))
    } else if !file_name(&lower).contains('.') {
        // VS Code and Obsidian users sometimes leave `.md` out of relative links.
        index.by_path.get(&lower)
    } else {
        None
    };
    if let Some(target) = note.filter(|_| !is_image) {
        if let Some(f) = fragment.as_deref().filter(|f| !f.is_empty())
            && !index.has_anchor(target, f)
        {
            return Resolved::missing(format!(
                "missing anchor: `{path_part}` has no heading or id `#{f}`"
            ));
        }
        let url = index.page_url(target, fragment.as_deref().filter(|f| !f.is_empty()));
        return Resolved::to_note(
            Target::Resolved(Resolution::Href { url, text: None }),
            target.clone(),
            false,
        );
    }
    if let Some(asset) = index.assets_by_path.get(&lower) {
        let mut url = index.asset_url(asset);
        if let Some(f) = &fragment {
            url.push('#');
            url.push_str(f);
        }
        return Resolved::ok(Target::Resolved(Resolution::Href { url, text: None }));
    }
    let folder = lower.trim_end_matches('/');
    if !is_image && let Some(url) = index.section_url(folder) {
        return Resolved::ok(Target::Resolved(Resolution::Href { url, text: None }));
    }
    let what = if is_image {
        "missing image"
    } else {
        "broken link: no note or file"
    };
    Resolved::missing(format!("{what} `{path_part}`"))
}

#[cfg(test)]
mod tests {
    use super::super::index::shortest_first;
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("300"), Some((300, None)));
        assert_eq!(parse_size("300x200"), Some((300, Some(200))));
        assert_eq!(parse_size("a diagram"), None);
    }

    #[test]
    fn note_like_names() {
        assert!(has_note_extension("Note"));
        assert!(has_note_extension("Note.md"));
        assert!(has_note_extension("v1.2 notes"));
        assert!(!has_note_extension("image.png"));
        assert!(!has_note_extension("doc.pdf"));
    }

    #[test]
    fn shortest_path_sorts_first() {
        let mut v = vec!["a/b/n.md", "n.md", "z/n.md", "a/n.md"];
        v.sort_by(|a, b| shortest_first(a, b));
        assert_eq!(v, ["n.md", "a/n.md", "z/n.md", "a/b/n.md"]);
    }
}
