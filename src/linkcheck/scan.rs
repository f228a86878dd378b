//! A small HTML scanner for the link check: the start tags of a page with their attributes and
//! byte offsets. Comments, doctypes and end tags are skipped, and so is the raw text of
//! `<script>`, `<style>`, `<textarea>` and `<title>` (where `<` is not a tag).

use std::borrow::Cow;

/// One start tag. Names are as written (compare them ignoring ASCII case); nothing is copied
/// but a value holding a character reference, so a page's thousands of tags cost little.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartTag<'a> {
    /// The tag name as written.
    pub name: &'a str,
    /// Attributes: name as written, value with character references decoded.
    pub attrs: Vec<(&'a str, Cow<'a, str>)>,
    /// Byte offset of each attribute's value (or name, when it has none) in the page.
    pub offsets: Vec<usize>,
    /// The raw tag, for the tag's own position.
    pub at: &'a str,
}

impl StartTag<'_> {
    /// The value of an attribute (its name in lower case) and where it is, if the tag has it.
    pub fn attr(&self, name: &str) -> Option<(&str, usize)> {
        self.attrs
            .iter()
            .zip(&self.offsets)
            .find(|((n, _), _)| n.eq_ignore_ascii_case(name))
            .map(|((_, v), o)| (v.as_ref(), *o))
    }

    /// Whether the tag is `name` (in lower case).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// Every start tag of a page, in order.
pub fn start_tags(html: &str) -> Vec<StartTag<'_>> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|p| i + p) {
        let rest = &html[lt..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(html.len(), |e| lt + e + 3);
            continue;
        }
        let next = bytes.get(lt + 1).copied().unwrap_or(b' ');
        if !next.is_ascii_alphabetic() {
            // `</x>`, `<!doctype>`, `<?x?>`, or a `<` that is text.
            i = if matches!(next, b'/' | b'!' | b'?') {
                rest.find('>').map_or(html.len(), |e| lt + e + 1)
            } else {
                lt + 1
            };
            continue;
        }
        let (tag, end) = read_tag(html, lt);
        i = end;
        if ["script", "style", "textarea", "title"]
            .iter()
            .any(|raw| tag.is(raw))
        {
            let close = format!("</{}", tag.name);
            i = find_ascii_ci(&html[i..], &close).map_or(html.len(), |p| i + p);
        }
        tags.push(tag);
    }
    tags
}

/// Reads the start tag at `lt` (its `<`); returns it and the offset after its `>`.
fn read_tag(html: &str, lt: usize) -> (StartTag<'_>, usize) {
    let bytes = html.as_bytes();
    let mut i = lt + 1;
    let name_start = i;
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'>' | b'/') {
        i += 1;
    }
    let name = &html[name_start..i];
    let mut attrs = Vec::new();
    let mut offsets = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' {
            break;
        }
        let attr_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'>' | b'=' | b'/')
        {
            i += 1;
        }
        if i == attr_start {
            i += 1;
            continue;
        }
        let attr = &html[attr_start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            attrs.push((attr, Cow::Borrowed("")));
            offsets.push(attr_start);
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let (value, value_at, after) = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let start = i + 1;
                let end = html[start..]
                    .find(q as char)
                    .map_or(html.len(), |p| start + p);
                (&html[start..end], start, (end + 1).min(html.len()))
            }
            _ => {
                let start = i;
                let mut end = i;
                while end < bytes.len() && !bytes[end].is_ascii_whitespace() && bytes[end] != b'>' {
                    end += 1;
                }
                (&html[start..end], start, end)
            }
        };
        attrs.push((attr, decode_entities(value)));
        offsets.push(value_at);
        i = after;
    }
    let end = (i + 1).min(html.len());
    let tag = StartTag {
        name,
        attrs,
        offsets,
        at: &html[lt..end],
    };
    (tag, end)
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    haystack
        .as_bytes()
        .windows(n)
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Decodes the character references an attribute value may hold (`&amp;`, `&#39;`, `&#x2F;`).
fn decode_entities(value: &str) -> Cow<'_, str> {
    if !value.contains('&') {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&s| s <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_tags_and_attributes_are_read_with_any_quoting() {
        let html = r#"<!DOCTYPE html><!-- <a href="no"> --><A HREF='x.html?a=1&amp;b=2' class=c>t</A><img src=y.png alt="a > b"><br/>"#;
        let tags = start_tags(html);
        let names: Vec<&str> = tags.iter().map(|t| t.name).collect();
        assert_eq!(names, ["A", "img", "br"]);
        assert!(tags[0].is("a"));
        assert_eq!(tags[0].attr("href").unwrap().0, "x.html?a=1&b=2");
        assert_eq!(tags[0].attr("class").unwrap().0, "c");
        assert_eq!(tags[1].attr("src").unwrap().0, "y.png");
        assert_eq!(tags[1].attr("alt").unwrap().0, "a > b");
        let (_, at) = tags[1].attr("src").unwrap();
        assert!(html[at..].starts_with("y.png"));
    }

    #[test]
    fn script_and_style_text_is_not_read_as_tags() {
        let html = "<script>if (a<b) { x = '<a href=\"no\">'; }</script><style>a<b{}</STYLE><a href=\"yes\">";
        let hrefs: Vec<String> = start_tags(html)
            .iter()
            .filter_map(|t| t.attr("href").map(|(v, _)| v.to_string()))
            .collect();
        assert_eq!(hrefs, ["yes"]);
    }

    #[test]
    fn text_with_a_lone_less_than_sign_is_text() {
        let tags = start_tags("<p>1 < 2 and 3<4</p><a id=\"x\">");
        assert_eq!(tags.len(), 2);
        assert_eq!(tags[1].attr("id").unwrap().0, "x");
    }

    #[test]
    fn character_references_are_decoded() {
        assert_eq!(decode_entities("a&amp;b&#39;c&#x2F;d&nope"), "a&b'c/d&nope");
    }
}
