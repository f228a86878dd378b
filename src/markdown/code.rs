//! Code blocks: highlighted at build time with syntect into CSS classes (one light and one dark
//! stylesheet colour them), plain escaped code for unknown languages, and mermaid blocks kept
//! as source (with where they are) for the diagram stage, which replaces them.

use super::code_cache::{self, CodeCache};
use super::{Spanned, escape_html};
use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use std::path::PathBuf;
use std::sync::OnceLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// The class prefix of highlighted tokens (`hl-keyword`), so they cannot clash with the theme.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Highlights code. The syntax definitions are loaded once, on the first code block, so sites
/// without code never pay for them; with a cache, blocks highlighted by an earlier build are
/// taken from it.
#[derive(Debug, Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
    cache: Option<CodeCache>,
}

impl Highlighter {
    /// A highlighter that reuses (and updates) the cache file at `path`.
    pub fn with_cache(path: PathBuf) -> Highlighter {
        Highlighter {
            syntaxes: OnceLock::new(),
            cache: Some(CodeCache::load(path)),
        }
    }

    /// Writes the cache back, if there is one and it changed.
    pub fn save_cache(&self) -> std::io::Result<()> {
        self.cache.as_ref().map_or(Ok(()), CodeCache::save)
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
        if is_plain(lang) {
            return None;
        }
        let key = self
            .cache
            .as_ref()
            .map(|_| code_cache::key(alias(lang), code));
        if let (Some(cache), Some(key)) = (&self.cache, key)
            && let Some(html) = cache.get(key)
        {
            return Some(html);
        }
        let html = self.highlight_uncached(code, lang)?;
        if let (Some(cache), Some(key)) = (&self.cache, key) {
            cache.put(key, &html);
        }
        Some(html)
    }

    fn highlight_uncached(&self, code: &str, lang: &str) -> Option<String> {
        let syntax = self.find(lang)?;
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, self.syntaxes(), CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            if generator
                .parse_html_for_line_which_includes_newline(line)
                .is_err()
            {
                return None;
            }
        }
        Some(generator.finalize())
    }
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

/// The stylesheet for one syntect theme, or why there is none.
pub fn theme_css(theme: &str) -> Result<String, String> {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let Some(found) = themes.themes.get(theme) else {
        let known: Vec<&str> = themes.themes.keys().map(String::as_str).collect();
        return Err(format!(
            "unknown highlight theme `{theme}`; available: {}",
            known.join(", ")
        ));
    };
    css_for_theme_with_class_style(found, CLASS_STYLE).map_err(|e| e.to_string())
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

/// Replaces every code block with its final HTML, and returns the mermaid blocks and the other
/// blocks' code (whose `line` and `event` are filled in by the caller).
pub fn render_blocks(
    events: Vec<Spanned>,
    highlight: bool,
    highlighter: &Highlighter,
) -> (Vec<Spanned>, Vec<DiagramBlock>, Vec<CodeText>) {
    let mut diagrams = Vec::new();
    let mut texts = Vec::new();
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
            diagrams.push(DiagramBlock {
                source: code.clone(),
                line: 0,
                event: 0,
                offset,
            });
        }
        let html = block_html(&code, &lang, highlight, highlighter);
        if lang != "mermaid" {
            texts.push(CodeText {
                text: code,
                event: 0,
                offset,
            });
        }
        out.push((Event::Html(html.into()), offset));
    }
    (out, diagrams, texts)
}

fn block_html(code: &str, lang: &str, highlight: bool, highlighter: &Highlighter) -> String {
    // Until the diagram stage replaces it, a diagram is source for mermaid.js.
    if lang == "mermaid" {
        return format!("<pre class=\"mermaid\">{}</pre>\n", escape_html(code));
    }
    let lang_attr = escape_html(lang);
    let body = highlight
        .then(|| highlighter.highlight(code, lang))
        .flatten();
    match (body, lang.is_empty()) {
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
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::html_of;
    use super::*;

    #[test]
    fn known_language_is_highlighted_with_classes() {
        let h = Highlighter::default();
        let html = h.highlight("fn main() {}\n", "rust").unwrap();
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(h.highlight("x\n", "bash").is_some());
        assert!(h.highlight("a: 1\n", "yml").is_some());
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

    #[test]
    fn theme_css_knows_default_themes() {
        assert!(theme_css("InspiredGitHub").unwrap().contains(".hl-"));
        assert!(theme_css("nope").unwrap_err().contains("available"));
    }
}
