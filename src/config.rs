//! Site configuration: `studysite.toml` at the site root, parsed from a string so tests can
//! build configs inline. Unknown keys are warnings, not errors, so an old config keeps working.

use crate::diagnostics::{Diagnostic, line_col};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "studysite.toml";

/// Everything a site can configure. Built with [`Config::parse`] or [`Config::default`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// The site's name, shown in the header and in page titles.
    pub title: String,
    /// One sentence about the site, used for the home page and `<meta name="description">`.
    pub description: String,
    /// Where the site will be hosted, e.g. `https://user.example.io/aws-notes/`; a path such as
    /// `/` or `/notes/` works for sites that do not need absolute URLs.
    pub base_url: String,
    /// The `lang` of the pages.
    pub language: String,
    /// Shown in the footer and in page metadata when set.
    pub author: Option<String>,
    /// The folder of notes, relative to the site root.
    pub content_dir: PathBuf,
    /// Where the built site goes, relative to the site root.
    pub output_dir: PathBuf,
    /// Whether notes marked `draft: true` are built.
    pub drafts: bool,
    /// Where a note's title comes from when its front matter has none.
    pub title_from: TitleFrom,
    /// Links end in `/` (pretty URLs, for servers) instead of `index.html` (which also works
    /// from a folder opened on disk).
    pub pretty_urls: bool,
    /// Files left out of the site, notes and attachments alike: gitignore-style globs over
    /// content paths (`drafts/**`, `*.bak`, `private/`).
    pub exclude: Vec<String>,
    /// Whether files in the content folder that no note links or embeds are published.
    pub publish_unreferenced: bool,
    /// Markdown and code highlighting.
    pub markdown: MarkdownConfig,
    /// Mermaid diagrams.
    pub mermaid: MermaidConfig,
    /// Full-text search.
    pub search: SearchConfig,
    /// `[cards]`: flashcards.
    pub cards: CardsConfig,
    /// `[feed]`: the Atom feed of recently changed notes.
    pub feed: FeedConfig,
    /// `[print]`: the sections' print sheets.
    pub print: PrintConfig,
    /// Free-form values handed to templates as `site.extra`.
    pub extra: toml::Table,
}

/// The `[markdown]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MarkdownConfig {
    /// Highlight fenced code at build time.
    pub highlight_code: bool,
    /// syntect theme for the light colour scheme.
    pub highlight_theme_light: String,
    /// syntect theme for the dark colour scheme.
    pub highlight_theme_dark: String,
    /// Turn straight quotes and `--` into typographic ones.
    pub smart_punctuation: bool,
    /// A file of TeX macro definitions every formula knows, relative to the site root
    /// (default: `preamble.sty` in the content folder, if there is one, as Obsidian's
    /// Extended MathJax plugin reads it).
    pub math_preamble: Option<String>,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        Self {
            highlight_code: true,
            highlight_theme_light: "InspiredGitHub".into(),
            highlight_theme_dark: "base16-ocean.dark".into(),
            smart_punctuation: false,
            math_preamble: None,
        }
    }
}

/// Where a note's title comes from when its front matter has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TitleFrom {
    /// The file name in an Obsidian vault (as Obsidian shows it), else the `# heading` the
    /// note opens with, else the file name.
    #[default]
    Auto,
    /// Always the file name.
    Filename,
    /// The `# heading` the note opens with, else the file name.
    Heading,
}

/// Where mermaid diagrams are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MermaidRenderer {
    /// At build time, into inline SVG; a diagram the built-in renderer cannot draw well is
    /// shown as its source, or drawn by mermaid.js when `mermaid.script` is set (with a
    /// warning either way).
    #[default]
    Native,
    /// Always in the browser with mermaid.js (needs `mermaid.script`).
    Browser,
}

/// The `[mermaid]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MermaidConfig {
    /// `native` (build time, the default) or `browser`.
    pub renderer: MermaidRenderer,
    /// mermaid.js for diagrams drawn in the browser: a file path relative to the site root
    /// (copied into the site, so it works offline), or an `https://` URL. Unset (the default):
    /// no page loads mermaid.js, and a diagram the built-in renderer cannot draw is shown as
    /// its source.
    pub script: Option<String>,
    /// `auto` follows the site's light/dark theme; `default`, `neutral`, `forest` or `dark`
    /// draw every diagram in that fixed mermaid theme.
    pub theme: String,
    /// Where rendered diagrams are cached, relative to the site root. Unset: `.studysite-cache/`
    /// in the site root, or the user's cache folder when the notes folder is the site root.
    pub cache_dir: Option<PathBuf>,
    /// Whether rendered diagrams are cached on disk at all.
    pub cache: bool,
    /// Most nodes one diagram may have before it is not drawn at build time.
    pub max_nodes: usize,
    /// Most edges one diagram may have before it is not drawn at build time.
    pub max_edges: usize,
    /// Most seconds the layout of one diagram may take.
    pub time_limit: f64,
}

impl MermaidConfig {
    /// The per-diagram budget these settings give.
    pub fn budget(&self) -> crate::diagrams::Budget {
        crate::diagrams::Budget {
            max_nodes: self.max_nodes,
            max_edges: self.max_edges,
            time: std::time::Duration::from_secs_f64(self.time_limit.clamp(0.0, 3600.0)),
        }
    }
}

impl Default for MermaidConfig {
    fn default() -> Self {
        Self {
            renderer: MermaidRenderer::Native,
            script: None,
            theme: "auto".into(),
            cache_dir: None,
            cache: true,
            max_nodes: 2_000,
            max_edges: 4_000,
            time_limit: 2.0,
        }
    }
}

/// The `[search]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchConfig {
    /// Whether the site gets a search box, a results page and an index.
    pub enabled: bool,
    /// Notes left out of the index: globs over content paths (`private/**`, `**/draft-*.md`).
    /// A note can also leave itself out with `search: false` in its front matter.
    pub exclude: Vec<String>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            exclude: Vec::new(),
        }
    }
}

/// `[cards]`: which notes hold flashcards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CardsConfig {
    /// Tags that mark a note as a deck (the Spaced Repetition plugin's "flashcard tags"):
    /// `::`, `?` lines and `==highlights==` are cards there, and `#tag/A/B` names the deck.
    pub deck_tags: Vec<String>,
}

impl Default for CardsConfig {
    fn default() -> Self {
        Self {
            deck_tags: vec!["flashcards".into()],
        }
    }
}

/// `[feed]`: the Atom feed (`feed.xml`) of the most recently changed notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedConfig {
    /// Whether to write the feed. Unset, it is written when `base_url` has a host (a feed
    /// needs absolute URLs); set to `true` without one, the build warns that there is none.
    pub enabled: Option<bool>,
    /// How many notes the feed lists.
    pub limit: usize,
}

impl Default for FeedConfig {
    fn default() -> Self {
        Self {
            enabled: None,
            limit: 20,
        }
    }
}

/// `[print]`: a print sheet (`print.html`) beside every section page, with all its notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrintConfig {
    /// Whether sections get print sheets. They repeat every note's body once per folder above
    /// it (a third more output on the shared 1,000-note corpus), so a big vault may turn them off.
    pub enabled: bool,
}

impl Default for PrintConfig {
    fn default() -> Self {
        Self { enabled: true }
    }
}

/// The mermaid themes `mermaid.theme` accepts.
pub const MERMAID_THEMES: &[&str] = &["auto", "default", "neutral", "forest", "dark"];

impl Default for Config {
    fn default() -> Self {
        Self {
            title: "Study notes".into(),
            description: String::new(),
            base_url: "/".into(),
            language: "en".into(),
            author: None,
            content_dir: "content".into(),
            output_dir: "public".into(),
            drafts: false,
            title_from: TitleFrom::Auto,
            pretty_urls: false,
            exclude: Vec::new(),
            publish_unreferenced: false,
            markdown: MarkdownConfig::default(),
            mermaid: MermaidConfig::default(),
            search: SearchConfig::default(),
            cards: CardsConfig::default(),
            feed: FeedConfig::default(),
            print: PrintConfig::default(),
            extra: toml::Table::new(),
        }
    }
}

/// The keys each table accepts; used to warn about unknown ones with their position.
const KNOWN_TOP: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "author",
    "content_dir",
    "output_dir",
    "drafts",
    "title_from",
    "pretty_urls",
    "exclude",
    "publish_unreferenced",
    "markdown",
    "mermaid",
    "search",
    "cards",
    "feed",
    "print",
    "extra",
];
const KNOWN_MARKDOWN: &[&str] = &[
    "highlight_code",
    "highlight_theme_light",
    "highlight_theme_dark",
    "smart_punctuation",
    "math_preamble",
];
const KNOWN_MERMAID: &[&str] = &[
    "renderer",
    "script",
    "theme",
    "cache_dir",
    "cache",
    "max_nodes",
    "max_edges",
    "time_limit",
];
const KNOWN_SEARCH: &[&str] = &["enabled", "exclude"];
const KNOWN_CARDS: &[&str] = &["deck_tags"];
const KNOWN_FEED: &[&str] = &["enabled", "limit"];
const KNOWN_PRINT: &[&str] = &["enabled"];

impl Config {
    /// Parses the text of a `studysite.toml`. `file` is only used to name the file in
    /// diagnostics. Returns the config and its warnings, or the error that stops the build.
    pub fn parse(text: &str, file: &Path) -> Result<(Config, Vec<Diagnostic>), Diagnostic> {
        let table: toml::de::DeTable = match toml::de::DeTable::parse(text) {
            Ok(t) => t.into_inner(),
            Err(e) => return Err(toml_error(text, file, &e)),
        };
        let mut warnings = Vec::new();
        for (key, value) in &table {
            let name = key.get_ref().as_ref();
            if !KNOWN_TOP.contains(&name) {
                let (line, col) = line_col(text, key.span().start);
                warnings.push(Diagnostic::warning(
                    file,
                    line,
                    col,
                    format!("unknown configuration key `{name}` (ignored)"),
                ));
                continue;
            }
            let known_sub = match name {
                "markdown" => KNOWN_MARKDOWN,
                "mermaid" => KNOWN_MERMAID,
                "search" => KNOWN_SEARCH,
                "cards" => KNOWN_CARDS,
                "feed" => KNOWN_FEED,
                "print" => KNOWN_PRINT,
                _ => continue,
            };
            if let Some(sub_table) = value.get_ref().as_table() {
                for (k, _) in sub_table {
                    let sub = k.get_ref().as_ref();
                    if !known_sub.contains(&sub) {
                        let (line, col) = line_col(text, k.span().start);
                        warnings.push(Diagnostic::warning(
                            file,
                            line,
                            col,
                            format!("unknown configuration key `{name}.{sub}` (ignored)"),
                        ));
                    }
                }
            }
        }
        let mut config: Config = match toml::from_str::<Config>(text) {
            Ok(c) => c,
            Err(e) => return Err(toml_error(text, file, &e)),
        };
        config.base_url = normalize_base_url(&config.base_url).map_err(|msg| {
            let line = find_key_line(text, "base_url");
            Diagnostic::error(file, line, 0, msg)
        })?;
        if table.contains_key("base_url") && !config.has_host() {
            let line = find_key_line(text, "base_url");
            warnings.push(Diagnostic::warning(
                file,
                line,
                1,
                format!(
                    "`base_url = \"{}\"` has no host, so sitemap.xml is left out (a sitemap lists absolute URLs): set it to the published address, e.g. `https://you.example.io/notes/`, or remove it",
                    config.base_url
                ),
            ));
        }
        if config.content_dir.is_absolute() {
            let line = find_key_line(text, "content_dir");
            let msg = "`content_dir` must be a path relative to the site root";
            return Err(Diagnostic::error(file, line, 0, msg));
        }
        if config.output_dir.as_os_str().is_empty() {
            let line = find_key_line(text, "output_dir");
            return Err(Diagnostic::error(
                file,
                line,
                0,
                "`output_dir` must not be empty",
            ));
        }
        if !MERMAID_THEMES.contains(&config.mermaid.theme.as_str()) {
            let line = find_key_line(text, "theme");
            return Err(Diagnostic::error(
                file,
                line,
                0,
                format!(
                    "unknown `mermaid.theme` `{}`; use one of: {}",
                    config.mermaid.theme,
                    MERMAID_THEMES.join(", ")
                ),
            ));
        }
        if config
            .mermaid
            .script
            .as_deref()
            .is_some_and(|s| s.trim().is_empty())
        {
            let line = find_key_line(text, "script");
            return Err(Diagnostic::error(
                file,
                line,
                0,
                "`mermaid.script` must not be empty",
            ));
        }
        if config.mermaid.renderer == MermaidRenderer::Browser && config.mermaid.script.is_none() {
            let line = find_key_line(text, "renderer");
            return Err(Diagnostic::error(
                file,
                line,
                0,
                "`mermaid.renderer = \"browser\"` needs `mermaid.script`: a local mermaid.js (or a URL) for pages to load",
            ));
        }
        if !(config.mermaid.time_limit.is_finite() && config.mermaid.time_limit > 0.0) {
            let line = find_key_line(text, "time_limit");
            return Err(Diagnostic::error(
                file,
                line,
                0,
                "`mermaid.time_limit` must be a number of seconds above 0",
            ));
        }
        if let Some(bad) = config
            .exclude
            .iter()
            .find(|g| g.trim().is_empty() || g.starts_with('/'))
        {
            let line = find_key_line(text, "exclude");
            return Err(Diagnostic::error(
                file,
                line,
                0,
                format!("`exclude` globs are paths relative to the content folder, got `{bad}`"),
            ));
        }
        if let Some(bad) = config
            .search
            .exclude
            .iter()
            .find(|g| g.trim().is_empty() || g.starts_with('/'))
        {
            let line = find_key_line(text, "exclude");
            return Err(Diagnostic::error(
                file,
                line,
                0,
                format!(
                    "`search.exclude` globs are paths relative to the content folder, got `{bad}`"
                ),
            ));
        }
        Ok((config, warnings))
    }

    /// The path part of `base_url`, always starting and ending with `/` (e.g. `/aws-notes/`).
    /// Every link the site writes starts with it, so a project site under a sub-path works.
    pub fn base_path(&self) -> &str {
        match self.base_url.find("://") {
            Some(i) => {
                let after = &self.base_url[i + 3..];
                after.find('/').map_or("/", |j| &after[j..])
            }
            None => &self.base_url,
        }
    }

    /// Whether `base_url` names a host (`https://…/`), so absolute URLs can be written.
    pub fn has_host(&self) -> bool {
        self.base_url
            .split_once("://")
            .is_some_and(|(_, rest)| !rest.trim_start_matches('/').is_empty())
    }

    /// An absolute URL for a site path such as `ec2/pricing/` (for the sitemap), or the
    /// root-relative path when `base_url` has no host.
    pub fn absolute_url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

fn toml_error(text: &str, file: &Path, e: &toml::de::Error) -> Diagnostic {
    let (line, col) = e.span().map_or((0, 0), |s| line_col(text, s.start));
    let message = e.message().trim().to_string();
    Diagnostic::error(file, line, col, format!("invalid TOML: {message}"))
}

fn find_key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(0, |i| i + 1)
}

/// Checks a `base_url` and gives it a trailing slash.
pub fn normalize_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let ok = url.starts_with('/') || url.starts_with("http://") || url.starts_with("https://");
    if !ok {
        return Err(format!(
            "`base_url` must start with `http://`, `https://` or `/`, got `{url}`"
        ));
    }
    if url.contains(['?', '#', ' ']) {
        return Err(format!(
            "`base_url` must not contain a query, fragment or space: `{url}`"
        ));
    }
    let mut url = url.to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(Config, Vec<Diagnostic>), Diagnostic> {
        Config::parse(text, Path::new("studysite.toml"))
    }

    #[test]
    fn empty_config_gives_defaults() {
        let (config, warnings) = parse("").unwrap();
        assert_eq!(config, Config::default());
        assert!(warnings.is_empty());
    }

    #[test]
    fn can_parse_a_full_config() {
        let (config, warnings) = parse(
            r#"
title = "AWS notes"
description = "Exam prep"
base_url = "https://user.example.io/aws-notes"
language = "fr"
output_dir = "dist"
[markdown]
highlight_code = false
[extra]
accent = "teal"
"#,
        )
        .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.title, "AWS notes");
        assert_eq!(config.base_url, "https://user.example.io/aws-notes/");
        assert_eq!(config.base_path(), "/aws-notes/");
        assert_eq!(config.output_dir, PathBuf::from("dist"));
        assert!(!config.markdown.highlight_code);
        assert_eq!(config.extra["accent"].as_str(), Some("teal"));
    }

    #[test]
    fn warns_on_unknown_keys_with_their_line() {
        let (config, warnings) =
            parse("title = \"x\"\ncolour = \"red\"\n[markdown]\nhighlite = true\n").unwrap();
        assert_eq!(config.title, "x");
        let shown: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            shown,
            [
                "studysite.toml:2:1: warning: unknown configuration key `colour` (ignored)",
                "studysite.toml:4:1: warning: unknown configuration key `markdown.highlite` (ignored)"
            ]
        );
    }

    #[test]
    fn mermaid_table_is_read_checked_and_warns_on_unknown_keys() {
        let (config, warnings) = parse(
            "[mermaid]\nrenderer = \"browser\"\nscript = \"vendor/mermaid.min.js\"\ntheme = \"forest\"\ncache = false\ncolour = 1\n",
        )
        .unwrap();
        assert_eq!(config.mermaid.renderer, MermaidRenderer::Browser);
        assert_eq!(
            config.mermaid.script.as_deref(),
            Some("vendor/mermaid.min.js")
        );
        assert_eq!(config.mermaid.theme, "forest");
        assert!(!config.mermaid.cache);
        let shown: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            shown,
            ["studysite.toml:6:1: warning: unknown configuration key `mermaid.colour` (ignored)"]
        );
        let err = parse("[mermaid]\n\ntheme = \"sepia\"\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("auto, default"), "{}", err.message);
        let err = parse("[mermaid]\nrenderer = \"wasm\"\n").unwrap_err();
        assert_eq!(err.line, 2);
    }

    #[test]
    fn mermaid_needs_no_network_by_default_and_browser_mode_needs_a_script() {
        let config = Config::default();
        assert_eq!(config.mermaid.script, None);
        let err = parse("[mermaid]\nrenderer = \"browser\"\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.message.contains("needs `mermaid.script`"),
            "{}",
            err.message
        );
        let (config, _) =
            parse("[mermaid]\nmax_nodes = 50\nmax_edges = 60\ntime_limit = 0.5\n").unwrap();
        let budget = config.mermaid.budget();
        assert_eq!((budget.max_nodes, budget.max_edges), (50, 60));
        assert_eq!(budget.time, std::time::Duration::from_millis(500));
        let err = parse("[mermaid]\ntime_limit = 0\n").unwrap_err();
        assert!(err.message.contains("time_limit"), "{}", err.message);
    }

    #[test]
    fn search_table_is_read_and_checked() {
        let (config, warnings) =
            parse("[search]\nenabled = false\nexclude = [\"private/**\"]\nfuzzy = 2\n").unwrap();
        assert!(!config.search.enabled);
        assert_eq!(config.search.exclude, ["private/**"]);
        let shown: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            shown,
            ["studysite.toml:4:1: warning: unknown configuration key `search.fuzzy` (ignored)"]
        );
        assert!(parse("").unwrap().0.search.enabled);
        let err = parse("[search]\n\nexclude = [\"/abs/**\"]\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(parse("[search]\nexclude = \"x\"\n").is_err());
    }

    #[test]
    fn invalid_toml_reports_line_and_column() {
        let err = parse("title = \"x\"\nbase_url = https://x\n").unwrap_err();
        assert_eq!((err.line, err.col), (2, 12));
        assert!(err.message.starts_with("invalid TOML"), "{}", err.message);
    }

    #[test]
    fn wrong_type_is_an_error_with_position() {
        let err = parse("\n\ndrafts = \"yes\"\n").unwrap_err();
        assert_eq!(err.line, 3);
    }

    #[test]
    fn base_url_must_be_a_url_or_path() {
        let err = parse("base_url = \"example.com\"").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.contains("base_url"));
        let (c, _) = parse("base_url = \"/notes\"").unwrap();
        assert_eq!(c.base_path(), "/notes/");
        let (c, _) = parse("base_url = \"https://example.com\"").unwrap();
        assert_eq!(c.base_path(), "/");
        assert_eq!(c.absolute_url("a/b/"), "https://example.com/a/b/");
    }
}
