//! `studysite init`: a new site with a config file and a first note. Templates and static files
//! are built into the binary, so a new site needs nothing else.

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};

const CONFIG: &str = r#"# studysite configuration. Every key is optional.
title = "My study notes"
description = "Notes, flashcards and diagrams for my exam"
# Where the site will be hosted (needed for sitemap.xml); a sub-path works.
# base_url = "https://you.example.io/notes/"
language = "en"

[markdown]
highlight_code = true
"#;

const FIRST_NOTE: &str = r#"---
title: Welcome
tags: [getting-started]
---
# Welcome

This is your first note. Every markdown file under `content/` becomes a page, and every
folder becomes a section in the sidebar.

## Writing notes

- Link to other notes with `[[Note name]]` or `[text](other-note.md)`.
- Headings get anchors, so `[see below](#flashcards)` works.
- Fenced code is highlighted when the site is built.

## Flashcards

### What does a heading that ends with #card become? #card

A flashcard: the heading is the question, the text under it the answer.
"#;

/// Creates `dir` with `studysite.toml` and `content/welcome.md`. Refuses to overwrite an
/// existing site. Returns the files created.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    let config = dir.join(crate::config::CONFIG_FILE);
    if config.exists() {
        bail!("{} already exists; not overwriting it", config.display());
    }
    let content = dir.join("content");
    fs::create_dir_all(&content).with_context(|| format!("cannot create {}", content.display()))?;
    let note = content.join("welcome.md");
    let mut created = Vec::new();
    fs::write(&config, CONFIG).with_context(|| format!("cannot write {}", config.display()))?;
    created.push(config);
    if !note.exists() {
        fs::write(&note, FIRST_NOTE).with_context(|| format!("cannot write {}", note.display()))?;
        created.push(note);
    }
    Ok(created)
}

/// `studysite init [--github-pages] DIR`: a new site ([`init`]); with `github_pages`, also
/// the GitHub Pages workflow ([`github_pages`]), and into an existing site the workflow alone.
pub fn init_with(dir: &Path, github_pages: bool) -> Result<Vec<PathBuf>> {
    let exists = dir.join(crate::config::CONFIG_FILE).exists();
    let mut created = if github_pages && exists {
        Vec::new()
    } else {
        init(dir)?
    };
    if github_pages {
        created.push(self::github_pages(dir)?);
    }
    Ok(created)
}

/// Writes the GitHub Pages workflow (`.github/workflows/pages.yml`) into `dir`, the root of
/// the repository that holds the site. Refuses to overwrite one.
pub fn github_pages(dir: &Path) -> Result<PathBuf> {
    let path = dir.join(crate::publish::workflow::PATH);
    if path.exists() {
        bail!("{} already exists; not overwriting it", path.display());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    fs::write(&path, crate::publish::workflow::pages_yml())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}
