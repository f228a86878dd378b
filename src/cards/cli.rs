//! `studysite cards list` and `studysite cards export`: the decks of a site on the terminal
//! (or as JSON), and Anki's text import format on standard output.

use crate::build::{BuildOptions, link_site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::cards::anki_export;
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// What a cards command prints: its output, and the problems found in the site.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// For standard output.
    pub text: String,
    /// For standard error.
    pub diagnostics: Diagnostics,
}

#[derive(Serialize)]
struct DeckJson<'a> {
    name: &'a str,
    title: &'a str,
    /// Cards with sub-decks.
    cards: usize,
    /// Cards filed directly in the deck.
    direct: usize,
}

#[derive(Serialize)]
struct ListJson<'a> {
    cards: usize,
    decks: Vec<DeckJson<'a>>,
    /// Cards to study per syntax.
    syntax: BTreeMap<&'static str, usize>,
    /// Flashcards as written per syntax.
    flashcards: BTreeMap<&'static str, usize>,
    tags: BTreeMap<&'a str, usize>,
}

fn open(
    options: &BuildOptions,
) -> Result<(crate::build::Project, crate::linked::Linked, Diagnostics)> {
    link_site(options).map_err(|d| {
        let text: Vec<String> = d
            .iter()
            .map(|d| format!("{}: {}", d.location(), d.message))
            .collect();
        anyhow::anyhow!("cannot open the site: {}", text.join("; "))
    })
}

/// `cards list`: every deck with its card count (`json`: as JSON, with counts per syntax).
pub fn list(options: &BuildOptions, json: bool) -> Result<Output> {
    let (_, linked, mut diagnostics) = open(options)?;
    let decks = &linked.taxonomy.decks;
    diagnostics.extend(decks.diagnostics.iter().cloned());
    let syntax = decks.by_syntax(&linked.site);
    let text = if json {
        let value = ListJson {
            cards: decks.cards.len(),
            decks: decks
                .decks
                .iter()
                .map(|d| DeckJson {
                    name: &d.name,
                    title: &d.title,
                    cards: d.total,
                    direct: d.cards.len(),
                })
                .collect(),
            syntax,
            flashcards: decks.flashcards_by_syntax(&linked.site),
            tags: decks
                .tags
                .iter()
                .map(|(t, l)| (t.as_str(), l.len()))
                .collect(),
        };
        serde_json::to_string_pretty(&value)? + "\n"
    } else {
        let width = decks
            .decks
            .iter()
            .map(|d| 2 * (d.path.len() - 1) + d.path.last().map_or(0, |p| p.chars().count()))
            .max()
            .unwrap_or(4)
            .max(4);
        let mut out = format!("{:width$}  {:>5}\n", "Deck", "Cards");
        for d in &decks.decks {
            let name = format!(
                "{}{}",
                "  ".repeat(d.path.len() - 1),
                d.path.last().map_or("", String::as_str)
            );
            out.push_str(&format!("{name:width$}  {:>5}\n", d.total));
        }
        let by: Vec<String> = syntax.iter().map(|(s, n)| format!("{s} {n}")).collect();
        out.push_str(&format!(
            "{} cards in {} decks ({})\n",
            decks.cards.len(),
            decks.decks.len(),
            by.join(", ")
        ));
        out
    };
    Ok(Output { text, diagnostics })
}

/// `cards export --format anki [--deck D] [--media DIR]`: the Anki text file for every card
/// (or a deck with its sub-decks); with `media`, the images the cards show are copied there.
pub fn export(options: &BuildOptions, deck: Option<&str>, media: Option<&Path>) -> Result<Output> {
    let (_, linked, mut diagnostics) = open(options)?;
    let decks = &linked.taxonomy.decks;
    diagnostics.extend(decks.diagnostics.iter().cloned());
    let list: Vec<usize> = match deck {
        None => (0..decks.cards.len()).collect(),
        Some(wanted) => {
            let w = wanted.trim().to_lowercase();
            let found = decks
                .decks
                .iter()
                .find(|d| d.name.to_lowercase() == w || d.title.to_lowercase() == w || d.slug == w);
            match found {
                Some(d) => decks.cards_under(d),
                None => {
                    let names: Vec<&str> = decks.decks.iter().map(|d| d.name.as_str()).collect();
                    anyhow::bail!(
                        "no deck `{wanted}`; the decks are: {}",
                        if names.is_empty() {
                            "(none: the site has no flashcards)".to_string()
                        } else {
                            names.join(", ")
                        }
                    );
                }
            }
        }
    };
    let export = anki_export(&linked.site, &linked.graph, decks, &list);
    if let Some(dir) = media {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for (name, path) in &export.media {
            let Some(asset) = linked.site.assets.get(path) else {
                diagnostics.push(Diagnostic::warning(
                    path,
                    0,
                    0,
                    "image not found for Anki media",
                ));
                continue;
            };
            std::fs::copy(&asset.source, dir.join(name))
                .with_context(|| format!("cannot copy {} into {}", path, dir.display()))?;
        }
    }
    Ok(Output {
        text: export.text,
        diagnostics,
    })
}
