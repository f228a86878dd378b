//! The `names` target: file names, folders, link targets and tags through the URL scheme
//! (`studysite::paths`), with its promises checked: slugs are short, non-empty single
//! components; reserved names are moved off; encoding round-trips; joined paths never climb;
//! a page's links climb exactly to the site root and no further.

use super::Ctx;
use super::mutate::mutate;
use super::rng::Rng;
use studysite::config::normalize_base_url;
use studysite::markdown::{anchors::Slugger, tag_path, wiki_display};
use studysite::paths::{self, Links, MAX_SLUG};
use studysite::vault::NoteId;

const PIECES: &[&str] = &[
    "notes",
    "EC2 Pricing",
    "a",
    "_index",
    "tags",
    "Tags",
    "graph",
    "graph.md",
    "search",
    "404.html",
    "index.html",
    "style.css",
    "Style.CSS",
    "vendor",
    "assets",
    "cards",
    ".",
    "..",
    "...",
    "/",
    "//",
    "\\",
    "%20",
    "%2F",
    "%2e%2e",
    "%",
    "%z",
    "%C3%A9",
    "#",
    "#frag",
    "?q",
    " ",
    "\u{a0}",
    "\u{3000}",
    "\t",
    "\n",
    "\u{0}",
    "\u{1}",
    "%01",
    "é",
    "e\u{301}",
    "İ",
    "ß",
    "ﬃ",
    "日本語",
    "🦀",
    "👩‍👩‍👧",
    "\u{202e}",
    "\u{fffd}",
    "CON",
    "nul.txt",
    "-",
    "--",
    "_",
    "~",
    ".md",
    ".MD",
    ".png",
    "a.b.c",
    ":",
    "C:",
    "https://x",
    "//host",
    "mailto:a",
    "^id",
    "\"",
    "'",
    "<",
    ">",
    "&",
    "|",
    "*",
    "+",
];

/// A few names.
pub fn generate(rng: &mut Rng, ctx: &Ctx) -> Vec<String> {
    (0..rng.range(1, 6)).map(|_| name(rng, ctx)).collect()
}

fn name(rng: &mut Rng, ctx: &Ctx) -> String {
    let mut name = match rng.below(6) {
        0 if !ctx.corpus.names.is_empty() => rng.pick(&ctx.corpus.names).clone(),
        1 => (0..rng.range(0, 40))
            .map(|_| char::from_u32(rng.below(0x3_0000) as u32).unwrap_or('x'))
            .collect(),
        2 => rng.pick(PIECES).repeat(rng.range(20, 300)),
        _ => (0..rng.range(1, 8))
            .map(|_| *rng.pick(PIECES))
            .collect::<Vec<_>>()
            .join(rng.pick_str(&["", "/", " ", "-"])),
    };
    if rng.one_in(3) {
        let n = rng.range(1, 4);
        mutate(rng, &mut name, n, &[]);
    }
    name
}

/// Checks every function of the URL scheme on the names, alone and in pairs.
pub fn check(names: &[String]) -> Result<(), String> {
    let mut slugger = Slugger::new();
    let mut anchors = std::collections::HashSet::new();
    for name in names {
        check_slug(name)?;
        check_path_functions(name)?;
        let anchor = slugger.slug(name);
        if !anchors.insert(anchor.clone()) {
            return Err(format!("Slugger gave {anchor:?} twice"));
        }
        wiki_display(name);
        paths::is_external(name);
        let (path, fragment) = paths::split_fragment(name);
        let whole = match fragment {
            Some(f) => format!("{path}#{f}"),
            None => path.to_string(),
        };
        if whole != *name {
            return Err(format!("split_fragment({name:?}) loses text"));
        }
        let id = NoteId::new(name);
        let _ = (id.folder(), id.stem(), id.is_section_index());
        if let Ok(url) = normalize_base_url(name)
            && normalize_base_url(&url) != Ok(url.clone())
        {
            return Err(format!("normalize_base_url is not stable on {url:?}"));
        }
    }
    for pair in names.windows(2) {
        check_pair(&pair[0], &pair[1])?;
    }
    Ok(())
}

fn check_slug(name: &str) -> Result<(), String> {
    let slug = paths::slugify(name);
    if slug.is_empty() || slug.len() > MAX_SLUG {
        return Err(format!("slugify({name:?}) is {} bytes", slug.len()));
    }
    if slug.contains('/') || slug == "." || slug == ".." {
        return Err(format!(
            "slugify({name:?}) = {slug:?} is not one path component"
        ));
    }
    let again = paths::slugify(&slug);
    if again != slug {
        return Err(format!(
            "slugify is not stable: {name:?} -> {slug:?} -> {again:?}"
        ));
    }
    Ok(())
}

/// Components of a site path we wrote: short, named, never `.` or `..`.
fn check_site_path(what: &str, path: &str) -> Result<(), String> {
    for part in path.split('/').filter(|p| !p.is_empty()) {
        if part == "." || part == ".." || part.len() > MAX_SLUG {
            return Err(format!("{what} has component {part:?}"));
        }
    }
    if path.contains("//") || path.starts_with('/') {
        return Err(format!("{what} = {path:?} has an empty component"));
    }
    Ok(())
}

fn check_path_functions(name: &str) -> Result<(), String> {
    let folder = paths::folder_path(name);
    check_site_path(&format!("folder_path({name:?})"), &folder)?;
    if !(folder.is_empty() || folder.ends_with('/')) {
        return Err(format!(
            "folder_path({name:?}) = {folder:?} does not end in /"
        ));
    }
    let (moved, reserved) = paths::publish_path(name);
    if reserved.is_some() {
        let first = moved.split('/').next().unwrap_or("");
        if paths::reserved(first).is_some() {
            return Err(format!(
                "publish_path({name:?}) = {moved:?} is still reserved"
            ));
        }
    }
    let tags = tag_path(name);
    check_site_path(&format!("tag_path({name:?})"), &tags)?;
    let encoded = paths::encode_path(name);
    if !encoded.is_ascii() {
        return Err(format!("encode_path({name:?}) is not ASCII"));
    }
    let decoded = paths::decode_path(&encoded);
    if decoded != name {
        return Err(format!("decode_path(encode_path({name:?})) = {decoded:?}"));
    }
    paths::decode_path(name);
    Ok(())
}

/// `first` as a folder or page, `second` as what is written in it or linked from it.
fn check_pair(first: &str, second: &str) -> Result<(), String> {
    // Folders come from note paths: no `.` or `..` in them.
    let folder_is_clean = !first.split('/').any(|p| p == "." || p == "..");
    if let Some(joined) = paths::join(first, second).filter(|_| folder_is_clean)
        && joined
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == "..")
        && !joined.is_empty()
    {
        return Err(format!("join({first:?}, {second:?}) = {joined:?}"));
    }
    let page = paths::note_path(first, second);
    check_site_path(&format!("note_path({first:?}, {second:?})"), &page)?;
    let (page, _) = paths::publish_path(&page);
    let target = paths::note_path(second, first);
    for index_files in [false, true] {
        let links = Links::from_page(&page, index_files);
        let depth = page.matches('/').count();
        for site_path in [target.as_str(), "", "img/a b.png"] {
            let href = links.href(site_path);
            let climbs = href.split('/').take_while(|p| *p == "..").count();
            let later = href.split('/').skip(climbs).any(|p| p == "..");
            if climbs != depth || later {
                return Err(format!(
                    "from {page:?} (depth {depth}) href({site_path:?}) = {href:?}"
                ));
            }
            let html = format!("<a href=\"{}\">x</a>", paths::marked(site_path));
            let resolved = links.resolve(&html);
            if resolved != format!("<a href=\"{href}\">x</a>") {
                return Err(format!(
                    "from {page:?} resolve(marked({site_path:?})) = {resolved:?}, href = {href:?}"
                ));
            }
        }
    }
    Ok(())
}
