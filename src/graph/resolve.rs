//! Resolving one link: wikilinks and embeds the way Obsidian resolves them, markdown links
//! and images by path, each to a [`Target`] with a diagnostic when it does not resolve.

use super::Target;
use super::index::{Index, file_name, strip_md};
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

/// An embed's label: `caption`, `300`, `300x200` or `caption|300`.
fn caption_and_size(label: &str) -> (Option<String>, Option<(u32, Option<u32>)>) {
    let caption = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty());
    if let Some(size) = parse_size(label) {
        return (None, Some(size));
    }
    match label.rsplit_once('|') {
        Some((text, size)) if parse_size(size).is_some() => (caption(text), parse_size(size)),
        _ => (caption(label), None),
    }
}

/// The alternative text of an image embedded without a caption: its file name as words
/// (`cognito-flow.svg` → "Cognito flow").
fn described(name: &str) -> String {
    let file = file_name(name);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let words = stem
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => file.to_string(),
    }
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
        let heading = anchor.as_deref().and_then(|a| index.heading_index(&id, a));
        Resolved::to_note(
            Target::Transclude {
                note: id.clone(),
                heading,
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
    let (caption, size) = if link.has_label {
        caption_and_size(&link.label)
    } else {
        (None, None)
    };
    let target = match (embed, size) {
        (true, Some((width, height))) => Target::Resolved(Resolution::Sized {
            src: url,
            alt: caption.unwrap_or_else(|| described(name)),
            width,
            height,
        }),
        (true, None) => Target::Resolved(Resolution::Href {
            url,
            text: Some(caption.unwrap_or_else(|| described(name))),
        }),
        (false, _) => Target::Resolved(Resolution::Href {
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
        let Some(f) = fragment.filter(|f| !f.is_empty()) else {
            return Resolved::ok(Target::Resolved(Resolution::Keep));
        };
        return match index.resolve_anchor(id, &f) {
            None => Resolved::missing(format!(
                "missing anchor: no heading or id `#{f}` on this page"
            )),
            // A GitHub anchor whose heading has another id here (a template id was in the way).
            Some(real) if real != f => Resolved::ok(Target::Resolved(Resolution::Href {
                url: index.page_url(id, Some(&real)),
                text: None,
            })),
            Some(_) => Resolved::ok(Target::Resolved(Resolution::Keep)),
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
        let mut anchor = None;
        if let Some(f) = fragment.as_deref().filter(|f| !f.is_empty()) {
            match index.resolve_anchor(target, f) {
                Some(real) => anchor = Some(real),
                None => {
                    return Resolved::missing(format!(
                        "missing anchor: `{path_part}` has no heading or id `#{f}`"
                    ));
                }
            }
        }
        let url = index.page_url(target, anchor.as_deref());
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
    fn embeds_take_a_caption_and_a_size() {
        assert_eq!(caption_and_size("300"), (None, Some((300, None))));
        assert_eq!(
            caption_and_size("The flow|400x300"),
            (Some("The flow".into()), Some((400, Some(300))))
        );
        assert_eq!(caption_and_size("A diagram"), (Some("A diagram".into()), None));
        assert_eq!(caption_and_size(" "), (None, None));
    }

    #[test]
    fn images_without_a_caption_are_described_by_their_name() {
        assert_eq!(described("attachments/cognito-flow.svg"), "Cognito flow");
        assert_eq!(described("user_pool diagram.png"), "User pool diagram");
        assert_eq!(described("x.png"), "X");
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
