//! Code blocks: highlighted at build time with syntect into a small fixed set of token classes
//! (see [`super::code_classes`]; the code stylesheet colours them for the light and dark
//! themes), plain escaped code for unknown languages, and mermaid blocks kept as source (with
//! where they are) for the diagram stage, which replaces them.

use super::code_cache::{self, CodeCache};
use super::code_classes::ClassSet;
use super::code_memo::LineMemo;
use super::{Spanned, escape_html};
use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use syntect::parsing::{SyntaxReference, SyntaxSet};

/// How the HTML of a highlighted block starts (pages holding one load the code stylesheet).
pub const HIGHLIGHTED_CODE: &str = "<pre class=\"code highlighted\"";

/// Highlights code. The syntax definitions are loaded once, on the first code block, so sites
/// without code never pay for them (and syntect reads each language's definition only when a
/// block of it comes); each distinct line is parsed once per build; with a cache, blocks
/// highlighted by an earlier build are taken from it.
#[derive(Debug, Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
    cache: Option<CodeCache>,
    memo: LineMemo,
    colored: ClassSet,
    highlighted: AtomicUsize,
    repeated: AtomicUsize,
    cached: AtomicUsize,
}

/// What a highlighter did in one build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HighlightStats {
    /// Blocks highlighted by this build.
    pub highlighted: usize,
    /// Blocks this build had already highlighted (the same code twice).
    pub repeated: usize,
    /// Blocks taken from the cache of an earlier build.
    pub cached: usize,
}

impl Highlighter {
    /// A highlighter that reuses (and updates) the cache in the folder `dir`.
    pub fn with_cache(dir: PathBuf) -> Highlighter {
        Highlighter {
            cache: Some(CodeCache::open(dir)),
            ..Highlighter::default()
        }
    }

    /// Writes only the classes the stylesheet colours (see `theme::colored_classes`): spans
    /// of other classes would change nothing on the page.
    pub fn coloring(mut self, colored: ClassSet) -> Highlighter {
        self.colored = colored;
        self
    }

    /// Whether each distinct line is parsed once per build (the default) or every time (to
    /// measure what the memo saves).
    pub fn remembering_lines(mut self, on: bool) -> Highlighter {
        self.memo = LineMemo::new(on);
        self
    }

    /// Writes the cache back, if there is one and it changed.
    pub fn save_cache(&self) -> std::io::Result<()> {
        self.cache.as_ref().map_or(Ok(()), CodeCache::save)
    }

    /// How many blocks were highlighted, and how many came from the cache.
    pub fn stats(&self) -> HighlightStats {
        HighlightStats {
            highlighted: self.highlighted.load(Ordering::Relaxed),
            repeated: self.repeated.load(Ordering::Relaxed),
            cached: self.cached.load(Ordering::Relaxed),
        }
    }

    fn syntaxes(&self) -> &SyntaxSet {
        self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines)
    }

    /// Whether the syntax definitions have been loaded (for tests and timing).
    pub fn is_loaded(&self) -> bool {
        self.syntaxes.get().is_some()
    }

    fn find(&self, lang: &str) -> Option<&SyntaxReference> {
        let set = self.syntaxes();
        let lang = alias(lang);
        set.find_syntax_by_token(lang)
            .or_else(|| set.find_syntax_by_name(lang))
    }

    /// Highlighted HTML for the code (the inside of `<code>`), or `None` when the language is
    /// not known.
    pub fn highlight(&self, code: &str, lang: &str) -> Option<String> {
        if is_plain(lang) || bracket_depth(code) > MAX_BRACKET_DEPTH {
            return None;
        }
        let key = code_cache::key(alias(lang), code, self.colored);
        if let Some((html, earlier)) = self.cache.as_ref().and_then(|c| c.get(key)) {
            let counter = if earlier {
                &self.cached
            } else {
                &self.repeated
            };
            counter.fetch_add(1, Ordering::Relaxed);
            return Some(html);
        }
        let syntax = self.find(lang)?;
        let html =
            super::code_html::highlight(code, syntax, self.syntaxes(), &self.memo, self.colored)?;
        self.highlighted.fetch_add(1, Ordering::Relaxed);
        if let Some(cache) = &self.cache {
            cache.put(key, &html);
        }
        Some(html)
    }
}

/// Code nested deeper than this in brackets is shown without highlighting. syntect 5.3 never
/// returns from a line of JavaScript (or TypeScript, TSX) once about 32 arrow functions are
/// open around it (`f(() => {` on 16 lines, `() => {` on 32), so code this deep is not given
/// to it; real code rarely nests past a dozen.
const MAX_BRACKET_DEPTH: usize = 24;

/// How deep `(`, `[` and `{` nest in `code`, each closed only by its own kind (strings and
/// comments included: a guess that only errs towards plain code). Counting them apart matters:
/// lines of `if (x];` never close their `(`, and syntect spins on those too (found by fuzzing).
fn bracket_depth(code: &str) -> usize {
    let mut open = [0usize; 3];
    let mut deepest = 0;
    for b in code.bytes() {
        let (kind, opens) = match b {
            b'(' => (0, true),
            b'[' => (1, true),
            b'{' => (2, true),
            b')' => (0, false),
            b']' => (1, false),
            b'}' => (2, false),
            _ => continue,
        };
        if opens {
            open[kind] += 1;
            deepest = deepest.max(open.iter().sum());
        } else {
            open[kind] = open[kind].saturating_sub(1);
        }
    }
    deepest
}

/// Names people write after the fence that syntect knows under another token.
fn alias(lang: &str) -> &str {
    match lang {
        "shell" | "zsh" | "console" | "terminal" | "shell-session" => "bash",
        "ts" | "typescript" | "tsx" | "jsx" | "javascript" => "js",
        "yml" => "yaml",
        "py" | "python3" => "python",
        "c++" => "cpp",
        "golang" => "go",
        "rs" => "rust",
        other => other,
    }
}

fn is_plain(lang: &str) -> bool {
    matches!(lang, "" | "text" | "txt" | "plain" | "plaintext")
}

/// A mermaid block as parsing found it: the diagram stage renders it and replaces its event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramBlock {
    /// The diagram's source, as written between the fences.
    pub source: String,
    /// The file line of the opening fence.
    pub line: usize,
    /// The index in [`super::ParsedNote::events`] of the block's HTML event.
    pub event: usize,
    /// Byte offset of the fence in the body (ties the block to its event while passes run).
    pub(super) offset: usize,
}

/// The text of a code block that is not a diagram, for the search index (which gives code a
/// lower weight than prose).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeText {
    /// The code, as written between the fences.
    pub text: String,
    /// The index in [`super::ParsedNote::events`] of the block's HTML event.
    pub event: usize,
    /// Byte offset of the block in the body (ties the block to its event while passes run).
    pub(super) offset: usize,
}

/// What [`render_blocks`] found besides the new events.
#[derive(Debug, Default)]
pub struct Blocks {
    /// Mermaid blocks (their `line` and `event` are filled in by the caller).
    pub diagrams: Vec<DiagramBlock>,
    /// The other blocks' code.
    pub code: Vec<CodeText>,
    /// Whether any block was highlighted.
    pub highlighted: bool,
}

/// Replaces every code block with its final HTML.
pub fn render_blocks(
    events: Vec<Spanned>,
    highlight: bool,
    highlighter: &Highlighter,
) -> (Vec<Spanned>, Blocks) {
    let mut found = Blocks::default();
    let mut out = Vec::with_capacity(events.len());
    let mut iter = events.into_iter();
    while let Some((event, offset)) = iter.next() {
        let Event::Start(Tag::CodeBlock(kind)) = event else {
            out.push((event, offset));
            continue;
        };
        let mut code = String::new();
        for (e, _) in iter.by_ref() {
            match e {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(t) => code.push_str(&t),
                _ => {}
            }
        }
        let lang = match &kind {
            CodeBlockKind::Fenced(info) => info
                .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase(),
            CodeBlockKind::Indented => String::new(),
        };
        if lang == "mermaid" {
            found.diagrams.push(DiagramBlock {
                source: code.clone(),
                line: 0,
                event: 0,
                offset,
            });
        }
        let (html, lit) = block_html(&code, &lang, highlight, highlighter);
        found.highlighted |= lit;
        if lang != "mermaid" {
            found.code.push(CodeText {
                text: code,
                event: 0,
                offset,
            });
        }
        out.push((Event::Html(html.into()), offset));
    }
    (out, found)
}

/// A block's HTML, and whether it is highlighted.
fn block_html(
    code: &str,
    lang: &str,
    highlight: bool,
    highlighter: &Highlighter,
) -> (String, bool) {
    // Until the diagram stage replaces it, a diagram is source for mermaid.js.
    if lang == "mermaid" {
        return (
            format!("<pre class=\"mermaid\">{}</pre>\n", escape_html(code)),
            false,
        );
    }
    let lang_attr = escape_html(lang);
    let body = highlight
        .then(|| highlighter.highlight(code, lang))
        .flatten();
    let html = match (&body, lang.is_empty()) {
        (Some(body), _) => format!(
            "<pre class=\"code highlighted\" data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">{body}</code></pre>\n"
        ),
        (None, false) => format!(
            "<pre class=\"code\" data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">{}</code></pre>\n",
            escape_html(code)
        ),
        (None, true) => format!(
            "<pre class=\"code\"><code>{}</code></pre>\n",
            escape_html(code)
        ),
    };
    (html, body.is_some())
}

#[cfg(test)]
mod tests {
    use super::super::tests::html_of;
    use super::*;

    #[test]
    fn known_language_is_highlighted_with_short_classes() {
        let h = Highlighter::default();
        let html = h
            .highlight("pub fn main() { let x = 1; }\n", "rust")
            .unwrap();
        assert_eq!(
            html,
            "<span class=\"k\">pub</span> <span class=\"kt\">fn</span> <span class=\"nf\">main</span>() { \
             <span class=\"kt\">let</span> x <span class=\"o\">=</span> <span class=\"m\">1</span>; }\n"
        );
        assert!(h.highlight("x\n", "bash").is_some());
        assert!(h.highlight("a: 1\n", "yml").is_some());
        assert_eq!(h.stats().highlighted, 3);
    }

    #[test]
    fn classes_the_stylesheet_does_not_colour_are_left_out() {
        let h = Highlighter::default()
            .coloring(ClassSet::NONE.with(super::super::code_classes::TokenClass::Number));
        let html = h.highlight("let x = 1;\n", "rust").unwrap();
        assert_eq!(html, "let x = <span class=\"m\">1</span>;\n");
    }

    #[test]
    fn a_line_seen_again_is_highlighted_the_same() {
        let h = Highlighter::default();
        let code = "{\n  \"a\": {\n    \"a\": 1,\n    \"a\": 1\n  },\n  \"a\": 1\n}\n";
        let first = h.highlight(code, "json").unwrap();
        let again = h.highlight(code, "json").unwrap();
        let fresh = Highlighter::default().highlight(code, "json").unwrap();
        assert_eq!(first, again);
        assert_eq!(first, fresh);
        assert!(first.contains("<span class=\"ky\">\"a\"</span>"), "{first}");
    }

    /// Parses one fenced block with highlighting on, in a thread given 20 s (syntect has hung
    /// on some code), and says whether it was highlighted.
    fn highlighted_in_time(lang: &str, code: &str) -> bool {
        let md = format!("```{lang}\n{code}```\n");
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let options = super::super::ParseOptions {
                highlight_code: true,
                ..Default::default()
            };
            let parsed = super::super::parse(&md, 0, &options, &Highlighter::default());
            let _ = done.send(parsed.has_code);
        });
        finished
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("highlighting returns")
    }

    #[test]
    fn deeply_nested_javascript_is_shown_plain_instead_of_hanging() {
        let highlighted = highlighted_in_time("js", &"f(() => {\n".repeat(16));
        assert!(!highlighted, "shown as plain code");
        let shallow = Highlighter::default().highlight(&"f(() => {\n".repeat(8), "js");
        assert!(
            shallow.is_some(),
            "code nested 16 deep is still highlighted"
        );
    }

    #[test]
    fn brackets_closed_by_another_kind_still_count_as_open() {
        // The fuzz-found hang: TSX lines that open `(` and close `]`.
        let highlighted = highlighted_in_time("tsx", &"\tif (tex];\n".repeat(40));
        assert!(!highlighted, "shown as plain code");
        assert_eq!(super::bracket_depth("f([x], {a: (1)})"), 3);
    }

    #[test]
    fn unknown_language_is_escaped_plain_code() {
        let html = html_of("```nosuchlang\n<b>&\n```\n");
        assert!(
            html.contains("<code class=\"language-nosuchlang\">&lt;b&gt;&amp;\n</code>"),
            "{html}"
        );
    }

    #[test]
    fn mermaid_is_left_as_source() {
        let html = html_of("```mermaid\ngraph TD\nA-->B\n```\n");
        assert!(
            html.contains("<pre class=\"mermaid\">graph TD\nA--&gt;B\n</pre>"),
            "{html}"
        );
    }

    #[test]
    fn syntaxes_load_only_when_needed() {
        let h = Highlighter::default();
        let _ = super::super::parse("no code here", 0, &Default::default(), &h);
        assert!(!h.is_loaded());
        let options = super::super::ParseOptions {
            highlight_code: true,
            ..Default::default()
        };
        let _ = super::super::parse("```rust\nfn x(){}\n```", 0, &options, &h);
        assert!(h.is_loaded());
    }
}
