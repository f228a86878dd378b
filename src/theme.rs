//! The default theme embedded in the binary: templates, stylesheet, script, and the code
//! highlighting stylesheet generated from the configured syntect themes.

mod code_css;
pub mod contrast;

pub use code_css::{ClassStyle, Surface, class_styles, code_surfaces, colored_classes, syntax_css};

/// Built-in templates by name; a site's `templates/` folder replaces any of them.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("pager.html", include_str!("../templates/pager.html")),
    (
        "breadcrumbs.html",
        include_str!("../templates/breadcrumbs.html"),
    ),
    ("toc.html", include_str!("../templates/toc.html")),
    ("sidebar.html", include_str!("../templates/sidebar.html")),
    ("section.html", include_str!("../templates/section.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("tags.html", include_str!("../templates/tags.html")),
    ("tag.html", include_str!("../templates/tag.html")),
    ("topics.html", include_str!("../templates/topics.html")),
    ("topic.html", include_str!("../templates/topic.html")),
    ("graph.html", include_str!("../templates/graph.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("cards.html", include_str!("../templates/cards.html")),
    ("deck.html", include_str!("../templates/deck.html")),
    ("print.html", include_str!("../templates/print.html")),
    ("meta.html", include_str!("../templates/meta.html")),
];

/// Built-in static files by site path; a site's `static/` folder replaces any of them.
pub const STATIC_FILES: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../static/style.css")),
    ("favicon.svg", include_bytes!("../static/favicon.svg")),
    ("app.js", include_bytes!("../static/app.js")),
    ("search.js", include_bytes!("../static/search.js")),
    (
        "search-engine.js",
        include_bytes!("../static/search-engine.js"),
    ),
    (
        "mermaid-init.js",
        include_bytes!("../static/mermaid-init.js"),
    ),
    ("math.css", include_bytes!("../static/math.css")),
    ("math-copy.js", include_bytes!("../static/math-copy.js")),
    (
        "fonts/STIXTwoMath-Regular.woff2",
        include_bytes!("../static/fonts/STIXTwoMath-Regular.woff2"),
    ),
    (
        "fonts/STIXTwoMath-OFL.txt",
        include_bytes!("../static/fonts/STIXTwoMath-OFL.txt"),
    ),
    ("cards.js", include_bytes!("../static/cards.js")),
    ("fsrs.js", include_bytes!("../static/fsrs.js")),
    ("print.css", include_bytes!("../static/print.css")),
];

/// Whether a built-in file is only needed by pages with formulas (sites without math do not
/// get the math stylesheet and font).
pub fn is_for_math(path: &str) -> bool {
    path.starts_with("math") || path.starts_with("fonts/STIXTwoMath")
}

/// Whether a built-in file is only needed by sites with flashcards.
pub fn is_for_cards(path: &str) -> bool {
    matches!(path, "cards.js" | "fsrs.js")
}

/// The site path of the generated code stylesheet.
pub const SYNTAX_CSS: &str = "syntax.css";

/// The built-in `style.css` (the code stylesheet reads its code background from it).
fn builtin_style_css() -> &'static [u8] {
    STATIC_FILES
        .iter()
        .find(|(path, _)| *path == "style.css")
        .map_or(&[], |(_, bytes)| bytes)
}
