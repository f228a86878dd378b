//! The URL scheme: where each note, section and attachment ends up, and how relative paths in
//! notes are turned into content paths. Pure string functions, shared by every stage.

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
    let slug = slug.trim_matches('.').to_string();
    if slug.is_empty() { "_".into() } else { slug }
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
    fn fragments_split_off() {
        assert_eq!(split_fragment("a.md#b"), ("a.md", Some("b")));
        assert_eq!(split_fragment("a.md"), ("a.md", None));
        assert_eq!(split_fragment("#b"), ("", Some("b")));
    }
}
