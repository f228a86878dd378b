//! The diagram stage, between parse and link: every mermaid block of every note becomes an
//! inline SVG figure drawn at build time; or, per diagram, when the built-in renderer cannot
//! draw it (within its budget), its source, shown as a code block or, when a local mermaid.js
//! is configured, drawn by it in the browser, with a warning saying why; or an error showing
//! the source.
//!
//! Distinct diagrams are rendered in parallel, and each result is cached on disk by a hash of
//! its source, theme and renderer version, so a rebuild renders only what changed.

mod budget;
mod cache;
mod colour;
pub mod compare;
mod flow;
mod html;
mod links;
mod native;
mod normalize;
mod script;
mod self_loops;
mod shape;
mod source;
mod svg;
mod theme;

pub use budget::Budget;
pub use cache::{Cache, hash_hex, user_cache_dir};
pub use native::RENDERER_VERSION;
pub use script::{script_file, script_url};
pub use source::{Header, Invalid, header};
pub use theme::DiagramTheme;

use crate::config::MermaidRenderer;
use crate::diagnostics::Diagnostic;
use crate::markdown::ParsedNote;
use crate::vault::Note;
use pulldown_cmark::Event;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The code that turns a source into a cached result. Its hash is part of every cache key, so
/// any change to it (a fix to the post-processing, say) redraws cached diagrams.
const STAGE_SOURCES: &[&str] = &[
    include_str!("budget.rs"),
    include_str!("colour.rs"),
    include_str!("flow/layered.rs"),
    include_str!("flow/measure.rs"),
    include_str!("flow/mod.rs"),
    include_str!("flow/model.rs"),
    include_str!("flow/nested.rs"),
    include_str!("flow/order.rs"),
    include_str!("flow/output.rs"),
    include_str!("flow/place.rs"),
    include_str!("flow/rank.rs"),
    include_str!("flow/route.rs"),
    include_str!("links.rs"),
    include_str!("mod.rs"),
    include_str!("native.rs"),
    include_str!("normalize.rs"),
    include_str!("self_loops.rs"),
    include_str!("shape.rs"),
    include_str!("source.rs"),
    include_str!("svg.rs"),
    include_str!("theme.rs"),
];

/// The files of this stage whose code does not shape a cached result (the page markup, the
/// script link, the cache itself, and the layout comparison); every other file is in
/// [`STAGE_SOURCES`] (a test checks).
#[cfg(test)]
const NOT_STAGE_SOURCES: &[&str] = &[
    "cache.rs",
    "compare.rs",
    "html.rs",
    "script.rs",
    "flow/quality.rs",
];

/// How diagrams are drawn; the build turns the `[mermaid]` config into this.
#[derive(Debug)]
pub struct DiagramOptions {
    /// Build time (with per-diagram fallback) or always in the browser.
    pub renderer: MermaidRenderer,
    /// Colours.
    pub theme: DiagramTheme,
    /// Where results are cached; `None` renders every diagram every time.
    pub cache: Option<Cache>,
    /// Whether pages can load a mermaid.js (`mermaid.script` is set): then a diagram the
    /// built-in renderer cannot draw is left to it; otherwise its source is shown.
    pub browser_fallback: bool,
    /// How much one diagram may cost.
    pub budget: Budget,
}

impl DiagramOptions {
    /// The options a `[mermaid]` table asks for, with `cache` as the cache.
    pub fn new(config: &crate::config::MermaidConfig, cache: Option<Cache>) -> Self {
        DiagramOptions {
            renderer: config.renderer,
            theme: DiagramTheme::from_config(&config.theme),
            cache,
            browser_fallback: config.script.is_some(),
            budget: config.budget(),
        }
    }
}

/// What happened to one distinct diagram; this is what the cache holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    /// Drawn at build time.
    Svg {
        /// The finished SVG (ids still carry the placeholder prefix).
        svg: String,
        /// Its accessible name.
        label: String,
        /// The rewrites the source needed first.
        normalized: Vec<String>,
    },
    /// Not drawn at build time; `reason` is why the built-in renderer did not draw it (none
    /// when the site asks for the browser). Shown as source, or left to mermaid.js.
    Browser {
        /// The built-in renderer's reason.
        reason: Option<String>,
    },
    /// Not a mermaid diagram.
    Invalid {
        /// What is wrong.
        message: String,
    },
}

/// Counts for the build report, over distinct diagrams.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiagramStats {
    /// Mermaid blocks in all notes.
    pub blocks: usize,
    /// Distinct diagrams among them.
    pub distinct: usize,
    /// Run through the built-in renderer in this build (drawn, or found unfit and left to
    /// mermaid.js), rather than taken from the cache.
    pub rendered: usize,
    /// Taken from the cache.
    pub cached: usize,
    /// Drawn at build time after their source was normalised.
    pub normalized: usize,
    /// Not drawn at build time (shown as source, or left to mermaid.js in the browser).
    pub browser: usize,
    /// Invalid.
    pub invalid: usize,
}

/// The cache key of a diagram; `stage` is the hash of [`STAGE_SOURCES`].
fn key(source: &str, options: &DiagramOptions, stage: &str) -> String {
    hash_hex(&[
        source,
        options.theme.name(),
        &format!("{:?}", options.budget),
        RENDERER_VERSION,
        stage,
        env!("CARGO_PKG_VERSION"),
    ])
}

/// Draws one diagram (no cache involved).
pub fn draw(source: &str, options: &DiagramOptions) -> Outcome {
    let head = match header(source) {
        Ok(h) => h,
        Err(invalid) => {
            return Outcome::Invalid {
                message: invalid.to_string(),
            };
        }
    };
    if options.renderer == MermaidRenderer::Browser {
        return Outcome::Browser { reason: None };
    }
    let normalized = normalize::normalize(source, &head.keyword);
    match native::render(&normalized.source, &options.theme, &options.budget) {
        Ok(drawing) => {
            let finished = svg::finish(&drawing.svg, options.theme.palette(), source);
            let name = head
                .title
                .as_deref()
                .or(drawing.first_label.as_deref())
                .or(finished.first_text.as_deref());
            let label = label(&head, name);
            Outcome::Svg {
                svg: finished.named(&label, head.description.as_deref()),
                label,
                normalized: normalized.changes,
            }
        }
        Err(rejection) => Outcome::Browser {
            reason: Some(rejection.0),
        },
    }
}

/// `Flowchart: Scale-in event` — the kind, and the title or first label.
fn label(head: &Header, name: Option<&str>) -> String {
    match name {
        Some(n) => format!("{}: {n}", head.kind_name),
        None => head.kind_name.to_string(),
    }
}

/// Draws a diagram through the cache. Returns the outcome and whether it came from the cache.
fn draw_cached(key: &str, source: &str, options: &DiagramOptions) -> (Outcome, bool) {
    let cacheable = header(source).is_ok() && options.renderer == MermaidRenderer::Native;
    if let Some(cache) = options.cache.as_ref().filter(|_| cacheable) {
        if let Some(hit) = cache.get(key) {
            return (hit, true);
        }
        let outcome = draw(source, options);
        cache.put(key, &outcome);
        return (outcome, false);
    }
    (draw(source, options), false)
}

/// Renders every diagram of every note and puts the result in place of its block. Warnings
/// (fallbacks) and errors (invalid diagrams), at the fence's line, are added to each note's
/// `diagnostics`. Returns the counts.
pub fn render_all(notes: &mut [(Note, ParsedNote)], options: &DiagramOptions) -> DiagramStats {
    // The stage's code does not change while the process runs: hash it once.
    static STAGE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let stage = STAGE.get_or_init(|| hash_hex(STAGE_SOURCES));
    let keys: Vec<Vec<String>> = notes
        .iter()
        .map(|(_, p)| {
            p.diagrams
                .iter()
                .map(|d| key(&d.source, options, stage))
                .collect()
        })
        .collect();
    let mut distinct: BTreeMap<&str, &str> = BTreeMap::new();
    for ((_, parsed), note_keys) in notes.iter().zip(&keys) {
        for (block, k) in parsed.diagrams.iter().zip(note_keys) {
            distinct.insert(k, &block.source);
        }
    }
    let drawn: HashMap<&str, (Outcome, bool)> = distinct
        .par_iter()
        .map(|(k, source)| (*k, draw_cached(k, source, options)))
        .collect();
    let mut stats = DiagramStats {
        distinct: drawn.len(),
        ..DiagramStats::default()
    };
    for (outcome, from_cache) in drawn.values() {
        match outcome {
            Outcome::Svg { normalized, .. } => {
                stats.normalized += usize::from(!normalized.is_empty());
            }
            Outcome::Browser { .. } => stats.browser += 1,
            Outcome::Invalid { .. } => stats.invalid += 1,
        }
        let drew = !matches!(outcome, Outcome::Invalid { .. })
            && options.renderer == MermaidRenderer::Native;
        if *from_cache {
            stats.cached += 1;
        } else if drew {
            stats.rendered += 1;
        }
    }
    for ((note, parsed), note_keys) in notes.iter_mut().zip(&keys) {
        let mut diagnostics = Vec::new();
        let mut browser = false;
        for (block, k) in parsed.diagrams.iter().zip(note_keys) {
            stats.blocks += 1;
            let Some((outcome, _)) = drawn.get(k.as_str()) else {
                continue;
            };
            let kind = header(&block.source).map(|h| h.keyword).unwrap_or_default();
            let html = match outcome {
                Outcome::Svg { svg, .. } => {
                    html::rendered(svg, &format!("dg{}", &k[..10]), &kind, &block.source)
                }
                Outcome::Browser { reason } => {
                    let shown = if options.browser_fallback {
                        "left to mermaid.js in the browser"
                    } else {
                        "shown as source"
                    };
                    if let Some(reason) = reason {
                        diagnostics.push(Diagnostic::warning(
                            &note.file,
                            block.line,
                            0,
                            format!("mermaid diagram {shown}: {reason}"),
                        ));
                    }
                    if options.browser_fallback {
                        browser = true;
                        html::browser(&kind, &block.source)
                    } else {
                        html::undrawn(reason.as_deref(), &block.source)
                    }
                }
                Outcome::Invalid { message } => {
                    diagnostics.push(Diagnostic::error(
                        &note.file,
                        block.line,
                        0,
                        format!("invalid mermaid diagram: {message}"),
                    ));
                    html::invalid(message, &block.source)
                }
            };
            if let Some(event) = parsed.events.make_mut().get_mut(block.event) {
                *event = Event::Html(html.into());
            }
        }
        parsed.events.pack();
        // Parsing's own warnings (formulas, encoding) come first and stay.
        parsed.diagnostics.extend(diagnostics);
        parsed.browser_diagrams = browser;
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> DiagramOptions {
        DiagramOptions {
            renderer: MermaidRenderer::Native,
            theme: DiagramTheme::Auto,
            cache: None,
            browser_fallback: false,
            budget: Budget::default(),
        }
    }

    #[test]
    fn a_flowchart_is_named_by_its_first_label() {
        let Outcome::Svg { label, svg, .. } =
            draw("flowchart TD\n  A[Scale in] --> B\n", &options())
        else {
            panic!("not drawn")
        };
        assert_eq!(label, "Flowchart: Scale in");
        assert!(svg.contains("aria-label=\"Flowchart: Scale in\""), "{svg}");
    }

    #[test]
    fn a_title_names_the_diagram() {
        let Outcome::Svg { label, .. } = draw(
            "flowchart LR\n  accTitle: Encryption\n  A --> B\n",
            &options(),
        ) else {
            panic!("not drawn")
        };
        assert_eq!(label, "Flowchart: Encryption");
    }

    #[test]
    fn every_file_of_the_stage_is_in_the_cache_key_or_said_not_to_be() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/diagrams");
        for entry in walkdir::WalkDir::new(&dir).into_iter().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let name = path
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(path).unwrap();
            assert!(
                STAGE_SOURCES.contains(&text.as_str())
                    || NOT_STAGE_SOURCES.contains(&name.as_str()),
                "src/diagrams/{name} is in neither STAGE_SOURCES nor NOT_STAGE_SOURCES"
            );
        }
    }

    #[test]
    fn flowchart_drawings_are_byte_identical_run_after_run() {
        let src = "flowchart LR\n  subgraph g [Group]\n    a[One] -->|x| b{Two?}\n  end\n  b --> c & d\n  d -.-> a\n  classDef hot fill:#fde68a\n  class c hot\n";
        let first = draw(src, &options());
        assert!(matches!(first, Outcome::Svg { .. }), "{first:?}");
        for _ in 0..5 {
            assert_eq!(draw(src, &options()), first);
        }
    }

    #[test]
    fn browser_mode_draws_nothing_at_build_time() {
        let options = DiagramOptions {
            renderer: MermaidRenderer::Browser,
            ..options()
        };
        assert_eq!(
            draw("graph TD\nA-->B\n", &options),
            Outcome::Browser { reason: None }
        );
    }

    #[test]
    fn unknown_kinds_are_invalid() {
        assert!(matches!(
            draw("flowhcart TD\nA-->B\n", &options()),
            Outcome::Invalid { .. }
        ));
    }
}
