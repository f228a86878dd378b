//! A site's folders and configuration: where the notes, templates, static files, output and
//! caches are, read once from `studysite.toml` and the command line. Refuses output folders whose
//! replacement would delete the user's own files.

use crate::build::BuildOptions;
use crate::config::{CONFIG_FILE, Config, normalize_base_url};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::diagrams::{self, Cache, DiagramOptions};
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
    /// A bare folder of notes (no `studysite.toml`, no `content/`): the folder is the content.
    pub bare: bool,
    /// The notes are an Obsidian vault (a `.obsidian/` folder at or above the content folder).
    pub obsidian: bool,
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
        let bare = content_dir == root;
        let obsidian = absolute(&content_dir)
            .ancestors()
            .any(|dir| dir.join(".obsidian").is_dir());
        let project = Project {
            obsidian,
            templates_dir: root.join("templates"),
            static_dir: root.join("static"),
            root: root.clone(),
            config,
            content_dir,
            output_dir,
            bare,
        };
        project.check_output_dir().map_err(fail)?;
        let config_error = |message: String| {
            Diagnostics::from_iter([Diagnostic::error(CONFIG_FILE, 0, 0, message)])
        };
        if let Some(cache) = project.diagram_cache_dir()
            && absolute(&cache).starts_with(absolute(&project.content_dir))
        {
            return Err(config_error(format!(
                "`mermaid.cache_dir` {} is inside the content folder; choose a folder outside it",
                cache.display()
            )));
        }
        match project.check_script() {
            Ok(warning) => diagnostics.extend(warning),
            Err(message) => return Err(config_error(message)),
        }
        if !absolute(&project.content_dir).starts_with(absolute(&project.root)) {
            diagnostics.push(Diagnostic::warning(
                CONFIG_FILE,
                0,
                0,
                format!(
                    "`content_dir` is outside the site folder: publishing the notes in {}",
                    absolute(&project.content_dir).display()
                ),
            ));
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

    /// Whether the output folder sits inside the content folder as a folder of studysite's own
    /// (a bare folder of notes building into its `public/`): then it is not read as notes.
    fn output_is_ours_inside_content(&self) -> bool {
        let output = absolute(&self.output_dir);
        output.starts_with(absolute(&self.content_dir)) && is_ours_or_new(&output)
    }

    /// Why the build must not write to the output folder, if it must not: the folder is
    /// inside the notes (other than a bare folder of notes' own `public/`).
    pub fn output_refusal(&self) -> Option<String> {
        let output = absolute(&self.output_dir);
        if !output.starts_with(absolute(&self.content_dir))
            || (self.bare && self.output_is_ours_inside_content())
        {
            return None;
        }
        if self.bare {
            let example = walkdir::WalkDir::new(&output)
                .min_depth(1)
                .sort_by_file_name()
                .into_iter()
                .flatten()
                .find(|e| e.file_type().is_file())
                .map(|e| {
                    crate::vault::display_path(e.path(), &self.root)
                        .display()
                        .to_string()
                })
                .unwrap_or_default();
            return Some(format!(
                "the output folder {} is part of your notes (it holds {example}) and not a studysite output, so nothing is written there; pass --output DIR to build somewhere else",
                crate::vault::display_path(&output, &self.root).display()
            ));
        }
        Some(format!(
            "output folder {} is inside the content folder {}; a build would write into your notes, so nothing is written; choose a folder outside it",
            self.output_dir.display(),
            self.content_dir.display()
        ))
    }

    /// A local `mermaid.script` must be a `.js` file (so that no other file is published by
    /// mistake); one outside the site folder is published with a warning that says so.
    fn check_script(&self) -> Result<Option<Diagnostic>, String> {
        let Some((_, source)) = diagrams::script_file(&self.config, &self.root) else {
            return Ok(None);
        };
        let real = absolute(&source);
        let js = real
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("js") || e.eq_ignore_ascii_case("mjs"));
        if !js {
            let place = if real.starts_with(absolute(&self.root)) {
                ""
            } else {
                " (and it is outside the site folder)"
            };
            return Err(format!(
                "`mermaid.script` {} is not a .js file{place}; nothing was published",
                source.display()
            ));
        }
        Ok((!real.starts_with(absolute(&self.root))).then(|| {
            Diagnostic::warning(
                CONFIG_FILE,
                0,
                0,
                format!(
                    "`mermaid.script` is outside the site folder: publishing {}",
                    real.display()
                ),
            )
        }))
    }

    /// How to load this project's notes.
    pub fn load_options(&self) -> LoadOptions<'_> {
        // The output folder is never read as notes when it is studysite's own; a symlink
        // leading into it is an error (see `vault::walk`).
        let output = absolute(&self.output_dir);
        let exclude = if is_ours_or_new(&output) || !output.starts_with(absolute(&self.content_dir))
        {
            vec![output]
        } else {
            Vec::new()
        };
        LoadOptions {
            content_dir: &self.content_dir,
            display_root: &self.root,
            exclude,
            drafts: self.config.drafts,
            // Issue 10 hook: files left out by `exclude` and the vault's settings.
            ignore: crate::vault::ignore::Ignore::new(
                &self.config.exclude,
                &absolute(&self.content_dir),
            ),
        }
    }

    /// Where caches go: `.studysite-cache/` in the site root or, when the notes folder is the
    /// site root (a bare folder of notes, which must not be written into), the user's cache
    /// folder.
    pub fn cache_root(&self) -> Option<PathBuf> {
        let root = absolute(&self.root);
        let content = absolute(&self.content_dir);
        // Caches are keyed by content only, so every bare folder of notes
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
        // Spans only for the token classes the configured themes colour (an
        // unknown theme is reported when the code stylesheet is written).
        match crate::theme::colored_classes(&md.highlight_theme_light, &md.highlight_theme_dark) {
            Ok(colored) => highlighter.coloring(colored),
            Err(_) => highlighter,
        }
    }

    /// How this project's diagrams are drawn.
    pub fn diagram_options(&self) -> DiagramOptions {
        // diagrams hook: the options come from the `[mermaid]` table.
        DiagramOptions::new(
            &self.config.mermaid,
            self.diagram_cache_dir().map(Cache::new),
        )
    }

    /// How to parse this project's notes.
    pub fn parse_options(&self) -> ParseOptions {
        ParseOptions {
            smart_punctuation: self.config.markdown.smart_punctuation,
            highlight_code: self.config.markdown.highlight_code,
            math_macros: std::sync::Arc::new(
                self.math_preamble().map(|(_, m)| m).unwrap_or_default(),
            ),
        }
    }

    /// The math preamble file, if the site has one: `markdown.math_preamble`, else
    /// `preamble.sty` at the top of the content folder.
    pub fn math_preamble_file(&self) -> Option<PathBuf> {
        match &self.config.markdown.math_preamble {
            Some(path) => Some(self.root.join(path)),
            None => Some(self.content_dir.join("preamble.sty")).filter(|p| p.is_file()),
        }
    }

    /// The macros of the math preamble, with the file they come from.
    fn math_preamble(&self) -> Option<(PathBuf, Vec<(String, String)>)> {
        let file = self.math_preamble_file()?;
        let text = std::fs::read_to_string(&file).ok()?;
        Some((file, crate::markdown::preamble_macros(&text).0))
    }

    /// What is wrong with the math preamble: each definition left out, as a warning at its
    /// line of the file.
    pub fn math_preamble_problems(&self) -> Vec<crate::diagnostics::Diagnostic> {
        use crate::diagnostics::Diagnostic;
        let Some(file) = self.math_preamble_file() else {
            return Vec::new();
        };
        let name = file
            .strip_prefix(&self.root)
            .unwrap_or(&file)
            .display()
            .to_string();
        match std::fs::read_to_string(&file) {
            Err(e) => vec![Diagnostic::warning(
                name,
                0,
                0,
                format!("cannot read the math preamble: {e}"),
            )],
            Ok(text) => crate::markdown::preamble_macros(&text)
                .1
                .into_iter()
                .map(|(line, problem)| {
                    Diagnostic::warning(
                        name.clone(),
                        line,
                        1,
                        format!("math preamble: definition left out: {problem}"),
                    )
                })
                .collect(),
        }
    }
}

/// Whether a folder is studysite's own output (it has a manifest) or does not exist yet.
fn is_ours_or_new(folder: &Path) -> bool {
    !folder.exists() || folder.join(crate::output::MANIFEST_FILE).is_file()
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
