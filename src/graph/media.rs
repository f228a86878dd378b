//! What an embedded file is shown as, by its type: an image (with a size when one is written),
//! an audio or video player, a PDF viewer with a download link, or a download link.

use crate::markdown::{Resolution, escape_html};
use crate::paths;

/// The kinds of file an embed can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// Shown as `<img>`.
    Image,
    /// Played with `<audio controls>`.
    Audio,
    /// Played with `<video controls>`.
    Video,
    /// Shown in the browser's PDF viewer.
    Pdf,
    /// Anything else: a download link.
    File,
}

impl Media {
    /// The kind of a file, by its extension.
    pub fn of(path: &str) -> Media {
        let ext = path
            .rsplit('/')
            .next()
            .and_then(|f| f.rsplit_once('.'))
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp" | "bmp" | "avif" | "ico" | "apng" => {
                Media::Image
            }
            "mp3" | "ogg" | "oga" | "wav" | "m4a" | "flac" | "aac" | "opus" | "3gp" => Media::Audio,
            "mp4" | "webm" | "mov" | "ogv" | "mkv" | "m4v" => Media::Video,
            "pdf" => Media::Pdf,
            _ => Media::File,
        }
    }
}

/// The files the Excalidraw plugin exports a drawing to, after the drawing's name.
pub const EXCALIDRAW_EXPORTS: &[&str] = &[
    ".svg",
    ".png",
    ".light.svg",
    ".dark.svg",
    ".light.png",
    ".dark.png",
];

/// An embed's label as alt text and a size: `250`, `250x100`, `alt|250x100`.
pub fn alt_and_size(label: &str) -> (&str, Option<(u32, Option<u32>)>) {
    let (alt, size) = match label.rsplit_once('|') {
        Some((alt, size)) => (alt.trim(), size),
        None => ("", label),
    };
    match parse_size(size) {
        Some(size) => (alt, Some(size)),
        None => (label.trim(), None),
    }
}

/// `300` or `300x200`.
fn parse_size(text: &str) -> Option<(u32, Option<u32>)> {
    let (w, h) = match text.split_once('x') {
        Some((w, h)) => (w, Some(h)),
        None => (text, None),
    };
    let width = w.trim().parse().ok()?;
    let height = match h {
        Some(h) => Some(h.trim().parse().ok()?),
        None => None,
    };
    Some((width, height))
}

/// How an embedded file is shown.
pub struct Embed<'a> {
    /// Its site path.
    pub url: &'a str,
    /// Its file name.
    pub name: &'a str,
    /// What was written after `|` (a wikilink) or as the alt text (a markdown image).
    pub label: &'a str,
    /// What followed `#`: a PDF's `page=3`; a display hint for other files.
    pub fragment: Option<&'a str>,
    /// Written as a wikilink: the alt text is then the file name when the label gives none.
    pub wiki: bool,
}

/// The alternative text of an image embedded without a caption: its file name as words
/// (`cognito-flow.svg` → "Cognito flow"), not the bare file name a screen reader would spell.
pub fn described_by_name(name: &str) -> String {
    let file = name.rsplit('/').next().unwrap_or(name);
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

/// The resolution that shows an embedded file of this kind.
pub fn embed(media: Media, e: &Embed<'_>) -> Resolution {
    let (alt, size) = alt_and_size(e.label);
    let described;
    let alt = if alt.is_empty() && e.wiki {
        described = described_by_name(e.name);
        described.as_str()
    } else {
        alt
    };
    let url = e.url;
    let src = paths::marked(url);
    let name = escape_html(e.name);
    match media {
        Media::Image => match size {
            Some((width, height)) => Resolution::Sized {
                src: url.to_string(),
                alt: alt.to_string(),
                width,
                height,
            },
            None => Resolution::Href {
                url: url.to_string(),
                text: Some(alt.to_string()),
            },
        },
        Media::Audio => Resolution::Html(format!(
            "<audio class=\"embed-audio\" controls src=\"{src}\"><a href=\"{src}\">{name}</a></audio>"
        )),
        Media::Video => {
            let dims = size.map_or(String::new(), |(w, h)| {
                let h = h.map_or(String::new(), |h| format!(" height=\"{h}\""));
                format!(" width=\"{w}\"{h}")
            });
            Resolution::Html(format!(
                "<video class=\"embed-video\" controls src=\"{src}\"{dims}><a href=\"{src}\">{name}</a></video>"
            ))
        }
        Media::Pdf => {
            let view = match e.fragment.filter(|f| !f.is_empty()) {
                Some(f) => paths::marked(&format!("{url}#{f}")),
                None => src.clone(),
            };
            Resolution::Block(format!(
                "<div class=\"embed embed-pdf\"><object data=\"{view}\" type=\"application/pdf\" width=\"100%\" height=\"600\"><p><a href=\"{src}\">{name}</a></p></object><p class=\"embed-download\"><a href=\"{src}\" download>Download {name}</a></p></div>\n"
            ))
        }
        Media::File => Resolution::Html(format!(
            "<a class=\"embed-file\" href=\"{src}\" download>{name}</a>"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_without_a_caption_are_described_by_their_name() {
        assert_eq!(
            described_by_name("attachments/cognito-flow.svg"),
            "Cognito flow"
        );
        assert_eq!(
            described_by_name("user_pool diagram.png"),
            "User pool diagram"
        );
        assert_eq!(described_by_name("x.png"), "X");
    }

    #[test]
    fn sizes_and_alt_text_parse() {
        assert_eq!(alt_and_size("300"), ("", Some((300, None))));
        assert_eq!(alt_and_size("300x200"), ("", Some((300, Some(200)))));
        assert_eq!(
            alt_and_size("a pic|250x100"),
            ("a pic", Some((250, Some(100))))
        );
        assert_eq!(alt_and_size("a diagram"), ("a diagram", None));
        assert_eq!(alt_and_size("a|b"), ("a|b", None));
    }

    #[test]
    fn files_are_known_by_extension() {
        assert_eq!(Media::of("a/clip.OGG"), Media::Audio);
        assert_eq!(Media::of("film.webm"), Media::Video);
        assert_eq!(Media::of("doc.pdf"), Media::Pdf);
        assert_eq!(Media::of("pic.jpeg"), Media::Image);
        assert_eq!(Media::of("board.canvas"), Media::File);
        assert_eq!(Media::of("README"), Media::File);
    }
}
