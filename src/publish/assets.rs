//! Fingerprinted names for the theme's files: `style.css` is also written as
//! `style.3f2a9c1e.css`, the hash of its bytes in its name, so a host may cache it forever and
//! a new version of the file is a new URL. The default templates load the fingerprinted names
//! through the `asset()` Tera function; the plain names stay, so templates that name
//! `style.css` keep working.
//!
//! Only the built-in theme files and the generated `syntax.css` get fingerprints: their bytes
//! are fixed by the binary and the config. A file of the site's own `static/` folder is
//! published under its own name (replacing a built-in one, it is named as it is), because its
//! bytes change while `serve` runs and a new name would re-render every page. The search index
//! and the card data keep their names too: one edit changes them, and a changed name would
//! re-render every page that loads them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The name of the Tera context value the `asset()` function reads its names from.
pub const CONTEXT_KEY: &str = "__studysite_assets";

/// References between built-in files, as written in them: the fingerprinted copy of the first
/// names the fingerprinted copy of the second.
pub const REFERENCES: &[(&str, &str)] = &[
    ("math.css", "fonts/STIXTwoMath-Regular.woff2"),
    ("search.js", "search-engine.js"),
];

/// Site path → fingerprinted site path, for the files written under both names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AssetNames(BTreeMap<String, String>);

impl AssetNames {
    /// The names for a site whose `static/` folder holds `overridden` (site paths) and whose
    /// code stylesheet is `syntax_css` (`None`: it could not be made).
    pub fn new(overridden: &BTreeSet<String>, syntax_css: Option<&[u8]>) -> AssetNames {
        let mut names = AssetNames::default();
        // Files named by others first, so the others' copies can name them.
        let named: BTreeSet<&str> = REFERENCES.iter().map(|(_, to)| *to).collect();
        let builtins = crate::theme::STATIC_FILES.iter();
        let (leaves, rest): (Vec<_>, Vec<_>) = builtins.partition(|(p, _)| named.contains(p));
        for (path, bytes) in leaves.into_iter().chain(rest) {
            if has_fingerprint(path) && !overridden.contains(path) {
                let copy = names.rewrite(path, bytes);
                names.0.insert(path.to_string(), fingerprinted(path, &copy));
            }
        }
        if let Some(css) = syntax_css
            && !overridden.contains(crate::theme::SYNTAX_CSS)
        {
            let path = crate::theme::SYNTAX_CSS;
            names.0.insert(path.to_string(), fingerprinted(path, css));
        }
        names
    }

    /// The names for a site: its `static/` folder and its configured code themes.
    pub fn of_site(root: &Path, config: &crate::config::Config) -> AssetNames {
        let overridden = static_paths(&root.join("static"), root);
        let md = &config.markdown;
        let css = crate::theme::syntax_css(&md.highlight_theme_light, &md.highlight_theme_dark);
        AssetNames::new(&overridden, css.ok().as_deref().map(str::as_bytes))
    }

    /// The fingerprinted site path of `path`, if it has one.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.0.get(path).map(String::as_str)
    }

    /// Every plain → fingerprinted pair.
    pub fn pairs(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// The bytes of `path`'s fingerprinted copy: the files it names are named by their
    /// fingerprints (those that have one).
    pub fn rewrite(&self, path: &str, bytes: &[u8]) -> Vec<u8> {
        let mut text = bytes.to_vec();
        for (_, to) in REFERENCES.iter().filter(|(from, _)| *from == path) {
            if let Some(name) = self.get(to) {
                text = replace_quoted(&text, to, name);
            }
        }
        text
    }

    /// The files to write for a theme file: its plain name, and its fingerprinted copy.
    pub fn files(&self, path: &str, bytes: Vec<u8>) -> Vec<(String, Vec<u8>)> {
        match self.get(path) {
            Some(name) => {
                let copy = self.rewrite(path, &bytes);
                vec![(path.to_string(), bytes), (name.to_string(), copy)]
            }
            None => vec![(path.to_string(), bytes)],
        }
    }
}

/// Whether a built-in file gets a fingerprinted copy (all but the font's licence).
fn has_fingerprint(path: &str) -> bool {
    !path.ends_with(".txt")
}

/// `style.css` with the hash of `bytes`: `style.3f2a9c1e.css` (8 hex digits of xxh3).
pub fn fingerprinted(path: &str, bytes: &[u8]) -> String {
    let hash = xxhash_rust::xxh3::xxh3_64(bytes) as u32;
    let (dir, name) = match path.rfind('/') {
        Some(i) => path.split_at(i + 1),
        None => ("", path),
    };
    match name.rfind('.') {
        Some(i) if i > 0 => format!("{dir}{}.{hash:08x}{}", &name[..i], &name[i..]),
        _ => format!("{dir}{name}.{hash:08x}"),
    }
}

/// Replaces `"name"` (in double quotes, as the built-in files write the names they load) with
/// `"to"`.
fn replace_quoted(text: &[u8], name: &str, to: &str) -> Vec<u8> {
    let (Ok(text), from) = (std::str::from_utf8(text), format!("\"{name}\"")) else {
        return text.to_vec();
    };
    text.replace(&from, &format!("\"{to}\"")).into_bytes()
}

/// The site paths of a `static/` folder's files, found as the build finds them (hidden files
/// and symlinks leading outside the site left out).
pub fn static_paths(static_dir: &Path, root: &Path) -> BTreeSet<String> {
    if !static_dir.is_dir() {
        return BTreeSet::new();
    }
    let (found, _) = crate::vault::walk::walk(static_dir, &[], root);
    found
        .notes
        .into_iter()
        .map(|(p, _)| p)
        .chain(found.assets.into_keys())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_go_before_the_extension() {
        let name = fingerprinted("style.css", b"body{}");
        assert!(
            name.starts_with("style.") && name.ends_with(".css"),
            "{name}"
        );
        assert_eq!(name.len(), "style.".len() + 8 + ".css".len());
        assert_ne!(name, fingerprinted("style.css", b"body{ }"));
        let font = fingerprinted("fonts/A-B.woff2", b"x");
        assert!(
            font.starts_with("fonts/A-B.") && font.ends_with(".woff2"),
            "{font}"
        );
    }

    #[test]
    fn every_reference_is_written_in_the_file_that_makes_it() {
        for (from, to) in REFERENCES {
            let (_, bytes) = crate::theme::STATIC_FILES
                .iter()
                .find(|(p, _)| p == from)
                .unwrap_or_else(|| panic!("{from} is a built-in file"));
            let text = std::str::from_utf8(bytes).unwrap();
            assert!(
                text.contains(&format!("\"{to}\"")),
                "{from} names \"{to}\" (else its fingerprinted copy would load the plain one)"
            );
        }
    }

    #[test]
    fn a_copy_names_the_fingerprints_of_what_it_loads() {
        let names = AssetNames::new(&BTreeSet::new(), Some(b"pre{}"));
        let engine = names.get("search-engine.js").unwrap().to_string();
        let (_, search) = crate::theme::STATIC_FILES
            .iter()
            .find(|(p, _)| *p == "search.js")
            .unwrap();
        let copy = String::from_utf8(names.rewrite("search.js", search)).unwrap();
        assert!(copy.contains(&format!("\"{engine}\"")));
        assert!(!copy.contains("\"search-engine.js\""));
        assert!(names.get("syntax.css").is_some());
        assert!(names.get("fonts/STIXTwoMath-OFL.txt").is_none());
    }

    #[test]
    fn a_file_the_site_replaces_keeps_its_name_and_is_named_plainly() {
        let overridden: BTreeSet<String> = ["search-engine.js".to_string()].into();
        let names = AssetNames::new(&overridden, None);
        assert_eq!(names.get("search-engine.js"), None);
        let (_, search) = crate::theme::STATIC_FILES
            .iter()
            .find(|(p, _)| *p == "search.js")
            .unwrap();
        let copy = String::from_utf8(names.rewrite("search.js", search)).unwrap();
        assert!(
            copy.contains("\"search-engine.js\""),
            "the site's own engine is loaded"
        );
    }
}
