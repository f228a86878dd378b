//! The `config` target: `studysite.toml` texts — every known key with values of every TOML
//! type, unknown keys and tables, and mutations of real configs — through `Config::parse`,
//! and a parsed config through what the build derives from it.

use super::Ctx;
use super::mutate::mutate;
use super::rng::Rng;
use std::path::Path;
use studysite::config::{Config, MermaidConfig};
use studysite::diagrams::DiagramOptions;

const TOP: &[&str] = &[
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
    "unknown",
    "Title",
    "base-url",
];
const MARKDOWN: &[&str] = &[
    "highlight_code",
    "highlight_theme_light",
    "highlight_theme_dark",
    "smart_punctuation",
    "x",
];
const MERMAID: &[&str] = &[
    "renderer",
    "script",
    "theme",
    "cache_dir",
    "cache",
    "max_nodes",
    "max_edges",
    "time_limit",
    "y",
];
const VALUES: &[&str] = &[
    "\"Study notes\"",
    "\"\"",
    "\" \"",
    "\"/\"",
    "\"/notes/\"",
    "\"https://example.com/sub\"",
    "\"http://x\"",
    "\"ftp://x\"",
    "\"https://a.b/?q#f\"",
    "\"relative\"",
    "\"../../x\"",
    "\"/etc/passwd\"",
    "\"../../../../etc/passwd\"",
    "\"content/sub\"",
    "\"content\"",
    "\"public\"",
    "\".\"",
    "\"..\"",
    "\"static\"",
    "\"templates\"",
    "\"native\"",
    "\"browser\"",
    "\"auto\"",
    "\"dark\"",
    "\"nope\"",
    "\"heading\"",
    "\"filename\"",
    "\"front_matter\"",
    "\"日本語 🦀\"",
    "\"\\u0000\"",
    "\"a\\nb\"",
    "'''multi\nline'''",
    "true",
    "false",
    "0",
    "-1",
    "1",
    "2000",
    "9223372036854775807",
    "-9223372036854775808",
    "1.5",
    "0.0",
    "-0.0",
    "1e400",
    "nan",
    "+inf",
    "-inf",
    "1e-300",
    "[]",
    "[1, \"a\"]",
    "{}",
    "{ a = 1 }",
    "2026-01-02",
    "2026-01-02T10:00:00Z",
    "10:00:00",
    "0x10",
    "0o7",
    "0b1",
    "1_000",
];

/// A config: generated or a real one, mutated now and then.
pub fn generate(rng: &mut Rng, ctx: &Ctx) -> String {
    let mut text = if rng.one_in(4) {
        rng.pick(&ctx.corpus.configs).clone()
    } else {
        generated(rng)
    };
    if rng.below(3) != 0 {
        let n = rng.range(1, 6);
        mutate(rng, &mut text, n, &ctx.corpus.configs);
    }
    text
}

fn generated(rng: &mut Rng) -> String {
    let mut out = String::new();
    let table = |rng: &mut Rng, out: &mut String, keys: &[&str]| {
        for _ in 0..rng.range(0, 6) {
            out.push_str(&format!("{} = {}\n", rng.pick(keys), rng.pick(VALUES)));
        }
    };
    table(rng, &mut out, TOP);
    let tables = [
        ("[markdown]", MARKDOWN),
        ("[mermaid]", MERMAID),
        ("[extra]", TOP),
        ("[extra.deep.er]", TOP),
        ("[[markdown]]", MARKDOWN),
        ("[unknown]", TOP),
    ];
    for _ in 0..rng.range(0, 3) {
        let (header, keys) = rng.pick(&tables);
        out.push_str(header);
        out.push('\n');
        table(rng, &mut out, keys);
    }
    if rng.one_in(10) {
        out.push_str("mermaid.max_nodes = 5\nmarkdown = { smart_punctuation = true }\n");
    }
    out
}

/// Parses the config; a config that parses must give a usable base path and diagram budget,
/// and an error must name a line of the file.
pub fn check(text: &str) -> Result<(), String> {
    let lines = text.lines().count() + 1;
    match Config::parse(text, Path::new("studysite.toml")) {
        Ok((config, warnings)) => {
            for w in &warnings {
                if w.line > lines {
                    return Err(format!("warning on line {} of {lines}", w.line));
                }
            }
            let base = config.base_path();
            if !base.starts_with('/') || !base.ends_with('/') {
                return Err(format!(
                    "base_path {base:?} of base_url {:?}",
                    config.base_url
                ));
            }
            config.absolute_url("a/b/");
            budget(&config.mermaid);
            Ok(())
        }
        Err(d) if d.line > lines => Err(format!(
            "error on line {} of {lines}: {}",
            d.line, d.message
        )),
        Err(_) => Ok(()),
    }
}

fn budget(mermaid: &MermaidConfig) {
    mermaid.budget();
    DiagramOptions::new(mermaid, None);
}
