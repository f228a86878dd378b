//! The URL scheme: where each note, section and attachment ends up, and how relative paths in
//! notes are turned into content paths. Pure string functions, shared by every stage.

/// The longest a slug may be, in bytes; longer ones are cut and end in a hash of the whole,
/// so they stay distinct (file systems refuse names over 255 bytes).
pub const MAX_SLUG: usize = 80;

/// A URL-friendly form of one path component: lower case, letters and digits kept, every run of
/// other characters turned into one `-`. `"EC2 Pricing (2024)"` becomes `ec2-pricing-2024`.
pub fn slugify(component: &str) -> String {
    let mut slug = String::with_capacity(component.len());
    let mut dash = false;
    for c in component.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' || c == '.' {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c);
        } else {
            dash = true;
        }
    }
    // Dots at the ends would make hidden files or `..`; a dash before them is then at an end.
    let slug = slug.trim_matches(['.', '-']).to_string();
    if slug.is_empty() {
        return "_".into();
    }
    if slug.len() <= MAX_SLUG {
        return slug;
    }
    let mut cut = MAX_SLUG - 17;
    while !slug.is_char_boundary(cut) {
        cut -= 1;
    }
    let hash = xxhash_rust::xxh3::xxh3_64(slug.as_bytes());
    format!("{}-{hash:016x}", slug[..cut].trim_end_matches('-'))
}

/// Top-level names of the site that studysite's own pages and files use. A note, folder or
/// attachment that would land on one of them is published beside it instead
/// ([`publish_path`]), with a warning naming both.
pub const RESERVED: &[(&str, &str)] = &[
    ("tags", "the tags pages"),
    ("topics", "the topics pages"),
    ("graph", "the map of notes"),
    ("search", "the search page and index"),
    ("cards", "the flashcard decks"),
    ("vendor", "bundled scripts"),
    ("assets", "the theme's files"),
    ("404.html", "the page-not-found page"),
    ("sitemap.xml", "the sitemap"),
    ("feed.xml", "the feed"),
    ("robots.txt", "the robots file"),
    ("style.css", "the stylesheet"),
    ("syntax.css", "the code stylesheet"),
    ("app.js", "the site script"),
    ("mermaid-init.js", "the diagram script"),
    ("favicon.svg", "the site icon"),
    ("fonts", "the theme's fonts"),
    ("math.css", "the math stylesheet"),
    ("math-copy.js", "the math script"),
    ("cards.js", "the flashcards script"),
    ("fsrs.js", "the flashcards scheduler"),
    ("search.js", "the search script"),
    ("search-engine.js", "the search script"),
    ("index.html", "the home page"),
    ("print.html", "the print page"),
    ("print.css", "the print stylesheet"),
];

/// What a reserved top-level name is used for, if it is one.
pub fn reserved(first: &str) -> Option<&'static str> {
    let first = first.to_lowercase();
    RESERVED
        .iter()
        .find(|(name, _)| *name == first)
        .map(|(_, what)| *what)
}

/// A site path moved off a reserved top-level name: `tags/x/` → `tags-notes/x/`,
/// `style.css` → `style-notes.css`. Returns the path unchanged when it is not reserved, with
/// what the name is reserved for otherwise.
pub fn publish_path(path: &str) -> (String, Option<&'static str>) {
    let (first, rest) = match path.find('/') {
        Some(i) => (&path[..i], &path[i..]),
        None => (path, ""),
    };
    let Some(what) = reserved(first) else {
        return (path.to_string(), None);
    };
    let moved = match first.rsplit_once('.') {
        Some((stem, ext)) if rest.is_empty() => format!("{stem}-notes.{ext}"),
        _ => format!("{first}-notes"),
    };
    (format!("{moved}{rest}"), Some(what))
}

/// The site path of a folder: `Compute/EC2` → `compute/ec2/`; the top folder is `""`.
pub fn folder_path(folder: &str) -> String {
    let mut path = String::new();
    for part in folder.split('/').filter(|p| !p.is_empty()) {
        path.push_str(&slugify(part));
        path.push('/');
    }
    path
}

/// The site path of a note's page: `Compute/EC2 Pricing.md` → `compute/ec2-pricing/`.
pub fn note_path(folder: &str, stem: &str) -> String {
    let mut path = folder_path(folder);
    path.push_str(&slugify(stem));
    path.push('/');
    path
}

/// The file a site path is written to: `a/b/` → `a/b/index.html`.
pub fn page_file(site_path: &str) -> String {
    format!("{site_path}index.html")
}

/// Percent-encodes a path for use in a URL, keeping `/` and unreserved characters.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%20`-style escapes; invalid escapes are kept as written.
pub fn decode_path(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(v) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| path.to_string())
}

/// Joins a relative reference to the folder it was written in and normalises `.` and `..`.
/// Returns `None` when the path climbs out of the content folder. A leading `/` means the
/// content root.
pub fn join(folder: &str, reference: &str) -> Option<String> {
    let mut parts: Vec<&str> = if reference.starts_with('/') {
        Vec::new()
    } else {
        folder.split('/').filter(|p| !p.is_empty()).collect()
    };
    for part in reference.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Whether a link target is a URL with a scheme (`https:`, `mailto:`) or protocol-relative.
pub fn is_external(target: &str) -> bool {
    if target.starts_with("//") {
        return true;
    }
    match target.find(':') {
        Some(i) => {
            let scheme = &target[..i];
            !scheme.is_empty()
                && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !target[..i].contains('/')
                // `C:\notes` is a Windows path, not a URL.
                && scheme.len() > 1
        }
        None => false,
    }
}

/// How one page links to the rest of the site: by relative URLs from where the page is, so the
/// site works under any sub-path and from a folder opened on disk (`file://`). With
/// `index_files`, links to pages end in `index.html`, which `file://` needs (a folder URL
/// there opens a file listing); without, they end in `/` (pretty URLs, for servers).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Links {
    root: String,
    index_files: bool,
}

impl Links {
    /// Links from the page at site path `page` (`ec2/pricing/`, `404.html`, `""` for home).
    pub fn from_page(page: &str, index_files: bool) -> Links {
        let file = if page.is_empty() || page.ends_with('/') {
            format!("{page}index.html")
        } else {
            page.to_string()
        };
        Links {
            root: "../".repeat(file.matches('/').count()),
            index_files,
        }
    }

    /// Links that start from a fixed root (`/notes/`), for pages a host may serve at any URL
    /// (the 404 page).
    pub fn from_root(root: &str, index_files: bool) -> Links {
        Links {
            root: root.to_string(),
            index_files,
        }
    }

    /// The way from this page to the site root: `""`, `../`, `../../` (or the fixed root).
    pub fn root(&self) -> &str {
        &self.root
    }

    /// The URL of a site path (`ec2/pricing/`, `img/a b.png`, `ec2/#spot`) from this page.
    pub fn href(&self, site_path: &str) -> String {
        let (path, fragment) = split_fragment(site_path);
        let mut url = String::with_capacity(self.root.len() + path.len() + 12);
        url.push_str(&self.root);
        url.push_str(&encode_path(path));
        if self.index_files && (path.is_empty() || path.ends_with('/')) {
            url.push_str("index.html");
        } else if url.is_empty() {
            url.push_str("./");
        }
        if let Some(f) = fragment {
            url.push('#');
            url.push_str(f);
        }
        url
    }
}

/// Marks the start of a site path in an `href` or `src` we write: the body of a note is
/// rendered once, with marked paths, and each page that shows it turns the marks into URLs
/// relative to itself ([`Links::resolve`]). pulldown-cmark writes `\u{1}` as `%01`.
pub const MARK: &str = "%01";

/// A site path (`ec2/pricing/#spot`) as a marked URL for HTML we write ourselves.
pub fn marked(site_path: &str) -> String {
    format!("{MARK}{}", encode_site_path(site_path))
}

/// A site path as a marked link destination for pulldown-cmark events (which escape the
/// mark to [`MARK`]).
pub fn marked_dest(site_path: &str) -> String {
    format!("\u{1}{}", encode_site_path(site_path))
}

/// A site path with its fragment, percent-encoded.
fn encode_site_path(site_path: &str) -> String {
    let (path, fragment) = split_fragment(site_path);
    match fragment {
        Some(f) => format!("{}#{}", encode_path(path), encode_fragment(f)),
        None => encode_path(path),
    }
}

/// Percent-encodes what a fragment cannot hold as it is (white space, quotes, `<>`, `%`, …),
/// keeping anchors readable (`^block-id`, letters of any script).
fn encode_fragment(fragment: &str) -> String {
    let mut out = String::with_capacity(fragment.len());
    for c in fragment.chars() {
        if c.is_ascii() && (c <= ' ' || c == '\x7f' || "\"<>`#%{}|\\".contains(c)) {
            out.push_str(&format!("%{:02X}", c as u8));
        } else {
            out.push(c);
        }
    }
    out
}

impl Links {
    /// Turns every marked site path in `html` (see [`MARK`]) into a URL from this page.
    pub fn resolve(&self, html: &str) -> String {
        let needle = "=\"%01";
        if !html.contains(needle) {
            return html.to_string();
        }
        let mut out = String::with_capacity(html.len() + 256);
        let mut rest = html;
        while let Some(at) = rest.find(needle) {
            let start = at + needle.len();
            out.push_str(&rest[..at + 2]);
            let tail = &rest[start..];
            let end = tail.find('"').unwrap_or(tail.len());
            let (path, fragment) = split_fragment(&tail[..end]);
            out.push_str(&self.root);
            out.push_str(path);
            if self.index_files && (path.is_empty() || path.ends_with('/')) {
                out.push_str("index.html");
            } else if self.root.is_empty() && path.is_empty() {
                out.push_str("./");
            }
            if let Some(f) = fragment {
                out.push('#');
                out.push_str(f);
            }
            rest = &tail[end..];
        }
        out.push_str(rest);
        out
    }
}

/// Splits `path#fragment` (a `?query` stays with the path).
pub fn split_fragment(target: &str) -> (&str, Option<&str>) {
    match target.find('#') {
        Some(i) => (&target[..i], Some(&target[i + 1..])),
        None => (target, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_makes_url_friendly_components() {
        assert_eq!(slugify("EC2 Pricing (2024)"), "ec2-pricing-2024");
        assert_eq!(slugify("auto-scaling"), "auto-scaling");
        assert_eq!(slugify("  Spaces  & Symbols!! "), "spaces-symbols");
        assert_eq!(slugify("v1.2 notes"), "v1.2-notes");
        assert_eq!(slugify("Straße"), "straße");
        assert_eq!(slugify("???"), "_");
    }

    #[test]
    fn slugs_never_start_or_end_with_a_dash() {
        assert_eq!(slugify("Draft .."), "draft");
        assert_eq!(slugify(".. draft"), "draft");
        assert_eq!(slugify("İ.."), "i");
        for name in ["Draft ..", ".. draft", "İ..", "a - .", "...-..."] {
            let slug = slugify(name);
            assert_eq!(slugify(&slug), slug, "{name:?} -> {slug:?} is stable");
        }
        assert_eq!(slugify("snake_case"), "snake_case");
    }

    #[test]
    fn note_and_folder_paths() {
        assert_eq!(folder_path(""), "");
        assert_eq!(folder_path("Compute/EC2"), "compute/ec2/");
        assert_eq!(
            note_path("Compute/EC2", "EC2 Pricing"),
            "compute/ec2/ec2-pricing/"
        );
        assert_eq!(note_path("", "index"), "index/");
        assert_eq!(page_file("a/b/"), "a/b/index.html");
        assert_eq!(page_file(""), "index.html");
    }

    #[test]
    fn join_resolves_relative_references() {
        assert_eq!(join("ec2", "pricing.md").as_deref(), Some("ec2/pricing.md"));
        assert_eq!(
            join("ec2/sub", "../ebs/x.md").as_deref(),
            Some("ec2/ebs/x.md")
        );
        assert_eq!(join("ec2", "./a/./b.png").as_deref(), Some("ec2/a/b.png"));
        assert_eq!(join("ec2", "/top.md").as_deref(), Some("top.md"));
        assert_eq!(join("ec2", "../../out.md"), None);
    }

    #[test]
    fn external_targets_are_recognised() {
        for t in ["https://x.io", "mailto:a@b.c", "//cdn.x/y", "tel:+1"] {
            assert!(is_external(t), "{t}");
        }
        for t in [
            "pricing.md",
            "../a.md#b",
            "#anchor",
            "C:\\notes\\a.md",
            "a/b:c.md",
        ] {
            assert!(!is_external(t), "{t}");
        }
    }

    #[test]
    fn encoding_round_trips() {
        assert_eq!(
            encode_path("img/my pic (1).png"),
            "img/my%20pic%20%281%29.png"
        );
        assert_eq!(
            decode_path("img/my%20pic%20%281%29.png"),
            "img/my pic (1).png"
        );
        assert_eq!(decode_path("100%"), "100%");
        assert_eq!(encode_path("é"), "%C3%A9");
    }

    #[test]
    fn long_slugs_are_cut_and_stay_distinct() {
        let a = slugify(&"x".repeat(300));
        let b = slugify(&format!("{}y", "x".repeat(299)));
        assert!(a.len() <= MAX_SLUG && b.len() <= MAX_SLUG, "{a}");
        assert_ne!(a, b);
        let wide = slugify(&"é".repeat(200));
        assert!(wide.len() <= MAX_SLUG, "{wide}");
    }

    #[test]
    fn reserved_names_are_moved_aside() {
        assert_eq!(
            publish_path("tags/x/"),
            ("tags-notes/x/".into(), Some("the tags pages"))
        );
        assert_eq!(publish_path("graph/").0, "graph-notes/");
        assert_eq!(publish_path("style.css").0, "style-notes.css");
        assert_eq!(
            publish_path("img/style.css"),
            ("img/style.css".into(), None)
        );
        assert_eq!(publish_path("tagsx/").1, None);
    }

    #[test]
    fn links_are_relative_to_the_page() {
        let from = |page: &str| Links::from_page(page, false);
        assert_eq!(from("").href("ec2/pricing/"), "ec2/pricing/");
        assert_eq!(from("ec2/pricing/").href("ebs/"), "../../ebs/");
        assert_eq!(from("ec2/pricing/").href(""), "../../");
        assert_eq!(from("").href(""), "./");
        assert_eq!(from("404.html").href("style.css"), "style.css");
        assert_eq!(from("a/").href("img/my pic.png"), "../img/my%20pic.png");
        assert_eq!(from("a/").href("b/#spot-1"), "../b/#spot-1");
        let files = |page: &str| Links::from_page(page, true);
        assert_eq!(files("a/").href("b/#x"), "../b/index.html#x");
        assert_eq!(files("a/").href(""), "../index.html");
        assert_eq!(files("a/").href("x.png"), "../x.png");
        assert_eq!(
            Links::from_root("/notes/", false).href("tags/"),
            "/notes/tags/"
        );
    }

    #[test]
    fn marked_paths_become_relative_urls() {
        let html = format!(
            "<a href=\"{}\">x</a><img src=\"{}\"><a href=\"https://x.io/%01\">",
            marked("ec2/a b/#spot"),
            marked("img/p.png")
        );
        assert_eq!(
            Links::from_page("ebs/gp3/", false).resolve(&html),
            "<a href=\"../../ec2/a%20b/#spot\">x</a><img src=\"../../img/p.png\"><a href=\"https://x.io/%01\">"
        );
        assert_eq!(
            Links::from_page("", true).resolve(&format!("<a href=\"{}\">", marked(""))),
            "<a href=\"index.html\">"
        );
    }

    #[test]
    fn fragments_split_off() {
        assert_eq!(split_fragment("a.md#b"), ("a.md", Some("b")));
        assert_eq!(split_fragment("a.md"), ("a.md", None));
        assert_eq!(split_fragment("#b"), ("", Some("b")));
    }
}
