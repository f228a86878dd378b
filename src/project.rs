//! A site's folders and configuration: where the notes, templates, static files, output and
//! caches are, read once from `studysite.toml` and the command line. Refuses output folders whose
//! replacement would delete the user's own files.

use crate::build::BuildOptions;
use crate::config::{CONFIG_FILE, Config, normalize_base_url};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::diagrams::{self, Cache, DiagramOptions, DiagramTheme};
use crate::markdown::{Highlighter, ParseOptions};
use crate::vault::LoadOptions;
use std::path::{Path, PathBuf};

/// A site's folders and configuration.
#[derive(Debug, Clone)]
pub struct Project {
    /// The site root.
    pub root: PathBuf,
    /// The configuration (defaults when there is no config file).
    pub config: Config,
    /// The notes.
    pub content_dir: PathBuf,
    /// Where the site is written.
    pub output_dir: PathBuf,
    /// Template overrides.
    pub templates_dir: PathBuf,
    /// Static files copied as they are.
    pub static_dir: PathBuf,
}

impl Project {
    /// Reads the config and works out the folders. Config errors come back as diagnostics.
    pub fn open(options: &BuildOptions) -> Result<(Project, Diagnostics), Diagnostics> {
        // Absolute paths, so they compare with what the file watcher reports.
        let root = absolute(&options.root);
        let fail = |message: String| {
            let mut d = Diagnostics::new();
            d.push(Diagnostic::error(root.clone(), 0, 0, message));
            d
        };
        if !root.is_dir() {
            return Err(fail("site folder not found".into()));
        }
        let config_path = root.join(CONFIG_FILE);
        let mut diagnostics = Diagnostics::new();
        let has_config = config_path.is_file();
        let mut config = if has_config {
            let text = std::fs::read_to_string(&config_path)
                .map_err(|e| fail(format!("cannot read {CONFIG_FILE}: {e}")))?;
            match Config::parse(&text, Path::new(CONFIG_FILE)) {
                Ok((config, warnings)) => {
                    diagnostics.extend(warnings);
                    config
                }
                Err(e) => {
                    let mut d = Diagnostics::new();
                    d.push(e);
                    return Err(d);
                }
            }
        } else {
            Config::default()
        };
        if let Some(url) = &options.base_url {
            config.base_url =
                normalize_base_url(url).map_err(|m| fail(format!("--base-url: {m}")))?;
        }
        config.drafts |= options.drafts;
        let mut content_dir = root.join(&config.content_dir);
        if !content_dir.is_dir() {
            if has_config {
                return Err(fail(format!(
                    "content folder `{}` not found (set `content_dir` in {CONFIG_FILE})",
                    config.content_dir.display()
                )));
            }
            // A bare folder of notes: the folder itself is the content.
            content_dir = root.clone();
        }
        let output_dir = match &options.output {
            Some(o) => absolute(o),
            None => root.join(&config.output_dir),
        };
        let project = Project {
            templates_dir: root.join("templates"),
            static_dir: root.join("static"),
            root: root.clone(),
            config,
            content_dir,
            output_dir,
        };
        project.check_output_dir().map_err(fail)?;
        if let Some(cache) = project.diagram_cache_dir()
            && absolute(&cache).starts_with(absolute(&project.content_dir))
        {
            let message = format!(
                "`mermaid.cache_dir` {} is inside the content folder; choose a folder outside it",
                cache.display()
            );
            return Err(Diagnostics::from_iter([Diagnostic::error(
                CONFIG_FILE,
                0,
                0,
                message,
            )]));
        }
        Ok((project, diagnostics))
    }

    /// Refuses output folders whose replacement would delete the user's own files: the site
    /// or content folder or anything that holds them, and the static or templates folders in
    /// either direction.
    fn check_output_dir(&self) -> Result<(), String> {
        let output = absolute(&self.output_dir);
        let refuse = |name: &str| {
            Err(format!(
                "output folder {} would replace {name}; choose another output folder",
                self.output_dir.display()
            ))
        };
        if absolute(&self.root).starts_with(&output) {
            return refuse("the site folder");
        }
        if absolute(&self.content_dir).starts_with(&output) {
            return refuse("the content folder");
        }
        for (dir, name) in [
            (&self.static_dir, "the static folder"),
            (&self.templates_dir, "the templates folder"),
        ] {
            let dir = absolute(dir);
            if dir.starts_with(&output) || output.starts_with(&dir) {
                return refuse(name);
            }
        }
        Ok(())
    }

    /// How to load this project's notes.
    pub fn load_options(&self) -> LoadOptions<'_> {
        let output = absolute(&self.output_dir);
        let content = absolute(&self.content_dir);
        let exclude = if output.starts_with(&content) {
            vec![
                self.content_dir
                    .join(output.strip_prefix(&content).unwrap_or(Path::new(""))),
            ]
        } else {
            Vec::new()
        };
        LoadOptions {
            content_dir: &self.content_dir,
            display_root: &self.root,
            exclude,
            drafts: self.config.drafts,
        }
    }

    /// Where caches go: `.studysite-cache/` in the site root or, when the notes folder is the
    /// site root (a bare folder of notes, which must not be written into), the user's cache
    /// folder.
    pub fn cache_root(&self) -> Option<PathBuf> {
        let root = absolute(&self.root);
        let content = absolute(&self.content_dir);
        // [highlight hook] Caches are keyed by content only, so every bare folder of notes
        // shares one user cache (no folder named after the vault's path: a moved vault stays
        // warm), and no cache is ever inside the notes.
        if root.starts_with(&content) {
            return diagrams::user_cache_dir()
                .map(|dir| dir.join("studysite"))
                .filter(|dir| !absolute(dir).starts_with(&content));
        }
        Some(self.root.join(".studysite-cache"))
    }

    /// Where rendered diagrams are cached: the configured folder, else `mermaid/` in the
    /// [cache root](Project::cache_root). `None` when caching is off.
    pub fn diagram_cache_dir(&self) -> Option<PathBuf> {
        let mermaid = &self.config.mermaid;
        if !mermaid.cache {
            return None;
        }
        if let Some(dir) = &mermaid.cache_dir {
            return Some(self.root.join(dir));
        }
        self.cache_root().map(|dir| dir.join("mermaid"))
    }

    /// A highlighter that reuses the code highlighted by earlier builds (the cache file is
    /// `highlight.bin` in the [cache root](Project::cache_root)).
    pub fn highlighter(&self) -> Highlighter {
        let md = &self.config.markdown;
        let highlighter = match self.cache_root() {
            Some(dir) if md.highlight_code => Highlighter::with_cache(dir.join("highlight.bin")),
            _ => Highlighter::default(),
        };
        // [highlight hook] Spans only for the token classes the configured themes colour (an
        // unknown theme is reported when the code stylesheet is written).
        match crate::theme::colored_classes(&md.highlight_theme_light, &md.highlight_theme_dark) {
            Ok(colored) => highlighter.coloring(colored),
            Err(_) => highlighter,
        }
    }

    /// How this project's diagrams are drawn.
    pub fn diagram_options(&self) -> DiagramOptions {
        DiagramOptions {
            renderer: self.config.mermaid.renderer,
            theme: DiagramTheme::from_config(&self.config.mermaid.theme),
            cache: self.diagram_cache_dir().map(Cache::new),
        }
    }

    /// How to parse this project's notes.
    pub fn parse_options(&self) -> ParseOptions {
        ParseOptions {
            smart_punctuation: self.config.markdown.smart_punctuation,
            highlight_code: self.config.markdown.highlight_code,
            base_path: self.config.base_path().to_string(),
        }
    }
}

/// A path made absolute against the current folder, with `.` and `..` folded, without touching
/// the file system beyond the existing prefix.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    if let Ok(canonical) = joined.canonicalize() {
        return canonical;
    }
    match (joined.parent(), joined.file_name()) {
        (Some(parent), Some(name)) => absolute(parent).join(name),
        _ => joined,
    }
}
