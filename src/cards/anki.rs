//! Anki's text import format: a tab-separated file with header lines (`#separator:tab`,
//! `#html:true`, the note type, deck, tags and GUID columns), one Anki note per flashcard.
//! GUIDs are the flashcards' stable ids, so importing again updates notes instead of adding
//! them twice. Images become Anki media: `<img src="name.png">`, with the files to copy into
//! Anki's `collection.media` folder listed by [`Export::media`].

use std::collections::BTreeMap;

/// The columns, in order.
pub const COLUMNS: [&str; 6] = ["GUID", "Note type", "Deck", "Front", "Back", "Tags"];

/// One Anki note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnkiNote {
    /// Stable GUID.
    pub guid: String,
    /// `Basic`, `Basic (and reversed card)` or `Cloze`.
    pub notetype: &'static str,
    /// `A::B`.
    pub deck: String,
    /// Front (or the cloze text), as HTML.
    pub front: String,
    /// Back (or the cloze's extra), as HTML.
    pub back: String,
    /// Tags.
    pub tags: Vec<String>,
}

/// An export: the file's text and the media files its notes use (name in Anki → site path).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Export {
    /// The text file.
    pub text: String,
    /// Media names and the content paths of their files.
    pub media: BTreeMap<String, String>,
}

/// A tag as Anki writes it: no spaces, `::` for nesting.
fn anki_tag(tag: &str) -> String {
    tag.split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .replace('/', "::")
}

/// A field on one line: newlines inside `<pre>` become `<br>`, others spaces; tabs are
/// escaped; a field with a quote is quoted (quotes doubled).
pub fn field(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_pre = 0usize;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("<pre") {
            in_pre += 1;
        } else if rest.starts_with("</pre") {
            in_pre = in_pre.saturating_sub(1);
        }
        match c {
            '\n' if in_pre > 0 => out.push_str("<br>"),
            '\n' | '\r' => out.push(' '),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    let out = out.trim().to_string();
    if out.contains('"') {
        format!("\"{}\"", out.replace('"', "\"\""))
    } else {
        out
    }
}

/// Turns `<mark class="cloze" data-c="N" data-hint="H">x</mark>` into `{{cN::x::H}}`.
pub fn cloze_text(html: &str) -> String {
    const OPEN: &str = "<mark class=\"cloze\" data-c=\"";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + OPEN.len()..];
        let Some(tag_end) = after.find('>') else {
            out.push_str(&rest[at..]);
            return out;
        };
        let attrs = &after[..tag_end];
        let number = attrs.split('"').next().unwrap_or("1");
        let hint = attrs
            .split("data-hint=\"")
            .nth(1)
            .and_then(|h| h.split('"').next());
        let body = &after[tag_end + 1..];
        // The matching `</mark>`, counting marks opened inside.
        let mut depth = 1;
        let mut i = 0;
        let mut close = body.len();
        while i < body.len() {
            if body[i..].starts_with("<mark") {
                depth += 1;
            } else if body[i..].starts_with("</mark>") {
                depth -= 1;
                if depth == 0 {
                    close = i;
                    break;
                }
            }
            i += body[i..].chars().next().map_or(1, char::len_utf8);
        }
        out.push_str("{{c");
        out.push_str(number);
        out.push_str("::");
        out.push_str(&cloze_text(&body[..close]));
        if let Some(h) = hint {
            out.push_str("::");
            out.push_str(h);
        }
        out.push_str("}}");
        rest = body.get(close + "</mark>".len()..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Points `<img src>` of the site's own files at Anki media names (file names, made unique
/// with their folders when two differ). `assets` maps root-relative URLs to content paths.
pub fn with_media(
    html: &str,
    base_path: &str,
    assets: &dyn Fn(&str) -> Option<String>,
    media: &mut BTreeMap<String, String>,
) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let needle = " src=\"";
    while let Some(at) = rest.find(needle) {
        let start = at + needle.len();
        out.push_str(&rest[..start]);
        let value_end = rest[start..].find('"').map_or(rest.len(), |e| start + e);
        let value = &rest[start..value_end];
        let local = value
            .strip_prefix(base_path)
            .filter(|v| !v.starts_with('/'))
            .and_then(|v| assets(&crate::paths::decode_path(v)));
        match local {
            Some(path) => out.push_str(&media_name(&path, media)),
            None => out.push_str(value),
        }
        rest = &rest[value_end..];
    }
    out.push_str(rest);
    out
}

fn media_name(path: &str, media: &mut BTreeMap<String, String>) -> String {
    let base = path.rsplit('/').next().unwrap_or(path).to_string();
    let mut name = base.clone();
    if media.get(&name).is_some_and(|p| p != path) {
        name = path.replace('/', "_");
    }
    media.insert(name.clone(), path.to_string());
    name
}

/// The text file for these notes.
pub fn text(notes: &[AnkiNote]) -> String {
    let mut out = String::from(
        "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n",
    );
    out.push_str("#columns:");
    out.push_str(&COLUMNS.join("\t"));
    out.push('\n');
    for n in notes {
        let tags: Vec<String> = n.tags.iter().map(|t| anki_tag(t)).collect();
        let row = [
            field(&n.guid),
            n.notetype.to_string(),
            field(&n.deck),
            field(&n.front),
            field(&n.back),
            field(&tags.join(" ")),
        ];
        out.push_str(&row.join("\t"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloze_marks_become_anki_clozes() {
        let html = "A <mark class=\"cloze\" data-c=\"1\">Sun</mark> and <mark class=\"cloze\" data-c=\"2\" data-hint=\"kind\"><strong>star</strong> <mark>x</mark></mark>.";
        assert_eq!(
            cloze_text(html),
            "A {{c1::Sun}} and {{c2::<strong>star</strong> <mark>x</mark>::kind}}."
        );
    }

    #[test]
    fn fields_stay_on_one_line() {
        assert_eq!(field("<p>a</p>\n<p>b\tc</p>\n"), "<p>a</p> <p>b&#9;c</p>");
        assert_eq!(
            field("<pre><code>x\ny\n</code></pre>"),
            "<pre><code>x<br>y<br></code></pre>"
        );
        assert_eq!(field("<a href=\"x\">"), "\"<a href=\"\"x\"\">\"");
    }

    #[test]
    fn images_become_media_with_unique_names() {
        let mut media = BTreeMap::new();
        let assets = |p: &str| Some(p.to_string());
        let html = with_media(
            "<img src=\"/a/x.png\"><img src=\"/b/x.png\"><img src=\"https://e.org/y.png\">",
            "/",
            &assets,
            &mut media,
        );
        assert_eq!(
            html,
            "<img src=\"x.png\"><img src=\"b_x.png\"><img src=\"https://e.org/y.png\">"
        );
        assert_eq!(media.len(), 2);
    }
}
